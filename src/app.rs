//! The event loop: one `select!` over terminal input, the screens' fetch
//! answers, the store's answers, signals, failures the desktop reports late
//! (a browser that exits at once), and a timer while the active screen
//! waits for the time. Each becomes an [`Input`] for a screen, with the time
//! it came at, and the [`Runner`] carries out the effects the screen answers
//! with; an effect that fails goes back to the screen that asked. It never
//! awaits the network or the disk, so keys answer while a request hangs.
//!
//! The loop is generic over the terminal (its backend and its input stream)
//! and over the [`Desktop`], so tests run this very loop on ratatui's
//! `TestBackend`, with input they script and a desktop that records.
//!
//! The store (the local archive, [`StoreTask`]) sits between the network and
//! the screens as the fetch tasks do: a screen asks with
//! [`crate::effect::Effect::Store`], the runner sends the request, and the store's answer
//! comes back to the active screen as [`Input::Stored`]. The app has a store
//! only when given one ([`App::with_store`]); without, a store effect fails
//! with [`Failure::NoStore`].

use std::convert::Infallible;
use std::io;
use std::task::Poll;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures_util::{Stream, StreamExt};
use ratatui::backend::{Backend, ClearType};
use ratatui::layout::Size;
use ratatui::{DefaultTerminal, Terminal};
use tokio::sync::mpsc;

use crate::archive::task::{StoreEvent, StoreTask};
use crate::clock;
use crate::effect::{Exit, Failure, Input};
use crate::fetch::{FetchEvent, FetchRequest};
use crate::navigation::{Active, Answer, Screens, with_active};
use crate::picker::PickerState;
use crate::runner::{next_stored, next_synced};
use crate::screens::{Channel, ConversationScreen, Screen};
use crate::state::AppState;
use crate::sync::background::{SyncEvent, SyncSource};
use crate::ui::color::Colors;
use crate::ui::hyperlink::{self, Hyperlinks};

pub use crate::desktop::{Desktop, LateFailures, SystemDesktop};
pub use crate::runner::Runner;
pub use crate::screens::AppConfig;

/// The least time between two frames while input keeps coming: a burst
/// of keys (a paste) is drawn a few times, not once a key.
const MIN_FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// The screens and the runner their effects are carried out with.
#[derive(Debug)]
pub struct App<D> {
    screens: Screens,
    runner: Runner<D>,
    colors: Colors,
    /// When the loop last drew, and whether a frame was put off since.
    last_frame: Option<Instant>,
    frame_owed: bool,
    /// Where OSC 8 links are written after each frame, where the terminal
    /// draws them.
    hyperlinks: Option<Hyperlinks>,
}

/// Where an input came from, when the screen it is for depends on that.
enum Arrival {
    /// For the active screen (keys, resizes, signals, late failures, time).
    Input(Input<Infallible>),
    /// A fetch answer, for the screen it names.
    Answer(Answer),
    /// The store's answer for the active screen, or `None` when it ended.
    Stored(Option<StoreEvent>),
    /// News of the sync in the background, for the visitor list.
    Synced(SyncEvent),
}

impl<D: Desktop> App<D> {
    /// An app showing `state`'s conversation, whose fetch requests go to
    /// `requests` and whose answers come from `answers`. Call [`App::start`] next.
    pub fn new(
        state: AppState,
        requests: mpsc::UnboundedSender<FetchRequest>,
        answers: mpsc::Receiver<FetchEvent>,
        desktop: D,
    ) -> Self {
        let channel = Channel::from_parts(requests, answers);
        let conversation = ConversationScreen::new(state, channel, false, false);
        let active = Active::Conversation(Box::new(conversation));
        Self::showing(Screens::new(active, None, None, Size::default()), desktop)
    }

    fn showing(screens: Screens, desktop: D) -> Self {
        Self {
            screens,
            runner: Runner::new(desktop),
            colors: Colors::On,
            last_frame: None,
            frame_owed: false,
            hyperlinks: None,
        }
    }

    /// The same app, drawing with `colors`.
    #[must_use]
    pub fn with_colors(mut self, colors: Colors) -> Self {
        self.colors = colors;
        self
    }

    /// The same app, linking the URLs on screen with OSC 8 written to
    /// `out` after each frame (see [`crate::ui::hyperlink`]).
    #[must_use]
    pub fn with_hyperlinks(mut self, out: Box<dyn io::Write + Send>) -> Self {
        self.hyperlinks = Some(Hyperlinks::new(out));
        self
    }

    /// The same app, with the store task `store` behind its screens' store
    /// effects (see the module's documentation).
    #[must_use]
    pub fn with_store(mut self, store: StoreTask) -> Self {
        self.runner.store = Some(store);
        self
    }

    /// The same app, `s` in its message search syncing from `source`.
    #[must_use]
    pub fn with_sync(mut self, source: SyncSource) -> Self {
        self.runner.sync_source = Some(source);
        self
    }

    /// Stops the sync in the background, if one runs, once what it fetched
    /// is written.
    pub async fn stop_sync(&mut self) {
        self.runner.stop_sync().await;
    }

    /// The store task, taken out of the app (to be finished once the loop ends).
    pub fn take_store(&mut self) -> Option<StoreTask> {
        self.runner.store.take()
    }

    /// An app with its own fetch tasks, on a screen of `screen` cells,
    /// started: the conversation of `config.user_id`, or the picker without one.
    pub fn spawn(config: AppConfig, screen: Size, desktop: D) -> Self {
        Self::spawn_with_store(config, screen, desktop, None)
    }

    /// [`App::spawn`], with `store` behind its screens' store effects from
    /// the first request on: the first conversation reads the archive.
    pub fn spawn_with_store(
        config: AppConfig,
        screen: Size,
        desktop: D,
        store: Option<StoreTask>,
    ) -> Self {
        let mut app = Self::build(config, screen, desktop);
        app.runner.store = store;
        app.start();
        app
    }

    /// The app [`App::spawn`] makes, not yet started.
    fn build(config: AppConfig, screen: Size, desktop: D) -> Self {
        let (active, picker) = match config.user_id {
            Some(user_id) => (
                Active::Conversation(Box::new(config.conversation(user_id, screen, false))),
                None,
            ),
            None => (Active::Picker, Some(config.picker())),
        };
        let colors = config.colors;
        // Kept for a conversation opened by id too: Backspace finds the list.
        let screens = Screens::new(active, picker, Some(config), screen);
        Self::showing(screens, desktop).with_colors(colors)
    }

    /// Sends the active screen's first requests.
    pub fn start(&mut self) {
        self.screens.start(&mut self.runner);
    }

    /// The open conversation's state, if a conversation is open.
    pub fn state(&self) -> Option<&AppState> {
        self.screens.state()
    }

    /// The picker's state, if the app has a picker.
    pub fn picker(&self) -> Option<&PickerState> {
        self.screens.picker.as_ref().map(|picker| &picker.state)
    }

    /// Why the app ends, once it does.
    pub fn exit(&self) -> Option<Exit> {
        self.runner.exit.clone().or_else(|| self.screens.exit())
    }

    /// The desktop links are handed to.
    pub fn desktop(&self) -> &D {
        &self.runner.desktop
    }

    /// Feeds one input to the active screen (a fetch answer to the open
    /// conversation), with the time, and carries out what it asks for.
    pub fn handle(&mut self, input: Input) {
        match input.split() {
            Ok(input) => self.handle_any(input),
            Err(event) => self
                .screens
                .answered(Answer::Conversation(Some(event)), &mut self.runner),
        }
    }

    /// Feeds one input that is no fetch answer to the active screen.
    fn handle_any(&mut self, input: Input<Infallible>) {
        self.screens.handle(input, &mut self.runner);
    }

    /// Draws the screen if something changed since the last draw (or all of
    /// it, from a blank terminal, after Ctrl-L).
    pub fn draw<B>(&mut self, terminal: &mut Terminal<B>) -> io::Result<()>
    where
        B: Backend,
        B::Error: Send + Sync + 'static,
    {
        let cleared = std::mem::take(&mut self.runner.clear_screen);
        if cleared {
            // Not `Terminal::clear`: it asks the terminal where its cursor
            // is, and the answer would go to the input reader the event
            // stream holds. Both buffers blank: the next frame is drawn whole.
            terminal
                .backend_mut()
                .clear_region(ClearType::All)
                .map_err(io::Error::other)?;
            terminal.swap_buffers();
            // The window may have been resized while the app was suspended.
            let size = terminal.size().map_err(io::Error::other)?;
            self.handle_any(Input::Resize {
                width: size.width,
                height: size.height,
            });
        }
        let forced = self.screens.take_switched() || cleared;
        let colors = self.colors;
        // Only the conversation shows bodies; the list's links are unlinked.
        let urls = match &self.hyperlinks {
            Some(_) => self.screens.state().map(hyperlink::visible_urls),
            None => None,
        }
        .unwrap_or_default();
        let links = &mut self.hyperlinks;
        let drawn = with_active!(&mut self.screens, screen => {
            if screen.take_dirty() || forced {
                let frame = terminal
                    .draw(|frame| screen.draw(frame, colors))
                    .map_err(io::Error::other)?;
                match links {
                    Some(links) => links.write(frame.buffer, hyperlink::locate(frame.buffer, &urls)),
                    None => Ok(()),
                }
            } else {
                Ok(())
            }
        });
        drawn.unwrap_or(Ok(()))
    }

    /// Waits for the next input: a terminal event, a fetch or store answer,
    /// a signal, a late failure, or the time the active screen waits for.
    async fn next_input<E, G>(&mut self, events: &mut E, signals: &mut G) -> io::Result<Arrival>
    where
        E: Stream<Item = io::Result<Event>> + Unpin,
        G: Stream<Item = i32> + Unpin,
    {
        loop {
            // A timer only while the screen waits for the time: otherwise
            // nothing wakes the loop but input.
            let at = clock::instant();
            let deadline =
                with_active!(&self.screens, screen => screen.next_deadline(at)).flatten();
            // A frame put off during a burst is drawn once the burst pauses.
            let owed = self
                .last_frame
                .filter(|_| self.frame_owed)
                .map(|at| at + MIN_FRAME_INTERVAL);
            let deadline = match (deadline, owed) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let fade = async move {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at.into()).await,
                    None => std::future::pending().await,
                }
            };
            let arrival = tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) => Input::from_terminal(&event).map(Arrival::Input),
                    Some(Err(error)) => return Err(error),
                    None => Some(Arrival::Input(Input::InputClosed)),
                },
                answer = self.screens.next_answer() => Some(Arrival::Answer(answer)),
                stored = next_stored(&mut self.runner.store) => Some(Arrival::Stored(stored)),
                synced = next_synced(&mut self.runner.syncing) => Some(Arrival::Synced(synced)),
                Some(number) = signals.next() => Some(Arrival::Input(Input::Signal(number))),
                // The runner holds a sender itself, so this channel never closes.
                Some(failure) = self.runner.late_failures.recv() => {
                    Some(Arrival::Input(Input::Failed(failure)))
                }
                () = fade => Some(Arrival::Input(Input::Tick)),
            };
            if let Some(arrival) = arrival {
                return Ok(arrival);
            }
        }
    }

    /// The loop: draws, then takes inputs from `events`, the fetch task and
    /// `signals` one at a time, until the app exits or `done` holds for the
    /// open conversation.
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
        self.run_until_app(terminal, events, signals, |app| {
            app.state().is_some_and(&done)
        })
        .await
    }

    /// The loop, until the app exits or `done` holds for the app.
    pub async fn run_until_app<B, E, G>(
        &mut self,
        terminal: &mut Terminal<B>,
        events: &mut E,
        signals: &mut G,
        done: impl Fn(&Self) -> bool,
    ) -> io::Result<()>
    where
        B: Backend,
        B::Error: Send + Sync + 'static,
        E: Stream<Item = io::Result<Event>> + Unpin,
        G: Stream<Item = i32> + Unpin,
    {
        loop {
            let finishing = self.exit().is_some() || done(self);
            if finishing || self.frame_due() {
                self.draw(terminal)?;
            }
            if finishing {
                return Ok(());
            }
            match self.next_input(events, signals).await? {
                Arrival::Input(input) => self.handle_any(input),
                Arrival::Answer(answer) => self.screens.answered(answer, &mut self.runner),
                Arrival::Stored(Some(event)) => self.handle_any(Input::Stored(event)),
                Arrival::Stored(None) => self.handle_any(Input::Failed(Failure::NoStore)),
                Arrival::Synced(event) => self.screens.synced(event, &mut self.runner),
            }
            self.drain_input(events).await?;
        }
    }

    /// True if a frame may be drawn now: none was drawn in the last
    /// [`MIN_FRAME_INTERVAL`]. Otherwise the frame is owed, and drawn when
    /// that time is up (see `next_input`).
    fn frame_due(&mut self) -> bool {
        let at = clock::instant();
        if self
            .last_frame
            .is_some_and(|last| at.saturating_duration_since(last) < MIN_FRAME_INTERVAL)
        {
            self.frame_owed = true;
            return false;
        }
        self.last_frame = Some(at);
        self.frame_owed = false;
        true
    }

    /// Takes every terminal event already waiting before the next draw, so
    /// a burst (a paste into a prompt) costs one frame, not one a key.
    async fn drain_input<E>(&mut self, events: &mut E) -> io::Result<()>
    where
        E: Stream<Item = io::Result<Event>> + Unpin,
    {
        while self.exit().is_none() {
            // Polled with this task's own waker, so nothing waits in vain
            // when the stream has nothing yet.
            let ready = std::future::poll_fn(|cx| Poll::Ready(events.poll_next_unpin(cx))).await;
            match ready {
                Poll::Ready(Some(Ok(event))) => {
                    if let Some(input) = Input::from_terminal(&event) {
                        self.handle_any(input);
                    }
                }
                Poll::Ready(Some(Err(error))) => return Err(error),
                Poll::Ready(None) => self.handle_any(Input::InputClosed),
                Poll::Pending => break,
            }
        }
        Ok(())
    }
}
/// Runs the app on the real terminal until the reader quits, a fatal error,
/// or a signal from `signals` (see [`crate::signals`]). With a `store`, its
/// writes are flushed before this returns; `offline`, the screens read it
/// and fetch nothing.
pub async fn run(
    terminal: &mut DefaultTerminal,
    config: AppConfig,
    store: Option<StoreTask>,
    offline: bool,
    sync_source: Option<SyncSource>,
    mut signals: impl Stream<Item = i32> + Unpin,
) -> io::Result<Exit> {
    let mut app = App::build(config, terminal.size()?, SystemDesktop::from_env());
    if hyperlink::supported(|name| std::env::var(name).ok()) {
        // The stream the terminal is drawn on: links land between its frames.
        app = app.with_hyperlinks(Box::new(io::stdout()));
    }
    app.runner.store = store;
    app.runner.offline = offline;
    app.runner.sync_source = sync_source.filter(|_| !offline);
    app.start();
    let mut events = EventStream::new();
    app.run_until_app(terminal, &mut events, &mut signals, |_| false)
        .await?;
    app.runner.stop_sync().await;
    if let Some(store) = app.take_store()
        && let Err(error) = store.finish().await
    {
        tracing::warn!(%error, "the archive's last writes failed");
    }
    Ok(app.exit().unwrap_or(Exit::Quit))
}
