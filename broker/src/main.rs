//! `accord-broker`: the contract broker service.

use std::net::SocketAddr;
use std::process::ExitCode;

use accord_broker::{AuthConfig, BrokerConfig, Credential};
use anyhow::Context as _;
use clap::{Parser, Subcommand};

/// The accord contract broker, compatible with the Pact Broker API.
#[derive(Debug, Parser)]
#[command(name = "accord-broker", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the broker.
    Serve(ServeArgs),
    /// Delete old versions (with their pacts and results) that no keep selector protects.
    Clean(CleanArgs),
    /// Publish pact files (or directories of them) for a consumer version.
    Publish {
        /// Pact files or directories.
        #[arg(required = true)]
        pact_files: Vec<std::path::PathBuf>,
        /// The consumer version.
        #[arg(long, short = 'a')]
        consumer_app_version: String,
        /// The consumer version's branch.
        #[arg(long)]
        branch: Option<String>,
        /// Tags for the consumer version (repeatable).
        #[arg(long = "tag", short = 't')]
        tags: Vec<String>,
        /// The CI build URL.
        #[arg(long)]
        build_url: Option<String>,
        #[command(flatten)]
        broker: BrokerArgs,
    },
    /// Ask whether a version may be deployed: exit 0 yes, 1 no.
    CanIDeploy {
        /// The application.
        #[arg(long, short = 'a')]
        pacticipant: String,
        /// Its version.
        #[arg(long, short = 'e')]
        version: String,
        /// The target environment.
        #[arg(long, conflicts_with = "to")]
        to_environment: Option<String>,
        /// The target tag (deploying alongside the latest versions with this tag).
        #[arg(long)]
        to: Option<String>,
        /// Applications to ignore (repeatable).
        #[arg(long)]
        ignore: Vec<String>,
        #[command(flatten)]
        broker: BrokerArgs,
    },
    /// Record that a version was deployed to an environment.
    RecordDeployment {
        /// The application.
        #[arg(long, short = 'a')]
        pacticipant: String,
        /// Its version.
        #[arg(long, short = 'e')]
        version: String,
        /// The environment.
        #[arg(long)]
        environment: String,
        /// The application instance, when several run in the environment.
        #[arg(long)]
        application_instance: Option<String>,
        #[command(flatten)]
        broker: BrokerArgs,
    },
    /// Record that a version was released to an environment.
    RecordRelease {
        /// The application.
        #[arg(long, short = 'a')]
        pacticipant: String,
        /// Its version.
        #[arg(long, short = 'e')]
        version: String,
        /// The environment.
        #[arg(long)]
        environment: String,
        #[command(flatten)]
        broker: BrokerArgs,
    },
    /// Create an environment.
    CreateEnvironment {
        /// Its name (one word).
        #[arg(long)]
        name: String,
        /// Its display name.
        #[arg(long)]
        display_name: Option<String>,
        /// Whether it is a production environment.
        #[arg(long)]
        production: bool,
        #[command(flatten)]
        broker: BrokerArgs,
    },
    /// Create a webhook that calls URL on the chosen events.
    CreateWebhook {
        /// The URL to call (it may use ${pactbroker.*} variables).
        url: String,
        /// HTTP method.
        #[arg(long = "request", short = 'X', default_value = "POST")]
        method: String,
        /// Header as 'Name: value' (repeatable).
        #[arg(long = "header", short = 'H')]
        headers: Vec<String>,
        /// Request body.
        #[arg(long = "data", short = 'd')]
        body: Option<String>,
        /// Description.
        #[arg(long)]
        description: Option<String>,
        /// Only for this consumer.
        #[arg(long)]
        consumer: Option<String>,
        /// Only for this provider.
        #[arg(long)]
        provider: Option<String>,
        /// Fire when a contract is published.
        #[arg(long)]
        contract_published: bool,
        /// Fire when a contract's content changes.
        #[arg(long)]
        contract_content_changed: bool,
        /// Fire when a contract needs verifying by a provider version.
        #[arg(long)]
        contract_requiring_verification_published: bool,
        /// Fire when a verification result is published.
        #[arg(long)]
        provider_verification_published: bool,
        /// Fire when a verification succeeds.
        #[arg(long)]
        provider_verification_succeeded: bool,
        /// Fire when a verification fails.
        #[arg(long)]
        provider_verification_failed: bool,
        #[command(flatten)]
        broker: BrokerArgs,
    },
    /// Describe a version (the latest when none is given).
    DescribeVersion {
        /// The application.
        #[arg(long, short = 'a')]
        pacticipant: String,
        /// The version.
        #[arg(long, short = 'e')]
        version: Option<String>,
        /// Describe the latest version with this tag.
        #[arg(long)]
        latest: Option<String>,
        #[command(flatten)]
        broker: BrokerArgs,
    },
}

#[derive(Debug, clap::Args)]
struct BrokerArgs {
    /// The broker's base URL.
    #[arg(long, short = 'b', env = "PACT_BROKER_BASE_URL")]
    broker_base_url: String,
    /// Basic-auth user.
    #[arg(long, short = 'u', env = "PACT_BROKER_USERNAME")]
    broker_username: Option<String>,
    /// Basic-auth password.
    #[arg(long, short = 'p', env = "PACT_BROKER_PASSWORD")]
    broker_password: Option<String>,
    /// Bearer token.
    #[arg(long, short = 'k', env = "PACT_BROKER_TOKEN")]
    broker_token: Option<String>,
}

impl BrokerArgs {
    fn target(&self) -> accord_broker::client::BrokerTarget {
        accord_broker::client::BrokerTarget {
            url: self.broker_base_url.clone(),
            username: self.broker_username.clone(),
            password: self.broker_password.clone(),
            token: self.broker_token.clone(),
        }
    }
}

async fn client_command(command: Command) -> anyhow::Result<ExitCode> {
    use accord_broker::client;
    match command {
        Command::Serve(_) | Command::Clean(_) => unreachable!("serve and clean are handled by main"),
        Command::Publish {
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
        Command::CanIDeploy {
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
        Command::RecordDeployment {
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
        Command::RecordRelease {
            pacticipant,
            version,
            environment,
            broker,
        } => {
            client::record_release(&broker.target(), &pacticipant, &version, &environment).await?;
            println!("Recorded release of {pacticipant} version {version} to {environment}");
        }
        Command::CreateEnvironment {
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
        Command::CreateWebhook {
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
        Command::DescribeVersion {
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

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Database: an SQLite file (created on first start) or a postgres:// URL.
    #[arg(
        long,
        env = "ACCORD_BROKER_DATABASE_URL",
        default_value = "sqlite://accord-broker.db"
    )]
    database_url: String,
    /// Address to listen on.
    #[arg(long, env = "ACCORD_BROKER_BIND", default_value = "127.0.0.1:9292")]
    bind: SocketAddr,
    /// Public base URL used in links, with any path prefix (`https://ci.example/broker`). Several
    /// may be given separated by spaces or commas; the one whose host the request names is used.
    /// Default: from the request's Host and X-Forwarded-Proto/Host/Port/Prefix headers.
    #[arg(long, env = "ACCORD_BROKER_BASE_URL")]
    base_url: Option<String>,
    /// Read-write user as USER:PASSWORD (HTTP basic).
    #[arg(long, env = "ACCORD_BROKER_BASIC_AUTH")]
    basic_auth: Option<String>,
    /// Read-only user as USER:PASSWORD (HTTP basic).
    #[arg(long, env = "ACCORD_BROKER_READ_ONLY_BASIC_AUTH")]
    read_only_basic_auth: Option<String>,
    /// Read-write bearer token.
    #[arg(long, env = "ACCORD_BROKER_TOKEN")]
    token: Option<String>,
    /// Read-only bearer token.
    #[arg(long, env = "ACCORD_BROKER_READ_ONLY_TOKEN")]
    read_only_token: Option<String>,
    /// Let anyone read without credentials.
    #[arg(long, env = "ACCORD_BROKER_PUBLIC_READ")]
    public_read: bool,
    /// Let anyone fetch status badges without credentials (for READMEs and dashboards).
    #[arg(long, env = "ACCORD_BROKER_PUBLIC_BADGES")]
    public_badges: bool,
    /// Serve without credentials on a non-loopback address.
    #[arg(long, env = "ACCORD_BROKER_INSECURE_NO_AUTH")]
    insecure_no_auth: bool,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "ACCORD_BROKER_BODY_LIMIT", default_value_t = 10 * 1024 * 1024)]
    body_limit: usize,
    /// Accept different content for an already published consumer version (otherwise 409).
    #[arg(long, env = "ACCORD_BROKER_ALLOW_OVERWRITE")]
    allow_overwrite: bool,
    /// Accept a first publication under a name very similar to an existing application's
    /// (otherwise 409: "accounts-service" next to "accounts" is usually a mistake).
    #[arg(long, env = "ACCORD_BROKER_ALLOW_SIMILAR_NAMES")]
    allow_similar_names: bool,
    /// Do not turn the first tag of a just-created version without a branch into its branch.
    #[arg(long, env = "ACCORD_BROKER_NO_TAG_AS_BRANCH")]
    no_tag_as_branch: bool,
    /// Hosts webhooks may call (comma separated; default: loopback only).
    #[arg(
        long,
        env = "ACCORD_BROKER_WEBHOOK_HOSTS",
        value_delimiter = ',',
        default_value = "127.0.0.1,localhost,::1"
    )]
    webhook_hosts: Vec<String>,
}

#[derive(Debug, clap::Args)]
struct CleanArgs {
    /// `sqlite://FILE` or `postgres://...`: the broker's database.
    #[arg(
        long,
        env = "ACCORD_BROKER_DATABASE_URL",
        default_value = "sqlite://accord-broker.db"
    )]
    database_url: String,
    /// A version to keep, as JSON (repeatable), e.g. '{"branch": true, "latest": true}',
    /// '{"deployedOrReleased": true}', '{"maxAge": 30}', '{"pacticipant": "web", "tag": "prod"}'.
    /// Default: the latest of every branch and tag, everything deployed or released, and the
    /// last 90 days. The latest version of each application is always kept.
    #[arg(long = "keep", env = "ACCORD_BROKER_CLEAN_KEEP", value_delimiter = ';')]
    keep: Vec<String>,
    /// Only print what would be deleted.
    #[arg(long)]
    dry_run: bool,
}

async fn clean(args: CleanArgs) -> anyhow::Result<()> {
    use accord_broker::cleanup::{self, KeepSelector};
    let keep = if args.keep.is_empty() {
        KeepSelector::defaults()
    } else {
        let mut all = Vec::new();
        for text in &args.keep {
            all.extend(KeepSelector::parse(text)?);
        }
        all
    };
    let db = accord_broker::Db::connect(&args.database_url)
        .await
        .with_context(|| format!("cannot open the database '{}'", args.database_url))?;
    let report = cleanup::clean(&db, &keep, args.dry_run).await?;
    let verb = if args.dry_run { "would delete" } else { "deleted" };
    for (name, numbers) in &report.versions {
        println!(
            "{verb} {} version(s) of {name}: {}",
            numbers.len(),
            numbers.join(", ")
        );
    }
    println!(
        "{verb} {} version(s) in all{}",
        report.version_count(),
        if args.dry_run {
            String::new()
        } else {
            format!(
                ", {} pact content(s) no longer published, {} empty branch(es)",
                report.orphaned_contents, report.empty_branches
            )
        }
    );
    Ok(())
}

fn basic(text: &str, flag: &str) -> anyhow::Result<Credential> {
    let (username, password) = text
        .split_once(':')
        .with_context(|| format!("{flag} must be USER:PASSWORD"))?;
    Ok(Credential::Basic {
        username: username.to_owned(),
        password: password.to_owned(),
    })
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mut auth = AuthConfig {
        public_read: args.public_read,
        public_badges: args.public_badges,
        ..AuthConfig::default()
    };
    if let Some(text) = &args.basic_auth {
        auth.read_write.push(basic(text, "--basic-auth")?);
    }
    if let Some(text) = &args.read_only_basic_auth {
        auth.read_only.push(basic(text, "--read-only-basic-auth")?);
    }
    if let Some(token) = &args.token {
        auth.read_write.push(Credential::Token(token.clone()));
    }
    if let Some(token) = &args.read_only_token {
        auth.read_only.push(Credential::Token(token.clone()));
    }
    if !auth.enabled() && !args.bind.ip().is_loopback() && !args.insecure_no_auth {
        anyhow::bail!(
            "refusing to serve without credentials on {}: set --basic-auth or --token, or pass --insecure-no-auth",
            args.bind
        );
    }
    let mut config = BrokerConfig::new(args.database_url.clone());
    config.bind = args.bind;
    config.base_url = args.base_url.clone();
    config.auth = auth;
    config.body_limit = args.body_limit;
    config.allow_overwrite = args.allow_overwrite;
    config.allow_similar_names = args.allow_similar_names;
    config.first_tag_as_branch = !args.no_tag_as_branch;
    config.webhook_hosts = args.webhook_hosts.clone();
    let app = accord_broker::build(config)
        .await
        .with_context(|| format!("cannot open the database '{}'", args.database_url))?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    println!("http://{addr}");
    eprintln!(
        "accord-broker listening on http://{addr} (database {})",
        args.database_url
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("server failed")?;
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve(args).await.map(|()| ExitCode::SUCCESS),
        Command::Clean(args) => clean(args).await.map(|()| ExitCode::SUCCESS),
        other => client_command(other).await,
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("accord-broker: {error:#}");
            ExitCode::from(2)
        }
    }
}
