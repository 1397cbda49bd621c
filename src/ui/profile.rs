//! Who the visitor is, in full: name, e-mail, reference, when they were
//! created and last seen, the last page they were on, and the website's
//! attributes as a name/value table. Beside the conversation on a wide
//! screen, a box over it on a narrow one. Every value is the visitor's own
//! (or their website's) text, sanitized on one line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use crate::sanitize::sanitize_line;
use crate::state::{AppState, VisitorInfo};
use crate::timefmt::LocalZone;
use crate::ui::text_box::{self, TextBox};
use crate::visitor::Visitor;
use crate::wrap::{display_width, truncate};

/// The panel's width beside the conversation, border included.
pub const PANEL_WIDTH: u16 = 46;
/// The narrowest screen that shows the panel beside the conversation rather than over it.
pub const BESIDE_MIN_WIDTH: u16 = 120;
/// The widest a box over the conversation gets.
const MAX_TEXT_WIDTH: usize = 60;
/// The label column's width: the longest label and a space.
const LABEL_WIDTH: usize = 10;
/// The panel's title.
const TITLE: &str = "visitor";
/// The keys, for the panel's bottom edge.
const KEYS: &str = "o opens the last URL · p closes";

/// True if a screen `width` columns wide shows the panel beside the conversation.
pub fn beside(width: u16) -> bool {
    width >= BESIDE_MIN_WIDTH
}

/// The columns of text the panel has in `area`.
fn text_width(area: Rect, beside: bool) -> usize {
    if beside {
        usize::from(PANEL_WIDTH.saturating_sub(2))
    } else {
        text_box::text_width(MAX_TEXT_WIDTH, area)
    }
}

/// Rows the profile takes, and how many the panel shows at once, in `area`
/// (the conversation's area when over it, the screen's height when beside).
pub fn extent(info: &VisitorInfo, zone: LocalZone, area: Rect, beside: bool) -> (usize, usize) {
    let rows = lines(info, zone, text_width(area, beside)).len();
    let page = if beside {
        usize::from(area.height).saturating_sub(2)
    } else {
        text_box::text_rows(rows, area)
    };
    (rows, page)
}

/// The profile as lines `width` columns wide at most.
pub fn lines(info: &VisitorInfo, zone: LocalZone, width: usize) -> Vec<Line<'static>> {
    let dim = Style::default().fg(Color::Gray);
    let visitor = match info {
        VisitorInfo::Known(visitor) => visitor,
        VisitorInfo::NotAsked | VisitorInfo::Loading => {
            return vec![Line::from(Span::styled("loading the profile…", dim))];
        }
        VisitorInfo::Failed(reason) => {
            return vec![
                Line::from("The profile could not be read:"),
                Line::from(Span::styled(
                    truncate(&sanitize_line(reason), width.max(1)),
                    dim,
                )),
            ];
        }
    };
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| at.map(|t| zone.full_timestamp(t));
    let fields: [(&str, Option<String>); 7] = [
        ("name", visitor.name.clone()),
        ("email", visitor.email.clone()),
        ("reference", visitor.reference.clone()),
        ("id", Some(visitor.id.to_string())),
        ("created", when(visitor.created_at)),
        ("last seen", when(visitor.online_at)),
        ("last URL", visitor.last_url.clone()),
    ];
    let mut out: Vec<Line<'static>> = fields
        .into_iter()
        .map(|(label, value)| field(label, value.as_deref(), width, dim))
        .collect();
    out.push(Line::default());
    out.extend(attributes(visitor, width, dim));
    out
}

/// One `label value` row; the value is cut to the width left.
fn field(label: &str, value: Option<&str>, width: usize, dim: Style) -> Line<'static> {
    let room = width.saturating_sub(LABEL_WIDTH).max(1);
    let value = value
        .map(sanitize_line)
        .filter(|value| !value.trim().is_empty());
    let label = Span::styled(format!("{label:<LABEL_WIDTH$}"), dim);
    match value {
        Some(value) => Line::from(vec![label, Span::raw(truncate(&value, room))]),
        None => Line::from(vec![label, Span::styled("—", dim)]),
    }
}

/// The website's attributes, a name column as wide as the longest name
/// (up to half the width) and the values beside it.
fn attributes(visitor: &Visitor, width: usize, dim: Style) -> Vec<Line<'static>> {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    if visitor.attributes.is_empty() {
        return vec![Line::from(Span::styled("no attributes", dim))];
    }
    let rows: Vec<(String, String)> = visitor
        .attributes
        .iter()
        .map(|a| (sanitize_line(&a.name), sanitize_line(&a.value)))
        .collect();
    let names = rows
        .iter()
        .map(|(name, _)| display_width(name))
        .max()
        .unwrap_or(0)
        .min(width / 2)
        .max(1);
    let values = width.saturating_sub(names + 1).max(1);
    let mut out = vec![Line::from(Span::styled("attributes", bold))];
    out.extend(rows.into_iter().map(|(name, value)| {
        let name = truncate(&name, names);
        let pad = " ".repeat(names - display_width(&name) + 1);
        Line::from(vec![
            Span::styled(format!("{name}{pad}"), dim),
            Span::raw(truncate(&value, values)),
        ])
    }));
    out
}

/// The profile panel of `state`'s visitor, scrolled by `scroll` rows.
#[derive(Debug)]
pub struct ProfilePanel<'a> {
    pub state: &'a AppState,
    pub scroll: usize,
    /// Drawn in its own column beside the conversation, rather than over it.
    pub beside: bool,
}

impl Widget for ProfilePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let zone = self.state.viewport().zone();
        let lines = lines(self.state.visitor(), zone, text_width(area, self.beside));
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
