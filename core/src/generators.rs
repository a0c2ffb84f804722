//! Generators of V3/V4: values produced when a request or response is built, never when comparing.

mod apply;
mod bodies;
mod date_expr;

pub use apply::{GeneratorContext, GeneratorMode, generate_message, generate_request, generate_response};

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::rules::Category;

/// The four textual forms of a generated UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UuidFormat {
    /// 32 hex digits, no hyphens.
    Simple,
    /// `xxxxxxxx-xxxx-...` in lower case (the default).
    #[default]
    LowerCaseHyphenated,
    /// `XXXXXXXX-XXXX-...` in upper case.
    UpperCaseHyphenated,
    /// `urn:uuid:xxxxxxxx-...`.
    Urn,
}

impl UuidFormat {
    /// Reads a format name as written in pacts.
    pub fn parse(name: &str) -> Option<UuidFormat> {
        match name {
            "simple" => Some(UuidFormat::Simple),
            "lower-case-hyphenated" => Some(UuidFormat::LowerCaseHyphenated),
            "upper-case-hyphenated" => Some(UuidFormat::UpperCaseHyphenated),
            "URN" | "urn" => Some(UuidFormat::Urn),
            _ => None,
        }
    }

    /// The name written to pacts.
    pub fn name(self) -> &'static str {
        match self {
            UuidFormat::Simple => "simple",
            UuidFormat::LowerCaseHyphenated => "lower-case-hyphenated",
            UuidFormat::UpperCaseHyphenated => "upper-case-hyphenated",
            UuidFormat::Urn => "URN",
        }
    }
}

/// One generator.
#[derive(Debug, Clone, PartialEq)]
pub enum Generator {
    /// A random integer between `min` and `max`, inclusive.
    RandomInt {
        /// Lowest value.
        min: i64,
        /// Highest value.
        max: i64,
    },
    /// A random decimal number with this many digits.
    RandomDecimal {
        /// Number of digits.
        digits: usize,
    },
    /// A random hexadecimal string with this many digits.
    RandomHexadecimal {
        /// Number of digits.
        digits: usize,
    },
    /// A random alphanumeric string of this length.
    RandomString {
        /// Length.
        size: usize,
    },
    /// A random string matching the regex.
    Regex {
        /// The regex.
        regex: String,
    },
    /// A random UUID.
    Uuid {
        /// Its textual form.
        format: UuidFormat,
    },
    /// The current date, optionally shifted by an expression.
    Date {
        /// Java-style format; ISO when absent.
        format: Option<String>,
        /// Shift such as `+ 1 day`.
        expression: Option<String>,
    },
    /// The current time, optionally shifted.
    Time {
        /// Java-style format; ISO when absent.
        format: Option<String>,
        /// Shift such as `+ 2 hours`.
        expression: Option<String>,
    },
    /// The current date-time, optionally shifted.
    DateTime {
        /// Java-style format; ISO when absent.
        format: Option<String>,
        /// Shift such as `tomorrow @ 10 o'clock`.
        expression: Option<String>,
    },
    /// A random boolean.
    RandomBoolean,
    /// A value filled from provider state parameters (provider side only).
    ProviderState {
        /// Expression with `${name}` placeholders.
        expression: String,
        /// Optional target data type (`STRING`, `INTEGER`, ...).
        data_type: Option<String>,
    },
    /// The mock server's base URL with a captured suffix (consumer side only).
    MockServerUrl {
        /// Example URL as written.
        example: String,
        /// Regex with one group capturing the part after the base URL.
        regex: String,
    },
    /// A generator accord does not know, kept as written.
    Unknown(Map<String, Value>),
}

impl Generator {
    /// The `type` name written to pacts.
    pub fn type_name(&self) -> &str {
        match self {
            Generator::RandomInt { .. } => "RandomInt",
            Generator::RandomDecimal { .. } => "RandomDecimal",
            Generator::RandomHexadecimal { .. } => "RandomHexadecimal",
            Generator::RandomString { .. } => "RandomString",
            Generator::Regex { .. } => "Regex",
            Generator::Uuid { .. } => "Uuid",
            Generator::Date { .. } => "Date",
            Generator::Time { .. } => "Time",
            Generator::DateTime { .. } => "DateTime",
            Generator::RandomBoolean => "RandomBoolean",
            Generator::ProviderState { .. } => "ProviderState",
            Generator::MockServerUrl { .. } => "MockServerURL",
            Generator::Unknown(attrs) => attrs.get("type").and_then(Value::as_str).unwrap_or("Unknown"),
        }
    }

    /// Reads a generator from its JSON form.
    pub fn from_json(value: &Map<String, Value>) -> Option<Generator> {
        let kind = value.get("type").and_then(Value::as_str)?;
        let num = |key: &str| -> Option<i64> {
            match value.get(key)? {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
        };
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        let size = |key: &str, default: usize| num(key).map(|n| n.max(0) as usize).unwrap_or(default);
        Some(match kind {
            "RandomInt" => Generator::RandomInt {
                min: num("min").unwrap_or(0),
                max: num("max").unwrap_or(i64::from(i32::MAX)),
            },
            "RandomDecimal" => Generator::RandomDecimal {
                digits: size("digits", 10),
            },
            "RandomHexadecimal" => Generator::RandomHexadecimal {
                digits: size("digits", 10),
            },
            "RandomString" => Generator::RandomString {
                size: size("size", 10),
            },
            "Regex" => Generator::Regex {
                regex: text("regex").unwrap_or_default(),
            },
            "Uuid" => Generator::Uuid {
                format: text("format")
                    .and_then(|f| UuidFormat::parse(&f))
                    .unwrap_or_default(),
            },
            "Date" => Generator::Date {
                format: text("format"),
                expression: text("expression"),
            },
            "Time" => Generator::Time {
                format: text("format"),
                expression: text("expression"),
            },
            "DateTime" | "Timestamp" => Generator::DateTime {
                format: text("format"),
                expression: text("expression"),
            },
            "RandomBoolean" => Generator::RandomBoolean,
            "ProviderState" => Generator::ProviderState {
                expression: text("expression").unwrap_or_default(),
                data_type: text("dataType"),
            },
            "MockServerURL" => Generator::MockServerUrl {
                example: text("example").unwrap_or_default(),
                regex: text("regex").unwrap_or_default(),
            },
            _ => Generator::Unknown(value.clone()),
        })
    }

    /// The JSON form written to pacts.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("type".into(), self.type_name().into());
        let opt = |map: &mut Map<String, Value>, key: &str, v: &Option<String>| {
            if let Some(v) = v {
                map.insert(key.into(), v.clone().into());
            }
        };
        match self {
            Generator::RandomInt { min, max } => {
                map.insert("min".into(), (*min).into());
                map.insert("max".into(), (*max).into());
            }
            Generator::RandomDecimal { digits } | Generator::RandomHexadecimal { digits } => {
                map.insert("digits".into(), (*digits).into());
            }
            Generator::RandomString { size } => {
                map.insert("size".into(), (*size).into());
            }
            Generator::Regex { regex } => {
                map.insert("regex".into(), regex.clone().into());
            }
            Generator::Uuid { format } => {
                map.insert("format".into(), format.name().into());
            }
            Generator::Date { format, expression }
            | Generator::Time { format, expression }
            | Generator::DateTime { format, expression } => {
                opt(&mut map, "format", format);
                opt(&mut map, "expression", expression);
            }
            Generator::RandomBoolean => {}
            Generator::ProviderState {
                expression,
                data_type,
            } => {
                map.insert("expression".into(), expression.clone().into());
                opt(&mut map, "dataType", data_type);
            }
            Generator::MockServerUrl { example, regex } => {
                map.insert("example".into(), example.clone().into());
                map.insert("regex".into(), regex.clone().into());
            }
            Generator::Unknown(attrs) => return Value::Object(attrs.clone()),
        }
        Value::Object(map)
    }
}

/// Every generator of a request, response or message, by category and key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Generators {
    categories: BTreeMap<Category, Vec<(String, Generator)>>,
}

impl Generators {
    /// No generators.
    pub fn new() -> Generators {
        Generators::default()
    }

    /// Adds or replaces the generator at a key (empty key for path, status and method).
    pub fn add(&mut self, category: Category, key: impl Into<String>, generator: Generator) {
        let key = key.into();
        let entries = self.categories.entry(category).or_default();
        match entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, existing)) => *existing = generator,
            None => entries.push((key, generator)),
        }
    }

    /// The generators of a category.
    pub fn category(&self, category: Category) -> &[(String, Generator)] {
        self.categories.get(&category).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every non-empty category.
    pub fn iter(&self) -> impl Iterator<Item = (Category, &[(String, Generator)])> {
        self.categories
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.as_slice()))
    }

    /// Whether there are no generators.
    pub fn is_empty(&self) -> bool {
        self.categories.values().all(Vec::is_empty)
    }
}
