//! `/ui/matrix?consumer=&provider=`: the results of a pair per consumer version, and
//! can-i-deploy's answer for the latest consumer version in each environment.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use maud::html;

use super::{PAGE_SIZE, href, layout, result_cell};
use crate::AppState;
use crate::domain::can_i_deploy::decide_now;
use crate::domain::matrix::{Deployable, MatrixQuery, Selector};
use crate::domain::pact_diff::Between;
use crate::domain::pages;
use crate::error::ApiResult;
use crate::hal::Base;

/// `GET /ui/matrix?consumer=&provider=`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let consumer = query.get("consumer").cloned().unwrap_or_default();
    let provider = query.get("provider").cloned().unwrap_or_default();
    let history = pages::pair_history(&state.db, &provider, &consumer, PAGE_SIZE).await?;
    let (p, c, rows) = (&history.provider, &history.consumer, &history.rows);
    let mut answers = Vec::new();
    if let Some(latest) = &history.latest_version {
        for env in &history.environments {
            let query = MatrixQuery {
                selectors: vec![Selector {
                    pacticipant: Some(c.name.clone()),
                    version: Some(latest.number.clone()),
                    ..Selector::default()
                }],
                environment: Some(env.name.clone()),
                ..MatrixQuery::default()
            };
            let decision = decide_now(&state.db, &state.lasting.documents, &query).await?;
            answers.push((latest.number.clone(), env.name.clone(), decision));
        }
    }
    let body = html! {
        ul {
            @for (version, env, decision) in &answers {
                @let yes = decision.deployable == Deployable::Yes;
                li class=(if yes { "ok" } else { "failed" }) {
                    "Can " (c.name) " " (version) " deploy to " (env) "? "
                    a href=(href(&super::can_i_deploy::page_path(&c.name, version, env))) { strong { (if yes { "yes" } else { "no" }) } }
                    " — " (decision.reason())
                }
            }
        }
        table {
            tr { th { (c.display_name) " version" } th { "Pact content" } th { "Latest verification by " (p.display_name) } }
            @for (cv, row, result, changed) in rows {
                tr {
                    td { (cv.number) }
                    td {
                        code { (&row.sha[..12.min(row.sha.len())]) }
                        @if *changed {
                            " "
                            a href=(href(&crate::routes::pact_diff::page_path(&p.name, &c.name, &Between::PreviousDistinct { version: cv.number.clone() }))) { "what changed" }
                        }
                    }
                    (result_cell(&p.name, &c.name, &row.sha, result.as_ref()))
                }
            }
        }
    };
    Ok(layout(
        &base,
        &format!("{} and {}", c.display_name, p.display_name),
        body,
    ))
}
