//! An attachment has one name on screen: the message block and the status bar
//! line that confirms opening or copying it say the same thing.

mod common;

use common::{message, page_requests};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use szchat::action::Action;
use szchat::fetch::{FetchEvent, LinkPurpose};
use szchat::model::Page;
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect};
use szchat::timefmt::LocalZone;
use szchat::ui;

const WIDTH: u16 = 72;
const HEIGHT: u16 = 10;

/// The screen's rows as a terminal shows them: the cell after a double-width
/// symbol is covered by it, so it is left out.
fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    buffer
        .content
        .chunks(usize::from(buffer.area.width))
        .map(|row| {
            let mut line = String::new();
            let mut covered = 0;
            for cell in row {
                if covered > 0 {
                    covered -= 1;
                    continue;
                }
                line.push_str(cell.symbol());
                covered = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            }
            line
        })
        .collect()
}

/// Loads one message carrying `link`, presses the key for `purpose`, answers
/// the link request, and returns the screen.
fn screen_after(link: &str, purpose: LinkPurpose) -> Vec<String> {
    let mut attached = message(7, 0, true, "the report");
    attached.file_url = Some(link.to_owned());
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    let request = page_requests(&state.start())[0];
    state.apply(FetchEvent::Page {
        request,
        result: Ok(Page {
            offset: 0,
            limit: 50,
            total: 1,
            messages: vec![attached.clone()],
        }),
    });
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
    rows(&terminal)
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
