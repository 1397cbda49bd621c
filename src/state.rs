//! Everything the app knows, and every way it changes.
//!
//! Plain data, split by concern: the loaded messages, the history being
//! loaded (`history`), what the view shows (`viewport`), attachment links
//! (`links`), what is drawn over the conversation (`overlay`, with its
//! `prompt` and `detail`), a jump looking for its target (`jump`) and the
//! status bar's message (`status`). The loop feeds it [`Input`]s and it
//! answers with [`Effect`]s for the loop to carry out; an effect that fails
//! comes back as an input. Tests drive it the same way, without a terminal or
//! a network.

mod detail;
mod history;
mod jump;
mod links;
mod overlay;
mod prompt;
mod status;
mod viewport;

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
use crate::timefmt::LocalZone;
use crate::ui;

pub use detail::Detail;
pub use history::LoadState;
use history::{History, PageOutcome, Retry};
pub use jump::JUMP_EXAMPLES;
use jump::{Jump, Loaded, Step, Target};
use links::Links;
use overlay::KeyTaken;
pub use overlay::{Overlay, Overlays};
pub use prompt::Prompt;
pub use status::{Status, StatusKind, StatusTopic};
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
    status: Option<Status>,
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
            status: None,
            exit: None,
            dirty: true,
        }
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
        self.overlays.contains(&Overlay::Help)
    }

    /// The status-bar message.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
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

    /// Takes one input of any kind: the loop's single way in.
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
        self.fit_details();
        self.request_more()
    }

    /// Takes one reader action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.dirty = true;
        self.viewport.keep_place();
        self.fit_details();
        let Some(action) = self.overlays.offer(action) else {
            return Vec::new();
        };
        if jump::stops_search(action)
            && let Some(notice) = self.jump.stop()
        {
            self.set_status(notice);
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
            Action::ToggleHelp => self.overlays.open(Overlay::Help),
            Action::Close => {}
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
                    FetchRequest::Message { .. } => ("link", StatusTopic::Other),
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
        self.status = Some(status);
        self.dirty = true;
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
            || self.jump.searching();
        self.history
            .request_more(needed)
            .map(|request| Effect::Fetch(FetchRequest::Page(request)))
            .into_iter()
            .collect()
    }

    /// Shows the messages of a page that arrived.
    fn show(&mut self, messages: Vec<Message>) {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.topic == StatusTopic::Paging)
        {
            self.status = None;
        }
        let first_before = self.conversation.first().map(|m| m.id);
        for message in messages {
            self.viewport.forget(message.id);
            self.conversation.insert(message);
        }
        self.viewport.page_arrived(&self.conversation, first_before);
    }

    fn retry(&mut self) -> Option<Effect> {
        let (text, effect) = match self.history.retry() {
            Retry::Resend(request) => (
                "retrying…",
                Some(Effect::Fetch(FetchRequest::Page(request))),
            ),
            // `update` sends the request the pager now wants.
            Retry::Resumed => ("trying again…", None),
            Retry::Nothing => {
                self.set_status(Status::info("nothing to retry"));
                return None;
            }
        };
        self.set_status(Status::about(StatusTopic::Paging, StatusKind::Info, text));
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
        let (status, effect) = self.links.fetch(message, purpose);
        self.set_status(status);
        effect
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
            Overlay::Help | Overlay::Detail(_) => {}
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
                if self
                    .status
                    .as_ref()
                    .is_some_and(|s| s.topic == StatusTopic::Jump)
                {
                    self.status = None;
                }
                match note {
                    Some(note) => note,
                    None => return,
                }
            }
            Some(Step::Missing(notice) | Step::Searching(notice)) => notice,
        };
        self.set_status(notice);
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
            Some(id) => {
                self.overlays.open(Overlay::Detail(Detail::new(id)));
                self.fit_details();
            }
            None => self.set_status(Status::info("no message selected")),
        }
    }

    /// Tells each detail overlay how long its content is at the view's size.
    fn fit_details(&mut self) {
        let (width, height) = self.viewport.size();
        let area = ui::detail::content_area(Rect::new(0, 0, width, height));
        let zone = self.zone();
        for detail in self.overlays.details_mut() {
            let lines = self.conversation.get(detail.id()).map_or(0, |message| {
                ui::detail::detail_lines(message, zone, area.width).len()
            });
            detail.fit(lines, usize::from(area.height));
        }
    }

    fn effect_failed(&mut self, failure: Failure) {
        match failure {
            Failure::Open(reason) => self.set_status(Status::error(format!(
                "{reason} (press y to copy the link)"
            ))),
            Failure::Copy(reason) => self.set_status(Status::error(format!(
                "could not send to the terminal clipboard: {reason}"
            ))),
            Failure::FetchTaskGone => {
                self.exit.get_or_insert(Exit::Fatal(
                    "the fetch task stopped unexpectedly".to_owned(),
                ));
            }
        }
    }
}
