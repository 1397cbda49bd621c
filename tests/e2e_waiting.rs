//! End-to-end: who is waiting, in the visitor list of a real terminal
//! (tmux). After a sync, a visitor whose last messages have no reply shows
//! "waiting …" in their row (in the warning colour), the footer counts
//! them, and `w` shows only them, the longest wait first; `w` again shows
//! everyone. An answered visitor shows nothing.

mod common;
#[path = "e2e/served.rs"]
mod served;
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use common::message_json;
use serde_json::{Value, json};
use served::Server;
use szchat_fake::{FakeConfig, Visitor};
use tmux::{ScratchDir, Screen, Tmux};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 20;
const SECRET: &str = "e2e-secret-0123456789";

/// Three visitors: Answered Anna (her question was answered), Waiting Wim
/// (asked a day after the others, no reply) and Longest Lotte (asked first).
fn server() -> Server {
    let named = |id: u64, name: &str, messages: Vec<Value>| {
        let mut visitor = Visitor::new(id, messages);
        visitor.profile["name"] = json!(name);
        visitor
    };
    let anna = vec![
        message_json(11, 0, true, "hello", None),
        message_json(12, 3, false, "hi, how can I help?", None),
    ];
    let mut config = FakeConfig::new(SECRET, 1, anna.clone());
    config.profile["name"] = json!("Answered Anna");
    config.other_visitors = vec![
        named(
            2,
            "Waiting Wim",
            vec![
                message_json(21, 1500, true, "invoice 4411?", None),
                message_json(22, 1501, true, "anyone?", None),
            ],
        ),
        named(
            3,
            "Longest Lotte",
            vec![
                message_json(31, 60, false, "welcome", None),
                message_json(32, 90, true, "my export fails", None),
            ],
        ),
    ];
    Server::start(config)
}

fn bar(screen: &Screen) -> String {
    screen.rows.last().cloned().unwrap_or_default()
}

/// The row naming `name`, if shown.
fn row_of(screen: &Screen, name: &str) -> Option<String> {
    screen.rows.iter().find(|row| row.contains(name)).cloned()
}

#[test]
fn waiting_visitors_are_marked_counted_and_w_lists_them_longest_first() {
    let server = server();
    let data = ScratchDir::new("waiting-data");
    let synced = std::process::Command::new(env!("CARGO_BIN_EXE_szchat"))
        .args(["--base-url", &server.fake().base_url(), "sync"])
        .env("SIGNALZEN_API_SECRET", SECRET)
        .env("XDG_DATA_HOME", data.path())
        .env("XDG_CONFIG_HOME", "/nonexistent-szchat-config")
        .output()
        .unwrap();
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let launch = server
        .launch_list(SECRET)
        .env("XDG_DATA_HOME", data.path().to_string_lossy());
    let Some(tmux) = Tmux::start("waiting-list", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let screen = tmux.wait_for("the waiting marks", |s| {
        bar(s).contains("2 waiting")
            && row_of(s, "Longest Lotte").is_some_and(|row| row.contains("waiting "))
            && row_of(s, "Waiting Wim").is_some_and(|row| row.contains("waiting "))
    });
    let anna = row_of(&screen, "Answered Anna").expect("Anna is listed");
    assert!(!anna.contains("waiting"), "answered: no mark: {anna:?}");
    // Lotte asked years ago (the fixtures' clock is 2018's).
    let lotte = row_of(&screen, "Longest Lotte").unwrap();
    assert!(lotte.contains(" d "), "{lotte:?}");

    tmux.send_keys(&["w"]);
    let only = tmux.wait_for("only the waiting", |s| {
        row_of(s, "Answered Anna").is_none() && bar(s).contains("waiting, longest first")
    });
    let lotte_at = only.find("Longest Lotte").expect("Lotte waits");
    let wim_at = only.find("Waiting Wim").expect("Wim waits");
    assert!(lotte_at < wim_at, "the longest wait first:\n{only:?}");
    assert!(
        row_of(&only, "Longest Lotte").unwrap().contains('▶'),
        "the longest wait is selected"
    );

    tmux.send_keys(&["w"]);
    tmux.wait_for("everyone again", |s| {
        row_of(s, "Answered Anna").is_some() && bar(s).contains("3 visitors · 2 waiting")
    });
    tmux.send_keys(&["C-c"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}
