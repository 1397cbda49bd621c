//! Domain types: what the rest of the program knows about a conversation.
//! Built from the wire types in `api::wire`; nothing outside `api` sees JSON.

use std::sync::Arc;

use chrono::{DateTime, Utc};

/// A message id as the API gives it.
pub type MessageId = u64;

/// The order messages are kept and shown in: oldest first, ties broken by id.
/// A message whose timestamp could not be read sorts before every dated one.
pub type SortKey = (Option<DateTime<Utc>>, MessageId);

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

impl Sender {
    /// The name to show, falling back to e-mail and then to the role.
    /// The result is raw (unsanitized) text.
    pub fn display_name(&self) -> String {
        let non_empty = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
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
    pub auto_invitation: bool,
    pub read_by_user: Option<bool>,
    pub read_by_operator: Option<bool>,
    /// The message object exactly as the server sent it: untrusted, sanitize
    /// before display. Shared, as messages are cloned while text is not.
    pub raw_json: Arc<str>,
}

impl Message {
    /// The key messages are sorted and de-duplicated by.
    pub fn sort_key(&self) -> SortKey {
        (self.created_at, self.id)
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
