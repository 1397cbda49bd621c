//! Domain types: what the rest of the program knows about a conversation.
//! Built from the wire types in `api::wire`; nothing outside `api` sees JSON.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::sanitize::sanitize_line;

/// A message id as the API gives it.
pub type MessageId = u64;

/// The order messages are kept and shown in: oldest first, ties broken by id.
/// A message whose timestamp could not be read sorts before every dated one.
///
/// A placeholder for an unreadable entry takes its readable neighbour's time
/// and id, and sits `step` places after it (before it, when negative), so it
/// stays where the server had it. `own` keeps every entry's key distinct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SortKey {
    time: Option<DateTime<Utc>>,
    id: MessageId,
    step: i64,
    own: MessageId,
}

impl SortKey {
    /// The id of the message (or placeholder) this is the key of.
    pub fn message_id(&self) -> MessageId {
        self.own
    }

    /// The first key at `time`: every message sent at `time` or later sorts
    /// from here on.
    pub fn at(time: DateTime<Utc>) -> Self {
        SortKey {
            time: Some(time),
            id: MessageId::MIN,
            step: i64::MIN,
            own: MessageId::MIN,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// The website visitor (`sender_type: "user"`).
    Visitor {
        name: Option<String>,
        email: Option<String>,
    },
    /// A support operator (`sender_type: "operator"`).
    Operator {
        forename: Option<String>,
        surname: Option<String>,
        email: Option<String>,
    },
    /// A sender type this version does not know; `kind` is what the server said.
    Other { kind: Option<String> },
}

/// `text` trimmed, if anything is left: a name or e-mail worth showing.
pub fn shown(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Sender {
    /// The name to show, falling back to e-mail and then to the role.
    /// The result is raw (unsanitized) text.
    pub fn display_name(&self) -> String {
        let non_empty = |s: &Option<String>| shown(s.as_deref());
        match self {
            Sender::Visitor { name, email } => non_empty(name)
                .or_else(|| non_empty(email))
                .unwrap_or_else(|| "Visitor".to_owned()),
            Sender::Operator {
                forename,
                surname,
                email,
            } => {
                let full = [non_empty(forename), non_empty(surname)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                if full.is_empty() {
                    non_empty(email).unwrap_or_else(|| "Operator".to_owned())
                } else {
                    full
                }
            }
            Sender::Other { kind } => {
                non_empty(kind).unwrap_or_else(|| "Unknown sender".to_owned())
            }
        }
    }

    /// The same sender with every field sanitized to one line. Cleaned
    /// before [`Self::display_name`] runs its fallbacks, a name made only of
    /// invisible characters falls back to the e-mail or the role rather
    /// than showing nothing.
    #[must_use]
    pub fn sanitized(&self) -> Sender {
        let clean = |field: &Option<String>| field.as_deref().map(sanitize_line);
        match self {
            Sender::Visitor { name, email } => Sender::Visitor {
                name: clean(name),
                email: clean(email),
            },
            Sender::Operator {
                forename,
                surname,
                email,
            } => Sender::Operator {
                forename: clean(forename),
                surname: clean(surname),
                email: clean(email),
            },
            Sender::Other { kind } => Sender::Other { kind: clean(kind) },
        }
    }

    /// A short label for the sender's role, shown next to the name so roles
    /// are told apart without relying on colour.
    pub fn role_label(&self) -> &'static str {
        match self {
            Sender::Visitor { .. } => "visitor",
            Sender::Operator { .. } => "operator",
            Sender::Other { .. } => "other",
        }
    }
}

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    /// Raw text as the visitor or operator wrote it: untrusted, sanitize before display.
    pub body: String,
    pub created_at: Option<DateTime<Utc>>,
    pub sender: Sender,
    /// The sender's own id (visitor or operator), when the server gave one.
    pub sender_id: Option<u64>,
    /// Attachment link; only valid for 20 seconds after the response that carried it.
    pub file_url: Option<String>,
    /// The attachment's file name as the archive kept it, for a message read
    /// back from the archive: the archive never keeps the link, so
    /// `file_url` is then `None` and this says there was a file.
    pub archived_attachment: Option<String>,
    pub auto_invitation: bool,
    pub read_by_user: Option<bool>,
    pub read_by_operator: Option<bool>,
    /// Set when the server's entry could not be read: the message is then only
    /// a placeholder saying so, and its other fields are empty. Boxed, as
    /// few messages are placeholders: a pointer a message, not the reason.
    pub unreadable: Option<Box<Unreadable>>,
    /// The message object exactly as the server sent it: untrusted, sanitize
    /// before display. Shared, as messages are cloned while text is not.
    /// `None` once the archive holds it: a conversation then reads it from
    /// there (`StoreRequest::Json`) rather than keep every message's JSON
    /// in memory.
    pub raw_json: Option<Arc<str>>,
}

impl Message {
    /// Message `id` with nothing known but `raw_json`: no body, no time, a
    /// sender of no known type, no attachment, no read flags. What a
    /// placeholder and the test builders start from.
    pub fn blank(id: MessageId, raw_json: Arc<str>) -> Self {
        Message {
            id,
            body: String::new(),
            created_at: None,
            sender: Sender::Other { kind: None },
            file_url: None,
            archived_attachment: None,
            auto_invitation: false,
            read_by_user: None,
            read_by_operator: None,
            unreadable: None,
            sender_id: None,
            raw_json: Some(raw_json),
        }
    }

    /// True when the message carries a file: a link as received, or the
    /// name the archive kept.
    pub fn has_attachment(&self) -> bool {
        self.file_url.is_some() || self.archived_attachment.is_some()
    }

    /// A placeholder for an entry of the server's list that could not be read.
    pub fn placeholder(id: MessageId, unreadable: Unreadable) -> Self {
        let mut message = Self::blank(id, Arc::from(""));
        message.unreadable = Some(Box::new(unreadable));
        message
    }

    /// The key messages are sorted and de-duplicated by.
    pub fn sort_key(&self) -> SortKey {
        match self.unreadable.as_ref().and_then(|u| u.placement) {
            Some(Placement { time, id, step }) => SortKey {
                time,
                id,
                step,
                own: self.id,
            },
            None => SortKey {
                time: self.created_at,
                id: self.id,
                step: 0,
                own: self.id,
            },
        }
    }

    /// The time the message sits at in the conversation, which day separators
    /// go by: its own, or for a placeholder its neighbour's.
    pub fn placed_at(&self) -> Option<DateTime<Utc>> {
        self.sort_key().time
    }
}

/// Which entry of the server's list could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryRef {
    /// Its id could be read.
    Id(MessageId),
    /// Not even its id: its position in the server's list (0 is the first).
    Offset(u64),
}

/// An entry of the server's list that could not be read as a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub entry: EntryRef,
    /// What was wrong, in the parser's words. Raw text: sanitize before display.
    pub reason: String,
    /// Where it sorts; None when its page had no readable message to sit beside.
    pub placement: Option<Placement>,
}

/// A placeholder's place: `step` entries after the readable message with this
/// time and id (before it, when negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub time: Option<DateTime<Utc>>,
    pub id: MessageId,
    pub step: i64,
}

/// The id a placeholder is stored under when the entry's own id could not be
/// read: counted down from the top of the id space by position, where
/// SignalZen's sequential ids never reach. The same entry read again at the
/// same position replaces its placeholder instead of adding another.
pub fn placeholder_id(offset: u64) -> MessageId {
    MessageId::MAX - offset
}

/// Places each placeholder of a page (in the server's order) beside its
/// nearest readable neighbour in that page, on the side the server put it.
///
/// The page's own order tells which neighbour is older: its readable messages
/// either ascend or descend. With fewer than two, or no order at all, it is
/// taken as oldest first, as the API's sample is. A placeholder prefers to sit
/// after its older neighbour; at the page's old end it sits before the newer one.
pub fn place_unreadable(entries: &mut [Message]) {
    let readable: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].unreadable.is_none())
        .collect();
    let newest_first = match (readable.first(), readable.last()) {
        (Some(&first), Some(&last)) => entries[first].sort_key() > entries[last].sort_key(),
        _ => false,
    };
    for i in 0..entries.len() {
        if entries[i].unreadable.is_none() {
            continue;
        }
        let before = readable.iter().rev().find(|&&j| j < i).copied();
        let after = readable.iter().find(|&&j| j > i).copied();
        let (older, newer) = if newest_first {
            (after, before)
        } else {
            (before, after)
        };
        let distance = |j: usize| i64::try_from(i.abs_diff(j)).unwrap_or(i64::MAX);
        let placement = match (older, newer) {
            (Some(j), _) => Some((j, distance(j))),
            (None, Some(j)) => Some((j, -distance(j))),
            (None, None) => None,
        }
        .map(|(j, step)| Placement {
            time: entries[j].created_at,
            id: entries[j].id,
            step,
        });
        if let Some(unreadable) = entries[i].unreadable.as_mut() {
            unreadable.placement = placement;
        }
    }
}

/// One page of the message list, as the server answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
    /// How many messages the server says the conversation holds right now.
    pub total: u64,
    /// In the order the server sent them (which the API does not promise).
    pub messages: Vec<Message>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::message;
    use chrono::TimeZone;

    fn read(id: MessageId) -> Message {
        message(id)
            .created_at(
                Utc.timestamp_opt(i64::try_from(id).unwrap() * 60, 0)
                    .single(),
            )
            .build()
    }

    fn unread(id: MessageId) -> Message {
        Message::placeholder(
            id,
            Unreadable {
                entry: EntryRef::Id(id),
                reason: "bad".into(),
                placement: None,
            },
        )
    }

    /// Ids in display order after placing and sorting.
    fn shown(mut entries: Vec<Message>) -> Vec<MessageId> {
        place_unreadable(&mut entries);
        entries.sort_by_key(Message::sort_key);
        entries.iter().map(|m| m.id).collect()
    }

    #[test]
    fn placeholders_keep_the_server_s_place_at_either_end_of_a_page() {
        // Oldest first, unreadable entries at both ends and in the middle.
        let page = vec![unread(1), unread(2), read(3), unread(4), read(5), unread(6)];
        assert_eq!(shown(page), [1, 2, 3, 4, 5, 6]);
        // The same entries newest first.
        let page = vec![unread(6), read(5), unread(4), read(3), unread(2), unread(1)];
        assert_eq!(shown(page), [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_page_without_a_readable_message_sorts_its_placeholders_with_the_undated() {
        let mut page = vec![unread(8), unread(7)];
        place_unreadable(&mut page);
        assert!(
            page.iter()
                .all(|m| m.unreadable.as_ref().unwrap().placement.is_none())
        );
        assert!(page.iter().all(|m| m.sort_key() < read(1).sort_key()));
    }

    #[test]
    fn a_placeholder_is_placed_at_its_neighbour_s_time() {
        let mut page = vec![read(3), unread(9)];
        place_unreadable(&mut page);
        assert_eq!(page[1].placed_at(), page[0].created_at);
        assert_eq!(page[1].created_at, None);
        assert!(page[1].sort_key() > page[0].sort_key());
        assert!(page[1].sort_key() < read(4).sort_key());
    }
}
