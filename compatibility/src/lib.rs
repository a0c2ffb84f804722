//! A small runner for Gherkin features: step definitions are regular expressions bound to
//! functions over a per-scenario world; each scenario passes, fails at a step with a reason, or
//! is not run (tagged `@wip`); an undefined or ambiguous step is a failure, never a skip.

use std::path::Path;

use regex::Regex;

/// What a step function receives besides the world: the pattern's captures, the step's data
/// table and doc string.
#[derive(Debug)]
pub struct StepInput<'a> {
    /// The pattern's capture groups, in order (an unmatched optional group is empty).
    pub captures: Vec<String>,
    /// The step's data table, as rows of cells.
    pub table: Option<&'a [Vec<String>]>,
    /// The step's doc string.
    pub docstring: Option<&'a str>,
}

impl StepInput<'_> {
    /// Capture `i`, or an empty text.
    pub fn arg(&self, i: usize) -> &str {
        self.captures.get(i).map_or("", String::as_str)
    }

    /// The data table, or a failure naming the step's need for one.
    pub fn table(&self) -> Result<&[Vec<String>], String> {
        self.table
            .ok_or_else(|| "this step needs a data table".to_owned())
    }
}

/// A step function: `Err` fails the scenario with the reason.
pub type StepFn<W> = fn(&mut W, &StepInput<'_>) -> Result<(), String>;

/// Step definitions for a world `W`.
#[derive(Debug)]
pub struct Steps<W> {
    defined: Vec<(Regex, StepFn<W>)>,
}

impl<W> Default for Steps<W> {
    fn default() -> Self {
        Steps { defined: Vec::new() }
    }
}

impl<W> Steps<W> {
    /// Defines a step by a regular expression matched against the whole step text.
    ///
    /// # Panics
    /// When `pattern` is not a valid regular expression: a defect of the step definitions.
    pub fn step(&mut self, pattern: &str, run: StepFn<W>) -> &mut Self {
        let anchored = format!("^{pattern}$");
        let regex = Regex::new(&anchored).unwrap_or_else(|e| panic!("step pattern {pattern}: {e}"));
        self.defined.push((regex, run));
        self
    }

    fn find(&self, text: &str) -> Result<(StepFn<W>, Vec<String>), String> {
        let mut found = self
            .defined
            .iter()
            .filter_map(|(regex, run)| regex.captures(text).map(|c| (regex, *run, c)));
        let Some((regex, run, captures)) = found.next() else {
            return Err("undefined step".to_owned());
        };
        if let Some((other, _, _)) = found.next() {
            return Err(format!("ambiguous step: matches both /{regex}/ and /{other}/"));
        }
        let captures = captures
            .iter()
            .skip(1)
            .map(|m| m.map_or(String::new(), |m| m.as_str().to_owned()))
            .collect();
        Ok((run, captures))
    }
}

/// How one scenario ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every step passed.
    Passed,
    /// A step failed: the step's text and why.
    Failed {
        /// The failing step, with its keyword.
        step: String,
        /// Why it failed.
        reason: String,
    },
    /// Not run: tagged `@wip`.
    NotRun,
}

/// The scenarios of one feature file with their outcomes.
#[derive(Debug, Clone)]
pub struct FeatureRun {
    /// The feature file, relative to the features folder.
    pub file: String,
    /// Each scenario's name (outline rows numbered) with its outcome.
    pub scenarios: Vec<(String, Outcome)>,
}

impl FeatureRun {
    /// How many scenarios ended with `wanted`'s kind.
    pub fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.scenarios.iter().filter(|(_, o)| wanted(o)).count()
    }
}

/// One scenario to run: its name, tags and steps (background first, outline values filled in).
#[derive(Debug, Clone)]
struct Planned {
    name: String,
    wip: bool,
    steps: Vec<gherkin::Step>,
}

/// Reads a feature file.
///
/// # Errors
/// When the file cannot be read or is not Gherkin.
pub fn parse(path: &Path) -> Result<gherkin::Feature, String> {
    gherkin::Feature::parse_path(path, gherkin::GherkinEnv::default())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The scenarios of `feature`, with scenario outlines expanded one per example row.
fn plan(feature: &gherkin::Feature) -> Vec<Planned> {
    let background: Vec<gherkin::Step> = feature
        .background
        .as_ref()
        .map(|b| b.steps.clone())
        .unwrap_or_default();
    let wip_feature = feature.tags.iter().any(|t| t == "wip");
    let scenarios = feature
        .scenarios
        .iter()
        .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()));
    let mut out = Vec::new();
    for scenario in scenarios {
        let wip = wip_feature || scenario.tags.iter().any(|t| t == "wip");
        let rows: Vec<(Vec<String>, Vec<String>)> = scenario
            .examples
            .iter()
            .filter_map(|e| e.table.as_ref())
            .flat_map(|t| {
                let header = t.rows.first().cloned().unwrap_or_default();
                t.rows.iter().skip(1).map(move |r| (header.clone(), r.clone()))
            })
            .collect();
        if rows.is_empty() {
            let mut steps = background.clone();
            steps.extend(scenario.steps.iter().cloned());
            out.push(Planned {
                name: scenario.name.clone(),
                wip,
                steps,
            });
            continue;
        }
        for (i, (header, row)) in rows.iter().enumerate() {
            let fill = |text: &str| {
                header
                    .iter()
                    .zip(row)
                    .fold(text.to_owned(), |t, (k, v)| t.replace(&format!("<{k}>"), v))
            };
            let mut steps = background.clone();
            for step in &scenario.steps {
                let mut step = step.clone();
                step.value = fill(&step.value);
                if let Some(table) = &mut step.table {
                    for cell in table.rows.iter_mut().flatten() {
                        *cell = fill(cell);
                    }
                }
                step.docstring = step.docstring.as_deref().map(fill);
                steps.push(step);
            }
            out.push(Planned {
                name: format!("{} (example {})", scenario.name, i + 1),
                wip,
                steps,
            });
        }
    }
    out
}

/// Runs every scenario of `feature` with a fresh world each (`@wip` ones are not run).
pub fn run<W: Default>(file: &str, feature: &gherkin::Feature, steps: &Steps<W>) -> FeatureRun {
    let mut scenarios = Vec::new();
    for planned in plan(feature) {
        if planned.wip {
            scenarios.push((planned.name, Outcome::NotRun));
            continue;
        }
        let mut world = W::default();
        let mut outcome = Outcome::Passed;
        for step in &planned.steps {
            let text = step.value.trim();
            let result = steps.find(text).and_then(|(run, captures)| {
                let input = StepInput {
                    captures,
                    table: step.table.as_ref().map(|t| t.rows.as_slice()),
                    docstring: step.docstring.as_deref(),
                };
                run(&mut world, &input)
            });
            if let Err(reason) = result {
                outcome = Outcome::Failed {
                    step: format!("{}{}", step.keyword, text),
                    reason,
                };
                break;
            }
        }
        scenarios.push((planned.name, outcome));
    }
    FeatureRun {
        file: file.to_owned(),
        scenarios,
    }
}

/// Whether `actual` (accord's text) says what the suite's `wanted` text says: equal, or
/// beginning with it (a few of the suite's texts end early, before a closing quote), where the
/// suite's `\s*` stands for optional white space (it writes content types that way).
pub fn says(wanted: &str, actual: &str) -> bool {
    if wanted == actual {
        return true;
    }
    let pattern = format!("^{}", regex::escape(wanted).replace(r"\\s\*", r"\s*"));
    Regex::new(&pattern).is_ok_and(|r| r.is_match(actual))
}

/// The closing table: each feature file with its scenarios passed, failed and not run.
pub fn table(runs: &[FeatureRun]) -> String {
    let width = runs.iter().map(|r| r.file.len()).max().unwrap_or(7).max(7);
    let mut out = format!("{:<width$}  passed  failed  not run\n", "feature");
    let (mut p, mut f, mut n) = (0, 0, 0);
    for run in runs {
        let passed = run.count(|o| *o == Outcome::Passed);
        let failed = run.count(|o| matches!(o, Outcome::Failed { .. }));
        let not_run = run.count(|o| *o == Outcome::NotRun);
        out.push_str(&format!(
            "{:<width$}  {passed:>6}  {failed:>6}  {not_run:>7}\n",
            run.file
        ));
        (p, f, n) = (p + passed, f + failed, n + not_run);
    }
    out.push_str(&format!("{:<width$}  {p:>6}  {f:>6}  {n:>7}\n", "total"));
    out
}

#[cfg(test)]
mod tests {
    use super::says;

    #[test]
    fn the_suite_text_is_literal_but_for_optional_white_space_and_may_end_early() {
        assert!(says("Expected 'a' (String)", "Expected 'a' (String)"));
        assert!(says(
            "Expected '100' to match '[a-z]+",
            "Expected '100' to match '[a-z]+'"
        ));
        assert!(says(
            r"value 'application/json;\s*charset=UTF-8'",
            "value 'application/json;charset=UTF-8'"
        ));
        assert!(!says("Expected 'a' (String)", "Expected 'a' String"));
        assert!(!says("[a-z]+", "abc"));
    }
}
