//! Secrets in webhooks, hidden wherever a webhook is shown: credentials in headers (any name
//! that suggests one), the password of the URL, query parameters and body fields with such
//! names. Every view of a webhook, its test runs and its delivery logs go through here.

use serde_json::{Value, json};

/// What a hidden value is replaced with.
pub(crate) const REDACTED: &str = "**********";

/// Whether a header, query parameter or field name suggests a secret.
pub(crate) fn secret_name(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "auth",
        "token",
        "secret",
        "key",
        "pass",
        "pwd",
        "cookie",
        "session",
        "credential",
        "signature",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// A URL with its password and secret-looking query values hidden.
pub(crate) fn url(text: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(text) else {
        return text.to_owned();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some(REDACTED));
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let value = if secret_name(&k) {
                REDACTED.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    if !pairs.is_empty() {
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// A JSON value with every field whose name suggests a secret hidden, at any depth.
fn fields(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if secret_name(k) && !v.is_object() && !v.is_array() {
                        json!(REDACTED)
                    } else {
                        fields(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(fields).collect()),
        other => other.clone(),
    }
}

/// A text body: JSON or form fields with secret names hidden; other text as it is.
fn text_body(text: &str) -> String {
    if let Ok(json) = serde_json::from_str::<Value>(text)
        && (json.is_object() || json.is_array())
    {
        return fields(&json).to_string();
    }
    if text.contains('=') && !text.contains(char::is_whitespace) {
        let form = accord_core::Query::parse(text);
        let mut hidden = accord_core::Query::new();
        for (name, values) in form.iter() {
            for value in values {
                hidden.add(name, if secret_name(name) { REDACTED } else { value });
            }
        }
        return hidden.to_query_string();
    }
    text.to_owned()
}

/// A webhook request (`method`, `url`, `headers`, `body`, `username`, `password`) with its
/// secrets hidden.
pub(crate) fn request(request: &Value) -> Value {
    let mut out = request.clone();
    if out["password"].is_string() {
        out["password"] = json!(REDACTED);
    }
    if let Some(u) = out["url"].as_str() {
        out["url"] = json!(url(u));
    }
    if let Some(headers) = out["headers"].as_object_mut() {
        for (name, value) in headers.iter_mut() {
            if secret_name(name) {
                *value = json!(REDACTED);
            }
        }
    }
    match &out["body"] {
        Value::String(text) => out["body"] = json!(text_body(text)),
        Value::Object(_) | Value::Array(_) => out["body"] = fields(&out["body"]),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_carrier_of_a_secret_is_hidden() {
        let shown = request(&json!({
            "method": "POST",
            "url": "https://ci:hunter2@ci.example.com/build?token=abc&branch=main",
            "headers": {"Proxy-Authorization": "x", "Cookie": "s=1", "X-Auth": "x", "ApiKey": "x",
                        "Api_Key": "x", "X-Access-Key": "x", "X-Vault-Pass": "x", "Content-Type": "application/json"},
            "body": {"ref": "main", "variables": {"secret_token": "t", "name": "n"}},
            "username": "ci", "password": "hunter2"
        }));
        let text = shown.to_string();
        for secret in ["hunter2", "abc", r#""x""#, "s=1", r#""t""#] {
            assert!(!text.contains(secret), "{secret} leaks: {text}");
        }
        assert_eq!(shown["headers"]["Content-Type"], "application/json");
        assert!(
            shown["url"].as_str().unwrap_or("").contains("branch=main"),
            "{shown}"
        );
        assert_eq!(shown["body"]["variables"]["name"], "n");
        let form = request(&json!({"url": "https://x", "body": "token=abc&ref=main"}));
        let body = form["body"].as_str().unwrap_or_default();
        assert!(!body.contains("abc") && body.contains("ref=main"), "{form}");
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;

    proptest::proptest! {
        // Redaction reads what webhook authors write: it never panics and never shows a secret
        // kept in a header whose name says it is one.
        #[test]
        fn redaction_never_panics(url_text in "\\PC{0,80}", body in "\\PC{0,80}", name in "[A-Za-z_-]{1,12}") {
            let secret_header = format!("X-{name}-Token");
            let shown = request(&json!({"url": url_text, "body": body,
                "headers": {secret_header.clone(): "s3cret-value"}}));
            proptest::prop_assert_eq!(&shown["headers"][&secret_header], REDACTED);
        }
    }
}
