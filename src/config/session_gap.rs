//! `session-gap` in the config file: how long without a message starts a
//! new session in the conversation's figures and its "later" lines. Written
//! as a duration with units, `"30m"`, `"1h"`, `"1h30m"`, `"90s"`, so that
//! no one has to guess whether a bare number means seconds or minutes.

use chrono::TimeDelta;
use serde::Deserialize;

/// The longest gap accepted: a week. Anything longer makes every
/// conversation one session, and would overflow nothing but sense.
const MAX_GAP: TimeDelta = TimeDelta::days(7);

/// The one-line problem for any value that is not a usable gap.
const PROBLEM: &str = "session-gap must be a duration like \"30m\", \"1h30m\" or \"90s\" \
                       (units d, h, m, s), more than 0 and at most 7 days";

/// A session gap as the config file gives it.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(try_from = "String")]
pub struct SessionGap(pub TimeDelta);

impl TryFrom<String> for SessionGap {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        parse(&text)
            .filter(|gap| *gap > TimeDelta::zero() && *gap <= MAX_GAP)
            .map(SessionGap)
            .ok_or_else(|| PROBLEM.to_owned())
    }
}

/// `text` as a sum of `<whole number><unit>` parts, or `None`.
fn parse(text: &str) -> Option<TimeDelta> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total = TimeDelta::zero();
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 {
            return None;
        }
        // More digits than any gap up to a week needs: refused, not overflowed.
        let number: i64 = rest[..digits].parse().ok().filter(|n| *n <= 1_000_000)?;
        let unit = rest[digits..].chars().next()?;
        let part = match unit {
            'd' => TimeDelta::days(number),
            'h' => TimeDelta::hours(number),
            'm' => TimeDelta::minutes(number),
            's' => TimeDelta::seconds(number),
            _ => return None,
        };
        total += part;
        rest = rest[digits + unit.len_utf8()..].trim_start();
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(text: &str) -> Result<TimeDelta, String> {
        SessionGap::try_from(text.to_owned()).map(|SessionGap(gap)| gap)
    }

    #[test]
    fn durations_with_units_read_as_their_sum() {
        assert_eq!(gap("30m"), Ok(TimeDelta::minutes(30)));
        assert_eq!(gap("1h"), Ok(TimeDelta::hours(1)));
        assert_eq!(gap("1h30m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(gap("1h 30m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(gap(" 90s "), Ok(TimeDelta::seconds(90)));
        assert_eq!(gap("7d"), Ok(TimeDelta::days(7)));
    }

    #[test]
    fn anything_else_is_the_one_problem() {
        for bad in [
            "",
            "30",
            "m",
            "30x",
            "0m",
            "-5m",
            "8d",
            "1.5h",
            "30 m",
            "99999999999999999999m",
            "30m!",
        ] {
            assert_eq!(gap(bad), Err(PROBLEM.to_owned()), "{bad:?}");
        }
    }
}
