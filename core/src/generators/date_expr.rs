//! Date and time expressions of the Date/Time/DateTime generators: `today + 1 day`,
//! `now - 2 hours`, `tomorrow @ 10 o'clock`, `+ 1 month @ midnight`.

use chrono::{DateTime, Datelike, Duration, FixedOffset, Months, NaiveTime, Timelike};

/// Applies an expression to `base`; an error describes the part that could not be read.
pub(crate) fn apply_expression(
    base: DateTime<FixedOffset>,
    expression: &str,
) -> Result<DateTime<FixedOffset>, String> {
    let (date_part, time_part) = match expression.split_once('@') {
        Some((d, t)) => (d.trim(), Some(t.trim())),
        None => (expression.trim(), None),
    };
    let mut value = apply_date_part(base, date_part)?;
    if let Some(time) = time_part {
        value = apply_time_part(value, time)?;
    }
    Ok(value)
}

fn apply_date_part(base: DateTime<FixedOffset>, text: &str) -> Result<DateTime<FixedOffset>, String> {
    let mut tokens = tokenize(text);
    let mut value = base;
    if let Some(first) = tokens.first().cloned() {
        let shift = match first.to_ascii_lowercase().as_str() {
            "now" | "today" => Some(0),
            "yesterday" => Some(-1),
            "tomorrow" => Some(1),
            _ => None,
        };
        if let Some(days) = shift {
            value += Duration::days(days);
            tokens.remove(0);
        }
    }
    apply_offsets(value, &tokens)
}

fn apply_time_part(base: DateTime<FixedOffset>, text: &str) -> Result<DateTime<FixedOffset>, String> {
    let mut tokens = tokenize(text);
    let mut value = base;
    if let Some(first) = tokens.first().cloned() {
        let lower = first.to_ascii_lowercase();
        let set = |h: u32| -> Result<DateTime<FixedOffset>, String> {
            let time = NaiveTime::from_hms_opt(h, 0, 0).ok_or_else(|| format!("invalid hour {h}"))?;
            value
                .with_time(time)
                .single()
                .ok_or_else(|| "ambiguous local time".to_owned())
        };
        if lower == "now" {
            tokens.remove(0);
        } else if lower == "midnight" {
            value = set(0)?;
            tokens.remove(0);
        } else if lower == "noon" {
            value = set(12)?;
            tokens.remove(0);
        } else if let Ok(hour) = lower.parse::<u32>() {
            let suffix = tokens.get(1).map(|s| s.to_ascii_lowercase());
            let hour = match suffix.as_deref() {
                Some("o'clock") => hour,
                Some("am") => hour % 12,
                Some("pm") => hour % 12 + 12,
                _ => return Err(format!("expected o'clock, am or pm after {hour}")),
            };
            value = set(hour)?;
            tokens.drain(0..2);
        }
    }
    apply_offsets(value, &tokens)
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c == '+' || c == '-' {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            tokens.push(c.to_string());
        } else if c.is_whitespace() {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

fn apply_offsets(base: DateTime<FixedOffset>, tokens: &[String]) -> Result<DateTime<FixedOffset>, String> {
    let mut value = base;
    let mut i = 0;
    while i < tokens.len() {
        let sign: i64 = match tokens[i].as_str() {
            "+" => 1,
            "-" => -1,
            other => return Err(format!("expected + or - but found '{other}'")),
        };
        let amount: i64 = tokens
            .get(i + 1)
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| format!("expected a number after '{}'", tokens[i]))?;
        let unit = tokens
            .get(i + 2)
            .map(|u| u.to_ascii_lowercase())
            .ok_or_else(|| format!("expected a unit after {amount}"))?;
        let n = sign * amount;
        value = match unit.trim_end_matches('s') {
            "year" => shift_months(value, n * 12)?,
            "month" => shift_months(value, n)?,
            "week" => value + Duration::weeks(n),
            "day" => value + Duration::days(n),
            "hour" => value + Duration::hours(n),
            "minute" => value + Duration::minutes(n),
            "second" => value + Duration::seconds(n),
            "millisecond" => value + Duration::milliseconds(n),
            _ => return Err(format!("unknown unit '{unit}'")),
        };
        i += 3;
    }
    Ok(value)
}

fn shift_months(value: DateTime<FixedOffset>, months: i64) -> Result<DateTime<FixedOffset>, String> {
    let count =
        Months::new(u32::try_from(months.unsigned_abs()).map_err(|_| "month shift too large".to_owned())?);
    let shifted = if months >= 0 {
        value.checked_add_months(count)
    } else {
        value.checked_sub_months(count)
    };
    shifted.ok_or_else(|| format!("cannot shift {} by {months} months", value.date_naive().year()))
}

/// Keeps only whole seconds, as generated values rarely need sub-second precision.
pub(crate) fn truncate_nanos(value: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    value.with_nanosecond(0).unwrap_or(value)
}
