//! Benchmark: the broker's pages on the estate of a large organisation: 100 applications (with
//! team labels), 300 integrations, a history of versions (5,000, then 50,000), a pact per
//! consumer version and provider, a verification per pact content (some failing), deployments
//! in three environments, and a webhook with 200 deliveries. Each page's median server time
//! over 20 requests, on SQLite and on PostgreSQL. Measured at both history sizes, so that a page
//! whose queries grow with the number of versions shows it.
//!
//! Run with `cargo bench -p accord-broker --bench pages` (PostgreSQL on 127.0.0.1:5432 is
//! measured too when it answers).

#[path = "support/seeding.rs"]
mod seeding;

use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_broker::{AppState, BrokerConfig, Db};
use seeding::median;
use serde_json::json;
use sqlx::Executor;

const APPLICATIONS: usize = 100;
const INTEGRATIONS: usize = 300;
const TEAMS: usize = 5;
const NOW: &str = "2026-01-01T00:00:00.000Z";

/// The integrations: each of the first 80 applications consumes from applications after it.
fn integrations() -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut seed: u64 = 7;
    while out.len() < INTEGRATIONS {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let consumer = usize::try_from(seed >> 40).unwrap_or(0) % 80;
        let provider = consumer + 1 + usize::try_from(seed >> 20).unwrap_or(0) % 20;
        if provider < APPLICATIONS && !out.contains(&(consumer, provider)) {
            out.push((consumer, provider));
        }
    }
    out
}

async fn insert(tx: &mut sqlx::Transaction<'_, sqlx::Any>, head: &str, rows: &[String]) {
    for chunk in rows.chunks(1000) {
        tx.execute(format!("{head} VALUES {}", chunk.join(",")).as_str())
            .await
            .unwrap_or_else(|e| panic!("{head}: {e}"));
    }
}

/// Seeds through SQL in large batches (the schema is the broker's own, from its migrations).
async fn seed(pool: &sqlx::AnyPool, versions: usize, postgres: bool) -> String {
    let per_app = versions / APPLICATIONS;
    let pairs = integrations();
    let mut tx = pool.begin().await.expect("tx");
    let name = |a: usize| format!("app-{a:03}");
    let apps: Vec<String> = (0..APPLICATIONS)
        .map(|a| format!("({}, '{}', 'App {a}', 'main', '{NOW}', '{NOW}')", a + 1, name(a)))
        .collect();
    insert(
        &mut tx,
        "INSERT INTO pacticipants (id, name, display_name, main_branch, created_at, updated_at)",
        &apps,
    )
    .await;
    let labels: Vec<String> = (0..APPLICATIONS)
        .map(|a| format!("({}, 'team-{}', '{NOW}')", a + 1, a % TEAMS))
        .collect();
    insert(
        &mut tx,
        "INSERT INTO labels (pacticipant_id, name, created_at)",
        &labels,
    )
    .await;
    let environments: Vec<String> = (0..3)
        .map(|e| {
            format!(
                "({}, 'env-{e}', 'env{e}', 'Env {e}', {}, '[]', '{NOW}', '{NOW}')",
                e + 1,
                i32::from(e == 0)
            )
        })
        .collect();
    insert(&mut tx, "INSERT INTO environments (id, uuid, name, display_name, production, contacts, created_at, updated_at)", &environments).await;
    let branches: Vec<String> = (0..APPLICATIONS)
        .map(|a| format!("({}, {}, 'main', '{NOW}')", a + 1, a + 1))
        .collect();
    insert(
        &mut tx,
        "INSERT INTO branches (id, pacticipant_id, name, created_at)",
        &branches,
    )
    .await;
    // Version ids interleave applications, so ids grow with time.
    let version_id = |v: usize, a: usize| v * APPLICATIONS + a + 1;
    let mut rows = Vec::new();
    let mut on_branch = Vec::new();
    for v in 0..per_app {
        for a in 0..APPLICATIONS {
            let id = version_id(v, a);
            rows.push(format!("({id}, {}, '1.{v}.0', '{NOW}')", a + 1));
            on_branch.push(format!("({id}, {}, {id}, '{NOW}')", a + 1));
        }
    }
    insert(
        &mut tx,
        "INSERT INTO versions (id, pacticipant_id, number, created_at)",
        &rows,
    )
    .await;
    insert(
        &mut tx,
        "INSERT INTO branch_versions (id, branch_id, version_id, created_at)",
        &on_branch,
    )
    .await;
    let (mut contents, mut publications, mut verifications) = (Vec::new(), Vec::new(), Vec::new());
    let (mut content_id, mut publication_id) = (0usize, 0usize);
    for (k, (c, p)) in pairs.iter().enumerate() {
        for v in 0..per_app {
            // A new pact content every tenth version, verified by the provider's same-age version;
            // one integration in twelve fails its latest verification.
            if v % 10 == 0 {
                content_id += 1;
                let text = json!({"consumer": {"name": name(*c)}, "provider": {"name": name(*p)},
                    "interactions": [{"description": "get thing", "request": {"method": "GET", "path": "/thing"},
                        "response": {"status": 200, "body": {"id": v, "name": "x"}}}],
                    "metadata": {"pactSpecification": {"version": "3.0.0"}}})
                .to_string();
                contents.push(format!(
                    "({content_id}, {}, {}, 'sha{content_id}', '{text}', '{NOW}')",
                    c + 1,
                    p + 1
                ));
                let failing = k % 12 == 0 && v + 10 >= per_app;
                verifications.push(format!(
                    "({content_id}, {}, {}, {}, {}, 0, 0, '[]', '{{}}', '{NOW}')",
                    version_id(v, *p),
                    c + 1,
                    p + 1,
                    i32::from(!failing)
                ));
            }
            publication_id += 1;
            publications.push(format!(
                "({publication_id}, {}, {}, {}, 1, {content_id}, '{NOW}')",
                version_id(v, *c),
                c + 1,
                p + 1
            ));
        }
    }
    insert(
        &mut tx,
        "INSERT INTO pact_contents (id, consumer_id, provider_id, sha, content, created_at)",
        &contents,
    )
    .await;
    insert(&mut tx, "INSERT INTO pact_publications (id, consumer_version_id, consumer_id, provider_id, revision, content_id, created_at)", &publications).await;
    insert(&mut tx, "INSERT INTO verifications (content_id, provider_version_id, consumer_id, provider_id, success, wip, pending, test_results, verified_by, created_at)", &verifications).await;
    let integration_rows: Vec<String> = pairs
        .iter()
        .map(|(c, p)| format!("({}, {}, '{NOW}')", c + 1, p + 1))
        .collect();
    insert(
        &mut tx,
        "INSERT INTO integrations (consumer_id, provider_id, created_at)",
        &integration_rows,
    )
    .await;
    let mut deployed = Vec::new();
    for e in 0..3 {
        for a in 0..APPLICATIONS {
            deployed.push(format!(
                "('d{e}-{a}', {}, {}, {}, '', '{NOW}')",
                version_id(per_app - 1 - e * 3, a),
                a + 1,
                e + 1
            ));
        }
    }
    insert(&mut tx, "INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, target, created_at)", &deployed).await;
    let hook = "hook-1";
    tx.execute(format!("INSERT INTO webhooks (uuid, description, events, request, enabled, created_at, updated_at) VALUES ('{hook}', 'notify ci', '[\"contract_published\"]', '{{\"method\": \"POST\", \"url\": \"https://ci.example.com/build\"}}', 1, '{NOW}', '{NOW}')").as_str())
        .await
        .expect("webhook");
    let (mut deliveries, mut executions) = (Vec::new(), Vec::new());
    for d in 0..200 {
        let failed = d % 4 == 0;
        deliveries.push(format!(
            "('del-{d}', '{hook}', 'contract_published', '{{\"method\": \"POST\", \"url\": \"https://ci.example.com/build\"}}', '{}', {}, '{NOW}', '{NOW}', '{NOW}')",
            if failed { "failure" } else { "success" },
            if failed { 4 } else { 1 }
        ));
        for attempt in 1..=(if failed { 4 } else { 1 }) {
            let code = if failed { 500 } else { 200 };
            executions.push(format!(
                "('del-{d}', {attempt}, {}, 'POST https://ci.example.com/build -> HTTP {code}\nok', '{NOW}')",
                i32::from(!failed)
            ));
        }
    }
    insert(&mut tx, "INSERT INTO webhook_deliveries (uuid, webhook_uuid, event, request, status, attempts, next_attempt_at, created_at, updated_at)", &deliveries).await;
    insert(
        &mut tx,
        "INSERT INTO webhook_executions (delivery_uuid, attempt, success, logs, created_at)",
        &executions,
    )
    .await;
    tx.commit().await.expect("commit");
    if postgres {
        seeding::settle_postgres(pool).await;
    }
    hook.to_owned()
}

/// Each page's median time over 20 requests.
async fn measure(label: &str, database_url: &str, versions: usize) -> Vec<(String, Duration)> {
    let db = Db::connect(database_url).await.expect("database");
    let started = Instant::now();
    let hook = seed(db.pool(), versions, database_url.starts_with("postgres")).await;
    println!(
        "[{label}, {versions} versions] seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let app = accord_broker::app(Arc::new(AppState::new(db, BrokerConfig::new(database_url))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = reqwest::Client::new();
    let pages = [
        "/ui".to_owned(),
        "/ui?status=failing".to_owned(),
        "/ui?label=team-2&page=2".to_owned(),
        "/ui/network".to_owned(),
        "/ui/network?application=app-040".to_owned(),
        "/ui/network?application=app-040&hops=2".to_owned(),
        "/ui/network?label=team-3".to_owned(),
        "/ui/network?failing=true".to_owned(),
        "/ui/deployments".to_owned(),
        "/ui/deployments?page=3".to_owned(),
        "/ui/webhooks".to_owned(),
        format!("/ui/webhooks/{hook}"),
        "/ui/pacticipants/app-040/webhooks".to_owned(),
    ];
    let mut out = Vec::new();
    for page in pages {
        let mut samples = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            let response = client.get(format!("{url}{page}")).send().await.expect("sent");
            let status = response.status();
            let _ = response.bytes().await.expect("body");
            samples.push(start.elapsed());
            assert!(status.is_success(), "{page}: {status}");
        }
        let time = median(samples);
        println!(
            "[{label}, {versions} versions] {page}: median {:.1} ms (target < 100 ms)",
            time.as_secs_f64() * 1e3
        );
        out.push((page, time));
    }
    out
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = std::env::temp_dir().join(format!("accord-pages-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    for versions in [5_000, 50_000] {
        let sqlite = format!("sqlite://{}", dir.join(format!("pages-{versions}.db")).display());
        runtime.block_on(measure("sqlite", &sqlite, versions));
        match runtime.block_on(seeding::postgres_database(&format!("pages_{versions}"))) {
            Some(url) => {
                runtime.block_on(measure("postgres", &url, versions));
            }
            None => println!("skipped PostgreSQL: not reachable on 127.0.0.1:5432"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
