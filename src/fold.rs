//! Folding text for matching that ignores case and diacritics, shared by
//! the visitor list's filter and the archive's search: "Zoë" and "zoe" fold
//! to the same text. Folding goes character by character, so where a match
//! in folded text came from can be said ([`fold_with_origin`]).

use std::ops::Range;

use icu_normalizer::DecomposingNormalizerBorrowed;

/// `text` in lower case without diacritics: "Zoë Ångström" → "zoe angstrom".
/// A letter keeps its accents only where taking them away would change what
/// it is (kana with dakuten, Hangul syllables stay whole).
pub fn fold(text: &str) -> String {
    // Most of what is written is ASCII, where folding is lower-casing: the
    // archive folds every field it indexes, so this path is the common one.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let nfd = DecomposingNormalizerBorrowed::new_nfd();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(&nfd, c, &mut out);
    }
    out
}

/// `text` folded, and for each byte of the folded text the byte range of
/// the character of `text` it came from.
pub fn fold_with_origin(text: &str) -> (String, Vec<Range<usize>>) {
    let nfd = DecomposingNormalizerBorrowed::new_nfd();
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let before = out.len();
        fold_char(&nfd, c, &mut out);
        origin.extend(std::iter::repeat_n(
            at..at + c.len_utf8(),
            out.len() - before,
        ));
    }
    (out, origin)
}

/// True when `folded` holds `needle` (both folded) where a word begins.
pub fn has_at_word_start(folded: &str, needle: &str) -> bool {
    word_start_matches(folded, needle).next().is_some()
}

/// Byte offsets in `folded` where `needle` begins a word.
pub fn word_start_matches<'a>(
    folded: &'a str,
    needle: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    folded
        .match_indices(needle)
        .map(|(at, _)| at)
        .filter(move |&at| begins_word(folded, at))
}

/// True when a word begins at byte `at` of `text`: at its start, after a
/// character that is no letter or digit, or in a script written without
/// spaces (Chinese, Japanese, Thai…), where any character may begin one.
fn begins_word(text: &str, at: usize) -> bool {
    let Some(previous) = text[..at].chars().next_back() else {
        return true;
    };
    let next = text[at..].chars().next();
    !previous.is_alphanumeric()
        || written_without_spaces(previous)
        || next.is_some_and(written_without_spaces)
}

/// Scripts whose words are not set apart by spaces.
fn written_without_spaces(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}' // Han
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}' // half-width Katakana
        | '\u{20000}'..='\u{3FFFF}')
}

/// Appends `c` folded to `out`.
fn fold_char(nfd: &DecomposingNormalizerBorrowed<'_>, c: char, out: &mut String) {
    for c in c.to_lowercase() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if is_diacritic(c) {
            // Already apart from its letter (text sent decomposed).
            continue;
        }
        if let Some(plain) = without_marks(nfd, c) {
            out.push_str(&plain);
            continue;
        }
        match c {
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'ı' => out.push('i'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'þ' => out.push_str("th"),
            _ => out.push(c),
        }
    }
}

/// `c`'s base letters when its canonical decomposition is letters followed
/// by combining diacritical marks only; `None` when it has no such marks.
fn without_marks(nfd: &DecomposingNormalizerBorrowed<'_>, c: char) -> Option<String> {
    let parts: Vec<char> = nfd.normalize_iter(std::iter::once(c)).collect();
    let base: String = parts
        .iter()
        .copied()
        .filter(|&p| !is_diacritic(p))
        .collect();
    let marked = base.chars().count() < parts.len();
    let only_diacritics = parts
        .iter()
        .skip_while(|&&p| !is_diacritic(p))
        .all(|&p| is_diacritic(p));
    (marked && only_diacritics && !base.is_empty()).then_some(base)
}

/// Combining marks that are accents on Latin, Greek and Cyrillic letters.
fn is_diacritic(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_in_folded_text_maps_back_to_whole_characters() {
        let text = "Straße Café";
        let (folded, origin) = fold_with_origin(text);
        assert_eq!(folded, "strasse cafe");
        assert_eq!(fold(text), folded);
        let at = folded.find("asse").unwrap();
        let end = origin[at + 3].end;
        assert_eq!(&text[origin[at].start..end], "aße");
        let at = folded.find("cafe").unwrap();
        assert_eq!(&text[origin[at].start..origin[at + 3].end], "Café");
    }

    #[test]
    fn words_begin_after_spaces_and_punctuation_and_anywhere_in_cjk() {
        assert!(has_at_word_start("invoice 4411", "44"));
        assert!(has_at_word_start("(invoice)", "inv"));
        assert!(!has_at_word_start("reinvoice", "inv"));
        assert!(has_at_word_start("明日東京に行きます", "東京"));
        assert!(has_at_word_start("ในกรุงเทพ", "กรุง"));
        assert!(!has_at_word_start("tab", "ab"));
    }
}
