//! The HTTP surface: the two message endpoints, attachment downloads, and a
//! middleware that records requests and injects faults.

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

use super::faults::{self, Outcome};
use super::links::{self, LinkError};
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
        let plan = faults::plan(nth, &shared.faults, shared.chaos.as_ref());
        let wait = shared.latency + plan.delay;
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        match plan.outcome {
            Outcome::Normal => (next.run(request).await, true),
            Outcome::Status {
                status,
                retry_after,
            } => (
                faults::status_response(status, retry_after.as_deref()),
                true,
            ),
            Outcome::Malformed => (faults::malformed_response(), true),
            Outcome::Truncated => (faults::truncate(next.run(request).await).await, true),
            Outcome::Drop => (faults::dropped_response(), false),
        }
    } else {
        (next.run(request).await, true)
    };

    if answered && let Some(recorded) = shared.state().requests.get_mut(index) {
        recorded.status = Some(response.status().as_u16());
    }
    response
}

/// `GET /external/users/{user_id}/messages?offset=&limit=`
async fn list_messages(
    State(shared): State<Arc<Shared>>,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if let Err(refusal) = admit(&shared, &headers, &user_id) {
        return faults::error_response(refusal);
    }
    let Some((offset, limit)) = paging(&uri) else {
        return faults::error_response(StatusCode::BAD_REQUEST);
    };

    let now_ms = links::now_ms();
    let mut state = shared.state();
    let total = state.messages.len();
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
            let mut message = state.messages[i].clone();
            shared.links.rewrite(&mut message, now_ms);
            message
        })
        .collect();
    let claimed = shared.lies.total(state.list_answers, total as u64);
    state.list_answers += 1;
    let body = json!({
        "limit": limit,
        "offset": offset,
        "total": claimed,
        "messages": shared.lies.repeat(page),
    });
    let room = shared
        .growth_limit
        .map_or(usize::MAX, |limit| limit.saturating_sub(state.grown));
    let growth = shared.growth_per_request.min(room);
    state.grown += growth;
    history::grow(&mut state.messages, growth, Utc::now());
    axum::Json(body).into_response()
}

/// `GET /external/users/{user_id}/messages/{message_id}`
async fn get_message(
    State(shared): State<Arc<Shared>>,
    Path((user_id, message_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = admit(&shared, &headers, &user_id) {
        return faults::error_response(refusal);
    }
    let Some(message_id) = parse_number(&message_id) else {
        return faults::error_response(StatusCode::NOT_FOUND);
    };
    let found = shared
        .state()
        .messages
        .iter()
        .find(|m| m.get("id").and_then(Value::as_u64) == Some(message_id))
        .cloned();
    match found {
        Some(mut message) => {
            shared.links.rewrite(&mut message, links::now_ms());
            axum::Json(message).into_response()
        }
        None => faults::error_response(StatusCode::NOT_FOUND),
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
        return faults::error_response(StatusCode::NOT_FOUND);
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
        Err(LinkError::BadToken) => faults::error_response(StatusCode::FORBIDDEN),
        Err(LinkError::Expired) => faults::error_response(StatusCode::GONE),
    }
}

async fn not_found() -> Response {
    faults::error_response(StatusCode::NOT_FOUND)
}

/// The checks every API request passes, in order: the secret (401), the
/// media type (406), then the user (404).
fn admit(shared: &Shared, headers: &HeaderMap, user_id: &str) -> Result<(), StatusCode> {
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
    if parse_number(user_id) != Some(shared.user_id) {
        return Err(StatusCode::NOT_FOUND);
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
