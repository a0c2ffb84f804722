//! The client commands: publish, can-i-deploy, record-deployment and the rest, against a
//! running broker through `accord_broker::client`.

use std::process::ExitCode;

use accord_broker::client;

use crate::cli::{
    CanIDeployArgs, ClientCommand, CreateEnvironmentArgs, CreateWebhookArgs, DescribeVersionArgs,
    PublishArgs, PublishProviderContractArgs, RecordDeploymentArgs, RecordReleaseArgs,
};

/// Runs a client command against a running broker.
pub(crate) async fn run(command: ClientCommand) -> anyhow::Result<ExitCode> {
    match command {
        ClientCommand::Publish(args) => publish(args).await,
        ClientCommand::PublishProviderContract(args) => publish_provider_contract(args).await,
        ClientCommand::CanIDeploy(args) => can_i_deploy(args).await,
        ClientCommand::RecordDeployment(args) => record_deployment(args).await,
        ClientCommand::RecordRelease(args) => record_release(args).await,
        ClientCommand::CreateEnvironment(args) => create_environment(args).await,
        ClientCommand::CreateWebhook(args) => create_webhook(args).await,
        ClientCommand::DescribeVersion(args) => describe_version(args).await,
    }
}

/// Publishes pact files for a consumer version and prints what the broker says.
async fn publish(args: PublishArgs) -> anyhow::Result<ExitCode> {
    let PublishArgs {
        pact_files,
        consumer_app_version,
        branch,
        tags,
        build_url,
        broker,
    } = args;
    let notices = client::publish(
        &broker.target(),
        &pact_files,
        &consumer_app_version,
        branch.as_deref(),
        &tags,
        build_url.as_deref(),
    )
    .await?;
    for notice in notices {
        println!("{notice}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Publishes a provider contract with its self-verification.
async fn publish_provider_contract(args: PublishProviderContractArgs) -> anyhow::Result<ExitCode> {
    let PublishProviderContractArgs {
        contract_file,
        provider,
        provider_app_version,
        branch,
        tags,
        content_type,
        verification_exit_code,
        verification_success,
        no_verification_success,
        verification_results,
        verification_results_content_type,
        verification_results_format,
        verifier,
        verifier_version,
        build_url,
        broker,
    } = args;
    // As the official CLI decides: a flag says it, else the exit code, else not passed.
    let self_verified =
        verification_success || (!no_verification_success && verification_exit_code == Some(0));
    let contract = client::ProviderContract {
        provider,
        version: provider_app_version,
        document: contract_file,
        content_type,
        branch,
        tags,
        build_url,
        self_verified,
        results: verification_results,
        results_content_type: verification_results_content_type,
        results_format: verification_results_format,
        verifier,
        verifier_version,
    };
    for notice in client::publish_provider_contract(&broker.target(), &contract).await? {
        println!("{notice}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Asks can-i-deploy; exit code 1 when the answer is no.
async fn can_i_deploy(args: CanIDeployArgs) -> anyhow::Result<ExitCode> {
    let CanIDeployArgs {
        pacticipant,
        version,
        to_environment,
        to,
        ignore,
        broker,
    } = args;
    let decision = client::can_i_deploy(
        &broker.target(),
        &pacticipant,
        &version,
        to_environment.as_deref(),
        to.as_deref(),
        &ignore,
    )
    .await?;
    Ok(print_decision(&decision))
}

/// Records a deployment.
async fn record_deployment(args: RecordDeploymentArgs) -> anyhow::Result<ExitCode> {
    let RecordDeploymentArgs {
        pacticipant,
        version,
        environment,
        application_instance,
        broker,
    } = args;
    client::record_deployment(
        &broker.target(),
        &pacticipant,
        &version,
        &environment,
        application_instance.as_deref(),
    )
    .await?;
    println!("Recorded deployment of {pacticipant} version {version} to {environment}");
    Ok(ExitCode::SUCCESS)
}

/// Records a release.
async fn record_release(args: RecordReleaseArgs) -> anyhow::Result<ExitCode> {
    let RecordReleaseArgs {
        pacticipant,
        version,
        environment,
        broker,
    } = args;
    client::record_release(&broker.target(), &pacticipant, &version, &environment).await?;
    println!("Recorded release of {pacticipant} version {version} to {environment}");
    Ok(ExitCode::SUCCESS)
}

/// Creates an environment.
async fn create_environment(args: CreateEnvironmentArgs) -> anyhow::Result<ExitCode> {
    let CreateEnvironmentArgs {
        name,
        display_name,
        production,
        broker,
    } = args;
    let uuid =
        client::create_environment(&broker.target(), &name, display_name.as_deref(), production).await?;
    println!("Created environment {name} with UUID {uuid}");
    Ok(ExitCode::SUCCESS)
}

/// Creates a webhook for the chosen events.
async fn create_webhook(args: CreateWebhookArgs) -> anyhow::Result<ExitCode> {
    let CreateWebhookArgs {
        url,
        method,
        headers,
        body,
        description,
        consumer,
        provider,
        contract_published,
        contract_content_changed,
        contract_requiring_verification_published,
        provider_verification_published,
        provider_verification_succeeded,
        provider_verification_failed,
        broker,
    } = args;
    let events = chosen_events(&[
        (contract_published, "contract_published"),
        (contract_content_changed, "contract_content_changed"),
        (
            contract_requiring_verification_published,
            "contract_requiring_verification_published",
        ),
        (provider_verification_published, "provider_verification_published"),
        (provider_verification_succeeded, "provider_verification_succeeded"),
        (provider_verification_failed, "provider_verification_failed"),
    ])?;
    let hook = client::NewWebhook {
        url,
        method,
        headers,
        body,
        description,
        consumer,
        provider,
        events,
    };
    let uuid = client::create_webhook(&broker.target(), &hook).await?;
    println!("Webhook created with UUID {uuid}");
    Ok(ExitCode::SUCCESS)
}

/// Prints a version with its branches and tags.
async fn describe_version(args: DescribeVersionArgs) -> anyhow::Result<ExitCode> {
    let DescribeVersionArgs {
        pacticipant,
        version,
        latest,
        broker,
    } = args;
    let found = client::describe_version(
        &broker.target(),
        &pacticipant,
        version.as_deref(),
        latest.as_deref(),
    )
    .await?;
    print_version(&pacticipant, &found);
    Ok(ExitCode::SUCCESS)
}

/// can-i-deploy's rows and reason, and its exit code: 0 when the version may deploy.
fn print_decision(decision: &accord_broker::client::Decision) -> ExitCode {
    for row in &decision.rows {
        println!("{row}");
    }
    println!("{}", decision.reason);
    if decision.deployable {
        println!("Computer says yes \\o/");
        ExitCode::SUCCESS
    } else {
        println!("Computer says no ¯\\_(ツ)_/¯");
        ExitCode::from(1)
    }
}

/// The events whose flag is on; at least one is required.
fn chosen_events(flags: &[(bool, &str)]) -> anyhow::Result<Vec<String>> {
    let events: Vec<String> = flags
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, e)| (*e).to_owned())
        .collect();
    if events.is_empty() {
        anyhow::bail!("choose at least one event, e.g. --contract-content-changed");
    }
    Ok(events)
}

/// A version with its branches and tags.
fn print_version(pacticipant: &str, version: &accord_broker_client::wire::Version) {
    let names = |items: &[accord_broker_client::wire::NamedItem]| {
        items
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("{pacticipant} version {}", version.number);
    println!("  branches: {}", names(&version.embedded.branch_versions));
    println!("  tags: {}", names(&version.embedded.tags));
}
