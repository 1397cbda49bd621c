//! The scrollable conversation: draws only the rows on screen, walking from
//! the top item down, so a frame costs the same however long the history is.

use std::rc::Rc;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use crate::model::MessageId;
use crate::state::{AppState, LoadState};
use crate::text::layout::{self, Item};
use crate::text::message_block;
use crate::ui::{matches, preview};
use crate::wrap::truncate;

/// The conversation column, drawn from the app state.
#[derive(Debug, Clone, Copy)]
pub struct ConversationView<'a> {
    state: &'a AppState,
}

impl<'a> ConversationView<'a> {
    /// The conversation of `state`, as its viewport shows it.
    pub fn new(state: &'a AppState) -> Self {
        Self { state }
    }
}

impl Widget for ConversationView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        draw_column(self.state, area, buf);
        draw_nothing_kept(self.state, area, buf);
        // Over the top row: the separator of the day on screen scrolled off.
        if let Some(day) = self.state.viewport().sticky_day(self.state.conversation()) {
            let row = Rect::new(area.x, area.y, area.width, 1);
            Clear.render(row, buf);
            draw_line(buf, row, &message_block::day_separator(&day, area.width));
        }
    }
}

/// Draws the column from the scroll position down, as far as `area` reaches.
fn draw_column(state: &AppState, area: Rect, buf: &mut Buffer) {
    let (mut item, skip) = state.scroll_position();
    let marker = marker_line(state, area.width);
    let selected = state.selected();
    let query = state.search_query();
    let conversation = state.conversation();
    let mut cache = state.viewport().layout();

    let mut rows_left = usize::from(area.height);
    let mut y = area.y;
    let mut skip = skip;
    loop {
        // Only the selected message and search matches are copied (to
        // restyle them); every other block is drawn straight from the cache.
        let (head, block): (Vec<Line<'static>>, Rc<[Line<'static>]>) = match item {
            Item::Marker => (vec![marker.clone(), Line::default()], Rc::from([])),
            Item::Message(id) => {
                let Some(message) = conversation.get(id) else {
                    break;
                };
                let headings = cache.headings(conversation, message, area.width);
                let block = cache.block(message);
                let query = query.filter(|_| state.is_search_match(id));
                if selected == Some(id) || query.is_some() {
                    let mut lines: Vec<Line<'static>> = block.to_vec();
                    if let Some(query) = query {
                        matches::mark(&mut lines, query);
                    }
                    if selected == Some(id) {
                        message_block::highlight(&mut lines);
                        if message.unreadable.is_none() {
                            message_block::add_id(&mut lines, id, area.width);
                        }
                    }
                    (headings.into_iter().chain(lines).collect(), Rc::from([]))
                } else {
                    (headings, block)
                }
            }
        };
        let item_top = i32::from(y) - i32::try_from(skip).unwrap_or(i32::MAX);
        for line in head.iter().chain(block.iter()).skip(skip) {
            if rows_left == 0 {
                break;
            }
            draw_line(buf, Rect::new(area.x, y, area.width, 1), line);
            y += 1;
            rows_left -= 1;
        }
        if let Item::Message(id) = item
            && let Some(message) = conversation.get(id)
        {
            let rows = cache.preview_rows(message);
            draw_preview(state, id, rows, (&head, &block), item_top, area, buf);
        }
        if rows_left == 0 {
            return;
        }
        skip = 0;
        match layout::next_item(conversation, item) {
            Some(next) if rows_left > 0 => item = next,
            _ => break,
        }
    }
}

/// With a filter that keeps none of the loaded messages, says so in the
/// middle of the column rather than leaving it empty.
fn draw_nothing_kept(state: &AppState, area: Rect, buf: &mut Buffer) {
    let conversation = state.conversation();
    if conversation.shown_len() > 0 || conversation.is_empty() {
        return;
    }
    let Some(said) = state.filter_status() else {
        return;
    };
    let text = format!("{said} · F changes it");
    let row = Rect::new(area.x, area.y + area.height / 2, area.width, 1);
    let style = Style::default().add_modifier(Modifier::BOLD);
    let line = Line::from(Span::styled(
        truncate(&text, usize::from(area.width)),
        style,
    ));
    draw_line(buf, row, &line.centered());
}

/// Draws the preview in the `rows` message `id` keeps for one (`head` and
/// `block` are its lines, the first at screen row `item_top`).
fn draw_preview(
    state: &AppState,
    id: MessageId,
    rows: usize,
    (head, block): (&[Line<'static>], &[Line<'static>]),
    item_top: i32,
    area: Rect,
    buf: &mut Buffer,
) {
    let lines = head.len() + block.len();
    // The kept rows are the last but the spacer.
    let Some(first) = lines.checked_sub(rows + 1).filter(|_| rows > 0) else {
        return;
    };
    let Some(line) = head.iter().chain(block).nth(first) else {
        return;
    };
    let margin = u16::try_from(message_block::margin_width(line)).unwrap_or(u16::MAX);
    let place = preview::Place {
        top: item_top + i32::try_from(first).unwrap_or(i32::MAX),
        left: area.x.saturating_add(margin),
    };
    preview::draw(state, id, place, area, buf);
}

/// Draws `line` on one row, honouring its alignment.
fn draw_line(buf: &mut Buffer, row: Rect, line: &Line<'_>) {
    let free = row
        .width
        .saturating_sub(u16::try_from(line.width()).unwrap_or(u16::MAX));
    let indent = match line.alignment {
        Some(Alignment::Center) => free / 2,
        Some(Alignment::Right) => free,
        _ => 0,
    };
    buf.set_line(row.x + indent, row.y, line, row.width - indent);
}

/// The line above the oldest loaded message: what stands between the reader
/// and the start of the conversation.
fn marker_line(state: &AppState, width: u16) -> Line<'static> {
    let dim = Style::default().fg(Color::DarkGray);
    let (text, style) = match state.load_state() {
        LoadState::Failed { .. } if state.conversation().is_empty() => (
            "⚠ could not load messages (r to retry)".to_owned(),
            Style::default().fg(Color::Red),
        ),
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
    Line::from(Span::styled(truncate(&text, usize::from(width)), style)).centered()
}
