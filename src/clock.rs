//! The loop's clocks. The loop reads them once an input and hands the time
//! down with it ([`Now`]); the screens and the conversation state read no
//! clock of their own, so a test gives them whatever time it likes.

use std::time::Instant;

use chrono::{DateTime, Utc};

/// When an input came, by both clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Now {
    /// What fades and what is due are timed by this one.
    pub instant: Instant,
    /// What is written to the archive is dated by this one.
    pub wall: DateTime<Utc>,
}

impl Now {
    /// Both clocks, read now: the loop's to call, once an input.
    pub fn read() -> Self {
        Self {
            instant: instant(),
            wall: Utc::now(),
        }
    }
}

/// The monotonic time, from tokio's clock: tests that pause it control what
/// fades when.
pub(crate) fn instant() -> Instant {
    tokio::time::Instant::now().into_std()
}
