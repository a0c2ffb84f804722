//! Test writers of pact files: what one test binary's run may remove, and what comes back when
//! a test of that run fails.

use accord_core::pact_file::{TestWriter, test_run_failed, write_from_test};
use accord_core::{HttpInteraction, Interaction, InteractionInfo, Pact, SpecVersion};

fn pact_with(descriptions: &[&str]) -> Pact {
    let mut pact = Pact::new("shop", "stock");
    for d in descriptions {
        pact.interactions.push(Interaction::Http(HttpInteraction {
            info: InteractionInfo::new(*d),
            ..HttpInteraction::default()
        }));
    }
    pact
}

fn writer(binary: &str, run: &str, prune: bool) -> TestWriter {
    TestWriter {
        run: run.to_owned(),
        binary: binary.to_owned(),
        prune,
    }
}

fn descriptions(path: &std::path::Path) -> Vec<String> {
    accord_core::format::read_pact_file(path)
        .expect("readable")
        .interactions
        .iter()
        .map(|i| i.description().to_owned())
        .collect()
}

fn fresh(name: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("writers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("shop-stock.json")
}

#[test]
fn a_pruning_run_removes_only_its_own_binarys_stale_interactions() {
    let path = fresh("own");
    let v4 = SpecVersion::V4;
    write_from_test(&path, &pact_with(&["a", "b"]), v4, &writer("it", "r1", true)).expect("write");
    write_from_test(&path, &pact_with(&["m"]), v4, &writer("messages", "r1", true)).expect("write");
    // Run 2 of `it` declares only a: b is stale; m belongs to another binary.
    write_from_test(&path, &pact_with(&["a"]), v4, &writer("it", "r2", true)).expect("write");
    assert_eq!(descriptions(&path), ["a", "m"]);
}

#[test]
fn a_failure_brings_back_what_the_run_removed_and_stops_it_pruning() {
    let path = fresh("failure");
    let v4 = SpecVersion::V4;
    write_from_test(&path, &pact_with(&["a", "b", "c"]), v4, &writer("it", "r1", true)).expect("write");
    let run2 = writer("it", "r2", true);
    write_from_test(&path, &pact_with(&["a"]), v4, &run2).expect("write");
    assert_eq!(
        descriptions(&path),
        ["a"],
        "b and c are parked while the run goes on"
    );
    assert_eq!(test_run_failed(&path, v4, &run2).expect("restore"), 2);
    assert_eq!(descriptions(&path), ["a", "b", "c"]);
    // Later writes of the failed run add, never remove.
    write_from_test(&path, &pact_with(&["d"]), v4, &run2).expect("write");
    assert_eq!(descriptions(&path), ["a", "b", "c", "d"]);
}

#[test]
fn a_run_that_may_not_prune_only_adds_and_a_file_without_ledger_is_kept() {
    let path = fresh("legacy");
    let v4 = SpecVersion::V4;
    // A file an older version wrote, with no ledger beside it.
    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
    let text = accord_core::format::pact_to_string(&pact_with(&["old"]), v4).expect("json");
    std::fs::write(&path, text).expect("write");
    write_from_test(&path, &pact_with(&["new"]), v4, &writer("it", "r1", false)).expect("write");
    assert_eq!(descriptions(&path), ["new", "old"]);
}
