//! The `F` menu and what an active filter looks like on screen: the menu
//! over the conversation, the status bar's count, and the line that says
//! nothing is kept instead of an empty column.

mod common;

use common::{drawn, message, screen_text};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::state::{AppState, Input};
use szchat::testing::{MessageBuilder, one_page, start_with};
use szchat::timefmt::LocalZone;

const WIDTH: u16 = 70;
const HEIGHT: u16 = 16;

/// A visitor's question with a screenshot, an auto-invitation, replies.
fn history() -> Vec<Message> {
    let invitation = MessageBuilder::like(message(1, 0, false, "Hi! Can we help?"))
        .auto_invitation(true)
        .build();
    let screenshot = MessageBuilder::like(message(3, 3, true, "here is the screenshot"))
        .attachment("https://files.example/u/4821/screenshot.png")
        .build();
    vec![
        invitation,
        message(2, 2, true, "I was charged twice"),
        screenshot,
        message(4, 5, false, "thanks, refunding now"),
        message(5, 6, true, "great, thank you"),
    ]
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
    drawn(state, WIDTH, HEIGHT)
}

#[test]
fn the_filter_menu_over_the_conversation() {
    let mut state = state_with(history());
    press(&mut state, KeyCode::Char('F'));
    press(&mut state, KeyCode::Char('i'));
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Down);
    let terminal = draw(&state);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn only_attachments_in_the_status_bar() {
    let mut state = state_with(history());
    press(&mut state, KeyCode::Char('F'));
    press(&mut state, KeyCode::Char('a'));
    press(&mut state, KeyCode::Char('F'));
    let terminal = draw(&state);
    let screen = screen_text(&terminal);
    assert!(screen.contains("only attachments · 1 of 5"), "{screen}");
    assert!(!screen.contains("I was charged twice"), "{screen}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn a_filter_that_keeps_nothing_says_so_on_screen() {
    let history: Vec<Message> = (1..=4)
        .map(|id| message(id, id as i64, id % 2 == 1, "no file here"))
        .collect();
    let mut state = state_with(history);
    press(&mut state, KeyCode::Char('F'));
    press(&mut state, KeyCode::Char('a'));
    press(&mut state, KeyCode::Esc);
    let terminal = draw(&state);
    insta::assert_snapshot!(terminal.backend());
}
