//! The event loop: one `select!` over terminal input, fetch answers,
//! signals, failures the desktop reports late (a browser that exits at
//! once), and a timer while a notice waits to fade or a look for new
//! messages is due. Each becomes an [`Input`] for the state, with the time it came at, and the loop carries out
//! the effects the state answers with; an effect that fails comes back to the
//! state as an input. It never awaits the network, so keys answer while a
//! request hangs.
//!
//! The loop is generic over the terminal (its backend and its input stream)
//! and over the [`Desktop`], so tests run this very loop on ratatui's
//! `TestBackend`, with input they script and a desktop that records.

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

use chrono::Utc;

use crate::action::Action;
use crate::api::client::ApiClient;
use crate::fetch::{FetchEvent, FetchRequest};
use crate::open::{CheckedUrl, Opener};
use crate::paging::PageSize;
use crate::picker::{PickerAction, PickerEffect, PickerState};
use crate::screens::{Channel, ConversationScreen, PickerScreen, Screen};
use crate::state::{AppState, Effect, Exit, Failure, Input};
use crate::timefmt::LocalZone;
use crate::ui::color::Colors;
use crate::{clipboard, terminal, ui};

/// Why the app ends when a fetch task is gone (it never should be).
const FETCH_TASK_GONE: &str = "the fetch task stopped unexpectedly";

/// The least time between two frames while input keeps coming: a burst
/// of keys (a paste) is drawn a few times, not once a key.
const MIN_FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// How often the picker is drawn again, so "last seen" stays true.
const PICKER_REFRESH: Duration = Duration::from_secs(30);

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

/// Where a desktop reports what failed after its call returned, such as a
/// browser that exits with an error a moment after it started: the loop
/// takes each report as an [`Input::Failed`].
#[derive(Clone, Debug)]
pub struct LateFailures(mpsc::UnboundedSender<Failure>);

impl LateFailures {
    /// Tells the state that `failure` happened. Nothing is told once the
    /// loop has ended.
    pub fn report(&self, failure: Failure) {
        let _ = self.0.send(failure);
    }
}

/// What the app asks of the world outside its screen: the browser, the
/// clipboard, and the shell's job control.
pub trait Desktop {
    /// Opens a checked link in the browser; a failure found only later
    /// goes to `late`.
    fn open(&mut self, url: &CheckedUrl, late: &LateFailures) -> io::Result<()>;
    /// Sends `text` to the clipboard. Nothing confirms that it arrived.
    fn copy(&mut self, text: &str) -> io::Result<()>;
    /// Gives the terminal back to the shell until it continues the app
    /// (`fg`), then takes it again; the app repaints the screen after.
    fn suspend(&mut self) -> io::Result<()>;
}

/// The reader's own browser, and the terminal's clipboard.
#[derive(Debug, Clone)]
pub struct SystemDesktop {
    opener: Opener,
}

impl SystemDesktop {
    /// Links go to `$BROWSER`, else the platform's opener.
    pub fn from_env() -> Self {
        Self::with_opener(Opener::from_env())
    }

    /// Links go to `opener`.
    pub fn with_opener(opener: Opener) -> Self {
        Self { opener }
    }
}

impl Desktop for SystemDesktop {
    fn open(&mut self, url: &CheckedUrl, late: &LateFailures) -> io::Result<()> {
        let launched = self.opener.launch(url).map_err(io::Error::other)?;
        let late = late.clone();
        // The loop goes on meanwhile: a browser that fails at once is told
        // to the reader when it does.
        tokio::spawn(async move {
            if let Err(error) = launched.outcome().await {
                tracing::warn!(%error, "the browser failed");
                late.report(Failure::Open(error.to_string()));
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

/// The screens and everything their effects are carried out with.
#[derive(Debug)]
pub struct App<D> {
    /// The active screen; a conversation lives inside it.
    screen: Screen,
    /// The visitor picker, when the app started with one.
    picker: Option<PickerScreen>,
    /// How conversations opened from the picker are made.
    opener: Option<ConversationOpener>,
    /// The terminal's size, for conversations opened later.
    size: Size,
    /// Why the app ends, when no conversation says so.
    exit: Option<Exit>,
    desktop: D,
    /// Where the desktop reports late failures, and where the loop reads them.
    late: LateFailures,
    late_failures: mpsc::UnboundedReceiver<Failure>,
    colors: Colors,
    /// Set by Ctrl-L and after a suspension: the next draw starts from a
    /// blank terminal.
    clear_screen: bool,
    /// Set when the screen changed: the next draw happens whatever the
    /// states say.
    switched: bool,
    /// When the loop last drew, and whether a frame was put off since.
    last_frame: Option<Instant>,
    frame_owed: bool,
}

/// What a conversation opened from the picker is made with: the same
/// client (for another visitor), page size, zone and log file.
#[derive(Debug)]
struct ConversationOpener {
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
    /// For the active screen (keys, resizes, signals, the conversation's answers).
    Input(Input),
    /// An answer for the picker, or `None` when its fetch task ended.
    Picker(Option<FetchEvent>),
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
        let size = Size::default();
        let (late, late_failures) = mpsc::unbounded_channel();
        let conversation = ConversationScreen {
            state,
            channel: Channel::from_parts(requests, answers),
            from_picker: false,
        };
        Self {
            screen: Screen::Conversation(Box::new(conversation)),
            picker: None,
            opener: None,
            size,
            exit: None,
            desktop,
            late: LateFailures(late),
            late_failures,
            colors: Colors::On,
            clear_screen: false,
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

    /// An app with its own fetch tasks, on a screen of `screen` cells,
    /// started: the conversation of `config.user_id`, or the picker without one.
    pub fn spawn(config: AppConfig, screen: Size, desktop: D) -> Self {
        let opener = ConversationOpener {
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
        let (late, late_failures) = mpsc::unbounded_channel();
        let mut app = Self {
            screen: Screen::Picker,
            picker: None,
            opener: None,
            size: screen,
            exit: None,
            desktop,
            late: LateFailures(late),
            late_failures,
            colors: config.colors,
            clear_screen: false,
            switched: true,
            last_frame: None,
            frame_owed: false,
        };
        match config.user_id {
            Some(user_id) => {
                app.screen = Screen::Conversation(Box::new(opener.open(user_id, screen, false)));
            }
            None => app.picker = Some(opener.picker()),
        }
        // Kept for a conversation opened by id too: Backspace finds the list.
        app.opener = Some(opener);
        app.start();
        app
    }

    /// Sends the first requests.
    pub fn start(&mut self) {
        match &mut self.screen {
            Screen::Conversation(conversation) => {
                let effects = conversation.state.start();
                self.carry_out(effects);
            }
            Screen::Picker => {
                if let Some(picker) = &mut self.picker {
                    let effects = picker.state.start();
                    self.carry_out_picker(effects);
                }
            }
        }
    }

    /// The open conversation's state, if a conversation is open.
    pub fn state(&self) -> Option<&AppState> {
        match &self.screen {
            Screen::Conversation(conversation) => Some(&conversation.state),
            Screen::Picker => None,
        }
    }

    /// The picker's state, if the app has a picker.
    pub fn picker(&self) -> Option<&PickerState> {
        self.picker.as_ref().map(|picker| &picker.state)
    }

    /// Why the app ends, once it does.
    pub fn exit(&self) -> Option<Exit> {
        self.exit
            .clone()
            .or_else(|| self.state().and_then(AppState::exit).cloned())
    }

    /// The desktop links are handed to.
    pub fn desktop(&self) -> &D {
        &self.desktop
    }

    /// Feeds one input to the active screen, with the time, and carries out
    /// what it asks for.
    pub fn handle(&mut self, input: Input) {
        if let Input::Resize { width, height } = input {
            self.size = Size::new(width, height);
        }
        match &self.screen {
            Screen::Conversation(conversation) if is_back_to_list(&conversation.state, &input) => {
                if conversation.from_picker {
                    self.back_to_picker(None);
                } else if !self.open_picker() {
                    self.handle_conversation(input);
                }
            }
            Screen::Conversation(_) => self.handle_conversation(input),
            Screen::Picker => self.handle_picker(input),
        }
    }

    /// An input for the open conversation.
    fn handle_conversation(&mut self, input: Input) {
        if let Screen::Conversation(conversation) = &mut self.screen {
            let effects = conversation.state.handle_at(input, now());
            self.carry_out(effects);
            self.leave_failed_conversation();
        }
    }

    /// An input while the picker has the keys.
    fn handle_picker(&mut self, input: Input) {
        let Some(picker) = &mut self.picker else {
            return;
        };
        let effects = match input {
            Input::Key(key) => PickerAction::from_key(key)
                .map(|action| picker.state.update(action))
                .unwrap_or_default(),
            Input::Fetched(event) => return self.picker_answer(Some(event)),
            // "Last seen" is counted from the time of drawing.
            Input::Resize { .. } | Input::Tick => {
                picker.state.touch();
                Vec::new()
            }
            Input::Signal(number) => {
                self.exit.get_or_insert(Exit::Signal(number));
                Vec::new()
            }
            Input::InputClosed => {
                self.exit.get_or_insert(Exit::Quit);
                Vec::new()
            }
            // Failures come from a conversation's effects, never the picker's.
            Input::Mouse(_) | Input::Failed(_) => Vec::new(),
        };
        self.carry_out_picker(effects);
    }

    /// An answer from the picker's fetch task, whichever screen is active.
    fn picker_answer(&mut self, answer: Option<FetchEvent>) {
        let Some(picker) = &mut self.picker else {
            return;
        };
        let effects = match answer {
            Some(FetchEvent::Users { request, result }) => picker.state.apply(request, result),
            Some(FetchEvent::Retrying { notice, .. }) => {
                if notice.is_slow_down() {
                    picker.state.slow_down();
                }
                picker.state.set_retrying(format!(
                    "visitors: {}; retrying in {:.1}s (attempt {})",
                    notice.reason,
                    notice.delay.as_secs_f32(),
                    notice.attempt + 1
                ));
                Vec::new()
            }
            // The picker's channel carries nothing else.
            Some(_) => Vec::new(),
            None => vec![PickerEffect::Fatal(FETCH_TASK_GONE.to_owned())],
        };
        self.carry_out_picker(effects);
    }

    /// Carries out what the picker asks.
    fn carry_out_picker(&mut self, effects: Vec<PickerEffect>) {
        for effect in effects {
            match effect {
                PickerEffect::Fetch(request) => {
                    let sent = self.picker.as_ref().is_some_and(|p| {
                        p.channel
                            .requests
                            .send(FetchRequest::Users(request))
                            .is_ok()
                    });
                    if !sent {
                        self.exit
                            .get_or_insert(Exit::Fatal(FETCH_TASK_GONE.to_owned()));
                    }
                }
                PickerEffect::Open(user_id) => self.open_conversation(user_id),
                PickerEffect::ClearScreen => self.clear_screen = true,
                PickerEffect::Suspend => {
                    let suspended = self.desktop.suspend();
                    self.clear_screen = true;
                    if let (Err(error), Some(picker)) = (suspended, &mut self.picker) {
                        picker
                            .state
                            .set_notice(format!("could not suspend: {error}"));
                    }
                }
                PickerEffect::Quit => {
                    self.exit.get_or_insert(Exit::Quit);
                }
                PickerEffect::Fatal(reason) => {
                    self.exit.get_or_insert(Exit::Fatal(reason));
                }
            }
        }
    }

    /// Opens `user_id`'s conversation from the picker, with a fresh state
    /// and a channel of its own.
    fn open_conversation(&mut self, user_id: u64) {
        let Some(opener) = &self.opener else {
            return;
        };
        let conversation = opener.open(user_id, self.size, true);
        if let Some(picker) = &mut self.picker {
            // Off screen, the list asks for nothing (what is in flight lands).
            picker.state.hide();
        }
        self.screen = Screen::Conversation(Box::new(conversation));
        self.switched = true;
        self.start();
    }

    /// Leaves a conversation opened by id for the visitor list, which
    /// starts loading now; false when the app has no client to list with
    /// (a test's app made of a state and channels).
    fn open_picker(&mut self) -> bool {
        let Some(opener) = &self.opener else {
            return false;
        };
        if self.picker.is_none() {
            self.picker = Some(opener.picker());
        }
        self.screen = Screen::Picker;
        self.switched = true;
        self.start();
        true
    }

    /// Leaves the conversation for the picker, its filter and selection as
    /// they were, with `notice` shown there. The conversation and its
    /// channel are dropped: what is still in flight for it lands nowhere.
    fn back_to_picker(&mut self, notice: Option<String>) {
        self.screen = Screen::Picker;
        self.switched = true;
        let Some(picker) = &mut self.picker else {
            return;
        };
        if let Some(notice) = notice {
            picker.state.set_notice(notice);
        }
        let effects = picker.state.show();
        self.carry_out_picker(effects);
    }

    /// A conversation opened from the picker that cannot be shown (an
    /// unknown visitor, say) goes back to the picker with the reason,
    /// instead of ending the program.
    fn leave_failed_conversation(&mut self) {
        let Screen::Conversation(conversation) = &self.screen else {
            return;
        };
        if !conversation.from_picker {
            return;
        }
        if let Some(Exit::Fatal(reason)) = conversation.state.exit() {
            let notice = format!("visitor {}: {reason}", conversation.state.user_id());
            self.back_to_picker(Some(notice));
        }
    }

    /// Carries out the conversation's `effects`; each failure goes back to
    /// it, which may ask for more. Nothing here waits on the network.
    fn carry_out(&mut self, mut effects: Vec<Effect>) {
        while !effects.is_empty() {
            let failures: Vec<Failure> = effects
                .into_iter()
                .filter_map(|effect| self.carry_out_one(effect).err())
                .collect();
            let Screen::Conversation(conversation) = &mut self.screen else {
                return;
            };
            effects = failures
                .into_iter()
                .flat_map(|failure| conversation.state.handle(Input::Failed(failure)))
                .collect();
        }
    }

    fn carry_out_one(&mut self, effect: Effect) -> Result<(), Failure> {
        match effect {
            Effect::Fetch(request) => match &self.screen {
                Screen::Conversation(conversation) => conversation
                    .channel
                    .requests
                    .send(request)
                    .map_err(|_| Failure::FetchTaskGone),
                Screen::Picker => Ok(()),
            },
            Effect::Open(url) => self
                .desktop
                .open(&url, &self.late)
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
            self.handle(Input::Resize {
                width: size.width,
                height: size.height,
            });
        }
        let forced = std::mem::take(&mut self.switched) || cleared;
        let colors = self.colors;
        match &mut self.screen {
            Screen::Conversation(conversation) => {
                if conversation.state.take_dirty() || forced {
                    let state = &conversation.state;
                    terminal
                        .draw(|frame| ui::draw_with(frame, state, colors))
                        .map_err(io::Error::other)?;
                }
            }
            Screen::Picker => {
                if let Some(picker) = &mut self.picker
                    && (picker.state.take_dirty() || forced)
                {
                    let state = &picker.state;
                    terminal
                        .draw(|frame| ui::picker::draw(frame, state, Utc::now(), colors))
                        .map_err(io::Error::other)?;
                }
            }
        }
        Ok(())
    }

    /// Waits for the next input: a terminal event, a fetch answer, a signal,
    /// or the time a notice fades.
    async fn next_input<E, G>(&mut self, events: &mut E, signals: &mut G) -> io::Result<Arrival>
    where
        E: Stream<Item = io::Result<Event>> + Unpin,
        G: Stream<Item = i32> + Unpin,
    {
        loop {
            // A timer only while a notice waits to fade: otherwise nothing
            // wakes the loop but input.
            let (deadline, conversation_answers) = match &mut self.screen {
                Screen::Conversation(conversation) => (
                    conversation.state.next_deadline(),
                    Some(&mut conversation.channel.answers),
                ),
                // The list says "5 min ago": it is drawn again now and then.
                Screen::Picker => (Some(now() + PICKER_REFRESH), None),
            };
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
            let conversation_answer = async move {
                match conversation_answers {
                    Some(answers) => answers.recv().await,
                    None => std::future::pending().await,
                }
            };
            let picker_answers = self.picker.as_mut().map(|p| &mut p.channel.answers);
            let picker_answer = async move {
                match picker_answers {
                    Some(answers) => answers.recv().await,
                    None => std::future::pending().await,
                }
            };
            let arrival = tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) => Input::from_terminal(&event).map(Arrival::Input),
                    Some(Err(error)) => return Err(error),
                    None => Some(Arrival::Input(Input::InputClosed)),
                },
                answer = conversation_answer => Some(Arrival::Input(match answer {
                    Some(answer) => Input::Fetched(answer),
                    None => Input::Failed(Failure::FetchTaskGone),
                })),
                answer = picker_answer => Some(Arrival::Picker(answer)),
                Some(number) = signals.next() => Some(Arrival::Input(Input::Signal(number))),
                // The app holds a sender itself, so this channel never closes.
                Some(failure) = self.late_failures.recv() => {
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
                Arrival::Input(input) => self.handle(input),
                Arrival::Picker(answer) => self.picker_answer(answer),
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
                        self.handle(input);
                    }
                }
                Poll::Ready(Some(Err(error))) => return Err(error),
                Poll::Ready(None) => self.handle(Input::InputClosed),
                Poll::Pending => break,
            }
        }
        Ok(())
    }
}

impl ConversationOpener {
    /// The visitor list, with a fetch task of its own, not yet started.
    fn picker(&self) -> PickerScreen {
        PickerScreen {
            state: PickerState::new(self.page_size).with_concurrency(self.concurrency),
            channel: Channel::spawn(self.client.clone()),
        }
    }

    /// A fresh conversation for `user_id` on a `size` screen, its first
    /// requests not yet sent.
    fn open(&self, user_id: u64, size: Size, from_picker: bool) -> ConversationScreen {
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
        ConversationScreen {
            state,
            channel: Channel::spawn(self.client.for_user(user_id)),
            from_picker,
        }
    }
}

/// Whether `input` asks to go back to the list: the key bound to it, while
/// no overlay or prompt would take the key itself.
fn is_back_to_list(state: &AppState, input: &Input) -> bool {
    let Input::Key(key) = input else {
        return false;
    };
    state.overlays().iter().next().is_none() && Action::from_key(*key) == Some(Action::BackToList)
}

/// The time, from tokio's clock: tests that pause it control what fades when.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// Runs the app on the real terminal until the reader quits, a fatal error,
/// or a signal from `signals` (see [`crate::signals`]).
pub async fn run(
    terminal: &mut DefaultTerminal,
    config: AppConfig,
    mut signals: impl Stream<Item = i32> + Unpin,
) -> io::Result<Exit> {
    let mut app = App::spawn(config, terminal.size()?, SystemDesktop::from_env());
    let mut events = EventStream::new();
    app.run_until_app(terminal, &mut events, &mut signals, |_| false)
        .await?;
    Ok(app.exit().unwrap_or(Exit::Quit))
}
