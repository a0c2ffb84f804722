//! HAL's pieces as types: a link, a relation holding one link or several, and the `_links`
//! object of an answer, kept in the order the server wrote it.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// One HAL link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// Where it points (absolute, or a URI template when `templated`).
    pub href: String,
    /// A title for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The name of what it points to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether `href` is a URI template (`{provider}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templated: Option<bool>,
}

impl Link {
    /// A plain link.
    pub fn to(href: impl Into<String>) -> Link {
        Link {
            href: href.into(),
            ..Link::default()
        }
    }

    /// A link with a title and a name.
    pub fn named(href: impl Into<String>, title: impl Into<String>, name: impl Into<String>) -> Link {
        Link {
            href: href.into(),
            title: Some(title.into()),
            name: Some(name.into()),
            templated: None,
        }
    }

    /// A URI template.
    pub fn templated(href: impl Into<String>) -> Link {
        Link {
            href: href.into(),
            templated: Some(true),
            ..Link::default()
        }
    }

    /// The same link with a title.
    pub fn titled(mut self, title: impl Into<String>) -> Link {
        self.title = Some(title.into());
        self
    }
}

/// A relation: one link, or a list of them (`pb:record-deployment` has one per environment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rel {
    /// One link.
    One(Link),
    /// Several.
    Many(Vec<Link>),
}

/// The `_links` object of an answer: relation name to link(s), in the order written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Links(pub IndexMap<String, Rel>);

impl Links {
    /// No links.
    pub fn new() -> Links {
        Links::default()
    }

    /// Only `self`.
    pub fn this(href: impl Into<String>) -> Links {
        Links::new().with("self", Link::to(href))
    }

    /// These links plus `rel` (replacing a link of that name).
    pub fn with(mut self, rel: &str, link: Link) -> Links {
        self.0.insert(rel.to_owned(), Rel::One(link));
        self
    }

    /// These links plus a relation holding a list.
    pub fn with_all(mut self, rel: &str, links: Vec<Link>) -> Links {
        self.0.insert(rel.to_owned(), Rel::Many(links));
        self
    }

    /// Sets or replaces one relation.
    pub fn set(&mut self, rel: &str, link: Link) {
        self.0.insert(rel.to_owned(), Rel::One(link));
    }

    /// The link of a relation that holds one.
    pub fn get(&self, rel: &str) -> Option<&Link> {
        match self.0.get(rel) {
            Some(Rel::One(link)) => Some(link),
            Some(Rel::Many(links)) => links.first(),
            None => None,
        }
    }

    /// Where a relation points.
    pub fn href(&self, rel: &str) -> Option<&str> {
        self.get(rel).map(|l| l.href.as_str())
    }
}

/// Something with a name and links, the shape of many embedded items (`{"name": "prod",
/// "_links": {...}}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedItem {
    /// Its name.
    pub name: String,
    /// Its links.
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// An answer holding only links (the index, a self link).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinksOnly {
    /// The links.
    #[serde(rename = "_links", default)]
    pub links: Links,
}
