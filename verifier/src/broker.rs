//! The broker's HAL API as the verifier uses it: pacts for verification and publishing results.

use serde_json::Value;

use crate::auth::Auth;
use crate::error::SourceError;

/// What the broker said about a pact it selected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BrokerPactInfo {
    /// The broker the pact came from.
    pub broker_url: String,
    /// Where to publish the verification result.
    pub publish_url: Option<String>,
    /// Failures are reported but do not fail the build.
    pub pending: bool,
    /// Work in progress.
    pub wip: bool,
    /// Why the pact was selected ("latest from main branch", ...).
    pub short_description: String,
    /// Notices to print before verification.
    pub notices: Vec<String>,
    /// The consumer version the pact belongs to.
    pub consumer_version: Option<String>,
}

/// A pact the broker selected, before it is fetched.
#[derive(Debug, Clone)]
pub(crate) struct SelectedPact {
    pub(crate) href: String,
    pub(crate) info: BrokerPactInfo,
}

/// A small HAL client for one broker.
#[derive(Debug, Clone)]
pub(crate) struct BrokerClient {
    base: String,
    auth: Auth,
    http: reqwest::Client,
}

fn expand(template: &str, name: &str, value: &str) -> String {
    let encoded =
        percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string();
    template.replace(&format!("{{{name}}}"), &encoded)
}

impl BrokerClient {
    pub(crate) fn new(base: &str, auth: Auth, http: reqwest::Client) -> BrokerClient {
        BrokerClient {
            base: base.trim_end_matches('/').to_owned(),
            auth,
            http,
        }
    }

    /// Resolves an href from the broker against the configured base URL, keeping only its path
    /// (links may name another host when the broker sits behind a proxy).
    pub(crate) fn resolve(&self, href: &str) -> String {
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

    async fn read(&self, url: &str, response: reqwest::Response) -> Result<Value, SourceError> {
        let status = response.status();
        let text = response.text().await.map_err(|source| SourceError::Http {
            url: url.to_owned(),
            source,
        })?;
        if !status.is_success() {
            return Err(SourceError::BrokerStatus {
                url: url.to_owned(),
                status: status.as_u16(),
                body: text.chars().take(300).collect(),
            });
        }
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| SourceError::BrokerShape {
            url: url.to_owned(),
            problem: format!("body is not JSON: {e}"),
        })
    }

    pub(crate) async fn get_json(&self, href: &str) -> Result<Value, SourceError> {
        let url = self.resolve(href);
        let response = self
            .auth
            .apply(
                self.http
                    .get(&url)
                    .header("Accept", "application/hal+json, application/json"),
            )
            .send()
            .await
            .map_err(|source| SourceError::Http {
                url: url.clone(),
                source,
            })?;
        self.read(&url, response).await
    }

    pub(crate) async fn send_json(
        &self,
        method: reqwest::Method,
        href: &str,
        body: &Value,
    ) -> Result<Value, SourceError> {
        let url = self.resolve(href);
        let response = self
            .auth
            .apply(
                self.http
                    .request(method, &url)
                    .header("Accept", "application/hal+json")
                    .header("Content-Type", "application/json")
                    .body(body.to_string()),
            )
            .send()
            .await
            .map_err(|source| SourceError::Http {
                url: url.clone(),
                source,
            })?;
        self.read(&url, response).await
    }

    /// Follows the index to `pb:provider-pacts-for-verification` and posts the selection.
    pub(crate) async fn pacts_for_verification(
        &self,
        provider: &str,
        body: &Value,
    ) -> Result<Vec<SelectedPact>, SourceError> {
        let index = self.get_json("/").await?;
        let template = index["_links"]["pb:provider-pacts-for-verification"]["href"]
            .as_str()
            .or_else(|| index["_links"]["beta:provider-pacts-for-verification"]["href"].as_str())
            .ok_or_else(|| SourceError::BrokerShape {
                url: self.base.clone(),
                problem: "the index has no 'pb:provider-pacts-for-verification' link".to_owned(),
            })?;
        let href = expand(template, "provider", provider);
        let response = self.send_json(reqwest::Method::POST, &href, body).await?;
        let pacts = response["_embedded"]["pacts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let mut out = Vec::new();
        for entry in pacts {
            let Some(href) = entry["_links"]["self"]["href"].as_str() else {
                continue;
            };
            let props = &entry["verificationProperties"];
            let notices = props["notices"]
                .as_array()
                .map(|n| {
                    n.iter()
                        .filter(|x| x["when"].as_str().is_none_or(|w| w == "before_verification"))
                        .filter_map(|x| x["text"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            out.push(SelectedPact {
                href: href.to_owned(),
                info: BrokerPactInfo {
                    broker_url: self.base.clone(),
                    publish_url: None,
                    pending: props["pending"].as_bool().unwrap_or(false),
                    wip: props["wip"].as_bool().unwrap_or(false),
                    short_description: entry["shortDescription"].as_str().unwrap_or_default().to_owned(),
                    notices,
                    consumer_version: None,
                },
            });
        }
        Ok(out)
    }

    /// Records the provider version's branch and tags, then posts the result.
    pub(crate) async fn publish(
        &self,
        publish_url: &str,
        provider: &str,
        config: &crate::config::PublishConfig,
        result: &Value,
    ) -> Result<(), SourceError> {
        let p =
            percent_encoding::utf8_percent_encode(provider, percent_encoding::NON_ALPHANUMERIC).to_string();
        let v = percent_encoding::utf8_percent_encode(
            &config.provider_version,
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string();
        if let Some(branch) = &config.provider_branch {
            let b =
                percent_encoding::utf8_percent_encode(branch, percent_encoding::NON_ALPHANUMERIC).to_string();
            self.send_json(
                reqwest::Method::PUT,
                &format!("/pacticipants/{p}/branches/{b}/versions/{v}"),
                &serde_json::json!({}),
            )
            .await?;
        }
        for tag in &config.provider_tags {
            let t =
                percent_encoding::utf8_percent_encode(tag, percent_encoding::NON_ALPHANUMERIC).to_string();
            self.send_json(
                reqwest::Method::PUT,
                &format!("/pacticipants/{p}/versions/{v}/tags/{t}"),
                &serde_json::json!({}),
            )
            .await?;
        }
        self.send_json(reqwest::Method::POST, publish_url, result).await?;
        Ok(())
    }
}
