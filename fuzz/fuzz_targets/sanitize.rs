//! Any text through both sanitizers: nothing a terminal would act on comes
//! out, single-line output has no line break, and sanitizing is a fixed point.

use szchat::sanitize::{is_unsafe_char, sanitize_line, sanitize_text};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let raw = String::from_utf8_lossy(data);
        let text = sanitize_text(&raw);
        assert!(!text.chars().any(is_unsafe_char), "{text:?}");
        assert_eq!(sanitize_text(&text), text);
        let line = sanitize_line(&raw);
        assert!(!line.chars().any(|c| c == '\n' || is_unsafe_char(c)), "{line:?}");
        assert_eq!(sanitize_line(&line), line);
    });
}
