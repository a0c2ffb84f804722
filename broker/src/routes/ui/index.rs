//! `/ui`: the integrations index, for an estate of any size: what is failing first, then what
//! nobody verified, then the rest by latest activity; filtered by application name, label and
//! standing; 50 to a page; times relative, exact on hover.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use maud::html;

use super::when::when;
use super::{PAGE_SIZE, layout, page_of, result_cell};
use crate::AppState;
use crate::domain::estate::{IndexQuery, Standing, index};
use crate::domain::pages::IntegrationRow;
use crate::error::ApiResult;
use crate::hal::{Base, enc};

/// The filters of a request, as given (empty ones left out).
fn filters(query: &HashMap<String, String>) -> (Option<String>, Option<String>, Option<Standing>) {
    let text = |key: &str| super::param(query, key);
    let standing = text("status").and_then(|s| Standing::named(&s));
    (text("q"), text("label"), standing)
}

/// The query string of these filters, ending so that `page=N` can follow.
fn prefix(search: Option<&str>, label: Option<&str>, standing: Option<Standing>) -> String {
    let mut out = super::index_prefix(search, label);
    if let Some(standing) = standing {
        out.push_str(&format!("status={}&", standing.name()));
    }
    out
}

/// `GET /ui`, with `q`, `label`, `status` (`failing`, `unverified`, `verified`) and `page`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let page = page_of(&query);
    let (search, label, standing) = filters(&query);
    let size = usize::try_from(PAGE_SIZE).unwrap_or(50);
    let found = index(
        &state.db,
        &IndexQuery {
            search: search.clone(),
            label: label.clone(),
            standing,
            limit: size,
            offset: usize::try_from(page - 1).unwrap_or(0).saturating_mul(size),
        },
    )
    .await?;
    let prefix = prefix(search.as_deref(), label.as_deref(), standing);
    let pages = found.matching.div_ceil(size).max(1);
    let [failing, unverified, verified] = found.counts;
    let body = html! {
        form method="get" action="ui" class="filters" {
            input type="search" name="q" value=(search.as_deref().unwrap_or_default()) placeholder="Application name";
            " "
            label { "Label "
                select name="label" {
                    option value="" { "any" }
                    @for l in &found.labels {
                        option value=(l) selected[label.as_deref() == Some(l.as_str())] { (l) }
                    }
                }
            }
            " "
            label { "Status "
                select name="status" {
                    option value="" { "any" }
                    @for s in [Standing::Failing, Standing::Unverified, Standing::Verified] {
                        option value=(s.name()) selected[standing == Some(s)] { (s.name()) }
                    }
                }
            }
            " " button type="submit" { "Show" }
        }
        p id="standing" {
            a class="failed" href=(format!("{}status=failing", super::index_prefix(search.as_deref(), label.as_deref()))) { (failing) " failing" } ", "
            a class="unknown" href=(format!("{}status=unverified", super::index_prefix(search.as_deref(), label.as_deref()))) { (unverified) " never verified" } ", "
            a class="ok" href=(format!("{}status=verified", super::index_prefix(search.as_deref(), label.as_deref()))) { (verified) " verified" }
            " · " a href="ui/network" { "The network" } " · " a href="ui/can-i-deploy" { "Can I deploy?" }
        }
        table id="integrations" {
            tr { th { "Consumer" } th { "Provider" } th { "Latest pact" } th { "Published" } th { "Latest verification" } th {} }
            @for row in &found.rows {
                @let IntegrationRow { consumer, provider, latest, result } = row;
                @let (c, p) = (enc(&consumer.name), enc(&provider.name));
                tr class=(Standing::of(row).name()) {
                    td { a href=(format!("ui/pacticipants/{c}")) { (consumer.display_name) } }
                    td { a href=(format!("ui/pacticipants/{p}")) { (provider.display_name) } }
                    @match latest {
                        Some(pact) => {
                            td { a href=(format!("ui/pacts/provider/{p}/consumer/{c}")) { (pact.consumer_version) } }
                            td { (when(&pact.created_at)) }
                            (result_cell(&provider.name, &consumer.name, &pact.sha, result.as_ref()))
                        }
                        None => { td {} td {} td {} }
                    }
                    td { a href=(format!("ui/matrix?consumer={c}&provider={p}")) { "matrix" } }
                }
            }
        }
        p class="pager" {
            @if page > 1 { a href=(format!("{prefix}page={}", page - 1)) { "previous" } " " }
            "page " (page) " of " (pages) " (" (found.matching) " integration(s))"
            @if usize::try_from(page).unwrap_or(usize::MAX) < pages {
                " " a href=(format!("{prefix}page={}", page + 1)) { "next" }
            }
        }
    };
    Ok(layout(&base, "Integrations", body))
}
