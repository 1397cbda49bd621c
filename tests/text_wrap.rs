//! Wrapping by display width: nothing may ever be wider than the line.

use proptest::prelude::*;
use szchat::sanitize::{sanitize_line, sanitize_text};
use szchat::wrap::{TOO_WIDE_PLACEHOLDER, display_width, truncate, wrap};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

fn assert_fits(lines: &[String], width: usize) {
    for line in lines {
        assert!(
            display_width(line) <= width.max(1),
            "{line:?} is {} wide, limit {width}",
            display_width(line)
        );
        assert_eq!(line.trim_end(), line, "trailing whitespace in {line:?}");
    }
}

fn w(text: &str, width: usize) -> Vec<String> {
    let lines = wrap(text, width);
    assert_fits(&lines, width);
    lines
}

#[test]
fn breaks_at_spaces_greedily() {
    assert_eq!(
        w("the quick brown fox jumps", 10),
        ["the quick", "brown fox", "jumps"]
    );
}

#[test]
fn exact_fit_stays_on_one_line() {
    assert_eq!(w("abcde fghij", 11), ["abcde fghij"]);
    assert_eq!(w("abcde fghij", 5), ["abcde", "fghij"]);
    assert_eq!(w("abcde", 5), ["abcde"]);
    assert_eq!(w("你好", 4), ["你好"]);
}

#[test]
fn trailing_and_inner_spaces() {
    assert_eq!(w("hello   ", 20), ["hello"]);
    assert_eq!(w("hello      world", 8), ["hello", "world"]);
    // Spacing inside a line is the writer's; only break points lose it.
    assert_eq!(w("a  b", 10), ["a  b"]);
    assert_eq!(w("   ", 2), [""]);
    assert_eq!(w("  indented", 20), ["  indented"]);
}

#[test]
fn blank_lines_are_kept() {
    assert_eq!(w("a\n\nb\n", 10), ["a", "", "b", ""]);
    assert_eq!(w("", 10), [""]);
    assert_eq!(w("\n", 10), ["", ""]);
}

#[test]
fn long_url_like_word_is_split() {
    let url = "https://example.com/a/very/long/path?query=1";
    let lines = w(&format!("see {url} ok"), 12);
    assert_eq!(
        lines,
        [
            "see",
            "https://exam",
            "ple.com/a/ve",
            "ry/long/path",
            "?query=1 ok"
        ]
    );
    assert_eq!(lines[1..4].concat() + "?query=1", url);
}

#[test]
fn cjk_wraps_between_characters() {
    assert_eq!(w("你好世界你好", 4), ["你好", "世界", "你好"]);
    // An odd width leaves the last column empty rather than splitting a character.
    assert_eq!(w("你好世界", 5), ["你好", "世界"]);
    assert_eq!(w("你好世界", 3), ["你", "好", "世", "界"]);
    assert_eq!(w("你好世界", 2), ["你", "好", "世", "界"]);
    // Closing punctuation does not start a line.
    assert_eq!(w("你好。世界", 4), ["你", "好。", "世界"]);
    // Mixed with Latin words.
    assert_eq!(w("hello 世界 world", 8), ["hello 世", "界 world"]);
}

#[test]
fn too_wide_graphemes_become_placeholders_at_width_1() {
    let p = TOO_WIDE_PLACEHOLDER.to_string();
    assert_eq!(w("你好", 1), [p.as_str(), p.as_str()]);
    assert_eq!(w("a你", 1), ["a", p.as_str()]);
    assert_eq!(w("👍", 1), [p.as_str()]);
    assert_eq!(w("ab", 1), ["a", "b"]);
    assert_eq!(w("ab", 0), ["a", "b"]);
}

#[test]
fn width_2_fits_one_wide_or_two_narrow() {
    assert_eq!(w("ab你c", 2), ["ab", "你", "c"]);
    assert_eq!(w("a b", 2), ["a", "b"]);
}

#[test]
fn emoji_sequences_are_never_split() {
    let family = "👨\u{200D}👩\u{200D}👧";
    let thumbs = "👍🏽";
    let flag = "🇱🇹";
    let text = format!("{family}{thumbs}{flag}{family}");
    let lines = w(&text, 2);
    assert_eq!(lines, [family, thumbs, flag, family]);
    let lines = w(&text, 4);
    assert_eq!(
        lines,
        [format!("{family}{thumbs}"), format!("{flag}{family}")]
    );
    let lines = w(&format!("ok {family}!"), 3);
    assert_eq!(lines, ["ok", &format!("{family}!")]);
}

#[test]
fn combining_marks_stay_with_their_base() {
    let word = "e\u{301}a\u{308}n\u{303}o\u{302}"; // 4 columns
    assert_eq!(w(word, 4), [word]);
    assert_eq!(w(word, 2), ["e\u{301}a\u{308}", "n\u{303}o\u{302}"]);
    assert_eq!(w(word, 1), ["e\u{301}", "a\u{308}", "n\u{303}", "o\u{302}"]);
}

#[test]
fn truncate_respects_width() {
    assert_eq!(truncate("invoice-4821.pdf", 10), "invoice-4…");
    assert_eq!(truncate("invoice-4821.pdf", 16), "invoice-4821.pdf");
    assert_eq!(truncate("你好", 3), "你…");
    assert_eq!(truncate("你好", 1), "…");
    assert_eq!(
        truncate("👨\u{200D}👩\u{200D}👧 x", 3),
        "👨\u{200D}👩\u{200D}👧…"
    );
}

/// Columns a terminal that adds up character widths (tmux, xterm) advances for `s`.
fn terminal_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[test]
fn sanitized_emoji_wrap_at_the_width_terminals_draw() {
    let text = sanitize_text("hi 👋🏽 from 🇺🇸, W\u{200D}J and 👨\u{200D}👩\u{200D}👧 ❤\u{FE0F}");
    assert_eq!(text, "hi 👋 from [US], WJ and 👨👩👧 ❤");
    let lines = w(&text, 12);
    assert_eq!(lines, ["hi 👋 from", "[US], WJ and", "👨👩👧 ❤"]);
    for line in &lines {
        assert_eq!(display_width(line), terminal_width(line), "{line:?}");
    }
    let name = sanitize_line("W\u{200D}J 🇺🇸 Visitor 👋🏽");
    assert_eq!(name, "WJ [US] Visitor 👋");
    assert_eq!(truncate(&name, 10), "WJ [US] V…");
}

/// Graphemes of `s` that are not whitespace.
fn visible_graphemes(s: &str) -> Vec<String> {
    s.graphemes(true)
        .filter(|g| !g.chars().all(char::is_whitespace))
        .map(str::to_owned)
        .collect()
}

/// Text that is worth wrapping: words, spaces, newlines, wide and combining characters.
fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,12}",
        Just(" ".to_owned()),
        Just("  ".to_owned()),
        Just("\n".to_owned()),
        Just("你好世界".to_owned()),
        Just("👨\u{200D}👩\u{200D}👧".to_owned()),
        Just("🇱🇹".to_owned()),
        Just("👍🏽".to_owned()),
        Just("🇺🇸🇸".to_owned()),
        Just("W\u{200D}J".to_owned()),
        Just("❤\u{FE0F}1\u{FE0F}\u{20E3}".to_owned()),
        Just("ｶﾞ".to_owned()),
        Just("ក្ក".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("\u{301}".to_owned()),
        Just("。".to_owned()),
        Just("\u{A0}".to_owned()),
        Just("\u{3000}".to_owned()),
        "\\PC{1,8}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn no_line_is_ever_wider_than_width(text in any::<String>(), width in 1usize..200) {
        let lines = wrap(&text, width);
        prop_assert!(!lines.is_empty());
        for line in &lines {
            prop_assert!(display_width(line) <= width, "{line:?} > {width}");
        }
    }

    #[test]
    fn structured_text_fits_too(text in text_strategy(), width in 1usize..40) {
        let lines = wrap(&text, width);
        prop_assert_eq!(lines.len() >= text.split('\n').count(), true);
        for line in &lines {
            prop_assert!(display_width(line) <= width, "{line:?} > {width}");
        }
    }

    #[test]
    fn nothing_visible_is_lost(text in text_strategy(), width in 2usize..60) {
        let widest = text.graphemes(true).map(display_width).max().unwrap_or(0);
        prop_assume!(widest <= width);
        let lines = wrap(&text, width);
        let out: Vec<String> = lines.iter().flat_map(|l| visible_graphemes(l)).collect();
        prop_assert_eq!(out, visible_graphemes(&text));
    }

    #[test]
    fn any_string_loses_nothing_visible(text in any::<String>(), width in 2usize..60) {
        let widest = text.graphemes(true).map(display_width).max().unwrap_or(0);
        prop_assume!(widest <= width);
        let lines = wrap(&text, width);
        let out: Vec<String> = lines.iter().flat_map(|l| visible_graphemes(l)).collect();
        // Only newlines are consumed, and they are whitespace.
        prop_assert_eq!(out, visible_graphemes(&text));
    }

    /// What the terminal draws is as wide as what szchat laid out: no line of
    /// sanitized text is wider on the terminal than the width it was wrapped to.
    #[test]
    fn sanitized_lines_fit_as_terminals_draw_them(text in text_strategy(), width in 1usize..40) {
        let text = sanitize_text(&text);
        for line in wrap(&text, width) {
            prop_assert_eq!(display_width(&line), terminal_width(&line), "{:?}", line);
            prop_assert!(terminal_width(&line) <= width, "{:?} > {}", line, width);
        }
        let line = sanitize_line(&text);
        let cut = truncate(&line, width);
        prop_assert_eq!(display_width(&cut), terminal_width(&cut), "{:?}", cut);
    }

    #[test]
    fn truncate_never_exceeds_width(text in "\\PC{0,40}", width in 0usize..30) {
        let t = truncate(&text, width);
        prop_assert!(display_width(&t) <= width);
        if display_width(&text) <= width {
            prop_assert_eq!(t, text);
        } else if width > 0 {
            prop_assert!(t.ends_with('…'));
        }
    }
}
