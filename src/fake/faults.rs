//! Deciding what goes wrong with a request, and the responses that go wrong.

use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream;

use serde_json::Value;

use super::{Chaos, Fault};

/// How long a truncated body pauses after its first half before failing.
/// The pause lets hyper flush the head and the half body to the socket;
/// without it the error would arrive in the same poll and nothing would be sent.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(30);

/// Mixes the request number into the chaos seed (the 64-bit golden ratio).
const SEED_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

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

/// What the server does with one `/external` request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
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
pub(super) struct Plan {
    pub(super) delay: Duration,
    pub(super) outcome: Outcome,
}

/// Plans request number `nth` (1-based). Explicit faults win over chaos;
/// every `Delay` fault for `nth` adds up.
pub(super) fn plan(nth: u64, faults: &[Fault], chaos: Option<&Chaos>) -> Plan {
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

/// A JSON error answer like the API's: `{"status": 404, "error": "Not Found"}`.
pub(super) fn error_response(status: StatusCode) -> Response {
    let body = serde_json::json!({
        "status": status.as_u16(),
        "error": status.canonical_reason().unwrap_or("Error"),
    });
    (status, axum::Json(body)).into_response()
}

/// An injected status answer, with `Retry-After` when asked for.
pub(super) fn status_response(status: u16, retry_after: Option<&str>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = error_response(status);
    if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// A 200 whose body is an HTML maintenance page mislabelled as JSON, the
/// way a misconfigured proxy answers.
pub(super) fn malformed_response() -> Response {
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
pub(super) fn dropped_response() -> Response {
    let failing = stream::once(async {
        Err::<Bytes, io::Error>(io::Error::other("connection dropped on purpose"))
    });
    Body::from_stream(failing).into_response()
}

/// Keeps `response`'s status and headers, declares the full body length,
/// sends half of the body, then fails so hyper closes the connection.
pub(super) async fn truncate(response: Response) -> Response {
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
