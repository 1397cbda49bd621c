//! The help overlay: every key, in a box over the conversation.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::keymap::KEY_MAP;
use crate::wrap::display_width;

/// The help overlay.
#[derive(Debug, Default, Clone, Copy)]
pub struct HelpOverlay;

impl Widget for HelpOverlay {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let rows: Vec<(String, &str)> = KEY_MAP.iter().map(|row| (row.keys(), row.what)).collect();
        let key_width = rows
            .iter()
            .map(|(keys, _)| display_width(keys))
            .max()
            .unwrap_or(0);
        let text_width = rows
            .iter()
            .map(|(_, what)| display_width(what))
            .max()
            .unwrap_or(0);
        let width = u16::try_from(key_width + text_width + 6).unwrap_or(u16::MAX);
        let height = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX);
        let [row] = Layout::vertical([Constraint::Length(height)])
            .flex(Flex::Center)
            .areas(area);
        let [popup] = Layout::horizontal([Constraint::Length(width)])
            .flex(Flex::Center)
            .areas(row);

        let key_style = Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD);
        let lines: Vec<Line> = rows
            .iter()
            .map(|(keys, what)| {
                Line::from(vec![
                    Span::styled(format!("{keys:<key_width$}"), key_style),
                    Span::raw("  "),
                    Span::raw(*what),
                ])
            })
            .collect();
        Clear.render(popup, buf);
        Paragraph::new(lines)
            .block(
                Block::bordered()
                    .title(" keys ")
                    .title_bottom(Line::from(" Esc or ? closes ").right_aligned()),
            )
            .render(popup, buf);
    }
}
