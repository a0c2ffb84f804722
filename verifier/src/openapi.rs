//! Verifying pacts against the provider's OpenAPI document instead of a running provider
//! (`--openapi FILE`): each pact's HTTP interactions are compared with the document by
//! `accord-openapi`, and the verdicts are reported like a verification (text, JSON, JUnit and
//! the same exit codes).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use accord_core::{Body, Interaction, Mismatch, MismatchKind};
use accord_openapi::{ContractMismatch, OpenApi};

use crate::report::{InteractionResult, Outcome, PactResult, VerificationReport};
use crate::source::LoadFailure;

/// Why the comparison could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenApiRunError {
    /// The document could not be read.
    #[error("cannot read the OpenAPI document '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The document is not OpenAPI 3.
    #[error(transparent)]
    Document(#[from] accord_openapi::OpenApiError),
    /// A pact directory could not be listed.
    #[error("cannot list the pact directory '{}': {source}", path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Where in the interaction a comparison mismatch is, as the verifier's mismatch kinds.
fn as_mismatch(m: &ContractMismatch) -> Mismatch {
    let (kind, location) = match m.pact_path.split_once('.') {
        Some(("request", rest)) | Some(("response", rest)) => match rest.split_once('.') {
            Some(("query", name)) => (MismatchKind::Query, name.to_owned()),
            Some(("header", name)) => (MismatchKind::Header, name.to_owned()),
            Some(("path", name)) => (MismatchKind::Path, name.to_owned()),
            Some(("body", path)) => (MismatchKind::Body, path.to_owned()),
            _ if rest == "method" => (MismatchKind::Method, String::new()),
            _ if rest == "status" => (MismatchKind::Status, String::new()),
            _ if rest == "path" => (MismatchKind::Path, String::new()),
            _ => (MismatchKind::Body, "$".to_owned()),
        },
        _ => (MismatchKind::Body, m.pact_path.clone()),
    };
    let message = if m.document_path.is_empty() {
        m.message.clone()
    } else {
        format!("{} (document: {})", m.message, m.document_path)
    };
    Mismatch {
        kind,
        location,
        expected: String::new(),
        actual: String::new(),
        message,
    }
}

fn pact_files(files: &[PathBuf], dirs: &[PathBuf]) -> Result<Vec<PathBuf>, OpenApiRunError> {
    let mut out = files.to_vec();
    for dir in dirs {
        let mut found = Vec::new();
        crate::source::collect_json_files(dir, &mut found).map_err(|source| OpenApiRunError::Directory {
            path: dir.clone(),
            source,
        })?;
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// Compares every pact of `files` and `dirs` with the document at `document`.
pub fn compare_files(
    document: &Path,
    files: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<VerificationReport, OpenApiRunError> {
    let text = std::fs::read_to_string(document).map_err(|source| OpenApiRunError::Read {
        path: document.to_path_buf(),
        source,
    })?;
    let openapi = OpenApi::parse(&text, &document.display().to_string())?;
    let mut report = VerificationReport::default();
    for path in pact_files(files, dirs)? {
        let source = path.display().to_string();
        let pact = match accord_core::format::read_pact_file(&path) {
            Ok(pact) => pact,
            Err(error) => {
                report.load_failures.push(LoadFailure {
                    source,
                    message: crate::source::error_chain(&error),
                });
                continue;
            }
        };
        let started = Instant::now();
        let comparison = accord_openapi::compare(&openapi, &pact);
        let per_interaction = started.elapsed() / u32::try_from(comparison.interactions.max(1)).unwrap_or(1);
        let mut interactions = Vec::new();
        for interaction in &pact.interactions {
            let Interaction::Http(http) = interaction else {
                continue;
            };
            let description = &http.info.description;
            let found: Vec<Mismatch> = comparison
                .mismatches
                .iter()
                .filter(|m| &m.interaction == description)
                .map(as_mismatch)
                .collect();
            interactions.push(InteractionResult {
                description: description.clone(),
                key: http.info.key.clone(),
                broker_id: None,
                kind: "Synchronous/HTTP",
                states: http.info.provider_states.iter().map(|s| s.name.clone()).collect(),
                pending: http.info.pending,
                comments: Vec::new(),
                test_name: None,
                warnings: Vec::new(),
                request_line: Some(format!(
                    "{} {} (compared with {})",
                    http.request.method,
                    http.request.path,
                    document.display()
                )),
                expected_body: Body::Missing,
                actual_body: Body::Missing,
                outcome: if found.is_empty() {
                    Outcome::Passed
                } else {
                    Outcome::Failed(found)
                },
                duration: per_interaction.max(Duration::from_nanos(1)),
            });
        }
        report.pacts.push(PactResult {
            consumer: pact.consumer.clone(),
            provider: pact.provider.clone(),
            source,
            consumer_version: None,
            short_description: Some(format!(
                "compared with the OpenAPI document {}",
                document.display()
            )),
            pending: false,
            notices: Vec::new(),
            interactions,
            published: None,
        });
    }
    Ok(report)
}
