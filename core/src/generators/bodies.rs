//! Generators inside form and XML bodies, as the official mock server applies them: a form
//! parameter's values (`$.age`, `$['name[]'][0]`), an XML element's text (`$.a.b['#text']`)
//! or attribute (`$.a.b['@id']`). The body is rewritten in place: every byte a generator does
//! not target stays as it was.

use std::collections::HashMap;

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use super::Generator;
use crate::model::Query;

/// Produces a generator's value for the current text, or `None` to keep it.
pub(crate) type Generate<'a> = &'a dyn Fn(&Generator, &str) -> Option<String>;
use crate::rules::{DocPath, PathToken};

/// A form body with its generators applied.
pub(crate) fn form(text: &str, generators: &[(String, Generator)], generate: Generate<'_>) -> String {
    let mut query = Query::parse(text);
    for (key, generator) in generators {
        let Some(path) = DocPath::parse(key) else { continue };
        let (name, index) = match path.tokens() {
            [PathToken::Root, PathToken::Field(name)] => (name.clone(), None),
            [PathToken::Root, PathToken::Field(name), PathToken::Index(i)] => (name.clone(), Some(*i)),
            [PathToken::Root, PathToken::Field(name), PathToken::StarIndex] => (name.clone(), None),
            _ => continue,
        };
        let Some(values) = query.get(&name).map(<[String]>::to_vec) else {
            continue;
        };
        let generated: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, value)| {
                if index.is_some_and(|wanted| wanted != i) {
                    return value.clone();
                }
                generate(generator, value).unwrap_or_else(|| value.clone())
            })
            .collect();
        query.set(name, generated);
    }
    query.to_query_string()
}

/// One step of an XML generator path: an element name, with the index among same-name
/// siblings when the path gives one.
#[derive(Debug)]
struct Step {
    name: String,
    index: Option<usize>,
}

/// What an XML generator replaces.
#[derive(Debug, PartialEq)]
enum Target {
    Text,
    Attribute(String),
}

struct XmlGenerator<'g> {
    steps: Vec<Step>,
    target: Target,
    generator: &'g Generator,
}

fn xml_generator<'g>(key: &str, generator: &'g Generator) -> Option<XmlGenerator<'g>> {
    let path = DocPath::parse(key)?;
    let mut steps: Vec<Step> = Vec::new();
    let mut target = Target::Text;
    for token in path.tokens().iter().skip(1) {
        match token {
            PathToken::Field(name) if name == "#text" => target = Target::Text,
            PathToken::Field(name) if name.starts_with('@') => {
                target = Target::Attribute(name[1..].to_owned());
            }
            PathToken::Field(name) => steps.push(Step {
                name: name.clone(),
                index: None,
            }),
            PathToken::Index(i) => steps.last_mut()?.index = Some(*i),
            PathToken::StarIndex => {}
            PathToken::Star | PathToken::Root => return None,
        }
    }
    (!steps.is_empty()).then_some(XmlGenerator {
        steps,
        target,
        generator,
    })
}

/// An open element: its name as written, its index among same-name siblings, and how many
/// children of each name it has had so far.
struct Frame {
    name: String,
    index: usize,
    children: HashMap<String, usize>,
    text_done: bool,
}

fn name_matches(step: &str, written: &str) -> bool {
    step == written || written.rsplit(':').next() == Some(step)
}

fn matches(generator: &XmlGenerator<'_>, stack: &[Frame]) -> bool {
    generator.steps.len() == stack.len()
        && generator.steps.iter().zip(stack).all(|(step, frame)| {
            name_matches(&step.name, &frame.name) && step.index.is_none_or(|i| i == frame.index)
        })
}

/// An XML body with its generators applied; `None` when it is not XML this can rewrite.
pub(crate) fn xml(text: &str, generators: &[(String, Generator)], generate: Generate<'_>) -> Option<String> {
    let generators: Vec<XmlGenerator<'_>> = generators
        .iter()
        .filter_map(|(key, g)| xml_generator(key, g))
        .collect();
    if generators.is_empty() {
        return None;
    }
    let generate = |g: &XmlGenerator<'_>, current: &str| -> Option<String> { generate(g.generator, current) };
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut writer = quick_xml::Writer::new(Vec::new());
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let event = reader.read_event().ok()?;
        match event {
            Event::Start(start) => {
                let start = open(&mut stack, start, &generators, &generate)?;
                writer.write_event(Event::Start(start)).ok()?;
            }
            Event::Empty(start) => {
                let start = open(&mut stack, start, &generators, &generate)?;
                let name = stack.last()?.name.clone();
                let text = generators
                    .iter()
                    .find(|g| g.target == Target::Text && matches(g, &stack))
                    .and_then(|g| generate(g, ""));
                stack.pop();
                match text {
                    Some(text) => {
                        writer.write_event(Event::Start(start)).ok()?;
                        writer.write_event(Event::Text(BytesText::new(&text))).ok()?;
                        writer.write_event(Event::End(BytesEnd::new(name))).ok()?;
                    }
                    None => writer.write_event(Event::Empty(start)).ok()?,
                }
            }
            Event::Text(t) => {
                let current = t.unescape().ok()?.into_owned();
                let replacement = match stack.last() {
                    Some(frame) if !current.trim().is_empty() || !frame.text_done => generators
                        .iter()
                        .find(|g| g.target == Target::Text && matches(g, &stack))
                        .and_then(|g| generate(g, current.trim())),
                    _ => None,
                };
                match (replacement, stack.last_mut()) {
                    (Some(text), Some(frame)) => {
                        if !frame.text_done {
                            writer.write_event(Event::Text(BytesText::new(&text))).ok()?;
                        }
                        frame.text_done = true;
                    }
                    _ => writer.write_event(Event::Text(t)).ok()?,
                }
            }
            Event::End(end) => {
                let pending = match stack.last() {
                    Some(frame) if !frame.text_done => generators
                        .iter()
                        .find(|g| g.target == Target::Text && matches(g, &stack))
                        .and_then(|g| generate(g, "")),
                    _ => None,
                };
                if let Some(text) = pending {
                    writer.write_event(Event::Text(BytesText::new(&text))).ok()?;
                }
                stack.pop();
                writer.write_event(Event::End(end)).ok()?;
            }
            Event::Eof => break,
            other => writer.write_event(other).ok()?,
        }
    }
    String::from_utf8(writer.into_inner()).ok()
}

/// Enters an element: pushes its frame and applies attribute generators.
fn open<'a>(
    stack: &mut Vec<Frame>,
    start: BytesStart<'a>,
    generators: &[XmlGenerator<'_>],
    generate: &impl Fn(&XmlGenerator<'_>, &str) -> Option<String>,
) -> Option<BytesStart<'a>> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let index = match stack.last_mut() {
        Some(parent) => {
            let count = parent.children.entry(name.clone()).or_insert(0);
            *count += 1;
            *count - 1
        }
        None => 0,
    };
    stack.push(Frame {
        name: name.clone(),
        index,
        children: HashMap::new(),
        text_done: false,
    });
    let attribute_generators: Vec<&XmlGenerator<'_>> = generators
        .iter()
        .filter(|g| matches!(g.target, Target::Attribute(_)) && matches(g, stack))
        .collect();
    if attribute_generators.is_empty() {
        return Some(start);
    }
    let mut rewritten = BytesStart::new(name);
    for attr in start.attributes() {
        let attr = attr.ok()?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let value = attr.unescape_value().ok()?.into_owned();
        let generated = attribute_generators
            .iter()
            .find(|g| matches!(&g.target, Target::Attribute(a) if name_matches(a, &key)))
            .and_then(|g| generate(g, &value));
        rewritten.push_attribute((key.as_str(), generated.as_deref().unwrap_or(&value)));
    }
    Some(rewritten)
}
