//! gRPC providers for the protobuf tests: real HTTP/2 (cleartext) gRPC servers whose messages
//! are decoded and built with the descriptors a pact carries, so they need no generated code.
//! Each answers calls through a handler from the method and the request message to a response
//! message or a gRPC error status.

use std::convert::Infallible;
use std::sync::Arc;

use accord_protobuf::grpc::{frame, unframe};
use futures::stream;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{HeaderMap, HeaderValue};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use prost::Message as _;
use prost_reflect::ReflectMessage;
use prost_reflect::{DescriptorPool, DynamicMessage, MethodDescriptor};
use serde_json::{Value, json};

/// What a handler answers: an encoded response message, or a gRPC status code and message.
pub type Answer = Result<Vec<u8>, (u32, String)>;

/// A handler of calls: the method called and its request.
pub type Handler = Arc<dyn Fn(&MethodDescriptor, &DynamicMessage) -> Answer + Send + Sync>;

/// What a streaming handler answers: the encoded messages of the stream, or a gRPC status.
pub type StreamAnswer = Result<Vec<Vec<u8>>, (u32, String)>;

/// A handler of calls that answers a stream of messages (one for a unary method): the method
/// called and the first message of its request.
pub type StreamHandler = Arc<dyn Fn(&MethodDescriptor, &DynamicMessage) -> StreamAnswer + Send + Sync>;

/// A running gRPC provider.
#[derive(Debug)]
pub struct GrpcProvider {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Its port.
    pub port: u16,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for GrpcProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A message of `method`'s output type written from its JSON form (proto field names).
pub fn output(method: &MethodDescriptor, value: &Value) -> DynamicMessage {
    let text = value.to_string();
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    DynamicMessage::deserialize(method.output(), &mut deserializer)
        .unwrap_or_else(|e| panic!("{value} is not a {}: {e}", method.output().full_name()))
}

/// Serves the services of `pool` on 127.0.0.1, port 0, answering each call with one message
/// through `handler`.
pub async fn serve(pool: DescriptorPool, handler: Handler) -> GrpcProvider {
    let one: StreamHandler = Arc::new(move |method, request| handler(method, request).map(|m| vec![m]));
    serve_streams(pool, one).await
}

/// Serves the services of `pool` on 127.0.0.1, port 0, answering through `handler`: every
/// message it gives, in order, then the status.
pub async fn serve_streams(pool: DescriptorPool, handler: StreamHandler) -> GrpcProvider {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (pool, handler) = (pool.clone(), Arc::clone(&handler));
            tokio::spawn(async move {
                let service = service_fn(move |request| {
                    let (pool, handler) = (pool.clone(), Arc::clone(&handler));
                    async move { Ok::<_, Infallible>(answer(&pool, &handler, request).await) }
                });
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    GrpcProvider {
        url: format!("http://127.0.0.1:{port}"),
        port,
        server,
    }
}

type Body = StreamBody<stream::Iter<std::vec::IntoIter<Result<Frame<Bytes>, Infallible>>>>;

fn respond(messages: Vec<Vec<u8>>, status: u32, text: &str) -> hyper::Response<Body> {
    let mut frames: Vec<Result<Frame<Bytes>, Infallible>> = messages
        .iter()
        .map(|bytes| Ok(Frame::data(Bytes::from(frame(bytes)))))
        .collect();
    let mut trailers = HeaderMap::new();
    trailers.insert("grpc-status", HeaderValue::from(status));
    if !text.is_empty()
        && let Ok(value) = HeaderValue::from_str(text)
    {
        trailers.insert("grpc-message", value);
    }
    frames.push(Ok(Frame::trailers(trailers)));
    hyper::Response::builder()
        .header("content-type", "application/grpc")
        .body(StreamBody::new(stream::iter(frames)))
        .unwrap_or_else(|_| hyper::Response::new(StreamBody::new(stream::iter(Vec::new()))))
}

async fn answer(
    pool: &DescriptorPool,
    handler: &StreamHandler,
    request: hyper::Request<Incoming>,
) -> hyper::Response<Body> {
    let path = request.uri().path().trim_start_matches('/').to_owned();
    let Some((service, method)) = path.split_once('/') else {
        return respond(Vec::new(), 12, "no such method");
    };
    let Some(method) = pool
        .get_service_by_name(service)
        .and_then(|s| s.methods().find(|m| m.name() == method))
    else {
        return respond(Vec::new(), 12, &format!("no method {path}"));
    };
    let Ok(body) = request.into_body().collect().await else {
        return respond(Vec::new(), 13, "the request broke off");
    };
    let frames = match unframe(&body.to_bytes()) {
        Ok(frames) => frames,
        Err(e) => return respond(Vec::new(), 13, &e),
    };
    let Some(bytes) = frames.first() else {
        return respond(Vec::new(), 3, "no request message");
    };
    let Ok(input) = DynamicMessage::decode(method.input(), bytes.as_slice()) else {
        return respond(Vec::new(), 3, "the request is not the method's input message");
    };
    match handler(&method, &input) {
        Ok(messages) => respond(messages, 0, ""),
        Err((code, text)) => respond(Vec::new(), code, &text),
    }
}

/// A running HTTP provider that takes and answers protobuf bodies (`POST /Service/method`).
#[derive(Debug)]
pub struct ProtobufHttpProvider {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for ProtobufHttpProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Serves the methods of `pool` as plain HTTP: `POST /Service/method` with the request message
/// as an `application/protobuf` body, answered with the response message the same way (a 500
/// with the status for an error).
pub async fn serve_http(pool: DescriptorPool, handler: Handler) -> ProtobufHttpProvider {
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let (pool, handler) = (pool.clone(), Arc::clone(&handler));
        async move { http_answer(&pool, &handler, request).await }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    ProtobufHttpProvider { url, server }
}

async fn http_answer(
    pool: &DescriptorPool,
    handler: &Handler,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let path = request.uri().path().trim_start_matches('/').to_owned();
    let method = path.split_once('/').and_then(|(service, method)| {
        pool.services()
            .filter(|s| s.name() == service || s.full_name() == service)
            .flat_map(|s| s.methods().collect::<Vec<_>>())
            .find(|m| m.name() == method)
    });
    let Some(method) = method else {
        return (axum::http::StatusCode::NOT_FOUND, format!("no method {path}")).into_response();
    };
    let Ok(bytes) = axum::body::to_bytes(request.into_body(), 1 << 20).await else {
        return axum::http::StatusCode::BAD_REQUEST.into_response();
    };
    let Ok(input) = DynamicMessage::decode(method.input(), bytes) else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            "not the method's input message",
        )
            .into_response();
    };
    match handler(&method, &input) {
        Ok(message) => (
            [(
                "content-type",
                format!("application/protobuf; message=.{}", method.output().full_name()),
            )],
            message,
        )
            .into_response(),
        Err((code, text)) => (
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            format!("{code}: {text}"),
        )
            .into_response(),
    }
}

/// What a gRPC server answered: status, status message, the response message's bytes.
#[derive(Debug)]
pub struct Called {
    /// The gRPC status code.
    pub status: u32,
    /// `grpc-message`, percent-decoded.
    pub message: String,
    /// The response message, when one came (the first, for a stream).
    pub body: Option<Vec<u8>>,
    /// Every message of the answer, in order.
    pub messages: Vec<Vec<u8>>,
}

/// One gRPC call with one request message over cleartext HTTP/2: `url` (`http://host:port`), `path`
/// (`/pkg.Service/Method`) and the encoded request message.
pub async fn call(url: &str, path: &str, request: &[u8]) -> Called {
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_nodelay(true);
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build::<_, http_body_util::Full<Bytes>>(connector);
    let request = hyper::Request::post(format!("{url}{path}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(http_body_util::Full::new(Bytes::from(frame(request))))
        .expect("request");
    let response = client.request(request).await.expect("the gRPC call is answered");
    let (parts, body) = response.into_parts();
    let collected = body.collect().await.expect("the whole answer");
    let trailers = collected.trailers().cloned().unwrap_or_default();
    let bytes = collected.to_bytes();
    let find = |name: &str| {
        trailers
            .get(name)
            .or_else(|| parts.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let status = find("grpc-status")
        .and_then(|s| s.parse().ok())
        .expect("a grpc-status");
    let message = find("grpc-message")
        .map(|m| {
            percent_encoding::percent_decode_str(&m)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_default();
    let messages = unframe(&bytes).expect("framed");
    Called {
        status,
        message,
        body: messages.first().cloned(),
        messages,
    }
}

/// A request message in its JSON form (proto field names).
fn fields(message: &DynamicMessage) -> Value {
    accord_protobuf::decode(&message.descriptor(), &message.encode_to_vec()).expect("decodes")
}

fn number(value: &Value, key: &str) -> f64 {
    value[key].as_f64().unwrap_or(0.0)
}

/// The area of a `ShapeMessage`.
fn area(shape: &Value) -> f64 {
    if let Some(s) = shape.get("square") {
        number(s, "edge_length").powi(2)
    } else if let Some(r) = shape.get("rectangle") {
        number(r, "length") * number(r, "width")
    } else if let Some(c) = shape.get("circle") {
        std::f64::consts::PI * number(c, "radius").powi(2)
    } else if let Some(t) = shape.get("triangle") {
        let (a, b, c) = (number(t, "edge_a"), number(t, "edge_b"), number(t, "edge_c"));
        let s = (a + b + c) / 2.0;
        (s * (s - a) * (s - b) * (s - c)).sqrt()
    } else if let Some(p) = shape.get("parallelogram") {
        number(p, "base_length") * number(p, "height")
    } else {
        0.0
    }
}

/// The providers as their teams wrote them: areas computed, features found.
pub fn faithful(method: &MethodDescriptor, request: &DynamicMessage) -> Answer {
    let input = fields(request);
    let answer = match method.name() {
        "calculateOne" => json!({"value": [area(&input)]}),
        "calculateMulti" => {
            let values: Vec<f64> = input["shapes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(area)
                .collect();
            let mut answer = json!({"value": values});
            // The Go example's provider also says which levels it went through.
            if method.output().get_field_by_name("nestedFieldLevel1").is_some() {
                answer["nestedFieldLevel1"] =
                    json!([{"FirstLevel": "First Level", "InnerLevels": [{"InnerLevel": "Inner Level"}]}]);
            }
            answer
        }
        "GetFeature" => json!({"name": "Big Tree", "location": input}),
        other => return Err((12, format!("{other} is not implemented"))),
    };
    Ok(output(method, &answer).encode_to_vec())
}

/// The same providers after a breaking change: no areas; a feature's `location` changed from a
/// message to a number (field 2 sent as a varint), which the pact's descriptors cannot read.
pub fn broken(method: &MethodDescriptor, request: &DynamicMessage) -> Answer {
    match method.name() {
        "GetFeature" => {
            let mut bytes = output(method, &json!({"name": "Big Tree"})).encode_to_vec();
            bytes.extend([0x10, 0x01]);
            Ok(bytes)
        }
        _ => faithful(method, request).map(|_| output(method, &json!({})).encode_to_vec()),
    }
}

/// The one descriptor pool of a pact.
pub fn pool_of(pact: &accord_core::Pact) -> DescriptorPool {
    let descriptors = accord_protobuf::Descriptors::of_pact(pact);
    let info = pact
        .interactions
        .iter()
        .map(accord_core::Interaction::info)
        .find(|info| info.plugin_config.contains_key("protobuf"))
        .expect("a protobuf interaction");
    descriptors.for_interaction(info).expect("the pool").clone()
}
