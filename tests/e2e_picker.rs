//! End-to-end: `szchat --demo` opens the visitor picker in a real terminal
//! (tmux); typing filters it, Enter opens a conversation and Backspace comes
//! back with the filter and the selection as they were.

// This file uses a part of the tmux helpers.
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use szchat_fake::{DEMO_USER_ID, FakeConfig};
use tmux::{Launch, Tmux};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 24;

/// The demo's newest message from Hana Whitfield (the demo's first visitor).
fn hanas_newest_message() -> String {
    let demo = FakeConfig::demo();
    assert_eq!(demo.profile["id"], DEMO_USER_ID);
    assert_eq!(demo.profile["name"], "Hana Whitfield");
    let newest = demo
        .messages
        .iter()
        .max_by_key(|m| {
            (
                m["created_at"].as_str().unwrap().to_owned(),
                m["id"].as_u64(),
            )
        })
        .unwrap();
    newest["body"]
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
