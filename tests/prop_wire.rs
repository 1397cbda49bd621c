//! The page parser against whatever a server may send: extra fields anywhere
//! change nothing, and no input, however broken, makes it panic.

mod common;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use szchat::api::wire::{MessageDto, PageDto};
use szchat::model::{Message, Page};

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
const SENDER_KEYS: &[&str] = &["name", "email", "forename", "surname"];

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
    (
        proptest::collection::vec(message(), 0..5),
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
        message.raw_json = "".into();
    }
    page
}

/// Parses and converts a page the way the client does.
fn parse_page(bytes: &[u8]) -> Option<Page> {
    serde_json::from_slice::<PageDto>(bytes)
        .ok()
        .map(|dto| dto.into_page(0, 50))
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
            let whole = message.raw_json.starts_with('{') && sent.contains(&*message.raw_json);
            prop_assert!(whole && message.raw_json.contains(&own_id), "{}", message.raw_json);
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
        prop_assert_eq!(&*parsed.raw_json, serde_json::to_string(&extended).unwrap());
        let blank = |m: Message| Message { raw_json: "".into(), ..m };
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
