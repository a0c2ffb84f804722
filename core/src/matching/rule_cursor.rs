//! Rule selection while walking a document: each step keeps only the rule paths that can still
//! apply, so choosing the best rule costs time linear in the live rules, never in all of them per
//! node and never quadratic.

use crate::rules::{PathToken, RuleCategory, RuleList, ValueStep};

/// The rule paths of one category, parsed once per comparison.
#[derive(Debug)]
pub(crate) struct CompiledRules<'r> {
    entries: Vec<(Vec<PathToken>, &'r RuleList)>,
}

impl<'r> CompiledRules<'r> {
    /// Parses every key of a body-like category as a path; keys that are not paths select nothing.
    pub(crate) fn new(category: Option<&'r RuleCategory>) -> CompiledRules<'r> {
        let mut entries = Vec::new();
        if let Some(category) = category {
            for (key, list) in category.iter() {
                if let Some(path) = crate::rules::DocPath::parse(key) {
                    let tokens = path.tokens().get(1..).unwrap_or(&[]).to_vec();
                    entries.push((tokens, list));
                }
            }
        }
        CompiledRules { entries }
    }

    /// Rules for a sub-document rooted at a node (used by `arrayContains` variants).
    pub(crate) fn from_category(category: &'r RuleCategory) -> CompiledRules<'r> {
        CompiledRules::new(Some(category))
    }

    /// The cursor at the document root.
    pub(crate) fn root(&self) -> Cursor {
        Cursor {
            live: (0..self.entries.len())
                .map(|idx| Live {
                    idx: idx as u32,
                    pos: 0,
                    weight: 2,
                    exact: self.entries[idx].0.is_empty(),
                })
                .collect(),
        }
    }

    /// The cursor one step below `cursor`.
    pub(crate) fn step(&self, cursor: &Cursor, step: ValueStep<'_>) -> Cursor {
        let mut live = Vec::with_capacity(cursor.live.len());
        for entry in &cursor.live {
            let tokens = &self.entries[entry.idx as usize].0;
            if entry.pos as usize >= tokens.len() {
                live.push(Live {
                    exact: false,
                    ..*entry
                });
                continue;
            }
            let w = tokens[entry.pos as usize].weight(step);
            if w > 0 {
                live.push(Live {
                    idx: entry.idx,
                    pos: entry.pos + 1,
                    weight: entry.weight.saturating_mul(w),
                    exact: entry.pos as usize + 1 == tokens.len(),
                });
            }
        }
        Cursor { live }
    }

    /// A cursor where either of two cursors' rules may apply (XML children may be addressed
    /// with or without an index step).
    pub(crate) fn merge(&self, mut first: Cursor, second: Cursor) -> Cursor {
        first.live.extend(second.live);
        first
    }

    /// The best rule at the cursor's node: highest weight times path length, deeper paths winning
    /// ties. `cascaded` is true when the rule was written for an ancestor.
    pub(crate) fn best(&self, cursor: &Cursor) -> Option<Selected<'r>> {
        let mut best: Option<(u64, &Live)> = None;
        for entry in &cursor.live {
            let tokens = &self.entries[entry.idx as usize].0;
            if entry.pos as usize != tokens.len() {
                continue;
            }
            let score = u64::from(entry.weight) * (tokens.len() as u64 + 1);
            if best.is_none_or(|(s, _)| score >= s) {
                best = Some((score, entry));
            }
        }
        best.map(|(_, entry)| {
            let tokens = &self.entries[entry.idx as usize].0;
            let _ = tokens;
            Selected {
                list: self.entries[entry.idx as usize].1,
                cascaded: !entry.exact,
            }
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Live {
    idx: u32,
    pos: u16,
    weight: u32,
    /// The rule path ends exactly at this node (not at an ancestor).
    exact: bool,
}

/// The rule paths still live at one node of the document.
#[derive(Debug, Clone)]
pub(crate) struct Cursor {
    live: Vec<Live>,
}

/// The rule chosen for a node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Selected<'r> {
    pub(crate) list: &'r RuleList,
    pub(crate) cascaded: bool,
}
