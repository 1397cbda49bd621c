//! The loop's timer: a passing notice fades on screen with no key pressed,
//! on tokio's paused clock, so the test does not wait the seconds out.

mod common;

use std::io;

use crossterm::event::Event;
use futures_util::stream;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use common::{RecordingDesktop, input_for};
use szchat::action::Action;
use szchat::app::App;
use szchat::paging::PageSize;
use szchat::state::{AppState, NOTICE_LIFETIME};
use szchat::timefmt::LocalZone;

#[tokio::test(start_paused = true)]
async fn a_notice_fades_from_the_screen_with_no_key_pressed() {
    let state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), 60, 10);
    // No fetch task: the first page stays on its way, which is all this needs.
    let (requests, _requests_seen) = mpsc::unbounded_channel();
    let (_answers_sent, answers) = mpsc::channel(1);
    let mut app = App::new(state, requests, answers, RecordingDesktop::default());
    app.start();
    let mut terminal = Terminal::new(TestBackend::new(60, 10)).unwrap();
    let mut no_keys = stream::pending::<io::Result<Event>>();
    let mut no_signals = stream::pending::<i32>();

    app.handle(input_for(Action::Retry));
    app.draw(&mut terminal).unwrap();
    let shown_at = tokio::time::Instant::now();
    assert!(
        terminal.backend().to_string().contains("nothing to retry"),
        "{}",
        terminal.backend()
    );

    let fade = app.run_until(&mut terminal, &mut no_keys, &mut no_signals, |state| {
        state.notices().info().is_none()
    });
    tokio::time::timeout(NOTICE_LIFETIME * 2, fade)
        .await
        .expect("the loop woke up to fade the notice")
        .unwrap();
    app.draw(&mut terminal).unwrap();
    assert!(shown_at.elapsed() >= NOTICE_LIFETIME);
    assert!(
        !terminal.backend().to_string().contains("nothing to retry"),
        "{}",
        terminal.backend()
    );
}
