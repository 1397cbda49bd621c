//! The HTTP surface: the visitor and message endpoints, attachment
//! downloads, and a middleware that records requests (and, with feature
//! `faults`, injects faults).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use serde_json::{Value, json};

#[cfg(feature = "faults")]
use super::faults::{self, answer as answer_api};
use super::links::{self, LinkError};
use super::reply::error_response;
use super::{RecordedRequest, ServeOrder, Shared, history};

/// The media type every API request must accept.
const API_MEDIA_TYPE: &str = "application/vnd.signalzen.v1+json";
/// Page size when the request names none.
const DEFAULT_LIMIT: u64 = 50;
/// Largest page size allowed ("lower than 100").
const MAX_LIMIT: u64 = 99;
/// Requests under this prefix are API requests: counted, delayed and faulted.
const API_PREFIX: &str = "/external/";

/// All routes, wrapped in the recording/fault middleware.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/external/users", get(list_users))
        .route("/external/users/{user_id}", get(get_user))
        .route("/external/users/{user_id}/messages", get(list_messages))
        .route(
            "/external/users/{user_id}/messages/{message_id}",
            get(get_message),
        )
        .route("/files/{name}", get(get_file))
        .fallback(not_found)
        // After the fallback, so unknown paths are recorded (and faulted) too.
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), observe))
        .with_state(shared)
}

/// Records every request; for API requests also counts, waits and applies
/// the planned fault.
async fn observe(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let index = {
        let mut state = shared.state();
        state.requests.push(RecordedRequest {
            method: request.method().to_string(),
            path: path.clone(),
            query: request.uri().query().map(str::to_owned),
            status: None,
            received_at: Instant::now(),
        });
        state.requests.len() - 1
    };

    let (response, answered) = if path.starts_with(API_PREFIX) {
        let nth = shared.external_requests.fetch_add(1, Ordering::SeqCst) + 1;
        let _in_flight = InFlight::enter(&shared);
        answer_api(&shared, nth, request, next).await
    } else {
        (next.run(request).await, true)
    };

    if answered && let Some(recorded) = shared.state().requests.get_mut(index) {
        recorded.status = Some(response.status().as_u16());
    }
    response
}

/// One API request being answered: counted in `Shared::in_flight` for as
/// long as it lives, so a dropped or cancelled request is counted out too.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> Self {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers API request number `nth` (1-based) after the configured latency.
/// Without the `faults` feature nothing is ever injected, so it is always
/// answered (`true`); `faults::answer` replaces this in test builds.
#[cfg(not(feature = "faults"))]
async fn answer_api(shared: &Shared, _nth: u64, request: Request, next: Next) -> (Response, bool) {
    super::reply::pause(shared.latency).await;
    (next.run(request).await, true)
}

/// `GET /external/users?offset=&limit=`: every visitor, by id.
async fn list_users(State(shared): State<Arc<Shared>>, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(refusal) = admit(&shared, &headers) {
        return error_response(refusal);
    }
    let Some((offset, limit)) = paging(&uri) else {
        return error_response(StatusCode::BAD_REQUEST);
    };
    let state = shared.state();
    let (from, total) = claim_users(&shared, offset, state.visitors.len() as u64);
    let page: Vec<Value> = state
        .visitors
        .values()
        .skip(usize::try_from(from).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|conversation| conversation.profile.clone())
        .collect();
    let body = json!({
        "limit": limit,
        "offset": offset,
        "total": total,
        "users": page,
    });
    axum::Json(body).into_response()
}

/// Where a visitor page asked for at `offset` starts and the `total` it
/// claims: the truth, unless a test told the server to lie.
#[cfg(feature = "faults")]
fn claim_users(shared: &Shared, offset: u64, total: u64) -> (u64, u64) {
    let lies = &shared.user_lies;
    (lies.offset(offset), lies.total(total))
}

#[cfg(not(feature = "faults"))]
fn claim_users(_: &Shared, offset: u64, total: u64) -> (u64, u64) {
    (offset, total)
}

/// `GET /external/users/{user_id}`
async fn get_user(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&shared, &headers) {
        return error_response(refusal);
    }
    let state = shared.state();
    match parse_number(&user_id).and_then(|id| state.visitors.get(&id)) {
        Some(conversation) => axum::Json(conversation.profile.clone()).into_response(),
        None => error_response(StatusCode::NOT_FOUND),
    }
}

/// `GET /external/users/{user_id}/messages?offset=&limit=`
async fn list_messages(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(refusal) = admit(&shared, &headers) {
        return error_response(refusal);
    }
    let mut guard = shared.state();
    let state = &mut *guard;
    let Some(conversation) = parse_number(&user_id).and_then(|id| state.visitors.get_mut(&id))
    else {
        return error_response(StatusCode::NOT_FOUND);
    };
    let Some((offset, limit)) = paging(&uri) else {
        return error_response(StatusCode::BAD_REQUEST);
    };

    let now_ms = links::now_ms();
    let messages = &conversation.messages;
    let total = messages.len();
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(total);
    let page: Vec<Value> = (start..end)
        .map(|i| match shared.order {
            ServeOrder::OldestFirst => i,
            ServeOrder::NewestFirst => total - 1 - i,
        })
        .map(|i| {
            let mut message = messages[i].clone();
            shared.links.rewrite(&mut message, now_ms);
            message
        })
        .collect();
    let (claimed, page) = claim(&shared, state.list_answers, total, page);
    state.list_answers += 1;
    let body = json!({
        "limit": limit,
        "offset": offset,
        "total": claimed,
        "messages": page,
    });
    let room = shared
        .growth_limit
        .map_or(usize::MAX, |limit| limit.saturating_sub(state.grown));
    let growth = shared.growth_per_request.min(room);
    state.grown += growth;
    let visitor = conversation.sender();
    history::grow(&mut conversation.messages, growth, Utc::now(), &visitor);
    #[cfg(feature = "faults")]
    if let Some(bytes) = faults::corrupted_page(&shared.faults, &body) {
        return ([(header::CONTENT_TYPE, "application/json")], bytes).into_response();
    }
    axum::Json(body).into_response()
}

/// The `total` and the entries list answer number `answer` claims: the
/// truth, unless a test told the server to lie.
#[cfg(feature = "faults")]
fn claim(shared: &Shared, answer: usize, total: usize, page: Vec<Value>) -> (u64, Vec<Value>) {
    let lies = &shared.lies;
    (lies.total(answer, total as u64), lies.repeat(page))
}

#[cfg(not(feature = "faults"))]
fn claim(_: &Shared, _: usize, total: usize, page: Vec<Value>) -> (u64, Vec<Value>) {
    (total as u64, page)
}

/// `GET /external/users/{user_id}/messages/{message_id}`
async fn get_message(
    State(shared): State<Arc<Shared>>,
    Path((user_id, message_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&shared, &headers) {
        return error_response(refusal);
    }
    let found = {
        let state = shared.state();
        let Some(conversation) = parse_number(&user_id).and_then(|id| state.visitors.get(&id))
        else {
            return error_response(StatusCode::NOT_FOUND);
        };
        let Some(message_id) = parse_number(&message_id) else {
            return error_response(StatusCode::NOT_FOUND);
        };
        conversation
            .messages
            .iter()
            .find(|m| m.get("id").and_then(Value::as_u64) == Some(message_id))
            .cloned()
    };
    match found {
        Some(mut message) => {
            shared.links.rewrite(&mut message, links::now_ms());
            axum::Json(message).into_response()
        }
        None => error_response(StatusCode::NOT_FOUND),
    }
}

/// `GET /files/{name}?expires=&token=`: no API headers needed, it is a link
/// for a browser.
async fn get_file(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    uri: Uri,
) -> Response {
    let Some(bytes) = shared.files.get(&name).cloned() else {
        return error_response(StatusCode::NOT_FOUND);
    };
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    match shared.links.check(
        &name,
        last_value(&pairs, "expires"),
        last_value(&pairs, "token"),
        links::now_ms(),
    ) {
        Ok(()) => (
            [(header::CONTENT_TYPE, links::content_type(&name))],
            Body::from(bytes),
        )
            .into_response(),
        Err(LinkError::BadToken) => error_response(StatusCode::FORBIDDEN),
        Err(LinkError::Expired) => error_response(StatusCode::GONE),
    }
}

async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND)
}

/// The checks every API request passes first, in order: the secret (401),
/// then the media type (406). A visitor in the path is checked after (404).
fn admit(shared: &Shared, headers: &HeaderMap) -> Result<(), StatusCode> {
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .is_some_and(|(scheme, secret)| {
            scheme.eq_ignore_ascii_case("bearer") && secret.trim() == shared.secret
        });
    if !authorized {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let accepts_api = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| {
            let media_type = range.split(';').next().unwrap_or_default().trim();
            media_type.eq_ignore_ascii_case(API_MEDIA_TYPE)
        });
    if !accepts_api {
        return Err(StatusCode::NOT_ACCEPTABLE);
    }
    Ok(())
}

/// `offset` (default 0, a non-negative integer) and `limit` (default 50,
/// 1..=99) from the query; `None` means 400.
fn paging(uri: &Uri) -> Option<(u64, u64)> {
    let pairs = Query::<Vec<(String, String)>>::try_from_uri(uri).ok()?.0;
    let offset = match last_value(&pairs, "offset") {
        None => 0,
        Some(raw) => parse_number(raw)?,
    };
    let limit = match last_value(&pairs, "limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => parse_number(raw).filter(|l| (1..=MAX_LIMIT).contains(l))?,
    };
    Some((offset, limit))
}

/// The last value given for `key` (a repeated parameter's last one wins).
fn last_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Plain decimal digits only: no sign, no spaces, no empty string.
fn parse_number(raw: &str) -> Option<u64> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn paging_defaults_and_bounds() {
        assert_eq!(paging(&uri("/m")), Some((0, 50)));
        assert_eq!(paging(&uri("/m?offset=7&limit=1")), Some((7, 1)));
        assert_eq!(paging(&uri("/m?limit=99")), Some((0, 99)));
        assert_eq!(paging(&uri("/m?limit=5&limit=6")), Some((0, 6)));
        assert_eq!(paging(&uri("/m?other=x")), Some((0, 50)));
        for bad in [
            "/m?limit=0",
            "/m?limit=100",
            "/m?limit=-1",
            "/m?limit=abc",
            "/m?limit=",
            "/m?limit=+5",
            "/m?offset=-1",
            "/m?offset=1.5",
            "/m?offset=99999999999999999999999",
        ] {
            assert_eq!(paging(&uri(bad)), None, "{bad}");
        }
    }
}
