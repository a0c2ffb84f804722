//! SVG status badges for READMEs and dashboards: the verification status of a pair's latest
//! pact, and can-i-deploy's answer for a branch's latest version. Rendered here, with no call
//! to an outside badge service.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::domain::DomainError;
use crate::domain::badges::{PactStatus, latest_pact_status};
use crate::domain::matrix::{Deployable, MatrixQuery, Selector, decide_in};
use crate::error::ApiResult;

/// What a badge says on its right-hand side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Verified,
    Failed,
    Unknown,
    Yes,
    No,
}

impl Status {
    fn text(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Failed => "failed",
            Status::Unknown => "unknown",
            Status::Yes => "yes",
            Status::No => "no",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Status::Verified | Status::Yes => "#4c1",
            Status::Failed | Status::No => "#e05d44",
            Status::Unknown => "#9f9f9f",
        }
    }
}

/// A flat two-part badge; widths follow the text at about 7 px per character. The label (an
/// application's name) is escaped by the template.
fn svg(label: &str, status: Status) -> String {
    let width = |text: &str| 10 + 7 * text.chars().count();
    let (left, right) = (width(label), width(status.text()));
    let total = left + right;
    let value = status.text();
    maud::html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(total) height="20" role="img" aria-label=(format!("{label}: {value}")) {
            title { (label) ": " (value) }
            rect width=(left) height="20" fill="#555" {}
            rect x=(left) width=(right) height="20" fill=(status.colour()) {}
            g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" {
                text x=(left / 2) y="14" { (label) }
                text x=(left + right / 2) y="14" { (value) }
            }
        }
    }
    .into_string()
}

fn respond(label: &str, status: Status) -> Response {
    let mut response = svg(label, status).into_response();
    let headers = response.headers_mut();
    headers.insert(
        "Content-Type",
        HeaderValue::from_static("image/svg+xml;charset=utf-8"),
    );
    headers.insert("Cache-Control", HeaderValue::from_static("no-cache"));
    response
}

/// The badge status of a pact status.
fn of_pact(status: PactStatus) -> Status {
    match status {
        PactStatus::Verified => Status::Verified,
        PactStatus::Failed => Status::Failed,
        PactStatus::Unknown => Status::Unknown,
    }
}

/// `GET /pacts/provider/{p}/consumer/{c}/latest/badge`.
pub(crate) async fn latest_pact(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Response> {
    let status = of_pact(latest_pact_status(&state.db, &provider, &consumer, None).await?);
    Ok(respond(&format!("{consumer}/{provider} pact"), status))
}

/// `GET /pacts/provider/{p}/consumer/{c}/latest/{tag}/badge`.
pub(crate) async fn latest_tagged_pact(
    State(state): State<Arc<AppState>>,
    Path((provider, consumer, tag)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let status = of_pact(latest_pact_status(&state.db, &provider, &consumer, Some(&tag)).await?);
    Ok(respond(&format!("{consumer}/{provider} pact ({tag})"), status))
}

/// `GET /pacticipants/{p}/branches/{b}/latest-version/can-i-deploy/to-environment/{e}/badge`.
pub(crate) async fn can_i_deploy_branch(
    State(state): State<Arc<AppState>>,
    Path((name, branch, environment)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let query = MatrixQuery {
        selectors: vec![Selector {
            pacticipant: Some(name),
            branch: Some(branch.clone()),
            latest: true,
            ..Selector::default()
        }],
        latest_by: Some("cvpv".to_owned()),
        environment: Some(environment.clone()),
        ..MatrixQuery::default()
    };
    let status = match decide_in(&state.db, &query).await {
        Ok(decision) => match decision.deployable {
            Deployable::Yes => Status::Yes,
            Deployable::No => Status::No,
            Deployable::Unknown => Status::Unknown,
        },
        Err(DomainError::Store(e)) => return Err(e.into()),
        Err(_) => Status::Unknown,
    };
    Ok(respond(
        &format!("can-i-deploy {branch} to {environment}"),
        status,
    ))
}
