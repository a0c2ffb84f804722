//! The can-i-deploy page: may this version of an application be deployed to an environment,
//! every row that made the decision, and for a "no" the reason with a link to the failing
//! verification, the provider contract's comparison, or the pact nobody verified.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use maud::{Markup, html};

use super::page::{href, layout};
use crate::AppState;
use crate::domain::matrix::{Decision, Deployable, Kind, MatrixQuery, Row, Selector};
use crate::error::ApiResult;
use crate::hal::{Base, enc};

/// The page for a version and an environment, relative to the broker's root.
pub(crate) fn page_path(pacticipant: &str, version: &str, environment: &str) -> String {
    format!(
        "/ui/can-i-deploy?pacticipant={}&version={}&environment={}",
        enc(pacticipant),
        enc(version),
        enc(environment)
    )
}

/// The cell of a row: its result linked to where a person sees why, or the pact nobody verified.
fn result_cell(row: &Row) -> Markup {
    if row.verification.is_some() {
        return super::result_cell(&row.provider, &row.consumer, &row.sha, row.verification.as_ref());
    }
    let pact = format!(
        "/ui/pacts/provider/{}/consumer/{}",
        enc(&row.provider),
        enc(&row.consumer)
    );
    html! {
        td class="unknown" {
            "not verified: " a href=(href(&pact)) { "the pact" } " waits for a verification"
        }
    }
}

fn decision_html(decision: &Decision, who: &str, environment: &str) -> Markup {
    let (class, answer) = match decision.deployable {
        Deployable::Yes => ("ok", "Yes"),
        Deployable::No => ("failed", "No"),
        Deployable::Unknown => ("unknown", "Not yet"),
    };
    html! {
        p id="decision" class=(class) {
            strong { (answer) } ": can " (who) " be deployed to " (environment) "?"
        }
        ul id="reasons" {
            @for notice in &decision.notices {
                @if notice.kind != Kind::Info || decision.ignored.is_some() {
                    li class=(match notice.kind { Kind::Error => "failed", Kind::Success => "ok", _ => "" }) { (notice.text) }
                }
            }
        }
        @if decision.rows.is_empty() {
            p { "No integration is involved." }
        } @else {
            table id="rows" {
                tr { th { "Consumer" } th { "Provider" } th { "Result" } }
                @for row in &decision.rows {
                    tr {
                        td { (row.consumer) " " (row.consumer_version.number) }
                        td {
                            (row.provider) " "
                            (row.provider_version.as_ref().map_or("(no version in the environment)", |v| v.number.as_str()))
                        }
                        (result_cell(row))
                    }
                }
            }
        }
    }
}

/// `GET /ui/can-i-deploy?pacticipant=&version=&environment=`: the form, and the decision when
/// all three are given.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let field = |key: &str| super::param(&query, key);
    let (pacticipant, version, environment) = (field("pacticipant"), field("version"), field("environment"));
    let environments = crate::domain::environments::all(&state.db).await?;
    let form = html! {
        form method="get" action="ui/can-i-deploy" {
            label { "Application " input name="pacticipant" value=(pacticipant.clone().unwrap_or_default()); }
            " "
            label { "Version " input name="version" value=(version.clone().unwrap_or_default()); }
            " "
            label {
                "Environment "
                select name="environment" {
                    @for env in &environments {
                        option value=(env.name) selected[environment.as_deref() == Some(env.name.as_str())] { (env.display_name) }
                    }
                }
            }
            " " button type="submit" { "Can I deploy?" }
        }
    };
    let (Some(pacticipant), Some(version), Some(environment)) = (pacticipant, version, environment) else {
        return Ok(layout(&base, "Can I deploy?", form));
    };
    let query = MatrixQuery {
        selectors: vec![Selector {
            pacticipant: Some(pacticipant.clone()),
            version: Some(version.clone()),
            ..Selector::default()
        }],
        environment: Some(environment.clone()),
        ..MatrixQuery::default()
    };
    let who = format!("{pacticipant} {version}");
    let decided = crate::domain::can_i_deploy::decide_now(&state.db, &state.lasting.documents, &query).await;
    let body = match decided {
        Ok(decision) => html! { (form) (decision_html(&decision, &who, &environment)) },
        Err(crate::domain::DomainError::Invalid(messages)) => html! {
            (form)
            p id="decision" class="failed" { "The question cannot be answered:" }
            ul id="reasons" { @for m in &messages { li { (m) } } }
        },
        Err(other) => return Err(other.into()),
    };
    Ok(layout(
        &base,
        &format!("Can {who} be deployed to {environment}?"),
        body,
    ))
}
