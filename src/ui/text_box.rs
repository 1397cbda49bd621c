//! A box of text drawn over the conversation, centred, as wide as its text
//! wants and the screen allows; when its lines do not fit, it scrolls and
//! its bottom edge says which way there is more. The help and the error in
//! full are such boxes. How much of one shows is `text::text_box`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::text::text_box::{BORDER, text_rows, text_width};

/// A box of laid-out lines, scrolled by `scroll` rows.
#[derive(Debug)]
pub struct TextBox<'a> {
    /// Shown in the top edge.
    pub title: &'a str,
    /// Laid out at [`text_width`] for the area the box is drawn in.
    pub lines: Vec<Line<'a>>,
    /// Rows scrolled off the top (clamped to what there is).
    pub scroll: usize,
    /// The keys that close the box, for its bottom edge.
    pub closes: &'a str,
}

impl Widget for TextBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = self.lines.iter().map(Line::width).max().unwrap_or(0);
        let rows = self.lines.len();
        let page = text_rows(rows, area);
        let scroll = self.scroll.min(rows - page);
        let box_width = u16::try_from(text_width(width, area) + BORDER).unwrap_or(u16::MAX);
        let box_height = u16::try_from(page + BORDER).unwrap_or(u16::MAX);
        let [row] = Layout::vertical([Constraint::Length(box_height)])
            .flex(Flex::Center)
            .areas(area);
        let [popup] = Layout::horizontal([Constraint::Length(box_width)])
            .flex(Flex::Center)
            .areas(row);

        let more_above = scroll > 0;
        let more_below = scroll + page < rows;
        let bottom = match (more_above, more_below) {
            (false, false) => format!(" {} ", self.closes),
            (above, below) => {
                let arrows = match (above, below) {
                    (true, true) => "↑↓",
                    (true, false) => "↑",
                    _ => "↓",
                };
                format!(" {arrows} more: j/k · {} ", self.closes)
            }
        };
        Clear.render(popup, buf);
        Paragraph::new(self.lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::bordered()
                    .title(format!(" {} ", self.title))
                    .title_bottom(Line::from(bottom).right_aligned()),
            )
            .render(popup, buf);
    }
}
