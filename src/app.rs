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
//! [`Effect::Store`], the runner sends the request, and the store's answer
//! comes back to the active screen as [`Input::Stored`]. The app has a store
//! only when given one ([`App::with_store`]); without, a store effect fails
//! with [`Failure::NoStore`].

use std::convert::Infallible;
use std::io;
use std::path::PathBuf;
use std::task::Poll;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures_util::{Stream, StreamExt};
use ratatui::backend::{Backend, ClearType};
use ratatui::layout::Size;
use ratatui::{DefaultTerminal, Terminal};
use tokio::sync::mpsc;

use crate::api::client::ApiClient;
use crate::archive::task::{StoreEvent, StoreTask};
use crate::effect::{Effect, Exit, Failure, Input};
use crate::fetch::{FetchEvent, FetchRequest};
use crate::paging::PageSize;
use crate::picker::PickerState;
use crate::screens::{
    Active, Answer, Channel, ConversationScreen, EventOf, PickerScreen, Screen, Screens, fetched,
    with_active,
};
use crate::state::AppState;
use crate::timefmt::LocalZone;
use crate::ui::color::Colors;
use crate::visitor::VisitorId;

pub use crate::desktop::{Desktop, LateFailures, SystemDesktop};

/// The least time between two frames while input keeps coming: a burst
/// of keys (a paste) is drawn a few times, not once a key.
const MIN_FRAME_INTERVAL: Duration = Duration::from_millis(16);

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

/// A change of screen a screen asked for, made once its effects are carried out.
#[derive(Debug, PartialEq, Eq)]
pub enum Switch {
    Open(VisitorId),
    BackToList(Option<String>),
}

/// Carries out screens' effects: everything outside the screens they need
/// (the desktop, the store) and what the loop must do next (clear the
/// terminal, end).
#[derive(Debug)]
pub struct Runner<D> {
    desktop: D,
    /// Where the desktop reports late failures, and where the loop reads them.
    late: LateFailures,
    late_failures: mpsc::UnboundedReceiver<Failure>,
    /// The store task, when the archive is on.
    store: Option<StoreTask>,
    /// Why the app ends, when a screen's effect said so.
    exit: Option<Exit>,
    /// Set by Ctrl-L and after a suspension: the next draw starts from a
    /// blank terminal.
    clear_screen: bool,
}

impl<D: Desktop> Runner<D> {
    /// A runner handing links and text to `desktop`, with no store.
    pub fn new(desktop: D) -> Self {
        let (late, late_failures) = LateFailures::channel();
        Self {
            desktop,
            late,
            late_failures,
            store: None,
            exit: None,
            clear_screen: false,
        }
    }

    /// The same runner, sending store requests to `store`.
    #[must_use]
    pub fn with_store(mut self, store: StoreTask) -> Self {
        self.store = Some(store);
        self
    }

    /// Gives `input` to `screen` and carries out what it asks.
    pub fn step<S: Screen>(
        &mut self,
        screen: &mut S,
        input: Input<EventOf<S::Request>>,
    ) -> Option<Switch> {
        let effects = screen.handle(input, now());
        self.carry_out(screen, effects)
    }

    /// Carries out `screen`'s `effects`; each failure goes back to it,
    /// which may ask for more. Nothing here waits on the network or the
    /// disk. A change of screen is returned, not made: the first one asked.
    pub fn carry_out<S: Screen>(
        &mut self,
        screen: &mut S,
        mut effects: Vec<Effect<S::Request>>,
    ) -> Option<Switch> {
        let mut switch = None;
        while !effects.is_empty() {
            let mut failures = Vec::new();
            for effect in effects {
                match self.carry_out_one(screen, effect) {
                    Ok(None) => {}
                    Ok(Some(next)) => {
                        switch.get_or_insert(next);
                    }
                    Err(failure) => failures.push(failure),
                }
            }
            effects = failures
                .into_iter()
                .flat_map(|failure| screen.failed(failure))
                .collect();
        }
        switch
    }

    /// The store's next answer, as the loop waits for it: `None` once the
    /// store task has ended; forever pending without a store.
    pub async fn next_stored(&mut self) -> Option<StoreEvent> {
        next_stored(&mut self.store).await
    }

    fn carry_out_one<S: Screen>(
        &mut self,
        screen: &S,
        effect: Effect<S::Request>,
    ) -> Result<Option<Switch>, Failure> {
        match effect {
            Effect::Fetch(request) => screen.channel().send(request)?,
            Effect::Store(request) => {
                let sent = self.store.as_ref().is_some_and(|store| store.send(request));
                if !sent {
                    return Err(Failure::NoStore);
                }
            }
            Effect::Open(url) => self
                .desktop
                .open(&url, &self.late)
                .map_err(|error| Failure::Open(error.to_string()))?,
            Effect::Copy(text) => self
                .desktop
                .copy(&text)
                .map_err(|error| Failure::Copy(error.to_string()))?,
            Effect::ClearScreen => self.clear_screen = true,
            Effect::Suspend => {
                let suspended = self.desktop.suspend();
                // Whatever the shell did meanwhile, the screen is unknown now.
                self.clear_screen = true;
                suspended.map_err(|error| Failure::Suspend(error.to_string()))?;
            }
            Effect::OpenVisitor(user_id) => return Ok(Some(Switch::Open(user_id))),
            Effect::BackToList(notice) => return Ok(Some(Switch::BackToList(notice))),
            Effect::Quit => {
                self.exit.get_or_insert(Exit::Quit);
            }
            Effect::Fatal(reason) => {
                self.exit.get_or_insert(Exit::Fatal(reason));
            }
        }
        Ok(None)
    }
}

/// The screens and the runner their effects are carried out with.
#[derive(Debug)]
pub struct App<D> {
    screens: Screens,
    /// How screens opened later are made.
    maker: Option<ScreenMaker>,
    /// The terminal's size, for conversations opened later.
    size: Size,
    runner: Runner<D>,
    colors: Colors,
    /// Set when the screen changed: the next draw happens whatever the
    /// screens say.
    switched: bool,
    /// When the loop last drew, and whether a frame was put off since.
    last_frame: Option<Instant>,
    frame_owed: bool,
}

/// What screens opened later are made with: the same client (for another
/// visitor), page size, zone and log file.
#[derive(Debug)]
struct ScreenMaker {
    client: ApiClient,
    page_size: PageSize,
    whole_history_page_size: PageSize,
    zone: LocalZone,
    log_file: Option<PathBuf>,
    follow: bool,
    poll_interval: Duration,
    visitor_profile: bool,
    concurrency: u8,
}

/// Where an input came from, when the screen it is for depends on that.
enum Arrival {
    /// For the active screen (keys, resizes, signals, late failures, time).
    Input(Input<Infallible>),
    /// A fetch answer, for the screen it names.
    Answer(Answer),
    /// The store's answer for the active screen, or `None` when it ended.
    Stored(Option<StoreEvent>),
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
        Self::showing(
            Active::Conversation(Box::new(conversation)),
            None,
            Size::default(),
            desktop,
        )
    }

    fn showing(active: Active, maker: Option<ScreenMaker>, size: Size, desktop: D) -> Self {
        Self {
            screens: Screens {
                active,
                picker: None,
            },
            maker,
            size,
            runner: Runner::new(desktop),
            colors: Colors::On,
            switched: true,
            last_frame: None,
            frame_owed: false,
        }
    }

    /// The same app, drawing with `colors`.
    #[must_use]
    pub fn with_colors(mut self, colors: Colors) -> Self {
        self.colors = colors;
        self
    }

    /// The same app, with the store task `store` behind its screens' store
    /// effects (see the module's documentation).
    #[must_use]
    pub fn with_store(mut self, store: StoreTask) -> Self {
        self.runner.store = Some(store);
        self
    }

    /// The store task, taken out of the app (to be finished once the loop ends).
    pub fn take_store(&mut self) -> Option<StoreTask> {
        self.runner.store.take()
    }

    /// An app with its own fetch tasks, on a screen of `screen` cells,
    /// started: the conversation of `config.user_id`, or the picker without one.
    pub fn spawn(config: AppConfig, screen: Size, desktop: D) -> Self {
        let colors = config.colors;
        let maker = ScreenMaker {
            client: config.client,
            page_size: config.page_size,
            whole_history_page_size: config.whole_history_page_size,
            zone: config.zone,
            log_file: config.log_file,
            follow: config.follow,
            poll_interval: config.poll_interval,
            visitor_profile: config.visitor_profile,
            concurrency: config.concurrency,
        };
        let (active, picker) = match config.user_id {
            Some(user_id) => (
                Active::Conversation(Box::new(maker.conversation(user_id, screen, false))),
                None,
            ),
            None => (Active::Picker, Some(maker.picker())),
        };
        // Kept for a conversation opened by id too: Backspace finds the list.
        let mut app = Self::showing(active, Some(maker), screen, desktop).with_colors(colors);
        app.screens.picker = picker;
        app.start();
        app
    }

    /// Sends the active screen's first requests.
    pub fn start(&mut self) {
        let switch = with_active!(&mut self.screens, screen => {
            let effects = screen.start();
            self.runner.carry_out(screen, effects)
        });
        self.switch(switch.flatten());
    }

    /// The open conversation's state, if a conversation is open.
    pub fn state(&self) -> Option<&AppState> {
        match &self.screens.active {
            Active::Conversation(conversation) => Some(&conversation.state),
            Active::Picker => None,
        }
    }

    /// The picker's state, if the app has a picker.
    pub fn picker(&self) -> Option<&PickerState> {
        self.screens.picker.as_ref().map(|picker| &picker.state)
    }

    /// Why the app ends, once it does.
    pub fn exit(&self) -> Option<Exit> {
        self.runner
            .exit
            .clone()
            .or_else(|| with_active!(&self.screens, screen => screen.exit()).flatten())
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
            Err(event) => self.answered(Answer::Conversation(Some(event))),
        }
    }

    /// Feeds one input that is no fetch answer to the active screen.
    fn handle_any(&mut self, input: Input<Infallible>) {
        if let Input::Resize { width, height } = input {
            self.size = Size::new(width, height);
        }
        let switch = with_active!(&mut self.screens, screen => {
            self.runner.step(screen, input.widen())
        });
        self.switch(switch.flatten());
    }

    /// A fetch answer, for the screen it is for, whichever is active.
    fn answered(&mut self, answer: Answer) {
        let switch = match answer {
            Answer::Conversation(answer) => match &mut self.screens.active {
                Active::Conversation(screen) => self.runner.step(&mut **screen, fetched(answer)),
                Active::Picker => None,
            },
            Answer::Picker(answer) => self
                .screens
                .picker
                .as_mut()
                .and_then(|screen| self.runner.step(screen, fetched(answer))),
        };
        self.switch(switch);
    }

    /// Makes the change of screen a screen asked for.
    fn switch(&mut self, switch: Option<Switch>) {
        match switch {
            None => {}
            Some(Switch::Open(user_id)) => self.open_conversation(user_id),
            // A list already there was left for this conversation.
            Some(Switch::BackToList(notice)) if self.screens.picker.is_some() => {
                self.back_to_picker(notice);
            }
            Some(Switch::BackToList(_)) => self.open_picker(),
        }
    }

    /// Opens `user_id`'s conversation from the picker, with a fresh state
    /// and a channel of its own.
    fn open_conversation(&mut self, user_id: u64) {
        let Some(maker) = &self.maker else {
            return;
        };
        let conversation = maker.conversation(user_id, self.size, true);
        if let Some(picker) = &mut self.screens.picker {
            // Off screen, the list asks for nothing (what is in flight lands).
            picker.state.hide();
        }
        self.screens.active = Active::Conversation(Box::new(conversation));
        self.switched = true;
        self.start();
    }

    /// Leaves a conversation opened by id for the visitor list, which
    /// starts loading now.
    fn open_picker(&mut self) {
        let Some(maker) = &self.maker else {
            return;
        };
        self.screens.picker = Some(maker.picker());
        self.screens.active = Active::Picker;
        self.switched = true;
        self.start();
    }

    /// Leaves the conversation for the picker, its filter and selection as
    /// they were, with `notice` shown there. The conversation and its
    /// channel are dropped: what is still in flight for it lands nowhere.
    fn back_to_picker(&mut self, notice: Option<String>) {
        self.screens.active = Active::Picker;
        self.switched = true;
        let Some(picker) = &mut self.screens.picker else {
            return;
        };
        if let Some(notice) = notice {
            picker.state.set_notice(notice);
        }
        let effects = picker.state.show();
        let switch = self.runner.carry_out(picker, effects);
        self.switch(switch);
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
        let forced = std::mem::take(&mut self.switched) || cleared;
        let colors = self.colors;
        let drawn = with_active!(&mut self.screens, screen => {
            if screen.take_dirty() || forced {
                terminal
                    .draw(|frame| screen.draw(frame, colors))
                    .map(drop)
                    .map_err(io::Error::other)
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
            let at = now();
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
                Arrival::Answer(answer) => self.answered(answer),
                Arrival::Stored(Some(event)) => self.handle_any(Input::Stored(event)),
                Arrival::Stored(None) => self.handle_any(Input::Failed(Failure::NoStore)),
            }
            self.drain_input(events).await?;
        }
    }

    /// True if a frame may be drawn now: none was drawn in the last
    /// [`MIN_FRAME_INTERVAL`]. Otherwise the frame is owed, and drawn when
    /// that time is up (see `next_input`).
    fn frame_due(&mut self) -> bool {
        let at = now();
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

impl ScreenMaker {
    /// The visitor list, with a fetch task of its own, not yet started.
    fn picker(&self) -> PickerScreen {
        let state = PickerState::new(self.page_size).with_concurrency(self.concurrency);
        PickerScreen::new(state, Channel::spawn(self.client.clone()))
    }

    /// A fresh conversation for `user_id` on a `size` screen, its first
    /// requests not yet sent.
    fn conversation(&self, user_id: u64, size: Size, from_picker: bool) -> ConversationScreen {
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

/// The store's next answer; `None` once its task has ended (then there is
/// no store any more). Waits forever without a store.
async fn next_stored(store: &mut Option<StoreTask>) -> Option<StoreEvent> {
    let event = match store {
        Some(task) => task.events.recv().await,
        None => std::future::pending().await,
    };
    if event.is_none() {
        *store = None;
    }
    event
}

/// The time, from tokio's clock: tests that pause it control what fades when.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// Runs the app on the real terminal until the reader quits, a fatal error,
/// or a signal from `signals` (see [`crate::signals`]). With a `store`, its
/// writes are flushed before this returns.
pub async fn run(
    terminal: &mut DefaultTerminal,
    config: AppConfig,
    store: Option<StoreTask>,
    mut signals: impl Stream<Item = i32> + Unpin,
) -> io::Result<Exit> {
    let mut app = App::spawn(config, terminal.size()?, SystemDesktop::from_env());
    if let Some(store) = store {
        app = app.with_store(store);
    }
    let mut events = EventStream::new();
    app.run_until_app(terminal, &mut events, &mut signals, |_| false)
        .await?;
    if let Some(store) = app.take_store()
        && let Err(error) = store.finish().await
    {
        tracing::warn!(%error, "the archive's last writes failed");
    }
    Ok(app.exit().unwrap_or(Exit::Quit))
}
