//! `--export html` checked in a real browser: headless Chromium renders the
//! demo's transcript, with hostile bodies and file names planted in it, to
//! a PNG and to its DOM. Hostile text must be text, no script may run, no
//! request may leave the page (a local listener sees every attempt), and
//! every message must be there.
//!
//! Without Chromium the test says why and passes, except under CI=true,
//! where it fails: `.ci/run` installs Debian's `chromium`.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use szchat_fake::{DEMO_SECRET, DEMO_USER_ID, FakeConfig, FakeServer};

const CHROMIUM: &str = "/usr/bin/chromium";
/// The viewport the screenshot is taken in.
const WINDOW: (u32, u32) = (1000, 1400);
/// A hostile file name, served as a text file.
const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)>.txt";

/// Chromium's path, or `None` (with the reason printed) when it is missing
/// outside CI.
fn chromium() -> Option<&'static Path> {
    let path = Path::new(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{CHROMIUM} is missing; CI installs it (apt-get install chromium)"
    );
    eprintln!("skipped: {CHROMIUM} is missing (apt-get install -y chromium)");
    None
}

/// Counts every connection made to a port on this machine.
fn listener() -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stream.is_ok() {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    (port, seen)
}

/// Bodies that would load, run or link something if they were markup.
fn hostile_bodies(port: u16) -> Vec<String> {
    vec![
        r#"<script>document.title = "SCRIPT RAN"</script>"#.to_owned(),
        format!(r#"<img src="http://127.0.0.1:{port}/img-in-body">"#),
        format!(
            r#"<link rel="stylesheet" href="http://127.0.0.1:{port}/css"><iframe src="http://127.0.0.1:{port}/frame"></iframe>"#
        ),
        format!(r#""><svg onload="fetch('http://127.0.0.1:{port}/svg')">"#),
        "javascript:alert(document.domain)".to_owned(),
    ]
}

/// The demo with Hana's conversation ending in hostile messages.
fn config(port: u16) -> FakeConfig {
    let mut config = FakeConfig::demo();
    let last = config.messages.last().cloned().unwrap();
    let mut id = last["id"].as_u64().unwrap();
    let mut planted = |body: &str, file: Option<&str>| {
        id += 1;
        let mut message = last.clone();
        message["id"] = json!(id);
        message["body"] = json!(body);
        message["created_at"] = json!(format!("2026-11-25T10:{:02}:00.000Z", id % 60));
        message["file_url"] = file.map_or(Value::Null, |name| json!(format!("files/{name}")));
        message
    };
    let mut extra: Vec<Value> = hostile_bodies(port)
        .iter()
        .map(|body| planted(body, None))
        .collect();
    extra.push(planted("the log", Some(HOSTILE_NAME)));
    config.messages.extend(extra);
    config
        .files
        .push((HOSTILE_NAME.to_owned(), b"plain text".to_vec()));
    config
}

/// The DOM with its links' tags taken out, their text left: a URL in a
/// hostile body is a link (never followed), the rest of it text.
fn without_links(dom: &str) -> String {
    let mut text = String::with_capacity(dom.len());
    let mut rest = dom;
    while let Some(start) = rest.find("<a ") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find('>').unwrap();
        rest = &rest[start + end + 1..];
    }
    text.push_str(rest);
    text.replace("</a>", "")
}

fn run_chromium(chromium: &Path, profile: &Path, args: &[String]) -> std::process::Output {
    Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_transcript_renders_safely_in_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let (port, connections) = listener();
    let server = FakeServer::start(config(port)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("transcript.html");
    let mut command = common::szchat_command(
        DEMO_SECRET,
        &[
            "--no-archive",
            "--base-url",
            &server.base_url(),
            &DEMO_USER_ID.to_string(),
            "--export",
            "html",
            "-o",
            page.to_str().unwrap(),
        ],
    );
    command.env("TZ", "UTC");
    let output = common::run(command).await;
    assert!(output.status.success(), "{}", common::stderr(&output));

    let url = format!("file://{}", page.display());
    let profile = dir.path().join("profile");
    let dom = run_chromium(chromium, &profile, &["--dump-dom".to_owned(), url.clone()]);
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8(dom.stdout).unwrap();

    // Every message is there, each once.
    let messages = server.messages_of(DEMO_USER_ID).unwrap();
    for message in &messages {
        let id = format!(r#"id="m{}""#, message["id"]);
        assert_eq!(dom.matches(&id).count(), 1, "{id}");
    }
    // Hostile text is text: escaped in the DOM, no element made of it.
    let text = without_links(&dom);
    for body in hostile_bodies(port) {
        let escaped = body
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        // Text nodes are serialised with <, > and & escaped, quotes as they are.
        assert!(text.contains(&escaped), "{escaped} not in the DOM");
    }
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
    for element in ["<script", "<iframe", "<svg", "<link", "<img src=\"http"] {
        assert!(!dom.contains(element), "{element} in the DOM");
    }
    // No script ran: the title is the page's own.
    assert!(dom.contains("<title>Conversation with Hana Whitfield</title>"));
    assert!(!dom.contains("SCRIPT RAN</title>"));
    // The one image is embedded, the expiring links are nowhere.
    assert!(dom.contains(r#"src="data:image/png;base64,"#));
    assert!(!dom.contains("token="), "a file link is in the page");

    let shot = dir.path().join("transcript.png");
    let screenshot = run_chromium(
        chromium,
        &profile,
        &[format!("--screenshot={}", shot.display()), url],
    );
    assert!(screenshot.status.success());
    let image = image::open(&shot).unwrap();
    assert_eq!((image.width(), image.height()), WINDOW);

    // Nothing the page holds made a request: not rendering, not printing.
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "a request left the page"
    );
}
