//! The last error in full (see `text::error_detail`), wrapped in a box over
//! the conversation, and where the log is.

use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use crate::text::error_detail::lines;
use crate::ui::text_box::TextBox;

/// The error `text` in full, with where the log is, scrolled by `scroll` rows.
#[derive(Debug, Clone, Copy)]
pub struct ErrorDetail<'a> {
    pub text: &'a str,
    pub log_file: Option<&'a Path>,
    pub scroll: usize,
}

impl Widget for ErrorDetail<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        TextBox {
            title: "the last error",
            lines: lines(self.text, self.log_file, area),
            scroll: self.scroll,
            closes: "Esc or ! closes",
        }
        .render(area, buf);
    }
}
