//! What the benchmarks share: the messages they draw and search, and a state
//! that has taken them in page by page, as the app does.

use chrono::{TimeZone, Utc};

use szchat::action::Action;
use szchat::model::{Message, Sender};
use szchat::paging::PageSize;
use szchat::state::{AppState, ConversationSettings};
use szchat::testing;
use szchat::timefmt::LocalZone;

/// The screen the benchmarks draw on.
pub(crate) const WIDTH: u16 = 120;
pub(crate) const HEIGHT: u16 = 40;

/// Message `id`: wide characters, an emoji, a body that wraps, two senders,
/// an attachment every 50th.
pub(crate) fn message(id: u64) -> Message {
    let sender = if id.is_multiple_of(3) {
        Sender::Operator {
            forename: Some("Olga".into()),
            surname: Some("Operator".into()),
            email: None,
        }
    } else {
        Sender::Visitor {
            name: Some("Dana Visitor".into()),
            email: None,
        }
    };
    testing::message(id)
        .body(format!(
            "message {id}: the export still fails with error E{id} — 請再試一次 🙏 and a longer tail so that it wraps on narrow screens"
        ))
        .created_at(Some(
            Utc.timestamp_opt(1_700_000_000 + id as i64 * 97, 0)
                .unwrap(),
        ))
        .sender(sender)
        .file_url(
            id.is_multiple_of(50)
                .then(|| format!("https://files.example/{id}.pdf")),
        )
        .read_by(Some(true), Some(true))
        .build()
}

/// A state holding `n` messages, loaded page by page from a newest-first server.
pub(crate) fn loaded_state(n: u64) -> AppState {
    loaded_state_with(
        &ConversationSettings::new(PageSize::MAX, LocalZone::utc()),
        n,
    )
}

/// The same, the state opened with `settings` (pages of their size).
pub(crate) fn loaded_state_with(settings: &ConversationSettings, n: u64) -> AppState {
    let mut state = AppState::from_settings(1, settings, WIDTH, HEIGHT);
    let mut effects = state.start();
    effects.extend(state.update(Action::Oldest));
    let history: Vec<Message> = (1..=n).map(message).collect();
    testing::serve_all(&mut state, effects, &history, true);
    assert_eq!(state.conversation().len() as u64, n);
    state.update(Action::Newest);
    state
}
