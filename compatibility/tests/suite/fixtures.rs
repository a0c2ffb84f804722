//! The suite's fixtures and the body notations of its tables (`file: basic.json`,
//! `JSON: {...}`, `XML: ...`, plain text), read as a body with its content type.

use std::path::{Path, PathBuf};

/// A body as a test sends or declares it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    /// A JSON document.
    Json(serde_json::Value),
    /// Text with its content type.
    Text(String, String),
    /// Bytes with their content type.
    Binary(Vec<u8>, String),
}

impl Body {
    /// The body's content type.
    pub(crate) fn content_type(&self) -> &str {
        match self {
            Body::Json(_) => "application/json",
            Body::Text(_, ct) | Body::Binary(_, ct) => ct,
        }
    }

    /// The body as sent.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        match self {
            Body::Json(value) => value.to_string().into_bytes(),
            Body::Text(text, _) => text.clone().into_bytes(),
            Body::Binary(bytes, _) => bytes.clone(),
        }
    }
}

/// The folder of the suite's fixtures.
pub(crate) fn dir(suite: &Path) -> PathBuf {
    suite.join("fixtures")
}

/// A table cell's body: `file: NAME`, `JSON: ...`, `XML: ...`, or plain text.
pub(crate) fn body(suite: &Path, cell: &str) -> Result<Option<Body>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if cell == "EMPTY" {
        return Ok(Some(Body::Text(String::new(), "text/plain".to_owned())));
    }
    if let Some(name) = cell.strip_prefix("file:") {
        return file(suite, name.trim()).map(Some);
    }
    if let Some(json) = cell.strip_prefix("JSON:") {
        let value = serde_json::from_str(json.trim()).map_err(|e| format!("JSON body {json}: {e}"))?;
        return Ok(Some(Body::Json(value)));
    }
    if let Some(xml) = cell.strip_prefix("XML:") {
        return Ok(Some(Body::Text(
            xml.trim().to_owned(),
            "application/xml".to_owned(),
        )));
    }
    Ok(Some(Body::Text(cell.to_owned(), "text/plain".to_owned())))
}

/// A fixture file as a body: `*-body.xml` describes a body (content type and contents), JSON
/// files are JSON documents, other files are bytes typed by their extension.
pub(crate) fn file(suite: &Path, name: &str) -> Result<Body, String> {
    let path = dir(suite).join(name);
    let bytes = std::fs::read(&path).map_err(|e| format!("fixture {}: {e}", path.display()))?;
    if name.ends_with("-body.xml") {
        return described(&path, &bytes);
    }
    if name.ends_with(".json") {
        let value = serde_json::from_slice(&bytes).map_err(|e| format!("fixture {}: {e}", path.display()))?;
        return Ok(Body::Json(value));
    }
    let content_type = match path.extension().and_then(|e| e.to_str()) {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    };
    match String::from_utf8(bytes) {
        Ok(text) if content_type.starts_with("text/") || content_type.ends_with("xml") => {
            Ok(Body::Text(text, content_type.to_owned()))
        }
        Ok(text) => Ok(Body::Binary(text.into_bytes(), content_type.to_owned())),
        Err(e) => Ok(Body::Binary(e.into_bytes(), content_type.to_owned())),
    }
}

/// A body described by a `*-body.xml` fixture: `<body><contentType>` and `<contents>` (CDATA
/// kept as written; `eol="CRLF"` turns line ends into CRLF).
fn described(path: &Path, bytes: &[u8]) -> Result<Body, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut content_type = None;
    let mut contents = String::new();
    let mut cdata: Option<String> = None;
    let mut crlf = false;
    let mut inside: Option<String> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("fixture {}: {e}", path.display()))?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if name == "contents" {
                    crlf = start
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == b"eol" && a.value.as_ref().eq_ignore_ascii_case(b"CRLF"));
                }
                inside = Some(name);
            }
            Event::End(_) => inside = None,
            Event::Text(text) => {
                let text = text
                    .unescape()
                    .map_err(|e| format!("fixture {}: {e}", path.display()))?
                    .into_owned();
                match inside.as_deref() {
                    Some("contentType") => content_type = Some(text.trim().to_owned()),
                    Some("contents") => contents.push_str(&text),
                    _ => {}
                }
            }
            Event::CData(data) if inside.as_deref() == Some("contents") => {
                cdata
                    .get_or_insert_with(String::new)
                    .push_str(&String::from_utf8_lossy(&data));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    // CDATA keeps its contents as written (less the line break that opens it); plain text is
    // trimmed of the indentation around it.
    let mut contents = match cdata {
        Some(text) => text.strip_prefix('\n').map(str::to_owned).unwrap_or(text),
        None => contents.trim().to_owned(),
    };
    if crlf {
        contents = contents.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    let content_type = content_type.unwrap_or_else(|| "text/plain".to_owned());
    Ok(Body::Text(contents, content_type))
}
