//! Talking to the provider: replaying requests, provider state changes and message requests.

use std::time::Duration;

use accord_core::{Body, ContentType, Headers, HttpRequest, HttpResponse, MessageContents, ProviderState};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::config::{MessageHandler, StateAction, StateConfig};

/// A failed exchange with the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProviderFailure {
    pub(crate) message: String,
    /// The provider could not be reached at all (as opposed to answering badly).
    pub(crate) connection: bool,
}

fn failure(error: &reqwest::Error, what: &str) -> ProviderFailure {
    let connection = error.is_connect() || error.is_timeout();
    let mut message = format!("{what}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    ProviderFailure { message, connection }
}

const PATH_ENCODE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A pact path as a URL path. Official pact writers record the path as it went over the wire,
/// escapes included (`/pacticipants/Pricing%20Service`), so a `%` that starts an escape is kept
/// as it is; one that starts none is encoded, as are characters a URL path cannot hold.
fn encode_path(path: &str) -> String {
    let mut chunks = path.split('%');
    let mut url = chunks
        .next()
        .map(|first| percent_encoding::utf8_percent_encode(first, PATH_ENCODE).to_string())
        .unwrap_or_default();
    for chunk in chunks {
        let escape = chunk.len() >= 2 && chunk.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit);
        url.push_str(if escape { "%" } else { "%25" });
        url.extend(percent_encoding::utf8_percent_encode(chunk, PATH_ENCODE));
    }
    url
}

/// The most of one answer the verifier reads: enough for any real response, and a provider
/// that answers without end cannot take the verifier's memory with it.
pub(crate) const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// Reads an answer's body, refusing one larger than [`MAX_ANSWER`].
async fn read_bounded(mut response: reqwest::Response, what: &str) -> Result<Vec<u8>, ProviderFailure> {
    if response.content_length().is_some_and(|n| n > MAX_ANSWER as u64) {
        return Err(too_large(what));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| failure(&e, &format!("reading the provider's {what} failed")))?
    {
        if bytes.len() + chunk.len() > MAX_ANSWER {
            return Err(too_large(what));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn too_large(what: &str) -> ProviderFailure {
    ProviderFailure {
        message: format!(
            "the provider's {what} is larger than {} MiB; it was not read to the end",
            MAX_ANSWER / (1024 * 1024)
        ),
        connection: false,
    }
}

/// One HTTP client, shared by every request of a run.
#[derive(Debug, Clone)]
pub(crate) struct Provider {
    pub(crate) http: reqwest::Client,
    base_url: String,
    headers: Vec<(String, String)>,
    timeout: Duration,
}

impl Provider {
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: &str,
        headers: Vec<(String, String)>,
        timeout: Duration,
    ) -> Provider {
        Provider {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            headers,
            timeout,
        }
    }

    /// The URL a request goes to.
    pub(crate) fn url_for(&self, request: &HttpRequest) -> String {
        let mut url = format!("{}{}", self.base_url, encode_path(&request.path));
        if let Some(query) = request.query.as_ref().filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(&query.to_query_string());
        }
        url
    }

    /// Sends a request and reads the whole response.
    pub(crate) async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, ProviderFailure> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|_| ProviderFailure {
            message: format!("invalid method '{}'", request.method),
            connection: false,
        })?;
        let mut builder = self
            .http
            .request(method, self.url_for(request))
            .timeout(self.timeout);
        // One line per header, its values joined, as the official verifier sends them: a
        // provider (or stub) that reads a single `Accept` line sees every value.
        for (name, values) in request.headers.iter() {
            builder = builder.header(name, values.join(", "));
        }
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        match &request.body {
            Body::Present { content, .. } => builder = builder.body(content.clone()),
            Body::Null => builder = builder.body("null"),
            Body::Empty | Body::Missing => {}
        }
        let response = builder
            .send()
            .await
            .map_err(|e| failure(&e, "request to the provider failed"))?;
        let status = response.status().as_u16();
        let mut headers = Headers::new();
        for (name, value) in response.headers() {
            headers.add(
                name.as_str(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            );
        }
        let bytes = read_bounded(response, "response").await?;
        let body = if bytes.is_empty() {
            Body::Missing
        } else {
            Body::bytes(bytes.to_vec(), headers.content_type())
        };
        Ok(HttpResponse {
            status,
            headers,
            body,
            ..HttpResponse::default()
        })
    }

    /// Calls the state change URL or handler; returns values for generators.
    pub(crate) async fn change_state(
        &self,
        config: &StateConfig,
        state: &ProviderState,
        action: StateAction,
    ) -> Result<Map<String, Value>, String> {
        if let Some(handler) = &config.handler {
            return handler(state.clone(), action).await;
        }
        let Some(url) = &config.url else {
            return Ok(Map::new());
        };
        let mut request = self.http.post(url).timeout(self.timeout);
        if config.as_query {
            let mut params: Vec<(String, String)> = vec![
                ("state".to_owned(), state.name.clone()),
                ("action".to_owned(), action.as_str().to_owned()),
            ];
            for (k, v) in &state.params {
                params.push((
                    k.clone(),
                    v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()),
                ));
            }
            request = request.query(&params);
        } else {
            request = request.header("Content-Type", "application/json").body(
                json!({"state": state.name, "params": state.params, "action": action.as_str()}).to_string(),
            );
        }
        let response = request
            .send()
            .await
            .map_err(|e| failure(&e, &format!("state change request to '{url}' failed")).message)?;
        let status = response.status();
        let text = match read_bounded(response, "state change answer").await {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(failure) => failure.message,
        };
        if !status.is_success() {
            let body: String = text.chars().take(200).collect();
            return Err(format!(
                "state change failed for '{}' ({}): HTTP {}{}",
                state.name,
                action.as_str(),
                status.as_u16(),
                if body.is_empty() {
                    String::new()
                } else {
                    format!(" {body}")
                }
            ));
        }
        Ok(serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default())
    }

    /// Asks the provider for a message (the Pact message-proxy convention, or a handler in code).
    pub(crate) async fn request_message(
        &self,
        url: &str,
        handler: Option<&MessageHandler>,
        description: &str,
        states: &[ProviderState],
        sync_request: Option<&MessageContents>,
    ) -> Result<MessageContents, ProviderFailure> {
        if let Some(handler) = handler {
            let produced = handler(description.to_owned(), states.to_vec())
                .await
                .map_err(|message| ProviderFailure {
                    message: format!("message handler failed: {message}"),
                    connection: false,
                })?;
            let content_type = produced
                .content_type
                .as_deref()
                .and_then(ContentType::parse)
                .unwrap_or_else(ContentType::json);
            let mut metadata = produced.metadata;
            metadata
                .entry("contentType")
                .or_insert_with(|| content_type.to_string().into());
            return Ok(MessageContents {
                contents: Body::bytes(produced.contents, Some(content_type)),
                metadata,
                ..MessageContents::default()
            });
        }
        let mut body = json!({"description": description});
        if !states.is_empty() {
            body["providerStates"] = Value::Array(
                states
                    .iter()
                    .map(|s| json!({"name": s.name, "params": s.params}))
                    .collect(),
            );
        }
        if let Some(request) = sync_request {
            body["request"] = json!({
                "contents": request.contents.as_json().unwrap_or_else(|| Value::String(request.contents.as_text())),
                "metadata": request.metadata,
            });
        }
        let mut builder = self
            .http
            .post(url)
            .timeout(self.timeout)
            .header("Content-Type", "application/json")
            .body(body.to_string());
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| failure(&e, "message request to the provider failed"))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .and_then(ContentType::parse);
        let metadata_header = response
            .headers()
            .get("pact-message-metadata")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = read_bounded(response, "message").await?;
        if !status.is_success() {
            return Err(ProviderFailure {
                message: format!(
                    "message request for '{description}' returned HTTP {}: {}",
                    status.as_u16(),
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ),
                connection: false,
            });
        }
        let mut metadata = Map::new();
        let content_type = content_type.unwrap_or_else(ContentType::json);
        metadata.insert("contentType".into(), content_type.essence().into());
        if let Some(encoded) = metadata_header {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
            match decoded {
                Some(Value::Object(extra)) => metadata.extend(extra),
                _ => {
                    return Err(ProviderFailure {
                        message: "the Pact-Message-Metadata header is not base64-encoded JSON".to_owned(),
                        connection: false,
                    });
                }
            }
        }
        let contents = if bytes.is_empty() {
            Body::Empty
        } else {
            Body::bytes(bytes.to_vec(), Some(content_type))
        };
        Ok(MessageContents {
            contents,
            metadata,
            ..MessageContents::default()
        })
    }

    /// Polls the provider until it answers (any HTTP status) or the time runs out.
    pub(crate) async fn wait_until_up(&self, seconds: u64) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
        loop {
            let attempt = self
                .http
                .get(&self.base_url)
                .timeout(Duration::from_millis(500))
                .send()
                .await;
            if attempt.is_ok() {
                return true;
            }
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn paths_keep_their_escapes_and_encode_the_rest() {
        assert_eq!(
            encode_path("/pacticipants/Pricing%20Service"),
            "/pacticipants/Pricing%20Service"
        );
        assert_eq!(
            encode_path("/pacticipants/Pricing Service"),
            "/pacticipants/Pricing%20Service"
        );
        assert_eq!(encode_path("/discount/100%"), "/discount/100%25");
        assert_eq!(encode_path("/a%zz/b%2"), "/a%25zz/b%252");
        assert_eq!(encode_path("/what?x"), "/what%3Fx");
    }
}
