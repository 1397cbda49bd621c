//! A search across the whole transcript: the query, the loaded messages it
//! matches, and the match the reader is waiting to be taken to. Until every
//! page is loaded the state keeps loading them the way `g` does; each page
//! is searched as it arrives, so matches appear as they are found.

use super::{AppState, LoadState, Status};
use crate::conversation::Conversation;
use crate::model::{MessageId, SortKey};
use crate::numbers::grouped;
use crate::search::{Query, SearchIndex};

/// How far the history has loaded, as far as a search cares.
#[derive(Clone, Copy, Debug)]
pub(super) struct Coverage {
    /// Every message the server has is loaded.
    pub complete: bool,
    /// More pages can still come: loading neither failed nor stopped.
    pub can_load_more: bool,
    pub loaded: usize,
    /// How many messages the server says there are, once known.
    pub total: Option<u64>,
}

impl Coverage {
    /// True while more pages may still bring matches.
    fn more_to_come(self) -> bool {
        !self.complete && self.can_load_more
    }
}

/// The match the reader waits to be taken to: the nearest one older than
/// `from` (or at it, when `inclusive`); `None` starts from the newest.
#[derive(Clone, Copy, Debug)]
struct Seek {
    from: Option<SortKey>,
    inclusive: bool,
}

/// One search under way or done.
#[derive(Debug)]
struct Active {
    query: Query,
    matches: Matches,
    seek: Option<Seek>,
}

/// The matching messages, oldest first. A sorted list rather than a tree:
/// a match's number is a binary search, so the status bar costs the same for
/// three matches or a hundred thousand; pages arrive in batches, merged in.
#[derive(Debug, Default)]
struct Matches(Vec<(SortKey, MessageId)>);

impl Matches {
    fn len(&self) -> usize {
        self.0.len()
    }

    /// Where `key` is, or would go.
    fn find(&self, key: SortKey) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp(&key))
    }

    fn contains(&self, key: SortKey) -> bool {
        self.find(key).is_ok()
    }

    fn remove(&mut self, key: SortKey) {
        if let Ok(at) = self.find(key) {
            self.0.remove(at);
        }
    }

    /// Adds `found`, which need not be sorted.
    fn merge(&mut self, mut found: Vec<(SortKey, MessageId)>) {
        if found.is_empty() {
            return;
        }
        found.sort_unstable();
        let old = std::mem::take(&mut self.0);
        let mut merged = Vec::with_capacity(old.len() + found.len());
        let (mut a, mut b) = (old.into_iter().peekable(), found.into_iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    a.next();
                    b.next()
                }
                (Some(x), Some(y)) if x.0 < y.0 => a.next(),
                (Some(_), None) => a.next(),
                _ => b.next(),
            };
            match next {
                Some(entry) => merged.push(entry),
                None => break,
            }
        }
        self.0 = merged;
    }

    /// The nearest match older than `from` (at it, when `inclusive`); from
    /// the newest when `from` is `None`.
    fn older(&self, from: Option<SortKey>, inclusive: bool) -> Option<MessageId> {
        let end = match from {
            None => self.0.len(),
            Some(key) => match self.find(key) {
                Ok(at) if inclusive => at + 1,
                Ok(at) | Err(at) => at,
            },
        };
        end.checked_sub(1).map(|at| self.0[at].1)
    }

    /// The nearest match newer than `from`; none when `from` is `None` (the
    /// newest end).
    fn newer(&self, from: Option<SortKey>) -> Option<MessageId> {
        let start = match self.find(from?) {
            Ok(at) => at + 1,
            Err(at) => at,
        };
        self.0.get(start).map(|(_, id)| *id)
    }

    /// The number of the match at `key`, counted from the newest.
    fn number(&self, key: SortKey) -> Option<usize> {
        self.find(key).ok().map(|at| self.0.len() - at)
    }
}

/// The search, if any, and the searchable text of the loaded messages.
/// Messages are indexed when a search first needs them, not as they
/// arrive: opening a long history draws its first frame without paying
/// for a search the reader may never make.
#[derive(Debug, Default)]
pub(super) struct Search {
    active: Option<Active>,
    index: SearchIndex,
    /// Loaded messages not indexed yet (an id may repeat: indexing again
    /// replaces).
    unindexed: Vec<MessageId>,
}

/// What looking for the match to go to came to.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// Go to this match.
    Match(MessageId),
    /// Still waiting for pages.
    Waiting,
    /// There is none that way.
    None,
}

impl Search {
    /// The query being searched for.
    pub(super) fn query(&self) -> Option<&Query> {
        self.active.as_ref().map(|active| &active.query)
    }

    /// True if message `key` matches the search.
    pub(super) fn is_match(&self, key: SortKey) -> bool {
        self.active
            .as_ref()
            .is_some_and(|active| active.matches.contains(key))
    }

    /// True while the search wants every page loaded.
    pub(super) fn wants_pages(&self) -> bool {
        self.active.is_some()
    }

    /// Searches the loaded messages for `query`, and looks for the first
    /// match at or older than `from` (the selection).
    /// Only messages the conversation shows count as matches (the `F` filter).
    pub(super) fn start(
        &mut self,
        query: Query,
        from: Option<SortKey>,
        conversation: &Conversation,
    ) {
        for id in std::mem::take(&mut self.unindexed) {
            if let Some(message) = conversation.get(id) {
                self.index.insert(message);
            }
        }
        let matches = self.shown_matches(&query, conversation);
        self.active = Some(Active {
            query,
            matches,
            seek: Some(Seek {
                from,
                inclusive: true,
            }),
        });
    }

    /// The matches among the messages `conversation` shows: their text
    /// matches, and so do their sender, time and attachment.
    fn shown_matches(&self, query: &Query, conversation: &Conversation) -> Matches {
        let mut matches = Matches::default();
        let found = self
            .index
            .matching(query)
            .into_iter()
            .filter(|id| conversation.get(*id).is_some_and(|m| query.admits(m)))
            .filter_map(|id| conversation.shown_key(id).map(|key| (key, id)))
            .collect();
        matches.merge(found);
        matches
    }

    /// The filter changed: the matches are those `conversation` shows now.
    pub(super) fn refilter(&mut self, conversation: &Conversation) {
        if let Some(active) = &self.active {
            let matches = self.shown_matches(&active.query, conversation);
            if let Some(active) = &mut self.active {
                active.matches = matches;
            }
        }
    }

    /// Ends the search; true if there was one.
    pub(super) fn clear(&mut self) -> bool {
        self.active.take().is_some()
    }

    /// The reader moved: no match is waited for any more.
    pub(super) fn stop_seeking(&mut self) {
        if let Some(active) = &mut self.active {
            active.seek = None;
        }
    }

    /// Message `id`, once at `key`, is about to be replaced: forget it.
    pub(super) fn replacing(&mut self, id: MessageId, key: SortKey) {
        self.index.forget(id);
        if let Some(active) = &mut self.active {
            active.matches.remove(key);
        }
    }

    /// Messages `ids` just arrived in `conversation`: while a search is
    /// on, indexed and searched (only what the filter keeps is a match);
    /// otherwise left for the next search to index.
    pub(super) fn arrived(&mut self, ids: Vec<MessageId>, conversation: &Conversation) {
        let Some(active) = &mut self.active else {
            self.unindexed.extend(ids);
            return;
        };
        let filter = conversation.filter();
        let mut found = Vec::new();
        for message in ids.iter().filter_map(|id| conversation.get(*id)) {
            self.index.insert(message);
            if filter.keeps(message)
                && active.query.admits(message)
                && self.index.matches(&active.query, message.id)
            {
                found.push((message.sort_key(), message.id));
            }
        }
        active.matches.merge(found);
    }

    /// The match the reader waits for, if it is loaded by now. When the
    /// history is loaded and there is none older, the nearest newer one.
    pub(super) fn seek(&mut self, coverage: Coverage) -> Option<Found> {
        let active = self.active.as_mut()?;
        let seek = active.seek?;
        let found = active.matches.older(seek.from, seek.inclusive);
        let found = match found {
            Some(id) => Found::Match(id),
            None if coverage.more_to_come() => return Some(Found::Waiting),
            None if seek.inclusive => active
                .matches
                .newer(seek.from)
                .map_or(Found::None, Found::Match),
            None => Found::None,
        };
        active.seek = None;
        Some(found)
    }

    /// `n`: the next match older than `from`, or waits for one while pages load.
    pub(super) fn next_older(&mut self, from: Option<SortKey>, coverage: Coverage) -> Found {
        let Some(active) = &mut self.active else {
            return Found::None;
        };
        active.seek = Some(Seek {
            from,
            inclusive: false,
        });
        self.seek(coverage).unwrap_or(Found::None)
    }

    /// `N`: the next match newer than `from`.
    pub(super) fn next_newer(&mut self, from: Option<SortKey>) -> Found {
        let Some(active) = &mut self.active else {
            return Found::None;
        };
        active.seek = None;
        active.matches.newer(from).map_or(Found::None, Found::Match)
    }

    /// True when the search found nothing and no page still to come could
    /// change that.
    pub(super) fn found_nothing(&self, coverage: Coverage) -> bool {
        self.active
            .as_ref()
            .is_some_and(|active| active.matches.len() == 0 && !coverage.more_to_come())
    }

    /// What the status bar says of the search: progress while pages load,
    /// then where the selection stands among the matches.
    pub(super) fn status(&self, selected: Option<SortKey>, coverage: Coverage) -> Option<String> {
        let active = self.active.as_ref()?;
        let count = active.matches.len();
        let matches = match count {
            1 => "1 match".to_owned(),
            n => format!("{} matches", grouped(n as u64)),
        };
        if coverage.more_to_come() {
            let progress = match coverage.total {
                Some(total) => format!(
                    "{}/{}",
                    grouped(coverage.loaded as u64),
                    grouped(total.max(coverage.loaded as u64))
                ),
                None => grouped(coverage.loaded as u64),
            };
            return Some(format!("searching… {progress} · {matches}"));
        }
        let searched = if coverage.complete {
            String::new()
        } else {
            format!(" in {} loaded", grouped(coverage.loaded as u64))
        };
        if count == 0 {
            let shown = crate::sanitize::sanitize_line(active.query.text());
            return Some(format!("no match for “{shown}”{searched}"));
        }
        // Counted from the newest: `n` goes older, and the number goes up.
        match selected.and_then(|key| active.matches.number(key)) {
            Some(number) => Some(format!(
                "match {}/{}{searched}",
                grouped(number as u64),
                grouped(count as u64)
            )),
            None => Some(format!("{matches}{searched}")),
        }
    }
}

/// The search, as the app state drives it.
impl AppState {
    /// What is searched for, while a search is on.
    pub fn search_query(&self) -> Option<&Query> {
        self.search.query()
    }

    /// True if message `id` matches the search.
    pub fn is_search_match(&self, id: MessageId) -> bool {
        self.conversation
            .key(id)
            .is_some_and(|key| self.search.is_match(key))
    }

    /// What the status bar says of the search, while there is one:
    /// "searching… 4,200/10,000 · 3 matches", then "match 3/17".
    pub fn search_status(&self) -> Option<String> {
        let selected = self.selected().and_then(|id| self.conversation.key(id));
        self.search.status(selected, self.search_coverage())
    }

    /// Searches the whole transcript for `text`, loading what is missing.
    pub(super) fn start_search(&mut self, text: &str) {
        let Some(query) = Query::new(text) else {
            self.search.clear();
            self.set_status(Status::info("search for what? type some text after /"));
            return;
        };
        // The reader asked for everything, as with `g`.
        self.history.read_on();
        let from = self.selected().and_then(|id| self.conversation.key(id));
        let conversation = &self.conversation;
        self.search.start(query, from, conversation);
        self.advance_search();
    }

    /// Highlights the words of `typed`, a query of the search across
    /// visitors, through the whole transcript as `/` would, the selection
    /// staying where it is: `n` and `N` go on from there.
    pub(super) fn search_from_selection(&mut self, typed: &str) {
        let Some(query) = Query::of_message_search(typed) else {
            return;
        };
        self.history.read_on();
        let from = self.selected().and_then(|id| self.conversation.key(id));
        let conversation = &self.conversation;
        self.search.start(query, from, conversation);
        self.search.stop_seeking();
        self.advance_search();
    }

    /// How far the history has loaded, as a search sees it.
    pub(super) fn search_coverage(&self) -> Coverage {
        Coverage {
            complete: self.history.complete(),
            can_load_more: self.history.stopped().is_none()
                && !matches!(self.load_state(), LoadState::Failed { .. }),
            loaded: self.conversation.len(),
            total: self.total(),
        }
    }

    /// Goes to the match the reader waits for, once it is loaded. A search
    /// that found nothing ends, saying so in a notice that fades like any
    /// other; one stopped by a failed page stays, for `r` to carry on.
    pub(super) fn advance_search(&mut self) {
        let coverage = self.search_coverage();
        if let Some(Found::Match(id)) = self.search.seek(coverage) {
            self.viewport.jump_to(&self.conversation, id);
        }
        let failed = matches!(self.load_state(), LoadState::Failed { .. });
        if !failed && self.search.found_nothing(coverage) {
            let said = self.search.status(None, coverage);
            self.search.clear();
            if let Some(text) = said {
                self.set_status(Status::info(text));
            }
        }
    }

    /// `n` (`older`) or `N`: the next match from the selection.
    pub(super) fn step_match(&mut self, older: bool) {
        if self.search.query().is_none() {
            self.set_status(Status::info("no search: / searches"));
            return;
        }
        let from = self.selected().and_then(|id| self.conversation.key(id));
        let found = if older {
            self.search.next_older(from, self.search_coverage())
        } else {
            self.search.next_newer(from)
        };
        match found {
            Found::Match(id) => self.viewport.jump_to(&self.conversation, id),
            Found::Waiting => {}
            Found::None if older => self.set_status(Status::info("no older match")),
            Found::None => self.set_status(Status::info("no newer match")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn key(minute: i64) -> SortKey {
        SortKey::at(Utc.timestamp_opt(minute * 60, 0).unwrap())
    }

    #[test]
    fn batches_merge_in_order_and_numbers_count_from_the_newest() {
        let mut matches = Matches::default();
        matches.merge(vec![(key(5), 5), (key(1), 1)]);
        matches.merge(vec![(key(9), 9), (key(3), 3), (key(5), 5)]);
        let ids: Vec<MessageId> = matches.0.iter().map(|(_, id)| *id).collect();
        assert_eq!(ids, [1, 3, 5, 9], "sorted, and 5 once");
        assert_eq!(matches.number(key(9)), Some(1));
        assert_eq!(matches.number(key(1)), Some(4));
        assert_eq!(matches.number(key(4)), None);
        assert_eq!(matches.older(Some(key(5)), true), Some(5));
        assert_eq!(matches.older(Some(key(5)), false), Some(3));
        assert_eq!(matches.older(Some(key(4)), false), Some(3));
        assert_eq!(matches.older(None, false), Some(9));
        assert_eq!(matches.older(Some(key(1)), false), None);
        assert_eq!(matches.newer(Some(key(5))), Some(9));
        assert_eq!(matches.newer(Some(key(9))), None);
        matches.remove(key(3));
        assert_eq!(matches.len(), 3);
    }
}
