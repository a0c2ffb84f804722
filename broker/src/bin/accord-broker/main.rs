//! `accord-broker`: the contract broker service, and a client of a running broker.

mod cli;
mod client_commands;
mod server;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    keep_large_buffers_apart();
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

/// Large buffers (a pact's text, a request body, a row on its way to the database) are given
/// their own mappings, returned to the system the moment they are freed, instead of glibc's
/// default, which after the first large free serves buffers of up to 32 MiB from its heaps,
/// where freed ones stay resident around smaller live allocations (measured in BENCHMARKS.md,
/// "Memory of large publications").
#[allow(unsafe_code)]
fn keep_large_buffers_apart() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter of the allocator; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}
