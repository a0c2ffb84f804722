//! Verifying pacts against the provider's OpenAPI document instead of a running provider
//! (`--openapi FILE`): each pact's HTTP interactions are compared with the document by
//! `accord-openapi`, and the verdicts are reported like a verification (text, JSON, JUnit and
//! the same exit codes).

use std::path::{Path, PathBuf};

use accord_core::{Interaction, Mismatch, MismatchKind};
use accord_openapi::{ContractMismatch, OpenApi};

use crate::report::VerificationReport;

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
    let paths = crate::static_check::pact_files(files, dirs)
        .map_err(|(path, source)| OpenApiRunError::Directory { path, source })?;
    let against = format!("the OpenAPI document {}", document.display());
    Ok(crate::static_check::report(&paths, &against, |pact| {
        let comparison = accord_openapi::compare(&openapi, pact);
        pact.interactions
            .iter()
            .enumerate()
            .filter_map(|(index, interaction)| {
                let Interaction::Http(http) = interaction else {
                    return None;
                };
                let description = &http.info.description;
                let found: Vec<Mismatch> = comparison
                    .mismatches
                    .iter()
                    .filter(|m| &m.interaction == description)
                    .map(as_mismatch)
                    .collect();
                let line = format!(
                    "{} {} (compared with {})",
                    http.request.method,
                    http.request.path,
                    document.display()
                );
                Some((index, line, found))
            })
            .collect()
    }))
}
