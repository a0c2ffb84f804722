//! The HAL index and the heartbeat.

use accord_broker_client::wire::{Dependencies, DependencyStatus, Heartbeat, Link, Links, LinksOnly};

use crate::hal::{Base, Hal};

/// `GET /`: every relation the Pact clients look up.
pub(crate) async fn index(base: Base) -> Hal<LinksOnly> {
    let t = |path: &str| base.templated(path);
    let l = |path: &str| base.link(path);
    let mut links = Links::new();
    let entries: Vec<(&str, Link)> = vec![
        ("self", l("/")),
        (
            "pb:publish-pact",
            t("/pacts/provider/{provider}/consumer/{consumer}/version/{consumerApplicationVersion}"),
        ),
        ("pb:publish-contracts", l("/contracts/publish")),
        // PactFlow's provider contract publication, under both names its clients look for.
        (
            "pf:publish-provider-contract",
            t("/provider-contracts/provider/{provider}/publish"),
        ),
        (
            "pb:publish-provider-contract",
            t("/provider-contracts/provider/{provider}/publish"),
        ),
        ("pb:latest-pact-versions", l("/pacts/latest")),
        (
            "pb:tagged-pact-versions",
            t("/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}"),
        ),
        ("pb:pacticipants", l("/pacticipants")),
        ("pb:pacticipant", t("/pacticipants/{pacticipant}")),
        ("pb:latest-provider-pacts", t("/pacts/provider/{provider}/latest")),
        (
            "pb:latest-provider-pacts-with-tag",
            t("/pacts/provider/{provider}/latest/{tag}"),
        ),
        ("pb:provider-pacts", t("/pacts/provider/{provider}")),
        (
            "pb:latest-version",
            t("/pacticipants/{pacticipant}/latest-version"),
        ),
        (
            "pb:latest-tagged-version",
            t("/pacticipants/{pacticipant}/latest-version/{tag}"),
        ),
        ("pb:webhooks", l("/webhooks")),
        ("pb:webhook", t("/webhooks/{uuid}")),
        ("pb:integrations", l("/integrations")),
        (
            "pb:pacticipant-version-tag",
            t("/pacticipants/{pacticipant}/versions/{version}/tags/{tag}"),
        ),
        (
            "pb:pacticipant-branch",
            t("/pacticipants/{pacticipant}/branches/{branch}"),
        ),
        (
            "pb:pacticipant-branch-version",
            t("/pacticipants/{pacticipant}/branches/{branch}/versions/{version}"),
        ),
        (
            "pb:pacticipant-version",
            t("/pacticipants/{pacticipant}/versions/{version}"),
        ),
        (
            "pb:can-i-deploy-pacticipant-version-to-tag",
            t("/can-i-deploy?pacticipant={pacticipant}&version={version}&to={tag}"),
        ),
        (
            "pb:can-i-deploy-pacticipant-version-to-environment",
            t("/can-i-deploy?pacticipant={pacticipant}&version={version}&environment={environment}"),
        ),
        (
            "pb:provider-pacts-for-verification",
            t("/pacts/provider/{provider}/for-verification"),
        ),
        (
            "beta:provider-pacts-for-verification",
            t("/pacts/provider/{provider}/for-verification"),
        ),
        (
            "pb:branch-pact-versions",
            t("/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}"),
        ),
        (
            "pb:latest-branch-pact-versions",
            t("/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}/latest"),
        ),
        (
            "pb:provider-pacts-with-tag",
            t("/pacts/provider/{provider}/tag/{tag}"),
        ),
        (
            "pb:provider-pacts-with-branch",
            t("/pacts/provider/{provider}/branch/{branch}"),
        ),
        (
            "pb:latest-provider-pacts-with-branch",
            t("/pacts/provider/{provider}/branch/{branch}/latest"),
        ),
        (
            "pb:provider-pacts-with-main-branch",
            t("/pacts/provider/{provider}/branch"),
        ),
        (
            "pb:latest-provider-pacts-with-main-branch",
            t("/pacts/provider/{provider}/branch/latest"),
        ),
        ("pb:labels", l("/labels")),
        ("pb:metrics", l("/metrics")),
        ("pb:environments", l("/environments")),
        ("pb:environment", t("/environments/{uuid}")),
    ];
    for (name, link) in entries {
        links.set(name, link);
    }
    let mut curie = base.templated("/doc/{rel}?context=index");
    curie.name = Some("pb".to_owned());
    Hal::ok(LinksOnly {
        links: links.with_all("curies", vec![curie]),
    })
}

/// `GET /diagnostic/status/dependencies`: 200 when the database answers, 500 when it does not.
pub(crate) async fn dependencies(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::AppState>>,
    base: Base,
) -> Hal<Dependencies> {
    let links = base.this("/diagnostic/status/dependencies");
    match crate::domain::database_answers(&state.db).await {
        Ok(_) => Hal::ok(Dependencies {
            ok: true,
            database: DependencyStatus {
                ok: true,
                error: None,
            },
            links,
        }),
        Err(error) => {
            tracing::error!(%error, "database check failed");
            Hal(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                Dependencies {
                    ok: false,
                    database: DependencyStatus {
                        ok: false,
                        error: Some("the database does not answer".to_owned()),
                    },
                    links,
                },
            )
        }
    }
}

/// `GET /diagnostic/status/heartbeat`.
pub(crate) async fn heartbeat(base: Base) -> Hal<Heartbeat> {
    Hal::ok(Heartbeat {
        ok: true,
        links: base.this("/diagnostic/status/heartbeat"),
    })
}
