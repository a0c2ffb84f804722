//! The shared frame of the pages, as a maud template: every interpolated value is escaped
//! unless a template says otherwise, which none does for data.

use axum::response::Html;
use maud::{DOCTYPE, Markup, html};

use crate::hal::Base;

/// The page style: tables, result colours, the network diagram.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}.ok{background:#d9f2d9}.failed{background:#f8d0d0}.unknown{background:#f6f0c8}\
pre{background:#f7f7f7;padding:.5rem;overflow:auto}nav a{margin-right:1rem}\
.added{background:#d9f2d9}.removed{background:#f8d0d0}.changed{background:#f6f0c8}\
svg a:hover rect{stroke-width:3}svg text{font-family:system-ui,sans-serif;font-size:13px}";

/// A page with the shared style and navigation. Links are relative to the broker's root
/// (`<base href>`), so they keep a context path the broker is served under.
pub(crate) fn layout(base: &Base, title: &str, body: Markup) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                base href=(format!("{}/", base.root_path()));
                title { (title) " - accord broker" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                nav {
                    a href="ui" { "Integrations" }
                    a href="ui/network" { "Network" }
                    a href="ui/deployments" { "Deployments" }
                    a href="ui/webhooks" { "Webhooks" }
                    a href="ui/can-i-deploy" { "Can I deploy?" }
                }
                h1 { (title) }
                (body)
            }
        }
    };
    Html(markup.into_string())
}

/// A link relative to the broker's root from an absolute broker path (`/ui/...`).
pub(crate) fn href(path: &str) -> &str {
    path.strip_prefix('/').unwrap_or(path)
}
