//! One message's picture as large as the conversation's part of the
//! screen: Enter or `i` on a previewed picture shows it, Esc closes it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Widget};
use ratatui_image::Image;

use crate::attachment;
use crate::model::MessageId;
use crate::state::AppState;
use crate::wrap::truncate;

/// Message `id`'s picture over the conversation.
pub struct PictureOverlay<'a> {
    pub state: &'a AppState,
    pub id: MessageId,
}

impl Widget for PictureOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Clear.render(area, buf);
        let message = self.state.conversation().get(self.id);
        let name = message.and_then(attachment::shown_name).unwrap_or_default();
        let size = match self.state.preview(self.id) {
            Some(crate::state::PreviewState::Ready(preview)) => {
                format!(" · {} × {}", preview.width, preview.height)
            }
            _ => String::new(),
        };
        let title = format!(" {name}{size} · Esc closes ");
        let width = usize::from(area.width.saturating_sub(2));
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(Style::new().fg(Color::DarkGray))
            .title(Line::from(truncate(&title, width)));
        let inner = block.inner(area);
        block.render(area, buf);
        let Some(picture) = self
            .state
            .picture(self.id, Size::new(inner.width, inner.height))
        else {
            return;
        };
        // Centred in the box.
        let size = picture.0.size();
        let x = inner.x + inner.width.saturating_sub(size.width) / 2;
        let y = inner.y + inner.height.saturating_sub(size.height) / 2;
        let rect = Rect::new(x, y, size.width, size.height).intersection(inner);
        Image::new(&picture.0).render(rect, buf);
    }
}
