//! The verification loop: provider states, request generation, replay, matching, teardown.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use accord_core::generators::{GeneratorContext, generate_request};
use accord_core::matching::{MatchOptions, match_message, match_response_with};
use accord_core::{Body, Interaction, ProviderState, SpecVersion};
use futures::StreamExt;
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use crate::config::{Filters, StateAction, VerifierConfig};
use crate::protobuf::{Plan, readable, rejudge_body};
use crate::provider::Provider;
use crate::report::{InteractionResult, Outcome, PactResult};
use crate::source::LoadedPact;
use accord_protobuf::GrpcCall;

/// How a protobuf interaction is judged.
#[derive(Clone, Copy)]
enum Protobuf<'a> {
    /// As a gRPC call.
    Grpc(&'a GrpcCall<'a>),
    /// As any other interaction, its response or message body decoded with this message.
    Body(Option<&'a accord_protobuf::MessageDescriptor>),
}

/// Compiled filters.
#[derive(Debug)]
pub(crate) struct CompiledFilters {
    consumers: Vec<String>,
    description: Option<fancy_regex::Regex>,
    state: Option<fancy_regex::Regex>,
    no_state: bool,
}

impl CompiledFilters {
    pub(crate) fn new(filters: &Filters) -> Result<CompiledFilters, String> {
        let compile = |pattern: &Option<String>, what: &str| -> Result<Option<fancy_regex::Regex>, String> {
            pattern
                .as_deref()
                .map(|p| fancy_regex::Regex::new(p).map_err(|e| format!("invalid {what} filter '{p}': {e}")))
                .transpose()
        };
        Ok(CompiledFilters {
            consumers: filters.consumers.clone(),
            description: compile(&filters.description, "description")?,
            state: compile(&filters.state, "state")?,
            no_state: filters.no_state,
        })
    }

    pub(crate) fn accepts_consumer(&self, consumer: &str) -> bool {
        self.consumers.is_empty() || self.consumers.iter().any(|c| c == consumer)
    }

    fn accepts(&self, interaction: &Interaction) -> bool {
        let info = interaction.info();
        if let Some(re) = &self.description
            && !re.is_match(&info.description).unwrap_or(false)
        {
            return false;
        }
        if self.no_state && !info.provider_states.is_empty() {
            return false;
        }
        if let Some(re) = &self.state
            && !info
                .provider_states
                .iter()
                .any(|s| re.is_match(&s.name).unwrap_or(false))
        {
            return false;
        }
        true
    }
}

/// Shared state of one run.
pub(crate) struct RunContext {
    pub(crate) config: VerifierConfig,
    pub(crate) provider: Provider,
    /// gRPC calls to the provider.
    pub(crate) grpc: crate::grpc::GrpcClient,
    pub(crate) filters: CompiledFilters,
    state_locks: HashMap<String, Arc<Mutex<()>>>,
    pub(crate) provider_unreachable: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for RunContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunContext")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RunContext {
    pub(crate) fn new(
        config: VerifierConfig,
        provider: Provider,
        grpc: crate::grpc::GrpcClient,
        filters: CompiledFilters,
        pacts: &[LoadedPact],
    ) -> RunContext {
        let mut state_locks = HashMap::new();
        for loaded in pacts {
            for interaction in &loaded.pact.interactions {
                for state in &interaction.info().provider_states {
                    state_locks
                        .entry(state.name.clone())
                        .or_insert_with(|| Arc::new(Mutex::new(())));
                }
            }
        }
        RunContext {
            config,
            provider,
            grpc,
            filters,
            state_locks,
            provider_unreachable: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// Verifies the interactions of one pact, `parallel` at a time, results in pact order.
pub(crate) async fn verify_pact(
    ctx: &RunContext,
    loaded: &LoadedPact,
    progress: &indicatif::ProgressBar,
) -> PactResult {
    let pact = &loaded.pact;
    let broker = loaded.broker.clone().unwrap_or_default();
    let selected: Vec<&Interaction> = pact
        .interactions
        .iter()
        .filter(|i| ctx.filters.accepts(i))
        .collect();
    let parallel = ctx.config.parallel.max(1);
    let descriptors = accord_protobuf::Descriptors::of_pact(pact);
    let descriptors = &descriptors;
    let mut results: Vec<(usize, InteractionResult)> =
        futures::stream::iter(selected.into_iter().enumerate())
            .map(|(index, interaction)| async move {
                let result = match crate::protobuf::plan(interaction, descriptors) {
                    Plan::Grpc(call) => {
                        let how = Some(Protobuf::Grpc(&call));
                        verify_interaction(ctx, interaction, how, pact.spec_version, broker.pending).await
                    }
                    Plan::Body(descriptor) => {
                        let how = Some(Protobuf::Body(descriptor.as_deref()));
                        verify_interaction(ctx, interaction, how, pact.spec_version, broker.pending).await
                    }
                    Plan::Unverifiable(message) => unverifiable(interaction, broker.pending, message),
                    Plan::Plain => match needs_plugin(interaction, &pact.plugins) {
                        Some(message) => unverifiable(interaction, broker.pending, message),
                        None => {
                            verify_interaction(ctx, interaction, None, pact.spec_version, broker.pending)
                                .await
                        }
                    },
                };
                progress.inc(1);
                (index, result)
            })
            .buffer_unordered(parallel)
            .collect()
            .await;
    results.sort_by_key(|(index, _)| *index);
    PactResult {
        consumer: pact.consumer.clone(),
        provider: pact.provider.clone(),
        source: loaded.source.clone(),
        consumer_version: broker.consumer_version.clone(),
        short_description: loaded.broker.as_ref().map(|b| b.short_description.clone()),
        pending: broker.pending,
        notices: broker.notices.clone(),
        interactions: results.into_iter().map(|(_, r)| r).collect(),
        published: None,
    }
}

/// Why an interaction cannot be verified: it was written with a plugin (its
/// `pluginConfiguration` names one) and accord has no plugins. Comparing its contents as bytes
/// would claim a result nobody judged.
fn needs_plugin(interaction: &Interaction, plugins: &[Value]) -> Option<String> {
    let names: Vec<&String> = interaction.info().plugin_config.keys().collect();
    if names.is_empty() {
        return None;
    }
    let described: Vec<String> = names
        .iter()
        .map(|name| {
            let version = plugins
                .iter()
                .find(|p| p["name"].as_str() == Some(name.as_str()))
                .and_then(|p| p["version"].as_str());
            match version {
                Some(version) => format!("'{name}' {version}"),
                None => format!("'{name}'"),
            }
        })
        .collect();
    Some(format!(
        "not verified: this interaction needs the plugin {}, and accord has no plugins",
        described.join(" and the plugin ")
    ))
}

/// The result of an interaction before it is verified: what the pact says of it, passed so
/// far.
fn result_for(interaction: &Interaction, pact_pending: bool) -> InteractionResult {
    let info = interaction.info();
    InteractionResult {
        description: info.description.clone(),
        key: info.key.clone(),
        broker_id: info.broker_id.clone(),
        kind: interaction.type_name(),
        states: info.provider_states.iter().map(|s| s.name.clone()).collect(),
        pending: info.pending || pact_pending,
        comments: info
            .comments
            .get("text")
            .and_then(|t| t.as_array())
            .map(|t| t.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        test_name: info
            .comments
            .get("testname")
            .and_then(|t| t.as_str())
            .map(str::to_owned),
        warnings: Vec::new(),
        request_line: None,
        expected_body: Body::Missing,
        actual_body: Body::Missing,
        outcome: Outcome::Passed,
        duration: Default::default(),
    }
}

/// The result of an interaction that could not be verified at all.
fn unverifiable(interaction: &Interaction, pact_pending: bool, message: String) -> InteractionResult {
    InteractionResult {
        outcome: Outcome::Error(message),
        ..result_for(interaction, pact_pending)
    }
}

async fn verify_interaction(
    ctx: &RunContext,
    interaction: &Interaction,
    protobuf: Option<Protobuf<'_>>,
    spec: SpecVersion,
    pact_pending: bool,
) -> InteractionResult {
    let started = Instant::now();
    let info = interaction.info();
    let mut result = result_for(interaction, pact_pending);

    // Interactions sharing a provider state never run at the same time.
    let mut names: Vec<&String> = info.provider_states.iter().map(|s| &s.name).collect();
    names.sort();
    names.dedup();
    let mut guards = Vec::new();
    for name in names {
        if let Some(lock) = ctx.state_locks.get(name) {
            guards.push(lock.clone().lock_owned().await);
        }
    }

    let uses_states = ctx.config.states.url.is_some() || ctx.config.states.handler.is_some();
    let states: Vec<ProviderState> = if info.provider_states.is_empty() && uses_states {
        vec![ProviderState::new("")]
    } else {
        info.provider_states.clone()
    };
    if !info.provider_states.is_empty() && !uses_states {
        for state in &info.provider_states {
            result.warnings.push(format!(
                "no provider state callback (--state-change-url or a state handler) is configured for provider state '{}': it was not set up",
                state.name
            ));
        }
        tracing::warn!(interaction = %info.description, "the interaction has provider states but no state change URL or handler is configured");
    }
    let mut values = Map::new();
    for state in &states {
        values.extend(state.params.clone());
        match ctx
            .provider
            .change_state(&ctx.config.states, state, StateAction::Setup)
            .await
        {
            Ok(returned) => values.extend(returned),
            Err(message) => {
                result.outcome = Outcome::Error(message);
                result.duration = started.elapsed();
                return result;
            }
        }
    }

    let generator_ctx = GeneratorContext::provider(values);
    let message_url = ctx
        .config
        .message_url
        .clone()
        .unwrap_or_else(|| ctx.config.provider_base_url.clone());
    match interaction {
        Interaction::Http(http) => {
            let request = generate_request(&http.request, &generator_ctx);
            result.request_line = Some(format!("{} {}", request.method, ctx.provider.url_for(&request)));
            match ctx.provider.send(&request).await {
                Ok(actual) => {
                    let mut mismatches = match_response_with(&http.response, &actual, MatchOptions { spec });
                    if accord_graphql::GraphqlRequest::from_body(&http.request.body).is_some() {
                        mismatches.extend(accord_graphql::unexpected_errors(&http.response, &actual));
                    }
                    let protobuf_body = match protobuf {
                        Some(Protobuf::Body(Some(descriptor))) => Some(descriptor),
                        _ => None,
                    };
                    if let Some(descriptor) = protobuf_body {
                        let bodies = (&http.response.body, &actual.body);
                        mismatches =
                            rejudge_body(mismatches, descriptor, bodies, &http.response.matching_rules);
                    }
                    // The bodies are kept for the diff of a failure only.
                    if !mismatches.is_empty() {
                        result.expected_body = http.response.body.clone();
                        result.actual_body = actual.body;
                        if let Some(descriptor) = protobuf_body {
                            result.expected_body = readable(descriptor, &result.expected_body);
                            result.actual_body = readable(descriptor, &result.actual_body);
                        }
                        result.outcome = Outcome::Failed(mismatches);
                    }
                }
                Err(failure) => {
                    if failure.connection {
                        ctx.provider_unreachable
                            .store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    result.outcome = Outcome::Error(failure.message);
                }
            }
        }
        Interaction::AsyncMessage(message) => {
            result.request_line = Some(format!("POST {message_url} (message '{}')", info.description));
            result.expected_body = message.message.contents.clone();
            let produced = ctx
                .provider
                .request_message(
                    &message_url,
                    ctx.config.message_handler.as_ref(),
                    &info.description,
                    &info.provider_states,
                    None,
                )
                .await;
            let descriptor = match protobuf {
                Some(Protobuf::Body(descriptor)) => descriptor,
                _ => None,
            };
            record_message(ctx, &mut result, produced, &message.message, descriptor);
        }
        Interaction::SyncMessage(_) if let Some(Protobuf::Grpc(call)) = protobuf => {
            crate::protobuf::call_provider(&ctx.grpc, &ctx.provider_unreachable, call, &mut result).await;
        }
        Interaction::SyncMessage(sync) => {
            result.request_line = Some(format!(
                "POST {message_url} (synchronous message '{}')",
                info.description
            ));
            let produced = ctx
                .provider
                .request_message(
                    &message_url,
                    ctx.config.message_handler.as_ref(),
                    &info.description,
                    &info.provider_states,
                    Some(&sync.request),
                )
                .await;
            match sync.response.first() {
                Some(expected) => {
                    result.expected_body = expected.contents.clone();
                    record_message(ctx, &mut result, produced, expected, None);
                }
                None => {
                    if let Err(failure) = produced {
                        result.outcome = Outcome::Error(failure.message);
                    }
                }
            }
        }
    }

    if ctx.config.states.teardown || ctx.config.states.handler.is_some() {
        for state in &states {
            if let Err(message) = ctx
                .provider
                .change_state(&ctx.config.states, state, StateAction::Teardown)
                .await
            {
                tracing::warn!(%message, "state teardown failed");
            }
        }
    }
    drop(guards);
    result.duration = started.elapsed();
    result
}

fn record_message(
    ctx: &RunContext,
    result: &mut InteractionResult,
    produced: Result<accord_core::MessageContents, crate::provider::ProviderFailure>,
    expected: &accord_core::MessageContents,
    protobuf: Option<&accord_protobuf::MessageDescriptor>,
) {
    match produced {
        Ok(actual) => {
            let mut mismatches = match_message(expected, &actual);
            result.actual_body = actual.contents;
            if let Some(descriptor) = protobuf {
                let bodies = (&expected.contents, &result.actual_body);
                mismatches = rejudge_body(mismatches, descriptor, bodies, &expected.matching_rules);
                result.expected_body = readable(descriptor, &result.expected_body);
                result.actual_body = readable(descriptor, &result.actual_body);
            }
            if !mismatches.is_empty() {
                result.outcome = Outcome::Failed(mismatches);
            }
        }
        Err(failure) => {
            if failure.connection {
                ctx.provider_unreachable
                    .store(true, std::sync::atomic::Ordering::Relaxed);
            }
            result.outcome = Outcome::Error(failure.message);
        }
    }
}
