//! Any bytes as the list endpoint's or the single-message endpoint's answer:
//! the parser returns an error or a value, and nothing panics. And any bytes
//! inside one message of a good page never cost the others: as the text of
//! one of its strings (mended, so the message itself is still read), or, when
//! they are a JSON value, as the whole message.

use serde_json::Value;
use szchat::api::wire;
use szchat::model::Page;

/// A good page of three messages; the middle one is where the input goes.
const PAGE_PREFIX: &str = r#"{"limit": 50, "offset": 0, "total": 3, "messages": [
  {"id": 1, "body": "first", "created_at": "2018-02-09T17:18:50.000Z", "sender_type": "user",
   "sender": {"id": 1, "name": "David Smith", "email": "visitor@gmail.com"}},"#;
const PAGE_SUFFIX: &str = r#",
  {"id": 3, "body": "third", "created_at": "2018-02-09T18:18:38.000Z", "sender_type": "operator",
   "sender": {"id": 1, "forename": "John", "surname": "Smith"}}
]}"#;

fn page_around(middle: &[u8]) -> Vec<u8> {
    [PAGE_PREFIX.as_bytes(), middle, PAGE_SUFFIX.as_bytes()].concat()
}

/// The first and third message as a clean page gives them.
fn expected_neighbours() -> Page {
    wire::parse_page(&page_around(br#"{"id": 2}"#), 0, 50).expect("the clean page parses")
}

/// Asserts that the first and third message are exactly as in the clean page.
fn assert_neighbours_intact(page: &Page, clean: &Page) {
    assert_eq!(page.messages.len(), 3, "every position is kept");
    assert_eq!(page.messages[0], clean.messages[0]);
    assert_eq!(page.messages[2], clean.messages[2]);
}

/// Bytes that stay inside the JSON string they are put in: '"' becomes '\'',
/// and a final lone backslash gets a partner; everything else is kept.
fn inside_a_string(data: &[u8]) -> Vec<u8> {
    let mut bytes: Vec<u8> = data
        .iter()
        .map(|&b| if b == b'"' { b'\'' } else { b })
        .collect();
    if bytes.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1 {
        bytes.push(b'\\');
    }
    bytes
}

fn main() {
    let clean = expected_neighbours();
    afl::fuzz!(|data: &[u8]| {
        if let Ok(page) = wire::parse_page(data, 0, 50) {
            for message in &page.messages {
                let _ = message.sender.display_name();
                let _ = message.sort_key();
                if let Some(unreadable) = &message.unreadable {
                    assert!(!unreadable.reason.is_empty());
                }
            }
        }
        if let Ok(message) = wire::parse_message(data) {
            assert!(message.file_url.as_deref().is_none_or(|u| !u.trim().is_empty()));
            let _ = message.sender.display_name();
        }

        // The input as the text of the middle message's body.
        let body = [&br#"{"id": 2, "body": ""#[..], &inside_a_string(data), b"\"}"].concat();
        let page = wire::parse_page(&page_around(&body), 0, 50).expect("the page is read");
        assert_neighbours_intact(&page, &clean);
        assert_eq!(page.messages[1].id, 2);
        assert!(page.messages[1].unreadable.is_none(), "mended, not refused");

        // The input as the whole middle message, when it is a JSON value.
        if serde_json::from_slice::<Value>(data).is_ok() {
            let page = wire::parse_page(&page_around(data), 0, 50).expect("the page is read");
            assert_neighbours_intact(&page, &clean);
        }
    });
}
