//! `/ui/pacticipants/{p}`: an application's versions (newest first, paginated) with branches,
//! tags and environments, a can-i-deploy link per version and environment, and its provider
//! contracts.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Html;
use maud::html;

use super::{PAGE_SIZE, href, layout, page_of, pager};
use crate::AppState;
use crate::domain::pages;
use crate::error::ApiResult;
use crate::hal::{Base, enc};

/// `GET /ui/pacticipants/{p}`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let page = page_of(&query);
    let found = pages::application(&state.db, &name, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let (p, rows, live, envs, contracts) = (
        &found.pacticipant,
        &found.versions,
        &found.live,
        &found.environments,
        &found.contracts,
    );
    let path = format!("ui/pacticipants/{}", enc(&p.name));
    let body = html! {
        p {
            "Main branch: " (p.main_branch.as_deref().unwrap_or("(none)")) ". "
            a href=(format!("{path}/fields")) { "Which consumer uses which field" } ". "
            a href=(format!("ui/network?application={}", enc(&p.name))) { "Its consumers and providers in the network" } ". "
            a href=(format!("{path}/webhooks")) { "Its webhooks" }
        }
        @if !contracts.is_empty() {
            h2 { "Provider contracts" }
            ul id="provider-contracts" {
                @for c in contracts {
                    li {
                        a href=(href(&crate::routes::provider_contracts::contract_page(&p.name, &c.provider_version))) { (c.provider_version) }
                        " (" (c.created_at) ", self-verification " (if c.self_verified { "passed" } else { "failed" }) ")"
                    }
                }
            }
        }
        table {
            tr { th { "Version" } th { "Branches" } th { "Tags" } th { "Environments" } th { "Created" } th { "Can I deploy?" } }
            @for (v, branches, tags) in rows {
                tr {
                    td { (v.number) }
                    td { (branches.join(", ")) }
                    td { (tags.join(", ")) }
                    td { (live.get(&v.id).map(|l| l.join(", ")).unwrap_or_default()) }
                    td { (v.created_at) }
                    td {
                        @for (i, env) in envs.iter().enumerate() {
                            @if i > 0 { " · " }
                            a href=(href(&super::can_i_deploy::page_path(&p.name, &v.number, &env.name))) { (env.name) }
                        }
                    }
                }
            }
        }
        (pager(&format!("{path}?"), page, rows.len()))
    };
    Ok(layout(&base, &p.display_name, body))
}
