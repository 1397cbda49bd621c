//! What the routes and the fault injector both answer with: the API's
//! error body, and a wait before answering.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A JSON error answer like the API's: `{"status": 404, "error": "Not Found"}`.
pub(super) fn error_response(status: StatusCode) -> Response {
    let body = json!({
        "status": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
    });
    (status, axum::Json(body)).into_response()
}

/// Waits `wait`, if it is not zero.
pub(super) async fn pause(wait: Duration) {
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
}
