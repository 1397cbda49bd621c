//! Rewrites text so that every grapheme is exactly as wide on the terminal as szchat
//! and ratatui measure it.
//!
//! ratatui places each grapheme by its `unicode-width` width and, when it redraws, only
//! rewrites cells that changed. A grapheme the terminal draws wider or narrower than
//! that pushes the rest of the row sideways and leaves cells ratatui believes are
//! covered holding old text, until a full redraw. Terminals measure differently:
//! tmux and most others add up the width of each character (and tmux glues the
//! character after a zero-width joiner onto the previous cell); kitty, WezTerm and
//! others measure emoji sequences as one picture. So szchat shows only text on whose
//! width they all agree:
//!
//! - Emoji sequences fall apart into the emoji they are made of. Joiners (U+200D),
//!   skin-tone modifiers and variation selectors U+FE00..=U+FE0F are dropped, so
//!   👨‍👩‍👧 is shown as 👨👩👧, 👋🏽 as 👋, ❤️ as ❤ and 1️⃣ as 1⃣. Tag flags (🏴 with tag
//!   characters) are kept: every terminal draws them two columns wide.
//! - A flag made of two regional indicators is shown as its region code in brackets
//!   (🇺🇸 as `[US]`), a lone indicator as its letter (`[S]`).
//! - Halfwidth (semi-)voiced sound marks, which ratatui counts one column wider than
//!   terminals draw them, become their spacing full-width forms (゛ ゜).
//! - A grapheme that `unicode-width` treats as a ligature narrower than its
//!   characters (Khmer subscript consonants, Kirat Rai vowels) gets a zero-width
//!   non-joiner between its characters, so it is measured character by character,
//!   as terminals draw it.
//!
//! - A pictograph newer than Unicode 15.1 (a code point in the emoji planes,
//!   U+1F000..=U+1FAFF and U+1FC00..=U+1FFFD, that 15.1 leaves unassigned, such as
//!   🫯 U+1FAEF) becomes U+FFFD �, one column everywhere. `unicode-width` counts
//!   such code points two columns, while terminals whose tables predate them draw
//!   one or none, and the row shifts. Unicode 15.1 (September 2023) is what the
//!   tables of current terminals and C libraries widely agree on; the newest
//!   emoji are not drawn by them in any case.
//!
//! What this cannot reach is a terminal whose own tables say otherwise for a single
//! character: tmux on glibc 2.36 draws nothing for emoji newer than Unicode 14 (🩷),
//! and one column for spacing vowel signs such as Bengali া that unicode-width counts
//! as zero.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

use crate::wrap::display_width;

/// Makes emoji sequences and halfwidth sound marks fall apart into pieces of agreed
/// width (see the module docs). Run before control characters are handled.
pub(super) fn split_sequences(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut indicator = None;
    for c in raw.chars() {
        if let Some(letter) = regional_indicator_letter(c) {
            match indicator.take() {
                Some(first) => {
                    out.extend(['[', first, letter, ']']);
                }
                None => indicator = Some(letter),
            }
            continue;
        }
        if let Some(lone) = indicator.take() {
            out.extend(['[', lone, ']']);
        }
        match c {
            c if is_dropped_from_sequences(c) => {}
            c if is_unknown_pictograph(c) => out.push(REPLACEMENT),
            HALFWIDTH_VOICED_MARK => out.push(VOICED_MARK),
            HALFWIDTH_SEMI_VOICED_MARK => out.push(SEMI_VOICED_MARK),
            c => out.push(c),
        }
    }
    if let Some(lone) = indicator {
        out.extend(['[', lone, ']']);
    }
    out
}

/// Puts a zero-width non-joiner between the characters of every grapheme whose
/// measured width differs from the sum of its characters' widths. Run last, on text
/// that is otherwise final, as dropping characters can form new graphemes.
pub(super) fn unbind_ligatures(text: &str) -> String {
    if text.graphemes(true).all(is_additive) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for g in text.graphemes(true) {
        if is_additive(g) {
            out.push_str(g);
            continue;
        }
        for (i, c) in g.chars().enumerate() {
            if i > 0 && c != ZWNJ {
                out.push(ZWNJ);
            }
            out.push(c);
        }
    }
    out
}

/// Columns a terminal that measures character by character advances for `s`.
pub(super) fn per_char_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// True for characters neither sanitizer outputs because terminals disagree on how
/// wide the text around them is.
pub(super) fn is_width_disputed(c: char) -> bool {
    is_dropped_from_sequences(c)
        || is_unknown_pictograph(c)
        || regional_indicator_letter(c).is_some()
        || matches!(c, HALFWIDTH_VOICED_MARK | HALFWIDTH_SEMI_VOICED_MARK)
}

const ZWJ: char = '\u{200D}';
const REPLACEMENT: char = '\u{FFFD}';
const ZWNJ: char = '\u{200C}';
const HALFWIDTH_VOICED_MARK: char = '\u{FF9E}'; // ﾞ
const HALFWIDTH_SEMI_VOICED_MARK: char = '\u{FF9F}'; // ﾟ
const VOICED_MARK: char = '\u{309B}'; // ゛
const SEMI_VOICED_MARK: char = '\u{309C}'; // ゜
const REGIONAL_INDICATOR_A: char = '\u{1F1E6}';
const REGIONAL_INDICATOR_Z: char = '\u{1F1FF}';

/// Joiners, variation selectors 1–16 (emoji and text presentation among them) and
/// skin-tone modifiers. Ideographic variation selectors (U+E0100..) are kept: they
/// never change a width.
fn is_dropped_from_sequences(c: char) -> bool {
    matches!(c, ZWJ | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}')
}

/// The code points of U+1F000..=U+1FAFF assigned in Unicode 15.1, the last
/// version terminals widely agree on (15.1 added no new code points there,
/// only sequences). Sorted, inclusive.
const PICTOGRAPHS_15_1: &[(u32, u32)] = &[
    (0x1F000, 0x1F02B), // Mahjong tiles
    (0x1F030, 0x1F093), // Domino tiles
    (0x1F0A0, 0x1F0AE), // Playing cards
    (0x1F0B1, 0x1F0BF),
    (0x1F0C1, 0x1F0CF),
    (0x1F0D1, 0x1F0F5),
    (0x1F100, 0x1F1AD), // Enclosed alphanumeric supplement
    (0x1F1E6, 0x1F1FF), // Regional indicators
    (0x1F200, 0x1F202), // Enclosed ideographic supplement
    (0x1F210, 0x1F23B),
    (0x1F240, 0x1F248),
    (0x1F250, 0x1F251),
    (0x1F260, 0x1F265),
    (0x1F300, 0x1F6D7), // Pictographs, emoticons, dingbats, transport
    (0x1F6DC, 0x1F6EC),
    (0x1F6F0, 0x1F6FC),
    (0x1F700, 0x1F776), // Alchemical symbols
    (0x1F77B, 0x1F7D9), // ... and geometric shapes extended
    (0x1F7E0, 0x1F7EB),
    (0x1F7F0, 0x1F7F0),
    (0x1F800, 0x1F80B), // Supplemental arrows-C
    (0x1F810, 0x1F847),
    (0x1F850, 0x1F859),
    (0x1F860, 0x1F887),
    (0x1F890, 0x1F8AD),
    (0x1F8B0, 0x1F8B1),
    (0x1F900, 0x1FA53), // Supplemental pictographs, chess symbols
    (0x1FA60, 0x1FA6D),
    (0x1FA70, 0x1FA7C), // Symbols and pictographs extended-A
    (0x1FA80, 0x1FA88),
    (0x1FA90, 0x1FABD),
    (0x1FABF, 0x1FAC5),
    (0x1FACE, 0x1FADB),
    (0x1FAE0, 0x1FAE8),
    (0x1FAF0, 0x1FAF8),
];

/// True for a code point in the emoji planes that Unicode 15.1 leaves
/// unassigned: a pictograph too new for terminals to agree on its width.
/// (U+1FB00..=U+1FBFF, legacy computing symbols, are not pictographs.)
fn is_unknown_pictograph(c: char) -> bool {
    let code = u32::from(c);
    match code {
        0x1F000..=0x1FAFF => PICTOGRAPHS_15_1
            .binary_search_by(|&(start, end)| {
                if end < code {
                    std::cmp::Ordering::Less
                } else if start > code {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_err(),
        0x1FC00..=0x1FFFD => true,
        _ => false,
    }
}

/// 'A'..='Z' for the regional indicator symbols.
fn regional_indicator_letter(c: char) -> Option<char> {
    if (REGIONAL_INDICATOR_A..=REGIONAL_INDICATOR_Z).contains(&c) {
        char::from_u32(u32::from('A') + (u32::from(c) - u32::from(REGIONAL_INDICATOR_A)))
    } else {
        None
    }
}

fn is_additive(g: &str) -> bool {
    g.len() == 1 || display_width(g) == per_char_width(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicators_pair_up_from_the_left() {
        let ri = |s: &str| -> String {
            s.chars()
                .map(|l| char::from_u32(u32::from(REGIONAL_INDICATOR_A) + u32::from(l) - 65))
                .map(Option::unwrap)
                .collect()
        };
        assert_eq!(split_sequences(&ri("US")), "[US]");
        assert_eq!(split_sequences(&ri("USL")), "[US][L]");
        assert_eq!(split_sequences(&format!("{} x", ri("S"))), "[S] x");
    }

    #[test]
    fn pictographs_newer_than_unicode_15_1_are_unknown() {
        // 15.0 and older: known.
        for known in ['🧑', '🫨', '🪿', '🩷', '🛜', '😀', '🀄', '🟰'] {
            assert!(!is_unknown_pictograph(known), "{known}");
        }
        // 16.0 (🫩 U+1FAE9, 🫆 U+1FAC6), 17.0 (U+1FAEF) and unassigned: unknown.
        for unknown in [
            '\u{1FAE9}',
            '\u{1FAC6}',
            '\u{1FAEF}',
            '\u{1F6D8}',
            '\u{1FC00}',
        ] {
            assert!(is_unknown_pictograph(unknown), "{unknown:?}");
        }
        // Other planes and blocks are not this check's business.
        for other in ['a', '\u{1FB00}', '\u{20000}', '\u{FFFD}'] {
            assert!(!is_unknown_pictograph(other), "{other:?}");
        }
        assert!(
            PICTOGRAPHS_15_1
                .windows(2)
                .all(|pair| pair[0].1 < pair[1].0)
        );
    }

    #[test]
    fn ligatures_are_unbound() {
        let coeng = "\u{1780}\u{17D2}\u{1780}";
        assert_eq!(display_width(coeng), 1);
        let unbound = unbind_ligatures(coeng);
        assert_eq!(unbound, "\u{1780}\u{200C}\u{17D2}\u{200C}\u{1780}");
        assert_eq!(display_width(&unbound), 2);
        assert_eq!(unbind_ligatures(&unbound), unbound);
        assert_eq!(unbind_ligatures("plain é"), "plain é");
    }
}
