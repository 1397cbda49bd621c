//! The loop's time, for a test that drives a state or a screen by hand.

use std::time::Instant;

use chrono::{TimeZone, Utc};

use crate::clock::Now;

/// `instant` as the loop would give it, with a fixed wall time (2026-01-05
/// 09:00 UTC): what a test writes to the archive is dated alike at every run.
pub fn now(instant: Instant) -> Now {
    Now {
        instant,
        wall: Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap(),
    }
}
