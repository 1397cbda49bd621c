//! The visitors endpoints through the real client against the fake server:
//! paging through `GET /external/users`, one user object, and refusals.

mod common;

use chrono::{TimeZone, Utc};
use szchat::api::ApiError;
use szchat::api::RetryNotice;
use szchat::paging::PageSize;
use szchat_fake::{DEMO_SECRET, DEMO_USER_ID, FakeConfig, FakeServer, Fault};

fn ignore(_: RetryNotice) {}

fn demo() -> FakeConfig {
    FakeConfig::demo_at(Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap())
}

#[tokio::test]
async fn pages_of_visitors_add_up_to_the_whole_list() {
    let server = FakeServer::start(demo()).await.unwrap();
    let client = common::client(&server.base_url(), DEMO_SECRET, DEMO_USER_ID);
    let limit = PageSize::new(4).unwrap();
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let page = client.users_page(offset, limit, &ignore).await.unwrap();
        assert_eq!(page.offset, offset);
        assert_eq!(page.unreadable, 0);
        assert!(page.visitors.len() <= 4);
        ids.extend(page.visitors.iter().map(|v| v.id));
        offset += 4;
        if offset >= page.total {
            assert_eq!(ids.len() as u64, page.total);
            break;
        }
    }
    assert!(ids.len() >= 8, "{ids:?}");
    assert!(ids.contains(&DEMO_USER_ID));
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths.iter().all(|p| p == "/external/users"), "{paths:?}");
}

#[tokio::test]
async fn one_visitor_reads_with_its_profile() {
    let server = FakeServer::start(demo()).await.unwrap();
    let expected = server.profile_of(DEMO_USER_ID).unwrap();
    let client = common::client(&server.base_url(), DEMO_SECRET, 1);
    let visitor = client.user(DEMO_USER_ID, &ignore).await.unwrap();
    assert_eq!(visitor.id, DEMO_USER_ID);
    assert_eq!(visitor.name.as_deref(), expected["name"].as_str());
    assert_eq!(visitor.email.as_deref(), expected["email"].as_str());
    assert_eq!(
        visitor.attributes.len(),
        expected["user_attributes"].as_array().unwrap().len()
    );
    assert_eq!(
        client.user(999_999_999, &ignore).await,
        Err(ApiError::NotFound)
    );
}

#[tokio::test]
async fn the_client_for_another_visitor_reads_that_conversation() {
    let server = FakeServer::start(demo()).await.unwrap();
    let client = common::client(&server.base_url(), DEMO_SECRET, DEMO_USER_ID);
    let list = client
        .users_page(0, PageSize::new(50).unwrap(), &ignore)
        .await
        .unwrap();
    let other = list
        .visitors
        .iter()
        .map(|v| v.id)
        .find(|&id| id != DEMO_USER_ID && !server.messages_of(id).unwrap().is_empty())
        .unwrap();
    let theirs = client.for_user(other);
    assert_eq!(theirs.user_id(), other);
    let page = theirs
        .messages_page(0, PageSize::new(5).unwrap(), &ignore)
        .await
        .unwrap();
    assert_eq!(
        page.total as usize,
        server.messages_of(other).unwrap().len()
    );
    assert_eq!(client.user_id(), DEMO_USER_ID);
}

#[tokio::test]
async fn a_refused_secret_and_server_trouble_are_errors_with_retries() {
    let server = FakeServer::start(demo()).await.unwrap();
    let wrong = common::client(&server.base_url(), "not-the-secret", 1);
    assert_eq!(
        wrong
            .users_page(0, PageSize::DEFAULT, &ignore)
            .await
            .unwrap_err(),
        ApiError::Unauthorized { status: 401 }
    );

    let mut config = demo();
    config.faults = vec![Fault::Status {
        nth: 1,
        status: 503,
        retry_after: None,
    }];
    let server = FakeServer::start(config).await.unwrap();
    let client = common::client(&server.base_url(), DEMO_SECRET, 1);
    let retries = std::sync::Mutex::new(0);
    let page = client
        .users_page(0, PageSize::DEFAULT, &|_| *retries.lock().unwrap() += 1)
        .await
        .unwrap();
    assert!(!page.visitors.is_empty());
    assert_eq!(*retries.lock().unwrap(), 1);
}
