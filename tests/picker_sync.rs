//! `s` in the message search's hits: the visitors the archive lacks are
//! synced in the background, against the fake server, in the app's own
//! loop with a real archive, while keys go on being answered; the screen
//! says how far it has come, and the query is asked again when it is done,
//! so the hits it brought appear. Offline, `s` says why it cannot.

mod common;

use std::io;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::stream;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use serde_json::Value;

use common::{RecordingDesktop, app_config, client};
use szchat::app::App;
use szchat::archive::task::{AccountSpec, ArchivePlace, StoreTask};
use szchat::concurrency::Concurrency;
use szchat::picker::{Focus, Hits, PickerAction, PickerState, Prompt};
use szchat::secret::Secret;
use szchat::state::Input;
use szchat::sync::background::SyncSource;
use szchat_fake::{FakeConfig, FakeServer, Visitor, synthetic_messages};

const SECRET: &str = "picker-sync-secret";
const WIDTH: u16 = 110;
const HEIGHT: u16 = 20;
/// Visitors the server lists; none is archived at first.
const VISITORS: u64 = 4;

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(app: &mut App<RecordingDesktop>, text: &str) {
    for c in text.chars() {
        app.handle(key(KeyCode::Char(c)));
    }
}

/// `n` messages, the invoice asked about in the last one.
fn history(visitor: u64, n: usize) -> Vec<Value> {
    let mut messages = synthetic_messages(n);
    if let Some(last) = messages.last_mut() {
        last["body"] = Value::from(format!("Where is invoice 44{visitor:02}?"));
    }
    messages
}

/// The server, its visitors slow enough that the sync takes a while.
async fn server() -> FakeServer {
    let mut config = FakeConfig::new(SECRET, 1, history(1, 30));
    config.other_visitors = (2..=VISITORS)
        .map(|id| Visitor::new(id, history(id, 30)))
        .collect();
    config.latency = Duration::from_millis(20);
    FakeServer::start(config).await.unwrap()
}

/// The app on the picker with an empty archive in `dir`, `s` syncing into it.
fn app(server: &FakeServer, dir: &std::path::Path) -> App<RecordingDesktop> {
    let client = client(&server.base_url(), SECRET, 0);
    let account = AccountSpec {
        base_url: client.base_url().to_owned(),
        secret: Secret::new(SECRET).unwrap(),
    };
    let place = ArchivePlace {
        dir: dir.to_owned(),
        account: account.clone(),
    };
    let source = SyncSource {
        client: client.clone(),
        place,
        concurrency: Concurrency::MIN,
    };
    let store = StoreTask::spawn(dir.to_owned(), Some(account));
    let mut config = app_config(client, None);
    config.colors = szchat::ui::color::Colors::Off;
    App::spawn_with_store(
        config,
        Size::new(WIDTH, HEIGHT),
        RecordingDesktop::default(),
        Some(store),
    )
    .with_sync(source)
}

/// Runs the loop until `done` holds for the app's picker.
async fn run_until(
    app: &mut App<RecordingDesktop>,
    terminal: &mut Terminal<TestBackend>,
    done: impl Fn(&PickerState) -> bool,
) {
    let mut no_keys = stream::pending::<io::Result<Event>>();
    let mut no_signals = stream::pending::<i32>();
    let run = app.run_until_app(terminal, &mut no_keys, &mut no_signals, |app| {
        app.picker().is_some_and(&done)
    });
    let outcome = tokio::time::timeout(Duration::from_secs(60), run).await;
    let picker = app.picker().unwrap();
    assert!(
        outcome.is_ok(),
        "the app did not get there: hits {:?}, lacking {:?}, sync {:?}, notice {:?}",
        picker.hits(),
        picker.visitors_not_archived(),
        picker.sync_progress(),
        picker.notice()
    );
}

fn screen(terminal: &Terminal<TestBackend>) -> String {
    common::screen_rows(terminal).join("\n")
}

fn hit_count(picker: &PickerState) -> Option<usize> {
    match picker.hits() {
        Hits::Found(rows) => Some(rows.len()),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s_syncs_the_visitors_the_archive_lacks_and_their_hits_appear() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let mut app = app(&server, &dir.path().join("szchat"));
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    run_until(&mut app, &mut terminal, |picker| {
        picker
            .total()
            .is_some_and(|total| picker.loaded() as u64 == total)
    })
    .await;

    app.handle(key(KeyCode::Tab));
    type_text(&mut app, "invoice");
    run_until(&mut app, &mut terminal, |picker| {
        picker.visitors_not_archived() == Some(VISITORS) && hit_count(picker) == Some(0)
    })
    .await;
    assert!(
        screen(&terminal).contains("4 visitors not in the archive — ↓ then s syncs them"),
        "{}",
        screen(&terminal)
    );

    // In the query, s is typed; ↓ moves the keys to the hits, where s syncs.
    app.handle(key(KeyCode::Down));
    assert_eq!(app.picker().unwrap().message_focus(), Focus::Hits);
    app.handle(key(KeyCode::Char('s')));
    let picker = app.picker().unwrap();
    assert_eq!(
        picker.message_query(),
        "invoice",
        "s is no part of the query"
    );
    assert!(picker.sync_progress().is_some(), "the sync is under way");
    run_until(&mut app, &mut terminal, |picker| {
        picker
            .sync_progress()
            .is_some_and(|progress| progress.visitors == Some(VISITORS))
    })
    .await;
    let during = screen(&terminal);
    assert!(
        during.contains(&format!("of {VISITORS} visitors…")),
        "{during}"
    );
    // Keys are answered while it runs: the query changes, the hits with it.
    type_text(&mut app, " 44");
    assert_eq!(app.picker().unwrap().message_query(), "invoice 44");
    assert_eq!(app.picker().unwrap().message_focus(), Focus::Query);

    run_until(&mut app, &mut terminal, |picker| {
        picker.sync_progress().is_none() && hit_count(picker) == Some(VISITORS as usize)
    })
    .await;
    let after = screen(&terminal);
    let picker = app.picker().unwrap();
    assert!(
        picker
            .notice()
            .is_some_and(|notice| notice.starts_with("synced 4 visitors: 120 new messages")),
        "{:?}",
        picker.notice()
    );
    assert!(after.contains("Where is invoice 4403?"), "{after}");
    assert!(!after.contains("not in the archive"), "{after}");
    assert_eq!(picker.visitors_not_archived(), Some(0));

    // Once the archive has everyone, s says there is nothing to sync.
    app.handle(key(KeyCode::Down));
    app.handle(key(KeyCode::Char('s')));
    let picker = app.picker().unwrap();
    assert!(picker.sync_progress().is_none());
    assert_eq!(
        picker.notice(),
        Some("nothing to sync: the archive has every listed visitor")
    );
    app.stop_sync().await;
}

#[test]
fn offline_s_says_it_syncs_when_szchat_runs_online() {
    let mut picker = PickerState::new(szchat::paging::PageSize::DEFAULT);
    picker.enable_message_search(szchat::timefmt::LocalZone::utc());
    picker.go_offline();
    picker.update(PickerAction::SwitchPrompt);
    assert_eq!(picker.prompt(), Prompt::Messages);
    // Typed into the query while it has the keys.
    picker.update(PickerAction::Type('s'));
    assert_eq!(picker.message_query(), "s");
    picker.update(PickerAction::Erase);
    picker.update(PickerAction::Next);
    let effects = picker.update(PickerAction::Type('s'));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        picker.notice(),
        Some("offline: s syncs when szchat runs online")
    );
    assert_eq!(picker.message_query(), "");
    // Any other character goes back to the query.
    picker.update(PickerAction::Type('x'));
    assert_eq!(picker.message_query(), "x");
    assert_eq!(picker.message_focus(), Focus::Query);
}

/// A sync that could not bring every visitor says which one first, and why,
/// as `szchat sync` does on stderr.
#[test]
fn a_failed_visitor_is_named_in_the_notice() {
    use szchat::sync::Summary;
    use szchat::sync::background::SyncEvent;
    let mut picker = PickerState::new(szchat::paging::PageSize::DEFAULT);
    picker.enable_message_search(szchat::timefmt::LocalZone::utc());
    let summary = Summary {
        synced: 9,
        new_messages: 120,
        requests: 30,
        failed: vec![(9544, "the server refused (503)".to_owned())],
        ..Summary::default()
    };
    let _ = picker.synced(SyncEvent::Done(Ok(summary)));
    let notice = picker.notice().unwrap();
    assert!(
        notice.starts_with("synced 9 visitors: 120 new messages in 30 requests")
            && notice.ends_with("; 1 failed (#9544: the server refused (503))"),
        "{notice}"
    );
}
