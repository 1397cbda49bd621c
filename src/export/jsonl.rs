//! `--export jsonl`: one message object per line, exactly as the server sent it.

use std::io::{self, Write};

use crate::model::Message;

/// Writes the server's own JSON for `message` on one line. Whitespace
/// between tokens (a pretty-printing server's newlines) is dropped; the
/// tokens themselves, strings included, go out byte for byte.
pub fn write_message(out: &mut impl Write, message: &Message) -> io::Result<()> {
    out.write_all(one_line(&message.raw_json).as_bytes())?;
    out.write_all(b"\n")
}

/// `json` without whitespace outside its strings.
fn one_line(json: &str) -> String {
    let mut line = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            line.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            line.push(c);
        } else if !c.is_whitespace() {
            line.push(c);
        } else if c == ' ' || c == '\t' {
            // Between tokens a space changes nothing; keep it only where a
            // line break would otherwise break the file's one-per-line rule.
            line.push(c);
        }
    }
    line
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
