//! A consumer's GraphQL interactions checked against the provider's schema (SDL), without a
//! running provider: the operation is validated against the schema (each selected field and
//! argument exists, variables are used where their types fit), the example variables fit their
//! declared types, and the answer the consumer's example relies on is what the schema can give
//! (each field selected, its value of the field's type, lists where the schema has lists, and
//! no `null` where the schema promises a value).

use accord_core::{HttpRequest, HttpResponse};
use apollo_compiler::executable::{ExecutableDocument, Selection, SelectionSet};
use apollo_compiler::schema::ExtendedType;
use apollo_compiler::validation::Valid;
use apollo_compiler::{Name, Schema};
use serde_json::Value;

use crate::error::GraphqlError;
use crate::request::GraphqlRequest;

/// A provider's GraphQL schema, read and validated.
#[derive(Debug)]
pub struct GraphqlSchema {
    schema: Valid<Schema>,
}

/// One way a consumer's interaction does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaMismatch {
    /// Where: `$.query` (with line and column in the message), `$.variables.id`, or a path in
    /// the answer such as `$.data.order.total`.
    pub path: String,
    /// What does not fit, in words.
    pub message: String,
}

fn syntax(source_name: &str, errors: &apollo_compiler::validation::DiagnosticList) -> GraphqlError {
    let first = errors.iter().next();
    let (line, column) = first
        .as_ref()
        .and_then(|d| d.line_column_range())
        .map_or((1, 1), |r| (r.start.line, r.start.column));
    GraphqlError::Syntax {
        source_name: source_name.to_owned(),
        line,
        column,
        message: first.map_or_else(|| "not a GraphQL schema".to_owned(), |d| d.error.to_string()),
    }
}

impl GraphqlSchema {
    /// Reads a schema; one that does not parse or is not valid is an error naming the line and
    /// column of the first problem.
    pub fn parse(sdl: &str, source_name: &str) -> Result<GraphqlSchema, GraphqlError> {
        let schema =
            Schema::parse_and_validate(sdl, source_name).map_err(|with| syntax(source_name, &with.errors))?;
        Ok(GraphqlSchema { schema })
    }

    /// How a GraphQL interaction (`request` and the `response` the consumer expects) does not
    /// fit the schema; `None` when the interaction is not GraphQL.
    pub fn check(&self, request: &HttpRequest, response: &HttpResponse) -> Option<Vec<SchemaMismatch>> {
        let graphql = GraphqlRequest::from_body(&request.body)?;
        let mut out = Vec::new();
        let document =
            match ExecutableDocument::parse_and_validate(&self.schema, graphql.query.as_str(), "query") {
                Ok(document) => document,
                Err(with) => {
                    for diagnostic in with.errors.iter() {
                        let place = diagnostic
                            .line_column_range()
                            .map(|r| format!(" (line {}, column {})", r.start.line, r.start.column))
                            .unwrap_or_default();
                        out.push(SchemaMismatch {
                            path: "$.query".to_owned(),
                            message: format!("{}{place}", diagnostic.error),
                        });
                    }
                    return Some(out);
                }
            };
        let Ok(operation) = document.operations.get(graphql.operation_name.as_deref()) else {
            out.push(SchemaMismatch {
                path: "$.operationName".to_owned(),
                message: format!(
                    "the query has no operation named '{}'",
                    graphql.operation_name.as_deref().unwrap_or("")
                ),
            });
            return Some(out);
        };
        for variable in &operation.variables {
            let value = graphql.variables.get(variable.name.as_str());
            let path = format!("$.variables.{}", variable.name);
            match value {
                None | Some(Value::Null) if variable.ty.is_non_null() && variable.default_value.is_none() => {
                    out.push(SchemaMismatch {
                        path,
                        message: format!(
                            "${} is declared {} but the example sends no value",
                            variable.name, variable.ty
                        ),
                    })
                }
                None | Some(Value::Null) => {}
                Some(value) => self.input(value, &variable.ty, &path, &mut out),
            }
        }
        let answer: Value = serde_json::from_slice(response.body.content()).unwrap_or(Value::Null);
        if let Some(data) = answer.get("data") {
            self.output(data, &document, &operation.selection_set, "$.data", &mut out);
        }
        Some(out)
    }

    /// An example variable against its declared type.
    fn input(
        &self,
        value: &Value,
        ty: &apollo_compiler::ast::Type,
        path: &str,
        out: &mut Vec<SchemaMismatch>,
    ) {
        if value.is_null() {
            if ty.is_non_null() {
                out.push(SchemaMismatch {
                    path: path.to_owned(),
                    message: format!("null, but the type is {ty}"),
                });
            }
            return;
        }
        if ty.is_list() {
            match value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.input(item, ty.item_type(), &format!("{path}[{i}]"), out);
                    }
                }
                // A single value stands for a list of one (input coercion).
                None => self.input(value, ty.item_type(), path, out),
            }
            return;
        }
        self.named(value, ty.inner_named_type(), path, out, None);
    }

    /// The consumer's example answer against the selection and the schema's types.
    fn output(
        &self,
        value: &Value,
        document: &Valid<ExecutableDocument>,
        selection: &SelectionSet,
        path: &str,
        out: &mut Vec<SchemaMismatch>,
    ) {
        let Some(object) = value.as_object() else {
            if !value.is_null() {
                out.push(SchemaMismatch {
                    path: path.to_owned(),
                    message: format!("{value} is not an object of {}", selection.ty),
                });
            }
            return;
        };
        let mut fields = Vec::new();
        collect_fields(document, selection, &mut fields);
        for (key, field_value) in object {
            let here = format!("{path}.{key}");
            if key == "__typename" {
                continue;
            }
            let Some(field) = fields.iter().find(|f| f.response_key().as_str() == key) else {
                out.push(SchemaMismatch {
                    path: here,
                    message: "the example answers a field the query does not select".to_owned(),
                });
                continue;
            };
            self.typed(
                field_value,
                field.ty(),
                document,
                &field.selection_set,
                &here,
                out,
            );
        }
    }

    fn typed(
        &self,
        value: &Value,
        ty: &apollo_compiler::ast::Type,
        document: &Valid<ExecutableDocument>,
        selection: &SelectionSet,
        path: &str,
        out: &mut Vec<SchemaMismatch>,
    ) {
        if value.is_null() {
            if ty.is_non_null() {
                out.push(SchemaMismatch {
                    path: path.to_owned(),
                    message: format!("the example has null, but the schema declares {ty}: never null"),
                });
            }
            return;
        }
        if ty.is_list() {
            let Some(items) = value.as_array() else {
                out.push(SchemaMismatch {
                    path: path.to_owned(),
                    message: format!("the example has {value}, but the schema declares a list, {ty}"),
                });
                return;
            };
            for (i, item) in items.iter().enumerate() {
                self.typed(
                    item,
                    ty.item_type(),
                    document,
                    selection,
                    &format!("{path}[{i}]"),
                    out,
                );
            }
            return;
        }
        if value.is_array() {
            out.push(SchemaMismatch {
                path: path.to_owned(),
                message: format!("the example has a list, but the schema declares {ty}, not a list"),
            });
            return;
        }
        self.named(
            value,
            ty.inner_named_type(),
            path,
            out,
            Some((document, selection)),
        );
    }

    /// A value of a named type: a scalar, an enum, or (for answers) an object.
    fn named(
        &self,
        value: &Value,
        name: &Name,
        path: &str,
        out: &mut Vec<SchemaMismatch>,
        object: Option<(&Valid<ExecutableDocument>, &SelectionSet)>,
    ) {
        let fits = match self.schema.types.get(name) {
            Some(ExtendedType::Scalar(_)) => match name.as_str() {
                "Int" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                "Float" => value.is_number(),
                "String" => value.is_string(),
                "Boolean" => value.is_boolean(),
                "ID" => value.is_string() || value.is_i64() || value.is_u64(),
                // A custom scalar's form is the provider's own.
                _ => true,
            },
            Some(ExtendedType::Enum(e)) => value
                .as_str()
                .is_some_and(|v| e.values.keys().any(|k| k.as_str() == v)),
            Some(ExtendedType::InputObject(input)) => {
                let Some(fields) = value.as_object() else {
                    out.push(SchemaMismatch {
                        path: path.to_owned(),
                        message: format!("{value} is not a {name} object"),
                    });
                    return;
                };
                for (key, field_value) in fields {
                    match input.fields.get(key.as_str()) {
                        Some(field) => self.input(field_value, &field.ty, &format!("{path}.{key}"), out),
                        None => out.push(SchemaMismatch {
                            path: format!("{path}.{key}"),
                            message: format!("{name} has no field '{key}'"),
                        }),
                    }
                }
                return;
            }
            Some(ExtendedType::Object(_) | ExtendedType::Interface(_) | ExtendedType::Union(_)) => {
                if let Some((document, selection)) = object {
                    self.output(value, document, selection, path, out);
                }
                return;
            }
            None => true,
        };
        if !fits {
            out.push(SchemaMismatch {
                path: path.to_owned(),
                message: format!("the example has {value}, which is not a {name}"),
            });
        }
    }
}

/// The fields a selection set selects, through its fragments.
fn collect_fields<'a>(
    document: &'a Valid<ExecutableDocument>,
    selection: &'a SelectionSet,
    out: &mut Vec<&'a apollo_compiler::executable::Field>,
) {
    for item in &selection.selections {
        match item {
            Selection::Field(field) => out.push(field),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.fragment_name) {
                    collect_fields(document, &fragment.selection_set, out);
                }
            }
            Selection::InlineFragment(inline) => collect_fields(document, &inline.selection_set, out),
        }
    }
}
