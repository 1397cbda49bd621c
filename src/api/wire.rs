//! Serde types for SignalZen's JSON, and their conversion into domain types.
//! Deliberately lenient: unknown fields are ignored, nullable ones tolerated,
//! and a sender of any shape becomes a `Sender` rather than an error.
//!
//! A page is read entry by entry (see [`super::lenient`]): an entry that
//! cannot be read becomes a placeholder message in its place, so one bad
//! value never hides the rest of the page, and paging still counts every
//! position the server answered for.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

use super::lenient;

mod users;
use crate::model::{
    EntryRef, Message, MessageId, Page, Sender, Unreadable, place_unreadable, placeholder_id,
};
pub use users::{MAX_ATTRIBUTES, MAX_SHOWN_CHARS, MAX_URL_CHARS, parse_user, parse_users_page};

/// Reasons quoted from the parser are cut to this many characters: a server
/// can make one echo a value of any length.
const MAX_REASON_CHARS: usize = 160;

/// The envelope of `GET /external/users/{id}/messages`, its list already cut out.
#[derive(Debug, Deserialize)]
struct EnvelopeDto {
    limit: Option<u64>,
    offset: Option<u64>,
    total: u64,
    /// Required to be there; its entries are read one by one elsewhere.
    #[serde(rename = "messages")]
    _messages: IgnoredAny,
}

/// Reads a page answer. `requested_offset`/`requested_limit` stand in for
/// fields the server left out, and number entries whose id is unreadable.
///
/// Fails only when the envelope cannot be read (broken structure, no
/// `total`, no `messages` list); each entry that cannot be read becomes a
/// placeholder message.
pub fn parse_page(
    body: &[u8],
    requested_offset: u64,
    requested_limit: u64,
) -> Result<Page, String> {
    let parts = lenient::split_page(body).map_err(str::to_owned)?;
    let envelope: EnvelopeDto =
        serde_json::from_slice(&parts.envelope).map_err(|err| err.to_string())?;
    let mut messages: Vec<Message> = parts
        .entries
        .iter()
        .zip(0u64..)
        .map(|(raw, index)| {
            read_entry(raw).unwrap_or_else(|(id, reason)| {
                let offset = requested_offset.saturating_add(index);
                let entry = id.map_or(EntryRef::Offset(offset), EntryRef::Id);
                let unreadable = Unreadable {
                    entry,
                    reason,
                    placement: None,
                };
                let mut placeholder =
                    Message::placeholder(id.unwrap_or_else(|| placeholder_id(offset)), unreadable);
                // The detail view shows what the server sent, mended only to be text.
                placeholder.raw_json = Some(String::from_utf8_lossy(raw).into());
                placeholder
            })
        })
        .collect();
    place_unreadable(&mut messages);
    Ok(Page {
        offset: envelope.offset.unwrap_or(requested_offset),
        limit: envelope.limit.unwrap_or(requested_limit),
        total: envelope.total,
        messages,
    })
}

/// Reads the answer of `GET .../messages/{id}`: one message, mended like a
/// page's entries; an unreadable one is an error, with the reason.
pub fn parse_message(body: &[u8]) -> Result<Message, String> {
    read_entry(body).map_err(|(id, reason)| match id {
        Some(id) => format!("message {id} could not be read: {reason}"),
        None => format!("the message could not be read: {reason}"),
    })
}

/// One entry as a message, or its id (when readable) and why it is not one.
fn read_entry(raw: &[u8]) -> Result<Message, (Option<MessageId>, String)> {
    let raw: Box<RawValue> = serde_json::from_slice(&lenient::repair(raw))
        .map_err(|err| (None, shorten(&err.to_string())))?;
    let mut fields = serde_json::Deserializer::from_str(raw.get());
    match serde_path_to_error::deserialize::<_, MessageFields>(&mut fields) {
        Ok(fields) => Ok(MessageDto { fields, raw }.into_message()),
        Err(err) => {
            let id = serde_json::from_str::<Value>(raw.get())
                .ok()
                .and_then(|value| value.get("id").and_then(Value::as_u64));
            let path = err.path().to_string();
            let inner = err.inner();
            // The position is within one entry's text: noise on screen.
            let full = inner.to_string();
            let position = format!(" at line {} column {}", inner.line(), inner.column());
            let what = full.strip_suffix(&position).unwrap_or(&full);
            let reason = if path == "." {
                what.to_owned()
            } else {
                format!("{path}: {what}")
            };
            Err((id, shorten(&reason)))
        }
    }
}

/// `text` cut to [`MAX_REASON_CHARS`], ending in '…' when cut.
fn shorten(text: &str) -> String {
    cut(text, MAX_REASON_CHARS)
}

/// `text` cut to `max` characters, ending in '…' when cut.
fn cut(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let mut short: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        short.push('…');
    }
    short
}

/// One message object, from the list or from `GET .../messages/{id}`: its
/// fields, and its text exactly as received (the detail view shows it).
#[derive(Debug, Deserialize)]
#[serde(try_from = "Box<RawValue>")]
pub struct MessageDto {
    pub fields: MessageFields,
    pub raw: Box<RawValue>,
}

impl TryFrom<Box<RawValue>> for MessageDto {
    type Error = serde_json::Error;

    fn try_from(raw: Box<RawValue>) -> Result<Self, Self::Error> {
        let fields = serde_json::from_str(raw.get())?;
        Ok(Self { fields, raw })
    }
}

/// The fields of one message object that szchat reads.
#[derive(Debug, Deserialize)]
pub struct MessageFields {
    pub id: MessageId,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub read_by_user: Option<bool>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub file_url: Option<String>,
    #[serde(default)]
    pub auto_invitation: Option<bool>,
    #[serde(default)]
    pub sender_type: Option<String>,
    #[serde(default)]
    pub read_by_operator: Option<bool>,
    /// Kept as a raw value: its shape depends on `sender_type` and may be null.
    #[serde(default)]
    pub sender: Option<Value>,
}

impl MessageDto {
    /// Converts into a domain message.
    pub fn into_message(self) -> Message {
        let fields = self.fields;
        let sender = sender_from(fields.sender_type.as_deref(), fields.sender.as_ref());
        Message {
            id: fields.id,
            body: fields.body.unwrap_or_default(),
            created_at: fields.created_at.as_deref().and_then(parse_timestamp),
            sender,
            sender_id: fields.sender.as_ref().and_then(sender_id),
            file_url: fields.file_url.filter(|url| !url.trim().is_empty()),
            archived_attachment: None,
            auto_invitation: fields.auto_invitation.unwrap_or(false),
            read_by_user: fields.read_by_user,
            read_by_operator: fields.read_by_operator,
            unreadable: None,
            raw_json: Some(self.raw.get().into()),
        }
    }
}

fn parse_timestamp(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The sender object's `id`, if it is a number.
fn sender_id(sender: &Value) -> Option<u64> {
    sender.get("id").and_then(Value::as_u64)
}

fn sender_from(sender_type: Option<&str>, sender: Option<&Value>) -> Sender {
    // Cut once here, not on every frame that shows a name.
    let field = |name: &str| {
        sender
            .and_then(|s| s.get(name))
            .and_then(Value::as_str)
            .map(|text| cut(text, MAX_SHOWN_CHARS))
    };
    match sender_type {
        Some("user") => Sender::Visitor {
            name: field("name"),
            email: field("email"),
        },
        Some("operator") => Sender::Operator {
            forename: field("forename"),
            surname: field("surname"),
            email: field("email"),
        },
        other => Sender::Other {
            kind: other.map(str::to_owned),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, minute: u32) -> String {
        format!(
            r#"{{"id": {id}, "body": "m{id}", "created_at": "2018-02-09T17:{minute:02}:00.000Z", "sender_type": "user", "sender": {{"name": "V"}}}}"#
        )
    }

    fn page(entries: &[&str]) -> Vec<u8> {
        format!(
            r#"{{"limit": 50, "offset": 30, "total": 99, "messages": [{}]}}"#,
            entries.join(",")
        )
        .into_bytes()
    }

    fn unreadable(message: &Message) -> &Unreadable {
        message.unreadable.as_ref().expect("a placeholder")
    }

    #[test]
    fn a_bad_value_spoils_only_its_own_message() {
        let (a, c) = (entry(29, 1), entry(31, 3));
        let body = page(&[
            &a,
            r#"{"id": 30, "body": "x", "created_at": 1518196730}"#,
            r#"{"id": 1.0, "body": "y"}"#,
            &c,
        ]);
        let page = parse_page(&body, 30, 50).unwrap();
        assert_eq!((page.offset, page.limit, page.total), (30, 50, 99));
        assert_eq!(page.messages.len(), 4, "every position is counted");
        assert_eq!(page.messages[0].body, "m29");
        assert_eq!(page.messages[3].body, "m31");

        let bad_time = unreadable(&page.messages[1]);
        assert_eq!(bad_time.entry, EntryRef::Id(30));
        assert_eq!(page.messages[1].id, 30);
        assert!(
            bad_time
                .reason
                .starts_with("created_at: invalid type: integer"),
            "{}",
            bad_time.reason
        );

        let bad_id = unreadable(&page.messages[2]);
        assert_eq!(bad_id.entry, EntryRef::Offset(32));
        assert_eq!(page.messages[2].id, placeholder_id(32));
        assert!(bad_id.reason.starts_with("id: "), "{}", bad_id.reason);
    }

    #[test]
    fn placeholders_sort_between_their_neighbours_in_either_server_order() {
        let (a, c) = (entry(29, 1), entry(31, 3));
        let bad = r#"{"id": 30, "created_at": 5}"#;
        let no_id = r#"{"body": "no id"}"#;
        for newest_first in [false, true] {
            let mut entries = vec![a.as_str(), bad, no_id, c.as_str()];
            if newest_first {
                entries.reverse();
            }
            let mut messages = parse_page(&page(&entries), 30, 50).unwrap().messages;
            messages.sort_by_key(Message::sort_key);
            let order: Vec<String> = messages
                .iter()
                .map(|m| match &m.unreadable {
                    None => m.body.clone(),
                    Some(u) => format!("{:?}", u.entry),
                })
                .collect();
            // Shown oldest first either way: in a newest-first list the entry
            // without an id (offset 31) came before message 30, so it is newer.
            let expected = if newest_first {
                ["m29", "Id(30)", "Offset(31)", "m31"]
            } else {
                ["m29", "Id(30)", "Offset(32)", "m31"]
            };
            assert_eq!(order, expected, "newest first: {newest_first}");
        }
    }

    #[test]
    fn lone_surrogates_and_broken_text_are_mended_not_refused() {
        let body = page(&[
            r#"{"id": 1, "body": "a\ud800b", "sender_type": "user", "sender": {"name": "\udfff"}}"#,
        ]);
        let page = parse_page(&body, 0, 50).unwrap();
        let message = &page.messages[0];
        assert!(message.unreadable.is_none());
        assert_eq!(message.body, "a\u{FFFD}b");
        assert_eq!(message.sender.display_name(), "\u{FFFD}");

        let mut raw = br#"{"total": 1, "messages": [{"id": 2, "body": "x"#.to_vec();
        raw.extend_from_slice(b"\xff\xfe\x07");
        raw.extend_from_slice(br#""}]}"#);
        let page = parse_page(&raw, 0, 50).unwrap();
        assert_eq!(page.messages[0].body, "x\u{FFFD}\u{FFFD}\u{7}");
    }

    #[test]
    fn an_entry_that_is_not_json_is_a_placeholder_by_position() {
        let mut raw = br#"{"total": 3, "messages": [{"id": 1}, {"id": 2, "body": tru"#.to_vec();
        raw.extend_from_slice(b"\xff}, [1, 2], {\"id\": 4}]}");
        let page = parse_page(&raw, 10, 50).unwrap();
        let entries: Vec<_> = page
            .messages
            .iter()
            .map(|m| m.unreadable.as_ref().map(|u| u.entry))
            .collect();
        assert_eq!(
            entries,
            [
                None,
                Some(EntryRef::Offset(11)),
                Some(EntryRef::Offset(12)),
                None
            ]
        );
    }

    #[test]
    fn the_envelope_must_be_readable() {
        for body in [
            r#"{"messages": []}"#,
            r#"{"total": -1, "messages": []}"#,
            r#"{"total": 1.5, "messages": []}"#,
            r#"{"total": 1}"#,
            r#"{"total": 1, "messages": null}"#,
            r#"{"total": 1, "messages": [], "messages": []}"#,
        ] {
            assert!(parse_page(body.as_bytes(), 0, 50).is_err(), "{body}");
        }
    }

    #[test]
    fn reasons_are_bounded() {
        let huge = "x".repeat(10_000);
        let body = page(&[&format!(r#"{{"id": 5, "created_at": ["{huge}"]}}"#)]);
        let page = parse_page(&body, 0, 50).unwrap();
        let reason = &unreadable(&page.messages[0]).reason;
        assert!(reason.chars().count() <= MAX_REASON_CHARS + 1, "{reason}");
    }

    #[test]
    fn a_single_message_is_mended_too_or_says_why_not() {
        let message =
            parse_message(br#"{"id": 7, "body": "\ud800", "file_url": "https://x.test/a"}"#)
                .unwrap();
        assert_eq!(message.body, "\u{FFFD}");
        let err = parse_message(br#"{"id": 7, "created_at": 5}"#).unwrap_err();
        assert!(
            err.starts_with("message 7 could not be read: created_at"),
            "{err}"
        );
    }
}
