//! An attachment has one name on screen: the message block and the status bar
//! line that confirms opening or copying it say the same thing.

mod common;

use common::{message, screen_rows};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use szchat::action::Action;
use szchat::fetch::{FetchEvent, LinkPurpose};
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect};
use szchat::testing::{one_page, start_with};
use szchat::timefmt::LocalZone;
use szchat::ui;

const WIDTH: u16 = 72;
const HEIGHT: u16 = 10;

/// Loads one message carrying `link`, presses the key for `purpose`, answers
/// the link request, and returns the screen.
fn screen_after(link: &str, purpose: LinkPurpose) -> Vec<String> {
    let mut attached = message(7, 0, true, "the report");
    attached.file_url = Some(link.to_owned());
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    start_with(&mut state, |_| one_page(vec![attached.clone()]));
    let action = match purpose {
        LinkPurpose::Open => Action::OpenAttachment,
        LinkPurpose::Copy => Action::CopyLink,
    };
    let effects = state.update(action);
    assert!(!effects.is_empty(), "a fresh link is asked for");
    let effects = state.apply(FetchEvent::Message {
        id: 7,
        purpose,
        result: Ok(Box::new(attached)),
    });
    assert!(
        matches!(effects.as_slice(), [Effect::Open(_) | Effect::Copy(_)]),
        "{effects:?}"
    );
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    screen_rows(&terminal)
}

#[test]
fn message_and_status_bar_name_an_attachment_alike() {
    let cases = [
        (
            "https://files.example/u/4821/My%20Report.pdf?token=1",
            "My Report.pdf",
        ),
        (
            "https://files.example/Pr%C3%BCfung%E2%80%94final.pdf",
            "Prüfung—final.pdf",
        ),
        ("https://files.example/a%1B%5B2Jb.txt", "a␛[2Jb.txt"),
    ];
    for (link, name) in cases {
        for (purpose, said) in [
            (LinkPurpose::Open, format!("opening {name}")),
            (LinkPurpose::Copy, format!("link to {name} sent")),
        ] {
            let screen = screen_after(link, purpose);
            let text = screen.join("\n");
            assert!(
                screen.iter().any(|row| row.contains(&format!("📎 {name}"))),
                "the message shows {name:?}:\n{text}"
            );
            let status = screen.last().unwrap();
            assert!(
                status.contains(&said),
                "the status bar says {said:?}:\n{text}"
            );
        }
    }
}
