//! Jumping, as the reader does it: `:` and a date or `#id`, `[` and `]` for
//! the previous and next day, with older pages loading on the way. The state
//! is driven by key presses and page answers, without a terminal or network.

mod common;

use chrono::{FixedOffset, NaiveDate};
use crossterm::event::{KeyCode, KeyEvent};

use common::{message, page_of, page_requests, serve_all};
use szchat::api::error::ApiError;
use szchat::fetch::FetchEvent;
use szchat::model::Message;
use szchat::paging::{PageRequest, PageSize};
use szchat::state::{AppState, Effect, Input, Overlay};
use szchat::testing::{answer_first_request, serve_until_shown};
use szchat::timefmt::LocalZone;

const WIDTH: u16 = 60;
const HEIGHT: u16 = 21;
/// Messages every 20 minutes from Fri 9 Feb 2018 17:20 UTC: 600 of them
/// reach Sun 18 Feb 2018 01:00.
const MESSAGES: u64 = 600;

/// `count` messages, one every 20 minutes, ids in time order.
fn history(count: u64) -> Vec<Message> {
    (1..=count)
        .map(|id| message(id, id as i64 * 20, id % 2 == 1, &format!("message {id}")))
        .collect()
}

/// A state in `zone` that has shown the newest page of `history` (50 a page).
fn opened(history: &[Message], zone: LocalZone) -> AppState {
    let mut state = AppState::new(4821, PageSize::DEFAULT, zone, WIDTH, HEIGHT);
    let effects = state.start();
    let effects = serve_until_shown(&mut state, effects, history);
    assert!(page_requests(&effects).is_empty(), "{effects:?}");
    state
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    state.handle(Input::Key(KeyEvent::from(code)))
}

/// Types `:`, then `text`, then Enter, as the reader would.
fn jump(state: &mut AppState, text: &str) -> Vec<Effect> {
    press(state, KeyCode::Char(':'));
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
    press(state, KeyCode::Enter)
}

fn status(state: &AppState) -> &str {
    state.status().map_or("", |s| s.text.as_str())
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Asserts that message `id` is selected and shown at the top of the view:
/// the first message wholly on screen, its header not under the sticky day
/// line (a row under it does not count as shown).
fn assert_landed_on(state: &AppState, id: u64) {
    assert_eq!(state.selected(), Some(id));
    let first_whole = state
        .visible_messages()
        .into_iter()
        .find(|(_, whole)| *whole);
    assert_eq!(
        first_whole,
        Some((id, true)),
        "{:?}",
        state.scroll_position()
    );
}

#[test]
fn an_id_loads_older_pages_with_progress_until_it_is_found() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    assert_eq!(state.conversation().len(), 50);

    press(&mut state, KeyCode::Char(':'));
    assert!(matches!(
        state.overlays().iter().last(),
        Some(Overlay::Jump(_))
    ));
    for c in "#12".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    let effects = press(&mut state, KeyCode::Enter);
    assert!(state.overlays().iter().next().is_none(), "Enter closes it");
    assert_eq!(
        page_requests(&effects),
        [PageRequest {
            offset: 500,
            limit: PageSize::DEFAULT
        }]
    );
    assert_eq!(status(&state), "looking for #12… 50/600 loaded");
    let effects = answer_first_request(&mut state, &effects, &history);
    assert_eq!(status(&state), "looking for #12… 100/600 loaded");

    serve_all(&mut state, effects, &history, false);
    assert_landed_on(&state, 12);
    assert_eq!(status(&state), "", "the progress goes once it is found");
}

#[test]
fn an_id_already_loaded_is_selected_at_once() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    jump(&mut state, "580");
    assert_landed_on(&state, 580);
    assert_eq!(status(&state), "", "nothing to look for");
}

#[test]
fn a_date_is_the_first_message_on_or_after_local_midnight() {
    // In Tokyo, 12 Feb starts at 11 Feb 15:00 UTC: minute 2760 after 9 Feb 17:00.
    let tokyo = LocalZone::Fixed(FixedOffset::east_opt(9 * 3600).unwrap());
    let history = history(MESSAGES);
    let mut state = opened(&history, tokyo);
    let effects = jump(&mut state, "2018-02-12");
    assert!(status(&state).starts_with("looking for 2018-02-12…"));
    serve_all(&mut state, effects, &history, false);
    assert_landed_on(&state, 138);
    let previous = &history[136];
    assert_eq!(
        tokyo.local_date(previous.created_at.unwrap()),
        date(2018, 2, 11)
    );
    assert_eq!(status(&state), "");
}

#[test]
fn a_day_without_messages_lands_on_the_next_and_says_so() {
    let utc = LocalZone::utc();
    let history: Vec<Message> = history(MESSAGES)
        .into_iter()
        .filter(|m| utc.local_date(m.created_at.unwrap()) != date(2018, 2, 13))
        .collect();
    let mut state = opened(&history, utc);
    let effects = jump(&mut state, "2018-02-13");
    serve_all(&mut state, effects, &history, false);
    // 14 Feb starts at minute 420 + 4 × 1440.
    assert_landed_on(&state, 309);
    assert_eq!(
        status(&state),
        "nothing on Tue 13 Feb 2018; the next messages are from Wed 14 Feb 2018"
    );
}

#[test]
fn a_date_before_the_first_message_loads_everything_and_lands_on_the_first() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    let effects = jump(&mut state, "2017-01-01");
    serve_all(&mut state, effects, &history, false);
    assert_eq!(state.conversation().len(), 600);
    assert_eq!(state.selected(), Some(1));
    assert_eq!(
        status(&state),
        "nothing on Sun 1 Jan 2017; the next messages are from Fri 9 Feb 2018"
    );
}

#[test]
fn a_date_after_the_newest_message_says_so_without_loading() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    let effects = jump(&mut state, "2026-11-20");
    assert!(page_requests(&effects).is_empty());
    assert_eq!(
        status(&state),
        "nothing on or after Fri 20 Nov 2026: the newest message is from Sun 18 Feb 2018"
    );
    assert_eq!(state.selected(), Some(600), "the view stays where it was");
}

#[test]
fn an_id_that_does_not_exist_is_reported_once_everything_is_loaded() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    let effects = jump(&mut state, "#4711");
    serve_all(&mut state, effects, &history, false);
    assert_eq!(state.conversation().len(), 600);
    assert_eq!(
        status(&state),
        "there is no message #4711 in this conversation"
    );
    assert_eq!(state.selected(), Some(600));
}

#[test]
fn what_is_neither_a_date_nor_an_id_is_refused_without_loading() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    let effects = jump(&mut state, "tomorrow");
    assert!(page_requests(&effects).is_empty());
    assert_eq!(
        status(&state),
        "not a date or a message id: tomorrow (try 2026-11-20 or #4711)"
    );
    jump(&mut state, "2018-02-30");
    assert_eq!(status(&state), "there is no such date: 2018-02-30");
}

#[test]
fn esc_closes_the_prompt_and_keys_typed_there_do_nothing_else() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    press(&mut state, KeyCode::Char(':'));
    for code in [KeyCode::Char('q'), KeyCode::Char('k'), KeyCode::Char('g')] {
        let effects = press(&mut state, code);
        assert!(effects.is_empty());
    }
    assert!(state.exit().is_none(), "q was typed, not pressed");
    assert_eq!(state.selected(), Some(600));
    press(&mut state, KeyCode::Esc);
    assert!(state.overlays().iter().next().is_none());
    assert_eq!(state.selected(), Some(600));
}

#[test]
fn esc_or_moving_stops_a_search_and_its_loading() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    let in_flight = jump(&mut state, "#1");
    press(&mut state, KeyCode::Esc);
    assert_eq!(status(&state), "stopped looking for #1");
    let effects = answer_first_request(&mut state, &in_flight, &history);
    assert!(page_requests(&effects).is_empty(), "{effects:?}");
    assert_eq!(state.selected(), Some(600));

    let in_flight = jump(&mut state, "#1");
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(status(&state), "stopped looking for #1");
    let effects = answer_first_request(&mut state, &in_flight, &history);
    assert!(page_requests(&effects).is_empty(), "{effects:?}");
    assert_eq!(state.selected(), Some(599));
}

#[test]
fn a_failed_page_keeps_the_search_and_r_carries_it_on() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    let effects = jump(&mut state, "#300");
    let request = page_requests(&effects)[0];
    state.apply(FetchEvent::Page {
        request,
        result: Err(ApiError::Timeout {
            url: "http://127.0.0.1/".into(),
        }),
    });
    assert!(status(&state).contains("r to retry"), "{}", status(&state));
    let effects = press(&mut state, KeyCode::Char('r'));
    serve_all(&mut state, effects, &history, false);
    assert_landed_on(&state, 300);
}

#[test]
fn brackets_go_to_the_first_message_of_the_previous_and_next_day() {
    let history = history(MESSAGES);
    let mut state = opened(&history, LocalZone::utc());
    // 18 Feb starts with message 597; 17 Feb with message 525, one page up.
    let effects = press(&mut state, KeyCode::Char('['));
    assert_eq!(state.selected(), Some(600), "17 Feb is not loaded yet");
    assert_eq!(page_requests(&effects).len(), 1);
    serve_all(&mut state, effects, &history, false);
    assert_landed_on(&state, 525);

    // From the middle of 10 Feb (message 50): 11 Feb begins with 93, 10 Feb with 21.
    let effects = jump(&mut state, "#50");
    serve_all(&mut state, effects, &history, false);
    assert_landed_on(&state, 50);
    press(&mut state, KeyCode::Char(']'));
    assert_landed_on(&state, 93);
    press(&mut state, KeyCode::Char('['));
    assert_landed_on(&state, 21);
    press(&mut state, KeyCode::Char('['));
    assert_landed_on(&state, 1);
    press(&mut state, KeyCode::Char('['));
    assert_eq!(status(&state), "this is the first day");
    assert_eq!(state.selected(), Some(1));

    press(&mut state, KeyCode::Char('G'));
    press(&mut state, KeyCode::Char(']'));
    assert_eq!(status(&state), "this is the last day");
    assert_eq!(state.selected(), Some(600));
}

#[test]
fn a_newest_first_server_is_searched_the_same_way() {
    let history = history(MESSAGES);
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    let effects = state.start();
    let request = page_requests(&effects)[0];
    state.apply(FetchEvent::Page {
        request,
        result: Ok(page_of(&history, request.offset, request.limit.get(), true)),
    });
    assert_eq!(state.selected(), Some(600));
    let effects = jump(&mut state, "2018-02-10");
    serve_all(&mut state, effects, &history, true);
    assert_landed_on(&state, 21);
    let effects = jump(&mut state, "#4711");
    serve_all(&mut state, effects, &history, true);
    assert_eq!(
        status(&state),
        "there is no message #4711 in this conversation"
    );
}
