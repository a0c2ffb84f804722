//! Where pacts come from: files, directories, URLs and a broker's pacts-for-verification.

use std::path::{Path, PathBuf};

use accord_core::Pact;
use accord_core::format::{parse_json, parse_pact_value};
use serde_json::Value;

pub use accord_broker_client::Auth;
use accord_broker_client::wire::PactsForVerificationRequest;

pub use crate::broker::BrokerPactInfo;

use crate::error::SourceError;

/// Pacts for one provider from a broker, chosen by consumer version selectors.
#[derive(Debug, Clone, Default)]
pub struct BrokerSource {
    /// The broker's base URL.
    pub url: String,
    /// The provider whose pacts to fetch.
    pub provider: String,
    /// Consumer version selectors as JSON objects (empty: the broker's defaults).
    pub selectors: Vec<Value>,
    /// Ask for pending status, so that new pacts do not fail the build.
    pub enable_pending: bool,
    /// Include work-in-progress pacts created since this date.
    pub include_wip_since: Option<String>,
    /// The branch of the provider version being verified.
    pub provider_branch: Option<String>,
    /// Tags of the provider version being verified.
    pub provider_tags: Vec<String>,
}

/// One place to read pacts from.
#[derive(Debug, Clone)]
pub enum PactSource {
    /// A pact file.
    File(PathBuf),
    /// Every `.json` pact under a directory, recursively.
    Dir(PathBuf),
    /// A pact at a URL.
    Url(String),
    /// A broker.
    Broker(BrokerSource),
}

/// A pact ready to verify.
#[derive(Debug, Clone)]
pub struct LoadedPact {
    /// The pact.
    pub pact: Pact,
    /// Where it came from (file path or URL).
    pub source: String,
    /// Broker details when it came from a broker.
    pub broker: Option<BrokerPactInfo>,
}

/// A pact that could not be loaded; the others are still verified.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadFailure {
    /// The file or URL.
    pub source: String,
    /// Why it failed.
    pub message: String,
}

/// An error with its causes, one after another.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Every `.json` file below `dir`, recursively, appended to `out`.
pub(crate) fn collect_json_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads every source. Unreadable pacts become [`LoadFailure`]s; a source that cannot be
/// reached at all (missing directory, broker down) is an error.
pub(crate) async fn load_sources(
    sources: &[PactSource],
    provider_name: Option<&str>,
    auth: &Auth,
    http: &reqwest::Client,
) -> Result<(Vec<LoadedPact>, Vec<LoadFailure>), SourceError> {
    let mut loaded = Vec::new();
    let mut failures = Vec::new();
    for source in sources {
        match source {
            PactSource::File(path) => match accord_core::format::read_pact_file(path) {
                Ok(pact) => loaded.push(LoadedPact {
                    pact,
                    source: path.display().to_string(),
                    broker: None,
                }),
                Err(e) => failures.push(LoadFailure {
                    source: path.display().to_string(),
                    message: error_chain(&e),
                }),
            },
            PactSource::Dir(dir) => {
                let mut files = Vec::new();
                collect_json_files(dir, &mut files).map_err(|source| SourceError::Dir {
                    path: dir.clone(),
                    source,
                })?;
                files.sort();
                for path in files {
                    match accord_core::format::read_pact_file(&path) {
                        Ok(pact) => {
                            if provider_name.is_none_or(|p| p == pact.provider) {
                                loaded.push(LoadedPact {
                                    pact,
                                    source: path.display().to_string(),
                                    broker: None,
                                });
                            }
                        }
                        Err(e) => failures.push(LoadFailure {
                            source: path.display().to_string(),
                            message: error_chain(&e),
                        }),
                    }
                }
            }
            PactSource::Url(url) => {
                let response = auth
                    .apply(
                        http.get(url)
                            .header("Accept", "application/hal+json, application/json"),
                    )
                    .send()
                    .await
                    .map_err(|source| SourceError::Http {
                        url: url.clone(),
                        source,
                    })?;
                let status = response.status();
                let text = response.text().await.map_err(|source| SourceError::Http {
                    url: url.clone(),
                    source,
                })?;
                if !status.is_success() {
                    failures.push(LoadFailure {
                        source: url.clone(),
                        message: format!("fetching the pact returned HTTP {status}"),
                    });
                    continue;
                }
                match parse_json(&text, url).and_then(|v| parse_pact_value(&v, url)) {
                    Ok(pact) => loaded.push(LoadedPact {
                        pact,
                        source: url.clone(),
                        broker: None,
                    }),
                    Err(e) => failures.push(LoadFailure {
                        source: url.clone(),
                        message: error_chain(&e),
                    }),
                }
            }
            PactSource::Broker(broker) => {
                let client = crate::broker::client(&broker.url, auth.clone(), http.clone());
                let request = pacts_for_verification_request(broker)?;
                let selected =
                    crate::broker::pacts_for_verification(&client, &broker.provider, &request).await?;
                for entry in selected {
                    match client.get_json(&entry.href).await.map_err(SourceError::from) {
                        Ok(doc) => match parse_pact_value(&doc, &entry.href) {
                            Ok(pact) => {
                                let mut info = entry.info;
                                info.broker_url = broker.url.clone();
                                info.publish_url = doc["_links"]["pb:publish-verification-results"]["href"]
                                    .as_str()
                                    .map(str::to_owned);
                                info.consumer_version = doc["_links"]["pb:consumer-version"]["name"]
                                    .as_str()
                                    .map(str::to_owned);
                                loaded.push(LoadedPact {
                                    pact,
                                    source: entry.href,
                                    broker: Some(info),
                                });
                            }
                            Err(e) => failures.push(LoadFailure {
                                source: entry.href,
                                message: error_chain(&e),
                            }),
                        },
                        Err(e) => failures.push(LoadFailure {
                            source: entry.href,
                            message: error_chain(&e),
                        }),
                    }
                }
            }
        }
    }
    Ok((loaded, failures))
}

fn pacts_for_verification_request(broker: &BrokerSource) -> Result<PactsForVerificationRequest, SourceError> {
    let mut selectors = Vec::new();
    for selector in &broker.selectors {
        selectors.push(
            serde_json::from_value(selector.clone()).map_err(|e| SourceError::BrokerShape {
                url: broker.url.clone(),
                problem: format!("the consumer version selector {selector} is not valid: {e}"),
            })?,
        );
    }
    Ok(PactsForVerificationRequest {
        consumer_version_selectors: Some(selectors),
        include_pending_status: Some(broker.enable_pending),
        include_wip_pacts_since: broker.include_wip_since.clone(),
        provider_version_branch: broker.provider_branch.clone(),
        provider_version_tags: (!broker.provider_tags.is_empty()).then(|| broker.provider_tags.clone()),
    })
}
