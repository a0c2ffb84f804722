//! The Pact compatibility suite (`pact-compatibility-suite/` in the shared reference data) run
//! against accord: each feature file whose steps are defined here runs every scenario; the run
//! ends with a table of feature files and scenarios passed, failed and not run, then the
//! failures with their step and reason. Exits non-zero when a scenario failed.

mod broker;
mod fixtures;
mod generators;
mod http_consumer;
mod http_provider;
mod interactions;
mod matching;
mod message_consumer;
mod message_provider;
mod pact_file;
mod tables;
mod verification;

use std::path::PathBuf;
use std::process::ExitCode;

use compatibility_suite::{FeatureRun, Outcome};

/// The suite's folder in the shared reference data.
fn suite_dir() -> PathBuf {
    accord_test_support::shared_dir().join("pact-compatibility-suite")
}

/// A runtime for one scenario's servers and clients.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("a runtime for the scenario: {e}"))
}

/// A fresh folder for one scenario's files (created when first written to).
fn scratch_dir() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "accord-compat-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ))
}

/// How a feature file is run: with which step definitions.
enum Binding {
    HttpConsumer,
    HttpProvider,
    PactFile,
    Matching,
    Generators,
    MessageConsumer,
    MessageProvider,
}

/// Every feature file of the suite, in its order, with the steps that run it.
const FEATURES: &[(&str, Binding)] = &[
    ("V1/http_consumer.feature", Binding::HttpConsumer),
    ("V1/http_provider.feature", Binding::HttpProvider),
    ("V2/http_consumer.feature", Binding::HttpConsumer),
    ("V2/http_provider.feature", Binding::HttpProvider),
    ("V3/generators.feature", Binding::Generators),
    ("V3/http_consumer.feature", Binding::PactFile),
    ("V3/http_generators.feature", Binding::Generators),
    ("V3/http_matching.feature", Binding::Matching),
    ("V3/http_provider.feature", Binding::HttpProvider),
    ("V3/matching_rules.feature", Binding::Matching),
    ("V3/message_consumer.feature", Binding::MessageConsumer),
    ("V3/message_provider.feature", Binding::MessageProvider),
    ("V4/generators.feature", Binding::Generators),
    ("V4/http_consumer.feature", Binding::PactFile),
    ("V4/http_provider.feature", Binding::HttpProvider),
    ("V4/matching_rules.feature", Binding::Matching),
    ("V4/message_consumer.feature", Binding::MessageConsumer),
    ("V4/message_provider.feature", Binding::MessageProvider),
    (
        "V4/synchronous_message_consumer.feature",
        Binding::MessageConsumer,
    ),
    ("V4/v4.feature", Binding::PactFile),
];

fn main() -> ExitCode {
    let Some(suite) = accord_test_support::shared_data(
        "pact-compatibility-suite/features",
        "the Pact compatibility suite (pact-compatibility-suite/)",
    ) else {
        println!("0 passed, 0 failed");
        return ExitCode::SUCCESS;
    };
    let started = std::time::Instant::now();
    let mut runs: Vec<FeatureRun> = Vec::new();
    for (file, binding) in FEATURES {
        let feature = match compatibility_suite::parse(&suite.join(file)) {
            Ok(feature) => feature,
            Err(error) => {
                eprintln!("cannot read {file}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let run = match binding {
            Binding::HttpConsumer => compatibility_suite::run(file, &feature, &http_consumer::steps()),
            Binding::HttpProvider => compatibility_suite::run(file, &feature, &http_provider::steps()),
            Binding::PactFile => compatibility_suite::run(file, &feature, &pact_file::steps()),
            Binding::Matching => compatibility_suite::run(file, &feature, &matching::steps()),
            Binding::Generators => compatibility_suite::run(file, &feature, &generators::steps()),
            Binding::MessageProvider => compatibility_suite::run(file, &feature, &message_provider::steps()),
            Binding::MessageConsumer => compatibility_suite::run(file, &feature, &message_consumer::steps()),
        };
        runs.push(run);
    }
    println!("\nPact compatibility suite ({}):\n", suite.display());
    print!("{}", compatibility_suite::table(&runs));
    let mut failed = 0;
    let mut passed = 0;
    for run in &runs {
        for (name, outcome) in &run.scenarios {
            match outcome {
                Outcome::Passed => passed += 1,
                Outcome::Failed { step, reason } => {
                    failed += 1;
                    println!("\nFAILED {} / {name}\n  at: {step}\n  {reason}", run.file);
                }
                Outcome::NotRun => println!("not run: {} / {name}", run.file),
            }
        }
    }
    println!("\nsuite run in {:.1} s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
