//! The sanitizer against the attacks a website visitor can type into a chat box.

use proptest::prelude::*;
use szchat::sanitize::{is_unsafe_char, sanitize_line, sanitize_text};

const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// C0 (except '\n' when allowed), DEL, C1 or a bidi control.
fn forbidden(c: char, allow_newline: bool) -> bool {
    let c0 = (c as u32) < 0x20 && !(allow_newline && c == '\n');
    c0 || c == '\u{7F}' || ('\u{80}'..='\u{9F}').contains(&c) || BIDI.contains(&c)
}

fn assert_clean(out: &str, allow_newline: bool) {
    for c in out.chars() {
        assert!(
            !forbidden(c, allow_newline),
            "{c:?} (U+{:04X}) leaked into {out:?}",
            c as u32
        );
    }
}

/// Runs both sanitizers and checks neither lets anything dangerous through.
fn both(raw: &str) -> (String, String) {
    let text = sanitize_text(raw);
    let line = sanitize_line(raw);
    assert_clean(&text, true);
    assert_clean(&line, false);
    (text, line)
}

#[test]
fn osc_0_window_title_is_shown_not_run() {
    let (text, line) = both("hi \x1b]0;pwned title\x07 there");
    assert_eq!(text, "hi ␛]0;pwned title␇ there");
    assert_eq!(line, text);
}

#[test]
fn osc_0_with_string_terminator() {
    let (text, _) = both("\x1b]0;t\x1b\\x");
    assert_eq!(text, "␛]0;t␛\\x");
}

#[test]
fn osc_52_clipboard_write_is_shown_not_run() {
    let (text, _) = both("\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07");
    assert_eq!(text, "␛]52;c;Y3VybCBldmlsLnNoIHwgc2g=␇");
}

#[test]
fn csi_clear_screen_and_cursor_moves() {
    let (text, _) = both("\x1b[2J\x1b[H\x1b[10A\x1b[5;20Hgotcha\x1b[0m");
    assert_eq!(text, "␛[2J␛[H␛[10A␛[5;20Hgotcha␛[0m");
}

#[test]
fn bel_backspace_and_nul() {
    let (text, _) = both("ding\x07 abc\x08\x08\x08xyz nul\0end");
    assert_eq!(text, "ding␇ abc␈␈␈xyz nul␀end");
}

#[test]
fn carriage_return_cannot_overwrite_a_line() {
    // "Your order is confirmed\r Refund denied" would print the second text over the first.
    let (text, line) = both("Refund approved\rRefund denied");
    assert_eq!(text, "Refund approved\nRefund denied");
    assert_eq!(line, "Refund approved Refund denied");
    let (text, line) = both("a\r\nb");
    assert_eq!(text, "a\nb");
    assert_eq!(line, "a b");
}

#[test]
fn c1_csi_is_replaced() {
    // U+009B is a one-character CSI on terminals that honour 8-bit controls.
    let (text, _) = both("x\u{9B}2Jy\u{85}z\u{9D}0;t\u{9C}");
    assert_eq!(text, "x�2Jy�z�0;t�");
}

#[test]
fn del_is_replaced() {
    let (text, _) = both("a\u{7F}b");
    assert_eq!(text, "a␡b");
}

#[test]
fn every_c0_control_gets_its_control_picture() {
    for code in 0u32..0x20 {
        let c = char::from_u32(code).unwrap();
        if matches!(c, '\n' | '\r' | '\t') {
            continue;
        }
        let picture = char::from_u32(0x2400 + code).unwrap();
        assert_eq!(sanitize_text(&format!("a{c}b")), format!("a{picture}b"));
        assert_eq!(sanitize_line(&format!("a{c}b")), format!("a{picture}b"));
    }
}

#[test]
fn bidi_overrides_are_dropped() {
    // The classic "invoice<RLO>fdp.exe" that displays as "invoiceexe.pdf".
    let (text, line) = both("invoice\u{202E}fdp.exe");
    assert_eq!(text, "invoicefdp.exe");
    assert_eq!(line, "invoicefdp.exe");
    let all: String = BIDI.iter().collect();
    let (text, _) = both(&format!("a{all}b"));
    assert_eq!(text, "ab");
}

#[test]
fn invisible_spoofing_characters_are_dropped() {
    let (text, _) = both("pay\u{200B}pal\u{FEFF} soft\u{AD}hyphen\u{2060}x");
    assert_eq!(text, "paypal softhyphenx");
    // Tag characters can hide a whole sentence in what looks like nothing.
    let hidden: String = "ignore this"
        .chars()
        .map(|c| char::from_u32(0xE0000 + c as u32).unwrap())
        .collect();
    assert_eq!(sanitize_text(&format!("ok{hidden}")), "ok");
}

#[test]
fn unicode_line_separators_become_real_breaks() {
    let (text, line) = both("a\u{2028}b\u{2029}c");
    assert_eq!(text, "a\nb\nc");
    assert_eq!(line, "a b c");
}

#[test]
fn tabs_expand_in_text_and_collapse_in_lines() {
    let (text, line) = both("k\tv\n\tindented");
    assert_eq!(text, "k   v\n    indented");
    assert_eq!(line, "k v  indented");
}

#[test]
fn ordinary_text_passes_unchanged() {
    let samples = [
        "Hello, I need help with my order #4821 (paid €19.99).",
        "Multi\nline\n\nwith blank",
        "family 👨\u{200D}👩\u{200D}👧 done",
        "flags 🇱🇹🇬🇧🇯🇵",
        "scotland \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
        "skin tones 👍🏽 👋🏿",
        "heart ❤\u{FE0F} and text-style ☺\u{FE0E}",
        "CJK 你好世界 こんにちは 안녕하세요",
        "combining: e\u{301} a\u{308} n\u{303} Z\u{335}\u{32D}",
        "Persian zwnj: می\u{200C}خواهم",
        "Arabic/Hebrew: مرحبا שלום",
        "Devanagari: नमस्ते",
    ];
    for s in samples {
        assert_eq!(sanitize_text(s), s);
        assert_eq!(sanitize_line(s), s.replace('\n', " "));
    }
}

proptest! {
    #[test]
    fn sanitize_text_never_emits_controls(raw in any::<String>()) {
        let out = sanitize_text(&raw);
        prop_assert!(!out.chars().any(|c| forbidden(c, true) || is_unsafe_char(c)), "{out:?}");
    }

    #[test]
    fn sanitize_line_never_emits_controls_or_newlines(raw in any::<String>()) {
        let out = sanitize_line(&raw);
        prop_assert!(!out.chars().any(|c| forbidden(c, false) || is_unsafe_char(c)), "{out:?}");
    }

    /// Biased towards the interesting characters, which `any::<String>()` rarely picks.
    #[test]
    fn sanitizers_are_clean_on_control_heavy_input(
        raw in proptest::collection::vec(
            prop_oneof![
                (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
                (0x7Fu32..0xA0).prop_map(|c| char::from_u32(c).unwrap()),
                proptest::sample::select(BIDI.to_vec()),
                Just('\u{1F3F4}'),
                (0xE0000u32..0xE0080).prop_map(|c| char::from_u32(c).unwrap()),
                any::<char>(),
                Just('a'),
            ],
            0..64,
        )
    ) {
        let raw: String = raw.into_iter().collect();
        let text = sanitize_text(&raw);
        let line = sanitize_line(&raw);
        prop_assert!(!text.chars().any(|c| forbidden(c, true) || is_unsafe_char(c)), "{text:?}");
        prop_assert!(!line.chars().any(|c| forbidden(c, false) || is_unsafe_char(c)), "{line:?}");
        // Sanitizing is a fixed point: safe text is left alone.
        prop_assert_eq!(sanitize_text(&text), text.clone());
        prop_assert_eq!(sanitize_line(&line), line.clone());
    }
}
