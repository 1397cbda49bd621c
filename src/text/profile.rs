//! Who the visitor is, in full: name, e-mail, reference, when they were
//! created and last seen, the last page they were on, and the website's
//! attributes as a name/value table. Beside the conversation on a wide
//! screen, a box over it on a narrow one. Every value is the visitor's own
//! (or their website's) text, sanitized on one line and wrapped to show
//! whole; one field is marked, for `c` to copy. These are its lines and
//! extent; `ui::profile` draws them.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::sanitize::sanitize_line;
use crate::text::text_box;
use crate::timefmt::LocalZone;
use crate::visitor::VisitorInfo;
use crate::wrap::{display_width, truncate, wrap};

/// The panel's width beside the conversation, border included.
pub const PANEL_WIDTH: u16 = 46;
/// The narrowest screen that shows the panel beside the conversation rather than over it.
pub const BESIDE_MIN_WIDTH: u16 = 120;
/// The widest a box over the conversation gets.
const MAX_TEXT_WIDTH: usize = 60;
/// The label column's width: the longest label and a space.
const LABEL_WIDTH: usize = 10;

/// True if a screen `width` columns wide shows the panel beside the conversation.
pub fn beside(width: u16) -> bool {
    width >= BESIDE_MIN_WIDTH
}

/// The columns of text the panel has in `area`.
pub fn text_width(area: Rect, beside: bool) -> usize {
    if beside {
        usize::from(PANEL_WIDTH.saturating_sub(2))
    } else {
        text_box::text_width(MAX_TEXT_WIDTH, area)
    }
}

/// Rows the profile takes, how many the panel shows at once in `area` (the
/// conversation's area when over it, the screen's height when beside), and
/// the rows of field `field` (first, one past the last), to keep it on screen.
pub fn extent(
    info: &VisitorInfo,
    zone: LocalZone,
    area: Rect,
    beside: bool,
    field: usize,
) -> (usize, usize, (usize, usize)) {
    let layout = layout(info, zone, text_width(area, beside), Some(field));
    let rows = layout.lines.len();
    let page = if beside {
        usize::from(area.height).saturating_sub(2)
    } else {
        text_box::text_rows(rows, area)
    };
    let span = layout.fields.get(field).copied().unwrap_or((0, 0));
    (rows, page, span)
}

/// One line of the profile: a label and the visitor's value for it (none
/// when they gave none), sanitized. `c` copies the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub label: String,
    pub value: Option<String>,
    /// A website attribute (under "attributes"), not one of the user's own fields.
    attribute: bool,
}

/// The profile's fields, in the order shown; none until it is known.
pub fn fields(info: &VisitorInfo, zone: LocalZone) -> Vec<Field> {
    let VisitorInfo::Known(visitor) = info else {
        return Vec::new();
    };
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| at.map(|t| zone.full_timestamp(t));
    let own: [(&str, Option<String>); 7] = [
        ("name", visitor.name.clone()),
        ("email", visitor.email.clone()),
        ("reference", visitor.reference.clone()),
        ("id", Some(visitor.id.to_string())),
        ("created", when(visitor.created_at)),
        ("last seen", when(visitor.online_at)),
        ("last URL", visitor.last_url.clone()),
    ];
    let clean = |value: Option<&str>| {
        value
            .map(sanitize_line)
            .filter(|value| !value.trim().is_empty())
    };
    let mut out: Vec<Field> = own
        .into_iter()
        .map(|(label, value)| Field {
            label: label.to_owned(),
            value: clean(value.as_deref()),
            attribute: false,
        })
        .collect();
    out.extend(visitor.attributes.iter().map(|a| Field {
        label: sanitize_line(&a.name),
        value: clean(Some(&a.value)),
        attribute: true,
    }));
    out
}

/// The profile laid out: its lines, and each field's rows.
struct Layout {
    lines: Vec<Line<'static>>,
    fields: Vec<(usize, usize)>,
}

/// The profile as lines `width` columns wide at most; long values wrap
/// under themselves, so every one shows whole. Field `highlighted` is
/// marked.
pub fn lines(
    info: &VisitorInfo,
    zone: LocalZone,
    width: usize,
    highlighted: Option<usize>,
) -> Vec<Line<'static>> {
    layout(info, zone, width, highlighted).lines
}

fn layout(info: &VisitorInfo, zone: LocalZone, width: usize, highlighted: Option<usize>) -> Layout {
    let dim = Style::default().fg(Color::Gray);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let status = |lines| Layout {
        lines,
        fields: Vec::new(),
    };
    match info {
        VisitorInfo::Known(_) => {}
        VisitorInfo::NotAsked | VisitorInfo::Loading => {
            return status(vec![Line::from(Span::styled("loading the profile…", dim))]);
        }
        VisitorInfo::Failed(reason) => {
            return status(vec![
                Line::from("The profile could not be read:"),
                Line::from(Span::styled(
                    truncate(&sanitize_line(reason), width.max(1)),
                    dim,
                )),
            ]);
        }
    }
    let fields = fields(info, zone);
    // Attribute names get a column as wide as the longest (up to half the width).
    let attribute_names = fields
        .iter()
        .filter(|f| f.attribute)
        .map(|f| display_width(&f.label))
        .max()
        .unwrap_or(0)
        .min(width / 2)
        .max(1)
        + 1;
    let mut out = Layout {
        lines: Vec::new(),
        fields: Vec::new(),
    };
    let mut in_attributes = false;
    for (index, field) in fields.iter().enumerate() {
        if field.attribute && !in_attributes {
            in_attributes = true;
            out.lines.push(Line::default());
            out.lines.push(Line::from(Span::styled("attributes", bold)));
        }
        let label_width = if field.attribute {
            attribute_names
        } else {
            LABEL_WIDTH
        };
        let first = out.lines.len();
        let label_style = if highlighted == Some(index) {
            dim.add_modifier(Modifier::REVERSED)
        } else {
            dim
        };
        field_lines(&mut out.lines, field, label_width, width, label_style, dim);
        out.fields.push((first, out.lines.len()));
    }
    if !in_attributes {
        out.lines.push(Line::default());
        out.lines
            .push(Line::from(Span::styled("no attributes", dim)));
    }
    out
}

/// One field: its label in a column `label_width` wide, then its value,
/// wrapped to the width left and continued under itself.
fn field_lines(
    lines: &mut Vec<Line<'static>>,
    field: &Field,
    label_width: usize,
    width: usize,
    label_style: Style,
    dim: Style,
) {
    let label_width = label_width.min(width.saturating_sub(1)).max(1);
    let label = truncate(&field.label, label_width.saturating_sub(1).max(1));
    let pad = " ".repeat(label_width.saturating_sub(display_width(&label)));
    let label = vec![Span::styled(label, label_style), Span::styled(pad, dim)];
    let room = width.saturating_sub(label_width).max(1);
    let Some(value) = &field.value else {
        let mut first = label;
        first.push(Span::styled("—", dim));
        lines.push(Line::from(first));
        return;
    };
    for (i, row) in wrap(value, room).into_iter().enumerate() {
        let mut spans = if i == 0 {
            label.clone()
        } else {
            vec![Span::raw(" ".repeat(label_width))]
        };
        spans.push(Span::raw(row));
        lines.push(Line::from(spans));
    }
}
