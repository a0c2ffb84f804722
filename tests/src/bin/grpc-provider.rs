//! A provider for one pact's protobuf interactions, for running a tool against it in another
//! process (the official verifier in a loopback-only network namespace):
//! `grpc-provider PACT faithful|broken|mock|inventory|inventory-breaking -- COMMAND ARGS...`
//! serves the pact's gRPC calls and protobuf-over-HTTP interactions (written from its
//! descriptors, accord's mock server, or the example's tonic inventory service as it is or in
//! its breaking next version),
//! runs the command with `{grpc}` and `{http}` in its arguments replaced by the ports, prints its
//! output, and exits with its exit code.

use std::sync::Arc;

use tests::grpc_provider::{Handler, broken, faithful, pool_of, serve, serve_http};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<std::process::ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(mode), Some("--")) = (args.first(), args.get(1), args.get(2).map(String::as_str))
    else {
        anyhow::bail!(
            "usage: grpc-provider PACT faithful|broken|mock|inventory|inventory-breaking -- COMMAND ARGS..."
        );
    };
    let command = &args[3..];
    let Some(program) = command.first() else {
        anyhow::bail!("no command to run");
    };
    let pact = accord_core::format::read_pact_file(file)?;
    let mut servers = Vec::new();
    let (grpc_port, http_port) = match mode.as_str() {
        "mock" => {
            let mock =
                accord_mock_server::MockServer::start(pact, accord_mock_server::MockServerConfig::default())
                    .await?;
            let port = mock.port();
            servers.push(Box::new(mock) as Box<dyn std::any::Any>);
            (port, port)
        }
        "faithful" | "broken" => {
            let handler: Handler = if mode == "faithful" {
                Arc::new(faithful)
            } else {
                Arc::new(broken)
            };
            let grpc = serve(pool_of(&pact), Arc::clone(&handler)).await;
            let http = serve_http(pool_of(&pact), handler).await;
            let ports = (
                grpc.port,
                http.url
                    .rsplit(':')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0),
            );
            servers.push(Box::new(grpc));
            servers.push(Box::new(http));
            ports
        }
        "inventory" | "inventory-breaking" => {
            let variant = if mode == "inventory" {
                inventory::provider::Variant::Main
            } else {
                inventory::provider::Variant::Breaking
            };
            let service = inventory::provider::serve(variant).await?;
            let port = service.port;
            servers.push(Box::new(service));
            (port, port)
        }
        other => {
            anyhow::bail!("unknown mode '{other}': faithful, broken, mock, inventory or inventory-breaking")
        }
    };
    let fill = |arg: &String| {
        arg.replace("{grpc}", &grpc_port.to_string())
            .replace("{http}", &http_port.to_string())
    };
    let output = tokio::process::Command::new(program)
        .args(command[1..].iter().map(fill))
        .output()
        .await?;
    print!("{}", String::from_utf8_lossy(&output.stdout));
    print!("{}", String::from_utf8_lossy(&output.stderr));
    drop(servers);
    let code = output.status.code().unwrap_or(1);
    Ok(std::process::ExitCode::from(u8::try_from(code).unwrap_or(1)))
}
