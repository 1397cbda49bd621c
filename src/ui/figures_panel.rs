//! The `m` panel: the conversation's figures and sessions (see
//! `text::figures_panel`), beside the conversation on a wide screen, a box
//! over it on a narrow one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::state::AppState;
use crate::text::figures_panel::{PanelText, extent, lines, text_width};
use crate::text::text_box::BORDER;
use crate::ui::text_box::TextBox;

/// The panel's title.
const TITLE: &str = "figures";
/// The keys, for the panel's bottom edge.
const KEYS: &str = "m closes";

/// The figures of `state`'s conversation, scrolled by `scroll` rows.
#[derive(Debug)]
pub struct FiguresPanel<'a> {
    pub state: &'a AppState,
    pub scroll: usize,
    /// Drawn in its own column beside the conversation, rather than over it.
    pub beside: bool,
}

impl Widget for FiguresPanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let figures = self.state.conversation_figures();
        let text = PanelText {
            figures: &figures,
            zone: self.state.viewport().zone(),
            now: chrono::Utc::now(),
            whole_history: self.state.reached_beginning(),
        };
        let width = text_width(area, self.beside);
        let (rows, page) = extent(&text, area, self.beside);
        let scroll = self.scroll.min(rows.saturating_sub(page));
        if !self.beside {
            // The box scrolls by itself: blank rows stand for those off its
            // page, so that only a page is laid out.
            let mut shown = vec![Line::default(); rows];
            for (row, line) in shown[scroll..]
                .iter_mut()
                .zip(lines(&text, width, scroll, page))
            {
                *row = line;
            }
            TextBox {
                title: TITLE,
                lines: shown,
                scroll,
                closes: KEYS,
            }
            .render(area, buf);
            return;
        }
        Clear.render(area, buf);
        let page = usize::from(area.height).saturating_sub(BORDER);
        Paragraph::new(lines(&text, width, scroll, page))
            .block(
                Block::bordered()
                    .title(format!(" {TITLE} "))
                    .title_bottom(Line::from(format!(" {KEYS} ")).right_aligned()),
            )
            .render(area, buf);
    }
}
