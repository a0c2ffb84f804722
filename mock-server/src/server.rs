//! The mock server: binding, the accept loop, and the one request handler.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use accord_core::generators::{GeneratorContext, generate_response};
use accord_core::matching::{MatchOptions, match_request_with};
use accord_core::{HttpInteraction, Mismatch, Pact};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::convert::{PreparedResponse, to_model_request};
use crate::error::StartError;
use crate::grpc::MockBody;
use crate::index::InteractionIndex;
use crate::report::{MockReport, Problem, RequestSummary};
use crate::state::Recorder;
use http_body_util::Either;

/// How a mock server listens and behaves.
#[derive(Debug, Clone)]
pub struct MockServerConfig {
    /// Address to bind; loopback by default.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Answer CORS preflight requests and add `Access-Control-Allow-Origin` to responses.
    pub cors: bool,
    /// How many recent problem requests are kept for the report.
    pub problem_limit: usize,
    /// Serve HTTPS with a self-signed certificate generated at start
    /// (see [`MockServer::certificate_pem`]).
    pub tls: bool,
    /// Time a client has to send a request's headers before its connection is closed.
    pub header_timeout: std::time::Duration,
}

impl Default for MockServerConfig {
    fn default() -> Self {
        MockServerConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            cors: false,
            problem_limit: 100,
            tls: false,
            header_timeout: std::time::Duration::from_secs(10),
        }
    }
}

#[derive(Debug)]
struct Shared {
    interactions: Vec<HttpInteraction>,
    prepared: Vec<Option<PreparedResponse>>,
    descriptions: Vec<String>,
    /// How much of a request each interaction pins down (see [`specificity`]).
    specificity: Vec<usize>,
    /// The operation each GraphQL interaction declares, read once: its requests' queries are
    /// judged by meaning.
    graphql: Vec<Option<accord_graphql::Operation>>,
    index: InteractionIndex,
    recorder: Recorder,
    /// The pact's gRPC interactions; the recorder counts them after the HTTP ones.
    grpc: Vec<crate::grpc::GrpcEntry>,
    base_url: String,
    cors: bool,
    options: MatchOptions,
    header_timeout: std::time::Duration,
}

/// A running mock server. Dropping it stops the server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    pact: Pact,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    certificate_pem: Option<String>,
}

impl MockServer {
    /// Starts serving the pact's HTTP interactions on the caller's tokio runtime.
    pub async fn start(pact: Pact, config: MockServerConfig) -> Result<MockServer, StartError> {
        let address = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| StartError::Bind {
                address: address.to_string(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            address: address.to_string(),
            source,
        })?;
        let tls = if config.tls {
            Some(crate::tls::self_signed()?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let interactions: Vec<HttpInteraction> = pact
            .http_interactions()
            .cloned()
            .map(|mut i| {
                i.request.path = crate::convert::decoded_path(&i.request.path);
                i
            })
            .collect();
        let prepared = interactions
            .iter()
            .map(|i| {
                i.response
                    .generators
                    .is_empty()
                    .then(|| PreparedResponse::from_model(&i.response))
            })
            .collect();
        let grpc = crate::grpc::entries(&pact)?;
        let descriptions = interactions
            .iter()
            .map(|i| i.info.description.clone())
            .chain(grpc.iter().map(|g| g.description().to_owned()))
            .collect();
        let specificity = interactions.iter().map(|i| specificity(&i.request)).collect();
        let graphql = interactions
            .iter()
            .map(|i| accord_graphql::declared_operation(&i.request))
            .collect();
        let shared = Arc::new(Shared {
            specificity,
            graphql,
            index: InteractionIndex::new(&interactions),
            recorder: Recorder::new(interactions.len() + grpc.len(), config.problem_limit),
            grpc,
            prepared,
            descriptions,
            interactions,
            base_url: format!("{scheme}://{addr}"),
            cors: config.cors,
            header_timeout: config.header_timeout,
            options: MatchOptions {
                spec: pact.spec_version,
            },
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let certificate_pem = tls.as_ref().map(|t| t.certificate_pem.clone());
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared), shutdown_rx, tls));
        tracing::debug!(%addr, consumer = %pact.consumer, provider = %pact.provider, "mock server started");
        Ok(MockServer {
            addr,
            shared,
            pact,
            shutdown,
            task: Some(task),
            certificate_pem,
        })
    }

    /// The PEM certificate clients must trust when the server runs with TLS.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// How many gRPC calls of the pact it serves (over HTTP/2, beside the HTTP interactions).
    pub fn grpc_calls(&self) -> usize {
        self.shared.grpc.len()
    }

    /// The pact being served.
    pub fn pact(&self) -> &Pact {
        &self.pact
    }

    /// What the server has seen so far.
    pub fn report(&self) -> MockReport {
        self.shared.recorder.report(&self.shared.descriptions)
    }

    /// A handle that reads this server's report from any thread.
    pub fn reporter(&self) -> Reporter {
        Reporter {
            shared: Arc::clone(&self.shared),
        }
    }

    /// Stops accepting connections and waits for the accept loop to end; open connections
    /// finish their current request.
    pub async fn shutdown(mut self) -> MockReport {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.report()
    }
}

/// Reads a mock server's report; cheap to clone and usable from any thread.
#[derive(Debug, Clone)]
pub struct Reporter {
    shared: Arc<Shared>,
}

impl Reporter {
    /// What the server has seen so far.
    pub fn report(&self) -> MockReport {
        self.shared.recorder.report(&self.shared.descriptions)
    }

    /// The server's base URL.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Connections a mock server serves at once.
const MAX_CONNECTIONS: usize = 1024;

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<crate::tls::SelfSigned>,
) {
    // At most this many connections at once; more wait to be accepted.
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            _ = shutdown.changed() => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        tracing::warn!(%error, "failed to accept a connection");
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let shared = Arc::clone(&shared);
                let conn_shutdown = shutdown.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    match tls {
                        Some(tls) => match tls.acceptor.accept(stream).await {
                            Ok(stream) => serve_connection(stream, shared, conn_shutdown).await,
                            Err(error) => tracing::debug!(%error, "TLS handshake failed"),
                        },
                        None => serve_connection(stream, shared, conn_shutdown).await,
                    }
                });
            }
        }
    }
}

async fn serve_connection<IO>(stream: IO, shared: Arc<Shared>, shutdown: watch::Receiver<bool>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let header_timeout = shared.header_timeout;
    let grpc = !shared.grpc.is_empty();
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, std::convert::Infallible>(handle(&shared, request).await) }
    });
    if grpc {
        // gRPC needs HTTP/2; the protocol is told from the connection's first bytes.
        let mut builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
        builder
            .http1()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .keep_alive(true);
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        tokio::pin!(conn);
        until_shutdown(conn, shutdown, |conn| conn.graceful_shutdown()).await;
        return;
    }
    // A client that does not send its request headers in time is dropped, so half-sent
    // requests cannot hold the mock server.
    let conn = http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    until_shutdown(conn, shutdown, |conn| conn.graceful_shutdown()).await;
}

/// Serves a connection to its end, or, once the server shuts down, lets its requests in
/// flight finish and closes it.
async fn until_shutdown<C, E>(
    mut conn: std::pin::Pin<&mut C>,
    mut shutdown: watch::Receiver<bool>,
    graceful: impl FnOnce(std::pin::Pin<&mut C>),
) where
    C: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection closed with an error");
            }
        }
        _ = shutdown.changed() => {
            graceful(conn.as_mut());
            let _ = conn.await;
        }
    }
}

fn error_response(status: u16, body: serde_json::Value, cors: bool) -> hyper::Response<Full<Bytes>> {
    PreparedResponse {
        status,
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: Bytes::from(body.to_string()),
    }
    .into_hyper(if cors {
        &[("Access-Control-Allow-Origin", "*")]
    } else {
        &[]
    })
}

fn preflight(request: &hyper::Request<hyper::body::Incoming>) -> hyper::Response<Full<Bytes>> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let origin = header("origin").unwrap_or_else(|| "*".to_owned());
    let methods = header("access-control-request-method")
        .map(|m| format!("{m}, GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD"))
        .unwrap_or_else(|| "GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD".to_owned());
    let headers = header("access-control-request-headers").unwrap_or_else(|| "*".to_owned());
    PreparedResponse {
        status: 204,
        headers: vec![
            ("Access-Control-Allow-Origin".to_owned(), origin),
            ("Access-Control-Allow-Methods".to_owned(), methods),
            ("Access-Control-Allow-Headers".to_owned(), headers),
            ("Access-Control-Allow-Credentials".to_owned(), "true".to_owned()),
            ("Access-Control-Max-Age".to_owned(), "86400".to_owned()),
        ],
        body: Bytes::new(),
    }
    .into_hyper(&[])
}

/// How much of a request an interaction pins down: its headers, query parameters and body.
fn specificity(request: &accord_core::HttpRequest) -> usize {
    let query = request.query.as_ref().map_or(0, |q| q.iter().count());
    let body = usize::from(!matches!(request.body, accord_core::Body::Missing));
    request.headers.len() + query + body
}

async fn handle(
    shared: &Shared,
    request: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<MockBody> {
    if shared.grpc.is_empty() || !crate::grpc::is_grpc(request.headers()) {
        return handle_http(shared, request).await.map(Either::Left);
    }
    shared.recorder.request_received();
    let (parts, body) = request.into_parts();
    let body = match read_body(body, false).await {
        Ok(body) => body,
        Err(refused) => return refused.map(Either::Left),
    };
    // The request as a summary is only needed for the report of a problem.
    let summary = || RequestSummary::of(&to_model_request(&parts, body.clone()));
    let recorder = (&shared.recorder, shared.interactions.len());
    crate::grpc::answer(&shared.grpc, recorder, parts.uri.path(), &body, summary)
}

/// A request's whole body, or the 400 answer for one that broke off.
async fn read_body(body: hyper::body::Incoming, cors: bool) -> Result<Bytes, hyper::Response<Full<Bytes>>> {
    body.collect().await.map(|c| c.to_bytes()).map_err(|error| {
        error_response(
            400,
            json!({"error": format!("failed to read the request body: {error}")}),
            cors,
        )
    })
}

async fn handle_http(
    shared: &Shared,
    request: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<Full<Bytes>> {
    shared.recorder.request_received();
    let is_preflight = shared.cors
        && request.method() == hyper::Method::OPTIONS
        && request.headers().contains_key("access-control-request-method");
    if is_preflight
        && shared
            .index
            .candidates(
                &shared.interactions,
                "OPTIONS",
                &crate::convert::decoded_path(request.uri().path()),
            )
            .is_empty()
    {
        return preflight(&request);
    }
    let (parts, body) = request.into_parts();
    let body = match read_body(body, shared.cors).await {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let actual = to_model_request(&parts, body);
    let candidates = shared
        .index
        .candidates(&shared.interactions, &actual.method, &actual.path);
    let mut closest: Option<(usize, Vec<Mismatch>)> = None;
    // Of the interactions the request matches, the most specific answers, as with the official
    // mock server: an interaction that expects an `Authorization` header wins over one that
    // does not mention it. Equally specific ones answer in pact order.
    let mut best: Option<usize> = None;
    let mut sent_query: Option<accord_graphql::SentQuery> = None;
    for idx in candidates {
        let mut mismatches = match_request_with(&shared.interactions[idx].request, &actual, shared.options);
        if let Some(declared) = &shared.graphql[idx] {
            // Every GraphQL interaction shares one path: the query is read once per request.
            let sent = sent_query.get_or_insert_with(|| accord_graphql::SentQuery::of(&actual.body));
            mismatches = accord_graphql::judge_query(declared, mismatches, sent);
        }
        if mismatches.is_empty() {
            if best.is_none_or(|b| shared.specificity[idx] > shared.specificity[b]) {
                best = Some(idx);
            }
            continue;
        }
        // Candidates match the path already; the closest differs least elsewhere.
        if best.is_none()
            && closest
                .as_ref()
                .is_none_or(|(_, fewest)| mismatches.len() < fewest.len())
        {
            closest = Some((idx, mismatches));
        }
    }
    if let Some(idx) = best {
        // Record before responding, so a test that ends after this response sees it.
        shared.recorder.matched(idx);
        tracing::debug!(interaction = %shared.descriptions[idx], "request matched");
        let prepared = match &shared.prepared[idx] {
            Some(prepared) => prepared.clone(),
            None => {
                let ctx = GeneratorContext::consumer(Some(shared.base_url.clone()));
                PreparedResponse::from_model(&generate_response(&shared.interactions[idx].response, &ctx))
            }
        };
        return prepared.into_hyper(if shared.cors {
            &[("Access-Control-Allow-Origin", "*")]
        } else {
            &[]
        });
    }
    let summary = RequestSummary::of(&actual);
    match closest {
        Some((idx, mismatches)) => {
            let description = shared.descriptions[idx].clone();
            tracing::warn!(request = %summary.line(), interaction = %description, "request did not match");
            let body = json!({
                "error": format!("request {} did not match interaction '{description}'", summary.line()),
                "interaction": description,
                "mismatches": mismatches.iter().map(Mismatch::to_json).collect::<Vec<_>>(),
            });
            shared.recorder.problem(Problem::Mismatched {
                request: summary,
                closest: description,
                expected_body: shared.interactions[idx].request.body.clone(),
                mismatches,
            });
            error_response(500, body, shared.cors)
        }
        None => {
            let nearest = shared
                .interactions
                .iter()
                .position(|i| i.request.path == actual.path)
                .or_else(|| {
                    shared
                        .interactions
                        .iter()
                        .position(|i| i.request.method.eq_ignore_ascii_case(&actual.method))
                })
                .map(|i| shared.descriptions[i].clone());
            tracing::warn!(request = %summary.line(), "unexpected request");
            let body = json!({
                "error": format!("unexpected request {}: no interaction has this method and path", summary.line()),
                "closestInteraction": nearest,
            });
            shared.recorder.problem(Problem::Unexpected {
                request: summary,
                closest: nearest,
            });
            error_response(500, body, shared.cors)
        }
    }
}
