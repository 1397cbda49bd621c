//! The detail overlay: every field of one message, then the message's JSON
//! as the server sent it, indented one member a line, all sanitized, in a
//! scrollable box over the conversation. The box has rules above and below
//! but no sides, so a mouse selection of its lines takes the JSON alone.
//!
//! ```text
//! ─ message #1 ─────────────────────────────────
//! id                1
//! sender id         7
//! name              David Smith
//! …
//! JSON as received
//! {
//!   "id": 1,
//!   "body": "test chat message",
//! ─ 1–20 of 31 ─ j/k scroll · c copy JSON · Esc closes ─
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use crate::state::{AppState, Detail};
use crate::text::detail::{content_area, detail_lines, frame};

/// The keys the box answers to, on its lower edge.
const KEYS: &str = " j/k scroll · c copy JSON · Esc closes ";

/// The detail overlay, drawn over the conversation.
#[derive(Debug, Clone, Copy)]
pub struct DetailOverlay<'a> {
    state: &'a AppState,
    detail: &'a Detail,
}

impl<'a> DetailOverlay<'a> {
    /// The overlay `detail` of `state`'s conversation.
    pub fn new(state: &'a AppState, detail: &'a Detail) -> Self {
        Self { state, detail }
    }
}

impl Widget for DetailOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let inner = content_area(area);
        let zone = *self.state.viewport().layout().zone();
        let lines = match self.state.conversation().get(self.detail.id()) {
            Some(message) => detail_lines(message, self.detail.json(message), zone, inner.width),
            None => vec![Line::raw("this message is not loaded")],
        };
        let rows = usize::from(inner.height);
        let first = self.detail.scroll().min(lines.len().saturating_sub(1));
        let mut block = frame()
            .title(format!(" message #{} ", self.detail.id()))
            .title_bottom(Line::from(KEYS).right_aligned());
        if lines.len() > rows {
            let last = (first + rows).min(lines.len());
            block = block.title_bottom(format!(" {}–{last} of {} ", first + 1, lines.len()));
        }
        Clear.render(area, buf);
        block.render(area, buf);
        for (y, line) in (inner.y..inner.bottom()).zip(lines.iter().skip(first)) {
            buf.set_line(inner.x, y, line, inner.width);
        }
    }
}
