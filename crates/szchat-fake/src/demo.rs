//! The demo: ten visitors of Ledgerline (a made-up back-office SaaS) with
//! their conversations and attachments, generated in memory at start-up, so
//! `--demo` works offline from any directory and costs the binary only the
//! code and text that write it.
//!
//! Times: Hana Whitfield's week is fixed in November 2026 (tests and the
//! README's screen captures show it). Everyone else is dated back from the
//! moment the demo is built, so "online", "5 min ago" and "3 d ago" read
//! true whenever it runs; their texts never name a date that would go stale,
//! except the months Marguerite's long history talks about, which are those
//! of its own (relative) dates.

mod cast;
mod formats;
mod hana;
mod long_history;
mod story;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeDelta, Timelike, Utc};
use serde_json::{Value, json};

use super::{DEMO_SECRET, FakeConfig, LiveChat, Visitor};
use story::{DemoMessage, Story};

/// The time between two messages of the live chat: a few seconds, so a
/// client following it sees one arrive at about each of its polls.
const LIVE_EVERY: Duration = Duration::from_secs(5);
/// How many messages the live chat adds: an hour's worth, then the visitor
/// is done (and, two minutes later, no longer online).
const LIVE_LIMIT: usize = 720;
/// What the live chat says follows from this.
const LIVE_SEED: u64 = 6107;

/// One demo visitor and the attachments its conversation refers to.
pub(crate) struct Member {
    pub(crate) visitor: Visitor,
    pub(crate) files: Vec<(String, Vec<u8>)>,
}

/// The demo server configuration as of `now`: well-behaved, no latency, one live chat.
pub(super) fn config(now: DateTime<Utc>) -> FakeConfig {
    // Whole seconds: the stories add random milliseconds of their own.
    let now = now.with_nanosecond(0).unwrap_or(now);
    let mut config = FakeConfig::new(DEMO_SECRET, hana::USER_ID, values(hana::conversation()));
    config.profile = hana::profile();
    config.files = hana::files();
    for member in cast::members(now)
        .into_iter()
        .chain([long_history::member(now)])
    {
        config.files.extend(member.files);
        config.other_visitors.push(member.visitor);
    }
    config.live = Some(LiveChat {
        user_id: cast::LIVE_USER_ID,
        every: LIVE_EVERY,
        limit: LIVE_LIMIT,
        seed: LIVE_SEED,
    });
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

/// A time as the API writes it: "2026-11-27T08:15:00.000Z".
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A conversation written by `script` from a start time, moved so that its
/// last message is sent at `end`. The script must not let the start time
/// change what is said, only when.
fn ending_at(end: DateTime<Utc>, script: impl Fn(DateTime<Utc>) -> Story) -> Vec<DemoMessage> {
    let draft = script(end);
    let length = draft.clock() - end;
    script(end - length).finish()
}

/// What a user object says beyond its id.
struct Profile<'a> {
    name: &'a str,
    email: Option<&'a str>,
    reference: Option<&'a str>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    online_at: DateTime<Utc>,
    last_url: Option<&'a str>,
    attributes: &'a [(&'a str, &'a str)],
}

impl Profile<'_> {
    /// The user object of visitor `id`.
    fn to_value(&self, id: u64) -> Value {
        let attributes: Vec<Value> = self
            .attributes
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        json!({
            "id": id,
            "name": self.name,
            "email": self.email,
            "reference": self.reference,
            "created_at": stamp(self.created_at),
            "updated_at": stamp(self.updated_at),
            "online_at": stamp(self.online_at),
            "last_url": self.last_url,
            "user_attributes": attributes,
        })
    }
}

/// `count` whole minutes.
fn minutes(count: i64) -> TimeDelta {
    TimeDelta::minutes(count)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::super::links::served_name;
    use super::*;

    /// The start-up time the tests build the demo at.
    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2027-03-14T15:09:26Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    /// Every visitor's id, user object and messages.
    fn everyone(config: &FakeConfig) -> Vec<(u64, &Value, &Vec<Value>)> {
        let mut all = vec![(config.user_id, &config.profile, &config.messages)];
        all.extend(
            config
                .other_visitors
                .iter()
                .map(|v| (v.id, &v.profile, &v.messages)),
        );
        all
    }

    fn time(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .with_timezone(&Utc)
    }

    #[test]
    fn every_attachment_is_served_and_every_file_is_used() {
        let config = config(now());
        let referenced: BTreeSet<&str> = everyone(&config)
            .into_iter()
            .flat_map(|(_, _, messages)| messages.iter())
            .filter_map(|m| m["file_url"].as_str())
            .filter_map(served_name)
            .collect();
        let served: BTreeSet<&str> = config.files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(referenced, served);
        assert_eq!(served.len(), config.files.len(), "file names are unique");
    }

    #[test]
    fn visitor_ids_are_unique_and_the_live_one_exists() {
        let config = config(now());
        let ids: BTreeSet<u64> = everyone(&config).iter().map(|(id, ..)| *id).collect();
        assert_eq!(ids.len(), 1 + config.other_visitors.len());
        let live = config.live.as_ref().unwrap();
        assert!(ids.contains(&live.user_id));
        assert!(live.limit > 0 && live.every >= Duration::from_secs(1));
    }

    #[test]
    fn ids_are_unique_and_increase_with_time() {
        let config = config(now());
        for (id, _, messages) in everyone(&config) {
            for pair in messages.windows(2) {
                assert!(
                    pair[0]["id"].as_u64() < pair[1]["id"].as_u64(),
                    "visitor {id}"
                );
                assert!(
                    time(pair[0]["created_at"].as_str().unwrap())
                        < time(pair[1]["created_at"].as_str().unwrap()),
                    "visitor {id}: {} then {}",
                    pair[0]["created_at"],
                    pair[1]["created_at"]
                );
            }
        }
    }

    #[test]
    fn message_ids_are_unique_across_visitors() {
        let config = config(now());
        let mut seen = BTreeMap::new();
        for (visitor, _, messages) in everyone(&config) {
            for message in messages {
                let id = message["id"].as_u64().unwrap();
                assert_eq!(seen.insert(id, visitor), None, "message {id}");
            }
        }
    }

    #[test]
    fn every_message_has_the_documented_fields_and_its_visitor_as_sender() {
        let config = config(now());
        for (id, profile, messages) in everyone(&config) {
            for message in messages {
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
                        assert_eq!(sender["id"].as_u64(), Some(id));
                        assert_eq!(sender["name"], profile["name"]);
                        assert_eq!(sender["email"], profile["email"]);
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

    #[test]
    fn every_user_object_has_the_documented_fields() {
        let config = config(now());
        for (id, profile, messages) in everyone(&config) {
            assert_eq!(profile["id"].as_u64(), Some(id));
            assert!(profile["name"].is_string(), "{profile}");
            for field in ["email", "reference", "last_url"] {
                let value = &profile[field];
                assert!(value.is_string() || value.is_null(), "{field} in {profile}");
            }
            let created = time(profile["created_at"].as_str().unwrap());
            let updated = time(profile["updated_at"].as_str().unwrap());
            let online = time(profile["online_at"].as_str().unwrap());
            assert!(created <= updated && updated <= online, "{profile}");
            for attribute in profile["user_attributes"].as_array().unwrap() {
                assert!(attribute["name"].is_string() && attribute["value"].is_string());
            }
            // Seen online no earlier than its last own message; created before its first.
            let mut own = messages.iter().filter(|m| m["sender_type"] == "user");
            if let Some(last) = own.next_back() {
                assert!(
                    time(last["created_at"].as_str().unwrap()) <= online,
                    "visitor {id}"
                );
            }
            if let Some(first) = messages.first() {
                assert!(
                    time(first["created_at"].as_str().unwrap()) >= created,
                    "visitor {id}"
                );
            }
        }
    }

    #[test]
    fn the_demo_has_the_variety_it_promises() {
        let now = now();
        let config = config(now);
        let all = everyone(&config);
        assert!(all.len() >= 8, "{} visitors", all.len());
        let seen = |profile: &Value| now - time(profile["online_at"].as_str().unwrap());

        let live = config.live.as_ref().unwrap().user_id;
        let (_, live_profile, _) = all.iter().find(|(id, ..)| *id == live).unwrap();
        assert!(seen(live_profile) >= TimeDelta::zero());
        assert!(
            seen(live_profile) < TimeDelta::minutes(2),
            "the live visitor is online"
        );

        let ages: Vec<TimeDelta> = all.iter().map(|(_, p, _)| seen(p)).collect();
        assert!(
            ages.iter()
                .any(|a| *a >= minutes(2) && *a < TimeDelta::hours(1))
        );
        assert!(
            ages.iter()
                .any(|a| *a >= TimeDelta::days(3) && *a < TimeDelta::days(4))
        );
        assert!(ages.iter().any(|a| *a >= TimeDelta::days(30)));

        assert!(
            all.iter().any(|(_, _, m)| m.len() >= 5_000),
            "a long history"
        );
        assert!(
            all.iter().any(|(_, _, m)| m.is_empty()),
            "a visitor yet to write"
        );
        assert!(
            all.iter().any(|(_, p, _)| {
                p["last_url"].is_string() && p["user_attributes"].as_array().unwrap().len() >= 10
            }),
            "rich attributes and a last URL"
        );
        let with_files = all
            .iter()
            .filter(|(_, _, m)| m.iter().any(|m| m["file_url"].is_string()))
            .count();
        assert!(with_files >= 4, "{with_files} visitors with attachments");
        assert!(
            all.iter().any(|(_, p, _)| p["email"].is_null()),
            "no email given"
        );

        let text: String = all
            .iter()
            .flat_map(|(_, p, m)| {
                std::iter::once(p["name"].as_str().unwrap())
                    .chain(m.iter().map(|m| m["body"].as_str().unwrap()))
            })
            .collect();
        assert!(text.contains('抹'), "CJK");
        assert!(text.contains('ﾀ'), "half-width katakana");
        assert!(
            text.contains('\u{308}') && text.contains('\u{301}'),
            "combining marks"
        );
        assert!(text.contains('\u{200d}'), "emoji joined by ZWJ");
        assert!(text.contains('\u{1f1f8}'), "a flag");
        assert!(text.contains('ل'), "right-to-left script");
    }

    #[test]
    fn other_visitors_are_dated_from_start_up_and_hana_is_not() {
        let earlier = config(now());
        let later = config(now() + TimeDelta::days(40));
        assert_eq!(earlier.messages, later.messages);
        assert_eq!(earlier.profile, later.profile);
        for (a, b) in earlier.other_visitors.iter().zip(&later.other_visitors) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.messages.len(), b.messages.len());
            let shifted = |v: &Visitor| time(v.profile["online_at"].as_str().unwrap());
            assert_eq!(
                shifted(b) - shifted(a),
                TimeDelta::days(40),
                "visitor {}",
                a.id
            );
        }
    }

    #[test]
    fn the_same_start_gives_the_same_demo() {
        let a = config(now());
        let b = config(now());
        assert_eq!(a.files, b.files);
        for (a, b) in a.other_visitors.iter().zip(&b.other_visitors) {
            assert_eq!(
                (a.id, &a.profile, &a.messages),
                (b.id, &b.profile, &b.messages)
            );
        }
    }
}
