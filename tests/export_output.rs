//! Where `--export -o` writes: a FIFO or device is written to directly and
//! never replaced, a symlink's target is replaced (the link stays), an
//! existing file keeps its mode and the summary says it was replaced, `-`
//! is standard output, a directory fails before any request, and a failed
//! export leaves the target as it was.

#![cfg(unix)]

mod common;

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, Request};
use axum::http::header;
use axum::response::IntoResponse;
use common::{run, stderr};
use serde_json::json;
use szchat::concurrency::Concurrency;
use szchat::export::{self, ExportConfig, Format};
use szchat::paging::PageSize;
use szchat::timefmt::LocalZone;
use szchat_fake::{FakeConfig, FakeServer, ServeOrder, synthetic_messages};
use tokio::net::TcpListener;

const SECRET: &str = "export-secret";
const USER: u64 = 31;

fn fake(n: usize) -> FakeConfig {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(n));
    config.order = ServeOrder::OldestFirst;
    config.latency = Duration::from_millis(1);
    config
}

fn config(server_url: &str, output: &Path) -> ExportConfig {
    ExportConfig {
        client: common::client(server_url, SECRET, USER),
        user_id: USER,
        page_size: PageSize::new(25).unwrap(),
        concurrency: Concurrency::new(4).unwrap(),
        format: Format::Jsonl,
        output: Some(output.to_owned()),
        zone: LocalZone::utc(),
        progress: false,
        save_attachments: None,
        filter: szchat::message_filter::MessageFilter::default(),
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn szchat(args: &[&str]) -> std::process::Command {
    common::szchat_command(SECRET, args)
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_is_written_to_and_stays_a_fifo() {
    let server = FakeServer::start(fake(120)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let reading = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let summary = export::run(config(&server.base_url(), &fifo))
        .await
        .unwrap();
    let read = tokio::task::spawn_blocking(move || reading.join().unwrap())
        .await
        .unwrap();
    assert_eq!(read.lines().count(), 120);
    assert_eq!(summary.replaced, None);
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
    assert_eq!(entries(dir.path()), ["pipe"], "no temporary file is left");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlink_is_followed_and_its_target_replaced_keeping_its_mode() {
    let server = FakeServer::start(fake(30)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.jsonl");
    std::fs::write(&target, "old\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink("real.jsonl", &link).unwrap();

    let summary = export::run(config(&server.base_url(), &link))
        .await
        .unwrap();

    let kind = std::fs::symlink_metadata(&link).unwrap().file_type();
    assert!(kind.is_symlink(), "the link was replaced by {kind:?}");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        PathBuf::from("real.jsonl")
    );
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written.lines().count(), 30);
    assert_eq!(mode(&target), 0o644);
    assert_eq!(
        summary.replaced,
        Some(std::fs::canonicalize(&target).unwrap())
    );
    assert_eq!(entries(dir.path()), ["link.jsonl", "real.jsonl"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_file_keeps_its_mode_and_the_summary_says_it_was_replaced() {
    let server = FakeServer::start(fake(10)).await.unwrap();
    let base = server.base_url();
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("old.txt");
    std::fs::write(&existing, "old\n").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    let fresh = dir.path().join("new.txt");

    let output = run(szchat(&[
        "--base-url",
        &base,
        "--export",
        "text",
        "-o",
        existing.to_str().unwrap(),
        "31",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(mode(&existing), 0o644);
    let summary = stderr(&output);
    let real = std::fs::canonicalize(&existing).unwrap();
    assert!(
        summary.ends_with(&format!("; replaced {}\n", real.display())),
        "{summary}"
    );

    let output = run(szchat(&[
        "--base-url",
        &base,
        "--export",
        "text",
        "-o",
        fresh.to_str().unwrap(),
        "31",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(mode(&fresh), 0o600, "a new file is the operator's alone");
    assert!(!stderr(&output).contains("replaced"), "{}", stderr(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dash_is_standard_output_not_a_file_named_dash() {
    let server = FakeServer::start(fake(12)).await.unwrap();
    let base = server.base_url();
    let dir = tempfile::tempdir().unwrap();
    let mut command = szchat(&["--base-url", &base, "--export", "jsonl", "-o", "-", "31"]);
    command.current_dir(dir.path());
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 12);
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

/// `-o DIR`, or a place no file can be written (its directory missing, a
/// file where a directory should be), is one line and exit 1 before any
/// request: in every format, from the archive and without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_or_an_unwritable_target_fails_before_any_request() {
    let server = FakeServer::start(fake(12)).await.unwrap();
    let base = server.base_url();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plain"), b"a file").unwrap();
    let targets = [
        (dir.path().to_owned(), "it is a directory".to_owned()),
        (
            dir.path().join("missing").join("t.out"),
            "No such file or directory (os error 2)".to_owned(),
        ),
        (
            dir.path().join("plain").join("t.out"),
            "Not a directory (os error 20)".to_owned(),
        ),
    ];
    for format in ["jsonl", "md", "txt", "html"] {
        for archive in [None, Some("--no-archive")] {
            for (target, reason) in &targets {
                let path = target.to_str().unwrap();
                let mut args = vec!["--base-url", &base, "--export", format, "-o", path, "31"];
                args.extend(archive);
                let output = run(szchat(&args)).await;
                let case = format!("{format} {archive:?} {path}");
                assert_eq!(output.status.code(), Some(1), "{case}: {}", stderr(&output));
                assert_eq!(
                    stderr(&output),
                    format!("szchat: cannot write {path}: {reason}\n"),
                    "{case}"
                );
                assert_eq!(server.request_count(), 0, "{case}");
            }
        }
    }
    assert_eq!(entries(dir.path()), ["plain"]);
}

/// A server of 500 messages that answers every offset from 100 on with the
/// first page again.
async fn repeating_server() -> String {
    let messages = synthetic_messages(500);
    let router = Router::new().fallback(
        move |Query(query): Query<std::collections::HashMap<String, u64>>, request: Request| {
            let messages = messages.clone();
            async move {
                if !request.uri().path().ends_with("/messages") {
                    return axum::http::StatusCode::NOT_FOUND.into_response();
                }
                let offset = query.get("offset").copied().unwrap_or(0);
                let limit = query.get("limit").copied().unwrap_or(25);
                let from = if offset >= 100 { 0 } else { offset };
                let page: Vec<_> = messages
                    .iter()
                    .skip(usize::try_from(from).unwrap())
                    .take(usize::try_from(limit).unwrap())
                    .cloned()
                    .collect();
                let body =
                    json!({"limit": limit, "offset": offset, "total": 500, "messages": page});
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    body.to_string(),
                )
                    .into_response()
            }
        },
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_missing_messages_fails_and_leaves_the_target_untouched() {
    let base = repeating_server().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    std::fs::write(&path, "the previous export\n").unwrap();
    let output = run(szchat(&[
        "--base-url",
        &base,
        "--export",
        "jsonl",
        // The case: pages of 50, so offsets 100 to 450 all repeat.
        "--page-size",
        "50",
        "-o",
        path.to_str().unwrap(),
        "31",
    ]))
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("400 messages the server counted did not arrive"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "the previous export\n"
    );
    assert_eq!(
        entries(dir.path()),
        ["out.jsonl"],
        "no temporary file is left"
    );

    // Standard output cannot be taken back: it is said to be incomplete.
    let output = run(szchat(&["--base-url", &base, "--export", "jsonl", "31"])).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).ends_with("szchat: the output written to standard output is incomplete\n"),
        "{}",
        stderr(&output)
    );
}
