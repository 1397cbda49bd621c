//! When and how long to wait before asking the server again.

use std::time::{Duration, SystemTime};

use backon::ExponentialBuilder;

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
    /// The backoff between attempts, for `backon`: `base_delay * 2^(n-1)` capped
    /// at `max_delay`, with "equal jitter", a random point in its upper half.
    /// Keeping the lower half means the wait still grows with each attempt,
    /// while the jitter spreads out clients that failed together. `backon`'s
    /// jitter adds up to 100 % to a delay, so it is given half of each bound.
    pub fn backoff(&self) -> ExponentialBuilder {
        let ceiling = self.max_delay;
        ExponentialBuilder::new()
            .with_min_delay(self.base_delay.min(ceiling) / 2)
            .with_max_delay(ceiling / 2)
            .with_factor(2.0)
            .with_jitter()
            .with_max_times(self.retries())
    }

    /// Retries after the first attempt; a policy of 0 attempts still makes one.
    pub fn retries(&self) -> usize {
        usize::try_from(self.max_attempts.saturating_sub(1)).unwrap_or(usize::MAX)
    }

    /// How long to wait before the next attempt, given the backoff's proposal
    /// (None once the attempts are used up) and the server's `Retry-After`.
    /// A server that says how long to wait knows better than our backoff, up
    /// to `max_retry_after`; `backon` computes in `f32` seconds, so its
    /// proposal is held to `max_delay` here as well.
    pub fn wait(
        &self,
        backoff: Option<Duration>,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let backoff = backoff?;
        Some(match retry_after {
            Some(asked) => asked.min(self.max_retry_after),
            None => backoff.min(self.max_delay),
        })
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
    use backon::BackoffBuilder;

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

    /// The waits one request would take: the backoff's proposals through `wait`.
    fn waits(policy: &RetryPolicy, seed: u64) -> Vec<Duration> {
        let mut backoff = policy.backoff().with_jitter_seed(seed).build();
        std::iter::from_fn(|| policy.wait(backoff.next(), None)).collect()
    }

    /// `backon` computes in `f32` seconds: allow for its rounding below a bound.
    const ROUNDING: Duration = Duration::from_micros(1);

    #[test]
    fn backoff_stays_within_bounds_and_grows() {
        let p = RetryPolicy {
            max_attempts: 12,
            ..policy()
        };
        for seed in 0..200 {
            let waits = waits(&p, seed);
            assert_eq!(waits.len(), 11, "one wait between each two attempts");
            for (i, d) in waits.iter().enumerate() {
                let ceiling = Duration::from_millis(100)
                    .saturating_mul(1 << i)
                    .min(p.max_delay);
                assert!(*d <= ceiling + ROUNDING, "wait {i}: {d:?} > {ceiling:?}");
                assert!(*d <= p.max_delay, "wait {i}: {d:?}");
                assert!(
                    *d + ROUNDING >= ceiling / 2,
                    "wait {i}: {d:?} < half of {ceiling:?}"
                );
            }
            // Until the cap, every wait is at least as long as the one before:
            // 50..100 ms, then 100..200 ms, ...
            for pair in waits[..5].windows(2) {
                assert!(pair[1] + ROUNDING >= pair[0], "{waits:?}");
            }
        }
    }

    #[test]
    fn backoff_reaches_and_holds_the_cap() {
        let p = RetryPolicy {
            max_attempts: 40,
            ..policy()
        };
        let waits = waits(&p, 1);
        for d in &waits[6..] {
            assert!(
                *d + ROUNDING >= p.max_delay / 2 && *d <= p.max_delay,
                "{d:?}"
            );
        }
    }

    #[test]
    fn attempts_count_the_first_request() {
        for (max_attempts, retries) in [(0, 0), (1, 0), (2, 1), (5, 4)] {
            let p = RetryPolicy {
                max_attempts,
                ..policy()
            };
            assert_eq!(p.retries(), retries);
            assert_eq!(waits(&p, 3).len(), retries);
        }
    }

    #[test]
    fn retry_after_wins_over_backoff_up_to_its_cap() {
        let p = policy();
        let backoff = Some(Duration::from_millis(70));
        assert_eq!(p.wait(backoff, None), backoff);
        assert_eq!(
            p.wait(backoff, Some(Duration::from_secs(3))),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.wait(backoff, Some(Duration::from_secs(u64::MAX))),
            Some(p.max_retry_after)
        );
        assert_eq!(p.wait(backoff, Some(Duration::ZERO)), Some(Duration::ZERO));
        // Attempts used up: no Retry-After buys another one.
        assert_eq!(p.wait(None, Some(Duration::from_secs(1))), None);
    }

    #[test]
    fn backoff_survives_extreme_settings() {
        let huge = RetryPolicy {
            max_attempts: 64,
            base_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..policy()
        };
        assert!(waits(&huge, 3).iter().all(|d| *d <= Duration::MAX));
        let zero = RetryPolicy {
            base_delay: Duration::ZERO,
            ..policy()
        };
        assert!(waits(&zero, 3).iter().all(Duration::is_zero));
        let tiny_cap = RetryPolicy {
            max_delay: Duration::from_millis(1),
            ..policy()
        };
        assert!(
            waits(&tiny_cap, 3)
                .iter()
                .all(|d| *d <= Duration::from_millis(1))
        );
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
