//! Patterns held with the rules that use them, compiled once on first use and shared read-only
//! by every clone, request, thread and interaction: a pact loaded once compiles each regex and
//! date format once, with no global cache and no lock once compiled.

use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::java_time::JavaPattern;

/// The regular expression of a `regex` rule: the text as written, and its compiled form.
///
/// Matching follows Java's `matches()`: the whole text must match. Patterns that need no
/// backtracking features run on the `regex` crate; lookaround and backreferences use
/// `fancy_regex`. An invalid pattern is an error message at match time, never a load error.
#[derive(Clone)]
pub struct RegexPattern {
    source: String,
    compiled: Arc<OnceLock<Result<CompiledRegex, String>>>,
}

#[derive(Debug)]
enum CompiledRegex {
    Plain(regex::Regex),
    Fancy(fancy_regex::Regex),
}

impl RegexPattern {
    /// A pattern from its text; nothing is compiled until it is first used.
    pub fn new(source: impl Into<String>) -> RegexPattern {
        RegexPattern {
            source: source.into(),
            compiled: Arc::new(OnceLock::new()),
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Compiles the pattern now (if it was not yet): the reason it is invalid, if it is.
    pub fn validate(&self) -> Result<(), String> {
        self.compiled().map(|_| ())
    }

    /// The pattern anchored at both ends, as it is compiled (Java `matches()` semantics): what a
    /// caller building a `regex::RegexSet` of many patterns uses to get the same answers.
    pub fn anchored(&self) -> String {
        format!("^(?:{})$", self.source)
    }

    /// Whether the `regex` crate runs this pattern (it needs no lookaround or backreference).
    pub fn is_plain(&self) -> bool {
        matches!(self.compiled(), Ok(CompiledRegex::Plain(_)))
    }

    /// Whether the whole of `text` matches; an error names an invalid pattern or one that could
    /// not be evaluated (a backtracking limit).
    pub fn is_full_match(&self, text: &str) -> Result<bool, String> {
        match self.compiled()? {
            CompiledRegex::Plain(re) => Ok(re.is_match(text)),
            CompiledRegex::Fancy(re) => re
                .is_match(text)
                .map_err(|e| format!("regex '{}' could not be evaluated: {e}", self.source)),
        }
    }

    fn compiled(&self) -> Result<&CompiledRegex, String> {
        self.compiled
            .get_or_init(|| {
                let anchored = self.anchored();
                match regex::Regex::new(&anchored) {
                    Ok(re) => Ok(CompiledRegex::Plain(re)),
                    Err(_) => fancy_regex::Regex::new(&anchored)
                        .map(CompiledRegex::Fancy)
                        .map_err(|e| format!("invalid regex '{}': {e}", self.source)),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The Java-style format of a `timestamp`, `date` or `time` rule (`yyyy-MM-dd'T'HH:mm:ss`), with
/// its compiled form; empty means ISO-8601.
#[derive(Clone)]
pub struct DateFormat {
    source: String,
    compiled: Arc<OnceLock<Result<JavaPattern, String>>>,
}

impl DateFormat {
    /// A format from its text; nothing is compiled until it is first used.
    pub fn new(source: impl Into<String>) -> DateFormat {
        DateFormat {
            source: source.into(),
            compiled: Arc::new(OnceLock::new()),
        }
    }

    /// The format as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Compiles the format now (if it was not yet): the reason it is invalid, if it is.
    pub fn validate(&self) -> Result<(), String> {
        self.compiled().map(|_| ())
    }

    /// Whether `text` is a date or time in this format; an error names an invalid format.
    pub fn matches(&self, text: &str) -> Result<bool, String> {
        Ok(self.compiled()?.matches(text))
    }

    pub(crate) fn compiled(&self) -> Result<&JavaPattern, String> {
        self.compiled
            .get_or_init(|| {
                JavaPattern::compile(&self.source)
                    .map_err(|e| format!("invalid date format '{}': {e}", self.source))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The text-like behaviour both pattern types share: compared, shown and dereferenced as the
/// text they were written as.
macro_rules! text_like {
    ($ty:ident) => {
        impl std::ops::Deref for $ty {
            type Target = str;
            fn deref(&self) -> &str {
                &self.source
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.source)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.source, f)
            }
        }

        impl PartialEq for $ty {
            fn eq(&self, other: &$ty) -> bool {
                self.source == other.source
            }
        }

        impl Eq for $ty {}

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.source == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.source == *other
            }
        }

        impl From<String> for $ty {
            fn from(source: String) -> $ty {
                $ty::new(source)
            }
        }

        impl From<&str> for $ty {
            fn from(source: &str) -> $ty {
                $ty::new(source)
            }
        }

        impl From<$ty> for String {
            fn from(pattern: $ty) -> String {
                pattern.source
            }
        }
    };
}

text_like!(RegexPattern);
text_like!(DateFormat);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_one_compilation() {
        let a = RegexPattern::new("\\d+");
        let b = a.clone();
        assert_eq!(a.is_full_match("123"), Ok(true));
        assert!(Arc::ptr_eq(&a.compiled, &b.compiled));
        assert!(b.compiled.get().is_some(), "compiled once, seen by the clone");
    }

    #[test]
    fn plain_patterns_use_the_regex_crate_and_lookaround_falls_back() {
        let plain = RegexPattern::new("application/json.*");
        assert_eq!(plain.is_full_match("application/json; charset=utf-8"), Ok(true));
        assert!(matches!(plain.compiled(), Ok(CompiledRegex::Plain(_))));
        let fancy = RegexPattern::new("(?!admin)[a-z]+");
        assert_eq!(fancy.is_full_match("ann"), Ok(true));
        assert_eq!(fancy.is_full_match("admin"), Ok(false));
        assert!(matches!(fancy.compiled(), Ok(CompiledRegex::Fancy(_))));
    }

    #[test]
    fn a_read_pact_shares_one_compiled_form_per_pattern_text() {
        use crate::rules::{Category, MatchingRule};
        let interaction = |i: usize| {
            serde_json::json!({"description": format!("get {i}"),
                "request": {"method": "GET", "path": "/x", "headers": {"Accept": "application/json"},
                    "matchingRules": {"header": {"Accept": {"matchers": [{"match": "regex", "regex": "application/json.*"}]}}}},
                "response": {"status": 200, "body": {"at": "2024-01-01"},
                    "matchingRules": {"body": {"$.at": {"matchers": [{"match": "date", "date": "yyyy-MM-dd"}]}}}}})
        };
        let doc = serde_json::json!({"consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": [interaction(0), interaction(1)],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}});
        let pact = crate::format::parse_pact(&doc.to_string(), "test").expect("valid pact");
        let http: Vec<_> = pact.http_interactions().collect();
        let regex = |i: usize| match &http[i]
            .request
            .matching_rules
            .category(Category::Header)
            .expect("rules")
            .iter()
            .next()
            .expect("one")
            .1
            .rules[0]
        {
            MatchingRule::Regex(r) => r.clone(),
            other => panic!("{other:?}"),
        };
        let date = |i: usize| match &http[i]
            .response
            .matching_rules
            .category(Category::Body)
            .expect("rules")
            .iter()
            .next()
            .expect("one")
            .1
            .rules[0]
        {
            MatchingRule::Date(f) => f.clone(),
            other => panic!("{other:?}"),
        };
        assert!(Arc::ptr_eq(&regex(0).compiled, &regex(1).compiled));
        assert!(Arc::ptr_eq(&date(0).compiled, &date(1).compiled));
    }

    #[test]
    fn an_invalid_pattern_is_a_message_every_time() {
        let bad = RegexPattern::new("[");
        let first = bad.is_full_match("x").expect_err("invalid");
        assert!(first.starts_with("invalid regex '['"), "{first}");
        assert_eq!(bad.is_full_match("y"), Err(first));
        let format = DateFormat::new("yyyy-QQ");
        assert!(format.matches("2024-01").is_err());
    }
}
