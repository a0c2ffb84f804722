//! `accord-verifier`: verify a provider against its consumers' pacts.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = accord_verifier::cli::Cli::parse();
    let code = accord_verifier::cli::run(cli, &mut std::io::stdout(), &mut std::io::stderr()).await;
    ExitCode::from(code)
}
