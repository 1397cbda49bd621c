//! End-to-end: the search across visitors in a real terminal (tmux). In the
//! visitor list Tab switches to "Search all messages:", the hits of a query
//! appear as it is typed with its words marked, Enter lands on the hit far
//! back in its conversation (selected, its header line shown, the query's
//! words highlighted), Backspace comes back to the hits as they were, and
//! Esc clears the query, then leaves the search. Then `s` syncs a visitor
//! the archive lacks, and its hit appears.

#[path = "e2e/served.rs"]
mod served;
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use served::Server;
use szchat_fake::{FakeConfig, Visitor, synthetic_messages};
use tmux::{ScratchDir, Screen, Tmux, selected_block};

const WIDTH: u16 = 110;
const HEIGHT: u16 = 30;
const SECRET: &str = "e2e-search-secret-0123";
/// The visitor whose invoice is far back in a long history.
const HANA: u64 = 4821;
const MESSAGES: usize = 300;
/// Where in Hana's history the invoice is.
const FAR_BACK: usize = 12;
/// A visitor the list shows and the archive lacks until `s`.
const LATE: u64 = 77;

fn bar(screen: &Screen) -> String {
    screen.rows.last().cloned().unwrap_or_default()
}

fn server() -> Server {
    let mut hana = synthetic_messages(MESSAGES);
    hana[FAR_BACK - 1]["body"] = Value::from("Where is my invoice 4411? The Café order");
    let mut config = FakeConfig::new(SECRET, HANA, hana);
    let mut late = synthetic_messages(5);
    late[2]["body"] = Value::from("invoice 4411 again, from a late visitor");
    config.other_visitors = vec![
        Visitor::new(5215, synthetic_messages(8)),
        Visitor::new(LATE, late),
    ];
    Server::start(config)
}

/// `szchat sync USER_ID...` into the archive under `data`.
fn sync(server: &Server, data: &Path, visitors: &[u64]) {
    let output = Command::new(env!("CARGO_BIN_EXE_szchat"))
        .env_clear()
        .env("HOME", data)
        .env("XDG_DATA_HOME", data)
        .env("XDG_CONFIG_HOME", data.join("no-config"))
        .env("SIGNALZEN_API_SECRET", SECRET)
        .args(["--base-url", &server.fake().base_url(), "sync"])
        .args(visitors.iter().map(u64::to_string))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The text each underlined run of `row` covers (the match style is
/// underlined, in colour or not), from the escape sequences tmux writes.
fn underlined(row: &str) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    let (mut on, mut in_run) = (false, false);
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            if on && !in_run {
                runs.push(String::new());
            }
            in_run = on;
            if let Some(run) = runs.last_mut().filter(|_| on) {
                run.push(c);
            }
            continue;
        }
        if chars.next() != Some('[') {
            continue;
        }
        let sequence: String = chars
            .by_ref()
            .take_while(|p| !p.is_ascii_alphabetic())
            .collect();
        let mut params = sequence.split(';');
        while let Some(param) = params.next() {
            match param {
                "" | "0" | "24" | "4:0" => on = false,
                "4" => on = true,
                p if p.starts_with("4:") => on = true,
                // Colours by number or by RGB: their values are no attributes.
                "38" | "48" | "58" => {
                    let values = if params.next() == Some("5") { 1 } else { 3 };
                    params.by_ref().take(values).for_each(drop);
                }
                _ => {}
            }
        }
    }
    runs
}

/// The marked runs of the row of `screen` that shows `text`, as tmux draws them now.
fn marked_in(tmux: &Tmux, screen: &Screen, text: &str) -> Vec<String> {
    let row = screen
        .find(text)
        .unwrap_or_else(|| panic!("{text:?} on {screen:?}"));
    underlined(&tmux.styled_screen()[row])
}

#[test]
fn tab_type_enter_backspace_and_esc_in_the_message_search() {
    let server = server();
    let data = ScratchDir::new("search-flow-data");
    sync(&server, data.path(), &[HANA, 5215]);
    let launch = server
        .launch_list(SECRET)
        .env("XDG_DATA_HOME", data.path().to_string_lossy());
    let Some(tmux) = Tmux::start("search-flow", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the visitor list", |s| {
        s.contains("Find a visitor:") && bar(s).contains("3 visitors")
    });

    tmux.send_keys(&["Tab"]);
    tmux.wait_for("the message search", |s| {
        s.contains("Search all messages:")
            && s.contains("1 visitor not in the archive — ↓ then s syncs them")
    });
    tmux.send_keys(&["-l", "invoice 4411"]);
    let hits = tmux.wait_for("the hit", |s| {
        bar(s).contains("1 hit") && s.contains("Where is my invoice 4411?")
    });
    assert_eq!(
        marked_in(&tmux, &hits, "Where is my invoice 4411?"),
        ["invoice", "4411"],
        "both words marked"
    );

    tmux.send_keys(&["Enter"]);
    let landed = tmux.wait_for("the hit far back in its conversation", |s| {
        selected_block(s)
            .iter()
            .any(|line| line.contains("Where is my invoice 4411?"))
            && bar(s).contains("match 1/1")
    });
    let block = selected_block(&landed);
    assert!(block.len() >= 2, "the header line and the text: {landed:?}");
    assert!(
        !block[0].contains("invoice"),
        "the header line is shown: {landed:?}"
    );
    assert_eq!(
        marked_in(&tmux, &landed, "Where is my invoice 4411?"),
        ["invoice", "4411"],
        "highlighted as / would"
    );

    tmux.send_keys(&["BSpace"]);
    let back = tmux.wait_for("the hits as they were", |s| {
        s.contains("Search all messages: invoice 4411") && bar(s).contains("1 hit")
    });
    assert!(back.contains("Where is my invoice 4411?"), "{back:?}");

    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the query cleared", |s| {
        s.rows
            .first()
            .is_some_and(|row| row.trim_end() == "Search all messages:")
            && !s.contains("Where is my invoice")
    });
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the visitor list again", |s| {
        s.contains("Find a visitor:") && !s.contains("Search all messages:")
    });

    // `s` in the hits syncs the visitor the archive lacks; its hit appears.
    tmux.send_keys(&["Tab"]);
    tmux.send_keys(&["-l", "invoice 4411"]);
    tmux.wait_for("the one hit", |s| bar(s).contains("1 hit"));
    tmux.send_keys(&["Down"]);
    tmux.send_keys(&["-l", "s"]);
    let synced = tmux.wait_for("the late visitor's hit", |s| {
        bar(s).contains("2 hits") && s.contains("invoice 4411 again, from a late visitor")
    });
    assert!(
        bar(&synced).contains("synced 1 visitor: 5 new messages"),
        "{synced:?}"
    );
    assert!(!synced.contains("not in the archive"), "{synced:?}");

    // One at a time: escapes sent together read as one key with Alt.
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the query cleared", |s| !s.contains("from a late visitor"));
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the visitor list", |s| s.contains("Find a visitor:"));
    tmux.send_keys(&["Escape"]);
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 0, "{:?}", ended.screen);
}
