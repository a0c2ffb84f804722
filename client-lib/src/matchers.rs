//! Matchers and generators to use anywhere in a JSON body and on path, query and header values.
//!
//! Each function returns a JSON value that stands for an example plus a rule (and sometimes a
//! generator). The builders turn these into the pact's example values and matching rules, so
//! `json!({"id": integer(42), "tags": each_like("retail")})` declares a body whose example is
//! `{"id": 42, "tags": ["retail"]}` with an `integer` rule on `$.id` and a `type` rule with
//! `min: 1` on `$.tags`.

use serde_json::{Map, Value, json};

/// The key marking a matcher object in integration JSON.
pub(crate) const MATCHER_KEY: &str = "pact:matcher:type";
/// The key holding the example when a matcher's own parameter is called `value`.
pub(crate) const EXAMPLE_KEY: &str = "pact:example";
/// The key marking a generator in integration JSON.
pub(crate) const GENERATOR_KEY: &str = "pact:generator:type";

fn matcher(kind: &str, value: Value, extra: &[(&str, Value)]) -> Value {
    let mut map = Map::new();
    map.insert(MATCHER_KEY.into(), kind.into());
    map.insert("value".into(), value);
    for (k, v) in extra {
        map.insert((*k).into(), v.clone());
    }
    Value::Object(map)
}

fn with_generator(mut value: Value, kind: &str, extra: &[(&str, Value)]) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert(GENERATOR_KEY.into(), kind.into());
        for (k, v) in extra {
            map.insert((*k).into(), v.clone());
        }
    }
    value
}

/// Any value of the same JSON type as `example` (strings, numbers, objects and lists alike).
pub fn like(example: impl Into<Value>) -> Value {
    matcher("type", example.into(), &[])
}

/// Same type as `example`, and for a list or map at least `min` entries.
pub fn min_like(example: impl Into<Value>, min: usize) -> Value {
    matcher("type", example.into(), &[("min", min.into())])
}

/// Same type as `example`, and for a list or map at most `max` entries.
pub fn max_like(example: impl Into<Value>, max: usize) -> Value {
    matcher("type", example.into(), &[("max", max.into())])
}

/// A list of at least one element, each like `template`.
pub fn each_like(template: impl Into<Value>) -> Value {
    each_like_between(template, 1, None)
}

/// A list of at least `min` (and at most `max`) elements, each like `template`.
/// The example holds `min` copies (at least one).
pub fn each_like_between(template: impl Into<Value>, min: usize, max: Option<usize>) -> Value {
    let template = template.into();
    let copies = min.max(1);
    let mut extra = vec![("min", Value::from(min))];
    if let Some(max) = max {
        extra.push(("max", max.into()));
    }
    matcher("type", Value::Array(vec![template; copies]), &extra)
}

/// A string matching the whole `pattern` (Java regex syntax), with an example.
pub fn regex(pattern: &str, example: &str) -> Value {
    matcher("regex", example.into(), &[("regex", pattern.into())])
}

/// Alias of [`regex`] for users of other Pact libraries.
pub fn term(pattern: &str, example: &str) -> Value {
    regex(pattern, example)
}

/// An integer (in query and header values, text that reads as one).
pub fn integer(example: i64) -> Value {
    matcher("integer", example.into(), &[])
}

/// A number with a fractional part.
pub fn decimal(example: f64) -> Value {
    matcher("decimal", example.into(), &[])
}

/// Any number.
pub fn number(example: impl Into<serde_json::Number>) -> Value {
    matcher("number", Value::Number(example.into()), &[])
}

/// A boolean.
pub fn boolean(example: bool) -> Value {
    matcher("boolean", example.into(), &[])
}

/// JSON null (named so it can be used inside `json!`, where `null` is a keyword).
pub fn null_value() -> Value {
    matcher("null", Value::Null, &[])
}

/// A string containing `substring`.
pub fn include(substring: &str, example: &str) -> Value {
    json!({MATCHER_KEY: "include", "value": substring, EXAMPLE_KEY: example})
}

/// Exactly `example`; resets rules inherited from a parent such as [`like`].
pub fn equality(example: impl Into<Value>) -> Value {
    matcher("equality", example.into(), &[])
}

/// A date in a Java-style `format` such as `yyyy-MM-dd`.
pub fn date(format: &str, example: &str) -> Value {
    matcher("date", example.into(), &[("format", format.into())])
}

/// A time in a Java-style `format` such as `HH:mm:ss`.
pub fn time(format: &str, example: &str) -> Value {
    matcher("time", example.into(), &[("format", format.into())])
}

/// A date-time in a Java-style `format` such as `yyyy-MM-dd'T'HH:mm:ssXXX`.
pub fn datetime(format: &str, example: &str) -> Value {
    matcher("datetime", example.into(), &[("format", format.into())])
}

/// A UUID in lower- or upper-case hyphenated form.
pub fn uuid(example: &str) -> Value {
    regex(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        example,
    )
}

/// A hexadecimal string (no generator: the example is what the mock returns).
pub fn hexadecimal(example: &str) -> Value {
    regex("[0-9a-fA-F]+", example)
}

/// A dotted-quad IPv4 address such as `127.0.0.1`.
pub fn ipv4_address(example: &str) -> Value {
    regex(
        "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}",
        example,
    )
}

/// An IPv6 address in full or compressed form, such as `::1` or `2001:db8::ff00:42:8329`.
pub fn ipv6_address(example: &str) -> Value {
    regex(
        "(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|:(:[0-9a-fA-F]{1,4}){1,7}|([0-9a-fA-F]{1,4}:){1,6}(:[0-9a-fA-F]{1,4}){1,6}|::)",
        example,
    )
}

/// An e-mail address (`local@domain.tld`).
pub fn email(example: &str) -> Value {
    regex("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", example)
}

/// An absolute `http` or `https` URL.
pub fn url(example: &str) -> Value {
    regex("https?://[^\\s/?#]+[^\\s]*", example)
}

/// An ISO-8601 timestamp such as `2026-11-28T09:50:54Z` or `2026-11-28T09:50:54.123+01:00`
/// (seconds, fraction and offset optional).
pub fn iso_datetime(example: &str) -> Value {
    regex(
        "\\d{4}-[01]\\d-[0-3]\\dT[0-2]\\d:[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?(Z|[+-][0-2]\\d(:?[0-5]\\d)?)?",
        example,
    )
}

/// A valid semantic version.
pub fn semver(example: &str) -> Value {
    matcher("semver", example.into(), &[])
}

/// Same type as `example` and not empty (no `""`, `[]`, `{}` or null).
pub fn not_empty(example: impl Into<Value>) -> Value {
    matcher("notEmpty", example.into(), &[])
}

/// A map whose every key matches `key_rules` (matcher values such as `regex("[a-z]+", "a")`).
pub fn each_key(example: impl Into<Value>, key_rules: &[Value]) -> Value {
    matcher("eachKey", example.into(), &[("rules", rule_list(key_rules))])
}

/// A map or list whose every value matches `value_rules`.
pub fn each_value(example: impl Into<Value>, value_rules: &[Value]) -> Value {
    matcher("eachValue", example.into(), &[("rules", rule_list(value_rules))])
}

/// A map compared by its values only: keys may differ, each value is like the example's.
pub fn values_like(example: impl Into<Value>) -> Value {
    matcher("values", example.into(), &[])
}

/// A list containing, in any order and among other elements, an element matching each variant.
pub fn array_contains(variants: Vec<Value>) -> Value {
    let mut map = Map::new();
    map.insert(MATCHER_KEY.into(), "arrayContains".into());
    map.insert("variants".into(), Value::Array(variants));
    Value::Object(map)
}

/// Content whose magic bytes say `content_type`, with a (base64 or text) example.
pub fn content_type(content_type: &str, example: &str) -> Value {
    json!({MATCHER_KEY: "contentType", "value": content_type, EXAMPLE_KEY: example})
}

fn rule_list(rules: &[Value]) -> Value {
    Value::Array(
        rules
            .iter()
            .map(|r| match r {
                Value::Object(m) => {
                    let mut out = Map::new();
                    for (k, v) in m {
                        if k == MATCHER_KEY {
                            out.insert("match".into(), v.clone());
                        } else if k != "value" && !k.starts_with("pact:") {
                            out.insert(k.clone(), v.clone());
                        }
                    }
                    Value::Object(out)
                }
                other => json!({"match": "equality", "value": other}),
            })
            .collect(),
    )
}

/// A random integer between `min` and `max` when the pact is replayed; matched as an integer.
pub fn random_int(min: i64, max: i64) -> Value {
    with_generator(
        integer(min),
        "RandomInt",
        &[("min", min.into()), ("max", max.into())],
    )
}

/// A random decimal with `digits` digits; matched as a decimal.
pub fn random_decimal(digits: usize) -> Value {
    with_generator(decimal(1.5), "RandomDecimal", &[("digits", digits.into())])
}

/// A random hexadecimal string of `digits` digits.
pub fn random_hexadecimal(digits: usize, example: &str) -> Value {
    with_generator(
        regex("[0-9a-fA-F]+", example),
        "RandomHexadecimal",
        &[("digits", digits.into())],
    )
}

/// A random alphanumeric string of `size` characters; matched by type.
pub fn random_string(size: usize, example: &str) -> Value {
    with_generator(like(example), "RandomString", &[("size", size.into())])
}

/// A random string matching `pattern`; matched by the same regex.
pub fn random_regex(pattern: &str, example: &str) -> Value {
    with_generator(regex(pattern, example), "Regex", &[])
}

/// A random UUID (lower-case hyphenated); matched as a UUID.
pub fn random_uuid(example: &str) -> Value {
    with_generator(
        uuid(example),
        "Uuid",
        &[("format", "lower-case-hyphenated".into())],
    )
}

/// A random boolean; matched as a boolean.
pub fn random_boolean() -> Value {
    with_generator(boolean(true), "RandomBoolean", &[])
}

/// Today's date (shifted by `expression`, e.g. `+ 1 day`) in `format`; matched by the format.
pub fn date_generated(format: &str, expression: Option<&str>, example: &str) -> Value {
    let mut extra = vec![];
    if let Some(e) = expression {
        extra.push(("expression", Value::from(e)));
    }
    with_generator(date(format, example), "Date", &extra)
}

/// The current time (shifted by `expression`) in `format`; matched by the format.
pub fn time_generated(format: &str, expression: Option<&str>, example: &str) -> Value {
    let mut extra = vec![];
    if let Some(e) = expression {
        extra.push(("expression", Value::from(e)));
    }
    with_generator(time(format, example), "Time", &extra)
}

/// The current date-time (shifted by `expression`) in `format`; matched by the format.
pub fn datetime_generated(format: &str, expression: Option<&str>, example: &str) -> Value {
    let mut extra = vec![];
    if let Some(e) = expression {
        extra.push(("expression", Value::from(e)));
    }
    with_generator(datetime(format, example), "DateTime", &extra)
}

/// A value the provider fills in from its state setup (`"/accounts/${id}"`). A string whose
/// expression has fixed parts keeps them as a regex (`/accounts/[^/]+`, a placeholder in a path
/// matching one segment), so `/account/42` does not satisfy `/accounts/${id}`; any other value is
/// matched by type.
pub fn from_provider_state(expression: &str, example: impl Into<Value>) -> Value {
    let example = example.into();
    let rule = match (&example, template_regex(expression)) {
        (Value::String(text), Some(pattern)) => regex(&pattern, text),
        _ => like(example),
    };
    with_generator(rule, "ProviderState", &[("expression", expression.into())])
}

/// The regex of a `${...}` template with fixed text around its placeholders; `None` when it is
/// only placeholders (nothing fixed to keep).
fn template_regex(expression: &str) -> Option<String> {
    let placeholder = if expression.starts_with('/') {
        "[^/]+"
    } else {
        ".+"
    };
    let mut pattern = String::new();
    let mut fixed = false;
    let mut rest = expression;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else { break };
        fixed |= start > 0;
        pattern.push_str(&regex_escape(&rest[..start]));
        pattern.push_str(placeholder);
        rest = &rest[start + len + 1..];
    }
    fixed |= !rest.is_empty();
    pattern.push_str(&regex_escape(rest));
    (fixed && pattern.contains(placeholder)).then_some(pattern)
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL on the mock server: the example's part captured by `regex`'s group is appended to the
/// mock server's base URL when the consumer test runs.
pub fn mock_server_url(regex_pattern: &str, example: &str) -> Value {
    with_generator(
        regex(regex_pattern, example),
        "MockServerURL",
        &[("example", example.into()), ("regex", regex_pattern.into())],
    )
}
