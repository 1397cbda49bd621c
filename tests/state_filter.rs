//! The `F` menu, as the reader uses it: each filter shows only its kind of
//! message, and every way of moving (j/k, pages, `g` `G`, `[` `]`, `/` with
//! `n` `N`, `:`), `c` and the position readout go through it. The state is
//! driven by key presses and page answers, without a terminal or network.

mod common;

use chrono::{Datelike, Utc};
use crossterm::event::{KeyCode, KeyEvent};

use common::{message, page_requests, serve_all};
use szchat::message_filter::{MessageFilter, Only};
use szchat::model::{Message, MessageId, Sender};
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect, FilterMenu, Input, Overlay, Position};
use szchat::testing::{MessageBuilder, serve_until_shown};
use szchat::timefmt::LocalZone;

const WIDTH: u16 = 60;
const HEIGHT: u16 = 21;
/// Five days of messages, one an hour from Fri 9 Feb 2018 17:00 UTC.
const MESSAGES: u64 = 120;

/// What message `id` of [`history`] is, told from its id alone, so the
/// tests do not take the filter's word for what it keeps.
fn is_invitation(id: MessageId) -> bool {
    id.is_multiple_of(10)
}
fn has_file(id: MessageId) -> bool {
    id % 6 == 3
}
fn from_visitor(id: MessageId) -> bool {
    id % 2 == 1
}

/// `count` messages an hour apart: odd ids the visitor's, even ones the
/// operator's; every tenth an auto-invitation, every sixth from the third
/// a visitor's file.
fn history(count: u64) -> Vec<Message> {
    (1..=count)
        .map(|id| {
            let base = message(id, id as i64 * 60, from_visitor(id), &format!("note {id}"));
            let builder = MessageBuilder::like(base).auto_invitation(is_invitation(id));
            if has_file(id) {
                builder.attachment(&format!("https://cdn.example/{id}.png"))
            } else {
                builder
            }
            .build()
        })
        .collect()
}

/// A state that loaded the whole of `history`, 50 a page (`g`), and went
/// back to the newest message (`G`).
fn loaded(history: &[Message]) -> AppState {
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    let effects = state.start();
    serve_all(&mut state, effects, history, false);
    let effects = press(&mut state, KeyCode::Char('g'));
    serve_all(&mut state, effects, history, false);
    press(&mut state, KeyCode::Char('G'));
    assert_eq!(state.conversation().len(), history.len());
    state
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    state.handle(Input::Key(KeyEvent::from(code)))
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
    press(state, KeyCode::Enter)
}

/// Opens the menu, presses `letter`, and returns with `F`.
fn choose(state: &mut AppState, letter: char) -> Vec<Effect> {
    press(state, KeyCode::Char('F'));
    let effects = press(state, KeyCode::Char(letter));
    press(state, KeyCode::Char('F'));
    assert!(state.overlays().top().is_none(), "F returns");
    effects
}

/// Every message the view shows, oldest first, walked as the screen does.
fn shown(state: &AppState) -> Vec<MessageId> {
    let conversation = state.conversation();
    let mut ids = Vec::new();
    let mut at = conversation.first();
    while let Some(message) = at {
        ids.push(message.id);
        at = conversation.next(message.id);
    }
    ids
}

fn status(state: &AppState) -> &str {
    state.status().map_or("", |s| s.text.as_str())
}

fn filter_status(state: &AppState) -> String {
    state.filter_status().unwrap_or_default()
}

#[test]
fn f_opens_the_menu_and_f_again_or_esc_returns_with_the_filter_on() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    press(&mut state, KeyCode::Char('F'));
    assert!(matches!(state.overlays().top(), Some(Overlay::Filter(_))));
    let selected = state.selected();
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(
        state.selected(),
        selected,
        "keys are the menu's while it is open"
    );
    press(&mut state, KeyCode::Char('v'));
    assert_eq!(filter_status(&state), "only the visitor's · 60 of 120");
    press(&mut state, KeyCode::Esc);
    assert!(state.overlays().top().is_none(), "Esc returns");
    assert_eq!(filter_status(&state), "only the visitor's · 60 of 120");
    // Opened again, the menu starts from the filter in use.
    press(&mut state, KeyCode::Char('F'));
    assert_eq!(
        state.overlays().top(),
        Some(&Overlay::Filter(FilterMenu::new(MessageFilter {
            hide_auto_invitations: false,
            only: Some(Only::Visitor),
        })))
    );
    press(&mut state, KeyCode::Char('e'));
    press(&mut state, KeyCode::Char('F'));
    assert_eq!(state.filter_status(), None, "every message: nothing to say");
    assert_eq!(shown(&state).len(), 120);
}

/// Tells whether a message of [`history`] is of a kind, by its id.
type Kind = fn(MessageId) -> bool;

#[test]
fn each_filter_shows_only_its_kind_and_the_bar_counts_them() {
    let history = history(MESSAGES);
    let all: Vec<MessageId> = (1..=MESSAGES).collect();
    let cases: [(char, Kind, &str); 4] = [
        (
            'i',
            |id| !is_invitation(id),
            "no auto-invitations · 108 of 120",
        ),
        ('v', from_visitor, "only the visitor's · 60 of 120"),
        (
            'o',
            |id| !from_visitor(id),
            "only the operator's · 60 of 120",
        ),
        ('a', has_file, "only attachments · 20 of 120"),
    ];
    for (letter, keeps, said) in cases {
        let mut state = loaded(&history);
        choose(&mut state, letter);
        let expected: Vec<MessageId> = all.iter().copied().filter(|id| keeps(*id)).collect();
        assert_eq!(shown(&state), expected, "{letter}");
        assert_eq!(filter_status(&state), said);
        for (id, _) in state.visible_messages() {
            assert!(keeps(id), "{letter}: #{id} is on screen");
        }
        assert!(state.selected().is_some_and(keeps), "{letter}");
    }
    // Two at once: the operator's, without the auto-invitations.
    let mut state = loaded(&history);
    choose(&mut state, 'o');
    choose(&mut state, 'i');
    let expected: Vec<MessageId> = all
        .iter()
        .copied()
        .filter(|id| !from_visitor(*id) && !is_invitation(*id))
        .collect();
    assert_eq!(shown(&state), expected);
    assert_eq!(
        filter_status(&state),
        "only the operator's · no auto-invitations · 48 of 120"
    );
}

#[test]
fn a_hidden_selection_moves_to_the_nearest_kept_message() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    type_text(&mut state, ":#50");
    assert_eq!(state.selected(), Some(50));
    // 50 is the operator's; 49 and 51 are as near, the older wins.
    choose(&mut state, 'v');
    assert_eq!(state.selected(), Some(49));
    assert!(state.visible_messages().iter().any(|(id, _)| *id == 49));
    choose(&mut state, 'a');
    // 45 and 51 have files: 51 is two hours off, 45 four.
    assert_eq!(state.selected(), Some(51));
}

#[test]
fn j_k_pages_and_the_ends_move_through_kept_messages_only() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'a');
    assert_eq!(state.selected(), Some(117), "the newest kept");
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(state.selected(), Some(111));
    press(&mut state, KeyCode::Char('j'));
    assert_eq!(state.selected(), Some(117));
    press(&mut state, KeyCode::Char('g'));
    assert_eq!(state.selected(), Some(3), "the oldest kept");
    press(&mut state, KeyCode::Char('G'));
    assert_eq!(state.selected(), Some(117));
    press(&mut state, KeyCode::PageUp);
    press(&mut state, KeyCode::PageUp);
    let selected = state.selected().unwrap();
    assert!(has_file(selected) && selected < 117, "#{selected}");
    for (id, _) in state.visible_messages() {
        assert!(has_file(id), "#{id} is on screen");
    }
    press(&mut state, KeyCode::PageDown);
    assert!(state.selected().is_some_and(has_file));
}

#[test]
fn the_position_counts_among_the_kept_messages() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'a');
    assert_eq!(
        state.position(),
        Some(Position::InLoaded {
            number: 20,
            loaded: 20
        })
    );
    press(&mut state, KeyCode::Char('k'));
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(
        state.position(),
        Some(Position::InLoaded {
            number: 18,
            loaded: 20
        })
    );
    choose(&mut state, 'a');
    assert!(
        matches!(
            state.position(),
            Some(Position::InHistory { total: 120, .. })
        ),
        "{:?}",
        state.position()
    );
}

/// The UTC day message `id` of [`history`] was sent on.
fn day_of(history: &[Message], id: MessageId) -> u32 {
    let at: chrono::DateTime<Utc> = history[id as usize - 1].created_at.unwrap();
    at.day()
}

#[test]
fn day_jumps_land_on_the_first_kept_message_of_the_day() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'a');
    type_text(&mut state, ":#51");
    assert_eq!(state.selected(), Some(51));
    let day = day_of(&history, 51);
    let first_kept_on = |day: u32| {
        (1..=MESSAGES)
            .find(|id| has_file(*id) && day_of(&history, *id) == day)
            .unwrap()
    };
    press(&mut state, KeyCode::Char(']'));
    assert_eq!(state.selected(), Some(first_kept_on(day + 1)));
    press(&mut state, KeyCode::Char('['));
    press(&mut state, KeyCode::Char('['));
    assert_eq!(state.selected(), Some(first_kept_on(day - 1)));
}

#[test]
fn a_date_jump_lands_on_the_first_kept_message_of_that_day() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'o');
    // 11 Feb 00:00 UTC is minute 1860: message 31 (the visitor's) opens it.
    type_text(&mut state, ":2018-02-11");
    assert_eq!(state.selected(), Some(32));
}

#[test]
fn an_id_the_filter_hides_lands_on_the_nearest_kept_and_says_so() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'v');
    type_text(&mut state, ":#60");
    assert_eq!(state.selected(), Some(59));
    assert_eq!(
        status(&state),
        "#60 is hidden by the filter (F); #59 is nearest"
    );
}

#[test]
fn search_and_n_n_go_only_to_kept_matches() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'o');
    // "note 1" matches 1, 10..=19 and 100..=120; the operator's are even.
    type_text(&mut state, "/note 1");
    assert_eq!(state.selected(), Some(120));
    assert_eq!(state.search_status().as_deref(), Some("match 1/16"));
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.selected(), Some(118));
    for _ in 0..10 {
        press(&mut state, KeyCode::Char('n'));
    }
    assert_eq!(state.selected(), Some(18));
    press(&mut state, KeyCode::Char('N'));
    assert_eq!(state.selected(), Some(100));
    for _ in 0..5 {
        press(&mut state, KeyCode::Char('n'));
    }
    assert_eq!(state.selected(), Some(10));
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.selected(), Some(10), "1 is the visitor's");
    assert_eq!(status(&state), "no older match");
    // Without the filter, the search counts every match again.
    choose(&mut state, 'o');
    assert_eq!(state.search_status().as_deref(), Some("match 31/32"));
}

#[test]
fn c_copies_the_kept_message_selected() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'a');
    press(&mut state, KeyCode::Char('k'));
    let effects = press(&mut state, KeyCode::Char('c'));
    assert_eq!(effects, [Effect::Copy("note 111".to_owned())]);
}

#[test]
fn a_filter_that_keeps_nothing_says_so() {
    let history: Vec<Message> = (1..=30)
        .map(|id| message(id, id as i64, id % 2 == 1, "no file here"))
        .collect();
    let mut state = loaded(&history);
    choose(&mut state, 'a');
    assert_eq!(
        filter_status(&state),
        "no messages match the filter · 0 of 30"
    );
    assert_eq!(state.selected(), None);
    assert!(state.visible_messages().is_empty());
    let effects = press(&mut state, KeyCode::Char('c'));
    assert!(effects.is_empty());
    assert_eq!(status(&state), "no message selected");
}

#[test]
fn older_pages_load_under_the_filter_and_arrive_filtered() {
    let history = history(600);
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), WIDTH, HEIGHT);
    let effects = state.start();
    let effects = serve_until_shown(&mut state, effects, &history);
    assert!(
        page_requests(&effects).is_empty(),
        "one page fills the screen"
    );
    assert_eq!(state.conversation().len(), 50);
    // Eight of the newest fifty carry a file: too few above the view, so
    // the next older page is asked for at once.
    let effects = choose(&mut state, 'a');
    assert_eq!(shown(&state).len(), 8);
    let requests = page_requests(&effects);
    assert_eq!(requests.len(), 1, "{effects:?}");
    assert_eq!(requests[0].offset, 500);
    serve_all(&mut state, effects, &history, false);
    let loaded = state.conversation().len();
    assert!(
        loaded > 50 && loaded < 600,
        "loads until a screen's worth is kept: {loaded}"
    );
    assert!(shown(&state).iter().all(|id| has_file(*id)));
    // `g` walks to the oldest kept through every page, each filtered as it comes.
    let effects = press(&mut state, KeyCode::Char('g'));
    serve_all(&mut state, effects, &history, false);
    assert_eq!(state.conversation().len(), 600);
    assert_eq!(state.selected(), Some(3));
    let kept = shown(&state);
    assert_eq!(kept.len(), 100);
    assert!(kept.iter().all(|id| has_file(*id)));
    assert_eq!(filter_status(&state), "only attachments · 100 of 600");
}

#[test]
fn the_filter_and_the_exports_take_the_same_messages() {
    let history = history(MESSAGES);
    let filter = MessageFilter {
        hide_auto_invitations: true,
        only: Some(Only::Operator),
    };
    let mut state = loaded(&history);
    choose(&mut state, 'o');
    choose(&mut state, 'i');
    let exported: Vec<MessageId> = history
        .iter()
        .filter(|m| filter.keeps(m))
        .map(|m| m.id)
        .collect();
    assert_eq!(shown(&state), exported);
    assert!(
        history
            .iter()
            .filter(|m| exported.contains(&m.id))
            .all(|m| matches!(m.sender, Sender::Operator { .. }) && !m.auto_invitation)
    );
}

#[test]
fn k_after_the_menu_closes_goes_to_the_kept_message_before() {
    let history = history(MESSAGES);
    let mut state = loaded(&history);
    choose(&mut state, 'a');
    let newest_file = state.selected();
    assert_eq!(newest_file, Some(117));
    press(&mut state, KeyCode::Char('k'));
    assert_eq!(state.selected(), Some(111));
}
