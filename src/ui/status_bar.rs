//! The one-line status bar, in parts set apart by " │ ": whose conversation,
//! where the selected message stands and when it was written, what is still
//! loading, and the notice and the error of the moment. When the line is too
//! short, the parts that matter least give way first, so a notice is read
//! whole where it can be; `!` shows an error that was cut.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::numbers::grouped;
use crate::sanitize::sanitize_line;
use crate::state::{AppState, LoadState, Position};
use crate::ui::color::Colors;
use crate::visitor::Visitor;
use crate::wrap::{display_width, truncate};

/// Between two parts of the bar.
pub const SEPARATOR: &str = " │ ";
/// At the right end, when no error is shown.
const HINT: &str = "? help";
/// At the right end while an error is shown: it may be cut, `!` shows it all.
const HINT_WITH_ERROR: &str = "! error · ? help";
/// The widest a visitor's name is shown: a pasted essay is not a name.
const VISITOR_NAME_WIDTH: usize = 32;
/// Before an error, so it reads as one without colour.
const ERROR_MARKER: &str = "✗ ";

/// The status bar, drawn from the app state.
#[derive(Debug)]
pub struct StatusBar<'a> {
    state: &'a AppState,
    colors: Colors,
}

/// The narrowest a visitor's name is shortened to before the date gives way.
const VISITOR_NAME_MIN_WIDTH: usize = 8;

/// What a part of the bar is, which decides its look and when it gives way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    // In the order they give way (the visitor's name is shortened after
    // the load count goes, see `fit`).
    Loaded,
    Date,
    Following,
    Activity,
    /// Who is on screen: never dropped, the name shortened, the id kept.
    Visitor,
    Position,
    /// The `F` filter, and how many loaded messages it keeps.
    Filter,
    /// New messages below the view: `G` shows them.
    Unseen,
    /// A search in progress, or its match count.
    Search,
    Info,
    Error,
}

struct Part {
    role: Role,
    text: String,
}

/// The visitor part: their name, if they gave one, and their id.
struct Who {
    name: Option<String>,
    id: u64,
}

impl Who {
    /// "Ana Ortega · visitor 6107", the name cut to `name_width` columns;
    /// "visitor 6107" with no name or no room for one.
    fn text(&self, name_width: usize) -> String {
        match &self.name {
            Some(name) if name_width > 0 => {
                format!("{} · visitor {}", truncate(name, name_width), self.id)
            }
            _ => format!("visitor {}", self.id),
        }
    }

    fn name_width(&self) -> usize {
        self.name.as_deref().map_or(0, display_width)
    }
}

impl<'a> StatusBar<'a> {
    /// A status bar showing `state`, in colour.
    pub fn new(state: &'a AppState) -> Self {
        Self {
            state,
            colors: Colors::On,
        }
    }

    /// The same bar drawn with `colors`.
    #[must_use]
    pub fn with_colors(mut self, colors: Colors) -> Self {
        self.colors = colors;
        self
    }

    /// Who is on screen.
    fn who(&self) -> Who {
        Who {
            name: self.state.visitor().known().and_then(visitor_name),
            id: self.state.user_id(),
        }
    }

    /// Every part the bar would show given room, left to right; the
    /// visitor's part first, its text written once the room is known.
    fn parts(&self) -> Vec<Part> {
        let state = self.state;
        let mut parts = vec![Part {
            role: Role::Visitor,
            text: String::new(),
        }];
        let loaded = state.conversation().len();
        match (state.total(), state.position()) {
            (None, _) => parts.push(Part {
                role: Role::Position,
                text: "connecting…".to_owned(),
            }),
            // Through a filter: among the kept ones, which its part counts.
            (Some(_), Some(Position::InLoaded { number, loaded }))
                if state.conversation().filter().is_active() =>
            {
                parts.push(Part {
                    role: Role::Position,
                    text: format!("{} of {}", grouped(number as u64), grouped(loaded as u64)),
                });
            }
            (Some(_), Some(Position::InLoaded { number, loaded })) => parts.push(Part {
                role: Role::Position,
                text: format!(
                    "{} of {} loaded",
                    grouped(number as u64),
                    grouped(loaded as u64)
                ),
            }),
            (Some(total), position) => {
                if let Some(Position::InHistory { number, total }) = position {
                    parts.push(Part {
                        role: Role::Position,
                        text: format!("{} of {}", grouped(number), grouped(total)),
                    });
                }
                if (loaded as u64) < total {
                    parts.push(Part {
                        role: Role::Loaded,
                        text: format!("{} loaded", grouped(loaded as u64)),
                    });
                }
            }
        }
        let selected = state.selected().and_then(|id| state.conversation().get(id));
        if let Some(created) = selected.and_then(|message| message.created_at) {
            // Placed before the load count: where and when belong together.
            let at = parts
                .iter()
                .position(|p| p.role == Role::Loaded)
                .unwrap_or(parts.len());
            parts.insert(
                at,
                Part {
                    role: Role::Date,
                    text: state.viewport().zone().full_timestamp(created),
                },
            );
        }
        let activity = if let Some(saving) = state.saving() {
            Some(saving)
        } else if state.fetching_link() {
            Some("fetching link…".to_owned())
        } else {
            match state.load_state() {
                LoadState::Loading(_) if state.total().is_some() => Some("loading…".to_owned()),
                _ => None,
            }
        };
        if let Some(text) = activity {
            parts.push(Part {
                role: Role::Activity,
                text,
            });
        }
        if let Some(note) = state.offline_note() {
            parts.push(Part {
                role: Role::Following,
                text: note.to_owned(),
            });
        }
        let follow = state.follow();
        if follow.is_on() {
            let text = match follow.checked_at() {
                Some(at) => format!(
                    "following · checked {}",
                    state.viewport().zone().zoned(at).format("%H:%M:%S")
                ),
                None => "following".to_owned(),
            };
            parts.push(Part {
                role: Role::Following,
                text,
            });
        }
        match follow.unseen() {
            0 => {}
            1 => parts.push(Part {
                role: Role::Unseen,
                text: "↓ 1 new message".to_owned(),
            }),
            count => parts.push(Part {
                role: Role::Unseen,
                text: format!("↓ {} new messages", grouped(count as u64)),
            }),
        }
        if let Some(filter) = state.filter_status() {
            parts.push(Part {
                role: Role::Filter,
                text: filter,
            });
        }
        if let Some(search) = state.search_status() {
            parts.push(Part {
                role: Role::Search,
                text: search,
            });
        }
        let notices = state.notices();
        if let Some(info) = notices.info() {
            parts.push(Part {
                role: Role::Info,
                text: info.text.clone(),
            });
        }
        if let Some(error) = notices.error() {
            parts.push(Part {
                role: Role::Error,
                text: format!("{ERROR_MARKER}{}", error.text),
            });
        }
        parts
    }

    fn style(&self, role: Role) -> Style {
        let base = self.base();
        match (self.colors, role) {
            (Colors::On, Role::Unseen) => base.fg(Color::LightGreen).add_modifier(Modifier::BOLD),
            (Colors::Off, Role::Unseen) => base.add_modifier(Modifier::BOLD),
            (_, Role::Position | Role::Search) => base.add_modifier(Modifier::BOLD),
            (Colors::On, Role::Filter) => base.fg(Color::LightCyan),
            (Colors::On, Role::Info) => base.fg(Color::Yellow),
            (Colors::On, Role::Error) => base.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            (Colors::Off, Role::Error) => base.add_modifier(Modifier::BOLD),
            _ => base,
        }
    }

    /// The bar's own look. Without colour, reverse video keeps it apart from
    /// the conversation (NO_COLOR allows that).
    fn base(&self) -> Style {
        match self.colors {
            Colors::On => Style::default().bg(Color::DarkGray).fg(Color::White),
            Colors::Off => Style::default().add_modifier(Modifier::REVERSED),
        }
    }
}

/// The width of `parts` set apart by separators, with a blank at each end.
fn line_width(parts: &[Part]) -> usize {
    let text: usize = parts.iter().map(|p| display_width(&p.text)).sum();
    text + display_width(SEPARATOR) * parts.len().saturating_sub(1) + 2
}

/// Makes the parts fit in `room`. Who is on screen gives way last: the
/// load count goes first, then the visitor's name is shortened (down to
/// [`VISITOR_NAME_MIN_WIDTH`]), then the date, following and activity go,
/// then the name; the visitor's id and where the reader is always stay.
/// A notice is what the reader just asked about, so it is shown whole while
/// any of that can give way; what still does not fit is cut at the end.
fn fit(mut parts: Vec<Part>, who: &Who, room: usize) -> Vec<Part> {
    let full = who.name_width();
    let set_who = |parts: &mut Vec<Part>, name_width: usize| {
        if let Some(part) = parts.iter_mut().find(|p| p.role == Role::Visitor) {
            part.text = who.text(name_width);
        }
    };
    loop {
        set_who(&mut parts, full);
        let over = line_width(&parts).saturating_sub(room);
        if over == 0 {
            return parts;
        }
        let Some(least) = parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role < Role::Visitor)
            .min_by_key(|(_, p)| p.role)
            .map(|(i, _)| i)
        else {
            break;
        };
        // Past the load count, the name is shortened before anything goes.
        if parts[least].role > Role::Loaded {
            let shortest = VISITOR_NAME_MIN_WIDTH.min(full);
            if full.saturating_sub(over) >= shortest && full > 0 {
                set_who(&mut parts, full - over);
                return parts;
            }
        }
        parts.remove(least);
    }
    // Nothing else can go: the name, then what does not fit is cut.
    set_who(&mut parts, 0);
    parts
}

/// The visitor's name (else e-mail) as the screen may show it: on one
/// line, sanitized, cut short; none if they gave neither.
fn visitor_name(visitor: &Visitor) -> Option<String> {
    let name = sanitize_line(&visitor.display_name());
    let name = name.trim();
    // `display_name` falls back to "visitor {id}", which the bar says anyway.
    if name.is_empty() || name == format!("visitor {}", visitor.id) {
        return None;
    }
    Some(truncate(name, VISITOR_NAME_WIDTH))
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let base = self.base();
        buf.set_style(area, base);
        let width = usize::from(area.width);
        let hint = if self.state.notices().error().is_some() {
            HINT_WITH_ERROR
        } else {
            HINT
        };
        let hint_width = display_width(hint) + 2;
        // The hint only where it leaves the parts a fair share of the line.
        let show_hint = width >= hint_width * 3;
        let room = if show_hint { width - hint_width } else { width };
        let parts = fit(self.parts(), &self.who(), room);

        let mut pieces = vec![(" ".to_owned(), base)];
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 {
                pieces.push((SEPARATOR.to_owned(), base));
            }
            let style = self.style(part.role);
            pieces.push((part.text, style));
        }
        // Cut at `room`, each piece keeping its style.
        let mut spans = Vec::new();
        let mut used = 0;
        for (text, style) in pieces {
            let shown = truncate(&text, room - used);
            let cut = shown != text;
            if cut && shown.is_empty() {
                // No separator before a part with no room at all.
                if spans.last().is_some_and(|s: &Span| s.content == SEPARATOR) {
                    spans.pop();
                }
                break;
            }
            used += display_width(&shown);
            spans.push(Span::styled(shown, style));
            if cut {
                break;
            }
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
        if show_hint {
            let x = area.x + area.width - u16::try_from(hint_width).unwrap_or(area.width);
            buf.set_string(x, area.y, format!(" {hint} "), base);
        }
    }
}
