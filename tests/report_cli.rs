//! `szchat report` as a user runs it: the real binary against the fake
//! server, synced once, then reported from the archive with no request.

mod common;

use std::process::Output;

use serde_json::Value;
use szchat::report_cli::CSV_HEADER;
use szchat_fake::{FakeConfig, FakeServer, synthetic_messages};

const SECRET: &str = "report-secret";
const USER: u64 = 42;

fn szchat(home: &tempfile::TempDir, server: &FakeServer, args: &[&str]) -> Output {
    common::szchat_at_home(home.path(), SECRET, &server.base_url())
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Seven messages a minute apart from 2026-01-05 09:00 UTC, visitor first:
/// the operator's first is an auto-invitation, so the waits are 09:00 →
/// 09:03 (180 s) and 09:04 → 09:05 (60 s), and 09:06 waits still. The
/// visitor named themselves as a spreadsheet formula.
async fn synced() -> (tempfile::TempDir, FakeServer) {
    let mut messages = synthetic_messages(7);
    messages[1]["auto_invitation"] = Value::from(true);
    for message in &mut messages {
        if message["sender_type"] == "user" {
            message["sender"]["name"] = Value::from("=HYPERLINK(\"http://evil\",\"Hana, W\")");
            message["sender"]["email"] = Value::from("hana@example.com");
        }
    }
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, messages))
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = szchat(&home, &server, &["sync"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    (home, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_comes_from_the_archive_in_csv_json_and_a_table() {
    let (home, server) = synced().await;
    let before = server.request_count();

    let output = szchat(&home, &server, &["report", "--csv"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let csv = text(&output.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], CSV_HEADER);
    assert!(
        csv.ends_with("\r\n") && csv.matches("\r\n").count() == csv.matches('\n').count(),
        "every record ends with CRLF (RFC 4180): {csv:?}"
    );
    assert_eq!(
        lines[0],
        "visitor_id,name,email,messages,visitor_messages,operator_messages,first_message_at,last_message_at,first_response_s,median_response_s,longest_wait_s,unanswered,awaiting_since"
    );
    assert_eq!(
        lines[1],
        "42,\"'=HYPERLINK(\"\"http://evil\"\",\"\"Hana, W\"\")\",hana@example.com,7,4,2,\
         2026-01-05T09:00:00Z,2026-01-05T09:06:00Z,180,120,180,1,2026-01-05T09:06:00Z"
    );
    assert_eq!(lines.len(), 2);

    let output = szchat(&home, &server, &["report", "--json", "42"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let rows: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    let keys: Vec<&str> = rows[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut header: Vec<&str> = CSV_HEADER.split(',').collect();
    header.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, header, "the CSV's keys");
    let raw = text(&output.stdout);
    let places: Vec<usize> = CSV_HEADER
        .split(',')
        .map(|key| raw.find(&format!("\"{key}\":")).unwrap())
        .collect();
    assert!(places.is_sorted(), "the keys in the CSV's order: {raw}");
    assert_eq!(rows[0]["visitor_id"], 42);
    assert_eq!(rows[0]["median_response_s"], 120, "a number");
    assert_eq!(rows[0]["awaiting_since"], "2026-01-05T09:06:00Z");

    let output = szchat(&home, &server, &["report"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let table = text(&output.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("VISITOR  NAME"), "{table}");
    assert!(lines[1].starts_with("42 "), "{table}");
    let cells: Vec<&str> = lines[1]
        .split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect();
    assert_eq!(
        cells[2..],
        ["7", "3 min", "2 min", "3 min", "1", "2026-01-05T09:06:00Z"],
        "waits in words: {table}"
    );
    let column = |line: &str, heading: &str| line.find(heading).unwrap();
    assert_eq!(
        column(lines[0], "AWAITING SINCE"),
        column(lines[1], "2026-01-05T09:06:00Z"),
        "aligned: {table}"
    );

    assert_eq!(
        server.request_count(),
        before,
        "the report makes no request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_not_archived_is_said_in_one_line() {
    let (home, server) = synced().await;
    let output = szchat(&home, &server, &["report", "--csv", "42", "77"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout).lines().count(), 2, "the header and 42");
    let said = text(&output.stderr);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("not in the archive: 77"), "{said}");

    let output = szchat(&home, &server, &["report", "--csv", "--json"]);
    assert_eq!(output.status.code(), Some(2), "--csv and --json conflict");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_synced_by_id_alone_is_named_by_their_own_messages() {
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(4)))
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = szchat(&home, &server, &["sync", &USER.to_string()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let sender = &server.messages_of(USER).unwrap()[0]["sender"];
    let (name, email) = (
        sender["name"].as_str().unwrap(),
        sender["email"].as_str().unwrap(),
    );
    let output = szchat(&home, &server, &["report", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let row: Value = serde_json::from_str(text(&output.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(
        row["name"], name,
        "no profile archived: the messages name them"
    );
    assert_eq!(row["email"], email);
}
