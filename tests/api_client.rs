//! The API client against real HTTP servers on 127.0.0.1: small axum apps for
//! well-formed answers, raw TCP for broken ones (truncated bodies, resets).

mod common;

use common::{SEED_MESSAGE, SEED_PAGE};
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use szchat::api::{ApiClient, ApiConfig, ApiError, RetryNotice, RetryPolicy};
use szchat::model::{Page, Sender};
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat::testing::message;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SECRET: &str = "sz-test-Secret-8c1e77";
const USER: u64 = 4711;
const ACCEPT: &str = "application/vnd.signalzen.v1+json";
/// Long enough for any healthy answer on a loaded 2-core machine.
const GENEROUS_TIMEOUT: Duration = Duration::from_secs(10);

// The seed's two JSON examples, verbatim, live in `common`.

// ---------------------------------------------------------------- helpers

/// Tiny delays so retries cost milliseconds; Retry-After is allowed up to 2 s.
fn fast_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
    }
}

fn config(base: &str, max_attempts: u32) -> ApiConfig {
    let mut config = ApiConfig::new(base, Secret::new(SECRET).unwrap(), USER);
    config.retry = fast_policy(max_attempts);
    config.connect_timeout = Duration::from_secs(2);
    config.request_timeout = GENEROUS_TIMEOUT;
    config
}

fn client(base: &str, max_attempts: u32) -> ApiClient {
    ApiClient::new(config(base, max_attempts)).unwrap()
}

/// Records every retry notice.
#[derive(Default)]
struct Notices(Mutex<Vec<RetryNotice>>);

impl Notices {
    fn hook(&self) -> impl Fn(RetryNotice) + Send + Sync + '_ {
        |notice| self.0.lock().unwrap().push(notice)
    }

    fn taken(&self) -> Vec<RetryNotice> {
        self.0.lock().unwrap().clone()
    }
}

fn ignore(_: RetryNotice) {}

/// An axum server on 127.0.0.1 that counts requests.
struct Server {
    base: String,
    hits: Arc<AtomicUsize>,
}

impl Server {
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Serves every request with `respond(n, &request)`, `n` counting from 1.
async fn server<F>(respond: F) -> Server
where
    F: Fn(usize, &Request) -> Response + Send + Sync + 'static,
{
    let hits = Arc::new(AtomicUsize::new(0));
    let respond = Arc::new(respond);
    let counter = hits.clone();
    let router = Router::new().fallback(move |request: Request| {
        let respond = respond.clone();
        let counter = counter.clone();
        async move {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            respond(n, &request)
        }
    });
    Server {
        base: serve(router).await,
        hits,
    }
}

async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

fn json(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_owned(),
    )
        .into_response()
}

fn status(code: u16) -> Response {
    StatusCode::from_u16(code).unwrap().into_response()
}

/// What a raw TCP server does with the n-th connection.
enum Raw {
    /// Read the request, write these bytes, close.
    Reply(Vec<u8>),
    /// Read the request, then close without a word.
    Close,
    /// Read the request, write these bytes, then keep the connection open and silent.
    Stall(Vec<u8>),
}

/// A hand-written HTTP/1.1 server for answers axum will not produce.
async fn raw_server<F>(plan: F) -> Server
where
    F: Fn(usize) -> Raw + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let action = plan(n);
            tokio::spawn(async move {
                read_request_head(&mut stream).await;
                match action {
                    Raw::Reply(bytes) => {
                        let _ = stream.write_all(&bytes).await;
                        let _ = stream.shutdown().await;
                    }
                    Raw::Close => drop(stream),
                    Raw::Stall(bytes) => {
                        let _ = stream.write_all(&bytes).await;
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                }
            });
        }
    });
    Server { base, hits }
}

async fn read_request_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
}

fn http_ok(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn seed_page() -> Page {
    Page {
        offset: 0,
        limit: 50,
        total: 2,
        messages: vec![
            message(1)
                .body("test chat message")
                .at("2018-02-09T17:18:50Z")
                .from_visitor()
                .read_by(Some(true), Some(true))
                .sender_id(1)
                .raw_json(seed_object(0))
                .build(),
            message(2)
                .body("test response from operator")
                .at("2018-02-09T18:18:38Z")
                .from_operator()
                .read_by(Some(false), Some(true))
                .sender_id(1)
                .raw_json(seed_object(1))
                .build(),
        ],
    }
}

/// The text of the seed page's `index`th message object, byte for byte as
/// the page holds it (the page is indented: each object opens with "    {").
fn seed_object(index: usize) -> &'static str {
    let start = SEED_PAGE.match_indices("\n    {").nth(index).unwrap().0 + 5;
    let end = SEED_PAGE[start..].find("\n    }").unwrap() + start + 6;
    &SEED_PAGE[start..end]
}

/// What the real API would say about a request's headers, or `None` if they are right.
fn header_problem(headers: &HeaderMap) -> Option<Response> {
    // Exactly one value each: a default `Accept: */*` must not ride along.
    let get = |name| {
        let mut values = headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (Some(value), None) => value.to_str().ok(),
            _ => None,
        }
    };
    if get(header::AUTHORIZATION) != Some(&format!("Bearer {SECRET}")) {
        return Some(status(401));
    }
    if get(header::ACCEPT) != Some(ACCEPT) {
        return Some(status(406));
    }
    if !get(header::USER_AGENT).is_some_and(|ua| ua.starts_with("szchat/")) {
        return Some(status(400));
    }
    None
}

// ------------------------------------------------------------ happy paths

#[tokio::test]
async fn page_request_sends_documented_headers_and_parses_seed_sample() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let srv = server(move |_, req| {
        log.lock().unwrap().push(req.uri().to_string());
        header_problem(req.headers()).unwrap_or_else(|| json(StatusCode::OK, SEED_PAGE))
    })
    .await;

    let page = client(&srv.base, 3)
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap();

    assert_eq!(page, seed_page());
    assert_eq!(srv.hits(), 1);
    assert_eq!(
        *seen.lock().unwrap(),
        [format!("/external/users/{USER}/messages?offset=0&limit=50")]
    );
}

#[tokio::test]
async fn single_message_request_parses_seed_sample() {
    let srv = server(|_, req| {
        if req.uri().path() != format!("/external/users/{USER}/messages/1234") {
            return status(404);
        }
        header_problem(req.headers()).unwrap_or_else(|| json(StatusCode::OK, SEED_MESSAGE))
    })
    .await;

    let message = client(&srv.base, 3).message(1234, &ignore).await.unwrap();

    assert_eq!(message.id, 1234);
    assert_eq!(message.sender_id, Some(1));
    assert_eq!(
        message.raw_json.as_deref(),
        Some(SEED_MESSAGE),
        "the object as received"
    );
    assert_eq!(message.body, "test chat message");
    assert_eq!(message.sender.display_name(), "David Smith");
    assert_eq!(
        message.created_at,
        Some("2018-02-09T17:18:50Z".parse().unwrap())
    );
}

#[tokio::test]
async fn base_url_path_prefix_and_paging_parameters_are_kept() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let srv = server(move |_, req| {
        log.lock().unwrap().push(req.uri().to_string());
        json(
            StatusCode::OK,
            r#"{"limit": 7, "offset": 140, "total": 141, "messages": []}"#,
        )
    })
    .await;

    let c = client(&format!("{}/gateway/sz/", srv.base), 1);
    let page = c
        .messages_page(140, PageSize::new(7).unwrap(), &ignore)
        .await
        .unwrap();

    assert_eq!(c.base_url(), format!("{}/gateway/sz", srv.base));
    assert_eq!((page.offset, page.limit, page.total), (140, 7, 141));
    assert!(page.messages.is_empty());
    assert_eq!(
        *seen.lock().unwrap(),
        [format!(
            "/gateway/sz/external/users/{USER}/messages?offset=140&limit=7"
        )]
    );
}

#[tokio::test]
async fn extra_fields_and_nulls_are_tolerated() {
    let body = r#"{
      "total": 3, "limit": null, "offset": null, "next": "ignored", "meta": {"x": [1, 2]},
      "messages": [
        {"id": 10, "body": null, "read_by_user": null, "created_at": null, "file_url": null,
         "auto_invitation": null, "sender_type": null, "read_by_operator": null, "sender": null,
         "type": "message", "rating": 5},
        {"id": 11, "body": "hi", "sender_type": "operator",
         "sender": {"id": 3, "forename": null, "surname": "Ng", "email": null, "picture_thumb_url": "x", "role": "admin"},
         "file_url": "https://files.example/a.png", "created_at": "not a date"},
        {"id": 12, "sender_type": "bot", "sender": {"id": 9}}
      ]
    }"#;
    let srv = server(move |_, _| json(StatusCode::OK, body)).await;

    let page = client(&srv.base, 1)
        .messages_page(20, PageSize::new(3).unwrap(), &ignore)
        .await
        .unwrap();

    // Missing envelope fields fall back to what was asked for.
    assert_eq!((page.offset, page.limit, page.total), (20, 3, 3));
    let [a, b, c] = &page.messages[..] else {
        panic!("{page:?}")
    };
    assert_eq!(a.body, "");
    assert_eq!(a.read_by_user, None);
    assert_eq!(a.sender, Sender::Other { kind: None });
    assert_eq!(b.sender.display_name(), "Ng");
    assert_eq!(b.file_url.as_deref(), Some("https://files.example/a.png"));
    assert_eq!(b.created_at, None);
    assert_eq!(
        c.sender,
        Sender::Other {
            kind: Some("bot".into())
        }
    );
}

#[tokio::test]
async fn body_exactly_at_the_cap_is_accepted() {
    let srv = server(|_, _| json(StatusCode::OK, SEED_PAGE)).await;
    let mut config = config(&srv.base, 1);
    config.max_body_bytes = SEED_PAGE.len();

    let page = ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap();

    assert_eq!(page, seed_page());
}

// ------------------------------------------------------ refusals: no retry

#[tokio::test]
async fn unauthorized_and_forbidden_are_not_retried() {
    for code in [401, 403] {
        let srv = server(move |_, _| status(code)).await;
        let notices = Notices::default();

        let err = client(&srv.base, 5)
            .messages_page(0, PageSize::DEFAULT, &notices.hook())
            .await
            .unwrap_err();

        assert_eq!(err, ApiError::Unauthorized { status: code });
        assert_eq!(srv.hits(), 1, "{code}");
        assert!(notices.taken().is_empty());
        assert!(err.is_fatal_at_start());
        assert!(err.to_string().contains("SIGNALZEN_API_SECRET"), "{err}");
    }
}

#[tokio::test]
async fn wrong_secret_is_refused_by_a_checking_server() {
    let srv = server(|_, req| {
        header_problem(req.headers()).unwrap_or_else(|| json(StatusCode::OK, SEED_PAGE))
    })
    .await;
    let mut config = config(&srv.base, 5);
    config.secret = Secret::new("some-other-secret").unwrap();

    let err = ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert_eq!(err, ApiError::Unauthorized { status: 401 });
    assert_eq!(srv.hits(), 1);
}

#[tokio::test]
async fn not_found_is_not_retried() {
    let srv = server(|_, _| status(404)).await;

    let err = client(&srv.base, 5).message(99, &ignore).await.unwrap_err();

    assert_eq!(err, ApiError::NotFound);
    assert_eq!(srv.hits(), 1);
    assert!(err.is_fatal_at_start());
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    for code in [400, 405, 406, 410] {
        let srv = server(move |_, _| status(code)).await;

        let err = client(&srv.base, 5)
            .messages_page(0, PageSize::DEFAULT, &ignore)
            .await
            .unwrap_err();

        assert_eq!(err, ApiError::Status { status: code });
        assert_eq!(srv.hits(), 1, "{code}");
        assert!(!err.is_fatal_at_start());
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let target = server(|_, _| json(StatusCode::OK, SEED_PAGE)).await;
    let location = format!("{}/elsewhere", target.base);
    let srv = server(move |_, _| {
        (StatusCode::FOUND, [(header::LOCATION, location.clone())]).into_response()
    })
    .await;

    let err = client(&srv.base, 5)
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert_eq!(err, ApiError::Status { status: 302 });
    assert!(err.to_string().contains("redirect"), "{err}");
    assert_eq!(srv.hits(), 1);
    assert_eq!(target.hits(), 0, "the secret must not follow a redirect");
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn service_unavailable_then_ok_succeeds_after_one_retry() {
    let srv = server(|n, _| {
        if n == 1 {
            status(503)
        } else {
            json(StatusCode::OK, SEED_PAGE)
        }
    })
    .await;
    let notices = Notices::default();

    let page = client(&srv.base, 5)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap();

    assert_eq!(page, seed_page());
    assert_eq!(srv.hits(), 2);
    let notices = notices.taken();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].attempt, 1);
    assert_eq!(notices[0].reason, "HTTP 503");
    assert!(notices[0].delay <= Duration::from_millis(20), "{notices:?}");
}

#[tokio::test]
async fn too_many_requests_honours_retry_after_seconds() {
    let srv = server(|n, _| {
        if n == 1 {
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")]).into_response()
        } else {
            json(StatusCode::OK, SEED_PAGE)
        }
    })
    .await;
    let notices = Notices::default();
    let started = Instant::now();

    let page = client(&srv.base, 5)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap();

    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(page.total, 2);
    assert_eq!(
        notices.taken(),
        [RetryNotice {
            attempt: 1,
            delay: Duration::from_secs(1),
            reason: "HTTP 429".into()
        }]
    );
}

#[tokio::test]
async fn retry_after_http_date_in_the_past_means_now() {
    let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(3600));
    let srv = server(move |n, _| {
        if n == 1 {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, past.clone())],
            )
                .into_response()
        } else {
            json(StatusCode::OK, SEED_PAGE)
        }
    })
    .await;
    let notices = Notices::default();

    client(&srv.base, 5)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap();

    assert_eq!(notices.taken()[0].delay, Duration::ZERO);
}

#[tokio::test]
async fn huge_retry_after_is_capped_by_the_policy() {
    let srv = server(|n, _| {
        if n == 1 {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "86400")],
            )
                .into_response()
        } else {
            json(StatusCode::OK, SEED_PAGE)
        }
    })
    .await;
    let mut config = config(&srv.base, 5);
    config.retry.max_retry_after = Duration::from_millis(30);
    let notices = Notices::default();

    ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap();

    assert_eq!(notices.taken()[0].delay, Duration::from_millis(30));
}

#[tokio::test]
async fn too_many_requests_without_retry_after_backs_off() {
    let srv = server(|n, _| {
        if n < 3 {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "soon")],
            )
                .into_response()
        } else {
            json(StatusCode::OK, SEED_PAGE)
        }
    })
    .await;
    let notices = Notices::default();

    client(&srv.base, 5)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap();

    let notices = notices.taken();
    assert_eq!(notices.len(), 2);
    assert!(notices.iter().all(|n| n.delay <= Duration::from_millis(20)));
    assert_eq!(
        notices.iter().map(|n| n.attempt).collect::<Vec<_>>(),
        [1, 2]
    );
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_returned() {
    let srv = server(|_, _| status(500)).await;
    let notices = Notices::default();

    let err = client(&srv.base, 4)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap_err();

    assert_eq!(err, ApiError::Status { status: 500 });
    assert_eq!(srv.hits(), 4);
    let notices = notices.taken();
    assert_eq!(
        notices.iter().map(|n| n.attempt).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert!(notices.iter().all(|n| n.reason == "HTTP 500"));
}

#[tokio::test]
async fn zero_attempts_still_makes_one_request() {
    let srv = server(|_, _| status(502)).await;

    let err = client(&srv.base, 0)
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert_eq!(err, ApiError::Status { status: 502 });
    assert_eq!(srv.hits(), 1);
}

#[tokio::test]
async fn malformed_json_is_retried_then_reported() {
    let srv = server(|_, _| {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<html>maintenance</html>",
        )
            .into_response()
    })
    .await;
    let notices = Notices::default();

    let err = client(&srv.base, 3)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap_err();

    let ApiError::Malformed { reason } = &err else {
        panic!("{err:?}")
    };
    assert!(reason.contains("text/html"), "{reason}");
    assert_eq!(srv.hits(), 3);
    assert_eq!(notices.taken().len(), 2);
    assert!(!err.is_fatal_at_start());
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_malformed() {
    let srv = server(|_, _| json(StatusCode::OK, r#"{"messages": "nope"}"#)).await;

    let err = client(&srv.base, 1)
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert!(matches!(err, ApiError::Malformed { .. }), "{err:?}");
}

// ------------------------------------------------------------- body cap

#[tokio::test]
async fn announced_body_over_the_cap_is_refused() {
    let big = format!(
        r#"{{"total":0,"messages":[],"pad":"{}"}}"#,
        "x".repeat(4096)
    );
    let srv = server(move |_, _| json(StatusCode::OK, &big)).await;
    let mut config = config(&srv.base, 5);
    config.max_body_bytes = 1024;

    let err = ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert_eq!(err, ApiError::BodyTooLarge { limit: 1024 });
    assert_eq!(srv.hits(), 1, "a body over the cap is not retried");
}

#[tokio::test]
async fn streamed_body_over_the_cap_is_cut_off() {
    // No Content-Length: the cap must hold while reading.
    let srv = server(|_, _| {
        let chunks = (0..64).map(|_| Ok::<_, Infallible>(Bytes::from(vec![b' '; 256])));
        let body = Body::from_stream(futures_util::stream::iter(chunks));
        (StatusCode::OK, body).into_response()
    })
    .await;
    let mut config = config(&srv.base, 5);
    config.max_body_bytes = 1000;

    let err = ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert_eq!(err, ApiError::BodyTooLarge { limit: 1000 });
    assert_eq!(srv.hits(), 1);
}

// ------------------------------------------------------- network failures

#[tokio::test]
async fn silent_server_times_out_within_the_request_timeout() {
    let router = Router::new().fallback(|| async {
        std::future::pending::<()>().await;
        "never"
    });
    let base = serve(router).await;
    let mut config = config(&base, 1);
    config.request_timeout = Duration::from_millis(300);
    let started = Instant::now();

    let err = ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    let elapsed = started.elapsed();
    let ApiError::Timeout { url } = &err else {
        panic!("{err:?}")
    };
    assert!(url.starts_with(&base), "{url}");
    assert!(err.to_string().contains(&base), "{err}");
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn timeout_is_retried() {
    let srv = raw_server(|n| {
        if n == 1 {
            Raw::Stall(Vec::new())
        } else {
            Raw::Reply(http_ok(SEED_PAGE))
        }
    })
    .await;
    let mut config = config(&srv.base, 3);
    // Short enough to keep the test quick, long enough for the second,
    // healthy answer on a busy machine.
    config.request_timeout = Duration::from_millis(800);
    let notices = Notices::default();

    let page = ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap();

    assert_eq!(page, seed_page());
    assert_eq!(srv.hits(), 2);
    assert_eq!(notices.taken()[0].reason, "timed out");
}

#[tokio::test]
async fn body_that_stalls_midway_times_out() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"total\": 2, ";
    let srv = raw_server(move |_| Raw::Stall(head.as_bytes().to_vec())).await;
    let mut config = config(&srv.base, 1);
    config.request_timeout = Duration::from_millis(300);

    let err = ApiClient::new(config)
        .unwrap()
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert!(matches!(err, ApiError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn refused_connection_names_the_url() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let notices = Notices::default();

    let err = client(&base, 3)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap_err();

    let ApiError::Connect { url, reason } = &err else {
        panic!("{err:?}")
    };
    assert!(url.starts_with(&base), "{url}");
    assert!(!reason.is_empty());
    assert!(err.to_string().contains(&base), "{err}");
    assert!(err.is_fatal_at_start());
    assert_eq!(notices.taken().len(), 2, "refusals are retried");
}

/// The https path runs through rustls with the platform verifier: a server on
/// the other end that does not speak TLS fails the handshake, as a connection
/// error naming the URL, and never reaches the HTTP layer.
#[tokio::test]
async fn https_to_a_server_without_tls_fails_the_handshake() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream
                .write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
                .await;
        }
    });

    let err = client(&base, 1)
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    let ApiError::Connect { url, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(url.starts_with(&base), "{url}");
}

#[tokio::test]
async fn truncated_body_is_retried() {
    let truncated = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
        SEED_PAGE.len(),
        &SEED_PAGE[..SEED_PAGE.len() / 2]
    );
    let srv = raw_server(move |n| {
        if n == 1 {
            Raw::Reply(truncated.clone().into_bytes())
        } else {
            Raw::Reply(http_ok(SEED_PAGE))
        }
    })
    .await;
    let notices = Notices::default();

    let page = client(&srv.base, 3)
        .messages_page(0, PageSize::DEFAULT, &notices.hook())
        .await
        .unwrap();

    assert_eq!(page, seed_page());
    assert_eq!(srv.hits(), 2);
    assert_eq!(notices.taken()[0].reason, "network error");
}

#[tokio::test]
async fn truncated_body_every_time_ends_as_transport_error() {
    let truncated = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"total\":";
    let srv = raw_server(move |_| Raw::Reply(truncated.as_bytes().to_vec())).await;

    let err = client(&srv.base, 2)
        .messages_page(0, PageSize::DEFAULT, &ignore)
        .await
        .unwrap_err();

    assert!(matches!(err, ApiError::Transport { .. }), "{err:?}");
    assert_eq!(srv.hits(), 2);
}

#[tokio::test]
async fn connection_closed_without_answer_is_retried() {
    let srv = raw_server(|n| {
        if n == 1 {
            Raw::Close
        } else {
            Raw::Reply(http_ok(SEED_MESSAGE))
        }
    })
    .await;
    let notices = Notices::default();

    let message = client(&srv.base, 3)
        .message(1234, &notices.hook())
        .await
        .unwrap();

    assert_eq!(message.id, 1234);
    assert_eq!(srv.hits(), 2);
    assert_eq!(notices.taken().len(), 1);
}

// ------------------------------------------------------- the secret stays put

#[tokio::test]
async fn secret_never_appears_in_errors_or_debug_output() {
    // A hostile server echoes the Authorization header into every place that
    // might end up in an error text.
    let srv = server(|n, req| {
        let auth = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        match n {
            1 => json(StatusCode::OK, &format!(r#"{{"total": "{auth}"}}"#)),
            2 => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, format!("text/{auth}"))],
                auth,
            )
                .into_response(),
            _ => (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, auth)]).into_response(),
        }
    })
    .await;
    let refused = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let notices = Notices::default();

    let c = client(&srv.base, 1);
    let mut errors = vec![
        c.messages_page(0, PageSize::DEFAULT, &notices.hook())
            .await
            .unwrap_err(),
        c.messages_page(0, PageSize::DEFAULT, &notices.hook())
            .await
            .unwrap_err(),
        c.messages_page(0, PageSize::DEFAULT, &notices.hook())
            .await
            .unwrap_err(),
        client(&refused, 1)
            .messages_page(0, PageSize::DEFAULT, &ignore)
            .await
            .unwrap_err(),
        ApiClient::new(config(&format!("ftp://{SECRET}@x/?{SECRET}"), 1)).unwrap_err(),
        ApiClient::new(config(&format!("https://x/?{SECRET}"), 1)).unwrap_err(),
        ApiClient::new(config(&format!("not a url {SECRET}"), 1)).unwrap_err(),
    ];
    assert!(
        matches!(errors[0], ApiError::Malformed { .. }),
        "{errors:?}"
    );
    // Every variant, including those hard to provoke here.
    errors.extend([
        ApiError::NotFound,
        ApiError::Unauthorized { status: 401 },
        ApiError::Timeout {
            url: format!("{}/x", srv.base),
        },
        ApiError::Transport {
            reason: "reset".into(),
        },
        ApiError::BodyTooLarge { limit: 1 },
    ]);

    let cfg = config(&srv.base, 1);
    let mut texts: Vec<String> = errors
        .iter()
        .flat_map(|e| [e.to_string(), format!("{e:?}"), format!("{e:#?}")])
        .collect();
    texts.extend([
        format!("{cfg:?}"),
        format!("{cfg:#?}"),
        format!("{c:?}"),
        format!("{c:#?}"),
        format!("{:?}", notices.taken()),
    ]);
    for text in texts {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
}

#[tokio::test]
async fn requests_can_run_on_spawned_tasks_and_clones_share_config() {
    let srv = server(|_, _| json(StatusCode::OK, SEED_MESSAGE)).await;
    let c = client(&srv.base, 1);
    let clone = c.clone();

    let handle = tokio::spawn(async move { clone.message(1234, &ignore).await });

    assert_eq!(handle.await.unwrap().unwrap().id, 1234);
    assert_eq!(c.base_url(), srv.base);
}
