//! Why an API request failed, in words a user can act on.
//!
//! Every message is one line and never contains the API secret: the client
//! only puts URLs, status codes and transport reasons in here.

/// A failed API request.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 401 or 403: the secret was refused.
    #[error("{}", unauthorized_message(*.status))]
    Unauthorized { status: u16 },
    /// 404: no such user or message.
    #[error("HTTP 404 not found: no such user or message (check the user id)")]
    NotFound,
    /// Any other unsuccessful status; retryable ones end here once attempts run out.
    #[error("HTTP {status}: {}", status_meaning(*.status))]
    Status { status: u16 },
    /// No connection: refused, unreachable, DNS failure, TLS handshake.
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    /// No complete answer within the request timeout.
    #[error("no answer from {url} in time (request timed out)")]
    Timeout { url: String },
    /// The connection broke: reset, closed early, truncated body.
    #[error("network error: {reason}")]
    Transport { reason: String },
    /// The answer is not the documented JSON.
    #[error("unexpected answer from the server: {reason}")]
    Malformed { reason: String },
    /// The answer is larger than the configured cap.
    #[error("the server's answer is larger than {limit} bytes; giving up")]
    BodyTooLarge { limit: usize },
    /// The configured base URL cannot be used. `url` is the part that may be
    /// shown (no credentials, query or fragment), if it could be parsed at all.
    #[error("invalid API base URL{}: {reason}", quoted(url.as_deref()))]
    InvalidBaseUrl { url: Option<String>, reason: String },
}

impl ApiError {
    /// Whether asking again may help: rate limiting, server trouble and
    /// network failures, but not refusals or a body over the cap.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Status { status } => is_retryable_status(*status),
            ApiError::Connect { .. }
            | ApiError::Timeout { .. }
            | ApiError::Transport { .. }
            | ApiError::Malformed { .. } => true,
            ApiError::Unauthorized { .. }
            | ApiError::NotFound
            | ApiError::BodyTooLarge { .. }
            | ApiError::InvalidBaseUrl { .. } => false,
        }
    }

    /// Whether the program cannot usefully start when the first request fails
    /// this way: wrong secret, wrong user, server unreachable, bad URL.
    pub fn is_fatal_at_start(&self) -> bool {
        matches!(
            self,
            ApiError::Unauthorized { .. }
                | ApiError::NotFound
                | ApiError::Connect { .. }
                | ApiError::InvalidBaseUrl { .. }
        )
    }
}

/// Statuses worth another attempt: "slow down" and transient server trouble.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

fn unauthorized_message(status: u16) -> String {
    if status == 403 {
        "HTTP 403 forbidden: the API secret may not read this; check SIGNALZEN_API_SECRET or --secret-file".to_owned()
    } else {
        format!(
            "HTTP {status}: the API secret was refused; check SIGNALZEN_API_SECRET or --secret-file"
        )
    }
}

/// ` "URL"` when there is a URL to show, else nothing.
fn quoted(url: Option<&str>) -> String {
    url.map(|url| format!(" {url:?}")).unwrap_or_default()
}

/// What SignalZen means by a status, per its API reference.
fn status_meaning(status: u16) -> &'static str {
    match status {
        400 => "bad request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not found",
        405 => "method not allowed",
        406 => "not acceptable (the API answers JSON only; check the Accept header)",
        410 => "gone (this API or resource was removed)",
        429 => "too many requests; slow down and try again later",
        500 => "server error; try again later",
        502 => "bad gateway; try again later",
        503 => "service unavailable (maintenance); try again later",
        504 => "gateway timeout; try again later",
        _ => class_meaning(status),
    }
}

/// The meaning of a status the API reference does not mention, by its class.
fn class_meaning(status: u16) -> &'static str {
    match status / 100 {
        3 => "redirect not followed (check the base URL, e.g. http vs https)",
        4 => "request refused",
        5 => "server error",
        _ => "unexpected status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_variants() -> Vec<ApiError> {
        vec![
            ApiError::Unauthorized { status: 401 },
            ApiError::Unauthorized { status: 403 },
            ApiError::NotFound,
            ApiError::Status { status: 400 },
            ApiError::Status { status: 429 },
            ApiError::Status { status: 503 },
            ApiError::Connect {
                url: "http://127.0.0.1:1/x".into(),
                reason: "Connection refused".into(),
            },
            ApiError::Timeout {
                url: "http://127.0.0.1:1/x".into(),
            },
            ApiError::Transport {
                reason: "connection reset".into(),
            },
            ApiError::Malformed {
                reason: "expected value".into(),
            },
            ApiError::BodyTooLarge { limit: 10 },
            ApiError::InvalidBaseUrl {
                url: Some("ftp://x".into()),
                reason: "scheme".into(),
            },
        ]
    }

    #[test]
    fn messages_are_one_line() {
        for err in all_variants() {
            let msg = err.to_string();
            assert!(!msg.is_empty() && !msg.contains('\n'), "{msg:?}");
        }
    }

    #[test]
    fn unauthorized_names_the_variable() {
        for status in [401, 403] {
            let msg = ApiError::Unauthorized { status }.to_string();
            assert!(msg.contains("SIGNALZEN_API_SECRET"), "{msg}");
            assert!(msg.contains(&status.to_string()), "{msg}");
        }
    }

    #[test]
    fn statuses_carry_their_documented_meaning() {
        let expect = [
            (400, "bad request"),
            (405, "method not allowed"),
            (406, "JSON"),
            (410, "gone"),
            (429, "slow down"),
            (500, "server error"),
            (503, "maintenance"),
        ];
        for (status, words) in expect {
            let msg = ApiError::Status { status }.to_string();
            assert!(msg.starts_with(&format!("HTTP {status}")), "{msg}");
            assert!(msg.contains(words), "{msg}");
        }
    }

    #[test]
    fn retryable_and_fatal_classification() {
        for status in [429, 500, 502, 503, 504] {
            assert!(ApiError::Status { status }.is_retryable(), "{status}");
        }
        for status in [400, 405, 406, 410, 418, 501] {
            assert!(!ApiError::Status { status }.is_retryable(), "{status}");
        }
        assert!(!ApiError::Unauthorized { status: 401 }.is_retryable());
        assert!(!ApiError::NotFound.is_retryable());
        assert!(!ApiError::BodyTooLarge { limit: 1 }.is_retryable());

        let fatal: Vec<bool> = all_variants()
            .iter()
            .map(ApiError::is_fatal_at_start)
            .collect();
        assert_eq!(
            fatal,
            [
                true, true, true, false, false, false, true, false, false, false, false, true
            ]
        );
    }
}
