//! The figures depend only on the messages: whatever order the server sends
//! them in, whatever the page size (pages of 2 included) and whichever page
//! arrives first, the conversation they make has the same figures and
//! sessions as the history itself.

use chrono::{Duration, TimeZone, Utc};
use proptest::prelude::*;
use szchat::conversation::Conversation;
use szchat::metrics::{DEFAULT_SESSION_GAP, figures, sessions};
use szchat::model::Message;
use szchat::testing::{message, page_of};

/// One message of a generated history: who wrote it, and the seconds since
/// the one before (up to two hours, so sessions break now and then).
fn entry() -> impl Strategy<Value = (u8, i64)> {
    (0u8..4, prop_oneof![0i64..120, 0i64..7_200])
}

/// Messages oldest first, ids in order, a quarter each from the visitor, the
/// operator, the operator's auto-invitation and an unknown sender.
fn history(entries: &[(u8, i64)]) -> Vec<Message> {
    let mut at = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    entries
        .iter()
        .zip(1u64..)
        .map(|(&(kind, pause), id)| {
            at += Duration::seconds(pause);
            let builder = message(id).created_at(Some(at)).body("m");
            match kind {
                0 => builder.from_visitor(),
                1 => builder.from_operator(),
                2 => builder.from_operator().auto_invitation(true),
                _ => builder,
            }
            .build()
        })
        .collect()
}

/// The pages a server ordering `history` that way would give, in `arrival` order.
fn pages(
    history: &[Message],
    size: u32,
    newest_first: bool,
    arrival: &[usize],
) -> Vec<Vec<Message>> {
    let count = history.len().div_ceil(size as usize);
    arrival
        .iter()
        .filter(|&&page| page < count)
        .map(|&page| page_of(history, (page * size as usize) as u64, size, newest_first).messages)
        .collect()
}

fn check(entries: &[(u8, i64)], size: u32, newest_first: bool, arrival: &[usize]) {
    let history = history(entries);
    let expected = figures(&history);
    let expected_sessions = sessions(&history, DEFAULT_SESSION_GAP);
    let pages = pages(&history, size, newest_first, arrival);

    // As received, page after page, unsorted.
    let received: Vec<&Message> = pages.iter().flatten().collect();
    assert_eq!(received.len(), history.len());
    assert_eq!(figures(received.iter().copied()), expected);
    assert_eq!(
        sessions(received.iter().copied(), DEFAULT_SESSION_GAP),
        expected_sessions
    );

    // As the conversation holds them, a page arriving twice included.
    let mut conversation = Conversation::new();
    for message in pages.iter().chain(pages.first()).flatten() {
        conversation.insert(message.clone());
    }
    assert_eq!(figures(conversation.iter()), expected);
    assert_eq!(
        sessions(conversation.iter(), DEFAULT_SESSION_GAP),
        expected_sessions
    );
}

/// Every page index up to the most a case can need, shuffled.
fn arrival() -> impl Strategy<Value = Vec<usize>> {
    Just((0..150).collect::<Vec<usize>>()).prop_shuffle()
}

proptest! {
    #[test]
    fn pages_of_two_in_any_order_give_the_same_figures(
        entries in prop::collection::vec(entry(), 0..120),
        newest_first in any::<bool>(),
        arrival in arrival(),
    ) {
        check(&entries, 2, newest_first, &arrival);
    }

    #[test]
    fn any_page_size_gives_the_same_figures(
        entries in prop::collection::vec(entry(), 0..150),
        size in 1u32..60,
        newest_first in any::<bool>(),
        arrival in arrival(),
    ) {
        check(&entries, size, newest_first, &arrival);
    }
}
