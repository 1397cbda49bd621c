//! A search on screen: the prompt while typing, then the matches marked in
//! the bodies, names and attachment names, and "match 1/4" in the status bar.

mod common;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

use common::message;
use szchat::model::{Message, Sender};
use szchat::paging::PageSize;
use szchat::state::{AppState, Input};
use szchat::testing::{one_page, start_with};
use szchat::timefmt::LocalZone;
use szchat::ui;

const WIDTH: u16 = 60;
const HEIGHT: u16 = 16;

fn history() -> Vec<Message> {
    let mut history = vec![
        message(1, 1, true, "my ÉCLAIR order was charged twice"),
        message(2, 2, false, "Sorry! Which éclair order?"),
        message(3, 3, true, "the one in the attached receipt"),
        message(4, 4, false, "Refunded."),
    ];
    history[2].file_url = Some("https://files.example/u/1/%C3%A9clair-receipt.pdf".into());
    history[3].sender = Sender::Operator {
        forename: Some("Éclair".into()),
        surname: Some("Team".into()),
        email: None,
    };
    history
}

fn state_with(history: Vec<Message>) -> AppState {
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    start_with(&mut state, |_| one_page(history));
    state
}

fn press(state: &mut AppState, code: KeyCode) {
    state.handle(Input::Key(KeyEvent::from(code)));
}

fn draw(state: &AppState) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    terminal.draw(|frame| ui::draw(frame, state)).unwrap();
    terminal
}

/// The text of the cells drawn in the match style, run by run, top to bottom.
fn marked(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let mut runs: Vec<String> = Vec::new();
    let mut previous: Option<(u16, u16)> = None;
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            let cell = &buffer[(x, y)];
            let is_match = cell.bg == Color::Yellow && cell.modifier.contains(Modifier::UNDERLINED);
            if !is_match {
                continue;
            }
            match (previous, runs.last_mut()) {
                (Some((px, py)), Some(run)) if py == y && px + 1 == x => {
                    run.push_str(cell.symbol());
                }
                _ => runs.push(cell.symbol().to_owned()),
            }
            previous = Some((x, y));
        }
    }
    runs
}

fn screen_has(terminal: &Terminal<TestBackend>, text: &str) -> bool {
    let buffer = terminal.backend().buffer();
    let screen: String = buffer
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    screen.contains(text)
}

#[test]
fn matches_are_marked_in_bodies_names_and_attachment_names() {
    let mut state = state_with(history());
    press(&mut state, KeyCode::Char('/'));
    for c in "éclair".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    let typing = draw(&state);
    assert!(marked(&typing).is_empty(), "nothing is marked before Enter");
    insta::assert_snapshot!("typing", typing.backend());

    press(&mut state, KeyCode::Enter);
    let terminal = draw(&state);
    assert_eq!(
        marked(&terminal),
        ["ÉCLAIR", "éclair", "éclair", "Éclair"],
        "in a body, capitals too; the attachment's name; the operator's name"
    );
    assert!(screen_has(&terminal, "match 1/4"));
    insta::assert_snapshot!("found", terminal.backend());
}
