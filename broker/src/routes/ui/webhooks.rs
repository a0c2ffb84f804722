//! The webhooks pages: every webhook, those that fire for one application, and one webhook with
//! its recent deliveries (event, when, status code, attempts, the request sent and, for hosts
//! the operator listed, the first part of the answer, and why a failure failed). Requests are
//! shown with their credentials redacted, as the API shows them; an answer's body only to users
//! who may write.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};

use super::layout;
use super::when::when;
use crate::AppState;
use crate::auth::Viewer;
use crate::domain::webhooks::{self, Webhook};
use crate::error::ApiResult;
use crate::hal::{Base, enc};
use crate::webhooks::redact;

/// How many deliveries a webhook's page shows.
const SHOWN_DELIVERIES: usize = 25;

/// Who a webhook fires for, in words.
fn scope(hook: &Webhook) -> String {
    let side = |name: &Option<String>, label: &Option<String>, role: &str| match (name, label) {
        (Some(name), _) => format!("{role} {name}"),
        (None, Some(label)) => format!("any {role} labelled {label}"),
        (None, None) => format!("any {role}"),
    };
    format!(
        "{}, {}",
        side(&hook.consumer, &hook.consumer_label, "consumer"),
        side(&hook.provider, &hook.provider_label, "provider")
    )
}

fn table(hooks: &[(Webhook, &str)]) -> Markup {
    html! {
        @if hooks.is_empty() {
            p { "No webhooks." }
        } @else {
            table id="webhooks" {
                tr { th { "Webhook" } th { "Fires for" } th { "Events" } th { "Calls" } th { "Enabled" } }
                @for (hook, how) in hooks {
                    @let request = redact::request(&hook.request);
                    tr {
                        td { a href=(format!("ui/webhooks/{}", enc(&hook.uuid))) { (hook.description.as_deref().unwrap_or(&hook.uuid)) } }
                        td { (scope(hook)) @if !how.is_empty() { " (" (how) ")" } }
                        td { (hook.events.join(", ")) }
                        td { code { (request["method"].as_str().unwrap_or("POST")) " " (request["url"].as_str().unwrap_or_default()) } }
                        td { (if hook.enabled { "yes" } else { "no" }) }
                    }
                }
            }
        }
    }
}

/// `GET /ui/webhooks`: every webhook.
pub(crate) async fn list(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Html<String>> {
    let hooks: Vec<(Webhook, &str)> = webhooks::all(&state.db)
        .await?
        .into_iter()
        .map(|h| (h, ""))
        .collect();
    Ok(layout(&base, "Webhooks", table(&hooks)))
}

/// `GET /ui/pacticipants/{p}/webhooks`: the webhooks that can fire for an application.
pub(crate) async fn of_application(
    State(state): State<Arc<AppState>>,
    base: Base,
    Path(name): Path<String>,
) -> ApiResult<Html<String>> {
    let hooks = webhooks::for_application(&state.db, &name).await?;
    let body = html! {
        p { a href=(format!("ui/pacticipants/{}", enc(&name))) { (name) "'s page" } ". Webhooks scoped to it by name or by a label it carries, and those for every integration." }
        (table(&hooks))
    };
    Ok(layout(&base, &format!("Webhooks of {name}"), body))
}

/// `GET /ui/webhooks/{uuid}`: a webhook and its recent deliveries.
pub(crate) async fn show(
    State(state): State<Arc<AppState>>,
    base: Base,
    viewer: Viewer,
    Path(uuid): Path<String>,
) -> ApiResult<Html<String>> {
    let hook = webhooks::find(&state.db, &uuid).await?;
    let deliveries = webhooks::deliveries(&state.db, &uuid).await?;
    let request = redact::request(&hook.request);
    let shown = deliveries.len().min(SHOWN_DELIVERIES);
    let body = html! {
        p { "Fires for " (scope(&hook)) " on " (hook.events.join(", ")) "; " (if hook.enabled { "enabled" } else { "disabled" }) ". Created " (when(&hook.created_at)) "." }
        h2 { "The request it sends" }
        pre { (serde_json::to_string_pretty(&request).unwrap_or_default()) }
        h2 { "Recent deliveries" }
        @if deliveries.is_empty() {
            p { "Nothing delivered yet." }
        } @else {
            p { (shown) " of " (deliveries.len()) " most recent, newest first." }
            table id="deliveries" {
                tr { th { "Event" } th { "When" } th { "Status" } th { "HTTP" } th { "Attempts" } th { "Why it failed" } }
                @for (delivery, attempts) in deliveries.iter().take(SHOWN_DELIVERIES) {
                    @let last = attempts.last();
                    @let (code, why) = last.map_or((None, None), |(_, success, logs)| crate::webhooks::attempt_outcome(logs, *success));
                    @let class = match delivery.status.as_str() { "success" => "ok", "failure" | "failed" => "failed", _ => "unknown" };
                    tr class=(class) {
                        td { (delivery.event) }
                        td { (when(&delivery.created_at)) }
                        td { (delivery.status) }
                        td { (code.map(|c| c.to_string()).unwrap_or_default()) }
                        td { (delivery.attempts) }
                        td { (why.unwrap_or_default()) }
                    }
                    tr {
                        td colspan="6" {
                            details {
                                summary { "The request sent, and each attempt" }
                                pre { (serde_json::to_string_pretty(&redact::request(&delivery.request)).unwrap_or_default()) }
                                @for (attempt, success, logs) in attempts {
                                    p { "Attempt " (attempt) ": " (if *success { "succeeded" } else { "failed" }) }
                                    pre { (crate::webhooks::shown_logs(logs, &delivery.request, viewer.may_write)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let title = format!("Webhook {}", hook.description.as_deref().unwrap_or(&hook.uuid));
    Ok(layout(&base, &title, body))
}
