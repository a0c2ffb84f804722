//! Media types and headers: which documented `content` entry a body's content type selects,
//! whether an `Accept` header can be satisfied, and a response's headers against the documented
//! ones.

use accord_core::ContentType;
use serde_json::Value;

/// The essence of a media type: lower case, without parameters (accord's own reading of a
/// content type; the text itself, lower case, when it is not `type/subtype`).
pub(crate) fn essence(media: &str) -> String {
    ContentType::parse(media).map_or_else(|| media.trim().to_ascii_lowercase(), |ct| ct.essence())
}

/// Whether a media range (`*/*`, `application/*`, `application/json`) covers a media type.
pub(crate) fn covers(range: &str, media: &str) -> bool {
    let (range, media) = (essence(range), essence(media));
    if range == "*/*" || range == media {
        return true;
    }
    match (range.split_once('/'), media.split_once('/')) {
        (Some((range_type, "*")), Some((media_type, _))) => range_type == media_type,
        _ => false,
    }
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, ...), as
/// accord judges bodies.
pub(crate) fn is_json(media: &str) -> bool {
    ContentType::parse(media).is_some_and(|ct| ct.is_json())
}

/// The documented `content` entry a body of `content_type` selects: the same type, else the
/// most specific range that covers it. Without a content type, the first JSON entry (a JSON
/// body) or `*/*`.
pub(crate) fn select<'a>(
    content: &'a Value,
    content_type: Option<&str>,
    json_body: bool,
) -> Option<(&'a str, &'a Value)> {
    let entries = content.as_object()?;
    match content_type {
        Some(ct) => entries
            .iter()
            .find(|(media, _)| essence(media) == essence(ct))
            .or_else(|| {
                entries
                    .iter()
                    .find(|(media, _)| media.ends_with("/*") && covers(media, ct))
            })
            .or_else(|| entries.iter().find(|(media, _)| essence(media) == "*/*"))
            .map(|(m, v)| (m.as_str(), v)),
        None => entries
            .iter()
            .find(|(media, _)| json_body && is_json(media))
            .or_else(|| entries.iter().find(|(media, _)| essence(media) == "*/*"))
            .map(|(m, v)| (m.as_str(), v)),
    }
}

/// Whether a documented response (`content`) can satisfy an `Accept` header: true when the
/// response documents no content or one of its types is acceptable.
pub(crate) fn acceptable(accept: &str, content: &Value) -> bool {
    let Some(entries) = content.as_object().filter(|e| !e.is_empty()) else {
        return true;
    };
    accept.split(',').any(|range| {
        let quality_zero = range
            .split(';')
            .skip(1)
            .any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        // Two JSON types satisfy each other (`application/vnd.github+json` and
        // `application/json`): providers answer either with the same JSON.
        !quality_zero
            && entries.keys().any(|media| {
                covers(range, media) || covers(media, range) || (is_json(range) && is_json(media))
            })
    })
}

/// The documented header of a response, by case-insensitive name.
pub(crate) fn documented_header<'a>(headers: &'a Value, name: &str) -> Option<(&'a str, &'a Value)> {
    headers
        .as_object()?
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(n, v)| (n.as_str(), v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn content_types_select_the_documented_entry_and_accept_headers_are_honoured() {
        let content = json!({"application/json": {}, "text/*": {}});
        assert_eq!(
            select(&content, Some("application/json; charset=utf-8"), true).map(|e| e.0),
            Some("application/json")
        );
        assert_eq!(
            select(&content, Some("text/plain"), false).map(|e| e.0),
            Some("text/*")
        );
        assert_eq!(select(&content, Some("application/xml"), false), None);
        assert!(acceptable("application/json", &content));
        assert!(acceptable("*/*", &content));
        assert!(acceptable("application/xml, text/html;q=0.5", &content));
        assert!(!acceptable("application/xml", &content));
        assert!(!acceptable("application/json;q=0", &content));
        assert!(acceptable("application/vnd.github+json", &content));
    }
}
