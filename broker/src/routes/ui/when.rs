//! Times as people read them: "3 minutes ago", with the exact time on hover.

use maud::{Markup, html};

/// How long ago `then` was, from `now`, in words: "just now", "5 minutes ago", "2 days ago".
fn ago(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match seconds {
        s if s < 45 => "just now".to_owned(),
        s if s < 90 * 60 => plural((s + 30) / 60, "minute"),
        s if s < 36 * 3600 => plural((s + 1800) / 3600, "hour"),
        s if s < 45 * 86_400 => plural((s + 43_200) / 86_400, "day"),
        s if s < 548 * 86_400 => plural((s + 15 * 86_400) / (30 * 86_400), "month"),
        s => plural(s / (365 * 86_400), "year"),
    }
}

/// A stored time (RFC 3339) as a `time` element reading how long ago it was, the exact time
/// on hover; a time that does not parse is shown as it is.
pub(crate) fn when(stamp: &str) -> Markup {
    let parsed = chrono::DateTime::parse_from_rfc3339(stamp);
    match parsed {
        Ok(then) => {
            let seconds = (chrono::Utc::now() - then.with_timezone(&chrono::Utc))
                .num_seconds()
                .max(0);
            html! { time datetime=(stamp) title=(stamp) { (ago(seconds)) } }
        }
        Err(_) => html! { (stamp) },
    }
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(ago(10), "just now");
        assert_eq!(ago(60), "1 minute ago");
        assert_eq!(ago(3 * 60 + 10), "3 minutes ago");
        assert_eq!(ago(2 * 3600), "2 hours ago");
        assert_eq!(ago(3 * 86_400), "3 days ago");
        assert_eq!(ago(90 * 86_400), "3 months ago");
        assert_eq!(ago(800 * 86_400), "2 years ago");
    }
}
