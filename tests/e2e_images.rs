//! End-to-end: picture previews in a real terminal (tmux, which has no
//! graphics protocol szchat uses): with `--images always` the demo's
//! screenshot is drawn in half blocks under its message, and a
//! decompression bomb is refused in words, with szchat's memory bounded
//! and its keys still answered.

#[path = "e2e/served.rs"]
mod served;
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use std::fs;

use serde_json::{Value, json};
use served::Server;
use szchat_fake::FakeConfig;
use tmux::{Launch, Screen, Tmux};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;
const USER: u64 = 4821;
const SECRET: &str = "e2e-secret-0123456789";

/// Cells drawn as half blocks on `row`.
fn half_blocks(row: &str) -> usize {
    row.chars().filter(|c| matches!(c, '▀' | '▄')).count()
}

/// The rows under the first row that shows `name` as an attachment.
fn rows_under<'a>(screen: &'a Screen, name: &str) -> Vec<&'a str> {
    let attachment = format!("📎 {name}");
    screen
        .rows
        .iter()
        .skip_while(|row| !row.contains(&attachment))
        .skip(1)
        .map(String::as_str)
        .collect()
}

#[test]
fn the_demo_screenshot_is_drawn_in_half_blocks_under_its_message() {
    let launch = Launch::args(["--demo", "4821", "--images", "always"]);
    let Some(tmux) = Tmux::start("images-demo", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| s.contains(" of "));
    tmux.send_keys(&["/"]);
    tmux.send_keys(&["-l", "screenshot-double"]);
    tmux.send_keys(&["Enter"]);
    let name = "screenshot-double-charge.png";
    let screen = tmux.wait_for("the preview", |s| {
        rows_under(s, name)
            .iter()
            .take(6)
            .filter(|row| half_blocks(row) >= 10)
            .count()
            >= 3
    });
    // Beside the message's gutter, within the text column.
    for row in rows_under(&screen, name).iter().take(6) {
        assert!(row.starts_with('▌') || row.starts_with('▎'), "{screen:?}");
    }
    // Enter shows it larger: more rows of it, in a box naming it.
    tmux.send_keys(&["Enter"]);
    // (A frame may be caught half written: the wait is for all of it.)
    tmux.wait_for("the larger picture", |s| {
        let rows = s.rows.iter().filter(|row| half_blocks(row) >= 10).count();
        s.contains(name) && s.contains("Esc closes") && rows > 6
    });
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the conversation again", |s| !s.contains("Esc closes"));
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

/// A message of the visitor's at minute `minute`, with `file` attached.
fn message(id: u64, minute: u32, body: &str, file: Option<&str>) -> Value {
    json!({
        "id": id,
        "body": body,
        "read_by_user": true,
        "created_at": format!("2026-11-20T10:{minute:02}:00.000Z"),
        "file_url": file.map(|name| format!("files/{name}")),
        "auto_invitation": false,
        "sender_type": "user",
        "read_by_operator": true,
        "sender": {"id": USER, "name": "Vera Visitor", "email": null},
    })
}

/// szchat's peak memory (resident set), in MB.
fn peak_mb(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

#[test]
fn a_decompression_bomb_is_refused_with_memory_bounded_and_keys_answered() {
    // 7000 × 7000: under the pixel limit, 49 MB once decoded, a few
    // hundred KB as sent.
    let bomb = szchat::testing::bomb_png(7_000);
    assert!(bomb.len() < 1_000_000, "{} bytes", bomb.len());
    let mut config = FakeConfig::new(
        SECRET,
        USER,
        vec![
            message(1, 0, "a picture of my screen", Some("screen.png")),
            message(2, 1, "and the next message", None),
        ],
    );
    config.files = vec![("screen.png".to_owned(), bomb)];
    let server = Server::start(config);
    let launch = Launch::args([
        "--base-url".to_owned(),
        server.fake().base_url(),
        "--images".to_owned(),
        "always".to_owned(),
        USER.to_string(),
    ])
    .env("SIGNALZEN_API_SECRET", SECRET);
    let Some(tmux) = Tmux::start("images-bomb", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let pid = tmux.szchat_pid();
    let screen = tmux.wait_for("the refusal", |s| {
        s.contains("image too large to preview: 7000 × 7000")
    });
    assert!(
        rows_under(&screen, "screen.png")
            .iter()
            .all(|row| half_blocks(row) == 0),
        "{screen:?}"
    );
    let peak = peak_mb(pid);
    eprintln!("szchat peak memory with the bomb on screen: {peak} MB");
    assert!(peak < 300, "szchat's memory peaked at {peak} MB");
    // Still answering: the help opens and closes.
    tmux.send_keys(&["?"]);
    tmux.wait_for("the help", |s| s.contains("show / hide this help"));
    tmux.send_keys(&["?"]);
    tmux.wait_for("the help closed", |s| !s.contains("show / hide this help"));
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}
