//! Serde types for SignalZen's JSON, and their conversion into domain types.
//! Deliberately lenient: unknown fields are ignored, nullable ones tolerated,
//! and a sender of any shape becomes a `Sender` rather than an error.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::model::{Message, MessageId, Page, Sender};

/// The envelope of `GET /external/users/{id}/messages`.
#[derive(Debug, Deserialize)]
pub struct PageDto {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub total: u64,
    pub messages: Vec<MessageDto>,
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

impl PageDto {
    /// Converts into a domain page; `requested_offset`/`limit` stand in for
    /// fields the server left out.
    pub fn into_page(self, requested_offset: u64, requested_limit: u64) -> Page {
        Page {
            offset: self.offset.unwrap_or(requested_offset),
            limit: self.limit.unwrap_or(requested_limit),
            total: self.total,
            messages: self
                .messages
                .into_iter()
                .map(MessageDto::into_message)
                .collect(),
        }
    }
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
            auto_invitation: fields.auto_invitation.unwrap_or(false),
            read_by_user: fields.read_by_user,
            read_by_operator: fields.read_by_operator,
            raw_json: self.raw.get().into(),
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
    let field = |name: &str| {
        sender
            .and_then(|s| s.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
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
