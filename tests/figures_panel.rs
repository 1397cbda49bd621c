//! `m`: the conversation's figures and sessions, beside the conversation on
//! a wide screen and over it on a narrow one, over every message whatever
//! the filter.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use common::{drawn, screen_text};
use szchat::message_filter::{MessageFilter, Only};
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect, Input, Overlay};
use szchat::testing::{one_page, start_with, timed};
use szchat::timefmt::LocalZone;

/// Two sessions, each answered: first response 2 min, then 3 h later a
/// question answered in 5 min. Nothing waits, so the screen is the same
/// whenever the test runs.
fn history() -> Vec<Message> {
    vec![
        timed(1, 0, true, "hello, my invoice is wrong"),
        timed(2, 2, false, "let me look"),
        timed(3, 4, false, "fixed, sorry"),
        timed(4, 184, true, "one more thing"),
        timed(5, 189, false, "sure"),
    ]
}

fn opened(width: u16, height: u16) -> AppState {
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), width, height);
    start_with(&mut state, |_| one_page(history()));
    state
}

fn press(state: &mut AppState, c: char) -> Vec<Effect> {
    state.handle(Input::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

fn figures_shown(state: &AppState) -> bool {
    state
        .overlays()
        .iter()
        .any(|o| matches!(o, Overlay::Figures { .. }))
}

#[test]
fn on_a_wide_screen_the_figures_sit_beside_the_conversation() {
    let mut state = opened(130, 24);
    press(&mut state, 'm');
    assert!(figures_shown(&state));
    assert_eq!(state.side_panel(), Some(46));
    let terminal = drawn(&state, 130, 24);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    for words in [
        "5 messages",
        "first response 2 min",
        "median response 3 min",
        "longest wait 5 min",
        "2 sessions",
    ] {
        assert!(text.contains(words), "{words:?} in\n{text}");
    }
    // The conversation keeps its keys, in the narrower column.
    let selected = state.selected();
    press(&mut state, 'k');
    assert_ne!(state.selected(), selected);
    assert_eq!(state.viewport().size().0, 130 - 46);
    press(&mut state, 'm');
    assert!(!figures_shown(&state));
    assert_eq!(state.viewport().size().0, 130);
}

#[test]
fn on_a_narrow_screen_the_figures_are_a_box_over_the_conversation() {
    let mut state = opened(80, 24);
    press(&mut state, 'm');
    assert_eq!(state.side_panel(), None);
    let terminal = drawn(&state, 80, 24);
    insta::assert_snapshot!(terminal.backend());
    assert!(screen_text(&terminal).contains("first response 2 min"));
    // Keys are the box's: k does not move the selection; Esc closes it.
    let selected = state.selected();
    press(&mut state, 'k');
    assert_eq!(state.selected(), selected);
    state.handle(Input::Key(KeyEvent::from(KeyCode::Esc)));
    assert!(!figures_shown(&state));
}

#[test]
fn the_figures_are_of_every_message_whatever_the_filter() {
    let mut state = opened(130, 24);
    state.set_filter(MessageFilter {
        only: Some(Only::Visitor),
        ..MessageFilter::default()
    });
    press(&mut state, 'm');
    let figures = state.conversation_figures();
    assert_eq!(figures.figures.messages, 5);
    assert_eq!(figures.figures.first_response_s, Some(120));
    assert_eq!(figures.sessions.len(), 2);
    drop(figures);
    let text = screen_text(&drawn(&state, 130, 24));
    assert!(text.contains("5 messages"), "{text}");
    assert!(text.contains("first response 2 min"), "{text}");
}

#[test]
fn a_small_screen_scrolls_the_box_to_the_last_session() {
    let mut state = opened(60, 10);
    press(&mut state, 'm');
    let top = screen_text(&drawn(&state, 60, 10));
    assert!(top.contains("5 messages"), "{top}");
    press(&mut state, 'G');
    let bottom = screen_text(&drawn(&state, 60, 10));
    assert!(bottom.contains("#1 9 Feb 2018 17:00"), "{bottom}");
    assert!(!bottom.contains("5 messages"), "{bottom}");
}
