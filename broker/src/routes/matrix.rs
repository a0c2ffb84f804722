//! The matrix and can-i-deploy: which versions were verified against which, and whether a
//! version may be deployed. Queries use the Rack nested-array grammar the Pact CLIs send.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, Hal, enc};
use crate::store::pacticipants::{self, Pacticipant};
use crate::store::versions::{self, Version};
use crate::store::{Conn, environments, pacts, verifications};

/// One `q[]` or `ignore[]` element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selector {
    pub(crate) pacticipant: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) latest: bool,
    pub(crate) tag: Option<String>,
    pub(crate) branch: Option<String>,
    pub(crate) main_branch: bool,
    pub(crate) environment: Option<String>,
    keys: Vec<String>,
}

impl Selector {
    fn set(&mut self, key: &str, value: String) {
        self.keys.push(key.to_owned());
        match key {
            "pacticipant" => self.pacticipant = Some(value),
            "version" => self.version = Some(value),
            "latest" => self.latest = value == "true",
            "tag" => self.tag = Some(value),
            "branch" => self.branch = Some(value),
            "mainBranch" => self.main_branch = value == "true",
            "environment" => self.environment = Some(value),
            _ => {}
        }
    }
}

/// A parsed matrix query.
#[derive(Debug, Clone, Default)]
pub(crate) struct MatrixQuery {
    pub(crate) selectors: Vec<Selector>,
    pub(crate) ignores: Vec<Selector>,
    pub(crate) environment: Option<String>,
    pub(crate) tag: Option<String>,
    pub(crate) latest: bool,
    pub(crate) main_branch: bool,
    /// `cvpv`, `cvp` or `cp`; absent lists every provider version that verified.
    pub(crate) latest_by: Option<String>,
    /// How many rows to list (default 100), as sent.
    pub(crate) limit: Option<String>,
    /// `success[]` filter on the listed rows: `true`, `false` or empty (not verified).
    pub(crate) success: Vec<String>,
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
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key);
        let value = decode(value);
        let list = if let Some(rest) = key.strip_prefix("q[]") {
            Some((&mut query.selectors, rest.to_owned()))
        } else if let Some(rest) = key.strip_prefix("ignore[]") {
            Some((&mut query.ignores, rest.to_owned()))
        } else {
            None
        };
        match list {
            Some((list, rest)) => {
                let field = rest.trim_start_matches('[').trim_end_matches(']').to_owned();
                let needs_new = list.last().is_none_or(|s| s.keys.contains(&field));
                if needs_new {
                    list.push(Selector::default());
                }
                if let Some(last) = list.last_mut() {
                    last.set(&field, value);
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

#[derive(Debug, Clone)]
struct Row {
    consumer: String,
    consumer_version: Version,
    provider: String,
    provider_version: Option<Version>,
    sha: String,
    pact_created_at: String,
    verification: Option<verifications::Verification>,
    ignored: bool,
}

struct Resolved {
    pacticipant: Pacticipant,
    versions: Vec<Version>,
    description: String,
}

async fn resolve(
    conn: &mut Conn,
    selector: &Selector,
    reasons: &mut Vec<(String, String)>,
) -> ApiResult<Option<Resolved>> {
    let name = selector
        .pacticipant
        .clone()
        .ok_or_else(|| ApiError::bad("Please specify the pacticipant name"))?;
    let pacticipant = pacticipants::find(conn, &name)
        .await?
        .ok_or_else(|| ApiError::bad(format!("Pacticipant {name} not found")))?;
    let (versions, description) = if let Some(number) = &selector.version {
        let v = versions::find(conn, pacticipant.id, number).await?;
        if v.is_none() {
            reasons.push((
                "error".into(),
                format!("No pacts or verifications have been published for version {number} of {name}"),
            ));
        }
        (
            v.into_iter().collect::<Vec<_>>(),
            format!("version {number} of {name}"),
        )
    } else if let Some(branch) = &selector.branch {
        let v = versions::branch_head(conn, pacticipant.id, branch).await?;
        if v.is_none() {
            reasons.push((
                "error".into(),
                format!("No version of {name} from branch {branch} exists"),
            ));
        }
        (
            v.into_iter().collect(),
            format!("the latest version of {name} from branch {branch}"),
        )
    } else if selector.main_branch {
        let branch = pacticipant.main_branch.clone().unwrap_or_else(|| "main".into());
        let v = versions::branch_head(conn, pacticipant.id, &branch).await?;
        if v.is_none() {
            reasons.push((
                "error".into(),
                format!("No version of {name} from the main branch {branch} exists"),
            ));
        }
        (
            v.into_iter().collect(),
            format!("the latest version of {name} from the main branch"),
        )
    } else if let Some(tag) = &selector.tag {
        let v = versions::latest(conn, pacticipant.id, Some(tag)).await?;
        if v.is_none() {
            reasons.push((
                "error".into(),
                format!("No version with tag {tag} exists for {name}"),
            ));
        }
        (
            v.into_iter().collect(),
            format!("the latest version of {name} with tag {tag}"),
        )
    } else {
        let v = versions::latest(conn, pacticipant.id, None).await?;
        if v.is_none() {
            reasons.push(("error".into(), format!("No versions of {name} exist")));
        }
        (v.into_iter().collect(), format!("the latest version of {name}"))
    };
    let description = match versions.first() {
        Some(v) if selector.version.is_none() => format!("{description} ({})", v.number),
        _ => description,
    };
    Ok(Some(Resolved {
        pacticipant,
        versions,
        description,
    }))
}

enum Target {
    Environment(String, i64),
    Tag(String),
    MainBranch,
    None,
}

async fn target_versions(conn: &mut Conn, pacticipant_id: i64, target: &Target) -> ApiResult<Vec<Version>> {
    let ids: Vec<i64> = match target {
        Target::Environment(_, env_id) => {
            let mut ids: Vec<i64> = environments::currently_deployed(conn, *env_id, Some(pacticipant_id))
                .await?
                .iter()
                .map(|p| p.version_id)
                .collect();
            ids.extend(
                environments::currently_supported(conn, *env_id, Some(pacticipant_id))
                    .await?
                    .iter()
                    .map(|p| p.version_id),
            );
            ids.sort_unstable();
            ids.dedup();
            ids
        }
        Target::Tag(tag) => versions::latest(conn, pacticipant_id, Some(tag))
            .await?
            .iter()
            .map(|v| v.id)
            .collect(),
        Target::MainBranch => {
            let main = pacticipants::find_by_id(conn, pacticipant_id)
                .await?
                .and_then(|p| p.main_branch)
                .unwrap_or_else(|| "main".to_owned());
            versions::branch_head(conn, pacticipant_id, &main)
                .await?
                .iter()
                .map(|v| v.id)
                .collect()
        }
        Target::None => Vec::new(),
    };
    let mut out = Vec::new();
    for id in ids {
        if let Some(v) = versions::by_id(conn, id).await? {
            out.push(v);
        }
    }
    Ok(out)
}

fn target_text(target: &Target, name: &str) -> String {
    match target {
        Target::Environment(env, _) => format!("a version of {name} currently in {env}"),
        Target::Tag(tag) => format!("the latest version of {name} with tag {tag}"),
        Target::MainBranch => format!("the latest version of {name} from its main branch"),
        Target::None => format!("a version of {name}"),
    }
}

fn is_ignored(ignores: &[Selector], name: &str, version: Option<&Version>) -> bool {
    ignores.iter().any(|i| {
        i.pacticipant.as_deref() == Some(name)
            && i.version
                .as_deref()
                .is_none_or(|v| version.is_some_and(|x| x.number == v))
    })
}

const DEFAULT_LIMIT: usize = 100;

/// The checks the reference broker makes before answering a matrix query; the number of rows
/// to list when they pass.
fn validate(query: &MatrixQuery) -> ApiResult<usize> {
    let mut errors = Vec::new();
    for s in &query.selectors {
        let name = s.pacticipant.as_deref().unwrap_or("the pacticipant");
        if s.version.is_some() && s.latest {
            errors.push(format!(
                "A version number and latest flag cannot both be specified for {name}"
            ));
        }
    }
    if query.latest && query.environment.is_some() {
        errors.push("Cannot specify latest=true with an environment.".to_owned());
    }
    if let Some(by) = &query.latest_by
        && !matches!(by.as_str(), "cvpv" | "cvp" | "cp")
    {
        errors.push(format!("latestby must be one of cvpv, cvp or cp, not '{by}'"));
    }
    let limit = match &query.limit {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                errors.push(format!("The limit must be a number greater than 0, not '{text}'"));
                0
            }
        },
    };
    for value in &query.success {
        if !matches!(value.as_str(), "true" | "false" | "") {
            errors.push(format!("success[] must be true, false or empty, not '{value}'"));
        }
    }
    if errors.is_empty() {
        Ok(limit)
    } else {
        Err(ApiError::BadRequest(errors))
    }
}

/// Whether a row passes the `success[]` filter (no filter passes everything).
fn passes_success_filter(filter: &[String], row: &Row) -> bool {
    if filter.is_empty() {
        return true;
    }
    let state = match &row.verification {
        Some(v) if v.success => "true",
        Some(_) => "false",
        None => "",
    };
    filter.iter().any(|f| f == state)
}

/// Computes the matrix rows and the decision for a query.
async fn decide(conn: &mut Conn, base: &Base, query: &MatrixQuery) -> ApiResult<Value> {
    if query.selectors.is_empty() {
        return Err(ApiError::bad("Please provide 1 or more version selectors."));
    }
    let targets = [
        query.environment.is_some(),
        query.tag.is_some(),
        query.main_branch,
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if targets > 1 {
        return Err(ApiError::bad(
            "Please specify only one of environment, tag or mainBranch.",
        ));
    }
    let limit = validate(query)?;
    let target = match (&query.environment, &query.tag) {
        (Some(env), _) => {
            let e = environments::by_name(conn, env)
                .await?
                .ok_or_else(|| ApiError::bad(format!("Environment with name '{env}' does not exist")))?;
            Target::Environment(env.clone(), e.id)
        }
        (None, Some(tag)) => Target::Tag(tag.clone()),
        _ if query.main_branch => Target::MainBranch,
        _ => Target::None,
    };
    let mut reasons: Vec<(String, String)> = Vec::new();
    let mut resolved = Vec::new();
    for selector in &query.selectors {
        if let Some(r) = resolve(conn, selector, &mut reasons).await? {
            resolved.push(r);
        }
    }
    let missing_version = reasons.iter().any(|(kind, _)| kind == "error");
    let mut rows: Vec<Row> = Vec::new();
    let mut unknown_lines: Vec<String> = Vec::new();
    for r in &resolved {
        for version in &r.versions {
            // As a consumer: every provider of this version's pacts must have verified it.
            for pact in pacts::of_consumer_version(conn, version.id).await? {
                let Some(provider) = pacticipants::find_by_id(conn, pact.provider_id).await? else {
                    continue;
                };
                let counterpart: Vec<Version> =
                    match resolved.iter().find(|o| o.pacticipant.id == provider.id) {
                        Some(o) => o.versions.clone(),
                        None => match &target {
                            Target::None if query.latest_by.is_none() => {
                                let mut out = Vec::new();
                                for id in
                                    verifications::provider_versions_of_content(conn, pact.content_id).await?
                                {
                                    out.extend(versions::by_id(conn, id).await?);
                                }
                                out
                            }
                            Target::None => {
                                match verifications::latest_of_content(conn, pact.content_id).await? {
                                    Some(v) => versions::by_id(conn, v.provider_version_id)
                                        .await?
                                        .into_iter()
                                        .collect(),
                                    None => Vec::new(),
                                }
                            }
                            other => target_versions(conn, provider.id, other).await?,
                        },
                    };
                if counterpart.is_empty() {
                    let ignored = is_ignored(&query.ignores, &provider.name, None);
                    rows.push(Row {
                        consumer: r.pacticipant.name.clone(),
                        consumer_version: version.clone(),
                        provider: provider.name.clone(),
                        provider_version: None,
                        sha: pact.sha.clone(),
                        pact_created_at: pact.created_at.clone(),
                        verification: None,
                        ignored,
                    });
                    if !ignored {
                        unknown_lines.push(format!(
                            "There is no verified pact between {} and {}",
                            r.description,
                            target_text(&target, &provider.name)
                        ));
                    }
                }
                for pv in counterpart {
                    let verification = verifications::latest_for(conn, pact.content_id, pv.id).await?;
                    rows.push(Row {
                        consumer: r.pacticipant.name.clone(),
                        consumer_version: version.clone(),
                        provider: provider.name.clone(),
                        provider_version: Some(pv.clone()),
                        sha: pact.sha.clone(),
                        pact_created_at: pact.created_at.clone(),
                        verification,
                        ignored: is_ignored(&query.ignores, &provider.name, Some(&pv)),
                    });
                }
            }
            // As a provider: every consumer version in the target that has a pact with it.
            for consumer in pacticipants::consumers_of(conn, r.pacticipant.id).await? {
                let counterpart: Vec<Version> =
                    match resolved.iter().find(|o| o.pacticipant.id == consumer.id) {
                        Some(_) => Vec::new(), // covered from the consumer's side above
                        None => target_versions(conn, consumer.id, &target).await?,
                    };
                for cv in counterpart {
                    let Some(pact) = pacts::for_version(conn, cv.id, r.pacticipant.id).await? else {
                        continue;
                    };
                    let verification = verifications::latest_for(conn, pact.content_id, version.id).await?;
                    rows.push(Row {
                        consumer: consumer.name.clone(),
                        consumer_version: cv.clone(),
                        provider: r.pacticipant.name.clone(),
                        provider_version: Some(version.clone()),
                        sha: pact.sha.clone(),
                        pact_created_at: pact.created_at.clone(),
                        verification,
                        ignored: is_ignored(&query.ignores, &consumer.name, Some(&cv)),
                    });
                }
            }
        }
    }
    // The reference broker's order: consumer name, newest consumer version first, provider
    // name, newest provider version first.
    rows.sort_by(|a, b| {
        a.consumer
            .cmp(&b.consumer)
            .then(b.consumer_version.id.cmp(&a.consumer_version.id))
            .then(a.provider.cmp(&b.provider))
            .then(
                b.provider_version
                    .as_ref()
                    .map(|v| v.id)
                    .cmp(&a.provider_version.as_ref().map(|v| v.id)),
            )
    });
    rows.dedup_by(|a, b| {
        a.consumer_version.id == b.consumer_version.id
            && a.provider == b.provider
            && a.provider_version.as_ref().map(|v| v.id) == b.provider_version.as_ref().map(|v| v.id)
    });

    let considered: Vec<&Row> = rows.iter().filter(|r| !r.ignored).collect();
    let success = considered
        .iter()
        .filter(|r| r.verification.as_ref().is_some_and(|v| v.success))
        .count();
    let failed = considered
        .iter()
        .filter(|r| r.verification.as_ref().is_some_and(|v| !v.success))
        .count();
    let unknown = considered.iter().filter(|r| r.verification.is_none()).count();
    for row in &considered {
        let pv = row.provider_version.as_ref();
        match (&row.verification, pv) {
            (Some(v), Some(pv)) if !v.success => reasons.push((
                "error".into(),
                format!(
                    "The verification for the pact between version {} of {} and version {} of {} failed",
                    row.consumer_version.number, row.consumer, pv.number, row.provider
                ),
            )),
            (None, Some(pv)) => reasons.push((
                "error".into(),
                format!(
                    "There is no verified pact between version {} of {} and version {} of {}",
                    row.consumer_version.number, row.consumer, pv.number, row.provider
                ),
            )),
            _ => {}
        }
    }
    for line in unknown_lines {
        reasons.push(("error".into(), line));
    }
    let deployable: Value = if missing_version || failed > 0 {
        json!(false)
    } else if unknown > 0 {
        Value::Null
    } else {
        if considered.is_empty() {
            reasons.push(("success".into(), "There are no missing dependencies".into()));
        } else {
            reasons.push((
                "success".into(),
                "All required verification results are published and successful".into(),
            ));
        }
        json!(true)
    };
    if query.selectors.len() == 1 && matches!(target, Target::None) {
        reasons.push((
            "warning".into(),
            "No target environment or tag was specified, so only the latest verifications were checked"
                .into(),
        ));
    }
    for row in rows.iter().filter(|r| r.ignored) {
        reasons.push((
            "info".into(),
            format!("Ignoring: the pact between {} and {}", row.consumer, row.provider),
        ));
    }
    let reason = reasons
        .iter()
        .map(|(_, t)| t.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let notices: Vec<Value> = reasons
        .iter()
        .map(|(kind, text)| json!({"type": kind, "text": text}))
        .collect();
    let matrix: Vec<Value> = rows
        .iter()
        .filter(|r| passes_success_filter(&query.success, r))
        .take(limit)
        .map(|r| row_json(base, r))
        .collect();
    let mut summary = json!({"deployable": deployable, "reason": reason, "success": success, "failed": failed, "unknown": unknown});
    if !query.ignores.is_empty() {
        summary["ignored"] = json!(rows.iter().filter(|r| r.ignored).count());
    }
    Ok(json!({"summary": summary, "notices": notices, "matrix": matrix}))
}

fn row_json(base: &Base, row: &Row) -> Value {
    let version = |name: &str, v: &Version| json!({"number": v.number, "_links": {"self": base.link(&format!("/pacticipants/{}/versions/{}", enc(name), enc(&v.number)))}});
    let mut out = json!({
        "consumer": {"name": row.consumer, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&row.consumer)))},
                     "version": version(&row.consumer, &row.consumer_version)},
        "provider": {"name": row.provider, "_links": {"self": base.link(&format!("/pacticipants/{}", enc(&row.provider)))},
                     "version": row.provider_version.as_ref().map(|v| version(&row.provider, v))},
        "pact": {"createdAt": row.pact_created_at, "_links": {"self": base.link(&format!(
            "/pacts/provider/{}/consumer/{}/pact-version/{}", enc(&row.provider), enc(&row.consumer), row.sha))}},
        "verificationResult": row.verification.as_ref().map(|v| json!({
            "success": v.success,
            "verifiedAt": v.created_at,
            "_links": {"self": base.link(&format!(
                "/pacts/provider/{}/consumer/{}/pact-version/{}/verification-results/{}", enc(&row.provider), enc(&row.consumer), row.sha, v.id))}
        })),
    });
    if row.ignored {
        out["ignored"] = json!(true);
    }
    out
}

/// The decision for the UI pages.
pub(crate) async fn decide_for_ui(conn: &mut Conn, base: &Base, query: &MatrixQuery) -> ApiResult<Value> {
    decide(conn, base, query).await
}

/// `GET /matrix`.
pub(crate) async fn matrix(
    State(state): State<Arc<AppState>>,
    base: Base,
    RawQuery(raw): RawQuery,
) -> ApiResult<Hal> {
    let query = parse_query(raw.as_deref().unwrap_or(""));
    let mut conn = state.db.pool.acquire().await?;
    Ok(Hal::ok(decide(&mut conn, &base, &query).await?))
}

/// `GET /can-i-deploy?pacticipant=&version=&environment=|to=`.
pub(crate) async fn can_i_deploy(
    State(state): State<Arc<AppState>>,
    base: Base,
    RawQuery(raw): RawQuery,
) -> ApiResult<Hal> {
    let raw = raw.unwrap_or_default();
    let mut selector = Selector::default();
    let mut query = MatrixQuery::default();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match decode(key).as_str() {
            "pacticipant" => selector.set("pacticipant", value),
            "version" => selector.set("version", value),
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
    let mut conn = state.db.pool.acquire().await?;
    Ok(Hal::ok(decide(&mut conn, &base, &query).await?))
}

#[cfg(test)]
mod tests;
