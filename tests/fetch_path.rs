//! The whole fetch path — state, fetch task, HTTP client — against the fake
//! SignalZen server, with each fault the server can inject.

mod common;

use std::time::{Duration, Instant};

use common::{Driver, client, message_json, seed_messages_json};
use szchat::action::Action;
use szchat::state::{AppState, Effect, Exit, LoadState, StatusKind};
use szchat_fake::{FakeConfig, FakeServer, Fault, Lies, ServeOrder, synthetic_messages};

const SECRET: &str = "test-secret";
const USER: u64 = 4821;

fn ids(state: &AppState) -> Vec<u64> {
    state.conversation().iter().map(|m| m.id).collect()
}

/// Starts the app against `server`, then presses `g` so every page loads.
async fn load_everything(server: &FakeServer, page_size: u32) -> Driver {
    let mut driver = Driver::start(client(&server.base_url(), SECRET, USER), USER, page_size);
    driver.settle().await;
    driver.act(Action::Oldest);
    driver.settle().await;
    driver
}

fn server_ids(server: &FakeServer) -> Vec<u64> {
    let mut ids: Vec<u64> = server
        .messages()
        .iter()
        .map(|m| m["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn the_seed_sample_loads_through_the_real_client() {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, seed_messages_json()))
        .await
        .unwrap();
    let driver = load_everything(&server, 50).await;
    let state = driver.state();
    assert_eq!(ids(state), vec![1, 2]);
    assert_eq!(state.total(), Some(2));
    assert!(state.reached_beginning());
}

#[tokio::test]
async fn both_server_orders_load_the_whole_history_in_order() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(237));
        config.order = order;
        let server = FakeServer::start(config).await.unwrap();
        let driver = load_everything(&server, 40).await;
        assert_eq!(
            ids(driver.state()),
            (1..=237).collect::<Vec<_>>(),
            "{order:?}"
        );
    }
}

#[tokio::test]
async fn the_first_screen_shows_the_newest_messages_after_few_requests() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(500));
    config.order = ServeOrder::OldestFirst;
    let server = FakeServer::start(config).await.unwrap();
    let mut driver = Driver::start(client(&server.base_url(), SECRET, USER), USER, 50);
    driver.settle().await;
    assert_eq!(driver.state().selected(), Some(500));
    assert_eq!(server.request_count(), 2, "probe and newest page only");
}

#[tokio::test]
async fn growth_between_requests_leaves_no_gap_and_no_duplicate() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(150));
        config.order = order;
        config.growth_per_request = 3;
        let server = FakeServer::start(config).await.unwrap();
        let driver = load_everything(&server, 20).await;
        let loaded = ids(driver.state());
        let mut unique = loaded.clone();
        unique.dedup();
        assert_eq!(loaded, unique, "{order:?}: no duplicates");
        // Everything up to what the last answer knew is there, with no gap.
        let expected: Vec<u64> = (1..=*loaded.last().unwrap()).collect();
        assert_eq!(loaded, expected, "{order:?}: no gap");
        assert!(loaded.len() >= 150);
        assert!(server_ids(&server).len() >= loaded.len());
    }
}

#[tokio::test]
async fn a_server_error_is_retried_and_the_reader_sees_nothing_but_the_messages() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(60));
    config.faults = vec![
        Fault::Status {
            nth: 1,
            status: 503,
            retry_after: None,
        },
        Fault::Status {
            nth: 3,
            status: 500,
            retry_after: None,
        },
    ];
    let server = FakeServer::start(config).await.unwrap();
    let driver = load_everything(&server, 25).await;
    let state = driver.state();
    assert_eq!(ids(state), (1..=60).collect::<Vec<_>>());
    assert!(state.status().is_none());
}

#[tokio::test]
async fn too_many_requests_waits_as_long_as_retry_after_says() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(10));
    config.faults = vec![Fault::Status {
        nth: 1,
        status: 429,
        retry_after: Some("1".into()),
    }];
    let server = FakeServer::start(config).await.unwrap();
    let started = Instant::now();
    let driver = load_everything(&server, 50).await;
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(ids(driver.state()).len(), 10);
}

#[tokio::test]
async fn a_rejected_secret_is_fatal_and_names_the_variable() {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(5)))
        .await
        .unwrap();
    let mut driver = Driver::start(client(&server.base_url(), "wrong-secret", USER), USER, 50);
    driver.settle().await;
    match driver.state().exit() {
        Some(Exit::Fatal(reason)) => {
            assert!(reason.contains("SIGNALZEN_API_SECRET"), "{reason}");
            assert!(!reason.contains("wrong-secret"), "{reason}");
        }
        other => panic!("expected a fatal exit, got {other:?}"),
    }
    assert_eq!(server.request_count(), 1, "a 401 is not retried");
}

#[tokio::test]
async fn an_unknown_visitor_is_fatal() {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(5)))
        .await
        .unwrap();
    let mut driver = Driver::start(client(&server.base_url(), SECRET, 999), 999, 50);
    driver.settle().await;
    assert_eq!(
        driver.state().exit(),
        Some(&Exit::Fatal("visitor 999 not found".into()))
    );
}

#[tokio::test]
async fn an_unreachable_server_is_fatal_and_names_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut driver = Driver::start(client(&url, SECRET, USER), USER, 50);
    driver.settle().await;
    match driver.state().exit() {
        Some(Exit::Fatal(reason)) => assert!(reason.contains(&url), "{reason}"),
        other => panic!("expected a fatal exit, got {other:?}"),
    }
}

#[tokio::test]
async fn a_malformed_page_later_on_keeps_everything_and_r_recovers() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(100));
    // Request 3 is the first older page; every attempt at it comes back malformed.
    config.faults = (3..=6).map(|nth| Fault::Malformed { nth }).collect();
    let server = FakeServer::start(config).await.unwrap();
    let mut driver = load_everything(&server, 30).await;
    let state = driver.state();
    let loaded = ids(state);
    assert_eq!(
        loaded,
        (71..=100).collect::<Vec<_>>(),
        "the newest page stays"
    );
    assert!(matches!(state.load_state(), LoadState::Failed { .. }));
    let status = state.status().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("r to retry"), "{}", status.text);
    assert!(state.exit().is_none());

    driver.act(Action::Retry);
    driver.settle().await;
    assert_eq!(ids(driver.state()), (1..=100).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_slow_server_still_loads() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(30));
    config.latency = Duration::from_millis(150);
    let server = FakeServer::start(config).await.unwrap();
    let driver = load_everything(&server, 20).await;
    assert_eq!(ids(driver.state()).len(), 30);
}

#[tokio::test]
async fn opening_an_attachment_uses_a_link_fetched_just_now() {
    let messages = vec![
        message_json(1, 1, true, "here is my invoice", Some("files/invoice.pdf")),
        message_json(2, 2, false, "thanks", None),
    ];
    let mut config = FakeConfig::new(SECRET, USER, messages);
    config.files = vec![("invoice.pdf".into(), b"%PDF-1.4 test".to_vec())];
    let server = FakeServer::start(config).await.unwrap();
    let mut driver = load_everything(&server, 50).await;
    // g selected the first message, which has the attachment.
    assert_eq!(driver.state().selected(), Some(1));
    let before = server.request_count();
    driver.act(Action::OpenAttachment);
    driver.settle().await;
    assert_eq!(
        server.request_count(),
        before + 1,
        "one single-message request"
    );
    let url = match driver.other_effects() {
        [Effect::Open(url)] => url.as_str().to_owned(),
        other => panic!("expected an open effect, got {other:?}"),
    };
    assert!(url.starts_with(&server.base_url()), "{url}");
    let body = reqwest::get(&url).await.unwrap();
    assert_eq!(body.status(), 200, "the fresh link works");
}

#[tokio::test]
async fn dropped_connections_and_truncated_bodies_are_retried() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(90));
    config.order = ServeOrder::NewestFirst;
    config.faults = vec![
        Fault::Drop { nth: 1 },
        Fault::Truncated { nth: 3 },
        Fault::Drop { nth: 5 },
        Fault::Truncated { nth: 6 },
    ];
    let server = FakeServer::start(config).await.unwrap();
    let driver = load_everything(&server, 30).await;
    let state = driver.state();
    assert_eq!(ids(state), (1..=90).collect::<Vec<_>>());
    assert!(state.status().is_none());
}

#[tokio::test]
async fn a_request_slower_than_the_others_does_not_reorder_anything() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(80));
    config.faults = vec![Fault::Delay {
        nth: 2,
        delay: Duration::from_millis(400),
    }];
    let server = FakeServer::start(config).await.unwrap();
    let driver = load_everything(&server, 25).await;
    assert_eq!(ids(driver.state()), (1..=80).collect::<Vec<_>>());
}

/// The offsets of the list requests `server` answered, in order.
fn offsets_asked(server: &FakeServer) -> Vec<u64> {
    server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/messages"))
        .filter_map(|r| {
            let query = r.query.as_deref()?;
            let offset = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("offset="))?;
            offset.parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn pages_that_repeat_their_entries_skip_no_message() {
    // Issue 7: such a server made szchat ask offsets 0 and 100, never 50.
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(120));
    config.lies = Lies {
        repeat_entries: 2,
        ..Lies::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let driver = load_everything(&server, 50).await;
    let state = driver.state();
    assert_eq!(offsets_asked(&server), [0, 50, 100]);
    assert_eq!(ids(state), (1..=120).collect::<Vec<_>>());
    assert!(state.reached_beginning());
    assert!(state.status().is_none());
}

#[tokio::test]
async fn a_count_that_does_not_add_up_is_said_in_words_and_r_asks_again() {
    // The count jumps to a trillion after the first answer; the messages do not.
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(100));
    config.lies = Lies {
        totals: vec![None, Some(1_000_000_000_000)],
        ..Lies::default()
    };
    let server = FakeServer::start(config).await.unwrap();
    let mut driver = load_everything(&server, 50).await;
    let state = driver.state();
    // Probe, newest page, and one page of "arrivals" that is empty.
    assert_eq!(server.request_count(), 3);
    assert_eq!(ids(state), (1..=100).collect::<Vec<_>>(), "nothing lost");
    assert!(
        !state.reached_beginning(),
        "the count is short by a trillion"
    );
    let status = state.status().unwrap().clone();
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "the server's count does not add up: showing the 100 messages it sent (r tries again)"
    );

    driver.act(Action::Retry);
    driver.settle().await;
    let state = driver.state();
    // The probe, then the "newest" page at offset 10^12 - 50, which is
    // empty; so it reads on from the oldest: offset 50, then 100 (empty).
    assert_eq!(server.request_count(), 7);
    assert_eq!(ids(state), (1..=100).collect::<Vec<_>>());
    assert_eq!(state.status().unwrap().text, status.text);
}

/// The `(offset, limit)` of every list request `server` answered, in order.
fn pages_asked(server: &FakeServer) -> Vec<(u64, u64)> {
    server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/messages"))
        .filter_map(|r| {
            let query = r.query.as_deref()?;
            let field = |name: &str| {
                query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))?
                    .parse()
                    .ok()
            };
            Some((field("offset")?, field("limit")?))
        })
        .collect()
}

#[tokio::test]
async fn g_asks_for_pages_of_99_when_no_page_size_was_given() {
    // Issue 13 item 24: the first screen keeps its pages of 50; `g` wants
    // everything, in the fewest requests.
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(1_000)))
        .await
        .unwrap();
    let base = common::app_config(client(&server.base_url(), SECRET, USER), Some(USER));
    let config = szchat::app::AppConfig {
        settings: szchat::state::ConversationSettings {
            concurrency: szchat::concurrency::Concurrency::new(6).unwrap(),
            whole_history_page_size: szchat::paging::PageSize::WHOLE_HISTORY,
            ..base.settings
        },
        ..base
    };
    let (width, height) = common::SCREEN;
    let mut driver = Driver::with(szchat::app::App::spawn(
        config,
        ratatui::layout::Size::new(width, height),
        common::RecordingDesktop::default(),
    ));
    driver.settle().await;
    assert_eq!(pages_asked(&server), [(0, 50), (950, 50)]);
    driver.act(Action::Oldest);
    driver.settle().await;
    assert_eq!(ids(driver.state()), (1..=1_000).collect::<Vec<_>>());
    let walk = &pages_asked(&server)[2..];
    // 900 messages between the two pages: ten pages, the last one short.
    assert_eq!(walk.len(), 10, "{walk:?}");
    assert!(walk[..9].iter().all(|&(_, limit)| limit == 99), "{walk:?}");
}

#[tokio::test]
async fn a_count_that_lies_from_the_second_answer_on_still_opens_on_the_newest() {
    // Issue 13 item 26: 300 messages, oldest first; the first answer counts
    // 300, every later one a trillion. A truncated first answer makes the
    // client ask again, so the probe itself hears the lie, as when answers
    // arrive out of order.
    for truncate_first in [false, true] {
        let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(300));
        config.lies = Lies {
            totals: vec![None, Some(1_000_000_000_000)],
            ..Lies::default()
        };
        if truncate_first {
            config.faults = vec![Fault::Truncated { nth: 1 }];
        }
        let server = FakeServer::start(config).await.unwrap();
        let mut driver = Driver::start(client(&server.base_url(), SECRET, USER), USER, 50);
        driver.settle().await;
        let state = driver.state();
        assert_eq!(state.selected(), Some(300), "truncated: {truncate_first}");
        // Where 300 stands is not known: it is counted among the loaded.
        let bar = driver.status_line();
        assert!(!bar.contains("1,000,000,000,000"), "{bar}");
        assert!(bar.contains(" loaded │"), "{bar}");
    }
}
