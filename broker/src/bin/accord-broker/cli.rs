//! The command line: every subcommand and its flags, each flag also from an environment
//! variable (`ACCORD_BROKER_*` for the server, `PACT_BROKER_*` for the client commands).

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

/// The accord contract broker, compatible with the Pact Broker API.
#[derive(Debug, Parser)]
#[command(name = "accord-broker", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the broker.
    Serve(ServeArgs),
    /// Delete old versions (with their pacts and results) that no keep selector protects.
    Clean(CleanArgs),
    /// A client of a running broker.
    #[command(flatten)]
    Client(ClientCommand),
}

/// The commands that talk to a running broker over HTTP.
#[derive(Debug, Subcommand)]
pub(crate) enum ClientCommand {
    /// Publish pact files (or directories of them) for a consumer version.
    Publish(PublishArgs),
    /// Publish a provider contract: an OpenAPI document and the result of the provider's own
    /// tests against it (PactFlow's bi-directional contract testing).
    PublishProviderContract(PublishProviderContractArgs),
    /// Ask whether a version may be deployed: exit 0 yes, 1 no.
    CanIDeploy(CanIDeployArgs),
    /// Record that a version was deployed to an environment.
    RecordDeployment(RecordDeploymentArgs),
    /// Record that a version was released to an environment.
    RecordRelease(RecordReleaseArgs),
    /// Create an environment.
    CreateEnvironment(CreateEnvironmentArgs),
    /// Create a webhook that calls URL on the chosen events.
    CreateWebhook(CreateWebhookArgs),
    /// Describe a version (the latest when none is given).
    DescribeVersion(DescribeVersionArgs),
}

/// The flags of `Publish`: publish pact files (or directories of them) for a consumer version.
#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// Pact files or directories.
    #[arg(required = true)]
    pub(crate) pact_files: Vec<std::path::PathBuf>,
    /// The consumer version.
    #[arg(long, short = 'a')]
    pub(crate) consumer_app_version: String,
    /// The consumer version's branch.
    #[arg(long)]
    pub(crate) branch: Option<String>,
    /// Tags for the consumer version (repeatable).
    #[arg(long = "tag", short = 't')]
    pub(crate) tags: Vec<String>,
    /// The CI build URL.
    #[arg(long)]
    pub(crate) build_url: Option<String>,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// The flags of `PublishProviderContract`: publish a provider contract: an OpenAPI document and the result of the provider's own
#[derive(Debug, Args)]
pub(crate) struct PublishProviderContractArgs {
    /// The OpenAPI document (JSON or YAML).
    pub(crate) contract_file: std::path::PathBuf,
    /// The provider.
    #[arg(long)]
    pub(crate) provider: String,
    /// The provider version.
    #[arg(long, short = 'a')]
    pub(crate) provider_app_version: String,
    /// The version's branch.
    #[arg(long)]
    pub(crate) branch: Option<String>,
    /// Tags for the version (repeatable).
    #[arg(long = "tag", short = 't')]
    pub(crate) tags: Vec<String>,
    /// The document's content type (default: from the file's extension).
    #[arg(long)]
    pub(crate) content_type: Option<String>,
    /// The exit code of the provider's own tests of the document (0: they passed).
    #[arg(long, conflicts_with_all = ["verification_success", "no_verification_success"])]
    pub(crate) verification_exit_code: Option<i32>,
    /// The provider's own tests of the document passed.
    #[arg(long)]
    pub(crate) verification_success: bool,
    /// The provider's own tests of the document failed.
    #[arg(long, conflicts_with = "verification_success")]
    pub(crate) no_verification_success: bool,
    /// The tests' output.
    #[arg(long)]
    pub(crate) verification_results: Option<std::path::PathBuf>,
    /// The output's content type.
    #[arg(long)]
    pub(crate) verification_results_content_type: Option<String>,
    /// The output's format (text, junit, ...).
    #[arg(long)]
    pub(crate) verification_results_format: Option<String>,
    /// The tool that ran the tests.
    #[arg(long)]
    pub(crate) verifier: Option<String>,
    /// The tool's version.
    #[arg(long)]
    pub(crate) verifier_version: Option<String>,
    /// The CI build URL.
    #[arg(long)]
    pub(crate) build_url: Option<String>,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// The flags of `CanIDeploy`: ask whether a version may be deployed: exit 0 yes, 1 no.
#[derive(Debug, Args)]
pub(crate) struct CanIDeployArgs {
    /// The application.
    #[arg(long, short = 'a')]
    pub(crate) pacticipant: String,
    /// Its version.
    #[arg(long, short = 'e')]
    pub(crate) version: String,
    /// The target environment.
    #[arg(long, conflicts_with = "to")]
    pub(crate) to_environment: Option<String>,
    /// The target tag (deploying alongside the latest versions with this tag).
    #[arg(long)]
    pub(crate) to: Option<String>,
    /// Applications to ignore (repeatable).
    #[arg(long)]
    pub(crate) ignore: Vec<String>,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// The flags of `RecordDeployment`: record that a version was deployed to an environment.
#[derive(Debug, Args)]
pub(crate) struct RecordDeploymentArgs {
    /// The application.
    #[arg(long, short = 'a')]
    pub(crate) pacticipant: String,
    /// Its version.
    #[arg(long, short = 'e')]
    pub(crate) version: String,
    /// The environment.
    #[arg(long)]
    pub(crate) environment: String,
    /// The application instance, when several run in the environment.
    #[arg(long)]
    pub(crate) application_instance: Option<String>,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// The flags of `RecordRelease`: record that a version was released to an environment.
#[derive(Debug, Args)]
pub(crate) struct RecordReleaseArgs {
    /// The application.
    #[arg(long, short = 'a')]
    pub(crate) pacticipant: String,
    /// Its version.
    #[arg(long, short = 'e')]
    pub(crate) version: String,
    /// The environment.
    #[arg(long)]
    pub(crate) environment: String,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// The flags of `CreateEnvironment`: create an environment.
#[derive(Debug, Args)]
pub(crate) struct CreateEnvironmentArgs {
    /// Its name (one word).
    #[arg(long)]
    pub(crate) name: String,
    /// Its display name.
    #[arg(long)]
    pub(crate) display_name: Option<String>,
    /// Whether it is a production environment.
    #[arg(long)]
    pub(crate) production: bool,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// The flags of `CreateWebhook`: create a webhook that calls URL on the chosen events.
#[derive(Debug, Args)]
pub(crate) struct CreateWebhookArgs {
    /// The URL to call (it may use ${pactbroker.*} variables).
    pub(crate) url: String,
    /// HTTP method.
    #[arg(long = "request", short = 'X', default_value = "POST")]
    pub(crate) method: String,
    /// Header as 'Name: value' (repeatable).
    #[arg(long = "header", short = 'H')]
    pub(crate) headers: Vec<String>,
    /// Request body.
    #[arg(long = "data", short = 'd')]
    pub(crate) body: Option<String>,
    /// Description.
    #[arg(long)]
    pub(crate) description: Option<String>,
    /// Only for this consumer.
    #[arg(long)]
    pub(crate) consumer: Option<String>,
    /// Only for this provider.
    #[arg(long)]
    pub(crate) provider: Option<String>,
    /// Fire when a contract is published.
    #[arg(long)]
    pub(crate) contract_published: bool,
    /// Fire when a contract's content changes.
    #[arg(long)]
    pub(crate) contract_content_changed: bool,
    /// Fire when a contract needs verifying by a provider version.
    #[arg(long)]
    pub(crate) contract_requiring_verification_published: bool,
    /// Fire when a verification result is published.
    #[arg(long)]
    pub(crate) provider_verification_published: bool,
    /// Fire when a verification succeeds.
    #[arg(long)]
    pub(crate) provider_verification_succeeded: bool,
    /// Fire when a verification fails.
    #[arg(long)]
    pub(crate) provider_verification_failed: bool,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// The flags of `DescribeVersion`: describe a version (the latest when none is given).
#[derive(Debug, Args)]
pub(crate) struct DescribeVersionArgs {
    /// The application.
    #[arg(long, short = 'a')]
    pub(crate) pacticipant: String,
    /// The version.
    #[arg(long, short = 'e')]
    pub(crate) version: Option<String>,
    /// Describe the latest version with this tag.
    #[arg(long)]
    pub(crate) latest: Option<String>,
    #[command(flatten)]
    pub(crate) broker: BrokerArgs,
}

/// Where the broker is and how to authenticate.
#[derive(Debug, clap::Args)]
pub(crate) struct BrokerArgs {
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
    pub(crate) fn target(&self) -> accord_broker::client::BrokerTarget {
        accord_broker::client::BrokerTarget {
            url: self.broker_base_url.clone(),
            username: self.broker_username.clone(),
            password: self.broker_password.clone(),
            token: self.broker_token.clone(),
        }
    }
}

/// The flags of `serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// Database: an SQLite file (created on first start) or a postgres:// URL.
    #[arg(
        long,
        env = "ACCORD_BROKER_DATABASE_URL",
        default_value = "sqlite://accord-broker.db"
    )]
    pub(crate) database_url: String,
    /// Address to listen on.
    #[arg(long, env = "ACCORD_BROKER_BIND", default_value = "127.0.0.1:9292")]
    pub(crate) bind: SocketAddr,
    /// Public base URL used in links, with any path prefix (`https://ci.example/broker`). Several
    /// may be given separated by spaces or commas; the one whose host the request names is used.
    /// Default: from the request's Host header (and X-Forwarded-* with
    /// --trust-forwarded-headers). Webhook requests link to this URL, else to --bind.
    #[arg(long, env = "ACCORD_BROKER_BASE_URL")]
    pub(crate) base_url: Option<String>,
    /// Build links from the X-Forwarded-Proto/Host/Port/Prefix headers: only behind a proxy
    /// that sets them, since anyone can send them otherwise.
    #[arg(long, env = "ACCORD_BROKER_TRUST_FORWARDED_HEADERS")]
    pub(crate) trust_forwarded_headers: bool,
    /// Read-write user as USER:PASSWORD (HTTP basic).
    #[arg(long, env = "ACCORD_BROKER_BASIC_AUTH")]
    pub(crate) basic_auth: Option<String>,
    /// Read-only user as USER:PASSWORD (HTTP basic).
    #[arg(long, env = "ACCORD_BROKER_READ_ONLY_BASIC_AUTH")]
    pub(crate) read_only_basic_auth: Option<String>,
    /// Read-write bearer token.
    #[arg(long, env = "ACCORD_BROKER_TOKEN")]
    pub(crate) token: Option<String>,
    /// Read-only bearer token.
    #[arg(long, env = "ACCORD_BROKER_READ_ONLY_TOKEN")]
    pub(crate) read_only_token: Option<String>,
    /// Let anyone read without credentials.
    #[arg(long, env = "ACCORD_BROKER_PUBLIC_READ")]
    pub(crate) public_read: bool,
    /// Let anyone fetch status badges without credentials (for READMEs and dashboards).
    #[arg(long, env = "ACCORD_BROKER_PUBLIC_BADGES")]
    pub(crate) public_badges: bool,
    /// Serve without credentials on a non-loopback address.
    #[arg(long, env = "ACCORD_BROKER_INSECURE_NO_AUTH")]
    pub(crate) insecure_no_auth: bool,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "ACCORD_BROKER_BODY_LIMIT", default_value_t = 10 * 1024 * 1024)]
    pub(crate) body_limit: usize,
    /// Accept different content for an already published consumer version (otherwise 409).
    #[arg(long, env = "ACCORD_BROKER_ALLOW_OVERWRITE")]
    pub(crate) allow_overwrite: bool,
    /// Accept a first publication under a name very similar to an existing application's
    /// (otherwise 409: "accounts-service" next to "accounts" is usually a mistake).
    #[arg(long, env = "ACCORD_BROKER_ALLOW_SIMILAR_NAMES")]
    pub(crate) allow_similar_names: bool,
    /// Do not turn the first tag of a just-created version without a branch into its branch.
    #[arg(long, env = "ACCORD_BROKER_NO_TAG_AS_BRANCH")]
    pub(crate) no_tag_as_branch: bool,
    /// Hosts webhooks may call, comma separated (`*.example.com` for subdomains). Without a
    /// list any public host may be called; loopback, private and link-local addresses are
    /// called only for hosts listed here.
    #[arg(long, env = "ACCORD_BROKER_WEBHOOK_HOSTS", value_delimiter = ',')]
    pub(crate) webhook_hosts: Vec<String>,
    /// URL schemes webhooks may use, comma separated.
    #[arg(
        long,
        env = "ACCORD_BROKER_WEBHOOK_SCHEMES",
        value_delimiter = ',',
        default_value = "https"
    )]
    pub(crate) webhook_schemes: Vec<String>,
    /// HTTP methods webhooks may use, comma separated.
    #[arg(
        long,
        env = "ACCORD_BROKER_WEBHOOK_METHODS",
        value_delimiter = ',',
        default_value = "POST"
    )]
    pub(crate) webhook_methods: Vec<String>,
    /// Calls one webhook may make per minute; further deliveries wait (0: no limit).
    #[arg(
        long,
        env = "ACCORD_BROKER_WEBHOOK_RATE_LIMIT",
        default_value_t = accord_broker::DEFAULT_WEBHOOK_CALLS_PER_MINUTE
    )]
    pub(crate) webhook_rate_limit: u32,
}

/// The flags of `clean`.
#[derive(Debug, clap::Args)]
pub(crate) struct CleanArgs {
    /// `sqlite://FILE` or `postgres://...`: the broker's database.
    #[arg(
        long,
        env = "ACCORD_BROKER_DATABASE_URL",
        default_value = "sqlite://accord-broker.db"
    )]
    pub(crate) database_url: String,
    /// A version to keep, as JSON (repeatable), e.g. '{"branch": true, "latest": true}',
    /// '{"deployedOrReleased": true}', '{"maxAge": 30}', '{"pacticipant": "web", "tag": "prod"}'.
    /// Default: the latest of every branch and tag, everything deployed or released, and the
    /// last 90 days. The latest version of each application is always kept.
    #[arg(long = "keep", env = "ACCORD_BROKER_CLEAN_KEEP", value_delimiter = ';')]
    pub(crate) keep: Vec<String>,
    /// Only print what would be deleted.
    #[arg(long)]
    pub(crate) dry_run: bool,
}
