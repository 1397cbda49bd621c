//! The reader's choices for a conversation (flags and the config file):
//! given once to a new state, and kept by the app for every conversation
//! it opens.

use std::path::PathBuf;
use std::time::Duration;

use chrono::TimeDelta;

use super::DEFAULT_POLL_INTERVAL;
use crate::concurrency::Concurrency;
use crate::images::Graphics;
use crate::metrics::DEFAULT_SESSION_GAP;
use crate::paging::PageSize;
use crate::timefmt::LocalZone;

/// How a conversation loads, follows and is shown.
#[derive(Debug, Clone)]
pub struct ConversationSettings {
    /// Messages a page while the reader browses.
    pub page_size: PageSize,
    /// Messages a page while the reader wants the whole history (`g`, search, jump).
    pub whole_history_page_size: PageSize,
    /// The zone timestamps are shown in.
    pub zone: LocalZone,
    /// Where diagnostics go (`--log-file`), to tell the reader of an error.
    pub log_file: Option<PathBuf>,
    /// Whether the conversation is followed live from the start (`--follow`).
    pub follow: bool,
    /// How long following waits between two looks for new messages.
    pub poll_interval: Duration,
    /// Whether to ask who the visitor is (`GET /external/users/{id}`)
    /// alongside the first page; off, the app names the visitor by id.
    pub visitor_profile: bool,
    /// Page requests in flight while the reader wants the whole history.
    pub concurrency: Concurrency,
    /// How long without a message starts a new session (config `session-gap`).
    pub session_gap: TimeDelta,
    /// What pictures are previewed with (`--images`); `None`: not at all.
    pub images: Option<Graphics>,
}

impl ConversationSettings {
    /// Pages of `page_size` (the whole history too), shown in `zone`, and
    /// nothing more: not followed, no profile asked for, no log file, one
    /// request at a time, sessions split after the default gap.
    pub fn new(page_size: PageSize, zone: LocalZone) -> Self {
        Self {
            page_size,
            whole_history_page_size: page_size,
            zone,
            log_file: None,
            follow: false,
            poll_interval: DEFAULT_POLL_INTERVAL,
            visitor_profile: false,
            concurrency: Concurrency::MIN,
            session_gap: DEFAULT_SESSION_GAP,
            images: None,
        }
    }
}
