//! The concurrent paging engine: fetches a whole history with several
//! requests in flight over the one pooled client, and hands the messages on
//! oldest first, each once, as soon as the run below them is complete.
//!
//! [`plan::Plan`] decides what to ask for and puts answers in order (pure);
//! [`throttle::Throttle`] decides how many may be in flight; [`fetch_all`]
//! runs the requests. A 429 halves the limit and holds back new requests
//! for its `Retry-After`; 5xx and timeouts are retried by the client as
//! always. An answer that still fails ends the fetch with its error.

pub mod plan;
pub mod throttle;

use std::io;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::api::client::{ApiClient, RetryNotice};
use crate::api::error::ApiError;
use crate::concurrency::Concurrency;
use crate::model::{Message, Page};
use crate::paging::{PageRequest, PageSize, Stop};
use plan::Plan;
use throttle::Throttle;

/// How far a fetch has come, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Messages handed on so far.
    pub messages: u64,
    /// The server's count, once known.
    pub total: Option<u64>,
    /// Requests sent so far.
    pub requests: u64,
}

/// What a finished fetch did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub messages: u64,
    pub requests: u64,
    /// Messages the server counted that never came as distinct messages.
    pub missing: u64,
    /// The fewest requests in flight the throttle allowed at any point.
    pub narrowest: usize,
}

/// Why a fetch ended early.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The server's answers stopped making sense; nothing more is asked.
    #[error("{}", describe(.0))]
    Stopped(Stop),
    /// Whoever takes the messages could not.
    #[error(transparent)]
    Deliver(#[from] io::Error),
}

/// A stop in words, without the screen's keys.
fn describe(stop: &Stop) -> String {
    match stop {
        Stop::Inconsistent { received } => format!(
            "the server's answers do not add up (empty pages before its own count, or pages \
             that bring nothing new); stopped after {received} messages"
        ),
        Stop::Missing { missing, total } => {
            format!("{missing} of the {total} messages the server counted did not arrive")
        }
        Stop::Behind { not_loaded } => {
            format!("{not_loaded} messages arrive faster than they load")
        }
        Stop::ReadLimit { read } => format!("stopped after reading {read} messages"),
    }
}

/// Fetches the whole history with up to `concurrency` requests in flight,
/// handing each run of messages, oldest first, to `deliver` with the progress.
pub async fn fetch_all(
    client: &ApiClient,
    page_size: PageSize,
    concurrency: Concurrency,
    mut deliver: impl FnMut(Vec<Message>, Progress) -> io::Result<()>,
) -> Result<Fetched, FetchError> {
    let mut plan = Plan::new(page_size, usize::from(concurrency));
    let mut throttle = Throttle::new(usize::from(concurrency));
    let mut running: JoinSet<(PageRequest, Result<Page, ApiError>)> = JoinSet::new();
    let (notices, mut slow_downs) = mpsc::unbounded_channel::<Duration>();
    // New requests wait until then: a server's Retry-After holds for all of them.
    let mut paused_until: Option<Instant> = None;
    let mut narrowest = throttle.limit();
    loop {
        if let Some(stop) = plan.stopped() {
            return Err(FetchError::Stopped(stop));
        }
        if plan.is_complete() {
            return Ok(Fetched {
                messages: plan.handed_on(),
                requests: plan.requests(),
                missing: plan.missing(),
                narrowest,
            });
        }
        if paused_until.is_some_and(|until| until <= Instant::now()) {
            paused_until = None;
        }
        if paused_until.is_none() {
            let room = throttle.limit().saturating_sub(running.len());
            for request in plan.next_requests(room) {
                let client = client.clone();
                let notices = notices.clone();
                running.spawn(async move {
                    let on_retry = move |notice: RetryNotice| {
                        if notice.is_slow_down() {
                            let _ = notices.send(notice.delay);
                        }
                    };
                    let result = client
                        .messages_page(request.offset, request.limit, &on_retry)
                        .await;
                    (request, result)
                });
            }
        }
        if running.is_empty() && paused_until.is_none() {
            // Nothing in flight and nothing to ask: the plan cannot go on.
            return Err(FetchError::Stopped(Stop::Missing {
                missing: plan.missing(),
                total: plan.total().unwrap_or(0),
            }));
        }
        let pause = async move {
            match paused_until {
                Some(until) => tokio::time::sleep_until(until).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(joined) = running.join_next(), if !running.is_empty() => {
                let (request, result) = joined.map_err(|error| {
                    FetchError::Deliver(io::Error::other(error.to_string()))
                })?;
                let page = result?;
                throttle.answered();
                let ready = plan.accept(request, page);
                let progress = Progress {
                    messages: plan.handed_on(),
                    total: plan.total(),
                    requests: plan.requests(),
                };
                if !ready.is_empty() {
                    deliver(ready, progress)?;
                }
            }
            Some(delay) = slow_downs.recv() => {
                throttle.slow_down();
                narrowest = narrowest.min(throttle.limit());
                let until = Instant::now() + delay;
                paused_until = Some(paused_until.map_or(until, |paused| paused.max(until)));
            }
            () = pause => paused_until = None,
        }
    }
}
