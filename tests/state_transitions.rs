//! The app state driven the way the loop drives it, without a terminal or a
//! network: reader actions in, fetch answers in, effects out.

mod common;

use common::{message, messages, page_of, page_requests, serve_all};
use szchat::action::Action;
use szchat::api::error::ApiError;
use szchat::fetch::{FetchEvent, FetchRequest, LinkPurpose};
use szchat::paging::{PageRequest, PageSize};
use szchat::state::{AppState, Effect, Exit, Failure, Input, LoadState, StatusKind};
use szchat::testing::{serve_pages, serve_until_shown};
use szchat::text::layout::Item;
use szchat::timefmt::LocalZone;

/// The first request of every start with page size 50.
const PROBE: PageRequest = PageRequest {
    offset: 0,
    limit: PageSize::DEFAULT,
};

const WIDTH: u16 = 60;
/// Screen rows: 20 for the conversation, one for the status bar.
const HEIGHT: u16 = 21;

fn state(page_size: u32) -> AppState {
    let page_size = PageSize::new(page_size).unwrap();
    AppState::new(4821, page_size, LocalZone::utc(), WIDTH, HEIGHT)
}

/// Feeds the answer to `request` into the state, as the loop would.
fn answer(
    state: &mut AppState,
    request: PageRequest,
    result: Result<szchat::model::Page, ApiError>,
) -> Vec<Effect> {
    state.apply(FetchEvent::Page { request, result })
}

fn loaded_ids(state: &AppState) -> Vec<u64> {
    state.conversation().iter().map(|m| m.id).collect()
}

fn on_screen(state: &mut AppState) -> Vec<u64> {
    state
        .visible_messages()
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn opens_at_the_newest_message_of_an_oldest_first_server() {
    let history = messages(200);
    let mut state = state(50);
    let effects = state.start();
    assert_eq!(
        page_requests(&effects),
        vec![PageRequest {
            offset: 0,
            limit: PageSize::DEFAULT
        }]
    );
    // Probe: offset 0 holds the oldest; the newest page is asked for next.
    let effects = answer(&mut state, PROBE, Ok(page_of(&history, 0, 50, false)));
    assert!(
        state.conversation().is_empty(),
        "the oldest page waits until the gap closes"
    );
    let tail = page_requests(&effects);
    assert_eq!(
        tail,
        vec![PageRequest {
            offset: 150,
            limit: PageSize::DEFAULT
        }]
    );
    let effects = answer(&mut state, tail[0], Ok(page_of(&history, 150, 50, false)));
    assert_eq!(state.selected(), Some(200));
    assert!(on_screen(&mut state).contains(&200));
    assert_eq!(state.conversation().len(), 50);
    // The reader is at the bottom, far from older messages: nothing more is fetched yet.
    assert!(page_requests(&effects).is_empty());
    assert_eq!(state.load_state(), &LoadState::Idle);
}

#[test]
fn opens_at_the_newest_message_of_a_newest_first_server() {
    let history = messages(200);
    let mut state = state(50);
    state.start();
    answer(&mut state, PROBE, Ok(page_of(&history, 0, 50, true)));
    assert_eq!(state.selected(), Some(200));
    assert_eq!(loaded_ids(&state), (151..=200).collect::<Vec<_>>());
}

#[test]
fn nearing_the_top_fetches_older_pages_before_the_reader_hits_it() {
    let history = messages(300);
    let mut state = state(50);
    let effects = state.start();
    let effects = serve_until_shown(&mut state, effects, &history);
    assert!(page_requests(&effects).is_empty());
    let mut asked = Vec::new();
    for _ in 0..40 {
        let effects = state.update(Action::SelectPrevious);
        asked.extend(page_requests(&effects));
        if !asked.is_empty() {
            break;
        }
    }
    assert_eq!(
        asked.len(),
        1,
        "an older page is asked for while messages remain above"
    );
    let selected = state.selected().unwrap();
    assert!(
        state.conversation().count_before(selected, 100) > 0,
        "prefetch starts before the oldest loaded message is reached"
    );
}

#[test]
fn g_loads_every_older_page_and_selects_the_first_message() {
    let history = messages(260);
    let mut state = state(50);
    let effects = state.start();
    let effects = serve_until_shown(&mut state, effects, &history);
    assert!(effects.is_empty());
    let effects = state.update(Action::Oldest);
    serve_all(&mut state, effects, &history, false);
    assert_eq!(loaded_ids(&state), (1..=260).collect::<Vec<_>>());
    assert_eq!(state.selected(), Some(1));
    assert!(state.reached_beginning());
    assert_eq!(state.scroll_position(), (Item::Marker, 0));
    // G goes back to the newest.
    state.update(Action::Newest);
    assert_eq!(state.selected(), Some(260));
    assert!(on_screen(&mut state).contains(&260));
}

#[test]
fn a_rejected_secret_on_the_first_page_ends_the_app_with_a_reason_naming_the_variable() {
    for status in [401, 403] {
        let mut state = state(50);
        state.start();
        answer(&mut state, PROBE, Err(ApiError::Unauthorized { status }));
        match state.exit() {
            Some(Exit::Fatal(reason)) => {
                assert!(reason.contains("SIGNALZEN_API_SECRET"), "{reason}");
            }
            other => panic!("expected a fatal exit, got {other:?}"),
        }
    }
}

#[test]
fn an_unknown_visitor_ends_the_app_saying_so() {
    let mut state = state(50);
    state.start();
    answer(&mut state, PROBE, Err(ApiError::NotFound));
    assert_eq!(
        state.exit(),
        Some(&Exit::Fatal("visitor 4821 not found".into()))
    );
}

#[test]
fn a_failed_older_page_keeps_every_loaded_message_and_r_retries_it() {
    let history = messages(300);
    let mut state = state(50);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    let before = loaded_ids(&state);
    let effects = state.update(Action::Oldest);
    let request = page_requests(&effects)[0];
    answer(
        &mut state,
        request,
        Err(ApiError::Malformed {
            reason: "expected value at line 1".into(),
        }),
    );
    assert_eq!(loaded_ids(&state), before);
    assert!(state.exit().is_none());
    assert!(matches!(state.load_state(), LoadState::Failed { .. }));
    let status = state.status().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("r to retry"), "{}", status.text);
    let effects = state.update(Action::Retry);
    assert_eq!(page_requests(&effects), vec![request]);
    serve_all(&mut state, effects, &history, false);
    assert_eq!(loaded_ids(&state), (1..=300).collect::<Vec<_>>());
    assert!(
        state.status().is_none(),
        "the error clears once loading works again"
    );
}

#[test]
fn an_answer_nobody_waits_for_is_ignored() {
    let history = messages(10);
    let mut state = state(50);
    state.start();
    let stale = PageRequest {
        offset: 40,
        limit: PageSize::DEFAULT,
    };
    answer(&mut state, stale, Ok(page_of(&history, 0, 10, false)));
    assert!(state.conversation().is_empty());
    assert!(matches!(state.load_state(), LoadState::Loading(_)));
}

#[test]
fn open_fetches_a_fresh_link_first_and_opens_only_http_links() {
    let mut history = messages(3);
    history[2].file_url = Some("https://old.example/expired.pdf".into());
    let mut state = state(50);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    assert_eq!(state.selected(), Some(3));

    let effects = state.update(Action::OpenAttachment);
    assert_eq!(
        effects,
        vec![Effect::Fetch(FetchRequest::Message {
            id: 3,
            purpose: LinkPurpose::Open
        })]
    );
    assert!(state.fetching_link());
    assert!(
        state.status().is_none(),
        "the bar says \"fetching link…\" once, as what is going on, not also as a notice"
    );

    let mut fresh = history[2].clone();
    fresh.file_url = Some("https://cdn.example/fresh/invoice.pdf?sig=1".into());
    let effects = state.apply(FetchEvent::Message {
        id: 3,
        purpose: LinkPurpose::Open,
        result: Ok(Box::new(fresh.clone())),
    });
    match effects.as_slice() {
        [Effect::Open(url)] => {
            assert_eq!(url.as_str(), "https://cdn.example/fresh/invoice.pdf?sig=1");
        }
        other => panic!("expected one open effect, got {other:?}"),
    }

    // A hostile scheme is shown as refused, never handed over.
    state.update(Action::CopyLink);
    fresh.file_url = Some("javascript:alert(document.cookie)".into());
    let effects = state.apply(FetchEvent::Message {
        id: 3,
        purpose: LinkPurpose::Copy,
        result: Ok(Box::new(fresh)),
    });
    assert!(effects.is_empty());
    let status = state.status().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(
        status.text.contains("only http and https"),
        "{}",
        status.text
    );
}

#[test]
fn open_on_a_message_without_attachment_says_so() {
    let history = messages(3);
    let mut state = state(50);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    let effects = state.update(Action::OpenAttachment);
    assert!(effects.is_empty());
    assert_eq!(
        state.status().unwrap().text,
        "this message has no attachment"
    );
}

#[test]
fn help_opens_and_closes_and_q_quits_even_from_help() {
    let mut state = state(50);
    state.start();
    state.update(Action::ToggleHelp);
    assert!(state.help_visible());
    state.update(Action::SelectPrevious);
    assert!(
        state.help_visible(),
        "keys other than Esc, ? and q leave help open"
    );
    state.update(Action::Close);
    assert!(!state.help_visible());
    assert!(
        state.exit().is_none(),
        "Esc closes the overlay, it does not quit"
    );
    state.update(Action::ToggleHelp);
    state.update(Action::Quit);
    assert_eq!(state.exit(), Some(&Exit::Quit));
}

#[test]
fn resizing_keeps_the_same_message_at_the_top() {
    let history = messages(120);
    let mut state = state(99);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    for _ in 0..30 {
        state.update(Action::SelectPrevious);
    }
    let (top, _) = state.scroll_position();
    state.resize(30, HEIGHT);
    assert_eq!(state.scroll_position().0, top);
    state.resize(WIDTH, HEIGHT);
    assert_eq!(state.scroll_position().0, top);
    assert!(on_screen(&mut state).contains(&state.selected().unwrap()));
}

#[test]
fn narrowing_keeps_the_selection_on_screen_and_widening_restores_the_view() {
    let history = messages(120);
    let mut state = state(99);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    for _ in 0..30 {
        state.update(Action::SelectPrevious);
    }
    // Back down to the last message wholly on screen: a narrower layout
    // pushes it off the bottom first.
    let bottom = |state: &mut AppState| {
        let visible = state.visible_messages();
        visible.iter().rev().find(|(_, whole)| *whole).unwrap().0
    };
    while state.selected() != Some(bottom(&mut state)) {
        state.update(Action::SelectNext);
    }
    let before = state.scroll_position();
    let selected = state.selected().unwrap();

    state.resize(30, HEIGHT);
    assert!(
        state.visible_messages().contains(&(selected, true)),
        "the selection left the screen"
    );
    state.resize(45, HEIGHT - 5);
    assert!(state.visible_messages().contains(&(selected, true)));
    state.resize(WIDTH, HEIGHT);
    assert_eq!(state.scroll_position(), before);
    assert_eq!(state.selected(), Some(selected));
}

#[test]
fn page_keys_move_by_a_screen_and_keep_the_selection_visible() {
    let history = messages(120);
    let mut state = state(99);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    let before = state.scroll_position();
    state.update(Action::PageUp);
    assert_ne!(state.scroll_position(), before);
    let selected = state.selected().unwrap();
    assert!(on_screen(&mut state).contains(&selected));
    assert!(selected < 120);
    state.update(Action::PageDown);
    assert_eq!(state.scroll_position(), before, "page down undoes page up");
}

#[test]
fn messages_arriving_during_paging_are_neither_doubled_nor_lost() {
    let mut history = messages(120);
    let mut state = state(25);
    let effects = state.start();
    state.update(Action::Oldest);
    let mut next_id = 121;
    serve_pages(effects, |request| {
        let page = page_of(&history, request.offset, request.limit.get(), true);
        // Two new messages arrive after each answer, for a while.
        if next_id < 140 {
            for _ in 0..2 {
                history.push(message(next_id, next_id as i64, true, "new"));
                next_id += 1;
            }
        }
        answer(&mut state, request, Ok(page))
    });
    // Messages that arrive after the last answer cannot be known: everything
    // the last answer counted is loaded, each once, with no gap.
    let counted = state.total().unwrap();
    assert!(counted >= 130, "{counted}");
    assert!(counted < next_id);
    assert_eq!(loaded_ids(&state), (1..=counted).collect::<Vec<_>>());
}

#[test]
fn nothing_is_redrawn_unless_something_changed() {
    let history = messages(40);
    let mut state = state(50);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    assert!(state.take_dirty(), "a page arrived");
    assert!(!state.take_dirty(), "nothing since");
    state.resize(WIDTH, HEIGHT);
    assert!(
        !state.take_dirty(),
        "a resize to the same size changes nothing"
    );
    state.update(Action::SelectPrevious);
    assert!(state.take_dirty());
}

#[test]
fn the_mouse_wheel_and_half_pages_scroll_without_losing_the_selection() {
    let history = messages(99);
    let mut state = state(99);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    let bottom = state.scroll_position();
    state.update(Action::ScrollUp(3));
    let after_wheel = state.scroll_position();
    assert_ne!(after_wheel, bottom);
    state.update(Action::HalfPageUp);
    assert_ne!(state.scroll_position(), after_wheel);
    assert!(on_screen(&mut state).contains(&state.selected().unwrap()));
    state.update(Action::HalfPageDown);
    state.update(Action::ScrollDown(3));
    assert_eq!(state.scroll_position(), bottom);
}

#[test]
fn growing_the_window_fetches_what_the_taller_view_needs() {
    let history = messages(200);
    let mut state = state(50);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    assert_eq!(state.conversation().len(), 50);
    assert_eq!(state.load_state(), &LoadState::Idle);
    // 50 messages of 3 rows do not fill 400 rows: the marker line is on screen.
    let effects = state.resize(WIDTH, 400);
    let asked = page_requests(&effects);
    assert_eq!(asked.len(), 1, "a taller window asks for older messages");
    assert_eq!(state.load_state(), &LoadState::Loading(asked[0]));
    serve_all(&mut state, effects, &history, false);
    assert_eq!(loaded_ids(&state), (1..=200).collect::<Vec<_>>());
    assert_eq!(state.selected(), Some(200), "the newest stays selected");
    assert!(on_screen(&mut state).contains(&200));
}

#[test]
fn a_resize_is_an_input_and_keeps_its_effects() {
    let history = messages(200);
    let mut state = state(50);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    let effects = state.handle(Input::Resize {
        width: WIDTH,
        height: 400,
    });
    assert_eq!(page_requests(&effects).len(), 1);
    let effects = state.handle(Input::Resize {
        width: WIDTH,
        height: 400,
    });
    assert!(effects.is_empty(), "the same size again changes nothing");
}

#[test]
fn a_failed_effect_comes_back_as_an_input_and_shows_in_the_status_bar() {
    let mut state = state(50);
    state.start();
    state.take_dirty();
    let effects = state.handle(Input::Failed(Failure::Open(
        "could not start `firefox` from $BROWSER: no such file".into(),
    )));
    assert!(effects.is_empty());
    assert!(state.take_dirty(), "the status bar changed");
    let status = state.status().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "could not start `firefox` from $BROWSER: no such file (press y to copy the link)"
    );
    state.handle(Input::Failed(Failure::Copy("broken pipe".into())));
    assert_eq!(
        state.status().unwrap().text,
        "could not send to the terminal clipboard: broken pipe"
    );
    assert!(state.exit().is_none());
}

#[test]
fn without_the_fetch_task_the_app_ends_saying_why() {
    let mut state = state(50);
    state.start();
    state.handle(Input::Failed(Failure::FetchTaskGone));
    assert_eq!(
        state.exit(),
        Some(&Exit::Fatal("the fetch task stopped unexpectedly".into()))
    );
}

#[test]
fn ctrl_l_asks_for_the_whole_screen_even_over_the_help() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let ctrl_l = || Input::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL));
    let mut state = state(50);
    state.start();
    assert_eq!(state.handle(ctrl_l()), vec![Effect::ClearScreen]);
    state.handle(Input::Key(KeyEvent::new(
        KeyCode::Char('?'),
        KeyModifiers::NONE,
    )));
    assert!(state.help_visible());
    assert_eq!(state.handle(ctrl_l()), vec![Effect::ClearScreen]);
    assert!(state.help_visible(), "redrawing leaves the help open");
}

#[test]
fn a_signal_or_the_end_of_input_ends_the_app() {
    let mut state = state(50);
    state.start();
    state.handle(Input::Signal(15));
    assert_eq!(state.exit(), Some(&Exit::Signal(15)));
    let mut state = self::state(50);
    state.handle(Input::InputClosed);
    assert_eq!(state.exit(), Some(&Exit::Quit));
}

#[test]
fn y_says_the_link_was_sent_to_the_terminal_clipboard_not_that_it_arrived() {
    let mut history = messages(3);
    history[2].file_url = Some("https://old.example/expired.pdf".into());
    let mut state = state(50);
    let effects = state.start();
    serve_until_shown(&mut state, effects, &history);
    state.update(Action::CopyLink);
    let mut fresh = history[2].clone();
    fresh.file_url = Some("https://cdn.example/fresh/invoice.pdf?sig=1".into());
    let effects = state.apply(FetchEvent::Message {
        id: 3,
        purpose: LinkPurpose::Copy,
        result: Ok(Box::new(fresh)),
    });
    assert_eq!(
        effects,
        [Effect::Copy(
            "https://cdn.example/fresh/invoice.pdf?sig=1".to_owned()
        )]
    );
    assert_eq!(
        state.status().unwrap().text,
        "link to invoice.pdf sent to the terminal clipboard (valid for 20 s)"
    );
}
