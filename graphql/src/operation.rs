//! A GraphQL operation as what it means: its kind, name, variables (by name), and the tree of
//! what it selects, each field under the key it answers with (its alias, else its name), with
//! its arguments by name and literal values in one canonical form. Whitespace, comments,
//! commas, and the order of variables, arguments and selected fields are not part of it.

use std::collections::BTreeMap;

use apollo_compiler::ast::{Definition, Document, Selection as AstSelection, Value};

use crate::error::GraphqlError;

/// What a selection set asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Fields by the key they answer with (alias, else name).
    pub fields: BTreeMap<String, Field>,
    /// Fragment spreads by fragment name, with what the fragment selects.
    pub fragments: BTreeMap<String, Fragment>,
    /// Inline fragments by their type condition (`""` for none).
    pub inline: BTreeMap<String, Selection>,
}

/// One selected field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field's name (under an alias, the field it reads).
    pub name: String,
    /// Its arguments by name, values in canonical GraphQL (`$id`, `"x"`, `{a: 1}`).
    pub arguments: BTreeMap<String, String>,
    /// Its directives, canonical (`@include(if: $all)`), in order.
    pub directives: Vec<String>,
    /// What it selects, for an object field.
    pub selection: Selection,
}

/// A named fragment where it is spread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The type it applies to.
    pub on: String,
    /// What it selects.
    pub selection: Selection,
}

/// A variable's declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Its type (`ID!`, `[String]`).
    pub ty: String,
    /// Its default value, canonical.
    pub default: Option<String>,
}

/// An operation, by meaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// `query`, `mutation` or `subscription`.
    pub kind: String,
    /// Its name, if it has one.
    pub name: Option<String>,
    /// Its variables by name.
    pub variables: BTreeMap<String, Variable>,
    /// Its directives, canonical.
    pub directives: Vec<String>,
    /// What it selects.
    pub selection: Selection,
}

impl Operation {
    /// Reads the operation `name` (or the only one) from `text`; `source_name` names the text in
    /// errors (a file, or `operation`). A syntax error names its line and column.
    pub fn parse(text: &str, name: Option<&str>, source_name: &str) -> Result<Operation, GraphqlError> {
        let document = Document::parse(text, source_name).map_err(|with| {
            let first = with.errors.iter().next();
            let (line, column) = first
                .as_ref()
                .and_then(|d| d.line_column_range())
                .map_or((1, 1), |range| (range.start.line, range.start.column));
            GraphqlError::Syntax {
                source_name: source_name.to_owned(),
                line,
                column,
                message: first.map_or_else(|| "not GraphQL".to_owned(), |d| d.error.to_string()),
            }
        })?;
        let mut operations = Vec::new();
        let mut fragments = BTreeMap::new();
        for definition in &document.definitions {
            match definition {
                Definition::OperationDefinition(op) => operations.push(op),
                Definition::FragmentDefinition(fragment) => {
                    fragments.insert(fragment.name.to_string(), fragment);
                }
                _ => {}
            }
        }
        let operation = match name.filter(|n| !n.is_empty()) {
            Some(wanted) => operations
                .iter()
                .find(|op| op.name.as_ref().is_some_and(|n| n.as_str() == wanted))
                .ok_or_else(|| GraphqlError::UnknownOperation {
                    source_name: source_name.to_owned(),
                    name: wanted.to_owned(),
                })?,
            None => match operations.as_slice() {
                [only] => only,
                [] => return Err(GraphqlError::NoOperation(source_name.to_owned())),
                many => {
                    return Err(GraphqlError::WhichOperation {
                        source_name: source_name.to_owned(),
                        count: many.len(),
                    });
                }
            },
        };
        let reader = Reader {
            fragments: &fragments,
            source_name,
        };
        Ok(Operation {
            kind: operation.operation_type.to_string(),
            name: operation.name.as_ref().map(ToString::to_string),
            variables: operation
                .variables
                .iter()
                .map(|v| {
                    (
                        v.name.to_string(),
                        Variable {
                            ty: v.ty.to_string(),
                            default: v.default_value.as_ref().map(|d| canonical(d)),
                        },
                    )
                })
                .collect(),
            directives: operation.directives.iter().map(|d| directive(d)).collect(),
            selection: reader.selection(&operation.selection_set, &mut Vec::new())?,
        })
    }
}

struct Reader<'a> {
    fragments: &'a BTreeMap<String, &'a apollo_compiler::Node<apollo_compiler::ast::FragmentDefinition>>,
    source_name: &'a str,
}

impl Reader<'_> {
    /// A selection set; `within` holds the fragments being expanded, so a cycle stops.
    fn selection(&self, set: &[AstSelection], within: &mut Vec<String>) -> Result<Selection, GraphqlError> {
        let mut out = Selection::default();
        for selection in set {
            match selection {
                AstSelection::Field(field) => {
                    let key = field.alias.as_ref().unwrap_or(&field.name).to_string();
                    let read = Field {
                        name: field.name.to_string(),
                        arguments: field
                            .arguments
                            .iter()
                            .map(|a| (a.name.to_string(), canonical(&a.value)))
                            .collect(),
                        directives: field.directives.iter().map(|d| directive(d)).collect(),
                        selection: self.selection(&field.selection_set, within)?,
                    };
                    // The same key twice merges (GraphQL's field merging): their selections join.
                    match out.fields.get_mut(&key) {
                        Some(existing) => merge(&mut existing.selection, read.selection),
                        None => {
                            out.fields.insert(key, read);
                        }
                    }
                }
                AstSelection::FragmentSpread(spread) => {
                    let name = spread.fragment_name.to_string();
                    let fragment =
                        self.fragments
                            .get(&name)
                            .ok_or_else(|| GraphqlError::UnknownFragment {
                                source_name: self.source_name.to_owned(),
                                name: name.clone(),
                            })?;
                    if within.contains(&name) {
                        continue;
                    }
                    within.push(name.clone());
                    let selection = self.selection(&fragment.selection_set, within)?;
                    within.pop();
                    out.fragments.insert(
                        name,
                        Fragment {
                            on: fragment.type_condition.to_string(),
                            selection,
                        },
                    );
                }
                AstSelection::InlineFragment(inline) => {
                    let on = inline
                        .type_condition
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let selection = self.selection(&inline.selection_set, within)?;
                    match out.inline.get_mut(&on) {
                        Some(existing) => merge(existing, selection),
                        None => {
                            out.inline.insert(on, selection);
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Adds `more` into `into`.
fn merge(into: &mut Selection, more: Selection) {
    for (key, field) in more.fields {
        match into.fields.get_mut(&key) {
            Some(existing) => merge(&mut existing.selection, field.selection),
            None => {
                into.fields.insert(key, field);
            }
        }
    }
    into.fragments.extend(more.fragments);
    for (on, selection) in more.inline {
        match into.inline.get_mut(&on) {
            Some(existing) => merge(existing, selection),
            None => {
                into.inline.insert(on, selection);
            }
        }
    }
}

fn directive(d: &apollo_compiler::ast::Directive) -> String {
    if d.arguments.is_empty() {
        return format!("@{}", d.name);
    }
    let mut arguments: Vec<String> = d
        .arguments
        .iter()
        .map(|a| format!("{}: {}", a.name, canonical(&a.value)))
        .collect();
    arguments.sort();
    format!("@{}({})", d.name, arguments.join(", "))
}

/// A literal in one canonical form: input objects' fields sorted, strings quoted as JSON.
pub(crate) fn canonical(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Enum(name) => name.to_string(),
        Value::Variable(name) => format!("${name}"),
        Value::String(text) => serde_json::Value::String(text.clone()).to_string(),
        Value::Float(f) => f.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(|v| canonical(v)).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(fields) => {
            let mut fields: Vec<String> = fields
                .iter()
                .map(|(name, v)| format!("{name}: {}", canonical(v)))
                .collect();
            fields.sort();
            format!("{{{}}}", fields.join(", "))
        }
    }
}
