//! Writing pact files safely when many tests in many processes write the same file: an
//! exclusive lock, a merge with what is already there, a temporary file and a rename, so no
//! interaction is lost and no reader ever sees a half-written file.
//!
//! [`write_pact_file`] serves writers that belong to a *run* (the mock server's control API on
//! behalf of a test run elsewhere): the first write of a new run replaces what earlier runs
//! left, later writes of the same run merge. Consumer tests of this workspace's library write
//! with [`write_from_test`], which never shrinks a file by accident (see `owned`). Two writes of
//! the same run that declare the same interaction (description and provider states) with
//! different content are a conflict.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{PactReadError, PactWriteError};
use crate::format::{interaction_key, pact_to_json, pact_to_string, read_pact_file};
use crate::model::{Interaction, Pact, SpecVersion};

mod owned;

pub use owned::{TestWriter, test_run_failed, write_from_test};

/// A pact file that could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PactFileError {
    /// Creating the directory, locking, writing or renaming failed.
    #[error("cannot write pact file '{}'", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The IO error.
        #[source]
        source: std::io::Error,
    },
    /// The existing file could not be read, so merging would lose its content.
    #[error("cannot merge into existing pact file '{}'", path.display())]
    Existing {
        /// The file.
        path: PathBuf,
        /// Why reading it failed.
        #[source]
        source: PactReadError,
    },
    /// The pact cannot be expressed in the requested version.
    #[error(transparent)]
    Write(#[from] PactWriteError),
    /// Two tests of the same run declared one interaction with different content.
    #[error(
        "conflicting definitions of interaction '{description}' in pact file '{}': two tests of one run declare it with different content (rename one, or declare it the same way)\n{}",
        path.display(),
        definition_diff(existing, declared)
    )]
    Conflict {
        /// The file.
        path: PathBuf,
        /// The interaction's description.
        description: String,
        /// The interaction as already written.
        existing: Box<Value>,
        /// The interaction as declared now.
        declared: Box<Value>,
    },
}

/// A unified diff of two definitions of an interaction, as pretty JSON.
fn definition_diff(existing: &Value, declared: &Value) -> String {
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    similar::TextDiff::from_lines(&pretty(existing), &pretty(declared))
        .unified_diff()
        .context_radius(2)
        .header("written by an earlier test", "declared now")
        .to_string()
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The file written.
    pub path: PathBuf,
    /// Interactions in the file after the write.
    pub interactions: usize,
    /// Interactions this write added (not already present from the same run).
    pub added: usize,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> PactFileError + '_ {
    move |source| PactFileError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The identity of an interaction within a pact: kind, description and provider states.
fn identity(interaction: &Interaction) -> String {
    let info = interaction.info();
    let states: Vec<String> = info
        .provider_states
        .iter()
        .map(|s| format!("{}{}", s.name, Value::Object(s.params.clone())))
        .collect();
    format!(
        "{}\u{0}{}\u{0}{}",
        interaction.type_name(),
        info.description,
        states.join("\u{0}")
    )
}

/// The interaction's content as written, without its key (keys are derived from content).
fn content_of(interaction: &Interaction) -> Value {
    let mut single = Pact::new("c", "p");
    let mut copy = interaction.clone();
    copy.info_mut().key = Some(String::new());
    single.interactions.push(copy);
    pact_to_json(&single, SpecVersion::V4)
        .map(|v| v["interactions"][0].clone())
        .unwrap_or(Value::Null)
}

/// Merges `pact` into the file at `path` (written in `version`) on behalf of run `run_id`.
pub fn write_pact_file(
    path: &Path,
    pact: &Pact,
    version: SpecVersion,
    run_id: &str,
) -> Result<WriteOutcome, PactFileError> {
    locked(path, |path, lock| merge_locked(path, lock, pact, version, run_id))
}

/// Runs `f` holding the exclusive lock of the pact file at `path` (its directory is created);
/// `f` gets the lock file, whose content the caller may use.
fn locked<T>(
    path: &Path,
    f: impl FnOnce(&Path, &mut File) -> Result<T, PactFileError>,
) -> Result<T, PactFileError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_error(path))?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("pact.json");
    let mut lock = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(format!(".{file_name}.lock")))
        .map_err(io_error(path))?;
    lock.lock().map_err(io_error(path))?;
    let result = f(path, &mut lock);
    let _ = lock.unlock();
    result
}

/// Takes the names, metadata and plugins of `pact` into `merged`.
fn merge_header(merged: &mut Pact, pact: &Pact) {
    merged.consumer = pact.consumer.clone();
    merged.provider = pact.provider.clone();
    for (key, value) in &pact.metadata {
        merged.metadata.insert(key.clone(), value.clone());
    }
    for plugin in &pact.plugins {
        if !merged.plugins.contains(plugin) {
            merged.plugins.push(plugin.clone());
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, flushes it and renames it over `path`, so
/// no reader ever sees a half-written file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), PactFileError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("pact"),
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    {
        let mut file = File::create(&tmp).map_err(io_error(path))?;
        file.write_all(bytes).map_err(io_error(path))?;
        file.sync_all().map_err(io_error(path))?;
    }
    if let Err(source) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(PactFileError::Io {
            path: path.to_path_buf(),
            source,
        });
    }
    Ok(())
}

/// A stable order keeps pact files identical whichever test wrote first.
fn sorted(pact: &mut Pact) {
    pact.interactions
        .sort_by(|a, b| (a.type_name(), a.description()).cmp(&(b.type_name(), b.description())));
}

fn merge_locked(
    path: &Path,
    lock: &mut File,
    pact: &Pact,
    version: SpecVersion,
    run_id: &str,
) -> Result<WriteOutcome, PactFileError> {
    // The lock file records which run wrote last.
    let mut last_run = String::new();
    lock.read_to_string(&mut last_run).map_err(io_error(path))?;
    let same_run = last_run.trim() == run_id;
    let mut merged = if same_run && path.exists() {
        read_pact_file(path).map_err(|source| PactFileError::Existing {
            path: path.to_path_buf(),
            source,
        })?
    } else {
        let mut fresh = pact.clone();
        fresh.interactions.clear();
        fresh
    };
    merge_header(&mut merged, pact);
    let mut added = 0;
    let mut positions: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (index, existing) in merged.interactions.iter().enumerate() {
        positions.entry(identity(existing)).or_insert(index);
    }
    for interaction in &pact.interactions {
        let id = identity(interaction);
        match positions.get(&id).copied() {
            Some(index) => {
                let declared = content_of(interaction);
                let existing = content_of(&merged.interactions[index]);
                if existing != declared {
                    return Err(PactFileError::Conflict {
                        path: path.to_path_buf(),
                        description: interaction.description().to_owned(),
                        existing: Box::new(existing),
                        declared: Box::new(declared),
                    });
                }
            }
            None => {
                let mut copy = interaction.clone();
                if copy.info().key.is_none() {
                    copy.info_mut().key = Some(interaction_key(interaction));
                }
                positions.insert(id, merged.interactions.len());
                merged.interactions.push(copy);
                added += 1;
            }
        }
    }
    sorted(&mut merged);
    let text = pact_to_string(&merged, version)?;
    write_atomically(path, text.as_bytes())?;
    lock.set_len(0).map_err(io_error(path))?;
    lock.seek(SeekFrom::Start(0)).map_err(io_error(path))?;
    lock.write_all(run_id.as_bytes()).map_err(io_error(path))?;
    Ok(WriteOutcome {
        path: path.to_path_buf(),
        interactions: merged.interactions.len(),
        added,
    })
}
