//! The walkthrough: a broker on a temporary SQLite database, two consumers' contract tests, the
//! accounts provider verified from the broker, deployments recorded, can-i-deploy answering yes,
//! then a breaking change caught by verification and refused by can-i-deploy. The same again for
//! gRPC: the stock dashboard's contract with the inventory service (tonic), verified, deployed,
//! and a breaking change to the service's `.proto` caught and refused.
//!
//! Run it with `cargo run --release -p walkthrough` (`--exit` to stop at the end).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use accord_broker::{AppState, BrokerConfig, Db};
use accord_verifier::{BrokerSource, PublishConfig, Verifier};
use anyhow::{Context as _, bail};
use base64::Engine as _;
use serde_json::{Value, json};

/// What the walkthrough found.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Where the broker is listening.
    pub broker_url: String,
    /// can-i-deploy answers for the consumers and the released provider.
    pub released_can_deploy: Vec<(String, String, bool)>,
    /// Whether verifying the breaking change failed.
    pub breaking_failed: bool,
    /// The verifier's report for the breaking change.
    pub breaking_report: String,
    /// can-i-deploy for the breaking provider version.
    pub breaking_can_deploy: bool,
    /// Its reason.
    pub breaking_reason: String,
    /// Whether verifying the inventory service's breaking `.proto` change failed.
    pub grpc_breaking_failed: bool,
    /// The verifier's report for it.
    pub grpc_breaking_report: String,
    /// can-i-deploy for that inventory version.
    pub grpc_breaking_can_deploy: bool,
    /// Its reason.
    pub grpc_breaking_reason: String,
}

/// A running broker; dropping it stops the server.
#[derive(Debug)]
pub struct RunningBroker {
    /// Its base URL.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RunningBroker {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a broker on `database_url` on a free loopback port.
pub async fn start_broker(database_url: &str) -> anyhow::Result<RunningBroker> {
    let config = BrokerConfig::new(database_url);
    let db = Db::connect(database_url)
        .await
        .with_context(|| format!("cannot open the broker database '{database_url}'"))?;
    let app = accord_broker::app(Arc::new(AppState::new(db, config)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(RunningBroker { url, task })
}

async fn publish(
    http: &reqwest::Client,
    broker: &str,
    pact_file: &PathBuf,
    version: &str,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(pact_file).with_context(|| format!("cannot read {}", pact_file.display()))?;
    let pact: Value = serde_json::from_str(&text)?;
    let consumer = pact["consumer"]["name"].as_str().unwrap_or_default().to_owned();
    let body = json!({
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contracts": [{"consumerName": consumer, "providerName": pact["provider"]["name"], "specification": "pact",
            "contentType": "application/json", "content": base64::engine::general_purpose::STANDARD.encode(text)}],
    });
    let response = http
        .post(format!("{broker}/contracts/publish"))
        .json(&body)
        .send()
        .await?;
    if !response.status().is_success() {
        bail!(
            "publishing {} failed: {}",
            pact_file.display(),
            response.text().await?
        );
    }
    Ok(())
}

async fn record_deployment(
    http: &reqwest::Client,
    broker: &str,
    pacticipant: &str,
    version: &str,
) -> anyhow::Result<()> {
    let v: Value = http
        .get(format!("{broker}/pacticipants/{pacticipant}/versions/{version}"))
        .send()
        .await?
        .json()
        .await?;
    let link = v["_links"]["pb:record-deployment"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["name"] == "production"))
        .and_then(|x| x["href"].as_str())
        .context("no record-deployment link for production")?
        .to_owned();
    let response = http.post(link).json(&json!({})).send().await?;
    if !response.status().is_success() {
        bail!(
            "recording the deployment of {pacticipant} {version} failed: {}",
            response.status()
        );
    }
    Ok(())
}

async fn can_i_deploy(
    http: &reqwest::Client,
    broker: &str,
    pacticipant: &str,
    version: &str,
) -> anyhow::Result<(bool, String)> {
    let body: Value = http
        .get(format!(
            "{broker}/can-i-deploy?pacticipant={pacticipant}&version={version}&environment=production"
        ))
        .send()
        .await?
        .json()
        .await?;
    Ok((
        body["summary"]["deployable"] == true,
        body["summary"]["reason"].as_str().unwrap_or_default().to_owned(),
    ))
}

async fn verify(
    broker: &str,
    variant: accounts::Variant,
    version: &str,
    branch: &str,
) -> anyhow::Result<accord_verifier::RunOutcome> {
    let mut verifier = Verifier::for_router(accounts::router(variant)).await?;
    let base = verifier.config_mut().provider_base_url.clone();
    verifier.config_mut().states.url = Some(format!("{base}/_pact/state"));
    verifier.config_mut().states.teardown = true;
    verifier.config_mut().message_url = Some(format!("{base}/_pact/message"));
    verifier.config_mut().publish = Some(PublishConfig {
        provider_version: version.to_owned(),
        provider_branch: Some(branch.to_owned()),
        ..PublishConfig::default()
    });
    let verifier = verifier.broker(BrokerSource {
        url: broker.to_owned(),
        provider: "accounts".to_owned(),
        selectors: vec![json!({"mainBranch": true}), json!({"deployedOrReleased": true})],
        enable_pending: true,
        provider_branch: Some(branch.to_owned()),
        ..BrokerSource::default()
    });
    Ok(verifier.run().await?)
}

/// Verifies the inventory service at `url` (gRPC) against the pacts the broker selects for it,
/// publishing the results as `version` on `branch`.
async fn verify_grpc(
    broker: &str,
    url: &str,
    version: &str,
    branch: &str,
) -> anyhow::Result<accord_verifier::RunOutcome> {
    let mut config = accord_verifier::VerifierConfig::new(url);
    config.grpc_url = Some(url.to_owned());
    config.states.handler = Some(Arc::new(|state, _action| {
        Box::pin(
            async move { inventory::provider::check_state(&state.name).map(|()| serde_json::Map::new()) },
        )
    }));
    config.publish = Some(PublishConfig {
        provider_version: version.to_owned(),
        provider_branch: Some(branch.to_owned()),
        ..PublishConfig::default()
    });
    let verifier = Verifier::new(config).broker(BrokerSource {
        url: broker.to_owned(),
        provider: "inventory".to_owned(),
        selectors: vec![json!({"mainBranch": true}), json!({"deployedOrReleased": true})],
        enable_pending: true,
        provider_branch: Some(branch.to_owned()),
        ..BrokerSource::default()
    });
    Ok(verifier.run().await?)
}

/// The gRPC part: the stock dashboard's contract tests (its tonic client against accord's mock
/// server) publish its pact; the inventory service as it is passes verification and is
/// deployed; its next version, whose `.proto` turned `quantity` into text, fails and may not be
/// deployed. Returns whether it failed, its report, and can-i-deploy's answer and reason.
async fn grpc_steps(
    http: &reqwest::Client,
    broker: &str,
    work_dir: &std::path::Path,
    out: &mut dyn Write,
    color: bool,
) -> anyhow::Result<(bool, String, bool, String)> {
    let pacts = work_dir.join("pacts-grpc");
    std::fs::create_dir_all(&pacts)?;
    inventory::contract::run_all(&pacts)
        .await
        .context("the stock dashboard's gRPC contract tests failed")?;
    publish(
        http,
        broker,
        &pacts.join("stock-dashboard-inventory.json"),
        "dash-1.0.0",
    )
    .await?;
    let current = inventory::provider::serve(inventory::provider::Variant::Main).await?;
    let verified = verify_grpc(broker, &current.url, "inventory-1.0.0", "main").await?;
    drop(current);
    if !verified.report.success() {
        bail!(
            "verifying the inventory service as it is failed:\n{}",
            accord_verifier::render_text(&verified.report, color)
        );
    }
    let calls: usize = verified.report.pacts.iter().map(|p| p.interactions.len()).sum();
    for (pacticipant, version) in [
        ("inventory", "inventory-1.0.0"),
        ("stock-dashboard", "dash-1.0.0"),
    ] {
        record_deployment(http, broker, pacticipant, version).await?;
    }
    writeln!(
        out,
        "7. gRPC: stock-dashboard's contract tests (its tonic client against accord's mock) published dash-1.0.0; \
         inventory-1.0.0 (a tonic service) verified {calls} gRPC call(s) from the broker; both deployed to production"
    )?;
    let next = inventory::provider::serve(inventory::provider::Variant::Breaking).await?;
    let breaking = verify_grpc(broker, &next.url, "inventory-2.0.0", "quantity-as-text").await?;
    drop(next);
    let report = accord_verifier::render_text(&breaking.report, color);
    writeln!(
        out,
        "8. inventory-2.0.0 (branch quantity-as-text: `int32 quantity = 3` became `string quantity = 3` in its .proto) {}",
        if breaking.report.success() {
            "passed verification"
        } else {
            "failed verification for: stock-dashboard"
        }
    )?;
    for line in report.lines() {
        writeln!(out, "   | {line}")?;
    }
    let (can_deploy, reason) = can_i_deploy(http, broker, "inventory", "inventory-2.0.0").await?;
    writeln!(
        out,
        "9. can-i-deploy inventory-2.0.0 to production: {} - {}",
        if can_deploy { "yes" } else { "no" },
        reason.replace('\n', "; ")
    )?;
    Ok((!breaking.report.success(), report, can_deploy, reason))
}

/// Runs every step against the broker at `broker`, writing one line per step to `out`.
pub async fn run(
    broker: &str,
    work_dir: &std::path::Path,
    out: &mut dyn Write,
    color: bool,
) -> anyhow::Result<Summary> {
    let http = reqwest::Client::new();
    let pacts = work_dir.join("pacts");
    std::fs::create_dir_all(&pacts)?;

    // An earlier version of the investment manager, from before it opened accounts: its pact
    // has the reading interactions only, so the broker can show what im-1.0.0 added.
    let earlier = work_dir.join("pacts-im-0.9.0");
    std::fs::create_dir_all(&earlier)?;
    investment_manager::contract::gets_an_account(Some(&earlier))
        .await
        .context("the investment manager's earlier contract tests failed")?;
    investment_manager::contract::reports_a_missing_account(Some(&earlier))
        .await
        .context("the investment manager's earlier contract tests failed")?;
    investment_manager::contract::run_all(&pacts)
        .await
        .context("the investment manager's contract tests failed")?;
    portal_gateway::shows_an_account_summary(Some(&pacts))
        .await
        .context("the portal gateway's contract test failed")?;
    writeln!(
        out,
        "2. consumer contract tests passed and wrote {}",
        pacts.display()
    )?;
    publish(
        &http,
        broker,
        &earlier.join("investment-manager-accounts.json"),
        "im-0.9.0",
    )
    .await?;
    publish(
        &http,
        broker,
        &pacts.join("investment-manager-accounts.json"),
        "im-1.0.0",
    )
    .await?;
    publish(
        &http,
        broker,
        &pacts.join("portal-gateway-accounts.json"),
        "portal-1.0.0",
    )
    .await?;
    writeln!(
        out,
        "   published investment-manager im-0.9.0 and im-1.0.0 and portal-gateway portal-1.0.0 on branch main"
    )?;

    let released = verify(broker, accounts::Variant::Main, "accounts-1.0.0", "main").await?;
    if !released.report.success() {
        bail!(
            "verifying the released accounts service failed:\n{}",
            accord_verifier::render_text(&released.report, color)
        );
    }
    let interactions: usize = released.report.pacts.iter().map(|p| p.interactions.len()).sum();
    writeln!(
        out,
        "3. accounts-1.0.0 verified {interactions} interaction(s) of {} pact(s) from the broker; results published",
        released.report.pacts.len()
    )?;
    let response = http
        .post(format!("{broker}/environments"))
        .json(&json!({"name": "production", "production": true}))
        .send()
        .await?;
    if !response.status().is_success() && response.status().as_u16() != 400 {
        bail!(
            "creating the production environment failed: {}",
            response.status()
        );
    }
    for (pacticipant, version) in [
        ("accounts", "accounts-1.0.0"),
        ("investment-manager", "im-1.0.0"),
        ("portal-gateway", "portal-1.0.0"),
    ] {
        record_deployment(&http, broker, pacticipant, version).await?;
    }
    writeln!(
        out,
        "   recorded deployments of accounts, investment-manager and portal-gateway to production"
    )?;

    let mut released_can_deploy = Vec::new();
    for (pacticipant, version) in [
        ("investment-manager", "im-1.0.0"),
        ("portal-gateway", "portal-1.0.0"),
        ("accounts", "accounts-1.0.0"),
    ] {
        let (yes, _) = can_i_deploy(&http, broker, pacticipant, version).await?;
        released_can_deploy.push((pacticipant.to_owned(), version.to_owned(), yes));
    }
    let answers: Vec<String> = released_can_deploy
        .iter()
        .map(|(p, v, yes)| format!("{p} {v}: {}", if *yes { "yes" } else { "no" }))
        .collect();
    writeln!(out, "4. can-i-deploy to production: {}", answers.join(", "))?;

    let breaking = verify(
        broker,
        accounts::Variant::Breaking,
        "accounts-2.0.0",
        "rename-manager-ref",
    )
    .await?;
    let breaking_report = accord_verifier::render_text(&breaking.report, color);
    let failed_consumers: Vec<String> = breaking
        .report
        .failures()
        .map(|(p, _)| p.consumer.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    writeln!(
        out,
        "5. accounts-2.0.0 (branch rename-manager-ref) failed verification for: {}",
        if failed_consumers.is_empty() {
            "nobody".to_owned()
        } else {
            failed_consumers.join(", ")
        }
    )?;
    for line in breaking_report.lines() {
        writeln!(out, "   | {line}")?;
    }
    let (breaking_can_deploy, breaking_reason) =
        can_i_deploy(&http, broker, "accounts", "accounts-2.0.0").await?;
    writeln!(
        out,
        "6. can-i-deploy accounts-2.0.0 to production: {} - {}",
        if breaking_can_deploy { "yes" } else { "no" },
        breaking_reason.replace('\n', "; ")
    )?;
    let (grpc_breaking_failed, grpc_breaking_report, grpc_breaking_can_deploy, grpc_breaking_reason) =
        grpc_steps(&http, broker, work_dir, out, color).await?;
    writeln!(
        out,
        "10. open the broker: {broker}/ui (integrations), \
         {broker}/ui/can-i-deploy?pacticipant=accounts&version=accounts-2.0.0&environment=production \
         (why accounts-2.0.0 may not be deployed, linked to its failing verification), \
         {broker}/ui/pacts/provider/accounts/consumer/investment-manager/version/im-1.0.0/diff/previous-distinct \
         (what im-1.0.0 changed in its pact), {broker}/ui/network (who talks to whom), \
         {broker}/ui/network?application=accounts (accounts, its consumers and providers), \
         {broker}/ui/deployments (what is deployed where, and whether each main branch may follow), \
         {broker}/ui/webhooks (webhooks and their deliveries), \
         {broker}/ui/pacticipants/accounts/fields (which consumer uses which field), \
         {broker}/ui/pacts/provider/inventory/consumer/stock-dashboard (the gRPC pact, its messages decoded)"
    )?;
    Ok(Summary {
        broker_url: broker.to_owned(),
        released_can_deploy,
        breaking_failed: !breaking.report.success(),
        breaking_report,
        breaking_can_deploy,
        breaking_reason,
        grpc_breaking_failed,
        grpc_breaking_report,
        grpc_breaking_can_deploy,
        grpc_breaking_reason,
    })
}
