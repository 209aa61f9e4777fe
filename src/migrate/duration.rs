//! `--lock-timeout` and `--connect-timeout`: durations read and written in jiff's friendly format.

use std::time::Duration;

use jiff::SignedDuration;

/// `30s`, `500ms`, `2m`, `1h 30m`, `PT30S` (jiff's friendly format, or ISO 8601); a bare number is
/// seconds. The value parser of both timeout flags: clap shows its error and exits with 1.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let bare_number =
        unsigned.starts_with(|c: char| c.is_ascii_digit()) && unsigned.chars().all(|c| c.is_ascii_digit() || c == '.');
    let spelled = if bare_number { format!("{text}s") } else { text.to_string() };
    let duration: SignedDuration =
        spelled.parse().map_err(|e| format!("{text:?} is not a duration ({e}); write it as 30s, 500ms, 2m or 1h"))?;
    if duration.is_negative() {
        return Err(format!("{text:?} is negative; a timeout is zero or more, e.g. 30s"));
    }
    // Cannot fail once the sign is checked: every positive SignedDuration fits a std Duration.
    Duration::try_from(duration).map_err(|e| format!("{text:?} is not a timeout dfworx can wait for ({e})"))
}

/// `1m 30s`, `500ms`: the way `parse` reads them.
pub fn show(duration: Duration) -> String {
    // A std Duration past SignedDuration's 292 billion years is not worth its own wording.
    SignedDuration::try_from(duration).map_or_else(|_| format!("{}s", duration.as_secs()), |d| format!("{d:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_jiffs_friendly_format_and_bare_numbers_are_seconds() {
        assert_eq!(parse("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse("1.5").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse("2m").unwrap(), Duration::from_mins(2));
        assert_eq!(parse("1h").unwrap(), Duration::from_hours(1));
        assert_eq!(parse("1h 30m").unwrap(), Duration::from_mins(90));
        assert_eq!(parse("2 minutes").unwrap(), Duration::from_mins(2));
        assert_eq!(parse("PT30S").unwrap(), Duration::from_secs(30));
        assert_eq!(parse(" 0 ").unwrap(), Duration::ZERO);
        assert_eq!(parse("100000h").unwrap(), Duration::from_hours(100_000));
    }

    #[test]
    fn nonsense_negative_and_overflowing_durations_are_refused_with_a_reason() {
        for text in ["soon", "", "1d", "30 parsecs"] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("is not a duration") && err.contains("30s, 500ms"), "{text}: {err}");
        }
        for text in ["-5", "-5s", "5s ago"] {
            assert!(parse(text).unwrap_err().contains("is negative"), "{text}");
        }
        let err = parse("99999999999999999999999").unwrap_err();
        assert!(err.contains("is not a duration") && err.contains("too big"), "{err}");
    }

    #[test]
    fn durations_show_as_they_are_written() {
        assert_eq!(show(Duration::from_secs(1)), "1s");
        assert_eq!(show(Duration::from_millis(500)), "500ms");
        assert_eq!(show(Duration::from_secs(90)), "1m 30s");
        assert_eq!(show(Duration::MAX), format!("{}s", u64::MAX));
    }
}
