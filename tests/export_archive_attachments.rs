//! `--export html` and `--save-attachments` with the archive on, as a user
//! runs them: the messages come from the archive (brought up to date with
//! one request when nothing changed), and each attachment costs one request
//! to its message for a fresh link and one for the file. Offline, html
//! names the attachments and makes no request. Markdown and text from the
//! archive open with the whole header.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use szchat::testing::png;
use szchat_fake::{FakeConfig, FakeServer, RecordedRequest, synthetic_messages};

const SECRET: &str = "archived-attachments-secret";
const USER: u64 = 42;
const MESSAGES: usize = 120;

/// 120 messages, the 6th with a screenshot and the 40th with an invoice.
async fn server() -> FakeServer {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES));
    config.files = vec![
        ("shot.png".to_owned(), png(40, 30)),
        ("invoice.pdf".to_owned(), b"%PDF-1.4 invoice".to_vec()),
    ];
    config.profile = json!({"id": USER, "name": "Ada Lovelace", "email": "ada@example.com",
        "reference": "REF-9", "created_at": "2018-02-01T00:00:00.000Z",
        "updated_at": "2018-02-01T00:00:00.000Z", "online_at": "2018-02-09T18:00:00.000Z",
        "last_url": null, "user_attributes": []});
    config.messages[5]["file_url"] = Value::from("files/shot.png");
    config.messages[39]["file_url"] = Value::from("files/invoice.pdf");
    FakeServer::start(config).await.unwrap()
}

fn szchat(home: &Path, server: &FakeServer, args: &[&str]) -> Command {
    let mut command = common::szchat_at_home(home, SECRET, &server.base_url());
    command.args(args);
    command
}

fn ok(output: &Output) {
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(output));
}

/// The requests made since the first `since`, by what they asked for:
/// message-list pages, single messages (fresh links) and files.
fn asked(server: &FakeServer, since: usize) -> (usize, usize, usize) {
    let requests: Vec<RecordedRequest> = server.requests().into_iter().skip(since).collect();
    let count = |what: &dyn Fn(&str) -> bool| requests.iter().filter(|r| what(&r.path)).count();
    (
        count(&|path| path.ends_with("/messages")),
        count(&|path| path.contains("/messages/")),
        count(&|path| path.starts_with("/files/")),
    )
}

/// A home whose archive holds the visitor's whole history.
async fn synced(server: &FakeServer) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    ok(&common::run(szchat(home.path(), server, &["sync", "42"])).await);
    home
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archived_html_export_asks_only_for_the_attachments() {
    let server = server().await;
    let home = synced(&server).await;
    let before = server.requests().len();
    let page_path = home.path().join("t.html");
    let output = common::run(szchat(
        home.path(),
        &server,
        &["--export", "html", "-o", page_path.to_str().unwrap(), "42"],
    ))
    .await;
    ok(&output);
    assert_eq!(
        asked(&server, before),
        (1, 2, 2),
        "one up-to-date check, then a fresh link and a download per attachment"
    );
    assert!(
        common::stderr(&output).starts_with("exported 120 messages in 1 request, "),
        "{}",
        common::stderr(&output)
    );
    let page = std::fs::read_to_string(&page_path).unwrap();
    assert_eq!(page.matches("<article ").count(), MESSAGES);
    assert_eq!(
        page.matches(r#"<img src="data:image/png;base64,"#).count(),
        1
    );
    assert!(
        page.contains("Attachment: invoice.pdf · 16 bytes"),
        "{page}"
    );
    assert!(!page.contains("/files/") && !page.contains("token="));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archived_attachments_are_saved_through_fresh_links() {
    let server = server().await;
    let home = synced(&server).await;
    let saved = home.path().join("saved");
    std::fs::create_dir(&saved).unwrap();
    let before = server.requests().len();
    let output = common::run(szchat(
        home.path(),
        &server,
        &[
            "--export",
            "md",
            "-o",
            home.path().join("t.md").to_str().unwrap(),
            "--save-attachments",
            saved.to_str().unwrap(),
            "42",
        ],
    ))
    .await;
    ok(&output);
    assert_eq!(asked(&server, before), (1, 2, 2));
    assert!(
        common::stderr(&output).contains(&format!("; saved 2 attachments to {}", saved.display())),
        "{}",
        common::stderr(&output)
    );
    assert_eq!(std::fs::read(saved.join("shot.png")).unwrap(), png(40, 30));
    assert_eq!(
        std::fs::read(saved.join("invoice.pdf")).unwrap(),
        b"%PDF-1.4 invoice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_html_names_the_attachments_and_asks_for_nothing() {
    let server = server().await;
    let home = synced(&server).await;
    let before = server.requests().len();
    let output = common::run(szchat(
        home.path(),
        &server,
        &["--offline", "--export", "html", "42"],
    ))
    .await;
    ok(&output);
    assert_eq!(server.requests().len(), before, "offline makes no request");
    let page = String::from_utf8(output.stdout).unwrap();
    assert_eq!(page.matches("<article ").count(), MESSAGES);
    assert!(!page.contains("<img"));
    for name in ["shot.png", "invoice.pdf"] {
        assert!(
            page.contains(&format!(
                "Attachment: {name} · not fetched: exported offline"
            )),
            "{page}"
        );
    }

    let output = common::run(szchat(
        home.path(),
        &server,
        &[
            "--offline",
            "--export",
            "html",
            "--save-attachments",
            ".",
            "42",
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        common::stderr(&output),
        "szchat: --save-attachments needs the network: attachment links are fetched fresh\n"
    );
    assert_eq!(server.requests().len(), before, "still no request");
}

/// Markdown and text from the archive open with the header: name, e-mail,
/// id and reference, the period in the one UTC offset of the transcript,
/// the figures; attachments are named by file name, never linked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_and_text_start_with_the_header_and_name_attachments() {
    let server = server().await;
    let home = synced(&server).await;
    for (format, prefix) in [("md", "- "), ("txt", "")] {
        let mut command = szchat(home.path(), &server, &["--export", format, "42"]);
        // A zone given as POSIX rules, so no time-zone database is needed.
        command.env("TZ", "IST-5:30");
        let output = common::run(command).await;
        ok(&output);
        let written = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<&str> = written.lines().collect();
        let title = if format == "md" {
            "# Conversation with Ada Lovelace"
        } else {
            "Conversation with Ada Lovelace"
        };
        assert_eq!(lines[0], title, "{written}");
        let at = if format == "md" { r"\@" } else { "@" };
        let header = lines[1..].join("\n");
        for expected in [
            format!("{prefix}Visitor: Ada Lovelace · ada{at}example.com · id 42 · reference REF-9"),
            format!(
                "{prefix}Period: Mon 5 Jan 2026 14:30 – Mon 5 Jan 2026 16:29, all times in UTC+05:30"
            ),
            format!("{prefix}Messages: 120 (60 from the visitor, 60 from operators)"),
        ] {
            assert!(
                header.contains(&expected),
                "{format}: {expected}\n{written}"
            );
        }
        for name in ["shot.png", "invoice.pdf"] {
            assert!(written.contains(&format!("📎 {name}")), "{format}: {name}");
        }
        for link in ["/files/", "expires=", "token=", "]("] {
            assert!(!written.contains(link), "{format} holds {link:?}");
        }
    }
}
