//! The `F` menu, in a small box over the conversation: one line a choice,
//! its letter first, the choices made ticked, the marked line reversed.
//! Each choice shows at once behind it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::state::{FilterChoice, FilterMenu};
use crate::ui::text_box::TextBox;

/// The keys, for the box's bottom edge.
const CLOSES: &str = "F or Esc returns";
/// Under the choices: how to make one.
const HOW: &str = "a letter, or ↑↓ and Space";

/// The menu as `menu` stands.
#[derive(Debug)]
pub struct FilterMenuBox<'a> {
    pub menu: &'a FilterMenu,
}

impl FilterMenuBox<'_> {
    fn lines(&self) -> Vec<Line<'static>> {
        let filter = self.menu.filter();
        let key_style = Style::default()
            .fg(Color::Cyan)
            .add_modifier(Modifier::BOLD);
        let mut lines: Vec<Line<'static>> = FilterChoice::ALL
            .iter()
            .enumerate()
            .map(|(at, choice)| {
                let chosen = choice.chosen(filter);
                // The auto-invitations line is a switch; the others, one of a kind.
                let tick = match (*choice == FilterChoice::HideAutoInvitations, chosen) {
                    (true, true) => "[x]",
                    (true, false) => "[ ]",
                    (false, true) => "(•)",
                    (false, false) => "( )",
                };
                let line = Line::from(vec![
                    Span::styled(format!("{} ", choice.key()), key_style),
                    Span::raw(format!("{tick} {}", choice.label())),
                ]);
                if at == self.menu.marked() {
                    line.style(Style::default().add_modifier(Modifier::REVERSED))
                } else {
                    line
                }
            })
            .collect();
        lines.push(Line::from(""));
        lines.push(Line::from(HOW));
        lines
    }
}

impl Widget for FilterMenuBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        TextBox {
            title: "filter",
            lines: self.lines(),
            scroll: 0,
            closes: CLOSES,
        }
        .render(area, buf);
    }
}
