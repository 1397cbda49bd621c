//! The first byte picks a width, the rest is text: no wrapped line and no
//! truncated string is ever wider than the width, whether the text was
//! sanitized first (as the app does) or not.

use szchat::sanitize::sanitize_text;
use szchat::wrap::{display_width, truncate, wrap};

/// Widths up to this are tried; wider ones behave like the widest.
const MAX_WIDTH: usize = 120;

fn check(text: &str, width: usize) {
    let lines = wrap(text, width);
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(display_width(line) <= width.max(1), "{line:?} wider than {width}");
    }
    let cut = truncate(text, width);
    assert!(display_width(&cut) <= width, "{cut:?} wider than {width}");
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Some((&first, rest)) = data.split_first() else {
            return;
        };
        let width = usize::from(first) % (MAX_WIDTH + 1);
        let raw = String::from_utf8_lossy(rest);
        check(&raw, width);
        check(&sanitize_text(&raw), width);
    });
}
