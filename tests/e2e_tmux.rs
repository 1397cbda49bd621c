//! End-to-end tests: the real `szchat` binary in a real terminal (tmux), driven
//! by keys and checked by reading the screen back.
//!
//! Each test has its own tmux server, so they run in parallel. When tmux cannot
//! run here at all, each test says so on stderr and passes without checking,
//! unless `CI` is set: then each fails.

mod common;
#[path = "e2e/served.rs"]
mod served;
#[path = "e2e/tmux.rs"]
mod tmux;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use common::message_json;
use served::Server;
use szchat_fake::{FakeConfig, LiveChat, synthetic_messages};
use tmux::{Ended, Launch, PANE_TITLE, SELECTED, ScratchDir, Screen, Tmux, selected_block};

const USER: u64 = 4821;
const SECRET: &str = "e2e-secret-0123456789";
const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;
/// The status bar's last words, whatever the width.
const STATUS_BAR_END: &str = "? help";

/// Checks that szchat handed the terminal back in working order: main screen,
/// cursor shown, no mouse reporting, tty settings as before, and the shell's
/// line after it visible.
fn assert_terminal_given_back(tmux: &Tmux, ended: &Ended) {
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "still on the alternate screen"
    );
    assert_eq!(tmux.display("#{cursor_flag}"), "1", "the cursor is hidden");
    assert_eq!(
        tmux.display("#{mouse_any_flag}"),
        "0",
        "mouse reporting is on"
    );
    assert!(
        ended.tty_restored,
        "raw mode was not undone:{:?}",
        ended.screen
    );
    // The report sits at the cursor's row: output after szchat lands where it should.
    assert_eq!(
        tmux.display("#{cursor_y}"),
        (ended.row + 1).to_string(),
        "the cursor is not below the report:{:?}",
        ended.screen
    );
}

/// The non-blank rows of a screen.
fn used_rows(screen: &Screen) -> Vec<&str> {
    screen
        .rows
        .iter()
        .map(|row| row.trim_end())
        .filter(|row| !row.is_empty())
        .collect()
}

/// The messages of `config`, oldest first by time (then id), as the app orders them.
fn by_time(config: &FakeConfig) -> Vec<&Value> {
    let mut messages: Vec<&Value> = config.messages.iter().collect();
    messages.sort_by_key(|m| {
        let at: DateTime<Utc> = m["created_at"].as_str().unwrap().parse().unwrap();
        (at, m["id"].as_u64().unwrap())
    });
    messages
}

/// True once the status bar (the last row) says where the selected message
/// stands ("50 of 334"): the conversation is on screen.
fn shows_a_position(screen: &Screen) -> bool {
    screen.rows.last().is_some_and(|bar| bar.contains(" of "))
}

/// Checks that `text` is on screen, in the selected message.
fn assert_selected(screen: &Screen, text: &str) {
    let row = screen
        .find(text)
        .unwrap_or_else(|| panic!("{text:?} is not on screen:{screen:?}"));
    assert!(
        screen.rows[row].trim_start().starts_with(SELECTED),
        "the message holding {text:?} is not the selected one:{screen:?}"
    );
}

// ----- 0. where these tests must run -----

#[test]
fn on_ci_a_missing_tmux_fails_the_tests_instead_of_skipping_them() {
    for ci in ["true", "1", "yes"] {
        assert!(tmux::tmux_required(Some(OsStr::new(ci))), "CI={ci}");
    }
    assert!(!tmux::tmux_required(None), "CI unset");
    for not_ci in ["", "0", "false"] {
        assert!(
            !tmux::tmux_required(Some(OsStr::new(not_ci))),
            "CI={not_ci}"
        );
    }
}

// ----- 1. the demo -----

#[test]
fn the_demo_opens_at_its_newest_message_and_g_brings_the_first() {
    let demo = FakeConfig::demo();
    let messages = by_time(&demo);
    let first = messages.first().unwrap();
    let newest = messages.last().unwrap()["body"].as_str().unwrap();
    let first_body = first["body"].as_str().unwrap();
    assert_eq!(first_body, "Hi! Need any help?");
    assert_eq!(first["auto_invitation"], true);

    let Some(tmux) = Tmux::start("demo", WIDTH, HEIGHT, &Launch::args(["--demo", "4821"])) else {
        return;
    };
    let screen = tmux.wait_for("the newest message", |s| s.contains(newest));
    assert_selected(&screen, newest);
    assert!(!screen.contains(first_body), "{screen:?}");
    // The bar names the visitor, from their profile.
    let name = demo.profile["name"].as_str().unwrap();
    assert!(
        screen.rows[usize::from(HEIGHT) - 1].starts_with(&format!(" {name} · visitor {USER} │")),
        "{screen:?}"
    );

    tmux.send_keys(&["g"]);
    // Stable: with pages of 99 the last answer brings half the history in one
    // frame, and a capture of the pane can catch that frame half written.
    let screen = tmux.wait_for_stable("the first message", |s| s.contains(first_body));
    assert_selected(&screen, first_body);
    let row = screen.find(first_body).unwrap();
    assert!(
        screen.rows[row - 1].contains("auto-invitation"),
        "{screen:?}"
    );
    assert!(screen.contains("beginning of conversation"), "{screen:?}");
    let total = demo.messages.len();
    assert!(
        screen.rows[usize::from(HEIGHT) - 1].contains(&format!("│ 1 of {total} │"))
            && !screen.rows[usize::from(HEIGHT) - 1].contains("loaded"),
        "{screen:?}"
    );

    tmux.send_keys(&["q"]);
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 0, "{:?}", ended.screen);
    assert_terminal_given_back(&tmux, &ended);
}

// ----- 2. opening attachments -----

/// A `$BROWSER` that records each call: argc, every argument, and its environment.
fn recording_browser(dir: &Path) -> PathBuf {
    let path = dir.join("browser");
    let script = format!(
        "#!/bin/sh\n\
         env > {env}\n\
         {{ echo \"argc=$#\"; for arg in \"$@\"; do printf 'arg=%s\\n' \"$arg\"; done; }} >> {calls}\n",
        env = tmux::sh_quote(&dir.join("browser.env").to_string_lossy()),
        calls = tmux::sh_quote(&dir.join("browser.calls").to_string_lossy()),
    );
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn o_hands_the_browser_exactly_the_link_and_refuses_other_schemes() {
    let scratch = ScratchDir::new("browser");
    let dir = scratch.path();
    let browser = recording_browser(dir);
    // Run by any shell that evaluates the link: it leaves a marker file.
    let marker = dir.join("pwned");
    let payload = dir.join("payload");
    fs::write(
        &payload,
        format!(
            "#!/bin/sh\ntouch {}\n",
            tmux::sh_quote(&marker.to_string_lossy())
        ),
    )
    .unwrap();
    fs::set_permissions(&payload, fs::Permissions::from_mode(0o755)).unwrap();
    let raw = format!(
        "https://files.example/a b'c'\";d$({}).pdf?x=1;y=$({})",
        payload.display(),
        payload.display()
    );
    let expected = reqwest::Url::parse(&raw).unwrap();

    let messages = vec![
        message_json(
            1,
            1,
            true,
            "see the javascript link",
            Some("javascript:alert(1)"),
        ),
        message_json(2, 2, true, "see the file link", Some("file:///etc/passwd")),
        message_json(3, 3, true, "see the odd https link", Some(&raw)),
    ];
    let server = Server::start(FakeConfig::new(SECRET, USER, messages));
    let launch = server
        .launch(SECRET, USER)
        .env("BROWSER", browser.to_string_lossy());
    let Some(tmux) = Tmux::start("open", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let calls = dir.join("browser.calls");
    let recorded = || fs::read_to_string(&calls).unwrap_or_default();

    // The newest message is selected: step up to the file: link, then the javascript: one.
    tmux.wait_for("the messages", |s| s.contains("see the odd https link"));
    for (text, scheme) in [
        ("see the file link", "file:"),
        ("see the javascript link", "javascript:"),
    ] {
        tmux.send_keys(&["k"]);
        tmux.wait_for("the selection to move", |s| {
            s.find(text)
                .is_some_and(|row| s.rows[row].starts_with(SELECTED))
        });
        tmux.send_keys(&["o"]);
        let screen = tmux.wait_for("the refusal", |s| {
            s.rows
                .last()
                .is_some_and(|bar| bar.contains("refused") && bar.contains(scheme))
        });
        assert_eq!(
            recorded(),
            "",
            "a {scheme} link reached the browser:{screen:?}"
        );
    }

    tmux.send_keys(&["G"]);
    tmux.wait_for("the https message selected", |s| {
        s.find("see the odd https link")
            .is_some_and(|row| s.rows[row].starts_with(SELECTED))
    });
    tmux.send_keys(&["o"]);
    let screen = tmux.wait_for("the browser to be called", |s| {
        !recorded().is_empty() && s.rows.last().is_some_and(|bar| bar.contains("opening"))
    });
    tmux::eventually("the browser to finish its record", || {
        recorded().lines().count() >= 2 && recorded().ends_with('\n')
    });
    assert_eq!(
        recorded(),
        format!("argc=1\narg={}\n", expected.as_str()),
        "{screen:?}"
    );
    assert!(!marker.exists(), "a shell ran the link's $(...)");
    let env = fs::read_to_string(dir.join("browser.env")).unwrap();
    assert!(
        !env.contains("SIGNALZEN_API_SECRET") && !env.contains(SECRET),
        "the browser saw the API secret"
    );
    assert!(env.lines().any(|line| line.starts_with("PATH=")), "{env}");

    // `y` puts the same link on the terminal's clipboard (OSC 52, which tmux takes).
    assert_eq!(tmux.clipboard(), Vec::<String>::new());
    tmux.send_keys(&["y"]);
    tmux::eventually("the link on the clipboard", || !tmux.clipboard().is_empty());
    assert_eq!(tmux.clipboard(), [expected.as_str()]);

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

// ----- 3. hostile text -----

#[test]
fn escape_sequences_in_a_body_change_nothing_outside_their_message() {
    let hostile = "title\x1b]0;pwned\x07 title2\x1b]2;pwned2\x1b\\ clip\x1b]52;c;cHduZWQ=\x07 \
                   clear\x1b[2J home\x1b[H move\x1b[5;5H c1\u{9b}2J back\x08\x08\x08\x08 \
                   bidi\u{202E}desrever\u{202C} end";
    let before = "the message before the hostile one";
    let after = "the message after the hostile one";
    let messages = vec![
        message_json(1, 1, true, before, None),
        message_json(2, 2, true, hostile, None),
        message_json(3, 3, false, after, None),
    ];
    let server = Server::start(FakeConfig::new(SECRET, USER, messages));
    let Some(tmux) = Tmux::start("hostile", WIDTH, HEIGHT, &server.launch(SECRET, USER)) else {
        return;
    };
    // The wrapper titled the pane before szchat started; the body tries to retitle it.
    // And the visitor's name: their profile is asked for beside the page, and
    // may answer after it.
    let screen = tmux.wait_for("all three messages", |s| {
        s.contains(after)
            && s.contains(before)
            && s.contains(" end")
            && s.contains("David Smith · visitor 4821")
    });
    assert_eq!(tmux.display("#{pane_title}"), PANE_TITLE);
    assert_eq!(
        tmux.clipboard(),
        Vec::<String>::new(),
        "OSC 52 reached tmux"
    );

    // Oldest first from the top: marker, blank, day line, then the blocks.
    let rows: Vec<&str> = screen.rows.iter().map(|r| r.trim_end()).collect();
    assert_eq!(
        rows[0].trim(),
        "── beginning of conversation ──",
        "{screen:?}"
    );
    assert!(rows[2].contains("Fri 9 Feb 2018"), "{screen:?}");
    assert_eq!(
        rows[3..6],
        [
            "▎ David Smith · visitor · 17:01 · ✓ seen",
            &format!("▎ {before}"),
            ""
        ],
        "{screen:?}"
    );
    assert_eq!(
        rows[6], "▎ David Smith · visitor · 17:02 · ✓ seen",
        "{screen:?}"
    );
    let body_rows = rows[7..].iter().take_while(|row| !row.is_empty()).count();
    let body: Vec<&str> = rows[7..7 + body_rows]
        .iter()
        .map(|row| row.strip_prefix("▎ ").expect("a body row in the gutter"))
        .collect();
    let shown = body.join(" ");
    for visible in [
        "title␛]0;pwned␇",
        "title2␛]2;pwned2␛\\",
        "clip␛]52;c;cHduZWQ=␇",
        "clear␛[2J",
        "home␛[H",
        "move␛[5;5H",
        "back␈␈␈␈",
        "bididesrever end",
    ] {
        assert!(
            shown.contains(visible),
            "{visible:?} is not shown inert:{screen:?}"
        );
    }
    let next = 7 + body_rows + 1;
    let indent = " ".repeat(20);
    assert_eq!(
        rows[next..next + 2],
        [
            format!("{indent}{SELECTED} John Smith · operator · 17:03 · ✓ seen · #3"),
            format!("{indent}{SELECTED} {after}"),
        ],
        "{screen:?}"
    );
    // Nothing was drawn anywhere else: a leaked cursor move would put text here.
    let last = rows.len() - 1;
    assert!(
        rows[next + 2..last].iter().all(|row| row.is_empty()),
        "{screen:?}"
    );
    assert!(
        rows[last].starts_with(" David Smith · visitor 4821 │ 3 of 3 │ ")
            && rows[last].ends_with("? help"),
        "{screen:?}"
    );

    tmux.send_keys(&["q"]);
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 0, "{:?}", ended.screen);
    assert_eq!(tmux.display("#{pane_title}"), PANE_TITLE);
}

// ----- 4. failures at start -----

/// Runs `launch` against a server for [`USER`] behind [`SECRET`], and returns
/// how it ended once it has.
fn run_until_exit(name: &str, launch: impl FnOnce(&Server) -> Launch) -> Option<(Tmux, Ended)> {
    let messages = vec![message_json(1, 1, true, "hello", None)];
    let server = Server::start(FakeConfig::new(SECRET, USER, messages));
    let tmux = Tmux::start(name, WIDTH, HEIGHT, &launch(&server))?;
    let ended = tmux.wait_for_exit();
    Some((tmux, ended))
}

#[test]
fn a_wrong_secret_exits_1_with_one_line_naming_the_variable() {
    let wrong = "wrong-secret-9876543210";
    let Some((tmux, ended)) = run_until_exit("secret", |s| s.launch(wrong, USER)) else {
        return;
    };
    assert_eq!(ended.status, 1, "{:?}", ended.screen);
    assert_terminal_given_back(&tmux, &ended);
    let rows = used_rows(&ended.screen);
    assert_eq!(
        rows.len(),
        2,
        "one reason line, then the report:{:?}",
        ended.screen
    );
    assert!(rows[0].starts_with("szchat: "), "{:?}", ended.screen);
    assert!(
        rows[0].contains("SIGNALZEN_API_SECRET"),
        "{:?}",
        ended.screen
    );
    assert!(
        !rows[0].contains(wrong),
        "the secret was printed:{:?}",
        ended.screen
    );
}

#[test]
fn an_unknown_visitor_exits_1_saying_so() {
    let Some((tmux, ended)) = run_until_exit("visitor", |s| s.launch(SECRET, 9999)) else {
        return;
    };
    assert_eq!(ended.status, 1, "{:?}", ended.screen);
    assert_terminal_given_back(&tmux, &ended);
    assert_eq!(
        used_rows(&ended.screen),
        ["szchat: visitor 9999 not found", "EXIT:1 TTY:restored"]
    );
}

/// Runs `launch` in a terminal and gives what the pane shows once it has
/// ended, after checking the terminal was left as it was.
fn run_in_terminal(name: &str, launch: &Launch) -> Option<Ended> {
    let tmux = Tmux::start(name, WIDTH, HEIGHT, launch)?;
    let ended = tmux.wait_for_exit();
    assert_terminal_given_back(&tmux, &ended);
    Some(ended)
}

#[test]
fn output_to_a_file_exits_2_at_once_with_one_line_and_no_escape_codes() {
    let dir = ScratchDir::new("stdout-file");
    let file = dir.path().join("out.txt");
    let launch = Launch::args(["--demo"]).stdout_to(&file);
    let Some(ended) = run_in_terminal("stdout", &launch) else {
        return;
    };
    assert_eq!(
        used_rows(&ended.screen),
        [
            "szchat: needs a terminal, but standard output is a file or a pipe; --export writes to one",
            "EXIT:2 TTY:restored"
        ]
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "", "nothing was drawn");
}

#[test]
fn input_from_a_file_exits_2_at_once_with_one_line() {
    let dir = ScratchDir::new("stdin-file");
    let keys = dir.path().join("keys.txt");
    fs::write(&keys, "q").unwrap();
    let launch = Launch::args(["--demo"]).stdin_from(&keys);
    let Some(ended) = run_in_terminal("stdin", &launch) else {
        return;
    };
    assert_eq!(
        used_rows(&ended.screen),
        [
            "szchat: needs a terminal, but standard input is a file or a pipe; --export needs no terminal",
            "EXIT:2 TTY:restored"
        ]
    );
}

// ----- 5. a slow server -----

#[test]
fn help_and_quit_answer_while_the_first_request_is_still_unanswered() {
    // Long enough that no loaded machine reaches the answer before the keys:
    // what is asserted is the order (keys answered, server not yet), not a time.
    let mut config = FakeConfig::new(SECRET, USER, vec![message_json(1, 1, true, "hi", None)]);
    config.latency = Duration::from_secs(15);
    let server = Server::start(config);
    let Some(tmux) = Tmux::start("slow", WIDTH, HEIGHT, &server.launch(SECRET, USER)) else {
        return;
    };
    tmux.wait_for("the app to start", |s| s.contains("connecting…"));
    let unanswered = || server.fake().requests().iter().all(|r| r.status.is_none());

    tmux.send_keys(&["?"]);
    // The whole box, to its last row: tmux may show a frame half written.
    // Its bottom border says how it closes, whether or not every key fits.
    tmux.wait_for("the help", |s| {
        s.contains(" keys ") && s.contains("Esc or ? closes")
    });
    assert!(unanswered(), "the help waited for the server's answer");

    tmux.send_keys(&["q"]);
    let ended = tmux.wait_for_exit();
    assert!(unanswered(), "quitting waited for the server's answer");
    assert_eq!(ended.status, 0, "{:?}", ended.screen);
    assert_terminal_given_back(&tmux, &ended);
}

// ----- 6. resizing -----

/// Text without any whitespace: the same words however they are wrapped.
fn unwrapped(rows: &[String]) -> String {
    rows.concat().split_whitespace().collect()
}

/// Checks a screen of `width` columns: nothing wider, the status bar on the
/// last row, and the whole selected message on screen, from its header (one
/// or more rows) to the end of `body`.
fn assert_whole(screen: &Screen, width: usize, body: &str) {
    assert!(
        screen.widest() <= width,
        "a row is wider than {width}:{screen:?}"
    );
    assert_eq!(screen.rows.len(), usize::from(HEIGHT), "{screen:?}");
    assert!(
        screen.rows.last().unwrap().ends_with(STATUS_BAR_END),
        "the status bar is not on the last row:{screen:?}"
    );
    let block = selected_block(screen);
    assert!(
        block.first().is_some_and(|header| header.contains(" · ")),
        "the selected message's header is not on screen:{screen:?}"
    );
    assert!(
        unwrapped(&block).ends_with(body),
        "the selected message is not wholly on screen:{screen:?}"
    );
}

#[test]
fn a_narrow_window_keeps_the_view_whole_and_widening_restores_it() {
    let Some(tmux) = Tmux::start("resize", WIDTH, HEIGHT, &Launch::args(["--demo", "4821"])) else {
        return;
    };
    let total = FakeConfig::demo().messages.len();
    tmux.wait_for("the conversation", shows_a_position);
    // Every page, then down until the view scrolls: the selection is then on
    // the bottom rows, where a narrower layout pushes it off screen first.
    tmux.send_keys(&["g"]);
    tmux.wait_for("every message", |s| {
        s.contains(&format!("│ 1 of {total} │")) && !s.contains(" loaded")
    });
    tmux.send_keys(&["j"; 12]);
    let wide = tmux.wait_for_stable("the view to scroll", |s| {
        !s.contains("beginning of conversation")
    });
    let block = selected_block(&wide);
    assert!(block.len() >= 2, "{wide:?}");
    let body = unwrapped(&block[1..]);
    assert_whole(&wide, usize::from(WIDTH), &body);

    tmux.resize(30, HEIGHT);
    assert_eq!(tmux.pane_size(), (30, usize::from(HEIGHT)));
    let narrow = tmux.wait_for_stable("the narrow view", |_| true);
    // szchat laid the screen out again, rather than tmux cutting the old one.
    let cut: Vec<String> = wide
        .rows
        .iter()
        .map(|row| row.chars().take(30).collect())
        .collect();
    assert_ne!(narrow.rows, cut, "the screen was not redrawn:{narrow:?}");
    assert_whole(&narrow, 30, &body);

    tmux.resize(WIDTH, HEIGHT);
    let back = tmux.wait_for_stable("the wide view", |s| s.widest() > 30);
    assert_eq!(back, wide, "widening again did not restore the view");

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

// ----- signals -----

/// Sends `signal` to szchat once the demo is on screen, and checks the exit
/// status and the terminal.
fn signal_ends_the_app(name: &str, signal: &str, status: i32) {
    let Some(tmux) = Tmux::start(name, WIDTH, HEIGHT, &Launch::args(["--demo", "4821"])) else {
        return;
    };
    tmux.wait_for("the conversation", shows_a_position);
    assert_eq!(tmux.display("#{alternate_on}"), "1");
    let pid = tmux.szchat_pid();
    let killed = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, status, "{:?}", ended.screen);
    assert_terminal_given_back(&tmux, &ended);
}

#[test]
fn sigterm_restores_the_terminal_and_exits_143() {
    signal_ends_the_app("term", "TERM", 143);
}

#[test]
fn sighup_restores_the_terminal_and_exits_129() {
    signal_ends_the_app("hup", "HUP", 129);
}

#[test]
fn sigint_restores_the_terminal_and_exits_130() {
    // Ctrl-C is a key in raw mode, but `kill -INT` still arrives as a signal.
    signal_ends_the_app("int", "INT", 130);
}

#[test]
fn sigquit_restores_the_terminal_and_exits_131() {
    signal_ends_the_app("quit", "QUIT", 131);
}

#[test]
fn sigusr1_restores_the_terminal_before_ending_the_app() {
    // SIGUSR1 is 10 on Linux, 30 on the BSDs and macOS.
    let status = if cfg!(target_os = "linux") { 138 } else { 158 };
    signal_ends_the_app("usr1", "USR1", status);
}

#[test]
fn sigalrm_restores_the_terminal_and_exits_142() {
    signal_ends_the_app("alrm", "ALRM", 142);
}

// ----- panics -----

/// Set in the environment of the helper below when a test runs it in tmux.
const PANIC_HELPER: &str = "SZCHAT_E2E_PANIC_HELPER";

/// Not a test by itself: `a_panic_gives_the_terminal_back` runs this test
/// binary in tmux with [`PANIC_HELPER`] set, and it then takes the terminal
/// as szchat does, draws (which hides the cursor), and panics.
#[test]
#[ignore = "a helper that a_panic_gives_the_terminal_back runs in tmux"]
fn panic_with_the_terminal_taken() {
    if std::env::var_os(PANIC_HELPER).is_none() {
        return;
    }
    let mut session = szchat::terminal::TerminalSession::start().unwrap();
    session
        .terminal()
        .draw(|frame| frame.render_widget("about to panic", frame.area()))
        .unwrap();
    panic!("on purpose, with the terminal taken");
}

#[test]
fn a_panic_gives_the_terminal_back() {
    let helper = std::env::current_exe().unwrap();
    let launch = Launch::program(
        helper,
        [
            "--exact",
            "panic_with_the_terminal_taken",
            "--ignored",
            "--nocapture",
        ],
    )
    .env(PANIC_HELPER, "1");
    let Some(tmux) = Tmux::start("panic", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 101, "{:?}", ended.screen);
    assert!(
        ended.screen.contains("on purpose, with the terminal taken"),
        "the panic message is not on the main screen:{:?}",
        ended.screen
    );
    assert_terminal_given_back(&tmux, &ended);
}

/// True while `pid` is a live process (a zombie counts as ended).
fn alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        let probe = Command::new("kill").args(["-0", &pid.to_string()]).output();
        return probe.is_ok_and(|output| output.status.success());
    }
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

#[test]
fn closing_the_terminal_ends_the_app() {
    let Some(tmux) = Tmux::start("close", WIDTH, HEIGHT, &Launch::args(["--demo", "4821"])) else {
        return;
    };
    tmux.wait_for("the conversation", shows_a_position);
    let pid = tmux.szchat_pid();
    assert!(alive(pid));
    // tmux hangs up on the processes of a session it kills.
    tmux.kill_session();
    tmux::eventually("szchat to end with its terminal", || !alive(pid));
}

// ----- 7. emoji sequences and joiners -----

/// Messages whose text holds every sequence terminals disagree about: a
/// joiner after a letter (also in a sender's name and a file name),
/// skin-tone modifiers, flags, lone regional indicators and modifiers,
/// emoji joiner sequences, variation selectors and keycaps, after plain
/// messages enough to scroll.
fn disputed_width_messages() -> Vec<Value> {
    let plain = |id: u64| {
        message_json(
            id,
            id as i64,
            id % 2 == 1,
            &format!("plain message number {id}"),
            None,
        )
    };
    let mut messages: Vec<Value> = (1..=30).map(plain).collect();
    let mut joiner = message_json(
        31,
        31,
        true,
        "a joiner after a letter: W\u{200D}J and on",
        None,
    );
    joiner["sender"]["name"] = Value::from("W\u{200D}J Visitor");
    messages.push(joiner);
    messages.push(message_json(
        32,
        32,
        false,
        "Good morning, I'm Priya from billing 👋🏽 and 👍🏿 too",
        None,
    ));
    messages.push(message_json(
        33,
        33,
        true,
        "flags 🇺🇸 and 🇱🇹🇬🇧, a lone 🇸 and a lone 🏽 swatch",
        None,
    ));
    messages.push(message_json(
        34,
        34,
        false,
        "family 👨\u{200D}👩\u{200D}👧, rainbow 🏳\u{FE0F}\u{200D}🌈, heart ❤\u{FE0F}, \
         smile ☺\u{FE0E}, watch ⌚\u{FE0E}, keycaps 1\u{FE0F}\u{20E3} #\u{FE0F}\u{20E3}",
        None,
    ));
    messages.push(message_json(
        35,
        35,
        true,
        "see the file",
        Some("https://files.example/hi-👋🏽-W\u{200D}J-🇺🇸.pdf"),
    ));
    // Issue 13 item 25: U+1FAEF is newer than the width tables of most
    // terminals; so are Unicode 16's 🫩 and 🫆.
    messages.push(message_json(
        36,
        36,
        false,
        "newest 🧑🏾\u{200D}\u{1FAEF}\u{200D}🧑🏼 and 🫩🫆 emoji",
        None,
    ));
    messages.extend((37..=38).map(plain));
    messages
}

/// How the messages of [`disputed_width_messages`] must look: every emoji
/// sequence split into pieces every terminal draws equally wide.
const DISPUTED_WIDTH_ROWS: [&str; 18] = [
    "▎ WJ Visitor · visitor · 17:31 · ✓ seen",
    "▎ a joiner after a letter: WJ and on",
    "",
    "                    ▎ John Smith · operator · 17:32 · ✓ seen",
    "                    ▎ Good morning, I'm Priya from billing 👋 and 👍 too",
    "",
    "▎ David Smith · visitor · 17:33 · ✓ seen",
    "▎ flags [US] and [LT][GB], a lone [S] and a lone  swatch",
    "",
    "                    ▎ John Smith · operator · 17:34 · ✓ seen",
    "                    ▎ family 👨👩👧, rainbow 🏳🌈, heart ❤, smile ☺, watch ⌚, keycaps 1\u{20E3} #\u{20E3}",
    "",
    "▎ David Smith · visitor · 17:35 · ✓ seen",
    "▎ see the file",
    "▎ 📎 hi-👋-WJ-[US].pdf  (o open · y copy link)",
    "",
    "                    ▎ John Smith · operator · 17:36 · ✓ seen",
    "                    ▎ newest 🧑\u{FFFD}🧑 and \u{FFFD}\u{FFFD} emoji",
];

#[test]
fn scrolling_across_emoji_sequences_leaves_the_screen_a_fresh_start_shows() {
    let server = Server::start(FakeConfig::new(SECRET, USER, disputed_width_messages()));
    let newest = "plain message number 38";
    let launch = server.launch(SECRET, USER);
    let Some(scrolled) = Tmux::start("emoji-scrolled", WIDTH, HEIGHT, &launch) else {
        return;
    };
    scrolled.wait_for_stable("the newest message", |s| s.contains(newest));
    // Up until the tricky messages have moved down the screen, to the first
    // message, a little down, and back to the newest.
    scrolled.send_keys(&["k"; 12]);
    scrolled.wait_for_stable("the view to scroll up", |s| !s.contains(newest));
    scrolled.send_keys(&["g"]);
    scrolled.wait_for_stable("the first message", |s| {
        s.contains("beginning of conversation")
    });
    scrolled.send_keys(&["j"; 8]);
    scrolled.wait_for_stable("the selection to move down", |_| true);
    scrolled.send_keys(&["G"]);
    let after = scrolled.wait_for_stable("the newest message again", |s| s.contains(newest));

    let Some(fresh) = Tmux::start("emoji-fresh", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let first = fresh.wait_for_stable("the newest message", |s| s.contains(newest));
    assert_eq!(
        after, first,
        "scrolling left cells behind; a fresh start shows:{first:?}"
    );
    let start = first
        .find("a joiner after a letter")
        .expect("the joiner message on screen")
        - 1;
    let rows: Vec<&str> = first.rows[start..start + DISPUTED_WIDTH_ROWS.len()]
        .iter()
        .map(|row| row.trim_end())
        .collect();
    assert_eq!(rows, DISPUTED_WIDTH_ROWS, "{first:?}");

    scrolled.send_keys(&["q"]);
    assert_eq!(scrolled.wait_for_exit().status, 0);
}

// ----- 8. jumping and taking things out -----

#[test]
fn c_puts_exactly_the_message_text_on_the_clipboard_of_tmux() {
    let body = "first line\n\tsecond ☕ 👋🏽 line\x1b]0;title\x07";
    let messages = vec![
        message_json(1, 1, true, "hello", None),
        // An operator's message: on screen behind an indent and a gutter.
        message_json(2, 2, false, body, None),
    ];
    let server = Server::start(FakeConfig::new(SECRET, USER, messages));
    // The harness's tmux runs with `set-clipboard on`, which makes tmux keep
    // what applications send with OSC 52 as a paste buffer.
    let Some(tmux) = Tmux::start("copy-text", WIDTH, HEIGHT, &server.launch(SECRET, USER)) else {
        return;
    };
    let screen = tmux.wait_for("the operator's message", |s| s.contains("first line"));
    assert_selected(&screen, "first line");
    assert_eq!(tmux.clipboard(), Vec::<String>::new());

    tmux.send_keys(&["c"]);
    tmux::eventually("the text on the clipboard", || !tmux.clipboard().is_empty());
    let expected = szchat::sanitize::sanitize_text(body);
    assert_eq!(expected, "first line\n    second ☕ 👋 line␛]0;title␇");
    assert_eq!(tmux.clipboard(), [expected]);
    tmux.wait_for("the notice", |s| {
        s.rows
            .last()
            .is_some_and(|bar| bar.contains("sent to the terminal clipboard"))
    });

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn colon_jumps_to_an_id_in_older_pages_and_i_shows_its_details() {
    let messages: Vec<Value> = (1..=300)
        .map(|id| message_json(id, id as i64 * 20, id % 2 == 1, &format!("m{id} end"), None))
        .collect();
    let server = Server::start(FakeConfig::new(SECRET, USER, messages));
    let Some(tmux) = Tmux::start("jump", WIDTH, HEIGHT, &server.launch(SECRET, USER)) else {
        return;
    };
    tmux.wait_for("the newest message", |s| s.contains("m300 end"));

    tmux.send_keys(&[":"]);
    let screen = tmux.wait_for("the prompt", |s| {
        s.rows.last().is_some_and(|bar| bar.starts_with(':'))
    });
    assert!(
        screen.rows.last().unwrap().contains("Esc cancels"),
        "{screen:?}"
    );
    tmux.send_keys(&["#12", "Enter"]);
    let screen = tmux.wait_for("message 12", |s| s.contains("m12 end"));
    assert_selected(&screen, "m12 end");

    tmux.send_keys(&["i"]);
    let screen = tmux.wait_for("the details", |s| s.contains("JSON as received"));
    assert!(screen.contains("message #12"), "{screen:?}");
    assert!(screen.contains(r#"  "id": 12,"#), "{screen:?}");
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the conversation again", |s| {
        !s.contains("JSON as received")
    });

    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

// ----- following live -----

#[test]
fn follow_shows_new_messages_without_a_key_and_marks_them_when_scrolled_up() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(20));
    // Two live messages, the first 4 s after the server starts: time for
    // szchat to open and the reader to scroll up.
    config.live = Some(LiveChat {
        user_id: USER,
        every: Duration::from_secs(4),
        limit: 2,
        seed: 7,
    });
    let server = Server::start(config);
    let launch = Launch::args([
        "--follow".to_owned(),
        "--poll".to_owned(),
        "1".to_owned(),
        "--base-url".to_owned(),
        server.fake().base_url(),
        USER.to_string(),
    ])
    .env("SIGNALZEN_API_SECRET", SECRET);
    let Some(tmux) = Tmux::start("follow", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let bar = |s: &Screen| s.rows.last().cloned().unwrap_or_default();
    tmux.wait_for("following", |s| bar(s).contains("following · checked "));
    tmux.send_keys(&["PPage", "PPage"]);
    let screen = tmux.wait_for("the marker", |s| bar(s).contains("new message"));
    assert!(bar(&screen).contains("↓ "), "{screen:?}");
    // The view stayed where the reader left it.
    assert!(!screen.contains("it wants a code"), "{screen:?}");

    tmux::eventually("both live messages", || server.fake().message_count() == 22);
    let newest = "it wants a code from my banking app";
    tmux.send_keys(&["G"]);
    let screen = tmux.wait_for("the newest message", |s| s.contains(newest));
    assert_selected(&screen, newest);
    let screen = tmux.wait_for("the marker gone", |s| !bar(s).contains("new message"));
    assert!(bar(&screen).contains("22 of 22"), "{screen:?}");

    tmux.send_keys(&["q"]);
    let ended = tmux.wait_for_exit();
    assert_eq!(ended.status, 0, "{:?}", ended.screen);
    assert_terminal_given_back(&tmux, &ended);
}

#[test]
fn slash_searches_older_pages_and_n_steps_through_the_matches() {
    let messages: Vec<Value> = (1..=300)
        .map(|id| {
            let body = match id {
                7 | 150 => format!("m{id} the Refund went through"),
                _ => format!("m{id} end"),
            };
            message_json(id, id as i64 * 20, id % 2 == 1, &body, None)
        })
        .collect();
    let server = Server::start(FakeConfig::new(SECRET, USER, messages));
    let Some(tmux) = Tmux::start("search", WIDTH, HEIGHT, &server.launch(SECRET, USER)) else {
        return;
    };
    tmux.wait_for("the newest message", |s| s.contains("m300 end"));

    tmux.send_keys(&["/"]);
    let screen = tmux.wait_for("the prompt", |s| {
        s.rows.last().is_some_and(|bar| bar.starts_with('/'))
    });
    assert!(
        screen.rows.last().unwrap().contains("Enter searches"),
        "{screen:?}"
    );
    tmux.send_keys(&["refund", "Enter"]);
    let screen = tmux.wait_for("the newer match", |s| s.contains("match 1/2"));
    assert_selected(&screen, "m150 the Refund");

    tmux.send_keys(&["n"]);
    let screen = tmux.wait_for("the older match", |s| s.contains("match 2/2"));
    assert_selected(&screen, "m7 the Refund");
    tmux.send_keys(&["N"]);
    let screen = tmux.wait_for("the newer match again", |s| s.contains("match 1/2"));
    assert_selected(&screen, "m150 the Refund");

    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the search gone", |s| !s.contains("match 1/2"));
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}
