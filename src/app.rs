//! The event loop: one `select!` over terminal input, fetch answers and
//! signals. Each becomes an [`Input`] for the state, and the loop carries out
//! the effects the state answers with; an effect that fails comes back to the
//! state as an input. It never awaits the network, so keys answer while a
//! request hangs.
//!
//! The loop is generic over the terminal (its backend and its input stream)
//! and over the [`Desktop`], so tests run this very loop on ratatui's
//! `TestBackend`, with input they script and a desktop that records.

use std::io;

use crossterm::event::{Event, EventStream};
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::layout::Size;
use ratatui::{DefaultTerminal, Terminal};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::api::client::ApiClient;
use crate::fetch::{self, FetchEvent, FetchRequest};
use crate::open::CheckedUrl;
use crate::paging::PageSize;
use crate::state::{AppState, Effect, Exit, Failure, Input};
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

/// Where things go outside the terminal: the browser and the clipboard.
pub trait Desktop {
    /// Opens a checked link in the browser.
    fn open(&mut self, url: &CheckedUrl) -> io::Result<()>;
    /// Sends `text` to the clipboard. Nothing confirms that it arrived.
    fn copy(&mut self, text: &str) -> io::Result<()>;
}

/// The reader's own browser, and the terminal's clipboard.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemDesktop;

impl Desktop for SystemDesktop {
    fn open(&mut self, url: &CheckedUrl) -> io::Result<()> {
        let launched = open::launch(url).map_err(io::Error::other)?;
        // Until the loop takes late effect outcomes as inputs, a browser
        // that fails at once reaches the log only.
        tokio::spawn(async move {
            if let Err(error) = launched.outcome().await {
                tracing::warn!(%error, "the browser failed");
            }
        });
        Ok(())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        clipboard::copy_to_clipboard(&mut io::stdout(), text, clipboard::inside_screen())
    }
}

/// The state and everything its effects are carried out with.
#[derive(Debug)]
pub struct App<D> {
    state: AppState,
    requests: mpsc::UnboundedSender<FetchRequest>,
    answers: mpsc::Receiver<FetchEvent>,
    /// The fetch task, when the app started it itself.
    fetcher: Option<JoinHandle<()>>,
    desktop: D,
    /// Set by Ctrl-L: the next draw starts from a blank terminal.
    clear_screen: bool,
}

impl<D: Desktop> App<D> {
    /// An app for `state` whose fetch requests go to `requests` and whose
    /// answers come from `answers`. Call [`App::start`] next.
    pub fn new(
        state: AppState,
        requests: mpsc::UnboundedSender<FetchRequest>,
        answers: mpsc::Receiver<FetchEvent>,
        desktop: D,
    ) -> Self {
        Self {
            state,
            requests,
            answers,
            fetcher: None,
            desktop,
            clear_screen: false,
        }
    }

    /// An app with its own fetch task, on a screen of `screen` cells, started.
    pub fn spawn(config: AppConfig, screen: Size, desktop: D) -> Self {
        let (request_tx, request_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = mpsc::channel(fetch::EVENT_BUFFER);
        let fetcher = fetch::spawn(config.client, request_rx, event_tx);
        let state = AppState::new(
            config.user_id,
            config.page_size,
            config.zone,
            screen.width,
            screen.height,
        );
        let mut app = Self::new(state, request_tx, event_rx, desktop);
        app.fetcher = Some(fetcher);
        app.start();
        app
    }

    /// Sends the first requests.
    pub fn start(&mut self) {
        let effects = self.state.start();
        self.carry_out(effects);
    }

    /// The app state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The desktop links are handed to.
    pub fn desktop(&self) -> &D {
        &self.desktop
    }

    /// Feeds one input to the state and carries out what it asks for.
    pub fn handle(&mut self, input: Input) {
        let effects = self.state.handle(input);
        self.carry_out(effects);
    }

    /// Carries out `effects`; each failure goes back to the state, which may
    /// ask for more. Nothing here waits on the network.
    fn carry_out(&mut self, mut effects: Vec<Effect>) {
        while !effects.is_empty() {
            let failures: Vec<Failure> = effects
                .into_iter()
                .filter_map(|effect| self.carry_out_one(effect).err())
                .collect();
            effects = failures
                .into_iter()
                .flat_map(|failure| self.state.handle(Input::Failed(failure)))
                .collect();
        }
    }

    fn carry_out_one(&mut self, effect: Effect) -> Result<(), Failure> {
        match effect {
            Effect::Fetch(request) => self
                .requests
                .send(request)
                .map_err(|_| Failure::FetchTaskGone),
            Effect::Open(url) => self
                .desktop
                .open(&url)
                .map_err(|error| Failure::Open(error.to_string())),
            Effect::Copy(text) => self
                .desktop
                .copy(&text)
                .map_err(|error| Failure::Copy(error.to_string())),
            Effect::ClearScreen => {
                self.clear_screen = true;
                Ok(())
            }
        }
    }

    /// Draws the screen if something changed since the last draw (or all of
    /// it, from a blank terminal, after Ctrl-L).
    pub fn draw<B>(&mut self, terminal: &mut Terminal<B>) -> io::Result<()>
    where
        B: Backend,
        B::Error: Send + Sync + 'static,
    {
        let cleared = std::mem::take(&mut self.clear_screen);
        if cleared {
            terminal.clear().map_err(io::Error::other)?;
        }
        if self.state.take_dirty() || cleared {
            terminal
                .draw(|frame| ui::draw(frame, &self.state))
                .map_err(io::Error::other)?;
        }
        Ok(())
    }

    /// Waits for the next input: a terminal event, a fetch answer or a signal.
    async fn next_input<E, G>(&mut self, events: &mut E, signals: &mut G) -> io::Result<Input>
    where
        E: Stream<Item = io::Result<Event>> + Unpin,
        G: Stream<Item = i32> + Unpin,
    {
        loop {
            let input = tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) => Input::from_terminal(&event),
                    Some(Err(error)) => return Err(error),
                    None => Some(Input::InputClosed),
                },
                answer = self.answers.recv() => Some(match answer {
                    Some(answer) => Input::Fetched(answer),
                    None => Input::Failed(Failure::FetchTaskGone),
                }),
                Some(number) = signals.next() => Some(Input::Signal(number)),
            };
            if let Some(input) = input {
                return Ok(input);
            }
        }
    }

    /// The loop: draws, then takes inputs from `events`, the fetch task and
    /// `signals` one at a time, until the state says to exit or `done` holds.
    pub async fn run_until<B, E, G>(
        &mut self,
        terminal: &mut Terminal<B>,
        events: &mut E,
        signals: &mut G,
        done: impl Fn(&AppState) -> bool,
    ) -> io::Result<()>
    where
        B: Backend,
        B::Error: Send + Sync + 'static,
        E: Stream<Item = io::Result<Event>> + Unpin,
        G: Stream<Item = i32> + Unpin,
    {
        loop {
            self.draw(terminal)?;
            if self.state.exit().is_some() || done(&self.state) {
                return Ok(());
            }
            let input = self.next_input(events, signals).await?;
            self.handle(input);
        }
    }
}

impl<D> Drop for App<D> {
    fn drop(&mut self) {
        if let Some(fetcher) = &self.fetcher {
            fetcher.abort();
        }
    }
}

/// Runs the app on the real terminal until the reader quits, a fatal error,
/// or a signal from `signals` (see [`crate::signals`]).
pub async fn run(
    terminal: &mut DefaultTerminal,
    config: AppConfig,
    mut signals: impl Stream<Item = i32> + Unpin,
) -> io::Result<Exit> {
    let mut app = App::spawn(config, terminal.size()?, SystemDesktop);
    let mut events = EventStream::new();
    app.run_until(terminal, &mut events, &mut signals, |_| false)
        .await?;
    Ok(app.state().exit().cloned().unwrap_or(Exit::Quit))
}
