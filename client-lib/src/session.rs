//! Running a consumer test against a mock server, then checking what it saw and writing the
//! pact file only when every expectation was met.

use std::future::Future;
use std::thread::JoinHandle;

use accord_core::Pact;
use accord_core::pact_file::WriteOutcome;
use accord_core::report::ReportOptions;
use accord_mock_server::{MockReport, MockServer, MockServerConfig, Reporter};
use tokio::sync::oneshot;

use crate::builder::PactBuilder;
use crate::error::ConsumerError;

#[derive(Debug)]
enum Running {
    /// On the caller's runtime.
    InRuntime(Box<MockServer>),
    /// On a thread with its own runtime (blocking tests asked for it).
    OnThread {
        reporter: Reporter,
        stop: Option<oneshot::Sender<()>>,
        thread: Option<JoinHandle<()>>,
    },
}

/// A running mock server for one consumer test. Call [`MockSession::finish`] at the end of the
/// test; a session dropped without it checks itself and panics on failure.
#[derive(Debug)]
pub struct MockSession {
    running: Running,
    pact: Pact,
    writer: PactBuilderSnapshot,
    finished: bool,
}

/// What a session needs of its builder to write the pact.
#[derive(Debug)]
struct PactBuilderSnapshot {
    builder: PactBuilder,
}

impl MockSession {
    /// The mock server's base URL, e.g. `http://127.0.0.1:43121`.
    pub fn url(&self) -> String {
        match &self.running {
            Running::InRuntime(server) => server.url(),
            Running::OnThread { reporter, .. } => reporter.url(),
        }
    }

    /// `url()` joined with a path.
    pub fn url_for(&self, path: &str) -> String {
        format!("{}{}", self.url(), path)
    }

    /// What the mock server has seen so far.
    pub fn report(&self) -> MockReport {
        match &self.running {
            Running::InRuntime(server) => server.report(),
            Running::OnThread { reporter, .. } => reporter.report(),
        }
    }

    /// Checks that every expected request arrived and nothing else did; on success merges the
    /// interactions into the pact file, on failure writes nothing and returns the report.
    pub fn finish(mut self) -> Result<WriteOutcome, ConsumerError> {
        self.finished = true;
        self.check_and_write()
    }

    fn check_and_write(&mut self) -> Result<WriteOutcome, ConsumerError> {
        let report = self.report();
        self.stop();
        if !report.is_success() {
            crate::failures::record();
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
            return Err(ConsumerError::Mismatches {
                consumer: self.pact.consumer.clone(),
                provider: self.pact.provider.clone(),
                report: report.render(ReportOptions {
                    color,
                    ..ReportOptions::default()
                }),
            });
        }
        self.writer.builder.write(&self.pact)
    }

    fn stop(&mut self) {
        if let Running::OnThread { stop, thread, .. } = &mut self.running {
            if let Some(stop) = stop.take() {
                let _ = stop.send(());
            }
            if let Some(thread) = thread.take() {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for MockSession {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if std::thread::panicking() {
            // The test failed before `finish` (often its client call failed on a mock's
            // answer): show what the mock server saw, which usually says why.
            let report = self.report();
            self.stop();
            crate::failures::record();
            if !report.is_success() {
                let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
                eprintln!(
                    "accord: the test panicked before finishing its mock session for '{}' and '{}'; nothing was written to the pact file. What the mock server saw:\n{}",
                    self.pact.consumer,
                    self.pact.provider,
                    report.render(ReportOptions {
                        color,
                        ..ReportOptions::default()
                    })
                );
            }
            return;
        }
        self.finished = true;
        if let Err(error) = self.check_and_write() {
            panic!("{error}");
        }
    }
}

impl PactBuilder {
    fn snapshot(&self) -> PactBuilderSnapshot {
        let mut builder = PactBuilder::new(&self.pact().consumer, &self.pact().provider);
        builder = builder.output_dir(
            self.pact_path()
                .parent()
                .map(|p| p.to_path_buf())
                .unwrap_or_default(),
        );
        if self.version() == accord_core::SpecVersion::V3 {
            builder = builder.spec_v3();
        }
        if let Some(run_id) = self.configured_run_id() {
            builder = builder.run_id(run_id);
        }
        PactBuilderSnapshot { builder }
    }

    /// Starts a mock server for the declared HTTP interactions on the current tokio runtime.
    pub async fn start_mock_server(&self) -> Result<MockSession, ConsumerError> {
        self.start_mock_server_with(MockServerConfig::default()).await
    }

    /// Starts a mock server with explicit settings (port, CORS) on the current tokio runtime.
    pub async fn start_mock_server_with(
        &self,
        config: MockServerConfig,
    ) -> Result<MockSession, ConsumerError> {
        self.check_declarations()?;
        let server = MockServer::start(self.pact().clone(), config)
            .await
            .map_err(|source| ConsumerError::MockServer {
                provider: self.pact().provider.clone(),
                source,
            })?;
        Ok(MockSession {
            running: Running::InRuntime(Box::new(server)),
            pact: self.pact().clone(),
            writer: self.snapshot(),
            finished: false,
        })
    }

    /// Starts a mock server for a test without a runtime: the server runs on its own thread
    /// with a single-threaded runtime that this call creates for it.
    pub fn start_mock_server_blocking(&self) -> Result<MockSession, ConsumerError> {
        self.check_declarations()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(ConsumerError::Runtime)?;
        let pact = self.pact().clone();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("accord-mock-server".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    match MockServer::start(pact, MockServerConfig::default()).await {
                        Ok(server) => {
                            let _ = ready_tx.send(Ok(server.reporter()));
                            let _ = stop_rx.await;
                            server.shutdown().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })
            .map_err(ConsumerError::Runtime)?;
        let reporter = match ready_rx.recv() {
            Ok(Ok(reporter)) => reporter,
            Ok(Err(source)) => {
                let _ = thread.join();
                return Err(ConsumerError::MockServer {
                    provider: self.pact().provider.clone(),
                    source,
                });
            }
            Err(_) => {
                let _ = thread.join();
                return Err(ConsumerError::Runtime(std::io::Error::other(
                    "mock server thread stopped",
                )));
            }
        };
        Ok(MockSession {
            running: Running::OnThread {
                reporter,
                stop: Some(stop_tx),
                thread: Some(thread),
            },
            pact: self.pact().clone(),
            writer: self.snapshot(),
            finished: false,
        })
    }

    /// Runs an async test against a mock server: starts it, awaits `test(url)`, then checks and
    /// writes the pact. The test's own result is returned when the pact was satisfied.
    pub async fn run<F, Fut, T>(&self, test: F) -> Result<T, ConsumerError>
    where
        F: FnOnce(String) -> Fut,
        Fut: Future<Output = T>,
    {
        let session = self.start_mock_server().await?;
        let value = test(session.url()).await;
        session.finish()?;
        Ok(value)
    }

    /// Runs a synchronous test against a mock server on its own thread, then checks and writes
    /// the pact.
    pub fn run_blocking<T>(&self, test: impl FnOnce(&str) -> T) -> Result<T, ConsumerError> {
        let session = self.start_mock_server_blocking()?;
        let value = test(&session.url());
        session.finish()?;
        Ok(value)
    }
}
