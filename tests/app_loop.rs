//! The app's own loop, as `szchat` runs it, on ratatui's TestBackend: terminal
//! events come from a stream the test writes to, answers from the real fetch
//! task and the fake SignalZen server, and links go to a recording desktop.

mod common;

use std::io;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::{Stream, stream};
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use ratatui::buffer::Cell;
use ratatui::layout::Size;
use tokio::sync::mpsc;

use common::{RecordingDesktop, client, message_json};
use szchat::app::App;
use szchat::sanitize::sanitize_text;
use szchat::state::{AppState, Effect, Exit, StatusKind};
use szchat_fake::{FakeConfig, FakeServer, synthetic_messages};

const SECRET: &str = "loop-secret";
const USER: u64 = 4821;
const WIDTH: u16 = 60;
const HEIGHT: u16 = 21;

/// The loop, its terminal, and the stream its terminal events come from.
struct Session {
    app: App<RecordingDesktop>,
    terminal: Terminal<TestBackend>,
    keys: mpsc::UnboundedSender<io::Result<Event>>,
    input: Box<dyn Stream<Item = io::Result<Event>> + Unpin>,
    signals: mpsc::UnboundedSender<i32>,
    signal_input: Box<dyn Stream<Item = i32> + Unpin>,
}

impl Session {
    fn start(server: &FakeServer, desktop: RecordingDesktop) -> Session {
        let config = common::app_config(client(&server.base_url(), SECRET, USER), Some(USER));
        let app = App::spawn(config, Size::new(WIDTH, HEIGHT), desktop);
        let (keys, key_rx) = mpsc::unbounded_channel();
        let (signals, signal_rx) = mpsc::unbounded_channel();
        Session {
            app,
            terminal: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap(),
            keys,
            input: Box::new(Box::pin(receiver_stream(key_rx))),
            signals,
            signal_input: Box::new(Box::pin(receiver_stream(signal_rx))),
        }
    }

    fn state(&self) -> &AppState {
        self.app.state().expect("a conversation is open")
    }

    /// Queues a terminal event for the loop.
    fn send(&self, event: Event) {
        self.keys.send(Ok(event)).unwrap();
    }

    fn press(&self, code: KeyCode, modifiers: KeyModifiers) {
        self.send(Event::Key(KeyEvent::new(code, modifiers)));
    }

    /// Runs the loop until `done` holds or the app exits.
    async fn run_until(&mut self, done: impl Fn(&AppState) -> bool) {
        let run = self.app.run_until(
            &mut self.terminal,
            &mut self.input,
            &mut self.signal_input,
            done,
        );
        tokio::time::timeout(Duration::from_secs(30), run)
            .await
            .expect("the loop got there in time")
            .expect("the loop ran");
    }

    fn screen(&self) -> String {
        screen_text(self.terminal.backend())
    }
}

fn receiver_stream<T>(receiver: mpsc::UnboundedReceiver<T>) -> impl Stream<Item = T> {
    stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

fn screen_text(backend: &TestBackend) -> String {
    let buffer = backend.buffer();
    buffer
        .content
        .chunks(usize::from(buffer.area.width))
        .map(|row| row.iter().map(Cell::symbol).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn growing_the_window_loads_what_the_taller_screen_shows() {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(200)))
        .await
        .unwrap();
    let mut session = Session::start(&server, RecordingDesktop::default());
    session.run_until(AppState::is_quiet).await;
    assert_eq!(session.state().conversation().len(), 50);

    session.terminal.backend_mut().resize(WIDTH, 400);
    session.send(Event::Resize(WIDTH, 400));
    session
        .run_until(|state| state.conversation().len() == 200 && state.is_quiet())
        .await;
    let screen = session.screen();
    assert!(!screen.contains("↑ older messages"), "{screen}");
    assert_eq!(screen.lines().count(), 400);
    assert!(screen.contains("Message 200"), "{screen}");
}

#[tokio::test]
async fn ctrl_l_paints_over_what_the_terminal_garbled() {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(30)))
        .await
        .unwrap();
    for redraw in [false, true] {
        let mut session = Session::start(&server, RecordingDesktop::default());
        session.run_until(AppState::is_quiet).await;
        // What a terminal shows after a width disagreement: cells ratatui
        // believes hold something else.
        let junk = Cell::new("🏽");
        let cells: Vec<(u16, u16, &Cell)> = (0..5).map(|y| (7, y, &junk)).collect();
        session
            .terminal
            .backend_mut()
            .draw(cells.into_iter())
            .unwrap();
        if redraw {
            session.press(KeyCode::Char('l'), KeyModifiers::CONTROL);
        }
        session.press(KeyCode::Char('q'), KeyModifiers::NONE);
        session.run_until(|_| false).await;
        assert_eq!(session.state().exit(), Some(&Exit::Quit));

        let mut fresh = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
        fresh
            .draw(|frame| szchat::ui::draw(frame, session.state()))
            .unwrap();
        assert_eq!(
            session.terminal.backend().buffer() == fresh.backend().buffer(),
            redraw,
            "redraw {redraw}: {}",
            session.screen()
        );
    }
}

#[tokio::test]
async fn a_browser_that_fails_to_start_shows_in_the_status_bar() {
    let messages = vec![message_json(
        1,
        1,
        true,
        "the invoice",
        Some("files/invoice.pdf"),
    )];
    let mut config = FakeConfig::new(SECRET, USER, messages);
    config.files = vec![("invoice.pdf".into(), b"%PDF-1.4".to_vec())];
    let server = FakeServer::start(config).await.unwrap();
    let desktop = RecordingDesktop {
        failure: Some("could not start `firefox` from $BROWSER: no such file".into()),
        ..RecordingDesktop::default()
    };
    let mut session = Session::start(&server, desktop);
    session.run_until(AppState::is_quiet).await;
    assert_eq!(session.state().selected(), Some(1));

    session.press(KeyCode::Char('o'), KeyModifiers::NONE);
    session
        .run_until(|state| {
            state
                .status()
                .is_some_and(|status| status.kind == StatusKind::Error)
        })
        .await;
    assert_eq!(
        session.state().status().unwrap().text,
        "could not start `firefox` from $BROWSER: no such file (press y to copy the link)"
    );
    assert!(
        // Who is on screen stays; the error is cut, and `!` shows it all.
        session
            .screen()
            .contains("visitor 4821 │ 1 of 1 │ ✗ could not star… ! error"),
        "{}",
        session.screen()
    );
    assert!(session.app.desktop().handed.is_empty());
}

#[tokio::test]
async fn a_signal_ends_the_loop_and_so_does_the_end_of_input() {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(5)))
        .await
        .unwrap();
    let mut session = Session::start(&server, RecordingDesktop::default());
    session.run_until(AppState::is_quiet).await;
    session.signals.send(15).unwrap();
    session.run_until(|_| false).await;
    assert_eq!(session.state().exit(), Some(&Exit::Signal(15)));

    let mut session = Session::start(&server, RecordingDesktop::default());
    session.run_until(AppState::is_quiet).await;
    session.input = Box::new(stream::empty());
    session.run_until(|_| false).await;
    assert_eq!(session.state().exit(), Some(&Exit::Quit));
}

#[tokio::test]
async fn c_sends_exactly_the_sanitized_text_without_gutter_or_indent() {
    let body = "the invoice\n\tline two\x1b]52;c;ZXZpbA==\x07 end";
    let messages = vec![
        message_json(1, 1, true, "hello", None),
        // An operator's message: drawn indented, behind a gutter.
        message_json(2, 2, false, body, None),
    ];
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, messages))
        .await
        .unwrap();
    let mut session = Session::start(&server, RecordingDesktop::default());
    session.run_until(AppState::is_quiet).await;
    assert_eq!(session.state().selected(), Some(2));
    assert!(session.screen().contains("▌ the invoice"));

    session.press(KeyCode::Char('c'), KeyModifiers::NONE);
    session.run_until(|state| state.status().is_some()).await;
    let expected = "the invoice\n    line two␛]52;c;ZXZpbA==␇ end";
    assert_eq!(expected, sanitize_text(body));
    assert_eq!(
        session.app.desktop().handed,
        [Effect::Copy(expected.to_owned())]
    );
    assert_eq!(
        session.state().status().unwrap().text,
        "message text sent to the terminal clipboard"
    );
}
