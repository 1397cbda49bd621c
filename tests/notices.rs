//! Notices as the reader meets them: a passing notice fades after a few
//! seconds or at the next key, an error stays until it is settled or
//! dismissed, `!` shows it in full, and Ctrl-Z asks to suspend. The clock is
//! injected: the state is handed the time with each input.

mod common;

use std::time::{Duration, Instant};

use common::{input_for, messages, page_of, page_requests, serve_all};
use szchat::action::Action;
use szchat::api::error::ApiError;
use szchat::fetch::{FetchEvent, LinkPurpose};
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect, Failure, Input, NOTICE_LIFETIME, Overlay, StatusKind};
use szchat::testing;
use szchat::timefmt::LocalZone;

/// 120 messages from an oldest-first server, the newest page loaded.
fn newest_page_loaded() -> (AppState, Vec<Message>) {
    newest_page_of(messages(120))
}

/// `history` from an oldest-first server, the newest page loaded.
fn newest_page_of(history: Vec<Message>) -> (AppState, Vec<Message>) {
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), 60, 21);
    let effects = state.start();
    let probe = page_requests(&effects)[0];
    let effects = state.apply(FetchEvent::Page {
        request: probe,
        result: Ok(page_of(&history, 0, 50, false)),
    });
    let tail = page_requests(&effects)[0];
    state.apply(FetchEvent::Page {
        request: tail,
        result: Ok(page_of(&history, tail.offset, tail.limit.get(), false)),
    });
    (state, history)
}

/// Presses the key bound to `action` at `now`.
fn press(state: &mut AppState, action: Action, now: Instant) -> Vec<Effect> {
    state.handle_at(input_for(action), testing::now(now))
}

fn info(state: &AppState) -> Option<String> {
    state.notices().info().map(|status| status.text.clone())
}

fn error(state: &AppState) -> Option<String> {
    state.notices().error().map(|status| status.text.clone())
}

#[test]
fn a_notice_fades_after_a_few_seconds_and_not_before() {
    let (mut state, _) = newest_page_loaded();
    let start = Instant::now();
    assert_eq!(state.next_deadline(), None, "no notice, no timer");
    press(&mut state, Action::Retry, start);
    assert_eq!(info(&state).as_deref(), Some("nothing to retry"));
    assert_eq!(state.next_deadline(), Some(start + NOTICE_LIFETIME));
    state.take_dirty();

    state.handle_at(
        Input::Tick,
        testing::now(start + NOTICE_LIFETIME - Duration::from_millis(1)),
    );
    assert_eq!(info(&state).as_deref(), Some("nothing to retry"));
    assert!(!state.take_dirty(), "nothing changed, nothing to draw");

    state.handle_at(Input::Tick, testing::now(start + NOTICE_LIFETIME));
    assert_eq!(info(&state), None);
    assert!(state.take_dirty(), "the bar is drawn without it");
    assert_eq!(state.next_deadline(), None, "and the timer is off again");
}

#[test]
fn a_notice_fades_at_the_next_key_even_one_that_came_from_the_network() {
    let mut history = messages(120);
    history[119].file_url = Some("https://files.example/screenshot-double-charge.png".into());
    let (mut state, history) = newest_page_of(history);
    let start = Instant::now();
    press(&mut state, Action::Retry, start);
    press(&mut state, Action::SelectNext, start);
    assert_eq!(
        info(&state),
        None,
        "j after r: \"nothing to retry\" is gone"
    );

    press(&mut state, Action::Newest, start);
    press(&mut state, Action::OpenAttachment, start);
    state.handle_at(
        Input::Fetched(FetchEvent::Message {
            id: 120,
            purpose: LinkPurpose::Open,
            result: Ok(Box::new(history[119].clone())),
        }),
        testing::now(start),
    );
    assert_eq!(
        info(&state).as_deref(),
        Some("opening screenshot-double-charge.png (link valid for 20 s)")
    );
    for action in [Action::SelectNext, Action::SelectPrevious, Action::Newest] {
        press(&mut state, action, start);
        assert_eq!(info(&state), None, "gone after {action:?}");
    }
}

#[test]
fn an_error_stays_through_keys_and_time_until_settled_or_dismissed() {
    let (mut state, history) = newest_page_loaded();
    let start = Instant::now();
    let request = page_requests(&press(&mut state, Action::Oldest, start))[0];
    let fail = |state: &mut AppState| {
        state.handle_at(
            Input::Fetched(FetchEvent::Page {
                request,
                result: Err(ApiError::Status { status: 503 }),
            }),
            testing::now(start),
        );
    };
    fail(&mut state);
    assert!(error(&state).is_some_and(|text| text.starts_with("r to retry · ")));
    assert_eq!(state.next_deadline(), None, "an error needs no timer");
    for action in [Action::SelectPrevious, Action::SelectNext, Action::Newest] {
        press(&mut state, action, start);
    }
    state.handle_at(Input::Tick, testing::now(start + Duration::from_secs(3600)));
    assert!(error(&state).is_some(), "still there an hour later");

    // Esc dismisses it.
    press(&mut state, Action::Close, start);
    assert_eq!(error(&state), None);

    // r retries: the error no longer holds while the page is on its way...
    let effects = press(&mut state, Action::Retry, start);
    assert_eq!(page_requests(&effects), vec![request]);
    assert_eq!(
        state.status(),
        None,
        "\"loading…\" in the bar says what happens"
    );
    fail(&mut state);
    assert!(error(&state).is_some());
    // ...and once a page arrives, it is settled.
    let effects = press(&mut state, Action::Retry, start);
    serve_all(&mut state, effects, &history, false);
    assert_eq!(error(&state), None);
    assert_eq!(state.conversation().len(), 120);
}

#[test]
fn bang_shows_the_last_error_in_full_and_scrolls_it() {
    let (mut state, _) = newest_page_loaded();
    let start = Instant::now();
    press(&mut state, Action::ShowError, start);
    assert_eq!(info(&state).as_deref(), Some("no error so far"));
    assert!(state.overlays().iter().next().is_none());

    let long = "x".repeat(2_000);
    state.handle_at(
        Input::Failed(Failure::Open(long.clone())),
        testing::now(start),
    );
    press(&mut state, Action::ShowError, start);
    let Some(Overlay::Error { text, scroll }) = state.overlays().iter().last() else {
        panic!("no error box: {:?}", state.overlays());
    };
    assert!(text.contains(&long));
    assert_eq!(scroll.offset(), 0);
    press(&mut state, Action::SelectNext, start);
    press(&mut state, Action::PageDown, start);
    let Some(Overlay::Error { scroll, .. }) = state.overlays().iter().last() else {
        panic!("the box closed");
    };
    assert!(scroll.offset() > 1, "j and PgDn scroll the box");
    assert_eq!(
        state.selected(),
        Some(120),
        "the keys went to the box, not the conversation"
    );
    press(&mut state, Action::ShowError, start);
    assert!(
        state.overlays().iter().next().is_none(),
        "! again closes it"
    );
    assert!(error(&state).is_some(), "reading it does not dismiss it");
}

#[test]
fn ctrl_z_asks_to_suspend_even_over_the_help_and_a_failure_says_why() {
    let (mut state, _) = newest_page_loaded();
    let start = Instant::now();
    assert_eq!(
        press(&mut state, Action::Suspend, start),
        vec![Effect::Suspend]
    );
    press(&mut state, Action::ToggleHelp, start);
    assert_eq!(
        press(&mut state, Action::Suspend, start),
        vec![Effect::Suspend]
    );
    assert!(state.help_visible(), "the help is there after fg");
    state.handle_at(
        Input::Failed(Failure::Suspend("job control needs a Unix shell".into())),
        testing::now(start),
    );
    let status = state.notices().error().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "could not suspend: job control needs a Unix shell"
    );
}
