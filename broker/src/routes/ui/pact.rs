//! `/ui/pacts/provider/{p}/consumer/{c}`: the latest pact as readable documentation, with a link
//! to what changed since its previous distinct version.

use std::sync::Arc;

use accord_core::rules::{Category, MatchingRule, MatchingRules, RuleList};
use accord_core::{Body, Headers, Interaction};
use accord_protobuf::{Descriptors, GrpcCall, MessageDescriptor, body_message};
use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, PreEscaped, html};

use super::layout;
use crate::AppState;
use crate::domain::pact_diff::Between;
use crate::domain::pages;
use crate::error::{ApiError, ApiResult};
use crate::hal::{Base, enc};

/// A matcher in words; the pattern or format it names, as code.
fn describe_rule(rule: &MatchingRule) -> Markup {
    match rule {
        MatchingRule::Equality => html! { "equal to the example" },
        MatchingRule::Regex(r) => html! { "matching the regular expression " code { (r.as_str()) } },
        MatchingRule::Type { min: None, max: None } => html! { "any value of the example's type" },
        MatchingRule::Type { min, max } => html! {
            "a list like the example with "
            @if let Some(m) = min { "at least " (m) }
            @if min.is_some() && max.is_some() { " and " }
            @if let Some(m) = max { "at most " (m) }
            " items"
        },
        MatchingRule::Include(s) => html! { "text containing “" (s) "”" },
        MatchingRule::Integer => html! { "an integer" },
        MatchingRule::Decimal => html! { "a decimal number" },
        MatchingRule::Number => html! { "any number" },
        MatchingRule::Timestamp(f) => html! { "a date-time in the format " code { (f) } },
        MatchingRule::Date(f) => html! { "a date in the format " code { (f) } },
        MatchingRule::Time(f) => html! { "a time in the format " code { (f) } },
        MatchingRule::Null => html! { "null" },
        MatchingRule::Boolean => html! { "true or false" },
        MatchingRule::ContentType(ct) => html! { "content of type " (ct) },
        MatchingRule::Values => html! { "a map whose values are like the example's (any keys)" },
        MatchingRule::ArrayContains(v) => {
            html! { "a list containing " (v.len()) " described element(s) in any order" }
        }
        MatchingRule::StatusCode(c) => html! { (c.describe()) },
        MatchingRule::NotEmpty => html! { "a non-empty value of the example's type" },
        MatchingRule::Semver => html! { "a semantic version" },
        MatchingRule::EachKey { .. } => html! { "a map whose every key follows the key rules" },
        MatchingRule::EachValue { .. } => html! { "a collection whose every value follows the value rules" },
        MatchingRule::Unknown { name, .. } => html! { "the plugin matcher “" (name) "”" },
    }
}

fn describe_list(list: &RuleList) -> Markup {
    let joiner = match list.combine {
        accord_core::rules::Combine::And => " and ",
        accord_core::rules::Combine::Or => " or ",
    };
    html! {
        @for (i, rule) in list.rules.iter().enumerate() {
            @if i > 0 { (joiner) }
            (describe_rule(rule))
        }
    }
}

fn rules_html(rules: &MatchingRules) -> Markup {
    let entries: Vec<(Category, &str, &RuleList)> = rules
        .iter()
        .flat_map(|(category, entries)| entries.iter().map(move |(key, list)| (category, key, list)))
        .collect();
    html! {
        @if !entries.is_empty() {
            p { "Matching:" }
            ul {
                @for (category, key, list) in &entries {
                    li {
                        @match category {
                            Category::Body => { "body " code { (key) } }
                            Category::Header => { "header " (key) }
                            Category::Query => { "query parameter " (key) }
                            Category::Metadata => { "metadata " (key) }
                            other => { (other.name()) }
                        }
                        ": " (describe_list(list))
                    }
                }
            }
        }
    }
}

/// A body, decoded when it is a protobuf message the pact's descriptors describe.
fn shown_body(body: &Body, message: Option<&MessageDescriptor>) -> Markup {
    if let (Some(descriptor), Body::Present { content, .. }) = (message, body)
        && let Ok(value) = accord_protobuf::decode(descriptor, content)
    {
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        return html! {
            p class="protobuf" { "protobuf message " code { (descriptor.full_name()) } ", decoded:" }
            pre { (text) }
        };
    }
    body_html(body)
}

fn body_html(body: &Body) -> Markup {
    match body {
        Body::Missing => html! {},
        Body::Empty => html! { p { "empty body" } },
        Body::Null => html! { pre { "null" } },
        Body::Present { content, .. } => {
            let text = serde_json::from_slice::<serde_json::Value>(content)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| String::from_utf8_lossy(content).into_owned());
            html! { pre { (text) } }
        }
    }
}

fn headers_html(headers: &Headers) -> Markup {
    html! { @for (name, values) in headers.iter() { div { (name) ": " (values.join(", ")) } } }
}

fn interaction_html(interaction: &Interaction, descriptors: &Descriptors) -> Markup {
    let info = interaction.info();
    let described = |part: &str, body: &Body| body_message(info, part, body, descriptors).ok().flatten();
    let grpc = GrpcCall::of(interaction, descriptors).ok().flatten();
    html! {
        h2 { (info.description) }
        @for state in &info.provider_states {
            p {
                "Given " strong { (state.name) }
                @if !state.params.is_empty() { " " (serde_json::Value::Object(state.params.clone()).to_string()) }
            }
        }
        @match interaction {
            Interaction::Http(http) => {
                @let query = http.request.query.as_ref().map(|q| format!("?{}", q.to_query_string())).unwrap_or_default();
                h3 { "Request" }
                p { code { (http.request.method) " " (http.request.path) (query) } }
                (headers_html(&http.request.headers))
                (shown_body(&http.request.body, described("request", &http.request.body).as_ref()))
                (rules_html(&http.request.matching_rules))
                h3 { "Response" }
                p { "Status " (http.response.status) }
                (headers_html(&http.response.headers))
                (shown_body(&http.response.body, described("response", &http.response.body).as_ref()))
                (rules_html(&http.response.matching_rules))
            }
            Interaction::AsyncMessage(message) => {
                h3 { "Message" }
                p { "Metadata: " (serde_json::Value::Object(message.message.metadata.clone()).to_string()) }
                (shown_body(&message.message.contents, described("response", &message.message.contents).as_ref()))
                (rules_html(&message.message.matching_rules))
            }
            Interaction::SyncMessage(sync) => {
                @if let Some(call) = &grpc {
                    p { "gRPC call " code { (call.path()) } }
                }
                h3 { "Request message" }
                (shown_body(&sync.request.contents, grpc.as_ref().map(|c| c.request_message())))
                (rules_html(&sync.request.matching_rules))
                @for response in &sync.response {
                    h3 { "Response message" }
                    @if !response.metadata.is_empty() {
                        p { "Metadata: " (serde_json::Value::Object(response.metadata.clone()).to_string()) }
                    }
                    (shown_body(&response.contents, grpc.as_ref().map(|c| c.response_message())))
                    (rules_html(&response.matching_rules))
                }
            }
        }
    }
}

/// `GET /ui/pacts/provider/{p}/consumer/{c}`: the latest pact as documentation.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path((provider, consumer)): Path<(String, String)>,
) -> ApiResult<Html<String>> {
    let found = pages::latest_pact(&state.db, &provider, &consumer).await?;
    let (p, c, row, previous) = (&found.provider, &found.consumer, &found.latest, &found.previous);
    let parsed = accord_core::format::parse_pact(&row.content, "stored pact")
        .map_err(|e| ApiError::bad(e.to_string()))?;
    let descriptors = Descriptors::of_pact(&parsed);
    let diff = crate::routes::pact_diff::page_path(
        &provider,
        &consumer,
        &Between::PreviousDistinct {
            version: row.consumer_version.clone(),
        },
    );
    let body = html! {
        p {
            "Consumer version " (row.consumer_version) " published " (row.created_at) ". "
            a href=(format!("pacts/provider/{}/consumer/{}/latest", enc(&provider), enc(&consumer))) { "JSON" }
            @if let Some(previous) = previous {
                " · " a id="diff-previous" href=(super::href(&diff)) { "What changed since version " (previous.consumer_version) }
            }
        }
        @for interaction in &parsed.interactions { (interaction_html(interaction, &descriptors)) }
        (PreEscaped(""))
    };
    Ok(layout(
        &base,
        &format!("Pact between {} and {}", c.display_name, p.display_name),
        body,
    ))
}
