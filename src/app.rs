//! The event loop: one `select!` over terminal input, fetch answers,
//! signals, and a timer while a notice waits to fade. Each becomes an
//! [`Input`] for the state, with the time it came at, and the loop carries out
//! the effects the state answers with; an effect that fails comes back to the
//! state as an input. It never awaits the network, so keys answer while a
//! request hangs.
//!
//! The loop is generic over the terminal (its backend and its input stream)
//! and over the [`Desktop`], so tests run this very loop on ratatui's
//! `TestBackend`, with input they script and a desktop that records.

use std::io;
use std::path::PathBuf;
use std::time::Instant;

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
use crate::ui::color::Colors;
use crate::{clipboard, open, terminal, ui};

/// What the app needs to start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub client: ApiClient,
    pub user_id: u64,
    pub page_size: PageSize,
    pub zone: LocalZone,
    /// Whether the screen is drawn in colour.
    pub colors: Colors,
    /// Where diagnostics go (`--log-file`), to tell the reader of an error.
    pub log_file: Option<PathBuf>,
    /// Page requests in flight while the reader wants the whole history.
    pub concurrency: u8,
}

/// What the app asks of the world outside its screen: the browser, the
/// clipboard, and the shell's job control.
pub trait Desktop {
    /// Opens a checked link in the browser.
    fn open(&mut self, url: &CheckedUrl) -> io::Result<()>;
    /// Sends `text` to the clipboard. Nothing confirms that it arrived.
    fn copy(&mut self, text: &str) -> io::Result<()>;
    /// Gives the terminal back to the shell until it continues the app
    /// (`fg`), then takes it again; the app repaints the screen after.
    fn suspend(&mut self) -> io::Result<()>;
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

    fn suspend(&mut self) -> io::Result<()> {
        terminal::suspend()
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
    colors: Colors,
    /// Set by Ctrl-L and after a suspension: the next draw starts from a
    /// blank terminal.
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
            colors: Colors::On,
            clear_screen: false,
        }
    }

    /// The same app, drawing with `colors`.
    #[must_use]
    pub fn with_colors(mut self, colors: Colors) -> Self {
        self.colors = colors;
        self
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
        )
        .with_log_file(config.log_file)
        .with_concurrency(config.concurrency);
        let mut app = Self::new(state, request_tx, event_rx, desktop).with_colors(config.colors);
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

    /// Feeds one input to the state, with the time, and carries out what
    /// it asks for.
    pub fn handle(&mut self, input: Input) {
        let effects = self.state.handle_at(input, now());
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
            Effect::Suspend => {
                let suspended = self.desktop.suspend();
                // Whatever the shell did meanwhile, the screen is unknown now.
                self.clear_screen = true;
                suspended.map_err(|error| Failure::Suspend(error.to_string()))
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
            // The window may have been resized while the app was suspended.
            let size = terminal.size().map_err(io::Error::other)?;
            self.handle(Input::Resize {
                width: size.width,
                height: size.height,
            });
        }
        if self.state.take_dirty() || cleared {
            let colors = self.colors;
            terminal
                .draw(|frame| ui::draw_with(frame, &self.state, colors))
                .map_err(io::Error::other)?;
        }
        Ok(())
    }

    /// Waits for the next input: a terminal event, a fetch answer, a signal,
    /// or the time a notice fades.
    async fn next_input<E, G>(&mut self, events: &mut E, signals: &mut G) -> io::Result<Input>
    where
        E: Stream<Item = io::Result<Event>> + Unpin,
        G: Stream<Item = i32> + Unpin,
    {
        loop {
            // A timer only while a notice waits to fade: otherwise nothing
            // wakes the loop but input.
            let deadline = self.state.next_deadline();
            let fade = async move {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
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
                () = fade => Some(Input::Tick),
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

/// The time, from tokio's clock: tests that pause it control what fades when.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
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
