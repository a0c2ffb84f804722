//! Request bodies as typed values, checked once at the boundary: a body that is not JSON, text
//! after the JSON value, a string holding a NUL character (which PostgreSQL cannot store) or a
//! field of the wrong type is a 400 that names the field or position
//! (`tags: invalid type: string "t", expected a sequence`).

use axum::extract::FromRequest;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

/// Fields kept as JSON documents, never as columns: a NUL in them is stored escaped (`\u0000`),
/// and verification results may quote a provider's binary output, so it is allowed there.
const NUL_ALLOWED_UNDER: &[&str] = &["testResults"];

/// A request body read as `T` by [`typed`]: what handlers take instead of the text. The text
/// is dropped as soon as it is read.
pub(crate) struct Typed<T>(pub(crate) T);

/// A request body read as `T` by [`typed_keyed`] (errors keyed by the field at fault).
pub(crate) struct Keyed<T>(pub(crate) T);

/// The body as text, or a 400 in the broker's error shape.
async fn text_of<S: Send + Sync>(request: axum::extract::Request, state: &S) -> ApiResult<String> {
    String::from_request(request, state)
        .await
        .map_err(|e| ApiError::bad(format!("the request body cannot be read: {}", e.body_text())))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Typed<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> ApiResult<Self> {
        Ok(Typed(typed(&text_of(request, state).await?)?))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Keyed<T> {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> ApiResult<Self> {
        Ok(Keyed(typed_keyed(&text_of(request, state).await?)?))
    }
}

/// Reads a JSON body into `T`; an empty body reads as `{}`.
pub(crate) fn typed<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    read(body).map_err(|(path, message)| match path {
        Some(path) => ApiError::bad(format!("{path}: {message}")),
        None => ApiError::bad(message),
    })
}

/// Like [`typed`], with the error keyed by the field at fault
/// (`{"errors": {"request.headers": ["invalid type: ..."]}}`), as the reference broker reports
/// webhook errors.
pub(crate) fn typed_keyed<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    read(body).map_err(|(path, message)| {
        let key = path.unwrap_or_else(|| "body".to_owned());
        ApiError::InvalidFields(std::iter::once((key, vec![message])).collect())
    })
}

/// The value, or the path of the field at fault (none for the body as a whole) and why.
fn read<T: DeserializeOwned>(body: &str) -> Result<T, (Option<String>, String)> {
    let text = if body.trim().is_empty() { "{}" } else { body };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() && path != "." {
            (Some(path), inner.to_string())
        } else if inner.is_data() {
            (None, format!("the request body must be a JSON object: {inner}"))
        } else {
            (None, format!("request body is not valid JSON: {inner}"))
        }
    })?;
    deserializer.end().map_err(|e| {
        (
            None,
            format!(
                "the request body must end after its JSON value: extra text at line {} column {}",
                e.line(),
                e.column()
            ),
        )
    })?;
    if may_hold_nul(text)
        && let Ok(tree) = serde_json::from_str::<Value>(text)
        && let Some(path) = nul_path(&tree, "", true)
    {
        return Err((
            Some(path),
            "must not contain the NUL character (U+0000), which the broker cannot store".to_owned(),
        ));
    }
    Ok(value)
}

/// Whether the JSON text may hold a NUL inside a string: only the escape `\u0000` can put one
/// there (JSON forbids raw control characters in strings), so most bodies are never walked.
fn may_hold_nul(text: &str) -> bool {
    text.contains("\\u0000")
}

/// The path of the first string (or key) holding a NUL, outside [`NUL_ALLOWED_UNDER`].
fn nul_path(value: &Value, path: &str, top: bool) -> Option<String> {
    match value {
        Value::String(text) => text.contains('\0').then(|| display(path)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_path(item, &format!("{path}[{i}]"), false)),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            if key.contains('\0') {
                return Some(display(&inner));
            }
            if top && NUL_ALLOWED_UNDER.contains(&key.as_str()) {
                return None;
            }
            nul_path(item, &inner, false)
        }),
        _ => None,
    }
}

fn display(path: &str) -> String {
    if path.is_empty() {
        ".".to_owned()
    } else {
        path.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Named {
        #[allow(dead_code)]
        name: String,
        #[serde(default, rename = "testResults")]
        #[allow(dead_code)]
        test_results: Option<Value>,
        #[serde(default)]
        #[allow(dead_code)]
        tags: Vec<String>,
    }

    fn refused(body: &str) -> (Option<String>, String) {
        match read::<Named>(body) {
            Ok(value) => panic!("{body} was accepted as {value:?}"),
            Err(error) => error,
        }
    }

    #[test]
    fn text_after_the_value_is_refused_with_its_position() {
        let (path, message) = refused(r#"{"name":"N1"} trailing garbage"#);
        assert_eq!(path, None);
        assert!(message.contains("line 1 column 15"), "{message}");
        assert!(
            read::<Named>("{\"name\":\"N1\"}\n  \n").is_ok(),
            "white space may follow"
        );
    }

    #[test]
    fn a_nul_in_any_string_is_refused_naming_the_field() {
        assert_eq!(refused(r#"{"name":"a\u0000b"}"#).0.as_deref(), Some("name"));
        assert_eq!(
            refused(r#"{"name":"a","tags":["ok","x\u0000"]}"#).0.as_deref(),
            Some("tags[1]")
        );
        assert_eq!(
            refused(r#"{"name":"a","extra":{"k\u0000":1}}"#).0.as_deref(),
            Some("extra.k\0")
        );
        // An escaped backslash followed by "u0000" is text, not a NUL.
        assert!(read::<Named>(r#"{"name":"a\\u0000"}"#).is_ok());
        // Verification results may quote binary output: stored as JSON, escaped.
        assert!(read::<Named>(r#"{"name":"a","testResults":[{"m":"\u0000"}]}"#).is_ok());
    }
}
