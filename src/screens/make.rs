//! What the app starts with, and how it makes its screens from that: the
//! picker, and a conversation for any visitor (the same client and
//! settings for each).

use ratatui::layout::Size;

use super::{Channel, ConversationScreen, PickerScreen};
use crate::api::client::ApiClient;
use crate::picker::PickerState;
use crate::state::{AppState, ConversationSettings};
use crate::ui::color::Colors;

/// What the app needs to start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub client: ApiClient,
    /// The visitor whose conversation opens; `None` opens the visitor picker.
    pub user_id: Option<u64>,
    /// Whether the screen is drawn in colour.
    pub colors: Colors,
    /// How every conversation opened loads, follows and is shown; the
    /// picker pages and throttles as they say too.
    pub settings: ConversationSettings,
}

impl AppConfig {
    /// The visitor list, with a fetch task of its own, not yet started.
    pub fn picker(&self) -> PickerScreen {
        let state =
            PickerState::new(self.settings.page_size).with_concurrency(self.settings.concurrency);
        PickerScreen::new(state, Channel::spawn(self.client.clone()))
    }

    /// A fresh conversation for `user_id` on a `size` screen, its first
    /// requests not yet sent.
    pub fn conversation(&self, user_id: u64, size: Size, from_picker: bool) -> ConversationScreen {
        let state = AppState::from_settings(user_id, &self.settings, size.width, size.height);
        let channel = Channel::spawn(self.client.for_user(user_id));
        ConversationScreen::new(state, channel, from_picker, true)
    }
}
