//! The help's lines: every key from the key table. Where a key and its
//! meaning do not fit on one line, the meaning goes under the key; where the
//! box cannot hold every line, it scrolls, so every key can be reached on
//! any screen.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::keymap::KEY_MAP;
use crate::text::text_box;
use crate::wrap::{display_width, truncate, wrap};

/// Columns between the keys and what they do.
const GAP: usize = 2;
/// Indent of a meaning put under its keys.
const STACKED_INDENT: usize = 2;

/// Rows of help text in `area` and how many of them the box shows at once.
pub fn extent(area: Rect) -> (usize, usize) {
    let rows = lines(area).len();
    (rows, text_box::text_rows(rows, area))
}

/// The keys column of every row and what it does.
fn rows() -> Vec<(String, &'static str)> {
    KEY_MAP.iter().map(|row| (row.keys(), row.what)).collect()
}

/// The widest keys column and the widest meaning among `rows`.
fn column_widths(rows: &[(String, &str)]) -> (usize, usize) {
    let widest = |width: fn(&(String, &str)) -> usize| rows.iter().map(width).max().unwrap_or(0);
    (
        widest(|(keys, _)| display_width(keys)),
        widest(|(_, what)| display_width(what)),
    )
}

fn text_width(area: Rect) -> usize {
    let (keys, what) = column_widths(&rows());
    text_box::text_width(keys + GAP + what, area)
}

/// The help laid out for a box in `area`.
pub fn lines(area: Rect) -> Vec<Line<'static>> {
    laid_out(text_width(area))
}

/// The help laid out `width` columns wide: keys and meaning side by side
/// when every row fits, else each meaning under its keys.
fn laid_out(width: usize) -> Vec<Line<'static>> {
    let rows = rows();
    let (key_width, what_width) = column_widths(&rows);
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
