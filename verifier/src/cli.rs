//! The `accord-verifier` command line: flags familiar to users of the Pact verifier.

use std::io::{IsTerminal as _, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Parser, ValueEnum};
use serde_json::{Value, json};

use crate::{
    Auth, BrokerSource, Filters, PublishConfig, RunStatus, VerificationReport, Verifier, VerifierConfig,
    render_text,
};

/// Output format on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The human report.
    Text,
    /// The JSON report.
    Json,
}

/// Verify a provider against its consumers' pacts.
///
/// Exit codes: 0 all verified (pending failures allowed); 1 a verification failed or a pact could
/// not be loaded; 2 usage, configuration, source or provider-connection error.
#[derive(Debug, Parser)]
#[command(name = "accord-verifier", version, about, long_about = None, disable_help_flag = false)]
pub struct Cli {
    /// A pact file to verify (repeatable).
    #[arg(short = 'f', long = "file", value_name = "PATH", action = ArgAction::Append, help_heading = "Pact sources")]
    pub files: Vec<PathBuf>,
    /// Compare the pacts with this OpenAPI document (JSON or YAML) instead of calling a
    /// provider: for providers that describe their API with OpenAPI and cannot run in CI.
    /// Takes pacts from --file and --dir.
    #[arg(long, value_name = "FILE", help_heading = "Pact sources")]
    pub openapi: Option<PathBuf>,
    /// Check the GraphQL interactions of the pacts against this GraphQL schema (SDL) instead of
    /// calling a provider: each operation's fields, arguments and variables, and the answer the
    /// consumer relies on. Takes pacts from --file and --dir.
    #[arg(long, value_name = "FILE", help_heading = "Pact sources")]
    pub graphql_schema: Option<PathBuf>,
    /// A directory of pact files, searched recursively (repeatable).
    #[arg(short = 'd', long = "dir", value_name = "DIR", action = ArgAction::Append, help_heading = "Pact sources")]
    pub dirs: Vec<PathBuf>,
    /// A pact URL (repeatable).
    #[arg(short = 'u', long = "url", value_name = "URL", action = ArgAction::Append, help_heading = "Pact sources")]
    pub urls: Vec<String>,
    /// The broker to fetch pacts from (needs --provider-name).
    #[arg(
        short = 'b',
        long,
        env = "PACT_BROKER_BASE_URL",
        value_name = "URL",
        help_heading = "Pact sources"
    )]
    pub broker_url: Option<String>,
    /// User name for URLs and the broker (HTTP basic).
    #[arg(long, env = "PACT_BROKER_USERNAME", help_heading = "Pact sources")]
    pub user: Option<String>,
    /// Password for URLs and the broker.
    #[arg(long, env = "PACT_BROKER_PASSWORD", help_heading = "Pact sources")]
    pub password: Option<String>,
    /// Bearer token for URLs and the broker.
    #[arg(
        short = 't',
        long,
        env = "PACT_BROKER_TOKEN",
        conflicts_with = "user",
        help_heading = "Pact sources"
    )]
    pub token: Option<String>,

    /// Consumer version selector as JSON, e.g. '{"mainBranch": true}' (repeatable).
    #[arg(long = "consumer-version-selectors", value_name = "JSON", action = ArgAction::Append, help_heading = "Broker selection")]
    pub selectors: Vec<String>,
    /// Shorthand for the selector {"mainBranch": true}.
    #[arg(long, help_heading = "Broker selection")]
    pub consumer_version_main_branch: bool,
    /// Shorthand for {"branch": B} (repeatable).
    #[arg(long = "consumer-version-branch", value_name = "BRANCH", action = ArgAction::Append, help_heading = "Broker selection")]
    pub consumer_version_branches: Vec<String>,
    /// Shorthand for {"deployedOrReleased": true}.
    #[arg(long, help_heading = "Broker selection")]
    pub consumer_version_deployed_or_released: bool,
    /// Shorthand for {"tag": T, "latest": true} per tag (comma separated).
    #[arg(long, value_delimiter = ',', help_heading = "Broker selection")]
    pub consumer_version_tags: Vec<String>,
    /// Ask the broker for pending status: new pacts are reported but do not fail the build.
    #[arg(long, help_heading = "Broker selection")]
    pub enable_pending: bool,
    /// Also verify work-in-progress pacts created since this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", help_heading = "Broker selection")]
    pub include_wip_pacts_since: Option<String>,
    /// The branch of the provider version being verified (for pending and WIP).
    #[arg(long, help_heading = "Broker selection")]
    pub provider_version_branch: Option<String>,

    /// The provider's name.
    #[arg(short = 'n', long, env = "PACT_PROVIDER_NAME", help_heading = "Provider")]
    pub provider_name: Option<String>,
    /// The provider's base URL, e.g. http://127.0.0.1:8080.
    #[arg(long, value_name = "URL", help_heading = "Provider")]
    pub provider_base_url: Option<String>,
    /// Provider host, when --provider-base-url is not given.
    #[arg(
        long,
        env = "PACT_PROVIDER_HOSTNAME",
        default_value = "localhost",
        help_heading = "Provider"
    )]
    pub hostname: String,
    /// Provider port, when --provider-base-url is not given.
    #[arg(short = 'p', long, env = "PACT_PROVIDER_PORT", help_heading = "Provider")]
    pub port: Option<u16>,
    /// Path prefix of the provider, when --provider-base-url is not given.
    #[arg(
        long,
        env = "PACT_PROVIDER_BASE_PATH",
        default_value = "",
        help_heading = "Provider"
    )]
    pub base_path: String,
    /// Scheme of the provider, when --provider-base-url is not given; `grpc` (or `--transport
    /// grpc`) means the provider at --hostname and --port is a gRPC server.
    #[arg(long, alias = "transport", default_value = "http", help_heading = "Provider")]
    pub scheme: String,
    /// Another transport of the provider on its own port, `NAME:PORT` (repeatable):
    /// `--transports grpc:50051` sends gRPC interactions there.
    #[arg(long = "transports", value_name = "NAME:PORT", action = ArgAction::Append, help_heading = "Provider")]
    pub transports: Vec<String>,
    /// A PEM certificate to trust for gRPC over TLS (`--transport grpcs`, or an https gRPC
    /// provider), besides the web's roots (repeatable).
    #[arg(long = "grpc-ca-cert", value_name = "FILE", action = ArgAction::Append, help_heading = "Provider")]
    pub grpc_ca_certs: Vec<std::path::PathBuf>,
    /// URL receiving message requests (defaults to the provider base URL).
    #[arg(long, value_name = "URL", help_heading = "Provider")]
    pub message_url: Option<String>,
    /// Header added to every request, 'Name: value' or 'Name=value' (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER", action = ArgAction::Append, help_heading = "Provider")]
    pub headers: Vec<String>,
    /// Timeout of each provider and state change request, in milliseconds.
    #[arg(
        long,
        env = "PACT_PROVIDER_REQUEST_TIMEOUT",
        default_value_t = 5000,
        help_heading = "Provider"
    )]
    pub request_timeout: u64,
    /// Poll the provider until it answers, for up to this many seconds.
    #[arg(long, value_name = "SECONDS", help_heading = "Provider")]
    pub wait_for_provider: Option<u64>,
    /// Interactions to run at once; interactions sharing a provider state never overlap.
    #[arg(long, default_value_t = 1, help_heading = "Provider")]
    pub parallel: usize,

    /// URL receiving provider state change calls.
    #[arg(
        short = 's',
        long,
        env = "PACT_PROVIDER_STATE_CHANGE_URL",
        help_heading = "Provider states"
    )]
    pub state_change_url: Option<String>,
    /// Also call the state change URL after each interaction with action 'teardown'.
    #[arg(
        long,
        env = "PACT_PROVIDER_STATE_CHANGE_TEARDOWN",
        help_heading = "Provider states"
    )]
    pub state_change_teardown: bool,
    /// Send the state as query parameters instead of a JSON body.
    #[arg(
        long,
        env = "PACT_PROVIDER_STATE_CHANGE_AS_QUERY",
        help_heading = "Provider states"
    )]
    pub state_change_as_query: bool,

    /// Only the pacts of this consumer (repeatable).
    #[arg(short = 'c', long = "filter-consumer", action = ArgAction::Append, help_heading = "Filters")]
    pub filter_consumer: Vec<String>,
    /// Only interactions whose description matches this regex.
    #[arg(long, env = "PACT_DESCRIPTION", help_heading = "Filters")]
    pub filter_description: Option<String>,
    /// Only interactions with a provider state matching this regex.
    #[arg(
        long,
        env = "PACT_PROVIDER_STATE",
        conflicts_with = "filter_no_state",
        help_heading = "Filters"
    )]
    pub filter_state: Option<String>,
    /// Only interactions without provider states.
    #[arg(long, env = "PACT_PROVIDER_NO_STATE", help_heading = "Filters")]
    pub filter_no_state: bool,

    /// Publish results to the broker (needs --provider-version).
    #[arg(long, requires = "provider_version", help_heading = "Results")]
    pub publish: bool,
    /// The provider version verified.
    #[arg(long, help_heading = "Results")]
    pub provider_version: Option<String>,
    /// The provider version's branch.
    #[arg(long, help_heading = "Results")]
    pub provider_branch: Option<String>,
    /// Tags for the provider version (comma separated).
    #[arg(long, value_delimiter = ',', help_heading = "Results")]
    pub provider_tags: Vec<String>,
    /// The CI build URL.
    #[arg(long, help_heading = "Results")]
    pub build_url: Option<String>,

    /// Write the JSON report to a file.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub json: Option<PathBuf>,
    /// Write a JUnit XML report (one test case per interaction) to a file.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub junit: Option<PathBuf>,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, help_heading = "Output")]
    pub output_format: OutputFormat,
    /// Never use colours.
    #[arg(long, alias = "no-colour", help_heading = "Output")]
    pub no_color: bool,
}

fn parse_header(text: &str) -> Option<(String, String)> {
    let (name, value) = text.split_once(':').or_else(|| text.split_once('='))?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    Some((name.to_owned(), value.trim().to_owned()))
}

/// Builds the verifier the flags describe; an error message for inconsistent flags.
pub fn build_verifier(cli: &Cli) -> Result<Verifier, String> {
    let base_url = match &cli.provider_base_url {
        Some(url) => url.clone(),
        None => {
            let port = cli.port.map(|p| format!(":{p}")).unwrap_or_default();
            let path = if cli.base_path.is_empty() || cli.base_path.starts_with('/') {
                cli.base_path.clone()
            } else {
                format!("/{}", cli.base_path)
            };
            // gRPC runs over HTTP/2 without TLS unless the provider's scheme says https.
            let scheme = if cli.scheme.eq_ignore_ascii_case("grpc") {
                "http"
            } else {
                &cli.scheme
            };
            format!("{scheme}://{}{port}{path}", cli.hostname)
        }
    };
    let mut config = VerifierConfig::new(base_url);
    config.message_url = cli.message_url.clone();
    for file in &cli.grpc_ca_certs {
        let pem = std::fs::read_to_string(file)
            .map_err(|e| format!("--grpc-ca-cert '{}': cannot read it: {e}", file.display()))?;
        config.grpc_root_certificates.push(pem);
    }
    for transport in &cli.transports {
        let (name, port) = transport
            .split_once(':')
            .and_then(|(name, port)| Some((name.trim(), port.trim().parse::<u16>().ok()?)))
            .ok_or_else(|| format!("--transports '{transport}': expected NAME:PORT, e.g. grpc:50051"))?;
        match name.to_ascii_lowercase().as_str() {
            "grpc" => config.grpc_url = Some(format!("http://{}:{port}", cli.hostname)),
            "grpcs" => config.grpc_url = Some(format!("https://{}:{port}", cli.hostname)),
            "http" | "https" if cli.port.is_none() && cli.provider_base_url.is_none() => {
                config.provider_base_url = format!("{name}://{}:{port}", cli.hostname);
            }
            "http" | "https" => {}
            other => {
                return Err(format!(
                    "--transports '{transport}': accord knows the transports http and grpc, not '{other}'"
                ));
            }
        }
    }
    config.request_timeout = Duration::from_millis(cli.request_timeout);
    config.parallel = cli.parallel.max(1);
    config.states.url = cli.state_change_url.clone();
    config.states.teardown = cli.state_change_teardown;
    config.states.as_query = cli.state_change_as_query;
    for header in &cli.headers {
        let parsed = parse_header(header)
            .ok_or_else(|| format!("--header '{header}' must look like 'Name: value'"))?;
        config.headers.push(parsed);
    }
    config.filters = Filters {
        consumers: cli.filter_consumer.clone(),
        description: cli.filter_description.clone(),
        state: cli.filter_state.clone(),
        no_state: cli.filter_no_state,
    };
    if cli.publish {
        if cli.broker_url.is_none() {
            return Err("--publish needs --broker-url".to_owned());
        }
        config.publish = Some(PublishConfig {
            provider_version: cli.provider_version.clone().unwrap_or_default(),
            provider_branch: cli
                .provider_branch
                .clone()
                .or_else(|| cli.provider_version_branch.clone()),
            provider_tags: cli.provider_tags.clone(),
            build_url: cli.build_url.clone(),
        });
    }
    let mut verifier = Verifier::new(config).show_progress(std::io::stderr().is_terminal());
    if let Some(seconds) = cli.wait_for_provider {
        verifier = verifier.wait_for_provider(seconds);
    }
    let auth = match (&cli.token, &cli.user) {
        (Some(token), _) => Auth::Bearer(token.clone()),
        (None, Some(user)) => Auth::Basic {
            username: user.clone(),
            password: cli.password.clone().unwrap_or_default(),
        },
        _ => Auth::None,
    };
    verifier = verifier.auth(auth);
    if let Some(name) = &cli.provider_name {
        verifier = verifier.provider_name(name.clone());
    }
    for file in &cli.files {
        verifier = verifier.pact_file(file.clone());
    }
    for dir in &cli.dirs {
        verifier = verifier.pact_dir(dir.clone());
    }
    for url in &cli.urls {
        verifier = verifier.pact_url(url.clone());
    }
    if let Some(broker_url) = &cli.broker_url {
        let provider = cli
            .provider_name
            .clone()
            .ok_or_else(|| "--broker-url needs --provider-name".to_owned())?;
        let mut selectors = Vec::new();
        for text in &cli.selectors {
            let value: Value = serde_json::from_str(text)
                .map_err(|e| format!("--consumer-version-selectors '{text}' is not JSON: {e}"))?;
            if !value.is_object() {
                return Err(format!(
                    "--consumer-version-selectors '{text}' must be a JSON object"
                ));
            }
            selectors.push(value);
        }
        if cli.consumer_version_main_branch {
            selectors.push(json!({"mainBranch": true}));
        }
        for branch in &cli.consumer_version_branches {
            selectors.push(json!({"branch": branch}));
        }
        if cli.consumer_version_deployed_or_released {
            selectors.push(json!({"deployedOrReleased": true}));
        }
        for tag in &cli.consumer_version_tags {
            selectors.push(json!({"tag": tag, "latest": true}));
        }
        verifier = verifier.broker(BrokerSource {
            url: broker_url.clone(),
            provider,
            selectors,
            enable_pending: cli.enable_pending,
            include_wip_since: cli.include_wip_pacts_since.clone(),
            provider_branch: cli
                .provider_version_branch
                .clone()
                .or_else(|| cli.provider_branch.clone()),
            provider_tags: cli.provider_tags.clone(),
        });
    }
    if cli.files.is_empty() && cli.dirs.is_empty() && cli.urls.is_empty() && cli.broker_url.is_none() {
        return Err("give at least one pact source: --file, --dir, --url or --broker-url".to_owned());
    }
    Ok(verifier)
}

/// The exit code of a check against a published description (`--openapi`,
/// `--graphql-schema`), its report written as a verification's is.
fn finish_static<E: std::fmt::Display>(
    cli: &Cli,
    checked: Result<crate::report::VerificationReport, E>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    match checked {
        Ok(report) => {
            let status = report.status(false);
            finish(cli, &report, status, out, err)
        }
        Err(error) => {
            let _ = writeln!(err, "accord-verifier: {error}");
            2
        }
    }
}

/// Runs the CLI and returns the exit code (0, 1 or 2). Reports go to `out`, errors to `err`.
pub async fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    if let Some(document) = &cli.openapi {
        if cli.files.is_empty() && cli.dirs.is_empty() {
            let _ = writeln!(
                err,
                "accord-verifier: --openapi compares pacts from --file or --dir"
            );
            return 2;
        }
        let checked = crate::openapi::compare_files(document, &cli.files, &cli.dirs);
        return finish_static(&cli, checked, out, err);
    }
    if let Some(schema) = &cli.graphql_schema {
        if cli.files.is_empty() && cli.dirs.is_empty() {
            let _ = writeln!(
                err,
                "accord-verifier: --graphql-schema checks pacts from --file or --dir"
            );
            return 2;
        }
        let checked = crate::graphql_schema::check_files(schema, &cli.files, &cli.dirs);
        return finish_static(&cli, checked, out, err);
    }
    let verifier = match build_verifier(&cli) {
        Ok(v) => v,
        Err(message) => {
            let _ = writeln!(err, "accord-verifier: {message}");
            return 2;
        }
    };
    let outcome = match verifier.run().await {
        Ok(outcome) => outcome,
        Err(error) => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            let _ = writeln!(err, "accord-verifier: {text}");
            return 2;
        }
    };
    finish(&cli, &outcome.report, outcome.status(), out, err)
}

/// Writes the reports the flags ask for and returns the exit code of `status`.
fn finish(
    cli: &Cli,
    report: &VerificationReport,
    status: RunStatus,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    if let Some(path) = &cli.json {
        let text = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text) {
            let _ = writeln!(
                err,
                "accord-verifier: cannot write JSON report '{}': {e}",
                path.display()
            );
            return 2;
        }
    }
    if let Some(path) = &cli.junit
        && let Err(e) = std::fs::write(path, report.to_junit())
    {
        let _ = writeln!(
            err,
            "accord-verifier: cannot write JUnit report '{}': {e}",
            path.display()
        );
        return 2;
    }
    match cli.output_format {
        OutputFormat::Json => {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
            );
        }
        OutputFormat::Text => {
            let color =
                !cli.no_color && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let _ = write!(out, "{}", render_text(report, color));
        }
    }
    match status {
        RunStatus::Verified => 0,
        RunStatus::Failed => 1,
        RunStatus::ProviderUnreachable => {
            let _ = writeln!(err, "accord-verifier: the provider could not be reached");
            2
        }
    }
}
