//! The lines of the last error in full, and where the log is: the status
//! bar has room for a line at most.

use std::path::Path;

use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::sanitize::{sanitize_line, sanitize_text};
use crate::text::text_box;
use crate::wrap::{display_width, wrap};

/// The widest the text gets, however wide the screen: longer lines are hard to read.
const MAX_TEXT_WIDTH: usize = 76;

/// Said when no log is written, so the reader knows how to get one.
const NO_LOG: &str = "No log is written: run szchat with --log-file PATH \
                      (and RUST_LOG=szchat=debug for detail) to keep one.";

/// Rows the error takes in `area` and how many the box shows at once.
pub fn extent(text: &str, log_file: Option<&Path>, area: Rect) -> (usize, usize) {
    let rows = lines(text, log_file, area).len();
    (rows, text_box::text_rows(rows, area))
}

/// The paragraphs: the error, then the log's whereabouts. The error may
/// quote what a server sent, so it is sanitized like any message.
fn paragraphs(text: &str, log_file: Option<&Path>) -> [String; 2] {
    let log = match log_file {
        Some(path) => format!("The log: {}", sanitize_line(&path.to_string_lossy())),
        None => NO_LOG.to_owned(),
    };
    [sanitize_text(text), log]
}

/// The error and the log's whereabouts, laid out for a box in `area`.
pub fn lines(text: &str, log_file: Option<&Path>, area: Rect) -> Vec<Line<'static>> {
    let [error, log] = paragraphs(text, log_file);
    let natural = display_width(&error)
        .max(display_width(&log))
        .min(MAX_TEXT_WIDTH);
    let width = text_box::text_width(natural, area);
    let mut lines: Vec<Line<'static>> = wrap(&error, width).into_iter().map(Line::from).collect();
    lines.push(Line::default());
    let dim = Style::default().fg(Color::Gray);
    lines.extend(
        wrap(&log, width)
            .into_iter()
            .map(|line| Line::from(Span::styled(line, dim))),
    );
    lines
}
