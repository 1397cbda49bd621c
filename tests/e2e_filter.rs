//! End-to-end: the `F` filter menu in a real terminal (tmux): the menu
//! opens over the conversation, a choice shows at once, the status bar
//! names the filter with its count, the selection is a kept message, and
//! `F` or `Esc` returns.

#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use tmux::{Launch, Screen, Tmux, selected_block};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

/// The status bar: the last row.
fn bar(screen: &Screen) -> String {
    screen.rows.last().cloned().unwrap_or_default()
}

/// True while the menu's box shows.
fn menu_open(screen: &Screen) -> bool {
    screen.contains("┌ filter ") && screen.contains("only attachments")
}

#[test]
fn f_filters_to_attachments_and_f_or_esc_returns() {
    let launch = Launch::args(["--demo", "1187"]);
    let Some(tmux) = Tmux::start("filter-menu", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| bar(s).contains(" of "));
    tmux.send_keys(&["F"]);
    tmux.wait_for("the menu", menu_open);
    tmux.send_keys(&["a"]);
    tmux.wait_for("the filter in the bar", |s| {
        bar(s).contains("only attachments · ") && menu_open(s)
    });
    tmux.send_keys(&["F"]);
    let screen = tmux.wait_for("the menu closed", |s| !menu_open(s));
    assert!(bar(&screen).contains("only attachments · "), "{screen:?}");
    let has_file = |s: &Screen| selected_block(s).iter().any(|row| row.contains("📎"));
    assert!(has_file(&screen), "the selection carries a file:{screen:?}");
    // Once the older attachments have arrived (the filter loads pages
    // until the screen is full), k goes to the one before.
    let screen = tmux.wait_for("the screen filled", |s| !bar(s).contains("loading"));
    let before = selected_block(&screen);
    tmux.send_keys(&["k"]);
    let screen = tmux.wait_for("the attachment before", |s| selected_block(s) != before);
    assert!(has_file(&screen), "the selection carries a file:{screen:?}");
    // Every message again: the bar no longer names a filter.
    tmux.send_keys(&["F", "e", "Escape"]);
    tmux.wait_for("no filter", |s| {
        !menu_open(s) && !bar(s).contains("only attachments")
    });
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}
