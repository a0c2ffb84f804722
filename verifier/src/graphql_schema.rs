//! Verifying pacts' GraphQL interactions against the provider's schema instead of a running
//! provider (`--graphql-schema FILE`): each operation validated against the schema, its
//! example variables and the answer it relies on checked against the schema's types
//! (`accord-graphql`), reported like a verification (text, JSON, JUnit and the same exit codes).

use std::path::{Path, PathBuf};

use accord_core::{Interaction, Mismatch, MismatchKind};
use accord_graphql::GraphqlSchema;

use crate::report::VerificationReport;

/// Why the check could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum GraphqlSchemaRunError {
    /// The schema file could not be read.
    #[error("cannot read the GraphQL schema '{}': {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The schema is not valid GraphQL SDL.
    #[error(transparent)]
    Schema(#[from] accord_graphql::GraphqlError),
    /// A pact directory could not be listed.
    #[error("cannot list the pact directory '{}': {source}", path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Checks the GraphQL interactions of every pact of `files` and `dirs` with the schema at
/// `schema`; interactions that are not GraphQL are left out of the report.
pub fn check_files(
    schema: &Path,
    files: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<VerificationReport, GraphqlSchemaRunError> {
    let text = std::fs::read_to_string(schema).map_err(|source| GraphqlSchemaRunError::Read {
        path: schema.to_path_buf(),
        source,
    })?;
    let parsed = GraphqlSchema::parse(&text, &schema.display().to_string())?;
    let paths = crate::static_check::pact_files(files, dirs)
        .map_err(|(path, source)| GraphqlSchemaRunError::Directory { path, source })?;
    let against = format!("the GraphQL schema {}", schema.display());
    Ok(crate::static_check::report(&paths, &against, |pact| {
        pact.interactions
            .iter()
            .enumerate()
            .filter_map(|(index, interaction)| {
                let Interaction::Http(http) = interaction else {
                    return None;
                };
                let found = parsed.check(&http.request, &http.response)?;
                let mismatches = found
                    .into_iter()
                    .map(|m| Mismatch::new(MismatchKind::Body, m.path, "", "", m.message))
                    .collect();
                let line = format!(
                    "{} {} (checked against {})",
                    http.request.method,
                    http.request.path,
                    schema.display()
                );
                Some((index, line, mismatches))
            })
            .collect()
    }))
}
