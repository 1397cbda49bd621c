//! A page with entries szchat cannot read: the rest of the page still shows,
//! each unreadable entry becomes a placeholder row where the server had it,
//! and paging goes on. Through the fake server, the real client and the state,
//! and on screen.

mod common;

use common::{Driver, client, page_requests};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use szchat::action::Action;
use szchat::api::wire;
use szchat::fetch::FetchEvent;
use szchat::model::{EntryRef, Message};
use szchat::paging::PageSize;
use szchat::state::{AppState, LoadState};
use szchat::text::message_block::message_lines;
use szchat::timefmt::LocalZone;
use szchat::ui;
use szchat_fake::{FakeConfig, FakeServer, Fault, ServeOrder, synthetic_messages};

const SECRET: &str = "test-secret";
const USER: u64 = 4821;
const HISTORY: usize = 120;
const PAGE_SIZE: u32 = 50;

/// What a reader can tell about an entry of the conversation.
#[derive(Debug, PartialEq, Eq)]
enum Row {
    Read(u64),
    Placeholder(EntryRef),
}

fn rows(state: &AppState) -> Vec<Row> {
    state
        .conversation()
        .iter()
        .map(|m| match &m.unreadable {
            None => Row::Read(m.id),
            Some(unreadable) => Row::Placeholder(unreadable.entry),
        })
        .collect()
}

/// `message`'s JSON text with its `field` replaced by `raw` bytes.
fn with_raw_field(message: &Value, field: &str, raw: &[u8]) -> Vec<u8> {
    let mut object = message.clone();
    object[field] = json!("\u{0}PLACE\u{0}");
    let text = serde_json::to_vec(&object).unwrap();
    let marker = br#""\u0000PLACE\u0000""#;
    let at = text
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap();
    [&text[..at], raw, &text[at + marker.len()..]].concat()
}

/// Three poisoned entries on the first page the server answers: one whose body
/// holds a lone surrogate escape and raw invalid UTF-8, one whose `created_at`
/// is a number, one whose id is `1.0`.
fn poison(history: &[Value], body: u64, time: u64, id: u64) -> Vec<Fault> {
    let at = |id: u64| &history[usize::try_from(id).unwrap() - 1];
    vec![
        Fault::RawMessage {
            id: body,
            text: with_raw_field(at(body), "body", b"\"lone \\ud800 and \xff\xfe here\""),
        },
        Fault::RawMessage {
            id: time,
            text: with_raw_field(at(time), "created_at", b"1518196730"),
        },
        Fault::RawMessage {
            id,
            text: with_raw_field(at(id), "id", b"1.0"),
        },
    ]
}

#[tokio::test]
async fn a_poisoned_first_page_shows_the_rest_and_paging_goes_on() {
    // The first page answered holds offsets 0..50: the oldest messages when
    // the server serves oldest first, the newest when newest first.
    let cases = [
        (ServeOrder::OldestFirst, (10, 30, 40), 39),
        (ServeOrder::NewestFirst, (110, 100, 90), 30),
    ];
    for (order, (body, time, id), offset_of_id) in cases {
        let history = synthetic_messages(HISTORY);
        let mut config = FakeConfig::new(SECRET, USER, history.clone());
        config.order = order;
        config.faults = poison(&history, body, time, id);
        let server = FakeServer::start(config).await.unwrap();

        let mut driver = Driver::start(client(&server.base_url(), SECRET, USER), USER, PAGE_SIZE);
        driver.settle().await;
        driver.act(Action::Oldest);
        driver.settle().await;
        let state = driver.state();

        // Every position is there, in the server's place, and nothing failed.
        let expected: Vec<Row> = (1..=HISTORY as u64)
            .map(|n| match n {
                n if n == time => Row::Placeholder(EntryRef::Id(time)),
                n if n == id => Row::Placeholder(EntryRef::Offset(offset_of_id)),
                n => Row::Read(n),
            })
            .collect();
        assert_eq!(rows(state), expected, "{order:?}");
        assert_eq!(state.load_state(), &LoadState::Idle, "{order:?}");
        assert!(state.reached_beginning(), "{order:?}");
        let mended = state.conversation().get(body).unwrap();
        assert_eq!(mended.body, "lone \u{FFFD} and \u{FFFD}\u{FFFD} here");

        // The poisoned page was read once: no retries, no request repeated.
        let pages: Vec<String> = server
            .requests()
            .iter()
            .filter_map(|r| r.query.clone())
            .collect();
        let first = pages.iter().filter(|q| q.contains("offset=0&")).count();
        assert_eq!(first, 1, "{order:?}: {pages:?}");
        let mut unique = pages.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), pages.len(), "{order:?}: {pages:?}");
    }
}

/// The sample conversation with two unreadable entries between its messages.
const POISONED_PAGE: &str = r#"{"limit": 50, "offset": 0, "total": 4, "messages": [
  {"id": 1, "body": "test chat message", "read_by_user": true, "created_at": "2018-02-09T17:18:50.000Z",
   "file_url": null, "auto_invitation": false, "sender_type": "user", "read_by_operator": true,
   "sender": {"id": 1, "name": "David Smith", "email": "visitor@gmail.com"}},
  {"id": 30, "body": "x", "created_at": 1518196730, "sender_type": "user"},
  {"id": 1.0, "body": "y"},
  {"id": 2, "body": "test response from operator", "read_by_user": false, "created_at": "2018-02-09T18:18:38.000Z",
   "file_url": null, "auto_invitation": false, "sender_type": "operator", "read_by_operator": null,
   "sender": {"id": 1, "forename": "John", "surname": "Smith", "email": "operator@gmail.com", "picture_thumb_url": null}}
]}"#;

fn poisoned_messages() -> Vec<Message> {
    wire::parse_page(POISONED_PAGE.as_bytes(), 0, 50)
        .unwrap()
        .messages
}

#[test]
fn placeholder_rows_on_screen() {
    let (width, height) = (64, 16);
    let mut state = AppState::new(USER, PageSize::DEFAULT, LocalZone::utc(), width, height);
    let request = page_requests(&state.start())[0];
    state.apply(FetchEvent::Page {
        request,
        result: Ok(wire::parse_page(POISONED_PAGE.as_bytes(), 0, 50).unwrap()),
    });
    // Select the placeholder for message 30, two rows up from the newest.
    state.update(Action::SelectPrevious);
    state.update(Action::SelectPrevious);
    assert_eq!(state.selected(), Some(30));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn a_placeholder_row_wraps_and_fits_at_any_width() {
    let messages = poisoned_messages();
    let placeholder = &messages[1];
    assert!(placeholder.unreadable.is_some());
    for width in 1..=80u16 {
        for line in message_lines(placeholder, width, &LocalZone::utc()) {
            assert!(
                line.width() <= usize::from(width),
                "width {width}: {line:?}"
            );
        }
    }
    let narrow: Vec<String> = message_lines(placeholder, 24, &LocalZone::utc())
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(narrow.join("\n"));
}
