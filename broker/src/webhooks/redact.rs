//! Secrets in webhooks, hidden wherever a webhook is shown or its calls are logged: credentials
//! in headers (any name that suggests one, known API-key headers, any value that is an
//! `Authorization` scheme), the password of the URL, secret query parameters and body fields,
//! secrets carried in a URL's path (Slack, Discord and Teams incoming webhooks). A target's
//! answer is redacted by the same rules, and every secret the broker sent is masked wherever
//! the answer echoes it. Every view of a webhook, its test runs and its delivery logs go
//! through here.

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
        // Names that carry a secret without saying so: Honeycomb's API key header, Azure's
        // shared access signature and function key query parameters, HMAC parameters.
        || ["xhoneycombteam", "sig", "code", "hmac"].contains(&name.as_str())
}

/// Whether a value is a credential whatever its name (`Bearer ...`, `Basic ...`, `Token ...`).
fn secret_value(value: &str) -> bool {
    let lower = value.trim_start().to_ascii_lowercase();
    ["bearer ", "basic ", "token ", "digest ", "negotiate "]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// Hosts whose incoming-webhook URLs carry their secret in the path, and the path prefix after
/// which every segment is that secret.
const PATH_SECRETS: &[(&str, &str)] = &[
    ("hooks.slack.com", "/services/"),
    ("hooks.slack.com", "/workflows/"),
    ("hooks.slack.com", "/triggers/"),
    ("discord.com", "/api/webhooks/"),
    ("discordapp.com", "/api/webhooks/"),
    (".webhook.office.com", "/webhookb2/"),
    (".logic.azure.com", "/workflows/"),
];

/// The secret part of a URL's path, when its host is one of [`PATH_SECRETS`].
fn path_secret(parsed: &reqwest::Url) -> Option<(usize, String)> {
    let host = parsed.host_str()?.to_ascii_lowercase();
    let path = parsed.path();
    PATH_SECRETS.iter().find_map(|(known, prefix)| {
        let host_matches = if known.starts_with('.') {
            host.ends_with(known)
        } else {
            host == *known
        };
        let at = path.find(prefix).filter(|_| host_matches)? + prefix.len();
        (at < path.len()).then(|| (at, path[at..].to_owned()))
    })
}

/// A URL with its password, secret-looking query values and path secrets hidden.
pub(crate) fn url(text: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(text) else {
        return text.to_owned();
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some(REDACTED));
    }
    if let Some((at, _)) = path_secret(&parsed) {
        let kept = parsed.path()[..at].to_owned();
        parsed.set_path(&format!("{kept}{REDACTED}"));
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let value = if secret_name(&k) || secret_value(&v) {
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
                    let secret = secret_name(k) || v.as_str().is_some_and(secret_value);
                    let v = if secret && !v.is_object() && !v.is_array() {
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
                let secret = secret_name(name) || secret_value(value);
                hidden.add(name, if secret { REDACTED } else { value });
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
            if secret_name(name) || value.as_str().is_some_and(secret_value) {
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

/// The shortest text masked where an answer echoes it: shorter values (`1`, `ci`) are too
/// common to mask without hiding everything else.
const SHORTEST_SECRET: usize = 4;

/// Every secret a webhook request (as sent) carries: values of secret headers, the password,
/// the basic-auth credentials as sent, the URL's password, secret query values and path
/// secrets, secret body fields.
pub(crate) fn secrets_of(request: &Value) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some(headers) = request["headers"].as_object() {
        for (name, value) in headers {
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
            if secret_name(name) || secret_value(&text) {
                // The credential after its scheme too, as answers often echo it alone.
                if let Some((_, credential)) = text.trim().split_once(' ') {
                    secrets.push(credential.trim().to_owned());
                }
                secrets.push(text);
            }
        }
    }
    if let Some(password) = request["password"].as_str() {
        let user = request["username"].as_str().unwrap_or_default();
        let pair = format!("{user}:{password}");
        secrets.push(base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            &pair,
        ));
        secrets.push(pair);
        secrets.push(password.to_owned());
    }
    if let Some(text) = request["url"].as_str()
        && let Ok(parsed) = reqwest::Url::parse(text)
    {
        if let Some(password) = parsed.password() {
            secrets.push(password.to_owned());
            if let Ok(decoded) = percent_encoding::percent_decode_str(password).decode_utf8() {
                secrets.push(decoded.into_owned());
            }
        }
        if let Some((_, secret)) = path_secret(&parsed) {
            secrets.extend(secret.split('/').map(str::to_owned));
            secrets.push(secret);
        }
        for (name, value) in parsed.query_pairs() {
            if secret_name(&name) || secret_value(&value) {
                secrets.push(value.into_owned());
            }
        }
    }
    match &request["body"] {
        Value::String(text) => body_secrets(&serde_json::from_str(text).unwrap_or(Value::Null), &mut secrets)
            .unwrap_or_else(|| {
                let form = accord_core::Query::parse(text);
                for (name, values) in form.iter() {
                    secrets.extend(values.iter().filter(|_| secret_name(name)).cloned());
                }
            }),
        other => body_secrets(other, &mut secrets).unwrap_or_default(),
    }
    secrets.retain(|s| s.chars().count() >= SHORTEST_SECRET);
    // The longest first, so a secret is never half masked by a shorter one inside it.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

/// Adds the values of `body`'s secret fields; `None` when it is no JSON object or array.
fn body_secrets(body: &Value, secrets: &mut Vec<String>) -> Option<()> {
    fn walk(value: &Value, secret: bool, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    walk(v, secret || secret_name(k), out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, secret, out)),
            Value::String(text) if secret || secret_value(text) => out.push(text.clone()),
            Value::Number(n) if secret => out.push(n.to_string()),
            _ => {}
        }
    }
    (body.is_object() || body.is_array()).then(|| walk(body, false, secrets))
}

/// A target's answer (or what is logged of it) as it may be kept and shown: secret-looking
/// fields hidden as in a request, and every one of `secrets` (from [`secrets_of`]) masked
/// wherever it appears, also when the answer was cut in the middle of one.
pub(crate) fn answer(text: &str, secrets: &[String]) -> String {
    let mut shown = text_body(text);
    for secret in secrets {
        if shown.contains(secret.as_str()) {
            shown = shown.replace(secret.as_str(), REDACTED);
        }
    }
    // A kept answer is cut at a fixed length: a secret cut there leaves its beginning.
    for secret in secrets {
        let cut = (SHORTEST_SECRET..secret.len())
            .rev()
            .filter(|n| secret.is_char_boundary(*n))
            .find(|n| shown.ends_with(&secret[..*n]));
        if let Some(n) = cut {
            shown.truncate(shown.len() - n);
            shown.push_str(REDACTED);
        }
    }
    shown
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
mod secret_forms {
    use super::*;

    #[test]
    fn path_secrets_api_key_headers_and_azure_parameters_are_hidden() {
        let shown = request(&json!({
            "url": "https://hooks.slack.com/services/T0001/B0001/SLACKSECRET",
            "headers": {"X-Honeycomb-Team": "HONEY", "X-Custom": "Bearer ABCDEF", "X-Team-Name": "payments"}
        }));
        let text = shown.to_string();
        for secret in ["SLACKSECRET", "T0001", "HONEY", "ABCDEF"] {
            assert!(!text.contains(secret), "{secret}: {text}");
        }
        assert!(text.contains("hooks.slack.com/services/"), "{text}");
        assert_eq!(shown["headers"]["X-Team-Name"], "payments");
        for (shown, secret) in [
            (
                url("https://x.azurewebsites.net/api/f?code=FUNCKEY&name=n"),
                "FUNCKEY",
            ),
            (
                url("https://x.blob.core.windows.net/c?sv=2020&sig=SASSIG"),
                "SASSIG",
            ),
            (
                url("https://discord.com/api/webhooks/123/DISCORDTOKEN"),
                "DISCORDTOKEN",
            ),
            (
                url("https://acme.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/d"),
                "IncomingWebhook/c",
            ),
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn an_answer_never_shows_what_the_broker_sent_as_a_secret() {
        let sent = json!({"url": "https://ci.example.com/x?token=QUERYTOKEN", "username": "ci", "password": "PASSWORD1",
            "headers": {"Authorization": "Bearer TOPSECRET"}, "body": "secret=FORMSECRET&ref=main"});
        let secrets = secrets_of(&sent);
        let echoed =
            "got Bearer TOPSECRET, TOPSECRET alone, Y2k6UEFTU1dPUkQx, QUERYTOKEN and FORMSECRET; ref=main";
        let shown = answer(echoed, &secrets);
        for secret in ["TOPSECRET", "Y2k6UEFTU1dPUkQx", "QUERYTOKEN", "FORMSECRET"] {
            assert!(!shown.contains(secret), "{secret}: {shown}");
        }
        assert!(shown.contains("ref=main"), "{shown}");
        // Cut in the middle of a secret: its beginning is masked too.
        let cut = answer("the header was Bearer TOPSE", &secrets);
        assert!(!cut.contains("TOPSE"), "{cut}");
        // JSON answers get the field rules as well.
        let json_answer = answer(r#"{"headers":{"x-api-key":"other-key"}}"#, &secrets);
        assert!(!json_answer.contains("other-key"), "{json_answer}");
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
