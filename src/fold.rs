//! Folding text for matching that ignores case and diacritics, shared by
//! the visitor list's filter and the archive's search: "Zoë" and "zoe" fold
//! to the same text.

use icu_normalizer::DecomposingNormalizerBorrowed;

/// `text` in lower case without diacritics: "Zoë Ångström" → "zoe angstrom".
/// A letter keeps its accents only where taking them away would change what
/// it is (kana with dakuten, Hangul syllables stay whole).
pub fn fold(text: &str) -> String {
    let nfd = DecomposingNormalizerBorrowed::new_nfd();
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if is_diacritic(c) {
            // Already apart from its letter (text sent decomposed).
            continue;
        }
        if let Some(plain) = without_marks(&nfd, c) {
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
    out
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
