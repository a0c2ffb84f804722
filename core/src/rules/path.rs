//! Rule path expressions such as `$.items[*].id` or `$['odd key'].x`, and their weights.

use std::fmt;

/// One step of a rule path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathToken {
    /// `$`, the root.
    Root,
    /// A named key or XML element, attribute (`@name`) or text (`#text`).
    Field(String),
    /// An array index.
    Index(usize),
    /// `.*`: any key or index, one level.
    Star,
    /// `[*]`: any array index.
    StarIndex,
}

/// A parsed rule path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocPath {
    tokens: Vec<PathToken>,
}

impl DocPath {
    /// The root path `$`.
    pub fn root() -> DocPath {
        DocPath {
            tokens: vec![PathToken::Root],
        }
    }

    /// Parses a path expression; `None` when it is not a valid path.
    pub fn parse(text: &str) -> Option<DocPath> {
        let text = text.trim();
        let rest = text.strip_prefix('$')?;
        let mut tokens = vec![PathToken::Root];
        let chars: Vec<char> = rest.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '.' => {
                    let start = i + 1;
                    let mut end = start;
                    while end < chars.len() && chars[end] != '.' && chars[end] != '[' {
                        end += 1;
                    }
                    let name: String = chars[start..end].iter().collect();
                    if name.is_empty() {
                        return None;
                    }
                    tokens.push(if name == "*" {
                        PathToken::Star
                    } else {
                        PathToken::Field(name)
                    });
                    i = end;
                }
                '[' => {
                    let close = find_close(&chars, i + 1)?;
                    let inner: String = chars[i + 1..close].iter().collect();
                    let inner = inner.trim();
                    if inner == "*" {
                        tokens.push(PathToken::StarIndex);
                    } else if let Some(quoted) = unquote(inner) {
                        tokens.push(if quoted == "*" {
                            PathToken::Star
                        } else {
                            PathToken::Field(quoted)
                        });
                    } else if let Ok(index) = inner.parse::<usize>() {
                        tokens.push(PathToken::Index(index));
                    } else {
                        return None;
                    }
                    i = close + 1;
                }
                _ => {
                    // Bare names right after `$` (`$name`) are not valid paths.
                    return None;
                }
            }
        }
        Some(DocPath { tokens })
    }

    /// The tokens, starting with [`PathToken::Root`].
    pub fn tokens(&self) -> &[PathToken] {
        &self.tokens
    }

    /// Number of tokens, root included.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Always false: a path has at least the root.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// A new path with a field appended.
    pub fn join(&self, field: impl Into<String>) -> DocPath {
        let mut tokens = self.tokens.clone();
        tokens.push(PathToken::Field(field.into()));
        DocPath { tokens }
    }

    /// A new path with an index appended.
    pub fn join_index(&self, index: usize) -> DocPath {
        let mut tokens = self.tokens.clone();
        tokens.push(PathToken::Index(index));
        DocPath { tokens }
    }

    /// A new path with `[*]` appended.
    pub fn join_star_index(&self) -> DocPath {
        let mut tokens = self.tokens.clone();
        tokens.push(PathToken::StarIndex);
        DocPath { tokens }
    }

    /// Strips a leading field (V2 `$.body.x` becomes `$.x`); `None` when it is not there.
    pub fn strip_first_field(&self, field: &str) -> Option<DocPath> {
        match self.tokens.get(1) {
            Some(PathToken::Field(name)) if name == field => {
                let mut tokens = vec![PathToken::Root];
                tokens.extend(self.tokens[2..].iter().cloned());
                Some(DocPath { tokens })
            }
            _ => None,
        }
    }
}

fn find_close(chars: &[char], from: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut i = from;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == ']' => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

fn unquote(text: &str) -> Option<String> {
    let first = text.chars().next()?;
    if (first == '\'' || first == '"') && text.len() >= 2 && text.ends_with(first) {
        Some(text[1..text.len() - 1].to_owned())
    } else {
        None
    }
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == ':')
        && !name.chars().all(|c| c.is_ascii_digit())
}

impl fmt::Display for DocPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.tokens {
            match token {
                PathToken::Root => f.write_str("$")?,
                PathToken::Field(name) if is_plain_name(name) => write!(f, ".{name}")?,
                PathToken::Field(name) => write!(f, "['{name}']")?,
                PathToken::Index(i) => write!(f, "[{i}]")?,
                PathToken::Star => f.write_str(".*")?,
                PathToken::StarIndex => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

/// One step of the path of a value being compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueStep<'a> {
    /// A key of an object, an XML element name, `@attribute` or `#text`.
    Field(&'a str),
    /// An index in a list.
    Index(usize),
}

impl PathToken {
    /// The weight this rule token gives to a value step: 2 exact, 1 wildcard, 0 no match.
    pub fn weight(&self, step: ValueStep<'_>) -> u32 {
        match (self, step) {
            (PathToken::Field(name), ValueStep::Field(key)) if name == key => 2,
            (PathToken::Index(i), ValueStep::Index(j)) if *i == j => 2,
            (PathToken::StarIndex, ValueStep::Index(_)) => 1,
            (PathToken::Star, _) => 1,
            _ => 0,
        }
    }
}
