//! Following live against the fake server: new messages appear without a
//! key press, in either server order, while the conversation grows between
//! and during the looks.

mod common;

use std::time::Duration;

use common::{Driver, client};
use szchat::action::Action;
use szchat::state::{AppState, ConversationSettings};
use szchat::testing;
use szchat_fake::{FakeConfig, FakeServer, LiveChat, ServeOrder, synthetic_messages};

const SECRET: &str = "test-secret";
const USER: u64 = 4821;
/// Quick looks: the tests wait for what arrives, not for the clock.
const QUICK: Duration = Duration::from_millis(20);

fn ids(state: &AppState) -> Vec<u64> {
    state.conversation().iter().map(|m| m.id).collect()
}

/// A server with `history` messages that adds `per_request` after each list
/// request, `limit` in all.
async fn growing_server(
    order: ServeOrder,
    history: usize,
    per_request: usize,
    limit: usize,
) -> FakeServer {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(history));
    config.order = order;
    config.growth_per_request = per_request;
    config.growth_limit = Some(limit);
    FakeServer::start(config).await.unwrap()
}

#[tokio::test]
async fn following_shows_every_new_message_in_both_orders() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        // More arrivals per request than a page holds: a newest-first look
        // walks several pages while the offsets shift under it.
        let server = growing_server(order, 30, 12, 80).await;
        let mut driver =
            Driver::start_following(client(&server.base_url(), SECRET, USER), USER, 10, QUICK);
        driver
            .run_until(|state| state.conversation().last().is_some_and(|m| m.id == 110))
            .await;
        // The view was at the newest message, so it stays there.
        assert_eq!(driver.state().selected(), Some(110), "{order:?}");
        assert_eq!(driver.state().follow().unseen(), 0);
        let status = driver.status_line();
        assert!(status.contains("following · checked "), "{status}");
        // No gap: loading the older pages completes the history exactly.
        driver.act(Action::Oldest);
        driver.settle().await;
        let state = driver.state();
        assert_eq!(ids(state), (1..=110).collect::<Vec<_>>(), "{order:?}");
        assert_eq!(server.message_count(), 110);
    }
}

#[tokio::test]
async fn arrivals_below_a_scrolled_up_view_show_a_marker_until_g() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(60));
        config.order = order;
        // Three messages while the test runs; whichever arrive before the
        // reader scrolls up are part of the first load.
        config.live = Some(LiveChat {
            user_id: USER,
            every: Duration::from_millis(200),
            limit: 3,
            seed: 7,
        });
        let server = FakeServer::start(config).await.unwrap();
        let mut driver = Driver::start(client(&server.base_url(), SECRET, USER), USER, 20);
        driver.settle().await;
        driver.act(Action::PageUp);
        driver.act(Action::PageUp);
        let top_before = driver.state().scroll_position();
        let selected_before = driver.state().selected();
        assert!(!driver.status_line().contains("new message"));

        let newest_loaded = driver.state().conversation().last().unwrap().id;
        driver.act(Action::ToggleFollow);
        driver
            .run_until(|state| state.conversation().last().is_some_and(|m| m.id == 63))
            .await;

        let state = driver.state();
        let arrived = usize::try_from(63 - newest_loaded).unwrap();
        assert!(arrived > 0, "the live chat outran the first load");
        assert_eq!(state.follow().unseen(), arrived, "{order:?}");
        assert_eq!(state.scroll_position(), top_before, "the view stays put");
        assert_eq!(state.selected(), selected_before);
        let status = driver.status_line();
        let marker = if arrived == 1 {
            "↓ 1 new message".to_owned()
        } else {
            format!("↓ {arrived} new messages")
        };
        assert!(status.contains(&marker), "{status}");

        driver.act(Action::Newest);
        assert_eq!(driver.state().selected(), Some(63));
        assert_eq!(driver.state().follow().unseen(), 0);
        assert!(!driver.status_line().contains("new message"));
    }
}

#[tokio::test]
async fn f_stops_following_and_nothing_is_asked_after() {
    let server = growing_server(ServeOrder::OldestFirst, 5, 0, 0).await;
    let mut driver =
        Driver::start_following(client(&server.base_url(), SECRET, USER), USER, 10, QUICK);
    driver
        .run_until(|state| state.follow().checked_at().is_some())
        .await;
    driver.act(Action::ToggleFollow);
    driver.settle().await;
    assert!(!driver.state().follow().is_on());
    let asked = server.request_count();
    // The loop has no timer left to wake it: a quiet state stays quiet.
    driver.settle().await;
    assert_eq!(server.request_count(), asked);
    assert!(!driver.status_line().contains("following ·"));
}

/// Runs szchat with `args`, and `config` as its config file.
fn szchat(args: &[&str], config: &str) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!(
        "szchat-poll-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(&file, config).unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_szchat"))
        .args(["--config", file.to_str().unwrap()])
        .args(["--base-url", "http://127.0.0.1:9"])
        .args(args)
        .env("SIGNALZEN_API_SECRET", "sz-live-0123456789")
        .env_remove("SIGNALZEN_BASE_URL")
        .output()
        .unwrap()
}

#[test]
fn a_poll_interval_under_a_second_exits_2_before_anything_else() {
    for bad in ["0", "-3", "soon", "1.5"] {
        let output = szchat(&["--follow", &format!("--poll={bad}"), "4821"], "");
        assert_eq!(output.status.code(), Some(2), "--poll {bad}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains("--poll <SECONDS>"), "--poll {bad}: {said}");
    }
    let output = szchat(&["4821"], "poll-interval = 0\n");
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("poll-interval is in seconds and must be at least 1"),
        "{said}"
    );
}

#[test]
fn arrivals_count_in_the_position_of_a_conversation_not_loaded_to_its_start() {
    use common::{messages, page_of};
    use szchat::fetch::{FetchEvent, FetchRequest};
    use szchat::paging::PageSize;
    use szchat::state::{Effect, Input, Position};
    use szchat::testing::serve_pages;
    use szchat::timefmt::LocalZone;

    let mut history = messages(120);
    let start = std::time::Instant::now();
    let settings = ConversationSettings {
        follow: true,
        poll_interval: Duration::from_secs(5),
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(USER, &settings, 60, 21);
    let effects = state.start();
    let effects = serve_pages(effects, |request| {
        let page = page_of(&history, request.offset, request.limit.get(), false);
        state.handle_at(
            Input::Fetched(FetchEvent::Page {
                request,
                result: Ok(page),
            }),
            testing::now(start),
        )
    });
    // Only the newest pages are loaded; the first look goes out at once.
    assert!(!state.reached_beginning());
    let poll = effects
        .iter()
        .find_map(|effect| match effect {
            Effect::Fetch(FetchRequest::Poll(poll)) => Some(*poll),
            _ => None,
        })
        .expect("a look for new messages");
    assert_eq!(
        poll.page.offset, 119,
        "asked from the newest known message on"
    );

    history.extend(messages(123).into_iter().skip(120));
    let page = page_of(&history, poll.page.offset, poll.page.limit.get(), false);
    state.handle_at(
        Input::Fetched(FetchEvent::Polled {
            request: poll,
            result: Ok(page),
            checked_at: chrono::Utc::now(),
        }),
        testing::now(start),
    );
    assert_eq!(state.selected(), Some(123));
    assert_eq!(
        state.position(),
        Some(Position::InHistory {
            number: 123,
            total: 123
        })
    );
    // The next look waits for its time: the loop's timer, not a busy loop.
    assert_eq!(state.next_deadline(), Some(start + Duration::from_secs(5)));
}

/// Answers `poll` from `history` (oldest first) as the state would get it.
fn answer_poll(
    state: &mut AppState,
    history: &[szchat::model::Message],
    poll: szchat::fetch::PollRequest,
    at: std::time::Instant,
) -> Vec<szchat::state::Effect> {
    use szchat::fetch::FetchEvent;
    use szchat::state::Input;
    let page = common::page_of(history, poll.page.offset, poll.page.limit.get(), false);
    state.handle_at(
        Input::Fetched(FetchEvent::Polled {
            request: poll,
            result: Ok(page),
            checked_at: chrono::Utc::now(),
        }),
        testing::now(at),
    )
}

/// The look for new messages among `effects`, if one goes out.
fn poll_in(effects: &[szchat::state::Effect]) -> Option<szchat::fetch::PollRequest> {
    use szchat::fetch::FetchRequest;
    use szchat::state::Effect;
    effects.iter().find_map(|effect| match effect {
        Effect::Fetch(FetchRequest::Poll(poll)) => Some(*poll),
        _ => None,
    })
}

#[test]
fn a_history_that_shrinks_while_following_still_shows_every_new_message() {
    // Issue 13 item 30: 120 messages, oldest first, message 5 deleted while
    // new ones arrive; szchat kept asking offset 120 and never showed 121.
    use common::{messages, page_of};
    use szchat::fetch::FetchEvent;
    use szchat::paging::PageSize;
    use szchat::state::{Input, Position};
    use szchat::testing::serve_pages;
    use szchat::timefmt::LocalZone;

    let all = messages(130);
    let mut history: Vec<_> = all[..120].to_vec();
    let mut now = std::time::Instant::now();
    let every = Duration::from_secs(3);
    let settings = ConversationSettings {
        follow: true,
        poll_interval: every,
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(USER, &settings, 60, 21);
    let mut effects = state.start();
    effects.extend(state.update(Action::Oldest));
    // The first look goes out once the newest messages are in; it is
    // answered after the deletion below.
    let mut first_look = None;
    serve_pages(effects, |request| {
        let page = page_of(&history, request.offset, request.limit.get(), false);
        let effects = state.handle_at(
            Input::Fetched(FetchEvent::Page {
                request,
                result: Ok(page),
            }),
            testing::now(now),
        );
        first_look = first_look.or(poll_in(&effects));
        effects
    });
    first_look = first_look.or(poll_in(&state.update(Action::Newest)));
    assert!(state.reached_beginning());

    // Message 5 goes; 121 comes: the count stays 120.
    history.retain(|m| m.id != 5);
    history.push(all[120].clone());
    let mut poll = first_look;
    assert!(poll.is_some(), "following looks once the newest are loaded");
    let mut said = Vec::new();
    for arrival in 121..=123 {
        while let Some(request) = poll {
            let effects = answer_poll(&mut state, &history, request, now);
            said.extend(state.status().map(|s| s.text.clone()));
            poll = poll_in(&effects);
        }
        assert_eq!(
            state.conversation().last().map(|m| m.id),
            Some(arrival),
            "{said:?}"
        );
        if arrival < 123 {
            history.push(all[usize::try_from(arrival).unwrap()].clone());
        }
        now += every;
        poll = poll_in(&state.handle_at(Input::Tick, testing::now(now)));
    }
    assert!(
        said.iter()
            .any(|text| text == "the server now counts 1 fewer message"),
        "{said:?}"
    );
    assert_eq!(state.selected(), Some(123));
    // 123 loaded, one of them gone from the server: no place from its count.
    assert_eq!(
        state.position(),
        Some(Position::InLoaded {
            number: 123,
            loaded: 123
        })
    );
}

#[tokio::test]
async fn following_a_server_that_deletes_a_message_still_shows_the_new_ones() {
    // Issue 13 item 30 against the fake server: 120 messages, oldest first,
    // message 5 deleted once they are loaded, then three new ones.
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(120));
    config.live = Some(LiveChat {
        user_id: USER,
        every: Duration::from_millis(400),
        limit: 3,
        seed: 7,
    });
    let server = FakeServer::start(config).await.unwrap();
    let mut driver =
        Driver::start_following(client(&server.base_url(), SECRET, USER), USER, 50, QUICK);
    driver
        .run_until(|state| state.conversation().get(120).is_some())
        .await;
    assert!(server.delete_message(5));
    driver
        .run_until(|state| state.conversation().last().is_some_and(|m| m.id == 123))
        .await;
    // A loaded message is gone from the server: places count among the loaded.
    let status = driver.status_line();
    assert!(status.contains(" loaded"), "{status}");
}
