//! Everything the app knows, and every way it changes.
//!
//! Plain data, split by concern: the loaded messages, the history being
//! loaded (`history`), what the view shows (`viewport`), attachment links
//! (`links`), what is drawn over the conversation (`overlay`, with its
//! `prompt`, `detail` and `scroll`; the text layer measures each), a jump looking for its target (`jump`), a search
//! across the transcript (`search`), following live (`follow`), who the
//! visitor is (`visitor`) and the status bar's notices (`status`). Each of
//! those modules also holds the `impl AppState` methods that drive its
//! concern; this file only dispatches inputs. `io` names what goes in and
//! out, `queries` what the view reads. The loop feeds it [`Input`]s and it
//! answers with [`Effect`]s for the loop to carry out; an effect that fails
//! comes back as an input. Tests drive it the same way, without a terminal or
//! a network.

mod archive;
mod detail;
mod figures;
mod filter;
mod follow;
mod history;
mod io;
mod jump;
mod links;
mod overlay;
mod previews;
mod prompt;
mod queries;
mod saving;
mod scroll;
mod search;
mod settings;
mod status;
mod viewport;
mod visitor;

use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::action::Action;
use crate::api::error::ApiError;
use crate::clock::Now;
use crate::conversation::Conversation;
use crate::fetch::{FetchEvent, FetchRequest, LinkPurpose};
use crate::geometry::ScreenLayout;
use crate::numbers::grouped;
use crate::paging::PageSize;
use crate::timefmt::LocalZone;

pub use crate::visitor::VisitorInfo;
pub use detail::Detail;
pub use filter::{Choice as FilterChoice, FilterMenu};
use follow::Polled;
pub use follow::{DEFAULT_POLL_INTERVAL, Follow, MAX_POLL_DELAY};
pub use history::LoadState;
use history::{History, PageOutcome};
pub use io::{Effect, Exit, Failure, Input, Position};
pub use jump::JUMP_EXAMPLES;
use jump::{Jump, Target};
use links::Links;
use overlay::KeyTaken;
pub use overlay::{Field as ProfileField, Overlay, Overlays};
use previews::Previews;
pub use previews::{PREVIEW_ROWS, Picture, PreviewState};
pub use prompt::Prompt;
use saving::Saves;
pub use scroll::Scroll;
use search::Search;
pub use settings::ConversationSettings;
pub use status::{NOTICE_LIFETIME, Notices, Status, StatusKind, StatusTopic};
pub use viewport::{PREFETCH_MESSAGES, Viewport};

/// The whole app state.
#[derive(Debug)]
pub struct AppState {
    user_id: u64,
    conversation: Conversation,
    history: History,
    viewport: Viewport,
    links: Links,
    /// Attachments being saved to files.
    saves: Saves,
    /// Pictures previewed under their messages.
    previews: Previews,
    overlays: Overlays,
    jump: Jump,
    follow: Follow,
    visitor: VisitorInfo,
    search: Search,
    /// The `m` panel's figures, cached per version of the conversation.
    figures: figures::FiguresCache,
    notices: Notices,
    /// Reading and writing the local archive, when the app has one.
    archive: archive::Archive,
    /// The time that came with the latest input, when the loop gives it.
    now: Option<Instant>,
    /// The wall time that came with it: what is written to the archive is dated by it.
    wall: Option<DateTime<Utc>>,
    /// Where diagnostics go, to tell the reader of an error.
    log_file: Option<PathBuf>,
    /// The whole screen's width and height, for the panel beside the conversation.
    screen: (u16, u16),
    exit: Option<Exit>,
    dirty: bool,
}

/// True for the keys that show the selected picture larger: Enter and `i`
/// (on any other message they open the attachment and the details).
fn enlarges(key: crossterm::event::KeyEvent) -> bool {
    use crossterm::event::{KeyCode, KeyModifiers};
    key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        && matches!(key.code, KeyCode::Enter | KeyCode::Char('i'))
}

/// The conversation's part of a `width` x `height` screen, with a side
/// panel `side_panel` columns wide if one is shown: the one place the
/// window's size becomes the view's.
fn view_size(width: u16, height: u16, side_panel: Option<u16>) -> (u16, u16) {
    let view = ScreenLayout::new(width, height, side_panel).conversation;
    (view.width, view.height)
}

impl AppState {
    /// A state for visitor `user_id`, fetching `page_size` messages a page,
    /// on a screen of `width` x `height` cells, asking for nothing more
    /// (see [`ConversationSettings::new`]).
    pub fn new(
        user_id: u64,
        page_size: PageSize,
        zone: LocalZone,
        width: u16,
        height: u16,
    ) -> Self {
        let settings = ConversationSettings::new(page_size, zone);
        Self::from_settings(user_id, &settings, width, height)
    }

    /// A state for visitor `user_id` as `settings` say, on a screen of
    /// `width` x `height` cells.
    pub fn from_settings(
        user_id: u64,
        settings: &ConversationSettings,
        width: u16,
        height: u16,
    ) -> Self {
        let screen = (width, height);
        let (width, height) = view_size(width, height, None);
        let mut history = History::new(settings.page_size);
        history.set_concurrency(usize::from(settings.concurrency));
        history.set_whole_history_size(settings.whole_history_page_size);
        let mut follow = Follow::new(settings.page_size, settings.poll_interval);
        if settings.follow {
            follow.toggle();
        }
        let visitor = if settings.visitor_profile {
            VisitorInfo::Loading
        } else {
            VisitorInfo::NotAsked
        };
        let viewport = Viewport::new(width, height, settings.zone, settings.session_gap);
        if settings.images.is_some() {
            viewport.layout().set_preview_rows(PREVIEW_ROWS);
        }
        Self {
            user_id,
            conversation: Conversation::new(),
            history,
            viewport,
            links: Links::default(),
            saves: Saves::default(),
            previews: Previews::new(settings.images.clone()),
            overlays: Overlays::default(),
            jump: Jump::default(),
            follow,
            visitor,
            search: Search::default(),
            figures: figures::FiguresCache::default(),
            notices: Notices::default(),
            archive: archive::Archive::default(),
            now: None,
            wall: None,
            log_file: settings.log_file.clone(),
            screen,
            exit: None,
            dirty: true,
        }
    }

    /// The first requests: call once when the loop starts.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut effects = if self.archive.is_on() {
            self.read_archive()
        } else {
            self.request_more()
        };
        if self.visitor == VisitorInfo::Loading {
            effects.push(Effect::Fetch(FetchRequest::Visitor(self.user_id)));
        }
        self.keep_offline(effects)
    }

    // ----- what the view reads -----

    /// True if something changed since the last call: the loop redraws only then.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    // ----- what changes it -----

    /// Takes one input that came at `now`: the loop's way in. The instant
    /// lets passing notices fade and looks for new messages fall due; the
    /// wall time dates the sync states written to the archive. Nothing here
    /// reads a clock.
    pub fn handle_at(&mut self, input: Input, now: Now) -> Vec<Effect> {
        self.now = Some(now.instant);
        self.wall = Some(now.wall);
        if self.notices.expire(now.instant) {
            self.dirty = true;
        }
        let mut effects = self.handle(input);
        effects.extend(self.poll_if_due());
        // Whatever moved the view may have brought pictures on screen.
        effects.extend(self.request_previews());
        self.keep_offline(effects)
    }

    /// When the next passing notice fades or the next look for new messages
    /// is due, if either waits: the loop sends an [`Input::Tick`] then, and
    /// needs no timer otherwise.
    pub fn next_deadline(&self) -> Option<Instant> {
        match (self.notices.deadline(), self.follow.deadline()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes one input of any kind, at the time of the last [`Self::handle_at`].
    pub fn handle(&mut self, input: Input) -> Vec<Effect> {
        match input {
            Input::Key(key) => match self.overlays.offer_key(key) {
                KeyTaken::Pass if enlarges(key) && self.picture_selected() => {
                    self.dirty = true;
                    self.show_picture();
                    Vec::new()
                }
                KeyTaken::Pass => Action::from_key(key).map_or_else(Vec::new, |a| self.update(a)),
                KeyTaken::Consumed => {
                    self.dirty = true;
                    // The profile's marked field may have moved off screen.
                    self.fit_overlays();
                    self.follow_filter_menu()
                }
                KeyTaken::Answered(overlay) => self.answered(overlay),
            },
            Input::Mouse(mouse) => {
                Action::from_mouse(mouse).map_or_else(Vec::new, |a| self.update(a))
            }
            Input::Resize { width, height } => self.resize(width, height),
            Input::Fetched(event) => self.apply(event),
            // The loop routes the store's answers here as it routes the fetch task's.
            Input::Stored(event) => self.stored(event),
            Input::Failed(Failure::NoStore) if self.archive.is_on() => self.archive_gone(),
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
            // The visitor list's sync is no conversation's business.
            Input::Tick | Input::Synced(_) => Vec::new(),
        }
    }

    /// The screen is now `width` x `height` cells. What the reader sees stays
    /// in place (see [`Viewport`]); a taller view may need older messages.
    pub fn resize(&mut self, width: u16, height: u16) -> Vec<Effect> {
        self.screen = (width, height);
        // Whether the panel fits beside the conversation may have changed.
        self.fit_overlays();
        self.relayout()
    }

    /// Fits the conversation to the screen left beside the profile panel, if
    /// that changed it; a larger view may need older messages.
    fn relayout(&mut self) -> Vec<Effect> {
        let (width, height) = self.screen;
        let (width, height) = view_size(width, height, self.side_panel());
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
        let profile_on_top = matches!(self.overlays.top(), Some(Overlay::Profile { .. }));
        let detail_on_top = matches!(self.overlays.top(), Some(Overlay::Detail(_)));
        let Some(action) = self.overlays.offer(action) else {
            self.figures.forget_unless_shown(&self.overlays);
            // The profile panel may have closed, giving its column back.
            return self.relayout();
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
            Action::Newest => {
                view.follow_newest(conversation);
                self.follow.seen();
            }
            Action::Jump => self.overlays.open(Overlay::Jump(Prompt::default())),
            Action::Search => self.overlays.open(Overlay::Search(Prompt::default())),
            Action::OlderMatch => self.step_match(true),
            Action::NewerMatch => self.step_match(false),
            Action::PreviousDay | Action::NextDay => {
                let selected = view.selected().and_then(|id| conversation.get(id));
                let target = Target::day_step(selected, self.zone(), action == Action::NextDay);
                self.start_jump(target);
            }
            Action::OpenAttachment if profile_on_top => effects.extend(self.open_last_url()),
            Action::OpenAttachment => effects.extend(self.fetch_link(LinkPurpose::Open)),
            Action::CopyLink => effects.extend(self.fetch_link(LinkPurpose::Copy)),
            Action::SaveAttachment => self.ask_save_path(),
            Action::CopyText if detail_on_top => effects.extend(self.copy_json()),
            Action::CopyText if profile_on_top => effects.extend(self.copy_profile_value()),
            Action::CopyText => effects.extend(self.copy_text()),
            Action::ShowDetail => effects.extend(self.show_detail()),
            Action::Retry => effects.extend(self.retry()),
            Action::Reread => self.reread(),
            Action::ToggleFollow => effects.extend(self.toggle_follow()),
            Action::ToggleProfile => {
                // Fitting it to the screen decides whether it goes beside.
                self.open_overlay(Overlay::Profile {
                    scroll: Scroll::default(),
                    beside: false,
                    field: ProfileField::default(),
                });
                effects.extend(self.relayout());
            }
            Action::ToggleFigures => {
                self.open_overlay(Overlay::Figures {
                    scroll: Scroll::default(),
                    beside: false,
                });
                effects.extend(self.relayout());
            }
            Action::Redraw => effects.push(Effect::ClearScreen),
            Action::Suspend => effects.push(Effect::Suspend),
            Action::ToggleHelp => self.open_overlay(Overlay::Help(Scroll::default())),
            Action::ToggleFilter => self.open_filter_menu(),
            Action::ShowError => match self.notices.last_error() {
                Some(error) => self.open_overlay(Overlay::Error {
                    text: error.text.clone(),
                    scroll: Scroll::default(),
                }),
                None => self.set_status(Status::info("no error so far")),
            },
            Action::Close => self.close(),
            Action::Quit => self.exit = Some(Exit::Quit),
            // The screen above the conversation takes it when there is a
            // list to go back to; a conversation opened by id has none.
            Action::BackToList => {}
        }
        if self.follow.unseen() > 0 && self.sees_newest() {
            self.follow.seen();
        }
        effects.extend(self.request_more());
        effects
    }

    /// `Esc` with nothing drawn over the conversation: stops what is still
    /// loading for `g` or a search (a jump stopped before) and says so,
    /// else dismisses the error in the status bar.
    fn close(&mut self) {
        // A failed page is not loading: Esc is for its error then.
        let loading = !self.history.complete()
            && !matches!(self.history.load_state(), LoadState::Failed { .. });
        if self.viewport.stop_following_oldest() && loading {
            let loaded = grouped(self.conversation.len() as u64);
            self.set_status(Status::info(format!(
                "stopped loading older messages: {loaded} loaded (g loads the rest)"
            )));
        } else if self.search.clear() {
            if loading {
                self.set_status(Status::info("search ended: stopped loading older messages"));
            }
        } else {
            self.notices.dismiss_error();
        }
    }

    /// Takes one answer from the fetch task.
    pub fn apply(&mut self, event: FetchEvent) -> Vec<Effect> {
        self.dirty = true;
        self.viewport.keep_place();
        // What a look for new messages brought, for the archive.
        let mut followed = Vec::new();
        match event {
            FetchEvent::Page { request, result } if self.archive.sent(request) => {
                return self.check_answered(request, result);
            }
            FetchEvent::Page { request, result } => match self.history.answer(request, result) {
                // An answer to a request we no longer wait for.
                None => return Vec::new(),
                Some(PageOutcome::Arrived(messages)) => {
                    self.show(messages);
                    self.say_why_paging_stopped();
                    self.advance_jump();
                    self.advance_search();
                }
                // A page fetched ahead: room for the next request.
                Some(PageOutcome::Ahead) => {}
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
            FetchEvent::Saving { id, progress } => {
                self.save_progressed(id, progress);
                return Vec::new();
            }
            FetchEvent::Saved { request, result } => {
                self.saved(&request, result);
                return Vec::new();
            }
            FetchEvent::Previewed { id, result } => {
                self.previewed(id, result);
                return Vec::new();
            }
            FetchEvent::Polled {
                request,
                result,
                checked_at,
            } => {
                let order = self.history.order();
                let polled = self.follow.answer(
                    request,
                    result,
                    checked_at,
                    self.now,
                    order,
                    &self.conversation,
                );
                match polled {
                    None => return Vec::new(),
                    Some(Polled::Arrived { fresh, next, fewer }) => {
                        self.notices.settle(StatusTopic::Follow);
                        let archived = fresh.clone();
                        self.show_arrivals(fresh);
                        followed.extend(self.archive_followed(archived));
                        if let Some(fewer) = fewer {
                            self.say_the_list_shrank(fewer);
                        }
                        if let Some(next) = next {
                            followed.push(Effect::Fetch(FetchRequest::Poll(next)));
                            return followed;
                        }
                    }
                    Some(Polled::Failed { reason, retry_in }) => {
                        self.set_status(Status::about(
                            StatusTopic::Follow,
                            StatusKind::Error,
                            format!(
                                "new messages: {reason}; next check in {} s",
                                retry_in.as_secs()
                            ),
                        ));
                        return Vec::new();
                    }
                }
            }
            FetchEvent::Visitor { id, result } => {
                let archived = result.as_ref().ok().and_then(|v| self.archive_visitor(v));
                if !self.visitor.arrived(self.user_id, id, result) {
                    return Vec::new();
                }
                let mut effects: Vec<Effect> = archived.into_iter().collect();
                effects.extend(self.request_more());
                return effects;
            }
            FetchEvent::Retrying { request, notice } => {
                if notice.is_slow_down() {
                    self.history.slow_down();
                }
                let (what, topic) = match request {
                    FetchRequest::Page(_) => ("messages", StatusTopic::Paging),
                    FetchRequest::Poll(_) => ("new messages", StatusTopic::Follow),
                    FetchRequest::Visitor(_) => ("visitor", StatusTopic::Other),
                    FetchRequest::Message { .. } => ("link", StatusTopic::Link),
                    FetchRequest::Save(_) => ("saving", StatusTopic::Link),
                    FetchRequest::Preview(_) => ("preview", StatusTopic::Link),
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
        let mut effects = followed;
        effects.extend(self.archive_arrivals());
        effects.extend(self.request_more());
        effects
    }

    fn set_status(&mut self, status: Status) {
        self.notices.post(status, self.now);
        self.dirty = true;
    }

    /// The wall time of the latest input given by [`Self::handle_at`], the
    /// epoch before any.
    fn wall_time(&self) -> DateTime<Utc> {
        // Only tests write the epoch: the loop's fetch answers all come with a time.
        self.wall.unwrap_or_default()
    }

    /// The time zone messages are shown in.
    fn zone(&self) -> LocalZone {
        *self.viewport.layout().zone()
    }
}
