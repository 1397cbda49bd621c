//! The piece of a message a search hit shows: the text around the first
//! match, the match found as the search found it (case and diacritics
//! folded, see [`crate::fold`]) and cut at grapheme boundaries only, so no
//! accent is torn from its letter and no emoji is split.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::fold::{fold, fold_with_origin, word_start_matches};

/// Text around a match; `marked` is the match's byte range in `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub marked: Option<Range<usize>>,
}

impl Snippet {
    /// The snippet with the match between `open` and `close`.
    pub fn marked_with(&self, open: &str, close: &str) -> String {
        match &self.marked {
            Some(range) => format!(
                "{}{open}{}{close}{}",
                &self.text[..range.start],
                &self.text[range.clone()],
                &self.text[range.end..]
            ),
            None => self.text.clone(),
        }
    }
}

/// `before` graphemes of context before the first of `words` found in
/// `text` (where a word begins, when it is found there), `after` after it;
/// the start of `text` when none is found. "…" says text was left out.
pub fn snippet(text: &str, words: &[String], before: usize, after: usize) -> Snippet {
    let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
    let Some(found) = first_match(text, words) else {
        let cut = graphemes
            .get(before + after)
            .map_or(text.len(), |(at, _)| *at);
        let more = if cut < text.len() { "…" } else { "" };
        return Snippet {
            text: format!("{}{more}", &text[..cut]),
            marked: None,
        };
    };
    // The graphemes the match touches, whole.
    let first = graphemes
        .iter()
        .rposition(|(at, _)| *at <= found.start)
        .unwrap_or(0);
    let last = graphemes
        .iter()
        .position(|(at, g)| at + g.len() >= found.end)
        .unwrap_or(graphemes.len().saturating_sub(1));
    let start_at = |index: usize| graphemes.get(index).map_or(text.len(), |(at, _)| *at);
    let mark = start_at(first)..start_at(last + 1);
    let from = start_at(first.saturating_sub(before));
    let to = start_at(last + 1 + after);
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < text.len() { "…" } else { "" };
    let offset = lead.len() + mark.start - from;
    Snippet {
        text: format!("{lead}{}{tail}", &text[from..to]),
        marked: Some(offset..offset + mark.len()),
    }
}

/// The byte range in `text` of the first word found, folded.
fn first_match(text: &str, words: &[String]) -> Option<Range<usize>> {
    let (folded, origin) = fold_with_origin(text);
    words.iter().find_map(|word| {
        let needle = fold(word);
        if needle.is_empty() {
            return None;
        }
        let at = word_start_matches(&folded, &needle)
            .next()
            .or_else(|| folded.find(&needle))?;
        let start = origin.get(at)?.start;
        let end = origin.get(at + needle.len() - 1)?.end;
        Some(start..end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, word: &str, before: usize, after: usize) -> String {
        snippet(text, &[word.to_owned()], before, after).marked_with("[", "]")
    }

    #[test]
    fn the_match_is_marked_where_folding_found_it() {
        assert_eq!(marked("Un Café, merci", "cafe", 30, 60), "Un [Café], merci");
        assert_eq!(
            marked("in der Straße 4", "strasse", 30, 60),
            "in der [Straße] 4"
        );
        // Decomposed text: the accent stays with its letter inside the mark.
        assert_eq!(
            marked("Un cafe\u{301} noir", "cafe", 30, 60),
            "Un [cafe\u{301}] noir"
        );
        assert_eq!(
            marked("明日東京に行きます", "東京", 30, 60),
            "明日[東京]に行きます"
        );
    }

    #[test]
    fn a_word_start_is_preferred_and_cuts_keep_graphemes_whole() {
        assert_eq!(
            marked("reinvoice, invoice 4411", "inv", 30, 60),
            "reinvoice, [inv]oice 4411"
        );
        assert_eq!(
            marked("e\u{301}e\u{301}e\u{301} match 👍🏽👍🏽", "match", 2, 1),
            "…e\u{301} [match] …"
        );
        assert_eq!(marked("no such word", "zzz", 3, 2), "no su…");
    }
}
