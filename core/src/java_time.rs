//! Java `DateTimeFormatter`-style patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`), used to check and
//! generate dates and times the way the JVM Pact tools do.

use chrono::format::{Fixed, Item, Numeric, Pad, Parsed};

/// A pattern translated into chrono format items.
#[derive(Debug, Clone)]
pub(crate) struct JavaPattern {
    items: Vec<Item<'static>>,
    has_date: bool,
    has_time: bool,
}

/// The default pattern for each kind of value when a rule gives none.
pub(crate) const ISO_DATE: &str = "yyyy-MM-dd";
pub(crate) const ISO_TIME: &str = "HH:mm:ss";

impl JavaPattern {
    /// Translates a pattern; an error names the letter that is not supported.
    pub(crate) fn compile(pattern: &str) -> Result<JavaPattern, String> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut items = Vec::new();
        let mut has_date = false;
        let mut has_time = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                // Quoted literal; '' is a single quote.
                if chars.get(i + 1) == Some(&'\'') {
                    items.push(Item::OwnedLiteral("'".into()));
                    i += 2;
                    continue;
                }
                let mut literal = String::new();
                i += 1;
                while i < chars.len() {
                    if chars[i] == '\'' {
                        if chars.get(i + 1) == Some(&'\'') {
                            literal.push('\'');
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    literal.push(chars[i]);
                    i += 1;
                }
                i += 1;
                items.push(Item::OwnedLiteral(literal.into()));
                continue;
            }
            if !c.is_ascii_alphabetic() {
                if c.is_whitespace() {
                    items.push(Item::OwnedSpace(c.to_string().into()));
                } else {
                    items.push(Item::OwnedLiteral(c.to_string().into()));
                }
                i += 1;
                continue;
            }
            let mut count = 1;
            while i + count < chars.len() && chars[i + count] == c {
                count += 1;
            }
            i += count;
            let num = |n: Numeric, width: usize| {
                if width >= 2 {
                    Item::Numeric(n, Pad::Zero)
                } else {
                    Item::Numeric(n, Pad::None)
                }
            };
            match c {
                'y' | 'u' | 'Y' => {
                    has_date = true;
                    items.push(if count == 2 {
                        Item::Numeric(Numeric::YearMod100, Pad::Zero)
                    } else {
                        Item::Numeric(Numeric::Year, Pad::Zero)
                    });
                }
                'M' | 'L' => {
                    has_date = true;
                    items.push(match count {
                        1 | 2 => num(Numeric::Month, count),
                        3 => Item::Fixed(Fixed::ShortMonthName),
                        _ => Item::Fixed(Fixed::LongMonthName),
                    });
                }
                'd' => {
                    has_date = true;
                    items.push(num(Numeric::Day, count));
                }
                'D' => {
                    has_date = true;
                    items.push(num(Numeric::Ordinal, count));
                }
                'E' | 'e' | 'c' => {
                    items.push(if count >= 4 {
                        Item::Fixed(Fixed::LongWeekdayName)
                    } else if c == 'E' || count >= 3 {
                        Item::Fixed(Fixed::ShortWeekdayName)
                    } else {
                        Item::Numeric(Numeric::WeekdayFromMon, Pad::None)
                    });
                }
                'w' => items.push(num(Numeric::IsoWeek, count)),
                'H' | 'k' => {
                    has_time = true;
                    items.push(num(Numeric::Hour, count));
                }
                'h' | 'K' => {
                    has_time = true;
                    items.push(num(Numeric::Hour12, count));
                }
                'm' => {
                    has_time = true;
                    items.push(num(Numeric::Minute, count));
                }
                's' => {
                    has_time = true;
                    items.push(num(Numeric::Second, count));
                }
                'S' | 'n' | 'N' => {
                    has_time = true;
                    items.push(Item::Fixed(match count {
                        1..=3 => Fixed::Internal(internal_fixed_3()),
                        4..=6 => Fixed::Internal(internal_fixed_6()),
                        _ => Fixed::Internal(internal_fixed_9()),
                    }));
                }
                'a' => items.push(Item::Fixed(Fixed::UpperAmPm)),
                'X' => items.push(Item::Fixed(if count == 1 {
                    Fixed::TimezoneOffsetZ
                } else {
                    Fixed::TimezoneOffsetColonZ
                })),
                'x' | 'Z' => items.push(Item::Fixed(if count >= 3 && c == 'x' || count == 5 {
                    Fixed::TimezoneOffsetColon
                } else {
                    Fixed::TimezoneOffset
                })),
                'z' | 'V' | 'O' | 'v' => items.push(Item::Fixed(Fixed::TimezoneName)),
                'G' => items.push(Item::OwnedLiteral("AD".into())),
                other => return Err(format!("unsupported pattern letter '{other}'")),
            }
        }
        Ok(JavaPattern {
            items,
            has_date,
            has_time,
        })
    }

    /// Whether `text` is a valid value of this pattern.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let mut parsed = Parsed::new();
        if chrono::format::parse(&mut parsed, text, self.items.iter()).is_err() {
            return false;
        }
        if self.has_date && parsed.year.is_some() && parsed.month.is_some() && parsed.day.is_some() {
            return parsed.to_naive_date().is_ok();
        }
        if self.has_time && parsed.hour_div_12.is_some() {
            return parsed.to_naive_time().is_ok();
        }
        true
    }

    /// Formats a date-time with the pattern.
    pub(crate) fn format(&self, value: &chrono::DateTime<chrono::FixedOffset>) -> String {
        value.format_with_items(self.items.iter()).to_string()
    }
}

fn internal_fixed_3() -> chrono::format::InternalFixed {
    fixed_internal(&chrono::format::StrftimeItems::new("%3f"))
}
fn internal_fixed_6() -> chrono::format::InternalFixed {
    fixed_internal(&chrono::format::StrftimeItems::new("%6f"))
}
fn internal_fixed_9() -> chrono::format::InternalFixed {
    fixed_internal(&chrono::format::StrftimeItems::new("%9f"))
}

fn fixed_internal(items: &chrono::format::StrftimeItems<'_>) -> chrono::format::InternalFixed {
    for item in items.clone() {
        if let Item::Fixed(Fixed::Internal(internal)) = item {
            return internal;
        }
    }
    // The strftime specifiers above always produce an internal item.
    unreachable!("chrono strftime %Nf always yields an internal fixed item")
}

/// Whether `text` is an ISO-8601 date-time (with optional fraction and offset).
pub(crate) fn is_iso_datetime(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
        || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
        || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").is_ok()
}

/// Whether `text` is an ISO-8601 time (with optional fraction and offset).
pub(crate) fn is_iso_time(text: &str) -> bool {
    let without_zone = text
        .strip_suffix('Z')
        .or_else(|| text.rfind(['+', '-']).filter(|&i| i >= 5).map(|i| &text[..i]))
        .unwrap_or(text);
    chrono::NaiveTime::parse_from_str(without_zone, "%H:%M:%S%.f").is_ok()
        || chrono::NaiveTime::parse_from_str(without_zone, "%H:%M").is_ok()
}

/// Whether `text` is an ISO-8601 date.
pub(crate) fn is_iso_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}
