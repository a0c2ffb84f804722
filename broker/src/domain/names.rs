//! What a name (application, version number, branch, tag, environment, label) may be, and when
//! two names are the same one: a name is stored in Unicode NFC, is not empty, `.` or `..`, has
//! at most 255 characters and none that break URLs or logs or make it display as another
//! (control characters, format characters such as zero-width ones, the BOM and bidirectional
//! marks, line and paragraph separators). Names that look alike are found by their confusable
//! skeleton (Unicode TR39).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization as _;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};

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
    character_problem(value)
}

/// Why `value` cannot be a name because of what it holds (a character, or being `.` or `..`,
/// which a URL path resolves away), whatever its length.
pub(crate) fn character_problem(value: &str) -> Option<String> {
    if value == "." || value == ".." {
        return Some(format!(
            "must not be '{value}', which links to it would resolve to another address"
        ));
    }
    value.chars().find(|c| hidden(*c)).map(|c| {
        format!(
            "must not contain the character U+{:04X} ({})",
            u32::from(c),
            kind(c)
        )
    })
}

/// Refuses `value` as the name in `field`, naming both; the name as stored (NFC) otherwise.
pub(crate) fn accept(field: &str, value: &str) -> DomainResult<String> {
    match problem(value) {
        Some(why) => Err(DomainError::invalid(format!("{field} {why}"))),
        None => Ok(nfc(value).into_owned()),
    }
}

/// Refuses `value` as the name in `field`, naming both.
pub(crate) fn check(field: &str, value: &str) -> DomainResult<()> {
    accept(field, value).map(drop)
}

/// `value` in Unicode normalization form C, the form names are stored and looked up in, so a
/// decomposed "Café" is the same application as a composed one.
pub(crate) fn nfc(value: &str) -> Cow<'_, str> {
    if unicode_normalization::is_nfc(value) {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(value.nfc().collect())
    }
}

/// The confusable skeleton of `value` (Unicode TR39): two names with one skeleton display
/// alike ("Victim" in Latin letters and with Cyrillic "і" and "с").
pub(crate) fn skeleton(value: &str) -> String {
    unicode_security::skeleton(&nfc(value)).collect()
}

/// How a name displays: its skeleton with white space trimmed and each run of it read as one
/// space. Two different names of one shape are look-alikes, never two applications.
pub(crate) fn shape(value: &str) -> String {
    skeleton(value).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key under which names count as very similar: the skeleton, in lowercase, without
/// separators, the words "api", "provider" and "service" and a plural "s"
/// ("Accounts Service", "accounts" and "ассоunts" share one).
pub(crate) fn similarity_key(name: &str) -> String {
    let shown = skeleton(name);
    let words: Vec<String> = crate::store::pacticipants::display_name(&shown)
        .split(' ')
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !matches!(w.as_str(), "api" | "provider" | "service"))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if !stem.is_empty() => stem.to_owned(),
            _ => w,
        })
        .collect();
    let key = if words.is_empty() {
        shown.to_lowercase()
    } else {
        words.concat()
    };
    skeleton(&key)
}

/// Characters a name may not hold: they are invisible or change how the text around them
/// displays.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c.general_category(),
            GeneralCategory::Format | GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator
        )
}

fn kind(c: char) -> &'static str {
    match c.general_category() {
        GeneralCategory::Format => "a format character, invisible or changing text direction",
        GeneralCategory::LineSeparator => "a line separator",
        GeneralCategory::ParagraphSeparator => "a paragraph separator",
        _ => "a control character",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_visible_text() {
        assert!(problem("accounts-service").is_none());
        assert!(problem("1.2.3+build.5").is_none());
        assert!(problem("Zürich 東京").is_none());
        assert!(problem("...").is_none());
        for bad in [
            "",
            "  ",
            "a\0b",
            "a\nb",
            "a\rb",
            "evil\u{202E}txt.exe",
            &"x".repeat(256),
            ".",
            "..",
            "Vic\u{200B}tim",
            "\u{FEFF}Victim",
            "Victim\u{061C}",
            "Victim\u{2028}",
            "Victim\u{2029}",
            "Vic\u{00AD}tim",
            "Victim\u{200D}",
        ] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_stored_composed() {
        assert_eq!(nfc("Cafe\u{0301}"), "Caf\u{00E9}");
        assert!(matches!(nfc("Café"), Cow::Borrowed(_)));
        assert_eq!(accept("name", "Cafe\u{0301}").ok().as_deref(), Some("Café"));
    }

    #[test]
    fn look_alikes_share_a_key() {
        let victim = similarity_key("Victim");
        for alike in [
            "V\u{0456}\u{0441}tim",
            "Victim\u{00A0}",
            "victims",
            "Victim Service",
            "Cafe",
        ] {
            let same = similarity_key(alike) == victim;
            assert_eq!(same, alike != "Cafe", "{alike:?}");
        }
        assert_eq!(skeleton("V\u{0456}\u{0441}tim"), skeleton("Victim"));
        assert_eq!(shape("Victim\u{00A0}"), shape("Victim"));
        assert_ne!(shape("Vic tim"), shape("Victim"));
        assert_eq!(similarity_key("Accounts Service"), similarity_key("accounts"));
    }
}

#[cfg(test)]
mod fuzz {
    proptest::proptest! {
        // Any text either is a name or gets a reason, and has a key, never a panic.
        #[test]
        fn every_text_is_judged(text in "\\PC{0,300}") {
            let _ = super::problem(&text);
            let _ = super::similarity_key(&text);
        }
    }
}
