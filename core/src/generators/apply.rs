//! Producing values from generators and applying them to requests, responses and messages.

use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::{Map, Value};

use super::date_expr::{apply_expression, truncate_nanos};
use super::{Generator, UuidFormat};
use crate::java_time::JavaPattern;
use crate::model::{Body, HttpRequest, HttpResponse, MessageContents, Query};
use crate::rules::{Category, DocPath, PathToken};

/// Which side is producing values: some generators run only on one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneratorMode {
    /// The consumer side (mock server, message handed to a consumer handler).
    Consumer,
    /// The provider side (verifier building requests).
    Provider,
}

/// What generators may draw on.
#[derive(Debug, Clone)]
pub struct GeneratorContext {
    /// The side producing values.
    pub mode: GeneratorMode,
    /// Values returned by provider state setup calls (for `ProviderState`).
    pub provider_state: Map<String, Value>,
    /// The mock server's base URL (for `MockServerURL`).
    pub mock_server_url: Option<String>,
}

impl GeneratorContext {
    /// A consumer-side context.
    pub fn consumer(mock_server_url: Option<String>) -> GeneratorContext {
        GeneratorContext {
            mode: GeneratorMode::Consumer,
            provider_state: Map::new(),
            mock_server_url,
        }
    }

    /// A provider-side context with the values provider states returned.
    pub fn provider(provider_state: Map<String, Value>) -> GeneratorContext {
        GeneratorContext {
            mode: GeneratorMode::Provider,
            provider_state,
            mock_server_url: None,
        }
    }
}

impl Generator {
    /// Produces a value, given the value currently at the location; `None` when the generator
    /// does not run on this side or cannot produce a value.
    pub fn generate(&self, current: &Value, ctx: &GeneratorContext) -> Option<Value> {
        let mut rng = rand::rng();
        match self {
            Generator::RandomInt { min, max } => {
                let (lo, hi) = if min <= max { (*min, *max) } else { (*max, *min) };
                Some(Value::from(rng.random_range(lo..=hi)))
            }
            Generator::RandomDecimal { digits } => Some(random_decimal(*digits, &mut rng)),
            Generator::RandomHexadecimal { digits } => {
                let text: String = (0..*digits)
                    .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
                    .collect();
                Some(Value::String(text))
            }
            Generator::RandomString { size } => {
                let text: String = (&mut rng)
                    .sample_iter(&Alphanumeric)
                    .take(*size)
                    .map(char::from)
                    .collect();
                Some(Value::String(text))
            }
            Generator::Regex { regex } => generate_from_regex(regex).map(Value::String),
            Generator::Uuid { format } => {
                let id = uuid::Uuid::new_v4();
                Some(Value::String(match format {
                    UuidFormat::Simple => id.simple().to_string(),
                    UuidFormat::LowerCaseHyphenated => id.hyphenated().to_string(),
                    UuidFormat::UpperCaseHyphenated => id.hyphenated().to_string().to_uppercase(),
                    UuidFormat::Urn => id.urn().to_string(),
                }))
            }
            Generator::Date { format, expression } => generate_time(
                format.as_deref(),
                expression.as_deref(),
                crate::java_time::ISO_DATE,
            ),
            Generator::Time { format, expression } => generate_time(
                format.as_deref(),
                expression.as_deref(),
                crate::java_time::ISO_TIME,
            ),
            Generator::DateTime { format, expression } => generate_time(
                format.as_deref(),
                expression.as_deref(),
                "yyyy-MM-dd'T'HH:mm:ssXXX",
            ),
            Generator::RandomBoolean => Some(Value::Bool(rng.random())),
            Generator::ProviderState {
                expression,
                data_type,
            } => {
                if ctx.mode != GeneratorMode::Provider {
                    return None;
                }
                let value = fill_placeholders(expression, &ctx.provider_state)?;
                Some(convert_data_type(value, data_type.as_deref()))
            }
            Generator::MockServerUrl { example, regex } => {
                if ctx.mode != GeneratorMode::Consumer {
                    return None;
                }
                let base = ctx.mock_server_url.as_deref()?;
                let re = fancy_regex::Regex::new(regex).ok()?;
                // The value in the pact, else the generator's own example (the URL it was made
                // with), gives the part of the URL after the mock server's address.
                let caps = [current.as_str(), Some(example.as_str())]
                    .into_iter()
                    .flatten()
                    .find_map(|source| re.captures(source).ok().flatten())?;
                let suffix = caps.get(1).map(|m| m.as_str()).unwrap_or("");
                Some(Value::String(format!("{}{}", base.trim_end_matches('/'), suffix)))
            }
            Generator::Unknown(_) => None,
        }
    }
}

fn random_decimal(digits: usize, rng: &mut impl Rng) -> Value {
    let digits = digits.clamp(1, 15);
    if digits == 1 {
        return serde_json::Number::from_f64(f64::from(rng.random_range(0..10u8)))
            .map(Value::Number)
            .unwrap_or(Value::Null);
    }
    let mut text = String::with_capacity(digits + 1);
    text.push(char::from(b'1' + rng.random_range(0..9u8)));
    for _ in 1..digits {
        text.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    let point = rng.random_range(1..digits);
    text.insert(point, '.');
    // Keep a non-zero last digit so the number stays a decimal when printed.
    if text.ends_with('0') {
        text.pop();
        text.push('1');
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Produces a random string matching a (Java-style) regex.
pub(crate) fn generate_from_regex(regex: &str) -> Option<String> {
    let stripped = regex.strip_prefix('^').unwrap_or(regex);
    let stripped = stripped.strip_suffix('$').unwrap_or(stripped);
    // Java's classes (`\d`, `\w`) are ASCII; fall back to Unicode only for patterns that need it.
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .build()
        .parse(stripped)
        .ok()
        .or_else(|| regex_syntax::Parser::new().parse(stripped).ok())?;
    let generator = rand_regex::Regex::with_hir(hir, 10).ok()?;
    Some(rand::rng().sample::<String, _>(&generator))
}

fn generate_time(format: Option<&str>, expression: Option<&str>, default_format: &str) -> Option<Value> {
    let now = chrono::Local::now().fixed_offset();
    let base = match expression {
        Some(expr) if !expr.trim().is_empty() => apply_expression(now, expr).ok()?,
        _ => now,
    };
    let pattern = JavaPattern::compile(format.unwrap_or(default_format)).ok()?;
    Some(Value::String(pattern.format(&truncate_nanos(base))))
}

fn fill_placeholders(expression: &str, values: &Map<String, Value>) -> Option<Value> {
    let trimmed = expression.trim();
    // An expression without placeholders names a value (`userId`), as the official verifier
    // reads it; without that value the example stays.
    if !trimmed.contains("${") {
        return values.get(trimmed).cloned();
    }
    // A lone placeholder keeps the raw JSON type of the value.
    if let Some(name) = trimmed.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
        && !name.contains("${")
    {
        return values.get(name).cloned();
    }
    let mut out = String::new();
    let mut rest = expression;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        let value = values.get(name)?;
        match value {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(Value::String(out))
}

fn convert_data_type(value: Value, data_type: Option<&str>) -> Value {
    let text = match &value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match data_type.map(str::to_ascii_uppercase).as_deref() {
        Some("STRING") => Value::String(text),
        Some("INTEGER") => text.parse::<i64>().map(Value::from).unwrap_or(value),
        Some("DECIMAL") | Some("FLOAT") => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or(value),
        Some("BOOLEAN") => text.parse::<bool>().map(Value::Bool).unwrap_or(value),
        _ => value,
    }
}

fn value_to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Applies a generator to every node of a JSON value that a path selects.
fn apply_at_path(root: &mut Value, path: &DocPath, generator: &Generator, ctx: &GeneratorContext) {
    fn walk(node: &mut Value, tokens: &[PathToken], generator: &Generator, ctx: &GeneratorContext) {
        let Some((first, rest)) = tokens.split_first() else {
            if let Some(value) = generator.generate(node, ctx) {
                *node = value;
            }
            return;
        };
        match (first, node) {
            (PathToken::Field(name), Value::Object(map)) => {
                if let Some(child) = map.get_mut(name) {
                    walk(child, rest, generator, ctx);
                }
            }
            (PathToken::Index(i), Value::Array(items)) => {
                if let Some(child) = items.get_mut(*i) {
                    walk(child, rest, generator, ctx);
                }
            }
            (PathToken::StarIndex, Value::Array(items)) | (PathToken::Star, Value::Array(items)) => {
                for child in items {
                    walk(child, rest, generator, ctx);
                }
            }
            (PathToken::Star, Value::Object(map)) => {
                for child in map.values_mut() {
                    walk(child, rest, generator, ctx);
                }
            }
            _ => {}
        }
    }
    let tokens = path.tokens();
    walk(root, tokens.get(1..).unwrap_or(&[]), generator, ctx);
}

/// Applies body generators to a JSON, form or XML body, or to any body at its root.
pub(crate) fn generate_body(body: &Body, generators: &[(String, Generator)], ctx: &GeneratorContext) -> Body {
    if generators.is_empty() || !body.is_present() {
        return body.clone();
    }
    let content_type = body.content_type().cloned();
    if let Some(mut json) = body.as_json()
        && content_type.as_ref().is_none_or(|ct| ct.is_json())
    {
        for (key, generator) in generators {
            if let Some(path) = DocPath::parse(key) {
                apply_at_path(&mut json, &path, generator, ctx);
            }
        }
        return Body::bytes(json.to_string().into_bytes(), content_type);
    }
    let generate = |generator: &Generator, current: &str| {
        generator
            .generate(&Value::String(current.to_owned()), ctx)
            .map(|v| value_to_text(&v))
    };
    match &content_type {
        Some(ct) if ct.is_form() => {
            let text = super::bodies::form(&body.as_text(), generators, &generate);
            return Body::bytes(text.into_bytes(), content_type);
        }
        Some(ct) if ct.is_xml() => {
            if let Some(text) = super::bodies::xml(&body.as_text(), generators, &generate) {
                return Body::bytes(text.into_bytes(), content_type);
            }
        }
        _ => {}
    }
    // Other bodies: only a generator at the root can replace the content.
    for (key, generator) in generators {
        if key.trim() == "$" {
            let current = Value::String(body.as_text());
            if let Some(value) = generator.generate(&current, ctx) {
                return Body::bytes(value_to_text(&value).into_bytes(), content_type);
            }
        }
    }
    body.clone()
}

fn generate_headers(
    headers: &mut crate::model::Headers,
    generators: &[(String, Generator)],
    ctx: &GeneratorContext,
) {
    for (name, generator) in generators {
        let current = headers
            .get(name)
            .and_then(|v| v.first())
            .map(|v| Value::String(v.clone()))
            .unwrap_or(Value::Null);
        if let Some(value) = generator.generate(&current, ctx) {
            headers.set(name.clone(), vec![value_to_text(&value)]);
        }
    }
}

fn generate_query(query: &mut Option<Query>, generators: &[(String, Generator)], ctx: &GeneratorContext) {
    for (name, generator) in generators {
        let q = query.get_or_insert_with(Query::new);
        let count = q.get(name).map(<[String]>::len).unwrap_or(1).max(1);
        let current = q
            .get(name)
            .and_then(|v| v.first())
            .map(|v| Value::String(v.clone()))
            .unwrap_or(Value::Null);
        let values: Option<Vec<String>> = (0..count)
            .map(|_| generator.generate(&current, ctx).map(|v| value_to_text(&v)))
            .collect();
        if let Some(values) = values {
            q.set(name.clone(), values);
        }
    }
}

/// The request with its generators applied (the verifier calls this before sending).
pub fn generate_request(request: &HttpRequest, ctx: &GeneratorContext) -> HttpRequest {
    let mut out = request.clone();
    let gens = &request.generators;
    for (_, generator) in gens.category(Category::Path) {
        if let Some(Value::String(path)) = generator.generate(&Value::String(out.path.clone()), ctx) {
            out.path = path;
        }
    }
    for (_, generator) in gens.category(Category::Method) {
        if let Some(Value::String(method)) = generator.generate(&Value::String(out.method.clone()), ctx) {
            out.method = method;
        }
    }
    generate_headers(&mut out.headers, gens.category(Category::Header), ctx);
    generate_query(&mut out.query, gens.category(Category::Query), ctx);
    out.body = generate_body(&request.body, gens.category(Category::Body), ctx);
    out
}

/// The response with its generators applied (the mock server calls this before answering).
pub fn generate_response(response: &HttpResponse, ctx: &GeneratorContext) -> HttpResponse {
    let mut out = response.clone();
    let gens = &response.generators;
    for (_, generator) in gens.category(Category::Status) {
        if let Some(value) = generator.generate(&Value::from(out.status), ctx)
            && let Some(status) = value
                .as_u64()
                .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
                .and_then(|s| u16::try_from(s).ok())
        {
            out.status = status;
        }
    }
    generate_headers(&mut out.headers, gens.category(Category::Header), ctx);
    out.body = generate_body(&response.body, gens.category(Category::Body), ctx);
    out
}

/// The message with its generators applied to contents and metadata.
pub fn generate_message(message: &MessageContents, ctx: &GeneratorContext) -> MessageContents {
    let mut out = message.clone();
    let gens = &message.generators;
    out.contents = generate_body(&message.contents, gens.category(Category::Body), ctx);
    for (key, generator) in gens.category(Category::Metadata) {
        let current = out.metadata.get(key).cloned().unwrap_or(Value::Null);
        if let Some(value) = generator.generate(&current, ctx) {
            out.metadata.insert(key.clone(), value);
        }
    }
    out
}
