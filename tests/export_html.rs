//! `--export html` and `--save-attachments` against the fake server: images
//! embedded (a wide one scaled), other files, large and broken images
//! listed by name and size, hostile bodies and file names harmless, the
//! expiring links nowhere in the page, saved files never overwriting.

mod common;

use std::path::Path;

use serde_json::{Value, json};
use szchat::concurrency::Concurrency;
use szchat::export::{self, ExportConfig, Format};
use szchat::paging::PageSize;
use szchat::testing::png;
use szchat::timefmt::LocalZone;
use szchat_fake::{FakeConfig, FakeServer};

use common::{message_json, run, stderr, szchat_command};

const SECRET: &str = "html-export-secret";
const USER: u64 = 7;

/// Files by name, and a message for each, after two plain ones.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    huge.resize(11 * 1024 * 1024, 0);
    vec![
        ("shot.png".to_owned(), png(40, 30)),
        ("wide.png".to_owned(), png(3_200, 100)),
        (
            "invoice.pdf".to_owned(),
            b"%PDF-1.4\n fake invoice".to_vec(),
        ),
        ("huge.png".to_owned(), huge),
        (
            "broken.png".to_owned(),
            b"\x89PNG\r\n\x1a\n and then nothing".to_vec(),
        ),
        (
            "<img src=x onerror=alert(1)>.txt".to_owned(),
            b"hostile name".to_vec(),
        ),
        ("../../escape.txt".to_owned(), b"up and out".to_vec()),
        (".bashrc".to_owned(), b"hidden".to_vec()),
    ]
}

fn messages(files: &[(String, Vec<u8>)]) -> Vec<Value> {
    let mut messages = vec![
        message_json(1, 0, true, "<script>alert(1)</script> & <b>bold</b>", None),
        message_json(
            2,
            1,
            false,
            "see https://help.example/a?b=1&c=2 or javascript:alert(2)",
            None,
        ),
    ];
    for (n, (name, _)) in (3..).zip(files) {
        messages.push(message_json(
            n,
            i64::try_from(n).unwrap(),
            true,
            "",
            Some(&format!("files/{name}")),
        ));
    }
    messages
}

async fn server() -> FakeServer {
    let files = files();
    let mut config = FakeConfig::new(SECRET, USER, messages(&files));
    config.profile = json!({"id": USER, "name": "Eve <i>Mallory</i>", "email": "eve@example.com",
        "reference": "REF-1", "created_at": "2018-02-01T00:00:00.000Z",
        "updated_at": "2018-02-01T00:00:00.000Z", "online_at": "2018-02-09T18:00:00.000Z",
        "last_url": null, "user_attributes": []});
    config.files = files;
    FakeServer::start(config).await.unwrap()
}

fn config(server: &FakeServer, format: Format, output: &Path, save: Option<&Path>) -> ExportConfig {
    ExportConfig {
        client: common::client(&server.base_url(), SECRET, USER),
        user_id: USER,
        page_size: PageSize::new(5).unwrap(),
        concurrency: Concurrency::new(2).unwrap(),
        format,
        output: Some(output.to_owned()),
        zone: LocalZone::utc(),
        progress: false,
        save_attachments: save.map(Path::to_owned),
        filter: szchat::message_filter::MessageFilter::default(),
    }
}

/// The `<article>` of message `id`.
fn article(page: &str, id: u64) -> &str {
    let start = page.find(&format!(r#"id="m{id}""#)).unwrap();
    let end = page[start..].find("</article>").unwrap();
    &page[start..start + end]
}

#[tokio::test]
async fn images_are_embedded_and_other_files_listed_by_name_and_size() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.html");
    let summary = export::run(config(&server, Format::Html, &path, None))
        .await
        .unwrap();
    assert_eq!(summary.messages, 10);
    let page = std::fs::read_to_string(&path).unwrap();

    assert!(article(&page, 3).contains(r#"<img src="data:image/png;base64,"#));
    assert!(article(&page, 3).contains(r#"width="40" height="30""#));
    // Scaled to the widest allowed, the height in proportion.
    assert!(
        article(&page, 4).contains(r#"width="1600" height="50""#),
        "{}",
        article(&page, 4)
    );
    assert!(article(&page, 5).contains("Attachment: invoice.pdf · 22 bytes"));
    assert!(!article(&page, 5).contains("<img"));
    assert!(article(&page, 6).contains("huge.png · 11.0 MB · over 10 MB: not embedded"));
    assert!(
        article(&page, 7).contains("broken.png · 25 bytes · an image that could not be decoded")
    );
    assert!(article(&page, 8).contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
    assert_eq!(page.matches("<img").count(), 2, "only the two images");
    // The links the pages carried, and their signatures, are nowhere.
    assert!(!page.contains("token=") && !page.contains("/files/"));
}

#[tokio::test]
async fn hostile_bodies_are_text_and_only_http_urls_links() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.html");
    export::run(config(&server, Format::Html, &path, None))
        .await
        .unwrap();
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(
        article(&page, 1)
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;")
    );
    assert!(!page.contains("<script"));
    assert!(page.contains("Eve &lt;i&gt;Mallory&lt;/i&gt;"));
    assert!(page.contains("<dd>REF-1</dd>"));
    // The conversation's figures, where they exist.
    assert!(page.contains("<dt>Messages</dt><dd>10 (9 from the visitor, 1 from operators)</dd>"));
    assert!(
        page.contains("<dt>First response</dt><dd>1 min</dd>"),
        "{page}"
    );
    let second = article(&page, 2);
    assert_eq!(second.matches("<a ").count(), 1, "{second}");
    assert!(
        second
            .contains(r#"<a href="https://help.example/a?b=1&amp;c=2" rel="noopener noreferrer">"#)
    );
    assert!(second.contains("javascript:alert(2)"));
}

#[tokio::test]
async fn every_attachment_is_saved_under_a_safe_name_never_over_a_file() {
    let server = server().await;
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved");
    std::fs::create_dir(&saved).unwrap();
    std::fs::write(saved.join("invoice.pdf"), b"mine").unwrap();
    let path = dir.path().join("t.md");
    let summary = export::run(config(&server, Format::Markdown, &path, Some(&saved)))
        .await
        .unwrap();
    assert!(
        summary
            .to_string()
            .ends_with(&format!("; saved 8 attachments to {}", saved.display())),
        "{summary}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&saved)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "<img src=x onerror=alert(1)>.txt",
            "_.._escape.txt",
            "bashrc",
            "broken.png",
            "huge.png",
            "invoice (2).pdf",
            "invoice.pdf",
            "shot.png",
            "wide.png",
        ]
    );
    assert_eq!(std::fs::read(saved.join("invoice.pdf")).unwrap(), b"mine");
    for (name, bytes) in files() {
        let saved_as = match name.as_str() {
            "invoice.pdf" => "invoice (2).pdf".to_owned(),
            "../../escape.txt" => "_.._escape.txt".to_owned(),
            ".bashrc" => "bashrc".to_owned(),
            other => other.to_owned(),
        };
        assert_eq!(
            std::fs::read(saved.join(&saved_as)).unwrap(),
            bytes,
            "{name}"
        );
    }
    // Nothing was written beside the directory.
    let mut beside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    beside.sort();
    assert_eq!(beside, ["saved", "t.md"]);
}

#[tokio::test]
async fn saving_needs_the_network_and_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().to_str().unwrap();
    let offline = run(szchat_command(
        SECRET,
        &[
            "--offline",
            "7",
            "--export",
            "html",
            "--save-attachments",
            target,
        ],
    ))
    .await;
    assert_eq!(offline.status.code(), Some(2));
    assert_eq!(
        stderr(&offline),
        "szchat: --save-attachments needs the network: attachment links are fetched fresh\n"
    );

    // A missing directory is refused before any request.
    let server = server().await;
    let missing = dir.path().join("nowhere");
    let error = export::run(config(
        &server,
        Format::Html,
        &dir.path().join("t.html"),
        Some(&missing),
    ))
    .await
    .unwrap_err();
    assert!(
        error.to_string().starts_with("cannot save attachments to "),
        "{error}"
    );
    assert!(server.requests().is_empty());
}
