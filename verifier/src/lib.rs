//! Provider verification: fetch the pacts that matter, set up provider states, replay every
//! interaction against the real provider, judge the responses with the pact's rules, explain
//! failures, publish results, and say whether the build may pass.
//!
//! The `accord-verifier` CLI is a thin layer over [`Verifier`]. Rust providers can verify an
//! axum `Router` in-process with [`Verifier::for_router`] and register state and message
//! handlers as async closures.

mod broker;
pub mod cli;
mod config;
mod error;
pub mod graphql_schema;
mod grpc;
pub mod openapi;
mod protobuf;
mod provider;
mod render;
mod report;
mod source;
mod static_check;
mod verify;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use accord_broker_client::wire::{VerificationResult, VerifiedBy};
use accord_core::ProviderState;
use serde_json::{Map, Value, json};

pub use config::{
    Filters, MessageHandler, ProducedMessage, PublishConfig, StateAction, StateConfig, StateHandler,
    VerifierConfig,
};
pub use error::{ProviderUnavailable, SourceError};
pub use render::render_text;
pub use report::{InteractionResult, Outcome, PactResult, RunStatus, VerificationReport};
pub use source::{Auth, BrokerPactInfo, BrokerSource, LoadFailure, LoadedPact, PactSource};

/// A verification run could not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A pact source could not be read at all.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The provider never answered.
    #[error(transparent)]
    Provider(#[from] ProviderUnavailable),
    /// The settings are inconsistent.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The HTTP client or in-process provider could not be set up.
    #[error("cannot set up the verifier")]
    Setup(#[source] std::io::Error),
}

/// The report of a run and whether the provider could be reached.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// Per-pact, per-interaction results.
    pub report: VerificationReport,
    /// Some request could not reach the provider at all.
    pub provider_unreachable: bool,
}

impl RunOutcome {
    /// The status the CLI turns into its exit code.
    pub fn status(&self) -> RunStatus {
        self.report.status(self.provider_unreachable)
    }
}

/// A verification: sources, provider and settings.
#[derive(Debug)]
pub struct Verifier {
    config: VerifierConfig,
    sources: Vec<PactSource>,
    auth: Auth,
    provider_name: Option<String>,
    progress: bool,
    wait_for_provider: Option<u64>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Verifier {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

impl Verifier {
    /// A verification of the provider described by `config`.
    pub fn new(config: VerifierConfig) -> Verifier {
        Verifier {
            config,
            sources: Vec::new(),
            auth: Auth::None,
            provider_name: None,
            progress: false,
            wait_for_provider: None,
            server: None,
        }
    }

    /// Serves `router` on 127.0.0.1 on a free port for as long as the verifier lives, and
    /// verifies it.
    pub async fn for_router(router: axum::Router) -> Result<Verifier, VerifyError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(VerifyError::Setup)?;
        let addr = listener.local_addr().map_err(VerifyError::Setup)?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        let mut verifier = Verifier::new(VerifierConfig::new(format!("http://{addr}")));
        verifier.server = Some(server);
        Ok(verifier)
    }

    /// The settings, to adjust.
    pub fn config_mut(&mut self) -> &mut VerifierConfig {
        &mut self.config
    }

    /// Adds a pact source.
    pub fn source(mut self, source: PactSource) -> Verifier {
        self.sources.push(source);
        self
    }

    /// Adds a pact file.
    pub fn pact_file(self, path: impl Into<PathBuf>) -> Verifier {
        self.source(PactSource::File(path.into()))
    }

    /// Adds every pact under a directory.
    pub fn pact_dir(self, path: impl Into<PathBuf>) -> Verifier {
        self.source(PactSource::Dir(path.into()))
    }

    /// Adds a pact URL.
    pub fn pact_url(self, url: impl Into<String>) -> Verifier {
        self.source(PactSource::Url(url.into()))
    }

    /// Adds the pacts a broker selects for this provider.
    pub fn broker(self, broker: BrokerSource) -> Verifier {
        self.source(PactSource::Broker(broker))
    }

    /// Credentials for URLs and the broker.
    pub fn auth(mut self, auth: Auth) -> Verifier {
        self.auth = auth;
        self
    }

    /// Only pacts for this provider are taken from directories.
    pub fn provider_name(mut self, name: impl Into<String>) -> Verifier {
        self.provider_name = Some(name.into());
        self
    }

    /// Shows a progress bar on a terminal.
    pub fn show_progress(mut self, progress: bool) -> Verifier {
        self.progress = progress;
        self
    }

    /// Waits up to `seconds` for the provider to answer before starting.
    pub fn wait_for_provider(mut self, seconds: u64) -> Verifier {
        self.wait_for_provider = Some(seconds);
        self
    }

    /// Sets up provider states with an async closure; its returned map feeds ProviderState
    /// generators.
    pub fn state_handler<F, Fut>(mut self, handler: F) -> Verifier
    where
        F: Fn(ProviderState, StateAction) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Map<String, Value>, String>> + Send + 'static,
    {
        self.config.states.handler = Some(Arc::new(move |state, action| Box::pin(handler(state, action))));
        self
    }

    /// Produces messages with an async closure (description and states in).
    pub fn message_handler<F, Fut>(mut self, handler: F) -> Verifier
    where
        F: Fn(String, Vec<ProviderState>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<ProducedMessage, String>> + Send + 'static,
    {
        self.config.message_handler = Some(Arc::new(move |description, states| {
            Box::pin(handler(description, states))
        }));
        self
    }

    /// Loads the pacts, verifies them and publishes results when configured.
    pub async fn run(&self) -> Result<RunOutcome, VerifyError> {
        let filters = verify::CompiledFilters::new(&self.config.filters).map_err(VerifyError::Config)?;
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| VerifyError::Setup(std::io::Error::other(e)))?;
        let provider = provider::Provider::new(
            http.clone(),
            &self.config.provider_base_url,
            self.config.headers.clone(),
            self.config.request_timeout,
        );
        if let Some(seconds) = self.wait_for_provider
            && !provider.wait_until_up(seconds).await
        {
            return Err(ProviderUnavailable {
                url: self.config.provider_base_url.clone(),
                seconds,
            }
            .into());
        }
        let (loaded, load_failures) =
            source::load_sources(&self.sources, self.provider_name.as_deref(), &self.auth, &http).await?;
        let loaded: Vec<LoadedPact> = loaded
            .into_iter()
            .filter(|l| filters.accepts_consumer(&l.pact.consumer))
            .collect();
        let total: u64 = loaded.iter().map(|l| l.pact.interactions.len() as u64).sum();
        let progress = if self.progress && total > 5 {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} interactions {elapsed}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        } else {
            indicatif::ProgressBar::hidden()
        };
        let grpc_url = self
            .config
            .grpc_url
            .as_deref()
            .unwrap_or(&self.config.provider_base_url);
        let grpc = grpc::GrpcClient::new(
            grpc_url,
            self.config.request_timeout,
            &self.config.grpc_root_certificates,
        )
        .map_err(VerifyError::Config)?;
        let ctx = verify::RunContext::new(self.config.clone(), provider, grpc, filters, &loaded);
        let mut report = VerificationReport {
            pacts: Vec::new(),
            load_failures,
        };
        for pact in &loaded {
            let mut result = verify::verify_pact(&ctx, pact, &progress).await;
            if let (Some(publish), Some(info)) = (&self.config.publish, &pact.broker)
                && let Some(url) = &info.publish_url
            {
                let client = broker::client(&info.broker_url, self.auth.clone(), http.clone());
                let body = result_body(&result, publish);
                result.published = Some(
                    broker::publish(&client, url, &pact.pact.provider, publish, &body)
                        .await
                        .map_err(|e| source::error_chain(&e)),
                );
            }
            report.pacts.push(result);
        }
        progress.finish_and_clear();
        Ok(RunOutcome {
            report,
            provider_unreachable: ctx
                .provider_unreachable
                .load(std::sync::atomic::Ordering::Relaxed),
        })
    }
}

fn attribute_of(kind: accord_core::MismatchKind) -> &'static str {
    use accord_core::MismatchKind as K;
    match kind {
        K::Method => "method",
        K::Path => "path",
        K::Query => "query",
        K::Header => "header",
        K::Status => "status",
        K::BodyType | K::Body => "body",
        K::Metadata => "metadata",
    }
}

/// The verification result body the broker expects.
fn result_body(result: &PactResult, publish: &PublishConfig) -> VerificationResult {
    let success = result.interactions.iter().all(InteractionResult::passed);
    let tests: Vec<Value> = result
        .interactions
        .iter()
        .map(|i| {
            let mut test = json!({
                "interactionDescription": i.description,
                "success": i.passed(),
            });
            if let Some(id) = i.broker_id.as_ref().or(i.key.as_ref()) {
                test["interactionId"] = id.clone().into();
            }
            // What the broker's verification page shows besides the verdict: the states, the
            // request sent and, for a body mismatch, the focused diff the report printed.
            if !i.states.is_empty() {
                test["providerStates"] = json!(i.states);
            }
            if let Some(line) = &i.request_line {
                test["request"] = json!(line);
            }
            match &i.outcome {
                Outcome::Failed(mismatches) => {
                    test["mismatches"] = Value::Array(
                        mismatches
                            .iter()
                            .map(|m| json!({"attribute": attribute_of(m.kind), "identifier": m.location, "description": m.message}))
                            .collect(),
                    );
                    let body_failed = mismatches
                        .iter()
                        .any(|m| matches!(m.kind, accord_core::MismatchKind::Body));
                    let options = accord_core::report::ReportOptions {
                        color: false,
                        context_lines: 3,
                    };
                    if body_failed
                        && let Some(diff) = accord_core::report::focused_body_diff(
                            &i.expected_body,
                            &i.actual_body,
                            mismatches,
                            options,
                        )
                    {
                        test["diff"] = json!(diff);
                    }
                }
                Outcome::Error(message) => {
                    test["exceptions"] = json!([{"message": message}]);
                }
                Outcome::Passed => {}
            }
            test
        })
        .collect();
    VerificationResult {
        success: Some(success),
        provider_application_version: Some(publish.provider_version.clone()),
        build_url: publish.build_url.clone(),
        verified_by: Some(VerifiedBy {
            implementation: Some("accord".to_owned()),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            other: Map::new(),
        }),
        test_results: serde_json::value::to_raw_value(&tests).ok(),
    }
}
