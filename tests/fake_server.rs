//! The fake SignalZen server over real HTTP on 127.0.0.1, seen the way a
//! client sees it. Headers and JSON are written out by hand here rather than
//! taken from the client code, so these tests check the server against the
//! documented API and not against the client's idea of it.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use szchat_fake::{
    Chaos, DEMO_SECRET, DEMO_USER_ID, FakeConfig, FakeServer, Fault, LINK_TTL, ServeOrder,
    synthetic_messages,
};

const SECRET: &str = "s3cret";
const USER: u64 = 77;
const API_ACCEPT: &str = "application/vnd.signalzen.v1+json";

fn config(n: usize) -> FakeConfig {
    FakeConfig::new(SECRET, USER, synthetic_messages(n))
}

async fn start(config: FakeConfig) -> FakeServer {
    FakeServer::start(config).await.expect("fake server starts")
}

/// A GET with both required headers.
fn api_get(server: &FakeServer, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .header("Authorization", format!("Bearer {SECRET}"))
        .header("Accept", API_ACCEPT)
}

/// Status and parsed JSON body of an authorised GET.
async fn get_json(server: &FakeServer, path: &str) -> (u16, Value) {
    let response = api_get(server, path)
        .send()
        .await
        .expect("request answered");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body read");
    (status, serde_json::from_str(&body).expect("JSON body"))
}

async fn status_of(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.expect("answered").status().as_u16()
}

fn ids(page: &Value) -> Vec<u64> {
    page["messages"]
        .as_array()
        .expect("messages array")
        .iter()
        .map(|m| m["id"].as_u64().expect("numeric id"))
        .collect()
}

fn messages_path(query: &str) -> String {
    format!("/external/users/{USER}/messages{query}")
}

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

#[tokio::test]
async fn base_url_is_loopback_without_trailing_slash() {
    let server = start(config(1)).await;
    let url = server.base_url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with('/'));
}

#[tokio::test]
async fn wrong_or_missing_secret_is_401() {
    let server = start(config(3)).await;
    let url = format!("{}{}", server.base_url(), messages_path(""));
    let client = reqwest::Client::new();
    let no_auth = client.get(&url).header("Accept", API_ACCEPT);
    assert_eq!(status_of(no_auth).await, 401);
    for auth in [
        "Bearer wrong",
        "Bearer ",
        "Bearer s3cret-and-more",
        "Basic czNjcmV0",
        SECRET,
    ] {
        let request = client
            .get(&url)
            .header("Authorization", auth)
            .header("Accept", API_ACCEPT);
        assert_eq!(status_of(request).await, 401, "{auth}");
    }
    // The single-message endpoint is guarded the same way.
    let single = client
        .get(format!("{}{}", server.base_url(), messages_path("/1")))
        .header("Accept", API_ACCEPT);
    assert_eq!(status_of(single).await, 401);
    assert_eq!(status_of(api_get(&server, &messages_path(""))).await, 200);
}

#[tokio::test]
async fn missing_or_other_accept_is_406() {
    let server = start(config(3)).await;
    let url = format!("{}{}", server.base_url(), messages_path(""));
    let client = reqwest::Client::new();
    let bearer = format!("Bearer {SECRET}");
    let no_accept = client.get(&url).header("Authorization", &bearer);
    assert_eq!(status_of(no_accept).await, 406);
    for accept in [
        "application/json",
        "*/*",
        "application/vnd.signalzen.v2+json",
    ] {
        let request = client
            .get(&url)
            .header("Authorization", &bearer)
            .header("Accept", accept);
        assert_eq!(status_of(request).await, 406, "{accept}");
    }
    let listed = client
        .get(&url)
        .header("Authorization", &bearer)
        .header("Accept", format!("application/json, {API_ACCEPT}"));
    assert_eq!(status_of(listed).await, 200);
    let single = client
        .get(format!("{}{}", server.base_url(), messages_path("/2")))
        .header("Authorization", &bearer);
    assert_eq!(status_of(single).await, 406);
}

#[tokio::test]
async fn checks_run_in_order_secret_then_accept_then_user_then_paging() {
    let server = start(config(3)).await;
    let bad_everything = reqwest::Client::new().get(format!(
        "{}/external/users/999/messages?limit=0",
        server.base_url()
    ));
    assert_eq!(status_of(bad_everything).await, 401);
    let bad_accept = reqwest::Client::new()
        .get(format!(
            "{}/external/users/999/messages?limit=0",
            server.base_url()
        ))
        .header("Authorization", format!("Bearer {SECRET}"));
    assert_eq!(status_of(bad_accept).await, 406);
    assert_eq!(
        status_of(api_get(&server, "/external/users/999/messages?limit=0")).await,
        404
    );
    assert_eq!(
        status_of(api_get(&server, &messages_path("?limit=0"))).await,
        400
    );
}

#[tokio::test]
async fn limit_and_offset_rules() {
    let server = start(config(150)).await;
    for bad in [
        "?limit=0",
        "?limit=100",
        "?limit=-1",
        "?limit=abc",
        "?limit=",
        "?offset=-1",
        "?offset=abc",
        "?offset=2.5",
    ] {
        let (status, body) = get_json(&server, &messages_path(bad)).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["status"], 400);
    }
    let (status, page) = get_json(&server, &messages_path("?limit=1")).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page), [1]);
    let (status, page) = get_json(&server, &messages_path("?limit=99")).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&page), (1..=99).collect::<Vec<_>>());
    assert_eq!(page["limit"], 99);
}

#[tokio::test]
async fn envelope_has_limit_offset_total_and_messages() {
    let server = start(config(120)).await;
    let response = api_get(&server, &messages_path("")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let page: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let mut keys: Vec<&str> = page
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["limit", "messages", "offset", "total"]);
    assert_eq!(page["limit"], 50);
    assert_eq!(page["offset"], 0);
    assert_eq!(page["total"], 120);
    assert_eq!(ids(&page), (1..=50).collect::<Vec<_>>());
    // Messages are served exactly as configured (relative file_urls aside).
    assert_eq!(page["messages"][4], server.messages()[4]);

    let (_, last) = get_json(&server, &messages_path("?offset=100&limit=50")).await;
    assert_eq!(last["offset"], 100);
    assert_eq!(last["total"], 120);
    assert_eq!(ids(&last), (101..=120).collect::<Vec<_>>());
}

#[tokio::test]
async fn offset_at_or_past_the_end_gives_no_messages() {
    let server = start(config(20)).await;
    for offset in [20, 21, 1_000_000] {
        let (status, page) = get_json(&server, &messages_path(&format!("?offset={offset}"))).await;
        assert_eq!(status, 200);
        assert_eq!(page["total"], 20);
        assert_eq!(page["offset"], offset);
        assert_eq!(page["messages"], json!([]));
    }
}

#[tokio::test]
async fn newest_first_puts_the_newest_message_at_offset_zero() {
    let mut config = config(120);
    config.order = ServeOrder::NewestFirst;
    let server = start(config).await;
    let (_, first) = get_json(&server, &messages_path("?limit=3")).await;
    assert_eq!(ids(&first), [120, 119, 118]);
    assert_eq!(first["total"], 120);
    let (_, tail) = get_json(&server, &messages_path("?offset=118&limit=5")).await;
    assert_eq!(ids(&tail), [2, 1]);
}

#[tokio::test]
async fn single_message_endpoint() {
    let server = start(config(10)).await;
    let (status, message) = get_json(&server, &messages_path("/7")).await;
    assert_eq!(status, 200);
    assert_eq!(message, server.messages()[6]);
    assert_eq!(message["id"], 7);
    assert_eq!(message["body"], "Message 7");
    for missing in ["/11", "/0", "/abc", "/-1"] {
        let (status, body) = get_json(&server, &messages_path(missing)).await;
        assert_eq!(status, 404, "{missing}");
        assert_eq!(body["status"], 404);
    }
    let (status, _) = get_json(&server, "/external/users/78/messages/7").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn unknown_user_is_404() {
    let server = start(config(2)).await;
    for path in [
        "/external/users/78/messages",
        "/external/users/abc/messages",
    ] {
        let (status, _) = get_json(&server, path).await;
        assert_eq!(status, 404, "{path}");
    }
}

#[tokio::test]
async fn other_methods_are_405_and_unknown_paths_404() {
    let server = start(config(2)).await;
    let client = reqwest::Client::new();
    let base = server.base_url();
    for (method, path) in [
        (reqwest::Method::POST, messages_path("")),
        (reqwest::Method::DELETE, messages_path("/1")),
        (reqwest::Method::PUT, messages_path("/1")),
    ] {
        let request = client
            .request(method.clone(), format!("{base}{path}"))
            .header("Authorization", format!("Bearer {SECRET}"))
            .header("Accept", API_ACCEPT);
        assert_eq!(status_of(request).await, 405, "{method} {path}");
    }
    for path in [
        "/nope",
        "/external/visitors",
        "/external/users/77/messages/1/extra",
    ] {
        assert_eq!(status_of(api_get(&server, path)).await, 404, "{path}");
    }
    // All of those went to /external... except /nope.
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn requests_are_recorded_with_their_answers() {
    let server = start(config(5)).await;
    api_get(&server, &messages_path("?offset=2&limit=2"))
        .send()
        .await
        .unwrap();
    reqwest::get(format!("{}{}", server.base_url(), messages_path("/3")))
        .await
        .unwrap();
    let recorded = server.requests();
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].method, "GET");
    assert_eq!(recorded[0].path, "/external/users/77/messages");
    assert_eq!(recorded[0].query.as_deref(), Some("offset=2&limit=2"));
    assert_eq!(recorded[0].status, Some(200));
    assert_eq!(recorded[1].path, "/external/users/77/messages/3");
    assert_eq!(recorded[1].query, None);
    assert_eq!(recorded[1].status, Some(401));
    assert!(recorded[0].received_at <= recorded[1].received_at);
    assert_eq!(server.request_count(), 2);
}

fn with_attachments(link_ttl: Duration) -> FakeConfig {
    let mut messages = synthetic_messages(3);
    messages[0]["file_url"] = json!("files/report.txt");
    messages[1]["file_url"] = json!("https://evil.example/x.png?a=1");
    let mut config = FakeConfig::new(SECRET, USER, messages);
    config.files = vec![("report.txt".to_owned(), b"quarterly numbers\n".to_vec())];
    config.link_ttl = link_ttl;
    config
}

fn query_param<'a>(url: &'a str, key: &str) -> &'a str {
    let query = url.split_once('?').unwrap().1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
        .unwrap()
}

#[tokio::test]
async fn attachment_links_work_until_they_expire() {
    // Long enough for a loaded machine to fetch the link in time.
    let ttl = Duration::from_millis(1_500);
    let server = start(with_attachments(ttl)).await;
    let before = now_ms();
    let (_, page) = get_json(&server, &messages_path("")).await;
    let link = page["messages"][0]["file_url"].as_str().unwrap().to_owned();
    assert!(
        link.starts_with(&format!("{}/files/report.txt?", server.base_url())),
        "{link}"
    );
    let expires: u64 = query_param(&link, "expires").parse().unwrap();
    assert!(
        expires >= before + 1_500 && expires <= now_ms() + 1_500,
        "{expires}"
    );
    // Absolute URLs pass through untouched; null stays null.
    assert_eq!(
        page["messages"][1]["file_url"],
        "https://evil.example/x.png?a=1"
    );
    assert_eq!(page["messages"][2]["file_url"], Value::Null);
    // The server's own history keeps the relative name.
    assert_eq!(server.messages()[0]["file_url"], "files/report.txt");

    // A browser link: no API headers needed.
    let response = reqwest::get(&link).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/plain; charset=utf-8"
    );
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"quarterly numbers\n"
    );

    tokio::time::sleep(ttl + Duration::from_millis(200)).await;
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 410);

    // Re-fetching the single message gives a fresh, working link.
    let (_, message) = get_json(&server, &messages_path("/1")).await;
    let fresh = message["file_url"].as_str().unwrap();
    assert!(query_param(fresh, "expires").parse::<u64>().unwrap() > expires);
    assert_eq!(reqwest::get(fresh).await.unwrap().status(), 200);
    // File downloads are not API requests.
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn tampered_or_incomplete_links_are_403_and_unknown_files_404() {
    let server = start(with_attachments(LINK_TTL)).await;
    let (_, page) = get_json(&server, &messages_path("")).await;
    let link = page["messages"][0]["file_url"].as_str().unwrap().to_owned();
    let base = server.base_url();
    let token = query_param(&link, "token");
    let expires = query_param(&link, "expires");
    let later = expires.parse::<u64>().unwrap() + 60_000;
    for bad in [
        format!("{base}/files/report.txt?expires={expires}&token=0000"),
        format!("{base}/files/report.txt?expires={later}&token={token}"),
        format!("{base}/files/report.txt?expires={expires}"),
        format!("{base}/files/report.txt?token={token}"),
        format!("{base}/files/report.txt"),
    ] {
        assert_eq!(reqwest::get(&bad).await.unwrap().status(), 403, "{bad}");
    }
    let other = format!("{base}/files/other.txt?expires={expires}&token={token}");
    assert_eq!(reqwest::get(&other).await.unwrap().status(), 404);
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 200);
}

#[tokio::test]
async fn status_fault_answers_that_status_once() {
    let mut config = config(3);
    config.faults = vec![
        Fault::Status {
            nth: 1,
            status: 503,
            retry_after: None,
        },
        Fault::Status {
            nth: 2,
            status: 429,
            retry_after: Some("1".to_owned()),
        },
    ];
    let server = start(config).await;
    let first = api_get(&server, &messages_path("")).send().await.unwrap();
    assert_eq!(first.status(), 503);
    assert!(first.headers().get("retry-after").is_none());
    let second = api_get(&server, &messages_path("")).send().await.unwrap();
    assert_eq!(second.status(), 429);
    assert_eq!(second.headers()["retry-after"], "1");
    let (status, page) = get_json(&server, &messages_path("")).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 3);
    let statuses: Vec<_> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(503), Some(429), Some(200)]);
}

#[tokio::test]
async fn malformed_fault_is_a_200_that_is_not_json() {
    let mut config = config(3);
    config.faults = vec![Fault::Malformed { nth: 1 }];
    let server = start(config).await;
    let response = api_get(&server, &messages_path("")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
    assert_eq!(get_json(&server, &messages_path("")).await.0, 200);
}

#[tokio::test]
async fn truncated_fault_sends_half_the_body_then_closes() {
    let mut config = config(30);
    config.faults = vec![Fault::Truncated { nth: 1 }];
    let server = start(config).await;
    let mut response = api_get(&server, &messages_path("")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let declared = usize::try_from(response.content_length().unwrap()).unwrap();
    let mut received = Vec::new();
    let error = loop {
        match response.chunk().await {
            Ok(Some(chunk)) => received.extend_from_slice(&chunk),
            Ok(None) => panic!("body ended cleanly after {} bytes", received.len()),
            Err(error) => break error,
        }
    };
    assert!(error.is_decode() || error.is_body(), "{error:?}");
    assert_eq!(received.len(), declared / 2);
    assert!(received.starts_with(b"{"));
    assert!(serde_json::from_slice::<Value>(&received).is_err());

    // `.bytes()` fails the same way, and the next request is fine.
    let mut config = self::config(30);
    config.faults = vec![Fault::Truncated { nth: 1 }];
    let server = start(config).await;
    let response = api_get(&server, &messages_path("")).send().await.unwrap();
    assert!(response.bytes().await.is_err());
    assert_eq!(get_json(&server, &messages_path("")).await.0, 200);
    assert_eq!(server.requests()[0].status, Some(200));
}

#[tokio::test]
async fn drop_fault_closes_the_connection_without_an_answer() {
    let mut config = config(3);
    config.faults = vec![Fault::Drop { nth: 2 }];
    let server = start(config).await;
    // Use one client so the dropped request rides a reused keep-alive connection too.
    let client = reqwest::Client::new();
    let get = || {
        client
            .get(format!("{}{}", server.base_url(), messages_path("")))
            .header("Authorization", format!("Bearer {SECRET}"))
            .header("Accept", API_ACCEPT)
            .send()
    };
    assert_eq!(get().await.unwrap().status(), 200);
    let error = get().await.expect_err("no response expected");
    assert!(error.is_request() && !error.is_connect(), "{error:?}");
    assert!(error.status().is_none());
    assert_eq!(get().await.unwrap().status(), 200);
    assert_eq!(server.request_count(), 3);
    let statuses: Vec<_> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), None, Some(200)]);
}

#[tokio::test]
async fn delay_fault_and_latency_slow_requests_down() {
    let mut config = config(3);
    config.latency = Duration::from_millis(50);
    config.faults = vec![Fault::Delay {
        nth: 2,
        delay: Duration::from_millis(700),
    }];
    let server = start(config).await;
    let started = Instant::now();
    assert_eq!(get_json(&server, &messages_path("")).await.0, 200);
    let first = started.elapsed();
    let started = Instant::now();
    assert_eq!(get_json(&server, &messages_path("")).await.0, 200);
    let second = started.elapsed();
    assert!(first >= Duration::from_millis(50), "{first:?}");
    assert!(first < Duration::from_millis(700), "{first:?}");
    assert!(second >= Duration::from_millis(750), "{second:?}");
}

#[tokio::test]
async fn delay_combines_with_another_fault_for_the_same_request() {
    let mut config = config(3);
    config.faults = vec![
        Fault::Delay {
            nth: 1,
            delay: Duration::from_millis(200),
        },
        Fault::Status {
            nth: 1,
            status: 500,
            retry_after: None,
        },
    ];
    let server = start(config).await;
    let started = Instant::now();
    assert_eq!(status_of(api_get(&server, &messages_path(""))).await, 500);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn faults_count_every_external_request_not_just_lists() {
    let mut config = config(3);
    config.faults = vec![Fault::Status {
        nth: 3,
        status: 500,
        retry_after: None,
    }];
    let server = start(config).await;
    // A 401, a single-message request, then the third /external request fails.
    let unauthorised = reqwest::get(format!("{}{}", server.base_url(), messages_path("")));
    assert_eq!(unauthorised.await.unwrap().status(), 401);
    assert_eq!(status_of(api_get(&server, &messages_path("/1"))).await, 200);
    // File and unknown non-API paths do not count.
    assert_eq!(
        reqwest::get(format!("{}/files/x", server.base_url()))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(status_of(api_get(&server, &messages_path(""))).await, 500);
    assert_eq!(server.request_count(), 3);
}

#[tokio::test]
async fn history_grows_after_each_answered_list_request() {
    let mut config = config(10);
    config.growth_per_request = 2;
    let server = start(config).await;
    let (_, first) = get_json(&server, &messages_path("?limit=99")).await;
    assert_eq!(first["total"], 10);
    assert_eq!(server.message_count(), 12);

    // Neither a refused list request nor a single-message request grows it.
    let refused = reqwest::get(format!("{}{}", server.base_url(), messages_path("")));
    assert_eq!(refused.await.unwrap().status(), 401);
    assert_eq!(get_json(&server, &messages_path("/3")).await.0, 200);
    assert_eq!(server.message_count(), 12);

    let (_, second) = get_json(&server, &messages_path("?limit=99")).await;
    assert_eq!(second["total"], 12);
    assert_eq!(ids(&second), (1..=12).collect::<Vec<_>>());
    assert_eq!(server.message_count(), 14);

    let grown = &second["messages"].as_array().unwrap()[10..];
    let last_old = &first["messages"][9];
    assert_eq!(last_old["sender_type"], "operator");
    assert_eq!(grown[0]["sender_type"], "user");
    assert_eq!(grown[1]["sender_type"], "operator");
    assert!(grown[0]["created_at"].as_str() > last_old["created_at"].as_str());
    assert!(grown[1]["created_at"].as_str() > grown[0]["created_at"].as_str());
    assert!(grown[0]["sender"]["name"].is_string());
    assert!(grown[1]["sender"]["forename"].is_string());
    assert!(
        grown
            .iter()
            .all(|m| m["body"].as_str().is_some_and(|b| !b.is_empty()))
    );
    // A newcomer shifts what offset 0 means for a newest-first reader.
    assert_eq!(server.messages()[13]["id"], 14);
}

#[tokio::test]
async fn growth_stops_at_its_limit() {
    let mut config = config(10);
    config.growth_per_request = 3;
    config.growth_limit = Some(7);
    let server = start(config).await;
    let mut totals = Vec::new();
    for _ in 0..4 {
        let (_, page) = get_json(&server, &messages_path("?limit=1")).await;
        totals.push(page["total"].as_u64().unwrap());
    }
    assert_eq!(totals, [10, 13, 16, 17]);
    assert_eq!(server.message_count(), 17);
    assert_eq!(server.messages()[16]["id"], 17);
}

#[tokio::test]
async fn growth_shifts_newest_first_offsets() {
    let mut config = config(10);
    config.order = ServeOrder::NewestFirst;
    config.growth_per_request = 1;
    let server = start(config).await;
    let (_, first) = get_json(&server, &messages_path("?limit=2")).await;
    assert_eq!(ids(&first), [10, 9]);
    let (_, second) = get_json(&server, &messages_path("?offset=2&limit=2")).await;
    // Message 11 arrived in between, so offset 2 now starts at 9 again.
    assert_eq!(ids(&second), [9, 8]);
    assert_eq!(second["total"], 11);
}

/// What a client saw for one request.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Answer(u16),
    BrokenBody(u16),
    NoAnswer,
}

async fn observe_chaos(seed: u64, requests: usize) -> Vec<Seen> {
    let mut config = config(40);
    config.chaos = Some(Chaos {
        seed,
        p_5xx: 0.15,
        p_429: 0.15,
        p_drop: 0.1,
        p_truncate: 0.1,
        max_latency: Duration::from_millis(5),
    });
    let server = start(config).await;
    let mut seen = Vec::new();
    for _ in 0..requests {
        seen.push(match api_get(&server, &messages_path("")).send().await {
            Err(_) => Seen::NoAnswer,
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(_) => Seen::Answer(status),
                    Err(_) => Seen::BrokenBody(status),
                }
            }
        });
    }
    seen
}

#[tokio::test]
async fn chaos_is_reproducible_with_the_same_seed() {
    let first = observe_chaos(42, 40).await;
    let again = observe_chaos(42, 40).await;
    assert_eq!(first, again);
    let other = observe_chaos(43, 40).await;
    assert_ne!(first, other);
    let kinds: BTreeSet<String> = first
        .iter()
        .chain(&other)
        .map(|s| format!("{s:?}"))
        .collect();
    for wanted in ["Answer(200)", "Answer(429)", "BrokenBody(200)", "NoAnswer"] {
        assert!(kinds.contains(wanted), "{wanted} never seen in {kinds:?}");
    }
    assert!(
        kinds.contains("Answer(500)") || kinds.contains("Answer(503)"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn dropping_the_server_stops_serving() {
    let server = start(config(1)).await;
    let url = format!("{}{}", server.base_url(), messages_path(""));
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 401);
    drop(server);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match reqwest::Client::new().get(&url).send().await {
            Err(error) if error.is_connect() => break,
            _ if Instant::now() > deadline => panic!("still serving after drop"),
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

#[tokio::test]
async fn demo_conversation_is_a_realistic_week() {
    let config = FakeConfig::demo();
    assert_eq!(config.user_id, DEMO_USER_ID);
    assert_eq!(config.secret, DEMO_SECRET);
    let messages = &config.messages;
    assert!((300..=400).contains(&messages.len()), "{}", messages.len());
    let dates: BTreeSet<&str> = messages
        .iter()
        .map(|m| &m["created_at"].as_str().unwrap()[..10])
        .collect();
    assert!(dates.len() >= 4, "{dates:?}");
    assert!(
        messages
            .iter()
            .all(|m| m["created_at"].as_str().unwrap().ends_with('Z'))
    );
    assert_eq!(messages[0]["auto_invitation"], true);
    assert_eq!(messages[0]["sender_type"], "operator");
    assert_eq!(messages[0]["body"], "Hi! Need any help?");
    let operators: BTreeSet<u64> = messages
        .iter()
        .filter(|m| m["sender_type"] == "operator")
        .map(|m| m["sender"]["id"].as_u64().unwrap())
        .collect();
    assert_eq!(operators.len(), 2);
    assert!(messages.iter().any(|m| m["read_by_user"].is_null()));
    let bodies: Vec<&str> = messages
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert!(
        bodies.iter().any(|b| b.contains("\u{1b}[31")),
        "ANSI colours"
    );
    assert!(bodies.iter().any(|b| b.contains('エ')), "Japanese text");
    assert!(
        bodies.iter().any(|b| b.contains('\u{301}')),
        "combining mark"
    );
    assert!(
        bodies.iter().any(|b| b.chars().count() > 500),
        "long message"
    );
    assert!(messages.iter().any(|m| m["rating"].is_number()));
    let attachments = messages
        .iter()
        .filter(|m| m["file_url"].is_string())
        .count();
    assert!(attachments >= 3);
    // Other demo visitors have attachments too; each of hers is among the files.
    for message in messages.iter().filter(|m| m["file_url"].is_string()) {
        let name = message["file_url"]
            .as_str()
            .unwrap()
            .trim_start_matches("files/");
        assert!(config.files.iter().any(|(file, _)| file == name), "{name}");
    }
}

#[tokio::test]
async fn demo_server_pages_through_everything_and_serves_attachments() {
    let server = start(FakeConfig::demo()).await;
    let client = reqwest::Client::new();
    let mut all = Vec::new();
    loop {
        let url = format!(
            "{}/external/users/{DEMO_USER_ID}/messages?offset={}&limit=99",
            server.base_url(),
            all.len()
        );
        let response = client
            .get(url)
            .header("Authorization", format!("Bearer {DEMO_SECRET}"))
            .header("Accept", API_ACCEPT)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        let batch = page["messages"].as_array().unwrap().clone();
        if batch.is_empty() {
            assert_eq!(page["total"].as_u64().unwrap(), all.len() as u64);
            break;
        }
        all.extend(batch);
    }
    assert_eq!(all.len(), server.message_count());
    let mut kinds = BTreeSet::new();
    for message in all.iter().filter(|m| m["file_url"].is_string()) {
        let link = message["file_url"].as_str().unwrap();
        assert!(link.starts_with(&server.base_url()), "{link}");
        let response = reqwest::get(link).await.unwrap();
        assert_eq!(response.status(), 200, "{link}");
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let bytes = response.bytes().await.unwrap();
        match kind.as_str() {
            "image/png" => assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n")),
            "application/pdf" => assert!(bytes.starts_with(b"%PDF-")),
            _ => assert!(std::str::from_utf8(&bytes).is_ok(), "{kind}"),
        }
        kinds.insert(kind);
    }
    assert!(kinds.contains("image/png") && kinds.contains("application/pdf"));
}

// ----- visitors: GET /external/users and /external/users/{id} -----

use szchat_fake::{LiveChat, Visitor};

/// The first visitor (`USER`, three messages) and `more` silent visitors,
/// ids 1000, 1001, ...
fn crowd(more: u64) -> FakeConfig {
    let mut config = config(3);
    config.other_visitors = (1000..1000 + more)
        .map(|id| Visitor::new(id, Vec::new()))
        .collect();
    config
}

fn user_ids(page: &Value) -> Vec<u64> {
    page["users"]
        .as_array()
        .expect("users array")
        .iter()
        .map(|u| u["id"].as_u64().expect("numeric id"))
        .collect()
}

#[tokio::test]
async fn users_envelope_has_limit_offset_total_and_users_by_id() {
    let server = start(crowd(130)).await;
    let (status, page) = get_json(&server, "/external/users").await;
    assert_eq!(status, 200);
    let keys: BTreeSet<&str> = page
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["limit", "offset", "total", "users"]));
    assert_eq!(
        (page["limit"].as_u64(), page["offset"].as_u64()),
        (Some(50), Some(0))
    );
    assert_eq!(page["total"], 131);
    let ids = user_ids(&page);
    assert_eq!(ids.len(), 50);
    assert_eq!(ids[..3], [USER, 1000, 1001]);

    let (_, page) = get_json(&server, "/external/users?offset=120&limit=99").await;
    assert_eq!(user_ids(&page), (1119..1130).collect::<Vec<_>>());
    assert_eq!(
        (page["limit"].as_u64(), page["offset"].as_u64()),
        (Some(99), Some(120))
    );
    let (status, page) = get_json(&server, "/external/users?offset=131").await;
    assert_eq!(status, 200);
    assert!(user_ids(&page).is_empty());
    assert_eq!(page["total"], 131);
}

#[tokio::test]
async fn users_page_through_every_visitor_once() {
    let server = start(crowd(40)).await;
    let mut seen = Vec::new();
    loop {
        let (status, page) = get_json(
            &server,
            &format!("/external/users?offset={}&limit=7", seen.len()),
        )
        .await;
        assert_eq!(status, 200);
        let batch = user_ids(&page);
        assert_eq!(page["total"], 41);
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 7);
        seen.extend(batch);
    }
    let expected: Vec<u64> = std::iter::once(USER).chain(1000..1040).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn users_list_refuses_bad_paging_like_messages() {
    let server = start(crowd(2)).await;
    for query in [
        "limit=0",
        "limit=100",
        "limit=-1",
        "limit=abc",
        "offset=-1",
        "offset=1.5",
    ] {
        let path = format!("/external/users?{query}");
        assert_eq!(status_of(api_get(&server, &path)).await, 400, "{query}");
    }
    assert_eq!(
        status_of(api_get(&server, "/external/users?limit=99")).await,
        200
    );
    assert_eq!(
        status_of(api_get(&server, "/external/users?limit=1")).await,
        200
    );
}

#[tokio::test]
async fn users_endpoints_need_the_secret_then_the_media_type() {
    let server = start(crowd(1)).await;
    let client = reqwest::Client::new();
    for path in [
        "/external/users",
        "/external/users/1000",
        "/external/users/999",
    ] {
        let url = format!("{}{path}", server.base_url());
        let no_auth = client.get(&url).header("Accept", API_ACCEPT);
        assert_eq!(status_of(no_auth).await, 401, "{path}");
        let wrong = client
            .get(&url)
            .header("Authorization", "Bearer wrong")
            .header("Accept", API_ACCEPT);
        assert_eq!(status_of(wrong).await, 401, "{path}");
        let no_accept = client
            .get(&url)
            .header("Authorization", format!("Bearer {SECRET}"));
        assert_eq!(status_of(no_accept).await, 406, "{path}");
        let json_only = client
            .get(&url)
            .header("Authorization", format!("Bearer {SECRET}"))
            .header("Accept", "application/json");
        assert_eq!(status_of(json_only).await, 406, "{path}");
    }
    // Bad paging is only looked at once the headers pass.
    let bad_everything = client.get(format!("{}/external/users?limit=0", server.base_url()));
    assert_eq!(status_of(bad_everything).await, 401);
}

#[tokio::test]
async fn a_single_user_is_its_user_object_and_unknown_ones_are_404() {
    let mut config = crowd(1);
    config.profile = json!({
        "id": 1,
        "name": "Ana Ortega",
        "email": "ana@example.com",
        "reference": "acct_77",
        "created_at": "2026-11-01T10:00:00.000Z",
        "updated_at": "2026-11-20T10:00:00.000Z",
        "online_at": "2026-11-27T08:00:00.000Z",
        "last_url": "https://app.example/checkout?step=2",
        "user_attributes": [{"name": "plan", "value": "Growth"}],
    });
    let server = start(config).await;
    let (status, user) = get_json(&server, &format!("/external/users/{USER}")).await;
    assert_eq!(status, 200);
    // The id in the path wins over whatever the configured object said.
    assert_eq!(user["id"], USER);
    assert_eq!(user["name"], "Ana Ortega");
    assert_eq!(
        user["user_attributes"][0],
        json!({"name": "plan", "value": "Growth"})
    );
    let (status, plain) = get_json(&server, "/external/users/1000").await;
    assert_eq!(status, 200);
    for field in [
        "id",
        "name",
        "email",
        "reference",
        "created_at",
        "updated_at",
        "online_at",
        "last_url",
        "user_attributes",
    ] {
        assert!(plain.get(field).is_some(), "{field} missing in {plain}");
    }
    // The listing carries the same objects.
    let (_, page) = get_json(&server, "/external/users").await;
    assert_eq!(page["users"][0], user);
    for path in [
        "/external/users/999",
        "/external/users/abc",
        "/external/users/+77",
        "/external/users/",
    ] {
        assert_eq!(status_of(api_get(&server, path)).await, 404, "{path}");
    }
}

#[tokio::test]
async fn a_visitor_without_messages_has_an_empty_history_and_unknown_ones_404() {
    let server = start(crowd(1)).await;
    let (status, page) = get_json(&server, "/external/users/1000/messages").await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 0);
    assert_eq!(page["messages"], json!([]));
    assert_eq!(
        status_of(api_get(&server, "/external/users/1000/messages/1")).await,
        404
    );
    for path in [
        "/external/users/999/messages",
        "/external/users/999/messages/1",
    ] {
        assert_eq!(status_of(api_get(&server, path)).await, 404, "{path}");
    }
    // The first visitor's history is untouched by the others.
    assert_eq!(get_json(&server, &messages_path("")).await.1["total"], 3);
}

#[tokio::test]
async fn faults_apply_to_the_users_endpoints_too() {
    let mut config = crowd(30);
    config.faults = vec![
        Fault::Status {
            nth: 1,
            status: 503,
            retry_after: None,
        },
        Fault::Malformed { nth: 2 },
        Fault::Truncated { nth: 3 },
        Fault::Drop { nth: 4 },
        Fault::Status {
            nth: 5,
            status: 429,
            retry_after: Some("1".to_owned()),
        },
    ];
    let server = start(config).await;
    let list = "/external/users";
    let single = "/external/users/1000";

    assert_eq!(status_of(api_get(&server, list)).await, 503);
    let malformed = api_get(&server, single).send().await.unwrap();
    assert_eq!(malformed.status(), 200);
    let body = malformed.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&body).is_err(), "{body}");
    let truncated = api_get(&server, list).send().await.unwrap();
    assert_eq!(truncated.status(), 200);
    assert!(truncated.bytes().await.is_err());
    let dropped = api_get(&server, single)
        .send()
        .await
        .expect_err("no answer");
    assert!(dropped.status().is_none());
    let slow_down = api_get(&server, list).send().await.unwrap();
    assert_eq!(slow_down.status(), 429);
    assert_eq!(slow_down.headers()["retry-after"], "1");
    assert_eq!(get_json(&server, list).await.0, 200);
    assert_eq!(get_json(&server, single).await.0, 200);
    let statuses: Vec<_> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            Some(503),
            Some(200),
            Some(200),
            None,
            Some(429),
            Some(200),
            Some(200)
        ]
    );
}

#[tokio::test]
async fn chaos_reaches_the_users_endpoints() {
    let mut config = crowd(3);
    config.chaos = Some(Chaos {
        seed: 5,
        p_5xx: 1.0,
        p_429: 0.0,
        p_drop: 0.0,
        p_truncate: 0.0,
        max_latency: Duration::ZERO,
    });
    let server = start(config).await;
    for path in ["/external/users", "/external/users/1000"] {
        let status = status_of(api_get(&server, path)).await;
        assert!(status == 500 || status == 503, "{path}: {status}");
    }
}

#[tokio::test]
async fn growth_per_request_grows_the_conversation_that_was_listed() {
    let mut config = crowd(1);
    config.growth_per_request = 2;
    let server = start(config).await;
    let (_, first) = get_json(&server, "/external/users/1000/messages").await;
    assert_eq!(first["total"], 0);
    let (_, second) = get_json(&server, "/external/users/1000/messages").await;
    assert_eq!(second["total"], 2);
    let grown = &second["messages"][0];
    assert_eq!(grown["sender_type"], "user");
    assert_eq!(grown["sender"]["id"], 1000);
    assert_eq!(grown["sender"]["name"], "Visitor 1000");
    assert_eq!(server.message_count(), 3, "the first visitor did not grow");
}

/// A server whose visitor 1000 chats live: `limit` messages, one every 20 ms.
fn live_crowd(limit: usize, seed: u64) -> FakeConfig {
    let mut config = crowd(2);
    config.live = Some(LiveChat {
        user_id: 1000,
        every: Duration::from_millis(20),
        limit,
        seed,
    });
    config
}

/// Waits (polling over HTTP) until visitor 1000 has `count` messages.
async fn live_messages(server: &FakeServer, count: u64) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, page) = get_json(server, "/external/users/1000/messages?limit=99").await;
        assert_eq!(status, 200);
        if page["total"].as_u64() == Some(count) {
            return page["messages"].as_array().unwrap().clone();
        }
        assert!(
            Instant::now() < deadline,
            "still {} live messages",
            page["total"]
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_live_chat_grows_by_itself_up_to_its_limit_and_keeps_the_visitor_online() {
    let (_, before) = {
        let server = start(crowd(1)).await;
        get_json(&server, "/external/users/1000").await
    };
    let server = start(live_crowd(6, 1)).await;
    let messages = live_messages(&server, 6).await;
    let ids: Vec<u64> = messages.iter().map(|m| m["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
    let times: Vec<&str> = messages
        .iter()
        .map(|m| m["created_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|pair| pair[0] < pair[1]), "{times:?}");
    let visitor_lines: Vec<&Value> = messages
        .iter()
        .filter(|m| m["sender_type"] == "user")
        .collect();
    assert!(!visitor_lines.is_empty());
    for line in &visitor_lines {
        assert_eq!(line["sender"]["id"], 1000);
    }
    // Online as of its newest message, later than the configured last visit.
    let (_, user) = get_json(&server, "/external/users/1000").await;
    assert_eq!(user["online_at"], messages[5]["created_at"]);
    assert_eq!(
        server.profile_of(1000).unwrap()["online_at"],
        user["online_at"]
    );
    assert!(user["online_at"].as_str() > before["online_at"].as_str());

    // Well past the limit, nothing more is added; the other visitors never grew.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (_, page) = get_json(&server, "/external/users/1000/messages").await;
    assert_eq!(page["total"], 6);
    assert_eq!(server.message_count(), 3);
    assert_eq!(server.messages_of(1001).unwrap().len(), 0);
}

#[tokio::test]
async fn a_live_chat_says_the_same_for_the_same_seed() {
    let said = |messages: Vec<Value>| -> Vec<(String, String)> {
        messages
            .iter()
            .map(|m| {
                (
                    m["sender_type"].as_str().unwrap().to_owned(),
                    m["body"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let a = start(live_crowd(8, 42)).await;
    let b = start(live_crowd(8, 42)).await;
    let c = start(live_crowd(8, 43)).await;
    let (a, b, c) = (
        said(live_messages(&a, 8).await),
        said(live_messages(&b, 8).await),
        said(live_messages(&c, 8).await),
    );
    assert_eq!(a, b);
    // The first exchange is fixed; what follows it depends on the seed.
    let a_rest: Vec<_> = a.iter().skip(6).collect();
    let c_rest: Vec<_> = c.iter().skip(6).collect();
    assert_eq!(a[..6], c[..6]);
    assert_ne!(a_rest, c_rest);
}

#[tokio::test]
async fn a_live_chat_for_an_unknown_visitor_adds_nothing_anywhere() {
    let mut config = live_crowd(3, 1);
    if let Some(live) = config.live.as_mut() {
        live.user_id = 999;
    }
    let server = start(config).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        get_json(&server, "/external/users/1000/messages").await.1["total"],
        0
    );
    assert_eq!(server.message_count(), 3);
}

/// The JSON of a demo server's answer, which must be 200.
async fn demo_get(server: &FakeServer, path: &str) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .header("Authorization", format!("Bearer {DEMO_SECRET}"))
        .header("Accept", API_ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn the_demo_serves_ten_varied_visitors() {
    let demo = FakeConfig::demo();
    let live = demo.live.clone().expect("the demo chats live");
    assert!(live.every >= Duration::from_secs(1) && live.every <= Duration::from_secs(10));
    let started = SystemTime::now();
    let server = start(demo).await;
    let page = demo_get(&server, "/external/users?limit=99").await;
    let users = page["users"].as_array().unwrap().clone();
    assert!(users.len() >= 8, "{} visitors", users.len());
    assert_eq!(page["total"].as_u64(), Some(users.len() as u64));
    assert!(
        users
            .iter()
            .any(|u| u["id"] == DEMO_USER_ID && u["name"] == "Hana Whitfield")
    );

    let live_user = users.iter().find(|u| u["id"] == live.user_id).unwrap();
    let online: chrono::DateTime<chrono::Utc> =
        live_user["online_at"].as_str().unwrap().parse().unwrap();
    let started: chrono::DateTime<chrono::Utc> = started.into();
    let age = started.signed_duration_since(online);
    assert!(age < chrono::TimeDelta::minutes(2), "{online} vs {started}");

    let mut totals = Vec::new();
    for user in &users {
        let id = user["id"].as_u64().unwrap();
        let page = demo_get(&server, &format!("/external/users/{id}/messages?limit=1")).await;
        totals.push(page["total"].as_u64().unwrap());
    }
    assert!(totals.iter().any(|t| *t >= 5_000), "{totals:?}");
    assert!(totals.contains(&0), "{totals:?}");
    assert!(users.iter().any(|u| {
        u["last_url"].is_string() && u["user_attributes"].as_array().unwrap().len() >= 10
    }));

    // Another visitor's attachment downloads from the same server.
    let kenji = users.iter().find(|u| u["name"] == "佐藤 健二").unwrap();
    let path = format!("/external/users/{}/messages?limit=99", kenji["id"]);
    let page = demo_get(&server, &path).await;
    let link = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| m["file_url"].as_str())
        .unwrap()
        .to_owned();
    let photo = reqwest::get(&link).await.unwrap();
    assert_eq!(photo.status(), 200);
    assert!(photo.bytes().await.unwrap().starts_with(b"\x89PNG"));
}
