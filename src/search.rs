//! Finding text in messages: what a query matches, and where.
//!
//! A query matches the text the screen shows (sanitized sender name, body
//! and attachment name), never the raw wire text, so a highlight lands on the
//! cells the reader sees. Matching is plain text, case-insensitive unless the
//! query holds a capital letter (smart case). Case is folded per character
//! with Unicode's lowercase mapping, which may change a character's length
//! ('İ' is two bytes, its lowercase three): positions found in folded text are
//! mapped back to the text they came from, never assumed equal.
//!
//! Each message's text is built once, as it arrives, and kept with its folded
//! form ([`SearchIndex`]), so a query over a long history is a substring scan
//! (SIMD, with `memchr`), not a re-sanitizing.

use std::collections::HashMap;
use std::ops::Range;

use memchr::memmem::Finder;

use crate::attachment;
use crate::model::{Message, MessageId};
use crate::sanitize::sanitize_text;
use crate::ui::message_block;

/// Between the searchable fields of a message: no query holds it (the prompt
/// takes no control characters), so no match spans two fields.
const FIELD_BREAK: char = '\n';

/// What the reader searches for.
#[derive(Clone, Debug)]
pub struct Query {
    text: String,
    /// The text as it is looked for: folded unless the search is case-sensitive.
    needle: String,
    /// Looks for `needle`, set up once per query.
    finder: Finder<'static>,
    case_sensitive: bool,
}

impl Query {
    /// The query for `text`; `None` when there is nothing to look for.
    pub fn new(text: &str) -> Option<Query> {
        if text.is_empty() {
            return None;
        }
        let case_sensitive = text.chars().any(char::is_uppercase);
        let needle = if case_sensitive {
            text.to_owned()
        } else {
            fold(text)
        };
        Some(Query {
            text: text.to_owned(),
            finder: Finder::new(needle.as_bytes()).into_owned(),
            needle,
            case_sensitive,
        })
    }

    /// The text as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when the query holds a capital letter, so case counts.
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// True if a message whose searchable text is `shown`, `folded` when
    /// folded, matches.
    pub fn matches(&self, shown: &str, folded: &str) -> bool {
        let haystack = if self.case_sensitive { shown } else { folded };
        self.finder.find(haystack.as_bytes()).is_some()
    }

    /// Byte ranges of `text` the query matches, in order, not overlapping;
    /// each range covers whole characters of `text`.
    pub fn find_in(&self, text: &str) -> Vec<Range<usize>> {
        if self.case_sensitive {
            return text
                .match_indices(&self.needle)
                .map(|(at, found)| at..at + found.len())
                .collect();
        }
        let (folded, origin) = fold_with_origin(text);
        folded
            .match_indices(&self.needle)
            .filter_map(|(at, found)| {
                let start = origin.get(at)?.start;
                let end = origin.get(at + found.len() - 1)?.end;
                Some(start..end)
            })
            .collect()
    }
}

/// `text` with every character case-folded (see [`fold_char`]).
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, |lower| folded.push(lower));
    }
    folded
}

/// Hands `out` the case folding of `c`: its lowercase mapping, except where
/// Unicode's full case folding differs for letters people type: final sigma
/// folds like sigma, sharp s and long s like "ss" and "s". ASCII, nearly all
/// text, takes the quick way.
fn fold_char(c: char, mut out: impl FnMut(char)) {
    match c {
        _ if c.is_ascii() => out(c.to_ascii_lowercase()),
        'ς' => out('σ'),
        'ß' | 'ẞ' => {
            out('s');
            out('s');
        }
        'ſ' => out('s'),
        _ => c.to_lowercase().for_each(out),
    }
}

/// `text` folded, and for each byte of the folded text the byte range of the
/// character of `text` it came from.
fn fold_with_origin(text: &str) -> (String, Vec<Range<usize>>) {
    let mut folded = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        let source = at..at + c.len_utf8();
        fold_char(c, |lower| {
            folded.push(lower);
            origin.extend(std::iter::repeat_n(source.clone(), lower.len_utf8()));
        });
    }
    (folded, origin)
}

/// What of `message` a search looks at, as the screen shows it: sender name,
/// body and attachment name. A placeholder for an unreadable entry has none.
pub fn searchable_text(message: &Message) -> String {
    if message.unreadable.is_some() {
        return String::new();
    }
    let mut text = message_block::display_name(&message.sender);
    text.push(FIELD_BREAK);
    text.push_str(&sanitize_text(&message.body));
    if let Some(url) = &message.file_url {
        text.push(FIELD_BREAK);
        text.push_str(&attachment::display_name(url));
    }
    text
}

/// The searchable text of each message indexed so far, as shown and folded.
#[derive(Debug, Default)]
pub struct SearchIndex {
    texts: HashMap<MessageId, Texts>,
}

/// One message's searchable text.
#[derive(Debug)]
struct Texts {
    shown: Box<str>,
    /// `None` when folding changes nothing (no capitals): half the memory.
    folded: Option<Box<str>>,
}

impl Texts {
    fn of(message: &Message) -> Self {
        let shown = searchable_text(message);
        let folded = fold(&shown);
        Texts {
            folded: (folded != shown).then(|| folded.into()),
            shown: shown.into(),
        }
    }

    fn matches(&self, query: &Query) -> bool {
        query.matches(&self.shown, self.folded.as_deref().unwrap_or(&self.shown))
    }

    fn bytes(&self) -> usize {
        self.shown.len() + self.folded.as_ref().map_or(0, |folded| folded.len())
    }
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many messages are indexed.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Bytes of text held, not counting the map's own overhead.
    pub fn text_bytes(&self) -> usize {
        self.texts.values().map(Texts::bytes).sum()
    }

    /// Indexes `message`, in place of what its id had.
    pub fn insert(&mut self, message: &Message) {
        self.texts.insert(message.id, Texts::of(message));
    }

    /// Forgets `id` (its message changed).
    pub fn forget(&mut self, id: MessageId) {
        self.texts.remove(&id);
    }

    /// True if `message` matches `query`; indexes it first if need be.
    pub fn matches(&mut self, query: &Query, message: &Message) -> bool {
        self.texts
            .entry(message.id)
            .or_insert_with(|| Texts::of(message))
            .matches(query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found<'a>(query: &str, text: &'a str) -> Vec<&'a str> {
        Query::new(query)
            .unwrap()
            .find_in(text)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn lowercase_queries_ignore_case_and_capitals_make_case_count() {
        assert_eq!(
            found("error", "Error, ERROR, error"),
            ["Error", "ERROR", "error"]
        );
        assert_eq!(found("Error", "Error, ERROR, error"), ["Error"]);
        assert!(Query::new("").is_none());
    }

    #[test]
    fn folding_beyond_ascii_maps_back_to_whole_characters() {
        assert_eq!(found("straße", "STRAẞE und Straße"), ["STRAẞE", "Straße"]);
        assert_eq!(found("ελλάδα", "ΕΛΛΆΔΑ!"), ["ΕΛΛΆΔΑ"]);
        assert_eq!(found("οδος", "ΟΔΟΣ"), ["ΟΔΟΣ"]);
        assert_eq!(found("strasse", "Straße"), ["Straße"]);
        // Half of a folded 'ß' still covers the whole character.
        assert_eq!(found("as", "Maße"), ["aß"]);
        // 'İ' lowercases to two characters: a match on either covers it whole.
        assert_eq!(found("i", "İx"), ["İ"]);
        assert_eq!(found("x", "İİx"), ["x"]);
        assert_eq!(found("é", "CAFÉ café"), ["É", "é"]);
    }

    #[test]
    fn a_case_sensitive_match_checks_the_text_as_shown() {
        let query = Query::new("Olga").unwrap();
        assert!(query.case_sensitive());
        assert!(query.matches("Olga", "olga"));
        assert!(!query.matches("OLGA", "olga"));
        let query = Query::new("olga").unwrap();
        assert!(query.matches("OLGA", "olga"));
    }
}
