//! Request bodies as typed values: a body that is not JSON, or a field of the wrong type, is a
//! 400 that names the field (`tags: invalid type: string "t", expected a sequence`).

use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};

/// Reads a JSON body into `T`; an empty body reads as `{}`.
pub(crate) fn typed<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    let text = if body.trim().is_empty() { "{}" } else { body };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() && path != "." {
            ApiError::bad(format!("{path}: {inner}"))
        } else if inner.is_data() {
            ApiError::bad(format!("the request body must be a JSON object: {inner}"))
        } else {
            ApiError::bad(format!("request body is not valid JSON: {inner}"))
        }
    })
}
