//! Copying text to the clipboard with OSC 52 (the sequence is crossterm's
//! `CopyToClipboard`), which works over ssh and in most terminal emulators
//! without a clipboard daemon. Nothing answers the sequence, so whether the
//! text arrived cannot be known.

use std::io::{self, Write};

use crossterm::Command;
use crossterm::clipboard::CopyToClipboard;

/// The escape sequence that asks the terminal to put `text` on the clipboard.
pub(crate) fn osc52(text: &str) -> String {
    let mut sequence = String::new();
    // Writing into a String cannot fail.
    let _ = CopyToClipboard::to_clipboard_from(text).write_ansi(&mut sequence);
    sequence
}

/// The most bytes put in one DCS string for GNU screen, well under the
/// 768 it keeps of one (its `MAXSTR`).
pub(crate) const SCREEN_DCS_BYTES: usize = 512;

/// The OSC 52 sequence for `text`, wrapped for GNU screen: screen drops
/// OSC 52 itself but hands what a DCS string holds to the terminal outside,
/// so the sequence goes in DCS strings short enough for screen to keep whole.
pub(crate) fn osc52_through_screen(text: &str) -> String {
    let sequence = osc52(text);
    // The sequence is ASCII: any byte boundary is a character boundary.
    sequence
        .as_bytes()
        .chunks(SCREEN_DCS_BYTES)
        .map(|piece| format!("\x1bP{}\x1b\\", String::from_utf8_lossy(piece)))
        .collect()
}

/// True when the program runs in GNU screen rather than in tmux: `$STY`
/// set, `$TMUX` not (tmux started inside screen inherits `$STY`, and tmux
/// takes OSC 52 as it is).
pub(crate) fn inside_screen() -> bool {
    std::env::var_os("STY").is_some() && std::env::var_os("TMUX").is_none()
}

/// Writes the OSC 52 sequence for `text` to `out`, wrapped for GNU screen
/// when `through_screen`.
pub(crate) fn copy_to_clipboard(
    out: &mut impl Write,
    text: &str,
    through_screen: bool,
) -> io::Result<()> {
    let sequence = if through_screen {
        osc52_through_screen(text)
    } else {
        osc52(text)
    };
    out.write_all(sequence.as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_is_base64_so_it_cannot_escape_the_sequence() {
        let text = "https://x.test/a\x07\x1b]0;pwned\x07";
        let sequence = osc52(text);
        let payload = sequence
            .strip_prefix("\x1b]52;c;")
            .and_then(|rest| rest.strip_suffix("\x1b\\").or(rest.strip_suffix('\x07')))
            .expect("an OSC 52 sequence");
        assert!(
            payload
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
        );
        assert_eq!(payload.len(), text.len().div_ceil(3) * 4);
    }

    #[test]
    fn for_screen_the_sequence_goes_whole_in_short_dcs_strings() {
        let text = "long text ".repeat(200);
        let wrapped = osc52_through_screen(&text);
        let pieces: Vec<&str> = wrapped
            .strip_prefix("\x1bP")
            .and_then(|w| w.strip_suffix("\x1b\\"))
            .unwrap()
            .split("\x1b\\\x1bP")
            .collect();
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|p| p.len() <= SCREEN_DCS_BYTES));
        assert_eq!(pieces.concat(), osc52(&text));

        let mut out = Vec::new();
        copy_to_clipboard(&mut out, "hi", true).unwrap();
        assert_eq!(out, format!("\x1bP{}\x1b\\", osc52("hi")).into_bytes());
        out.clear();
        copy_to_clipboard(&mut out, "hi", false).unwrap();
        assert_eq!(out, osc52("hi").into_bytes());
    }
}
