//! `s` saves the selected message's attachment: a prompt suggests a
//! sanitised name in the download folder, Enter writes the file through a
//! fresh link, and a name that is taken is never overwritten unasked.
//! First the state alone, then the app's own loop against the fake server.

mod common;

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent};
use szchat::action::Action;
use szchat::app::App;
use szchat::attachment::save::{SaveError, SaveRequest, Saved};
use szchat::fetch::{self, FetchEvent, FetchRequest};
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect, Input, Overlay, StatusKind};
use szchat::testing::serve_until_shown;
use szchat::timefmt::LocalZone;
use szchat_fake::{FakeConfig, FakeServer};
use tokio::sync::mpsc;

use common::{Driver, RecordingDesktop, client, message_json, messages};

const SECRET: &str = "sz-save-SECRET";
const USER: u64 = 7;
const SHOT: &[u8] = b"\x89PNG\r\n\x1a\n the screenshot's bytes";

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::from(code))
}

fn typed(state: &mut AppState, text: &str) {
    for c in text.chars() {
        state.handle(key(KeyCode::Char(c)));
    }
}

/// A state showing three messages, the newest (selected) with an
/// attachment linked as `link`, suggesting saves into `dir`.
fn state_with_attachment(link: &str, dir: &Path) -> AppState {
    let mut history = messages(3);
    history[2].file_url = Some(link.to_owned());
    let page_size = PageSize::new(50).unwrap();
    let mut state =
        AppState::new(USER, page_size, LocalZone::utc(), 80, 20).with_download_dir(dir.to_owned());
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    state
}

/// Saving message 3's attachment at `path`.
fn request(path: &str, replace: bool) -> SaveRequest {
    SaveRequest {
        id: 3,
        path: PathBuf::from(path),
        replace,
    }
}

fn prompt_text(state: &AppState) -> String {
    match state.overlays().top() {
        Some(Overlay::Save { prompt, .. }) => prompt.text().to_owned(),
        other => panic!("expected the save prompt, got {other:?}"),
    }
}

#[test]
fn the_prompt_suggests_the_sanitised_name_in_the_download_folder() {
    let dir = Path::new("/home/op/Downloads");
    let mut state = state_with_attachment("https://cdn.example/up/..%2F.bashrc%1B[2J?sig=1", dir);
    assert!(state.update(Action::SaveAttachment).is_empty());
    // No directory reached, nothing hidden, no escape: the path shown is the path written.
    assert_eq!(prompt_text(&state), "/home/op/Downloads/_.bashrc␛[2J");

    // Edited, Enter asks the fetch task to save there (no overwrite).
    state.handle(Input::Key(KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    )));
    typed(&mut state, "/tmp/x/report.png");
    let effects = state.handle(key(KeyCode::Enter));
    assert_eq!(
        effects,
        vec![Effect::Fetch(FetchRequest::Save(request(
            "/tmp/x/report.png",
            false
        )))]
    );
    assert!(state.overlays().top().is_none());
    assert_eq!(state.saving().as_deref(), Some("saving report.png…"));
    assert!(!state.is_quiet(), "a save under way is awaited");

    state.apply(FetchEvent::Saved {
        request: request("/tmp/x/report.png", false),
        result: Ok(Saved {
            path: PathBuf::from("/tmp/x/report.png"),
            bytes: 2_400_000,
        }),
    });
    assert_eq!(state.saving(), None);
    assert_eq!(
        state.status().unwrap().text,
        "saved report.png (2.4 MB) to /tmp/x/report.png"
    );
}

#[test]
fn a_message_without_an_attachment_says_so_and_esc_cancels_the_prompt() {
    let dir = Path::new("/dl");
    let mut state = state_with_attachment("https://cdn.example/a.pdf", dir);
    state.update(Action::SelectPrevious);
    assert!(state.update(Action::SaveAttachment).is_empty());
    assert!(state.overlays().top().is_none());
    assert_eq!(
        state.status().unwrap().text,
        "this message has no attachment"
    );

    state.update(Action::SelectNext);
    state.update(Action::SaveAttachment);
    // `q` is text in the prompt, not quit; Esc cancels and nothing is asked.
    typed(&mut state, "q");
    assert!(prompt_text(&state).ends_with("a.pdfq"));
    assert!(state.handle(key(KeyCode::Esc)).is_empty());
    assert!(state.overlays().top().is_none());
    assert!(state.exit().is_none());
}

#[test]
fn progress_shows_on_the_status_bar_while_a_large_file_comes() {
    let mut state = state_with_attachment("https://cdn.example/big.zip", Path::new("/dl"));
    state.update(Action::SaveAttachment);
    state.handle(key(KeyCode::Enter));
    state.apply(FetchEvent::Saving {
        id: 3,
        progress: szchat::attachment::save::Progress {
            written: 3_000_000,
            total: Some(12_000_000),
        },
    });
    assert_eq!(
        state.saving().as_deref(),
        Some("saving big.zip… 3.0 MB of 12.0 MB")
    );
}

#[test]
fn a_taken_name_asks_y_replaces_n_offers_the_numbered_name() {
    let mut state = state_with_attachment("https://cdn.example/shot.png", Path::new("/dl"));
    let exists = |state: &mut AppState| {
        state.apply(FetchEvent::Saved {
            request: request("/dl/shot.png", false),
            result: Err(SaveError::Exists {
                path: PathBuf::from("/dl/shot.png"),
                free: PathBuf::from("/dl/shot (2).png"),
            }),
        });
    };
    state.update(Action::SaveAttachment);
    state.handle(key(KeyCode::Enter));
    exists(&mut state);
    assert!(matches!(
        state.overlays().top(),
        Some(Overlay::Replace { .. })
    ));
    // Keys that answer nothing are swallowed, not acted on behind the question.
    assert!(state.handle(key(KeyCode::Char('j'))).is_empty());
    assert_eq!(state.selected(), Some(3));
    let effects = state.handle(key(KeyCode::Char('y')));
    assert_eq!(
        effects,
        vec![Effect::Fetch(FetchRequest::Save(request(
            "/dl/shot.png",
            true
        )))]
    );

    state.apply(FetchEvent::Saved {
        request: request("/dl/shot.png", true),
        result: Err(SaveError::Write {
            path: PathBuf::from("/dl/shot.png"),
            error: std::io::Error::other("disk full"),
        }),
    });
    let status = state.status().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "could not save shot.png: cannot write /dl/shot.png: disk full"
    );

    state.update(Action::SaveAttachment);
    state.handle(key(KeyCode::Enter));
    exists(&mut state);
    assert!(state.handle(key(KeyCode::Char('n'))).is_empty());
    assert_eq!(prompt_text(&state), "/dl/shot (2).png");
}

/// The fake server with a screenshot on message 1.
async fn server() -> FakeServer {
    let mut config = FakeConfig::new(
        SECRET,
        USER,
        vec![
            message_json(2, 1, false, "thanks", None),
            message_json(1, 0, true, "here is the screenshot", Some("files/shot.png")),
        ],
    );
    config.files = vec![("shot.png".to_owned(), SHOT.to_vec())];
    FakeServer::start(config).await.unwrap()
}

/// The app's own loop and fetch task, saving into `dir`, with message 1 selected.
async fn driver(server: &FakeServer, dir: &Path) -> Driver {
    let client = client(&server.base_url(), SECRET, USER);
    let (requests, request_rx) = mpsc::unbounded_channel();
    let (event_tx, events) = mpsc::channel(fetch::EVENT_BUFFER);
    fetch::spawn(client, request_rx, event_tx);
    let page_size = PageSize::new(50).unwrap();
    let state =
        AppState::new(USER, page_size, LocalZone::utc(), 80, 20).with_download_dir(dir.to_owned());
    let mut app = App::new(state, requests, events, RecordingDesktop::default());
    app.start();
    let mut driver = Driver::with(app);
    driver.settle().await;
    while driver.state().selected() != Some(1) {
        driver.act(Action::SelectPrevious);
    }
    driver
}

async fn press(driver: &mut Driver, code: KeyCode) {
    driver.app.handle(key(code));
    driver.settle().await;
}

#[tokio::test]
async fn the_file_arrives_with_the_bytes_served_and_nothing_is_overwritten_unasked() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("Downloads");
    let mut driver = driver(&server, &downloads).await;

    driver.act(Action::SaveAttachment);
    press(&mut driver, KeyCode::Enter).await;
    let saved = downloads.join("shot.png");
    assert_eq!(std::fs::read(&saved).unwrap(), SHOT);
    assert!(driver.status_line().contains("saved shot.png"));
    // Through a fresh link: the message again, then its file.
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.ends_with(&[
            "/external/users/7/messages/1".to_owned(),
            "/files/shot.png".to_owned()
        ]),
        "{paths:?}"
    );

    // Saved again: the name is taken, so it asks; `n` offers "shot (2).png".
    std::fs::write(&saved, b"the reader's own edits").unwrap();
    let asked_before = server.requests().len();
    driver.act(Action::SaveAttachment);
    press(&mut driver, KeyCode::Enter).await;
    assert_eq!(
        server.requests().len(),
        asked_before,
        "a taken name costs no request"
    );
    assert!(
        driver
            .status_line()
            .contains("shot.png exists: replace it?")
    );
    press(&mut driver, KeyCode::Char('n')).await;
    press(&mut driver, KeyCode::Enter).await;
    assert_eq!(std::fs::read(&saved).unwrap(), b"the reader's own edits");
    assert_eq!(std::fs::read(downloads.join("shot (2).png")).unwrap(), SHOT);

    // Asked and answered `y`, it is replaced, and nothing else is left beside it.
    driver.act(Action::SaveAttachment);
    press(&mut driver, KeyCode::Enter).await;
    press(&mut driver, KeyCode::Char('y')).await;
    assert_eq!(std::fs::read(&saved).unwrap(), SHOT);
    let mut names: Vec<String> = std::fs::read_dir(&downloads)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["shot (2).png", "shot.png"]);
}
