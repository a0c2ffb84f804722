//! `accord-broker`: the contract broker service, and a client of a running broker.

mod cli;
mod client_commands;
mod server;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Serve(args) => server::serve(args).await.map(|()| ExitCode::SUCCESS),
        Command::Clean(args) => server::clean(args).await.map(|()| ExitCode::SUCCESS),
        Command::Client(command) => client_commands::run(command).await,
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("accord-broker: {error:#}");
            ExitCode::from(2)
        }
    }
}
