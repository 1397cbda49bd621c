//! The picker in the app's own loop, against the fake server: Enter opens a
//! conversation, Backspace comes back with the filter and the selection as
//! they were, and answers for a conversation the reader left never land in
//! the next one.

mod common;

use std::io;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::stream;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;

use common::{RecordingDesktop, client};
use szchat::app::{App, AppConfig};
use szchat::concurrency::Concurrency;
use szchat::model::Sender;
use szchat::paging::PageSize;
use szchat::state::{ConversationSettings, Exit, Input};
use szchat::timefmt::LocalZone;
use szchat::ui::color::Colors;
use szchat_fake::{DEMO_SECRET, FakeConfig, FakeServer};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 24;

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(app: &mut App<RecordingDesktop>, text: &str) {
    for c in text.chars() {
        app.handle(key(KeyCode::Char(c)));
    }
}

async fn start(latency: Duration) -> (FakeServer, App<RecordingDesktop>, Terminal<TestBackend>) {
    start_with(latency, PageSize::new(3).unwrap(), 1).await
}

async fn start_with(
    latency: Duration,
    page_size: PageSize,
    concurrency: u8,
) -> (FakeServer, App<RecordingDesktop>, Terminal<TestBackend>) {
    let mut demo = FakeConfig::demo_at(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap());
    demo.latency = latency;
    let server = FakeServer::start(demo).await.unwrap();
    let config = AppConfig {
        client: client(&server.base_url(), DEMO_SECRET, 0),
        user_id: None,
        colors: Colors::Off,
        settings: ConversationSettings {
            page_size,
            whole_history_page_size: page_size,
            zone: LocalZone::utc(),
            log_file: None,
            follow: false,
            poll_interval: szchat::state::DEFAULT_POLL_INTERVAL,
            visitor_profile: true,
            concurrency: Concurrency::new(u64::from(concurrency)).unwrap(),
            session_gap: szchat::metrics::DEFAULT_SESSION_GAP,
            images: None,
        },
    };
    let app = App::spawn(
        config,
        Size::new(WIDTH, HEIGHT),
        RecordingDesktop::default(),
    );
    let terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    (server, app, terminal)
}

/// Runs the loop until `done` holds for the app.
async fn run_until(
    app: &mut App<RecordingDesktop>,
    terminal: &mut Terminal<TestBackend>,
    done: impl Fn(&App<RecordingDesktop>) -> bool,
) {
    let mut no_keys = stream::pending::<io::Result<Event>>();
    let mut no_signals = stream::pending::<i32>();
    let run = app.run_until_app(terminal, &mut no_keys, &mut no_signals, done);
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("the app got there in time")
        .expect("the loop ran");
}

fn all_visitors_loaded(app: &App<RecordingDesktop>) -> bool {
    app.picker()
        .is_some_and(|p| p.total().is_some_and(|t| p.loaded() as u64 == t))
}

#[tokio::test]
async fn enter_opens_the_selected_visitor_and_backspace_comes_back_as_it_was() {
    let (server, mut app, mut terminal) = start(Duration::ZERO).await;
    assert!(app.state().is_none(), "the picker opens first");
    run_until(&mut app, &mut terminal, all_visitors_loaded).await;

    type_text(&mut app, "kestrel");
    app.handle(key(KeyCode::Down));
    let picker = app.picker().unwrap();
    assert_eq!(picker.shown().len(), 2);
    let chosen = picker.selected().unwrap();
    assert_ne!(chosen, picker.shown().next().unwrap().id);

    app.handle(key(KeyCode::Enter));
    let state = app.state().expect("a conversation is open");
    assert_eq!(state.user_id(), chosen);
    run_until(&mut app, &mut terminal, |app| {
        app.state().is_some_and(szchat::state::AppState::is_quiet)
    })
    .await;
    let expected = server.messages_of(chosen).unwrap().len() as u64;
    assert_eq!(app.state().unwrap().total(), Some(expected));

    app.handle(key(KeyCode::Backspace));
    assert!(app.state().is_none());
    let picker = app.picker().unwrap();
    assert_eq!(picker.query(), "kestrel");
    assert_eq!(picker.selected(), Some(chosen));
    run_until(&mut app, &mut terminal, |_| true).await;
    let screen = format!("{:?}", terminal.backend());
    assert!(screen.contains("Find a visitor: kestrel"), "{screen}");

    app.handle(key(KeyCode::Esc));
    assert_eq!(app.picker().unwrap().query(), "");
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.exit(), Some(Exit::Quit));
}

#[tokio::test]
async fn answers_for_a_conversation_left_behind_never_reach_the_next_one() {
    let (server, mut app, mut terminal) = start(Duration::from_millis(50)).await;
    run_until(&mut app, &mut terminal, all_visitors_loaded).await;
    let order: Vec<u64> = app.picker().unwrap().shown().map(|v| v.id).collect();
    let (first, second) = (order[0], order[1]);
    assert_ne!(
        server.messages_of(first).unwrap().len(),
        server.messages_of(second).unwrap().len(),
        "the two conversations can be told apart by size"
    );

    // Open the first, leave before its pages arrive, open the second.
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.state().unwrap().user_id(), first);
    app.handle(key(KeyCode::Backspace));
    app.handle(key(KeyCode::Down));
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.state().unwrap().user_id(), second);

    run_until(&mut app, &mut terminal, |app| {
        app.state().is_some_and(szchat::state::AppState::is_quiet)
    })
    .await;
    // Long enough for the first conversation's answers to have come back.
    tokio::time::sleep(Duration::from_millis(200)).await;
    run_until(&mut app, &mut terminal, |_| true).await;
    let state = app.state().unwrap();
    let expected = server.messages_of(second).unwrap().len();
    assert_eq!(state.total(), Some(expected as u64));
    let visitor_senders: Vec<Option<u64>> = state
        .conversation()
        .iter()
        .filter(|m| matches!(m.sender, Sender::Visitor { .. }))
        .map(|m| m.sender_id)
        .collect();
    assert!(!visitor_senders.is_empty());
    assert!(
        visitor_senders.iter().all(|&id| id == Some(second)),
        "{visitor_senders:?}"
    );
}

#[tokio::test]
async fn the_visitor_list_is_fetched_several_pages_at_a_time_each_visitor_once() {
    // A page a visitor and a pause in every answer: overlapping requests show.
    let (server, mut app, mut terminal) =
        start_with(Duration::from_millis(100), PageSize::new(1).unwrap(), 4).await;
    run_until(&mut app, &mut terminal, |app| {
        app.picker()
            .is_some_and(|p| p.load() == &szchat::picker::ListLoad::Complete)
    })
    .await;
    assert!(server.max_in_flight() > 1, "{}", server.max_in_flight());

    let picker = app.picker().unwrap();
    let mut ids: Vec<u64> = picker.shown().map(|v| v.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), picker.loaded(), "every visitor once");
    assert_eq!(Some(ids.len() as u64), picker.total());
    let listed: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/external/users")
        .collect();
    assert_eq!(listed.len(), ids.len(), "each page asked once");
}

#[tokio::test]
async fn the_list_asks_for_nothing_while_a_conversation_is_open_and_goes_on_after() {
    let (server, mut app, mut terminal) =
        start_with(Duration::from_millis(50), PageSize::new(1).unwrap(), 1).await;
    run_until(&mut app, &mut terminal, |app| {
        app.picker().is_some_and(|p| p.loaded() >= 2)
    })
    .await;
    app.handle(key(KeyCode::Enter));
    run_until(&mut app, &mut terminal, |app| {
        app.state().is_some_and(szchat::state::AppState::is_quiet)
    })
    .await;
    let list_requests = || {
        server
            .requests()
            .iter()
            .filter(|r| r.path == "/external/users")
            .count()
    };
    let asked = list_requests();
    // The loop runs on, the conversation open: the list asks for nothing.
    let mut no_keys = stream::pending::<io::Result<Event>>();
    let mut no_signals = stream::pending::<i32>();
    let run = app.run_until_app(&mut terminal, &mut no_keys, &mut no_signals, |_| false);
    let _ = tokio::time::timeout(Duration::from_millis(500), run).await;
    assert_eq!(list_requests(), asked, "nothing asked while off screen");
    assert!(asked < 10, "{asked} of 10 pages asked before the list left");

    app.handle(key(KeyCode::Backspace));
    run_until(&mut app, &mut terminal, all_visitors_loaded).await;
    assert_eq!(list_requests(), 10, "the rest, once each, back on screen");
}
