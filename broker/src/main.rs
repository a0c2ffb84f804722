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
    /// Public base URL used in links (default: from the request's Host and X-Forwarded-* headers).
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
    /// Serve without credentials on a non-loopback address.
    #[arg(long, env = "ACCORD_BROKER_INSECURE_NO_AUTH")]
    insecure_no_auth: bool,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "ACCORD_BROKER_BODY_LIMIT", default_value_t = 10 * 1024 * 1024)]
    body_limit: usize,
    /// Accept different content for an already published consumer version (otherwise 409).
    #[arg(long, env = "ACCORD_BROKER_ALLOW_OVERWRITE")]
    allow_overwrite: bool,
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
    let config = BrokerConfig {
        database_url: args.database_url.clone(),
        bind: args.bind,
        base_url: args.base_url.clone(),
        auth,
        body_limit: args.body_limit,
        allow_overwrite: args.allow_overwrite,
    };
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
        Command::Serve(args) => serve(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("accord-broker: {error:#}");
            ExitCode::from(2)
        }
    }
}
