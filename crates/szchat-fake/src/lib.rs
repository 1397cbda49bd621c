//! A fake SignalZen HTTP server on 127.0.0.1, used by `szchat --demo` and by
//! the integration tests. It follows the documented API (visitors and their
//! messages, headers, paging rules, expiring attachment links), can grow a
//! conversation live, and, with the `faults` feature (for tests; the demo
//! carries none of it), injects faults on demand.
//!
//! It builds every answer from `serde_json::Value`s and never reuses the
//! client's wire types, so a bug in the client's parsing is not mirrored here.

mod demo;
#[cfg(feature = "faults")]
mod faults;
mod history;
mod links;
mod live;
mod reply;
mod rng;
mod routes;
mod visitors;

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

#[cfg(feature = "faults")]
pub use faults::{Chaos, Fault, Lies, UserLies};
pub use history::synthetic_messages;
use visitors::Conversation;
pub use visitors::{Visitor, synthetic_profile};

/// The visitor whose conversation the demo opens (Hana Whitfield).
pub const DEMO_USER_ID: u64 = 4821;
/// The API secret the demo server expects in `Authorization: Bearer ...`.
pub const DEMO_SECRET: &str = "demo-secret";
/// How long an attachment link stays valid after the response that carried it.
pub const LINK_TTL: Duration = Duration::from_secs(20);

/// The order the list endpoint serves messages in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ServeOrder {
    /// Offset 0 is the oldest message (what the documented sample shows).
    #[default]
    OldestFirst,
    /// Offset 0 is the newest message.
    NewestFirst,
}

/// A conversation that grows by itself while the server runs, the way a
/// live chat does: one message every `every`, at most `limit` of them.
#[derive(Clone, Debug)]
pub struct LiveChat {
    /// The visitor whose conversation grows; its `online_at` follows along.
    pub user_id: u64,
    /// The time between two new messages (at least a millisecond).
    pub every: Duration,
    /// How many messages it adds in all, so a server left running for days
    /// does not grow without bound.
    pub limit: usize,
    /// What is said, and by whom, follows from this seed alone.
    pub seed: u64,
}

/// Everything the fake server serves and how it misbehaves.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// The API secret expected after `Authorization: Bearer `.
    pub secret: String,
    /// The first visitor, whose conversation `messages` is. User ids that are
    /// neither this nor in `other_visitors` get 404.
    pub user_id: u64,
    /// Messages oldest-first, each a JSON object shaped like the seed's message objects.
    /// A `file_url` that is a relative path like "files/invoice.pdf" is served by this
    /// server: the response rewrites it into an absolute expiring URL on this server.
    /// An absolute one (anything containing ':') is passed through untouched.
    pub messages: Vec<Value>,
    /// The user object of `user_id` (its `id` is always served as `user_id`).
    pub profile: Value,
    /// More visitors, each with its user object and conversation. `GET
    /// /external/users` lists them all by id; a repeated id replaces the
    /// earlier visitor.
    pub other_visitors: Vec<Visitor>,
    /// Attachment bytes by name, served under `/files/{name}`.
    pub files: Vec<(String, Vec<u8>)>,
    /// The order the list endpoint serves messages in.
    pub order: ServeOrder,
    /// Added to every `/external` request.
    pub latency: Duration,
    /// Faults for particular requests.
    #[cfg(feature = "faults")]
    pub faults: Vec<Fault>,
    /// Random faults, for requests no explicit fault targets.
    #[cfg(feature = "faults")]
    pub chaos: Option<Chaos>,
    /// After each list request is answered (200), this many new messages are
    /// appended (newest), so offsets shift between requests the way a live
    /// conversation does.
    pub growth_per_request: usize,
    /// Growth stops once it has added this many messages in all; `None` grows
    /// forever. A history that never stops growing can never be fully loaded,
    /// so tests that check for completeness set a limit.
    pub growth_limit: Option<usize>,
    /// How long attachment links stay valid after the response carrying them.
    pub link_ttl: Duration,
    /// A conversation that grows on a timer; `None` (the default) keeps
    /// every history still unless requests grow it.
    pub live: Option<LiveChat>,
    /// What the list endpoint lies about (nothing by default).
    #[cfg(feature = "faults")]
    pub lies: Lies,
    /// What the visitor list lies about (nothing by default).
    #[cfg(feature = "faults")]
    pub user_lies: UserLies,
}

impl FakeConfig {
    /// A well-behaved server for one visitor, `user_id`, with these messages
    /// (oldest first), a plain user object (see [`Visitor::new`]) and no
    /// files, faults or growth.
    #[must_use]
    pub fn new(secret: &str, user_id: u64, messages: Vec<Value>) -> Self {
        FakeConfig {
            secret: secret.to_owned(),
            user_id,
            profile: visitors::profile_for(user_id, &messages),
            messages,
            other_visitors: Vec::new(),
            files: Vec::new(),
            order: ServeOrder::default(),
            latency: Duration::ZERO,
            #[cfg(feature = "faults")]
            faults: Vec::new(),
            #[cfg(feature = "faults")]
            chaos: None,
            growth_per_request: 0,
            growth_limit: None,
            link_ttl: LINK_TTL,
            live: None,
            #[cfg(feature = "faults")]
            lies: Lies::default(),
            #[cfg(feature = "faults")]
            user_lies: UserLies::default(),
        }
    }

    /// The demo as of now: visitor [`DEMO_USER_ID`] and nine more, with their
    /// conversations and attachments, behind [`DEMO_SECRET`], and one live
    /// chat. Built in memory, so it works offline from any directory.
    #[must_use]
    pub fn demo() -> Self {
        demo::config(Utc::now())
    }

    /// The demo as it would be started at `now`: every visitor but Hana
    /// Whitfield (whose week is fixed in November 2026) is dated relative to it.
    #[must_use]
    pub fn demo_at(now: DateTime<Utc>) -> Self {
        demo::config(now)
    }
}

/// One request the server saw, for test assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The raw query string, without the `?`.
    pub query: Option<String>,
    /// The status answered; `None` while the request is still being answered
    /// or when the connection was dropped without an answer.
    pub status: Option<u16>,
    pub received_at: Instant,
}

/// A running fake server; stops serving (and growing) when dropped.
pub struct FakeServer {
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    live: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Binds 127.0.0.1 on a free port and serves on the current tokio runtime.
    ///
    /// # Errors
    /// When no local port can be bound.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let live = config.live.clone();
        let shared = Arc::new(Shared::new(config, addr));
        let app = routes::router(Arc::clone(&shared));
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown_signal = async {
                // Either an explicit signal or the sender being dropped.
                let _ = stopped.await;
            };
            // axum's accept loop retries failed accepts itself; it only ends on shutdown.
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown_signal)
                .await;
        });
        let live = live.map(|chat| tokio::spawn(live::run(Arc::clone(&shared), chat)));
        Ok(FakeServer {
            shared,
            shutdown: Some(shutdown),
            live,
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    #[must_use]
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// How many requests to `/external/...` arrived so far.
    #[must_use]
    pub fn request_count(&self) -> u64 {
        self.shared.external_requests.load(Ordering::SeqCst)
    }

    /// The most API requests that were being answered at the same time.
    #[must_use]
    pub fn max_in_flight(&self) -> u64 {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// The current length of the first visitor's history (grows with
    /// `growth_per_request`).
    #[must_use]
    pub fn message_count(&self) -> usize {
        let state = self.shared.state();
        state
            .visitors
            .get(&self.shared.first_user_id)
            .map_or(0, |c| c.messages.len())
    }

    /// The first visitor's current history, oldest first, as configured
    /// (relative `file_url`s are not rewritten).
    #[must_use]
    pub fn messages(&self) -> Vec<Value> {
        self.messages_of(self.shared.first_user_id)
            .unwrap_or_default()
    }

    /// A visitor's current history, oldest first, as configured; `None` for
    /// an unknown visitor.
    #[must_use]
    pub fn messages_of(&self, user_id: u64) -> Option<Vec<Value>> {
        let state = self.shared.state();
        state.visitors.get(&user_id).map(|c| c.messages.clone())
    }

    /// A visitor's user object as it is served now; `None` for an unknown visitor.
    #[must_use]
    pub fn profile_of(&self, user_id: u64) -> Option<Value> {
        let state = self.shared.state();
        state.visitors.get(&user_id).map(|c| c.profile.clone())
    }

    /// Deletes message `id` from the first visitor's history, as an operator
    /// deleting it in the console would: the list gets shorter and every
    /// later offset moves down by one. False if there was no such message.
    #[cfg(feature = "faults")]
    pub fn delete_message(&self, id: u64) -> bool {
        let mut state = self.shared.state();
        let Some(conversation) = state.visitors.get_mut(&self.shared.first_user_id) else {
            return false;
        };
        let before = conversation.messages.len();
        conversation
            .messages
            .retain(|message| message.get("id").and_then(Value::as_u64) != Some(id));
        conversation.messages.len() < before
    }

    /// Appends `messages` (newest) to visitor `user_id`'s history, as new
    /// messages of a chat arriving between two syncs would. False for an
    /// unknown visitor.
    pub fn append_messages(&self, user_id: u64, messages: Vec<Value>) -> bool {
        let mut state = self.shared.state();
        let Some(conversation) = state.visitors.get_mut(&user_id) else {
            return false;
        };
        conversation.messages.extend(messages);
        true
    }

    /// Every request seen so far (API and files), in arrival order.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(live) = self.live.take() {
            live.abort();
        }
        if let Some(shutdown) = self.shutdown.take() {
            // The serving task may already be gone with its runtime; nothing to do then.
            let _ = shutdown.send(());
        }
    }
}

/// The state shared by the handle and the request handlers.
struct Shared {
    secret: String,
    /// `FakeConfig::user_id`, whose history `FakeServer::messages` returns.
    first_user_id: u64,
    order: ServeOrder,
    latency: Duration,
    #[cfg(feature = "faults")]
    faults: Vec<Fault>,
    #[cfg(feature = "faults")]
    chaos: Option<Chaos>,
    growth_per_request: usize,
    growth_limit: Option<usize>,
    #[cfg(feature = "faults")]
    lies: Lies,
    #[cfg(feature = "faults")]
    user_lies: UserLies,
    files: HashMap<String, Bytes>,
    links: links::Signer,
    base_url: String,
    external_requests: AtomicU64,
    /// API requests being answered now, and the most there ever were at once.
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    state: Mutex<State>,
}

/// The part that changes while serving.
struct State {
    /// Every visitor by id: what `GET /external/users` lists, in this order.
    visitors: BTreeMap<u64, Conversation>,
    requests: Vec<RecordedRequest>,
    /// Messages growth has added so far.
    grown: usize,
    /// List requests answered so far.
    list_answers: usize,
}

impl Shared {
    fn new(config: FakeConfig, addr: SocketAddr) -> Self {
        let base_url = format!("http://{addr}");
        let mut visitors = BTreeMap::new();
        visitors.insert(
            config.user_id,
            Conversation::new(config.user_id, config.profile, config.messages),
        );
        for visitor in config.other_visitors {
            visitors.insert(
                visitor.id,
                Conversation::new(visitor.id, visitor.profile, visitor.messages),
            );
        }
        Shared {
            secret: config.secret,
            first_user_id: config.user_id,
            order: config.order,
            latency: config.latency,
            #[cfg(feature = "faults")]
            faults: config.faults,
            #[cfg(feature = "faults")]
            chaos: config.chaos,
            growth_per_request: config.growth_per_request,
            growth_limit: config.growth_limit,
            #[cfg(feature = "faults")]
            lies: config.lies,
            #[cfg(feature = "faults")]
            user_lies: config.user_lies,
            files: config
                .files
                .into_iter()
                .map(|(name, bytes)| (name, Bytes::from(bytes)))
                .collect(),
            links: links::Signer::new(base_url.clone(), config.link_ttl),
            base_url,
            external_requests: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            max_in_flight: AtomicU64::new(0),
            state: Mutex::new(State {
                visitors,
                requests: Vec::new(),
                grown: 0,
                list_answers: 0,
            }),
        }
    }

    /// Locks the mutable state. A panicking handler cannot leave it half
    /// updated in a way that matters to a test double, so poisoning is ignored.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
