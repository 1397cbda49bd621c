//! The loaded messages: sorted by (created_at, id), unique by id;
//! placeholders for unreadable entries sit beside their neighbours (see `SortKey`).
//!
//! Every lookup the view needs per frame (neighbours of a message, the first
//! and last one) is a map lookup, so drawing costs the same for ten messages
//! or a hundred thousand. The order is a set of keys and the messages sit
//! boxed in a map by id: a tree's spare slots then cost a key, not a
//! message (a tree of messages held 700 bytes a message, this about 420).
//!
//! A filter (the `F` menu) makes a view of the kept messages: the neighbours,
//! ends, counts and ranks go through it, while `len`, `get`, `iter` and the
//! `oldest`/`newest` ends stay with every loaded message (paging, following
//! and the archive work underneath). The kept keys are a second index, kept
//! in step on insert, so the view costs the same as the whole.

use std::collections::{BTreeSet, HashMap};
use std::ops::{Bound, RangeBounds};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::message_filter::MessageFilter;
use crate::model::{Message, MessageId, SortKey};

/// All messages loaded so far, in display order.
#[derive(Debug, Default, Clone)]
pub struct Conversation {
    /// Every loaded message's key, in display order.
    order: BTreeSet<SortKey>,
    /// Every loaded message by id; its key is its [`Message::sort_key`].
    messages: HashMap<MessageId, Box<Message>>,
    filter: MessageFilter,
    /// The keys of the messages `filter` keeps, while it is active.
    kept: BTreeSet<SortKey>,
    /// Changes with every insert, unique across conversations: what is
    /// computed from all the messages (the figures) is cached by it.
    version: u64,
}

/// The source of [`Conversation::version`]s; 0 is every empty conversation's.
static NEXT_VERSION: AtomicU64 = AtomicU64::new(1);

impl Conversation {
    /// An empty conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Which state of the messages this is: another after every insert.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// How many messages are loaded.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// True when nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// True if a message with this id is loaded.
    pub fn contains(&self, id: MessageId) -> bool {
        self.messages.contains_key(&id)
    }

    /// The message with this id.
    pub fn get(&self, id: MessageId) -> Option<&Message> {
        self.messages.get(&id).map(|message| &**message)
    }

    /// The sort key of a loaded message.
    pub fn key(&self, id: MessageId) -> Option<SortKey> {
        self.get(id).map(Message::sort_key)
    }

    /// The message whose key is `key`.
    fn at(&self, key: &SortKey) -> Option<&Message> {
        self.get(key.message_id())
    }

    /// Adds a message, or replaces the one with the same id (which may move it,
    /// if the server changed its timestamp). Returns true if the id was new.
    /// A placeholder never replaces a message that was read: a server that
    /// garbles an entry once does not take back what it sent well before.
    pub fn insert(&mut self, message: Message) -> bool {
        if message.unreadable.is_some()
            && self
                .get(message.id)
                .is_some_and(|old| old.unreadable.is_none())
        {
            return false;
        }
        let key = message.sort_key();
        let previous = self.key(message.id);
        if let Some(old_key) = previous.filter(|old| *old != key) {
            self.order.remove(&old_key);
        }
        self.order.insert(key);
        if self.filter.is_active() {
            if let Some(old_key) = previous {
                self.kept.remove(&old_key);
            }
            if self.filter.keeps(&message) {
                self.kept.insert(key);
            }
        }
        match self.messages.get_mut(&message.id) {
            Some(old) => **old = message,
            None => {
                self.messages.insert(message.id, Box::new(message));
            }
        }
        self.version = NEXT_VERSION.fetch_add(1, Ordering::Relaxed);
        previous.is_none()
    }

    /// Message `id` lets go of its JSON if it is `json` (the very copy the
    /// archive was given, not a later message's): the archive holds it.
    /// Nothing shown changes, so the version stays.
    pub fn forget_json(&mut self, id: MessageId, json: &Arc<str>) {
        if let Some(message) = self.messages.get_mut(&id)
            && message
                .raw_json
                .as_ref()
                .is_some_and(|own| Arc::ptr_eq(own, json))
        {
            message.raw_json = None;
        }
    }

    /// The filter the view goes through.
    pub fn filter(&self) -> MessageFilter {
        self.filter
    }

    /// Shows only what `filter` keeps from now on, arrivals included.
    pub fn set_filter(&mut self, filter: MessageFilter) {
        self.filter = filter;
        self.kept = if filter.is_active() {
            self.iter()
                .filter(|message| filter.keeps(message))
                .map(Message::sort_key)
                .collect()
        } else {
            BTreeSet::new()
        };
    }

    /// True if message `id` is loaded and the filter keeps it.
    pub fn shows(&self, id: MessageId) -> bool {
        self.key(id).is_some_and(|key| self.shows_key(key))
    }

    /// The key of message `id` if it is loaded and the filter keeps it.
    pub fn shown_key(&self, id: MessageId) -> Option<SortKey> {
        self.key(id).filter(|key| self.shows_key(*key))
    }

    fn shows_key(&self, key: SortKey) -> bool {
        !self.filter.is_active() || self.kept.contains(&key)
    }

    /// How many loaded messages the filter keeps (all of them without one).
    pub fn shown_len(&self) -> usize {
        if self.filter.is_active() {
            self.kept.len()
        } else {
            self.len()
        }
    }

    /// The shown messages whose keys are in `range`, in display order.
    fn shown<R: RangeBounds<SortKey>>(
        &self,
        range: R,
    ) -> Box<dyn DoubleEndedIterator<Item = &Message> + '_> {
        if self.filter.is_active() {
            Box::new(self.kept.range(range).filter_map(|key| self.at(key)))
        } else {
            Box::new(self.order.range(range).filter_map(|key| self.at(key)))
        }
    }

    /// The oldest loaded message, whatever the filter.
    pub fn oldest(&self) -> Option<&Message> {
        self.order.first().and_then(|key| self.at(key))
    }

    /// The newest loaded message, whatever the filter.
    pub fn newest(&self) -> Option<&Message> {
        self.order.last().and_then(|key| self.at(key))
    }

    /// True if any loaded message, shown or not, comes before `key`.
    pub fn any_before(&self, key: SortKey) -> bool {
        self.order.range(..key).next().is_some()
    }

    /// The oldest shown message.
    pub fn first(&self) -> Option<&Message> {
        self.shown(..).next()
    }

    /// The newest shown message.
    pub fn last(&self) -> Option<&Message> {
        self.shown(..).next_back()
    }

    /// The shown message just after `id` (shown or not) in display order.
    pub fn next(&self, id: MessageId) -> Option<&Message> {
        let key = self.key(id)?;
        self.shown((Bound::Excluded(key), Bound::Unbounded)).next()
    }

    /// The shown message just before `id` (shown or not) in display order.
    pub fn previous(&self, id: MessageId) -> Option<&Message> {
        let key = self.key(id)?;
        self.shown(..key).next_back()
    }

    /// The loaded message just before `id`, shown or not: sessions are
    /// over every message, whatever the filter.
    pub fn previous_loaded(&self, id: MessageId) -> Option<&Message> {
        let key = self.key(id)?;
        self.order
            .range(..key)
            .next_back()
            .and_then(|key| self.at(key))
    }

    /// The first shown message whose sort key is `key` or later.
    pub fn first_from(&self, key: SortKey) -> Option<&Message> {
        self.shown(key..).next()
    }

    /// The last shown message whose sort key is before `key`.
    pub fn last_before(&self, key: SortKey) -> Option<&Message> {
        self.shown(..key).next_back()
    }

    /// The shown message nearest to `id` in time, `id` itself if shown;
    /// of two as near, the older.
    pub fn nearest_shown(&self, id: MessageId) -> Option<&Message> {
        let key = self.key(id)?;
        if self.shows_key(key) {
            return self.get(id);
        }
        let (before, after) = (self.last_before(key), self.next(id));
        let at = self.get(id).and_then(|m| m.created_at);
        let distance = |other: &Message| match (at, other.created_at) {
            (Some(a), Some(b)) => (a - b).abs(),
            _ => chrono::TimeDelta::MAX,
        };
        match (before, after) {
            (Some(b), Some(a)) if distance(a) < distance(b) => Some(a),
            (Some(b), _) => Some(b),
            (None, a) => a,
        }
    }

    /// How many shown messages come before `id`, counting no further than `limit`.
    pub fn count_before(&self, id: MessageId, limit: usize) -> usize {
        self.key(id)
            .map_or(0, |key| self.shown(..key).rev().take(limit).count())
    }

    /// How many shown messages come before `id` and how many after it.
    /// Both sides are walked in step until one ends, so the cost is that of
    /// the nearer end: small wherever the reader usually is.
    pub fn rank(&self, id: MessageId) -> Option<(usize, usize)> {
        let key = self.key(id)?;
        let others = self.shown_len() - usize::from(self.shows_key(key));
        let mut before = self.shown(..key);
        let mut after = self.shown((Bound::Excluded(key), Bound::Unbounded));
        let mut steps = 0;
        loop {
            if before.next_back().is_none() {
                return Some((steps, others - steps));
            }
            if after.next().is_none() {
                return Some((others - steps, steps));
            }
            steps += 1;
        }
    }

    /// All messages, shown or not, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.order.iter().filter_map(|key| self.at(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::message;
    use chrono::{TimeZone, Utc};

    fn at(id: MessageId, minute: i64) -> Message {
        message(id)
            .created_at(Some(Utc.timestamp_opt(minute * 60, 0).unwrap()))
            .build()
    }

    #[test]
    fn keeps_messages_sorted_by_time_then_id_and_unique_by_id() {
        let mut conversation = Conversation::new();
        for message in [at(3, 5), at(1, 9), at(2, 5), at(3, 5)] {
            conversation.insert(message);
        }
        let ids: Vec<_> = conversation.iter().map(|m| m.id).collect();
        assert_eq!(ids, vec![2, 3, 1]);
        assert_eq!(conversation.len(), 3);
    }

    #[test]
    fn a_message_whose_timestamp_changed_moves_instead_of_doubling() {
        let mut conversation = Conversation::new();
        conversation.insert(at(1, 1));
        conversation.insert(at(2, 2));
        assert!(!conversation.insert(at(1, 3)));
        let ids: Vec<_> = conversation.iter().map(|m| m.id).collect();
        assert_eq!(ids, vec![2, 1]);
    }

    #[test]
    fn a_placeholder_never_replaces_a_message_that_was_read() {
        use crate::model::{EntryRef, Unreadable};
        let placeholder = |id| {
            Message::placeholder(
                id,
                Unreadable {
                    entry: EntryRef::Id(id),
                    reason: "created_at: invalid type".into(),
                    placement: None,
                },
            )
        };
        let mut conversation = Conversation::new();
        conversation.insert(at(1, 1));
        assert!(!conversation.insert(placeholder(1)));
        assert!(conversation.get(1).is_some_and(|m| m.unreadable.is_none()));
        // The other way round, the message read later takes the placeholder's place.
        assert!(conversation.insert(placeholder(2)));
        assert!(!conversation.insert(at(2, 2)));
        assert!(conversation.get(2).is_some_and(|m| m.unreadable.is_none()));
        assert_eq!(conversation.len(), 2);
    }

    #[test]
    fn neighbours_follow_display_order() {
        let mut conversation = Conversation::new();
        for message in [at(10, 3), at(20, 1), at(30, 2)] {
            conversation.insert(message);
        }
        assert_eq!(conversation.next(20).map(|m| m.id), Some(30));
        assert_eq!(conversation.previous(20).map(|m| m.id), None);
        assert_eq!(conversation.previous(10).map(|m| m.id), Some(30));
        assert_eq!(conversation.count_before(10, 5), 2);
        assert_eq!(conversation.count_before(10, 1), 1);
    }

    #[test]
    fn rank_counts_both_sides_from_either_end() {
        let mut conversation = Conversation::new();
        for id in 1..=7 {
            conversation.insert(at(id, id as i64));
        }
        for id in 1..=7 {
            let before = id as usize - 1;
            assert_eq!(conversation.rank(id), Some((before, 6 - before)), "id {id}");
        }
        assert_eq!(conversation.rank(99), None);
    }

    fn only_visitor() -> MessageFilter {
        MessageFilter {
            hide_auto_invitations: false,
            only: Some(crate::message_filter::Only::Visitor),
        }
    }

    /// Ids 1..=7 a minute apart; the odd ones the visitor's.
    fn alternating() -> Conversation {
        let mut conversation = Conversation::new();
        for id in 1..=7 {
            let message =
                message(id).created_at(Some(Utc.timestamp_opt(id as i64 * 60, 0).unwrap()));
            let message = if id % 2 == 1 {
                message.from_visitor()
            } else {
                message.from_operator()
            };
            conversation.insert(message.build());
        }
        conversation
    }

    #[test]
    fn a_filter_makes_a_view_of_the_kept_messages_and_leaves_the_rest_loaded() {
        let mut conversation = alternating();
        conversation.set_filter(only_visitor());
        assert_eq!(conversation.len(), 7, "len stays with every message");
        assert_eq!(conversation.shown_len(), 4);
        assert_eq!(conversation.first().map(|m| m.id), Some(1));
        assert_eq!(conversation.last().map(|m| m.id), Some(7));
        assert_eq!(conversation.next(3).map(|m| m.id), Some(5));
        assert_eq!(
            conversation.next(4).map(|m| m.id),
            Some(5),
            "from a hidden one"
        );
        assert_eq!(conversation.previous(5).map(|m| m.id), Some(3));
        assert_eq!(conversation.count_before(7, 10), 3);
        assert_eq!(conversation.rank(5), Some((2, 1)));
        assert_eq!(
            conversation.rank(4),
            Some((2, 2)),
            "a hidden one counts the kept around it"
        );
        assert!(conversation.get(4).is_some() && !conversation.shows(4));
        assert_eq!(conversation.newest().map(|m| m.id), Some(7));
        conversation.set_filter(MessageFilter::default());
        assert_eq!(conversation.shown_len(), 7);
        assert_eq!(conversation.next(3).map(|m| m.id), Some(4));
    }

    #[test]
    fn arrivals_are_filtered_as_they_come_and_a_replaced_message_moves_in_the_view() {
        let mut conversation = alternating();
        conversation.set_filter(only_visitor());
        conversation.insert(
            message(8)
                .from_visitor()
                .created_at(Some(Utc.timestamp_opt(0, 0).unwrap()))
                .build(),
        );
        let operator = message(9)
            .from_operator()
            .created_at(Some(Utc.timestamp_opt(30, 0).unwrap()))
            .build();
        conversation.insert(operator);
        assert_eq!(conversation.first().map(|m| m.id), Some(8));
        assert_eq!(conversation.next(8).map(|m| m.id), Some(1), "9 is hidden");
        assert_eq!(conversation.next(9).map(|m| m.id), Some(1));
        assert_eq!(conversation.shown_len(), 5);
        // Message 3 is now the operator's: it leaves the view.
        let changed = message(3)
            .from_operator()
            .created_at(Some(Utc.timestamp_opt(180, 0).unwrap()))
            .build();
        conversation.insert(changed);
        assert_eq!(conversation.next(1).map(|m| m.id), Some(5));
        assert_eq!(conversation.shown_len(), 4);
    }

    #[test]
    fn the_nearest_shown_message_is_the_closer_in_time_the_older_of_two_as_near() {
        let mut conversation = Conversation::new();
        let sent = |id, minute: i64, visitor: bool| {
            let builder = message(id).created_at(Some(Utc.timestamp_opt(minute * 60, 0).unwrap()));
            if visitor {
                builder.from_visitor().build()
            } else {
                builder.from_operator().build()
            }
        };
        for message in [
            sent(1, 0, true),
            sent(2, 8, false),
            sent(3, 10, true),
            sent(4, 20, false),
        ] {
            conversation.insert(message);
        }
        conversation.set_filter(only_visitor());
        assert_eq!(conversation.nearest_shown(2).map(|m| m.id), Some(3));
        assert_eq!(conversation.nearest_shown(4).map(|m| m.id), Some(3));
        assert_eq!(conversation.nearest_shown(1).map(|m| m.id), Some(1));
        conversation.insert(sent(5, 5, true));
        conversation.insert(sent(6, 7, false));
        conversation.insert(sent(7, 9, true));
        // 6 (minute 7) is two minutes from 5 and from 7: the older wins.
        assert_eq!(conversation.nearest_shown(6).map(|m| m.id), Some(5));
    }

    #[test]
    fn a_filter_that_keeps_nothing_leaves_an_empty_view() {
        let mut conversation = alternating();
        conversation.set_filter(MessageFilter {
            hide_auto_invitations: false,
            only: Some(crate::message_filter::Only::Attachments),
        });
        assert_eq!(conversation.shown_len(), 0);
        assert!(conversation.first().is_none() && conversation.last().is_none());
        assert_eq!(conversation.nearest_shown(3).map(|m| m.id), None);
        assert!(!conversation.is_empty());
    }
}
