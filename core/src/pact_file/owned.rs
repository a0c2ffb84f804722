//! Pact files written by consumer test binaries, which must never shrink by accident.
//!
//! Every write merges: the declared interactions are added, or replace their earlier
//! definition, and everything else stays. A ledger beside the file (`.<file>.ledger.json`)
//! records which test binary and run last wrote each interaction. Only a run that may prune (it
//! runs the whole binary and nothing has failed so far) removes what the same binary wrote in
//! earlier runs and has not declared again, so an interaction of a deleted test goes away. What
//! it removes is parked in the ledger until the run ends: when a test of that run fails, the
//! parked interactions come back ([`test_run_failed`]), so a partly failing run leaves the file
//! as whole as before.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    PactFileError, WriteOutcome, content_of, identity, locked, merge_header, sorted, write_atomically,
};
use crate::format::{interaction_key, pact_to_json, parse_pact_value, read_pact_file};
use crate::model::{Interaction, Pact, SpecVersion};

/// Who writes a pact file from a consumer test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestWriter {
    /// The test run (one `cargo test` invocation).
    pub run: String,
    /// The test binary, without the hash Cargo appends (`it`, `orders_client`).
    pub binary: String,
    /// Whether this run may remove what the binary wrote in earlier runs and has not declared
    /// again: true only for an unfiltered run in which nothing has failed.
    pub prune: bool,
}

/// The ledger beside a pact file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Ledger {
    /// The current run of each binary.
    #[serde(default)]
    binaries: BTreeMap<String, BinaryRun>,
    /// Who last wrote each interaction, by identity.
    #[serde(default)]
    owners: BTreeMap<String, Owner>,
    /// Interactions removed by each binary's current run, as a V4 pact, until the run ends.
    #[serde(default)]
    parked: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct BinaryRun {
    run: String,
    prune: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Owner {
    binary: String,
    run: String,
}

fn ledger_path(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("pact.json");
    path.with_file_name(format!(".{name}.ledger.json"))
}

fn read_ledger(path: &Path) -> Ledger {
    // A missing or unreadable ledger only means nothing is known about owners: nothing is
    // removed that the ledger does not attribute to the writing binary.
    std::fs::read(ledger_path(path))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn write_ledger(path: &Path, ledger: &Ledger) -> Result<(), PactFileError> {
    let text = serde_json::to_string_pretty(ledger).map_err(|e| PactFileError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    write_atomically(&ledger_path(path), text.as_bytes())
}

fn read_existing(path: &Path, like: &Pact) -> Result<Pact, PactFileError> {
    if path.exists() {
        read_pact_file(path).map_err(|source| PactFileError::Existing {
            path: path.to_path_buf(),
            source,
        })
    } else {
        let mut fresh = like.clone();
        fresh.interactions.clear();
        Ok(fresh)
    }
}

/// The parked interactions of a binary, as the pact they are kept in.
fn parked_pact(path: &Path, parked: Option<Value>) -> Result<Option<Pact>, PactFileError> {
    parked
        .map(|value| {
            parse_pact_value(&value, &ledger_path(path).display().to_string()).map_err(|source| {
                PactFileError::Existing {
                    path: ledger_path(path),
                    source,
                }
            })
        })
        .transpose()
}

fn park(pact_like: &Pact, interactions: Vec<Interaction>) -> Result<Value, PactFileError> {
    let mut parked = Pact::new(&pact_like.consumer, &pact_like.provider);
    parked.interactions = interactions;
    Ok(pact_to_json(&parked, SpecVersion::V4)?)
}

/// Merges `pact` into the file at `path` (written in `version`) for `writer`, removing what the
/// same binary wrote in earlier runs only when `writer.prune` holds.
pub fn write_from_test(
    path: &Path,
    pact: &Pact,
    version: SpecVersion,
    writer: &TestWriter,
) -> Result<WriteOutcome, PactFileError> {
    locked(path, |path, _lock| {
        let mut merged = read_existing(path, pact)?;
        let mut ledger = read_ledger(path);
        merge_header(&mut merged, pact);
        let current = ledger
            .binaries
            .entry(writer.binary.clone())
            .or_insert_with(|| BinaryRun {
                run: String::new(),
                prune: false,
            });
        if current.run != writer.run {
            // A new run of this binary: what an earlier run parked was stale after all.
            *current = BinaryRun {
                run: writer.run.clone(),
                prune: writer.prune,
            };
            ledger.parked.remove(&writer.binary);
        }
        let prune = current.prune && writer.prune;
        let mut parked = parked_pact(path, ledger.parked.remove(&writer.binary))?
            .map(|p| p.interactions)
            .unwrap_or_default();
        // Identities once: a declared interaction leaves the parked ones, and is found in the
        // file by a map rather than a scan per interaction.
        let declared_ids: std::collections::HashSet<String> =
            pact.interactions.iter().map(identity).collect();
        parked.retain(|p| !declared_ids.contains(&identity(p)));
        let mut positions: std::collections::HashMap<String, usize> = merged
            .interactions
            .iter()
            .enumerate()
            .map(|(index, i)| (identity(i), index))
            .collect();
        let mut added = 0;
        for interaction in &pact.interactions {
            let id = identity(interaction);
            let mut copy = interaction.clone();
            if copy.info().key.is_none() {
                copy.info_mut().key = Some(interaction_key(interaction));
            }
            match positions.get(&id).copied() {
                Some(index) => {
                    let same_run = ledger.owners.get(&id).is_some_and(|o| o.run == writer.run);
                    let existing = content_of(&merged.interactions[index]);
                    let declared = content_of(interaction);
                    if existing != declared {
                        if same_run {
                            return Err(PactFileError::Conflict {
                                path: path.to_path_buf(),
                                description: interaction.description().to_owned(),
                                existing: Box::new(existing),
                                declared: Box::new(declared),
                            });
                        }
                        // A new run's definition replaces an earlier run's.
                        merged.interactions[index] = copy;
                    }
                }
                None => {
                    positions.insert(id.clone(), merged.interactions.len());
                    merged.interactions.push(copy);
                    added += 1;
                }
            }
            ledger.owners.insert(
                id,
                Owner {
                    binary: writer.binary.clone(),
                    run: writer.run.clone(),
                },
            );
        }
        if prune {
            let (keep, stale): (Vec<Interaction>, Vec<Interaction>) =
                merged.interactions.into_iter().partition(|i| {
                    match ledger.owners.get(&identity(i)) {
                        Some(owner) => owner.binary != writer.binary || owner.run == writer.run,
                        // Written before owners were recorded: this binary claims it.
                        None => false,
                    }
                });
            merged.interactions = keep;
            parked.extend(stale);
        }
        // Owners stay for what is in the file or parked; another binary's records are its own.
        let mut kept: std::collections::HashSet<String> = merged.interactions.iter().map(identity).collect();
        kept.extend(parked.iter().map(identity));
        ledger
            .owners
            .retain(|id, owner| owner.binary != writer.binary || kept.contains(id));
        if !parked.is_empty() {
            ledger.parked.insert(writer.binary.clone(), park(pact, parked)?);
        }
        sorted(&mut merged);
        let text = crate::format::pact_to_string(&merged, version)?;
        write_atomically(path, text.as_bytes())?;
        write_ledger(path, &ledger)?;
        Ok(WriteOutcome {
            path: path.to_path_buf(),
            interactions: merged.interactions.len(),
            added,
        })
    })
}

/// Records that a test of `writer`'s run failed: the run stops pruning, and what it removed so
/// far comes back into the file (unless declared again meanwhile). Returns how many came back.
pub fn test_run_failed(
    path: &Path,
    version: SpecVersion,
    writer: &TestWriter,
) -> Result<usize, PactFileError> {
    locked(path, |path, _lock| {
        let mut ledger = read_ledger(path);
        match ledger.binaries.get_mut(&writer.binary) {
            Some(current) if current.run == writer.run => current.prune = false,
            _ => return Ok(0),
        }
        let Some(parked) = parked_pact(path, ledger.parked.remove(&writer.binary))? else {
            write_ledger(path, &ledger)?;
            return Ok(0);
        };
        let mut merged = read_existing(path, &parked)?;
        let mut restored = 0;
        for interaction in parked.interactions {
            let id = identity(&interaction);
            if !merged.interactions.iter().any(|i| identity(i) == id) {
                merged.interactions.push(interaction);
                restored += 1;
            }
        }
        sorted(&mut merged);
        let text = crate::format::pact_to_string(&merged, version)?;
        write_atomically(path, text.as_bytes())?;
        write_ledger(path, &ledger)?;
        Ok(restored)
    })
}
