//! The concurrent planner against an in-memory server that answers the
//! requests in flight in random order: whatever the server's order, the
//! concurrency (1 and 8), the page size and growth while we page, every
//! message the server counted is handed on exactly once, oldest first, and
//! no more are held than the plan's window.

mod common;

use proptest::prelude::*;
use szchat::engine::plan::Plan;
use szchat::model::{Message, MessageId, Page};
use szchat::paging::{PageRequest, PageSize, ServerOrder};

/// Requests after which a run counts as "never finishes".
const REQUEST_CEILING: u64 = 20_000;

/// An in-memory SignalZen, oldest or newest first, growing after each answer.
struct Model {
    history: Vec<Message>,
    newest_first: bool,
    growth_per_answer: usize,
    growth_left: usize,
}

impl Model {
    fn new(n: u64, newest_first: bool, growth_per_answer: usize, growth_left: usize) -> Self {
        Self {
            history: (1..=n)
                .map(|id| common::message(id, i64::try_from(id).unwrap(), id % 2 == 1, "old"))
                .collect(),
            newest_first,
            growth_per_answer,
            growth_left,
        }
    }

    fn answer(&mut self, request: PageRequest) -> Page {
        let page = common::page_of(
            &self.history,
            request.offset,
            request.limit.get(),
            self.newest_first,
        );
        let count = self.growth_per_answer.min(self.growth_left);
        self.growth_left -= count;
        for _ in 0..count {
            let id = self.history.len() as u64 + 1;
            self.history.push(common::message(
                id,
                i64::try_from(id).unwrap(),
                false,
                "live",
            ));
        }
        page
    }
}

/// Runs a plan to the end, answering a random one of the requests in flight
/// each time; returns the ids handed on, in order.
fn drive(
    model: &mut Model,
    page_size: u32,
    in_flight: usize,
    picks: &[usize],
) -> (Vec<MessageId>, Plan) {
    let mut plan = Plan::new(PageSize::new(page_size).unwrap(), in_flight);
    let mut waiting: Vec<PageRequest> = Vec::new();
    let mut handed = Vec::new();
    let mut step = 0;
    loop {
        let room = in_flight - waiting.len();
        waiting.extend(plan.next_requests(room));
        assert!(waiting.len() <= in_flight, "more in flight than allowed");
        if waiting.is_empty() {
            break;
        }
        let pick = picks.get(step % picks.len().max(1)).copied().unwrap_or(0) % waiting.len();
        step += 1;
        assert!((step as u64) < REQUEST_CEILING, "the plan does not finish");
        let request = waiting.swap_remove(pick);
        let page = model.answer(request);
        handed.extend(plan.accept(request, page).into_iter().map(|m| m.id));
    }
    (handed, plan)
}

/// Everything the largest count held is handed on, and that count held at
/// least the `before` messages there were when the plan began.
fn check(before: u64, handed: &[MessageId], plan: &Plan) {
    assert!(plan.is_complete(), "stopped: {:?}", plan.stopped());
    let counted = plan.total().unwrap();
    assert_eq!(
        handed,
        (1..=counted).collect::<Vec<_>>(),
        "each message the last answer counted, once, oldest first"
    );
    assert!(counted >= before);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn hands_on_everything_once_whatever_order_the_answers_come_in(
        n in 0u64..400,
        newest_first: bool,
        page_size in 1u32..60,
        growth in 0usize..4,
        growth_answers in 0usize..16,
        concurrency in prop::sample::select(vec![1usize, 8]),
        picks in prop::collection::vec(0usize..16, 1..32),
    ) {
        let mut model = Model::new(n, newest_first, growth, growth * growth_answers);
        let (handed, plan) = drive(&mut model, page_size, concurrency, &picks);
        check(n, &handed, &plan);
        if n >= 2 {
            let order = if newest_first { ServerOrder::NewestFirst } else { ServerOrder::OldestFirst };
            prop_assert_eq!(plan.order(), order);
        }
    }
}

#[test]
fn a_quiet_history_takes_about_one_request_per_page_at_any_concurrency() {
    for newest_first in [false, true] {
        for concurrency in [1, 8] {
            let mut model = Model::new(1_000, newest_first, 0, 0);
            let (handed, plan) = drive(&mut model, 50, concurrency, &[3, 1, 4, 1, 5, 9, 2, 6]);
            check(1_000, &handed, &plan);
            // The probe, the 20 pages, and (newest-first) the probe's page again
            // when it lay beyond the window.
            assert!(plan.requests() <= 22, "{} requests", plan.requests());
        }
    }
}

#[test]
fn planning_stays_within_the_window() {
    let mut plan = Plan::new(PageSize::new(10).unwrap(), 4);
    let mut model = Model::new(10_000, false, 0, 0);
    let probe = plan.next_requests(4);
    assert_eq!(probe.len(), 1, "only the probe before the first answer");
    plan.accept(probe[0], model.answer(probe[0]));
    let requests = plan.next_requests(100);
    let furthest = requests
        .iter()
        .map(|r| r.offset + u64::from(r.limit.get()))
        .max()
        .unwrap();
    assert!(furthest <= 10 + plan.window(), "planned up to {furthest}");
}

#[test]
fn an_empty_page_before_the_count_stops_the_plan() {
    let mut plan = Plan::new(PageSize::new(10).unwrap(), 4);
    let probe = plan.next_requests(4)[0];
    let first = Page {
        offset: 0,
        limit: 10,
        total: 100,
        messages: (1..=10)
            .map(|id| common::message(id, i64::try_from(id).unwrap(), true, "x"))
            .collect(),
    };
    assert_eq!(plan.accept(probe, first).len(), 10);
    let next = plan.next_requests(1)[0];
    let empty = Page {
        offset: next.offset,
        limit: 10,
        total: 100,
        messages: vec![],
    };
    plan.accept(next, empty);
    assert!(plan.stopped().is_some());
    assert!(plan.next_requests(8).is_empty());
}

/// Drives `plan` against `answer` until it asks for nothing more; the
/// number of requests it took.
fn drive_liar(
    plan: &mut Plan,
    in_flight: usize,
    mut answer: impl FnMut(PageRequest) -> Page,
) -> u64 {
    let mut waiting: Vec<PageRequest> = Vec::new();
    let mut requests = 0;
    loop {
        waiting.extend(plan.next_requests(in_flight - waiting.len()));
        let Some(request) = waiting.pop() else {
            return requests;
        };
        requests += 1;
        assert!(requests < REQUEST_CEILING, "the plan does not stop");
        let page = answer(request);
        plan.accept(request, page);
    }
}

#[test]
fn the_same_page_for_every_offset_stops_the_plan() {
    for concurrency in [1, 8] {
        let mut plan = Plan::new(PageSize::new(10).unwrap(), concurrency);
        let same: Vec<Message> = (1..=10)
            .map(|id| common::message(id, i64::try_from(id).unwrap(), true, "x"))
            .collect();
        let requests = drive_liar(&mut plan, concurrency, |request| Page {
            offset: request.offset,
            limit: u64::from(request.limit.get()),
            total: 1_000_000,
            messages: same.clone(),
        });
        assert!(plan.stopped().is_some());
        assert!(requests < 100, "{requests} requests");
        assert_eq!(plan.handed_on(), 10, "what it sent is kept, once");
    }
}

#[test]
fn a_total_of_u64_max_neither_overflows_nor_runs_for_ever() {
    for newest_first in [false, true] {
        let mut model = Model::new(50, newest_first, 0, 0);
        let mut plan = Plan::new(PageSize::new(10).unwrap(), 8);
        drive_liar(&mut plan, 8, |request| {
            let mut page = model.answer(request);
            page.total = u64::MAX;
            page
        });
        assert!(plan.stopped().is_some(), "newest_first={newest_first}");
    }
}
