//! Benchmark: unary gRPC calls per second against accord's mock server serving a real plugin
//! pact (the area calculator's `calculateOne`: the request decoded and compared field by field,
//! the declared answer sent), side by side with a bare tonic server and a bare HTTP/2 gRPC server
//! on hyper (what tonic is built on), each answering the same canned response without looking at
//! the request.
//!
//! Run with `cargo bench -p accord-mock-server --bench grpc` (needs the shared data folder).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use accord_mock_server::{MockServer, MockServerConfig};
use accord_protobuf::grpc::frame;
use accord_test_support::tonic_raw::Raw;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{HeaderMap, HeaderValue};
use hyper_util::rt::{TokioExecutor, TokioIo};

const PACT: &str = "wild-pacts/pacts/pact-plugins--area-calculator-consumer-area-calculator-provider.json";
const CLIENTS: usize = 8;
const SECONDS: u64 = 5;

/// A gRPC server that answers every call with `message`, status OK.
async fn bare(message: Bytes) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let message = message.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let message = message.clone();
                        async move {
                            let _ = request.into_body().collect().await;
                            let mut trailers = HeaderMap::new();
                            trailers.insert("grpc-status", HeaderValue::from_static("0"));
                            let frames: Vec<Result<Frame<Bytes>, std::convert::Infallible>> =
                                vec![Ok(Frame::data(message)), Ok(Frame::trailers(trailers))];
                            let mut response =
                                hyper::Response::new(StreamBody::new(futures::stream::iter(frames)));
                            response
                                .headers_mut()
                                .insert("content-type", HeaderValue::from_static("application/grpc"));
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    port
}

/// The canned service as tonic's generated code would route it: every call of the calculator
/// answered with the same message through tonic's own unary handling.
#[derive(Clone)]
struct Canned(Vec<u8>);

impl tonic::server::NamedService for Canned {
    const NAME: &'static str = "area_calculator.Calculator";
}

/// The one unary method, answering the canned message.
struct CannedCall(Vec<u8>);

impl tonic::server::UnaryService<Vec<u8>> for CannedCall {
    type Response = Vec<u8>;
    type Future = std::future::Ready<Result<tonic::Response<Vec<u8>>, tonic::Status>>;

    fn call(&mut self, _request: tonic::Request<Vec<u8>>) -> Self::Future {
        std::future::ready(Ok(tonic::Response::new(self.0.clone())))
    }
}

impl tonic::codegen::Service<tonic::codegen::http::Request<tonic::body::Body>> for Canned {
    type Response = tonic::codegen::http::Response<tonic::body::Body>;
    type Error = std::convert::Infallible;
    type Future = tonic::codegen::BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: tonic::codegen::http::Request<tonic::body::Body>) -> Self::Future {
        let message = self.0.clone();
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(Raw);
            Ok(grpc.unary(CannedCall(message), request).await)
        })
    }
}

/// A bare tonic server answering every call with `message` (unframed), status OK.
async fn tonic_server(message: Vec<u8>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let incoming = tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true));
    tokio::spawn(async move {
        let _ = tonic::transport::Server::builder()
            .add_service(Canned(message))
            .serve_with_incoming(incoming)
            .await;
    });
    port
}

/// Calls per second of `CLIENTS` clients (one HTTP/2 connection each) for `SECONDS`.
async fn load(port: u16, request: Bytes) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(SECONDS);
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (done, request) = (Arc::clone(&done), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
            connector.set_nodelay(true);
            let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                .http2_only(true)
                .build::<_, Full<Bytes>>(connector);
            let url = format!("http://127.0.0.1:{port}/area_calculator.Calculator/calculateOne");
            while Instant::now() < deadline {
                let call = hyper::Request::post(&url)
                    .header("content-type", "application/grpc")
                    .header("te", "trailers")
                    .body(Full::new(request.clone()))
                    .expect("request");
                let response = client.request(call).await.expect("answered");
                let body = response.into_body().collect().await.expect("body");
                let status = body.trailers().and_then(|t| t.get("grpc-status")).cloned();
                assert_eq!(
                    status.as_ref().and_then(|s| s.to_str().ok()),
                    Some("0"),
                    "a failed call"
                );
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for task in tasks {
        task.await.expect("client");
    }
    done.load(Ordering::Relaxed) as f64 / SECONDS as f64
}

fn main() {
    let Some(path) = accord_test_support::shared_data(PACT, "the area calculator gRPC pact") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let pact = accord_core::format::read_pact_file(&path).expect("pact");
        let accord_core::Interaction::SyncMessage(call) = &pact.interactions[0] else {
            panic!("the first interaction is the gRPC call");
        };
        let request = Bytes::from(frame(call.request.contents.content()));
        let response = Bytes::from(frame(call.response[0].contents.content()));
        let mock = MockServer::start(pact.clone(), MockServerConfig::default())
            .await
            .expect("mock");
        let tonic_port = tonic_server(call.response[0].contents.content().to_vec()).await;
        let bare_port = bare(response).await;
        // Alternate, so the machine's noise falls on all alike.
        let (mut tonic_rates, mut bare_rates, mut mock_rates) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..2 {
            tonic_rates.push(load(tonic_port, request.clone()).await);
            bare_rates.push(load(bare_port, request.clone()).await);
            mock_rates.push(load(mock.port(), request.clone()).await);
        }
        let best = |rates: &[f64]| rates.iter().copied().fold(0.0, f64::max);
        let (tonic, bare, mock) = (best(&tonic_rates), best(&bare_rates), best(&mock_rates));
        println!("bare tonic server:       {tonic:.0} calls/s (runs {tonic_rates:.0?})");
        println!("bare HTTP/2 gRPC server: {bare:.0} calls/s (runs {bare_rates:.0?})");
        println!("accord mock server:      {mock:.0} calls/s (runs {mock_rates:.0?})");
        println!("mock / tonic: {:.0}% (target >= 70%)", mock / tonic * 100.0);
        println!("mock / bare hyper: {:.0}%", mock / bare * 100.0);
    });
}
