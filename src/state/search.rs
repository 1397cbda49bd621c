//! A search across the whole transcript: the query, the loaded messages it
//! matches, and the match the reader is waiting to be taken to. Until every
//! page is loaded the state keeps loading them the way `g` does; each page
//! is searched as it arrives, so matches appear as they are found.

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included, Unbounded};

use crate::conversation::Conversation;
use crate::model::{Message, MessageId, SortKey};
use crate::search::{Query, SearchIndex};
use crate::state::jump::grouped;

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
    matches: BTreeMap<SortKey, MessageId>,
    seek: Option<Seek>,
}

/// The search, if any, and the folded text of every message searched so far,
/// kept across queries.
#[derive(Debug, Default)]
pub(super) struct Search {
    active: Option<Active>,
    index: SearchIndex,
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
            .is_some_and(|active| active.matches.contains_key(&key))
    }

    /// True while the search wants every page loaded.
    pub(super) fn wants_pages(&self) -> bool {
        self.active.is_some()
    }

    /// Searches the loaded messages for `query`, and looks for the first
    /// match at or older than `from` (the selection).
    pub(super) fn start(
        &mut self,
        query: Query,
        conversation: &Conversation,
        from: Option<SortKey>,
    ) {
        let mut matches = BTreeMap::new();
        for message in conversation.iter() {
            if self.index.matches(&query, message) {
                matches.insert(message.sort_key(), message.id);
            }
        }
        self.active = Some(Active {
            query,
            matches,
            seek: Some(Seek {
                from,
                inclusive: true,
            }),
        });
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
            active.matches.remove(&key);
        }
    }

    /// Searches messages that just arrived.
    pub(super) fn arrived<'a>(&mut self, messages: impl Iterator<Item = &'a Message>) {
        let Some(active) = &mut self.active else {
            return;
        };
        for message in messages {
            if self.index.matches(&active.query, message) {
                active.matches.insert(message.sort_key(), message.id);
            }
        }
    }

    /// The match the reader waits for, if it is loaded by now. When the
    /// history is loaded and there is none older, the nearest newer one.
    pub(super) fn seek(&mut self, coverage: Coverage) -> Option<Found> {
        let active = self.active.as_mut()?;
        let seek = active.seek?;
        let found = older(&active.matches, seek.from, seek.inclusive);
        let found = match found {
            Some(id) => Found::Match(id),
            None if coverage.more_to_come() => return Some(Found::Waiting),
            None if seek.inclusive => {
                newer(&active.matches, seek.from).map_or(Found::None, Found::Match)
            }
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
        newer(&active.matches, from).map_or(Found::None, Found::Match)
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
        match selected.filter(|key| active.matches.contains_key(key)) {
            Some(key) => {
                let number = active.matches.range(key..).count();
                Some(format!(
                    "match {}/{}{searched}",
                    grouped(number as u64),
                    grouped(count as u64)
                ))
            }
            None => Some(format!("{matches}{searched}")),
        }
    }
}

/// The nearest match older than `from` (at it, when `inclusive`); from the
/// newest when `from` is `None`.
fn older(
    matches: &BTreeMap<SortKey, MessageId>,
    from: Option<SortKey>,
    inclusive: bool,
) -> Option<MessageId> {
    let upper = match (from, inclusive) {
        (None, _) => Unbounded,
        (Some(key), true) => Included(key),
        (Some(key), false) => Excluded(key),
    };
    matches
        .range((Unbounded, upper))
        .next_back()
        .map(|(_, id)| *id)
}

/// The nearest match newer than `from`; none when `from` is `None` (the
/// newest end).
fn newer(matches: &BTreeMap<SortKey, MessageId>, from: Option<SortKey>) -> Option<MessageId> {
    let from = from?;
    matches
        .range((Excluded(from), Unbounded))
        .next()
        .map(|(_, id)| *id)
}
