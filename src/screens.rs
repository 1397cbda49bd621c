//! The app's screens: the visitor picker and a conversation. Each is a
//! [`Screen`]: it takes one input at a time and answers with [`Effect`]s,
//! says when it next wants the time and whether it changed, and draws
//! itself. Each owns a [`Channel`] to a fetch task of its own, in its own
//! fetch protocol; [`crate::app`] feeds the active one, and
//! [`crate::runner`] carries out what it asks.
//!
//! A conversation's channel serves that conversation alone, and is dropped
//! with it: an answer still in flight for a conversation the reader left has
//! no receiver, so it cannot land in the next one.
//!
//! Which screen is active, and the ways between them, are
//! [`crate::navigation`]'s.

mod conversation;
mod make;
mod picker;

use std::time::Instant;

use ratatui::Frame;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::api::client::ApiClient;
use crate::clock::Now;
use crate::effect::{Effect, Exit, Failure, Input};
use crate::fetch::{self, Request};
use crate::ui::color::Colors;

pub use conversation::ConversationScreen;
pub use make::AppConfig;
pub use picker::{PICKER_REFRESH, PickerScreen};

/// The answers of a screen whose fetch requests are `R`.
pub type EventOf<R> = <R as Request>::Event;

/// What the loop asks of every screen.
pub trait Screen {
    /// The screen's fetch protocol.
    type Request: Request;

    /// The first requests: called once the screen is shown the first time.
    fn start(&mut self) -> Vec<Effect<Self::Request>>;

    /// Takes one input that came at `now`, as the loop read its clocks.
    fn handle(
        &mut self,
        input: Input<EventOf<Self::Request>>,
        now: Now,
    ) -> Vec<Effect<Self::Request>>;

    /// An effect this screen asked for could not be carried out.
    fn failed(&mut self, failure: Failure) -> Vec<Effect<Self::Request>>;

    /// When the screen next wants an [`Input::Tick`], if ever.
    fn next_deadline(&self, now: Instant) -> Option<Instant>;

    /// True if something changed since the last call: the loop redraws only then.
    fn take_dirty(&mut self) -> bool;

    /// Paints the whole screen.
    fn draw(&self, frame: &mut Frame, colors: Colors);

    /// Why the app ends, once this screen says so.
    fn exit(&self) -> Option<Exit>;

    /// Where the screen's fetch requests go.
    fn channel(&self) -> &Channel<Self::Request>;
}

/// A fetch task and the two ends of its channels, in the protocol `R`.
#[derive(Debug)]
pub struct Channel<R: Request> {
    requests: mpsc::UnboundedSender<R>,
    answers: mpsc::Receiver<R::Event>,
    /// The fetch task, when this channel started it (aborted on drop).
    fetcher: Option<JoinHandle<()>>,
}

impl<R: Request> Channel<R> {
    /// Ends made elsewhere (tests drive their own fetch side).
    pub fn from_parts(
        requests: mpsc::UnboundedSender<R>,
        answers: mpsc::Receiver<R::Event>,
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

    /// Sends `request` to the fetch task.
    pub fn send(&self, request: R) -> Result<(), Failure> {
        self.requests
            .send(request)
            .map_err(|_| Failure::FetchTaskGone)
    }

    /// The next answer, or `None` once the fetch task has ended.
    pub async fn recv(&mut self) -> Option<R::Event> {
        self.answers.recv().await
    }
}

impl<R: Request> Drop for Channel<R> {
    fn drop(&mut self) {
        if let Some(fetcher) = &self.fetcher {
            fetcher.abort();
        }
    }
}

/// A fetch answer as an input: the end of the channel says the task is gone.
pub fn fetched<E>(answer: Option<E>) -> Input<E> {
    match answer {
        Some(event) => Input::Fetched(event),
        None => Input::Failed(Failure::FetchTaskGone),
    }
}
