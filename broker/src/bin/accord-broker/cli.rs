//! The command line: every subcommand and its flags, each flag also from an environment
//! variable (`ACCORD_BROKER_*` for the server, `PACT_BROKER_*` for the client commands).

use std::net::SocketAddr;

use clap::{Parser, Subcommand};

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
    /// Publish a provider contract: an OpenAPI document and the result of the provider's own
    /// tests against it (PactFlow's bi-directional contract testing).
    PublishProviderContract {
        /// The OpenAPI document (JSON or YAML).
        contract_file: std::path::PathBuf,
        /// The provider.
        #[arg(long)]
        provider: String,
        /// The provider version.
        #[arg(long, short = 'a')]
        provider_app_version: String,
        /// The version's branch.
        #[arg(long)]
        branch: Option<String>,
        /// Tags for the version (repeatable).
        #[arg(long = "tag", short = 't')]
        tags: Vec<String>,
        /// The document's content type (default: from the file's extension).
        #[arg(long)]
        content_type: Option<String>,
        /// The exit code of the provider's own tests of the document (0: they passed).
        #[arg(long, conflicts_with_all = ["verification_success", "no_verification_success"])]
        verification_exit_code: Option<i32>,
        /// The provider's own tests of the document passed.
        #[arg(long)]
        verification_success: bool,
        /// The provider's own tests of the document failed.
        #[arg(long, conflicts_with = "verification_success")]
        no_verification_success: bool,
        /// The tests' output.
        #[arg(long)]
        verification_results: Option<std::path::PathBuf>,
        /// The output's content type.
        #[arg(long)]
        verification_results_content_type: Option<String>,
        /// The output's format (text, junit, ...).
        #[arg(long)]
        verification_results_format: Option<String>,
        /// The tool that ran the tests.
        #[arg(long)]
        verifier: Option<String>,
        /// The tool's version.
        #[arg(long)]
        verifier_version: Option<String>,
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
