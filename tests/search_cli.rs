//! `szchat search` as a user runs it: the real binary against the fake
//! server, with a data directory of its own.

use std::process::{Command, Output, Stdio};

use serde_json::Value;
use szchat_fake::{FakeConfig, FakeServer, synthetic_messages};

const SECRET: &str = "search-secret";
const USER: u64 = 42;

fn szchat(home: &tempfile::TempDir, server: &FakeServer, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_szchat"))
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("SIGNALZEN_API_SECRET", SECRET)
        .env("SIGNALZEN_BASE_URL", server.base_url())
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_archived_messages_newest_first_with_no_request() {
    let mut messages = synthetic_messages(120);
    messages[3]["body"] = Value::from("Un café, s'il vous plaît \u{1b}[31m");
    messages[4]["body"] = Value::from("明日東京に行きます");
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, messages))
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = szchat(&home, &server, &["sync", "42"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let before = server.request_count();

    let output = szchat(&home, &server, &["search", "\"Message 12\""]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let lines: Vec<String> = text(&output.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].ends_with("· [Message 12]0"),
        "newest first: {lines:?}"
    );
    assert!(lines[1].ends_with("· [Message 12]"), "{lines:?}");
    assert!(lines[0].contains(" (42) · "), "{lines:?}");

    // Case and diacritics folded; CJK found inside a word; text sanitised.
    let output = szchat(&home, &server, &["search", "CAFE"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        !text(&output.stdout).contains('\u{1b}'),
        "no escape reaches the terminal"
    );
    let output = szchat(&home, &server, &["search", "東京"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("[東京]"),
        "{}",
        text(&output.stdout)
    );

    let output = szchat(
        &home,
        &server,
        &["search", "--json", "--limit", "1", "message", "-café"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let hits: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["visitor_id"], 42);
    assert_eq!(hits[0]["message_id"], 120);
    assert!(hits[0]["created_at"].is_string());
    assert!(hits[0]["sender_type"].is_string());
    assert!(hits[0]["snippet"].as_str().unwrap().contains("[Message]"));

    let output = szchat(&home, &server, &["search", "nowhere-to-be-found"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());

    for bad in ["\"unbalanced", "colour:red", "after:2026-02-30"] {
        let output = szchat(&home, &server, &["search", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        let said = text(&output.stderr);
        assert_eq!(said.lines().count(), 1, "{bad}: {said}");
        assert!(said.starts_with("szchat: search: "), "{said}");
        assert!(!said.to_lowercase().contains("sqlite"), "{said}");
    }
    let long = "x".repeat(10_000);
    let output = szchat(&home, &server, &["search", &long]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        server.request_count(),
        before,
        "the search makes no request"
    );
}
