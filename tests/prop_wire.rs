//! The page parser against whatever a server may send: extra fields anywhere
//! change nothing, no input, however broken, makes it panic, and whatever
//! one message holds never costs the others.

mod common;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value, json};
use szchat::api::wire::{self, MessageDto};
use szchat::model::{Message, Page};
use szchat::testing::MessageBuilder;

/// Keys the parser reads, which extra fields must not reuse.
const ENVELOPE_KEYS: &[&str] = &["limit", "offset", "total", "messages"];
const MESSAGE_KEYS: &[&str] = &[
    "id",
    "body",
    "read_by_user",
    "created_at",
    "file_url",
    "auto_invitation",
    "sender_type",
    "read_by_operator",
    "sender",
];
const SENDER_KEYS: &[&str] = &["id", "name", "email", "forename", "surname"];

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Extra fields whose keys are none of `taken`.
fn extras(taken: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, Value)>> {
    proptest::collection::vec(
        (
            prop_oneof![any::<String>(), "[a-z_]{1,12}"]
                .prop_filter("not a key the parser reads", move |k| {
                    !taken.contains(&k.as_str())
                }),
            json_value(),
        ),
        0..4,
    )
}

/// A message as the API documents it, with fields varied within their types.
fn message() -> impl Strategy<Value = Value> {
    let sender_type = prop_oneof![
        Just(json!("user")),
        Just(json!("operator")),
        Just(json!("bot")),
        Just(Value::Null),
    ];
    let created_at = prop_oneof![
        Just(json!("2018-02-09T17:18:50.000Z")),
        Just(json!("2018-02-09T18:18:38+05:30")),
        Just(json!("yesterday")),
        Just(Value::Null),
    ];
    let sender = prop_oneof![
        Just(json!({"id": 1, "name": "David Smith", "email": "visitor@gmail.com"})),
        Just(json!({"id": 1, "forename": "John", "surname": "Smith", "picture_thumb_url": null})),
        Just(json!({})),
        Just(Value::Null),
    ];
    (
        any::<u64>(),
        proptest::option::of(any::<String>()),
        created_at,
        proptest::option::of(prop_oneof![
            Just("".to_owned()),
            "https://[a-z]{1,8}\\.com/[a-z]{0,8}"
        ]),
        sender_type,
        sender,
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            |(id, body, created_at, file_url, sender_type, sender, flag)| {
                json!({
                    "id": id,
                    "body": body,
                    "read_by_user": flag,
                    "created_at": created_at,
                    "file_url": file_url,
                    "auto_invitation": flag,
                    "sender_type": sender_type,
                    "read_by_operator": flag,
                    "sender": sender,
                })
            },
        )
}

/// A page as the API documents it.
fn page() -> impl Strategy<Value = Value> {
    page_of(0..5)
}

/// A page as the API documents it, with `count` messages.
fn page_of(count: std::ops::Range<usize>) -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(message(), count),
        any::<u64>(),
        any::<u64>(),
        1u64..100,
    )
        .prop_map(|(messages, total, offset, limit)| {
            json!({"limit": limit, "offset": offset, "total": total, "messages": messages})
        })
}

fn add(object: &mut Value, extra: Vec<(String, Value)>) {
    if let Some(map) = object.as_object_mut() {
        for (key, value) in extra {
            map.insert(key, value);
        }
    }
}

/// What a message says, apart from its text as received (which extra fields
/// do change).
fn fields_of(mut page: Page) -> Page {
    for message in &mut page.messages {
        message.raw_json = None;
    }
    page
}

/// Parses and converts a page the way the client does.
fn parse_page(bytes: &[u8]) -> Option<Page> {
    wire::parse_page(bytes, 0, 50).ok()
}

/// Bytes that stay inside the JSON string they are put in: every '"' becomes
/// '\'', and a final lone backslash (which would escape the closing quote)
/// gets a partner. Everything else (invalid UTF-8, raw control bytes, broken
/// and lone-surrogate escapes, brackets) is kept.
fn inside_a_string(mut bytes: Vec<u8>) -> Vec<u8> {
    for byte in &mut bytes {
        if *byte == b'"' {
            *byte = b'\'';
        }
    }
    let trailing = bytes.iter().rev().take_while(|&&b| b == b'\\').count();
    if trailing % 2 == 1 {
        bytes.push(b'\\');
    }
    bytes
}

/// A page's JSON text whose message `index` has the text of its `field`
/// (or, with `field` None, the message's whole text) replaced by `raw`.
fn page_with_raw(page: &Value, index: usize, field: Option<&str>, raw: &[u8]) -> Vec<u8> {
    const MARK: &str = "\u{0}MARK\u{0}";
    let mut page = page.clone();
    match field {
        Some(field) => page["messages"][index][field] = json!(MARK),
        None => page["messages"][index] = json!(MARK),
    }
    let text = serde_json::to_vec(&page).unwrap();
    let mark = serde_json::to_vec(&json!(MARK)).unwrap();
    let at = text.windows(mark.len()).position(|w| w == mark).unwrap();
    [&text[..at], raw, &text[at + mark.len()..]].concat()
}

/// Checks that `parsed` holds every message of `plain` but the one at `index`, unchanged.
fn others_intact(parsed: &Page, plain: &Page, index: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(parsed.messages.len(), plain.messages.len());
    prop_assert_eq!(parsed.total, plain.total);
    for (i, (got, want)) in parsed.messages.iter().zip(&plain.messages).enumerate() {
        if i != index {
            prop_assert_eq!(got, want, "message {} of the page changed", i);
        }
    }
    Ok(())
}

/// The seed's sample page with extras added everywhere.
fn with_extras_everywhere(
    mut page: Value,
    envelope: Vec<(String, Value)>,
    per_message: Vec<Vec<(String, Value)>>,
    per_sender: Vec<Vec<(String, Value)>>,
) -> Value {
    add(&mut page, envelope);
    if let Some(messages) = page["messages"].as_array_mut() {
        for (message, extra) in messages.iter_mut().zip(per_message) {
            add(message, extra);
        }
        for (message, extra) in messages.iter_mut().zip(per_sender) {
            if let Some(sender) = message.get_mut("sender") {
                add(sender, extra);
            }
        }
    }
    page
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn extra_fields_anywhere_change_nothing(
        page in page(),
        envelope in extras(ENVELOPE_KEYS),
        per_message in proptest::collection::vec(extras(MESSAGE_KEYS), 5),
        per_sender in proptest::collection::vec(extras(SENDER_KEYS), 5),
    ) {
        let plain = parse_page(&serde_json::to_vec(&page).unwrap());
        prop_assert!(plain.is_some(), "the documented shape parses: {}", page);
        let extended = with_extras_everywhere(page, envelope, per_message, per_sender);
        let sent = serde_json::to_string(&extended).unwrap();
        let parsed = parse_page(sent.as_bytes());
        // The text as received is each message object's own text, extras and all.
        for message in parsed.iter().flat_map(|p| &p.messages) {
            let own_id = format!("\"id\":{}", message.id);
            let raw = message.raw_json.as_deref().unwrap_or_default();
            let whole = raw.starts_with('{') && sent.contains(raw);
            prop_assert!(whole && raw.contains(&own_id), "{}", raw);
        }
        prop_assert_eq!(parsed.map(fields_of), plain.map(fields_of));
    }

    #[test]
    fn the_seed_sample_takes_extra_fields_too(
        envelope in extras(ENVELOPE_KEYS),
        per_message in proptest::collection::vec(extras(MESSAGE_KEYS), 2),
        per_sender in proptest::collection::vec(extras(SENDER_KEYS), 2),
    ) {
        let seed: Value = serde_json::from_str(common::SEED_PAGE).unwrap();
        let expected = parse_page(common::SEED_PAGE.as_bytes()).unwrap();
        prop_assert_eq!(expected.messages.len(), 2);
        let extended = with_extras_everywhere(seed, envelope, per_message, per_sender);
        let parsed = parse_page(&serde_json::to_vec(&extended).unwrap());
        prop_assert_eq!(parsed.map(fields_of), Some(fields_of(expected)));
    }

    #[test]
    fn a_single_message_takes_extra_fields(message in message(), extra in extras(MESSAGE_KEYS)) {
        let parse = |v: &Value| {
            serde_json::from_slice::<MessageDto>(&serde_json::to_vec(v).unwrap())
                .ok()
                .map(MessageDto::into_message)
        };
        let plain = parse(&message);
        prop_assert!(plain.is_some());
        let mut extended = message;
        add(&mut extended, extra);
        let parsed = parse(&extended).unwrap();
        prop_assert_eq!(
            parsed.raw_json.as_deref().unwrap_or_default(),
            serde_json::to_string(&extended).unwrap()
        );
        let blank = |m: Message| MessageBuilder::like(m).raw_json("").build();
        prop_assert_eq!(blank(parsed), blank(plain.unwrap()));
    }

    #[test]
    fn any_bytes_give_an_error_or_a_value(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_page(&bytes);
        let _ = serde_json::from_slice::<MessageDto>(&bytes).map(MessageDto::into_message);
    }

    /// Random bytes are rarely near-JSON; a damaged real page is.
    #[test]
    fn a_damaged_sample_page_gives_an_error_or_a_value(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8),
    ) {
        let mut bytes = common::SEED_PAGE.as_bytes().to_vec();
        for (at, byte, how) in edits {
            let i = at.index(bytes.len() + 1);
            match how {
                0 => bytes.insert(i, byte),
                1 if i < bytes.len() => { bytes.remove(i); }
                _ if i < bytes.len() => bytes[i] = byte,
                _ => bytes.push(byte),
            }
        }
        let _ = parse_page(&bytes);
        let _ = serde_json::from_slice::<MessageDto>(&bytes).map(MessageDto::into_message);
    }

    /// Any bytes inside one message's text never cost the others, and the
    /// message itself is still read: broken text is mended, not refused.
    #[test]
    fn any_bytes_inside_one_message_never_lose_the_others(
        page in page_of(1..5),
        index in any::<prop::sample::Index>(),
        field in proptest::sample::select(vec!["body", "created_at", "file_url", "sender_type"]),
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
        lone_surrogate in any::<bool>(),
    ) {
        let plain = parse_page(&serde_json::to_vec(&page).unwrap()).unwrap();
        let index = index.index(plain.messages.len());
        let mut text = inside_a_string(bytes);
        if lone_surrogate {
            text.extend_from_slice(br"\ud800");
        }
        let raw = [&b"\""[..], &text, b"\""].concat();
        let parsed = parse_page(&page_with_raw(&page, index, Some(field), &raw));
        prop_assert!(parsed.is_some(), "the page is read");
        let parsed = parsed.unwrap();
        others_intact(&parsed, &plain, index)?;
        let poisoned = &parsed.messages[index];
        prop_assert_eq!(poisoned.id, plain.messages[index].id);
        prop_assert!(poisoned.unreadable.is_none(), "{:?}", poisoned.unreadable);
    }

    /// Any JSON value in place of one message, or of one of its fields, never
    /// costs the others: that message is read or becomes a placeholder.
    #[test]
    fn any_value_in_one_message_never_loses_the_others(
        page in page_of(1..5),
        index in any::<prop::sample::Index>(),
        field in proptest::option::of(proptest::sample::select(MESSAGE_KEYS.to_vec())),
        value in json_value(),
    ) {
        let plain = parse_page(&serde_json::to_vec(&page).unwrap()).unwrap();
        let index = index.index(plain.messages.len());
        let raw = serde_json::to_vec(&value).unwrap();
        let parsed = parse_page(&page_with_raw(&page, index, field, &raw));
        prop_assert!(parsed.is_some(), "the page is read");
        let parsed = parsed.unwrap();
        others_intact(&parsed, &plain, index)?;
        if let Some(unreadable) = &parsed.messages[index].unreadable {
            prop_assert!(!unreadable.reason.is_empty());
        }
    }

    /// Any JSON document at all, including ones with the right keys and wrong types.
    #[test]
    fn any_json_gives_an_error_or_a_value(
        value in json_value(),
        known in proptest::collection::vec((proptest::sample::select(MESSAGE_KEYS.to_vec()), json_value()), 0..6),
    ) {
        let mut object = Map::new();
        object.insert("total".into(), json!(3));
        object.insert("messages".into(), json!([value.clone()]));
        for (key, v) in known {
            object.insert(key.to_owned(), v);
        }
        for doc in [value, Value::Object(object)] {
            let bytes = serde_json::to_vec(&doc).unwrap();
            let _ = parse_page(&bytes);
            let _ = serde_json::from_slice::<MessageDto>(&bytes).map(MessageDto::into_message);
        }
    }
}
