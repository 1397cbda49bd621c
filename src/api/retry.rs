//! When and how long to wait before asking the server again.

use std::time::{Duration, SystemTime};

/// Attempts per request, counting the first one.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// Backoff before the first retry (before jitter).
pub const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(250);
/// Backoff never waits longer than this.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(8);
/// A server's `Retry-After` is honoured up to this long.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// How often and how patiently a request is retried.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts per request including the first; 0 is treated as 1.
    pub max_attempts: u32,
    /// Backoff after the first failed attempt, doubled after each further one.
    pub base_delay: Duration,
    /// Upper bound of any backoff.
    pub max_delay: Duration,
    /// Upper bound of a server-requested `Retry-After` wait.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: DEFAULT_BASE_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1 for the first):
    /// `base_delay * 2^(attempt-1)` capped at `max_delay`, then "equal jitter",
    /// a random point in its upper half. Keeping the lower half means the wait
    /// still grows with each attempt, while the jitter spreads out clients that
    /// failed together.
    pub fn backoff(&self, attempt: u32, rng: &mut fastrand::Rng) -> Duration {
        // 2^31 already dwarfs any sensible cap; clamping keeps the shift defined.
        let doublings = attempt.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay);
        let ceiling_nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let floor_nanos = ceiling_nanos / 2;
        Duration::from_nanos(rng.u64(floor_nanos..=ceiling_nanos))
    }
}

/// Parses Retry-After: delta-seconds or an HTTP date (relative to `now`); None if unparseable.
///
/// A date in the past means "now" (zero). Seconds too large for a `u64`
/// saturate; capping to something sensible is the caller's job.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(60),
        }
    }

    #[test]
    fn default_matches_documented_values() {
        let p = RetryPolicy::default();
        assert_eq!(p.max_attempts, 5);
        assert_eq!(p.base_delay, Duration::from_millis(250));
        assert_eq!(p.max_delay, Duration::from_secs(8));
        assert_eq!(p.max_retry_after, Duration::from_secs(60));
    }

    #[test]
    fn backoff_stays_within_bounds_and_grows() {
        let p = policy();
        let mut rng = fastrand::Rng::with_seed(7);
        for attempt in 0..=64u32 {
            let ceiling = Duration::from_millis(100)
                .saturating_mul(1u32 << attempt.saturating_sub(1).min(31))
                .min(p.max_delay);
            for _ in 0..200 {
                let d = p.backoff(attempt, &mut rng);
                assert!(d <= p.max_delay, "attempt {attempt}: {d:?}");
                assert!(d <= ceiling, "attempt {attempt}: {d:?} > {ceiling:?}");
                assert!(
                    d >= ceiling / 2,
                    "attempt {attempt}: {d:?} < half of {ceiling:?}"
                );
            }
        }
        // Until the cap, every wait of a later attempt is at least as long as
        // any wait of an earlier one: 50..=100 ms, then 100..=200 ms, ...
        for attempt in 1..5 {
            let earlier = (0..500).map(|_| p.backoff(attempt, &mut rng)).max();
            let later = (0..500).map(|_| p.backoff(attempt + 1, &mut rng)).min();
            assert!(
                later >= earlier,
                "attempt {attempt}: {later:?} < {earlier:?}"
            );
        }
    }

    #[test]
    fn backoff_reaches_and_holds_the_cap() {
        let p = policy();
        let mut rng = fastrand::Rng::with_seed(1);
        for attempt in [6, 10, 32, 1000, u32::MAX] {
            let d = p.backoff(attempt, &mut rng);
            assert!(d >= p.max_delay / 2 && d <= p.max_delay, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn backoff_survives_extreme_settings() {
        let mut rng = fastrand::Rng::with_seed(3);
        let huge = RetryPolicy {
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..policy()
        };
        let _ = huge.backoff(u32::MAX, &mut rng);
        let zero = RetryPolicy {
            base_delay: Duration::ZERO,
            ..policy()
        };
        assert_eq!(zero.backoff(3, &mut rng), Duration::ZERO);
        let tiny_cap = RetryPolicy {
            max_delay: Duration::from_millis(1),
            ..policy()
        };
        assert!(tiny_cap.backoff(1, &mut rng) <= Duration::from_millis(1));
    }

    #[test]
    fn retry_after_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        // Huge values saturate; the caller caps them.
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        // Obsolete RFC 850 and asctime forms are valid HTTP dates too.
        assert_eq!(
            parse_retry_after("Sunday, 06-Nov-94 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:38 1994", now),
            Some(Duration::from_secs(1))
        );
        // In the past: retry at once.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        let later = now + Duration::from_secs(3600);
        assert_eq!(
            parse_retry_after(&httpdate::fmt_http_date(later), now),
            Some(Duration::from_secs(3600))
        );
    }

    #[test]
    fn retry_after_garbage_is_none() {
        let now = SystemTime::now();
        for value in [
            "",
            "   ",
            "soon",
            "-1",
            "1.5",
            "+3",
            "1e3",
            "5 seconds",
            "0x10",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "\u{1b}[2J",
        ] {
            assert_eq!(parse_retry_after(value, now), None, "{value:?}");
        }
    }
}
