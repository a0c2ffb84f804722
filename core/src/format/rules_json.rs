//! Matching rules and generators in their JSON forms: the V2 flat map and the V3/V4 categories.

use serde_json::{Map, Value};

use super::ctx::Ctx;
use crate::error::PactReadError;
use crate::generators::{Generator, Generators};
use crate::rules::{
    ArrayContainsVariant, Category, Combine, DocPath, MatchingRule, MatchingRules, RuleCategory, RuleList,
    StatusClass,
};

fn usize_of(value: Option<&Value>) -> Option<usize> {
    match value? {
        Value::Number(n) => n.as_u64().map(|n| n as usize),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn str_of(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Reads one matcher object; unknown kinds become [`MatchingRule::Unknown`].
pub(crate) fn read_matcher(map: &Map<String, Value>, ctx: &Ctx<'_>) -> Result<MatchingRule, PactReadError> {
    let kind = match map.get("match").and_then(Value::as_str) {
        Some(kind) => kind.to_owned(),
        None => {
            // Legacy matchers name their kind by the attribute they carry.
            if map.contains_key("regex") {
                "regex".to_owned()
            } else if map.contains_key("min") || map.contains_key("max") {
                "type".to_owned()
            } else if map.contains_key("timestamp") {
                "timestamp".to_owned()
            } else if map.contains_key("date") {
                "date".to_owned()
            } else if map.contains_key("time") {
                "time".to_owned()
            } else {
                return Err(ctx.invalid("matcher has no 'match' attribute"));
            }
        }
    };
    let format = |keys: &[&str]| keys.iter().find_map(|k| str_of(map, k)).unwrap_or_default();
    let rule = match kind.as_str() {
        "equality" => MatchingRule::Equality,
        "regex" => MatchingRule::Regex(
            str_of(map, "regex")
                .ok_or_else(|| ctx.invalid("regex matcher without a 'regex' attribute"))?
                .into(),
        ),
        "type" | "min" | "max" | "min-type" | "max-type" | "minType" | "maxType" => MatchingRule::Type {
            min: usize_of(map.get("min")),
            max: usize_of(map.get("max")),
        },
        "include" => MatchingRule::Include(
            map.get("value")
                .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
                .unwrap_or_default(),
        ),
        "integer" => MatchingRule::Integer,
        "decimal" | "real" => MatchingRule::Decimal,
        "number" => MatchingRule::Number,
        "timestamp" | "datetime" | "dateTime" => {
            MatchingRule::Timestamp(format(&["format", "timestamp", "datetime"]).into())
        }
        "date" => MatchingRule::Date(format(&["format", "date"]).into()),
        "time" => MatchingRule::Time(format(&["format", "time"]).into()),
        "null" => MatchingRule::Null,
        "boolean" => MatchingRule::Boolean,
        "contentType" | "content-type" => MatchingRule::ContentType(
            str_of(map, "value").ok_or_else(|| ctx.invalid("contentType matcher without a 'value'"))?,
        ),
        "values" => MatchingRule::Values,
        "arrayContains" => {
            let variants = map
                .get("variants")
                .and_then(Value::as_array)
                .ok_or_else(|| ctx.invalid("arrayContains matcher without 'variants'"))?;
            let mut out = Vec::new();
            for (i, variant) in variants.iter().enumerate() {
                let vctx = ctx.index("variants", i);
                let vmap = variant
                    .as_object()
                    .ok_or_else(|| vctx.invalid("expected an object"))?;
                let index = usize_of(vmap.get("index")).unwrap_or(i);
                let rules = match vmap.get("rules") {
                    Some(Value::Object(rules)) => {
                        read_keyed_category(rules, Category::Body, &vctx.key("rules"))?
                    }
                    _ => RuleCategory::default(),
                };
                let generators = vmap
                    .get("generators")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                out.push(ArrayContainsVariant {
                    index,
                    rules,
                    generators,
                });
            }
            MatchingRule::ArrayContains(out)
        }
        "statusCode" => MatchingRule::StatusCode(
            map.get("status")
                .and_then(StatusClass::from_json)
                .ok_or_else(|| ctx.invalid("statusCode matcher needs a 'status' class or list of codes"))?,
        ),
        "notEmpty" => MatchingRule::NotEmpty,
        "semver" => MatchingRule::Semver,
        "eachKey" | "eachValue" => {
            let mut rules = Vec::new();
            if let Some(list) = map.get("rules").and_then(Value::as_array) {
                for (i, r) in list.iter().enumerate() {
                    let rctx = ctx.index("rules", i);
                    let rmap = r
                        .as_object()
                        .ok_or_else(|| rctx.invalid("expected a matcher object"))?;
                    rules.push(read_matcher(rmap, &rctx)?);
                }
            }
            let value = map.get("value").cloned();
            if kind == "eachKey" {
                MatchingRule::EachKey { rules, value }
            } else {
                MatchingRule::EachValue { rules, value }
            }
        }
        _ => MatchingRule::Unknown {
            name: kind.clone(),
            attributes: map.clone(),
        },
    };
    Ok(rule)
}

/// Reads `{"combine": .., "matchers": [..]}`, a bare matcher object or a list of matchers.
fn read_rule_list(value: &Value, ctx: &Ctx<'_>) -> Result<RuleList, PactReadError> {
    match value {
        Value::Object(map) if map.contains_key("matchers") => {
            let combine = match map.get("combine").and_then(Value::as_str) {
                Some(c) if c.eq_ignore_ascii_case("or") => Combine::Or,
                _ => Combine::And,
            };
            let matchers = map
                .get("matchers")
                .and_then(Value::as_array)
                .ok_or_else(|| ctx.key("matchers").invalid("expected a list of matchers"))?;
            let mut rules = Vec::new();
            for (i, m) in matchers.iter().enumerate() {
                let mctx = ctx.index("matchers", i);
                let mmap = m
                    .as_object()
                    .ok_or_else(|| mctx.invalid("expected a matcher object"))?;
                rules.push(read_matcher(mmap, &mctx)?);
            }
            Ok(RuleList { rules, combine })
        }
        Value::Object(map) => Ok(RuleList::single(read_matcher(map, ctx)?)),
        Value::Array(list) => {
            let mut rules = Vec::new();
            for (i, m) in list.iter().enumerate() {
                let mctx = ctx.at_index(i);
                let mmap = m
                    .as_object()
                    .ok_or_else(|| mctx.invalid("expected a matcher object"))?;
                rules.push(read_matcher(mmap, &mctx)?);
            }
            Ok(RuleList {
                rules,
                combine: Combine::And,
            })
        }
        _ => Err(ctx.invalid("expected matchers")),
    }
}

fn read_keyed_category(
    map: &Map<String, Value>,
    category: Category,
    ctx: &Ctx<'_>,
) -> Result<RuleCategory, PactReadError> {
    let mut out = RuleCategory::default();
    for (key, value) in map {
        let list = read_rule_list(value, &ctx.key(key))?;
        let key = match category {
            Category::Body if key != "$" && !key.starts_with('$') => format!("$.{key}"),
            _ => key.clone(),
        };
        out.add(key, list);
    }
    Ok(out)
}

/// Reads a `matchingRules` object of any version into categories.
pub(crate) fn read_matching_rules(value: &Value, ctx: &Ctx<'_>) -> Result<MatchingRules, PactReadError> {
    let map = value
        .as_object()
        .ok_or_else(|| ctx.invalid("expected an object"))?;
    let mut rules = MatchingRules::new();
    let is_v2 = !map.is_empty() && map.keys().all(|k| k.starts_with('$'));
    if is_v2 {
        for (key, value) in map {
            let kctx = ctx.key(key);
            let list = read_rule_list(value, &kctx)?;
            let Some(path) = DocPath::parse(key) else {
                return Err(kctx.invalid("not a valid rule path"));
            };
            if let Some(body_path) = path.strip_first_field("body") {
                rules
                    .category_mut(Category::Body)
                    .add(body_path.to_string(), list);
            } else if let Some(rest) = path
                .strip_first_field("headers")
                .or_else(|| path.strip_first_field("header"))
            {
                let name =
                    first_field(&rest).ok_or_else(|| kctx.invalid("header rule without a header name"))?;
                rules.category_mut(Category::Header).add(name, list);
            } else if let Some(rest) = path.strip_first_field("query") {
                let name =
                    first_field(&rest).ok_or_else(|| kctx.invalid("query rule without a parameter name"))?;
                rules.category_mut(Category::Query).add(name, list);
            } else if path.strip_first_field("path").is_some() {
                rules.category_mut(Category::Path).add("", list);
            } else if path.strip_first_field("status").is_some() {
                rules.category_mut(Category::Status).add("", list);
            } else {
                // Unknown prefixes are kept against the body so nothing is silently lost.
                rules.category_mut(Category::Body).add(key.clone(), list);
            }
        }
        return Ok(rules);
    }
    for (name, value) in map {
        let cctx = ctx.key(name);
        let Some(category) = Category::parse(name) else {
            continue;
        };
        if category.is_single() {
            let list = if value.get("matchers").is_some() || value.get("match").is_some() || value.is_array()
            {
                read_rule_list(value, &cctx)?
            } else if let Some(obj) = value.as_object() {
                // Some writers key single categories by an empty or `$` path.
                let mut merged = RuleList::default();
                for (k, v) in obj {
                    let l = read_rule_list(v, &cctx.key(k))?;
                    merged.rules.extend(l.rules);
                    merged.combine = l.combine;
                }
                merged
            } else {
                return Err(cctx.invalid("expected matchers"));
            };
            rules.category_mut(category).add("", list);
        } else {
            let obj = value
                .as_object()
                .ok_or_else(|| cctx.invalid("expected an object keyed by name or path"))?;
            let read = read_keyed_category(obj, category, &cctx)?;
            for (key, list) in read.iter() {
                rules.category_mut(category).add(key, list.clone());
            }
        }
    }
    Ok(rules)
}

fn first_field(path: &DocPath) -> Option<String> {
    match path.tokens().get(1) {
        Some(crate::rules::PathToken::Field(name)) => Some(name.clone()),
        _ => None,
    }
}

/// Writes one matcher.
pub(crate) fn write_matcher(rule: &MatchingRule) -> Value {
    let mut map = Map::new();
    if let MatchingRule::Unknown { attributes, .. } = rule {
        return Value::Object(attributes.clone());
    }
    map.insert("match".into(), rule.name().into());
    match rule {
        MatchingRule::Regex(regex) => {
            map.insert("regex".into(), regex.as_str().into());
        }
        MatchingRule::Type { min, max } => {
            if let Some(min) = min {
                map.insert("min".into(), (*min).into());
            }
            if let Some(max) = max {
                map.insert("max".into(), (*max).into());
            }
        }
        MatchingRule::Include(value) | MatchingRule::ContentType(value) => {
            map.insert("value".into(), value.clone().into());
        }
        MatchingRule::Timestamp(format) | MatchingRule::Date(format) | MatchingRule::Time(format)
            if !format.is_empty() =>
        {
            map.insert("format".into(), format.as_str().into());
        }
        MatchingRule::ArrayContains(variants) => {
            let list = variants
                .iter()
                .map(|v| {
                    let mut vm = Map::new();
                    vm.insert("index".into(), v.index.into());
                    vm.insert("rules".into(), write_keyed_category(&v.rules));
                    if !v.generators.is_empty() {
                        vm.insert("generators".into(), Value::Object(v.generators.clone()));
                    }
                    Value::Object(vm)
                })
                .collect();
            map.insert("variants".into(), Value::Array(list));
        }
        MatchingRule::StatusCode(class) => {
            map.insert("status".into(), class.to_json());
        }
        MatchingRule::EachKey { rules, value } | MatchingRule::EachValue { rules, value } => {
            map.insert(
                "rules".into(),
                Value::Array(rules.iter().map(write_matcher).collect()),
            );
            if let Some(value) = value {
                map.insert("value".into(), value.clone());
            }
        }
        _ => {}
    }
    Value::Object(map)
}

fn write_rule_list(list: &RuleList) -> Value {
    let mut map = Map::new();
    map.insert(
        "combine".into(),
        match list.combine {
            Combine::And => "AND",
            Combine::Or => "OR",
        }
        .into(),
    );
    map.insert(
        "matchers".into(),
        Value::Array(list.rules.iter().map(write_matcher).collect()),
    );
    Value::Object(map)
}

fn write_keyed_category(category: &RuleCategory) -> Value {
    Value::Object(
        category
            .iter()
            .map(|(key, list)| (key.to_owned(), write_rule_list(list)))
            .collect(),
    )
}

/// Writes rules grouped by category (V3/V4). `body_name` is the category name for the payload.
pub(crate) fn write_matching_rules(rules: &MatchingRules, body_name: &str) -> Value {
    let mut out = Map::new();
    for (category, entries) in rules.iter() {
        let name = if category == Category::Body {
            body_name
        } else {
            category.name()
        };
        if category.is_single() {
            let mut merged = RuleList::default();
            for (_, list) in entries.iter() {
                merged.rules.extend(list.rules.iter().cloned());
                merged.combine = list.combine;
            }
            out.insert(name.into(), write_rule_list(&merged));
        } else {
            out.insert(name.into(), write_keyed_category(entries));
        }
    }
    Value::Object(out)
}

/// Reads a `generators` object (V3/V4 categories).
pub(crate) fn read_generators(value: &Value, ctx: &Ctx<'_>) -> Result<Generators, PactReadError> {
    let map = value
        .as_object()
        .ok_or_else(|| ctx.invalid("expected an object"))?;
    let mut out = Generators::new();
    for (name, value) in map {
        let cctx = ctx.key(name);
        let Some(category) = Category::parse(name) else {
            continue;
        };
        let obj = value
            .as_object()
            .ok_or_else(|| cctx.invalid("expected an object"))?;
        if (category.is_single() || obj.contains_key("type"))
            && let Some(generator) = Generator::from_json(obj)
        {
            out.add(category, "", generator);
            continue;
        }
        for (key, gen_value) in obj {
            let gctx = cctx.key(key);
            let gmap = gen_value
                .as_object()
                .ok_or_else(|| gctx.invalid("expected a generator object"))?;
            let generator = Generator::from_json(gmap)
                .ok_or_else(|| gctx.invalid("generator has no 'type' attribute"))?;
            let key = if category == Category::Body && !key.starts_with('$') {
                format!("$.{key}")
            } else {
                key.clone()
            };
            out.add(category, key, generator);
        }
    }
    Ok(out)
}

/// Writes generators grouped by category.
pub(crate) fn write_generators(generators: &Generators, body_name: &str) -> Value {
    let mut out = Map::new();
    for (category, entries) in generators.iter() {
        let name = if category == Category::Body {
            body_name
        } else {
            category.name()
        };
        if category.is_single() {
            if let Some((_, generator)) = entries.first() {
                out.insert(name.into(), generator.to_json());
            }
        } else {
            out.insert(
                name.into(),
                Value::Object(entries.iter().map(|(k, g)| (k.clone(), g.to_json())).collect()),
            );
        }
    }
    Value::Object(out)
}
