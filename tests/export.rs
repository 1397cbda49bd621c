//! `--export` through the library and the binary against the fake server:
//! each format holds the server's whole history, oldest first, each message
//! once, in both orders, while it grows and with faults injected; `-o`
//! leaves no file when the export fails; the exit codes an operator's
//! script relies on.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use common::{run, stderr};
use serde_json::Value;
use szchat::api::wire;
use szchat::concurrency::Concurrency;
use szchat::export::{self, ExportConfig, ExportError, Format, Transcript};
use szchat::paging::PageSize;
use szchat::timefmt::LocalZone;
use szchat_fake::{
    DEMO_SECRET, DEMO_USER_ID, FakeConfig, FakeServer, Fault, ServeOrder, synthetic_messages,
};

const SECRET: &str = "export-secret";
const USER: u64 = 31;

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "szchat-export-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn entries(&self) -> Vec<String> {
        std::fs::read_dir(&self.0)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn config(
    server: &FakeServer,
    user: u64,
    secret: &str,
    format: Format,
    output: &Path,
) -> ExportConfig {
    ExportConfig {
        client: common::client(&server.base_url(), secret, user),
        user_id: user,
        page_size: PageSize::new(25).unwrap(),
        concurrency: Concurrency::new(8).unwrap(),
        format,
        output: Some(output.to_owned()),
        zone: LocalZone::utc(),
        progress: false,
        save_attachments: None,
        filter: szchat::message_filter::MessageFilter::default(),
    }
}

/// What the export should hold after its header: the server's history
/// (oldest first) written by the same format's writer.
fn expected(messages: &[Value], format: Format) -> String {
    let mut transcript = Transcript::new(format, LocalZone::utc());
    let mut out = Vec::new();
    for message in messages {
        let parsed = wire::parse_message(message.to_string().as_bytes()).unwrap();
        transcript.message(&mut out, &parsed).unwrap();
    }
    String::from_utf8(out).unwrap()
}

async fn export_and_compare(fake: FakeConfig, label: &str) {
    for format in [Format::Jsonl, Format::Markdown, Format::Text] {
        let server = FakeServer::start(fake.clone()).await.unwrap();
        let dir = Scratch::new(label);
        let path = dir.0.join("history.out");
        let summary = export::run(config(&server, USER, SECRET, format, &path))
            .await
            .unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        let history = server.messages();
        // Growth after the last answer is not part of the export.
        let exported = &history[..usize::try_from(summary.messages).unwrap()];
        assert!(summary.messages >= fake.messages.len() as u64, "{label}");
        if format == Format::Jsonl {
            let lines: Vec<Value> = written
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect();
            assert_eq!(lines, exported, "{label}: jsonl");
        } else {
            // The header (checked on its own below) ends where the first day begins.
            let body = &written[written.find(day_mark(format)).unwrap()..];
            assert_eq!(body, expected(exported, format), "{label}: {format:?}");
        }
        assert_eq!(dir.entries(), ["history.out"], "no temporary file is left");
    }
}

fn fake(n: usize, order: ServeOrder) -> FakeConfig {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(n));
    config.order = order;
    config.latency = Duration::from_millis(2);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_holds_the_whole_history_once_in_both_orders() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        export_and_compare(fake(260, order), &format!("{order:?}")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_growing_during_the_export_loses_nothing_and_doubles_nothing() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        let mut config = fake(200, order);
        config.growth_per_request = 3;
        config.growth_limit = Some(30);
        export_and_compare(config, &format!("growing {order:?}")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_the_client_retries_leave_the_export_whole() {
    for order in [ServeOrder::OldestFirst, ServeOrder::NewestFirst] {
        let mut config = fake(200, order);
        config.faults = vec![
            Fault::Status {
                nth: 2,
                status: 503,
                retry_after: None,
            },
            Fault::Drop { nth: 4 },
            Fault::Truncated { nth: 5 },
            Fault::Malformed { nth: 7 },
            Fault::Status {
                nth: 9,
                status: 429,
                retry_after: Some("0".to_owned()),
            },
        ];
        export_and_compare(config, &format!("faults {order:?}")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_server_leaves_no_file() {
    let mut config = fake(300, ServeOrder::OldestFirst);
    // Every attempt at the fourth request and later fails: retries run out.
    config.faults = (4..200)
        .map(|nth| Fault::Status {
            nth,
            status: 500,
            retry_after: None,
        })
        .collect();
    let server = FakeServer::start(config).await.unwrap();
    let dir = Scratch::new("failing");
    let path = dir.0.join("history.md");
    let error = export::run(self::config(&server, USER, SECRET, Format::Markdown, &path))
        .await
        .unwrap_err();
    assert!(matches!(error, ExportError::Api(_)), "{error:?}");
    assert!(dir.entries().is_empty(), "left behind: {:?}", dir.entries());
}

/// How a day begins in a markdown or text transcript.
fn day_mark(format: Format) -> &'static str {
    if format == Format::Markdown {
        "\n## "
    } else {
        "────"
    }
}

/// The demo's first day, with the parts that change from run to run (the
/// port, the links' expiry and signature) replaced.
async fn demo_first_day(format: Format) -> String {
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    let server = FakeServer::start(FakeConfig::demo_at(now)).await.unwrap();
    let dir = Scratch::new("demo");
    let path = dir.0.join("demo");
    export::run(config(&server, DEMO_USER_ID, DEMO_SECRET, format, &path))
        .await
        .unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    let day_mark = if format == Format::Markdown {
        "\n## "
    } else {
        "────\n"
    };
    let first_day: String = {
        let second = written
            .match_indices(day_mark)
            .nth(1)
            .map_or(written.len(), |(at, _)| at);
        let start = written[..second].rfind('\n').unwrap_or(second);
        written[..start.max(1)].to_owned()
    };
    redact_links(&first_day.replace(&server.base_url(), "http://127.0.0.1:PORT"))
}

fn redact_links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("?expires=") {
        out.push_str(&rest[..at]);
        out.push_str("?expires=…&token=…");
        let tail = &rest[at..];
        let end = tail.find(['>', ' ', '\n']).unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_named_never_linked() {
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    for format in [Format::Markdown, Format::Text] {
        let server = FakeServer::start(FakeConfig::demo_at(now)).await.unwrap();
        let dir = Scratch::new("names");
        let path = dir.0.join("demo");
        export::run(config(&server, DEMO_USER_ID, DEMO_SECRET, format, &path))
            .await
            .unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.contains("📎 error-log.txt"), "{format:?}");
        for link in ["/files/", "expires=", "token=", "]("] {
            assert!(!written.contains(link), "{format:?} holds {link:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_first_day_as_markdown() {
    insta::assert_snapshot!(demo_first_day(Format::Markdown).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_first_day_as_text() {
    insta::assert_snapshot!(demo_first_day(Format::Text).await);
}

// ----- the binary -----

fn szchat(args: &[&str]) -> std::process::Command {
    common::szchat_command(SECRET, args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_exports_without_a_terminal_and_says_what_it_did() {
    let server = FakeServer::start(fake(120, ServeOrder::NewestFirst))
        .await
        .unwrap();
    let base = server.base_url();
    let output = run(szchat(&["--base-url", &base, "--export", "jsonl", "31"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 120);
    let summary = stderr(&output);
    assert!(
        summary.starts_with("exported 120 messages in ") && summary.ends_with(" s\n"),
        "{summary}"
    );
}

/// The `limit` of every message-list request the server saw.
fn limits_asked(server: &FakeServer) -> Vec<u64> {
    server
        .requests()
        .iter()
        .filter(|request| request.path.ends_with("/messages"))
        .filter_map(|request| {
            let query = request.query.as_deref()?;
            let limit = query
                .split('&')
                .find_map(|pair| pair.strip_prefix("limit="))?;
            limit.parse().ok()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_asks_for_pages_of_99_unless_a_page_size_was_given() {
    // Issue 13 item 24: pages of 50 made 200 requests where 102 suffice.
    let scratch = Scratch::new("page-size");
    let config_file = scratch.0.join("szchat").join("config.toml");
    std::fs::create_dir_all(config_file.parent().unwrap()).unwrap();
    std::fs::write(&config_file, "page-size = 20\n").unwrap();
    let cases: [(&[&str], bool, u64, usize); 3] = [
        (&[], false, 99, 11),
        (&["--page-size", "50"], false, 50, 20),
        (&[], true, 20, 50),
    ];
    for (flags, with_file, limit, requests) in cases {
        let server = FakeServer::start(fake(1_000, ServeOrder::OldestFirst))
            .await
            .unwrap();
        let base = server.base_url();
        let mut args = vec!["--base-url", &base, "--export", "jsonl"];
        args.extend_from_slice(flags);
        args.push("31");
        let mut command = szchat(&args);
        if with_file {
            command.env("XDG_CONFIG_HOME", &scratch.0);
        }
        let output = run(command).await;
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).lines().count(),
            1_000
        );
        let limits = limits_asked(&server);
        // The last page asks only for what is left; with requests in
        // flight at once it need not be the last to reach the server.
        let short = limits.iter().filter(|asked| **asked != limit).count();
        assert!(
            limits.iter().all(|asked| *asked <= limit) && short <= 1,
            "{flags:?} file={with_file}: {limits:?}"
        );
        assert_eq!(limits.len(), requests, "{flags:?} file={with_file}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_exports_the_demo_to_a_file() {
    let dir = Scratch::new("demo-bin");
    let path = dir.0.join("demo.md");
    let output = run(szchat(&[
        "--demo",
        "--export",
        "markdown",
        "-o",
        path.to_str().unwrap(),
    ]))
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    // Only visitor 4821, the first demo visitor, named from the profile.
    assert!(
        written.starts_with("# Conversation with Hana Whitfield\n\n- Visitor: Hana Whitfield · "),
        "{written}"
    );
    assert!(
        written.contains(" · id 4821 · reference kestrel-outdoor-supply\n- Period: "),
        "{written}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_errors_exit_1_with_the_reason_and_leave_no_file() {
    let server = FakeServer::start(fake(10, ServeOrder::OldestFirst))
        .await
        .unwrap();
    let base = server.base_url();
    let dir = Scratch::new("errors");
    let path = dir.0.join("out.txt");
    let out = path.to_str().unwrap();

    let refused = run({
        let mut command = szchat(&["--base-url", &base, "--export", "text", "-o", out, "31"]);
        command.env("SIGNALZEN_API_SECRET", "not-the-secret");
        command
    })
    .await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("SIGNALZEN_API_SECRET"),
        "{}",
        stderr(&refused)
    );

    let unknown = run(szchat(&[
        "--base-url",
        &base,
        "--export",
        "text",
        "-o",
        out,
        "999",
    ]))
    .await;
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(stderr(&unknown), "szchat: visitor 999 not found\n");
    assert!(dir.entries().is_empty(), "left behind: {:?}", dir.entries());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_export_flags_exit_2_before_any_request() {
    let server = FakeServer::start(fake(10, ServeOrder::OldestFirst))
        .await
        .unwrap();
    let base = server.base_url();
    for args in [
        vec![
            "--base-url",
            &base,
            "--export",
            "jsonl",
            "--concurrency",
            "0",
            "31",
        ],
        vec![
            "--base-url",
            &base,
            "--export",
            "jsonl",
            "--concurrency",
            "17",
            "31",
        ],
        vec!["--base-url", &base, "--export", "pdf", "31"],
        vec!["--base-url", &base, "-o", "file", "31"],
    ] {
        let output = run(szchat(&args)).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(server.request_count(), 0);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_an_export_leaves_no_file() {
    let mut config = fake(400, ServeOrder::OldestFirst);
    // Slow enough that the export is still running when the signal comes.
    config.latency = Duration::from_millis(300);
    let server = FakeServer::start(config).await.unwrap();
    let base = server.base_url();
    let dir = Scratch::new("interrupted");
    let path = dir.0.join("out.jsonl");
    let child = szchat(&[
        "--base-url",
        &base,
        "--page-size",
        "10",
        "--concurrency",
        "1",
        "--export",
        "jsonl",
        "-o",
        path.to_str().unwrap(),
        "31",
    ])
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    while server.request_count() < 3 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", stderr(&output));
    assert_eq!(stderr(&output), "szchat: export interrupted\n");
    assert!(dir.entries().is_empty(), "left behind: {:?}", dir.entries());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn md_and_txt_are_accepted_and_one_request_is_singular() {
    let server = FakeServer::start(fake(10, ServeOrder::OldestFirst))
        .await
        .unwrap();
    let base = server.base_url();
    for (alias, starts) in [("md", "# "), ("txt", "")] {
        let output = run(szchat(&["--base-url", &base, "--export", alias, "31"])).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{alias}: {}",
            stderr(&output)
        );
        assert!(
            String::from_utf8_lossy(&output.stdout).starts_with(starts),
            "{alias}"
        );
        let summary = stderr(&output);
        assert!(
            summary.starts_with("exported 10 messages in 1 request, "),
            "{summary}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_profile_the_header_says_visitor_id_and_the_export_goes_on() {
    let mut fake = fake(10, ServeOrder::OldestFirst);
    // The first request is the profile's.
    fake.faults = vec![Fault::Status {
        nth: 1,
        status: 404,
        retry_after: None,
    }];
    let server = FakeServer::start(fake).await.unwrap();
    let dir = Scratch::new("no-profile");
    let path = dir.0.join("out.txt");
    let summary = export::run(config(&server, USER, SECRET, Format::Text, &path))
        .await
        .unwrap();
    assert_eq!(summary.messages, 10);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(
        written.starts_with("Conversation with visitor 31\nVisitor: visitor 31 · id 31\nPeriod: "),
        "{written}"
    );
    // The figures follow the period, then a blank line: the history was
    // known whole before the header was written.
    assert!(
        written.contains(
            ", all times in UTC+00:00\nMessages: 10 (5 from the visitor, 5 from operators)\n"
        ),
        "{written}"
    );
    let header: Vec<&str> = written
        .lines()
        .take_while(|line| !line.is_empty())
        .collect();
    assert_eq!(header.last(), Some(&"Longest wait: 1 min"), "{written}");
}
