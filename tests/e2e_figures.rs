//! End-to-end: `m`, the conversation's figures, in a real terminal (tmux):
//! beside the conversation on a wide screen, over it on a narrow one, the
//! conversation's keys still answered, `m` closing it.

#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use tmux::{Launch, Screen, Tmux};

const HEIGHT: u16 = 30;

fn bar(screen: &Screen) -> String {
    screen.rows.last().cloned().unwrap_or_default()
}

/// True while the panel shows Hana's figures.
fn panel_open(screen: &Screen) -> bool {
    screen.contains("first response") && screen.contains("sessions")
}

/// The column the panel's left border stands in on the row holding `text`.
fn panel_left(screen: &Screen, text: &str) -> Option<usize> {
    let row = &screen.rows[screen.find(text)?];
    let border = row.find('│')?;
    Some(row[..border].chars().count())
}

#[test]
fn m_shows_the_figures_beside_a_wide_conversation_and_its_keys_still_work() {
    let launch = Launch::args(["--demo", "4821"]);
    let Some(tmux) = Tmux::start("figures-wide", 130, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| bar(s).contains("334 of 334"));
    tmux.send_keys(&["m"]);
    let screen = tmux.wait_for("the panel", panel_open);
    for words in [
        "50 messages",
        "first response 26 s",
        "median response 46 s",
        "longest wait 1 d 1 h",
        "answered: nobody waiting",
        "3 sessions (30 min gap)",
    ] {
        assert!(screen.contains(words), "{words:?} in {screen:?}");
    }
    // Beside: the conversation keeps the left 84 columns, its last
    // message still on screen.
    assert_eq!(
        panel_left(&screen, "first response"),
        Some(84),
        "{screen:?}"
    );
    assert!(screen.contains("Any time!"), "{screen:?}");
    tmux.send_keys(&["k"]);
    tmux.wait_for("the selection moved", |s| {
        bar(s).contains("333 of 334") && panel_open(s)
    });
    tmux.send_keys(&["m"]);
    tmux.wait_for("the panel closed", |s| !panel_open(s));
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn on_a_narrow_screen_m_is_a_box_over_the_conversation_and_esc_closes_it() {
    let launch = Launch::args(["--demo", "4821"]);
    let Some(tmux) = Tmux::start("figures-narrow", 80, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| bar(s).contains("334 of 334"));
    tmux.send_keys(&["m"]);
    let screen = tmux.wait_for("the box", |s| panel_open(s) && s.contains("┌ figures"));
    assert!(screen.contains("first response 26 s"), "{screen:?}");
    tmux.send_keys(&["Escape"]);
    let screen = tmux.wait_for("the box closed", |s| !panel_open(s));
    assert!(screen.contains("Any time!"), "{screen:?}");
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}
