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
//! form ([`SearchIndex`]), so a query over a long history is one pass of a
//! substring search (SIMD, with `memchr`) over memory in order.

use std::collections::HashMap;
use std::ops::Range;

use memchr::memmem::Finder;

use crate::attachment;
use crate::model::{Message, MessageId};
use crate::sanitize::sanitize_text;
use crate::search_query::{self, Marks, TextCheck};
use crate::text::message_block;

/// Between the searchable fields of a message: no query holds it (the prompt
/// takes no control characters), so no match spans two fields.
const FIELD_BREAK: char = '\n';

/// What the reader searches for.
#[derive(Clone, Debug)]
pub struct Query {
    text: String,
    kind: Kind,
}

/// How a query looks for its text.
#[derive(Clone, Debug)]
enum Kind {
    /// `/`: the text typed, one piece, smart case.
    Typed {
        /// The text as it is looked for: folded unless the search is case-sensitive.
        needle: String,
        /// Looks for `needle`, set up once per query (boxed: it is large).
        finder: Box<Finder<'static>>,
        case_sensitive: bool,
    },
    /// A query of the search across visitors (issue 16), as that search
    /// finds its hits: each wanted word present and no excluded one, case
    /// and diacritics folded ([`crate::fold`]), and its filters (`from:`,
    /// `after:`, `has:` …) holding for the message.
    Words {
        checks: Vec<TextCheck>,
        marks: Marks,
        parsed: search_query::Query,
    },
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
            kind: Kind::Typed {
                finder: Box::new(Finder::new(needle.as_bytes()).into_owned()),
                needle,
                case_sensitive,
            },
        })
    }

    /// The words of `typed`, a query of the search across visitors, looked
    /// for as that search looks; `None` when it cannot be read or wants no
    /// text (filters alone).
    pub fn of_message_search(typed: &str) -> Option<Query> {
        let parsed = search_query::parse(typed).ok()?;
        let marks = parsed.marks();
        if marks.is_empty() {
            return None;
        }
        Some(Query {
            text: typed.trim().to_owned(),
            kind: Kind::Words {
                checks: parsed.text_checks(),
                marks,
                parsed,
            },
        })
    }

    /// The text as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when the query holds a capital letter, so case counts.
    pub fn case_sensitive(&self) -> bool {
        matches!(
            self.kind,
            Kind::Typed {
                case_sensitive: true,
                ..
            }
        )
    }

    /// True if a message whose searchable text is `shown`, `folded` when
    /// folded, matches.
    pub fn matches(&self, shown: &str, folded: &str) -> bool {
        match &self.kind {
            Kind::Typed {
                finder,
                case_sensitive,
                ..
            } => {
                let haystack = if *case_sensitive { shown } else { folded };
                finder.find(haystack.as_bytes()).is_some()
            }
            Kind::Words { checks, .. } => {
                let folded = [crate::fold::fold(shown)];
                checks.iter().all(|check| check.holds(&folded))
            }
        }
    }

    /// True if `message`'s sender, time and attachment are as the query
    /// asks: always for `/`, which asks only for text.
    pub fn admits(&self, message: &Message) -> bool {
        match &self.kind {
            Kind::Typed { .. } => true,
            Kind::Words { parsed, .. } => parsed.admits(message),
        }
    }

    /// Byte ranges of `text` the query matches, in order, not overlapping;
    /// each range covers whole characters of `text`.
    pub fn find_in(&self, text: &str) -> Vec<Range<usize>> {
        let (needle, case_sensitive) = match &self.kind {
            Kind::Words { marks, .. } => return marks.find_in(text),
            Kind::Typed {
                needle,
                case_sensitive,
                ..
            } => (needle, *case_sensitive),
        };
        if case_sensitive {
            return text
                .match_indices(needle.as_str())
                .map(|(at, found)| at..at + found.len())
                .collect();
        }
        let (folded, origin) = fold_with_origin(text);
        folded
            .match_indices(needle.as_str())
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
    let mut text = message_block::sender_name(&message.sender);
    text.push(FIELD_BREAK);
    text.push_str(&sanitize_text(&message.body));
    if let Some(name) = attachment::shown_name(message) {
        text.push(FIELD_BREAK);
        text.push_str(&name);
    }
    text
}

/// The searchable text of every message indexed, as shown and folded, in
/// one contiguous store scanned front to back: a query over 100 000
/// messages reads memory in order instead of chasing a pointer per message.
#[derive(Debug, Default)]
pub struct SearchIndex {
    /// Every entry's text, one after another.
    text: String,
    entries: Vec<Entry>,
    /// Where each message's live entry is.
    slot_of: HashMap<MessageId, usize>,
    /// Bytes of `text` that belong to forgotten entries.
    dead_bytes: usize,
}

/// One message's place in the index: 32 bytes (where it sorts is the
/// conversation's to say).
#[derive(Debug)]
struct Entry {
    id: MessageId,
    shown: Range<u32>,
    /// Equal to `shown` when folding changes nothing: no second copy.
    folded: Range<u32>,
    live: bool,
}

/// Where in the index's text `start..end` is, in the 32 bits an entry
/// keeps: 4 GB of text is beyond any conversation held in memory.
fn span(start: usize, end: usize) -> Range<u32> {
    let at = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
    at(start)..at(end)
}

/// The text at `span` of `text`; empty past its end.
fn text_at<'a>(text: &'a str, span: &Range<u32>) -> &'a str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or_default()
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many messages are indexed.
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Bytes of text held, not counting the entries and the map.
    pub fn text_bytes(&self) -> usize {
        self.text.len()
    }

    /// Indexes `message`, in place of what its id had.
    pub fn insert(&mut self, message: &Message) {
        self.forget(message.id);
        let shown = searchable_text(message);
        let folded = fold(&shown);
        // Grown by a quarter, not doubled: the spare room of a doubling
        // store was a third of the index at 100,000 messages.
        let room = shown.len() + if folded == shown { 0 } else { folded.len() };
        if self.text.capacity() - self.text.len() < room {
            self.text.reserve_exact(room.max(self.text.len() / 4));
        }
        if self.entries.capacity() == self.entries.len() {
            self.entries.reserve_exact((self.entries.len() / 4).max(16));
        }
        let start = self.text.len();
        self.text.push_str(&shown);
        let shown_range = span(start, self.text.len());
        let folded_range = if folded == shown {
            shown_range.clone()
        } else {
            let start = self.text.len();
            self.text.push_str(&folded);
            span(start, self.text.len())
        };
        self.slot_of.insert(message.id, self.entries.len());
        self.entries.push(Entry {
            id: message.id,
            shown: shown_range,
            folded: folded_range,
            live: true,
        });
        if self.dead_bytes > self.text.len() / 2 {
            self.compact();
        }
    }

    /// Forgets `id` (its message changed).
    pub fn forget(&mut self, id: MessageId) {
        if let Some(slot) = self.slot_of.remove(&id)
            && let Some(entry) = self.entries.get_mut(slot)
        {
            entry.live = false;
            self.dead_bytes += entry.shown.len() + entry.folded.len();
        }
    }

    /// True if the indexed message `id` matches `query`.
    pub fn matches(&self, query: &Query, id: MessageId) -> bool {
        self.slot_of
            .get(&id)
            .and_then(|slot| self.entries.get(*slot))
            .is_some_and(|entry| self.entry_matches(query, entry))
    }

    /// Every indexed message `query` matches, in no particular order.
    pub fn matching(&self, query: &Query) -> Vec<MessageId> {
        self.entries
            .iter()
            .filter(|entry| entry.live && self.entry_matches(query, entry))
            .map(|entry| entry.id)
            .collect()
    }

    fn entry_matches(&self, query: &Query, entry: &Entry) -> bool {
        query.matches(
            text_at(&self.text, &entry.shown),
            text_at(&self.text, &entry.folded),
        )
    }

    /// Drops forgotten entries and their text.
    fn compact(&mut self) {
        let old_text = std::mem::take(&mut self.text);
        let old_entries = std::mem::take(&mut self.entries);
        self.slot_of.clear();
        self.dead_bytes = 0;
        for mut entry in old_entries.into_iter().filter(|entry| entry.live) {
            let same = entry.folded == entry.shown;
            let start = self.text.len();
            self.text.push_str(text_at(&old_text, &entry.shown));
            let shown = span(start, self.text.len());
            entry.folded = if same {
                shown.clone()
            } else {
                let start = self.text.len();
                self.text.push_str(text_at(&old_text, &entry.folded));
                span(start, self.text.len())
            };
            entry.shown = shown;
            self.slot_of.insert(entry.id, self.entries.len());
            self.entries.push(entry);
        }
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

    #[test]
    fn the_index_finds_live_entries_and_compacts_what_was_forgotten() {
        let message = |id, body: &str| crate::testing::message(id).body(body).build();
        let mut index = SearchIndex::new();
        index.insert(&message(1, "Refund please"));
        index.insert(&message(2, "no thanks"));
        let query = Query::new("refund").unwrap();
        assert!(index.matches(&query, 1) && !index.matches(&query, 2));
        for round in 0..10 {
            index.insert(&message(1, &format!("edited {round}")));
        }
        index.insert(&message(3, "a refund, at last"));
        assert_eq!(index.matching(&query), [3]);
        assert_eq!(index.len(), 3);
        // Ten edits of message 1 left over 400 bytes behind without compaction.
        assert!(index.text_bytes() < 400, "forgotten text is dropped");
        assert!(index.matches(&Query::new("edited 9").unwrap(), 1));
    }

    #[test]
    fn a_message_search_query_finds_every_word_folded_and_no_excluded_one() {
        let query = Query::of_message_search(r#"invoice "the cafe" -paid from:visitor"#).unwrap();
        assert_eq!(query.text(), r#"invoice "the cafe" -paid from:visitor"#);
        let text = "Ana\nYour INVOICE for the Café";
        assert!(query.matches(text, &fold(text)));
        let paid = "Ana\nInvoice paid at the cafe";
        assert!(!query.matches(paid, &fold(paid)), "an excluded word");
        let one = "Ana\nthe invoice";
        assert!(!query.matches(one, &fold(one)), "every word must be there");
        let marked: Vec<&str> = query
            .find_in("INVOICE for the Café")
            .into_iter()
            .map(|range| &"INVOICE for the Café"[range])
            .collect();
        assert_eq!(marked, ["INVOICE", "the Café"]);
        assert!(Query::of_message_search("from:visitor").is_none());
        assert!(Query::of_message_search("\"open").is_none());
    }
}
