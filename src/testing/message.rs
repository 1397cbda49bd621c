//! Messages built field by field from plain defaults.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::model::{Message, MessageId, Sender};

/// A message to build: `message(7).from_visitor().body("hi").at("2018-02-09T17:00:00Z")`.
///
/// Starts empty: no body, no time, a sender of no known type, no attachment,
/// no read flags, `raw_json` `"{}"`.
pub fn message(id: MessageId) -> MessageBuilder {
    MessageBuilder(Message::blank(id, Arc::from("{}")))
}

/// The visitor of the seed document (the API's example): David Smith.
pub fn seed_visitor() -> Sender {
    Sender::Visitor {
        name: Some("David Smith".into()),
        email: Some("visitor@gmail.com".into()),
    }
}

/// The operator of the seed document: John Smith.
pub fn seed_operator() -> Sender {
    Sender::Operator {
        forename: Some("John".into()),
        surname: Some("Smith".into()),
        email: Some("operator@gmail.com".into()),
    }
}

/// `minutes` minutes past 2018-02-09 17:00 UTC, the seed document's day.
pub fn minute(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2018, 2, 9, 17, 0, 0).unwrap() + Duration::minutes(minutes)
}

/// A read message at `minutes` past 2018-02-09 17:00 UTC, from the seed
/// visitor (sender id 7) or the seed operator (sender id 1), as the fake
/// server's `message_json` has them.
pub fn timed(id: MessageId, minutes: i64, visitor: bool, body: &str) -> Message {
    let builder = message(id)
        .body(body)
        .created_at(Some(minute(minutes)))
        .read_by(Some(true), Some(true));
    if visitor {
        builder.from_visitor().sender_id(7)
    } else {
        builder.from_operator().sender_id(1)
    }
    .build()
}

/// `n` messages, ids 1..=n, one a minute, alternating senders (visitor first).
pub fn messages(n: u64) -> Vec<Message> {
    (1..=n)
        .map(|id| {
            let minutes = i64::try_from(id).unwrap();
            timed(id, minutes, id % 2 == 1, &format!("message number {id}"))
        })
        .collect()
}

/// A message being built; see [`message`].
#[derive(Clone, Debug)]
#[must_use]
pub struct MessageBuilder(Message);

impl MessageBuilder {
    /// Another message's fields, to change some of them.
    pub fn like(message: Message) -> Self {
        MessageBuilder(message)
    }

    pub fn id(mut self, id: MessageId) -> Self {
        self.0.id = id;
        self
    }

    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.0.body = body.into();
        self
    }

    /// Sent at an RFC 3339 time, e.g. `"2018-02-09T17:18:50Z"`.
    pub fn at(self, time: &str) -> Self {
        let time = DateTime::parse_from_rfc3339(time)
            .unwrap()
            .with_timezone(&Utc);
        self.created_at(Some(time))
    }

    pub fn created_at(mut self, time: Option<DateTime<Utc>>) -> Self {
        self.0.created_at = time;
        self
    }

    pub fn sender(mut self, sender: Sender) -> Self {
        self.0.sender = sender;
        self
    }

    /// From the seed document's visitor, [`seed_visitor`].
    pub fn from_visitor(self) -> Self {
        self.sender(seed_visitor())
    }

    /// From the seed document's operator, [`seed_operator`].
    pub fn from_operator(self) -> Self {
        self.sender(seed_operator())
    }

    pub fn sender_id(mut self, id: u64) -> Self {
        self.0.sender_id = Some(id);
        self
    }

    /// The file name the archive kept for an attachment whose link it
    /// never keeps.
    pub fn archived_attachment(mut self, name: &str) -> Self {
        self.0.archived_attachment = Some(name.to_owned());
        self
    }

    pub fn file_url(mut self, url: Option<String>) -> Self {
        self.0.file_url = url;
        self
    }

    /// With an attachment at `url`.
    pub fn attachment(self, url: &str) -> Self {
        self.file_url(Some(url.to_owned()))
    }

    pub fn auto_invitation(mut self, auto_invitation: bool) -> Self {
        self.0.auto_invitation = auto_invitation;
        self
    }

    pub fn read_by_user(mut self, read: Option<bool>) -> Self {
        self.0.read_by_user = read;
        self
    }

    pub fn read_by_operator(mut self, read: Option<bool>) -> Self {
        self.0.read_by_operator = read;
        self
    }

    /// Both read flags: the visitor's, then the operator's.
    pub fn read_by(self, user: Option<bool>, operator: Option<bool>) -> Self {
        self.read_by_user(user).read_by_operator(operator)
    }

    /// The object as the server sent it.
    pub fn raw_json(mut self, raw: impl Into<Arc<str>>) -> Self {
        self.0.raw_json = Some(raw.into());
        self
    }

    pub fn build(self) -> Message {
        self.0
    }
}

impl From<MessageBuilder> for Message {
    fn from(builder: MessageBuilder) -> Self {
        builder.build()
    }
}
