//! Focusing a body diff on the mismatches: both JSON bodies are cut down to the paths where a
//! mismatch was found, so a field that matched (say a different `id` under a `type` rule) never
//! shows up in the diff, even though its example value differs.

use serde_json::{Map, Value};

use crate::mismatch::{Mismatch, MismatchKind};
use crate::model::Body;
use crate::rules::{DocPath, PathToken};

/// What stands in for an array element no mismatch is in, so indices stay visible.
const ELIDED: &str = "…";

/// The paths of the body mismatches as keys and indices from the root; `None` when one of them
/// covers the whole body or cannot be followed (the whole diff is shown then).
fn mismatch_paths(mismatches: &[Mismatch]) -> Option<Vec<Vec<PathToken>>> {
    let mut paths = Vec::new();
    for m in mismatches.iter().filter(|m| m.kind == MismatchKind::Body) {
        let path = DocPath::parse(&m.location)?;
        let steps: Vec<PathToken> = path.tokens().iter().skip(1).cloned().collect();
        if steps.is_empty()
            || steps
                .iter()
                .any(|t| !matches!(t, PathToken::Field(_) | PathToken::Index(_)))
        {
            return None;
        }
        paths.push(steps);
    }
    (!paths.is_empty()).then_some(paths)
}

/// The paths of `paths` that go on through `step`, without it.
fn below<'a>(paths: &[&'a [PathToken]], step: impl Fn(&PathToken) -> bool) -> Vec<&'a [PathToken]> {
    paths
        .iter()
        .filter(|p| p.first().is_some_and(&step))
        .map(|p| &p[1..])
        .collect()
}

/// `value` with only what lies on `paths` (whole subtrees at their ends).
fn keep(value: &Value, paths: &[&[PathToken]]) -> Value {
    if paths.iter().any(|p| p.is_empty()) {
        return value.clone();
    }
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, child) in map {
                let next = below(paths, |t| matches!(t, PathToken::Field(f) if f == key));
                if !next.is_empty() {
                    out.insert(key.clone(), keep(child, &next));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let next = below(paths, |t| matches!(t, PathToken::Index(n) if *n == i));
                    if next.is_empty() {
                        Value::String(ELIDED.to_owned())
                    } else {
                        keep(item, &next)
                    }
                })
                .collect(),
        ),
        // A path that goes on below a scalar: the scalar is where the difference is.
        other => other.clone(),
    }
}

/// The expected and actual bodies as text cut down to the mismatch paths, when both are JSON
/// and every mismatch path can be followed; `None` otherwise.
pub(crate) fn focused_texts(
    expected: &Body,
    actual: &Body,
    mismatches: &[Mismatch],
) -> Option<(String, String)> {
    let paths = mismatch_paths(mismatches)?;
    let paths: Vec<&[PathToken]> = paths.iter().map(Vec::as_slice).collect();
    let json = |body: &Body| match body {
        Body::Present { content, .. } => serde_json::from_slice::<Value>(content).ok(),
        _ => None,
    };
    let (expected, actual) = (json(expected)?, json(actual)?);
    let pretty = |v: &Value| serde_json::to_string_pretty(&keep(v, &paths)).unwrap_or_default();
    Some((pretty(&expected), pretty(&actual)))
}
