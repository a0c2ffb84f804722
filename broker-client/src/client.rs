//! A small HAL client for one broker.

use serde_json::Value;

/// Credentials for the broker (and for pact URLs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Auth {
    /// No credentials.
    #[default]
    None,
    /// HTTP basic.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
    /// Bearer token.
    Bearer(String),
}

impl Auth {
    /// Adds the credentials to a request.
    pub fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::None => request,
            Auth::Basic { username, password } => request.basic_auth(username, Some(password)),
            Auth::Bearer(token) => request.bearer_auth(token),
        }
    }
}

/// A call to the broker failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The broker could not be reached.
    #[error("cannot reach the broker at '{url}'")]
    Http {
        /// The URL.
        url: String,
        /// Why.
        #[source]
        source: reqwest::Error,
    },
    /// The broker answered with an error status.
    #[error("the broker answered HTTP {status} for '{url}': {body}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The start of its explanation.
        body: String,
    },
    /// The answer was not what the API promises.
    #[error("unexpected answer from '{url}': {problem}")]
    Shape {
        /// The URL.
        url: String,
        /// What was wrong.
        problem: String,
    },
}

/// Fills `{name}` in a link template with `value`, percent-encoded.
pub fn expand(template: &str, name: &str, value: &str) -> String {
    let encoded =
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string();
    template.replace(&format!("{{{name}}}"), &encoded)
}

/// A HAL client for one broker.
#[derive(Debug, Clone)]
pub struct BrokerClient {
    base: String,
    auth: Auth,
    http: reqwest::Client,
}

impl BrokerClient {
    /// A client for the broker at `base` with these credentials, sharing `http`'s connections.
    pub fn new(base: &str, auth: Auth, http: reqwest::Client) -> BrokerClient {
        BrokerClient {
            base: base.trim_end_matches('/').to_owned(),
            auth,
            http,
        }
    }

    /// The broker's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Resolves an href from the broker against the configured base URL, keeping only its path
    /// (links may name another host when the broker sits behind a proxy).
    pub fn resolve(&self, href: &str) -> String {
        match reqwest::Url::parse(href) {
            Ok(url) => {
                let mut path = url.path().to_owned();
                if let Some(q) = url.query() {
                    path.push('?');
                    path.push_str(q);
                }
                let base_path = reqwest::Url::parse(&self.base)
                    .map(|b| b.path().trim_end_matches('/').to_owned())
                    .unwrap_or_default();
                if !base_path.is_empty() && path.starts_with(&base_path) {
                    path = path[base_path.len()..].to_owned();
                }
                format!("{}{}", self.base, path)
            }
            Err(_) => format!("{}/{}", self.base, href.trim_start_matches('/')),
        }
    }

    async fn read(&self, url: &str, response: reqwest::Response) -> Result<Value, ClientError> {
        let status = response.status();
        let text = response.text().await.map_err(|source| ClientError::Http {
            url: url.to_owned(),
            source,
        })?;
        if !status.is_success() {
            return Err(ClientError::Status {
                url: url.to_owned(),
                status: status.as_u16(),
                body: text.chars().take(2000).collect(),
            });
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| ClientError::Shape {
            url: url.to_owned(),
            problem: format!("body is not JSON: {e}"),
        })
    }

    /// Sends a request built for `url` with the credentials and reads its JSON answer.
    async fn call(&self, url: &str, request: reqwest::RequestBuilder) -> Result<Value, ClientError> {
        let response = self
            .auth
            .apply(request)
            .send()
            .await
            .map_err(|source| ClientError::Http {
                url: url.to_owned(),
                source,
            })?;
        self.read(url, response).await
    }

    /// GETs a resource as JSON.
    pub async fn get_json(&self, href: &str) -> Result<Value, ClientError> {
        let url = self.resolve(href);
        let request = self
            .http
            .get(&url)
            .header("Accept", "application/hal+json, application/json");
        self.call(&url, request).await
    }

    /// Sends a JSON body and reads the JSON answer (`null` for an empty one).
    pub async fn send_json(
        &self,
        method: reqwest::Method,
        href: &str,
        body: &impl serde::Serialize,
    ) -> Result<Value, ClientError> {
        let url = self.resolve(href);
        let text = serde_json::to_string(body).map_err(|e| ClientError::Shape {
            url: url.clone(),
            problem: format!("the request body cannot be written: {e}"),
        })?;
        let request = self
            .http
            .request(method, &url)
            .header("Accept", "application/hal+json")
            .header("Content-Type", "application/json")
            .body(text);
        self.call(&url, request).await
    }

    /// The href of the first of `relations` the index links to.
    pub async fn relation(&self, relations: &[&str]) -> Result<String, ClientError> {
        let index = self.get_json("/").await?;
        relations
            .iter()
            .find_map(|r| index["_links"][*r]["href"].as_str().map(str::to_owned))
            .ok_or_else(|| ClientError::Shape {
                url: self.base.clone(),
                problem: format!(
                    "the index has no '{}' link",
                    relations.first().copied().unwrap_or_default()
                ),
            })
    }

    /// Asks for the pacts a provider version should verify.
    pub async fn pacts_for_verification(
        &self,
        provider: &str,
        request: &crate::wire::PactsForVerificationRequest,
    ) -> Result<crate::wire::PactsForVerification, ClientError> {
        let template = self
            .relation(&[
                "pb:provider-pacts-for-verification",
                "beta:provider-pacts-for-verification",
            ])
            .await?;
        let href = expand(&template, "provider", provider);
        let answer = self.send_json(reqwest::Method::POST, &href, request).await?;
        serde_json::from_value(answer).map_err(|e| ClientError::Shape {
            url: self.resolve(&href),
            problem: format!("not a list of pacts for verification: {e}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_the_configured_base_keeping_only_the_path() {
        let client = BrokerClient::new(
            "http://127.0.0.1:9292/broker/",
            Auth::None,
            reqwest::Client::new(),
        );
        assert_eq!(
            client.resolve("https://public.example/broker/pacts/x?y=1"),
            "http://127.0.0.1:9292/broker/pacts/x?y=1"
        );
        assert_eq!(client.resolve("/pacts/x"), "http://127.0.0.1:9292/broker/pacts/x");
        assert_eq!(expand("/p/{provider}/x", "provider", "a b/c"), "/p/a%20b%2Fc/x");
    }
}
