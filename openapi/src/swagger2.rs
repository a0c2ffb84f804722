//! Swagger 2.0 documents, read as the OpenAPI 3 shape the comparison walks: `basePath` becomes
//! the server's path; `body` and `formData` parameters become the request body, in every type
//! the operation `consumes`; a response's `schema` becomes its content, in every type the
//! operation `produces`; the type of other parameters and of response headers becomes their
//! `schema`; `x-nullable` becomes `nullable`. `$ref`s to `#/definitions` keep working, since
//! references are resolved within the same tree.

use serde_json::{Map, Value, json};

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// The keywords of a Swagger 2.0 parameter or header that describe its value.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "default",
];

/// The document in the OpenAPI 3 shape.
pub(crate) fn to_openapi3(mut root: Value) -> Value {
    nullable(&mut root);
    let original = root.clone();
    let consumes = media_list(&original["consumes"]);
    let produces = media_list(&original["produces"]);
    let base = original["basePath"].as_str().unwrap_or("/").to_owned();
    if let Some(map) = root.as_object_mut() {
        map.insert("openapi".into(), json!("3.0.0"));
        map.insert("servers".into(), json!([{"url": base}]));
    }
    let Some(paths) = root["paths"].as_object_mut() else {
        return root;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        if let Some(shared) = item.get_mut("parameters") {
            *shared = Value::Array(plain_parameters(&original, shared));
        }
        for method in METHODS {
            let Some(operation) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                continue;
            };
            let consumes = operation
                .get("consumes")
                .map(media_list)
                .unwrap_or_else(|| consumes.clone());
            let produces = operation
                .get("produces")
                .map(media_list)
                .unwrap_or_else(|| produces.clone());
            convert_operation(&original, operation, &consumes, &produces);
        }
    }
    root
}

/// `consumes`/`produces`, `application/json` when absent.
fn media_list(value: &Value) -> Vec<String> {
    let list: Vec<String> = value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    if list.is_empty() {
        vec!["application/json".to_owned()]
    } else {
        list
    }
}

/// A `#/parameters/...` or `#/responses/...` reference followed once.
fn followed<'a>(original: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => original.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// A value-describing parameter or header with its type moved into `schema`.
fn with_schema(value: &Value) -> Value {
    let Some(map) = value.as_object() else {
        return value.clone();
    };
    if map.contains_key("schema") {
        return value.clone();
    }
    let mut rest = Map::new();
    let mut schema = Map::new();
    for (key, v) in map {
        if VALUE_KEYWORDS.contains(&key.as_str()) {
            schema.insert(key.clone(), v.clone());
        } else {
            rest.insert(key.clone(), v.clone());
        }
    }
    if !schema.is_empty() {
        rest.insert("schema".into(), Value::Object(schema));
    }
    Value::Object(rest)
}

/// The path, query and header parameters of a list, references followed.
fn plain_parameters(original: &Value, list: &Value) -> Vec<Value> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|p| followed(original, p))
        .filter(|p| !matches!(p["in"].as_str(), Some("body" | "formData")))
        .map(with_schema)
        .collect()
}

fn convert_operation(
    original: &Value,
    operation: &mut Map<String, Value>,
    consumes: &[String],
    produces: &[String],
) {
    let parameters: Vec<Value> = operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| followed(original, p).clone())
        .collect();
    let body = parameters.iter().find(|p| p["in"] == "body");
    let form: Vec<&Value> = parameters.iter().filter(|p| p["in"] == "formData").collect();
    if let Some(body) = body {
        let content: Map<String, Value> = consumes
            .iter()
            .map(|media| (media.clone(), json!({"schema": body["schema"]})))
            .collect();
        operation.insert(
            "requestBody".into(),
            json!({"required": body["required"] == Value::Bool(true), "content": content}),
        );
    } else if !form.is_empty() {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in &form {
            let name = field["name"].as_str().unwrap_or_default().to_owned();
            if field["required"] == Value::Bool(true) {
                required.push(Value::String(name.clone()));
            }
            properties.insert(name, with_schema(field)["schema"].clone());
        }
        let schema = json!({"type": "object", "properties": properties, "required": required});
        let media: Vec<&String> = consumes.iter().filter(|m| m.contains("form")).collect();
        let content: Map<String, Value> = if media.is_empty() {
            std::iter::once((
                "application/x-www-form-urlencoded".to_owned(),
                json!({"schema": schema}),
            ))
            .collect()
        } else {
            media
                .into_iter()
                .map(|m| (m.clone(), json!({"schema": schema})))
                .collect()
        };
        operation.insert(
            "requestBody".into(),
            json!({"required": !required.is_empty(), "content": content}),
        );
    }
    if operation.contains_key("parameters") {
        let plain = plain_parameters(original, &Value::Array(parameters.clone()));
        operation.insert("parameters".into(), Value::Array(plain));
    }
    let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for response in responses.values_mut() {
        let mut converted = followed(original, response).clone();
        if let Some(map) = converted.as_object_mut() {
            if let Some(schema) = map.remove("schema") {
                let content: Map<String, Value> = produces
                    .iter()
                    .map(|media| (media.clone(), json!({"schema": schema})))
                    .collect();
                map.insert("content".into(), Value::Object(content));
            }
            if let Some(headers) = map.get_mut("headers").and_then(Value::as_object_mut) {
                for header in headers.values_mut() {
                    *header = with_schema(header);
                }
            }
        }
        *response = converted;
    }
}

/// `x-nullable: true` anywhere becomes `nullable: true`.
fn nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("x-nullable") == Some(&Value::Bool(true)) {
                map.insert("nullable".into(), Value::Bool(true));
            }
            for child in map.values_mut() {
                nullable(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(nullable),
        _ => {}
    }
}
