//! Chaos soak: a 20,000-message history behind a fake server that fails at
//! random (5xx, 429 with and without `Retry-After`, dropped connections,
//! truncated bodies) and answers slowly, in both server orders, while the
//! history grows for a while. The whole history must load, in order, nothing
//! lost or doubled, and no request the app sends is attempted more often than
//! the shipped retry policy allows. Prints its figures.
//!
//! Ignored by default (about two minutes, mostly waiting out `Retry-After`). Run it with
//!
//! ```sh
//! cargo test --test soak -- --ignored --nocapture
//! ```
//!
//! `SOAK_SEED=N` picks another chaos seed (the default is fixed, so a run is
//! repeatable); `SOAK_MESSAGES=N` another history length.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use common::{Driver, RecordingDesktop};

use szchat::action::Action;
use szchat::api::client::{ApiClient, ApiConfig};
use szchat::api::retry::{DEFAULT_MAX_ATTEMPTS, RetryPolicy};
use szchat::app::App;
use szchat::concurrency::Concurrency;
use szchat::fetch::{self, FetchRequest};
use szchat::paging::{PageRequest, PageSize};
use szchat::secret::Secret;
use szchat::state::{AppState, ConversationSettings, LoadState};
use szchat::timefmt::LocalZone;
use szchat_fake::{Chaos, FakeConfig, FakeServer, ServeOrder, synthetic_messages};

const SECRET: &str = "soak-secret";
const USER: u64 = 4821;
const MESSAGES: usize = 20_000;
const DEFAULT_SEED: u64 = 0x5EED_50AC;
/// New messages after each answer, for the first answers.
const GROWTH_PER_REQUEST: usize = 1;
const GROWTH_LIMIT: usize = 100;
/// The whole soak must finish within this, or it fails.
const DEADLINE: Duration = Duration::from_secs(600);
/// How often the reader may have to press `r` after a page failed on every
/// attempt before the soak counts it as a failure. With the chaos below a
/// page fails all its attempts about once in 40,000.
const MAX_MANUAL_RETRIES: usize = 3;

fn chaos(seed: u64) -> Chaos {
    Chaos {
        seed,
        p_5xx: 0.04,
        p_429: 0.03,
        p_drop: 0.025,
        p_truncate: 0.025,
        max_latency: Duration::from_millis(10),
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What one soak run measured.
#[derive(Debug)]
struct Figures {
    order: ServeOrder,
    concurrency: u8,
    messages: usize,
    page_requests: usize,
    server_requests: usize,
    retries: usize,
    manual_retries: usize,
    most_attempts: usize,
    seconds: f64,
}

/// The app's client with the shipped retry policy; only the timeout is
/// shorter, so that a hung request would show up as a failure, not a stall.
fn client(base_url: &str) -> ApiClient {
    let mut config = ApiConfig::new(base_url, Secret::new(SECRET).unwrap(), USER);
    config.retry = RetryPolicy::default();
    config.request_timeout = Duration::from_secs(10);
    ApiClient::new(config).unwrap()
}

/// The app's own loop on a test terminal, with the real fetch task behind a
/// tap that records every page request on its way. `settle` presses `r`
/// when a page failed on every attempt, until the state asks for nothing more.
struct Loop {
    driver: Driver,
    sent: Arc<Mutex<Vec<PageRequest>>>,
    manual_retries: usize,
}

impl Loop {
    fn new(client: ApiClient, state: AppState) -> Self {
        let (requests, mut tapped) = mpsc::unbounded_channel();
        let (to_fetcher, request_rx) = mpsc::unbounded_channel();
        let (event_tx, events) = mpsc::channel(fetch::EVENT_BUFFER);
        fetch::spawn(client, request_rx, event_tx);
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&sent);
        tokio::spawn(async move {
            while let Some(request) = tapped.recv().await {
                if let FetchRequest::Page(page) = request {
                    record.lock().unwrap().push(page);
                }
                if to_fetcher.send(request).is_err() {
                    break;
                }
            }
        });
        let mut app = App::new(state, requests, events, RecordingDesktop::default());
        app.start();
        Loop {
            driver: Driver::with(app),
            sent,
            manual_retries: 0,
        }
    }

    fn state(&self) -> &AppState {
        self.driver.state()
    }

    async fn settle(&mut self, deadline: tokio::time::Instant) {
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            self.driver.settle_within(left).await;
            if !matches!(self.state().load_state(), LoadState::Failed { .. }) {
                return;
            }
            self.manual_retries += 1;
            assert!(
                self.manual_retries <= MAX_MANUAL_RETRIES,
                "pages keep failing: {:?}",
                self.state().load_state()
            );
            self.driver.act(Action::Retry);
        }
    }
}

/// `offset=..&limit=..` of a list request, as the client sends it.
fn query(request: &PageRequest) -> String {
    format!("offset={}&limit={}", request.offset, request.limit)
}

/// Checks the attempts behind each request the app sent, from what the
/// server recorded, and returns the most any request needed. One page request
/// is in flight at a time, so the server sees each one's attempts in a row;
/// where the app sent the same request several times in a row (a manual
/// retry, a catch-up starting at offset 0 again) they are counted together.
fn most_attempts(sent: &[PageRequest], seen: &[String]) -> usize {
    let mut seen = seen.iter().peekable();
    let mut most = 0;
    let mut i = 0;
    while i < sent.len() {
        let wanted = query(&sent[i]);
        let same = sent[i..].iter().take_while(|r| query(r) == wanted).count();
        let mut attempts = 0;
        while seen.peek().is_some_and(|q| **q == wanted) {
            seen.next();
            attempts += 1;
        }
        assert!(
            attempts >= same,
            "request {wanted} sent {same} time(s) but seen {attempts} time(s)"
        );
        let per_request = attempts.div_ceil(same);
        assert!(
            attempts <= same * DEFAULT_MAX_ATTEMPTS as usize,
            "request {wanted} sent {same} time(s) was attempted {attempts} times \
             (at most {DEFAULT_MAX_ATTEMPTS} each)"
        );
        most = most.max(per_request);
        i += same;
    }
    assert!(
        seen.next().is_none(),
        "the server saw requests the app never sent"
    );
    most
}

/// With several requests in flight, one request's attempts interleave with
/// others': each request's attempts are counted, whatever their order, and
/// checked the same way as [`most_attempts`] does. Returns the most any needed.
fn most_attempts_interleaved(sent: &[PageRequest], seen: &[String]) -> usize {
    let mut sent_count = std::collections::HashMap::<String, usize>::new();
    for request in sent {
        *sent_count.entry(query(request)).or_default() += 1;
    }
    let mut seen_count = std::collections::HashMap::<String, usize>::new();
    for q in seen {
        assert!(sent_count.contains_key(q), "the server saw {q}, never sent");
        *seen_count.entry(q.clone()).or_default() += 1;
    }
    let mut most = 0;
    for (wanted, same) in sent_count {
        let attempts = seen_count.get(&wanted).copied().unwrap_or(0);
        assert!(
            attempts >= same,
            "request {wanted} sent {same} time(s) but seen {attempts} time(s)"
        );
        assert!(
            attempts <= same * DEFAULT_MAX_ATTEMPTS as usize,
            "request {wanted} sent {same} time(s) was attempted {attempts} times"
        );
        most = most.max(attempts.div_ceil(same));
    }
    most
}

async fn soak(order: ServeOrder, concurrency: u8, seed: u64, messages: usize) -> Figures {
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(messages));
    config.order = order;
    config.chaos = Some(chaos(seed));
    config.growth_per_request = GROWTH_PER_REQUEST;
    config.growth_limit = Some(GROWTH_LIMIT);
    let server = FakeServer::start(config).await.unwrap();

    let (width, height) = common::SCREEN;
    let settings = ConversationSettings {
        concurrency: Concurrency::new(u64::from(concurrency)).unwrap(),
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let state = AppState::from_settings(USER, &settings, width, height);
    let mut app = Loop::new(client(&server.base_url()), state);
    app.settle(deadline).await;
    app.driver.act(Action::Oldest);
    app.settle(deadline).await;
    let seconds = started.elapsed().as_secs_f64();
    let state = app.state();
    let sent = app.sent.lock().unwrap().clone();

    // Everything, in order, each once: the growth stopped long before the end.
    assert_eq!(state.exit(), None);
    let mut history = server.messages();
    assert_eq!(history.len(), messages + GROWTH_LIMIT);
    history.sort_by_key(common::sort_key);
    let expected: Vec<u64> = history.iter().map(|m| m["id"].as_u64().unwrap()).collect();
    let loaded: Vec<u64> = state.conversation().iter().map(|m| m.id).collect();
    assert_eq!(loaded.len(), expected.len(), "{order:?}: loaded count");
    assert!(loaded == expected, "{order:?}: loaded history differs");
    assert_eq!(state.total(), Some(expected.len() as u64));

    let list_path = format!("/external/users/{USER}/messages");
    let seen: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == list_path)
        .map(|r| r.query.unwrap_or_default())
        .collect();
    let most_attempts = if concurrency == 1 {
        most_attempts(&sent, &seen)
    } else {
        most_attempts_interleaved(&sent, &seen)
    };
    assert!(server.max_in_flight() <= u64::from(concurrency));

    Figures {
        order,
        concurrency,
        messages: loaded.len(),
        page_requests: sent.len(),
        server_requests: seen.len(),
        retries: seen.len() - sent.len(),
        manual_retries: app.manual_retries,
        most_attempts,
        seconds,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak of two minutes: cargo test --test soak -- --ignored --nocapture"]
async fn chaos_soak_loads_everything_in_order() {
    let seed = env_or("SOAK_SEED", DEFAULT_SEED);
    let messages = env_or("SOAK_MESSAGES", MESSAGES);
    println!(
        "soak: {messages} messages (+{GROWTH_LIMIT} arriving), page size {}, \
         chaos seed {seed}, {DEFAULT_MAX_ATTEMPTS} attempts per request",
        PageSize::DEFAULT
    );
    let started = Instant::now();
    for (order, concurrency) in [
        (ServeOrder::OldestFirst, 1),
        (ServeOrder::NewestFirst, 1),
        (ServeOrder::OldestFirst, 8),
        (ServeOrder::NewestFirst, 8),
    ] {
        let f = soak(order, concurrency, seed, messages).await;
        println!(
            "soak {:?} at concurrency {}: {} messages loaded in order; {} page requests, {} requests seen by \
             the server, {} automatic retries, {} presses of r, at most {} attempts per \
             request; {:.1} s",
            f.order,
            f.concurrency,
            f.messages,
            f.page_requests,
            f.server_requests,
            f.retries,
            f.manual_retries,
            f.most_attempts,
            f.seconds
        );
    }
    println!("soak: {:.1} s in all", started.elapsed().as_secs_f64());
}
