//! Multi-valued headers with case-insensitive names, and query parameters.

use super::ContentType;

/// Headers as an ordered list of names with one or more values each.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Headers {
    entries: Vec<(String, Vec<String>)>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of distinct header names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds a value to a header, keeping earlier values of the same name.
    pub fn add(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        match self
            .entries
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some((_, values)) => values.push(value),
            None => self.entries.push((name, vec![value])),
        }
    }

    /// Sets a header to the given values, replacing any existing ones.
    pub fn set(&mut self, name: impl Into<String>, values: Vec<String>) {
        let name = name.into();
        match self
            .entries
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(&name))
        {
            Some((_, existing)) => *existing = values,
            None => self.entries.push((name, values)),
        }
    }

    /// The values of a header, by case-insensitive name.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The values of a header joined with `", "`.
    pub fn get_joined(&self, name: &str) -> Option<String> {
        self.get(name).map(|values| values.join(", "))
    }

    /// Removes a header, by case-insensitive name.
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Every header in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// The parsed `Content-Type` header.
    pub fn content_type(&self) -> Option<ContentType> {
        self.get("content-type")
            .and_then(|v| v.first())
            .and_then(|v| ContentType::parse(v))
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<T: IntoIterator<Item = (N, V)>>(iter: T) -> Self {
        let mut headers = Headers::new();
        for (n, v) in iter {
            headers.add(n, v);
        }
        headers
    }
}

/// Query parameters: names in first-seen order, each with its values in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    params: Vec<(String, Vec<String>)>,
    raw: Option<String>,
}

impl Query {
    /// No parameters.
    pub fn new() -> Query {
        Query::default()
    }

    /// Parses a raw query string (`a=1&b=x%20y`), decoding names and values.
    pub fn parse(raw: &str) -> Query {
        let mut query = Query::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            query.add(decode_component(name), decode_component(value));
        }
        query.raw = Some(raw.to_owned());
        query
    }

    /// The raw string this query was parsed from, if it came from one.
    pub fn raw(&self) -> Option<&str> {
        self.raw.as_deref()
    }

    /// Adds a value to a parameter.
    pub fn add(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        self.raw = None;
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(value),
            None => self.params.push((name, vec![value])),
        }
    }

    /// Sets a parameter's values, replacing existing ones.
    pub fn set(&mut self, name: impl Into<String>, values: Vec<String>) {
        let name = name.into();
        self.raw = None;
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => *existing = values,
            None => self.params.push((name, values)),
        }
    }

    /// The values of a parameter.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Every parameter in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.params.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// The query encoded as a string, e.g. for sending it.
    pub fn to_query_string(&self) -> String {
        let mut out = String::new();
        for (name, values) in &self.params {
            for value in values {
                if !out.is_empty() {
                    out.push('&');
                }
                out.push_str(&encode_component(name));
                out.push('=');
                out.push_str(&encode_component(value));
            }
        }
        out
    }
}

/// Percent-decodes one query component, treating `+` as a space.
pub(crate) fn decode_component(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

const QUERY_ENCODE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one query component.
pub(crate) fn encode_component(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, QUERY_ENCODE).to_string()
}
