//! Two operations compared by meaning: what the request asks for against what the contract
//! declares, each difference named by its path in the operation (`order.lines.price`).

use std::collections::BTreeMap;

use crate::operation::{Operation, Selection};

/// One way the request's operation differs from the declared one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Where: a field path (`order.lines.price`), a variable (`$id`), a fragment
    /// (`order...Totals`), or `operation` for the operation itself.
    pub path: String,
    /// What differs, in words.
    pub message: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// How `actual` (the request's operation) differs from `expected` (the contract's); empty when
/// they mean the same.
pub fn compare(expected: &Operation, actual: &Operation) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut differ = |path: String, message: String| out.push(Difference { path, message });
    if expected.kind != actual.kind {
        differ(
            "operation".to_owned(),
            format!(
                "the request is a {}; the contract declares a {}",
                actual.kind, expected.kind
            ),
        );
    }
    if expected.name != actual.name {
        let name = |n: &Option<String>| {
            n.as_deref()
                .map_or_else(|| "unnamed".to_owned(), |n| format!("'{n}'"))
        };
        differ(
            "operation".to_owned(),
            format!(
                "the request's operation is {}; the contract declares {}",
                name(&actual.name),
                name(&expected.name)
            ),
        );
    }
    for (name, declared) in &expected.variables {
        match actual.variables.get(name) {
            None => differ(
                format!("${name}"),
                format!(
                    "the contract declares the variable ${name}: {}, the request does not",
                    declared.ty
                ),
            ),
            Some(sent) if sent.ty != declared.ty => differ(
                format!("${name}"),
                format!(
                    "the request declares it {}; the contract declares {}",
                    sent.ty, declared.ty
                ),
            ),
            Some(sent) if sent.default != declared.default => differ(
                format!("${name}"),
                format!(
                    "its default is {}; the contract declares {}",
                    sent.default.as_deref().unwrap_or("none"),
                    declared.default.as_deref().unwrap_or("none")
                ),
            ),
            Some(_) => {}
        }
    }
    for (name, sent) in &actual.variables {
        if !expected.variables.contains_key(name) {
            differ(
                format!("${name}"),
                format!(
                    "the request declares the variable ${name}: {}, which is not in the contract",
                    sent.ty
                ),
            );
        }
    }
    if expected.directives != actual.directives {
        differ(
            "operation".to_owned(),
            format!(
                "its directives are [{}]; the contract declares [{}]",
                actual.directives.join(" "),
                expected.directives.join(" ")
            ),
        );
    }
    selection("", &expected.selection, &actual.selection, &mut out);
    out
}

fn selection(path: &str, expected: &Selection, actual: &Selection, out: &mut Vec<Difference>) {
    let mut differ = |path: String, message: &str| {
        out.push(Difference {
            path,
            message: message.to_owned(),
        });
    };
    for key in expected.fields.keys().filter(|k| !actual.fields.contains_key(*k)) {
        differ(
            at(path, key),
            "declared in the selection, but the request does not select it",
        );
    }
    for key in actual.fields.keys().filter(|k| !expected.fields.contains_key(*k)) {
        differ(at(path, key), "not in the declared selection");
    }
    for name in expected
        .fragments
        .keys()
        .filter(|k| !actual.fragments.contains_key(*k))
    {
        differ(
            format!("{path}...{name}"),
            "the contract spreads this fragment; the request does not",
        );
    }
    for name in actual
        .fragments
        .keys()
        .filter(|k| !expected.fragments.contains_key(*k))
    {
        differ(
            format!("{path}...{name}"),
            "the request spreads this fragment; the contract does not",
        );
    }
    for on in expected.inline.keys().filter(|k| !actual.inline.contains_key(*k)) {
        differ(
            inline_path(path, on),
            "the contract has this inline fragment; the request does not",
        );
    }
    for on in actual.inline.keys().filter(|k| !expected.inline.contains_key(*k)) {
        differ(
            inline_path(path, on),
            "the request has this inline fragment; the contract does not",
        );
    }
    for (key, declared) in &expected.fields {
        let Some(sent) = actual.fields.get(key) else {
            continue;
        };
        let here = at(path, key);
        if sent.name != declared.name {
            out.push(Difference {
                path: here.clone(),
                message: format!(
                    "the request reads the field '{}' here; the contract declares '{}'",
                    sent.name, declared.name
                ),
            });
        }
        arguments(&here, &declared.arguments, &sent.arguments, out);
        if sent.directives != declared.directives {
            out.push(Difference {
                path: here.clone(),
                message: format!(
                    "its directives are [{}]; the contract declares [{}]",
                    sent.directives.join(" "),
                    declared.directives.join(" ")
                ),
            });
        }
        selection(&here, &declared.selection, &sent.selection, out);
    }
    for (name, declared) in &expected.fragments {
        let Some(sent) = actual.fragments.get(name) else {
            continue;
        };
        let here = format!("{path}...{name}");
        if sent.on != declared.on {
            out.push(Difference {
                path: here.clone(),
                message: format!(
                    "the request's fragment is on {}; the contract's on {}",
                    sent.on, declared.on
                ),
            });
        }
        selection(&here, &declared.selection, &sent.selection, out);
    }
    for (on, declared) in &expected.inline {
        if let Some(sent) = actual.inline.get(on) {
            selection(&inline_path(path, on), declared, sent, out);
        }
    }
}

fn inline_path(path: &str, on: &str) -> String {
    if on.is_empty() {
        format!("{path}(inline fragment)")
    } else {
        format!("{path}(... on {on})")
    }
}

fn arguments(
    path: &str,
    expected: &BTreeMap<String, String>,
    actual: &BTreeMap<String, String>,
    out: &mut Vec<Difference>,
) {
    for (name, value) in expected {
        let message = match actual.get(name) {
            None => format!("the contract passes {name}: {value}; the request does not pass {name}"),
            Some(sent) if sent != value => {
                format!("the request passes {name}: {sent}; the contract passes {value}")
            }
            Some(_) => continue,
        };
        out.push(Difference {
            path: format!("{path}({name})"),
            message,
        });
    }
    for (name, sent) in actual {
        if !expected.contains_key(name) {
            out.push(Difference {
                path: format!("{path}({name})"),
                message: format!("the request passes {name}: {sent}, which the contract does not"),
            });
        }
    }
}
