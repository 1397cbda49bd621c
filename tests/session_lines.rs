//! The line between two sessions of a conversation, "— 3 h 12 min later —":
//! where it shows, that the configured gap decides it, and that scrolling
//! counts its row like any other.

mod common;

use chrono::TimeDelta;
use common::{drawn, screen_rows, screen_text};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use szchat::action::Action;
use szchat::message_filter::{MessageFilter, Only};
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::state::{AppState, ConversationSettings};
use szchat::testing::{one_page, start_with, timed};
use szchat::timefmt::LocalZone;

fn state_with(history: Vec<Message>, gap: TimeDelta, width: u16, height: u16) -> AppState {
    let settings = ConversationSettings {
        session_gap: gap,
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(4821, &settings, width, height);
    start_with(&mut state, |_| one_page(history));
    state
}

/// A question, a quick answer, then 3 h 12 min of silence before the next.
fn two_sessions() -> Vec<Message> {
    vec![
        timed(1, 0, true, "is my order on its way?"),
        timed(2, 3, false, "checking now"),
        timed(3, 3 + 192, true, "any news?"),
    ]
}

#[test]
fn a_pause_of_the_gap_or_more_is_a_line_between_the_sessions() {
    let state = state_with(two_sessions(), TimeDelta::minutes(30), 60, 16);
    let terminal = drawn(&state, 60, 16);
    insta::assert_snapshot!(terminal.backend());
    let rows = screen_rows(&terminal);
    let line = rows
        .iter()
        .position(|row| row.trim() == "— 3 h 12 min later —")
        .unwrap_or_else(|| panic!("no session line in {rows:#?}"));
    // Right above the first message of the new session, and only there.
    assert!(rows[line + 1].contains("David Smith"), "{rows:#?}");
    assert_eq!(screen_text(&terminal).matches("later").count(), 1);
}

#[test]
fn a_longer_configured_gap_keeps_the_pause_in_one_session() {
    let state = state_with(two_sessions(), TimeDelta::hours(4), 60, 16);
    let text = screen_text(&drawn(&state, 60, 16));
    assert!(text.contains("any news?"), "{text}");
    assert!(!text.contains("later"), "{text}");
}

/// The rows as text, without the selection's marks (it moves as the view scrolls).
fn unselected_rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    screen_rows(terminal)
        .into_iter()
        .map(|row| {
            let row = row.replace('▌', "▎");
            match row.find(" · #") {
                Some(at) => row[..at].to_owned(),
                None => row.trim_end().to_owned(),
            }
        })
        .collect()
}

#[test]
fn scrolling_one_row_moves_every_row_one_down_across_session_lines() {
    // Forty minutes between messages: a session line above every one but the first.
    let history: Vec<Message> = (1..=12)
        .map(|id| timed(id, 40 * id as i64, id % 2 == 1, &format!("message {id}")))
        .collect();
    let (width, height) = (50, 14);
    let mut state = state_with(history, TimeDelta::minutes(30), width, height);
    let mut before = unselected_rows(&drawn(&state, width, height));
    assert!(before.iter().any(|row| row.contains("40 min later")));
    // All but the status bar.
    let conversation_rows = usize::from(height) - 1;
    let mut steps = 0;
    loop {
        state.update(Action::ScrollUp(1));
        let after = unselected_rows(&drawn(&state, width, height));
        if after == before {
            break;
        }
        // The sticky day line covers the top row; everything under it shifts.
        assert_eq!(
            after[2..conversation_rows],
            before[1..conversation_rows - 1],
            "after {steps} rows up"
        );
        before = after;
        steps += 1;
        assert!(steps < 200, "scrolling up never reached the top");
    }
    assert!(
        before
            .iter()
            .any(|row| row.contains("beginning of conversation")),
        "{before:#?}"
    );
    // The marker, two day separators, eleven session lines and twelve
    // blocks of three rows, less the screen: each row scrolled exactly once.
    assert_eq!(steps, 2 + 2 + 11 + 12 * 3 - conversation_rows);
}

#[test]
fn with_a_filter_the_line_still_counts_from_the_message_before_hidden_or_not() {
    // Only the visitor's: the reply that ended the first session is hidden;
    // the pause is the one before "any news?", from that reply.
    let mut state = state_with(two_sessions(), TimeDelta::minutes(30), 60, 16);
    state.set_filter(MessageFilter {
        only: Some(Only::Visitor),
        ..MessageFilter::default()
    });
    let text = screen_text(&drawn(&state, 60, 16));
    assert!(!text.contains("checking now"), "{text}");
    assert!(text.contains("— 3 h 12 min later —"), "{text}");
}
