//! The visitor picker's screen: the filter line, one row per shown visitor,
//! and a status line. Pure: it borrows the picker's state and the time
//! "last seen" is counted from.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, TableState, Widget, Wrap};
use url::Url;

use super::color::{self, Colors};
use crate::picker::{ListLoad, MAX_VISITORS, PickerState, last_seen};
use crate::sanitize::sanitize_line;
use crate::visitor::Visitor;

/// Below this width the e-mail column is left out.
const EMAIL_MIN_WIDTH: u16 = 70;
/// Below this width the last-page column is left out.
const PAGE_MIN_WIDTH: u16 = 50;
/// The prompt before the filter.
const PROMPT: &str = "Find a visitor: ";
/// Key hints on the status line.
const HINTS: &str = "↑↓ move · Enter open · Esc clear/quit";

/// Draws the picker over the whole frame, "last seen" counted from `now`.
pub fn draw(frame: &mut Frame, picker: &PickerState, now: DateTime<Utc>, colors: Colors) {
    let [filter, list, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    let typed = sanitize_line(picker.query());
    let filter_line = Line::from(vec![
        Span::styled(PROMPT, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(typed.clone()),
    ]);
    frame.render_widget(filter_line, filter);
    let cursor_x = filter
        .x
        .saturating_add(
            u16::try_from(PROMPT.chars().count() + typed.chars().count()).unwrap_or(u16::MAX),
        )
        .min(filter.right().saturating_sub(1));
    frame.set_cursor_position((cursor_x, filter.y));
    VisitorList { picker, now }.render(list, frame.buffer_mut());
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
        let wide = area.width >= EMAIL_MIN_WIDTH;
        let with_page = area.width >= PAGE_MIN_WIDTH;
        let rows = picker.shown().map(|visitor| {
            let mut cells = vec![sanitize_line(&visitor.display_name())];
            if wide {
                cells.push(sanitize_line(visitor.email.as_deref().unwrap_or_default()));
            }
            cells.push(format!("#{}", visitor.id));
            cells.push(last_seen(visitor.online_at, self.now));
            if with_page {
                cells.push(last_page(visitor));
            }
            let online = visitor.online_at.is_some_and(|at| {
                self.now.signed_duration_since(at) < crate::picker::ONLINE_WINDOW
            });
            let style = if online {
                Style::new().fg(Color::Green)
            } else {
                Style::new()
            };
            Row::new(cells).style(style)
        });
        let mut widths = vec![Constraint::Fill(2)];
        if wide {
            widths.push(Constraint::Fill(2));
        }
        widths.extend([Constraint::Length(7), Constraint::Length(10)]);
        if with_page {
            widths.push(Constraint::Fill(3));
        }
        let table = Table::new(rows, widths)
            .column_spacing(2)
            .row_highlight_style(Style::new().add_modifier(Modifier::REVERSED))
            .highlight_symbol("▶ ");
        let mut state = TableState::default().with_selected(picker.selected_row());
        ratatui::widgets::StatefulWidget::render(table, area, buf, &mut state);
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
        _ => format!("no visitor matches “{}”", sanitize_line(picker.query())),
    }
}

/// Host and path of the visitor's last page, without query or fragment
/// (which may carry tokens); the raw text when it is not a URL.
fn last_page(visitor: &Visitor) -> String {
    let Some(raw) = visitor.last_url.as_deref() else {
        return String::new();
    };
    match Url::parse(raw.trim()) {
        Ok(url) if url.host_str().is_some() => {
            let host = url.host_str().unwrap_or_default();
            let path = url.path();
            let path = if path == "/" { "" } else { path };
            sanitize_line(&format!("{host}{path}"))
        }
        _ => sanitize_line(raw),
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
        let count = if picker.query().is_empty() {
            format!("{loaded} visitors")
        } else {
            format!("{shown} of {loaded} visitors")
        };
        parts.push(count);
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
        if let Some(retrying) = picker.retrying() {
            parts.push(sanitize_line(retrying));
        }
        if picker.unreadable() > 0 {
            parts.push(format!("{} unreadable", picker.unreadable()));
        }
        parts.push(HINTS.to_owned());
        Paragraph::new(parts.join(" · "))
            .style(Style::new().add_modifier(Modifier::REVERSED))
            .render(area, buf);
    }
}
