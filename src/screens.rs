//! The app's screens: the visitor picker and a conversation. Each has its
//! own state and its own fetch channel; [`crate::app`] sends keys to the
//! active one and carries out what it asks.
//!
//! A conversation's channel serves that conversation alone, and is dropped
//! with it: an answer still in flight for a conversation the reader left has
//! no receiver, so it cannot land in the next one.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::api::client::ApiClient;
use crate::fetch::{self, FetchEvent, FetchRequest};
use crate::picker::PickerState;
use crate::state::AppState;

/// Which screen has the keys.
#[derive(Debug)]
pub enum Screen {
    /// The visitor list.
    Picker,
    /// One visitor's conversation.
    Conversation(Box<ConversationScreen>),
}

/// A fetch task and the two ends of its channels.
#[derive(Debug)]
pub struct Channel {
    pub requests: mpsc::UnboundedSender<FetchRequest>,
    pub answers: mpsc::Receiver<FetchEvent>,
    /// The fetch task, when this channel started it (aborted on drop).
    fetcher: Option<JoinHandle<()>>,
}

impl Channel {
    /// Ends made elsewhere (tests drive their own fetch side).
    pub fn from_parts(
        requests: mpsc::UnboundedSender<FetchRequest>,
        answers: mpsc::Receiver<FetchEvent>,
    ) -> Self {
        Channel {
            requests,
            answers,
            fetcher: None,
        }
    }

    /// A new fetch task for `client`, and its channel.
    pub fn spawn(client: ApiClient) -> Self {
        let (request_tx, request_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = mpsc::channel(fetch::EVENT_BUFFER);
        let fetcher = fetch::spawn(client, request_rx, event_tx);
        Channel {
            requests: request_tx,
            answers: event_rx,
            fetcher: Some(fetcher),
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        if let Some(fetcher) = &self.fetcher {
            fetcher.abort();
        }
    }
}

/// An open conversation and the channel that serves it.
#[derive(Debug)]
pub struct ConversationScreen {
    pub state: AppState,
    pub channel: Channel,
    /// Opened from the picker, so Backspace goes back to it.
    pub from_picker: bool,
}

/// The picker and the channel that serves it; it lives as long as the app,
/// so its filter and selection wait while a conversation is open.
#[derive(Debug)]
pub struct PickerScreen {
    pub state: PickerState,
    pub channel: Channel,
}
