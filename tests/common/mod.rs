//! Shared test helpers: message builders and a driver that runs the real
//! fetch task against a real HTTP server, feeding answers into the state.
#![allow(dead_code)]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use szchat::api::client::{ApiClient, ApiConfig};
use szchat::api::retry::RetryPolicy;
use szchat::fetch::{self, FetchEvent, FetchRequest};
use szchat::model::{Message, Page, Sender};
use szchat::secret::Secret;
use szchat::state::{AppState, Effect};

/// A message at `minute` minutes past 2018-02-09 17:00 UTC.
pub fn message(id: u64, minute: i64, visitor: bool, body: &str) -> Message {
    Message {
        id,
        body: body.to_owned(),
        created_at: Some(
            Utc.with_ymd_and_hms(2018, 2, 9, 17, 0, 0).unwrap() + chrono::Duration::minutes(minute),
        ),
        sender: if visitor {
            Sender::Visitor {
                name: Some("David Smith".into()),
                email: Some("visitor@gmail.com".into()),
            }
        } else {
            Sender::Operator {
                forename: Some("John".into()),
                surname: Some("Smith".into()),
                email: Some("operator@gmail.com".into()),
            }
        },
        file_url: None,
        auto_invitation: false,
        read_by_user: Some(true),
        read_by_operator: Some(true),
    }
}

/// `n` messages, ids 1..=n, one a minute, alternating senders.
pub fn messages(n: u64) -> Vec<Message> {
    (1..=n)
        .map(|id| message(id, id as i64, id % 2 == 1, &format!("message number {id}")))
        .collect()
}

/// The answer a server paging `history` (oldest first) would give.
pub fn page_of(history: &[Message], offset: u64, limit: u32, newest_first: bool) -> Page {
    let mut ordered = history.to_vec();
    if newest_first {
        ordered.reverse();
    }
    let start = (offset as usize).min(ordered.len());
    let end = (start + limit as usize).min(ordered.len());
    Page {
        offset,
        limit: u64::from(limit),
        total: ordered.len() as u64,
        messages: ordered[start..end].to_vec(),
    }
}

/// The page requests among `effects`.
pub fn page_requests(effects: &[Effect]) -> Vec<szchat::paging::PageRequest> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Fetch(FetchRequest::Page(request)) => Some(*request),
            _ => None,
        })
        .collect()
}

/// Answers every page request from `history` until the state asks for nothing more.
pub fn serve_all(
    state: &mut AppState,
    mut effects: Vec<Effect>,
    history: &[Message],
    newest_first: bool,
) {
    for _ in 0..10_000 {
        let Some(request) = page_requests(&effects).first().copied() else {
            return;
        };
        let page = page_of(history, request.offset, request.limit.get(), newest_first);
        effects = state.apply(FetchEvent::Page {
            request,
            result: Ok(page),
        });
    }
    panic!("the state never stopped asking for pages");
}

/// A client for `base_url` with quick retries, as tests want.
pub fn client(base_url: &str, secret: &str, user_id: u64) -> ApiClient {
    let mut config = ApiConfig::new(base_url, Secret::new(secret).unwrap(), user_id);
    config.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(2),
    };
    config.request_timeout = Duration::from_secs(5);
    ApiClient::new(config).unwrap()
}

/// Runs the real fetch task for `state`: carries out its fetch effects and
/// applies the answers until `done(state)` or the state goes quiet.
pub struct Driver {
    requests: mpsc::UnboundedSender<FetchRequest>,
    events: mpsc::Receiver<FetchEvent>,
    in_flight: usize,
    /// Every other effect the state asked for (open, copy), in order.
    pub other_effects: Vec<Effect>,
}

impl Driver {
    pub fn new(client: ApiClient) -> Self {
        let (requests, request_rx) = mpsc::unbounded_channel();
        let (event_tx, events) = mpsc::channel(fetch::EVENT_BUFFER);
        fetch::spawn(client, request_rx, event_tx);
        Self {
            requests,
            events,
            in_flight: 0,
            other_effects: Vec::new(),
        }
    }

    pub fn carry_out(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Fetch(request) => {
                    self.in_flight += 1;
                    self.requests.send(request).unwrap();
                }
                other => self.other_effects.push(other),
            }
        }
    }

    /// Applies answers until nothing is in flight (or `limit` passes).
    pub async fn settle(&mut self, state: &mut AppState) {
        let limit = Duration::from_secs(30);
        let deadline = tokio::time::Instant::now() + limit;
        while self.in_flight > 0 {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .expect("the fetch task answered in time")
                .expect("the fetch task is alive");
            if !matches!(event, FetchEvent::Retrying { .. }) {
                self.in_flight -= 1;
            }
            let effects = state.apply(event);
            self.carry_out(effects);
        }
    }
}

/// The seed's sample page, verbatim.
pub const SEED_PAGE: &str = r#"{
  "limit": 50,
  "offset": 0,
  "total": 2,
  "messages": [
    {
      "id": 1,
      "body": "test chat message",
      "read_by_user": true,
      "created_at": "2018-02-09T17:18:50.000Z",
      "file_url": null,
      "auto_invitation": false,
      "sender_type": "user",
      "read_by_operator": true,
      "sender": {
        "id": 1,
        "name": "David Smith",
        "email": "visitor@gmail.com"
      }
    },
    {
      "id": 2,
      "body": "test response from operator",
      "read_by_user": false,
      "created_at": "2018-02-09T18:18:38.000Z",
      "file_url": null,
      "auto_invitation": false,
      "sender_type": "operator",
      "read_by_operator": true,
      "sender": {
        "id": 1,
        "forename": "John",
        "surname": "Smith",
        "email": "operator@gmail.com",
        "picture_thumb_url": null
      }
    }
  ]
}"#;

/// The seed's single-message example, verbatim.
pub const SEED_MESSAGE: &str = r#"{
  "id": 1234,
  "body": "test chat message",
  "read_by_user": true,
  "created_at": "2018-02-09T17:18:50.000Z",
  "file_url": null,
  "auto_invitation": false,
  "sender_type": "user",
  "read_by_operator": true,
  "sender": {
    "id": 1,
    "name": "David Smith",
    "email": "visitor@gmail.com"
  }
}"#;

/// The seed's two sample messages as JSON values, for the fake server.
pub fn seed_messages_json() -> Vec<Value> {
    let page: Value = serde_json::from_str(SEED_PAGE).unwrap();
    page["messages"].as_array().unwrap().clone()
}

/// A message JSON object like the seed's, for the fake server.
pub fn message_json(
    id: u64,
    minute: i64,
    visitor: bool,
    body: &str,
    file_url: Option<&str>,
) -> Value {
    let created =
        Utc.with_ymd_and_hms(2018, 2, 9, 17, 0, 0).unwrap() + chrono::Duration::minutes(minute);
    let sender = if visitor {
        json!({"id": 7, "name": "David Smith", "email": "visitor@gmail.com"})
    } else {
        json!({"id": 1, "forename": "John", "surname": "Smith", "email": "operator@gmail.com", "picture_thumb_url": null})
    };
    json!({
        "id": id,
        "body": body,
        "read_by_user": true,
        "created_at": created.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "file_url": file_url,
        "auto_invitation": false,
        "sender_type": if visitor { "user" } else { "operator" },
        "read_by_operator": true,
        "sender": sender,
    })
}
