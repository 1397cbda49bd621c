//! The visitors the server knows: their user objects (`GET /external/users`)
//! and their conversations.

use serde_json::{Value, json};

/// When synthetic visitors were created and last seen.
const SYNTHETIC_SEEN_AT: &str = "2026-01-05T09:00:00.000Z";

/// One visitor besides the one `FakeConfig::new` names: its user object and
/// its conversation.
#[derive(Clone, Debug)]
pub struct Visitor {
    /// The user id; the served user object's `id` is always this.
    pub id: u64,
    /// The user object, shaped as documented: `id, name, email, reference,
    /// created_at, updated_at, online_at, last_url, user_attributes`.
    pub profile: Value,
    /// Messages oldest first, under the same rules as `FakeConfig::messages`.
    pub messages: Vec<Value>,
}

impl Visitor {
    /// A visitor with these messages (oldest first) and a plain user object
    /// named after the newest visitor message's sender, if any.
    #[must_use]
    pub fn new(id: u64, messages: Vec<Value>) -> Self {
        Visitor {
            id,
            profile: profile_for(id, &messages),
            messages,
        }
    }
}

/// A plain user object: "Visitor {id}", no reference, no last URL, no
/// attributes, created and last seen 2026-01-05T09:00:00Z.
#[must_use]
pub fn synthetic_profile(id: u64) -> Value {
    json!({
        "id": id,
        "name": format!("Visitor {id}"),
        "email": format!("visitor{id}@example.com"),
        "reference": null,
        "created_at": SYNTHETIC_SEEN_AT,
        "updated_at": SYNTHETIC_SEEN_AT,
        "online_at": SYNTHETIC_SEEN_AT,
        "last_url": null,
        "user_attributes": [],
    })
}

/// [`synthetic_profile`], with the name and email the visitor signs its
/// newest message with, so the user object and the messages agree.
pub(crate) fn profile_for(id: u64, messages: &[Value]) -> Value {
    let mut profile = synthetic_profile(id);
    let signed = messages
        .iter()
        .rev()
        .filter(|m| m.get("sender_type").and_then(Value::as_str) == Some("user"))
        .find_map(|m| m.get("sender").filter(|s| s.is_object()));
    if let Some(sender) = signed {
        for field in ["name", "email"] {
            if let Some(value) = sender.get(field) {
                profile[field] = value.clone();
            }
        }
    }
    profile
}

/// A visitor as served: the user object and the messages, oldest first.
pub(crate) struct Conversation {
    pub(crate) profile: Value,
    pub(crate) messages: Vec<Value>,
}

impl Conversation {
    /// The conversation of visitor `id`; the user object's `id` is set to `id`.
    pub(crate) fn new(id: u64, mut profile: Value, messages: Vec<Value>) -> Self {
        if let Some(object) = profile.as_object_mut() {
            object.insert("id".to_owned(), json!(id));
        }
        Conversation { profile, messages }
    }

    /// The `sender` object this visitor's messages carry: `{id, name, email}`.
    pub(crate) fn sender(&self) -> Value {
        json!({
            "id": self.profile.get("id"),
            "name": self.profile.get("name"),
            "email": self.profile.get("email"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic_messages;

    #[test]
    fn a_new_visitor_is_named_like_its_messages() {
        let visitor = Visitor::new(9, synthetic_messages(3));
        assert_eq!(visitor.profile["id"], 9);
        assert_eq!(visitor.profile["name"], "Test Visitor");
        assert_eq!(visitor.profile["email"], "visitor@example.com");
        assert_eq!(visitor.profile["user_attributes"], json!([]));
        let silent = Visitor::new(10, Vec::new());
        assert_eq!(silent.profile["name"], "Visitor 10");
    }

    #[test]
    fn the_served_id_is_the_visitor_id() {
        let conversation = Conversation::new(5, json!({"id": 6, "name": "Ana"}), Vec::new());
        assert_eq!(conversation.profile["id"], 5);
        assert_eq!(
            conversation.sender(),
            json!({"id": 5, "name": "Ana", "email": null})
        );
    }
}
