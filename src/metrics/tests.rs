//! Histories with known answers for every figure.

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::testing::message;

fn at(time: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(time).unwrap().to_utc()
}

fn visitor(id: u64, time: &str) -> Message {
    message(id).from_visitor().at(time).build()
}

fn operator(id: u64, time: &str) -> Message {
    message(id).from_operator().at(time).build()
}

fn invitation(id: u64, time: &str) -> Message {
    message(id)
        .from_operator()
        .auto_invitation(true)
        .at(time)
        .build()
}

#[test]
fn an_empty_conversation_has_no_figures() {
    assert_eq!(figures(&[]), Figures::default());
    assert!(sessions(&[], DEFAULT_SESSION_GAP).is_empty());
}

#[test]
fn no_reply_at_all_leaves_every_wait_open() {
    let history = [
        visitor(1, "2026-01-05T10:00:00Z"),
        visitor(2, "2026-01-05T10:04:00Z"),
    ];
    let f = figures(&history);
    assert_eq!(f.messages, 2);
    assert_eq!(f.visitor_messages, 2);
    assert_eq!(f.operator_messages, 0);
    assert_eq!(f.first_message_at, Some(at("2026-01-05T10:00:00Z")));
    assert_eq!(f.last_message_at, Some(at("2026-01-05T10:04:00Z")));
    assert_eq!(f.first_response_s, None);
    assert_eq!(f.median_response_s, None);
    assert_eq!(f.longest_wait_s, None);
    assert_eq!(f.unanswered, 2);
    assert_eq!(f.awaiting_since, Some(at("2026-01-05T10:00:00Z")));
    assert!(f.is_waiting());
}

#[test]
fn an_auto_invitation_is_never_a_reply() {
    let only_invitation = [invitation(1, "2026-01-05T09:59:00Z")];
    let f = figures(&only_invitation);
    assert_eq!(
        (f.messages, f.visitor_messages, f.operator_messages),
        (1, 0, 0)
    );
    assert_eq!(f.first_message_at, Some(at("2026-01-05T09:59:00Z")));
    assert_eq!(
        (f.first_response_s, f.unanswered, f.awaiting_since),
        (None, 0, None)
    );

    let after_visitor = [
        invitation(1, "2026-01-05T09:59:00Z"),
        visitor(2, "2026-01-05T10:00:00Z"),
        invitation(3, "2026-01-05T10:01:00Z"),
    ];
    let f = figures(&after_visitor);
    assert_eq!(f.operator_messages, 0);
    assert_eq!(f.first_response_s, None);
    assert_eq!(f.unanswered, 1);
    assert_eq!(f.awaiting_since, Some(at("2026-01-05T10:00:00Z")));
}

#[test]
fn a_wait_starts_at_the_first_of_several_visitor_messages() {
    let history = [
        operator(1, "2026-01-05T09:00:00Z"),
        visitor(2, "2026-01-05T10:00:00Z"),
        visitor(3, "2026-01-05T10:02:00Z"),
        visitor(4, "2026-01-05T10:05:00Z"),
        operator(5, "2026-01-05T10:07:30Z"),
        operator(6, "2026-01-05T10:08:00Z"),
    ];
    let f = figures(&history);
    assert_eq!(
        (f.messages, f.visitor_messages, f.operator_messages),
        (6, 3, 3)
    );
    assert_eq!(f.first_response_s, Some(450));
    assert_eq!(f.median_response_s, Some(450));
    assert_eq!(f.longest_wait_s, Some(450));
    assert_eq!((f.unanswered, f.awaiting_since), (0, None));
    assert!(!f.is_waiting());
}

#[test]
fn an_even_number_of_waits_takes_the_mean_of_the_middle_two_rounded_down() {
    // Waits of 60, 100, 205 and 900 seconds: median (100 + 205) / 2 = 152.5 → 152.
    let history = [
        visitor(1, "2026-01-05T10:00:00Z"),
        operator(2, "2026-01-05T10:01:40Z"),
        visitor(3, "2026-01-05T11:00:00Z"),
        operator(4, "2026-01-05T11:15:00Z"),
        visitor(5, "2026-01-05T12:00:00Z"),
        operator(6, "2026-01-05T12:01:00Z"),
        visitor(7, "2026-01-05T13:00:00Z"),
        operator(8, "2026-01-05T13:03:25Z"),
        visitor(9, "2026-01-05T14:00:00Z"),
    ];
    let f = figures(&history);
    assert_eq!(f.first_response_s, Some(100));
    assert_eq!(f.median_response_s, Some(152));
    assert_eq!(f.longest_wait_s, Some(900));
    assert_eq!(f.unanswered, 1);
    assert_eq!(f.awaiting_since, Some(at("2026-01-05T14:00:00Z")));
}

#[test]
fn an_odd_number_of_waits_takes_the_middle_one() {
    let history = [
        visitor(1, "2026-01-05T10:00:00Z"),
        operator(2, "2026-01-05T10:00:10Z"),
        visitor(3, "2026-01-05T11:00:00Z"),
        operator(4, "2026-01-05T11:00:30Z"),
        visitor(5, "2026-01-05T12:00:00Z"),
        operator(6, "2026-01-05T12:00:20Z"),
    ];
    let f = figures(&history);
    assert_eq!(f.first_response_s, Some(10));
    assert_eq!(f.median_response_s, Some(20));
    assert_eq!(f.longest_wait_s, Some(30));
}

#[test]
fn the_order_messages_come_in_does_not_matter() {
    let mut history = vec![
        visitor(1, "2026-01-05T10:00:00Z"),
        operator(2, "2026-01-05T10:03:00Z"),
        visitor(3, "2026-01-05T10:03:00Z"),
        operator(4, "2026-01-05T10:10:00Z"),
    ];
    let forward = figures(&history);
    history.reverse();
    assert_eq!(figures(&history), forward);
    // Same second: id 2 (the reply) sorts before id 3, so the second wait
    // starts at 10:03 and lasts 7 min.
    assert_eq!(forward.longest_wait_s, Some(420));
}

#[test]
fn an_undated_visitor_message_counts_but_measures_no_wait() {
    let history = [
        message(1).from_visitor().build(),
        operator(2, "2026-01-05T10:00:00Z"),
        message(3).from_visitor().build(),
    ];
    let f = figures(&history);
    assert_eq!((f.messages, f.visitor_messages), (3, 2));
    assert_eq!(f.first_response_s, None);
    assert_eq!(f.first_message_at, Some(at("2026-01-05T10:00:00Z")));
    // Both undated messages sort first, so the reply answers them both.
    assert_eq!((f.unanswered, f.awaiting_since), (0, None));
}

#[test]
fn a_session_ends_after_the_gap_without_a_message() {
    let history = [
        visitor(1, "2026-01-05T10:00:00Z"),
        operator(2, "2026-01-05T10:29:59Z"),
        visitor(3, "2026-01-05T10:59:58Z"),
        // Exactly the gap after the last message: a new session.
        operator(4, "2026-01-05T11:29:58Z"),
        visitor(5, "2026-01-05T11:31:00Z"),
        message(6).from_visitor().build(),
    ];
    let found = sessions(&history, DEFAULT_SESSION_GAP);
    assert_eq!(
        found,
        vec![
            Session {
                start: at("2026-01-05T10:00:00Z"),
                end: at("2026-01-05T10:59:58Z"),
                messages: 3,
            },
            Session {
                start: at("2026-01-05T11:29:58Z"),
                end: at("2026-01-05T11:31:00Z"),
                messages: 2,
            },
        ]
    );
    assert_eq!(found[0].length(), TimeDelta::seconds(59 * 60 + 58));
    assert_eq!(found[1].length(), TimeDelta::seconds(62));

    let one = sessions(&history, TimeDelta::hours(1));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].messages, 5);

    // The panel's one pass finds the same, in any order.
    let mut shuffled = history.to_vec();
    shuffled.reverse();
    assert_eq!(
        figures_and_sessions(&shuffled, DEFAULT_SESSION_GAP),
        (figures(&history), found)
    );
}
