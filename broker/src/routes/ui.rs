//! Server-rendered pages (no JavaScript), written as maud templates that escape every value:
//! integrations with their latest pact and verification, a pact as readable documentation,
//! what changed between two pacts, a verification result with every interaction, an
//! application's versions, the matrix of a pair, can-i-deploy for a version and an environment,
//! the network diagram, what is deployed where, webhooks and their deliveries, provider
//! contracts.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::domain::pages::{Verification, VerificationKind};

mod board;
mod can_i_deploy;
mod contracts;
mod diff;
mod index;
mod network;
mod network_layout;
mod pact;
mod pacticipant;
mod page;
mod pair;
mod verification;
mod webhooks;
mod when;

pub(crate) use board::page as deployments;
pub(crate) use can_i_deploy::page as can_i_deploy;
pub(crate) use contracts::page as provider_contract;
pub(crate) use diff::{
    between_contents as diff_between_contents, previous_distinct as diff_previous_distinct,
};
pub(crate) use index::page as index;
pub(crate) use network::page as network;
pub(crate) use pact::page as pact;
pub(crate) use pacticipant::page as pacticipant;
pub(crate) use page::{href, layout};
pub(crate) use pair::page as matrix;
pub(crate) use verification::page as verification_result;
pub(crate) use webhooks::{list as webhooks, of_application as application_webhooks, show as webhook};

const PAGE_SIZE: i64 = 50;

/// The `q` search text of a page, when one was given.
pub(crate) fn search_of(query: &HashMap<String, String>) -> Option<&str> {
    query.get("q").map(|q| q.trim()).filter(|q| !q.is_empty())
}

/// A query parameter of a page, trimmed; `None` when absent or blank (an empty form field).
fn param(query: &HashMap<String, String>, key: &str) -> Option<String> {
    query
        .get(key)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn page_of(query: &HashMap<String, String>) -> i64 {
    query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1i64)
        .max(1)
}

/// The index's query string with a search and a label, ending so that another parameter can
/// follow.
fn index_prefix(search: Option<&str>, label: Option<&str>) -> String {
    let mut out = "ui?".to_owned();
    if let Some(q) = search {
        out.push_str(&format!("q={}&", crate::hal::enc(q)));
    }
    if let Some(label) = label {
        out.push_str(&format!("label={}&", crate::hal::enc(label)));
    }
    out
}

/// Previous/next links; `prefix` ends in `?` or `&` so `page=N` can follow.
fn pager(prefix: &str, page: i64, shown: usize) -> Markup {
    html! {
        p {
            @if page > 1 { a href=(format!("{prefix}page={}", page - 1)) { "previous" } " " }
            "page " (page)
            @if usize::try_from(PAGE_SIZE).is_ok_and(|size| shown == size) {
                " " a href=(format!("{prefix}page={}", page + 1)) { "next" }
            }
        }
    }
}

/// A result as a table cell linked to where a person sees why: the verification's page or the
/// provider contract's.
fn result_cell(provider: &str, consumer: &str, sha: &str, result: Option<&Verification>) -> Markup {
    let Some(v) = result else {
        return html! { td class="unknown" { "not verified yet" } };
    };
    let class = if v.success { "ok" } else { "failed" };
    match v.kind {
        VerificationKind::Pact => html! {
            td class=(class) {
                a href=(href(&verification::page_path(provider, consumer, sha, v.id))) {
                    (if v.success { "verified by " } else { "failed for " }) (v.provider_version)
                }
                " " (when::when(&v.created_at))
            }
        },
        VerificationKind::ProviderContract { .. } => html! {
            td class=(class) {
                (if v.success { "compatible with" } else { "failed against" }) " the provider contract of "
                a href=(href(&crate::routes::provider_contracts::contract_page(provider, &v.provider_version))) { (v.provider_version) }
                " " (when::when(&v.created_at))
            }
        },
    }
}
