//! `/ui/deployments`: what is deployed where. Applications down the side, environments across:
//! in each cell the versions deployed there or released in it and since when, and whether
//! can-i-deploy lets the newest version of the main branch follow, linked to its page.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use maud::{Markup, html};

use super::when::when;
use super::{layout, page_of};
use crate::AppState;
use crate::domain::board::{Next, Placed, board};
use crate::domain::environments::Kind;
use crate::domain::matrix::Deployable;
use crate::error::ApiResult;
use crate::hal::{Base, enc};

/// Applications per page: each cell of a row may ask can-i-deploy once.
const ROWS: i64 = 20;

fn can_i_deploy_link(application: &str, version: &str, environment: &str) -> String {
    format!(
        "ui/can-i-deploy?pacticipant={}&version={}&environment={}",
        enc(application),
        enc(version),
        enc(environment)
    )
}

fn cell(application: &str, environment: &str, placed: &[Placed], next: Option<&Next>) -> Markup {
    let class = match next.and_then(|n| n.deployable) {
        Some(Deployable::Yes) => "ok",
        Some(Deployable::No) => "failed",
        Some(Deployable::Unknown) => "unknown",
        None => "",
    };
    html! {
        td class=(class) {
            @for p in placed {
                div {
                    a href=(can_i_deploy_link(application, &p.version, environment)) { strong { (p.version) } }
                    " " (match p.kind { Kind::Deployed => "deployed", Kind::Released => "released" }) " " (when(&p.since))
                }
            }
            @if let Some(next) = next {
                div class="next" {
                    @match next.deployable {
                        None => { "this is the main branch's newest" }
                        Some(answer) => {
                            "main " a href=(can_i_deploy_link(application, &next.version, environment)) { (next.version) } ": "
                            (match answer {
                                Deployable::Yes => "may follow",
                                Deployable::No => "may not follow",
                                Deployable::Unknown => "not verified yet",
                            })
                        }
                    }
                }
            } @else if placed.is_empty() {
                span class="none" { "—" }
            }
        }
    }
}

/// `GET /ui/deployments`, with `page`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let page = page_of(&query);
    let found = board(&state.db, &state.lasting.documents, ROWS, (page - 1) * ROWS).await?;
    let body = html! {
        @if found.environments.is_empty() {
            p { "No environments yet: create one (POST /environments) and record deployments to see them here." }
        } @else {
            p { "What is deployed or released where, and whether the newest version of each application's main branch may follow it there (can-i-deploy; click for why)." }
            table id="board" {
                tr {
                    th { "Application" }
                    @for e in &found.environments { th { (e.display_name) @if e.production { " (production)" } } }
                }
                @for row in &found.rows {
                    tr {
                        td { a href=(format!("ui/pacticipants/{}", enc(&row.pacticipant.name))) { (row.pacticipant.display_name) } }
                        @for (e, (placed, next)) in found.environments.iter().zip(&row.cells) {
                            (cell(&row.pacticipant.name, &e.name, placed, next.as_ref()))
                        }
                    }
                }
            }
            p class="pager" {
                @if page > 1 { a href=(format!("ui/deployments?page={}", page - 1)) { "previous" } " " }
                "page " (page)
                @if found.more { " " a href=(format!("ui/deployments?page={}", page + 1)) { "next" } }
            }
        }
    };
    Ok(layout(&base, "Deployments", body))
}
