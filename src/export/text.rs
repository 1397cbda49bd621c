//! `--export text`: the transcript as the screen shows it, without colour,
//! at a fixed width; attachments by file name, as the API's links die in 20 seconds.

use std::io::{self, Write};

use ratatui::text::Line;

use crate::attachment;
use crate::model::Message;
use crate::text::message_block::{self, day_separator, message_lines};
use crate::timefmt::LocalZone;

/// Columns the text is laid out in: what a terminal shows by default.
pub const TEXT_WIDTH: u16 = 80;

/// The separator before a new local day.
pub fn write_day(out: &mut impl Write, label: &str) -> io::Result<()> {
    writeln!(out, "{}\n", plain(&day_separator(label, TEXT_WIDTH)))
}

/// One message, as its block on the screen, with the link it carries.
pub fn write_message(out: &mut impl Write, message: &Message, zone: &LocalZone) -> io::Result<()> {
    let lines = message_lines(message, TEXT_WIDTH, zone);
    let mut prefix = String::new();
    for line in &lines {
        // The screen's key hints ("o open · y copy") mean nothing in a file.
        let kept: Vec<_> = line
            .spans
            .iter()
            .filter(|span| !message_block::is_key_hint(span))
            .cloned()
            .collect();
        let had_hint = kept.len() < line.spans.len();
        let text = plain(&Line::from(kept));
        if prefix.is_empty() && line.spans.len() >= 2 {
            prefix = format!("{}{}", line.spans[0].content, line.spans[1].content);
        }
        if had_hint && text.trim_end() == prefix.trim_end() {
            continue;
        }
        match attachment::file_name_of(message) {
            // The screen may show a link with no file name whole: a file names the file only.
            Some(name) if text.contains(message_block::ATTACHMENT_ICON) => {
                writeln!(out, "{prefix}{}{name}", message_block::ATTACHMENT_ICON)?;
            }
            _ => writeln!(out, "{text}")?,
        }
    }
    Ok(())
}

/// A line's text without its styles, trailing spaces trimmed.
fn plain(line: &Line<'_>) -> String {
    let text: String = line
        .spans
        .iter()
        .map(|span| span.content.as_ref())
        .collect();
    text.trim_end().to_owned()
}
