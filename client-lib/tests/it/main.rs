//! Consumer tests written the way a user of `accord` writes them.

mod concurrency;
mod consumer;
mod doc_example;
mod messages;
mod people;

use std::path::PathBuf;

/// A fresh directory for pact files under the target directory.
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", uuid_like()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}-{nanos}", std::process::id())
}

/// Reads a written pact file.
pub(crate) fn read_pact(path: &std::path::Path) -> accord_core::Pact {
    accord_core::format::read_pact_file(path).expect("pact file is readable")
}
