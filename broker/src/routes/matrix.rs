//! `GET /matrix` and `GET /can-i-deploy`: parse the Rack nested-array grammar the Pact CLIs send
//! into a `MatrixQuery`, ask the domain for the decision, render it as the reference broker does.

use std::sync::Arc;

use accord_broker_client::wire::{
    MatrixAnswer, MatrixPact, MatrixRow, MatrixSummary, Notice, Party, ResultRef, VersionRef,
};
use axum::extract::{RawQuery, State};

use crate::AppState;
use crate::domain::can_i_deploy::decide_now;
use crate::domain::matrix::{
    Decision, Deployable, MatrixQuery, Row, Selector, Verification, VerificationKind, Version,
};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};

use super::provider_contracts::{comparison_path, contract_page};

/// Sets one field of a selector from its query key.
fn set(selector: &mut Selector, key: &str, value: String) {
    match key {
        "pacticipant" => selector.pacticipant = Some(value),
        "version" => selector.version = Some(value),
        "latest" => selector.latest = value == "true",
        "tag" => selector.tag = Some(value),
        "branch" => selector.branch = Some(value),
        "mainBranch" => selector.main_branch = value == "true",
        "environment" => selector.environment = Some(value),
        _ => {}
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses `q[][pacticipant]=A&q[][version]=1&environment=prod`: a new array element starts
/// whenever the current one already has the key being set (Rack's rule).
pub(crate) fn parse_query(raw: &str) -> MatrixQuery {
    let mut query = MatrixQuery::default();
    // The keys each selector already has, for Rack's "a repeated key starts a new element".
    let mut selector_keys: Vec<Vec<String>> = Vec::new();
    let mut ignore_keys: Vec<Vec<String>> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key);
        let value = decode(value);
        let list = if let Some(rest) = key.strip_prefix("q[]") {
            Some((&mut query.selectors, &mut selector_keys, rest.to_owned()))
        } else if let Some(rest) = key.strip_prefix("ignore[]") {
            Some((&mut query.ignores, &mut ignore_keys, rest.to_owned()))
        } else {
            None
        };
        match list {
            Some((list, keys, rest)) => {
                let field = rest.trim_start_matches('[').trim_end_matches(']').to_owned();
                let needs_new = keys.last().is_none_or(|k| k.contains(&field));
                if needs_new {
                    list.push(Selector::default());
                    keys.push(Vec::new());
                }
                if let (Some(last), Some(last_keys)) = (list.last_mut(), keys.last_mut()) {
                    last_keys.push(field.clone());
                    set(last, &field, value);
                }
            }
            None => match key.as_str() {
                "environment" => query.environment = Some(value),
                "tag" => query.tag = Some(value),
                "latest" => query.latest = value == "true",
                "mainBranch" => query.main_branch = value == "true",
                "latestby" => query.latest_by = Some(value),
                "limit" => query.limit = Some(value),
                "success[]" | "success" => query.success.push(value),
                _ => {}
            },
        }
    }
    query
}

/// The matrix answer in the reference broker's JSON shape.
pub(crate) fn render(base: &Base, decision: &Decision) -> MatrixAnswer {
    let deployable = match decision.deployable {
        Deployable::Yes => Some(true),
        Deployable::No => Some(false),
        Deployable::Unknown => None,
    };
    MatrixAnswer {
        summary: MatrixSummary {
            deployable,
            reason: decision.reason(),
            success: decision.success,
            failed: decision.failed,
            unknown: decision.unknown,
            ignored: decision.ignored,
        },
        notices: decision
            .notices
            .iter()
            .map(|n| Notice {
                when: None,
                kind: Some(n.kind.as_str().to_owned()),
                text: n.text.clone(),
            })
            .collect(),
        matrix: decision.listed_rows().map(|r| row_wire(base, r)).collect(),
    }
}

fn party(base: &Base, name: &str, version: Option<&Version>) -> Party {
    let owner = format!("/pacticipants/{}", enc(name));
    Party {
        name: name.to_owned(),
        links: base.this(&owner),
        version: version.map(|v| VersionRef {
            number: v.number.clone(),
            links: base.this(&format!("{owner}/versions/{}", enc(&v.number))),
        }),
    }
}

fn row_wire(base: &Base, row: &Row) -> MatrixRow {
    MatrixRow {
        consumer: party(base, &row.consumer, Some(&row.consumer_version)),
        provider: party(base, &row.provider, row.provider_version.as_ref()),
        pact: Some(MatrixPact {
            created_at: row.pact_created_at.clone(),
            links: base.this(&format!(
                "/pacts/provider/{}/consumer/{}/pact-version/{}",
                enc(&row.provider),
                enc(&row.consumer),
                row.sha
            )),
        }),
        verification_result: row.verification.as_ref().map(|v| verification_wire(base, row, v)),
        ignored: row.ignored.then_some(true),
    }
}

/// A row's verification: the verifier's published result, or the comparison of the pact with
/// the provider version's provider contract; `kind` says which.
fn verification_wire(base: &Base, row: &Row, v: &Verification) -> ResultRef {
    let result = ResultRef {
        success: v.success,
        verified_at: Some(v.created_at.clone()),
        ..ResultRef::default()
    };
    match v.kind {
        VerificationKind::Pact => ResultRef {
            kind: Some("pact-verification".to_owned()),
            links: base.this(&format!(
                "/pacts/provider/{}/consumer/{}/pact-version/{}/verification-results/{}",
                enc(&row.provider),
                enc(&row.consumer),
                row.sha,
                v.id
            )),
            ..result
        },
        VerificationKind::ProviderContract {
            compatible,
            self_verified,
        } => ResultRef {
            kind: Some("provider-contract".to_owned()),
            compatible: Some(compatible),
            self_verification_success: Some(self_verified),
            links: base
                .this(&comparison_path(
                    &row.provider,
                    &v.provider_version,
                    &row.consumer,
                    &row.sha,
                ))
                .with(
                    "pf:ui",
                    base.link(&contract_page(&row.provider, &v.provider_version)),
                ),
            ..result
        },
    }
}

/// `GET /matrix`.
pub(crate) async fn matrix(
    State(state): State<Arc<AppState>>,
    base: Base,
    RawQuery(raw): RawQuery,
) -> ApiResult<Hal<MatrixAnswer>> {
    let query = parse_query(raw.as_deref().unwrap_or(""));
    let decision = decide_now(&state.db, &state.lasting.documents, &query).await?;
    Ok(Hal::ok(render(&base, &decision)))
}

/// `GET /can-i-deploy?pacticipant=&version=&environment=|to=`.
pub(crate) async fn can_i_deploy(
    State(state): State<Arc<AppState>>,
    base: Base,
    RawQuery(raw): RawQuery,
) -> ApiResult<Hal<MatrixAnswer>> {
    let raw = raw.unwrap_or_default();
    let mut selector = Selector::default();
    let mut query = MatrixQuery::default();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match decode(key).as_str() {
            "pacticipant" => selector.pacticipant = Some(value),
            "version" => selector.version = Some(value),
            "environment" => query.environment = Some(value),
            "to" => query.tag = Some(value),
            "ignore[]" | "ignore" => query.ignores.push(Selector {
                pacticipant: Some(value),
                ..Selector::default()
            }),
            _ => {}
        }
    }
    if query.environment.is_some() == query.tag.is_some() {
        return Err(ApiError::bad(
            "Please specify exactly one of 'environment' or 'to'",
        ));
    }
    if selector.version.is_none() {
        selector.latest = true;
    }
    query.selectors.push(selector);
    let decision = decide_now(&state.db, &state.lasting.documents, &query).await?;
    Ok(Hal::ok(render(&base, &decision)))
}

#[cfg(test)]
mod tests;
