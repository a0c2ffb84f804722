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
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, enc};
use crate::store::{environments, pacticipants, provider_contracts, versions};

/// `GET /ui/pacticipants/{p}`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let mut conn = state.db.pool.acquire().await?;
    let p = pacticipants::find(&mut conn, &name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("pacticipant '{name}'")))?;
    let page = page_of(&query);
    let list = versions::list(&mut conn, p.id, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let envs = environments::list(&mut conn).await?;
    let mut live: HashMap<i64, Vec<String>> = HashMap::new();
    for env in &envs {
        for placement in environments::currently_deployed(&mut conn, env.id, Some(p.id)).await? {
            live.entry(placement.version_id)
                .or_default()
                .push(format!("deployed to {}", env.name));
        }
        for placement in environments::currently_supported(&mut conn, env.id, Some(p.id)).await? {
            live.entry(placement.version_id)
                .or_default()
                .push(format!("released in {}", env.name));
        }
    }
    let mut rows = Vec::new();
    for v in &list {
        let branches = versions::branches_of(&mut conn, v.id).await?;
        let tags = versions::tags_of(&mut conn, v.id).await?;
        rows.push((v, branches, tags));
    }
    let contracts = provider_contracts::latest_of_provider(&mut conn, p.id, 10).await?;
    let path = format!("ui/pacticipants/{}", enc(&p.name));
    let body = html! {
        p {
            "Main branch: " (p.main_branch.as_deref().unwrap_or("(none)")) ". "
            a href=(format!("{path}/fields")) { "Which consumer uses which field" }
        }
        @if !contracts.is_empty() {
            h2 { "Provider contracts" }
            ul id="provider-contracts" {
                @for c in &contracts {
                    li {
                        a href=(href(&crate::routes::provider_contracts::contract_page(&p.name, &c.provider_version))) { (c.provider_version) }
                        " (" (c.created_at) ", self-verification " (if c.self_verified { "passed" } else { "failed" }) ")"
                    }
                }
            }
        }
        table {
            tr { th { "Version" } th { "Branches" } th { "Tags" } th { "Environments" } th { "Created" } th { "Can I deploy?" } }
            @for (v, branches, tags) in &rows {
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
        (pager(&format!("{path}?"), page, list.len()))
    };
    Ok(layout(&base, &p.display_name, body))
}
