//! Failed tests, seen from the pact files: a failing test's interactions are not written, so a
//! run with a failure must not remove anything else from the files it writes. Failures come from
//! the library (a mock session that was not satisfied, a message handler that failed, a
//! declaration error) and from any panic in the process, through a panic hook installed the first
//! time a pact is declared (it calls the hook that was there before).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

use accord_core::SpecVersion;
use accord_core::pact_file::{TestWriter, test_run_failed};

static FAILED: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();
static WRITTEN: Mutex<Vec<(PathBuf, SpecVersion, TestWriter)>> = Mutex::new(Vec::new());

/// Installs the panic hook once per process.
pub(crate) fn watch_panics() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            record();
            previous(info);
        }));
    });
}

/// Whether a test of this process has failed so far.
pub(crate) fn any() -> bool {
    FAILED.load(Ordering::SeqCst)
}

/// Remembers a pact file this process wrote, to restore it if a test fails later.
pub(crate) fn remember(path: PathBuf, version: SpecVersion, writer: TestWriter) {
    if let Ok(mut written) = WRITTEN.lock()
        && !written
            .iter()
            .any(|(p, _, w)| *p == path && w.binary == writer.binary)
    {
        written.push((path, version, writer));
    }
}

/// Records a failed test: no file written by this process is pruned any more, and what was
/// pruned so far in this run comes back.
pub(crate) fn record() {
    if FAILED.swap(true, Ordering::SeqCst) {
        return;
    }
    let written = match WRITTEN.lock() {
        Ok(written) => written.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    for (path, version, writer) in written {
        if let Err(error) = test_run_failed(&path, version, &writer) {
            eprintln!(
                "accord: a test failed and the interactions removed from '{}' in this run could not be put back: {error}",
                path.display()
            );
        }
    }
}
