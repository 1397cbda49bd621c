//! End-to-end: `szchat --demo` opens the visitor picker in a real terminal
//! (tmux); typing filters it, Enter opens a conversation and Backspace comes
//! back with the filter and the selection as they were.

// This file uses a part of the tmux helpers.
#[path = "e2e/served.rs"]
mod served;
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use serde_json::json;
use served::{Server, newest_demo_message};
use szchat_fake::{DEMO_USER_ID, FakeConfig, UserLies, Visitor};
use tmux::{Launch, Tmux};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 24;

/// The demo's newest message from Hana Whitfield (the demo's first visitor).
fn hanas_newest_message() -> String {
    let demo = FakeConfig::demo();
    assert_eq!(demo.profile["id"], DEMO_USER_ID);
    assert_eq!(demo.profile["name"], "Hana Whitfield");
    newest_demo_message()["body"]
        .as_str()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn the_demo_opens_the_picker_and_backspace_comes_back_to_it() {
    let newest = hanas_newest_message();
    let Some(tmux) = Tmux::start("picker", WIDTH, HEIGHT, &Launch::args(["--demo"])) else {
        return;
    };
    let screen = tmux.wait_for("the visitor list", |s| {
        s.contains("Find a visitor:") && s.contains("10 visitors")
    });
    assert!(screen.contains("Hana Whitfield"), "{screen:?}");
    assert!(screen.contains("online"), "{screen:?}");

    tmux.send_keys(&["w", "h", "i", "t"]);
    let screen = tmux.wait_for("the filtered list", |s| {
        s.contains("Find a visitor: whit") && s.contains("1 of 10 visitors")
    });
    let row = screen.find("Hana Whitfield").unwrap();
    assert!(screen.rows[row].starts_with("▶"), "{screen:?}");

    tmux.send_keys(&["Enter"]);
    let screen = tmux.wait_for("Hana's conversation", |s| s.contains(&newest));
    assert!(!screen.contains("Find a visitor:"), "{screen:?}");

    tmux.send_keys(&["BSpace"]);
    let screen = tmux.wait_for("the list again", |s| s.contains("Find a visitor: whit"));
    let row = screen.find("Hana Whitfield").unwrap();
    assert!(screen.rows[row].starts_with("▶"), "{screen:?}");

    // Esc clears the filter, then quits.
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the whole list", |s| {
        s.contains("10 visitors") && !s.contains("of 10 visitors")
    });
    tmux.send_keys(&["Escape"]);
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 0, "{:?}", ended.screen);
    assert!(ended.tty_restored, "{:?}", ended.screen);
}

#[test]
fn a_refused_secret_at_the_first_list_request_exits_1_with_one_line() {
    let server = Server::start(FakeConfig::demo());
    let wrong = "wrong-secret-9876543210";
    let launch = server.launch_list(wrong);
    let Some(tmux) = Tmux::start("picker-secret", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 1, "{:?}", ended.screen);
    assert!(ended.tty_restored, "{:?}", ended.screen);
    let rows: Vec<&str> = ended
        .screen
        .rows
        .iter()
        .map(|row| row.trim_end())
        .filter(|row| !row.is_empty())
        .collect();
    assert_eq!(rows.len(), 2, "one reason line, then the report:{rows:?}");
    assert!(rows[0].starts_with("szchat: "), "{rows:?}");
    assert!(rows[0].contains("SIGNALZEN_API_SECRET"), "{rows:?}");
    assert!(!rows[0].contains(wrong), "{rows:?}");
    let paths: Vec<String> = server
        .fake()
        .requests()
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(paths, ["/external/users"], "one request, for the list");
}

#[test]
fn at_80_columns_the_columns_share_the_room_and_a_page_keeps_its_path() {
    let Some(tmux) = Tmux::start("picker-80", 80, HEIGHT, &Launch::args(["--demo"])) else {
        return;
    };
    let screen = tmux.wait_for("the visitor list", |s| s.contains("10 visitors"));
    let row = &screen.rows[screen.find("Hana Whitfield").unwrap()];
    // Before, the e-mail stopped at 15 characters and the page at its host.
    assert!(row.contains("hana.whitfield@ke"), "{row:?}");
    assert!(row.contains("billing"), "{row:?}");
    assert!(row.contains("#4821"), "{row:?}");
}

#[test]
fn a_huge_id_shows_whole_and_a_future_time_as_its_date() {
    let huge_id = 1u64 << 63;
    let mut config = FakeConfig::new("e2e-secret-0123456789", 7, Vec::new());
    let mut visitor = Visitor::new(huge_id, Vec::new());
    visitor.profile["name"] = json!("Far Future");
    visitor.profile["online_at"] = json!("2999-01-01T00:00:00Z");
    config.other_visitors.push(visitor);
    let secret = config.secret.clone();
    let server = Server::start(config);
    let Some(tmux) = Tmux::start("picker-ids", WIDTH, HEIGHT, &server.launch_list(&secret)) else {
        return;
    };
    let screen = tmux.wait_for("the visitor list", |s| s.contains("2 visitors"));
    let row = &screen.rows[screen.find("Far Future").unwrap()];
    assert!(row.contains(&format!("#{huge_id}")), "{row:?}");
    assert!(row.contains("2999-01-01"), "{row:?}");
    assert!(!row.contains("online"), "{row:?}");
}

#[test]
fn a_server_that_repeats_its_pages_is_asked_a_few_times_and_the_list_says_so() {
    let mut config = FakeConfig::new("e2e-secret-0123456789", 1, Vec::new());
    config.other_visitors = (2..=60).map(|id| Visitor::new(id, Vec::new())).collect();
    config.user_lies = UserLies {
        total: Some(1_000_000_000_000_000),
        same_page: true,
    };
    let secret = config.secret.clone();
    let server = Server::start(config);
    let Some(tmux) = Tmux::start("picker-repeats", 160, HEIGHT, &server.launch_list(&secret))
    else {
        return;
    };
    let screen = tmux.wait_for("the list's word on what is missing", |s| {
        s.contains("did not arrive")
    });
    let status = screen
        .rows
        .iter()
        .rev()
        .find(|r| !r.trim().is_empty())
        .unwrap();
    assert!(
        status.contains(
            "50 visitors · 999,999,999,999,950 of 1,000,000,000,000,000 visitors did not arrive"
        ),
        "{status:?}"
    );
    let list_requests = || {
        server
            .fake()
            .requests()
            .iter()
            .filter(|r| r.path == "/external/users")
            .count()
    };
    // Requests sent before the list stopped may still be on their way.
    std::thread::sleep(std::time::Duration::from_secs(1));
    let asked = list_requests();
    assert!(asked <= 10, "{asked} requests");
    std::thread::sleep(std::time::Duration::from_secs(1));
    assert_eq!(list_requests(), asked, "nothing more is asked");
}

#[test]
fn f1_shows_the_lists_keys_and_any_key_closes_them() {
    let Some(tmux) = Tmux::start("picker-help", WIDTH, HEIGHT, &Launch::args(["--demo"])) else {
        return;
    };
    let screen = tmux.wait_for("the visitor list", |s| s.contains("10 visitors"));
    let status = &screen.rows[usize::from(HEIGHT) - 1];
    assert!(status.contains("F1 help"), "{status:?}");

    tmux.send_keys(&["F1"]);
    let screen = tmux.wait_for("the keys", |s| s.contains("keys in the visitor list"));
    for keys in ["Enter", "Ctrl-r", "Esc", "other keys"] {
        assert!(screen.contains(keys), "{keys}: {screen:?}");
    }
    // `q` closes the keys; it is not typed into the filter.
    tmux.send_keys(&["q"]);
    let screen = tmux.wait_for("the list again", |s| {
        !s.contains("keys in the visitor list")
    });
    assert!(screen.rows[0].trim_end() == "Find a visitor:", "{screen:?}");
    // Typed now, it filters.
    tmux.send_keys(&["q"]);
    tmux.wait_for("the filter", |s| s.contains("Find a visitor: q"));
}

#[test]
fn a_visitor_nested_too_deep_is_one_placeholder_row_and_the_others_show() {
    let mut config = FakeConfig::new("e2e-secret-0123456789", 1, Vec::new());
    config.profile["name"] = json!("Ana Ortega");
    let mut deep = json!(1);
    for _ in 0..200 {
        deep = json!([deep]);
    }
    let mut nested = Visitor::new(2, Vec::new());
    nested.profile["user_attributes"] = json!([{"name": "plan", "value": deep}]);
    let mut plain = Visitor::new(3, Vec::new());
    plain.profile["name"] = json!("Liam O'Connor");
    config.other_visitors = vec![nested, plain];
    let secret = config.secret.clone();
    let server = Server::start(config);
    let Some(tmux) = Tmux::start("picker-deep", WIDTH, HEIGHT, &server.launch_list(&secret)) else {
        return;
    };
    let screen = tmux.wait_for("the visitor list", |s| s.contains("3 visitors"));
    assert!(screen.contains("Ana Ortega"), "{screen:?}");
    assert!(screen.contains("Liam O'Connor"), "{screen:?}");
    let row = &screen.rows[screen.find("visitor 2 could not be read").unwrap()];
    assert!(row.contains("#2"), "{row:?}");
    assert!(
        !screen.contains("could not load the visitors"),
        "{screen:?}"
    );
}
