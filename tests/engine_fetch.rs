//! The concurrent engine through the real client against the fake server:
//! the whole history, oldest first, each message once, in both orders and
//! while it grows; several requests in flight but never more than allowed;
//! a 429 narrows the flow.

mod common;

use std::time::Duration;

use serde_json::Value;
use szchat::api::client::{ApiClient, ApiConfig};
use szchat::api::retry::RetryPolicy;
use szchat::concurrency::Concurrency;
use szchat::engine::{self, Fetched};
use szchat::model::MessageId;
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat_fake::{Chaos, FakeConfig, FakeServer, Fault, ServeOrder, synthetic_messages};

const SECRET: &str = "engine-secret";
const USER: u64 = 77;

fn ids(messages: &[Value]) -> Vec<MessageId> {
    messages.iter().map(|m| m["id"].as_u64().unwrap()).collect()
}

async fn fetch(server: &FakeServer, page: u32, concurrency: usize) -> (Vec<MessageId>, Fetched) {
    fetch_with(
        common::client(&server.base_url(), SECRET, USER),
        page,
        concurrency,
    )
    .await
}

/// A client that retries long enough that chaos never exhausts it: a
/// request failing every attempt is a test of retries, not of the engine.
fn patient_client(server: &FakeServer) -> ApiClient {
    let mut config = ApiConfig::new(&server.base_url(), Secret::new(SECRET).unwrap(), USER);
    config.retry = RetryPolicy {
        max_attempts: 12,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_millis(50),
    };
    ApiClient::new(config).unwrap()
}

async fn fetch_with(client: ApiClient, page: u32, concurrency: usize) -> (Vec<MessageId>, Fetched) {
    let mut got = Vec::new();
    let fetched = engine::fetch_all(
        &client,
        PageSize::new(page).unwrap(),
        Concurrency::new(concurrency as u64).unwrap(),
        |batch, _| {
            got.extend(batch.iter().map(|m| m.id));
            Ok(())
        },
    )
    .await
    .unwrap();
    (got, fetched)
}

fn config(n: usize, order: ServeOrder) -> FakeConfig {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(n));
    config.order = order;
    config.latency = Duration::from_millis(5);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetches_everything_once_with_many_requests_in_flight_in_both_orders() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        for concurrency in [1, 8] {
            let server = FakeServer::start(config(600, order)).await.unwrap();
            let (got, fetched) = fetch(&server, 20, concurrency).await;
            assert_eq!(got, ids(&server.messages()), "{order:?} at {concurrency}");
            assert_eq!(fetched.messages, 600);
            let most = server.max_in_flight();
            assert!(
                most <= concurrency as u64,
                "{most} in flight at {concurrency}"
            );
            if concurrency > 1 {
                assert!(most > 1, "{order:?}: only one request at a time");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn growth_while_fetching_loses_nothing_and_doubles_nothing() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        for concurrency in [1, 8] {
            let mut config = config(300, order);
            config.growth_per_request = 2;
            config.growth_limit = Some(40);
            let server = FakeServer::start(config).await.unwrap();
            let (got, fetched) = fetch(&server, 10, concurrency).await;
            let all = ids(&server.messages());
            assert_eq!(got, all[..got.len()], "{order:?} at {concurrency}");
            assert!(got.len() >= 300);
            assert_eq!(fetched.missing, 0);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_narrows_the_flow_and_everything_still_arrives() {
    let mut config = config(400, ServeOrder::OldestFirst);
    config.faults = vec![Fault::Status {
        nth: 3,
        status: 429,
        retry_after: Some("0".to_owned()),
    }];
    let server = FakeServer::start(config).await.unwrap();
    let (got, fetched) = fetch(&server, 10, 8).await;
    assert_eq!(got, ids(&server.messages()));
    assert_eq!(fetched.narrowest, 4, "halved once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chaos_and_growth_at_concurrency_1_and_8_in_both_orders() {
    for seed in 1..=3 {
        for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
            for concurrency in [1, 8] {
                let mut config = config(250, order);
                config.latency = Duration::ZERO;
                config.growth_per_request = 1;
                config.growth_limit = Some(25);
                config.chaos = Some(Chaos {
                    seed,
                    p_5xx: 0.04,
                    p_429: 0.01,
                    p_drop: 0.025,
                    p_truncate: 0.025,
                    max_latency: Duration::from_millis(10),
                });
                let server = FakeServer::start(config).await.unwrap();
                let (got, fetched) = fetch_with(patient_client(&server), 15, concurrency).await;
                let all = ids(&server.messages());
                assert_eq!(
                    got,
                    all[..got.len()],
                    "seed {seed} {order:?} at {concurrency}"
                );
                assert!(got.len() >= 250);
                assert_eq!(fetched.missing, 0);
                assert!(server.max_in_flight() <= concurrency as u64);
            }
        }
    }
}

/// `g` on screen: the pages after the next are fetched ahead, several at a
/// time, and the whole history is loaded once, in both orders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn g_on_screen_loads_everything_with_several_requests_in_flight() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        for concurrency in [1u8, 6] {
            let server = FakeServer::start(config(1_500, order)).await.unwrap();
            let client = common::client(&server.base_url(), SECRET, USER);
            let mut driver = common::Driver::start_concurrent(client, USER, 30, concurrency);
            driver.settle().await;
            assert_eq!(server.max_in_flight(), 1, "before g, one page at a time");
            driver.act(szchat::action::Action::Oldest);
            driver.settle().await;
            let loaded: Vec<MessageId> =
                driver.state().conversation().iter().map(|m| m.id).collect();
            assert_eq!(
                loaded,
                ids(&server.messages()),
                "{order:?} at {concurrency}"
            );
            assert!(driver.state().reached_beginning());
            let most = server.max_in_flight();
            assert!(most <= u64::from(concurrency), "{most} at {concurrency}");
            if concurrency > 1 {
                assert!(most > 1, "{order:?}: g fetched one page at a time");
            }
        }
    }
}

/// Found by the soak: a page sent ahead, whose turn came while it was in
/// flight, was taken as the pager's own though the list had grown since it
/// was sent; newest-first, its offsets then meant other messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn g_while_the_history_grows_and_answers_overtake_each_other() {
    for seed in 1..=4 {
        for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
            let mut config = config(600, order);
            config.latency = Duration::ZERO;
            config.growth_per_request = 1;
            config.growth_limit = Some(40);
            config.chaos = Some(Chaos {
                seed,
                p_5xx: 0.0,
                p_429: 0.0,
                p_drop: 0.0,
                p_truncate: 0.0,
                max_latency: Duration::from_millis(15),
            });
            let server = FakeServer::start(config).await.unwrap();
            let client = common::client(&server.base_url(), SECRET, USER);
            let mut driver = common::Driver::start_concurrent(client, USER, 20, 6);
            driver.settle().await;
            driver.act(szchat::action::Action::Oldest);
            driver.settle().await;
            let loaded: Vec<MessageId> =
                driver.state().conversation().iter().map(|m| m.id).collect();
            let counted = usize::try_from(driver.state().total().unwrap()).unwrap();
            assert_eq!(
                loaded,
                ids(&server.messages())[..counted],
                "seed {seed} {order:?}"
            );
        }
    }
}
