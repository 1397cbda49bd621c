//! The profile panel: who the visitor is (see `text::profile`), beside the
//! conversation on a wide screen, a box over it on a narrow one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::state::AppState;
use crate::text::profile::{lines, text_width};
use crate::ui::text_box::TextBox;

/// The panel's title.
const TITLE: &str = "visitor";
/// The keys, for the panel's bottom edge.
const KEYS: &str = "↑↓ c copy · o open URL · p closes";

/// The profile panel of `state`'s visitor, scrolled by `scroll` rows, field
/// `field` marked.
#[derive(Debug)]
pub struct ProfilePanel<'a> {
    pub state: &'a AppState,
    pub scroll: usize,
    pub field: usize,
    /// Drawn in its own column beside the conversation, rather than over it.
    pub beside: bool,
}

impl Widget for ProfilePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let zone = self.state.viewport().zone();
        let lines = lines(
            self.state.visitor(),
            zone,
            text_width(area, self.beside),
            Some(self.field),
        );
        if !self.beside {
            TextBox {
                title: TITLE,
                lines,
                scroll: self.scroll,
                closes: KEYS,
            }
            .render(area, buf);
            return;
        }
        Clear.render(area, buf);
        let page = usize::from(area.height).saturating_sub(2);
        let scroll = self.scroll.min(lines.len().saturating_sub(page));
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(
                Block::bordered()
                    .title(format!(" {TITLE} "))
                    .title_bottom(Line::from(format!(" {KEYS} ")).right_aligned()),
            )
            .render(area, buf);
    }
}
