//! `--export jsonl`: one message object per line, exactly as the server sent it.

use std::io::{self, Write};

use crate::model::Message;
use crate::text::json_layout::chars_marking_strings;

/// Writes the server's own JSON for `message` on one line. Whitespace
/// between tokens (a pretty-printing server's newlines) is dropped; the
/// tokens themselves, strings included, go out byte for byte. An export
/// reads every message with its JSON (from the network, or the archive's
/// `MessagesWithJson`); one without is an error, never a line left out.
pub fn write_message(out: &mut impl Write, message: &Message) -> io::Result<()> {
    let Some(json) = message.raw_json.as_deref() else {
        return Err(io::Error::other(format!(
            "message {} was read without its JSON",
            message.id
        )));
    };
    out.write_all(one_line(json).as_bytes())?;
    out.write_all(b"\n")
}

/// `json` without whitespace outside its strings.
fn one_line(json: &str) -> String {
    chars_marking_strings(json)
        // Between tokens a space changes nothing; keep it only where a line
        // break would otherwise break the file's one-per-line rule.
        .filter(|&(c, in_string)| in_string || !c.is_whitespace() || c == ' ' || c == '\t')
        .map(|(c, _)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn pretty_printed_json_becomes_one_line_and_strings_stay_as_sent() {
        let pretty = "{\n  \"id\": 1,\r\n  \"body\": \"two\\nlines \\\" and \\\\\"\n}";
        assert_eq!(
            one_line(pretty),
            "{  \"id\": 1,  \"body\": \"two\\nlines \\\" and \\\\\"}"
        );
    }
}
