//! The demo conversation, generated in memory at start-up by Rust code in
//! this crate (no script in another language, no data file in the binary),
//! so `--demo` works offline from any directory.

mod formats;
mod hana;
mod story;

use serde_json::Value;

use super::{DEMO_SECRET, FakeConfig};
use story::DemoMessage;

/// The demo server configuration: well-behaved, no latency, no growth.
pub(super) fn config() -> FakeConfig {
    let mut config = FakeConfig::new(DEMO_SECRET, hana::USER_ID, values(hana::conversation()));
    config.files = hana::files();
    config
}

/// The messages as the server keeps them.
fn values(messages: Vec<DemoMessage>) -> Vec<Value> {
    messages
        .into_iter()
        // Plain structs of strings, numbers and options always serialise.
        .map(|m| serde_json::to_value(m).expect("a demo message serialises"))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::DEMO_USER_ID;
    use super::super::links::served_name;
    use super::*;

    #[test]
    fn every_attachment_is_served_and_every_file_is_used() {
        let config = config();
        let referenced: BTreeSet<&str> = config
            .messages
            .iter()
            .filter_map(|m| m["file_url"].as_str())
            .filter_map(served_name)
            .collect();
        let served: BTreeSet<&str> = config.files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(referenced, served);
    }

    #[test]
    fn ids_are_unique_and_increase_with_time() {
        let messages = config().messages;
        for pair in messages.windows(2) {
            assert!(pair[0]["id"].as_u64() < pair[1]["id"].as_u64());
            assert!(pair[0]["created_at"].as_str() < pair[1]["created_at"].as_str());
        }
    }

    #[test]
    fn every_message_has_the_documented_fields() {
        for message in config().messages {
            for field in [
                "id",
                "body",
                "read_by_user",
                "created_at",
                "file_url",
                "auto_invitation",
                "sender_type",
                "read_by_operator",
                "sender",
            ] {
                assert!(message.get(field).is_some(), "{field} missing in {message}");
            }
            let sender = &message["sender"];
            match message["sender_type"].as_str() {
                Some("user") => {
                    assert_eq!(sender["id"].as_u64(), Some(DEMO_USER_ID));
                    assert!(sender["name"].is_string() && sender["email"].is_string());
                }
                Some("operator") => {
                    for field in ["id", "forename", "surname", "email", "picture_thumb_url"] {
                        assert!(sender.get(field).is_some(), "{field} missing in {sender}");
                    }
                }
                other => panic!("unexpected sender_type {other:?}"),
            }
        }
    }
}
