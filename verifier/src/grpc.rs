//! gRPC calls to the provider over HTTP/2 (cleartext, or TLS for `https` targets): the request
//! message sent (as a whole client stream for a streaming method), the status read from the
//! headers or trailers, and every message of the answer unframed.

use std::time::Duration;

use accord_protobuf::GrpcAnswer;
use accord_protobuf::grpc::{frame, unframe};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// An HTTP/2 client for gRPC calls to one provider.
#[derive(Clone)]
pub(crate) struct GrpcClient {
    base: String,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    timeout: Duration,
}

/// Why a call did not get an answer, and whether the provider could not be reached at all.
#[derive(Debug)]
pub(crate) struct CallFailure {
    pub(crate) message: String,
    pub(crate) connection: bool,
}

impl GrpcClient {
    /// A client for the gRPC server at `base` (`http://host:port` for cleartext HTTP/2,
    /// `https://...` for TLS, trusting the web's roots and `roots` (PEM certificates)).
    pub(crate) fn new(base: &str, timeout: Duration, roots: &[String]) -> Result<GrpcClient, String> {
        // Without TCP_NODELAY each small call waits for the peer's delayed acknowledgement.
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.enforce_http(false);
        let https = HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(roots)?)
            .https_or_http()
            .enable_http2()
            .wrap_connector(connector);
        let client = Client::builder(TokioExecutor::new())
            .http2_only(true)
            .build(https);
        Ok(GrpcClient {
            base: base.trim_end_matches('/').to_owned(),
            client,
            timeout,
        })
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
                // The cause (a refused connection, an untrusted certificate) is in the chain.
                let mut message = format!("the gRPC call to {url} failed: {e}");
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    message.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                return Err(CallFailure {
                    message,
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
        Ok(GrpcAnswer {
            status,
            message,
            messages: frames,
            metadata,
        })
    }
}

/// TLS settings for gRPC: the web's roots and the given PEM certificates.
fn tls_config(roots: &[String]) -> Result<ClientConfig, String> {
    let mut store = RootCertStore::empty();
    store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for pem in roots {
        for certificate in CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let certificate = certificate.map_err(|e| format!("a gRPC CA certificate is not PEM: {e}"))?;
            store
                .add(certificate)
                .map_err(|e| format!("a gRPC CA certificate cannot be trusted: {e}"))?;
        }
    }
    let provider = std::sync::Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    // ALPN (h2) is set by the connector (`enable_http2`).
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS for gRPC: {e}"))?
        .with_root_certificates(store)
        .with_no_client_auth())
}
