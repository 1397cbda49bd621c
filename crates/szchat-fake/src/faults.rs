//! Deciding what goes wrong with a request, and the responses that go wrong.
//! Only the tests need this (feature `faults`); the demo server has none of it.

use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream;
use serde_json::Value;

use super::Shared;
use super::reply::{error_response, pause};

/// How long a truncated body pauses after its first half before failing.
/// The pause lets hyper flush the head and the half body to the socket;
/// without it the error would arrive in the same poll and nothing would be sent.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(30);

/// Mixes the request number into the chaos seed (the 64-bit golden ratio).
const SEED_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// A fault injected into one request to `/external/...`; `nth` counts every
/// such request, starting at 1.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status (and `Retry-After` header, if given) instead.
    Status {
        nth: u64,
        status: u16,
        retry_after: Option<String>,
    },
    /// Answer 200 with a body that is not JSON at all (an HTML maintenance
    /// page), while still claiming `Content-Type: application/json`.
    Malformed { nth: u64 },
    /// Send the real status and headers, with `Content-Length` of the full
    /// body, then only the first half of the body, then close the connection.
    /// A client sees the status, then an error while reading the body.
    Truncated { nth: u64 },
    /// Close the connection after reading the request, without answering.
    Drop { nth: u64 },
    /// Wait this long before answering (on top of `FakeConfig::latency`).
    /// Combines with another fault for the same request.
    Delay { nth: u64, delay: Duration },
    /// In every list answer that carries message `id`, that message's JSON
    /// text is replaced by `text`, byte for byte (not necessarily JSON, nor
    /// UTF-8), the way a server with one corrupt record answers. Not tied to
    /// a request number.
    RawMessage { id: u64, text: Vec<u8> },
}

/// Random faults drawn from a seeded generator: the same seed gives the same
/// outcome for the same request number, however requests interleave.
#[derive(Clone, Debug)]
pub struct Chaos {
    pub seed: u64,
    /// Probability of a 500 or 503.
    pub p_5xx: f64,
    /// Probability of a 429 (sometimes with `Retry-After: 1`).
    pub p_429: f64,
    /// Probability of closing the connection without an answer.
    pub p_drop: f64,
    /// Probability of a truncated body (see [`Fault::Truncated`]).
    pub p_truncate: f64,
    /// Each request waits a random time up to this.
    pub max_latency: Duration,
}

/// Lies the list endpoint tells about the conversation, for testing a client
/// that must not believe them. The default tells none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lies {
    /// The `total` of list answer `i` (0-based) is `totals[i]`, the last one
    /// from there on; `None` is the true count. Empty: always the true count.
    pub totals: Vec<Option<u64>>,
    /// Every entry of a page comes this many times in a row (0 counts as 1).
    pub repeat_entries: usize,
}

impl Lies {
    /// The `total` to claim in list answer number `answer` (0-based).
    pub(super) fn total(&self, answer: usize, truth: u64) -> u64 {
        self.totals
            .get(answer)
            .or(self.totals.last())
            .copied()
            .flatten()
            .unwrap_or(truth)
    }

    /// `page` with each entry repeated as told.
    pub(super) fn repeat(&self, page: Vec<Value>) -> Vec<Value> {
        let times = self.repeat_entries.max(1);
        page.into_iter()
            .flat_map(|entry| std::iter::repeat_n(entry, times))
            .collect()
    }
}

/// Lies the visitor list (`GET /external/users`) tells, for testing a
/// client that must bound its work. The default tells none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserLies {
    /// Every answer claims this `total`; `None` is the true count.
    pub total: Option<u64>,
    /// Every answer holds the first page, whatever offset was asked for.
    pub same_page: bool,
}

impl UserLies {
    /// The offset whose visitors to answer a request for `offset` with.
    pub(super) fn offset(&self, offset: u64) -> u64 {
        if self.same_page { 0 } else { offset }
    }

    /// The `total` to claim when the server holds `truth` visitors.
    pub(super) fn total(&self, truth: u64) -> u64 {
        self.total.unwrap_or(truth)
    }
}

/// What the server does with one `/external` request.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Normal,
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    Malformed,
    Truncated,
    Drop,
}

/// The plan for one request: extra waiting, then an outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Plan {
    delay: Duration,
    outcome: Outcome,
}

/// Plans request number `nth` (1-based). Explicit faults win over chaos;
/// every `Delay` fault for `nth` adds up.
fn plan(nth: u64, faults: &[Fault], chaos: Option<&Chaos>) -> Plan {
    let mut delay = Duration::ZERO;
    let mut outcome = None;
    for fault in faults {
        let found = match fault {
            Fault::Delay { nth: n, delay: d } if *n == nth => {
                delay += *d;
                None
            }
            Fault::Status {
                nth: n,
                status,
                retry_after,
            } if *n == nth => Some(Outcome::Status {
                status: *status,
                retry_after: retry_after.clone(),
            }),
            Fault::Malformed { nth: n } if *n == nth => Some(Outcome::Malformed),
            Fault::Truncated { nth: n } if *n == nth => Some(Outcome::Truncated),
            Fault::Drop { nth: n } if *n == nth => Some(Outcome::Drop),
            _ => None,
        };
        if outcome.is_none() {
            outcome = found;
        }
    }
    match (outcome, chaos) {
        (Some(outcome), _) => Plan { delay, outcome },
        (None, Some(chaos)) => {
            let (extra, outcome) = draw(nth, chaos);
            Plan {
                delay: delay + extra,
                outcome,
            }
        }
        (None, None) => Plan {
            delay,
            outcome: Outcome::Normal,
        },
    }
}

/// Draws a latency and an outcome for request `nth` from its own generator,
/// so the result depends only on the seed and `nth`.
fn draw(nth: u64, chaos: &Chaos) -> (Duration, Outcome) {
    let mut rng = fastrand::Rng::with_seed(chaos.seed ^ nth.wrapping_mul(SEED_MIX));
    let max_ms = u64::try_from(chaos.max_latency.as_millis()).unwrap_or(u64::MAX);
    let latency = Duration::from_millis(rng.u64(0..=max_ms));
    let roll = rng.f64();
    let mut threshold = 0.0;
    let mut hit = |p: f64| {
        threshold += p.max(0.0);
        roll < threshold
    };
    let outcome = if hit(chaos.p_drop) {
        Outcome::Drop
    } else if hit(chaos.p_5xx) {
        Outcome::Status {
            status: if rng.bool() { 500 } else { 503 },
            retry_after: None,
        }
    } else if hit(chaos.p_429) {
        Outcome::Status {
            status: 429,
            retry_after: rng.bool().then(|| "1".to_owned()),
        }
    } else if hit(chaos.p_truncate) {
        Outcome::Truncated
    } else {
        Outcome::Normal
    };
    (latency, outcome)
}

/// Answers API request number `nth` (1-based) with its planned fault, after
/// the configured latency and any planned delay. `false`: the connection was
/// dropped without an answer.
pub(super) async fn answer(
    shared: &Shared,
    nth: u64,
    request: Request,
    next: Next,
) -> (Response, bool) {
    let plan = plan(nth, &shared.faults, shared.chaos.as_ref());
    pause(shared.latency + plan.delay).await;
    match plan.outcome {
        Outcome::Normal => (next.run(request).await, true),
        Outcome::Status {
            status,
            retry_after,
        } => (status_response(status, retry_after.as_deref()), true),
        Outcome::Malformed => (malformed_response(), true),
        Outcome::Truncated => (truncate(next.run(request).await).await, true),
        Outcome::Drop => (dropped_response(), false),
    }
}

/// The bytes of a list answer `body` with every message that a
/// [`Fault::RawMessage`] names replaced by its raw text, or `None` when no
/// such fault touches this page.
pub(super) fn corrupted_page(faults: &[Fault], body: &Value) -> Option<Vec<u8>> {
    let page = body.get("messages")?.as_array()?;
    let raw: Vec<(&Value, &[u8])> = faults
        .iter()
        .filter_map(|fault| match fault {
            Fault::RawMessage { id, text } => page
                .iter()
                .find(|m| m.get("id").and_then(Value::as_u64) == Some(*id))
                .map(|m| (m, text.as_slice())),
            _ => None,
        })
        .collect();
    if raw.is_empty() {
        return None;
    }
    let compact = serde_json::to_vec(body).ok()?;
    Some(raw.iter().fold(compact, |bytes, (message, text)| {
        splice_raw(bytes, message, text)
    }))
}

/// `body` (compact JSON, as `axum::Json` writes it) with `message`'s own
/// serialization, where it first occurs, replaced by `text`.
fn splice_raw(body: Vec<u8>, message: &Value, text: &[u8]) -> Vec<u8> {
    let Ok(original) = serde_json::to_vec(message) else {
        return body;
    };
    match body.windows(original.len()).position(|w| w == original) {
        Some(at) => [&body[..at], text, &body[at + original.len()..]].concat(),
        None => body,
    }
}

/// An injected status answer, with `Retry-After` when asked for.
fn status_response(status: u16, retry_after: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = error_response(status);
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// A 200 whose body is an HTML maintenance page mislabelled as JSON, the
/// way a misconfigured proxy answers.
fn malformed_response() -> Response {
    const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Scheduled maintenance</title></head>\n\
                        <body><h1>We'll be back soon</h1></body></html>\n";
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        PAGE,
    )
        .into_response()
}

/// A response hyper never sends: its body fails on the first poll, before
/// hyper has flushed the head, so hyper closes the connection with nothing
/// written.
fn dropped_response() -> Response {
    let failing = stream::once(async {
        Err::<Bytes, io::Error>(io::Error::other("connection dropped on purpose"))
    });
    Body::from_stream(failing).into_response()
}

/// Keeps `response`'s status and headers, declares the full body length,
/// sends half of the body, then fails so hyper closes the connection.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = full.slice(..full.len() / 2);
    let head = stream::iter([Ok::<Bytes, io::Error>(half)]);
    let failure = stream::once(async {
        tokio::time::sleep(TRUNCATE_PAUSE).await;
        Err(io::Error::other("body truncated on purpose"))
    });
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
    Response::from_parts(parts, Body::from_stream(head.chain(failure)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chaos(seed: u64) -> Chaos {
        Chaos {
            seed,
            p_5xx: 0.2,
            p_429: 0.2,
            p_drop: 0.2,
            p_truncate: 0.2,
            max_latency: Duration::from_millis(50),
        }
    }

    #[test]
    fn lies_about_the_total_follow_the_list_then_keep_the_last() {
        let honest = Lies::default();
        assert_eq!(honest.total(0, 7), 7);
        let lies = Lies {
            totals: vec![None, Some(u64::MAX), Some(3)],
            repeat_entries: 0,
        };
        let claimed: Vec<u64> = (0..5).map(|answer| lies.total(answer, 7)).collect();
        assert_eq!(claimed, [7, u64::MAX, 3, 3, 3]);
    }

    #[test]
    fn repeated_entries_come_in_a_row() {
        let lies = Lies {
            totals: Vec::new(),
            repeat_entries: 2,
        };
        let page = vec![serde_json::json!(1), serde_json::json!(2)];
        assert_eq!(lies.repeat(page.clone()), [1, 1, 2, 2]);
        assert_eq!(Lies::default().repeat(page.clone()), page);
    }

    #[test]
    fn no_faults_means_normal() {
        assert_eq!(
            plan(3, &[], None),
            Plan {
                delay: Duration::ZERO,
                outcome: Outcome::Normal
            }
        );
    }

    #[test]
    fn faults_target_only_their_request_and_delays_add_up() {
        let faults = [
            Fault::Delay {
                nth: 2,
                delay: Duration::from_millis(5),
            },
            Fault::Drop { nth: 2 },
            Fault::Malformed { nth: 2 },
            Fault::Delay {
                nth: 2,
                delay: Duration::from_millis(7),
            },
            Fault::Truncated { nth: 3 },
        ];
        assert_eq!(plan(1, &faults, None).outcome, Outcome::Normal);
        assert_eq!(
            plan(2, &faults, None),
            Plan {
                delay: Duration::from_millis(12),
                outcome: Outcome::Drop
            }
        );
        assert_eq!(plan(3, &faults, None).outcome, Outcome::Truncated);
    }

    #[test]
    fn explicit_fault_wins_over_chaos() {
        let all_drop = Chaos {
            p_drop: 1.0,
            ..chaos(1)
        };
        let faults = [Fault::Status {
            nth: 1,
            status: 503,
            retry_after: None,
        }];
        assert_eq!(
            plan(1, &faults, Some(&all_drop)).outcome,
            Outcome::Status {
                status: 503,
                retry_after: None
            }
        );
        assert_eq!(plan(2, &faults, Some(&all_drop)).outcome, Outcome::Drop);
    }

    #[test]
    fn chaos_depends_only_on_seed_and_request_number() {
        let a: Vec<_> = (1..=200).map(|n| plan(n, &[], Some(&chaos(9)))).collect();
        let b: Vec<_> = (1..=200)
            .rev()
            .map(|n| plan(n, &[], Some(&chaos(9))))
            .collect();
        let b: Vec<_> = b.into_iter().rev().collect();
        assert_eq!(a, b);
        let other: Vec<_> = (1..=200).map(|n| plan(n, &[], Some(&chaos(10)))).collect();
        assert_ne!(a, other);
        assert!(a.iter().all(|p| p.delay <= Duration::from_millis(50)));
        for wanted in [Outcome::Drop, Outcome::Truncated, Outcome::Normal] {
            assert!(
                a.iter().any(|p| p.outcome == wanted),
                "{wanted:?} never drawn"
            );
        }
        assert!(
            a.iter()
                .any(|p| matches!(p.outcome, Outcome::Status { status: 429, .. }))
        );
        assert!(a.iter().any(|p| matches!(
            p.outcome,
            Outcome::Status {
                status: 500 | 503,
                ..
            }
        )));
    }

    #[test]
    fn splice_raw_replaces_exactly_one_message() {
        let messages = [serde_json::json!({"id": 1}), serde_json::json!({"id": 2})];
        let body = serde_json::to_vec(&serde_json::json!({"messages": messages})).unwrap();
        let spliced = splice_raw(body, &messages[1], b"{\"id\":2,\xff}");
        assert_eq!(spliced, b"{\"messages\":[{\"id\":1},{\"id\":2,\xff}]}");
        assert_eq!(
            plan(
                1,
                &[Fault::RawMessage {
                    id: 1,
                    text: vec![]
                }],
                None
            )
            .outcome,
            Outcome::Normal
        );
    }

    #[test]
    fn zero_probabilities_never_fault() {
        let calm = Chaos {
            seed: 4,
            p_5xx: 0.0,
            p_429: 0.0,
            p_drop: 0.0,
            p_truncate: 0.0,
            max_latency: Duration::ZERO,
        };
        assert!((1..=100).all(|n| plan(n, &[], Some(&calm))
            == Plan {
                delay: Duration::ZERO,
                outcome: Outcome::Normal
            }));
    }
}
