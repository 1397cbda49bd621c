//! Durations as the operator reads them: "45 s", "3 min", "3 h 12 min",
//! "2 d 4 h". Two units at most; the smaller is left out when it is zero.

use chrono::TimeDelta;

/// `seconds` in words, rounded down to the unit shown; below zero reads as zero.
pub fn span_seconds(seconds: i64) -> String {
    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    let s = seconds.max(0);
    let pair = |big: i64, big_unit: &str, small: i64, small_unit: &str| {
        if small == 0 {
            format!("{big} {big_unit}")
        } else {
            format!("{big} {big_unit} {small} {small_unit}")
        }
    };
    match s {
        s if s < MINUTE => format!("{s} s"),
        s if s < HOUR => format!("{} min", s / MINUTE),
        s if s < DAY => pair(s / HOUR, "h", s % HOUR / MINUTE, "min"),
        s => pair(s / DAY, "d", s % DAY / HOUR, "h"),
    }
}

/// `span` in words, as [`span_seconds`].
pub fn span(span: TimeDelta) -> String {
    span_seconds(span.num_seconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_range_reads_in_its_units() {
        assert_eq!(span_seconds(-5), "0 s");
        assert_eq!(span_seconds(0), "0 s");
        assert_eq!(span_seconds(59), "59 s");
        assert_eq!(span_seconds(60), "1 min");
        assert_eq!(span_seconds(3 * 60 + 59), "3 min");
        assert_eq!(span_seconds(3600), "1 h");
        assert_eq!(span_seconds(3 * 3600 + 12 * 60 + 30), "3 h 12 min");
        assert_eq!(span_seconds(86_400), "1 d");
        assert_eq!(span_seconds(2 * 86_400 + 4 * 3600 + 59 * 60), "2 d 4 h");
        assert_eq!(span(TimeDelta::minutes(12)), "12 min");
    }
}
