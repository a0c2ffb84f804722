//! Matching rules: the matchers of V2–V4, grouped by category and keyed by path or name.

mod path;
mod pattern;

pub use path::{DocPath, PathToken, ValueStep};
pub use pattern::{DateFormat, RegexPattern};

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The part of a request, response or message a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// HTTP method.
    Method,
    /// Request path.
    Path,
    /// Query parameters, keyed by name.
    Query,
    /// Headers, keyed by case-insensitive name.
    Header,
    /// Body or message payload, keyed by path.
    Body,
    /// Response status.
    Status,
    /// Message metadata, keyed by name.
    Metadata,
}

impl Category {
    /// Reads a category name as written in a pact (`content` is the V4 message payload).
    pub fn parse(name: &str) -> Option<Category> {
        match name.to_ascii_lowercase().as_str() {
            "method" => Some(Category::Method),
            "path" => Some(Category::Path),
            "query" => Some(Category::Query),
            "header" | "headers" => Some(Category::Header),
            "body" | "content" | "contents" => Some(Category::Body),
            "status" => Some(Category::Status),
            "metadata" | "metadatas" => Some(Category::Metadata),
            _ => None,
        }
    }

    /// The name written to pact files.
    pub fn name(self) -> &'static str {
        match self {
            Category::Method => "method",
            Category::Path => "path",
            Category::Query => "query",
            Category::Header => "header",
            Category::Body => "body",
            Category::Status => "status",
            Category::Metadata => "metadata",
        }
    }

    /// Categories that hold a single rule list rather than a map of keys.
    pub fn is_single(self) -> bool {
        matches!(self, Category::Method | Category::Path | Category::Status)
    }
}

/// How the matchers of one rule list combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Combine {
    /// Every matcher must pass (the default).
    #[default]
    And,
    /// Any matcher may pass.
    Or,
}

/// Status classes for the V4 `statusCode` matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusClass {
    /// 100–199.
    Information,
    /// 200–299.
    Success,
    /// 300–399.
    Redirect,
    /// 400–499.
    ClientError,
    /// 500–599.
    ServerError,
    /// 100–399.
    NonError,
    /// 400–599.
    Error,
    /// One of the listed codes.
    Codes(Vec<u16>),
}

impl StatusClass {
    /// Reads `info`, `success`, ... or a list of codes.
    pub fn from_json(value: &Value) -> Option<StatusClass> {
        match value {
            Value::String(s) => match s.as_str() {
                "info" | "information" => Some(StatusClass::Information),
                "success" => Some(StatusClass::Success),
                "redirect" => Some(StatusClass::Redirect),
                "clientError" => Some(StatusClass::ClientError),
                "serverError" => Some(StatusClass::ServerError),
                "nonError" => Some(StatusClass::NonError),
                "error" => Some(StatusClass::Error),
                _ => None,
            },
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_u64().and_then(|n| u16::try_from(n).ok()))
                .collect::<Option<Vec<_>>>()
                .map(StatusClass::Codes),
            _ => None,
        }
    }

    /// The JSON form written to pact files.
    pub fn to_json(&self) -> Value {
        match self {
            StatusClass::Information => "info".into(),
            StatusClass::Success => "success".into(),
            StatusClass::Redirect => "redirect".into(),
            StatusClass::ClientError => "clientError".into(),
            StatusClass::ServerError => "serverError".into(),
            StatusClass::NonError => "nonError".into(),
            StatusClass::Error => "error".into(),
            StatusClass::Codes(codes) => Value::Array(codes.iter().map(|c| Value::from(*c)).collect()),
        }
    }

    /// Whether `status` belongs to the class.
    pub fn contains(&self, status: u16) -> bool {
        match self {
            StatusClass::Information => (100..200).contains(&status),
            StatusClass::Success => (200..300).contains(&status),
            StatusClass::Redirect => (300..400).contains(&status),
            StatusClass::ClientError => (400..500).contains(&status),
            StatusClass::ServerError => (500..600).contains(&status),
            StatusClass::NonError => (100..400).contains(&status),
            StatusClass::Error => (400..600).contains(&status),
            StatusClass::Codes(codes) => codes.contains(&status),
        }
    }

    /// A readable description used in mismatch messages.
    pub fn describe(&self) -> String {
        match self {
            StatusClass::Information => "an Informational response (100–199)".to_owned(),
            StatusClass::Success => "a Successful response (200–299)".to_owned(),
            StatusClass::Redirect => "a Redirect response (300–399)".to_owned(),
            StatusClass::ClientError => "a Client Error response (400–499)".to_owned(),
            StatusClass::ServerError => "a Server Error response (500–599)".to_owned(),
            StatusClass::NonError => "a non-error response (< 400)".to_owned(),
            StatusClass::Error => "an error response (>= 400)".to_owned(),
            StatusClass::Codes(codes) => format!("one of {codes:?}"),
        }
    }
}

/// One variant of an `arrayContains` matcher.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrayContainsVariant {
    /// Index of the expected element this variant describes.
    pub index: usize,
    /// Rules for the element, keyed by path relative to it.
    pub rules: RuleCategory,
    /// Generators for the element, kept as written.
    pub generators: Map<String, Value>,
}

/// A single matcher.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchingRule {
    /// Equal values; also resets rules cascading from a parent.
    Equality,
    /// The value's string form matches the whole regex (Java semantics).
    Regex(RegexPattern),
    /// Same JSON type; collection size limits when given.
    Type {
        /// Minimum collection size.
        min: Option<usize>,
        /// Maximum collection size.
        max: Option<usize>,
    },
    /// The value's string form contains the text.
    Include(String),
    /// An integer (no fractional part).
    Integer,
    /// A number with a fractional part.
    Decimal,
    /// Any number.
    Number,
    /// A date-time in the given Java-style format.
    Timestamp(DateFormat),
    /// A date in the given Java-style format.
    Date(DateFormat),
    /// A time in the given Java-style format.
    Time(DateFormat),
    /// JSON null.
    Null,
    /// A boolean or the strings `true`/`false`.
    Boolean,
    /// Binary content of this content type, detected from magic bytes.
    ContentType(String),
    /// A map compared by its values only.
    Values,
    /// Each variant matches some element of the actual list.
    ArrayContains(Vec<ArrayContainsVariant>),
    /// A status code in the class.
    StatusCode(StatusClass),
    /// Type match that is also not empty.
    NotEmpty,
    /// A valid semantic version.
    Semver,
    /// The rules apply to every key of a map.
    EachKey {
        /// Rules for each key.
        rules: Vec<MatchingRule>,
        /// Example value, kept as written.
        value: Option<Value>,
    },
    /// The rules apply to every value of a map or list.
    EachValue {
        /// Rules for each value.
        rules: Vec<MatchingRule>,
        /// Example value, kept as written.
        value: Option<Value>,
    },
    /// A matcher accord does not know (plugin rules), kept and reported.
    Unknown {
        /// The `match` name.
        name: String,
        /// Every attribute as written.
        attributes: Map<String, Value>,
    },
}

impl MatchingRule {
    /// The `match` name written to pact files.
    pub fn name(&self) -> &str {
        match self {
            MatchingRule::Equality => "equality",
            MatchingRule::Regex(_) => "regex",
            MatchingRule::Type { .. } => "type",
            MatchingRule::Include(_) => "include",
            MatchingRule::Integer => "integer",
            MatchingRule::Decimal => "decimal",
            MatchingRule::Number => "number",
            MatchingRule::Timestamp(_) => "datetime",
            MatchingRule::Date(_) => "date",
            MatchingRule::Time(_) => "time",
            MatchingRule::Null => "null",
            MatchingRule::Boolean => "boolean",
            MatchingRule::ContentType(_) => "contentType",
            MatchingRule::Values => "values",
            MatchingRule::ArrayContains(_) => "arrayContains",
            MatchingRule::StatusCode(_) => "statusCode",
            MatchingRule::NotEmpty => "notEmpty",
            MatchingRule::Semver => "semver",
            MatchingRule::EachKey { .. } => "eachKey",
            MatchingRule::EachValue { .. } => "eachValue",
            MatchingRule::Unknown { name, .. } => name,
        }
    }

    /// Whether the rule constrains a collection as a whole (type-like), so it cascades to children
    /// as a type check and lets list length vary.
    pub fn is_type_like(&self) -> bool {
        matches!(
            self,
            MatchingRule::Type { .. }
                | MatchingRule::Values
                | MatchingRule::NotEmpty
                | MatchingRule::EachKey { .. }
                | MatchingRule::EachValue { .. }
                | MatchingRule::ArrayContains(_)
        )
    }
}

/// The matchers at one path or name, with how they combine.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleList {
    /// The matchers in order.
    pub rules: Vec<MatchingRule>,
    /// AND or OR.
    pub combine: Combine,
}

impl RuleList {
    /// A list holding one rule.
    pub fn single(rule: MatchingRule) -> RuleList {
        RuleList {
            rules: vec![rule],
            combine: Combine::And,
        }
    }

    /// Whether the list is only `equality` matchers.
    pub fn is_equality_only(&self) -> bool {
        !self.rules.is_empty() && self.rules.iter().all(|r| matches!(r, MatchingRule::Equality))
    }

    /// Whether any matcher is type-like (see [`MatchingRule::is_type_like`]).
    pub fn has_type_like(&self) -> bool {
        self.rules.iter().any(MatchingRule::is_type_like)
    }
}

/// The rules of one category: keys are paths (body) or names (headers, query, metadata);
/// single-valued categories use the empty key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleCategory {
    entries: Vec<(String, RuleList)>,
}

impl RuleCategory {
    fn visit_rules_mut(&mut self, f: &mut impl FnMut(&mut MatchingRule)) {
        for (_, list) in &mut self.entries {
            for rule in &mut list.rules {
                visit_rule_mut(rule, f);
            }
        }
    }

    /// Adds matchers at a key, appending to any already there.
    pub fn add(&mut self, key: impl Into<String>, list: RuleList) {
        let key = key.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, existing)) => {
                existing.rules.extend(list.rules);
                existing.combine = list.combine;
            }
            None => self.entries.push((key, list)),
        }
    }

    /// Adds one matcher at a key.
    pub fn add_rule(&mut self, key: impl Into<String>, rule: MatchingRule) {
        self.add(key, RuleList::single(rule));
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RuleList)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The rule list at exactly this key.
    pub fn get(&self, key: &str) -> Option<&RuleList> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The rule list for a name, compared case-insensitively (headers).
    pub fn get_ignore_case(&self, key: &str) -> Option<&RuleList> {
        self.entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    /// Whether the category has no rules.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Every matching rule of a request, response or message, by category.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MatchingRules {
    categories: BTreeMap<Category, RuleCategory>,
}

impl MatchingRules {
    /// No rules.
    pub fn new() -> MatchingRules {
        MatchingRules::default()
    }

    /// The rules of a category, if it has any.
    pub fn category(&self, category: Category) -> Option<&RuleCategory> {
        self.categories.get(&category).filter(|c| !c.is_empty())
    }

    /// The rules of a category for adding to.
    pub fn category_mut(&mut self, category: Category) -> &mut RuleCategory {
        self.categories.entry(category).or_default()
    }

    /// Adds one matcher at a key of a category.
    pub fn add_rule(&mut self, category: Category, key: impl Into<String>, rule: MatchingRule) {
        self.category_mut(category).add_rule(key, rule);
    }

    /// Calls `f` on every matcher, those nested in `eachKey`, `eachValue` and `arrayContains`
    /// included.
    pub(crate) fn visit_rules_mut(&mut self, f: &mut impl FnMut(&mut MatchingRule)) {
        for category in self.categories.values_mut() {
            category.visit_rules_mut(f);
        }
    }

    /// Every non-empty category.
    pub fn iter(&self) -> impl Iterator<Item = (Category, &RuleCategory)> {
        self.categories
            .iter()
            .filter(|(_, c)| !c.is_empty())
            .map(|(k, v)| (*k, v))
    }

    /// Whether there are no rules at all.
    pub fn is_empty(&self) -> bool {
        self.categories.values().all(RuleCategory::is_empty)
    }

    /// Every unknown (plugin) matcher, with its category and key.
    pub fn unknown_rules(&self) -> Vec<(Category, String, String)> {
        let mut found = Vec::new();
        for (category, rules) in self.iter() {
            for (key, list) in rules.iter() {
                for rule in &list.rules {
                    if let MatchingRule::Unknown { name, .. } = rule {
                        found.push((category, key.to_owned(), name.clone()));
                    }
                }
            }
        }
        found
    }
}

fn visit_rule_mut(rule: &mut MatchingRule, f: &mut impl FnMut(&mut MatchingRule)) {
    f(rule);
    match rule {
        MatchingRule::EachKey { rules, .. } | MatchingRule::EachValue { rules, .. } => {
            for nested in rules {
                visit_rule_mut(nested, f);
            }
        }
        MatchingRule::ArrayContains(variants) => {
            for variant in variants {
                variant.rules.visit_rules_mut(f);
            }
        }
        _ => {}
    }
}

/// Makes matchers with the same regex or date format share one compiled form, so a pact
/// compiles each distinct pattern once however many interactions use it.
#[derive(Debug, Default)]
pub(crate) struct PatternSharing {
    regexes: std::collections::HashMap<String, RegexPattern>,
    formats: std::collections::HashMap<String, DateFormat>,
}

impl PatternSharing {
    /// Replaces the patterns of `rules` with the first seen of the same text.
    pub(crate) fn share(&mut self, rules: &mut MatchingRules) {
        rules.visit_rules_mut(&mut |rule| match rule {
            MatchingRule::Regex(regex) => {
                let shared = self
                    .regexes
                    .entry(regex.as_str().to_owned())
                    .or_insert_with(|| regex.clone());
                *regex = shared.clone();
            }
            MatchingRule::Timestamp(format) | MatchingRule::Date(format) | MatchingRule::Time(format) => {
                let shared = self
                    .formats
                    .entry(format.as_str().to_owned())
                    .or_insert_with(|| format.clone());
                *format = shared.clone();
            }
            _ => {}
        });
    }
}
