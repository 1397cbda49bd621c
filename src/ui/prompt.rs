//! A one-line prompt in place of the status bar: its leader (`:`), what has
//! been typed, and on the right what it takes and which keys answer it. The
//! terminal's own cursor marks where typing goes.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_segmentation::UnicodeSegmentation;

use crate::sanitize::sanitize_line;
use crate::wrap::display_width;

/// Columns kept free between the text and the hint.
const HINT_GAP: usize = 2;
/// Characters of the typed text's end looked at per column of room: more
/// than any column needs (combining marks, joiners), far less than a paste.
const TAIL_CHARS_PER_COLUMN: usize = 8;

/// The last `chars` characters of `text`.
fn tail(text: &str, chars: usize) -> &str {
    let start = text
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(at, _)| at);
    &text[start..]
}

/// A prompt line: leader, text and hint.
#[derive(Debug, Clone, Copy)]
pub struct PromptLine<'a> {
    leader: &'a str,
    text: &'a str,
    hint: &'a str,
}

impl<'a> PromptLine<'a> {
    /// A prompt showing `leader`, then `text` (as typed), with `hint` on the right.
    pub fn new(leader: &'a str, text: &'a str, hint: &'a str) -> Self {
        Self { leader, text, hint }
    }

    /// What is shown of the text in `area`: its end, when all of it does not
    /// fit, so the reader sees what they type.
    fn shown(&self, area: Rect) -> String {
        let room = usize::from(area.width).saturating_sub(display_width(self.leader) + 1);
        // Only the end can show: a paste of 10,000 characters costs a
        // frame no more than a word does.
        let text = sanitize_line(tail(self.text, room * TAIL_CHARS_PER_COLUMN + 1));
        let mut width = display_width(&text);
        let mut graphemes = text.graphemes(true);
        while width > room {
            match graphemes.next() {
                Some(first) => width -= display_width(first),
                None => break,
            }
        }
        graphemes.collect()
    }

    /// Where the terminal's cursor goes: just after the text.
    pub fn cursor(&self, area: Rect) -> Position {
        let used = display_width(self.leader) + display_width(&self.shown(area));
        let x = u16::try_from(used).unwrap_or(u16::MAX);
        Position::new(
            area.x.saturating_add(x).min(area.right().saturating_sub(1)),
            area.y,
        )
    }
}

impl Widget for PromptLine<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let row = Rect::new(area.x, area.y, area.width, 1);
        buf.set_style(row, Style::reset());
        for x in row.left()..row.right() {
            buf[(x, row.y)].set_symbol(" ");
        }
        let shown = self.shown(area);
        let used = display_width(self.leader) + display_width(&shown);
        let line = Line::from(vec![
            Span::styled(self.leader, Style::new().add_modifier(Modifier::BOLD)),
            Span::raw(shown),
        ]);
        buf.set_line(row.x, row.y, &line, row.width);
        let hint_width = display_width(self.hint);
        let width = usize::from(row.width);
        if used + HINT_GAP + hint_width <= width {
            let x = row.x + u16::try_from(width - hint_width).unwrap_or(0);
            buf.set_string(
                x,
                row.y,
                self.hint,
                Style::new().add_modifier(Modifier::DIM),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(prompt: PromptLine<'_>, width: u16) -> (Buffer, Position) {
        let area = Rect::new(0, 0, width, 1);
        let mut buf = Buffer::empty(area);
        prompt.render(area, &mut buf);
        (buf, prompt.cursor(area))
    }

    fn text(buf: &Buffer) -> String {
        buf.content
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect()
    }

    #[test]
    fn shows_the_text_the_cursor_after_it_and_the_hint_when_there_is_room() {
        let (buf, cursor) = drawn(PromptLine::new(":", "2026-11", "Enter jumps"), 30);
        assert_eq!(text(&buf), ":2026-11           Enter jumps");
        assert_eq!(cursor, Position::new(8, 0));
    }

    #[test]
    fn a_long_text_shows_its_end_and_the_hint_gives_way() {
        let (buf, cursor) = drawn(PromptLine::new(":", "abcdefghij", "Enter jumps"), 8);
        assert_eq!(text(&buf), ":efghij ");
        assert_eq!(cursor, Position::new(7, 0));
    }

    #[test]
    fn typed_controls_are_shown_inert() {
        let (buf, _) = drawn(PromptLine::new(":", "a\u{202E}b", ""), 6);
        assert_eq!(text(&buf), ":ab   ");
    }
}
