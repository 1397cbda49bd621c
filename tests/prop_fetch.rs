//! The whole fetch path as a property: the app state, the real fetch task and
//! HTTP client, and the fake SignalZen server on 127.0.0.1, for any server
//! order, page size, history, growth while paging and injected faults. After
//! the reader presses `g` (load everything), what is loaded is exactly the
//! history the last answer counted: the same ids, each once, in
//! (created_at, id) order.
//!
//! Each case starts a server, so there are few cases; `prop_paging.rs` runs
//! thousands against an in-memory server.

mod common;

use std::time::Duration;

use proptest::prelude::*;
use serde_json::Value;
use szchat::action::Action;
use szchat::api::client::{ApiClient, ApiConfig};
use szchat::api::retry::RetryPolicy;
use szchat::paging::{CATCH_UP_PATIENCE, PageSize};
use szchat::secret::Secret;
use szchat::state::LoadState;
use szchat_fake::{FakeConfig, FakeServer, Fault, ServeOrder};

const SECRET: &str = "prop-secret";
const USER: u64 = 4821;
/// Attempts per request; a case never faults this many requests in a row.
const ATTEMPTS: u32 = 4;
/// Requests that may be faulted, counted from the first.
const FAULTABLE_REQUESTS: usize = 40;
/// Growth stops after at most this many answers.
const GROWING_ANSWERS: usize = 12;

/// What goes wrong with one request.
#[derive(Clone, Debug)]
enum Trouble {
    Status(u16, Option<&'static str>),
    Truncated,
    Drop,
    Malformed,
}

fn trouble() -> impl Strategy<Value = Trouble> {
    prop_oneof![
        Just(Trouble::Status(500, None)),
        Just(Trouble::Status(503, None)),
        Just(Trouble::Status(503, Some("1"))),
        Just(Trouble::Status(429, None)),
        Just(Trouble::Status(429, Some("0"))),
        Just(Trouble::Status(429, Some("1"))),
        Just(Trouble::Truncated),
        Just(Trouble::Drop),
        Just(Trouble::Malformed),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    /// Per message: (id gap - 1, minutes after the previous one).
    steps: Vec<(u8, u8)>,
    newest_first: bool,
    page_size: u32,
    growth_per_request: usize,
    growth_limit: usize,
    /// `troubles[i]` befalls request number `i + 1`.
    troubles: Vec<Option<Trouble>>,
    /// Page requests in flight after `g`.
    concurrency: u8,
}

/// No more than `ATTEMPTS - 1` troubled requests in a row, so every page gets
/// through within its attempts (one request is in flight at a time, so
/// consecutive request numbers are one page's attempts until it succeeds).
fn bounded(mut troubles: Vec<Option<Trouble>>) -> Vec<Option<Trouble>> {
    let mut run = 0;
    for trouble in &mut troubles {
        if trouble.is_some() {
            run += 1;
            if run == ATTEMPTS {
                *trouble = None;
                run = 0;
            }
        } else {
            run = 0;
        }
    }
    troubles
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec((0u8..3, 0u8..3), 0..=400),
        any::<bool>(),
        1u32..=PageSize::MAX.get(),
        0usize..=3,
        0usize..=GROWING_ANSWERS,
        proptest::collection::vec(
            proptest::option::weighted(0.3, trouble()),
            0..=FAULTABLE_REQUESTS,
        ),
        proptest::sample::select(vec![1u8, 8]),
    )
        .prop_map(
            |(
                steps,
                newest_first,
                page_size,
                growth_per_request,
                growing,
                troubles,
                concurrency,
            )| Case {
                concurrency,
                steps,
                newest_first,
                page_size,
                growth_per_request,
                // A burst the pager promises to catch up with (see prop_paging.rs).
                growth_limit: (growth_per_request * growing)
                    .min(CATCH_UP_PATIENCE as usize / 2 * page_size as usize),
                troubles: bounded(troubles),
            },
        )
}

fn history(steps: &[(u8, u8)]) -> Vec<Value> {
    let mut id = 0;
    let mut minute = 0;
    steps
        .iter()
        .map(|&(gap, later)| {
            id += 1 + u64::from(gap);
            minute += i64::from(later);
            common::message_json(id, minute, id % 2 == 1, &format!("message {id}"), None)
        })
        .collect()
}

fn faults(troubles: &[Option<Trouble>]) -> Vec<Fault> {
    troubles
        .iter()
        .enumerate()
        .filter_map(|(i, trouble)| {
            let nth = i as u64 + 1;
            Some(match trouble.as_ref()? {
                Trouble::Status(status, retry_after) => Fault::Status {
                    nth,
                    status: *status,
                    retry_after: retry_after.map(str::to_owned),
                },
                Trouble::Truncated => Fault::Truncated { nth },
                Trouble::Drop => Fault::Drop { nth },
                Trouble::Malformed => Fault::Malformed { nth },
            })
        })
        .collect()
}

/// The real client, with retries quick enough for many cases: a server's
/// `Retry-After` is honoured up to a few milliseconds.
/// A client for `concurrency` requests in flight. With several, one page's
/// attempts no longer get consecutive request numbers, so `bounded` cannot
/// promise each page gets through: such a client tries more often than
/// there are troubles at all.
fn client(base_url: &str, concurrency: u8) -> ApiClient {
    let mut config = ApiConfig::new(base_url, Secret::new(SECRET).unwrap(), USER);
    config.retry = RetryPolicy {
        max_attempts: if concurrency > 1 {
            u32::try_from(FAULTABLE_REQUESTS).unwrap() + 1
        } else {
            ATTEMPTS
        },
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        max_retry_after: Duration::from_millis(5),
    };
    config.request_timeout = Duration::from_secs(10);
    ApiClient::new(config).unwrap()
}

/// Starts the app against a fake server set up for `case`, presses `g`, and
/// waits until nothing is in flight. Returns the app and the server.
async fn load(case: &Case) -> (common::Driver, FakeServer) {
    let mut config = FakeConfig::new(SECRET, USER, history(&case.steps));
    config.order = if case.newest_first {
        ServeOrder::NewestFirst
    } else {
        ServeOrder::OldestFirst
    };
    config.growth_per_request = case.growth_per_request;
    config.growth_limit = Some(case.growth_limit);
    config.faults = faults(&case.troubles);
    let server = FakeServer::start(config).await.unwrap();
    let mut driver = common::Driver::start_concurrent(
        client(&server.base_url(), case.concurrency),
        USER,
        case.page_size,
        case.concurrency,
    );
    driver.settle().await;
    driver.act(Action::Oldest);
    driver.settle().await;
    (driver, server)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_loaded_history_is_what_the_server_counted(case in case()) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (driver, server) = runtime.block_on(load(&case));
        let state = driver.state();

        prop_assert_eq!(state.exit(), None);
        prop_assert_eq!(state.load_state(), &LoadState::Idle, "every page got through");
        prop_assert!(state.reached_beginning());
        prop_assert!(server.max_in_flight() <= u64::from(case.concurrency));

        let mut expected = server.messages();
        expected.sort_by_key(common::sort_key);
        let counted = usize::try_from(state.total().unwrap()).unwrap();
        prop_assert!(counted >= case.steps.len());
        // Messages that arrive after the last answer cannot be known; when
        // growth ended before it, `counted` is the server's final history.
        let expected: Vec<u64> = expected[..counted].iter().map(|m| m["id"].as_u64().unwrap()).collect();
        let loaded: Vec<u64> = state.conversation().iter().map(|m| m.id).collect();
        prop_assert_eq!(loaded, expected);
    }
}
