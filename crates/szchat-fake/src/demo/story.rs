//! Writing a demo conversation: who speaks, when, and with what; the clock
//! and the message ids advance the way a real chat's do.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use crate::rng::PyRandom;

/// Time a message's writer takes at least, in seconds, before it is sent.
const MIN_PAUSE_SECS: i64 = 5;
/// Time a message's writer takes at most, in seconds, besides typing.
const MAX_PAUSE_SECS: i64 = 30;
/// Characters typed per second of delay.
const CHARS_PER_SECOND: i64 = 4;
/// Typing delay never exceeds this many seconds (long texts are pasted).
const MAX_TYPING_SECS: i64 = 150;
/// Other chats take ids in between: the next id is 1 to this many higher.
const MAX_ID_STEP: i64 = 40;
/// How often an operator message that was read still has `read_by_user: null`
/// (webhook payloads show that it can be).
const NULL_READ_SHARE: f64 = 0.12;

/// The `sender` object of a message, in the API's two shapes.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Sender {
    /// A visitor: `{id, name, email}`.
    Visitor {
        id: u64,
        name: String,
        email: Option<String>,
    },
    /// An operator: `{id, forename, surname, email, picture_thumb_url}`.
    Operator {
        id: u64,
        forename: String,
        surname: String,
        email: String,
        picture_thumb_url: Option<String>,
    },
}

impl Sender {
    /// A visitor sender.
    pub(crate) fn visitor(id: u64, name: &str, email: Option<&str>) -> Self {
        Sender::Visitor {
            id,
            name: name.to_owned(),
            email: email.map(str::to_owned),
        }
    }

    /// An operator sender.
    pub(crate) fn operator(
        id: u64,
        forename: &str,
        surname: &str,
        email: &str,
        picture_thumb_url: Option<&str>,
    ) -> Self {
        Sender::Operator {
            id,
            forename: forename.to_owned(),
            surname: surname.to_owned(),
            email: email.to_owned(),
            picture_thumb_url: picture_thumb_url.map(str::to_owned),
        }
    }

    fn sender_type(&self) -> &'static str {
        match self {
            Sender::Visitor { .. } => "user",
            Sender::Operator { .. } => "operator",
        }
    }
}

/// One message with the seed's fields, in the seed's field order (the order
/// the golden file was written in), plus the webhook's `type` and `rating`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct DemoMessage {
    pub(crate) id: u64,
    pub(crate) body: String,
    pub(crate) read_by_user: Option<bool>,
    pub(crate) created_at: String,
    pub(crate) file_url: Option<String>,
    pub(crate) auto_invitation: bool,
    pub(crate) sender_type: &'static str,
    pub(crate) read_by_operator: bool,
    pub(crate) sender: Sender,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rating: Option<u8>,
}

/// What is special about one message; `Extra::default()` is a plain, read
/// text message sent after the usual pause.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extra {
    wait_secs: i64,
    file: Option<String>,
    kind: Option<&'static str>,
    rating: Option<u8>,
    unread: bool,
    auto_invitation: bool,
}

/// Silence of `secs` seconds before the message, on top of the usual pause.
pub(crate) fn wait(secs: i64) -> Extra {
    Extra::default().wait(secs)
}

/// A message carrying the served file `name`.
pub(crate) fn file(name: &str) -> Extra {
    Extra::default().file(name)
}

impl Extra {
    /// Adds `secs` seconds of silence before the message.
    pub(crate) fn wait(mut self, secs: i64) -> Self {
        self.wait_secs += secs;
        self
    }

    /// Attaches the served file `name` (`file_url: "files/NAME"`).
    pub(crate) fn file(mut self, name: &str) -> Self {
        self.file = Some(name.to_owned());
        self
    }

    /// Sets the webhook `type` (otherwise "file" or "text").
    pub(crate) fn kind(mut self, kind: &'static str) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Sets the webhook `rating`.
    pub(crate) fn rating(mut self, stars: u8) -> Self {
        self.rating = Some(stars);
        self
    }

    /// The other side has not read the message.
    pub(crate) fn unread(mut self) -> Self {
        self.unread = true;
        self
    }

    /// The message is the widget's automatic invitation.
    pub(crate) fn auto_invitation(mut self) -> Self {
        self.auto_invitation = true;
        self
    }
}

/// A conversation being written: the clock, the next id and the messages so far.
pub(crate) struct Story {
    rng: PyRandom,
    clock: DateTime<Utc>,
    next_id: u64,
    messages: Vec<DemoMessage>,
}

impl Story {
    /// An empty conversation whose random choices come from `seed` and whose
    /// first message gets id `first_id`.
    pub(crate) fn new(seed: u64, first_id: u64) -> Self {
        Story {
            rng: PyRandom::new(seed),
            clock: DateTime::UNIX_EPOCH,
            next_id: first_id,
            messages: Vec::new(),
        }
    }

    /// Starts a chat session at `at` (whole seconds are used): the next
    /// message comes after the usual pause from there (right at `at` if it
    /// is the first message of all).
    pub(crate) fn session(&mut self, at: DateTime<Utc>) {
        self.clock = at;
    }

    /// The random numbers the story draws from, for choices in its text.
    pub(crate) fn rng(&mut self) -> &mut PyRandom {
        &mut self.rng
    }

    /// When the last message was sent (the session start before any).
    pub(crate) fn clock(&self) -> DateTime<Utc> {
        self.clock
    }

    /// Appends one plain message from `from`.
    pub(crate) fn say(&mut self, from: &Sender, body: &str) {
        self.say_with(from, body, Extra::default());
    }

    /// Appends one message from `from`, with something special about it.
    pub(crate) fn say_with(&mut self, from: &Sender, body: &str, extra: Extra) {
        if !self.messages.is_empty() {
            let typing = (i64::try_from(body.chars().count()).unwrap_or(i64::MAX)
                / CHARS_PER_SECOND)
                .min(MAX_TYPING_SECS);
            let pause = self.rng.randint(MIN_PAUSE_SECS, MAX_PAUSE_SECS);
            self.clock += TimeDelta::seconds(pause + typing + extra.wait_secs);
        }
        let millis = self.rng.randint(0, 999);
        let read = !extra.unread;
        let (read_by_user, read_by_operator) = match from {
            Sender::Visitor { .. } => (Some(true), read),
            Sender::Operator { .. } => {
                let unknown = read && self.rng.chance(NULL_READ_SHARE);
                ((!unknown).then_some(read), true)
            }
        };
        let kind = extra
            .kind
            .unwrap_or(if extra.file.is_some() { "file" } else { "text" });
        self.messages.push(DemoMessage {
            id: self.next_id,
            body: body.to_owned(),
            read_by_user,
            created_at: format!("{}.{millis:03}Z", self.clock.format("%Y-%m-%dT%H:%M:%S")),
            file_url: extra.file.map(|name| format!("files/{name}")),
            auto_invitation: extra.auto_invitation,
            sender_type: from.sender_type(),
            read_by_operator,
            sender: from.clone(),
            kind,
            rating: extra.rating,
        });
        let step = self.rng.randint(1, MAX_ID_STEP);
        self.next_id += u64::try_from(step).unwrap_or(1);
    }

    /// The messages written, oldest first.
    pub(crate) fn finish(self) -> Vec<DemoMessage> {
        self.messages
    }
}
