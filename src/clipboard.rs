//! Copying text to the clipboard with OSC 52, which works over ssh and in
//! most terminal emulators without a clipboard daemon.

use std::io::{self, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The escape sequence that asks the terminal to put `text` on the clipboard.
/// Base64 keeps the text from ending the sequence early.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", STANDARD.encode(text))
}

/// Writes the OSC 52 sequence for `text` to `out`.
pub fn copy_to_clipboard(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_base64_so_it_cannot_escape_the_sequence() {
        let sequence = osc52("https://x.test/a\x07\x1b]0;pwned\x07");
        assert!(sequence.starts_with("\x1b]52;c;"));
        let payload = &sequence["\x1b]52;c;".len()..sequence.len() - 1];
        assert!(
            payload
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
        );
        assert_eq!(
            STANDARD.decode(payload).unwrap(),
            b"https://x.test/a\x07\x1b]0;pwned\x07"
        );
    }
}
