//! The provider contract page: the document, the provider's own test result and every
//! comparison with a pact, each mismatch naming the interaction and both paths.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use serde_json::Value;

use super::{esc, layout};
use crate::AppState;
use crate::domain::provider_contract;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, enc};

/// `GET /ui/provider-contracts/provider/{p}/version/{v}`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, version)): Path<(String, String)>,
) -> ApiResult<Html<String>> {
    let mut conn = state.db.pool.acquire().await?;
    let view = provider_contract::view(&mut conn, &provider, &version)
        .await?
        .ok_or_else(|| {
            ApiError::NotFound(format!("No provider contract for {provider} version {version}"))
        })?;
    let c = &view.contract;
    let mut body = String::new();
    let (class, verdict) = if c.self_verified {
        ("ok", "passed")
    } else {
        ("failed", "failed")
    };
    let tool = match (&c.verifier, &c.verifier_version) {
        (Some(tool), Some(v)) => format!(" ({} {})", esc(tool), esc(v)),
        (Some(tool), None) => format!(" ({})", esc(tool)),
        _ => String::new(),
    };
    let _ = write!(
        body,
        "<p><a href=\"ui/pacticipants/{}\">{}</a> version {}, published {}. \
         <a href=\"{}\">As JSON</a></p><h2>Self-verification</h2><p class=\"{class}\" id=\"self-verification\">\
         The provider's own tests of this contract {verdict}{tool}.</p>",
        enc(&provider),
        esc(&provider),
        esc(&version),
        esc(&c.created_at),
        esc(&crate::routes::provider_contracts::contract_path(&provider, &version)[1..]),
    );
    if let Some(url) = &c.build_url {
        let _ = write!(body, "<p>Build: {}</p>", esc(url));
    }
    if let Some(results) = &c.results_content {
        let _ = write!(
            body,
            "<details><summary>Output</summary><pre>{}</pre></details>",
            esc(results)
        );
    }
    let _ = write!(body, "<h2>Comparisons with pacts</h2>");
    if view.comparisons.is_empty() {
        body.push_str("<p>No pact has been compared with this contract yet.</p>");
    } else {
        body.push_str(
            "<table id=\"comparisons\"><tr><th>Consumer</th><th>Consumer versions</th><th>Pact</th><th>Verdict</th></tr>",
        );
        for (i, comparison) in view.comparisons.iter().enumerate() {
            let (class, verdict) = match (comparison.compatible, c.self_verified) {
                (true, true) => ("ok", "compatible".to_owned()),
                (true, false) => (
                    "failed",
                    "compatible, but the self-verification failed".to_owned(),
                ),
                (false, _) => (
                    "failed",
                    format!("incompatible: {} mismatch(es)", comparison.mismatches.len()),
                ),
            };
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td><a href=\"pacts/provider/{}/consumer/{}/pact-version/{}\"><code>{}</code></a></td>\
                 <td class=\"{class}\"><a href=\"#comparison-{i}\">{}</a></td></tr>",
                esc(&comparison.consumer),
                esc(&comparison.consumer_versions.join(", ")),
                enc(&provider),
                enc(&comparison.consumer),
                enc(&comparison.sha),
                esc(&comparison.sha[..12.min(comparison.sha.len())]),
                esc(&verdict),
            );
        }
        body.push_str("</table>");
        for (i, comparison) in view.comparisons.iter().enumerate() {
            let _ = write!(
                body,
                "<h3 id=\"comparison-{i}\">{} ({}): {} interaction(s) compared</h3>",
                esc(&comparison.consumer),
                esc(&comparison.consumer_versions.join(", ")),
                comparison.interactions
            );
            if comparison.mismatches.is_empty() {
                body.push_str("<p class=\"ok\">Every interaction is accepted by the document.</p>");
                continue;
            }
            body.push_str(
                "<table class=\"mismatches\"><tr><th>Interaction</th><th>In the pact</th><th>In the document</th><th>Mismatch</th></tr>",
            );
            for m in &comparison.mismatches {
                let field = |key: &str| esc(m.get(key).and_then(Value::as_str).unwrap_or_default());
                let _ = write!(
                    body,
                    "<tr class=\"failed\"><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                    field("interaction"),
                    field("pactPath"),
                    field("documentPath"),
                    field("message"),
                );
            }
            body.push_str("</table>");
        }
    }
    let _ = write!(
        body,
        "<h2>The document</h2><p>{} ({})</p><pre id=\"document\">{}</pre>",
        esc(&c.specification),
        esc(&c.content_type),
        esc(&c.content)
    );
    Ok(layout(
        &base,
        &format!("Provider contract of {provider} {version}"),
        &body,
    ))
}
