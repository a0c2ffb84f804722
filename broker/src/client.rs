//! The broker client commands of the `accord-broker` binary: publish, can-i-deploy,
//! record-deployment, record-release, create-environment and describe-version, speaking the same
//! HTTP API as the official `pact broker` CLI.

use std::path::{Path, PathBuf};

use accord_broker_client::wire::{
    self, ContractToPublish, MatrixAnswer, ProviderContractToPublish, PublishContracts,
    PublishContractsAnswer, PublishProviderContract, SelfVerificationResults,
};
use accord_broker_client::{Auth, BrokerClient};
use base64::Engine as _;
use serde_json::{Value, json};

/// How to reach the broker.
#[derive(Debug, Clone)]
pub struct BrokerTarget {
    /// Base URL.
    pub url: String,
    /// Basic-auth user.
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
    /// Bearer token (wins over basic auth).
    pub token: Option<String>,
}

/// A client command failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The broker could not be reached, or its answer was not what the API promises.
    #[error(transparent)]
    Broker(accord_broker_client::ClientError),
    /// The broker refused the request.
    #[error("the broker answered {status} for {what}: {body}")]
    Refused {
        /// What was asked.
        what: String,
        /// HTTP status.
        status: u16,
        /// Its explanation.
        body: String,
    },
    /// Local input is wrong.
    #[error("{0}")]
    Input(String),
}

impl BrokerTarget {
    fn client(&self) -> BrokerClient {
        let auth = match (&self.token, &self.username) {
            (Some(token), _) => Auth::Bearer(token.clone()),
            (None, Some(user)) => Auth::Basic {
                username: user.clone(),
                password: self.password.clone().unwrap_or_default(),
            },
            _ => Auth::None,
        };
        BrokerClient::new(&self.url, auth, reqwest::Client::new())
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<Value, ClientError> {
        let client = self.client();
        let answer = match body {
            Some(body) => client.send_json(method, path, body).await,
            None if method == reqwest::Method::GET => client.get_json(path).await,
            None => client.send_json(method, path, &Value::Null).await,
        };
        answer.map_err(|e| match e {
            accord_broker_client::ClientError::Status { status, body, .. } => ClientError::Refused {
                what: what.to_owned(),
                status,
                body,
            },
            other => ClientError::Broker(other),
        })
    }

    /// [`Self::call`], with the answer read as the wire type the API gives it.
    async fn call_as<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        what: &str,
    ) -> Result<T, ClientError> {
        let answer = self.call(method, path, body, what).await?;
        serde_json::from_value(answer).map_err(|e| {
            ClientError::Input(format!(
                "{what}: the broker's answer is not {}: {e}",
                std::any::type_name::<T>()
                    .rsplit("::")
                    .next()
                    .unwrap_or("the expected shape")
            ))
        })
    }
}

fn enc(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn pact_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ClientError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| {
                ClientError::Input(format!("cannot read directory '{}': {e}", path.display()))
            })?;
            let mut files: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

fn read_pact(path: &Path) -> Result<Value, ClientError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClientError::Input(format!("cannot read pact file '{}': {e}", path.display())))?;
    let pact = accord_core::format::parse_pact(&text, &path.display().to_string())
        .map_err(|e| ClientError::Input(e.to_string()))?;
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| ClientError::Input(e.to_string()))?;
    let _ = pact;
    Ok(value)
}

/// Publishes pact files (or directories of them) for a consumer version; returns the notices.
pub async fn publish(
    target: &BrokerTarget,
    paths: &[PathBuf],
    version: &str,
    branch: Option<&str>,
    tags: &[String],
    build_url: Option<&str>,
) -> Result<Vec<String>, ClientError> {
    let files = pact_files(paths)?;
    if files.is_empty() {
        return Err(ClientError::Input("no pact files to publish".to_owned()));
    }
    let mut by_consumer: Vec<(String, Vec<Value>)> = Vec::new();
    for file in &files {
        let pact = read_pact(file)?;
        let consumer = pact["consumer"]["name"].as_str().unwrap_or_default().to_owned();
        match by_consumer.iter_mut().find(|(c, _)| *c == consumer) {
            Some((_, list)) => list.push(pact),
            None => by_consumer.push((consumer, vec![pact])),
        }
    }
    let mut notices = Vec::new();
    for (consumer, pacts) in by_consumer {
        let contracts: Vec<ContractToPublish> = pacts
            .iter()
            .map(|p| ContractToPublish {
                consumer_name: Some(consumer.clone()),
                provider_name: p["provider"]["name"].as_str().map(str::to_owned),
                specification: Some("pact".to_owned()),
                content_type: Some("application/json".to_owned()),
                content: Some(base64::engine::general_purpose::STANDARD.encode(p.to_string())),
                on_conflict: None,
            })
            .collect();
        let body = PublishContracts {
            pacticipant_name: Some(consumer.clone()),
            pacticipant_version_number: Some(version.to_owned()),
            branch: branch.map(str::to_owned),
            tags: (!tags.is_empty()).then(|| tags.to_vec()),
            build_url: build_url.map(str::to_owned),
            contracts: Some(contracts),
        };
        let body = serde_json::to_value(&body).map_err(|e| ClientError::Input(e.to_string()))?;
        let answer: PublishContractsAnswer = target
            .call_as(
                reqwest::Method::POST,
                "/contracts/publish",
                Some(&body),
                &format!("publishing {consumer} {version}"),
            )
            .await?;
        for notice in answer.notices {
            if notice.kind.as_deref() != Some("debug") {
                notices.push(notice.text);
            }
        }
    }
    Ok(notices)
}

/// A provider contract to publish: an OpenAPI document and the provider's own test result.
#[derive(Debug, Clone, Default)]
pub struct ProviderContract {
    /// The provider.
    pub provider: String,
    /// The provider version.
    pub version: String,
    /// The OpenAPI document (JSON or YAML).
    pub document: PathBuf,
    /// Its content type; from the file's extension when not given.
    pub content_type: Option<String>,
    /// The version's branch.
    pub branch: Option<String>,
    /// The version's tags.
    pub tags: Vec<String>,
    /// The CI build URL.
    pub build_url: Option<String>,
    /// Whether the provider's own tests of the document passed.
    pub self_verified: bool,
    /// Their output.
    pub results: Option<PathBuf>,
    /// The output's content type.
    pub results_content_type: Option<String>,
    /// The output's format (`text`, `junit`, ...).
    pub results_format: Option<String>,
    /// The tool that ran them.
    pub verifier: Option<String>,
    /// The tool's version.
    pub verifier_version: Option<String>,
}

fn read_text(path: &Path, what: &str) -> Result<String, ClientError> {
    std::fs::read_to_string(path)
        .map_err(|e| ClientError::Input(format!("cannot read {what} '{}': {e}", path.display())))
}

/// Publishes a provider contract (PactFlow's `publish-provider-contract`); returns the notices,
/// which say how each relevant pact compared.
pub async fn publish_provider_contract(
    target: &BrokerTarget,
    contract: &ProviderContract,
) -> Result<Vec<String>, ClientError> {
    let document = read_text(&contract.document, "the provider contract")?;
    if let Err(e) = accord_openapi::OpenApi::parse(&document, &contract.document.display().to_string()) {
        return Err(ClientError::Input(e.to_string()));
    }
    let content_type = contract.content_type.clone().unwrap_or_else(|| {
        let json = contract
            .document
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json {
            "application/json"
        } else {
            "application/yaml"
        }
        .to_owned()
    });
    let results = contract
        .results
        .as_deref()
        .map(|path| read_text(path, "the verification results"))
        .transpose()?;
    let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
    let body = PublishProviderContract {
        pacticipant_version_number: Some(contract.version.clone()),
        branch: contract.branch.clone(),
        tags: (!contract.tags.is_empty()).then(|| contract.tags.clone()),
        build_url: contract.build_url.clone(),
        contract: Some(ProviderContractToPublish {
            content: Some(b64(&document)),
            content_type: Some(content_type),
            specification: Some("oas".to_owned()),
            self_verification_results: Some(SelfVerificationResults {
                success: Some(contract.self_verified),
                content: results.as_deref().map(b64),
                content_type: contract.results_content_type.clone(),
                format: contract.results_format.clone(),
                verifier: contract.verifier.clone(),
                verifier_version: contract.verifier_version.clone(),
            }),
        }),
    };
    let body = serde_json::to_value(&body).map_err(|e| ClientError::Input(e.to_string()))?;
    let answer: wire::ProviderContractPublished = target
        .call_as(
            reqwest::Method::POST,
            &format!("/provider-contracts/provider/{}/publish", enc(&contract.provider)),
            Some(&body),
            &format!(
                "publishing the provider contract of {} {}",
                contract.provider, contract.version
            ),
        )
        .await?;
    Ok(answer.notices.into_iter().map(|n| n.text).collect())
}

/// The can-i-deploy answer.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Whether it may deploy.
    pub deployable: bool,
    /// The broker's reason.
    pub reason: String,
    /// One line per matrix row: consumer, version, provider, version, result.
    pub rows: Vec<String>,
}

/// Asks whether a version can be deployed to an environment (or alongside a tag).
pub async fn can_i_deploy(
    target: &BrokerTarget,
    pacticipant: &str,
    version: &str,
    environment: Option<&str>,
    to_tag: Option<&str>,
    ignore: &[String],
) -> Result<Decision, ClientError> {
    let mut query = format!(
        "q%5B%5D%5Bpacticipant%5D={}&q%5B%5D%5Bversion%5D={}&latestby=cvpv",
        enc(pacticipant),
        enc(version)
    );
    match (environment, to_tag) {
        (Some(env), _) => query.push_str(&format!("&environment={}", enc(env))),
        (None, Some(tag)) => query.push_str(&format!("&latest=true&tag={}", enc(tag))),
        (None, None) => return Err(ClientError::Input("give --to-environment or --to".to_owned())),
    }
    for name in ignore {
        query.push_str(&format!("&ignore%5B%5D%5Bpacticipant%5D={}", enc(name)));
    }
    let answer: MatrixAnswer = target
        .call_as(
            reqwest::Method::GET,
            &format!("/matrix?{query}"),
            None,
            "can-i-deploy",
        )
        .await?;
    let rows = answer
        .matrix
        .iter()
        .map(|r| {
            let result = match &r.verification_result {
                Some(v) if v.success => "success",
                Some(_) => "failed",
                None => "unverified",
            };
            format!(
                "{} {} -> {} {}: {result}",
                r.consumer.name,
                r.consumer.version.as_ref().map_or("?", |v| v.number.as_str()),
                r.provider.name,
                r.provider
                    .version
                    .as_ref()
                    .map_or("(none)", |v| v.number.as_str()),
            )
        })
        .collect();
    Ok(Decision {
        deployable: answer.summary.deployable == Some(true),
        reason: answer.summary.reason,
        rows,
    })
}

async fn environment_link(
    target: &BrokerTarget,
    pacticipant: &str,
    version: &str,
    environment: &str,
    relation: &str,
) -> Result<String, ClientError> {
    let v: wire::Version = target
        .call_as(
            reqwest::Method::GET,
            &format!("/pacticipants/{}/versions/{}", enc(pacticipant), enc(version)),
            None,
            &format!("version {version} of {pacticipant}"),
        )
        .await?;
    let links = match v.links.0.get(relation) {
        Some(wire::Rel::Many(links)) => links.as_slice(),
        Some(wire::Rel::One(link)) => std::slice::from_ref(link),
        None => &[],
    };
    links
        .iter()
        .find(|l| l.name.as_deref() == Some(environment))
        .map(|l| l.href.clone())
        .ok_or_else(|| {
            ClientError::Input(format!(
                "environment '{environment}' does not exist on the broker"
            ))
        })
}

/// Records a deployment of a version to an environment.
pub async fn record_deployment(
    target: &BrokerTarget,
    pacticipant: &str,
    version: &str,
    environment: &str,
    instance: Option<&str>,
) -> Result<(), ClientError> {
    let link = environment_link(target, pacticipant, version, environment, "pb:record-deployment").await?;
    let body = match instance {
        Some(i) => json!({"applicationInstance": i, "target": i}),
        None => json!({}),
    };
    target
        .call(reqwest::Method::POST, &link, Some(&body), "record-deployment")
        .await?;
    Ok(())
}

/// Records a release of a version to an environment.
pub async fn record_release(
    target: &BrokerTarget,
    pacticipant: &str,
    version: &str,
    environment: &str,
) -> Result<(), ClientError> {
    let link = environment_link(target, pacticipant, version, environment, "pb:record-release").await?;
    target
        .call(reqwest::Method::POST, &link, Some(&json!({})), "record-release")
        .await?;
    Ok(())
}

/// Creates an environment; returns its uuid.
pub async fn create_environment(
    target: &BrokerTarget,
    name: &str,
    display_name: Option<&str>,
    production: bool,
) -> Result<String, ClientError> {
    let mut body = json!({"name": name, "production": production});
    if let Some(display) = display_name {
        body["displayName"] = json!(display);
    }
    let created: wire::Environment = target
        .call_as(
            reqwest::Method::POST,
            "/environments",
            Some(&body),
            "create-environment",
        )
        .await?;
    Ok(created.uuid)
}

/// Describes a version (the latest, or the latest with a tag, when no number is given).
pub async fn describe_version(
    target: &BrokerTarget,
    pacticipant: &str,
    version: Option<&str>,
    latest_tag: Option<&str>,
) -> Result<wire::Version, ClientError> {
    let path = match (version, latest_tag) {
        (Some(v), _) => format!("/pacticipants/{}/versions/{}", enc(pacticipant), enc(v)),
        (None, Some(tag)) => format!("/pacticipants/{}/latest-version/{}", enc(pacticipant), enc(tag)),
        (None, None) => format!("/pacticipants/{}/latest-version", enc(pacticipant)),
    };
    target
        .call_as(
            reqwest::Method::GET,
            &path,
            None,
            &format!("a version of {pacticipant}"),
        )
        .await
}

/// A webhook to create.
#[derive(Debug, Clone, Default)]
pub struct NewWebhook {
    /// The URL to call.
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// Headers as `Name: value`.
    pub headers: Vec<String>,
    /// The body (JSON when it parses as JSON).
    pub body: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Only for this consumer.
    pub consumer: Option<String>,
    /// Only for this provider.
    pub provider: Option<String>,
    /// Events to fire on.
    pub events: Vec<String>,
}

/// Creates a webhook; returns its uuid.
pub async fn create_webhook(target: &BrokerTarget, hook: &NewWebhook) -> Result<String, ClientError> {
    let mut headers = serde_json::Map::new();
    for header in &hook.headers {
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| ClientError::Input(format!("header '{header}' must look like 'Name: value'")))?;
        headers.insert(name.trim().to_owned(), json!(value.trim()));
    }
    let body = hook
        .body
        .as_ref()
        .map(|b| serde_json::from_str::<Value>(b).unwrap_or_else(|_| Value::String(b.clone())));
    let mut request = json!({"method": hook.method, "url": hook.url, "headers": headers});
    if let Some(body) = body {
        request["body"] = body;
    }
    let mut payload = json!({
        "events": hook.events.iter().map(|e| json!({"name": e})).collect::<Vec<_>>(),
        "request": request,
    });
    if let Some(description) = &hook.description {
        payload["description"] = json!(description);
    }
    if let Some(consumer) = &hook.consumer {
        payload["consumer"] = json!({"name": consumer});
    }
    if let Some(provider) = &hook.provider {
        payload["provider"] = json!({"name": provider});
    }
    let created: wire::Webhook = target
        .call_as(
            reqwest::Method::POST,
            "/webhooks",
            Some(&payload),
            "create-webhook",
        )
        .await?;
    Ok(created.uuid)
}
