//! The network picture: applications and integrations as an SVG the broker draws itself (no
//! script, nothing from another host), laid out in layers (consumers above their providers,
//! crossings reduced; see `network_layout`) so that an estate of a hundred applications stays
//! readable. Each integration is coloured by its latest verification, failing ones drawn on top,
//! and links to its matrix page. The whole picture links each application to its focused
//! picture (`?application=`, its consumers and providers, a second hop on request), which links
//! it to its page. Filters: a label, and failing only.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Html;
use maud::{Markup, html};

use super::network_layout::{NODE_HEIGHT, NODE_WIDTH, layout};
use super::page::layout as page_layout;
use crate::AppState;
use crate::domain::estate::Standing;
use crate::domain::network::{NetworkEdge, NetworkQuery, network};
use crate::error::ApiResult;
use crate::hal::{Base, enc};

fn colour(status: Standing) -> &'static str {
    match status {
        Standing::Verified => "#2e8b3a",
        Standing::Failing => "#c62828",
        Standing::Unverified => "#9a9a9a",
    }
}

fn words(status: Standing) -> &'static str {
    match status {
        Standing::Verified => "verified",
        Standing::Failing => "verification failed",
        Standing::Unverified => "not verified yet",
    }
}

/// Where a picture with these filters lives.
fn link(query: &NetworkQuery) -> String {
    let mut params = Vec::new();
    if let Some(application) = &query.application {
        params.push(format!("application={}", enc(application)));
        if query.hops > 1 {
            params.push(format!("hops={}", query.hops));
        }
    }
    if let Some(label) = &query.label {
        params.push(format!("label={}", enc(label)));
    }
    if query.failing_only {
        params.push("failing=true".to_owned());
    }
    if params.is_empty() {
        "ui/network".to_owned()
    } else {
        format!("ui/network?{}", params.join("&"))
    }
}

/// The picture of `edges`; `focus` is the application a focused picture is about.
fn diagram(edges: &[NetworkEdge], focus: Option<&str>, query: &NetworkQuery) -> Markup {
    let names: Vec<&str> = edges
        .iter()
        .flat_map(|e| [e.consumer.as_str(), e.provider.as_str()])
        .chain(focus)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|e| Some((*index.get(e.consumer.as_str())?, *index.get(e.provider.as_str())?)))
        .collect();
    let drawn = layout(names.len(), &pairs);
    let (width, height) = (drawn.width, drawn.height);
    // Failing integrations last, so they are drawn on top.
    let mut order: Vec<&NetworkEdge> = edges.iter().collect();
    order.sort_by_key(|e| std::cmp::Reverse(e.status));
    let statuses = [Standing::Verified, Standing::Unverified, Standing::Failing];
    html! {
        svg id="network" xmlns="http://www.w3.org/2000/svg" width=(width) height=(height) viewBox=(format!("0 0 {width} {height}")) role="img" font-size="12" {
            title { "Applications and their integrations" }
            defs {
                @for status in statuses {
                    marker id=(format!("arrow-{}", colour(status).trim_start_matches('#'))) viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse" {
                        path d="M 0 0 L 10 5 L 0 10 z" fill=(colour(status));
                    }
                }
            }
            @for edge in order {
                @if let (Some(&c), Some(&p)) = (index.get(edge.consumer.as_str()), index.get(edge.provider.as_str())) {
                    @let ((cx, cy), (px, py)) = (drawn.places[c], drawn.places[p]);
                    @let path = curve((cx, cy), (px, py));
                    a class=(format!("integration {}", words(edge.status).replace(' ', "-"))) href=(format!("ui/matrix?consumer={}&provider={}", enc(&edge.consumer), enc(&edge.provider))) {
                        title { (edge.consumer) " → " (edge.provider) ": " (words(edge.status)) }
                        path d=(path) fill="none" stroke=(colour(edge.status)) stroke-width=(if edge.status == Standing::Failing { "2.5" } else { "1.5" })
                            marker-end=(format!("url(#arrow-{})", colour(edge.status).trim_start_matches('#'))) {}
                    }
                }
            }
            @for (i, name) in names.iter().enumerate() {
                @let (x, y) = drawn.places[i];
                @let target = if focus.is_some() {
                    format!("ui/pacticipants/{}", enc(name))
                } else {
                    link(&NetworkQuery { application: Some((*name).to_owned()), hops: 1, ..query.clone() })
                };
                a class="application" href=(target) {
                    title { (name) }
                    rect x=(x) y=(y) width=(NODE_WIDTH) height=(NODE_HEIGHT) rx="5"
                        fill=(if Some(*name) == focus { "#fff6d5" } else { "#ffffff" }) stroke="#445" stroke-width="1.2" {}
                    text x=(x + NODE_WIDTH / 2) y=(y + NODE_HEIGHT / 2 + 4) text-anchor="middle" {
                        (shorten(name))
                    }
                }
            }
        }
    }
}

/// An arrow from the consumer's box to the provider's: from its bottom to the provider's top
/// when the provider is below, else from side to side.
fn curve((cx, cy): (i64, i64), (px, py): (i64, i64)) -> String {
    if py > cy {
        let (x1, y1) = (cx + NODE_WIDTH / 2, cy + NODE_HEIGHT);
        let (x2, y2) = (px + NODE_WIDTH / 2, py);
        let bend = ((y2 - y1) / 2).max(20);
        format!("M {x1} {y1} C {x1} {}, {x2} {}, {x2} {y2}", y1 + bend, y2 - bend)
    } else if py < cy {
        let (x1, y1) = (cx + NODE_WIDTH / 2, cy);
        let (x2, y2) = (px + NODE_WIDTH / 2, py + NODE_HEIGHT);
        let bend = ((y1 - y2) / 2).max(20);
        format!("M {x1} {y1} C {x1} {}, {x2} {}, {x2} {y2}", y1 - bend, y2 + bend)
    } else {
        let right = px > cx;
        let x1 = if right { cx + NODE_WIDTH } else { cx };
        let x2 = if right { px } else { px + NODE_WIDTH };
        let y = cy + NODE_HEIGHT / 2;
        let lift = y - NODE_HEIGHT;
        format!("M {x1} {y} C {x1} {lift}, {x2} {lift}, {x2} {y}")
    }
}

/// A name cut to what fits its box.
fn shorten(name: &str) -> String {
    const FITS: usize = 21;
    if name.chars().count() <= FITS {
        name.to_owned()
    } else {
        format!("{}…", name.chars().take(FITS - 1).collect::<String>())
    }
}

/// The filters of a request.
fn query_of(params: &HashMap<String, String>) -> NetworkQuery {
    let text = |key: &str| super::param(params, key);
    NetworkQuery {
        application: text("application"),
        hops: if text("hops").as_deref() == Some("2") {
            2
        } else {
            1
        },
        label: text("label"),
        failing_only: matches!(text("failing").as_deref(), Some("true" | "1" | "on")),
    }
}

/// `GET /ui/network`, with `application`, `hops`, `label` and `failing`.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    base: Base,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Html<String>> {
    let query = query_of(&params);
    let found = network(&state.db, &query).await?;
    let focus = query.application.as_deref();
    let title = match focus {
        Some(name) => format!("Network around {name}"),
        None => "Network".to_owned(),
    };
    let body = html! {
        form method="get" action="ui/network" class="filters" {
            @if let Some(name) = focus {
                input type="hidden" name="application" value=(name);
            }
            label { "Label "
                select name="label" {
                    option value="" { "any" }
                    @for label in &found.labels {
                        option value=(label) selected[query.label.as_deref() == Some(label.as_str())] { (label) }
                    }
                }
            }
            " "
            label { input type="checkbox" name="failing" value="true" checked[query.failing_only]; " failing only" }
            " "
            button type="submit" { "Show" }
        }
        @if let Some(name) = focus {
            p {
                a href=(format!("ui/pacticipants/{}", enc(name))) { (name) "'s page" } ". "
                @if query.hops > 1 {
                    a href=(link(&NetworkQuery { hops: 1, ..query.clone() })) { "Only its consumers and providers" }
                } @else {
                    a href=(link(&NetworkQuery { hops: 2, ..query.clone() })) { "Two hops away" }
                }
                ". " a href=(link(&NetworkQuery { application: None, ..query.clone() })) { "The whole network" } "."
            }
        }
        @if found.edges.is_empty() && focus.is_none() {
            p {
                @if found.total == 0 {
                    "No integrations yet: publish a pact and it appears here."
                } @else {
                    "No integration matches these filters."
                }
            }
        } @else {
            p {
                (found.edges.len()) " of " (found.total) " integration(s). Consumers are drawn above their providers: "
                span style=(format!("color:{}", colour(Standing::Verified))) { "verified" } ", "
                span style=(format!("color:{}", colour(Standing::Failing))) { "failed" } ", "
                span style=(format!("color:{}", colour(Standing::Unverified))) { "not verified yet" }
                ". "
                @if focus.is_some() { "Click an application for its page, an arrow for its matrix." }
                @else { "Click an application for the picture around it, an arrow for its matrix." }
            }
            (diagram(&found.edges, focus, &query))
        }
    };
    Ok(page_layout(&base, &title, body))
}
