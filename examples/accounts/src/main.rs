//! Runs the example accounts service: `cargo run -p accounts -- --port 8080 [--breaking]`.

use clap::Parser;

/// The example accounts service.
#[derive(Debug, Parser)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Run the breaking-change variant.
    #[arg(long)]
    breaking: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let variant = if args.breaking {
        accounts::Variant::Breaking
    } else {
        accounts::Variant::Main
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    println!("http://{}", listener.local_addr()?);
    axum::serve(listener, accounts::router(variant)).await?;
    Ok(())
}
