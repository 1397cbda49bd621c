//! The help overlay: every key from the key table, in a box over the
//! conversation. Where a key and its meaning do not fit on one line, the
//! meaning goes under the key; where the box cannot hold every line, it
//! scrolls, so every key can be reached on any screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::keymap::KEY_MAP;
use crate::ui::text_box::{self, TextBox};
use crate::wrap::{display_width, truncate, wrap};

/// Columns between the keys and what they do.
const GAP: usize = 2;
/// Indent of a meaning put under its keys.
const STACKED_INDENT: usize = 2;

/// The help overlay, scrolled by `scroll` rows.
#[derive(Debug, Default, Clone, Copy)]
pub struct HelpOverlay {
    pub scroll: usize,
}

/// Rows of help text in `area` and how many of them the box shows at once.
pub fn extent(area: Rect) -> (usize, usize) {
    let rows = lines(text_width(area)).len();
    (rows, text_box::text_rows(rows, area))
}

/// The keys column of every row and what it does.
fn rows() -> Vec<(String, &'static str)> {
    KEY_MAP.iter().map(|row| (row.keys(), row.what)).collect()
}

fn text_width(area: Rect) -> usize {
    let rows = rows();
    let keys = rows
        .iter()
        .map(|(k, _)| display_width(k))
        .max()
        .unwrap_or(0);
    let what = rows
        .iter()
        .map(|(_, w)| display_width(w))
        .max()
        .unwrap_or(0);
    text_box::text_width(keys + GAP + what, area)
}

/// The help laid out `width` columns wide: keys and meaning side by side
/// when every row fits, else each meaning under its keys.
fn lines(width: usize) -> Vec<Line<'static>> {
    let rows = rows();
    let key_width = rows
        .iter()
        .map(|(k, _)| display_width(k))
        .max()
        .unwrap_or(0);
    let what_width = rows
        .iter()
        .map(|(_, w)| display_width(w))
        .max()
        .unwrap_or(0);
    let key_style = Style::default()
        .fg(Color::Cyan)
        .add_modifier(Modifier::BOLD);
    if key_width + GAP + what_width <= width {
        return rows
            .into_iter()
            .map(|(keys, what)| {
                Line::from(vec![
                    Span::styled(format!("{keys:<key_width$}"), key_style),
                    Span::raw(" ".repeat(GAP)),
                    Span::raw(what),
                ])
            })
            .collect();
    }
    let indent = " ".repeat(STACKED_INDENT);
    let mut lines = Vec::new();
    for (keys, what) in rows {
        lines.push(Line::from(Span::styled(truncate(&keys, width), key_style)));
        for part in wrap(what, width.saturating_sub(STACKED_INDENT)) {
            lines.push(Line::from(format!("{indent}{part}")));
        }
    }
    lines
}

impl Widget for HelpOverlay {
    fn render(self, area: Rect, buf: &mut Buffer) {
        TextBox {
            title: "keys",
            lines: lines(text_width(area)),
            scroll: self.scroll,
            closes: "Esc or ? closes",
        }
        .render(area, buf);
    }
}
