//! Server-rendered pages (no JavaScript): integrations with their latest pact and verification,
//! a pact as readable documentation, a pacticipant's versions with branches, tags and
//! deployments, and the matrix of a pair with can-i-deploy's answer per environment.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use accord_core::rules::{Category, MatchingRule, RuleList};
use accord_core::{Body, Interaction};
use axum::extract::{Path, Query, State};
use axum::response::Html;

use crate::AppState;
use crate::domain::matrix::{Deployable, MatrixQuery, Selector};
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, enc};
use crate::store::verifications::VerificationKind;
use crate::store::{
    Conn, environments, matrix, pacticipants, pacts, provider_contracts, verifications, versions,
};

mod contracts;

pub(crate) use contracts::page as provider_contract;

const PAGE_SIZE: i64 = 50;

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A page with the shared style and navigation. Links in pages are relative to the broker's
/// root (`<base href>`), so they keep a context path the broker is served under.
pub(crate) fn layout(base: &Base, title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><base href=\"{}/\"><title>{} - accord broker</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}\
         .ok{{background:#d9f2d9}}.failed{{background:#f8d0d0}}.unknown{{background:#f6f0c8}}pre{{background:#f7f7f7;padding:.5rem;overflow:auto}}\
         nav a{{margin-right:1rem}}</style></head><body><nav><a href=\"ui\">Integrations</a></nav><h1>{}</h1>{body}</body></html>",
        esc(base.root_path()),
        esc(title),
        esc(title)
    ))
}

/// The `q` search text of a page, when one was given.
pub(crate) fn search_of(query: &HashMap<String, String>) -> Option<&str> {
    query.get("q").map(|q| q.trim()).filter(|q| !q.is_empty())
}

fn page_of(query: &HashMap<String, String>) -> i64 {
    query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1i64)
        .max(1)
}

/// Previous/next links; `prefix` ends in `?` or `&amp;` so `page=N` can follow.
fn pager(prefix: &str, page: i64, shown: usize) -> String {
    let mut out = String::from("<p>");
    if page > 1 {
        let _ = write!(out, "<a href=\"{prefix}page={}\">previous</a> ", page - 1);
    }
    let _ = write!(out, "page {page}");
    if shown as i64 == PAGE_SIZE {
        let _ = write!(out, " <a href=\"{prefix}page={}\">next</a>", page + 1);
    }
    out.push_str("</p>");
    out
}

/// The newest result for a pact content: a verification or a provider contract's comparison.
async fn latest_result(conn: &mut Conn, content_id: i64) -> ApiResult<Option<verifications::Verification>> {
    Ok(matrix::verifications_of_contents(conn, &[content_id])
        .await?
        .remove(&content_id)
        .and_then(|mut all| all.pop()))
}

/// A table cell for a provider contract's comparison, linking to the contract's page.
fn contract_cell(provider: &str, v: &verifications::Verification) -> String {
    let page = super::provider_contracts::contract_page(provider, &v.provider_version);
    format!(
        "<td class=\"{}\">{} the provider contract of <a href=\"{}\">{}</a> on {}</td>",
        if v.success { "ok" } else { "failed" },
        if v.success {
            "compatible with"
        } else {
            "failed against"
        },
        esc(&page[1..]),
        esc(&v.provider_version),
        esc(&v.created_at)
    )
}

/// `GET /ui`: every integration with its latest pact and verification.
pub(crate) async fn index(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let mut conn = state.db.pool.acquire().await?;
    let page = page_of(&query);
    let search = search_of(&query);
    let pairs = pacticipants::integrations(&mut conn, PAGE_SIZE, (page - 1) * PAGE_SIZE, search).await?;
    let mut rows = String::new();
    for (consumer, provider) in &pairs {
        let latest =
            verifications::latest_pact_with_result(&mut conn, consumer.id, provider.id, None).await?;
        let (version, published, status_cell) = match latest {
            Some((row, _)) => {
                let cell = match latest_result(&mut conn, row.content_id).await? {
                    Some(v) if v.kind != VerificationKind::Pact => contract_cell(&provider.name, &v),
                    Some(v) if v.success => format!(
                        "<td class=\"ok\">verified by {} on {}</td>",
                        esc(&v.provider_version),
                        esc(&v.created_at)
                    ),
                    Some(v) => format!(
                        "<td class=\"failed\">failed for {} on {}</td>",
                        esc(&v.provider_version),
                        esc(&v.created_at)
                    ),
                    None => "<td class=\"unknown\">not verified yet</td>".to_owned(),
                };
                (row.consumer_version, row.created_at, cell)
            }
            None => (String::new(), String::new(), "<td></td>".to_owned()),
        };
        let _ = write!(
            rows,
            "<tr><td><a href=\"ui/pacticipants/{c}\">{cn}</a></td><td><a href=\"ui/pacticipants/{p}\">{pn}</a></td>\
             <td><a href=\"ui/pacts/provider/{p}/consumer/{c}\">{v}</a></td><td>{d}</td>{status_cell}\
             <td><a href=\"ui/matrix?consumer={c}&amp;provider={p}\">matrix</a></td></tr>",
            c = enc(&consumer.name),
            p = enc(&provider.name),
            cn = esc(&consumer.display_name),
            pn = esc(&provider.display_name),
            v = esc(&version),
            d = esc(&published),
        );
    }
    let form = format!(
        "<form method=\"get\" action=\"ui\"><input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"Filter by application name\"> \
         <button type=\"submit\">Search</button></form>",
        esc(search.unwrap_or_default())
    );
    let body = format!(
        "{form}<table><tr><th>Consumer</th><th>Provider</th><th>Latest pact</th><th>Published</th><th>Latest verification</th><th></th></tr>{rows}</table>{}",
        pager(
            &match search {
                Some(q) => format!("ui?q={}&amp;", enc(q)),
                None => "ui?".to_owned(),
            },
            page,
            pairs.len()
        )
    );
    Ok(layout(&base, "Integrations", &body))
}

/// Describes a matcher in words.
fn describe_rule(rule: &MatchingRule) -> String {
    match rule {
        MatchingRule::Equality => "equal to the example".to_owned(),
        MatchingRule::Regex(r) => format!("matching the regular expression <code>{}</code>", esc(r)),
        MatchingRule::Type { min: None, max: None } => "any value of the example's type".to_owned(),
        MatchingRule::Type { min, max } => format!(
            "a list like the example with {}{}{} items",
            min.map(|m| format!("at least {m}")).unwrap_or_default(),
            if min.is_some() && max.is_some() {
                " and "
            } else {
                ""
            },
            max.map(|m| format!("at most {m}")).unwrap_or_default()
        ),
        MatchingRule::Include(s) => format!("text containing “{}”", esc(s)),
        MatchingRule::Integer => "an integer".to_owned(),
        MatchingRule::Decimal => "a decimal number".to_owned(),
        MatchingRule::Number => "any number".to_owned(),
        MatchingRule::Timestamp(f) => format!("a date-time in the format <code>{}</code>", esc(f)),
        MatchingRule::Date(f) => format!("a date in the format <code>{}</code>", esc(f)),
        MatchingRule::Time(f) => format!("a time in the format <code>{}</code>", esc(f)),
        MatchingRule::Null => "null".to_owned(),
        MatchingRule::Boolean => "true or false".to_owned(),
        MatchingRule::ContentType(ct) => format!("content of type {}", esc(ct)),
        MatchingRule::Values => "a map whose values are like the example's (any keys)".to_owned(),
        MatchingRule::ArrayContains(v) => {
            format!("a list containing {} described element(s) in any order", v.len())
        }
        MatchingRule::StatusCode(c) => c.describe(),
        MatchingRule::NotEmpty => "a non-empty value of the example's type".to_owned(),
        MatchingRule::Semver => "a semantic version".to_owned(),
        MatchingRule::EachKey { .. } => "a map whose every key follows the key rules".to_owned(),
        MatchingRule::EachValue { .. } => "a collection whose every value follows the value rules".to_owned(),
        MatchingRule::Unknown { name, .. } => format!("the plugin matcher “{}”", esc(name)),
    }
}

fn describe_list(list: &RuleList) -> String {
    let joiner = match list.combine {
        accord_core::rules::Combine::And => " and ",
        accord_core::rules::Combine::Or => " or ",
    };
    list.rules
        .iter()
        .map(describe_rule)
        .collect::<Vec<_>>()
        .join(joiner)
}

fn rules_html(rules: &accord_core::rules::MatchingRules) -> String {
    let mut items = String::new();
    for (category, entries) in rules.iter() {
        for (key, list) in entries.iter() {
            let place = match category {
                Category::Body => format!("body <code>{}</code>", esc(key)),
                Category::Header => format!("header {}", esc(key)),
                Category::Query => format!("query parameter {}", esc(key)),
                Category::Metadata => format!("metadata {}", esc(key)),
                other => other.name().to_owned(),
            };
            let _ = write!(items, "<li>{place}: {}</li>", describe_list(list));
        }
    }
    if items.is_empty() {
        String::new()
    } else {
        format!("<p>Matching:</p><ul>{items}</ul>")
    }
}

fn body_html(body: &Body) -> String {
    match body {
        Body::Missing => String::new(),
        Body::Empty => "<p>empty body</p>".to_owned(),
        Body::Null => "<pre>null</pre>".to_owned(),
        Body::Present { content, .. } => {
            let text = serde_json::from_slice::<serde_json::Value>(content)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| String::from_utf8_lossy(content).into_owned());
            format!("<pre>{}</pre>", esc(&text))
        }
    }
}

fn headers_html(headers: &accord_core::Headers) -> String {
    headers
        .iter()
        .map(|(name, values)| format!("<div>{}: {}</div>", esc(name), esc(&values.join(", "))))
        .collect()
}

/// `GET /ui/pacts/provider/{p}/consumer/{c}`: the latest pact as documentation.
pub(crate) async fn pact(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Html<String>> {
    let mut conn = state.db.pool.acquire().await?;
    let (p, c) = pair(&mut conn, &provider, &consumer).await?;
    let row = pacts::latest(&mut conn, c.id, p.id, None)
        .await?
        .ok_or_else(|| ApiError::NotFound("latest pact".to_owned()))?;
    let parsed = accord_core::format::parse_pact(&row.content, "stored pact")
        .map_err(|e| ApiError::bad(e.to_string()))?;
    let mut out = format!(
        "<p>Consumer version {} published {}. <a href=\"pacts/provider/{}/consumer/{}/latest\">JSON</a></p>",
        esc(&row.consumer_version),
        esc(&row.created_at),
        enc(&provider),
        enc(&consumer)
    );
    for interaction in &parsed.interactions {
        let info = interaction.info();
        let _ = write!(out, "<h2>{}</h2>", esc(&info.description));
        for state in &info.provider_states {
            let params = if state.params.is_empty() {
                String::new()
            } else {
                format!(
                    " {}",
                    esc(&serde_json::Value::Object(state.params.clone()).to_string())
                )
            };
            let _ = write!(out, "<p>Given <strong>{}</strong>{params}</p>", esc(&state.name));
        }
        match interaction {
            Interaction::Http(http) => {
                let query = http
                    .request
                    .query
                    .as_ref()
                    .map(|q| format!("?{}", q.to_query_string()))
                    .unwrap_or_default();
                let _ = write!(
                    out,
                    "<h3>Request</h3><p><code>{} {}{}</code></p>{}{}{}<h3>Response</h3><p>Status {}</p>{}{}{}",
                    esc(&http.request.method),
                    esc(&http.request.path),
                    esc(&query),
                    headers_html(&http.request.headers),
                    body_html(&http.request.body),
                    rules_html(&http.request.matching_rules),
                    http.response.status,
                    headers_html(&http.response.headers),
                    body_html(&http.response.body),
                    rules_html(&http.response.matching_rules),
                );
            }
            Interaction::AsyncMessage(message) => {
                let _ = write!(
                    out,
                    "<h3>Message</h3><p>Metadata: {}</p>{}{}",
                    esc(&serde_json::Value::Object(message.message.metadata.clone()).to_string()),
                    body_html(&message.message.contents),
                    rules_html(&message.message.matching_rules)
                );
            }
            Interaction::SyncMessage(sync) => {
                let _ = write!(
                    out,
                    "<h3>Request message</h3>{}",
                    body_html(&sync.request.contents)
                );
                for response in &sync.response {
                    let _ = write!(
                        out,
                        "<h3>Response message</h3>{}{}",
                        body_html(&response.contents),
                        rules_html(&response.matching_rules)
                    );
                }
            }
        }
    }
    Ok(layout(
        &base,
        &format!("Pact between {} and {}", c.display_name, p.display_name),
        &out,
    ))
}

async fn pair(
    conn: &mut Conn,
    provider: &str,
    consumer: &str,
) -> ApiResult<(pacticipants::Pacticipant, pacticipants::Pacticipant)> {
    let p = pacticipants::find(conn, provider)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("provider '{provider}'")))?;
    let c = pacticipants::find(conn, consumer)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("consumer '{consumer}'")))?;
    Ok((p, c))
}

/// `GET /ui/pacticipants/{p}`: versions (newest first, paginated) with branches, tags and
/// environments.
pub(crate) async fn pacticipant(
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
    let mut rows = String::new();
    for v in &list {
        let branches = versions::branches_of(&mut conn, v.id).await?;
        let tags = versions::tags_of(&mut conn, v.id).await?;
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&v.number),
            esc(&branches.join(", ")),
            esc(&tags.join(", ")),
            esc(&live.get(&v.id).map(|l| l.join(", ")).unwrap_or_default()),
            esc(&v.created_at)
        );
    }
    let path = format!("ui/pacticipants/{}", enc(&p.name));
    let mut contracts = String::new();
    let published = provider_contracts::latest_of_provider(&mut conn, p.id, 10).await?;
    if !published.is_empty() {
        contracts.push_str("<h2>Provider contracts</h2><ul id=\"provider-contracts\">");
        for c in &published {
            let _ = write!(
                contracts,
                "<li><a href=\"{}\">{}</a> ({}, self-verification {})</li>",
                esc(&super::provider_contracts::contract_page(&p.name, &c.provider_version)[1..]),
                esc(&c.provider_version),
                esc(&c.created_at),
                if c.self_verified { "passed" } else { "failed" }
            );
        }
        contracts.push_str("</ul>");
    }
    let body = format!(
        "<p>Main branch: {}. <a href=\"{path}/fields\">Which consumer uses which field</a></p>{contracts}<table><tr><th>Version</th><th>Branches</th><th>Tags</th><th>Environments</th><th>Created</th></tr>{rows}</table>{}",
        esc(p.main_branch.as_deref().unwrap_or("(none)")),
        pager(&format!("{path}?"), page, list.len())
    );
    Ok(layout(&base, &p.display_name, &body))
}

/// `GET /ui/matrix?consumer=&provider=`: verification results of a pair and can-i-deploy's
/// answer for the latest consumer version in each environment.
pub(crate) async fn matrix(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let consumer = query.get("consumer").cloned().unwrap_or_default();
    let provider = query.get("provider").cloned().unwrap_or_default();
    let mut conn = state.db.pool.acquire().await?;
    let (p, c) = pair(&mut conn, &provider, &consumer).await?;
    let mut rows = String::new();
    let consumer_versions = versions::list(&mut conn, c.id, PAGE_SIZE, 0).await?;
    for cv in &consumer_versions {
        let Some(row) = pacts::for_version(&mut conn, cv.id, p.id).await? else {
            continue;
        };
        let cell = match latest_result(&mut conn, row.content_id).await? {
            Some(v) if v.kind != VerificationKind::Pact => contract_cell(&p.name, &v),
            Some(v) if v.success => format!("<td class=\"ok\">verified by {}</td>", esc(&v.provider_version)),
            Some(v) => format!(
                "<td class=\"failed\">failed for {}</td>",
                esc(&v.provider_version)
            ),
            None => "<td class=\"unknown\">not verified</td>".to_owned(),
        };
        let _ = write!(
            rows,
            "<tr><td>{}</td><td><code>{}</code></td>{cell}</tr>",
            esc(&cv.number),
            esc(&row.sha[..12.min(row.sha.len())])
        );
    }
    let mut answers = String::new();
    if let Some(latest) = consumer_versions.first() {
        for env in environments::list(&mut conn).await? {
            let query = MatrixQuery {
                selectors: vec![Selector {
                    pacticipant: Some(c.name.clone()),
                    version: Some(latest.number.clone()),
                    ..Selector::default()
                }],
                environment: Some(env.name.clone()),
                ..MatrixQuery::default()
            };
            let decision = super::matrix::decide_comparing(&state, &mut conn, &query).await?;
            let yes = decision.deployable == Deployable::Yes;
            let _ = write!(
                answers,
                "<li class=\"{}\">Can {} {} deploy to {}? <strong>{}</strong> — {}</li>",
                if yes { "ok" } else { "failed" },
                esc(&c.name),
                esc(&latest.number),
                esc(&env.name),
                if yes { "yes" } else { "no" },
                esc(&decision.reason())
            );
        }
    }
    let body = format!(
        "<ul>{answers}</ul><table><tr><th>{} version</th><th>Pact content</th><th>Latest verification by {}</th></tr>{rows}</table>",
        esc(&c.display_name),
        esc(&p.display_name)
    );
    Ok(layout(
        &base,
        &format!("{} and {}", c.display_name, p.display_name),
        &body,
    ))
}
