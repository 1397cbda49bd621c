//! The piece of a message a search hit shows: the text around the first
//! match, with every match in it marked as the search found it (case and
//! diacritics folded, see [`crate::search_query::Marks`]) and cut at
//! grapheme boundaries only, so no accent is torn from its letter and no
//! emoji is split.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::search_query::Marks;

/// Text around a match; `marked` holds the matches' byte ranges in `text`,
/// in order, none overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    pub marked: Vec<Range<usize>>,
}

impl Snippet {
    /// The snippet with each match between `open` and `close`.
    pub fn marked_with(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for range in &self.marked {
            out.push_str(&self.text[at..range.start]);
            out.push_str(open);
            out.push_str(&self.text[range.clone()]);
            out.push_str(close);
            at = range.end;
        }
        out.push_str(&self.text[at..]);
        out
    }

    /// The snippet in pieces, each with whether it is a match, in order.
    pub fn pieces(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut cuts = vec![(0, false)];
        for range in &self.marked {
            cuts.push((range.start, true));
            cuts.push((range.end, false));
        }
        cuts.push((self.text.len(), false));
        (0..cuts.len() - 1)
            .map(move |i| (&self.text[cuts[i].0..cuts[i + 1].0], cuts[i].1))
            .filter(|(piece, _)| !piece.is_empty())
    }
}

/// `before` graphemes of context before the first match of `marks` in
/// `text`, `after` after it, and the matches within that marked; the start
/// of `text` when nothing is found. "…" says text was left out.
pub fn snippet(text: &str, marks: &Marks, before: usize, after: usize) -> Snippet {
    let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
    let start_at = |index: usize| graphemes.get(index).map_or(text.len(), |(at, _)| *at);
    // Each match widened to the graphemes it touches, whole: as grapheme indices.
    let found: Vec<Range<usize>> = marks
        .find_in(text)
        .into_iter()
        .map(|range| {
            let first = graphemes
                .iter()
                .rposition(|(at, _)| *at <= range.start)
                .unwrap_or(0);
            let last = graphemes
                .iter()
                .position(|(at, g)| at + g.len() >= range.end)
                .unwrap_or(graphemes.len().saturating_sub(1));
            first..last + 1
        })
        .collect();
    let Some(first) = found.first() else {
        let cut = start_at(before + after);
        let more = if cut < text.len() { "…" } else { "" };
        return Snippet {
            text: format!("{}{more}", &text[..cut]),
            marked: Vec::new(),
        };
    };
    let from = first.start.saturating_sub(before);
    let mut to = first.end + after;
    let mut kept: Vec<Range<usize>> = Vec::new();
    for mark in &found {
        if mark.start >= to {
            break;
        }
        // A match the context reaches is shown whole.
        to = to.max(mark.end);
        match kept.last_mut() {
            // Widened to whole graphemes, two matches may meet.
            Some(last) if mark.start <= last.end => last.end = last.end.max(mark.end),
            _ => kept.push(mark.clone()),
        }
    }
    let (from_at, to_at) = (start_at(from), start_at(to));
    let lead = if from_at > 0 { "…" } else { "" };
    let tail = if to_at < text.len() { "…" } else { "" };
    let shift = |at: usize| lead.len() + start_at(at) - from_at;
    Snippet {
        text: format!("{lead}{}{tail}", &text[from_at..to_at]),
        marked: kept
            .iter()
            .map(|mark| shift(mark.start)..shift(mark.end))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search_query::parse;

    fn marked(text: &str, query: &str, before: usize, after: usize) -> String {
        let marks = parse(query).unwrap().marks();
        snippet(text, &marks, before, after).marked_with("[", "]")
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
    fn every_word_of_the_query_is_marked_and_no_excluded_one() {
        assert_eq!(
            marked(
                "Where is my invoice 4411? The Café order, not paid",
                r#"4411 invoice "the cafe" -paid"#,
                30,
                60
            ),
            "Where is my [invoice] [4411]? [The Café] order, not paid"
        );
        assert_eq!(
            marked("refund the refund, REFUNDED", "refund*", 30, 60),
            "[refund] the [refund], [REFUND]ED"
        );
        // The context runs from the first match; one it reaches shows whole.
        assert_eq!(
            marked("aaaa invoice bbbb 4411 cccc", "4411 invoice", 2, 8),
            "…a [invoice] bbbb [4411]…"
        );
    }

    #[test]
    fn a_word_start_is_kept_and_cuts_keep_graphemes_whole() {
        assert_eq!(
            marked("reinvoice, invoice 4411", "inv*", 30, 60),
            "reinvoice, [inv]oice 4411"
        );
        assert_eq!(
            marked("e\u{301}e\u{301}e\u{301} match 👍🏽👍🏽", "match", 2, 1),
            "…e\u{301} [match] …"
        );
        assert_eq!(marked("no such word", "zzz", 3, 2), "no su…");
    }
}
