//! `PactBuilder`: the pact between one consumer and one provider, declared in a test.

mod graphql;
mod grpc;
mod http;
mod message;
mod part;

pub use graphql::GraphqlInteractionBuilder;
pub use grpc::GrpcInteractionBuilder;
pub use http::{InteractionBuilder, RequestBuilder, ResponseBuilder};
pub use message::{MessageBuilder, MessageInteractionBuilder, ReceivedMessage};

use std::path::PathBuf;

use accord_core::generators::{GeneratorContext, generate_message};
use accord_core::pact_file::{TestWriter, WriteOutcome, write_from_test};
use accord_core::{AsyncMessage, Interaction, Pact, SpecVersion, SyncMessage};

use crate::config::{default_output_dir, run_id, run_is_filtered, test_binary};
use crate::error::ConsumerError;

/// The pact between one consumer and one provider, as a test declares it.
#[derive(Debug)]
pub struct PactBuilder {
    pact: Pact,
    output_dir: Option<PathBuf>,
    version: SpecVersion,
    run_id: Option<String>,
    errors: Vec<String>,
    check_examples: bool,
}

impl PactBuilder {
    /// A pact between `consumer` and `provider`, written as V4.
    pub fn new(consumer: &str, provider: &str) -> PactBuilder {
        crate::failures::watch_panics();
        PactBuilder {
            pact: Pact::new(consumer, provider),
            output_dir: None,
            version: SpecVersion::V4,
            run_id: None,
            errors: Vec::new(),
            check_examples: true,
        }
    }

    /// Declares interactions and messages without checking that each example satisfies its own
    /// matchers, as other Pact libraries declare them: for interactions ported from them as they
    /// are, or to see what the mock server answers a request to such an interaction (it reports
    /// the mismatch when the request arrives). Duplicate declarations are still refused.
    pub fn without_example_checks(mut self) -> Self {
        self.check_examples = false;
        self
    }

    /// Writes the pact file into `dir` instead of `PACT_OUTPUT_DIR` or `target/pacts`.
    pub fn output_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.output_dir = Some(dir.into());
        self
    }

    /// Names the test run writing the pact file: two tests of one run may not declare one
    /// interaction differently, and a run of the whole test binary without failures removes what
    /// earlier runs wrote and this one did not declare. By default the run is the `cargo test`
    /// invocation (or `ACCORD_RUN_ID`).
    pub fn run_id(mut self, run_id: &str) -> Self {
        self.run_id = Some(run_id.to_owned());
        self
    }

    /// Writes the pact as V3 instead of V4 (HTTP-only or message-only pacts).
    pub fn spec_v3(mut self) -> Self {
        self.version = SpecVersion::V3;
        self
    }

    /// Declares an HTTP interaction.
    pub fn interaction(
        &mut self,
        description: &str,
        build: impl FnOnce(&mut InteractionBuilder),
    ) -> &mut Self {
        let mut builder = InteractionBuilder::new(description);
        build(&mut builder);
        match builder.build() {
            Ok(interaction) => {
                if self.check_examples {
                    self.errors
                        .extend(crate::declaration::http_problems(&interaction));
                }
                let interaction = Interaction::Http(interaction);
                self.errors.extend(crate::declaration::duplicate(
                    &self.pact.interactions,
                    &interaction,
                ));
                self.pact.interactions.push(interaction);
            }
            Err(e) => self.errors.push(format!("interaction '{description}': {e}")),
        }
        self
    }

    /// Declares a GraphQL operation over HTTP, in the shape pact-js writes (so the official
    /// tools read it): the mock server judges a request's query by meaning, naming the field
    /// path of any difference. A query that does not parse fails the declaration with its line
    /// and column.
    pub fn graphql_interaction(
        &mut self,
        description: &str,
        build: impl FnOnce(&mut GraphqlInteractionBuilder),
    ) -> &mut Self {
        let mut graphql = GraphqlInteractionBuilder::default();
        build(&mut graphql);
        match graphql.check() {
            Ok(()) => self.interaction(description, |i| graphql.declare(i)),
            Err(e) => {
                self.errors
                    .push(format!("GraphQL interaction '{description}': {e}"));
                self
            }
        }
    }

    /// Declares a gRPC call (V4 synchronous message over gRPC, in the format of Pact's protobuf
    /// plugin): the mock server answers it over HTTP/2, and the pact carries the compiled
    /// descriptors so any verifier can judge it without the `.proto` files.
    pub fn grpc_interaction(
        &mut self,
        description: &str,
        build: impl FnOnce(&mut GrpcInteractionBuilder),
    ) -> &mut Self {
        let mut builder = GrpcInteractionBuilder::new(description);
        build(&mut builder);
        match builder.build() {
            Ok((interaction, plugin)) => {
                let key = &plugin["configuration"];
                let known = self
                    .pact
                    .plugins
                    .iter()
                    .any(|p| p["name"] == "protobuf" && p["configuration"] == *key);
                if !known {
                    match self.pact.plugins.iter_mut().find(|p| p["name"] == "protobuf") {
                        // One plugin entry, every descriptor set under its key.
                        Some(entry) => {
                            if let (Some(existing), Some(new)) =
                                (entry["configuration"].as_object_mut(), key.as_object())
                            {
                                existing.extend(new.clone());
                            }
                        }
                        None => self.pact.plugins.push(plugin),
                    }
                }
                let interaction = Interaction::SyncMessage(interaction);
                self.errors.extend(crate::declaration::duplicate(
                    &self.pact.interactions,
                    &interaction,
                ));
                self.pact.interactions.push(interaction);
            }
            Err(e) => self.errors.push(format!("gRPC interaction '{description}': {e}")),
        }
        self
    }

    /// The pact declared so far.
    pub fn pact(&self) -> &Pact {
        &self.pact
    }

    /// Where the pact file goes: the configured directory plus `<consumer>-<provider>.json`.
    pub fn pact_path(&self) -> PathBuf {
        self.output_dir
            .clone()
            .unwrap_or_else(default_output_dir)
            .join(self.pact.file_name())
    }

    pub(crate) fn check_declarations(&self) -> Result<(), ConsumerError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            crate::failures::record();
            Err(ConsumerError::Declaration {
                problems: self.errors.clone(),
            })
        }
    }

    /// Merges `pact` into the pact file. Interactions this test binary wrote in earlier runs and
    /// no longer declares are removed only by a run of every test in which nothing has failed.
    pub(crate) fn write(&self, pact: &Pact) -> Result<WriteOutcome, ConsumerError> {
        let path = self.pact_path();
        let writer = TestWriter {
            run: self.run_id.clone().unwrap_or_else(run_id),
            binary: test_binary(),
            prune: !run_is_filtered() && !crate::failures::any(),
        };
        let written = write_from_test(&path, pact, self.version, &writer);
        crate::failures::remember(path.clone(), self.version, writer);
        written.map_err(|source| {
            crate::failures::record();
            ConsumerError::Write { path, source }
        })
    }

    pub(crate) fn configured_run_id(&self) -> Option<&str> {
        self.run_id.as_deref()
    }

    pub(crate) fn version(&self) -> SpecVersion {
        self.version
    }

    /// Declares an asynchronous message and hands it (generators applied) to the consumer's
    /// real `handler`. When the handler succeeds the message is added to the pact file; when it
    /// fails the error says why and nothing is written.
    pub fn verify_message<T, E: std::fmt::Display>(
        &mut self,
        description: &str,
        build: impl FnOnce(&mut MessageInteractionBuilder),
        handler: impl FnOnce(&ReceivedMessage) -> Result<T, E>,
    ) -> Result<T, ConsumerError> {
        self.check_declarations()?;
        let mut builder = MessageInteractionBuilder::new(description);
        build(&mut builder);
        let message = builder
            .message
            .build()
            .map_err(|detail| ConsumerError::InvalidMatcher { detail })?;
        if self.check_examples {
            declared(crate::declaration::message_problems(
                description,
                "message",
                &message,
            ))?;
        }
        let generated = generate_message(&message, &GeneratorContext::consumer(None));
        let received = ReceivedMessage::from_contents(&generated);
        let value = handler(&received).map_err(|e| {
            crate::failures::record();
            ConsumerError::Handler {
                description: description.to_owned(),
                reason: e.to_string(),
            }
        })?;
        let mut pact = self.empty_pact();
        pact.interactions.push(Interaction::AsyncMessage(AsyncMessage {
            info: builder.info,
            message,
        }));
        self.write(&pact)?;
        Ok(value)
    }

    /// Declares a synchronous message exchange and hands the request and responses to the
    /// consumer's `handler`; on success the interaction is added to the pact file.
    pub fn verify_sync_message<T, E: std::fmt::Display>(
        &mut self,
        description: &str,
        build: impl FnOnce(&mut MessageInteractionBuilder),
        handler: impl FnOnce(&ReceivedMessage, &[ReceivedMessage]) -> Result<T, E>,
    ) -> Result<T, ConsumerError> {
        self.check_declarations()?;
        let mut builder = MessageInteractionBuilder::new(description);
        build(&mut builder);
        let request = builder
            .message
            .build()
            .map_err(|detail| ConsumerError::InvalidMatcher { detail })?;
        let mut responses = Vec::new();
        for response in builder.responses {
            responses.push(
                response
                    .build()
                    .map_err(|detail| ConsumerError::InvalidMatcher { detail })?,
            );
        }
        let mut problems = crate::declaration::message_problems(description, "request", &request);
        for (i, response) in responses.iter().enumerate() {
            problems.extend(crate::declaration::message_problems(
                description,
                &format!("response {}", i + 1),
                response,
            ));
        }
        if self.check_examples {
            declared(problems)?;
        }
        let ctx = GeneratorContext::consumer(None);
        let received_request = ReceivedMessage::from_contents(&generate_message(&request, &ctx));
        let received_responses: Vec<ReceivedMessage> = responses
            .iter()
            .map(|r| ReceivedMessage::from_contents(&generate_message(r, &ctx)))
            .collect();
        let value = handler(&received_request, &received_responses).map_err(|e| {
            crate::failures::record();
            ConsumerError::Handler {
                description: description.to_owned(),
                reason: e.to_string(),
            }
        })?;
        let mut pact = self.empty_pact();
        pact.interactions.push(Interaction::SyncMessage(SyncMessage {
            info: builder.info,
            request,
            response: responses,
        }));
        self.write(&pact)?;
        Ok(value)
    }

    fn empty_pact(&self) -> Pact {
        let mut pact = self.pact.clone();
        pact.interactions.clear();
        pact
    }
}

/// `Ok` without problems; otherwise a declaration error (a failed test).
fn declared(problems: Vec<String>) -> Result<(), ConsumerError> {
    if problems.is_empty() {
        Ok(())
    } else {
        crate::failures::record();
        Err(ConsumerError::Declaration { problems })
    }
}
