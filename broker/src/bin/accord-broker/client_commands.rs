//! The client commands: publish, can-i-deploy, record-deployment and the rest, against a
//! running broker through `accord_broker::client`.

use std::process::ExitCode;

use crate::cli::ClientCommand;

/// Runs a client command against a running broker.
pub(crate) async fn run(command: ClientCommand) -> anyhow::Result<ExitCode> {
    use accord_broker::client;
    match command {
        ClientCommand::Publish {
            pact_files,
            consumer_app_version,
            branch,
            tags,
            build_url,
            broker,
        } => {
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
        }
        ClientCommand::PublishProviderContract {
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
        } => {
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
        }
        ClientCommand::CanIDeploy {
            pacticipant,
            version,
            to_environment,
            to,
            ignore,
            broker,
        } => {
            let decision = client::can_i_deploy(
                &broker.target(),
                &pacticipant,
                &version,
                to_environment.as_deref(),
                to.as_deref(),
                &ignore,
            )
            .await?;
            for row in &decision.rows {
                println!("{row}");
            }
            println!("{}", decision.reason);
            if decision.deployable {
                println!("Computer says yes \\o/");
                return Ok(ExitCode::SUCCESS);
            }
            println!("Computer says no ¯\\_(ツ)_/¯");
            return Ok(ExitCode::from(1));
        }
        ClientCommand::RecordDeployment {
            pacticipant,
            version,
            environment,
            application_instance,
            broker,
        } => {
            client::record_deployment(
                &broker.target(),
                &pacticipant,
                &version,
                &environment,
                application_instance.as_deref(),
            )
            .await?;
            println!("Recorded deployment of {pacticipant} version {version} to {environment}");
        }
        ClientCommand::RecordRelease {
            pacticipant,
            version,
            environment,
            broker,
        } => {
            client::record_release(&broker.target(), &pacticipant, &version, &environment).await?;
            println!("Recorded release of {pacticipant} version {version} to {environment}");
        }
        ClientCommand::CreateEnvironment {
            name,
            display_name,
            production,
            broker,
        } => {
            let uuid =
                client::create_environment(&broker.target(), &name, display_name.as_deref(), production)
                    .await?;
            println!("Created environment {name} with UUID {uuid}");
        }
        ClientCommand::CreateWebhook {
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
        } => {
            let flags = [
                (contract_published, "contract_published"),
                (contract_content_changed, "contract_content_changed"),
                (
                    contract_requiring_verification_published,
                    "contract_requiring_verification_published",
                ),
                (provider_verification_published, "provider_verification_published"),
                (provider_verification_succeeded, "provider_verification_succeeded"),
                (provider_verification_failed, "provider_verification_failed"),
            ];
            let events: Vec<String> = flags
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, e)| (*e).to_owned())
                .collect();
            if events.is_empty() {
                anyhow::bail!("choose at least one event, e.g. --contract-content-changed");
            }
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
        }
        ClientCommand::DescribeVersion {
            pacticipant,
            version,
            latest,
            broker,
        } => {
            let v = client::describe_version(
                &broker.target(),
                &pacticipant,
                version.as_deref(),
                latest.as_deref(),
            )
            .await?;
            let tags: Vec<&str> = v["_embedded"]["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["name"].as_str())
                .collect();
            let branches: Vec<&str> = v["_embedded"]["branchVersions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["name"].as_str())
                .collect();
            println!("{pacticipant} version {}", v["number"].as_str().unwrap_or("?"));
            println!("  branches: {}", branches.join(", "));
            println!("  tags: {}", tags.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
