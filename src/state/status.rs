//! What the status bar tells besides the counts: a passing notice, which
//! fades after [`NOTICE_LIFETIME`] or at the reader's next action, and an
//! error, which stays until the matter is settled or the reader dismisses it.
//! Each knows what it is about, so that the event that settles the matter can
//! clear it.

use std::time::{Duration, Instant};

/// How long a passing notice stays when nothing else clears it.
pub const NOTICE_LIFETIME: Duration = Duration::from_secs(5);

/// How a status-bar message should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

/// What a status-bar message is about, so the right event can clear it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusTopic {
    /// Loading pages: cleared when a page arrives.
    Paging,
    /// Looking for a jump's target: cleared when the jump ends.
    Jump,
    /// Opening or copying an attachment link: settled by the next attempt.
    Link,
    /// Looking for new messages while following: settled by the next answer.
    Follow,
    Other,
}

/// The message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub topic: StatusTopic,
    pub text: String,
}

impl Status {
    pub(super) fn info(text: impl Into<String>) -> Self {
        Self::about(StatusTopic::Other, StatusKind::Info, text)
    }

    pub(super) fn about(topic: StatusTopic, kind: StatusKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            topic,
            text: text.into(),
        }
    }
}

/// A passing notice and when it fades, if the clock was known when it came.
#[derive(Clone, Debug)]
struct Passing {
    status: Status,
    fades_at: Option<Instant>,
}

/// The notice and the error the status bar shows.
#[derive(Debug, Default)]
pub struct Notices {
    passing: Option<Passing>,
    error: Option<Status>,
    /// The latest error, also once settled or dismissed: `!` shows it in full.
    last_error: Option<Status>,
}

impl Notices {
    /// The passing notice, if one is shown.
    pub fn info(&self) -> Option<&Status> {
        self.passing.as_ref().map(|passing| &passing.status)
    }

    /// The error, if one is shown.
    pub fn error(&self) -> Option<&Status> {
        self.error.as_ref()
    }

    /// The latest error posted, shown or not.
    pub fn last_error(&self) -> Option<&Status> {
        self.last_error.as_ref()
    }

    /// When the passing notice fades, if one is waiting to: the loop needs a
    /// timer only then.
    pub fn deadline(&self) -> Option<Instant> {
        self.passing.as_ref().and_then(|passing| passing.fades_at)
    }

    /// Shows `status`. An error replaces the error before it and the passing
    /// notice (which it may contradict); any news about a topic settles the
    /// error about it.
    pub(super) fn post(&mut self, status: Status, now: Option<Instant>) {
        if status.topic != StatusTopic::Other
            && self.error.as_ref().is_some_and(|e| e.topic == status.topic)
        {
            self.error = None;
        }
        match status.kind {
            StatusKind::Error => {
                self.passing = None;
                self.last_error = Some(status.clone());
                self.error = Some(status);
            }
            StatusKind::Info => {
                self.passing = Some(Passing {
                    status,
                    fades_at: now.map(|now| now + NOTICE_LIFETIME),
                });
            }
        }
    }

    /// The matter of `topic` is settled: what was said about it goes.
    /// Returns true if something went.
    pub(super) fn settle(&mut self, topic: StatusTopic) -> bool {
        let mut changed = false;
        if self.info().is_some_and(|info| info.topic == topic) {
            self.passing = None;
            changed = true;
        }
        if self.error.as_ref().is_some_and(|e| e.topic == topic) {
            self.error = None;
            changed = true;
        }
        changed
    }

    /// The reader did something: the passing notice has been seen.
    pub(super) fn next_action(&mut self) {
        self.passing = None;
    }

    /// Drops the passing notice if its time is up at `now`; true if it went.
    pub(super) fn expire(&mut self, now: Instant) -> bool {
        if self.deadline().is_some_and(|deadline| deadline <= now) {
            self.passing = None;
            return true;
        }
        false
    }

    /// The reader dismissed the error; true if there was one.
    pub(super) fn dismiss_error(&mut self) -> bool {
        self.error.take().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(topic: StatusTopic, text: &str) -> Status {
        Status::about(topic, StatusKind::Info, text)
    }

    fn error(topic: StatusTopic, text: &str) -> Status {
        Status::about(topic, StatusKind::Error, text)
    }

    #[test]
    fn a_notice_fades_at_its_deadline_and_an_error_does_not() {
        let start = Instant::now();
        let mut notices = Notices::default();
        notices.post(error(StatusTopic::Paging, "loading failed"), Some(start));
        notices.post(info(StatusTopic::Other, "copied"), Some(start));
        assert_eq!(notices.deadline(), Some(start + NOTICE_LIFETIME));
        assert!(!notices.expire(start + NOTICE_LIFETIME - Duration::from_millis(1)));
        assert!(notices.expire(start + NOTICE_LIFETIME));
        assert_eq!(notices.info(), None);
        assert_eq!(notices.deadline(), None);
        assert!(!notices.expire(start + NOTICE_LIFETIME * 100));
        assert_eq!(notices.error().unwrap().text, "loading failed");
    }

    #[test]
    fn news_about_a_topic_settles_its_error_and_an_error_replaces_the_notice() {
        let mut notices = Notices::default();
        notices.post(error(StatusTopic::Link, "could not fetch the link"), None);
        notices.post(info(StatusTopic::Other, "nothing to retry"), None);
        assert!(notices.error().is_some(), "other news leaves the error");
        notices.post(info(StatusTopic::Link, "opening a.png"), None);
        assert_eq!(notices.error(), None, "a link that worked settles it");
        notices.post(error(StatusTopic::Link, "no browser"), None);
        assert_eq!(notices.info(), None, "the error contradicts the notice");
        assert!(notices.dismiss_error());
        assert!(!notices.dismiss_error());
    }
}
