//! The help overlay: every key and what it does (see `text::help`), in a
//! box over the conversation that scrolls.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use crate::text::help::lines;
use crate::ui::text_box::TextBox;

/// The help overlay, scrolled by `scroll` rows.
#[derive(Debug, Default, Clone, Copy)]
pub struct HelpOverlay {
    pub scroll: usize,
}

impl Widget for HelpOverlay {
    fn render(self, area: Rect, buf: &mut Buffer) {
        TextBox {
            title: "keys",
            lines: lines(area),
            scroll: self.scroll,
            closes: "Esc or ? closes",
        }
        .render(area, buf);
    }
}
