//! The one-line status bar: whose conversation, how much is loaded, and the
//! last thing worth telling (an error in red).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::state::{AppState, LoadState, StatusKind};
use crate::wrap::{display_width, truncate};

/// The status bar, drawn from the app state.
#[derive(Debug)]
pub struct StatusBar<'a> {
    state: &'a AppState,
}

impl<'a> StatusBar<'a> {
    /// A status bar showing `state`.
    pub fn new(state: &'a AppState) -> Self {
        Self { state }
    }

    fn summary(&self) -> String {
        let state = self.state;
        let loaded = state.conversation().len();
        let counts = match state.total() {
            Some(total) => format!("{loaded}/{total} messages"),
            None => "connecting…".to_owned(),
        };
        let activity = if state.fetching_link() {
            " · fetching link…"
        } else {
            match state.load_state() {
                LoadState::Loading(_) if state.total().is_some() => " · loading…",
                _ => "",
            }
        };
        format!(" visitor {} · {counts}{activity} ", state.user_id())
    }
}

impl Widget for StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        let base = Style::default().bg(Color::DarkGray).fg(Color::White);
        buf.set_style(area, base);
        let width = usize::from(area.width);
        let hint = " ? help ";
        let summary = self.summary();
        let mut spans = vec![Span::styled(
            truncate(&summary, width),
            base.add_modifier(Modifier::BOLD),
        )];
        let used = display_width(&summary);
        if let Some(status) = self.state.status() {
            let room = width.saturating_sub(used + display_width(hint) + 1);
            if room > 0 {
                let style = match status.kind {
                    StatusKind::Error => base.fg(Color::LightRed).add_modifier(Modifier::BOLD),
                    StatusKind::Info => base.fg(Color::Yellow),
                };
                let marker = match status.kind {
                    StatusKind::Error => "✗ ",
                    StatusKind::Info => "",
                };
                spans.push(Span::styled(
                    truncate(&format!("{marker}{}", status.text), room),
                    style,
                ));
            }
        }
        let left = Line::from(spans);
        buf.set_line(area.x, area.y, &left, area.width);
        let hint_width = display_width(hint);
        if used + hint_width < width {
            let x = area.x + area.width - u16::try_from(hint_width).unwrap_or(area.width);
            buf.set_string(x, area.y, hint, base);
        }
    }
}
