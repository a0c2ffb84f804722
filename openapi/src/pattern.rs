//! Whether every text one regular expression accepts is accepted by another: a pact's regex
//! rule against a document's `pattern`. Both become deterministic automata and their product is
//! walked breadth first, so the answer is exact and comes with the shortest counterexample. A
//! regex outside the regular languages (look-around, back-references) or one whose automaton
//! grows too large gives no answer, and the caller falls back to checking the example.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};

/// The largest automaton built for one expression, in bytes.
const DFA_SIZE: usize = 2 * 1024 * 1024;
/// The most state pairs walked before giving up.
const MAX_PAIRS: usize = 50_000;

/// A state of both automata at once.
type Pair = (StateID, StateID);
/// How each pair was first reached: the pair before it and the byte read.
type Trail = HashMap<Pair, Option<(Pair, u8)>>;

/// How a text must relate to an expression to be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Semantics {
    /// The whole text matches (a pact's regex rule).
    Whole,
    /// Some part of the text matches (JSON Schema's `pattern`).
    Search,
}

struct Dfa {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
}

impl Dfa {
    fn new(pattern: &str, semantics: Semantics) -> Option<Dfa> {
        let wrapped = match semantics {
            Semantics::Whole => format!("(?:{pattern})"),
            Semantics::Search => format!("(?s:.*)(?:{pattern})(?s:.*)"),
        };
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(MatchKind::All)
                    .start_kind(StartKind::Anchored)
                    .dfa_size_limit(Some(DFA_SIZE))
                    .determinize_size_limit(Some(DFA_SIZE)),
            )
            .build(&wrapped)
            .ok()?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .ok()?;
        Some(Dfa { dfa, start })
    }

    /// Whether the text read so far (ending in `state`) is accepted.
    fn accepts(&self, state: StateID) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(state))
    }
}

/// The outcome of an inclusion question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inclusion {
    /// Every text the first accepts, the second accepts.
    Included,
    /// A shortest text the first accepts and the second does not.
    Counterexample(String),
    /// The question cannot be answered for these expressions.
    Unknown,
}

/// Whether every text `narrow` accepts (under `narrow_semantics`) is accepted by `wide` (under
/// `wide_semantics`).
pub(crate) fn included(
    narrow: &str,
    narrow_semantics: Semantics,
    wide: &str,
    wide_semantics: Semantics,
) -> Inclusion {
    let (Some(a), Some(b)) = (Dfa::new(narrow, narrow_semantics), Dfa::new(wide, wide_semantics)) else {
        return Inclusion::Unknown;
    };
    // Breadth first over pairs of states, remembering how each pair was reached.
    let mut seen: Trail = HashMap::new();
    let mut queue = VecDeque::new();
    seen.insert((a.start, b.start), None);
    queue.push_back((a.start, b.start));
    while let Some(pair @ (sa, sb)) = queue.pop_front() {
        if a.dfa.is_quit_state(sa) || b.dfa.is_quit_state(sb) {
            return Inclusion::Unknown;
        }
        if a.accepts(sa) && !b.accepts(sb) {
            return witness(&seen, pair);
        }
        if a.dfa.is_dead_state(sa) {
            continue;
        }
        for byte in 0..=u8::MAX {
            let next = (a.dfa.next_state(sa, byte), b.dfa.next_state(sb, byte));
            if a.dfa.is_dead_state(next.0) || seen.contains_key(&next) {
                continue;
            }
            if seen.len() >= MAX_PAIRS {
                return Inclusion::Unknown;
            }
            seen.insert(next, Some((pair, byte)));
            queue.push_back(next);
        }
    }
    Inclusion::Included
}

/// The text that leads from the start pair to `end`.
fn witness(seen: &Trail, mut end: Pair) -> Inclusion {
    let mut bytes = Vec::new();
    while let Some(Some((previous, byte))) = seen.get(&end) {
        bytes.push(*byte);
        end = *previous;
    }
    bytes.reverse();
    match String::from_utf8(bytes) {
        Ok(text) => Inclusion::Counterexample(text),
        Err(_) => Inclusion::Unknown,
    }
}

/// One inclusion question: both expressions with their semantics.
type Question = (String, Semantics, String, Semantics);

/// Compiled patterns and answered inclusion questions of one document, shared by its clones:
/// a document's few patterns meet thousands of interactions.
#[derive(Debug, Clone, Default)]
pub(crate) struct PatternCache {
    compiled: Arc<Mutex<HashMap<String, Option<regex::Regex>>>>,
    answered: Arc<Mutex<HashMap<Question, Inclusion>>>,
}

impl PatternCache {
    /// Whether `text` contains a match of the document's `pattern`; `None` when the pattern
    /// cannot be compiled here.
    pub(crate) fn search(&self, pattern: &str, text: &str) -> Option<bool> {
        let mut compiled = self
            .compiled
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        compiled
            .entry(pattern.to_owned())
            .or_insert_with(|| regex::Regex::new(pattern).ok())
            .as_ref()
            .map(|re| re.is_match(text))
    }

    /// [`included`], answered once per question.
    pub(crate) fn included(&self, narrow: &str, ns: Semantics, wide: &str, ws: Semantics) -> Inclusion {
        let question = (narrow.to_owned(), ns, wide.to_owned(), ws);
        if let Some(known) = self
            .answered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&question)
        {
            return known.clone();
        }
        let answer = included(narrow, ns, wide, ws);
        self.answered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(question, answer.clone());
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrower_expression_is_included_and_a_wider_one_has_the_shortest_counterexample() {
        use Semantics::{Search, Whole};
        assert_eq!(
            included("[A-Z]{3}", Whole, "^[A-Z]+$", Search),
            Inclusion::Included
        );
        assert_eq!(
            included("[A-Z]{2,3}", Whole, "^[A-Z]{3}$", Search),
            Inclusion::Counterexample("AA".into())
        );
        assert_eq!(
            included("^[A-Z]{3}$", Search, "[A-Z]{3}", Whole),
            Inclusion::Included
        );
        // An unanchored pattern promises only that the text contains a match.
        assert_eq!(
            included("[0-9]+", Search, "[0-9]+", Whole),
            Inclusion::Counterexample("\u{0}0".into())
        );
        assert_eq!(included("(a)\\1", Whole, "a+", Whole), Inclusion::Unknown);
    }
}
