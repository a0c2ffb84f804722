//! The provider contract page: the document, the provider's own test result and every
//! comparison with a pact, each mismatch naming the interaction and both paths.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::html;

use super::{href, layout};
use crate::AppState;
use crate::domain::provider_contract;
use crate::error::ApiResult;
use crate::hal::{Base, enc};
use crate::routes::provider_contracts::contract_path;

/// `GET /ui/provider-contracts/provider/{p}/version/{v}`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, version)): Path<(String, String)>,
) -> ApiResult<Html<String>> {
    let view = provider_contract::show(&state.db, &provider, &version).await?;
    let c = &view.contract;
    let tool = match (&c.verifier, &c.verifier_version) {
        (Some(tool), Some(v)) => format!(" ({tool} {v})"),
        (Some(tool), None) => format!(" ({tool})"),
        _ => String::new(),
    };
    let body = html! {
        p {
            a href=(format!("ui/pacticipants/{}", enc(&provider))) { (provider) }
            " version " (version) ", published " (c.created_at) ". "
            a href=(href(&contract_path(&provider, &version))) { "As JSON" }
        }
        h2 { "Self-verification" }
        p class=(if c.self_verified { "ok" } else { "failed" }) id="self-verification" {
            "The provider's own tests of this contract " (if c.self_verified { "passed" } else { "failed" }) (tool) "."
        }
        @if let Some(url) = &c.build_url { p { "Build: " (url) } }
        @if let Some(results) = &c.results_content { details { summary { "Output" } pre { (results) } } }
        h2 { "Comparisons with pacts" }
        @if view.comparisons.is_empty() {
            p { "No pact has been compared with this contract yet." }
        } @else {
            table id="comparisons" {
                tr { th { "Consumer" } th { "Consumer versions" } th { "Pact" } th { "Verdict" } }
                @for (i, comparison) in view.comparisons.iter().enumerate() {
                    @let (class, verdict) = match (comparison.compatible, c.self_verified) {
                        (true, true) => ("ok", "compatible".to_owned()),
                        (true, false) => ("failed", "compatible, but the self-verification failed".to_owned()),
                        (false, _) => ("failed", format!("incompatible: {} mismatch(es)", comparison.mismatches.len())),
                    };
                    tr {
                        td { (comparison.consumer) }
                        td { (comparison.consumer_versions.join(", ")) }
                        td {
                            a href=(format!("pacts/provider/{}/consumer/{}/pact-version/{}", enc(&provider), enc(&comparison.consumer), enc(&comparison.sha))) {
                                code { (&comparison.sha[..12.min(comparison.sha.len())]) }
                            }
                        }
                        td class=(class) { a href=(format!("#comparison-{i}")) { (verdict) } }
                    }
                }
            }
            @for (i, comparison) in view.comparisons.iter().enumerate() {
                h3 id=(format!("comparison-{i}")) {
                    (comparison.consumer) " (" (comparison.consumer_versions.join(", ")) "): "
                    (comparison.interactions) " interaction(s) compared"
                }
                @if comparison.mismatches.is_empty() {
                    p class="ok" { "Every interaction is accepted by the document." }
                } @else {
                    table class="mismatches" {
                        tr { th { "Interaction" } th { "In the pact" } th { "In the document" } th { "Mismatch" } }
                        @for m in &comparison.mismatches {
                            tr class="failed" {
                                td { (m.interaction) }
                                td { code { (m.pact_path) } }
                                td { code { (m.document_path) } }
                                td { (m.message) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "The document" }
        p { (c.specification) " (" (c.content_type) ")" }
        pre id="document" { (c.content) }
    };
    Ok(layout(
        &base,
        &format!("Provider contract of {provider} {version}"),
        body,
    ))
}
