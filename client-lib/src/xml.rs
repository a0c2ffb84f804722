//! XML bodies with matchers: build the document as elements whose attributes and text may be
//! matchers (`integer(1)`, `regex(...)`, `like("bolt")`), and whose repeated children may be
//! declared once with [`XmlElement::each_like`]. The rules land at the paths Pact uses for XML:
//! `$.order['@id']` for an attribute, `$.order.line['#text']` for text, and a `type` rule with
//! a minimum on the element whose children form a list.
//!
//! ```no_run
//! use accord::matchers::{integer, like, regex};
//! use accord::xml::element;
//! # let mut pact = accord::PactBuilder::new("c", "p");
//! pact.interaction("get an order", |i| {
//!     i.request(|r| r.get().path("/orders/1")).response(|r| {
//!         r.xml_body_with(
//!             element("order")
//!                 .attr("id", integer(1))
//!                 .each_like(element("line").attr("sku", regex("[A-Z]+", "AB")).text(like("bolt")), 1),
//!         )
//!     });
//! });
//! ```

use accord_core::generators::Generators;
use accord_core::rules::{Category, MatchingRule, MatchingRules};
use serde_json::Value;

use crate::integration::extract_text;

/// An XML element under construction.
#[derive(Debug, Clone)]
pub struct XmlElement {
    name: String,
    attributes: Vec<(String, Value)>,
    text: Option<Value>,
    children: Vec<XmlElement>,
    /// Children declared once with `each_like`: (template, minimum).
    repeated: Option<(Box<XmlElement>, usize)>,
}

/// An element named `name` (with a namespace prefix if wanted: `ns:order`).
pub fn element(name: &str) -> XmlElement {
    XmlElement {
        name: name.to_owned(),
        attributes: Vec::new(),
        text: None,
        children: Vec::new(),
        repeated: None,
    }
}

impl XmlElement {
    /// An attribute; the value may be a matcher.
    pub fn attr(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.attributes.push((name.to_owned(), value.into()));
        self
    }

    /// The element's text; may be a matcher.
    pub fn text(mut self, value: impl Into<Value>) -> Self {
        self.text = Some(value.into());
        self
    }

    /// A child element.
    pub fn child(mut self, child: XmlElement) -> Self {
        self.children.push(child);
        self
    }

    /// Children like `template`, at least `min` of them (the example holds `max(min, 1)`).
    /// They must be the element's only children.
    pub fn each_like(mut self, template: XmlElement, min: usize) -> Self {
        self.repeated = Some((Box::new(template), min));
        self
    }
}

/// The example document, its body rules and generators.
pub(crate) struct Built {
    pub(crate) text: String,
    pub(crate) rules: MatchingRules,
    pub(crate) generators: Generators,
}

/// Builds the document of `root`; an error names the element at fault.
pub(crate) fn build(root: &XmlElement) -> Result<Built, String> {
    let mut built = Built {
        text: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        rules: MatchingRules::default(),
        generators: Generators::default(),
    };
    write(root, &format!("$.{}", root.name), &mut built, false)?;
    Ok(built)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The example text of `value` with its rule and generator recorded at `key`; without a matcher
/// and with `exact`, an equality rule keeps a list parent's `type` rule from loosening it.
fn value(value: &Value, key: &str, built: &mut Built, exact: bool) -> Result<String, String> {
    let (text, rule, generator) = extract_text(value).map_err(|e| format!("{key}: {e}"))?;
    match rule {
        Some(rule) => built.rules.category_mut(Category::Body).add(key, rule),
        None if exact => built.rules.add_rule(Category::Body, key, MatchingRule::Equality),
        None => {}
    }
    if let Some(generator) = generator {
        built.generators.add(Category::Body, key, generator);
    }
    Ok(text)
}

fn write(element: &XmlElement, path: &str, built: &mut Built, exact: bool) -> Result<(), String> {
    if element.repeated.is_some() && !element.children.is_empty() {
        return Err(format!(
            "<{}> at {path}: children declared with each_like must be its only children",
            element.name
        ));
    }
    // An element whose children form a list carries a `type` rule, which would also loosen its
    // own attributes and text: those without a matcher are pinned with equality.
    let exact = exact || element.repeated.is_some();
    built.text.push('<');
    built.text.push_str(&element.name);
    for (name, v) in &element.attributes {
        let text = value(v, &format!("{path}['@{name}']"), built, exact)?;
        built.text.push_str(&format!(" {name}=\"{}\"", escape(&text)));
    }
    built.text.push('>');
    if let Some(t) = &element.text {
        let text = value(t, &format!("{path}['#text']"), built, exact)?;
        built.text.push_str(&escape(&text));
    }
    for child in &element.children {
        write(child, &format!("{path}.{}", child.name), built, exact)?;
    }
    if let Some((template, min)) = &element.repeated {
        built.rules.add_rule(
            Category::Body,
            path,
            MatchingRule::Type {
                min: Some(*min),
                max: None,
            },
        );
        // The template's rules are recorded once; its text is repeated.
        let start = built.text.len();
        write(template, &format!("{path}.{}", template.name), built, false)?;
        let copy = built.text[start..].to_owned();
        for _ in 1..(*min).max(1) {
            built.text.push_str(&copy);
        }
    }
    built.text.push_str(&format!("</{}>", element.name));
    Ok(())
}
