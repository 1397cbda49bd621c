//! An attachment through a fresh link, against the fake server: the link
//! a page carried has died, the message is asked for again and its file
//! downloaded, within a cap.

mod common;

use szchat::attachment::fetch::{self, AttachmentError, Body};
use szchat::attachment::kind::ImageKind;
use szchat_fake::{FakeConfig, FakeServer};

use common::{client, message_json};

const SECRET: &str = "sz-attach-SECRET";
const USER: u64 = 7;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n not really a picture, only its signature";

async fn server() -> FakeServer {
    let mut config = FakeConfig::new(
        SECRET,
        USER,
        vec![
            message_json(1, 0, true, "here is the screenshot", Some("files/shot.png")),
            message_json(2, 1, false, "thanks", None),
        ],
    );
    config.files = vec![("shot.png".to_owned(), PNG.to_vec())];
    FakeServer::start(config).await.unwrap()
}

#[tokio::test]
async fn the_message_is_asked_for_again_and_its_file_downloaded() {
    let server = server().await;
    let client = client_for(&server);
    let incoming = fetch::open(&client, 1).await.unwrap();
    assert_eq!(incoming.name, "shot.png");
    let Body::Complete(bytes) = incoming.read(1024).await.unwrap() else {
        panic!("the file is under the cap");
    };
    assert_eq!(bytes, PNG);
    assert_eq!(ImageKind::of(&bytes), Some(ImageKind::Png));
    // No page's link is used: the message itself, then the file it links.
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/external/users/7/messages/1", "/files/shot.png"]);
}

fn client_for(server: &FakeServer) -> szchat::api::client::ApiClient {
    client(&server.base_url(), SECRET, USER)
}

#[tokio::test]
async fn a_file_over_the_cap_is_not_read_past_it() {
    let server = server().await;
    let client = client_for(&server);
    let incoming = fetch::open(&client, 1).await.unwrap();
    assert_eq!(
        incoming.read(8).await.unwrap(),
        Body::TooLarge {
            size: Some(PNG.len() as u64)
        }
    );
}

#[tokio::test]
async fn a_message_without_an_attachment_says_so() {
    let server = server().await;
    let client = client_for(&server);
    let error = fetch::open(&client, 2).await.err().unwrap();
    assert!(matches!(error, AttachmentError::Gone), "{error}");
    let error = fetch::open(&client, 99).await.err().unwrap();
    assert!(matches!(error, AttachmentError::Message(_)), "{error}");
}

#[tokio::test]
async fn a_saved_file_is_the_bytes_served() {
    let server = server().await;
    let client = client_for(&server);
    let mut out = Vec::new();
    let written = fetch::open(&client, 1)
        .await
        .unwrap()
        .save(&mut out)
        .await
        .unwrap();
    assert_eq!(written, PNG.len() as u64);
    assert_eq!(out, PNG);
}
