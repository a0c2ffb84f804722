//! gRPC on the wire: the five-byte length-prefixed frame of each message, and status codes by
//! number and name.

/// A message in a gRPC frame: no compression flag, its length, then its bytes.
pub fn frame(message: &[u8]) -> Vec<u8> {
    let length = u32::try_from(message.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(message.len() + 5);
    out.push(0);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(message);
    out
}

/// The messages of a gRPC body, in order. Compressed frames and a body cut short are errors
/// that say so.
pub fn unframe(mut body: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let [flag, a, b, c, d, rest @ ..] = body else {
            return Err(format!(
                "a gRPC frame header needs 5 bytes, {} are left",
                body.len()
            ));
        };
        if *flag != 0 {
            return Err("the message is compressed, and no compression was agreed".to_owned());
        }
        let length = u32::from_be_bytes([*a, *b, *c, *d]) as usize;
        if rest.len() < length {
            return Err(format!(
                "a gRPC frame announces {length} bytes, {} are left",
                rest.len()
            ));
        }
        out.push(rest[..length].to_vec());
        body = &rest[length..];
    }
    Ok(out)
}

/// The status codes, in order of their numbers.
const NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// A status code's name (`5` → `NOT_FOUND`); `None` for a number gRPC does not define.
pub fn status_name(code: u32) -> Option<&'static str> {
    NAMES.get(code as usize).copied()
}

/// A status code from its number or name (`"5"`, `"NOT_FOUND"`, `"NotFound"`).
pub fn status_code(text: &str) -> Option<u32> {
    let text = text.trim();
    if let Ok(code) = text.parse::<u32>() {
        return status_name(code).map(|_| code);
    }
    let wanted: String = text
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_uppercase();
    NAMES
        .iter()
        .position(|name| name.replace('_', "") == wanted)
        .and_then(|i| u32::try_from(i).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_read_back_and_short_ones_are_named() {
        let mut body = frame(b"abc");
        body.extend(frame(b""));
        assert_eq!(unframe(&body), Ok(vec![b"abc".to_vec(), Vec::new()]));
        assert!(unframe(&body[..6]).is_err_and(|e| e.contains("announces 3 bytes")));
        assert!(unframe(&[1, 0, 0, 0, 0]).is_err_and(|e| e.contains("compressed")));
    }

    #[test]
    fn status_codes_by_number_and_name() {
        assert_eq!(status_name(5), Some("NOT_FOUND"));
        assert_eq!(status_code("NOT_FOUND"), Some(5));
        assert_eq!(status_code("NotFound"), Some(5));
        assert_eq!(status_code("12"), Some(12));
        assert_eq!(status_code("17"), None);
    }
}
