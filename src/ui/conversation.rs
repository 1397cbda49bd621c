//! The scrollable conversation: draws only the rows on screen, walking from
//! the top item down, so a frame costs the same however long the history is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::StatefulWidget;

use crate::layout::{self, Item};
use crate::state::{AppState, LoadState};
use crate::ui::message_block;

/// The conversation column; its state is the whole app state.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConversationView;

impl StatefulWidget for ConversationView {
    type State = AppState;

    fn render(self, area: Rect, buf: &mut Buffer, state: &mut AppState) {
        if area.is_empty() {
            return;
        }
        state.resize(area.width, area.height);
        let (mut item, skip) = state.scroll_position();
        let marker = marker_line(state);
        let selected = state.selected();
        let (conversation, cache) = state.layout_mut();

        let mut rows_left = usize::from(area.height);
        let mut y = area.y;
        let mut skip = skip;
        loop {
            let lines: Vec<Line<'static>> = match item {
                Item::Marker => vec![marker.clone(), Line::default()],
                Item::Message(id) => {
                    let Some(message) = conversation.get(id) else {
                        break;
                    };
                    let mut lines = Vec::new();
                    if let Some(label) = cache.day_break(conversation, message) {
                        lines.push(message_block::day_separator(&label, area.width));
                    }
                    let block = cache.block(message);
                    let start = lines.len();
                    lines.extend(block.iter().cloned());
                    if selected == Some(id) {
                        message_block::highlight(&mut lines[start..]);
                    }
                    lines
                }
            };
            for line in lines.iter().skip(skip) {
                if rows_left == 0 {
                    return;
                }
                buf.set_line(area.x, y, line, area.width);
                y += 1;
                rows_left -= 1;
            }
            skip = 0;
            match layout::next_item(conversation, item) {
                Some(next) if rows_left > 0 => item = next,
                _ => break,
            }
        }
    }
}

/// The line above the oldest loaded message: what stands between the reader
/// and the start of the conversation.
fn marker_line(state: &AppState) -> Line<'static> {
    let dim = Style::default().fg(Color::DarkGray);
    let (text, style) = match state.load_state() {
        LoadState::Failed { .. } => (
            "⚠ could not load older messages (r to retry)".to_owned(),
            Style::default().fg(Color::Red),
        ),
        _ if state.reached_beginning() && state.conversation().is_empty() => {
            ("── no messages yet ──".to_owned(), dim)
        }
        _ if state.reached_beginning() => ("── beginning of conversation ──".to_owned(), dim),
        LoadState::Loading(_) if state.conversation().is_empty() => (
            "loading messages…".to_owned(),
            dim.add_modifier(Modifier::ITALIC),
        ),
        LoadState::Loading(_) => (
            "loading older messages…".to_owned(),
            dim.add_modifier(Modifier::ITALIC),
        ),
        LoadState::Idle => ("↑ older messages".to_owned(), dim),
    };
    Line::from(Span::styled(text, style)).centered()
}
