//! The sanitizer against the attacks a website visitor can type into a chat box.

use proptest::prelude::*;
use szchat::sanitize::{is_unsafe_char, sanitize_line, sanitize_text};
use szchat::wrap::display_width;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

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
        "emoji 👍 🙂 ❤ ☺ 1\u{20E3}",
        "scotland \u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
        "ideographic variant 葛\u{E0100}",
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

// ----- widths terminals agree on -----
//
// tmux and xterm add up the widths of the characters they are sent (tmux also glues
// the character after a zero-width joiner onto the previous cell); kitty and WezTerm
// measure emoji sequences as one picture; ratatui measures each grapheme. Sanitized
// text must look the same width to all of them.

/// Columns a terminal that adds up character widths advances (tmux, xterm).
fn per_char_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Checks that every grapheme of `out` is as wide for ratatui as for a terminal
/// that adds up characters, and that nothing joins graphemes into one picture.
fn assert_agreed_widths(out: &str) {
    for g in out.graphemes(true) {
        assert_eq!(
            display_width(g),
            per_char_width(g),
            "{g:?} (in {out:?}) is measured differently by ratatui and by terminals"
        );
    }
    assert!(!out.chars().any(is_unsafe_char), "{out:?}");
}

/// Both sanitizers give `expected` (with no newline in it) and agreed widths.
fn shows_as(raw: &str, expected: &str) {
    let (text, line) = both(raw);
    assert_eq!(text, expected, "sanitize_text({raw:?})");
    assert_eq!(line, expected, "sanitize_line({raw:?})");
    assert_agreed_widths(&text);
}

#[test]
fn a_joiner_after_a_letter_is_dropped() {
    // tmux glues the J into the W's cell: the row ends one column early.
    shows_as("W\u{200D}J", "WJ");
    shows_as("Visitor W\u{200D}J 12", "Visitor WJ 12");
    shows_as("\u{200D}start and end\u{200D}", "start and end");
    // Devanagari half forms lose the joiner too: terminals do not shape them.
    shows_as("क्\u{200D}ष", "क्ष");
}

#[test]
fn emoji_joiner_sequences_fall_apart_into_their_emoji() {
    // Two columns on tmux and kitty, six on xterm: the parts are six everywhere.
    shows_as("family 👨\u{200D}👩\u{200D}👧 done", "family 👨👩👧 done");
    shows_as("🏳\u{FE0F}\u{200D}🌈", "🏳🌈");
    shows_as("👩🏽\u{200D}💻", "👩💻");
    shows_as("❤\u{FE0F}\u{200D}🔥", "❤🔥");
}

#[test]
fn pictographs_newer_than_unicode_15_1_show_as_the_replacement_character() {
    // Issue 13 item 25: U+1FAEF (Unicode 17) is two columns to ratatui and
    // fewer to tmux, whose tables predate it: tmux drew "🧑4" after scrolling.
    shows_as(
        "\u{1F9D1}\u{1F3FE}\u{200D}\u{1FAEF}\u{200D}\u{1F9D1}\u{1F3FC}",
        "🧑\u{FFFD}🧑",
    );
    // Unicode 16: face with bags under eyes, fingerprint, shovel.
    shows_as(
        "tired 🫩 print 🫆 dig 🪏",
        "tired \u{FFFD} print \u{FFFD} dig \u{FFFD}",
    );
    // Unicode 15 and older stay: shaking face, goose, pink heart, wireless.
    shows_as("🫨🪿🩷🛜", "🫨🪿🩷🛜");
}

#[test]
fn skin_tone_modifiers_are_dropped() {
    // tmux draws 👋 and 🏽 side by side (four columns); ratatui counts two.
    shows_as("Good morning 👋🏽", "Good morning 👋");
    shows_as("👍🏻👍🏼👍🏽👍🏾👍🏿", "👍👍👍👍👍");
    shows_as("a lone 🏽 swatch", "a lone  swatch");
    shows_as("☝🏽", "☝");
}

#[test]
fn flags_show_their_region_code() {
    // tmux draws each indicator in a cell of its own; ratatui sees one wide cell.
    shows_as("🇺🇸", "[US]");
    shows_as("flags 🇱🇹🇬🇧🇯🇵!", "flags [LT][GB][JP]!");
    shows_as("a lone 🇸 here", "a lone [S] here");
    shows_as("🇺🇸🇸", "[US][S]");
    // Tag flags are two columns everywhere, whether shown as a flag or as 🏴.
    let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
    shows_as(scotland, scotland);
}

#[test]
fn variation_selectors_give_way_to_the_default_presentation() {
    // ❤️ is two columns to ratatui and kitty, one to tmux.
    shows_as("heart ❤\u{FE0F}", "heart ❤");
    shows_as("text ☺\u{FE0E} watch ⌚\u{FE0E}", "text ☺ watch ⌚");
    shows_as("👍\u{FE0F}", "👍");
    // unicode-width widens quotes before U+FE01; terminals do not.
    shows_as("\u{201C}\u{FE01}q\u{201D}\u{FE00}", "\u{201C}q\u{201D}");
    // Ideographic variation selectors never change a width: kept.
    shows_as("葛\u{E0100}城", "葛\u{E0100}城");
}

#[test]
fn keycaps_keep_the_key_and_its_enclosing_mark() {
    shows_as("1\u{FE0F}\u{20E3} #\u{FE0F}\u{20E3}", "1\u{20E3} #\u{20E3}");
}

#[test]
fn halfwidth_sound_marks_become_their_spacing_forms() {
    // ratatui counts ｶﾞ three columns, terminals two.
    shows_as("ｶﾞｷﾟ", "ｶ\u{309B}ｷ\u{309C}");
}

#[test]
fn ligatures_terminals_do_not_draw_are_measured_per_character() {
    // unicode-width counts a Khmer subscript consonant as part of one column.
    let (text, _) = both("ក្ក");
    assert_eq!(text.replace('\u{200C}', ""), "ក្ក");
    assert_eq!(display_width(&text), 2);
    assert_agreed_widths(&text);
    // Persian keeps its non-joiner.
    shows_as("می\u{200C}خواهم", "می\u{200C}خواهم");
}

/// Characters around which widths are disputed, and things to put them next to.
fn disputed_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::sample::select(vec![
            '\u{200D}',
            '\u{200C}',
            '\u{FE0F}',
            '\u{FE0E}',
            '\u{FE00}',
            '\u{FE01}',
            '\u{20E3}',
            '\u{1F3FB}',
            '\u{1F3FD}',
            '\u{1F3FF}',
            '\u{1F1FA}',
            '\u{1F1F8}',
            '\u{1F3F4}',
            '\u{E0067}',
            '\u{E007F}',
            '\u{FF9E}',
            '\u{FF9F}',
            'ｶ',
            '\u{17D2}',
            'ក',
            '\u{16D63}',
            '\u{16D67}',
            '\u{201C}',
            'ل',
            'ا',
            '👋',
            '👨',
            '❤',
            '☺',
            '⌚',
            '1',
            '#',
            'a',
            ' ',
            '\t',
            '\n',
            '\u{301}',
            '你',
            '\u{1100}',
            '\u{1161}',
            'ⵏ',
            '\u{2D7F}',
            '\u{E0100}',
        ]),
        any::<char>(),
    ]
}

proptest! {
    #[test]
    fn every_grapheme_is_as_wide_as_terminals_draw_it(
        raw in proptest::collection::vec(disputed_char(), 0..48)
    ) {
        let raw: String = raw.into_iter().collect();
        for out in [sanitize_text(&raw), sanitize_line(&raw)] {
            for g in out.graphemes(true) {
                prop_assert_eq!(display_width(g), per_char_width(g), "{:?} in {:?}", g, out);
            }
            prop_assert!(!out.chars().any(is_unsafe_char), "{:?}", out);
        }
        // Splitting is a fixed point too: nothing split joins up again.
        let text = sanitize_text(&raw);
        prop_assert_eq!(sanitize_text(&text), text);
        let line = sanitize_line(&raw);
        prop_assert_eq!(sanitize_line(&line), line);
    }

    #[test]
    fn any_text_is_as_wide_as_terminals_draw_it(raw in any::<String>()) {
        let out = sanitize_text(&raw);
        for g in out.graphemes(true) {
            prop_assert_eq!(display_width(g), per_char_width(g), "{:?} in {:?}", g, out);
        }
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
