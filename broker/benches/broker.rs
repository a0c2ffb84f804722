//! Benchmark: a broker seeded with 50 pacticipants × 2,000 versions, pacts and verification
//! results, and deployments in three environments; then can-i-deploy latency,
//! pacts-for-verification latency, sustained publish rate from 8 clients, idle memory, and
//! the time a clean-up takes to delete nearly all of it.
//!
//! Run with `cargo bench -p accord-broker --bench broker` (PostgreSQL on 127.0.0.1:5432 is
//! measured too when it answers).

#[path = "support/seeding.rs"]
mod seeding;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use accord_broker::{AppState, BrokerConfig, Db};
use base64::Engine as _;
use seeding::median;
use serde_json::json;
use sqlx::Executor;

const PACTICIPANTS: usize = 50;
/// Versions per pacticipant: 2,000 by default (100,000 in all), `ACCORD_BENCH_VERSIONS` to
/// measure with more history (20,000 gives a million versions).
fn versions() -> usize {
    static VERSIONS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *VERSIONS.get_or_init(|| {
        std::env::var("ACCORD_BENCH_VERSIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|n| *n >= 100)
            .unwrap_or(2000)
    })
}
const CONSUMERS_OF_P0: usize = 20;

fn pact_text(consumer: &str, provider: &str, variant: usize) -> String {
    json!({"consumer": {"name": consumer}, "provider": {"name": provider},
        "interactions": [{"description": "get thing", "request": {"method": "GET", "path": "/thing"},
            "response": {"status": 200, "body": {"id": variant, "name": "x"}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}})
    .to_string()
}

/// Seeds through SQL in large batches (the schema is the broker's own, created by its migrations).
async fn seed(pool: &sqlx::AnyPool, postgres: bool) {
    let now = "2026-01-01T00:00:00.000Z";
    let mut tx = pool.begin().await.expect("tx");
    let mut stmt = String::from(
        "INSERT INTO pacticipants (id, name, display_name, main_branch, created_at, updated_at) VALUES ",
    );
    for p in 0..PACTICIPANTS {
        if p > 0 {
            stmt.push(',');
        }
        stmt.push_str(&format!(
            "({}, 'app{p}', 'App {p}', 'main', '{now}', '{now}')",
            p + 1
        ));
    }
    tx.execute(stmt.as_str()).await.expect("pacticipants");
    for env in 0..3 {
        tx.execute(
            format!("INSERT INTO environments (id, uuid, name, display_name, production, contacts, created_at, updated_at) VALUES ({}, 'env-{env}', 'env{env}', 'Env {env}', 0, '[]', '{now}', '{now}')", env + 1)
                .as_str(),
        )
        .await
        .expect("environment");
    }
    tx.execute(
        format!(
            "INSERT INTO branches (id, pacticipant_id, name, created_at) VALUES {}",
            (0..PACTICIPANTS)
                .map(|p| format!("({}, {}, 'main', '{now}')", p + 1, p + 1))
                .collect::<Vec<_>>()
                .join(",")
        )
        .as_str(),
    )
    .await
    .expect("branches");
    // Versions: id = p * versions() + v + 1, interleaved so ids grow with time.
    let mut rows = Vec::new();
    for v in 0..versions() {
        for p in 0..PACTICIPANTS {
            let id = v * PACTICIPANTS + p + 1;
            rows.push(format!("({id}, {}, 'v{v}', '{now}')", p + 1));
        }
    }
    for chunk in rows.chunks(1000) {
        tx.execute(
            format!(
                "INSERT INTO versions (id, pacticipant_id, number, created_at) VALUES {}",
                chunk.join(",")
            )
            .as_str(),
        )
        .await
        .expect("versions");
    }
    let bv: Vec<String> = (0..versions() * PACTICIPANTS)
        .map(|i| format!("({}, {}, {}, '{now}')", i + 1, i % PACTICIPANTS + 1, i + 1))
        .collect();
    for chunk in bv.chunks(1000) {
        tx.execute(
            format!(
                "INSERT INTO branch_versions (id, branch_id, version_id, created_at) VALUES {}",
                chunk.join(",")
            )
            .as_str(),
        )
        .await
        .expect("branch versions");
    }
    // Consumers app5..app49 have pacts with a provider: app1 for the first 20, app2..app5 for the rest.
    let mut contents = Vec::new();
    let mut publications = Vec::new();
    let mut verifications = Vec::new();
    let mut content_id = 0usize;
    let mut publication_id = 0usize;
    for c in 5..PACTICIPANTS {
        let provider = if c < 5 + CONSUMERS_OF_P0 { 0 } else { 1 + c % 4 };
        for v in 0..versions() {
            if v % 10 == 0 {
                content_id += 1;
                let text = pact_text(&format!("app{c}"), &format!("app{provider}"), v).replace('\'', "''");
                contents.push(format!(
                    "({content_id}, {}, {}, 'sha{content_id}', '{text}', '{now}')",
                    c + 1,
                    provider + 1
                ));
                let provider_version = v * PACTICIPANTS + provider + 1;
                verifications.push(format!(
                    "({content_id}, {provider_version}, {}, {}, 1, 0, 0, '[]', '{{}}', '{now}')",
                    c + 1,
                    provider + 1
                ));
            }
            publication_id += 1;
            let version_id = v * PACTICIPANTS + c + 1;
            publications.push(format!(
                "({publication_id}, {version_id}, {}, {}, 1, {content_id}, '{now}')",
                c + 1,
                provider + 1
            ));
        }
    }
    for chunk in contents.chunks(500) {
        tx.execute(format!("INSERT INTO pact_contents (id, consumer_id, provider_id, sha, content, created_at) VALUES {}", chunk.join(",")).as_str())
            .await
            .expect("contents");
    }
    for chunk in publications.chunks(1000) {
        tx.execute(format!("INSERT INTO pact_publications (id, consumer_version_id, consumer_id, provider_id, revision, content_id, created_at) VALUES {}", chunk.join(",")).as_str())
            .await
            .expect("publications");
    }
    for chunk in verifications.chunks(1000) {
        tx.execute(format!("INSERT INTO verifications (content_id, provider_version_id, consumer_id, provider_id, success, wip, pending, test_results, verified_by, created_at) VALUES {}", chunk.join(",")).as_str())
            .await
            .expect("verifications");
    }
    let integrations: Vec<String> = (5..PACTICIPANTS)
        .map(|c| {
            let provider = if c < 5 + CONSUMERS_OF_P0 { 0 } else { 1 + c % 4 };
            format!("({}, {}, '{now}')", c + 1, provider + 1)
        })
        .collect();
    tx.execute(
        format!(
            "INSERT INTO integrations (consumer_id, provider_id, created_at) VALUES {}",
            integrations.join(",")
        )
        .as_str(),
    )
    .await
    .expect("integrations");
    // Each pacticipant has its tenth newest version deployed in every environment.
    let mut deployed = Vec::new();
    for env in 0..3 {
        for p in 0..PACTICIPANTS {
            let version_id = (versions() - 10) * PACTICIPANTS + p + 1;
            deployed.push(format!(
                "('d{env}-{p}', {version_id}, {}, {}, '', '{now}')",
                p + 1,
                env + 1
            ));
        }
    }
    tx.execute(format!("INSERT INTO deployed_versions (uuid, version_id, pacticipant_id, environment_id, target, created_at) VALUES {}", deployed.join(",")).as_str())
        .await
        .expect("deployments");
    tx.commit().await.expect("commit");
    if postgres {
        seeding::settle_postgres(pool).await;
    }
}

/// The median of 40 can-i-deploy requests, the `i`th to `url(i)`.
async fn can_i_deploy_median(client: &reqwest::Client, url: impl Fn(usize) -> String) -> Duration {
    let mut samples = Vec::new();
    for i in 0..40 {
        let start = Instant::now();
        let body: serde_json::Value = client
            .get(url(i))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        samples.push(start.elapsed());
        assert!(body["summary"].is_object(), "{body}");
    }
    median(samples)
}

async fn measure(label: &str, database_url: &str) {
    let db = Db::connect(database_url).await.expect("database");
    let started = Instant::now();
    seed(&db_pool(&db), database_url.starts_with("postgres")).await;
    println!("[{label}] seeded in {:.1} s", started.elapsed().as_secs_f64());
    let app = accord_broker::app(Arc::new(AppState::new(db, BrokerConfig::new(database_url))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = reqwest::Client::new();

    let one_consumer = can_i_deploy_median(&client, |i| {
        format!(
            "{url}/can-i-deploy?pacticipant=app{}&version=v{}&environment=env1",
            5 + i % CONSUMERS_OF_P0,
            versions() - 5
        )
    })
    .await;
    println!(
        "[{label}] can-i-deploy one version to an environment: median {:.2} ms (target < 20 ms)",
        one_consumer.as_secs_f64() * 1e3
    );
    // A provider with 20 consumers: every consumer's deployed versions, their pacts with it and
    // the provider version's results for them.
    let provider = can_i_deploy_median(&client, |i| {
        format!(
            "{url}/can-i-deploy?pacticipant=app0&version=v{}&environment=env1",
            versions() - 1 - i % 5
        )
    })
    .await;
    println!(
        "[{label}] can-i-deploy a provider with {CONSUMERS_OF_P0} consumers to an environment: median {:.2} ms (target < 20 ms)",
        provider.as_secs_f64() * 1e3
    );

    let mut samples = Vec::new();
    let mut count = 0;
    for _ in 0..20 {
        let start = Instant::now();
        let body: serde_json::Value = client
            .post(format!("{url}/pacts/provider/app0/for-verification"))
            .json(&json!({"consumerVersionSelectors": [{"mainBranch": true}, {"deployed": true}], "includePendingStatus": true, "providerVersionBranch": "main"}))
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        samples.push(start.elapsed());
        count = body["_embedded"]["pacts"].as_array().map(Vec::len).unwrap_or(0);
    }
    println!(
        "[{label}] pacts-for-verification, 20 consumers, main branch + deployed: median {:.2} ms, {count} pacts (target < 30 ms)",
        median(samples).as_secs_f64() * 1e3
    );

    let published = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let (client, url, published) = (client.clone(), url.clone(), Arc::clone(&published));
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                let consumer = format!("app{}", 5 + worker);
                let text = pact_text(&consumer, "app0", 100_000 + worker * 100_000 + n);
                let body = json!({"pacticipantName": consumer, "pacticipantVersionNumber": format!("bench-{worker}-{n}"), "branch": "main",
                    "contracts": [{"consumerName": consumer, "providerName": "app0", "specification": "pact", "contentType": "application/json",
                        "content": base64::engine::general_purpose::STANDARD.encode(text)}]});
                let status = client.post(format!("{url}/contracts/publish")).json(&body).send().await.expect("sent").status();
                assert_eq!(status, 200);
                published.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                n += 1;
            }
        }));
    }
    let start = Instant::now();
    for task in tasks {
        task.await.expect("worker");
    }
    let rate = published.load(std::sync::atomic::Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64();
    println!("[{label}] sustained publish rate, 8 concurrent clients: {rate:.0} pacts/s (target > 200)");
}

/// Clean-up of the seeded database: keep the latest of each branch and what is deployed.
async fn measure_cleanup(label: &str, database_url: &str) {
    use accord_broker::cleanup::{KeepSelector, clean};
    let db = Db::connect(database_url).await.expect("database");
    let mut keep = KeepSelector::parse(r#"{"branch": true, "latest": true}"#).expect("selector");
    keep.extend(KeepSelector::parse(r#"{"deployedOrReleased": true}"#).expect("selector"));
    let started = Instant::now();
    let dry = clean(&db, &keep, true).await.expect("dry run");
    let dry_time = started.elapsed();
    let started = Instant::now();
    let report = clean(&db, &keep, false).await.expect("clean");
    println!(
        "[{label}] clean-up keeping branch heads and deployed versions: {} versions and {} pact contents deleted in {:.2} s (dry run {:.2} s)",
        report.version_count(),
        report.orphaned_contents,
        started.elapsed().as_secs_f64(),
        dry_time.as_secs_f64()
    );
    assert_eq!(dry.version_count(), report.version_count());
}

fn db_pool(db: &Db) -> sqlx::AnyPool {
    db.pool().clone()
}

fn idle_memory(database_url: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord-broker"))
        .args(["serve", "--database-url", database_url, "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("broker starts");
    std::thread::sleep(Duration::from_secs(2));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    println!(
        "idle broker memory (RSS) on the seeded SQLite database: {:.1} MiB (target < 30 MiB)",
        rss / 1024.0
    );
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = std::env::temp_dir().join(format!("accord-broker-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let sqlite = format!("sqlite://{}", dir.join("bench.db").display());
    runtime.block_on(measure("sqlite", &sqlite));
    idle_memory(&sqlite);
    runtime.block_on(measure_cleanup("sqlite", &sqlite));
    let postgres = runtime.block_on(seeding::postgres_database("bench"));
    match postgres {
        Some(url) => runtime.block_on(async {
            measure("postgres", &url).await;
            measure_cleanup("postgres", &url).await;
        }),
        None => println!("skipped PostgreSQL: not reachable on 127.0.0.1:5432"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
