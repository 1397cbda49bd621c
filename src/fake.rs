//! A fake SignalZen HTTP server on 127.0.0.1, used by `szchat --demo` and by
//! the integration tests. It follows the documented API (headers, paging
//! rules, expiring attachment links) and can inject faults on demand.
//!
//! It builds every answer from `serde_json::Value`s and never reuses the
//! client's wire types, so a bug in the client's parsing is not mirrored here.

mod demo;
mod faults;
mod history;
mod links;
mod routes;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use faults::Lies;
pub use history::synthetic_messages;

/// The visitor whose conversation the demo serves.
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

/// A fault injected into one request to `/external/...`; `nth` counts every
/// such request, starting at 1.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status (and `Retry-After` header, if given) instead.
    Status {
        nth: u64,
        status: u16,
        retry_after: Option<String>,
    },
    /// Answer 200 with a body that is not JSON at all (an HTML maintenance
    /// page), while still claiming `Content-Type: application/json`.
    Malformed { nth: u64 },
    /// Send the real status and headers, with `Content-Length` of the full
    /// body, then only the first half of the body, then close the connection.
    /// A client sees the status, then an error while reading the body.
    Truncated { nth: u64 },
    /// Close the connection after reading the request, without answering.
    Drop { nth: u64 },
    /// Wait this long before answering (on top of `FakeConfig::latency`).
    /// Combines with another fault for the same request.
    Delay { nth: u64, delay: Duration },
}

/// Random faults drawn from a seeded generator: the same seed gives the same
/// outcome for the same request number, however requests interleave.
#[derive(Clone, Debug)]
pub struct Chaos {
    pub seed: u64,
    /// Probability of a 500 or 503.
    pub p_5xx: f64,
    /// Probability of a 429 (sometimes with `Retry-After: 1`).
    pub p_429: f64,
    /// Probability of closing the connection without an answer.
    pub p_drop: f64,
    /// Probability of a truncated body (see [`Fault::Truncated`]).
    pub p_truncate: f64,
    /// Each request waits a random time up to this.
    pub max_latency: Duration,
}

/// Everything the fake server serves and how it misbehaves.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// The API secret expected after `Authorization: Bearer `.
    pub secret: String,
    /// The only visitor that exists; other user ids get 404.
    pub user_id: u64,
    /// Messages oldest-first, each a JSON object shaped like the seed's message objects.
    /// A `file_url` that is a relative path like "files/invoice.pdf" is served by this
    /// server: the response rewrites it into an absolute expiring URL on this server.
    /// An absolute one (anything containing ':') is passed through untouched.
    pub messages: Vec<Value>,
    /// Attachment bytes by name, served under `/files/{name}`.
    pub files: Vec<(String, Vec<u8>)>,
    /// The order the list endpoint serves messages in.
    pub order: ServeOrder,
    /// Added to every `/external` request.
    pub latency: Duration,
    /// Faults for particular requests.
    pub faults: Vec<Fault>,
    /// Random faults, for requests no explicit fault targets.
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
    /// What the list endpoint lies about (nothing by default).
    pub lies: Lies,
}

impl FakeConfig {
    /// A well-behaved server for `user_id` with these messages (oldest first)
    /// and no files, faults or growth.
    #[must_use]
    pub fn new(secret: &str, user_id: u64, messages: Vec<Value>) -> Self {
        FakeConfig {
            secret: secret.to_owned(),
            user_id,
            messages,
            files: Vec::new(),
            order: ServeOrder::default(),
            latency: Duration::ZERO,
            faults: Vec::new(),
            chaos: None,
            growth_per_request: 0,
            growth_limit: None,
            link_ttl: LINK_TTL,
            lies: Lies::default(),
        }
    }

    /// The embedded demo conversation of visitor [`DEMO_USER_ID`], with its
    /// attachments, behind [`DEMO_SECRET`]. Works from any working directory.
    #[must_use]
    pub fn demo() -> Self {
        demo::config()
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

/// A running fake server; stops serving when dropped.
pub struct FakeServer {
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl FakeServer {
    /// Binds 127.0.0.1 on a free port and serves on the current tokio runtime.
    ///
    /// # Errors
    /// When no local port can be bound.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakeServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
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
        Ok(FakeServer {
            shared,
            shutdown: Some(shutdown),
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

    /// The current history length (grows with `growth_per_request`).
    #[must_use]
    pub fn message_count(&self) -> usize {
        self.shared.state().messages.len()
    }

    /// The server's current history, oldest first, as configured (relative
    /// `file_url`s are not rewritten).
    #[must_use]
    pub fn messages(&self) -> Vec<Value> {
        self.shared.state().messages.clone()
    }

    /// Every request seen so far (API and files), in arrival order.
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.state().requests.clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The serving task may already be gone with its runtime; nothing to do then.
            let _ = shutdown.send(());
        }
    }
}

/// The state shared by the handle and the request handlers.
struct Shared {
    secret: String,
    user_id: u64,
    order: ServeOrder,
    latency: Duration,
    faults: Vec<Fault>,
    chaos: Option<Chaos>,
    growth_per_request: usize,
    growth_limit: Option<usize>,
    lies: Lies,
    files: HashMap<String, Bytes>,
    links: links::Signer,
    base_url: String,
    external_requests: AtomicU64,
    state: Mutex<State>,
}

/// The part that changes while serving.
struct State {
    messages: Vec<Value>,
    requests: Vec<RecordedRequest>,
    /// Messages growth has added so far.
    grown: usize,
    /// List requests answered so far.
    list_answers: usize,
}

impl Shared {
    fn new(config: FakeConfig, addr: SocketAddr) -> Self {
        let base_url = format!("http://{addr}");
        Shared {
            secret: config.secret,
            user_id: config.user_id,
            order: config.order,
            latency: config.latency,
            faults: config.faults,
            chaos: config.chaos,
            growth_per_request: config.growth_per_request,
            growth_limit: config.growth_limit,
            lies: config.lies,
            files: config
                .files
                .into_iter()
                .map(|(name, bytes)| (name, Bytes::from(bytes)))
                .collect(),
            links: links::Signer::new(base_url.clone(), config.link_ttl),
            base_url,
            external_requests: AtomicU64::new(0),
            state: Mutex::new(State {
                messages: config.messages,
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
