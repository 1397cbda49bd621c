//! What the benchmarks share: the messages they draw and search, and a state
//! that has taken them in page by page, as the app does.

use chrono::{TimeZone, Utc};

use szchat::action::Action;
use szchat::fetch::{FetchEvent, FetchRequest};
use szchat::model::{Message, Page, Sender};
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect};
use szchat::timefmt::LocalZone;

/// The screen the benchmarks draw on.
pub(crate) const WIDTH: u16 = 120;
pub(crate) const HEIGHT: u16 = 40;

/// Message `id`: wide characters, an emoji, a body that wraps, two senders,
/// an attachment every 50th.
pub(crate) fn message(id: u64) -> Message {
    let visitor = !id.is_multiple_of(3);
    Message {
        id,
        body: format!(
            "message {id}: the export still fails with error E{id} — 請再試一次 🙏 and a longer tail so that it wraps on narrow screens"
        ),
        created_at: Some(
            Utc.timestamp_opt(1_700_000_000 + id as i64 * 97, 0)
                .unwrap(),
        ),
        sender: if visitor {
            Sender::Visitor {
                name: Some("Dana Visitor".into()),
                email: None,
            }
        } else {
            Sender::Operator {
                forename: Some("Olga".into()),
                surname: Some("Operator".into()),
                email: None,
            }
        },
        file_url: id
            .is_multiple_of(50)
            .then(|| format!("https://files.example/{id}.pdf")),
        auto_invitation: false,
        read_by_user: Some(true),
        read_by_operator: Some(true),
        unreadable: None,
        sender_id: None,
        raw_json: "{}".into(),
    }
}

/// A state holding `n` messages, loaded page by page from a newest-first server.
pub(crate) fn loaded_state(n: u64) -> AppState {
    let mut state = AppState::new(1, PageSize::MAX, LocalZone::utc(), WIDTH, HEIGHT);
    let mut effects = state.start();
    effects.extend(state.update(Action::Oldest));
    while let Some(request) = effects.iter().find_map(|effect| match effect {
        Effect::Fetch(FetchRequest::Page(request)) => Some(*request),
        _ => None,
    }) {
        let start = request.offset.min(n);
        let end = (request.offset + u64::from(request.limit)).min(n);
        let page = Page {
            offset: request.offset,
            limit: u64::from(request.limit),
            total: n,
            messages: (start..end).map(|offset| message(n - offset)).collect(),
        };
        effects = state.apply(FetchEvent::Page {
            request,
            result: Ok(page),
        });
    }
    assert_eq!(state.conversation().len() as u64, n);
    state.update(Action::Newest);
    state
}
