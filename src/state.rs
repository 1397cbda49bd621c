//! Everything the app knows, and every way it changes.
//!
//! Plain data, split by concern: the loaded messages, the history being
//! loaded (`history`), what the view shows (`viewport`), attachment links
//! (`links`), what is drawn over the conversation (`overlay`, with its
//! `prompt` and `detail`), a jump looking for its target (`jump`), a search
//! across the transcript (`search`) and the status bar's notices (`status`). The loop feeds it [`Input`]s and it
//! answers with [`Effect`]s for the loop to carry out; an effect that fails
//! comes back as an input. Tests drive it the same way, without a terminal or
//! a network.

mod detail;
mod history;
mod jump;
mod links;
mod overlay;
mod prompt;
mod search;
mod status;
mod viewport;

use std::path::{Path, PathBuf};
use std::time::Instant;

use crossterm::event::{Event, KeyEvent, MouseEvent};
use ratatui::layout::Rect;

use crate::action::Action;
use crate::api::error::ApiError;
use crate::conversation::Conversation;
use crate::fetch::{FetchEvent, FetchRequest, LinkPurpose};
use crate::layout::Item;
use crate::model::{Message, MessageId};
use crate::open::CheckedUrl;
use crate::paging::PageSize;
use crate::sanitize::sanitize_text;
use crate::search::Query;
use crate::timefmt::LocalZone;
use crate::ui;

pub use detail::Detail;
pub use history::LoadState;
use history::{History, PageOutcome, Retry};
pub use jump::JUMP_EXAMPLES;
use jump::{Jump, Loaded, Step, Target};
use links::Links;
use overlay::KeyTaken;
pub use overlay::{Overlay, Overlays, Scroll};
pub use prompt::Prompt;
use search::{Coverage, Found, Search};
pub use status::{NOTICE_LIFETIME, Notices, Status, StatusKind, StatusTopic};
pub use viewport::{PREFETCH_MESSAGES, Viewport};

/// Something that happened, for the state to take in.
#[derive(Debug)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal is now `width` x `height` cells.
    Resize {
        width: u16,
        height: u16,
    },
    /// An answer from the fetch task.
    Fetched(FetchEvent),
    /// An effect could not be carried out.
    Failed(Failure),
    /// A signal that ends the process arrived (its number).
    Signal(i32),
    /// The terminal's input ended.
    InputClosed,
    /// Time passed: a notice may be due to fade (see [`AppState::handle_at`]).
    Tick,
}

impl Input {
    /// The input a terminal event stands for, if any: of key events, only
    /// presses count (terminals that report releases would double every key).
    pub fn from_terminal(event: &Event) -> Option<Input> {
        match event {
            Event::Key(_) => event.as_key_press_event().map(Input::Key),
            Event::Mouse(mouse) => Some(Input::Mouse(*mouse)),
            Event::Resize(width, height) => Some(Input::Resize {
                width: *width,
                height: *height,
            }),
            _ => None,
        }
    }
}

/// Why an effect could not be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No browser could be started, or it failed at once: what happened,
    /// naming the command (see [`crate::open::OpenError`]).
    Open(String),
    /// Text could not be sent to the clipboard (the reason).
    Copy(String),
    /// The fetch task is gone: nothing can load any more.
    FetchTaskGone,
    /// The terminal could not be handed back to the shell (the reason).
    Suspend(String),
}

/// Something for the loop to do on the state's behalf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Fetch(FetchRequest),
    /// Open a checked http(s) link in the browser.
    Open(CheckedUrl),
    /// Send text to the terminal's clipboard (OSC 52): a checked link, or a
    /// message's sanitized text.
    Copy(String),
    /// Clear the terminal and paint the whole screen again.
    ClearScreen,
    /// Give the terminal back to the shell and stop until `fg`, then take it
    /// again and paint the whole screen.
    Suspend,
}

/// Why the app stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Nothing could be shown: the reason, for the terminal after it is restored.
    Fatal(String),
    /// Ended by a signal (its number).
    Signal(i32),
}

/// Where the selected message stands in the conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Its place counted from the oldest message on the server, of `total`.
    InHistory { number: u64, total: u64 },
    /// Its place among the loaded messages: how many older ones the server
    /// has is not known for sure yet.
    InLoaded { number: usize, loaded: usize },
}

/// The whole app state.
#[derive(Debug)]
pub struct AppState {
    user_id: u64,
    conversation: Conversation,
    history: History,
    viewport: Viewport,
    links: Links,
    overlays: Overlays,
    jump: Jump,
    search: Search,
    notices: Notices,
    /// The time that came with the latest input, when the loop gives it.
    now: Option<Instant>,
    /// Where diagnostics go, to tell the reader of an error.
    log_file: Option<PathBuf>,
    exit: Option<Exit>,
    dirty: bool,
}

/// The conversation's part of a `width` x `height` screen: the one place
/// the window's size becomes the view's.
fn view_size(width: u16, height: u16) -> (u16, u16) {
    let view = ui::conversation_area(Rect::new(0, 0, width, height));
    (view.width, view.height)
}

impl AppState {
    /// A state for visitor `user_id`, fetching `page_size` messages a page,
    /// on a screen of `width` x `height` cells.
    pub fn new(
        user_id: u64,
        page_size: PageSize,
        zone: LocalZone,
        width: u16,
        height: u16,
    ) -> Self {
        let (width, height) = view_size(width, height);
        Self {
            user_id,
            conversation: Conversation::new(),
            history: History::new(page_size),
            viewport: Viewport::new(width, height, zone),
            links: Links::default(),
            overlays: Overlays::default(),
            jump: Jump::default(),
            search: Search::default(),
            notices: Notices::default(),
            now: None,
            log_file: None,
            exit: None,
            dirty: true,
        }
    }

    /// The same state, telling the reader of an error that diagnostics are
    /// written to `log_file`.
    #[must_use]
    pub fn with_log_file(mut self, log_file: Option<PathBuf>) -> Self {
        self.log_file = log_file;
        self
    }

    /// The first requests: call once when the loop starts.
    pub fn start(&mut self) -> Vec<Effect> {
        self.request_more()
    }

    // ----- what the view reads -----

    /// The visitor whose conversation this is.
    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    /// The loaded messages.
    pub fn conversation(&self) -> &Conversation {
        &self.conversation
    }

    /// How many messages the server says there are, once known.
    pub fn total(&self) -> Option<u64> {
        self.history.total()
    }

    /// Where older pages stand.
    pub fn load_state(&self) -> &LoadState {
        self.history.load_state()
    }

    /// True once the oldest message is loaded.
    pub fn reached_beginning(&self) -> bool {
        self.history.reached_beginning()
    }

    /// The scroll position, selection and layout of the conversation view.
    pub fn viewport(&self) -> &Viewport {
        &self.viewport
    }

    /// The selected message.
    pub fn selected(&self) -> Option<MessageId> {
        self.viewport.selected()
    }

    /// The first item on screen and the rows of it scrolled off the top.
    pub fn scroll_position(&self) -> (Item, usize) {
        self.viewport.scroll_position()
    }

    /// The messages on screen, top to bottom, each with whether all of it shows.
    pub fn visible_messages(&self) -> Vec<(MessageId, bool)> {
        self.viewport.visible_messages(&self.conversation)
    }

    /// What is drawn over the conversation.
    pub fn overlays(&self) -> &Overlays {
        &self.overlays
    }

    /// True while the help overlay is shown.
    pub fn help_visible(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Help(_)))
    }

    /// The status-bar message most worth reading: the passing notice, else the error.
    pub fn status(&self) -> Option<&Status> {
        self.notices.info().or(self.notices.error())
    }

    /// The passing notice and the error the status bar shows.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// Where diagnostics are written, if anywhere.
    pub fn log_file(&self) -> Option<&Path> {
        self.log_file.as_deref()
    }

    /// Where the selected message stands: counted from the oldest message on
    /// the server when the loaded messages make that certain (every older one
    /// is loaded, or every newer one and the total is steady), else among the
    /// loaded ones.
    pub fn position(&self) -> Option<Position> {
        let (before, after) = self.conversation.rank(self.selected()?)?;
        let loaded = self.conversation.len();
        let total = self.total();
        Some(match total {
            Some(total) if self.reached_beginning() => Position::InHistory {
                number: before as u64 + 1,
                total: total.max(loaded as u64),
            },
            Some(total) if self.history.newer_end_complete() && total >= loaded as u64 => {
                Position::InHistory {
                    number: total - after as u64,
                    total,
                }
            }
            _ => Position::InLoaded {
                number: before + 1,
                loaded,
            },
        })
    }

    /// What is searched for, while a search is on.
    pub fn search_query(&self) -> Option<&Query> {
        self.search.query()
    }

    /// True if message `id` matches the search.
    pub fn is_search_match(&self, id: MessageId) -> bool {
        self.conversation
            .key(id)
            .is_some_and(|key| self.search.is_match(key))
    }

    /// What the status bar says of the search, while there is one:
    /// "searching… 4,200/10,000 · 3 matches", then "match 3/17".
    pub fn search_status(&self) -> Option<String> {
        let selected = self.selected().and_then(|id| self.conversation.key(id));
        self.search.status(selected, self.search_coverage())
    }

    /// True while a fresh attachment link is being fetched.
    pub fn fetching_link(&self) -> bool {
        self.links.fetching()
    }

    /// True when no answer is awaited: no page and no link in flight.
    pub fn is_quiet(&self) -> bool {
        !matches!(self.load_state(), LoadState::Loading(_)) && !self.fetching_link()
    }

    /// Why the app should stop, once it should.
    pub fn exit(&self) -> Option<&Exit> {
        self.exit.as_ref()
    }

    /// True if something changed since the last call: the loop redraws only then.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    // ----- what changes it -----

    /// Takes one input that came at `now`: the loop's way in. The time lets
    /// passing notices fade; nothing here reads a clock.
    pub fn handle_at(&mut self, input: Input, now: Instant) -> Vec<Effect> {
        self.now = Some(now);
        if self.notices.expire(now) {
            self.dirty = true;
        }
        self.handle(input)
    }

    /// When the next passing notice fades, if one waits to: the loop sends
    /// an [`Input::Tick`] then, and needs no timer otherwise.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.notices.deadline()
    }

    /// Takes one input of any kind, at the time of the last [`Self::handle_at`].
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Key(key) => match self.overlays.offer_key(key) {
                KeyTaken::Pass => Action::from_key(key).map_or_else(Vec::new, |a| self.update(a)),
                KeyTaken::Consumed => {
                    self.dirty = true;
                    Vec::new()
                }
                KeyTaken::Answered(overlay) => self.answered(overlay),
            },
            Input::Mouse(mouse) => {
                Action::from_mouse(mouse).map_or_else(Vec::new, |a| self.update(a))
            }
            Input::Resize { width, height } => self.resize(width, height),
            Input::Fetched(event) => self.apply(event),
            Input::Failed(failure) => {
                self.effect_failed(failure);
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
            Input::Tick => Vec::new(),
        }
    }

    /// The screen is now `width` x `height` cells. What the reader sees stays
    /// in place (see [`Viewport`]); a taller view may need older messages.
    pub fn resize(&mut self, width: u16, height: u16) -> Vec<Effect> {
        let (width, height) = view_size(width, height);
        if !self.viewport.resize(&self.conversation, width, height) {
            return Vec::new();
        }
        self.dirty = true;
        self.fit_overlays();
        self.request_more()
    }

    /// Takes one reader action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.dirty = true;
        self.viewport.keep_place();
        self.notices.next_action();
        let Some(action) = self.overlays.offer(action) else {
            return Vec::new();
        };
        if jump::stops_search(action) {
            self.search.stop_seeking();
            if let Some(notice) = self.jump.stop() {
                self.set_status(notice);
            }
        }
        let (view, conversation) = (&mut self.viewport, &self.conversation);
        let mut effects = Vec::new();
        match action {
            Action::SelectNext => view.select_step(conversation, true),
            Action::SelectPrevious => view.select_step(conversation, false),
            Action::PageDown => view.scroll(conversation, view.page_rows(), true),
            Action::PageUp => view.scroll(conversation, view.page_rows(), false),
            Action::HalfPageDown => view.scroll(conversation, view.half_page_rows(), true),
            Action::HalfPageUp => view.scroll(conversation, view.half_page_rows(), false),
            Action::ScrollDown(rows) => view.scroll(conversation, rows, true),
            Action::ScrollUp(rows) => view.scroll(conversation, rows, false),
            Action::Oldest => {
                self.history.read_on();
                view.follow_oldest(conversation);
            }
            Action::Newest => view.follow_newest(conversation),
            Action::Jump => self.overlays.open(Overlay::Jump(Prompt::default())),
            Action::Search => self.overlays.open(Overlay::Search(Prompt::default())),
            Action::OlderMatch => self.step_match(true),
            Action::NewerMatch => self.step_match(false),
            Action::PreviousDay | Action::NextDay => {
                let selected = view.selected().and_then(|id| conversation.get(id));
                let target = Target::day_step(selected, self.zone(), action == Action::NextDay);
                self.start_jump(target);
            }
            Action::OpenAttachment => effects.extend(self.fetch_link(LinkPurpose::Open)),
            Action::CopyLink => effects.extend(self.fetch_link(LinkPurpose::Copy)),
            Action::CopyText => effects.extend(self.copy_text()),
            Action::ShowDetail => self.show_detail(),
            Action::Retry => effects.extend(self.retry()),
            Action::Redraw => effects.push(Effect::ClearScreen),
            Action::Suspend => effects.push(Effect::Suspend),
            Action::ToggleHelp => self.open_overlay(Overlay::Help(Scroll::default())),
            Action::ShowError => match self.notices.last_error() {
                Some(error) => self.open_overlay(Overlay::Error {
                    text: error.text.clone(),
                    scroll: Scroll::default(),
                }),
                None => self.set_status(Status::info("no error so far")),
            },
            Action::Close => {
                if !self.search.clear() {
                    self.notices.dismiss_error();
                }
            }
            Action::Quit => self.exit = Some(Exit::Quit),
        }
        effects.extend(self.request_more());
        effects
    }

    /// Takes one answer from the fetch task.
    pub fn apply(&mut self, event: FetchEvent) -> Vec<Effect> {
        self.dirty = true;
        self.viewport.keep_place();
        match event {
            FetchEvent::Page { request, result } => match self.history.answer(request, result) {
                // An answer to a request we no longer wait for.
                None => return Vec::new(),
                Some(PageOutcome::Arrived(messages)) => {
                    self.show(messages);
                    self.say_why_paging_stopped();
                    self.advance_jump();
                    self.advance_search();
                }
                Some(PageOutcome::Failed(reason)) => {
                    self.set_status(Status::about(
                        StatusTopic::Paging,
                        StatusKind::Error,
                        format!("r to retry · loading failed: {reason}"),
                    ));
                    return Vec::new();
                }
                Some(PageOutcome::Fatal(error)) => {
                    let reason = match error {
                        ApiError::NotFound => format!("visitor {} not found", self.user_id),
                        other => other.to_string(),
                    };
                    self.exit = Some(Exit::Fatal(reason));
                    return Vec::new();
                }
            },
            FetchEvent::Message {
                id,
                purpose,
                result,
            } => {
                if let Some((status, effect)) = self.links.arrived(id, purpose, result) {
                    self.set_status(status);
                    return effect.into_iter().collect();
                }
            }
            FetchEvent::Retrying { request, notice } => {
                let (what, topic) = match request {
                    FetchRequest::Page(_) => ("messages", StatusTopic::Paging),
                    FetchRequest::Message { .. } => ("link", StatusTopic::Link),
                };
                self.set_status(Status::about(
                    topic,
                    StatusKind::Info,
                    format!(
                        "{what}: {}; retrying in {:.1}s (attempt {})",
                        notice.reason,
                        notice.delay.as_secs_f32(),
                        notice.attempt + 1
                    ),
                ));
            }
        }
        self.request_more()
    }

    fn set_status(&mut self, status: Status) {
        self.notices.post(status, self.now);
        self.dirty = true;
    }

    fn open_overlay(&mut self, overlay: Overlay) {
        self.overlays.open(overlay);
        self.fit_overlays();
    }

    /// Tells each overlay how much of its text the screen has room for.
    fn fit_overlays(&mut self) {
        let area = self.viewport.area();
        let zone = self.zone();
        let log_file = self.log_file.as_deref();
        let conversation = &self.conversation;
        for overlay in self.overlays.iter_mut() {
            match overlay {
                Overlay::Help(scroll) => {
                    let (rows, page) = ui::help::extent(area);
                    scroll.fit(rows, page);
                }
                Overlay::Error { text, scroll } => {
                    let (rows, page) = ui::error_detail::extent(text, log_file, area);
                    scroll.fit(rows, page);
                }
                Overlay::Detail(detail) => {
                    let content = ui::detail::content_area(area);
                    let lines = conversation.get(detail.id()).map_or(0, |message| {
                        ui::detail::detail_lines(message, zone, content.width).len()
                    });
                    detail.fit(lines, usize::from(content.height));
                }
                Overlay::Jump(_) | Overlay::Search(_) => {}
            }
        }
    }

    /// Asks for the next page if nothing is in flight and the view needs it:
    /// to show the newest messages, when the reader nears the top, or on the
    /// way to the oldest message.
    fn request_more(&mut self) -> Vec<Effect> {
        if self.exit.is_some() {
            return Vec::new();
        }
        let needed = self.viewport.follows_oldest()
            || self.viewport.near_top(&self.conversation)
            || self.jump.searching()
            || self.search.wants_pages();
        self.history
            .request_more(needed)
            .map(|request| Effect::Fetch(FetchRequest::Page(request)))
            .into_iter()
            .collect()
    }

    /// Shows the messages of a page that arrived.
    fn show(&mut self, messages: Vec<Message>) {
        self.notices.settle(StatusTopic::Paging);
        let first_before = self.conversation.first().map(|m| m.id);
        let ids: Vec<MessageId> = messages.iter().map(|m| m.id).collect();
        for message in messages {
            self.viewport.forget(message.id);
            if let Some(old) = self.conversation.key(message.id) {
                self.search.replacing(message.id, old);
            }
            self.conversation.insert(message);
        }
        let conversation = &self.conversation;
        self.search
            .arrived(ids.iter().filter_map(|id| conversation.get(*id)));
        self.viewport.page_arrived(&self.conversation, first_before);
    }

    fn retry(&mut self) -> Option<Effect> {
        let effect = match self.history.retry() {
            Retry::Resend(request) => Some(Effect::Fetch(FetchRequest::Page(request))),
            // `update` sends the request the pager now wants.
            Retry::Resumed => None,
            Retry::Nothing => {
                self.set_status(Status::info("nothing to retry"));
                return None;
            }
        };
        // The error no longer holds; "loading…" in the bar says what happens.
        self.notices.settle(StatusTopic::Paging);
        effect
    }

    /// When the pager stopped short of the whole history, the status bar
    /// says why in words; what arrived stays on screen.
    fn say_why_paging_stopped(&mut self) {
        if let Some(stop) = self.history.stopped() {
            let kind = if stop.is_problem() {
                StatusKind::Error
            } else {
                StatusKind::Info
            };
            self.set_status(Status::about(StatusTopic::Paging, kind, stop.to_string()));
        }
    }

    fn fetch_link(&mut self, purpose: LinkPurpose) -> Option<Effect> {
        let selected = self.viewport.selected();
        let message = selected.and_then(|id| self.conversation.get(id));
        match self.links.fetch(message, purpose) {
            Ok(effect) => Some(effect),
            Err(status) => {
                self.set_status(status);
                None
            }
        }
    }

    /// The time zone messages are shown in.
    fn zone(&self) -> LocalZone {
        *self.viewport.layout().zone()
    }

    /// An overlay closed with an answer: act on it.
    fn answered(&mut self, overlay: Overlay) -> Vec<Effect> {
        self.dirty = true;
        match overlay {
            Overlay::Jump(prompt) => self.start_jump(Target::parse(prompt.text())),
            Overlay::Search(prompt) => self.start_search(prompt.text()),
            Overlay::Help(_) | Overlay::Error { .. } | Overlay::Detail(_) => {}
        }
        self.request_more()
    }

    /// Looks for `target`, or says why there is nothing to look for.
    fn start_jump(&mut self, target: Result<Target, Status>) {
        match target {
            Ok(target) => {
                self.jump.start(target);
                self.advance_jump();
            }
            Err(notice) => self.set_status(notice),
        }
    }

    /// Checks a pending jump against what is loaded: goes there once found.
    fn advance_jump(&mut self) {
        let loaded = Loaded {
            settled: self.history.settled(),
            beginning: self.history.reached_beginning(),
            complete: self.history.complete(),
            total: self.history.total(),
        };
        let zone = self.zone();
        let notice = match self.jump.advance(&self.conversation, zone, loaded) {
            None => return,
            Some(Step::Found(id, note)) => {
                self.viewport.jump_to(&self.conversation, id);
                self.notices.settle(StatusTopic::Jump);
                match note {
                    Some(note) => note,
                    None => return,
                }
            }
            Some(Step::Missing(notice) | Step::Searching(notice)) => notice,
        };
        self.set_status(notice);
    }

    /// Searches the whole transcript for `text`, loading what is missing.
    fn start_search(&mut self, text: &str) {
        let Some(query) = Query::new(text) else {
            self.search.clear();
            self.set_status(Status::info("search for what? type some text after /"));
            return;
        };
        // The reader asked for everything, as with `g`.
        self.history.read_on();
        let from = self.selected().and_then(|id| self.conversation.key(id));
        self.search.start(query, from);
        self.advance_search();
    }

    /// How far the history has loaded, as a search sees it.
    fn search_coverage(&self) -> Coverage {
        Coverage {
            complete: self.history.complete(),
            can_load_more: self.history.stopped().is_none()
                && !matches!(self.load_state(), LoadState::Failed { .. }),
            loaded: self.conversation.len(),
            total: self.total(),
        }
    }

    /// Goes to the match the reader waits for, once it is loaded.
    fn advance_search(&mut self) {
        if let Some(Found::Match(id)) = self.search.seek(self.search_coverage()) {
            self.viewport.jump_to(&self.conversation, id);
        }
    }

    /// `n` (`older`) or `N`: the next match from the selection.
    fn step_match(&mut self, older: bool) {
        if self.search.query().is_none() {
            self.set_status(Status::info("no search: / searches"));
            return;
        }
        let from = self.selected().and_then(|id| self.conversation.key(id));
        let found = if older {
            self.search.next_older(from, self.search_coverage())
        } else {
            self.search.next_newer(from)
        };
        match found {
            Found::Match(id) => self.viewport.jump_to(&self.conversation, id),
            Found::Waiting => {}
            Found::None if older => self.set_status(Status::info("no older match")),
            Found::None => self.set_status(Status::info("no newer match")),
        }
    }

    /// Sends the selected message's text, as sanitized for the screen and
    /// without the view's gutter or indent, to the clipboard.
    fn copy_text(&mut self) -> Option<Effect> {
        let selected = self.viewport.selected();
        let Some(message) = selected.and_then(|id| self.conversation.get(id)) else {
            self.set_status(Status::info("no message selected"));
            return None;
        };
        let text = sanitize_text(&message.body);
        if text.trim().is_empty() {
            self.set_status(Status::info("this message has no text"));
            return None;
        }
        // OSC 52 has no answer: say what was done, not that it worked.
        self.set_status(Status::info("message text sent to the terminal clipboard"));
        Some(Effect::Copy(text))
    }

    /// Opens the selected message's details.
    fn show_detail(&mut self) {
        match self.viewport.selected() {
            Some(id) => self.open_overlay(Overlay::Detail(Detail::new(id))),
            None => self.set_status(Status::info("no message selected")),
        }
    }

    fn effect_failed(&mut self, failure: Failure) {
        match failure {
            Failure::Open(reason) => self.set_status(Status::about(
                StatusTopic::Link,
                StatusKind::Error,
                format!("{reason} (press y to copy the link)"),
            )),
            Failure::Copy(reason) => self.set_status(Status::about(
                StatusTopic::Link,
                StatusKind::Error,
                format!("could not send to the terminal clipboard: {reason}"),
            )),
            Failure::Suspend(reason) => self.set_status(Status::about(
                StatusTopic::Other,
                StatusKind::Error,
                format!("could not suspend: {reason}"),
            )),
            Failure::FetchTaskGone => {
                self.exit.get_or_insert(Exit::Fatal(
                    "the fetch task stopped unexpectedly".to_owned(),
                ));
            }
        }
    }
}
