//! The pager against an in-memory server, thousands of times: whatever the
//! server's order, the page size, the history's length, its growth while we
//! page and lost answers, everything the last answer counted is loaded, each
//! message once, the newest page is shown first, and the view never has a hole.
//!
//! No HTTP here, so cases are cheap; `prop_fetch.rs` runs fewer cases through
//! the real client and fetch task against the fake server.

mod common;

use std::collections::BTreeMap;

use proptest::prelude::*;
use szchat::model::{Message, MessageId, Page, SortKey};
use szchat::paging::{CATCH_UP_PATIENCE, PageRequest, PageSize, Pager};

/// Growth stops after at most this many answers. A conversation that never
/// stops growing can never be fully loaded, so completeness is only promised
/// for growth that ends.
const GROWING_ANSWERS: usize = 16;

/// The most a case's history grows while we page. The pager stops chasing
/// arrivals after `CATCH_UP_PATIENCE` requests that bring it no closer, which
/// a burst outpacing our pages causes both while it lasts and while we
/// win back what it put us behind; a burst whose excess takes no more than
/// half that patience to fetch is one the pager promises to catch up with.
fn most_growth(page_size: u32) -> usize {
    CATCH_UP_PATIENCE as usize / 2 * page_size as usize
}

/// Requests after which a run counts as "never finishes".
const REQUEST_CEILING: usize = 20_000;

/// An in-memory SignalZen: `history` in (created_at, id) order, served oldest-
/// or newest-first, growing after each answered request until its growth runs out.
#[derive(Clone)]
struct Model {
    history: Vec<Message>,
    newest_first: bool,
    growth_per_answer: usize,
    growth_left: usize,
}

impl Model {
    /// Answers `request` from the history as it is now, then grows.
    fn answer(&mut self, request: PageRequest) -> Page {
        let total = self.history.len();
        let start = usize::try_from(request.offset).unwrap().min(total);
        let end = (start + request.limit.get() as usize).min(total);
        let messages = (start..end)
            .map(|i| {
                let index = if self.newest_first { total - 1 - i } else { i };
                self.history[index].clone()
            })
            .collect();
        let page = Page {
            offset: request.offset,
            limit: u64::from(request.limit.get()),
            total: total as u64,
            messages,
        };
        self.grow();
        page
    }

    /// Appends newer messages, the way a live conversation grows.
    fn grow(&mut self) {
        let count = self.growth_per_answer.min(self.growth_left);
        self.growth_left -= count;
        for _ in 0..count {
            let (id, minute) = self.history.last().map_or((1, 0), |m| {
                (m.id + 1, minute_of(m) + i64::from(m.id % 2 == 0))
            });
            self.history
                .push(common::message(id, minute, id % 2 == 1, "live"));
        }
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let history: Vec<String> = self
            .history
            .iter()
            .map(|m| format!("{}@{}", m.id, minute_of(m)))
            .collect();
        f.debug_struct("Model")
            .field("history (id@minute)", &history.join(" "))
            .field("newest_first", &self.newest_first)
            .field("growth_per_answer", &self.growth_per_answer)
            .field("growth_left", &self.growth_left)
            .finish()
    }
}

fn minute_of(message: &Message) -> i64 {
    let base = common::message(0, 0, true, "").created_at.unwrap();
    (message.created_at.unwrap() - base).num_minutes()
}

/// A history whose ids grow with gaps and whose timestamps grow with ties:
/// each step is (id gap - 1, minutes after the previous message).
fn history(steps: &[(u8, u8)]) -> Vec<Message> {
    let mut id = 0;
    let mut minute = 0;
    steps
        .iter()
        .map(|&(gap, later)| {
            id += 1 + u64::from(gap);
            minute += i64::from(later);
            common::message(id, minute, id % 2 == 1, "old")
        })
        .collect()
}

#[derive(Clone, Debug)]
struct Scenario {
    model: Model,
    page_size: u32,
    /// Request `i` (0-based) is answered, and the server grows, but the answer
    /// never reaches the pager (a truncated body, a dropped connection after
    /// the server did its work): the caller asks again.
    lost: Vec<bool>,
}

fn scenario(max_len: usize, max_growth_per_answer: usize) -> impl Strategy<Value = Scenario> {
    (
        proptest::collection::vec((0u8..3, 0u8..3), 0..=max_len),
        any::<bool>(),
        1u32..=PageSize::MAX.get(),
        0..=max_growth_per_answer,
        0usize..=GROWING_ANSWERS,
        proptest::collection::vec(proptest::bool::weighted(0.15), 0..48),
    )
        .prop_map(
            |(steps, newest_first, page_size, growth_per_answer, growing_answers, lost)| Scenario {
                model: Model {
                    history: history(&steps),
                    newest_first,
                    growth_per_answer,
                    growth_left: (growth_per_answer * growing_answers).min(most_growth(page_size)),
                },
                page_size,
                lost,
            },
        )
}

/// What one run saw.
struct Run {
    /// What the caller stored, keyed like the conversation.
    stored: BTreeMap<SortKey, MessageId>,
    requests: usize,
    /// `total` of the last answer the pager took.
    last_total: Option<u64>,
}

/// Drives `pager` to completion against `scenario`, checking the invariants
/// that must hold after every answer.
fn run(scenario: &mut Scenario) -> Result<Run, TestCaseError> {
    let mut pager = Pager::new(PageSize::new(scenario.page_size).unwrap());
    let mut stored: BTreeMap<SortKey, MessageId> = BTreeMap::new();
    let mut requests = 0;
    // The newest message when the first answer the pager took was made: the
    // newest the pager can know of when it picks what to show first.
    let mut newest_at_first_answer = None;
    let mut first_batch_checked = false;
    while let Some(request) = pager.next_request() {
        requests += 1;
        prop_assert!(requests <= REQUEST_CEILING, "the pager never finishes");
        let newest_now = scenario.model.history.last().map(|m| m.id);
        let page = scenario.model.answer(request);
        if scenario.lost.get(requests - 1).copied().unwrap_or(false) {
            continue;
        }
        if newest_at_first_answer.is_none() {
            newest_at_first_answer = Some(newest_now);
        }
        let shown = pager.accept(request, page);
        if !first_batch_checked && !shown.is_empty() {
            first_batch_checked = true;
            // The reader first sees the newest messages, not the oldest.
            let newest = newest_at_first_answer.flatten();
            prop_assert!(
                shown.iter().any(|m| Some(m.id) == newest),
                "first batch {:?} lacks the newest message {:?}",
                shown.iter().map(|m| m.id).collect::<Vec<_>>(),
                newest
            );
        }
        for message in shown {
            stored.insert(message.sort_key(), message.id);
        }
        check_no_hole(&stored, &scenario.model.history)?;
    }
    Ok(Run {
        stored,
        requests,
        last_total: pager.total(),
    })
}

/// What is stored is one unbroken stretch of the history: the view never
/// shows two messages with one missing between them. What is stored comes
/// from the history, so it is the whole stretch if it is as long.
fn check_no_hole(
    stored: &BTreeMap<SortKey, MessageId>,
    history: &[Message],
) -> Result<(), TestCaseError> {
    let (Some((first, _)), Some((last, _))) = (stored.first_key_value(), stored.last_key_value())
    else {
        return Ok(());
    };
    let from = history.partition_point(|m| m.sort_key() < *first);
    let to = history.partition_point(|m| m.sort_key() <= *last);
    if to - from != stored.len() {
        let missing: Vec<MessageId> = history[from..to]
            .iter()
            .filter(|m| !stored.contains_key(&m.sort_key()))
            .map(|m| m.id)
            .collect();
        prop_assert!(
            false,
            "a hole in what the view shows: {:?} missing",
            missing
        );
    }
    Ok(())
}

fn check_complete(run: &Run, history: &[Message]) -> Result<(), TestCaseError> {
    let counted = usize::try_from(run.last_total.unwrap_or(0)).unwrap();
    // Growth appends newer messages, so what the last answer counted is a prefix.
    let expected: Vec<MessageId> = history[..counted].iter().map(|m| m.id).collect();
    let loaded: Vec<MessageId> = run.stored.values().copied().collect();
    prop_assert_eq!(
        loaded,
        expected,
        "loaded != the history the last answer counted"
    );
    Ok(())
}

/// Cases per property: `PROPTEST_CASES` if set (for long runs), else enough
/// to be thorough in a few seconds.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Growth of a few messages per request, for a while, with lost answers.
    #[test]
    fn loads_everything_the_server_counted(mut scenario in scenario(400, 4)) {
        let run = run(&mut scenario)?;
        check_complete(&run, &scenario.model.history)?;
    }

    /// A conversation that never stops growing, by less than a page per answer:
    /// the pager still finishes, shows no hole, and everything that existed
    /// before the first request is loaded. (Growing by a page or more per
    /// answer, newest-first, the walk towards the oldest can never get there.)
    #[test]
    fn a_history_that_never_stops_growing_still_finishes(mut scenario in scenario(400, 4)) {
        prop_assume!(scenario.model.growth_per_answer < scenario.page_size as usize);
        scenario.model.growth_left = usize::MAX;
        let initial: Vec<MessageId> = scenario.model.history.iter().map(|m| m.id).collect();
        let run = run(&mut scenario)?;
        let loaded: Vec<MessageId> = run.stored.values().copied().collect();
        prop_assert_eq!(&loaded[..initial.len()], &initial[..]);
    }

    /// A quiet server, nothing lost: the request count is the least possible
    /// plus the probe.
    #[test]
    fn a_quiet_history_takes_one_request_per_page(
        steps in proptest::collection::vec((0u8..3, 0u8..3), 0..=400),
        newest_first in any::<bool>(),
        page_size in 1u32..=PageSize::MAX.get(),
    ) {
        let history = history(&steps);
        let n = history.len();
        let mut scenario = Scenario {
            model: Model { history, newest_first, growth_per_answer: 0, growth_left: 0 },
            page_size,
            lost: Vec::new(),
        };
        let run = run(&mut scenario)?;
        check_complete(&run, &scenario.model.history)?;
        prop_assert_eq!(run.stored.len(), n);
        let pages = n.div_ceil(page_size as usize).max(1);
        prop_assert!(run.requests <= pages + 1, "{} requests for {} pages", run.requests, pages);
    }
}
