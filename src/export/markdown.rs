//! `--export markdown`: a readable transcript. A heading per local day; per
//! message the sender's name, role and local time, then the body, escaped so
//! Markdown shows it as written (no mention, issue reference or link
//! either); attachments by file name: the API's links die in 20 seconds.

use std::io::{self, Write};

use crate::attachment;
use crate::model::{EntryRef, Message};
use crate::sanitize::{sanitize_line, sanitize_text};
use crate::timefmt::LocalZone;

use super::header_fields;

/// The heading of a new local day.
pub fn write_day(out: &mut impl Write, label: &str) -> io::Result<()> {
    writeln!(out, "\n## {}\n", escape(&sanitize_line(label)))
}

/// One message: a bold header line, the body, the attachment.
pub fn write_message(out: &mut impl Write, message: &Message, zone: &LocalZone) -> io::Result<()> {
    if let Some(unreadable) = &message.unreadable {
        let what = match unreadable.entry {
            EntryRef::Id(id) => format!("message {id}"),
            EntryRef::Offset(offset) => format!("the message at offset {offset}"),
        };
        let reason = sanitize_line(&unreadable.reason);
        return writeln!(
            out,
            "*{} could not be read: {}*\n",
            escape(&what),
            escape(reason.trim())
        );
    }
    let (name, rest) = header_fields(message, zone);
    writeln!(
        out,
        "**{}** · {}  ",
        escape(&name),
        escape(&rest.join(" · "))
    )?;
    let body = sanitize_text(&message.body);
    let body = body.trim_end();
    if body.trim().is_empty() && !message.has_attachment() {
        writeln!(out, "*(no text)*")?;
    }
    let lines: Vec<String> = body
        .trim_start_matches('\n')
        .lines()
        .map(escape_line)
        .collect();
    if !lines.is_empty() && !body.trim().is_empty() {
        // Two spaces end a line without ending the paragraph.
        writeln!(out, "{}", lines.join("  \n"))?;
    }
    if let Some(name) = attachment::file_name_of(message) {
        writeln!(out, "📎 {} *(attachment)*", escape(&name))?;
    }
    writeln!(out)
}

/// A body line: escaped, its leading spaces kept as non-breaking ones (so
/// indentation does not make a code block), and what would start a heading,
/// list, quote, rule or numbered item at the start of a line escaped too.
fn escape_line(line: &str) -> String {
    let text = line.trim_start_matches(' ');
    let indent = line.len() - text.len();
    let mut escaped = escape(text);
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after_digits = text[digits..].chars().next();
    // `#123` is escaped already, as a reference.
    if text.starts_with(['#', '-', '+', '=']) && !escaped.starts_with("\\#") {
        escaped.insert(0, '\\');
    } else if digits > 0 && matches!(after_digits, Some('.' | ')')) {
        escaped.insert(digits, '\\');
    }
    format!("{}{}", "&nbsp;".repeat(indent), escaped)
}

/// `text` with the characters Markdown reads as markup anywhere in a line
/// (emphasis, code, links, HTML, tables, entities) backslash-escaped; also
/// what a ticket system would turn into a notification or a link: `@here`
/// and `@name` (e-mail autolinks too), `#123`, and the colon after any URL
/// scheme but http(s) (`javascript:`, `data:`, `ftp://`).
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let markup = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&'
        );
        let mention = c == '@' && next.is_some_and(|n| n.is_alphanumeric() || n == '_');
        let reference = c == '#' && next.is_some_and(|n| n.is_ascii_digit());
        // A scheme's colon is followed by a letter or `/` ("UTC+01:00" is none).
        let scheme = c == ':' && next.is_some_and(|n| n.is_ascii_alphabetic() || n == '/') && {
            let start = chars[..i]
                .iter()
                .rposition(|p| !(p.is_ascii_alphanumeric() || matches!(p, '+' | '-' | '.')))
                .map_or(0, |p| p + 1);
            let word: String = chars[start..i].iter().collect();
            word.starts_with(|first: char| first.is_ascii_alphabetic())
                && !word.eq_ignore_ascii_case("http")
                && !word.eq_ignore_ascii_case("https")
        };
        if markup || mention || reference || scheme {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_indentation_is_no_code_block() {
        assert_eq!(
            escape("*hi* [x](y) <b> a_b"),
            "\\*hi\\* \\[x\\](y) \\<b\\> a\\_b"
        );
        assert_eq!(escape("hi, yes. 09:15"), "hi, yes. 09:15");
        assert_eq!(escape_line("    code?"), "&nbsp;&nbsp;&nbsp;&nbsp;code?");
        assert_eq!(escape_line("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line("#12 first"), "\\#12 first");
        assert_eq!(escape_line("- not a list"), "\\- not a list");
        assert_eq!(escape_line("12. not numbered"), "12\\. not numbered");
        assert_eq!(escape_line("&amp; <script>"), "\\&amp; \\<script\\>");
    }

    #[test]
    fn mentions_references_and_other_schemes_are_escaped() {
        assert_eq!(
            escape("@here see #123, mail hana@example.com"),
            "\\@here see \\#123, mail hana\\@example.com"
        );
        assert_eq!(escape("# 1 and C#"), "# 1 and C#");
        assert_eq!(
            escape("javascript:alert(1) data:text/html ftp://host/x"),
            "javascript\\:alert(1) data\\:text/html ftp\\://host/x"
        );
        // http(s) stays readable, and so do times and plain colons.
        assert_eq!(
            escape("https://example.com at 09:15: ok, UTC+01:00"),
            "https://example.com at 09:15: ok, UTC+01:00"
        );
        assert_eq!(
            escape("[x](javascript:alert(1)) <data:x> [y](//host/x) [z](rel)"),
            "\\[x\\](javascript\\:alert(1)) \\<data\\:x\\> \\[y\\](//host/x) \\[z\\](rel)"
        );
    }
}
