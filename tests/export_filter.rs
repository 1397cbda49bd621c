//! `--only` and `--no-auto-invitations`: an export leaves out what the
//! filter says, the same whether it streams from the server
//! (`--no-archive`) or writes from the archive, and a bad value is one line
//! and exit 2.

mod common;

use std::process::Output;

use serde_json::Value;
use szchat_fake::{FakeConfig, FakeServer};

use common::{message_json, run, stderr, szchat_command};

const SECRET: &str = "filter-secret-0123";
const USER: u64 = 77;

/// Ten messages: visitor and operator in turn, message 2 an
/// auto-invitation, messages 5 and 8 with a file.
fn history() -> Vec<Value> {
    (1..=10)
        .map(|id| {
            let file = matches!(id, 5 | 8).then(|| format!("files/f{id}.pdf"));
            let mut message = message_json(
                id,
                id as i64,
                id % 2 == 1,
                &format!("Message {id}"),
                file.as_deref(),
            );
            if id == 2 {
                message["auto_invitation"] = Value::Bool(true);
            }
            message
        })
        .collect()
}

async fn server() -> FakeServer {
    let mut config = FakeConfig::new(SECRET, USER, history());
    config.files = vec![
        ("f5.pdf".to_owned(), b"%PDF-5".to_vec()),
        ("f8.pdf".to_owned(), b"%PDF-8".to_vec()),
    ];
    FakeServer::start(config).await.unwrap()
}

async fn export(server: &FakeServer, archive: bool, filter: &[&str]) -> Output {
    export_as(server, "jsonl", archive, filter).await
}

async fn export_as(server: &FakeServer, format: &str, archive: bool, filter: &[&str]) -> Output {
    let user = USER.to_string();
    let mut args = vec!["--export", format];
    if !archive {
        args.push("--no-archive");
    }
    args.extend_from_slice(filter);
    args.push(&user);
    let mut command = szchat_command(SECRET, &args);
    let data = tempfile::tempdir().unwrap();
    command
        .env("SIGNALZEN_BASE_URL", server.base_url())
        .env("XDG_DATA_HOME", data.path());
    let output = run(command).await;
    drop(data);
    output
}

/// The ids of the exported messages.
fn ids(output: &Output) -> Vec<u64> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_filter_leaves_out_what_it_names_with_and_without_the_archive() {
    let server = server().await;
    let cases: &[(&[&str], &[u64], &str)] = &[
        (&[], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ""),
        (
            &["--no-auto-invitations"],
            &[1, 3, 4, 5, 6, 7, 8, 9, 10],
            "(1 left out: no auto-invitations)",
        ),
        (
            &["--only", "visitor"],
            &[1, 3, 5, 7, 9],
            "(5 left out: only the visitor's)",
        ),
        (
            &["--only", "operator"],
            &[2, 4, 6, 8, 10],
            "(5 left out: only the operator's)",
        ),
        (
            &["--only", "operator", "--no-auto-invitations"],
            &[4, 6, 8, 10],
            "(6 left out: only the operator's · no auto-invitations)",
        ),
        (
            &["--only", "attachments"],
            &[5, 8],
            "(8 left out: only attachments)",
        ),
    ];
    for archive in [false, true] {
        for (filter, wanted, said) in cases {
            let output = export(&server, archive, filter).await;
            assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
            assert_eq!(ids(&output), *wanted, "{filter:?}, archive {archive}");
            let summary = stderr(&output);
            assert!(
                summary.contains(&format!("exported {} message", wanted.len())),
                "{summary}"
            );
            if !said.is_empty() {
                assert!(summary.contains(said), "{filter:?}: {summary}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_only_is_one_line_and_exit_2_before_any_request() {
    let server = server().await;
    let output = export(&server, false, &["--only", "visitors"]).await;
    assert_eq!(output.status.code(), Some(2));
    let first = stderr(&output)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        first.contains("--only takes visitor, operator or attachments"),
        "{first}"
    );
    assert_eq!(server.request_count(), 0);
    let mut command = szchat_command(SECRET, &["--only", "visitor", "77"]);
    command.env("SIGNALZEN_BASE_URL", server.base_url());
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(2), "--only needs --export");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_markdown_export_of_only_attachments_names_both_files() {
    let server = server().await;
    let user = USER.to_string();
    let mut command = szchat_command(
        SECRET,
        &[
            "--export",
            "md",
            "--no-archive",
            "--only",
            "attachments",
            &user,
        ],
    );
    command.env("SIGNALZEN_BASE_URL", server.base_url());
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let markdown = String::from_utf8_lossy(&output.stdout);
    assert!(markdown.contains("📎 f5.pdf"), "{markdown}");
    assert!(markdown.contains("📎 f8.pdf"), "{markdown}");
    assert!(!markdown.contains("Message 1\n"), "{markdown}");
    assert!(!markdown.contains("Message 4"), "{markdown}");
}

/// The filter cases of a history of [`history`], by the flags and the ids kept.
const FILTERED: &[(&[&str], &[u64])] = &[
    (&["--no-auto-invitations"], &[1, 3, 4, 5, 6, 7, 8, 9, 10]),
    (&["--only", "visitor"], &[1, 3, 5, 7, 9]),
    (
        &["--only", "operator", "--no-auto-invitations"],
        &[4, 6, 8, 10],
    ),
    (&["--only", "attachments"], &[5, 8]),
];

/// `szchat ARGS` against `server`, its archive in `data`.
async fn szchat_in(server: &FakeServer, data: &std::path::Path, args: &[&str]) -> Output {
    let mut command = szchat_command(SECRET, args);
    command
        .env("SIGNALZEN_BASE_URL", server.base_url())
        .env("XDG_DATA_HOME", data);
    run(command).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_2_in_either_server_order_and_offline_leave_out_the_same() {
    use szchat_fake::ServeOrder;
    let user = USER.to_string();
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        let mut config = FakeConfig::new(SECRET, USER, history());
        config.order = order;
        let server = FakeServer::start(config).await.unwrap();
        let data = tempfile::tempdir().unwrap();
        for (filter, wanted) in FILTERED {
            // Streamed from the server two at a time, then through the archive.
            for archive in [false, true] {
                let mut args = vec!["--export", "jsonl", "--page-size", "2"];
                if !archive {
                    args.push("--no-archive");
                }
                args.extend_from_slice(filter);
                args.push(&user);
                let output = szchat_in(&server, data.path(), &args).await;
                assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
                assert_eq!(
                    ids(&output),
                    *wanted,
                    "{order:?} {filter:?} archive {archive}"
                );
            }
            // From the archive alone: no request at all.
            let before = server.request_count();
            let mut args = vec!["--offline", "--export", "jsonl"];
            args.extend_from_slice(filter);
            args.push(&user);
            let output = szchat_in(&server, data.path(), &args).await;
            assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
            assert_eq!(ids(&output), *wanted, "{order:?} {filter:?} offline");
            assert_eq!(server.request_count(), before, "--offline asks nothing");
        }
    }
}

/// A text transcript's header gives the period and the figures of the
/// messages exported, the same whether they stream from the server or come
/// from the archive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_is_of_the_messages_exported_with_and_without_the_archive() {
    let server = server().await;
    let mut headers = Vec::new();
    for archive in [false, true] {
        let output = export_as(&server, "txt", archive, &["--only", "visitor"]).await;
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let header: Vec<String> = text
            .lines()
            .take_while(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        headers.push(header);
    }
    let streamed = &headers[0];
    assert_eq!(
        streamed, &headers[1],
        "from the server and from the archive"
    );
    assert_eq!(
        streamed[2..],
        [
            "Period: Fri 9 Feb 2018 17:01 – Fri 9 Feb 2018 17:09, all times in UTC+00:00",
            "Messages: 5 (5 from the visitor, 0 from operators)",
            "Unanswered: 5 visitor messages since Fri 9 Feb 2018 17:01 UTC+00:00",
        ],
        "the visitor's messages 1 to 9 only"
    );
}
