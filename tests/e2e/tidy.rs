//! The workspace's own rules, checked mechanically: which crate may depend on which, module
//! docs, file sizes.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn manifest_dependencies(krate: &str) -> String {
    let text = std::fs::read_to_string(workspace().join(krate).join("Cargo.toml")).expect("manifest");
    let start = text
        .find("[dependencies]")
        .map(|i| i + "[dependencies]".len())
        .unwrap_or(text.len());
    let rest = &text[start..];
    let end = rest.find("\n[").unwrap_or(rest.len());
    rest[..end].to_owned()
}

#[test]
fn crates_depend_only_on_what_the_architecture_allows() {
    let rules: &[(&str, &[&str])] = &[
        (
            "core",
            &[
                "accord-mock-server",
                "accord =",
                "accord.workspace",
                "accord-verifier",
                "accord-broker",
                "sqlx",
                "tokio",
                "reqwest",
                "axum",
            ],
        ),
        (
            "mock-server",
            &["accord.workspace", "accord-verifier", "accord-broker", "sqlx"],
        ),
        (
            "client-lib",
            &["accord-verifier", "accord-broker", "sqlx", "reqwest"],
        ),
        (
            "verifier",
            &["accord-mock-server", "accord.workspace", "accord-broker", "sqlx"],
        ),
        (
            "broker",
            &["accord-mock-server", "accord.workspace", "accord-verifier"],
        ),
    ];
    for (krate, forbidden) in rules {
        let deps = manifest_dependencies(krate);
        for name in *forbidden {
            assert!(!deps.contains(name), "{krate} must not depend on {name}:\n{deps}");
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() && name != "target" && !name.starts_with('.') {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn source_files_have_module_docs_and_stay_small() {
    let mut files = Vec::new();
    for krate in [
        "core",
        "mock-server",
        "client-lib",
        "verifier",
        "broker",
        "examples",
    ] {
        rust_files(
            &workspace()
                .join(krate)
                .join(if krate == "examples" { "" } else { "src" }),
            &mut files,
        );
    }
    assert!(files.len() > 40, "found {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let is_test = file
            .components()
            .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "benches");
        if !is_test {
            assert!(
                text.starts_with("//!"),
                "{} must start with a //! module doc",
                file.display()
            );
            assert!(
                !text.contains("todo!(") && !text.contains("unimplemented!("),
                "{} has unfinished code",
                file.display()
            );
        }
        let lines = text.lines().count();
        assert!(
            lines <= 800,
            "{} has {lines} lines; split it by responsibility",
            file.display()
        );
    }
}
