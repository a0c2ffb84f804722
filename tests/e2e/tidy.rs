//! The workspace's own rules, checked mechanically: which crate may depend on which, module
//! docs, file sizes.

use std::path::{Path, PathBuf};

/// The library crates, by folder.
const LIBRARIES: &[&str] = &[
    "core",
    "mock-server",
    "client-lib",
    "openapi",
    "verifier",
    "broker",
    "broker-client",
    "protobuf",
    "graphql",
];

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
                "accord-protobuf",
                "accord-graphql",
                "prost",
                "apollo-compiler",
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
            &[
                "accord-mock-server",
                "accord.workspace",
                "accord-broker.",
                "accord-broker =",
                "sqlx",
            ],
        ),
        (
            "broker-client",
            &[
                "accord-core",
                "accord-mock-server",
                "accord.workspace",
                "accord-verifier",
                "accord-broker.",
                "accord-broker =",
                "sqlx",
                "axum",
            ],
        ),
        (
            "broker",
            &["accord-mock-server", "accord.workspace", "accord-verifier"],
        ),
        (
            "openapi",
            &[
                "accord-mock-server",
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
            "protobuf",
            &[
                "accord-mock-server",
                "accord.workspace",
                "accord-verifier",
                "accord-broker",
                "accord-openapi",
                "sqlx",
                "tokio",
                "reqwest",
                "axum",
                "hyper",
            ],
        ),
        (
            "graphql",
            &[
                "accord-mock-server",
                "accord.workspace",
                "accord-verifier",
                "accord-broker",
                "accord-openapi",
                "accord-protobuf",
                "sqlx",
                "tokio",
                "reqwest",
                "axum",
                "hyper",
            ],
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
    for krate in LIBRARIES.iter().chain(&["examples", "test-support"]) {
        rust_files(
            &workspace()
                .join(krate)
                .join(if *krate == "examples" { "" } else { "src" }),
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

/// The lines of the first code block of a `//!` crate doc, without rustdoc's hidden `# ` lines.
fn crate_doc_example(lib: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(lib).expect("lib.rs");
    let mut lines = Vec::new();
    let mut inside = false;
    for line in text.lines().filter_map(|l| l.strip_prefix("//!")) {
        let line = line.strip_prefix(' ').unwrap_or(line);
        if line.starts_with("```") {
            if inside {
                break;
            }
            inside = true;
        } else if inside && !line.starts_with("# ") && !line.trim().is_empty() {
            lines.push(normalized(line));
        }
    }
    lines
}

/// Code without white space and the trailing commas rustfmt adds when it splits a call.
fn normalized(code: &str) -> String {
    let compact: String = code.split_whitespace().collect();
    compact.replace(",)", ")")
}

#[test]
fn crate_doc_examples_are_run_as_tests() {
    for krate in ["core", "client-lib"] {
        let example = crate_doc_example(&workspace().join(krate).join("src/lib.rs"));
        assert!(example.len() > 5, "{krate}: no crate doc example found");
        let test_file = workspace().join(krate).join("tests/it/doc_example.rs");
        let test = normalized(&std::fs::read_to_string(&test_file).expect("doc example test"));
        for line in example {
            assert!(
                test.contains(&line),
                "{}: the crate doc example's line `{line}` is not in {}",
                krate,
                test_file.display()
            );
        }
    }
}

/// Files git tracks (or, outside a checkout, none).
fn tracked_files() -> Vec<String> {
    std::process::Command::new("git")
        .args(["ls-files"])
        .current_dir(workspace())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn no_copy_of_other_projects_data_is_committed() {
    let files = tracked_files();
    if files.is_empty() {
        accord_test_support::skip(
            "the check that no shared data is committed (not a git checkout)",
            "run the tests from a git clone",
        );
        return;
    }
    let spec_case = |f: &str| {
        ["/request/", "/response/", "/message/"]
            .iter()
            .any(|k| f.contains(k))
            && ["v1/", "v1.1/", "v2/", "v3/", "v4/"]
                .iter()
                .any(|v| f.contains(v))
            && f.ends_with(".json")
    };
    let mut shared_names = Vec::new();
    for relative in ["wild-pacts/pacts", "contracts/pact-broker-client"] {
        if let Ok(entries) = std::fs::read_dir(accord_test_support::shared_dir().join(relative)) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") {
                    shared_names.push(name);
                }
            }
        }
    }
    for file in &files {
        assert!(!spec_case(file), "{file} looks like a copied specification case");
        let base = file.rsplit('/').next().unwrap_or(file);
        assert!(
            !shared_names.iter().any(|n| n == base),
            "{file} is a copy of shared data (other projects' files stay in ../shared)"
        );
    }
}

#[test]
fn tests_wait_for_conditions_not_for_time() {
    let files = tracked_files();
    let test_files: Vec<&String> = files
        .iter()
        .filter(|f| f.ends_with(".rs") && (f.contains("tests/") || f.starts_with("tests")))
        .collect();
    for file in test_files {
        let text = std::fs::read_to_string(workspace().join(file)).unwrap_or_default();
        assert!(
            !text.contains(concat!("sleep", "(")),
            "{file} sleeps: wait for a condition with accord_test_support::eventually instead"
        );
    }
}

/// Every `.rs` file under `dir`, as (module path like `routes/labels`, text).
fn modules_of(src: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let relative = file.strip_prefix(src).ok()?.with_extension("");
            let module = relative.to_string_lossy().replace('\\', "/");
            Some((module, std::fs::read_to_string(&file).ok()?))
        })
        .collect()
}

/// The sibling modules a module's code names through `super::x` or `crate::parent::x`.
fn sibling_uses(module: &str, text: &str, siblings: &[&str]) -> Vec<String> {
    let parent = module.rsplit_once('/').map_or("", |(p, _)| p);
    let crate_prefix = if parent.is_empty() {
        "crate::".to_owned()
    } else {
        format!("crate::{}::", parent.replace('/', "::"))
    };
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = Vec::new();
    for sibling in siblings {
        let name = sibling.rsplit('/').next().unwrap_or(sibling);
        if *sibling == module {
            continue;
        }
        let named = [
            format!("super::{name}::"),
            format!("{crate_prefix}{name}::"),
            format!("super::{{{name}"),
        ]
        .iter()
        .any(|p| code.contains(p.as_str()))
            || code.contains(&format!("use super::{name};"));
        if named {
            out.push((*sibling).to_owned());
        }
    }
    out
}

#[test]
fn sibling_modules_do_not_import_each_other_in_a_cycle() {
    for krate in LIBRARIES {
        let modules = modules_of(&workspace().join(krate).join("src"));
        let mut edges: Vec<(String, String)> = Vec::new();
        for (module, text) in &modules {
            let parent = module.rsplit_once('/').map_or("", |(p, _)| p);
            let siblings: Vec<&str> = modules
                .iter()
                .map(|(m, _)| m.as_str())
                .filter(|m| m.rsplit_once('/').map_or("", |(p, _)| p) == parent)
                .collect();
            for target in sibling_uses(module, text, &siblings) {
                edges.push((module.clone(), target));
            }
        }
        // A cycle among siblings: depth-first search from each module.
        for (start, _) in &modules {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            while let Some((node, path)) = stack.pop() {
                for (_, next) in edges.iter().filter(|(from, _)| *from == node) {
                    if next == start {
                        panic!(
                            "{krate}: modules import each other in a cycle: {} -> {start}",
                            path.join(" -> ")
                        );
                    }
                    if !path.contains(next) {
                        let mut longer = path.clone();
                        longer.push(next.clone());
                        stack.push((next.clone(), longer));
                    }
                }
            }
        }
    }
}

#[test]
fn broker_sql_lives_only_in_the_store() {
    for (module, text) in modules_of(&workspace().join("broker/src")) {
        let allowed = module == "db" || module == "store" || module.starts_with("store/");
        assert!(
            allowed || !text.contains("sqlx::query"),
            "broker/src/{module}.rs runs SQL; queries belong in broker/src/store/"
        );
    }
}

/// Tables with their columns, and index names, that a backend's migrations create.
fn schema(
    dir: &Path,
) -> (
    std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    std::collections::BTreeSet<String>,
) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("migrations")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut tables: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    let mut indexes = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("migration");
        let mut current: Option<String> = None;
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["CREATE", "TABLE", name, ..] => {
                    let name = name.trim_end_matches('(').to_owned();
                    tables.entry(name.clone()).or_default();
                    current = Some(name);
                }
                ["ALTER", "TABLE", table, "ADD", "COLUMN", column, ..] => {
                    tables
                        .entry((*table).to_owned())
                        .or_default()
                        .insert((*column).to_owned());
                }
                ["CREATE", "INDEX", name, ..] | ["CREATE", "UNIQUE", "INDEX", name, ..] => {
                    indexes.insert((*name).to_owned());
                }
                [first, ..] if first.starts_with(')') => current = None,
                [column, ..] => {
                    let keyword = ["UNIQUE", "PRIMARY", "FOREIGN", "CHECK", "CONSTRAINT"];
                    if let Some(table) = &current
                        && !keyword.iter().any(|k| column.starts_with(k))
                    {
                        tables
                            .entry(table.clone())
                            .or_default()
                            .insert((*column).to_owned());
                    }
                }
                _ => {}
            }
        }
    }
    (tables, indexes)
}

#[test]
fn sqlite_and_postgres_migrations_define_the_same_schema() {
    let root = workspace().join("broker/migrations");
    let (sqlite_tables, sqlite_indexes) = schema(&root.join("sqlite"));
    let (postgres_tables, postgres_indexes) = schema(&root.join("postgres"));
    assert!(sqlite_tables.len() > 10, "found {} tables", sqlite_tables.len());
    assert_eq!(
        sqlite_tables, postgres_tables,
        "tables and columns differ between backends"
    );
    assert_eq!(
        sqlite_indexes, postgres_indexes,
        "indexes differ between backends"
    );
}

/// A manifest's `[section]` table (up to the next table), without comments and blank lines.
fn manifest_table(text: &str, section: &str) -> Vec<String> {
    let Some(start) = text.find(&format!("\n{section}\n")) else {
        return Vec::new();
    };
    text[start + section.len() + 2..]
        .lines()
        .take_while(|line| !line.starts_with('['))
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn unsafe_code_stays_where_it_is_allowed() {
    let root = std::fs::read_to_string(workspace().join("Cargo.toml")).expect("workspace manifest");
    let workspace_rust = manifest_table(&root, "[workspace.lints.rust]");
    let workspace_clippy = manifest_table(&root, "[workspace.lints.clippy]");
    assert!(
        workspace_rust.contains(&"unsafe_code = \"forbid\"".to_owned()),
        "{workspace_rust:?}"
    );
    let mut members = LIBRARIES.to_vec();
    members.extend(["test-support", "tests", "compatibility"]);
    for krate in members {
        let text = std::fs::read_to_string(workspace().join(krate).join("Cargo.toml")).expect("manifest");
        if krate == "broker" {
            // The broker repeats the workspace's lints, denying unsafe code instead of forbidding
            // it, for its two calls into glibc's allocator.
            let expected: Vec<String> = workspace_rust
                .iter()
                .map(|line| line.replace("unsafe_code = \"forbid\"", "unsafe_code = \"deny\""))
                .collect();
            assert_eq!(
                manifest_table(&text, "[lints.rust]"),
                expected,
                "broker's [lints.rust]"
            );
            assert_eq!(
                manifest_table(&text, "[lints.clippy]"),
                workspace_clippy,
                "broker's [lints.clippy]"
            );
        } else {
            assert_eq!(
                manifest_table(&text, "[lints]"),
                vec!["workspace = true"],
                "{krate}'s [lints]"
            );
        }
    }
    let mut files = Vec::new();
    rust_files(&workspace(), &mut files);
    let allowed = [
        "broker/src/routes/publish.rs",
        "broker/src/bin/accord-broker/main.rs",
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let relative = file
            .strip_prefix(workspace())
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let count = text.matches(concat!("#[allow(", "unsafe_code)]")).count();
        if allowed.iter().any(|a| relative.ends_with(a)) {
            assert!(count <= 1, "{relative} allows unsafe code {count} times");
        } else {
            assert_eq!(
                count, 0,
                "{relative} allows unsafe code; only {allowed:?} may, once each"
            );
        }
    }
}

#[test]
fn libraries_keep_no_global_state_but_the_consumer_librarys_failed_tests() {
    // The one exception: a panic anywhere in a consumer test binary must stop pruning the pact
    // files it writes, and a panic hook has no application object to report to.
    let allowed = ["client-lib/src/failures.rs"];
    let state = [
        "Mutex",
        "RwLock",
        "Atomic",
        "OnceLock",
        "LazyLock",
        "OnceCell",
        "Cell<",
        "Semaphore",
    ];
    for krate in LIBRARIES {
        let mut files = Vec::new();
        rust_files(&workspace().join(krate).join("src"), &mut files);
        for file in files {
            let relative = file
                .strip_prefix(workspace())
                .unwrap_or(&file)
                .to_string_lossy()
                .replace('\\', "/");
            if relative.contains("/bin/")
                || relative.ends_with("/main.rs")
                || allowed.contains(&relative.as_str())
            {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let line = line.trim_start();
                let declares =
                    line.starts_with("static ") || line.contains(" static ") && !line.starts_with("//");
                if declares && !line.contains("&'static") && state.iter().any(|s| line.contains(s)) {
                    panic!(
                        "{relative}:{}: a static with interior mutability; keep such state in the application's state instead: {line}",
                        n + 1
                    );
                }
            }
        }
    }
}

/// The `crate::` modules a broker source file refers to (`use crate::store::...`, `crate::hal::Base`).
fn broker_refs(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .match_indices("crate::")
        .map(|(at, _)| {
            text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Where a broker source file breaks the layering routes → domain → store: handlers parse
/// and render (no store, no connection or transaction of their own, answers typed rather than
/// `json!`), the domain decides without knowing HTTP or the application, the store reads and
/// writes rows only. `relative` is the path under `broker/src`.
fn layer_violations(relative: &str, text: &str) -> Vec<String> {
    let refs = broker_refs(text);
    let uses = |m: &str| refs.iter().any(|r| r == m);
    let mut out = Vec::new();
    if relative.starts_with("routes") {
        if uses("store") {
            out.push(format!(
                "{relative} uses the store; handlers call the domain, which calls the store"
            ));
        }
        for own in [
            ".pool.acquire(",
            ".pool().acquire(",
            "db.write(",
            "db.write_publication(",
        ] {
            if text.contains(own) {
                out.push(format!(
                    "{relative} takes a connection or begins a transaction ({own}); domain functions own them"
                ));
            }
        }
        if text.contains("json!") {
            out.push(format!(
                "{relative} builds an answer with json!; answers are wire types of accord-broker-client"
            ));
        }
    } else if relative.starts_with("domain") {
        for http in [
            "routes",
            "hal",
            "error",
            "AppState",
            "BrokerConfig",
            "serve",
            "auth",
        ] {
            if uses(http) {
                out.push(format!(
                    "{relative} uses crate::{http}; the domain knows neither HTTP nor the application"
                ));
            }
        }
        if text.contains("axum::") {
            out.push(format!("{relative} uses axum; the domain knows no HTTP"));
        }
    } else if relative.starts_with("store") {
        for up in [
            "domain",
            "routes",
            "hal",
            "error",
            "webhooks",
            "AppState",
            "BrokerConfig",
        ] {
            if uses(up) {
                out.push(format!(
                    "{relative} reaches up into crate::{up}; the store reads and writes rows only"
                ));
            }
        }
    }
    out
}

#[test]
fn the_broker_layers_point_one_way_routes_domain_store() {
    let src = workspace().join("broker/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        problems.extend(layer_violations(&relative, &text));
    }
    assert!(
        problems.is_empty(),
        "the broker's layers are crossed:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_layer_check_catches_each_kind_of_back_edge() {
    let cases = [
        ("routes/pacts.rs", "use crate::store::pacts;"),
        (
            "routes/ui/index.rs",
            "let mut conn = state.db.pool.acquire().await?;",
        ),
        ("routes/webhooks.rs", "let mut w = state.db.write().await?;"),
        ("routes/index.rs", "Hal::ok(json!({\"ok\": true}))"),
        ("domain/publish.rs", "use crate::hal::Base;"),
        ("domain/events.rs", "fn f(e: crate::error::ApiError) {}"),
        ("domain/matrix.rs", "fn f(s: &crate::AppState) {}"),
        ("store/pacts.rs", "use crate::domain::DomainError;"),
        ("store/webhooks.rs", "use crate::routes::webhooks;"),
    ];
    for (relative, line) in cases {
        assert!(
            !layer_violations(relative, line).is_empty(),
            "{relative} with `{line}` was not reported"
        );
    }
    assert!(layer_violations("routes/pacts.rs", "use crate::domain::pacts;").is_empty());
    assert!(layer_violations("domain/pacts.rs", "use crate::store::pacts;").is_empty());
}
