//! The status bar's message: what it says, how it looks, and what it is
//! about, so that the event that settles the matter can clear it.

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

    pub(super) fn error(text: impl Into<String>) -> Self {
        Self::about(StatusTopic::Other, StatusKind::Error, text)
    }

    pub(super) fn about(topic: StatusTopic, kind: StatusKind, text: impl Into<String>) -> Self {
        Self {
            kind,
            topic,
            text: text.into(),
        }
    }
}
