//! The event loop: one `select!` over terminal input, fetch answers and exit
//! signals. It never awaits the network, so keys answer while a request hangs.

use std::io;

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::action::Action;
use crate::api::client::ApiClient;
use crate::fetch::{self, FetchRequest};
use crate::paging::PageSize;
use crate::state::{AppState, Effect, Exit, StatusKind};
use crate::timefmt::LocalZone;
use crate::{clipboard, open, ui};

/// What the app needs to start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub client: ApiClient,
    pub user_id: u64,
    pub page_size: PageSize,
    pub zone: LocalZone,
}

/// How the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Quit,
    /// Nothing could be shown; the reason is for the restored terminal.
    Fatal(String),
    /// Ended by a signal (its number).
    Signal(i32),
}

/// Runs the app on `terminal` until the reader quits, a fatal error, or a signal.
pub async fn run(terminal: &mut DefaultTerminal, config: AppConfig) -> io::Result<Outcome> {
    let (request_tx, request_rx) = mpsc::unbounded_channel();
    let (event_tx, mut event_rx) = mpsc::channel(fetch::EVENT_BUFFER);
    let fetcher = fetch::spawn(config.client, request_rx, event_tx);

    let size = terminal.size()?;
    let view = ui::conversation_area(size.into());
    let mut state = AppState::new(
        config.user_id,
        config.page_size,
        config.zone,
        view.width,
        view.height,
    );
    let effects = state.start();
    carry_out(&mut state, effects, &request_tx);

    let mut input = EventStream::new();
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;

    let outcome = loop {
        if state.take_dirty() {
            terminal.draw(|frame| ui::draw(frame, &mut state))?;
        }
        match state.exit() {
            Some(Exit::Quit) => break Outcome::Quit,
            Some(Exit::Fatal(reason)) => break Outcome::Fatal(reason.clone()),
            None => {}
        }
        let effects = tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => handle_terminal_event(&mut state, &event),
                Some(Err(error)) => return Err(error),
                None => break Outcome::Quit,
            },
            answer = event_rx.recv() => match answer {
                Some(answer) => state.apply(answer),
                None => return Err(io::Error::other("the fetch task stopped unexpectedly")),
            },
            _ = terminate.recv() => break Outcome::Signal(libc_signal::SIGTERM),
            _ = hangup.recv() => break Outcome::Signal(libc_signal::SIGHUP),
            _ = interrupt.recv() => break Outcome::Signal(libc_signal::SIGINT),
        };
        carry_out(&mut state, effects, &request_tx);
    };
    fetcher.abort();
    Ok(outcome)
}

/// Signal numbers, without a libc dependency for three constants.
mod libc_signal {
    pub const SIGHUP: i32 = 1;
    pub const SIGINT: i32 = 2;
    pub const SIGTERM: i32 = 15;
}

fn handle_terminal_event(state: &mut AppState, event: &Event) -> Vec<Effect> {
    let action = match event {
        Event::Key(_) => event.as_key_press_event().and_then(Action::from_key),
        Event::Mouse(mouse) => Action::from_mouse(*mouse),
        Event::Resize(width, height) => {
            let view = ui::conversation_area(ratatui::layout::Rect::new(0, 0, *width, *height));
            state.resize(view.width, view.height);
            None
        }
        _ => None,
    };
    action
        .map(|action| state.update(action))
        .unwrap_or_default()
}

/// Does what the state asked for. Nothing here waits on the network.
fn carry_out(
    state: &mut AppState,
    effects: Vec<Effect>,
    requests: &mpsc::UnboundedSender<FetchRequest>,
) {
    for effect in effects {
        match effect {
            Effect::Fetch(request) => {
                if requests.send(request).is_err() {
                    state.set_status(StatusKind::Error, "the fetch task has stopped");
                }
            }
            Effect::Open(url) => {
                if let Err(error) = open::open_in_browser(&url) {
                    state.set_status(
                        StatusKind::Error,
                        format!("could not start a browser: {error} (set $BROWSER, or press y to copy the link)"),
                    );
                }
            }
            Effect::Copy(url) => {
                if let Err(error) = clipboard::copy_to_clipboard(&mut io::stdout(), url.as_str()) {
                    state.set_status(
                        StatusKind::Error,
                        format!("could not copy the link: {error}"),
                    );
                }
            }
        }
    }
}
