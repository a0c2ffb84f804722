//! Request bodies as typed values: a body that is not JSON, or a field of the wrong type, is a
//! 400 that names the field (`tags: invalid type: string "t", expected a sequence`).

use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};

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
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() && path != "." {
            (Some(path), inner.to_string())
        } else if inner.is_data() {
            (None, format!("the request body must be a JSON object: {inner}"))
        } else {
            (None, format!("request body is not valid JSON: {inner}"))
        }
    })
}
