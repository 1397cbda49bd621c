//! What the app starts with, and how it makes its screens from that: the
//! picker, and a conversation for any visitor (the same client, page sizes,
//! zone and log file for each).

use std::path::PathBuf;
use std::time::Duration;

use ratatui::layout::Size;

use super::{Channel, ConversationScreen, PickerScreen};
use crate::api::client::ApiClient;
use crate::paging::PageSize;
use crate::picker::PickerState;
use crate::state::AppState;
use crate::timefmt::LocalZone;
use crate::ui::color::Colors;

/// What the app needs to start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub client: ApiClient,
    /// The visitor whose conversation opens; `None` opens the visitor picker.
    pub user_id: Option<u64>,
    pub page_size: PageSize,
    /// Messages a page while the reader wants the whole history (`g`, search, jump).
    pub whole_history_page_size: PageSize,
    pub zone: LocalZone,
    /// Whether the screen is drawn in colour.
    pub colors: Colors,
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
    pub concurrency: u8,
}

impl AppConfig {
    /// The visitor list, with a fetch task of its own, not yet started.
    pub fn picker(&self) -> PickerScreen {
        let state = PickerState::new(self.page_size).with_concurrency(self.concurrency);
        PickerScreen::new(state, Channel::spawn(self.client.clone()))
    }

    /// A fresh conversation for `user_id` on a `size` screen, its first
    /// requests not yet sent.
    pub fn conversation(&self, user_id: u64, size: Size, from_picker: bool) -> ConversationScreen {
        let state = AppState::new(user_id, self.page_size, self.zone, size.width, size.height)
            .with_log_file(self.log_file.clone())
            .with_follow(self.follow, self.poll_interval)
            .with_concurrency(self.concurrency)
            .with_whole_history_page_size(self.whole_history_page_size);
        let state = if self.visitor_profile {
            state.with_visitor_profile()
        } else {
            state
        };
        let channel = Channel::spawn(self.client.for_user(user_id));
        ConversationScreen::new(state, channel, from_picker, true)
    }
}
