//! Made-up messages: synthetic histories for tests, and the new messages a
//! "live" conversation grows by.

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};

use super::DEMO_USER_ID;

/// When synthetic histories start: 2026-01-05T09:00:00Z.
const SYNTHETIC_START_SECS: i64 = 1_767_603_600;
/// Gap between consecutive synthetic messages.
const SYNTHETIC_GAP_SECS: i64 = 60;
/// Operator id used when a history has no operator to imitate.
const FALLBACK_OPERATOR_ID: u64 = 7;

/// What live messages say, in turn.
const LIVE_LINES: &[&str] = &[
    "Are you still there?",
    "Yes, still here. Checking one more thing for you.",
    "Thanks, take your time.",
    "Okay, I have refreshed the page and it looks right now.",
    "Great! Anything else I can help with?",
    "One more question about next month's invoice, actually.",
    "Sure, go ahead.",
    "Will it show the discount we talked about?",
    "It will, the discount is applied from the next billing cycle.",
    "Perfect 👍",
];

/// Who sent a message, as far as alternation is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Visitor,
    Operator,
}

/// Builds `n` synthetic messages (alternating visitor/operator starting with
/// the visitor, a minute apart from 2026-01-05T09:00:00.000Z, ids `1..=n`,
/// bodies "Message {id}").
#[must_use]
pub fn synthetic_messages(n: usize) -> Vec<Value> {
    let start = DateTime::from_timestamp(SYNTHETIC_START_SECS, 0).unwrap_or_default();
    (1..=n as u64)
        .map(|id| {
            let side = if id % 2 == 1 {
                Side::Visitor
            } else {
                Side::Operator
            };
            let offset = i64::try_from(id - 1).unwrap_or(i64::MAX / SYNTHETIC_GAP_SECS);
            let at = start + TimeDelta::seconds(offset * SYNTHETIC_GAP_SECS);
            let sender = match side {
                Side::Visitor => default_visitor(),
                Side::Operator => default_operator(),
            };
            message(id, &format!("Message {id}"), at, side, &sender)
        })
        .collect()
}

/// Appends `count` new messages that continue `messages`, senders
/// alternating, each as [`append`] writes it.
pub(super) fn grow(messages: &mut Vec<Value>, count: usize, now: DateTime<Utc>, visitor: &Value) {
    for _ in 0..count {
        let side = match messages.last().map(side_of) {
            Some(Side::Visitor) => Side::Operator,
            _ => Side::Visitor,
        };
        let id = next_id(messages);
        let line = LIVE_LINES[usize::try_from(id).unwrap_or(0) % LIVE_LINES.len()];
        append(messages, side, line, now, visitor);
    }
}

/// Appends one message saying `body` from `side`: its id above every
/// existing id, its time after every existing one and no earlier than `now`,
/// its sender copied from the history's latest of that side, else `visitor`
/// (for the visitor) or a stock operator. Returns the time it was given.
pub(crate) fn append(
    messages: &mut Vec<Value>,
    side: Side,
    body: &str,
    now: DateTime<Utc>,
    visitor: &Value,
) -> DateTime<Utc> {
    // Timestamps are written with millisecond precision; compare at that precision
    // so two messages added in the same millisecond still get distinct times.
    let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
    let latest = messages
        .iter()
        .filter_map(|m| m.get("created_at").and_then(Value::as_str))
        .filter_map(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .max();
    let at = match latest {
        Some(latest) if latest >= now => latest + TimeDelta::seconds(1),
        _ => now,
    };
    let sender = last_sender(messages, side).unwrap_or_else(|| match side {
        Side::Visitor => visitor.clone(),
        Side::Operator => default_operator(),
    });
    let id = next_id(messages);
    messages.push(message(id, body, at, side, &sender));
    at
}

/// One above the highest message id so far.
fn next_id(messages: &[Value]) -> u64 {
    messages
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_u64))
        .max()
        .unwrap_or(0)
        + 1
}

fn side_of(message: &Value) -> Side {
    if message.get("sender_type").and_then(Value::as_str) == Some("operator") {
        Side::Operator
    } else {
        Side::Visitor
    }
}

/// The sender object of the most recent message from `side`.
fn last_sender(messages: &[Value], side: Side) -> Option<Value> {
    messages
        .iter()
        .rev()
        .find(|m| side_of(m) == side && m.get("sender").is_some_and(Value::is_object))
        .and_then(|m| m.get("sender").cloned())
}

fn default_visitor() -> Value {
    json!({"id": DEMO_USER_ID, "name": "Test Visitor", "email": "visitor@example.com"})
}

fn default_operator() -> Value {
    json!({
        "id": FALLBACK_OPERATOR_ID,
        "forename": "Olive",
        "surname": "Operator",
        "email": "operator@example.com",
        "picture_thumb_url": null,
    })
}

fn message(id: u64, body: &str, at: DateTime<Utc>, side: Side, sender: &Value) -> Value {
    let (sender_type, read_by_user, read_by_operator) = match side {
        Side::Visitor => ("user", true, false),
        Side::Operator => ("operator", false, true),
    };
    json!({
        "id": id,
        "body": body,
        "read_by_user": read_by_user,
        "created_at": at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "file_url": null,
        "auto_invitation": false,
        "sender_type": sender_type,
        "read_by_operator": read_by_operator,
        "sender": sender,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_messages_alternate_and_increase() {
        let messages = synthetic_messages(4);
        let ids: Vec<_> = messages.iter().map(|m| m["id"].as_u64().unwrap()).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
        let types: Vec<_> = messages
            .iter()
            .map(|m| m["sender_type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["user", "operator", "user", "operator"]);
        assert_eq!(messages[0]["created_at"], "2026-01-05T09:00:00.000Z");
        assert_eq!(messages[3]["created_at"], "2026-01-05T09:03:00.000Z");
        assert_eq!(messages[1]["body"], "Message 2");
        assert!(messages[1]["sender"]["forename"].is_string());
        assert!(messages[0]["sender"]["name"].is_string());
        assert!(synthetic_messages(0).is_empty());
    }

    #[test]
    fn growth_continues_ids_times_and_alternation() {
        let mut messages = synthetic_messages(3);
        let now = DateTime::parse_from_rfc3339("2026-02-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        grow(&mut messages, 2, now, &default_visitor());
        assert_eq!(messages.len(), 5);
        assert_eq!(messages[3]["id"], 4);
        assert_eq!(messages[4]["id"], 5);
        assert_eq!(messages[3]["sender_type"], "operator");
        assert_eq!(messages[4]["sender_type"], "user");
        assert_eq!(messages[3]["created_at"], "2026-02-01T00:00:00.000Z");
        assert_eq!(messages[4]["created_at"], "2026-02-01T00:00:01.000Z");
        assert_eq!(messages[3]["sender"], messages[1]["sender"]);
    }

    #[test]
    fn growth_stays_after_history_dated_in_the_future() {
        let mut messages = synthetic_messages(1);
        let now = DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        grow(&mut messages, 1, now, &default_visitor());
        assert_eq!(messages[1]["created_at"], "2026-01-05T09:00:01.000Z");
    }

    #[test]
    fn growth_from_nothing_starts_with_the_given_visitor() {
        let mut messages = Vec::new();
        let ana = json!({"id": 6107, "name": "Ana Ortega", "email": "ana@example.com"});
        grow(&mut messages, 2, Utc::now(), &ana);
        assert_eq!(messages[0]["id"], 1);
        assert_eq!(messages[0]["sender_type"], "user");
        assert_eq!(messages[0]["sender"], ana);
        assert_eq!(messages[1]["sender"]["forename"], "Olive");
    }
}
