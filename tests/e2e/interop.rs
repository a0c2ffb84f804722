//! Interoperability with the official Pact tools (`pip install pact-python-cli`): accord's pacts
//! verify with the official verifier, the official broker CLI and verifier work against the
//! accord broker. Without the tools the tests say how to install them; under `CI=true` a missing
//! tool is a failure.

use std::path::PathBuf;
use std::process::Command;

use accord_verifier::{BrokerSource, PublishConfig, Verifier};
use serde_json::json;

const INSTALL: &str =
    "python3 -m venv .venv && .venv/bin/pip install 'pact-python-cli==1!0.10.9' 'pact-python==4.2.0'";

/// The official `pact` binary: `PACT_CLI`, else `.venv/bin/pact` in the workspace, else `pact`.
pub(crate) fn pact_cli() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PACT_CLI").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/pact")),
        Some(PathBuf::from("pact")),
    ];
    for candidate in candidates.into_iter().flatten() {
        let works = Command::new(&candidate)
            .arg("--help")
            .env("PACT_DO_NOT_TRACK", "true")
            .output()
            .is_ok_and(|o| o.status.success());
        if works {
            return Some(candidate);
        }
    }
    accord_test_support::skip(
        "the interoperability tests with the official Pact tools (not installed)",
        INSTALL,
    );
    None
}

pub(crate) fn run(cli: &PathBuf, args: &[&str]) -> (i32, String) {
    let output = Command::new(cli)
        .args(args)
        .env("PACT_DO_NOT_TRACK", "true")
        .env("NO_COLOR", "1")
        .output()
        .expect("pact runs");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

pub(crate) async fn serve(router: axum::Router) -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (
        port,
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        }),
    )
}

pub(crate) async fn official_verify(cli: PathBuf, args: Vec<String>) -> (i32, String) {
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&cli, &refs)
    })
    .await
    .expect("verifier thread")
}

fn provider_args(port: u16) -> Vec<String> {
    vec![
        "--hostname".into(),
        "127.0.0.1".into(),
        "--port".into(),
        port.to_string(),
        "--provider-name".into(),
        "accounts".into(),
        "--state-change-url".into(),
        format!("http://127.0.0.1:{port}/_pact/state"),
        "--transports".into(),
        format!("http:{port} message:{port}/_pact/message"),
        "--no-colour".into(),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accord_pacts_verify_with_the_official_verifier() {
    let Some(cli) = pact_cli() else { return };
    let dir = crate::scratch("interop-pacts");
    investment_manager::contract::run_all(&dir)
        .await
        .expect("consumer contract tests");
    portal_gateway::shows_an_account_summary(Some(&dir))
        .await
        .expect("portal contract test");
    let (main_port, _main) = serve(accounts::router(accounts::Variant::Main)).await;
    let (breaking_port, _breaking) = serve(accounts::router(accounts::Variant::Breaking)).await;
    for consumer in ["investment-manager", "portal-gateway"] {
        let file = dir
            .join(format!("{consumer}-accounts.json"))
            .display()
            .to_string();
        let mut args = vec!["verifier".to_owned(), "-f".into(), file.clone()];
        args.extend(provider_args(main_port));
        let (code, text) = official_verify(cli.clone(), args).await;
        assert_eq!(code, 0, "{consumer} against the released provider:\n{text}");
        let mut args = vec!["verifier".to_owned(), "-f".into(), file];
        args.extend(provider_args(breaking_port));
        let (code, text) = official_verify(cli.clone(), args).await;
        if consumer == "investment-manager" {
            assert_eq!(code, 1, "the breaking provider fails:\n{text}");
            assert!(
                text.contains("Expected 'Balanced' to match 'CONSERVATIVE|BALANCED|AGGRESSIVE'"),
                "{text}"
            );
            assert!(
                text.contains("There were 4 pact failures"),
                "the same four interactions fail as with accord:\n{text}"
            );
        } else {
            assert_eq!(code, 0, "the portal gateway is unaffected:\n{text}");
        }
    }
}

// The official CLI runs as a blocking child process, so the in-process broker needs workers of
// its own while a command waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_official_broker_cli_and_verifier_work_against_the_accord_broker() {
    let Some(cli) = pact_cli() else { return };
    let dir = crate::scratch("interop-broker");
    let pacts = dir.join("pacts");
    investment_manager::contract::run_all(&pacts)
        .await
        .expect("consumer contract tests");
    let mut config = accord_broker::BrokerConfig::new(tests::sqlite_url(&dir, "interop"));
    // The webhook commands below target a local port, as an operator allows with
    // `--webhook-hosts 127.0.0.1 --webhook-schemes http,https`.
    config.webhooks = accord_broker::WebhookPolicy::loopback();
    config.auth.read_write.push(accord_broker::Credential::Basic {
        username: "ci".into(),
        password: "secret".into(),
    });
    config
        .auth
        .read_write
        .push(accord_broker::Credential::Token("write-token".into()));
    let db = accord_broker::Db::connect(&config.database_url)
        .await
        .expect("db");
    let app = accord_broker::app(std::sync::Arc::new(accord_broker::AppState::new(db, config)));
    let (broker_port, _broker) = serve(app).await;
    let broker = format!("http://127.0.0.1:{broker_port}");
    let basic = [
        "--broker-base-url",
        broker.as_str(),
        "--broker-username",
        "ci",
        "--broker-password",
        "secret",
    ];
    let token = [
        "--broker-base-url",
        broker.as_str(),
        "--broker-token",
        "write-token",
    ];
    let pacts_dir = pacts.display().to_string();
    let cli2 = cli.clone();
    let broker_cmd = move |args: Vec<&str>, auth: &[&str]| {
        let mut all: Vec<&str> = vec!["broker"];
        all.extend(args);
        all.extend(auth);
        run(&cli2, &all)
    };
    // Each command exits 0 and prints the fact it is expected to show.
    let succeeds = |cases: Vec<(Vec<&str>, &str)>| {
        for (args, expected) in cases {
            let (code, out) = broker_cmd(args.clone(), &token);
            assert_eq!(code, 0, "{args:?}:\n{out}");
            assert!(
                out.contains(expected),
                "{args:?} should print '{expected}':\n{out}"
            );
        }
    };

    let (code, out) = broker_cmd(
        vec![
            "publish",
            &pacts_dir,
            "--consumer-app-version",
            "im-1",
            "--branch",
            "main",
        ],
        &basic,
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Created investment-manager version im-1 with branch main"),
        "{out}"
    );
    let (code, out) = broker_cmd(
        vec![
            "create-or-update-pacticipant",
            "--name",
            "accounts",
            "--main-branch",
            "main",
        ],
        &token,
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = broker_cmd(
        vec!["create-environment", "--name", "production", "--production"],
        &basic,
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = broker_cmd(vec!["list-environments"], &token);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("production"), "{out}");
    let (code, out) = broker_cmd(
        vec!["describe-version", "--pacticipant", "investment-manager"],
        &basic,
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("im-1"), "{out}");
    let (code, out) = broker_cmd(
        vec![
            "create-version-tag",
            "--pacticipant",
            "investment-manager",
            "--version",
            "im-1",
            "--tag",
            "prod",
        ],
        &basic,
    );
    assert_eq!(code, 0, "{out}");

    // Reading pacts, provider states and applications back.
    succeeds(vec![
        (
            vec!["get-pacts", "--provider", "accounts"],
            "Pact between investment-manager (im-1) and accounts",
        ),
        (
            vec![
                "get-pacts",
                "--provider",
                "accounts",
                "--consumer",
                "investment-manager",
                "--latest",
            ],
            "investment-manager",
        ),
        (
            vec![
                "get-pacts",
                "--provider",
                "accounts",
                "--branch",
                "main",
                "--latest",
            ],
            "investment-manager",
        ),
        (
            vec!["provider-states", "list", "--provider", "accounts"],
            "account 42 exists",
        ),
        (vec!["list-latest-pact-versions"], "im-1"),
        (vec!["list-pacticipants"], "Investment Manager"),
    ]);

    // The official verifier fetches pacts for verification and publishes results.
    let (provider_port, _provider) = serve(accounts::router(accounts::Variant::Main)).await;
    let mut args: Vec<String> = [
        "verifier",
        "--broker-url",
        &broker,
        "--user",
        "ci",
        "--password",
        "secret",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend([
        "--consumer-version-selectors".into(),
        json!({"mainBranch": true}).to_string(),
        "--enable-pending".into(),
    ]);
    args.extend([
        "--publish".into(),
        "--provider-version".into(),
        "acc-1".into(),
        "--provider-branch".into(),
        "main".into(),
    ]);
    args.extend(provider_args(provider_port));
    args.retain(|a| a != "--provider-name" && a != "accounts");
    args.extend(["--provider-name".into(), "accounts".into()]);
    let (code, out) = official_verify(cli.clone(), args).await;
    assert_eq!(code, 0, "official verifier against the accord broker:\n{out}");

    // A failing provider version, verified and published by accord.
    let mut verifier = Verifier::for_router(accounts::router(accounts::Variant::Breaking))
        .await
        .expect("provider");
    let base = verifier.config_mut().provider_base_url.clone();
    verifier.config_mut().states.url = Some(format!("{base}/_pact/state"));
    verifier.config_mut().message_url = Some(format!("{base}/_pact/message"));
    verifier.config_mut().publish = Some(PublishConfig {
        provider_version: "acc-2".into(),
        provider_branch: Some("feature".into()),
        ..Default::default()
    });
    let outcome = verifier
        .auth(accord_verifier::Auth::Bearer("write-token".into()))
        .broker(BrokerSource {
            url: broker.clone(),
            provider: "accounts".into(),
            selectors: vec![json!({"mainBranch": true})],
            ..Default::default()
        })
        .run()
        .await
        .expect("accord verifier runs");
    assert!(!outcome.report.success());

    let (code, out) = broker_cmd(
        vec![
            "record-deployment",
            "--pacticipant",
            "investment-manager",
            "--version",
            "im-1",
            "--environment",
            "production",
        ],
        &basic,
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = broker_cmd(
        vec![
            "record-release",
            "--pacticipant",
            "accounts",
            "--version",
            "acc-1",
            "--environment",
            "production",
        ],
        &token,
    );
    assert_eq!(code, 0, "{out}");

    let (code, out) = broker_cmd(
        vec![
            "can-i-deploy",
            "--pacticipant",
            "accounts",
            "--version",
            "acc-1",
            "--to-environment",
            "production",
        ],
        &basic,
    );
    assert_eq!(
        code, 0,
        "yes, from the official verifier's published results:\n{out}"
    );
    assert!(out.contains("Computer says yes"), "{out}");
    let (code, out) = broker_cmd(
        vec![
            "can-i-deploy",
            "--pacticipant",
            "accounts",
            "--version",
            "acc-2",
            "--to-environment",
            "production",
        ],
        &token,
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Computer says no"), "{out}");
    assert!(
        out.contains("failed"),
        "the reason names the failed verification:\n{out}"
    );
    let (code, out) = broker_cmd(
        vec![
            "can-i-deploy",
            "--pacticipant",
            "accounts",
            "--version",
            "acc-1",
            "--to",
            "prod",
        ],
        &basic,
    );
    assert_eq!(code, 0, "the --to tag form:\n{out}");
    let (code, out) = broker_cmd(
        vec![
            "can-i-deploy",
            "--pacticipant",
            "accounts",
            "--version",
            "acc-2",
            "--to",
            "prod",
        ],
        &basic,
    );
    assert_eq!(code, 1, "{out}");

    // The rest of the lifecycle commands.
    succeeds(vec![
        (
            vec![
                "can-i-merge",
                "--pacticipant",
                "investment-manager",
                "--version",
                "im-1",
            ],
            "accounts",
        ),
        (
            vec!["describe-pacticipant", "--name", "accounts"],
            "Main Branch: main",
        ),
        (
            vec![
                "create-or-update-version",
                "--pacticipant",
                "accounts",
                "--version",
                "acc-3",
                "--branch",
                "old",
            ],
            "old",
        ),
        (
            vec!["delete-branch", "--pacticipant", "accounts", "--branch", "old"],
            "old",
        ),
        (
            vec![
                "create-or-update-webhook",
                "http://127.0.0.1:9/hook",
                "--uuid",
                "interop-webhook-0001",
                "--request",
                "POST",
                "--contract-published",
                "--description",
                "interop",
            ],
            "interop-webhook-0001",
        ),
        (
            vec!["test-webhook", "--uuid", "interop-webhook-0001"],
            "127.0.0.1:9/hook",
        ),
        (
            vec!["delete-webhook", "--uuid", "interop-webhook-0001"],
            "interop-webhook-0001",
        ),
        (
            vec![
                "record-undeployment",
                "--pacticipant",
                "investment-manager",
                "--environment",
                "production",
            ],
            "investment-manager",
        ),
        (
            vec![
                "record-support-ended",
                "--pacticipant",
                "accounts",
                "--version",
                "acc-1",
                "--environment",
                "production",
            ],
            "accounts",
        ),
    ]);

    let (code, out) = broker_cmd(
        vec!["describe-version", "--pacticipant", "investment-manager"],
        &["--broker-base-url", broker.as_str()],
    );
    assert_ne!(code, 0, "no credentials: refused\n{out}");
}

/// Runs the pact-python consumer test (`tests/python/consumer.py`) and returns the pact file.
fn python_pact(cli: &std::path::Path, dir: &std::path::Path) -> PathBuf {
    let python = cli.with_file_name("python");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/consumer.py");
    let output = Command::new(&python)
        .arg(&script)
        .arg(dir)
        .env("PACT_DO_NOT_TRACK", "true")
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "the pact-python consumer test failed (install with .venv/bin/pip install 'pact-python==4.2.0'):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir.join("py-portal-accounts.json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_pacts_verify_with_accord_and_both_verifiers_agree() {
    let Some(cli) = pact_cli() else { return };
    let dir = crate::scratch("interop-python");
    let pact = python_pact(&cli, &dir);
    for variant in [accounts::Variant::Main, accounts::Variant::Breaking] {
        let (port, _server) = serve(accounts::router(variant)).await;
        let mut config = accord_verifier::VerifierConfig::new(format!("http://127.0.0.1:{port}"));
        config.states.url = Some(format!("http://127.0.0.1:{port}/_pact/state"));
        config.message_url = Some(format!("http://127.0.0.1:{port}/_pact/message"));
        let outcome = Verifier::new(config)
            .pact_file(pact.clone())
            .run()
            .await
            .expect("accord verifier runs");
        let accord_failed: Vec<String> = outcome
            .report
            .failures()
            .map(|(_, i)| i.description.clone())
            .collect();
        let mut args = vec!["verifier".to_owned(), "-f".into(), pact.display().to_string()];
        args.extend(provider_args(port));
        let (code, text) = official_verify(cli.clone(), args).await;
        let text_accord = accord_verifier::render_text(&outcome.report, false);
        match variant {
            accounts::Variant::Main => {
                assert!(outcome.report.success(), "{text_accord}");
                assert_eq!(code, 0, "{text}");
            }
            accounts::Variant::Breaking => {
                assert_eq!(code, 1, "{text}");
                assert_eq!(accord_failed.len(), 3, "{text_accord}");
                for description in &accord_failed {
                    assert!(
                        text.contains(description.as_str()),
                        "both verifiers fail '{description}':\n{text}"
                    );
                }
            }
        }
    }
}

/// A child process killed when the test ends, passed or failed.
pub(crate) struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The official `pact stub` serving `file` on a free port: the process (killed when dropped)
/// and its port.
pub(crate) fn official_stub(cli: &std::path::Path, file: &std::path::Path) -> (KillOnDrop, u16) {
    let stub = Command::new(cli)
        .args(["stub", "-f", &file.display().to_string(), "--port", "0"])
        .env("PACT_DO_NOT_TRACK", "true")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pact stub starts");
    let mut stub = KillOnDrop(stub);
    let port = stub_port(&mut stub.0);
    (stub, port)
}

/// Reads the official stub's output until it names the port the OS gave it (bounded).
fn stub_port(stub: &mut std::process::Child) -> u16 {
    use std::io::BufRead as _;
    let stdout = stub.stdout.take().expect("stub stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(port) = line
                .split("Server started on port ")
                .nth(1)
                .and_then(|rest| rest.trim().parse::<u16>().ok())
            {
                let _ = tx.send(port);
            }
        }
    });
    rx.recv_timeout(accord_test_support::DEFAULT_WAIT)
        .expect("pact stub prints 'Server started on port N'")
}

async fn get(url: &str) -> Option<(u16, serde_json::Value)> {
    let response = reqwest::get(url).await.ok()?;
    let status = response.status().as_u16();
    Some((status, response.json().await.unwrap_or(serde_json::Value::Null)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accord_serve_answers_like_pact_stub() {
    let Some(cli) = pact_cli() else { return };
    let dir = crate::scratch("interop-stub");
    let pact = python_pact(&cli, &dir);
    let (_stub, stub_port) = official_stub(&cli, &pact);
    let accord = accord_mock_server::control::serve_pacts(
        vec![accord_core::format::read_pact_file(&pact).expect("pact")],
        std::net::Ipv4Addr::LOCALHOST.into(),
        0,
        false,
        false,
    )
    .await
    .expect("accord serves");
    let stub_url = format!("http://127.0.0.1:{stub_port}");
    accord_test_support::eventually(
        "the official pact stub to answer",
        accord_test_support::DEFAULT_WAIT,
        || async { get(&format!("{stub_url}/accounts/42")).await.is_some() },
    )
    .await;
    for path in ["/accounts/42", "/accounts?owner=ann"] {
        let official = get(&format!("{stub_url}{path}")).await.expect("stub answers");
        let ours = get(&format!("{}{path}", accord[0].url()))
            .await
            .expect("accord answers");
        assert_eq!(ours, official, "GET {path}");
    }
}

/// The official broker client's own contract, judged by the official verifier against
/// accord-broker through the same provider-state harness as accord's verifier uses.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_verifier_passes_accord_broker_on_the_broker_clients_contract() {
    let Some(cli) = pact_cli() else { return };
    let Some(contract) = tests::broker_contract::contract() else {
        return;
    };
    let dir = crate::scratch("broker-contract-official");
    let harness = tests::broker_contract::ContractBroker::start(&dir)
        .await
        .expect("harness");
    let args = vec![
        "verifier".to_owned(),
        "-f".into(),
        contract.display().to_string(),
        "--hostname".into(),
        "127.0.0.1".into(),
        "--port".into(),
        harness.port().to_string(),
        "--state-change-url".into(),
        harness.state_url(),
        "--state-change-teardown".into(),
        "--no-colour".into(),
    ];
    let (code, text) = official_verify(cli, args).await;
    assert_eq!(code, 0, "the official verifier fails accord-broker:\n{text}");
    let verified = text
        .lines()
        .filter(|l| l.trim_start().starts_with("Verifying a pact between"))
        .count();
    assert_eq!(verified, 1, "one pact verified:\n{text}");
    let interactions = text.matches("returns a response which").count();
    assert_eq!(
        interactions, 67,
        "every interaction of the contract runs, none filtered out:\n{text}"
    );
    assert!(!text.contains("(FAILED)"), "{text}");
}
