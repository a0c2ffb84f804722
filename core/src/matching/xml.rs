//! Comparison of XML bodies: elements by namespace URI and local name (prefixes ignored),
//! attributes like keys, same-name children like list items, text as `#text`.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use serde_json::Value;

use super::matchers::{Coercion, check_list};
use super::rule_cursor::{CompiledRules, Cursor};
use crate::mismatch::{Mismatch, MismatchKind};
use crate::rules::{MatchingRule, ValueStep};

/// A parsed XML element.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    namespace: Option<String>,
    name: String,
    attributes: Vec<(Option<String>, String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn qualified(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{{{ns}}}{}", self.name),
            None => self.name.clone(),
        }
    }

    fn same_name(&self, other: &Element) -> bool {
        self.name == other.name && self.namespace == other.namespace
    }
}

fn resolved(result: &ResolveResult<'_>) -> Option<String> {
    match result {
        ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
        ResolveResult::Unbound => None,
        ResolveResult::Unknown(prefix) => Some(format!("unknown-prefix:{}", String::from_utf8_lossy(prefix))),
    }
}

/// Parses an XML document into its root element.
pub(crate) fn parse(text: &str) -> Result<Element, String> {
    let mut reader = quick_xml::reader::NsReader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("invalid XML: {e}"))?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let mut element = Element {
                    namespace: resolved(&ns),
                    name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
                    ..Element::default()
                };
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| format!("invalid XML attribute: {e}"))?;
                    let key = attr.key;
                    let raw_key = key.as_ref();
                    if raw_key == b"xmlns" || raw_key.starts_with(b"xmlns:") {
                        continue;
                    }
                    let (attr_ns, local) = reader.resolve_attribute(key);
                    let value = attr
                        .unescape_value()
                        .map_err(|e| format!("invalid XML attribute value: {e}"))?
                        .into_owned();
                    element.attributes.push((
                        resolved(&attr_ns),
                        String::from_utf8_lossy(local.as_ref()).into_owned(),
                        value,
                    ));
                }
                if matches!(event, Event::Empty(_)) {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(element),
                        None => root = Some(element),
                    }
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let Some(mut element) = stack.pop() else {
                    return Err("invalid XML: unbalanced end tag".to_owned());
                };
                element.text = element.text.trim().to_owned();
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => {
                if let Some(current) = stack.last_mut() {
                    let value = text.unescape().map_err(|e| format!("invalid XML text: {e}"))?;
                    current.text.push_str(&value);
                }
            }
            Event::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current
                        .text
                        .push_str(&String::from_utf8_lossy(&data.into_inner()));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root.ok_or_else(|| "XML document has no root element".to_owned())
}

/// Compares XML documents under body rules.
pub(crate) struct XmlComparer<'a, 'r> {
    pub(crate) rules: &'a CompiledRules<'r>,
    /// Responses allow extra attributes and child elements.
    pub(crate) allow_unexpected: bool,
    pub(crate) mismatches: Vec<Mismatch>,
}

impl XmlComparer<'_, '_> {
    fn mismatch(
        &mut self,
        path: &str,
        expected: impl Into<String>,
        actual: impl Into<String>,
        message: String,
    ) {
        self.mismatches
            .push(Mismatch::new(MismatchKind::Body, path, expected, actual, message));
    }

    /// Compares the root elements.
    pub(crate) fn compare_root(&mut self, expected: &Element, actual: &Element) {
        let root = self.rules.root();
        if !expected.same_name(actual) {
            self.mismatch(
                "$",
                expected.qualified(),
                actual.qualified(),
                format!(
                    "Expected element {} but received {}",
                    expected.qualified(),
                    actual.qualified()
                ),
            );
            return;
        }
        let cursor = self.rules.step(&root, ValueStep::Field(&expected.name));
        let path = format!("$.{}", expected.name);
        self.compare_element(&path, &cursor, expected, actual);
    }

    fn compare_element(&mut self, path: &str, cursor: &Cursor, expected: &Element, actual: &Element) {
        self.compare_attributes(path, cursor, expected, actual);
        self.compare_children(path, cursor, expected, actual);
        self.compare_text(path, cursor, expected, actual);
    }

    fn compare_attributes(&mut self, path: &str, cursor: &Cursor, expected: &Element, actual: &Element) {
        for (ns, name, value) in &expected.attributes {
            let key = format!("@{name}");
            let attr_path = format!("{path}['{key}']");
            let found = actual
                .attributes
                .iter()
                .find(|(ans, aname, _)| aname == name && ans == ns);
            let Some((_, _, actual_value)) = found else {
                self.mismatch(
                    &attr_path,
                    value.clone(),
                    "",
                    format!("Expected {key}='{value}' but was missing"),
                );
                continue;
            };
            let child = self.rules.step(cursor, ValueStep::Field(&key));
            self.compare_value(
                &attr_path,
                &child,
                value,
                actual_value,
                &format!("attribute {key}"),
            );
        }
        if !self.allow_unexpected {
            for (ns, name, value) in &actual.attributes {
                if !expected
                    .attributes
                    .iter()
                    .any(|(ens, ename, _)| ename == name && ens == ns)
                {
                    self.mismatch(
                        &format!("{path}['@{name}']"),
                        "",
                        value.clone(),
                        format!("Did not expect an attribute @{name}='{value}'"),
                    );
                }
            }
        }
    }

    fn compare_value(&mut self, path: &str, cursor: &Cursor, expected: &str, actual: &str, what: &str) {
        let selected = self.rules.best(cursor).filter(|s| !s.list.is_equality_only());
        match selected {
            Some(selected) => {
                let e = Value::String(expected.to_owned());
                let a = Value::String(actual.to_owned());
                for message in check_list(selected.list, &e, &a, Coercion::FromText) {
                    self.mismatch(path, expected, actual, message);
                }
            }
            None if expected != actual => {
                self.mismatch(
                    path,
                    expected,
                    actual,
                    format!("Expected {what} '{expected}' but received '{actual}'"),
                );
            }
            None => {}
        }
    }

    fn compare_text(&mut self, path: &str, cursor: &Cursor, expected: &Element, actual: &Element) {
        let child = self.rules.step(cursor, ValueStep::Field("#text"));
        let text_path = format!("{path}['#text']");
        self.compare_value(&text_path, &child, &expected.text, &actual.text, "text");
    }

    /// The cursor of a child element, addressed as `.name` or as `[index].name`.
    fn child_cursor(&self, cursor: &Cursor, index: usize, name: &str) -> Cursor {
        let direct = self.rules.step(cursor, ValueStep::Field(name));
        let by_index = self.rules.step(
            &self.rules.step(cursor, ValueStep::Index(index)),
            ValueStep::Field(name),
        );
        self.rules.merge(direct, by_index)
    }

    fn compare_children(&mut self, path: &str, cursor: &Cursor, expected: &Element, actual: &Element) {
        // A type-like rule on an element treats its children as a list: sizes are checked against
        // min/max and every actual child is compared with the expected child at its index, or
        // with the first expected child as a template.
        let selected = self
            .rules
            .best(cursor)
            .filter(|s| !s.list.is_equality_only() && s.list.has_type_like());
        if let Some(selected) = selected {
            if !selected.cascaded {
                let n = actual.children.len();
                for rule in &selected.list.rules {
                    if let MatchingRule::Type { min, max } = rule {
                        if let Some(min) = min.filter(|m| n < *m) {
                            self.mismatch(
                                path,
                                expected.children.len().to_string(),
                                n.to_string(),
                                format!(
                                    "Expected <{}> with {n} child element(s) to have minimum size of {min}",
                                    expected.name
                                ),
                            );
                        }
                        if let Some(max) = max.filter(|m| n > *m) {
                            self.mismatch(
                                path,
                                expected.children.len().to_string(),
                                n.to_string(),
                                format!(
                                    "Expected <{}> with {n} child element(s) to have maximum size of {max}",
                                    expected.name
                                ),
                            );
                        }
                    }
                }
            }
            for (i, actual_child) in actual.children.iter().enumerate() {
                let Some(expected_child) = expected.children.get(i).or_else(|| expected.children.first())
                else {
                    break;
                };
                let child_path = format!("{path}.{}[{i}]", actual_child.name);
                if !expected_child.same_name(actual_child) {
                    self.mismatch(
                        &child_path,
                        format!("<{}/>", expected_child.name),
                        format!("<{}/>", actual_child.name),
                        format!(
                            "Expected child <{}/> but received <{}/>",
                            expected_child.name, actual_child.name
                        ),
                    );
                    continue;
                }
                let child_cursor = self.child_cursor(cursor, i, &actual_child.name);
                self.compare_element(&child_path, &child_cursor, expected_child, actual_child);
            }
            return;
        }
        let mut groups: Vec<Vec<&Element>> = Vec::new();
        for child in &expected.children {
            match groups.iter_mut().find(|g| g[0].same_name(child)) {
                Some(group) => group.push(child),
                None => groups.push(vec![child]),
            }
        }
        for group in &groups {
            let name = &group[0].name;
            let group_path = format!("{path}.{name}");
            let actual_children: Vec<(usize, &Element)> = actual
                .children
                .iter()
                .enumerate()
                .filter(|(_, c)| c.same_name(group[0]))
                .collect();
            for (i, expected_child) in group.iter().enumerate() {
                let child_path = format!("{group_path}[{i}]");
                match actual_children.get(i) {
                    Some((position, actual_child)) => {
                        let child_cursor = self.child_cursor(cursor, *position, name);
                        self.compare_element(&child_path, &child_cursor, expected_child, actual_child)
                    }
                    None => self.mismatch(
                        &child_path,
                        format!("<{name}/>"),
                        "",
                        format!("Expected child <{name}/> but was missing"),
                    ),
                }
            }
            if !self.allow_unexpected && actual_children.len() > group.len() {
                self.mismatch(
                    &group_path,
                    group.len().to_string(),
                    actual_children.len().to_string(),
                    format!(
                        "Expected {} <{name}/> child element(s) but received {}",
                        group.len(),
                        actual_children.len()
                    ),
                );
            }
        }
        if !self.allow_unexpected {
            for child in &actual.children {
                if !groups.iter().any(|g| g[0].same_name(child)) {
                    self.mismatch(
                        &format!("{path}.{}", child.name),
                        "",
                        format!("<{}/>", child.name),
                        format!("Unexpected child <{}/>", child.name),
                    );
                }
            }
        }
    }
}
