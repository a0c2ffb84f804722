//! Test-only helpers shared by every crate's tests.
//!
//! - [`shared_data`]: reference data copied from other projects (the Pact specification's test
//!   cases, the official broker client's contract, real-world pacts) lives outside this
//!   repository, in `../shared/` beside the checkout or wherever `ACCORD_SHARED_DIR` points.
//! - [`skip`]: a test that cannot run (missing data, PostgreSQL, Chromium, the official Pact
//!   tools) says so where a person sees it, records the skip for the closing list printed by the
//!   `skipped` test of `tests/`, and fails under `CI=true`.
//! - [`eventually`] and [`eventually_blocking`]: waits for a condition with a bound, failing with
//!   a message that names what was awaited.
//! - `tonic_raw` (feature `tonic`): a pass-through codec for tonic clients and servers driven
//!   with messages encoded from a pact's descriptors.

#[cfg(feature = "tonic")]
pub mod tonic_raw;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The environment variable that points at the folder of shared reference data.
pub const SHARED_DIR_VAR: &str = "ACCORD_SHARED_DIR";

/// How long a test waits for a condition by default: generous, because CI machines are loaded.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// Whether the tests run under CI (`CI` set to anything but empty, `0` or `false`), where a
/// missing tool or data set is a failure instead of a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "FALSE" | "False"))
}

/// The folder of shared reference data: `ACCORD_SHARED_DIR`, else `shared/` beside the checkout.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(SHARED_DIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            let root = workspace_root();
            root.parent().unwrap_or(&root).join("shared")
        }
    }
}

/// The workspace root (the folder holding this crate's folder).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The path `relative` inside the shared data folder, or `None` after recording a skip of
/// `what` when it does not exist (a failure under `CI=true`).
pub fn shared_data(relative: &str, what: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    skip(
        what,
        &format!(
            "put the data at {} or set {SHARED_DIR_VAR} to a folder holding {relative}",
            path.display()
        ),
    );
    None
}

/// Records that `what` could not run and how to enable it: printed straight to the terminal
/// (test output capture does not hide it), listed again at the end of the test run, and a panic
/// under `CI=true`.
pub fn skip(what: &str, enable: &str) {
    if in_ci() {
        panic!("{what} is required under CI=true: {enable}");
    }
    let line = format!("{}\t{}\n", one_line(what), one_line(enable));
    let _ = std::io::stderr().write_all(format!("SKIPPED: {what} ({enable})\n").as_bytes());
    let dir = skips_dir_of(run_id());
    if std::fs::create_dir_all(&dir).is_ok() {
        let file = dir.join(format!("{}.txt", std::process::id()));
        if let Ok(mut out) = std::fs::OpenOptions::new().create(true).append(true).open(file) {
            let _ = out.write_all(line.as_bytes());
        }
    }
}

/// One skipped check and the command or step that enables it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// What could not run.
    pub what: String,
    /// How to enable it.
    pub enable: String,
}

/// Takes the skips every test process of this run recorded (deduplicated and sorted), removing
/// the records. A run is one `cargo test` (or nextest) invocation: its processes share a parent.
pub fn take_skips() -> Vec<Skipped> {
    let dir = skips_dir_of(run_id());
    let mut skips = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for line in text.lines() {
                if let Some((what, enable)) = line.split_once('\t') {
                    skips.push(Skipped {
                        what: what.to_owned(),
                        enable: enable.to_owned(),
                    });
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    remove_stale_records();
    skips.sort();
    skips.dedup();
    skips
}

/// Writes the closing list of skips straight to the terminal.
pub fn print_skips(skips: &[Skipped]) {
    let mut text = String::new();
    if skips.is_empty() {
        text.push_str("\nNothing was skipped: every test ran what it names.\n");
    } else {
        text.push_str(&format!(
            "\n{} kind(s) of check were SKIPPED in this run (a skip is not a pass):\n",
            skips.len()
        ));
        for s in skips {
            text.push_str(&format!("  - {}\n      enable: {}\n", s.what, s.enable));
        }
        text.push_str("Under CI=true each of these is a failure.\n");
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn one_line(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// Test processes of one run share their parent (cargo or nextest).
fn run_id() -> u32 {
    std::os::unix::process::parent_id()
}

fn skips_root() -> PathBuf {
    std::env::temp_dir().join("accord-test-skips")
}

fn skips_dir_of(run: u32) -> PathBuf {
    skips_root().join(run.to_string())
}

/// Removes the records of runs that ended without a closing list (a filtered run), after a day.
fn remove_stale_records() {
    let Ok(entries) = std::fs::read_dir(skips_root()) else {
        return;
    };
    let day = Duration::from_secs(24 * 3600);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > day);
        if old {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Polls `check` until it returns true, panicking after `within` with a message naming `what`.
pub async fn eventually<F, Fut>(what: &str, within: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        if check().await {
            return;
        }
        if start.elapsed() > within {
            panic!("timed out after {within:?} waiting for {what}");
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// The blocking form of [`eventually`], for tests without a runtime.
pub fn eventually_blocking(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        if check() {
            return;
        }
        if start.elapsed() > within {
            panic!("timed out after {within:?} waiting for {what}");
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// A fresh, empty PostgreSQL database on 127.0.0.1:5432 (user postgres, trust auth) named after
/// `name`, or `None` when the server does not answer (the caller decides whether that is a skip).
pub async fn fresh_postgres(name: &str) -> Option<String> {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .ok()?;
    drop_databases_of_ended_runs(&pool).await;
    let db = format!(
        "accord_{name}_{}_{}",
        std::process::id(),
        unique() % 1_000_000_000
    );
    // Concurrent CREATE DATABASE statements can collide on the template database: retry a few
    // times, then report the last error.
    let mut last_error = None;
    for attempt in 0..20u64 {
        match sqlx::query(&format!("CREATE DATABASE {db}")).execute(&pool).await {
            Ok(_) => return Some(format!("postgres://postgres@127.0.0.1:5432/{db}")),
            Err(e) => last_error = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(50 * (attempt + 1))).await;
    }
    panic!("PostgreSQL answers but cannot create database {db}: {last_error:?}");
}

/// Drops the scratch databases of test processes that have ended (their names carry the
/// process id), once per process, so repeated runs do not fill the server's disk. Databases of
/// running processes, and any that cannot be dropped now, are left alone.
async fn drop_databases_of_ended_runs(pool: &sqlx::AnyPool) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let Ok(rows) =
        sqlx::query("SELECT datname::text AS name FROM pg_database WHERE datname LIKE 'accord\\_%'")
            .fetch_all(pool)
            .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = sqlx::Row::try_get::<String, _>(&row, "name") else {
            continue;
        };
        // accord_{name}_{pid}_{unique}: the process id is the second number from the end.
        let mut parts = name.rsplit('_');
        let _unique = parts.next();
        let Some(pid) = parts.next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let ended = pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
        let safe = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ended && safe {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(pool)
                .await;
        }
    }
}

/// The database URLs a broker test runs on: a fresh SQLite file under `dir`, and a fresh
/// PostgreSQL database when the server answers (a recorded skip otherwise; required in CI).
pub async fn backends(dir: &Path, name: &str) -> Vec<String> {
    let mut urls = vec![sqlite_url(dir, name)];
    match fresh_postgres(name).await {
        Some(url) => urls.push(url),
        None => skip(
            "PostgreSQL legs of the broker tests (no server on 127.0.0.1:5432)",
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
        ),
    }
    urls
}

/// A fresh SQLite database URL for a file under `dir`.
pub fn sqlite_url(dir: &Path, name: &str) -> String {
    let file = dir.join(format!("{name}-{}-{}.db", std::process::id(), unique()));
    format!("sqlite://{}", file.display())
}

/// A number unique within this process and unlikely to repeat across processes.
fn unique() -> u128 {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    nanos + u128::from(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

/// A V3 pact of `n` HTTP interactions written the way pact-js, pact-jvm and pact-python write
/// them, for benchmarks: a regex on `Accept` and `Content-Type` of every interaction, a path
/// regex with an id on every even one, query matchers on every third, a POST with a JSON body on
/// every fourth, and response bodies with `integer`, `decimal`, `type`, `regex`, `date`,
/// `timestamp` rules and an `eachLike` list. Interaction `i` is served at
/// `/api/v1/resource{i}/{id}` (see [`official_style_response`]).
pub fn official_style_pact(n: usize) -> serde_json::Value {
    use serde_json::json;
    let interactions: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let id = 1000 + i;
            let path = format!("/api/v1/resource{i}/{id}");
            let post = i % 4 == 3;
            let mut request = json!({
                "method": if post { "POST" } else { "GET" },
                "path": path,
                "headers": {"Accept": "application/json"},
                "matchingRules": {"header": {"Accept": {"matchers": [{"match": "regex", "regex": "application/json.*"}], "combine": "AND"}}}
            });
            if i % 2 == 0 {
                request["matchingRules"]["path"] =
                    json!({"matchers": [{"match": "regex", "regex": format!("/api/v1/resource{i}/\\d+")}], "combine": "AND"});
            }
            if i % 3 == 0 {
                request["query"] = json!({"status": ["OPEN"], "limit": ["10"]});
                request["matchingRules"]["query"] = json!({
                    "status": {"matchers": [{"match": "regex", "regex": "OPEN|CLOSED"}], "combine": "AND"},
                    "limit": {"matchers": [{"match": "integer"}], "combine": "AND"}});
            }
            if post {
                request["headers"]["Content-Type"] = json!("application/json");
                request["body"] = json!({"name": "savings", "currency": "EUR", "openedOn": "2024-01-31"});
                request["matchingRules"]["header"]["Content-Type"] =
                    json!({"matchers": [{"match": "regex", "regex": "application/json.*"}], "combine": "AND"});
                request["matchingRules"]["body"] = json!({
                    "$.name": {"matchers": [{"match": "type"}], "combine": "AND"},
                    "$.currency": {"matchers": [{"match": "regex", "regex": "[A-Z]{3}"}], "combine": "AND"},
                    "$.openedOn": {"matchers": [{"match": "date", "date": "yyyy-MM-dd"}], "combine": "AND"}});
            }
            json!({
                "description": format!("a request for resource {i}"),
                "providerStates": [{"name": format!("resource {i} exists"), "params": {"id": id}}],
                "request": request,
                "response": {
                    "status": if post { 201 } else { 200 },
                    "headers": {"Content-Type": "application/json; charset=utf-8"},
                    "body": official_style_response(id as u64),
                    "matchingRules": {
                        "header": {"Content-Type": {"matchers": [{"match": "regex", "regex": "application/json;?.*"}], "combine": "AND"}},
                        "body": {
                            "$.id": {"matchers": [{"match": "integer"}], "combine": "AND"},
                            "$.name": {"matchers": [{"match": "type"}], "combine": "AND"},
                            "$.owner.email": {"matchers": [{"match": "regex", "regex": "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$"}], "combine": "AND"},
                            "$.owner.name": {"matchers": [{"match": "type"}], "combine": "AND"},
                            "$.balance": {"matchers": [{"match": "decimal"}], "combine": "AND"},
                            "$.status": {"matchers": [{"match": "regex", "regex": "OPEN|CLOSED|FROZEN"}], "combine": "AND"},
                            "$.openedOn": {"matchers": [{"match": "date", "date": "yyyy-MM-dd"}], "combine": "AND"},
                            "$.updatedAt": {"matchers": [{"match": "timestamp", "timestamp": "yyyy-MM-dd'T'HH:mm:ss.SSSX"}], "combine": "AND"},
                            "$.transactions": {"matchers": [{"match": "type", "min": 1}], "combine": "AND"},
                            "$.transactions[*].id": {"matchers": [{"match": "regex", "regex": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"}], "combine": "AND"},
                            "$.transactions[*].amount": {"matchers": [{"match": "decimal"}], "combine": "AND"},
                            "$.transactions[*].at": {"matchers": [{"match": "timestamp", "timestamp": "yyyy-MM-dd'T'HH:mm:ss.SSSX"}], "combine": "AND"}
                        }
                    }
                }
            })
        })
        .collect();
    json!({
        "consumer": {"name": "bench-consumer"},
        "provider": {"name": "bench-provider"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}, "pactJs": {"version": "12.1.0"}}
    })
}

/// The response body of [`official_style_pact`] for an id: what a provider answers (its values
/// differ from the pact's examples only where a rule allows).
pub fn official_style_response(id: u64) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "name": format!("account {id}"),
        "owner": {"name": "Ann Example", "email": "ann@example.com"},
        "balance": 1250.5,
        "status": "OPEN",
        "openedOn": "2024-01-31",
        "updatedAt": "2024-02-01T10:15:30.123Z",
        "transactions": [
            {"id": "3f2b8c4e-1a2b-4c3d-9e8f-0123456789ab", "amount": 12.5, "at": "2024-02-01T09:00:00.000Z"},
            {"id": "7a6b5c4d-3e2f-4a1b-8c9d-abcdef012345", "amount": 99.95, "at": "2024-02-01T09:30:00.000Z"}
        ]
    })
}
