//! What a name (application, version number, branch, tag, environment) may be: not empty, at
//! most 255 characters, and free of the characters that break URLs, logs or how a name reads:
//! control characters (NUL, CR, LF, ...) and the bidirectional-text controls that make a name
//! display as another.

use crate::domain::{DomainError, DomainResult};

/// The longest name, in characters: longer ones make URLs the broker's own clients cannot send.
pub(crate) const MAX_NAME: usize = 255;

/// Why `value` cannot be a name, if it cannot.
pub(crate) fn problem(value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some("must not be empty".to_owned());
    }
    if value.chars().count() > MAX_NAME {
        return Some(format!("must be at most {MAX_NAME} characters"));
    }
    if let Some(c) = value.chars().find(|c| c.is_control() || is_bidi_control(*c)) {
        return Some(format!("must not contain the character U+{:04X}", u32::from(c)));
    }
    None
}

/// Refuses `value` as the name in `field`, naming both.
pub(crate) fn check(field: &str, value: &str) -> DomainResult<()> {
    match problem(value) {
        Some(why) => Err(DomainError::invalid(format!("{field} {why}"))),
        None => Ok(()),
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_visible_text() {
        assert!(problem("accounts-service").is_none());
        assert!(problem("1.2.3+build.5").is_none());
        assert!(problem("Zürich 東京").is_none());
        for bad in [
            "",
            "  ",
            "a\0b",
            "a\nb",
            "a\rb",
            "evil\u{202E}txt.exe",
            &"x".repeat(256),
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
    }
}

#[cfg(test)]
mod fuzz {
    proptest::proptest! {
        // Any text either is a name or gets a reason, never a panic.
        #[test]
        fn every_text_is_judged(text in "\\PC{0,300}") {
            let _ = super::problem(&text);
        }
    }
}
