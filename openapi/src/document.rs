//! An OpenAPI document: read from JSON or YAML, `$ref`s followed within it, and each
//! request's operation found by server base path, path template and method.

use serde_json::Value;

/// A document that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenApiError {
    /// Neither JSON nor YAML.
    #[error("{source_name}: not JSON or YAML: {reason}")]
    Syntax {
        /// The document's name (a file name, say).
        source_name: String,
        /// The YAML reader's message.
        reason: String,
    },
    /// Not an OpenAPI 3 document.
    #[error("{source_name}: not an OpenAPI 3.0 or 3.1 document ({reason})")]
    NotOpenApi {
        /// The document's name.
        source_name: String,
        /// What is missing.
        reason: String,
    },
}

/// A parsed OpenAPI 3.0 or 3.1 document.
#[derive(Debug, Clone)]
pub struct OpenApi {
    root: Value,
    base_paths: Vec<String>,
    /// The document's `pattern`s, compiled once, and their comparisons with regex rules.
    pub(crate) patterns: crate::pattern::PatternCache,
}

/// One operation of the document, with where it is.
#[derive(Debug, Clone)]
pub(crate) struct Operation<'a> {
    /// `paths./accounts/{id}.get`, for mismatches.
    pub(crate) location: String,
    pub(crate) operation: &'a Value,
    /// Parameters of the path item and the operation (the operation's win).
    pub(crate) parameters: Vec<&'a Value>,
    /// Path parameter values taken from the request path, by name.
    pub(crate) path_values: Vec<(String, String)>,
}

impl OpenApi {
    /// Reads an OpenAPI 3.0 or 3.1 document, or a Swagger 2.0 one, from JSON or YAML text;
    /// `source_name` names it in errors.
    pub fn parse(text: &str, source_name: &str) -> Result<OpenApi, OpenApiError> {
        let root: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(_) => yaml_serde::from_str(text).map_err(|e| OpenApiError::Syntax {
                source_name: source_name.to_owned(),
                reason: e.to_string(),
            })?,
        };
        let root = if root["swagger"] == "2.0" {
            crate::swagger2::to_openapi3(root)
        } else {
            root
        };
        let version = root["openapi"].as_str().unwrap_or_default();
        if !version.starts_with("3.") {
            return Err(OpenApiError::NotOpenApi {
                source_name: source_name.to_owned(),
                reason: format!("`openapi` is '{version}', not 3.x (nor `swagger: \"2.0\"`)"),
            });
        }
        if !root["paths"].is_object() {
            return Err(OpenApiError::NotOpenApi {
                source_name: source_name.to_owned(),
                reason: "no `paths` object".to_owned(),
            });
        }
        let mut base_paths: Vec<String> = root["servers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["url"].as_str())
            .map(base_path)
            .collect();
        if base_paths.is_empty() {
            base_paths.push(String::new());
        }
        Ok(OpenApi {
            root,
            base_paths,
            patterns: crate::pattern::PatternCache::default(),
        })
    }

    /// The security requirements of an operation (its own, else the document's), with the
    /// scheme each name stands for (`components.securitySchemes`, or Swagger 2.0's
    /// `securityDefinitions`): a list of alternatives, each a list of schemes all required.
    pub(crate) fn security<'a>(&'a self, operation: &'a Value) -> Option<Vec<Vec<(&'a str, &'a Value)>>> {
        let requirements = operation
            .get("security")
            .or_else(|| self.root.get("security"))?
            .as_array()?;
        if requirements.is_empty() {
            return None;
        }
        let schemes = self.root["components"]["securitySchemes"]
            .as_object()
            .or_else(|| self.root["securityDefinitions"].as_object());
        Some(
            requirements
                .iter()
                .map(|alternative| {
                    alternative
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, _)| {
                            let scheme = schemes
                                .and_then(|s| s.get(name))
                                .map_or(&Value::Null, |s| self.resolve(s));
                            (name.as_str(), scheme)
                        })
                        .collect()
                })
                .collect(),
        )
    }

    /// Follows `value`'s `$ref` (repeatedly, at most 32 times) within the document.
    pub(crate) fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..32 {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return value;
            };
            match self.root.pointer(pointer) {
                Some(target) => value = target,
                None => return value,
            }
        }
        value
    }

    /// The operation for `method` and `path`, trying each server's base path; `None` when no
    /// path template matches, `Some(Err(location))` when the path exists without that method.
    pub(crate) fn operation(&self, method: &str, path: &str) -> Option<Result<Operation<'_>, String>> {
        let paths = self.root["paths"].as_object()?;
        for base in &self.base_paths {
            let Some(rest) = path.strip_prefix(base.as_str()) else {
                continue;
            };
            let rest = if rest.starts_with('/') {
                rest.to_owned()
            } else {
                format!("/{rest}")
            };
            // Templates without parameters first: `/accounts/me` before `/accounts/{id}`.
            let mut candidates: Vec<(&String, &Value)> = paths.iter().collect();
            candidates.sort_by_key(|(template, _)| template.matches('{').count());
            for (template, item) in candidates {
                let Some(path_values) = template_match(template, &rest) else {
                    continue;
                };
                let item = self.resolve(item);
                let method = method.to_ascii_lowercase();
                let Some(operation) = item.get(&method) else {
                    return Some(Err(format!("paths.{template}")));
                };
                let mut parameters: Vec<&Value> = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| self.resolve(p))
                    .collect();
                for shared in item["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| self.resolve(p))
                {
                    if !parameters
                        .iter()
                        .any(|p| p["name"] == shared["name"] && p["in"] == shared["in"])
                    {
                        parameters.push(shared);
                    }
                }
                return Some(Ok(Operation {
                    location: format!("paths.{template}.{method}"),
                    operation,
                    parameters,
                    path_values,
                }));
            }
        }
        None
    }
}

/// The path part of a server URL (`https://api.example.com/v1` gives `/v1`), without a
/// trailing slash; variables in it (`{basePath}`) are left as written.
fn base_path(url: &str) -> String {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") {
        without_scheme.find('/').map_or("", |i| &without_scheme[i..])
    } else {
        without_scheme
    };
    path.trim_end_matches('/').to_owned()
}

/// The values of `template`'s `{name}` segments in `path`, or `None` when it does not match.
fn template_match(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut values = Vec::new();
    for (t, p) in t.iter().zip(&p) {
        match (t.find('{'), t.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let (prefix, suffix) = (&t[..open], &t[close + 1..]);
                let value = p.strip_prefix(prefix)?.strip_suffix(suffix)?;
                if value.is_empty() {
                    return None;
                }
                values.push((t[open + 1..close].to_owned(), value.to_owned()));
            }
            _ if t == p => {}
            _ => return None,
        }
    }
    Some(values)
}
