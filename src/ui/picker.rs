//! The visitor picker's screen: the filter line, one row per shown visitor,
//! and a status line. Pure: it borrows the picker's state and the time
//! "last seen" is counted from.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell as TableCell, Paragraph, Row, Table, TableState, Widget, Wrap};
use unicode_segmentation::UnicodeSegmentation;

mod hits;

use super::color::{self, Colors};
use super::text_box::TextBox;
use crate::keymap::picker_key_rows;
use crate::numbers::grouped;
use crate::picker::{
    Cell, Focus, Hits, ListLoad, MAX_VISITORS, PickerState, Prompt, RowText, is_online, last_seen,
    waiting_words,
};
use crate::sanitize::sanitize_line;
use crate::wrap::{ELLIPSIS, display_width, truncate};

/// Below this width the e-mail column is left out.
const EMAIL_MIN_WIDTH: u16 = 70;
/// Below this width the last-page column is left out.
const PAGE_MIN_WIDTH: u16 = 50;
/// Columns between two columns.
const SPACING: usize = 2;
/// The selected row's mark; every row leaves room for it.
const MARK: &str = "▶ ";
const MARK_WIDTH: usize = 2;
/// The prompt before the filter.
const PROMPT: &str = "Find a visitor: ";
/// The prompt before the search across visitors.
const MESSAGES_PROMPT: &str = "Search all messages: ";
/// Key hints on the status line, the longest that fits: the last, the one
/// that leads to the others, stays wherever nothing else fits.
const HINTS: &[&str] = &[
    "↑↓ move · Enter open · Tab messages · w waiting · Esc clear/quit · F1 help",
    "↑↓ move · Enter open · Tab messages · Esc clear/quit · F1 help",
    "↑↓ move · Enter open · Esc clear/quit · F1 help",
    HELP_HINT,
];
/// Key hints on the status line of the message search.
const MESSAGES_HINTS: &[&str] = &[
    "↑↓ move · Enter open · Tab visitors · Esc clear/leave · F1 help",
    "Enter open · Tab visitors · F1 help",
    HELP_HINT,
];
/// Key hints once `↓` moved the message search's keys to the hits.
const HITS_HINTS: &[&str] = &[
    "↑↓ move · Enter open · s sync · type to search · Esc clear/leave · F1 help",
    "Enter open · s sync · F1 help",
    HELP_HINT,
];
/// The hint while only the waiting visitors are shown.
const ONLY_WAITING_HINT: &str = "w shows everyone";
/// The colour of "waiting": someone is owed an answer (as in the figures panel).
const WAITING: Color = Color::Yellow;
/// The hint kept where the others do not fit.
const HELP_HINT: &str = "F1 help";

/// Draws the picker over the whole frame, "last seen" counted from `now`.
pub fn draw(frame: &mut Frame, picker: &PickerState, now: DateTime<Utc>, colors: Colors) {
    let [filter, list, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    let (prompt, typed) = match picker.prompt() {
        Prompt::Visitors => (PROMPT, sanitize_line(picker.query())),
        Prompt::Messages => (MESSAGES_PROMPT, sanitize_line(picker.message_query())),
    };
    let filter_line = Line::from(vec![
        Span::styled(prompt, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(typed.clone()),
    ]);
    frame.render_widget(filter_line, filter);
    let cursor_x = filter
        .x
        .saturating_add(
            u16::try_from(display_width(prompt) + display_width(&typed)).unwrap_or(u16::MAX),
        )
        .min(filter.right().saturating_sub(1));
    // The cursor stays in the prompt while keys type there.
    if picker.prompt() == Prompt::Visitors || picker.message_focus() == Focus::Query {
        frame.set_cursor_position((cursor_x, filter.y));
    }
    if picker.help_shown() {
        // The rows are left out, not drawn under the box: a wide character
        // cut by the box's edge would hide its border.
        help_box().render(list, frame.buffer_mut());
    } else if picker.prompt() == Prompt::Messages {
        hits::HitList { picker }.render(list, frame.buffer_mut());
    } else {
        VisitorList { picker, now }.render(list, frame.buffer_mut());
    }
    StatusLine { picker }.render(status, frame.buffer_mut());
    if colors == Colors::Off {
        color::strip(frame.buffer_mut());
    }
}

/// The rows, or a sentence saying why there are none.
struct VisitorList<'a> {
    picker: &'a PickerState,
    now: DateTime<Utc>,
}

impl Widget for VisitorList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let picker = self.picker;
        if picker.shown().len() == 0 {
            let words = empty_words(picker);
            Paragraph::new(words)
                .style(Style::new().add_modifier(Modifier::DIM))
                .wrap(Wrap { trim: false })
                .render(area, buf);
            return;
        }
        let rows: Vec<Shown> = picker
            .shown_rows()
            .map(|(visitor, row)| Shown {
                row,
                seen: last_seen(visitor.online_at, self.now),
                online: is_online(visitor.online_at, self.now),
                waiting: picker
                    .waiting_since(visitor.id)
                    .map(|since| waiting_words(since, self.now)),
            })
            .collect();
        let widest = |cell: fn(&RowText) -> &Cell| {
            rows.iter()
                .map(|shown| cell(shown.row).width)
                .max()
                .unwrap_or(0)
        };
        let widest_text = |text: for<'r> fn(&'r Shown<'_>) -> &'r str| {
            rows.iter()
                .map(|shown| display_width(text(shown)))
                .max()
                .unwrap_or(0)
        };
        let layout = Columns::fit(
            usize::from(area.width),
            Wants {
                name: widest(|r| &r.name),
                email: widest(|r| &r.email),
                id: widest(|r| &r.id),
                seen: widest_text(|shown| &shown.seen),
                waiting: widest_text(|shown| shown.waiting.as_deref().unwrap_or_default()),
                page: widest(|r| &r.page),
            },
        );
        let table_rows = rows.iter().map(|shown| {
            let row = shown.row;
            let mut cells = vec![TableCell::new(truncate(&row.name.text, layout.name))];
            if layout.email > 0 {
                cells.push(TableCell::new(truncate(&row.email.text, layout.email)));
            }
            cells.push(TableCell::new(row.id.text.clone()));
            cells.push(TableCell::new(shown.seen.clone()));
            if layout.waiting > 0 {
                let waiting = shown.waiting.clone().unwrap_or_default();
                cells.push(TableCell::new(waiting).style(Style::new().fg(WAITING)));
            }
            if layout.page > 0 {
                cells.push(TableCell::new(cut_page(row, layout.page)));
            }
            let style = if shown.online {
                Style::new().fg(Color::Green)
            } else {
                Style::new()
            };
            Row::new(cells).style(style)
        });
        let table = Table::new(table_rows, layout.constraints())
            .column_spacing(SPACING as u16)
            .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
            .highlight_symbol(MARK);
        let mut state = TableState::default().with_selected(picker.selected_row());
        ratatui::widgets::StatefulWidget::render(table, area, buf, &mut state);
    }
}

/// A shown row: its text, and what it says at the time of drawing.
struct Shown<'a> {
    row: &'a RowText,
    /// "5 min ago".
    seen: String,
    online: bool,
    /// "waiting 12 min", when the archive says the visitor waits.
    waiting: Option<String>,
}

/// How wide each column's text is at most, over the rows shown.
#[derive(Clone, Copy, Debug)]
struct Wants {
    name: usize,
    email: usize,
    id: usize,
    seen: usize,
    waiting: usize,
    page: usize,
}

/// Each column's width; 0 leaves a column out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Columns {
    name: usize,
    email: usize,
    id: usize,
    seen: usize,
    waiting: usize,
    page: usize,
}

impl Columns {
    /// Widths by what the columns hold, in `width` columns: the id, "last
    /// seen" and "waiting" whole (an id cut short reads as another id;
    /// "waiting" is left out when nobody shown waits); the name,
    /// the e-mail and the last page share the rest, none wider than it
    /// needs, so what one leaves goes to the others, and where all need
    /// more, each gets the same. The e-mail is left out below
    /// [`EMAIL_MIN_WIDTH`], the last page below [`PAGE_MIN_WIDTH`], and
    /// either when no row has one.
    fn fit(width: usize, wants: Wants) -> Self {
        let email = if width >= usize::from(EMAIL_MIN_WIDTH) {
            wants.email
        } else {
            0
        };
        let page = if width >= usize::from(PAGE_MIN_WIDTH) {
            wants.page
        } else {
            0
        };
        let columns =
            3 + usize::from(email > 0) + usize::from(wants.waiting > 0) + usize::from(page > 0);
        let fixed = MARK_WIDTH + SPACING * (columns - 1) + wants.id + wants.seen + wants.waiting;
        let [name, email, page] = share(
            width.saturating_sub(fixed),
            [wants.name.max(1), email, page],
        );
        Columns {
            name,
            email,
            id: wants.id,
            seen: wants.seen,
            waiting: wants.waiting,
            page,
        }
    }

    fn constraints(self) -> Vec<Constraint> {
        let length = |w: usize| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX));
        let mut out = vec![length(self.name)];
        if self.email > 0 {
            out.push(length(self.email));
        }
        out.extend([length(self.id), length(self.seen)]);
        if self.waiting > 0 {
            out.push(length(self.waiting));
        }
        if self.page > 0 {
            out.push(length(self.page));
        }
        out
    }
}

/// `room` shared among columns that want `wants`: the narrowest first, each
/// given what it wants or an even share of what is left, whichever is less.
fn share<const N: usize>(room: usize, wants: [usize; N]) -> [usize; N] {
    let mut order: Vec<usize> = (0..N).collect();
    order.sort_by_key(|&i| wants[i]);
    let mut left = room;
    let mut given = [0; N];
    for (k, &i) in order.iter().enumerate() {
        let even = left / (N - k);
        given[i] = wants[i].min(even);
        left -= given[i];
    }
    given
}

/// The last page in `width` columns. Where it must be cut, it is cut in
/// the middle: the start of the host (at least a fifth of the width) and
/// the end of the path stay, the whole path where it fits, since pages of
/// one site differ there: "app.ledgerli…/settings/billing".
fn cut_page(row: &RowText, width: usize) -> String {
    let page = &row.page;
    if page.width <= width || width == 0 {
        return page.text.clone();
    }
    let (host, path) = page.text.split_at(row.path_start.min(page.text.len()));
    let head_room =
        display_width(host).min((width / 5).max(width.saturating_sub(display_width(path) + 1)));
    let mut head = String::new();
    let mut used = 0;
    for grapheme in page.text.graphemes(true) {
        let w = display_width(grapheme);
        if used + w > head_room {
            break;
        }
        used += w;
        head.push_str(grapheme);
    }
    let tail_room = width - used - 1;
    let mut tail = Vec::new();
    let mut tail_used = 0;
    for grapheme in page.text[head.len()..].graphemes(true).rev() {
        let w = display_width(grapheme);
        if tail_used + w > tail_room {
            break;
        }
        tail_used += w;
        tail.push(grapheme);
    }
    tail.reverse();
    format!("{head}{ELLIPSIS}{}", tail.concat())
}

/// The list's keys, from its key table, in a box over it.
fn help_box() -> TextBox<'static> {
    let rows = picker_key_rows();
    let keys_width = rows
        .iter()
        .map(|(keys, _)| display_width(keys))
        .max()
        .unwrap_or(0);
    let key_style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let lines = rows
        .into_iter()
        .map(|(keys, what)| {
            let pad = " ".repeat(keys_width - display_width(&keys) + SPACING);
            Line::from(vec![
                Span::styled(keys, key_style),
                Span::raw(pad),
                Span::raw(what),
            ])
        })
        .collect();
    TextBox {
        title: "keys in the visitor list",
        lines,
        scroll: 0,
        closes: "any key closes",
    }
}

/// Why no row is shown, in words.
fn empty_words(picker: &PickerState) -> String {
    let loaded = picker.loaded();
    match picker.load() {
        ListLoad::Failed(reason) if loaded == 0 => {
            format!(
                "could not load the visitors: {} · Ctrl-r to retry",
                sanitize_line(reason)
            )
        }
        ListLoad::Loading if loaded == 0 => "loading visitors…".to_owned(),
        _ if loaded == 0 => "no visitors".to_owned(),
        _ if picker.only_waiting() && picker.query().is_empty() => {
            format!("nobody is waiting for an answer · {ONLY_WAITING_HINT}")
        }
        _ if picker.only_waiting() => format!(
            "no waiting visitor matches “{}”",
            sanitize_line(picker.query())
        ),
        _ => format!("no visitor matches “{}”", sanitize_line(picker.query())),
    }
}

/// Counts, loading progress, notices and key hints.
struct StatusLine<'a> {
    picker: &'a PickerState,
}

impl Widget for StatusLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let picker = self.picker;
        let shown = picker.shown().len();
        let loaded = picker.loaded();
        let mut parts = Vec::new();
        if let Some(notice) = picker.notice() {
            parts.push(sanitize_line(notice));
        }
        let waiting = picker.waiting_count();
        let count = match picker.hits() {
            Hits::Found(found) if picker.prompt() == Prompt::Messages => hit_count(found.len()),
            _ if picker.only_waiting() && waiting == 0 => {
                format!("nobody waiting · {ONLY_WAITING_HINT}")
            }
            _ if picker.only_waiting() && picker.query().is_empty() => {
                format!("{waiting} waiting, longest first · {ONLY_WAITING_HINT}")
            }
            _ if picker.only_waiting() => format!("{shown} of {waiting} waiting"),
            _ if picker.query().is_empty() => format!("{loaded} visitors"),
            _ => format!("{shown} of {loaded} visitors"),
        };
        parts.push(count);
        if waiting > 0 && !picker.only_waiting() && picker.prompt() == Prompt::Visitors {
            parts.push(format!("{waiting} waiting"));
        }
        if picker.is_offline() {
            parts.push("offline · from the archive".to_owned());
        }
        match picker.load() {
            ListLoad::Loading if loaded > 0 => parts.push(format!(
                "loading… ({} of {})",
                loaded,
                picker.total().unwrap_or_default()
            )),
            ListLoad::Capped => parts.push(format!(
                "only the first {MAX_VISITORS} of {} loaded",
                picker.total().unwrap_or_default()
            )),
            ListLoad::Failed(reason) if loaded > 0 => parts.push(format!(
                "loading stopped: {} · Ctrl-r to retry",
                sanitize_line(reason)
            )),
            _ => {}
        }
        let missing = picker.missing();
        if missing > 0 {
            parts.push(format!(
                "{} of {} visitors did not arrive: Ctrl-r tries again",
                grouped(missing),
                grouped(picker.total().unwrap_or_default())
            ));
        }
        if let Some(retrying) = picker.retrying() {
            parts.push(sanitize_line(retrying));
        }
        if picker.unreadable() > 0 {
            parts.push(format!("{} unreadable", picker.unreadable()));
        }
        let said = parts.join(" · ");
        let all_hints = match picker.prompt() {
            // `w` is a letter once something is typed; while only the
            // waiting are shown, the count says how `w` returns.
            Prompt::Visitors if picker.only_waiting() || !picker.query().is_empty() => &HINTS[1..],
            Prompt::Visitors => HINTS,
            Prompt::Messages if picker.message_focus() == Focus::Hits => HITS_HINTS,
            Prompt::Messages => MESSAGES_HINTS,
        };
        let room = usize::from(area.width).saturating_sub(display_width(&said) + 3);
        let hints = all_hints
            .iter()
            .copied()
            .find(|hints| display_width(hints) <= room)
            .unwrap_or(HELP_HINT);
        Paragraph::new(format!("{said} · {hints}"))
            .style(Style::new().add_modifier(Modifier::REVERSED))
            .render(area, buf);
    }
}

/// "1 hit", "57 hits", "the first 100 hits" (a query finds no more).
fn hit_count(count: usize) -> String {
    match count {
        1 => "1 hit".to_owned(),
        n if n == crate::picker::HIT_LIMIT as usize => format!("the first {n} hits"),
        n => format!("{} hits", grouped(n as u64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visitor::Visitor;

    fn wants(name: usize, email: usize, page: usize) -> Wants {
        Wants {
            name,
            email,
            id: 20,
            seen: 10,
            waiting: 0,
            page,
        }
    }

    #[test]
    fn columns_take_the_width_of_what_they_hold() {
        // 80 columns: 2 + 4 × 2 + 20 + 10 = 40 fixed, 40 left.
        let fit = Columns::fit(80, wants(19, 38, 51));
        assert_eq!((fit.name, fit.email, fit.page), (13, 13, 14));
        assert_eq!(fit.id, 20, "the id is never cut");
        // A short e-mail leaves its room to the page.
        let fit = Columns::fit(80, wants(10, 8, 51));
        assert_eq!((fit.name, fit.email, fit.page), (10, 8, 22));
        let fit = Columns::fit(80, wants(10, 38, 51));
        assert_eq!((fit.name, fit.email, fit.page), (10, 15, 15));
        // Nobody has an e-mail: no empty column.
        let fit = Columns::fit(100, wants(10, 0, 30));
        assert_eq!((fit.email, fit.page), (0, 30));
        // Room for everything: each as wide as it needs.
        let fit = Columns::fit(200, wants(19, 38, 51));
        assert_eq!((fit.name, fit.email, fit.page), (19, 38, 51));
    }

    #[test]
    fn a_cut_page_keeps_the_end_of_its_path() {
        let mut visitor = Visitor::unnamed(1);
        visitor.last_url = Some("https://app.ledgerline.example/settings/billing?tab=x".into());
        let row = RowText::of(&visitor);
        assert_eq!(
            cut_page(&row, 100),
            "app.ledgerline.example/settings/billing"
        );
        assert_eq!(cut_page(&row, 30), "app.ledgerli…/settings/billing");
        assert_eq!(cut_page(&row, 22), "app.…/settings/billing");
        assert_eq!(cut_page(&row, 12), "ap…s/billing");
    }
}
