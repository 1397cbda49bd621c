//! OSC 8 links in the app's own loop: the http(s) URLs of the bodies on
//! screen are written as links after the frame, and the frame itself (the
//! cell grid) is exactly what it is without them.

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc;

use common::RecordingDesktop;
use szchat::app::App;
use szchat::paging::PageSize;
use szchat::state::AppState;
use szchat::testing::{Written, message, serve_until_shown};
use szchat::timefmt::LocalZone;

const WIDTH: u16 = 40;
const HEIGHT: u16 = 12;

/// The screen drawn once, with links written to `links` if given.
fn drawn(links: Option<Written>) -> TestBackend {
    let history = vec![
        message(1)
            .body("docs at https://docs.example.test/a/long/path/that/wraps?x=1 ok")
            .build(),
        message(2)
            .body("javascript:alert(1) and data:text/html,x and http://ok.test/")
            .build(),
    ];
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    let (requests, _requests_seen) = mpsc::unbounded_channel();
    let (_answers_sent, answers) = mpsc::channel(1);
    let mut app = App::new(state, requests, answers, RecordingDesktop::default());
    if let Some(links) = links {
        app = app.with_hyperlinks(Box::new(links));
    }
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    app.draw(&mut terminal).unwrap();
    terminal.backend().clone()
}

#[test]
fn checked_urls_on_screen_become_links_and_the_grid_stays_exact() {
    let written = Written::default();
    let linked = drawn(Some(written.clone()));
    assert_eq!(
        linked.buffer(),
        drawn(None).buffer(),
        "the cells are the same"
    );

    let written = written.take();
    let long = "https://docs.example.test/a/long/path/that/wraps?x=1";
    // The wrapped URL is one link in two pieces, under one id.
    let opened = format!("\x1b]8;id=sz0;{long}\x1b\\");
    assert_eq!(written.matches(&opened).count(), 2, "{written:?}");
    assert!(
        written.contains("\x1b]8;id=sz1;http://ok.test/\x1b\\"),
        "{written:?}"
    );
    // Only http(s): no other scheme is ever linked.
    assert!(!written.contains("javascript"), "{written:?}");
    assert!(!written.contains("data:"), "{written:?}");
    assert_eq!(
        written.matches("\x1b]8;id=").count(),
        written.matches("\x1b]8;;\x1b\\").count(),
        "each link is closed"
    );
}
