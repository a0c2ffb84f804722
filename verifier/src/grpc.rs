//! gRPC calls to the provider: one unary call over HTTP/2 (cleartext, or TLS for `https`
//! targets), its status from the headers or trailers, and its message unframed.

use std::time::Duration;

use accord_protobuf::GrpcAnswer;
use accord_protobuf::grpc::{frame, unframe};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// An HTTP/2 client for gRPC calls to one provider.
#[derive(Clone)]
pub(crate) struct GrpcClient {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
    timeout: Duration,
}

/// Why a call did not get an answer, and whether the provider could not be reached at all.
#[derive(Debug)]
pub(crate) struct CallFailure {
    pub(crate) message: String,
    pub(crate) connection: bool,
}

impl GrpcClient {
    /// A client for the gRPC server at `base` (`http://host:port`).
    pub(crate) fn new(base: &str, timeout: Duration) -> GrpcClient {
        // Without TCP_NODELAY each small call waits for the peer's delayed acknowledgement.
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .http2_only(true)
            .build(connector);
        GrpcClient {
            base: base.trim_end_matches('/').to_owned(),
            client,
            timeout,
        }
    }

    /// Where a call to `path` goes.
    pub(crate) fn url_for(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Calls `path` (`/pkg.Service/Method`) with one encoded message and the given metadata.
    pub(crate) async fn call(
        &self,
        path: &str,
        message: &[u8],
        metadata: &[(String, String)],
    ) -> Result<GrpcAnswer, CallFailure> {
        let url = self.url_for(path);
        let failed = |message: String| CallFailure {
            message,
            connection: false,
        };
        let mut request = hyper::Request::post(&url)
            .header("content-type", "application/grpc")
            .header("te", "trailers");
        for (name, value) in metadata {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request
            .body(Full::new(Bytes::from(frame(message))))
            .map_err(|e| failed(format!("cannot build the gRPC request to {url}: {e}")))?;
        let sent = tokio::time::timeout(self.timeout, self.client.request(request)).await;
        let response = match sent {
            Err(_) => {
                return Err(failed(format!(
                    "the gRPC call to {url} took longer than {:?}",
                    self.timeout
                )));
            }
            Ok(Err(e)) => {
                return Err(CallFailure {
                    message: format!("the gRPC call to {url} failed: {e}"),
                    connection: e.is_connect(),
                });
            }
            Ok(Ok(response)) => response,
        };
        let (parts, body) = response.into_parts();
        let collected = tokio::time::timeout(self.timeout, body.collect())
            .await
            .map_err(|_| {
                failed(format!(
                    "the gRPC answer from {url} took longer than {:?}",
                    self.timeout
                ))
            })?
            .map_err(|e| failed(format!("the gRPC answer from {url} broke off: {e}")))?;
        let trailers = collected.trailers().cloned().unwrap_or_default();
        let bytes = collected.to_bytes();
        let mut metadata: Vec<(String, String)> = Vec::new();
        for (name, value) in parts.headers.iter().chain(trailers.iter()) {
            if let Ok(value) = value.to_str() {
                metadata.push((name.as_str().to_owned(), value.to_owned()));
            }
        }
        let find = |name: &str| metadata.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        if !parts.status.is_success() {
            return Err(failed(format!(
                "{url} answered HTTP {} instead of a gRPC response: is it a gRPC server?",
                parts.status
            )));
        }
        let status = match find("grpc-status") {
            Some(code) => code.trim().parse::<u32>().map_err(|_| {
                failed(format!(
                    "{url} answered a grpc-status that is not a number: '{code}'"
                ))
            })?,
            None => return Err(failed(format!("{url} answered without a grpc-status"))),
        };
        let message = find("grpc-message").map(|m| {
            percent_encoding::percent_decode_str(&m)
                .decode_utf8_lossy()
                .into_owned()
        });
        let frames = unframe(&bytes)
            .map_err(|e| failed(format!("the gRPC answer from {url} is not framed as gRPC: {e}")))?;
        if frames.len() > 1 {
            return Err(failed(format!(
                "{url} answered {} messages to a unary call",
                frames.len()
            )));
        }
        Ok(GrpcAnswer {
            status,
            message,
            body: frames.into_iter().next(),
            metadata,
        })
    }
}
