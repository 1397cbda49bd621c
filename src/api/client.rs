//! The HTTP client for SignalZen's external API: authenticated GETs with
//! timeouts, a cap on the answer's size, and bounded retries.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use backon::Retryable;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Response, StatusCode, Url};

use super::error::ApiError;
use super::retry::{RetryPolicy, parse_retry_after};
use super::wire;
use crate::model::{Message, MessageId, Page};
use crate::paging::PageSize;
use crate::secret::Secret;
use crate::visitor::{Visitor, VisitorId, VisitorsPage};

/// SignalZen's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.signalzen.com";
/// The media type every request must accept; without it the API answers 406.
pub const ACCEPT_V1: &str = "application/vnd.signalzen.v1+json";
/// Time allowed to open a connection (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Time allowed for a whole request, from sending to the last byte of the answer.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer accepted; a page of 99 messages is far smaller.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Sent as `User-Agent` so the server's logs can tell szchat apart.
const USER_AGENT: &str = concat!("szchat/", env!("CARGO_PKG_VERSION"));
/// Reasons quoted from the network or the server are cut to this many characters.
const MAX_REASON_CHARS: usize = 200;

/// Where and how to reach the API.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Scheme, host and optional path prefix, e.g. `https://api.signalzen.com`.
    pub base_url: String,
    pub secret: Secret,
    /// The visitor whose conversation is read.
    pub user_id: u64,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    /// Covers the whole request including reading the body.
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
}

impl ApiConfig {
    /// A configuration with default retries, 10 s connect and 30 s request timeouts, and an 8 MiB body cap.
    pub fn new(base_url: &str, secret: Secret, user_id: u64) -> Self {
        ApiConfig {
            base_url: base_url.to_owned(),
            secret,
            user_id,
            retry: RetryPolicy::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Told before each retry so the UI can show "retrying in 2s (HTTP 503)".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryNotice {
    /// How many attempts have failed so far (1 before the first retry).
    pub attempt: u32,
    /// How long the client waits before the next attempt.
    pub delay: Duration,
    /// What went wrong, in a few words ("HTTP 503", "timed out").
    pub reason: String,
}

impl RetryNotice {
    /// True when the server asked us to slow down (HTTP 429).
    pub fn is_slow_down(&self) -> bool {
        self.reason == "HTTP 429"
    }
}

/// A client for one user's messages. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
    /// The visitor whose messages `messages_page` and `message` read.
    user_id: u64,
}

struct Inner {
    http: reqwest::Client,
    /// Validated, without a trailing slash.
    base: Url,
    base_str: String,
    /// `Bearer <secret>`, marked sensitive so `http` never prints it.
    authorization: HeaderValue,
    /// Kept only to scrub it from any text that reaches an error.
    secret: Secret,
    retry: RetryPolicy,
    max_body_bytes: usize,
}

/// One failed attempt, with the server's requested wait if it gave one.
struct Failure {
    error: ApiError,
    retry_after: Option<Duration>,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

impl ApiClient {
    /// Validates the base URL (http or https, a host, no credentials, query or
    /// fragment) and builds the HTTP client. Redirects are not followed, so the
    /// `Authorization` header only ever goes to the configured host.
    pub fn new(config: ApiConfig) -> Result<ApiClient, ApiError> {
        let base = parse_base_url(&config.base_url, &config.secret)?;
        let base_str = base.as_str().trim_end_matches('/').to_owned();

        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {}", config.secret.expose())).map_err(|_| {
                ApiError::Transport {
                    reason: "the API secret cannot be sent in an HTTP header".to_owned(),
                }
            })?;
        authorization.set_sensitive(true);

        let http = reqwest::Client::builder()
            .tls_backend_rustls()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .build()
            .map_err(|err| ApiError::Transport {
                reason: format!(
                    "cannot set up the HTTP client: {}",
                    clean(&innermost_reason(&err), &config.secret)
                ),
            })?;

        Ok(ApiClient {
            inner: Arc::new(Inner {
                http,
                base,
                base_str,
                authorization,
                secret: config.secret,
                retry: config.retry,
                max_body_bytes: config.max_body_bytes,
            }),
            user_id: config.user_id,
        })
    }

    /// The validated base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_str
    }

    /// The visitor whose messages this client reads.
    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    /// The same client (sharing its connections) for another visitor's messages.
    #[must_use]
    pub fn for_user(&self, user_id: u64) -> ApiClient {
        ApiClient {
            inner: Arc::clone(&self.inner),
            user_id,
        }
    }

    /// GET {base}/external/users?offset=O&limit=L
    pub async fn users_page(
        &self,
        offset: u64,
        limit: PageSize,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
    ) -> Result<VisitorsPage, ApiError> {
        let mut url = self.users_endpoint(None);
        url.query_pairs_mut()
            .append_pair("offset", &offset.to_string())
            .append_pair("limit", &limit.to_string());
        self.get(&url, on_retry, |body| {
            wire::parse_users_page(body, offset, u64::from(limit.get()))
        })
        .await
    }

    /// GET {base}/external/users/{id}
    pub async fn user(
        &self,
        id: VisitorId,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
    ) -> Result<Visitor, ApiError> {
        let url = self.users_endpoint(Some(id));
        self.get(&url, on_retry, wire::parse_user).await
    }

    /// `{base}/external/users[/{id}]`.
    fn users_endpoint(&self, id: Option<VisitorId>) -> Url {
        let mut url = self.inner.base.clone();
        let id = id.map(|id| id.to_string());
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(["external", "users"])
                .extend(id.as_deref());
        }
        url
    }

    /// GET {base}/external/users/{user}/messages?offset=O&limit=L
    pub async fn messages_page(
        &self,
        offset: u64,
        limit: PageSize,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
    ) -> Result<Page, ApiError> {
        let mut url = self.endpoint(None);
        url.query_pairs_mut()
            .append_pair("offset", &offset.to_string())
            .append_pair("limit", &limit.to_string());
        self.get(&url, on_retry, |body| {
            wire::parse_page(body, offset, u64::from(limit.get()))
        })
        .await
    }

    /// GET {base}/external/users/{user}/messages/{id}
    pub async fn message(
        &self,
        id: MessageId,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
    ) -> Result<Message, ApiError> {
        let url = self.endpoint(Some(id));
        self.get(&url, on_retry, wire::parse_message).await
    }

    /// `{base}/external/users/{user}/messages[/{id}]`.
    fn endpoint(&self, id: Option<MessageId>) -> Url {
        let mut url = self.inner.base.clone();
        let user = self.user_id.to_string();
        let id = id.map(|id| id.to_string());
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(["external", "users", user.as_str(), "messages"])
                .extend(id.as_deref());
        }
        url
    }

    /// GETs `url` and decodes the body with `decode`, retrying what is worth retrying.
    async fn get<T>(
        &self,
        url: &Url,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
        decode: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<T, ApiError> {
        let policy = &self.inner.retry;
        let mut attempt = 0;
        let mut failed = 0;
        let result = (|| {
            attempt += 1;
            tracing::debug!(url = %url, attempt, "GET");
            self.attempt(url, &decode)
        })
        .retry(policy.backoff())
        .when(|failure: &Failure| failure.error.is_retryable())
        .adjust(|failure: &Failure, backoff| policy.wait(backoff, failure.retry_after))
        .notify(|failure: &Failure, delay| {
            failed += 1;
            tracing::info!(
                url = %url,
                attempt = failed,
                error = %failure.error,
                delay_ms = delay.as_millis(),
                "retrying"
            );
            on_retry(RetryNotice {
                attempt: failed,
                delay,
                reason: retry_label(&failure.error),
            });
        })
        .await;
        result.map_err(|failure| {
            tracing::warn!(url = %url, error = %failure.error, "request failed");
            failure.error
        })
    }

    /// One request: send, check the status, read the body under the cap, decode.
    async fn attempt<T>(
        &self,
        url: &Url,
        decode: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<T, Failure> {
        let response = self
            .inner
            .http
            .get(url.clone())
            .header(AUTHORIZATION, self.inner.authorization.clone())
            .header(ACCEPT, HeaderValue::from_static(ACCEPT_V1))
            .send()
            .await
            .map_err(|err| self.network_error(&err, url))?;

        let status = response.status();
        if !status.is_success() {
            return Err(status_failure(&response));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = self.read_body(response, url).await?;
        decode(&body).map_err(|err| {
            let mut reason = format!("not the documented JSON ({err})");
            if let Some(kind) = content_type.filter(|kind| !kind.contains("json")) {
                reason = format!("{reason}; content type was {kind}");
            }
            ApiError::Malformed {
                reason: clean(&reason, &self.inner.secret),
            }
            .into()
        })
    }

    /// Reads the body chunk by chunk, giving up as soon as it passes the cap.
    async fn read_body(&self, mut response: Response, url: &Url) -> Result<Vec<u8>, Failure> {
        let limit = self.inner.max_body_bytes;
        let too_large = || Failure::from(ApiError::BodyTooLarge { limit });
        let announced = response.content_length();
        if announced.is_some_and(|len| usize::try_from(len).map_or(true, |len| len > limit)) {
            return Err(too_large());
        }
        // Announced and within the cap: reserve it all at once.
        let capacity = announced.map_or(0, |len| usize::try_from(len).unwrap_or(0));
        let mut body = Vec::with_capacity(capacity);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| self.network_error(&err, url))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Turns a reqwest error into ours, naming the URL for timeouts and refusals.
    fn network_error(&self, err: &reqwest::Error, url: &Url) -> Failure {
        let secret = &self.inner.secret;
        let url = clean(url.as_str(), secret);
        // Connect first: a connect timeout means the host is unreachable,
        // which is a connection problem rather than a slow answer.
        let error = if err.is_connect() {
            ApiError::Connect {
                url,
                reason: clean(&innermost_reason(err), secret),
            }
        } else if err.is_timeout() {
            ApiError::Timeout { url }
        } else {
            ApiError::Transport {
                reason: clean(&innermost_reason(err), secret),
            }
        };
        error.into()
    }
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.inner.base_str)
            .field("user_id", &self.user_id)
            .field("secret", &self.inner.secret)
            .field("retry", &self.inner.retry)
            .field("max_body_bytes", &self.inner.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// A few words for a retry notice, e.g. "HTTP 503" or "timed out".
fn retry_label(error: &ApiError) -> String {
    match error {
        ApiError::Unauthorized { status } | ApiError::Status { status } => format!("HTTP {status}"),
        ApiError::NotFound => "HTTP 404".to_owned(),
        ApiError::Connect { .. } => "cannot connect".to_owned(),
        ApiError::Timeout { .. } => "timed out".to_owned(),
        ApiError::Transport { .. } => "network error".to_owned(),
        ApiError::Malformed { .. } => "malformed answer".to_owned(),
        ApiError::BodyTooLarge { .. } => "answer too large".to_owned(),
        ApiError::InvalidBaseUrl { .. } => "invalid base URL".to_owned(),
    }
}

/// The error for an unsuccessful status, with `Retry-After` where it may apply.
fn status_failure(response: &Response) -> Failure {
    let status = response.status();
    let code = status.as_u16();
    let error = match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ApiError::Unauthorized { status: code },
        StatusCode::NOT_FOUND => ApiError::NotFound,
        _ => ApiError::Status { status: code },
    };
    // SignalZen documents no Retry-After, but a 429 ("slow down") or a 503
    // (maintenance) that sends one knows better than our backoff.
    let retry_after = matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    )
    .then(|| response.headers().get(RETRY_AFTER))
    .flatten()
    .and_then(|value| value.to_str().ok())
    .and_then(|value| parse_retry_after(value, SystemTime::now()));
    Failure { error, retry_after }
}

/// Checks that `raw` can serve as the base of every endpoint URL.
/// True for localhost and loopback addresses, where plain http stays on this machine.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn parse_base_url(raw: &str, secret: &Secret) -> Result<Url, ApiError> {
    let raw = raw.trim();
    // What was typed is never quoted back: it may hold credentials, or the
    // secret itself pasted into the wrong place.
    let unquoted = |reason: &str| ApiError::InvalidBaseUrl {
        url: None,
        reason: reason.to_owned(),
    };
    if !raw.contains("://") {
        return Err(unquoted(
            "it needs a scheme and host, e.g. https://api.signalzen.com",
        ));
    }
    let url = Url::parse(raw).map_err(|err| unquoted(&err.to_string()))?;
    // A path segment is a known place for a token (`/bot<token>/`); the
    // accepted base is logged, so it must not hold the secret there.
    if path_holds(&url, secret) {
        return Err(unquoted(
            "its path contains the API secret; the secret is sent in a header, never in the URL",
        ));
    }
    let shown = clean(&without_credentials_query_or_fragment(&url), secret);
    let invalid = |reason: &str| ApiError::InvalidBaseUrl {
        url: Some(shown.clone()),
        reason: reason.to_owned(),
    };

    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    // The secret travels in a header: never in clear text across a network.
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(invalid(
            "plain http would send the API secret unencrypted; use https (http is allowed only to localhost)",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it must not contain credentials; the API secret is sent in a header",
        ));
    }
    if url.query().is_some() {
        return Err(invalid("it must not have a query (`?...`)"));
    }
    if url.fragment().is_some() {
        return Err(invalid("it must not have a fragment (`#...`)"));
    }
    Ok(url)
}

/// Scheme, host, port and path only: built from the parts that may be shown,
/// so credentials, query and fragment cannot slip into a message.
fn without_credentials_query_or_fragment(url: &Url) -> String {
    let mut shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        shown.push_str(&format!(":{port}"));
    }
    shown.push_str(url.path());
    shown
}

/// Whether the secret is one or more whole segments of the URL's path.
fn path_holds(url: &Url, secret: &Secret) -> bool {
    let path = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy();
    format!("{path}/").contains(&format!("/{}/", secret.expose()))
}

/// The most specific description in an error's source chain, e.g.
/// "Connection refused (os error 111)" rather than "error sending request".
fn innermost_reason(err: &(dyn std::error::Error + 'static)) -> String {
    let mut reason = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !text.trim().is_empty() {
            reason = text;
        }
        source = inner.source();
    }
    reason
}

/// Makes outside text safe for a one-line message: no secret as a token (a
/// server may echo it), no control characters (a terminal would act on them),
/// bounded length.
fn clean(text: &str, secret: &Secret) -> String {
    // Controls become spaces first: they end a token as whitespace does.
    let visible: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let scrubbed = secret.redact(&visible);
    let mut out: String = scrubbed.chars().take(MAX_REASON_CHARS).collect();
    if scrubbed.chars().count() > MAX_REASON_CHARS {
        out.push('…');
    }
    out
}

mod download;

pub use download::Download;

#[cfg(test)]
mod tests;
