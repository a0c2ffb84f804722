//! `cargo run --release -p walkthrough [-- --exit]`: see contract testing catch a breaking change.

use std::io::IsTerminal as _;
use std::time::Instant;

use clap::Parser;

/// Walk through consumer tests, publishing, verification and can-i-deploy with one command.
#[derive(Debug, Parser)]
struct Args {
    /// Stop at the end instead of keeping the broker up until Ctrl-C.
    #[arg(long)]
    exit: bool,
    /// Broker database (default: a new SQLite file in a temporary directory).
    #[arg(long)]
    database_url: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let work_dir = std::env::temp_dir().join(format!("accord-walkthrough-{}", std::process::id()));
    std::fs::create_dir_all(&work_dir)?;
    let database_url = args
        .database_url
        .unwrap_or_else(|| format!("sqlite://{}", work_dir.join("broker.db").display()));
    let broker = walkthrough::start_broker(&database_url).await?;
    println!("1. accord-broker is running at {} on {database_url}", broker.url);
    let mut stdout = std::io::stdout();
    let color = stdout.is_terminal();
    let summary = walkthrough::run(&broker.url, &work_dir, &mut stdout, color).await?;
    let caught = summary.breaking_failed
        && !summary.breaking_can_deploy
        && summary.grpc_breaking_failed
        && !summary.grpc_breaking_can_deploy;
    println!(
        "done in {:.1} s: the breaking changes were {}",
        started.elapsed().as_secs_f64(),
        if caught {
            "caught before it shipped"
        } else {
            "NOT caught"
        }
    );
    if !args.exit && stdout.is_terminal() {
        println!("the broker stays up at {}; press Ctrl-C to stop", broker.url);
        tokio::signal::ctrl_c().await?;
    }
    if !caught {
        anyhow::bail!("the walkthrough did not behave as expected");
    }
    Ok(())
}
