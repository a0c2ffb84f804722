//! The client commands of the `accord-broker` binary against a running broker.

use std::process::Command;

use accord_broker::{BrokerConfig, Credential};

use crate::{pact, start};

fn run(broker: &str, args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_accord-broker"))
        .args(args)
        .env("PACT_BROKER_BASE_URL", broker)
        .env("PACT_BROKER_TOKEN", "write-token")
        .output()
        .expect("runs");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_command_against_a_running_broker() {
    let url = crate::sqlite_only("client");
    let mut config = BrokerConfig::new(url);
    config
        .auth
        .read_write
        .push(Credential::Token("write-token".into()));
    config.auth.read_write.push(Credential::Basic {
        username: "ci".into(),
        password: "pw".into(),
    });
    let broker = start(config).await;
    let dir =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("client-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("web-api.json"), pact("web", "api", "name").to_string()).expect("write");
    let b = broker.url.clone();
    let cmd = move |args: Vec<&str>| {
        let b = b.clone();
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            run(&b, &refs)
        })
    };
    let dir_arg = dir.display().to_string();
    let (code, out) = cmd(vec!["create-environment", "--name", "production", "--production"])
        .await
        .expect("joined");
    assert_eq!(code, 0, "{out}");
    let (code, out) = cmd(vec![
        "publish",
        &dir_arg,
        "--consumer-app-version",
        "w1",
        "--branch",
        "main",
        "--tag",
        "dev",
    ])
    .await
    .expect("joined");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Pact between web and api published"), "{out}");
    let (code, out) = cmd(vec!["describe-version", "--pacticipant", "web"])
        .await
        .expect("joined");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("web version w1") && out.contains("branches: main") && out.contains("tags: dev"),
        "{out}"
    );
    let (code, out) = cmd(vec![
        "can-i-deploy",
        "--pacticipant",
        "web",
        "--version",
        "w1",
        "--to-environment",
        "production",
    ])
    .await
    .expect("joined");
    assert_eq!(code, 1, "api is not in production, so no:\n{out}");
    assert!(
        out.contains("There is no verified pact between version w1 of web"),
        "{out}"
    );
    let (code, out) = cmd(vec![
        "record-deployment",
        "--pacticipant",
        "api",
        "--version",
        "a1",
        "--environment",
        "production",
    ])
    .await
    .expect("joined");
    assert_eq!(code, 2, "api a1 does not exist yet:\n{out}");
    let (code, out) = cmd(vec![
        "record-release",
        "--pacticipant",
        "web",
        "--version",
        "w1",
        "--environment",
        "production",
    ])
    .await
    .expect("joined");
    assert_eq!(code, 0, "{out}");
    let (code, out) = cmd(vec![
        "record-deployment",
        "--pacticipant",
        "web",
        "--version",
        "w1",
        "--environment",
        "staging",
    ])
    .await
    .expect("joined");
    assert_eq!(code, 2);
    assert!(out.contains("environment 'staging' does not exist"), "{out}");
    let (code, out) = cmd(vec![
        "can-i-deploy",
        "--pacticipant",
        "api",
        "--version",
        "a1",
        "--to-environment",
        "production",
    ])
    .await
    .expect("joined");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("No pacts or verifications have been published for version a1 of api"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_provider_contract_publishes_the_document_and_its_self_verification() {
    let mut config = BrokerConfig::new(crate::sqlite_only("client-provider-contract"));
    config
        .auth
        .read_write
        .push(Credential::Token("write-token".into()));
    let broker = start(config).await;
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("client-provider-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("web-api.json"), pact("web", "api", "name").to_string()).expect("write");
    let document = dir.join("api.yaml");
    std::fs::write(
        &document,
        "openapi: 3.0.3\ninfo: {title: api, version: \"1\"}\npaths:\n  /thing:\n    get:\n      responses:\n        \"200\":\n          description: a thing\n          content:\n            application/json:\n              schema: {type: object, required: [name], properties: {name: {type: string}}}\n",
    )
    .expect("write");
    let results = dir.join("results.txt");
    std::fs::write(&results, "3 passed").expect("write");
    let (code, out) = run(
        &broker.url,
        &[
            "publish",
            &dir.join("web-api.json").display().to_string(),
            "-a",
            "w1",
            "--branch",
            "main",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(
        &broker.url,
        &[
            "publish-provider-contract",
            &document.display().to_string(),
            "--provider",
            "api",
            "-a",
            "a1",
            "--branch",
            "main",
            "--verification-exit-code",
            "0",
            "--verification-results",
            &results.display().to_string(),
            "--verifier",
            "schemathesis",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Provider contract for api version a1 published"),
        "{out}"
    );
    assert!(out.contains("The pact of web"), "{out}");
    assert!(out.contains("is compatible with this provider contract"), "{out}");
    let auth = [("Authorization", "Bearer write-token")];
    let (_, contract) = broker.get_text("/contracts/provider/api/version/a1", &auth).await;
    let contract: serde_json::Value = serde_json::from_str(&contract).expect("JSON");
    assert_eq!(contract["contentType"], "application/yaml");
    assert_eq!(contract["selfVerificationResults"]["content"], "3 passed");
    assert_eq!(contract["selfVerificationResults"]["success"], true);
    let (code, out) = run(
        &broker.url,
        &[
            "can-i-deploy",
            "--pacticipant",
            "web",
            "--version",
            "w1",
            "--to-environment",
            "production",
        ],
    );
    assert_ne!(out.len(), 0, "{code}");

    // A file that is not an OpenAPI document is refused by the client, naming it.
    let not_openapi = dir.join("notes.yaml");
    std::fs::write(&not_openapi, "some: notes\n").expect("write");
    let (code, out) = run(
        &broker.url,
        &[
            "publish-provider-contract",
            &not_openapi.display().to_string(),
            "--provider",
            "api",
            "-a",
            "a2",
        ],
    );
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("notes.yaml"), "{out}");
    let (status, _) = broker.get_text("/contracts/provider/api/version/a2", &auth).await;
    assert_eq!(status, 404, "nothing was published");
}
