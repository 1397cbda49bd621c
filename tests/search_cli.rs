//! `szchat search` as a user runs it: the real binary against the fake
//! server, with a data directory of its own.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use szchat_fake::{FakeConfig, FakeServer, Visitor, synthetic_messages};

const SECRET: &str = "search-secret";
const USER: u64 = 42;

fn command(home: &tempfile::TempDir, server: &FakeServer, args: &[&str]) -> Command {
    let mut command = common::szchat_at_home(home.path(), SECRET, &server.base_url());
    command.args(args);
    command
}

fn szchat(home: &tempfile::TempDir, server: &FakeServer, args: &[&str]) -> Output {
    command(home, server, args).output().unwrap()
}

/// `szchat` killed if it has not finished after a minute: a guard against
/// a hang, not a measure of speed.
fn szchat_guarded(home: &tempfile::TempDir, server: &FakeServer, args: &[&str]) -> Output {
    let mut child = command(home, server, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..600 {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    panic!("szchat {args:?} did not finish");
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A server for visitor 42 with `messages`, and a home where they are synced.
async fn synced(messages: Vec<Value>) -> (FakeServer, tempfile::TempDir) {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, messages))
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = szchat(&home, &server, &["sync", "42"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    (server, home)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_archived_messages_newest_first_with_no_request() {
    let mut messages = synthetic_messages(120);
    messages[3]["body"] = Value::from("Un café, s'il vous plaît \u{1b}[31m");
    messages[4]["body"] = Value::from("明日東京に行きます");
    let (server, home) = synced(messages).await;
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
    // A query of 10,000 characters is refused in one line (the guard only
    // keeps a hang from stalling the suite; it measures nothing).
    let long = "x".repeat(10_000);
    let output = szchat_guarded(&home, &server, &["search", &long]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        text(&output.stderr).lines().count(),
        1,
        "{}",
        text(&output.stderr)
    );
    let long_words = "invoice ".repeat(1_250);
    let output = szchat_guarded(&home, &server, &["search", &long_words]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stderr).lines().count(), 1);
    assert_eq!(
        server.request_count(),
        before,
        "the search makes no request"
    );
}

/// Short words and prefixes fold like longer ones and match where a word
/// begins; `strasse` finds "Straße"; the snippet marks what folding found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_words_prefixes_and_folded_letters() {
    let mut messages = synthetic_messages(6);
    messages[0]["body"] = Value::from("Wir wohnen in der Hauptstraße 4");
    messages[1]["body"] = Value::from("Ét voilà, the Øre invoice");
    messages[2]["body"] = Value::from("a retrial, not a trial");
    let (server, home) = synced(messages).await;
    let found = |query: &str| -> Vec<String> {
        let output = szchat(&home, &server, &["search", query]);
        text(&output.stdout)
            .lines()
            .map(|line| line.rsplit(" · ").next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(found("hauptstrasse"), ["Wir wohnen in der [Hauptstraße] 4"]);
    assert_eq!(found("STRASSE"), ["Wir wohnen in der Haupt[straße] 4"]);
    assert_eq!(found("et"), ["[Ét] voilà, the Øre invoice"]);
    assert_eq!(found("ore"), ["Ét voilà, the [Øre] invoice"]);
    assert_eq!(found("tri*"), ["a retrial, not a [tri]al"]);
    assert!(
        found("ria*").is_empty(),
        "a prefix matches where a word begins"
    );
    assert!(found("oi").is_empty(), "so does a short word");
    assert_eq!(found("vo"), ["Ét [vo]ilà, the Øre invoice"]);
    // Every word of the query is marked, an excluded one never.
    assert_eq!(
        found("invoice et -trial"),
        ["[Ét] voilà, the Øre [invoice]"]
    );
    assert_eq!(
        found("\"not a\" tri* -voila"),
        ["a retrial, [not a] [tri]al"]
    );
}

/// The output says which visitors the archive lacks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_says_how_many_visitors_were_never_synced() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(5));
    config.other_visitors = (1..=3)
        .map(|id| Visitor::new(id, synthetic_messages(4)))
        .collect();
    let server = FakeServer::start(config).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = szchat(&home, &server, &["sync"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // Three visitors listed but their histories never synced, as after a
    // sync that was stopped once the list was in.
    let db = home.path().join("data/szchat/archive.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM sync_state WHERE visitor <> 42", [])
        .unwrap();
    drop(conn);
    let output = szchat(&home, &server, &["search", "message"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr).trim_end(),
        "searched 1 visitor; 3 visitors were never synced — szchat sync"
    );
}
