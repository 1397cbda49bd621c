//! Makes untrusted text safe to put on a terminal.
//!
//! Everything a website visitor typed reaches us verbatim, so a message body can hold
//! escape sequences that would retitle the window, write the clipboard (OSC 52), clear
//! the screen or move the cursor, and bidi controls that make text read differently
//! from how it is stored. The sanitizer turns every control character into a visible
//! placeholder (so an operator sees that something odd was sent) and drops invisible
//! format characters that only serve to spoof. Text whose width terminals disagree
//! on (emoji sequences, joiners) is rewritten into pieces of agreed width; the
//! `widths` module holds that policy.

mod widths;

/// Columns between tab stops when `sanitize_text` expands tabs.
pub const TAB_WIDTH: usize = 4;

/// Shown for DEL (U+007F).
pub const DEL_PLACEHOLDER: char = '\u{2421}'; // ␡

/// Shown for C1 controls (U+0080..=U+009F).
pub const C1_PLACEHOLDER: char = '\u{FFFD}'; // �

/// First of the Unicode control pictures; C0 control `c` is shown as `CONTROL_PICTURES + c`.
const CONTROL_PICTURES: u32 = 0x2400;

/// WAVING BLACK FLAG: the only base that may carry tag characters (subdivision flags).
const BLACK_FLAG: char = '\u{1F3F4}';
/// Ends an emoji tag sequence.
const CANCEL_TAG: char = '\u{E007F}';
/// Longest tag spec in a valid emoji tag sequence ("gbsct" is 5; the grammar allows
/// a region code plus up to 4 subdivision characters).
const MAX_FLAG_TAGS: usize = 7;

/// Multi-line text (message bodies): keeps '\n' (CRLF and lone CR become '\n'), expands '\t' to spaces
/// (tab stops every 4 columns from line start), replaces every other C0 control, ESC, DEL and C1 (U+0080..=U+009F)
/// with a visible placeholder (control pictures U+2400.. for C0, '␡' for DEL, '�' for C1), and drops bidi
/// controls (U+202A..=U+202E, U+2066..=U+2069, U+200E, U+200F, U+061C) and other invisible format chars that can
/// spoof. An escape sequence like "\x1b]0;title\x07" must come out with no ESC/BEL at all — show it as
/// placeholders, never pass it through. Every grapheme of the result is as wide for szchat and ratatui as the
/// sum of its characters' widths, which is what terminals draw: emoji sequences and joiners are split as the
/// `widths` module describes.
#[must_use]
pub fn sanitize_text(raw: &str) -> String {
    sanitize(raw, Mode::Text)
}

/// Single-line text (names, e-mails, URLs, file names): like `sanitize_text` but newlines/tabs become a single space.
#[must_use]
pub fn sanitize_line(raw: &str) -> String {
    sanitize(raw, Mode::Line)
}

/// True for characters neither sanitizer ever outputs: controls other than '\n' (which
/// `sanitize_line` does not output either), bidi controls, the invisible format
/// characters that are dropped, U+2028/U+2029, and the characters that make
/// terminals disagree on widths (joiners, emoji modifiers and presentation
/// selectors, regional indicators). Lets tests and callers check text.
#[must_use]
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n')
        || is_dropped_format(c)
        || is_line_separator(c)
        || widths::is_width_disputed(c)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Text,
    Line,
}

fn sanitize(raw: &str, mode: Mode) -> String {
    let split = widths::split_sequences(raw);
    widths::unbind_ligatures(&neutralize_controls(&split, mode))
}

/// Replaces or drops controls and spoofing characters, expands tabs, and keeps tag
/// characters only inside complete flag sequences.
fn neutralize_controls(raw: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(raw.len());
    // Byte offset in `out` where the current line starts and the column it had reached
    // at `measured_to`; measuring only the new part keeps tab expansion linear.
    let mut line_start = 0;
    let mut measured_to = 0;
    let mut column = 0;
    let mut tags = FlagTags::default();
    let mut chars = raw.chars().peekable();

    while let Some(c) = chars.next() {
        // Tag characters are only legitimate inside a flag sequence; everything else
        // ends any sequence still open.
        if is_tag(c) {
            tags.push(c, &mut out);
            continue;
        }
        tags.abandon();

        match c {
            '\r' | '\n' | '\u{2028}' | '\u{2029}' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                match mode {
                    Mode::Text => {
                        out.push('\n');
                        line_start = out.len();
                        measured_to = line_start;
                        column = 0;
                    }
                    Mode::Line => out.push(' '),
                }
            }
            '\t' => match mode {
                Mode::Text => {
                    // Measured as the terminal will draw it, once ligatures are unbound.
                    column += widths::per_char_width(&out[measured_to..]);
                    let pad = TAB_WIDTH - column % TAB_WIDTH;
                    out.extend(std::iter::repeat_n(' ', pad));
                    column += pad;
                    measured_to = out.len();
                    debug_assert!(line_start <= measured_to);
                }
                Mode::Line => out.push(' '),
            },
            '\u{7F}' => out.push(DEL_PLACEHOLDER),
            c if (c as u32) < 0x20 => {
                // Every C0 control has a picture at U+2400 + code, so this never fails.
                out.push(char::from_u32(CONTROL_PICTURES + c as u32).unwrap_or(C1_PLACEHOLDER));
            }
            '\u{80}'..='\u{9F}' => out.push(C1_PLACEHOLDER),
            c if is_dropped_format(c) => {}
            BLACK_FLAG => {
                out.push(c);
                tags.start();
            }
            c => out.push(c),
        }
    }
    tags.abandon();
    out
}

/// Collects tag characters after a black flag and emits them only once the sequence
/// is complete and plausibly a flag; otherwise they vanish (they are invisible, and
/// free-standing tags are a known way to hide text).
#[derive(Default)]
struct FlagTags {
    open: bool,
    pending: String,
    count: usize,
}

impl FlagTags {
    fn start(&mut self) {
        self.open = true;
        self.pending.clear();
        self.count = 0;
    }

    fn push(&mut self, c: char, out: &mut String) {
        if !self.open {
            return;
        }
        if c == CANCEL_TAG {
            if self.count > 0 {
                out.push_str(&self.pending);
                out.push(c);
            }
            self.abandon();
        } else if ('\u{E0020}'..='\u{E007E}').contains(&c) && self.count < MAX_FLAG_TAGS {
            self.pending.push(c);
            self.count += 1;
        } else {
            self.abandon();
        }
    }

    fn abandon(&mut self) {
        self.open = false;
        self.pending.clear();
        self.count = 0;
    }
}

fn is_tag(c: char) -> bool {
    ('\u{E0000}'..='\u{E007F}').contains(&c)
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Invisible format characters (general category Cf) that are dropped: bidi controls,
/// zero-width spaces and joiners other than ZWJ/ZWNJ, the BOM, soft hyphen (terminals
/// disagree on whether it takes a cell), and the like. Kept on purpose: U+200C ZWNJ
/// (needed by Persian and Indic spelling) and the prepended concatenation marks
/// (U+0600.., U+06DD, ...) which are visible. U+200D ZWJ is dropped earlier, with
/// the emoji sequences it builds; tag characters are handled separately.
fn is_dropped_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_expand_to_next_stop_from_line_start() {
        assert_eq!(sanitize_text("\tx"), "    x");
        assert_eq!(sanitize_text("ab\tx"), "ab  x");
        assert_eq!(sanitize_text("abcd\tx"), "abcd    x");
        assert_eq!(sanitize_text("a\n\tx"), "a\n    x");
        // Wide characters count by their columns.
        assert_eq!(sanitize_text("你\tx"), "你  x");
        assert_eq!(sanitize_text("a\t\tb"), "a       b");
    }

    #[test]
    fn line_mode_turns_breaks_and_tabs_into_one_space() {
        assert_eq!(sanitize_line("a\r\nb\rc\nd\te"), "a b c d e");
    }

    #[test]
    fn flag_tags_survive_only_in_complete_sequences() {
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(sanitize_text(scotland), scotland);
        // Smuggled text in tags without a flag, or a flag sequence that never ends.
        assert_eq!(sanitize_text("hi\u{E0068}\u{E0069}"), "hi");
        assert_eq!(sanitize_text("\u{1F3F4}\u{E0068}\u{E0069}x"), "\u{1F3F4}x");
        let too_long: String = std::iter::once('\u{1F3F4}')
            .chain(std::iter::repeat_n('\u{E0061}', 20))
            .chain(std::iter::once(CANCEL_TAG))
            .collect();
        assert_eq!(sanitize_text(&too_long), "\u{1F3F4}");
    }
}
