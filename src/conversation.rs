//! The loaded messages: sorted by (created_at, id), unique by id;
//! placeholders for unreadable entries sit beside their neighbours (see `SortKey`).
//!
//! Every lookup the view needs per frame (neighbours of a message, the first
//! and last one) is a map lookup, so drawing costs the same for ten messages
//! or a hundred thousand.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Message, MessageId, SortKey};

/// All messages loaded so far, in display order.
#[derive(Debug, Default, Clone)]
pub struct Conversation {
    by_key: BTreeMap<SortKey, Message>,
    key_of: HashMap<MessageId, SortKey>,
}

impl Conversation {
    /// An empty conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many messages are loaded.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// True if a message with this id is loaded.
    pub fn contains(&self, id: MessageId) -> bool {
        self.key_of.contains_key(&id)
    }

    /// The message with this id.
    pub fn get(&self, id: MessageId) -> Option<&Message> {
        self.key_of.get(&id).and_then(|key| self.by_key.get(key))
    }

    /// The sort key of a loaded message.
    pub fn key(&self, id: MessageId) -> Option<SortKey> {
        self.key_of.get(&id).copied()
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
        let previous = self.key_of.insert(message.id, key);
        if let Some(old_key) = previous.filter(|old| *old != key) {
            self.by_key.remove(&old_key);
        }
        self.by_key.insert(key, message);
        previous.is_none()
    }

    /// The oldest loaded message.
    pub fn first(&self) -> Option<&Message> {
        self.by_key.values().next()
    }

    /// The newest loaded message.
    pub fn last(&self) -> Option<&Message> {
        self.by_key.values().next_back()
    }

    /// The message just after `id` in display order.
    pub fn next(&self, id: MessageId) -> Option<&Message> {
        let key = self.key(id)?;
        self.by_key
            .range((std::ops::Bound::Excluded(key), std::ops::Bound::Unbounded))
            .next()
            .map(|(_, m)| m)
    }

    /// The message just before `id` in display order.
    pub fn previous(&self, id: MessageId) -> Option<&Message> {
        let key = self.key(id)?;
        self.by_key.range(..key).next_back().map(|(_, m)| m)
    }

    /// The first message whose sort key is `key` or later.
    pub fn first_from(&self, key: SortKey) -> Option<&Message> {
        self.by_key.range(key..).next().map(|(_, m)| m)
    }

    /// The last message whose sort key is before `key`.
    pub fn last_before(&self, key: SortKey) -> Option<&Message> {
        self.by_key.range(..key).next_back().map(|(_, m)| m)
    }

    /// How many messages come before `id`, counting no further than `limit`.
    pub fn count_before(&self, id: MessageId, limit: usize) -> usize {
        self.key(id)
            .map_or(0, |key| self.by_key.range(..key).rev().take(limit).count())
    }

    /// How many loaded messages come before `id` and how many after it.
    /// Both sides are walked in step until one ends, so the cost is that of
    /// the nearer end: small wherever the reader usually is.
    pub fn rank(&self, id: MessageId) -> Option<(usize, usize)> {
        use std::ops::Bound::{Excluded, Unbounded};
        let key = self.key(id)?;
        let others = self.len() - 1;
        let mut before = self.by_key.range(..key);
        let mut after = self.by_key.range((Excluded(key), Unbounded));
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

    /// All messages, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.by_key.values()
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
}
