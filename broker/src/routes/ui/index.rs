//! `/ui`: every integration with its latest pact and its latest result.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use maud::html;

use super::{PAGE_SIZE, layout, page_of, pager, result_cell, search_of};
use crate::AppState;
use crate::domain::pages::{self, IntegrationRow};
use crate::error::ApiResult;
use crate::hal::{Base, enc};

/// `GET /ui`: every integration with its latest pact and verification.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let page = page_of(&query);
    let search = search_of(&query);
    let rows = pages::integrations(&state.db, PAGE_SIZE, (page - 1) * PAGE_SIZE, search).await?;
    let prefix = match search {
        Some(q) => format!("ui?q={}&", enc(q)),
        None => "ui?".to_owned(),
    };
    let body = html! {
        form method="get" action="ui" {
            input type="search" name="q" value=(search.unwrap_or_default()) placeholder="Filter by application name";
            " " button type="submit" { "Search" }
        }
        p { a href="ui/network" { "The network diagram" } " · " a href="ui/can-i-deploy" { "Can I deploy?" } }
        table {
            tr { th { "Consumer" } th { "Provider" } th { "Latest pact" } th { "Published" } th { "Latest verification" } th {} }
            @for IntegrationRow { consumer, provider, latest, result } in &rows {
                @let (c, p) = (enc(&consumer.name), enc(&provider.name));
                tr {
                    td { a href=(format!("ui/pacticipants/{c}")) { (consumer.display_name) } }
                    td { a href=(format!("ui/pacticipants/{p}")) { (provider.display_name) } }
                    @match latest {
                        Some(row) => {
                            td { a href=(format!("ui/pacts/provider/{p}/consumer/{c}")) { (row.consumer_version) } }
                            td { (row.created_at) }
                            (result_cell(&provider.name, &consumer.name, &row.sha, result.as_ref()))
                        }
                        None => { td {} td {} td {} }
                    }
                    td { a href=(format!("ui/matrix?consumer={c}&provider={p}")) { "matrix" } }
                }
            }
        }
        (pager(&prefix, page, rows.len()))
    };
    Ok(layout(&base, "Integrations", body))
}
