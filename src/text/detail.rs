//! The detail overlay's lines: every field of one message, then the
//! message's JSON as the server sent it, indented one member a line, all
//! sanitized. `ui::detail` draws them in a box with rules above and below
//! but no sides, so a mouse selection of its lines takes the JSON alone.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use unicode_segmentation::UnicodeSegmentation;

use crate::attachment::shown_name;
use crate::model::{Message, Sender};
use crate::sanitize::{sanitize_line, sanitize_text};
use crate::text::json_layout::chars_marking_strings;
use crate::timefmt::LocalZone;
use crate::wrap::{TOO_WIDE_PLACEHOLDER, display_width, wrap};

/// Said for the link of a message read back from the archive.
const ARCHIVED_LINK: &str = "not archived (o and y fetch a fresh one)";

/// Columns of the label column, the gap after the longest label included.
const LABEL_WIDTH: usize = 18;
/// Below this many columns for values, each value goes under its label.
const MIN_VALUE_WIDTH: usize = 16;
/// Indent of a value under its label, in the narrow layout.
const NARROW_INDENT: usize = 2;
/// Shown for a field the server left out.
const NOT_GIVEN: &str = "—";
/// Spaces per level of the JSON's indentation.
const JSON_INDENT: usize = 2;

/// The overlay's frame: rules above and below, none beside the lines.
pub fn frame() -> Block<'static> {
    Block::new().borders(Borders::TOP | Borders::BOTTOM)
}

/// The inside of the overlay's frame in `area`: where the content goes.
pub fn content_area(area: Rect) -> Rect {
    frame().inner(area)
}

/// A message's JSON as the detail has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Json<'a> {
    /// As received (untrusted).
    Text(&'a str),
    /// Being read from the archive.
    Reading,
    /// It cannot be shown, for this reason.
    Unavailable(&'a str),
}

/// Said under the JSON's heading while it is read from the archive.
pub const READING: &str = "reading…";

/// A message's JSON as the detail shows it (and `c` there copies it):
/// as received, indented, sanitized.
pub fn json_text(raw: &str) -> String {
    sanitize_text(&pretty_json(raw))
}

/// `raw` with one member or element a line, indented by depth: only the
/// whitespace between tokens changes, so every string, number and key
/// stays exactly as sent (in its order), even in JSON that is not valid.
fn pretty_json(raw: &str) -> String {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&" ".repeat(depth * JSON_INDENT));
    };
    let mut out = String::with_capacity(raw.len() * 2);
    let mut depth = 0;
    let mut chars = chars_marking_strings(raw.trim()).peekable();
    let between_tokens =
        |wanted: fn(char) -> bool| move |&(c, in_string): &(char, bool)| !in_string && wanted(c);
    while let Some((c, in_string)) = chars.next() {
        if in_string {
            out.push(c);
            continue;
        }
        match c {
            '{' | '[' => {
                out.push(c);
                while chars.next_if(between_tokens(char::is_whitespace)).is_some() {}
                // An empty object or array stays on its line.
                if let Some((close, _)) = chars.next_if(between_tokens(|c| matches!(c, '}' | ']')))
                {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// The overlay's content for `message`, its JSON as `json` says, at
/// `width` columns, every line sanitized and no wider than `width`.
pub fn detail_lines(
    message: &Message,
    json: Json<'_>,
    zone: LocalZone,
    width: u16,
) -> Vec<Line<'static>> {
    let width = usize::from(width).max(1);
    let mut lines = Vec::new();
    for (label, value) in fields(message, zone) {
        field_lines(&mut lines, label, &value, width);
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        "JSON as received",
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    ));
    let text = match json {
        Json::Text(raw) => json_text(raw),
        Json::Reading => READING.to_owned(),
        Json::Unavailable(reason) => format!("cannot be shown: {}", sanitize_line(reason)),
    };
    // A line too long is cut at the width rather than between words:
    // every character as sent.
    for row in text.split('\n').flat_map(|line| cut(line, width)) {
        lines.push(Line::raw(row));
    }
    lines
}

/// Every field, labelled, sanitized.
fn fields(message: &Message, zone: LocalZone) -> Vec<(&'static str, String)> {
    let given = |value: &Option<String>| {
        value
            .as_deref()
            .map_or_else(|| NOT_GIVEN.to_owned(), sanitize_line)
    };
    let flag = |value: Option<bool>| {
        match value {
            Some(true) => "yes",
            Some(false) => "no",
            None => NOT_GIVEN,
        }
        .to_owned()
    };
    let mut fields = vec![
        ("id", message.id.to_string()),
        (
            "sender id",
            message
                .sender_id
                .map_or_else(|| NOT_GIVEN.to_owned(), |id| id.to_string()),
        ),
    ];
    match &message.sender {
        Sender::Visitor { name, email } => {
            fields.push(("name", given(name)));
            fields.push(("email", given(email)));
        }
        Sender::Operator {
            forename,
            surname,
            email,
        } => {
            fields.push(("forename", given(forename)));
            fields.push(("surname", given(surname)));
            fields.push(("email", given(email)));
        }
        Sender::Other { .. } => {}
    }
    let role = match &message.sender {
        Sender::Other { kind: Some(kind) } => {
            format!("other (sender type “{}”)", sanitize_line(kind))
        }
        Sender::Other { kind: None } => "other (no sender type)".to_owned(),
        sender => sender.role_label().to_owned(),
    };
    fields.push(("role", role));
    let (local, utc) = match message.created_at {
        Some(t) => (
            zone.zoned(t)
                .format("%a %-d %b %Y %H:%M:%S %:z")
                .to_string(),
            t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        ),
        None => (NOT_GIVEN.to_owned(), NOT_GIVEN.to_owned()),
    };
    fields.push(("local time", local));
    fields.push(("UTC time", utc));
    fields.push(("read by visitor", flag(message.read_by_user)));
    fields.push(("read by operator", flag(message.read_by_operator)));
    fields.push(("auto-invitation", flag(Some(message.auto_invitation))));
    match (&message.file_url, shown_name(message)) {
        (Some(url), Some(name)) => {
            fields.push(("attachment", name));
            fields.push(("attachment URL", sanitize_line(url)));
        }
        (None, Some(name)) => {
            fields.push(("attachment", name));
            // The link dies 20 s after its answer, so the archive never keeps it.
            fields.push(("attachment URL", ARCHIVED_LINK.to_owned()));
        }
        _ => fields.push(("attachment", "none".to_owned())),
    }
    fields.push(("text", sanitize_text(&message.body)));
    fields
}

/// One field: the label, then the (sanitized) value wrapped beside it, or
/// under it when the value column would be too narrow.
fn field_lines(lines: &mut Vec<Line<'static>>, label: &'static str, value: &str, width: usize) {
    let label_style = Style::new().add_modifier(Modifier::BOLD);
    let value = if value.trim().is_empty() {
        NOT_GIVEN
    } else {
        value
    };
    let beside = width.saturating_sub(LABEL_WIDTH);
    if beside >= MIN_VALUE_WIDTH {
        for (i, row) in wrap(value, beside).into_iter().enumerate() {
            let head = if i == 0 { label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{head:<LABEL_WIDTH$}"), label_style),
                Span::raw(row),
            ]));
        }
    } else {
        lines.push(Line::from(cut(label, width).remove(0)).style(label_style));
        let indent = NARROW_INDENT.min(width - 1);
        for row in wrap(value, width - indent) {
            lines.push(Line::raw(format!("{}{row}", " ".repeat(indent))));
        }
    }
}

/// `line` in pieces of at most `width` columns, cut between graphemes; a
/// grapheme wider than the whole line becomes a placeholder.
fn cut(line: &str, width: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    let mut used = 0;
    for grapheme in line.graphemes(true) {
        let too_wide = display_width(grapheme) > width;
        let w = if too_wide { 1 } else { display_width(grapheme) };
        if used + w > width {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            if too_wide {
                row.push(TOO_WIDE_PLACEHOLDER);
            } else {
                row.push_str(grapheme);
            }
        }
        used += w;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_json_changes_only_the_space_between_tokens() {
        let raw = r#"{"id":1,"body":"a, b: {c} [d] \" e","tags":[],"o":{},"n":[1, 2]}"#;
        let pretty = pretty_json(raw);
        assert_eq!(
            pretty,
            "{\n  \"id\": 1,\n  \"body\": \"a, b: {c} [d] \\\" e\",\n  \"tags\": [],\n  \
             \"o\": {},\n  \"n\": [\n    1,\n    2\n  ]\n}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(
            parsed,
            serde_json::from_str::<serde_json::Value>(raw).unwrap()
        );
    }

    #[test]
    fn cutting_keeps_every_character_and_no_row_is_too_wide() {
        assert_eq!(cut("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(cut("", 3), [""]);
        assert_eq!(cut("a日本", 3), ["a日", "本"]);
        assert_eq!(cut("日本", 1), ["▯", "▯"]);
    }
}
