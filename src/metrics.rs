//! The operator's figures for one conversation (issue 17): how many messages,
//! how long the visitor waited for each answer, whether they wait now, and
//! the sessions the conversation falls into. Pure: messages in, figures out.
//!
//! The figures depend only on the messages, never on the order they came in:
//! [`figures`] and [`sessions`] sort by the conversation's own order first,
//! and [`Tally`] takes messages already in that order (the archive's query).

pub mod wording;

use chrono::{DateTime, TimeDelta, Utc};

use crate::model::{Message, Sender, SortKey};

/// How long without a message starts a new session, unless configured.
pub const DEFAULT_SESSION_GAP: TimeDelta = TimeDelta::minutes(30);

/// What a message counts as in the figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Written by the visitor (`sender_type` user): may start a wait.
    Visitor,
    /// An operator's message that is not an auto-invitation: ends a wait.
    Reply,
    /// An operator's automatic greeting: never a reply.
    AutoInvitation,
    /// Any other sender, or an entry that could not be read.
    Other,
}

impl Role {
    /// The role `message` plays.
    pub fn of(message: &Message) -> Role {
        match message.sender {
            Sender::Visitor { .. } => Role::Visitor,
            Sender::Operator { .. } if message.auto_invitation => Role::AutoInvitation,
            Sender::Operator { .. } => Role::Reply,
            Sender::Other { .. } => Role::Other,
        }
    }
}

/// The figures of one conversation, as the report's columns name them.
/// Durations are whole seconds; `None` is an empty cell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub messages: u64,
    pub visitor_messages: u64,
    pub operator_messages: u64,
    pub first_message_at: Option<DateTime<Utc>>,
    pub last_message_at: Option<DateTime<Utc>>,
    pub first_response_s: Option<i64>,
    pub median_response_s: Option<i64>,
    pub longest_wait_s: Option<i64>,
    pub unanswered: u64,
    pub awaiting_since: Option<DateTime<Utc>>,
}

impl Figures {
    /// True when the visitor's last messages have no reply yet.
    pub fn is_waiting(&self) -> bool {
        self.unanswered > 0
    }
}

/// The figures built one message at a time, oldest first (the conversation's
/// order: `created_at`, then id, undated messages first).
///
/// A wait is measured only when both its first visitor message and the reply
/// have a time; an undated visitor message still counts as unanswered.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    messages: u64,
    visitor_messages: u64,
    operator_messages: u64,
    first_message_at: Option<DateTime<Utc>>,
    last_message_at: Option<DateTime<Utc>>,
    answered_waits: Vec<i64>,
    unanswered: u64,
    awaiting_since: Option<DateTime<Utc>>,
}

impl Tally {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts the next message in conversation order: its role and time.
    pub fn add(&mut self, role: Role, at: Option<DateTime<Utc>>) {
        self.messages += 1;
        if let Some(at) = at {
            // Earliest and latest by value: undated messages sort first, so
            // the first dated one is not always the first one added.
            self.first_message_at = Some(self.first_message_at.map_or(at, |t| t.min(at)));
            self.last_message_at = Some(self.last_message_at.map_or(at, |t| t.max(at)));
        }
        match role {
            Role::Visitor => {
                self.visitor_messages += 1;
                self.unanswered += 1;
                self.awaiting_since = self.awaiting_since.or(at);
            }
            Role::Reply => {
                self.operator_messages += 1;
                if let (Some(start), Some(end)) = (self.awaiting_since, at) {
                    self.answered_waits.push((end - start).num_seconds().max(0));
                }
                self.unanswered = 0;
                self.awaiting_since = None;
            }
            Role::AutoInvitation | Role::Other => {}
        }
    }

    /// The figures of everything added.
    pub fn finish(self) -> Figures {
        let first_response_s = self.answered_waits.first().copied();
        let mut waits = self.answered_waits;
        waits.sort_unstable();
        Figures {
            messages: self.messages,
            visitor_messages: self.visitor_messages,
            operator_messages: self.operator_messages,
            first_message_at: self.first_message_at,
            last_message_at: self.last_message_at,
            first_response_s,
            median_response_s: median(&waits),
            longest_wait_s: waits.last().copied(),
            unanswered: self.unanswered,
            awaiting_since: self.awaiting_since,
        }
    }
}

/// The median of `sorted`; for an even count the mean of the two middle
/// values, rounded down.
fn median(sorted: &[i64]) -> Option<i64> {
    let middle = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[middle]),
        _ => Some((sorted[middle - 1] + sorted[middle]).div_euclid(2)),
    }
}

/// `messages` in conversation order, whatever order they came in.
fn in_order<'a>(messages: impl IntoIterator<Item = &'a Message>) -> Vec<&'a Message> {
    let mut sorted: Vec<&Message> = messages.into_iter().collect();
    sorted.sort_by_key(|m| m.sort_key());
    sorted
}

/// The figures of `messages`, in any order.
pub fn figures<'a>(messages: impl IntoIterator<Item = &'a Message>) -> Figures {
    let mut tally = Tally::new();
    for message in in_order(messages) {
        tally.add(Role::of(message), message.created_at);
    }
    tally.finish()
}

/// The figures of messages given one at a time in any order, keeping of
/// each only what the figures need (its place, role and time), not the
/// message: for a transcript written as its pages arrive.
#[derive(Clone, Debug, Default)]
pub struct UnorderedTally(Vec<(SortKey, Role, Option<DateTime<Utc>>)>);

impl UnorderedTally {
    pub fn add(&mut self, message: &Message) {
        self.0
            .push((message.sort_key(), Role::of(message), message.created_at));
    }

    /// The figures of everything added, as [`figures`] gives them.
    pub fn finish(mut self) -> Figures {
        self.0.sort_by_key(|(key, ..)| *key);
        let mut tally = Tally::new();
        for (_, role, at) in self.0 {
            tally.add(role, at);
        }
        tally.finish()
    }
}

/// A stretch of the conversation without a pause of the session gap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Dated messages in it.
    pub messages: u64,
}

impl Session {
    /// From its first message to its last.
    pub fn length(&self) -> TimeDelta {
        self.end - self.start
    }
}

/// True when a message at `next` starts a new session after one at
/// `previous`: `gap` or more passed between them.
pub fn starts_session(previous: DateTime<Utc>, next: DateTime<Utc>, gap: TimeDelta) -> bool {
    next - previous >= gap
}

/// The sessions of `messages`, in any order, oldest first. Undated messages
/// cannot be placed in time and belong to none.
pub fn sessions<'a>(
    messages: impl IntoIterator<Item = &'a Message>,
    gap: TimeDelta,
) -> Vec<Session> {
    let mut out = Vec::new();
    for message in in_order(messages) {
        add_to_sessions(&mut out, message.created_at, gap);
    }
    out
}

/// One conversation's figures and sessions, as the `m` panel shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationFigures {
    pub figures: Figures,
    pub sessions: Vec<Session>,
    /// The gap the sessions were split by.
    pub gap: TimeDelta,
}

impl ConversationFigures {
    /// The figures of `messages`, sessions split by `gap`.
    pub fn of<'a>(messages: impl IntoIterator<Item = &'a Message>, gap: TimeDelta) -> Self {
        let (figures, sessions) = figures_and_sessions(messages, gap);
        Self {
            figures,
            sessions,
            gap,
        }
    }
}

/// [`figures`] and [`sessions`] of `messages` in one pass, as the `m`
/// panel shows them: on a long history the walk over the messages is the
/// cost, so it is made once.
pub fn figures_and_sessions<'a>(
    messages: impl IntoIterator<Item = &'a Message>,
    gap: TimeDelta,
) -> (Figures, Vec<Session>) {
    let mut tally = Tally::new();
    let mut sessions = Vec::new();
    for message in in_order(messages) {
        tally.add(Role::of(message), message.created_at);
        add_to_sessions(&mut sessions, message.created_at, gap);
    }
    (tally.finish(), sessions)
}

/// Counts a message at `at` (the next in conversation order) into the
/// sessions so far; an undated one into none.
fn add_to_sessions(sessions: &mut Vec<Session>, at: Option<DateTime<Utc>>, gap: TimeDelta) {
    let Some(at) = at else {
        return;
    };
    match sessions.last_mut() {
        Some(session) if !starts_session(session.end, at, gap) => {
            session.end = at;
            session.messages += 1;
        }
        _ => sessions.push(Session {
            start: at,
            end: at,
            messages: 1,
        }),
    }
}

#[cfg(test)]
mod tests;
