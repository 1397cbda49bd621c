//! The layout of one message as styled terminal lines.
//!
//! ```text
//! ▎ David Smith · visitor · 17:18 · ✓ seen
//! ▎ test chat message
//!
//!             ▎ John Smith · operator · 18:18 · unseen
//!             ▎ test response from operator
//! ```
//!
//! Visitor and operator are told apart three ways, so no one depends on colour:
//! the role label in the header, the alignment (operator blocks are indented), and the
//! colour of the gutter bar and name (cyan for visitors, magenta for operators, grey
//! for senders of an unknown type).
//!
//! Every line of a block is `[indent, gutter, content...]`, the last line is blank
//! spacing, and no line is wider than the width asked for.

use chrono::TimeDelta;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

use crate::attachment;
use crate::metrics::wording;
use crate::model::{EntryRef, Message, MessageId, Sender, Unreadable};
use crate::sanitize::{sanitize_line, sanitize_text};
use crate::timefmt::LocalZone;
use crate::wrap::{ELLIPSIS, display_width, truncate, wrap};

/// The bar at the left of every line of a block.
pub const GUTTER_BAR: &str = "▎";
/// Bar and a space: the gutter whenever there is room for it.
const FULL_GUTTER: &str = "▎ ";
/// The bar of the selected block: thicker, so selection shows without colour.
pub const SELECTED_GUTTER_BAR: &str = "▌";
/// Between header fields.
const SEPARATOR: &str = " · ";
/// Shown before an attachment's name.
pub const ATTACHMENT_ICON: &str = "📎 ";
/// The keys that act on an attachment, longest first: the first that fits is shown.
const ATTACHMENT_HINTS: [&str; 2] = ["(o open · y copy link)", "(o open · y copy)"];
/// Between the attachment name and its hint.
const ATTACHMENT_HINT_GAP: &str = "  ";
/// Shown for a message with neither text nor attachment.
const NO_TEXT: &str = "(no text)";
/// Shown when a message has no readable timestamp.
const TIME_UNKNOWN: &str = "time unknown";
/// Name shown for a sender of a type this version does not know.
const UNKNOWN_SENDER: &str = "Unknown sender";
/// The dash that fills a day separator.
const RULE: &str = "─";

/// Operator blocks are indented by this fraction (1/N) of the width...
const OPERATOR_INDENT_DIVISOR: usize = 5;
/// ...but by at least this many columns...
const OPERATOR_INDENT_MIN: usize = 2;
/// ...and at most this many, so wide terminals do not waste half the screen.
const OPERATOR_INDENT_MAX: usize = 20;
/// The indent gives way when fewer columns than this would be left for text.
const MIN_TEXT_WIDTH: usize = 10;
/// From this width on the gutter is bar plus space; below, just the bar.
const FULL_GUTTER_FROM: usize = 6;
/// Below this width there is no gutter at all: every column goes to text.
const BAR_GUTTER_FROM: usize = 3;
/// Below this text width the header is one cut line instead of fields flowing
/// over several lines.
const MIN_FLOW_WIDTH: usize = 6;
/// A name is shortened to no fewer columns than this before the header gives up
/// and is cut as a whole.
const MIN_NAME_WIDTH: usize = 6;

const VISITOR_COLOR: Color = Color::Cyan;
const OPERATOR_COLOR: Color = Color::Magenta;
const OTHER_COLOR: Color = Color::Gray;
const UNSEEN_COLOR: Color = Color::Yellow;
const UNREADABLE_COLOR: Color = Color::Yellow;

/// How one message looks at a given width. Pure: no I/O. Cached by the caller per (message id, width).
///
/// Every line but the last is `[indent, gutter, content...]`; the last is a blank spacer.
/// At width 0 nothing can be shown and the result is empty.
#[must_use]
pub fn message_lines(msg: &Message, width: u16, zone: &LocalZone) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if width == 0 {
        return Vec::new();
    }
    if let Some(unreadable) = &msg.unreadable {
        return placeholder_lines(unreadable, width);
    }
    let look = Look::of(&msg.sender, width);
    let text_width = width - look.indent - display_width(look.gutter);

    let mut content: Vec<Vec<Span<'static>>> = header(msg, &look, text_width, *zone);

    let body = body_text(&msg.body);
    if !body.is_empty() {
        content.extend(
            wrap(&body, text_width)
                .into_iter()
                .map(|line| vec![Span::styled(line, look.body)]),
        );
    }
    match attachment::shown_name(msg) {
        Some(name) => content.extend(attachment(name, text_width)),
        None if body.is_empty() => {
            content.push(fit(
                vec![Span::styled(NO_TEXT, meta().italic())],
                text_width,
            ));
        }
        None => {}
    }

    let mut lines: Vec<Line<'static>> = content
        .into_iter()
        .map(|spans| {
            let mut line = vec![
                Span::raw(" ".repeat(look.indent)),
                Span::styled(look.gutter, Style::new().fg(look.color)),
            ];
            line.extend(spans);
            Line::from(line)
        })
        .collect();
    lines.push(Line::default());
    lines
}

/// Keeps `rows` rows for a preview under the content of `lines` (a block
/// from [`message_lines`]), above its blank spacer: each is the block's
/// indent and gutter, so the bar runs on beside the picture.
pub fn keep_preview_rows(lines: &mut Vec<Line<'static>>, rows: usize) {
    if rows == 0 || lines.len() < 2 {
        return;
    }
    let margin: Vec<Span<'static>> = lines[0].spans.iter().take(2).cloned().collect();
    let spacer = lines.len() - 1;
    lines.splice(
        spacer..spacer,
        (0..rows).map(|_| Line::from(margin.clone())),
    );
}

/// The columns before the content of a block's line: its indent and gutter.
pub fn margin_width(line: &Line<'_>) -> usize {
    line.spans.iter().take(2).map(Span::width).sum()
}

/// The row that stands in for an entry the server sent but szchat could not
/// read: "message 30 could not be read: <why>", in italics behind a yellow bar,
/// with no header, so it cannot be taken for a message.
fn placeholder_lines(unreadable: &Unreadable, width: usize) -> Vec<Line<'static>> {
    let gutter = gutter_for(width);
    let text_width = width - display_width(gutter);
    let what = match unreadable.entry {
        EntryRef::Id(id) => format!("message {id}"),
        EntryRef::Offset(offset) => format!("the message at offset {offset}"),
    };
    let reason = sanitize_line(&unreadable.reason);
    let text = format!("{what} could not be read: {}", reason.trim());
    let style = Style::new()
        .fg(UNREADABLE_COLOR)
        .add_modifier(Modifier::ITALIC);
    let mut lines: Vec<Line<'static>> = wrap(&text, text_width)
        .into_iter()
        .map(|line| {
            Line::from(vec![
                Span::raw(""),
                Span::styled(gutter, Style::new().fg(UNREADABLE_COLOR)),
                Span::styled(line, style),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines
}

/// A centred day separator line like "──── Mon 9 Feb 2018 ────" (width-aware), shown before the first message of each local day.
///
/// The rule fills the whole width; when the label alone does not fit it is truncated.
#[must_use]
pub fn day_separator(label: &str, width: u16) -> Line<'static> {
    let width = usize::from(width);
    let label = truncate(&sanitize_line(label), width);
    let label_width = display_width(&label);
    let style = meta();
    // Bold alone: many terminals cannot show bold and dim at once.
    let label_style = Style::new().add_modifier(Modifier::BOLD);
    let Some(rule) = width.checked_sub(label_width + 2) else {
        return Line::from(Span::styled(label, label_style));
    };
    let left = rule / 2;
    let right = rule - left;
    Line::from(vec![
        Span::styled(format!("{} ", RULE.repeat(left)), style),
        Span::styled(label, label_style),
        Span::styled(format!(" {}", RULE.repeat(right)), style),
    ])
}

/// The centred line between two sessions, "— 3 h 12 min later —": how long
/// nothing was said. Cut to `width` when it does not fit.
#[must_use]
pub fn session_line(pause: TimeDelta, width: u16) -> Line<'static> {
    let text = format!("— {} later —", wording::span(pause));
    Line::from(Span::styled(
        truncate(&text, usize::from(width)),
        meta().italic(),
    ))
    .centered()
}

/// True for the span that lists the keys acting on an attachment: an
/// export leaves it out, as no key reaches a file.
#[must_use]
pub fn is_key_hint(span: &Span<'_>) -> bool {
    ATTACHMENT_HINTS.contains(&span.content.as_ref())
}

/// The same block with the "selected" highlight applied (e.g. reversed/bold gutter marker) — keep it cheap:
/// it restyles the given lines, does not re-wrap.
///
/// The gutter bar becomes a thicker bold one and the header is shown in reverse video,
/// both visible without colour. Widths do not change, so the block still fits.
pub fn highlight(lines: &mut [Line<'static>]) {
    for (i, line) in lines.iter_mut().enumerate() {
        if let Some(gutter) = line.spans.get_mut(1)
            && let Some(rest) = gutter.content.strip_prefix(GUTTER_BAR)
        {
            gutter.content = format!("{SELECTED_GUTTER_BAR}{rest}").into();
            gutter.style = gutter.style.add_modifier(Modifier::BOLD);
        }
        if i == 0 {
            for span in line.spans.iter_mut().skip(2) {
                span.style = span.style.add_modifier(Modifier::REVERSED);
            }
        }
    }
}

/// Adds the message's id, dimmed, at the end of the header's first line of
/// a block laid out `width` columns wide, if it fits there: the id `:#id`
/// jumps to. The selected message alone shows it, so the block's height
/// never changes.
pub fn add_id(lines: &mut [Line<'static>], id: MessageId, width: u16) {
    let Some(header) = lines.first_mut() else {
        return;
    };
    let tag = format!("{SEPARATOR}#{id}");
    if header.width() + display_width(&tag) <= usize::from(width) {
        header.spans.push(Span::styled(tag, meta()));
    }
}

/// What a sender's block looks like at a width.
struct Look {
    indent: usize,
    gutter: &'static str,
    color: Color,
    body: Style,
}

impl Look {
    fn of(sender: &Sender, width: usize) -> Self {
        let gutter = gutter_for(width);
        let (indent, color, body) = match sender {
            Sender::Visitor { .. } => (0, VISITOR_COLOR, Style::new()),
            Sender::Operator { .. } => {
                (operator_indent(width, gutter), OPERATOR_COLOR, Style::new())
            }
            Sender::Other { .. } => (0, OTHER_COLOR, Style::new().fg(OTHER_COLOR)),
        };
        Look {
            indent,
            gutter,
            color,
            body,
        }
    }
}

/// Bar and space when there is room, the bar alone when narrow, else nothing.
fn gutter_for(width: usize) -> &'static str {
    if width >= FULL_GUTTER_FROM {
        FULL_GUTTER
    } else if width >= BAR_GUTTER_FROM {
        GUTTER_BAR
    } else {
        ""
    }
}

/// About a fifth of the width, kept within bounds and never squeezing the text below
/// `MIN_TEXT_WIDTH` (on very narrow terminals the indent disappears and the label and
/// colour carry the distinction alone).
fn operator_indent(width: usize, gutter: &str) -> usize {
    let wanted = (width / OPERATOR_INDENT_DIVISOR).clamp(OPERATOR_INDENT_MIN, OPERATOR_INDENT_MAX);
    wanted.min(width.saturating_sub(display_width(gutter) + MIN_TEXT_WIDTH))
}

/// Dim text for everything that is not the message itself.
fn meta() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

/// Header: name, role, time, then the auto-invitation marker and read receipt, on one
/// line when they fit and flowing onto more lines when they do not.
fn header(msg: &Message, look: &Look, width: usize, zone: LocalZone) -> Vec<Vec<Span<'static>>> {
    let role = match &msg.sender {
        Sender::Other { kind } => {
            match kind.as_deref().map(sanitize_line).as_deref().map(str::trim) {
                Some(kind) if !kind.is_empty() => format!("{} ({kind})", msg.sender.role_label()),
                _ => msg.sender.role_label().to_owned(),
            }
        }
        sender => sender.role_label().to_owned(),
    };
    let name = sender_name(&msg.sender);
    let time = msg
        .created_at
        .map_or_else(|| TIME_UNKNOWN.to_owned(), |t| zone.time_of_day(t));

    let name = Span::styled(
        name,
        Style::new().fg(look.color).add_modifier(Modifier::BOLD),
    );
    let role = Span::styled(role, Style::new().fg(look.color));
    let time = Span::styled(time, meta());

    let mut extras = Vec::new();
    if msg.auto_invitation {
        extras.push(Span::styled(
            "auto-invitation",
            meta().add_modifier(Modifier::ITALIC),
        ));
    }
    let receipt = match msg.sender {
        Sender::Visitor { .. } => msg.read_by_operator,
        Sender::Operator { .. } => msg.read_by_user,
        Sender::Other { .. } => None,
    };
    match receipt {
        Some(true) => extras.push(Span::styled("✓ seen", meta())),
        Some(false) => extras.push(Span::styled("unseen", Style::new().fg(UNSEEN_COLOR))),
        None => {}
    }

    // Everything on one line if it fits; else the marker and receipt go below; else
    // the time goes below with them. The name is shortened before anything is cut.
    let all: Vec<_> = [name.clone(), role.clone(), time.clone()]
        .into_iter()
        .chain(extras.iter().cloned())
        .collect();
    if spans_width(&joined(all.clone())) <= width {
        return vec![joined(all)];
    }
    if width < MIN_FLOW_WIDTH {
        // Too narrow for fields to be readable on lines of their own.
        return vec![fit(joined(all), width)];
    }
    if let Some(first) = with_shrunk_name(&name, vec![role.clone(), time.clone()], width) {
        let mut lines = vec![first];
        lines.extend(flow(extras, width));
        return lines;
    }
    if let Some(first) = with_shrunk_name(&name, vec![role.clone()], width) {
        let mut lines = vec![first];
        lines.extend(flow(std::iter::once(time).chain(extras).collect(), width));
        return lines;
    }
    flow(all, width)
}

/// Fields packed onto as many lines as they need, separated by " · "; a field is cut
/// only when it is wider than a whole line.
fn flow(fields: Vec<Span<'static>>, width: usize) -> Vec<Vec<Span<'static>>> {
    let mut lines: Vec<Vec<Span<'static>>> = Vec::new();
    let mut used = 0;
    for field in fields {
        let field_width = display_width(&field.content);
        match lines.last_mut() {
            Some(line) if used + display_width(SEPARATOR) + field_width <= width => {
                line.push(Span::styled(SEPARATOR, meta()));
                line.push(field);
                used += display_width(SEPARATOR) + field_width;
            }
            _ => {
                let line = fit(vec![field], width);
                used = spans_width(&line);
                lines.push(line);
            }
        }
    }
    lines
}

/// `name · rest...` on one line of `width`, shortening the name to no less than
/// `MIN_NAME_WIDTH` columns; None when even that does not fit.
fn with_shrunk_name(
    name: &Span<'static>,
    rest: Vec<Span<'static>>,
    width: usize,
) -> Option<Vec<Span<'static>>> {
    let rest = joined(rest);
    let room = width.checked_sub(display_width(SEPARATOR) + spans_width(&rest))?;
    let name_width = display_width(&name.content);
    if room < MIN_NAME_WIDTH.min(name_width) {
        return None;
    }
    let mut line = vec![Span::styled(truncate(&name.content, room), name.style)];
    line.push(Span::styled(SEPARATOR, meta()));
    line.extend(rest);
    Some(line)
}

/// Fields with separators between them.
fn joined(fields: Vec<Span<'static>>) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(fields.len() * 2);
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(Span::styled(SEPARATOR, meta()));
        }
        out.push(field);
    }
    out
}

/// The sender's name for the header, sanitized (see [`Sender::sanitized`]);
/// a search matches the same name.
pub fn sender_name(sender: &Sender) -> String {
    match sender {
        // The kind goes into the role label; as a name it would only repeat it.
        Sender::Other { .. } => UNKNOWN_SENDER.to_owned(),
        sender => sender.sanitized().display_name(),
    }
}

/// The body as shown: sanitized, without blank lines before or after the text.
fn body_text(raw: &str) -> String {
    let text = sanitize_text(raw);
    let text = text.trim_end();
    // Drop whole leading blank lines but keep the first line's indentation.
    let start = text
        .split_inclusive('\n')
        .take_while(|line| line.trim().is_empty())
        .map(str::len)
        .sum::<usize>();
    text[start..].to_owned()
}

/// The attachment line: icon, file name and the keys that act on it; the hint moves to
/// its own line when both do not fit.
fn attachment(name: String, width: usize) -> Vec<Vec<Span<'static>>> {
    let name_style = Style::new().add_modifier(Modifier::UNDERLINED);
    let icon_width = display_width(ATTACHMENT_ICON);
    let one_line = icon_width
        + display_width(&name)
        + display_width(ATTACHMENT_HINT_GAP)
        + display_width(ATTACHMENT_HINTS[0]);
    if one_line <= width {
        return vec![vec![
            Span::raw(ATTACHMENT_ICON),
            Span::styled(name, name_style),
            Span::raw(ATTACHMENT_HINT_GAP),
            Span::styled(ATTACHMENT_HINTS[0], meta()),
        ]];
    }
    let name = truncate(&name, width.saturating_sub(icon_width).max(1));
    let hint = ATTACHMENT_HINTS
        .into_iter()
        .find(|hint| display_width(hint) <= width)
        .unwrap_or(ATTACHMENT_HINTS[ATTACHMENT_HINTS.len() - 1]);
    vec![
        fit(
            vec![Span::raw(ATTACHMENT_ICON), Span::styled(name, name_style)],
            width,
        ),
        fit(vec![Span::styled(hint, meta())], width),
    ]
}

fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| display_width(&s.content)).sum()
}

/// Cuts a row of spans to `width` columns, ending with '…' (in the style of the span
/// that was cut) when anything had to go.
fn fit(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    if spans_width(&spans) <= width {
        return spans;
    }
    let mut budget = width.saturating_sub(display_width(&ELLIPSIS.to_string()));
    let mut out = Vec::new();
    let mut last_style = Style::new();
    for span in spans {
        last_style = span.style;
        let mut kept = String::new();
        let mut cut = false;
        for g in span.content.graphemes(true) {
            let w = display_width(g);
            if w > budget {
                cut = true;
                break;
            }
            kept.push_str(g);
            budget -= w;
        }
        if !kept.is_empty() {
            out.push(Span::styled(kept, span.style));
        }
        if cut {
            break;
        }
    }
    // No dangling separator or space before the ellipsis.
    while let Some(last) = out.last_mut() {
        let trimmed = last.content.trim_end();
        if trimmed.is_empty() || SEPARATOR.starts_with(last.content.as_ref()) {
            out.pop();
        } else {
            if trimmed.len() != last.content.len() {
                last.content = trimmed.to_owned().into();
            }
            break;
        }
    }
    if width > 0 {
        out.push(Span::styled(ELLIPSIS.to_string(), last_style));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_indent_is_a_bounded_fifth() {
        assert_eq!(operator_indent(60, FULL_GUTTER), 12);
        assert_eq!(operator_indent(200, FULL_GUTTER), OPERATOR_INDENT_MAX);
        assert_eq!(operator_indent(14, FULL_GUTTER), 2);
        assert_eq!(operator_indent(12, FULL_GUTTER), 0);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        let spans = vec![
            Span::raw("David Smith"),
            Span::raw(" · "),
            Span::raw("visitor"),
        ];
        let text = |s: &[Span<'_>]| s.iter().map(|s| s.content.as_ref()).collect::<String>();
        assert_eq!(text(&fit(spans.clone(), 30)), "David Smith · visitor");
        assert_eq!(text(&fit(spans.clone(), 14)), "David Smith…");
        assert_eq!(text(&fit(spans.clone(), 15)), "David Smith…");
        assert_eq!(text(&fit(spans.clone(), 16)), "David Smith · v…");
        assert_eq!(text(&fit(spans.clone(), 5)), "Davi…");
        assert_eq!(text(&fit(spans.clone(), 1)), "…");
        assert_eq!(text(&fit(spans, 0)), "");
    }
}
