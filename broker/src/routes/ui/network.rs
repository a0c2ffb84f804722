//! The network diagram: every application and integration as an SVG the broker draws itself (no
//! script, nothing from another host), consumers left of their providers, each integration
//! coloured by its latest verification and linked to its matrix page, each application linked
//! to its page.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::extract::State;
use axum::response::Html;
use maud::{Markup, html};

use super::page::layout;
use crate::AppState;
use crate::domain::pages;
use crate::error::ApiResult;
use crate::hal::{Base, enc};

/// The most integrations drawn.
const MAX_INTEGRATIONS: i64 = 1000;
const NODE_WIDTH: i64 = 190;
const NODE_HEIGHT: i64 = 34;
const COLUMN_GAP: i64 = 120;
const ROW_GAP: i64 = 26;
const MARGIN: i64 = 20;

/// The state of an integration's latest pact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Verified,
    Failed,
    Unverified,
}

impl Status {
    fn colour(self) -> &'static str {
        match self {
            Status::Verified => "#2e8b3a",
            Status::Failed => "#c62828",
            Status::Unverified => "#9a9a9a",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Failed => "verification failed",
            Status::Unverified => "not verified yet",
        }
    }
}

/// Each application's column: 0 for those that only consume, else one right of its furthest
/// consumer (cycles stop growing after as many rounds as there are applications).
fn columns(names: &BTreeSet<String>, edges: &[(String, String, Status)]) -> BTreeMap<String, i64> {
    let mut column: BTreeMap<String, i64> = names.iter().map(|n| (n.clone(), 0)).collect();
    for _ in 0..names.len() {
        let mut moved = false;
        for (consumer, provider, _) in edges {
            let wanted = column.get(consumer).copied().unwrap_or(0) + 1;
            if let Some(current) = column.get_mut(provider)
                && *current < wanted
                && wanted < i64::try_from(names.len()).unwrap_or(i64::MAX)
            {
                *current = wanted;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    column
}

/// The diagram for these integrations.
fn diagram(edges: &[(String, String, Status)]) -> Markup {
    let names: BTreeSet<String> = edges
        .iter()
        .flat_map(|(c, p, _)| [c.clone(), p.clone()])
        .collect();
    let column = columns(&names, edges);
    let mut rows_in: BTreeMap<i64, i64> = BTreeMap::new();
    let mut place: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for name in &names {
        let c = column.get(name).copied().unwrap_or(0);
        let row = rows_in.entry(c).or_insert(0);
        place.insert(
            name,
            (
                MARGIN + c * (NODE_WIDTH + COLUMN_GAP),
                MARGIN + *row * (NODE_HEIGHT + ROW_GAP),
            ),
        );
        *row += 1;
    }
    let columns_used = rows_in.keys().max().copied().unwrap_or(0) + 1;
    let most_rows = rows_in.values().max().copied().unwrap_or(1);
    let width = 2 * MARGIN + columns_used * NODE_WIDTH + (columns_used - 1) * COLUMN_GAP;
    let height = 2 * MARGIN + most_rows * NODE_HEIGHT + (most_rows - 1) * ROW_GAP;
    html! {
        svg id="network" xmlns="http://www.w3.org/2000/svg" width=(width) height=(height) viewBox=(format!("0 0 {width} {height}")) role="img" {
            title { "Applications and their integrations" }
            defs {
                @for status in [Status::Verified, Status::Failed, Status::Unverified] {
                    marker id=(format!("arrow-{}", status.colour().trim_start_matches('#'))) viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" {
                        path d="M 0 0 L 10 5 L 0 10 z" fill=(status.colour());
                    }
                }
            }
            @for (consumer, provider, status) in edges {
                @if let (Some((cx, cy)), Some((px, py))) = (place.get(consumer.as_str()), place.get(provider.as_str())) {
                    @let (x1, y1) = (cx + NODE_WIDTH, cy + NODE_HEIGHT / 2);
                    @let (x2, y2) = (*px, py + NODE_HEIGHT / 2);
                    @let bend = ((x2 - x1).abs() / 2).max(60);
                    a class="integration" href=(format!("ui/matrix?consumer={}&provider={}", enc(consumer), enc(provider))) {
                        title { (consumer) " → " (provider) ": " (status.words()) }
                        path d=(format!("M {x1} {y1} C {} {y1}, {} {y2}, {x2} {y2}", x1 + bend, x2 - bend))
                            fill="none" stroke=(status.colour()) stroke-width="2.5"
                            marker-end=(format!("url(#arrow-{})", status.colour().trim_start_matches('#'))) {}
                    }
                }
            }
            @for (name, (x, y)) in &place {
                a class="application" href=(format!("ui/pacticipants/{}", enc(name))) {
                    title { (name) }
                    rect x=(x) y=(y) width=(NODE_WIDTH) height=(NODE_HEIGHT) rx="6" fill="#ffffff" stroke="#445" stroke-width="1.5" {}
                    text x=(x + NODE_WIDTH / 2) y=(y + NODE_HEIGHT / 2 + 5) text-anchor="middle" {
                        (shorten(name))
                    }
                }
            }
        }
    }
}

fn shorten(name: &str) -> String {
    if name.chars().count() <= 24 {
        name.to_owned()
    } else {
        format!("{}…", name.chars().take(23).collect::<String>())
    }
}

/// `GET /ui/network`.
pub(crate) async fn page(State(state): State<Arc<AppState>>, base: Base) -> ApiResult<Html<String>> {
    let rows = pages::integrations(&state.db, MAX_INTEGRATIONS, 0, None).await?;
    let edges: Vec<(String, String, Status)> = rows
        .into_iter()
        .map(|row| {
            let status = match &row.result {
                Some(v) if v.success => Status::Verified,
                Some(_) => Status::Failed,
                None => Status::Unverified,
            };
            (row.consumer.name, row.provider.name, status)
        })
        .collect();
    let body = html! {
        @if edges.is_empty() {
            p { "No integrations yet: publish a pact and it appears here." }
        } @else {
            p {
                (edges.len()) " integration(s). Arrows go from consumer to provider: "
                span style=(format!("color:{}", Status::Verified.colour())) { "verified" } ", "
                span style=(format!("color:{}", Status::Failed.colour())) { "failed" } ", "
                span style=(format!("color:{}", Status::Unverified.colour())) { "not verified yet" }
                ". Click an application or an arrow."
            }
            (diagram(&edges))
        }
    };
    Ok(layout(&base, "Network", body))
}
