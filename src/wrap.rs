//! Display-width measuring, word wrapping and truncation of sanitized text.
//!
//! Widths are measured exactly the way ratatui lays out cells: per extended grapheme
//! cluster, with `CellWidth` (unicode-width plus ratatui's own adjustments). Measuring
//! the same way is what lets us promise that no line is ever wider than asked. For
//! sanitized text this is also the width terminals draw: the sanitizer leaves only
//! graphemes as wide as the sum of their characters (see `sanitize::widths`).

use ratatui::buffer::CellWidth;
use unicode_segmentation::UnicodeSegmentation;

/// Stands in for a grapheme that is wider than the whole line (a CJK character at width 1).
pub const TOO_WIDE_PLACEHOLDER: char = '\u{25AF}'; // ▯

/// Appended by [`truncate`] when it had to cut.
pub const ELLIPSIS: char = '\u{2026}'; // …

/// Display width of a string the way ratatui measures cells (per grapheme, unicode-width).
#[must_use]
pub fn display_width(s: &str) -> usize {
    s.graphemes(true).map(grapheme_width).sum()
}

/// Width of one grapheme as ratatui renders it: graphemes holding a control character
/// are skipped by ratatui, so they take no cells.
fn grapheme_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        0
    } else {
        usize::from(g.cell_width())
    }
}

/// Greedy word wrap by display width over grapheme clusters. Honours '\n' (blank lines kept).
/// Breaks at whitespace; a word wider than `width` is split at grapheme boundaries; a single grapheme
/// wider than `width` (e.g. CJK at width 1) is replaced by a width-1 placeholder so NO line is ever wider
/// than `width`. Combining marks stay with their base; ZWJ emoji sequences are never split. width 0 → treat as 1.
/// Returns at least one line (empty text → one empty line). No trailing whitespace on lines.
///
/// Besides whitespace, a line may also break next to a wide grapheme (CJK, emoji), the
/// way CJK text wraps without spaces, except before closing punctuation.
#[must_use]
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, width, &mut lines);
    }
    lines
}

/// Cuts to at most `width` columns, ending with '…' when it had to cut.
///
/// Meant for single-line text; a grapheme that does not fit is never half-shown.
#[must_use]
pub fn truncate(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_owned();
    }
    if width == 0 {
        return String::new();
    }
    let budget = width - 1; // room for the ellipsis
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = grapheme_width(g);
        if used + w > budget {
            break;
        }
        out.push_str(g);
        used += w;
    }
    // Never leave whitespace dangling before the ellipsis.
    trim_end_graphemes(&mut out);
    out.push(ELLIPSIS);
    out
}

/// One piece of a paragraph between break opportunities.
struct Piece<'a> {
    /// Whitespace before the word (kept inside a line, dropped at a break).
    space: &'a str,
    space_width: usize,
    word: &'a str,
    word_width: usize,
}

fn wrap_paragraph(paragraph: &str, width: usize, lines: &mut Vec<String>) {
    let mut line = String::new();
    let mut line_width = 0;

    for piece in pieces(paragraph) {
        if line_width + piece.space_width + piece.word_width <= width {
            line.push_str(piece.space);
            line.push_str(piece.word);
            line_width += piece.space_width + piece.word_width;
            continue;
        }
        if !line.is_empty() {
            finish_line(&mut line, lines);
            line_width = 0;
        }
        if piece.word_width <= width {
            line.push_str(piece.word);
            line_width = piece.word_width;
            continue;
        }
        // A word wider than the whole line: split it between graphemes.
        for g in piece.word.graphemes(true) {
            let w = grapheme_width(g);
            let too_wide = w > width;
            let w = if too_wide { 1 } else { w };
            if line_width + w > width {
                finish_line(&mut line, lines);
                line_width = 0;
            }
            if too_wide {
                line.push(TOO_WIDE_PLACEHOLDER);
            } else {
                line.push_str(g);
            }
            line_width += w;
        }
    }
    // Always emit something for the paragraph, so blank lines survive.
    finish_line(&mut line, lines);
}

fn finish_line(line: &mut String, lines: &mut Vec<String>) {
    trim_end_graphemes(line);
    lines.push(std::mem::take(line));
}

/// Splits a paragraph into words with their preceding whitespace. Trailing whitespace
/// of the paragraph becomes a piece with an empty word, which never ends up at a line's
/// end because lines are trimmed.
fn pieces(paragraph: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut space_start = 0;
    let mut word_start = None::<usize>;
    // The previous non-space grapheme in the current word, to find breaks next to wide ones.
    let mut prev: Option<&str> = None;

    let mut push = |space_start: usize, word_start: usize, word_end: usize| {
        let space = &paragraph[space_start..word_start];
        let word = &paragraph[word_start..word_end];
        pieces.push(Piece {
            space,
            space_width: display_width(space),
            word,
            word_width: display_width(word),
        });
    };

    for (i, g) in paragraph.grapheme_indices(true) {
        if is_breaking_space(g) {
            if let Some(start) = word_start.take() {
                push(space_start, start, i);
                space_start = i;
            }
            prev = None;
            continue;
        }
        match word_start {
            None => word_start = Some(i),
            Some(start) => {
                if prev.is_some_and(|p| may_break_between(p, g)) {
                    push(space_start, start, i);
                    space_start = i;
                    word_start = Some(i);
                }
            }
        }
        prev = Some(g);
    }
    match word_start {
        Some(start) => push(space_start, start, paragraph.len()),
        None if space_start < paragraph.len() => {
            push(space_start, paragraph.len(), paragraph.len());
        }
        None => {}
    }
    pieces
}

/// Whitespace a line may break at. No-break spaces glue words together.
fn is_breaking_space(g: &str) -> bool {
    g.chars()
        .all(|c| c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}'))
}

fn is_whitespace_grapheme(g: &str) -> bool {
    g.chars().all(char::is_whitespace)
}

/// CJK text and emoji wrap without spaces; punctuation that closes a phrase must not
/// start a line.
fn may_break_between(prev: &str, next: &str) -> bool {
    (grapheme_width(prev) > 1 || grapheme_width(next) > 1) && !is_closing_punctuation(next)
}

fn is_closing_punctuation(g: &str) -> bool {
    let Some(c) = g.chars().next() else {
        return false;
    };
    matches!(
        c,
        '.' | ','
            | '!'
            | '?'
            | ';'
            | ':'
            | ')'
            | ']'
            | '}'
            | '\''
            | '"'
            | '…'
            | '。'
            | '、'
            | '，'
            | '．'
            | '！'
            | '？'
            | '：'
            | '；'
            | '）'
            | '」'
            | '』'
            | '】'
            | '〉'
            | '》'
            | '〕'
            | 'ー'
    )
}

/// Removes trailing whitespace graphemes (whole graphemes, so a space that carries a
/// combining mark is left alone).
fn trim_end_graphemes(s: &mut String) {
    while let Some((i, g)) = s.grapheme_indices(true).next_back() {
        if !is_whitespace_grapheme(g) {
            break;
        }
        s.truncate(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_ratatui_cells() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("你好"), 4);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width("👨\u{200D}👩\u{200D}👧"), 2);
        assert_eq!(display_width("\u{1F1EB}\u{1F1F7}"), 2);
        assert_eq!(display_width(&TOO_WIDE_PLACEHOLDER.to_string()), 1);
        assert_eq!(display_width(&ELLIPSIS.to_string()), 1);
    }

    /// Where ratatui's measure and terminals' part ways; the sanitizer rewrites
    /// these (see `sanitize::widths`), so the measure here can stay ratatui's.
    #[test]
    fn ratatui_cells_that_terminals_draw_otherwise() {
        // unicode-width already counts U+FF9E as a column; ratatui adds one more.
        assert_eq!(display_width("\u{FF76}\u{FF9E}"), 3);
        // One cell for what per-character terminals draw in two.
        assert_eq!(display_width("\u{1780}\u{17D2}\u{1780}"), 1);
        assert_eq!(display_width("\u{1F1FA}\u{1F1F8}"), 2);
        assert_eq!(display_width("\u{1F44B}\u{1F3FD}"), 2);
    }

    #[test]
    fn truncate_cuts_with_ellipsis() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello", 4), "hel…");
        assert_eq!(truncate("hello", 1), "…");
        assert_eq!(truncate("hello", 0), "");
        assert_eq!(truncate("你好世界", 5), "你好…");
        assert_eq!(truncate("你好世界", 4), "你…");
        assert_eq!(truncate("ab cd", 4), "ab…");
    }
}
