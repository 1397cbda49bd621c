//! Searching, as the reader does it: `/`, some text, Enter; `n` and `N` to
//! step through the matches, Esc to end it. Pages load until the whole
//! transcript is searched. The state is driven by key presses and page
//! answers, without a terminal or network.

mod common;

use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use common::{message, page_requests, serve_all};
use szchat::model::{Message, Sender};
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect, Input, NOTICE_LIFETIME, Overlay};
use szchat::testing::{self, answer_first_request, serve_until_shown};
use szchat::timefmt::LocalZone;

const WIDTH: u16 = 60;
const HEIGHT: u16 = 21;
const MESSAGES: u64 = 600;

/// `count` messages, one a minute; a few say something worth finding.
fn history(count: u64) -> Vec<Message> {
    (1..=count)
        .map(|id| {
            let body = match id {
                12 => "the Invoice was charged twice".to_owned(),
                300 => "invoice number 300".to_owned(),
                560 => "INVOICE attached".to_owned(),
                590 => "Größe: STRAẞE ΟΔΟΣ".to_owned(),
                _ => format!("message {id}"),
            };
            message(id, id as i64, id % 2 == 1, &body)
        })
        .collect()
}

/// A state that has shown the newest page of `history` (50 a page).
fn opened(history: &[Message]) -> AppState {
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    let effects = state.start();
    let effects = serve_until_shown(&mut state, effects, history);
    assert!(page_requests(&effects).is_empty(), "{effects:?}");
    state
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    state.handle(Input::Key(KeyEvent::new(code, modifiers)))
}

/// Types `/`, then `text`, then Enter, as the reader would.
fn search(state: &mut AppState, text: &str) -> Vec<Effect> {
    press(state, KeyCode::Char('/'));
    assert!(matches!(
        state.overlays().iter().last(),
        Some(Overlay::Search(_))
    ));
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
    press(state, KeyCode::Enter)
}

fn search_status(state: &AppState) -> String {
    state.search_status().unwrap_or_default()
}

fn notice(state: &AppState) -> &str {
    state.status().map_or("", |s| s.text.as_str())
}

#[test]
fn a_match_not_loaded_yet_is_found_as_pages_load_with_progress() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    assert!(!state.conversation().contains(300));

    let effects = search(&mut state, "invoice");
    assert!(state.overlays().iter().next().is_none(), "Enter closes it");
    assert_eq!(page_requests(&effects).len(), 1, "loading starts at once");
    // The newest page holds one match already: it is selected.
    assert_eq!(state.selected(), Some(560));
    assert_eq!(search_status(&state), "searching… 50/600 · 1 match");

    let effects = answer_first_request(&mut state, &effects, &history);
    assert_eq!(search_status(&state), "searching… 100/600 · 1 match");
    serve_all(&mut state, effects, &history, false);
    assert_eq!(state.conversation().len(), 600, "every page loaded");
    assert_eq!(search_status(&state), "match 1/3");
    assert!(state.is_search_match(12) && state.is_search_match(300));
    assert!(!state.is_search_match(13));
}

#[test]
fn the_first_match_is_waited_for_when_none_is_loaded() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    let effects = search(&mut state, "number 300");
    assert_eq!(search_status(&state), "searching… 50/600 · 0 matches");
    let selected = state.selected();
    serve_all(&mut state, effects, &history, false);
    assert_ne!(state.selected(), selected);
    assert_eq!(state.selected(), Some(300), "taken there once it loaded");
    assert_eq!(search_status(&state), "match 1/1");
}

#[test]
fn n_goes_to_older_matches_and_capital_n_to_newer_ones() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    let effects = search(&mut state, "invoice");
    serve_all(&mut state, effects, &history, false);
    assert_eq!(state.selected(), Some(560));

    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.selected(), Some(300));
    assert_eq!(search_status(&state), "match 2/3");
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.selected(), Some(12));
    assert_eq!(search_status(&state), "match 3/3");
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.selected(), Some(12), "no older match: it stays");
    assert_eq!(notice(&state), "no older match");

    press(&mut state, KeyCode::Char('N'));
    assert_eq!(state.selected(), Some(300));
    press(&mut state, KeyCode::Char('N'));
    assert_eq!(state.selected(), Some(560));
    press(&mut state, KeyCode::Char('N'));
    assert_eq!(state.selected(), Some(560));
    assert_eq!(notice(&state), "no newer match");

    // From a message that is not a match, the nearest one that way.
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(state.selected(), Some(559));
    assert_eq!(search_status(&state), "3 matches");
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.selected(), Some(300));
}

#[test]
fn a_capital_letter_makes_case_count() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    let effects = search(&mut state, "Invoice");
    serve_all(&mut state, effects, &history, false);
    assert_eq!(search_status(&state), "match 1/1");
    assert_eq!(state.selected(), Some(12));

    search(&mut state, "INVOICE");
    assert_eq!(state.selected(), Some(560), "the one match, though newer");
}

#[test]
fn case_folds_beyond_ascii() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    for query in ["straße", "größe", "οδος"] {
        search(&mut state, query);
        assert_eq!(state.selected(), Some(590), "{query}");
        assert_eq!(search_status(&state), "searching… 50/600 · 1 match");
    }
}

#[test]
fn sender_names_and_attachment_names_are_searched_too() {
    let mut history = history(60);
    history[40].file_url = Some("https://files.example/u/1/Quarterly%20Report.pdf".into());
    history[45].sender = Sender::Visitor {
        name: Some("Zoë Quarterman".into()),
        email: None,
    };
    let mut state = opened(&history);
    let effects = search(&mut state, "quarter");
    serve_all(&mut state, effects, &history, false);
    assert_eq!(search_status(&state), "match 1/2");
    assert_eq!(state.selected(), Some(46));
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.selected(), Some(41));
}

#[test]
fn no_match_says_so_once_everything_is_searched() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    let selected = state.selected();
    let effects = search(&mut state, "refund");
    serve_all(&mut state, effects, &history, false);
    assert_eq!(notice(&state), "no match for “refund”");
    assert_eq!(state.selected(), selected, "nowhere to go");
    // The search is over: nothing is left in the bar once the notice goes.
    assert_eq!(search_status(&state), "");
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(notice(&state), "no search: / searches");
}

#[test]
fn a_search_that_found_nothing_fades_like_any_notice() {
    let history = history(50);
    let mut state = opened(&history);
    let start = Instant::now();
    for code in "/refund".chars().map(KeyCode::Char).chain([KeyCode::Enter]) {
        state.handle_at(
            Input::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            testing::now(start),
        );
    }
    assert_eq!(notice(&state), "no match for “refund”");
    assert_eq!(state.next_deadline(), Some(start + NOTICE_LIFETIME));
    state.handle_at(Input::Tick, testing::now(start + NOTICE_LIFETIME));
    assert_eq!(notice(&state), "");
    assert!(state.search_status().is_none(), "the bar is clear");
}

#[test]
fn esc_ends_the_search_and_n_then_says_there_is_none() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    let effects = search(&mut state, "invoice");
    serve_all(&mut state, effects, &history, false);
    assert!(state.search_query().is_some());

    press(&mut state, KeyCode::Esc);
    assert!(state.search_query().is_none());
    assert_eq!(state.search_status(), None);
    assert!(!state.is_search_match(560));
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(notice(&state), "no search: / searches");
}

#[test]
fn esc_in_the_prompt_cancels_without_searching() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    press(&mut state, KeyCode::Char('/'));
    press(&mut state, KeyCode::Char('x'));
    let effects = press(&mut state, KeyCode::Esc);
    assert!(state.overlays().iter().next().is_none());
    assert!(page_requests(&effects).is_empty());
    assert!(state.search_query().is_none());
    let effects = search(&mut state, "");
    assert!(page_requests(&effects).is_empty());
    assert!(notice(&state).starts_with("search for what?"));
}

#[test]
fn moving_while_pages_load_keeps_the_reader_where_they_went() {
    let history = history(MESSAGES);
    let mut state = opened(&history);
    let effects = search(&mut state, "number 300");
    press(&mut state, KeyCode::Char('k'));
    let selected = state.selected();
    serve_all(&mut state, effects, &history, false);
    assert_eq!(state.selected(), selected);
    assert_eq!(search_status(&state), "1 match");
}
