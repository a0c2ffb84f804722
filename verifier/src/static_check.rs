//! Pacts checked against a provider's published description instead of a running provider (an
//! OpenAPI document, a GraphQL schema): the pacts of `--file` and `--dir` read, each checked,
//! and the verdicts reported like a verification (text, JSON, JUnit and the same exit codes).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use accord_core::{Body, Mismatch, Pact};

use crate::report::{InteractionResult, Outcome, PactResult, VerificationReport};
use crate::source::LoadFailure;

/// The pact files of `files` and the directories `dirs` (searched recursively, sorted).
pub(crate) fn pact_files(
    files: &[PathBuf],
    dirs: &[PathBuf],
) -> Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
    let mut out = files.to_vec();
    for dir in dirs {
        let mut found = Vec::new();
        crate::source::collect_json_files(dir, &mut found).map_err(|e| (dir.clone(), e))?;
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// Checks every pact of `paths` with `check`, which gives a verdict (the interaction's index, a
/// request line for the report, the mismatches) for each HTTP interaction it concerns; `against`
/// says what the pacts were compared with.
pub(crate) fn report(
    paths: &[PathBuf],
    against: &str,
    mut check: impl FnMut(&Pact) -> Vec<(usize, String, Vec<Mismatch>)>,
) -> VerificationReport {
    let mut report = VerificationReport::default();
    for path in paths {
        let source = path.display().to_string();
        let pact = match accord_core::format::read_pact_file(path) {
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
        let verdicts = check(&pact);
        let each = started.elapsed() / u32::try_from(verdicts.len().max(1)).unwrap_or(1);
        let interactions = verdicts
            .into_iter()
            .filter_map(|(index, request_line, mismatches)| {
                let interaction = pact.interactions.get(index)?;
                let info = interaction.info();
                Some(InteractionResult {
                    description: info.description.clone(),
                    key: info.key.clone(),
                    broker_id: None,
                    kind: "Synchronous/HTTP",
                    states: info.provider_states.iter().map(|s| s.name.clone()).collect(),
                    pending: info.pending,
                    comments: Vec::new(),
                    test_name: None,
                    warnings: Vec::new(),
                    request_line: Some(request_line),
                    expected_body: Body::Missing,
                    actual_body: Body::Missing,
                    outcome: if mismatches.is_empty() {
                        Outcome::Passed
                    } else {
                        Outcome::Failed(mismatches)
                    },
                    duration: each.max(Duration::from_nanos(1)),
                })
            })
            .collect();
        report.pacts.push(PactResult {
            consumer: pact.consumer.clone(),
            provider: pact.provider.clone(),
            source,
            consumer_version: None,
            short_description: Some(format!("compared with {against}")),
            pending: false,
            notices: Vec::new(),
            interactions,
            published: None,
        });
    }
    report
}
