//! `accord-verifier`: verify a provider against its consumers' pacts.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: reading a large pact builds and drops a JSON tree
/// of many small allocations, which glibc's allocator frees in time that grows faster than the
/// pact (it consolidates every freed small chunk on each large free).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = accord_verifier::cli::Cli::parse();
    // Verifying one interaction at a time is a chain of network waits: one thread drives it
    // without the cross-thread wake-ups a multi-threaded runtime pays on every await.
    // `--parallel N` gets worker threads so matching can use every core.
    let runtime = if cli.parallel > 1 {
        tokio::runtime::Builder::new_multi_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let code = runtime.block_on(accord_verifier::cli::run(
        cli,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    ));
    ExitCode::from(code)
}
