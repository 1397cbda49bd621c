//! What is drawn over the conversation and takes the reader's actions first:
//! a stack, the top overlay last. Each overlay says what it does with an
//! action; what it passes on reaches the conversation below. An overlay that
//! takes text (a prompt) sees each key before the key map does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::detail::Detail;
use super::filter::{FilterMenu, MenuKey};
use super::prompt::{Edit, Prompt};
use super::{AppState, Effect, Scroll, Status};
use crate::action::Action;
use crate::archive::ArchiveError;
use crate::archive::task::StoreRequest;
use crate::conversation::Conversation;
use crate::geometry::ScreenLayout;
use crate::model::MessageId;
use crate::text::figures_panel::{self, PanelText};
use crate::text::{detail, error_detail, help, profile};
use crate::timefmt::LocalZone;
use crate::visitor::VisitorInfo;

/// One overlay. An overlay with state of its own (a prompt's text, say)
/// keeps it in its variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// Every key and what it does.
    Help(Scroll),
    /// The last error in full (as it was when opened), and where the log is.
    Error { text: String, scroll: Scroll },
    /// The prompt for a date or a message id to jump to.
    Jump(Prompt),
    /// The prompt for text to search for.
    Search(Prompt),
    /// The prompt for the file message `id`'s attachment is saved to.
    Save { id: MessageId, prompt: Prompt },
    /// A save found `path` taken: `y` replaces it, `n` goes back to the
    /// prompt with `free`, the first numbered name not taken. `replace`
    /// holds the answer.
    Replace {
        id: MessageId,
        path: PathBuf,
        free: PathBuf,
        replace: bool,
    },
    /// Every field of one message, and its JSON.
    Detail(Detail),
    /// Who the visitor is. `beside`: in its own column (a wide screen), where
    /// the conversation keeps its keys; else a box over it that scrolls.
    /// `field` is the one marked (↑↓ move it, `c` copies its value).
    Profile {
        scroll: Scroll,
        beside: bool,
        field: Field,
    },
    /// The `F` menu: which messages the conversation shows.
    Filter(FilterMenu),
    /// Message `id`'s picture, as large as the conversation's part of the screen.
    Picture(MessageId),
    /// The conversation's figures and sessions (`m`). `beside`: in its own
    /// column (a wide screen), where the conversation keeps its keys; else
    /// a box over it that scrolls.
    Figures { scroll: Scroll, beside: bool },
}

/// Why a message's JSON cannot be shown once the archive that holds it
/// stopped answering.
const ARCHIVE_GONE: &str = "the archive that holds it stopped answering";

/// What the top overlay did with a key, before the key map saw it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum KeyTaken {
    /// Not for it: the key map turns the key into an action.
    Pass,
    /// Taken (the overlay may have closed).
    Consumed,
    /// Taken, and the overlay closed with an answer, for the state to act on.
    Answered(Overlay),
}

/// The field marked in the profile panel, and how many there are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Field {
    index: usize,
    count: usize,
}

impl Field {
    /// The marked field's place among the fields.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Moves the mark one field down or up, staying within the fields.
    fn step(&mut self, down: bool) {
        self.index = if down {
            (self.index + 1).min(self.count.saturating_sub(1))
        } else {
            self.index.saturating_sub(1)
        };
    }
}

/// What an overlay does with an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Response {
    /// Taken (or swallowed): nothing below sees it.
    Consumed,
    /// Taken, and the overlay closes.
    Close,
    /// Taken, and the overlay closes with its answer.
    Answer,
    /// Not for the overlay: the conversation below handles it.
    Pass,
}

/// What an overlay may need to know to fit its text to the screen.
struct Room<'a> {
    /// The conversation's part of the screen, which a box over it covers.
    area: Rect,
    /// The whole screen's width and height, for a panel beside the conversation.
    screen: (u16, u16),
    zone: LocalZone,
    log_file: Option<&'a Path>,
    conversation: &'a Conversation,
    visitor: &'a VisitorInfo,
    /// The `m` panel's text, when it is shown (computing it is a pass over
    /// the conversation, the first time).
    figures: Option<PanelText<'a>>,
}

impl Overlay {
    /// Takes how much of its text the screen has room for: the one place
    /// each overlay's extent is asked for (the text layer measures it).
    fn fit(&mut self, room: &Room<'_>) {
        let area = room.area;
        match self {
            Overlay::Help(scroll) => {
                let (rows, page) = help::extent(area);
                scroll.fit(rows, page);
            }
            Overlay::Error { text, scroll } => {
                let (rows, page) = error_detail::extent(text, room.log_file, area);
                scroll.fit(rows, page);
            }
            Overlay::Detail(detail) => {
                let content = detail::content_area(area);
                let lines = room.conversation.get(detail.id()).map_or(0, |message| {
                    detail::detail_lines(message, detail.json(message), room.zone, content.width)
                        .len()
                });
                detail.fit(lines, usize::from(content.height));
            }
            Overlay::Profile {
                scroll,
                beside,
                field,
            } => {
                let (width, height) = room.screen;
                *beside = profile::beside(width);
                let panel = if *beside {
                    ScreenLayout::new(width, height, Some(profile::PANEL_WIDTH)).panel
                } else {
                    area
                };
                field.count = profile::fields(room.visitor, room.zone).len();
                field.index = field.index.min(field.count.saturating_sub(1));
                let (rows, page, (first, end)) =
                    profile::extent(room.visitor, room.zone, panel, *beside, field.index);
                scroll.fit(rows, page);
                scroll.show(first, end);
            }
            Overlay::Figures { scroll, beside } => {
                let (width, height) = room.screen;
                *beside = figures_panel::beside(width);
                let panel = if *beside {
                    ScreenLayout::new(width, height, Some(profile::PANEL_WIDTH)).panel
                } else {
                    area
                };
                if let Some(text) = &room.figures {
                    let (rows, page) = figures_panel::extent(text, panel, *beside);
                    scroll.fit(rows, page);
                }
            }
            Overlay::Jump(_)
            | Overlay::Search(_)
            | Overlay::Save { .. }
            | Overlay::Replace { .. }
            | Overlay::Filter(_)
            | Overlay::Picture(_) => {}
        }
    }

    /// The width of the column this overlay takes beside the conversation,
    /// if it is drawn there rather than over it.
    pub fn side_panel(&self) -> Option<u16> {
        match self {
            Overlay::Profile { beside: true, .. } | Overlay::Figures { beside: true, .. } => {
                Some(profile::PANEL_WIDTH)
            }
            _ => None,
        }
    }

    fn respond(&mut self, action: Action) -> Response {
        match self {
            Overlay::Help(scroll) => match action {
                Action::ToggleHelp | Action::Close => Response::Close,
                Action::Quit | Action::Redraw | Action::Suspend => Response::Pass,
                _ => {
                    scroll.take(action);
                    Response::Consumed
                }
            },
            Overlay::Error { scroll, .. } => match action {
                Action::ShowError | Action::Close => Response::Close,
                Action::Quit | Action::Redraw | Action::Suspend => Response::Pass,
                _ => {
                    scroll.take(action);
                    Response::Consumed
                }
            },
            // Keys reach it first (see `take_key`): only what they passed on,
            // and the mouse, come here.
            Overlay::Jump(_)
            | Overlay::Search(_)
            | Overlay::Save { .. }
            | Overlay::Replace { .. }
            | Overlay::Filter(_) => match action {
                Action::Quit | Action::Redraw | Action::Suspend => Response::Pass,
                _ => Response::Consumed,
            },
            Overlay::Profile { scroll, beside, .. } => match action {
                Action::ToggleProfile | Action::Close => Response::Close,
                // `o` opens the visitor's last URL and `c` copies the marked
                // value: the state sees the profile on top.
                Action::OpenAttachment
                | Action::CopyText
                | Action::ToggleHelp
                | Action::ToggleFollow
                | Action::Retry
                | Action::Quit
                | Action::Redraw
                | Action::Suspend => Response::Pass,
                _ if *beside => Response::Pass,
                _ => {
                    scroll.take(action);
                    Response::Consumed
                }
            },
            // Enter (open) and `i` (details) opened it; they close it too.
            Overlay::Picture(_) => match action {
                Action::OpenAttachment | Action::ShowDetail | Action::Close => Response::Close,
                Action::ToggleHelp | Action::Quit | Action::Redraw | Action::Suspend => {
                    Response::Pass
                }
                _ => Response::Consumed,
            },
            Overlay::Figures { scroll, beside } => match action {
                Action::ToggleFigures | Action::Close => Response::Close,
                Action::ToggleHelp
                | Action::ToggleFollow
                | Action::Retry
                | Action::Quit
                | Action::Redraw
                | Action::Suspend => Response::Pass,
                _ if *beside => Response::Pass,
                _ => {
                    scroll.take(action);
                    Response::Consumed
                }
            },
            Overlay::Detail(detail) => match action {
                Action::ShowDetail | Action::Close => Response::Close,
                // They act on the selected message, the one shown.
                Action::OpenAttachment
                | Action::CopyLink
                | Action::SaveAttachment
                | Action::CopyText
                | Action::ToggleHelp
                | Action::Retry
                | Action::Quit
                | Action::Redraw
                | Action::Suspend => Response::Pass,
                _ => {
                    detail.scroll_for(action);
                    Response::Consumed
                }
            },
        }
    }

    /// Takes a key before the key map does; only prompts want keys raw.
    fn take_key(&mut self, key: KeyEvent) -> Response {
        match self {
            Overlay::Jump(prompt) | Overlay::Search(prompt) | Overlay::Save { prompt, .. } => {
                match prompt.edit(key) {
                    Edit::Taken => Response::Consumed,
                    Edit::Cancelled => Response::Close,
                    Edit::Submitted => Response::Answer,
                    Edit::Pass => Response::Pass,
                }
            }
            Overlay::Replace { replace, .. } if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                match key.code {
                    KeyCode::Char('y' | 'Y') => {
                        *replace = true;
                        Response::Answer
                    }
                    KeyCode::Char('n' | 'N') => Response::Answer,
                    KeyCode::Esc => Response::Close,
                    // Nothing else answers the question, nor reaches the conversation.
                    _ => Response::Consumed,
                }
            }
            // The arrows move between the fields, wherever the panel is;
            // `j` `k` keep scrolling (or, beside, moving the conversation).
            Overlay::Profile { field, .. } if key.modifiers.is_empty() => match key.code {
                KeyCode::Up | KeyCode::Down => {
                    field.step(key.code == KeyCode::Down);
                    Response::Consumed
                }
                _ => Response::Pass,
            },
            Overlay::Filter(menu) => match menu.take_key(key) {
                MenuKey::Taken => Response::Consumed,
                MenuKey::Close => Response::Close,
                MenuKey::Pass => Response::Pass,
            },
            Overlay::Help(_)
            | Overlay::Error { .. }
            | Overlay::Detail(_)
            | Overlay::Replace { .. }
            | Overlay::Profile { .. }
            | Overlay::Picture(_)
            | Overlay::Figures { .. } => Response::Pass,
        }
    }
}

/// The overlays shown, bottom first.
#[derive(Debug, Default)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    /// The overlays shown, bottom first (the order to draw them in).
    pub fn iter(&self) -> impl Iterator<Item = &Overlay> {
        self.0.iter()
    }

    /// True if `overlay` is shown.
    pub fn contains(&self, overlay: &Overlay) -> bool {
        self.0.contains(overlay)
    }

    /// The overlays shown, bottom first, to fit them to the screen.
    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut Overlay> {
        self.0.iter_mut()
    }

    /// The overlay on top, if any.
    pub fn top(&self) -> Option<&Overlay> {
        self.0.last()
    }

    /// Shows `overlay` on top of the others.
    pub(super) fn open(&mut self, overlay: Overlay) {
        self.0.push(overlay);
    }

    /// Offers a key press to the top overlay, before the key map sees it.
    pub(super) fn offer_key(&mut self, key: KeyEvent) -> KeyTaken {
        let Some(top) = self.0.last_mut() else {
            return KeyTaken::Pass;
        };
        match top.take_key(key) {
            Response::Pass => KeyTaken::Pass,
            Response::Consumed => KeyTaken::Consumed,
            Response::Close => {
                self.0.pop();
                KeyTaken::Consumed
            }
            Response::Answer => self.0.pop().map_or(KeyTaken::Consumed, KeyTaken::Answered),
        }
    }

    /// Offers `action` to the top overlay. Returns the action if it passed
    /// it on (or no overlay is shown), for the conversation to handle.
    pub(super) fn offer(&mut self, action: Action) -> Option<Action> {
        let Some(top) = self.0.last_mut() else {
            return Some(action);
        };
        match top.respond(action) {
            Response::Consumed => None,
            Response::Close | Response::Answer => {
                self.0.pop();
                None
            }
            Response::Pass => Some(action),
        }
    }
}

/// Overlays, as the app state opens and fits them.
impl AppState {
    pub(super) fn open_overlay(&mut self, overlay: Overlay) {
        self.overlays.open(overlay);
        self.fit_overlays();
    }

    /// Tells each overlay how much of its text the screen has room for.
    pub(super) fn fit_overlays(&mut self) {
        let shown = self
            .overlays
            .iter()
            .any(|o| matches!(o, Overlay::Figures { .. }));
        let gap = self.viewport.session_gap();
        let figures = shown.then(|| self.figures.get(&self.conversation, gap));
        let room = Room {
            area: self.viewport.area(),
            screen: self.screen,
            zone: self.zone(),
            log_file: self.log_file.as_deref(),
            conversation: &self.conversation,
            visitor: &self.visitor,
            figures: figures.as_deref().map(|figures| PanelText {
                figures,
                zone: self.viewport.zone(),
                // What fitting counts, the panel's rows, does not depend on it.
                now: self.wall_time(),
                whole_history: self.reached_beginning(),
            }),
        };
        for overlay in self.overlays.iter_mut() {
            overlay.fit(&room);
        }
    }

    /// An overlay closed with an answer: the prompt's owner acts on it.
    pub(super) fn answered(&mut self, overlay: Overlay) -> Vec<Effect> {
        self.dirty = true;
        let mut effects = Vec::new();
        match overlay {
            Overlay::Jump(prompt) => self.answer_jump(prompt.text()),
            Overlay::Search(prompt) => self.start_search(prompt.text()),
            Overlay::Save { id, prompt } => {
                effects.extend(self.start_save(id, prompt.text(), false));
            }
            Overlay::Replace {
                id,
                path,
                free,
                replace,
            } => effects.extend(self.answer_replace(id, &path, &free, replace)),
            // Only prompts close with an answer.
            Overlay::Help(_)
            | Overlay::Error { .. }
            | Overlay::Detail(_)
            | Overlay::Profile { .. }
            | Overlay::Filter(_)
            | Overlay::Picture(_)
            | Overlay::Figures { .. } => {}
        }
        effects.extend(self.request_more());
        effects
    }

    /// Opens the selected message's details; the JSON of a message that
    /// holds none is asked of the store.
    pub(super) fn show_detail(&mut self) -> Option<Effect> {
        let Some(id) = self.viewport.selected() else {
            self.set_status(Status::info("no message selected"));
            return None;
        };
        let mut detail = Detail::new(id);
        let held = self
            .conversation
            .get(id)
            .is_none_or(|message| message.raw_json.is_some());
        let read = if held {
            None
        } else if self.archive.is_on() {
            Some(Effect::Store(StoreRequest::Json {
                visitor: self.user_id,
                id,
            }))
        } else {
            detail.json_unavailable(ARCHIVE_GONE);
            None
        };
        self.open_overlay(Overlay::Detail(detail));
        read
    }

    /// The store's answer for message `id`'s JSON, to the details showing it.
    pub(super) fn json_read(
        &mut self,
        id: MessageId,
        result: &Result<Option<Arc<str>>, ArchiveError>,
    ) {
        for overlay in self.overlays.iter_mut() {
            if let Overlay::Detail(detail) = overlay
                && detail.id() == id
            {
                detail.json_read(result.clone());
            }
        }
        self.dirty = true;
        self.fit_overlays();
    }

    /// The store stopped: details still reading say they cannot show the JSON.
    pub(super) fn json_unreadable(&mut self) {
        for overlay in self.overlays.iter_mut() {
            if let Overlay::Detail(detail) = overlay
                && detail.reading()
            {
                detail.json_unavailable(ARCHIVE_GONE);
            }
        }
        self.fit_overlays();
    }
}
