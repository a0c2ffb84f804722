//! `accord-mock-server`: serve pact files as stubs, or run the control API.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

/// Mock provider for contract tests: serves the HTTP interactions of pact files.
#[derive(Debug, Parser)]
#[command(name = "accord-mock-server", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve every HTTP interaction and gRPC call of the given pact files; one port per provider.
    /// Prints each URL it listens on, one per line, before anything else.
    Serve {
        /// Pact files to serve (repeatable).
        #[arg(long = "pact", required = true, num_args = 1..)]
        pacts: Vec<PathBuf>,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Port for the first provider (0 picks a free one); others get free ports.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Answer CORS preflight requests and allow any origin.
        #[arg(long)]
        cors: bool,
        /// Serve HTTPS with a generated self-signed certificate (printed to stderr as PEM).
        #[arg(long)]
        tls: bool,
    },
    /// Run the control API that creates and verifies mock servers over HTTP.
    Control {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Port of the control API (0 picks a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The directory pact files are written below; a request's `dir` is relative to it
        /// and may not leave it.
        #[arg(long, default_value = ".")]
        pact_dir: std::path::PathBuf,
    },
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            pacts,
            host,
            port,
            cors,
            tls,
        } => {
            let mut loaded = Vec::new();
            for path in &pacts {
                loaded.push(accord_core::format::read_pact_file(path)?);
            }
            let servers = accord_mock_server::control::serve_pacts(loaded, host, port, cors, tls)
                .await
                .context("cannot start the mock servers")?;
            for server in &servers {
                println!("{}", server.url());
            }
            for server in &servers {
                if let Some(pem) = server.certificate_pem() {
                    eprintln!("certificate of {}:\n{pem}", server.url());
                }
                let grpc = match server.grpc_calls() {
                    0 => String::new(),
                    n => format!(" and {n} gRPC call(s)"),
                };
                eprintln!(
                    "serving {} interaction(s){grpc} of provider '{}' at {}",
                    server.pact().http_interactions().count(),
                    server.pact().provider,
                    server.url()
                );
            }
            tokio::signal::ctrl_c().await.context("cannot wait for Ctrl-C")?;
            for server in servers {
                server.shutdown().await;
            }
        }
        Command::Control { host, port, pact_dir } => {
            let listener = tokio::net::TcpListener::bind(SocketAddr::new(host, port))
                .await
                .with_context(|| format!("cannot listen on {host}:{port}"))?;
            let addr = listener.local_addr()?;
            println!("http://{addr}");
            eprintln!("control API listening at http://{addr}/mockservers");
            axum::serve(
                listener,
                accord_mock_server::control::control_router(host, pact_dir),
            )
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("control API failed")?;
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("accord-mock-server: {error:#}");
            ExitCode::from(2)
        }
    }
}
