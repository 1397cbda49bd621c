//! End-to-end: the archive in a real terminal (tmux). A conversation read
//! to its beginning once is drawn from the archive at the next start and
//! only checked for what is new: at most 2 requests to its message list,
//! also after `g`, in both server orders.

#[path = "e2e/served.rs"]
mod served;
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use served::Server;
use szchat_fake::{FakeConfig, ServeOrder, Visitor, synthetic_messages};
use tmux::{ScratchDir, Screen, Tmux};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;
const USER: u64 = 4821;
const SECRET: &str = "e2e-secret-0123456789";
const MESSAGES: usize = 300;

fn bar(screen: &Screen) -> String {
    screen.rows.last().cloned().unwrap_or_default()
}

/// Requests to the visitor's message list so far.
fn list_requests(server: &Server) -> usize {
    let path = format!("/external/users/{USER}/messages");
    server
        .fake()
        .requests()
        .iter()
        .filter(|request| request.path == path)
        .count()
}

/// Opens the visitor with the archive in `data`, goes to the oldest
/// message, quits; returns the status bar seen before `g`, or `None`
/// without tmux.
fn read_to_the_beginning(server: &Server, data: &ScratchDir, name: &str) -> Option<String> {
    let launch = server
        .launch(SECRET, USER)
        .env("XDG_DATA_HOME", data.path().to_string_lossy());
    let tmux = Tmux::start(name, WIDTH, HEIGHT, &launch)?;
    let first = tmux.wait_for("the conversation", |s| {
        bar(s).contains(&format!(" of {MESSAGES}")) && !bar(s).contains('…')
    });
    tmux.send_keys(&["g"]);
    // " 1 of": "101 of 300" also ends in "1 of 300", and quitting there
    // leaves the archive short of the oldest pages.
    tmux.wait_for("the oldest message", |s| {
        bar(s).contains(&format!(" 1 of {MESSAGES}"))
    });
    tmux.send_keys(&["q"]);
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 0, "{:?}", ended.screen.rows);
    Some(bar(&first))
}

fn reopen_costs_at_most_two_list_requests(order: ServeOrder, name: &str) {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES));
    config.order = order;
    let server = Server::start(config);
    let data = ScratchDir::new(name);
    let Some(_) = read_to_the_beginning(&server, &data, &format!("{name}-first")) else {
        return;
    };
    let before = list_requests(&server);
    assert!(before > 2, "the first start pages the history: {before}");
    let seen = read_to_the_beginning(&server, &data, &format!("{name}-again")).unwrap();
    let reopen = list_requests(&server) - before;
    assert!(reopen <= 2, "reopen cost {reopen} list requests");
    assert!(seen.contains("up to date"), "{seen}");
}

#[test]
fn reopen_costs_at_most_two_list_requests_oldest_first() {
    reopen_costs_at_most_two_list_requests(ServeOrder::OldestFirst, "archive-oldest");
}

#[test]
fn reopen_costs_at_most_two_list_requests_newest_first() {
    reopen_costs_at_most_two_list_requests(ServeOrder::NewestFirst, "archive-newest");
}

#[test]
fn offline_the_archived_conversation_is_shown_with_no_request() {
    let server = Server::start(FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES)));
    let data = ScratchDir::new("archive-offline");
    if read_to_the_beginning(&server, &data, "archive-offline-first").is_none() {
        return;
    }
    let before = server.fake().request_count();
    let mut launch = server
        .launch(SECRET, USER)
        .env("XDG_DATA_HOME", data.path().to_string_lossy());
    launch.args.insert(0, "--offline".to_owned());
    let Some(tmux) = Tmux::start("archive-offline-again", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the archived conversation", |s| {
        bar(s).contains("offline · archived") && bar(s).contains(&format!(" of {MESSAGES}"))
    });
    tmux.send_keys(&["g"]);
    tmux.wait_for("the oldest message", |s| {
        bar(s).contains(&format!(" 1 of {MESSAGES}"))
    });
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
    assert_eq!(
        server.fake().request_count(),
        before,
        "offline makes no request"
    );
}

#[test]
fn with_no_archive_nothing_is_written_under_the_data_directory() {
    let server = Server::start(FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES)));
    let data = ScratchDir::new("archive-none");
    let mut launch = server
        .launch(SECRET, USER)
        .env("XDG_DATA_HOME", data.path().to_string_lossy());
    launch.args.insert(0, "--no-archive".to_owned());
    let Some(tmux) = Tmux::start("archive-none", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| {
        bar(s).contains(&format!(" of {MESSAGES}"))
    });
    tmux.send_keys(&["g"]);
    tmux.wait_for("the oldest message", |s| {
        bar(s).contains(&format!(" 1 of {MESSAGES}"))
    });
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
    let written: Vec<_> = std::fs::read_dir(data.path()).unwrap().collect();
    assert!(written.is_empty(), "{written:?}");
}

#[test]
fn offline_without_a_user_id_lists_the_archived_visitors_with_no_request() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES));
    config.other_visitors = vec![Visitor::new(77, synthetic_messages(5))];
    let server = Server::start(config);
    let data = ScratchDir::new("archive-offline-list");
    let synced = std::process::Command::new(env!("CARGO_BIN_EXE_szchat"))
        .env("XDG_DATA_HOME", data.path())
        .env("SIGNALZEN_API_SECRET", SECRET)
        .args(["--base-url", &server.fake().base_url(), "sync"])
        .output()
        .unwrap();
    assert!(synced.status.success(), "{synced:?}");
    let before = server.fake().request_count();

    let mut launch = server
        .launch_list(SECRET)
        .env("XDG_DATA_HOME", data.path().to_string_lossy());
    launch.args.insert(0, "--offline".to_owned());
    let Some(tmux) = Tmux::start("archive-offline-list", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the archived visitors", |s| {
        bar(s).contains("2 visitors") && bar(s).contains("offline · from the archive")
    });
    // Newest activity first: visitor 4821's 300 messages end last.
    tmux.send_keys(&["Enter"]);
    tmux.wait_for("the archived conversation", |s| {
        bar(s).contains("offline · archived") && bar(s).contains(&format!(" of {MESSAGES}"))
    });
    tmux.send_keys(&["BSpace"]);
    tmux.wait_for("the list again", |s| bar(s).contains("2 visitors"));
    // In the list `q` types into the filter; Esc with none quits.
    tmux.send_keys(&["Escape"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
    assert_eq!(
        server.fake().request_count(),
        before,
        "offline makes no request"
    );
}

/// Opens the visitor with the archive in `data` and waits for the check
/// for new messages to say something other than "checking…".
fn open_until_checked(server: &Server, data: &ScratchDir, name: &str) -> Option<Tmux> {
    let launch = server
        .launch(SECRET, USER)
        .env("XDG_DATA_HOME", data.path().to_string_lossy());
    let tmux = Tmux::start(name, WIDTH, HEIGHT, &launch)?;
    tmux.wait_for("the check for new messages", |s| {
        let bar = bar(s);
        bar.contains("fewer messages") || bar.contains("differs") || bar.contains("up to date")
    });
    Some(tmux)
}

#[test]
fn messages_the_server_no_longer_has_are_said_and_r_reads_the_visitor_again() {
    let server = Server::start(FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES)));
    let data = ScratchDir::new("archive-reread");
    if read_to_the_beginning(&server, &data, "archive-reread-first").is_none() {
        return;
    }
    // An operator deletes five messages in the console.
    let ids: Vec<u64> = server
        .fake()
        .messages()
        .iter()
        .filter_map(|m| m["id"].as_u64())
        .collect();
    for id in &ids[100..105] {
        assert!(server.fake().delete_message(*id));
    }
    let left = MESSAGES - 5;
    let tmux = open_until_checked(&server, &data, "archive-reread-said").unwrap();
    assert!(
        bar(&tmux.screen()).contains("the server now counts 5 fewer messages"),
        "{:?}",
        tmux.screen()
    );
    // Cut to fit the bar; `!` shows it whole, with what to do.
    tmux.send_keys(&["!"]);
    tmux.wait_for("the whole error", |s| {
        s.contains("R reads this visitor again") && s.contains("5 fewer messages than the archive")
    });
    // Apart: Esc and R at once read as Alt-R.
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the error closed", |s| !s.contains("the last error"));
    tmux.send_keys(&["R"]);
    tmux.wait_for("the visitor read again", |s| {
        bar(s).contains(&format!(" of {left}")) && !s.contains("fewer messages")
    });
    tmux.send_keys(&["g"]);
    tmux.wait_for("the oldest message", |s| {
        bar(s).contains(&format!(" 1 of {left}"))
    });
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);

    // The archive now holds what the server has: the next open is up to date.
    let tmux = open_until_checked(&server, &data, "archive-reread-again").unwrap();
    let screen = tmux.screen();
    assert!(bar(&screen).contains("up to date"), "{screen:?}");
    assert!(bar(&screen).contains(&format!(" of {left}")), "{screen:?}");
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}
