use super::*;
use crate::model::{MessageId, Sender};
use crate::testing;
use chrono::{TimeZone, Utc};
use std::collections::BTreeSet;

fn size(limit: u32) -> PageSize {
    PageSize::new(limit).unwrap()
}

fn message(id: MessageId) -> Message {
    testing::message(id)
        .body(format!("message {id}"))
        .created_at(Some(
            Utc.timestamp_opt(1_700_000_000 + id as i64 * 60, 0)
                .unwrap(),
        ))
        .sender(Sender::Visitor {
            name: None,
            email: None,
        })
        .build()
}

/// An in-memory server: `history` oldest-first, growing by `growth` after each answer.
struct SimServer {
    history: Vec<Message>,
    newest_first: bool,
    growth: usize,
    growth_budget: usize,
}

impl SimServer {
    fn answer(&mut self, request: PageRequest) -> Page {
        let mut ordered = self.history.clone();
        if self.newest_first {
            ordered.reverse();
        }
        let start = (request.offset as usize).min(ordered.len());
        let end = (start + request.limit.get() as usize).min(ordered.len());
        let page = Page {
            offset: request.offset,
            limit: u64::from(request.limit.get()),
            total: ordered.len() as u64,
            messages: ordered[start..end].to_vec(),
        };
        for _ in 0..self.growth.min(self.growth_budget) {
            let id = self.history.len() as u64 + 1;
            self.history.push(message(id));
            self.growth_budget -= 1;
        }
        page
    }
}

/// Drives a pager to completion; returns the ids shown, in the order shown,
/// how many requests it took, and the ids of the first batch shown.
fn run(server: &mut SimServer, page_size: u32) -> (Vec<MessageId>, usize, Vec<MessageId>) {
    let mut pager = Pager::new(size(page_size));
    let mut stored = BTreeSet::new();
    let mut shown_order = Vec::new();
    let mut first_batch = Vec::new();
    let mut requests = 0;
    while let Some(request) = pager.next_request() {
        assert!((1..=99).contains(&request.limit.get()), "limit {request:?}");
        requests += 1;
        assert!(requests < 10_000, "pager does not finish");
        let page = server.answer(request);
        let shown = pager.accept(request, page);
        if first_batch.is_empty() {
            first_batch = shown.iter().map(|m| m.id).collect();
        }
        for m in shown {
            stored.insert(m.id);
            shown_order.push(m.id);
        }
        // Ids are 1..=n in time order: what is shown must be one unbroken run.
        if let (Some(first), Some(last)) = (stored.first(), stored.last()) {
            assert_eq!(last - first + 1, stored.len() as u64, "a hole: {stored:?}");
        }
    }
    let counted = pager.total().unwrap_or(0);
    let stored: Vec<MessageId> = stored.into_iter().collect();
    assert_eq!(
        stored,
        (1..=counted).collect::<Vec<_>>(),
        "not everything the last answer counted"
    );
    (stored, requests, first_batch)
}

fn server(n: u64, newest_first: bool, growth: usize, budget: usize) -> SimServer {
    SimServer {
        history: (1..=n).map(message).collect(),
        newest_first,
        growth,
        growth_budget: budget,
    }
}
#[test]
fn oldest_first_server_shows_newest_page_first_and_loads_everything() {
    let mut sim = server(230, false, 0, 0);
    let (ids, requests, first) = run(&mut sim, 50);
    assert_eq!(ids, (1..=230).collect::<Vec<_>>());
    // probe (oldest 50) + tail (newest 50) + 3 pages between
    assert_eq!(requests, 5);
    assert_eq!(first, (181..=230).collect::<Vec<_>>());
}

#[test]
fn newest_first_server_shows_newest_page_first_and_loads_everything() {
    let mut sim = server(230, true, 0, 0);
    let (ids, requests, first) = run(&mut sim, 50);
    assert_eq!(ids, (1..=230).collect::<Vec<_>>());
    assert_eq!(requests, 5);
    assert_eq!(first.len(), 50);
    assert!(first.iter().all(|id| *id > 180));
}

#[test]
fn growth_while_paging_leaves_no_gap_in_either_order() {
    for newest_first in [false, true] {
        for page_size in [1, 2, 7, 50, 99] {
            let mut sim = server(120, newest_first, 3, 30);
            // `run` checks for holes after every answer and that everything
            // the last answer counted is loaded; growth may outlast the last
            // answer when the pager finishes quickly.
            let (ids, _, _) = run(&mut sim, page_size);
            assert!(
                ids.len() >= 120,
                "newest_first={newest_first} page={page_size}"
            );
        }
    }
}

#[test]
fn a_conversation_that_never_stops_growing_still_finishes_loading() {
    for newest_first in [false, true] {
        let mut sim = server(100, newest_first, 2, usize::MAX);
        let (ids, requests, _) = run(&mut sim, 10);
        assert!(requests < 60, "{requests} requests");
        // Everything that existed when we started is there.
        assert!(
            (1..=100).all(|id| ids.contains(&id)),
            "newest_first={newest_first}"
        );
    }
}

#[test]
fn a_chase_left_alone_keeps_what_it_holds_and_try_again_resumes_it() {
    // Nine arrivals per answer against pages of ten: each catch-up round
    // falls further behind.
    let mut sim = server(100, true, 9, usize::MAX);
    let mut pager = Pager::new(size(10));
    let mut received = BTreeSet::new();
    let mut shown = BTreeSet::new();
    while let Some(request) = pager.next_request() {
        let page = sim.answer(request);
        received.extend(page.messages.iter().map(|m| m.id));
        shown.extend(pager.accept(request, page).iter().map(|m| m.id));
    }
    let Some(Stop::Behind { not_loaded }) = pager.stopped() else {
        panic!("{:?}", pager.stopped());
    };
    assert!(not_loaded > 0);
    assert!(
        pager.reached_beginning(),
        "the pause is about newer messages"
    );
    let held: BTreeSet<MessageId> = pager.held_back().map(|m| m.id).collect();
    assert!(!held.is_empty(), "half a round is held, not dropped");
    assert!(
        received
            .iter()
            .all(|id| shown.contains(id) || held.contains(id))
    );

    assert!(pager.try_again());
    assert!(pager.next_request().is_some(), "the round goes on");
    assert!(!pager.try_again(), "nothing stopped it now");
}

#[test]
fn the_read_limit_pauses_only_what_the_pager_reads_on_its_own() {
    // An unordered server counting more than the limit: read start to end
    // on the pager's own account, up to the limit.
    let mut pager = Pager::new(size(99));
    let mut next = 0;
    while let Some(request) = pager.next_request() {
        let ids = next..next + u64::from(request.limit.get());
        next = ids.end;
        let mut messages: Vec<Message> = ids.map(|id| message(id + 1)).collect();
        messages.swap(0, 1);
        let page = Page {
            offset: request.offset,
            limit: u64::from(request.limit.get()),
            total: 3 * READ_LIMIT,
            messages,
        };
        pager.accept(request, page);
    }
    let read = READ_LIMIT.div_ceil(99) * 99;
    assert_eq!(pager.stopped(), Some(Stop::ReadLimit { read }));
    assert_eq!(
        pager.stopped().unwrap().to_string(),
        format!("stopped after reading {read} messages: g reads on")
    );
    pager.read_on();
    assert_eq!(pager.stopped(), None);
    assert!(pager.next_request().is_some());
}

#[test]
fn newest_first_growth_faster_than_a_page_leaves_no_gap() {
    // Found by tests/prop_paging.rs: 4 arrivals per answer at page size 1 put
    // arrivals where the walk asked for older messages; the catch-up then
    // stopped at the first of them it recognised and message 5 was never fetched.
    let mut sim = server(4, true, 4, 8);
    let (ids, _, _) = run(&mut sim, 1);
    assert_eq!(ids, (1..=12).collect::<Vec<_>>());
}

#[test]
fn newest_first_catch_up_shows_arrivals_only_once_they_join_the_rest() {
    // Found by tests/prop_paging.rs: the catch-up showed message 5 while 4
    // was still to come. `run` checks for holes after every answer.
    let mut sim = server(3, true, 1, 2);
    let (ids, _, _) = run(&mut sim, 1);
    assert_eq!(ids, (1..=5).collect::<Vec<_>>());
}

#[test]
fn a_conversation_growing_slower_than_we_fetch_is_caught_up() {
    // Found by tests/prop_paging.rs: a catch-up budget sized when the
    // catch-up began ran out while every request still gained on the growth.
    for newest_first in [false, true] {
        let mut sim = server(400, newest_first, 1, 400);
        let (ids, _, _) = run(&mut sim, 2);
        // `run` checks that everything the last answer counted is there.
        assert!(
            ids.len() >= 790,
            "newest_first={newest_first}: {}",
            ids.len()
        );
    }
}

#[test]
fn oldest_first_catch_up_asks_for_a_whole_page() {
    let mut pager = Pager::new(size(10));
    let probe = pager.next_request().unwrap();
    let first = Page {
        offset: 0,
        limit: 10,
        total: 12,
        messages: (1..=10).map(message).collect(),
    };
    pager.accept(probe, first);
    let tail = pager.next_request().unwrap();
    let page = Page {
        offset: 10,
        limit: 2,
        total: 13,
        messages: (11..=12).map(message).collect(),
    };
    assert_eq!(pager.accept(tail, page).len(), 12);
    assert_eq!(
        pager.next_request(),
        Some(PageRequest {
            offset: 12,
            limit: size(10)
        }),
        "one message is known to have arrived, more may have since"
    );
}

#[test]
fn single_page_history_needs_one_request() {
    let mut sim = server(2, false, 0, 0);
    let (ids, requests, _) = run(&mut sim, 50);
    assert_eq!(ids, vec![1, 2]);
    assert_eq!(requests, 1);
}

#[test]
fn empty_history_completes() {
    let mut sim = server(0, false, 0, 0);
    let (ids, requests, _) = run(&mut sim, 50);
    assert!(ids.is_empty());
    assert_eq!(requests, 1);
}

#[test]
fn page_size_one_still_detects_order_with_a_two_message_probe() {
    let mut pager = Pager::new(size(1));
    assert_eq!(
        pager.next_request(),
        Some(PageRequest {
            offset: 0,
            limit: size(2)
        })
    );
    let page = Page {
        offset: 0,
        limit: 2,
        total: 5,
        messages: vec![message(5), message(4)],
    };
    let shown = pager.accept(
        PageRequest {
            offset: 0,
            limit: size(2),
        },
        page,
    );
    assert_eq!(pager.order(), ServerOrder::NewestFirst);
    assert_eq!(shown.len(), 2);
    assert_eq!(
        pager.next_request(),
        Some(PageRequest {
            offset: 2,
            limit: size(1)
        })
    );
}

#[test]
fn unordered_server_is_read_start_to_end() {
    let mut pager = Pager::new(size(2));
    let probe = pager.next_request().unwrap();
    let page = Page {
        offset: 0,
        limit: 2,
        total: 4,
        messages: vec![message(3), message(3)],
    };
    pager.accept(probe, page);
    assert_eq!(pager.order(), ServerOrder::Unordered);
    assert!(pager.wants_eager_fetch());
    assert_eq!(
        pager.next_request(),
        Some(PageRequest {
            offset: 2,
            limit: size(2)
        })
    );
}

#[test]
fn an_empty_page_before_the_end_stops_instead_of_looping() {
    let mut pager = Pager::new(size(10));
    let probe = pager.next_request().unwrap();
    let first = Page {
        offset: 0,
        limit: 10,
        total: 100,
        messages: (1..=10).rev().map(message).collect(),
    };
    pager.accept(probe, first);
    let next = pager.next_request().unwrap();
    let empty = Page {
        offset: next.offset,
        limit: 10,
        total: 100,
        messages: vec![],
    };
    pager.accept(next, empty);
    assert_eq!(pager.next_request(), None);
    // The count promised 90 more: that is the server contradicting itself.
    assert_eq!(pager.stopped(), Some(Stop::Inconsistent { received: 10 }));
    assert!(!pager.reached_beginning());
}

#[test]
fn oldest_first_holds_the_probe_page_until_the_walk_reaches_it() {
    let mut pager = Pager::new(size(10));
    let probe = pager.next_request().unwrap();
    let first = Page {
        offset: 0,
        limit: 10,
        total: 25,
        messages: (1..=10).map(message).collect(),
    };
    assert!(pager.accept(probe, first).is_empty());
    let tail = pager.next_request().unwrap();
    assert_eq!(
        tail,
        PageRequest {
            offset: 15,
            limit: size(10)
        }
    );
    assert!(!pager.reached_beginning());
    let page = Page {
        offset: 15,
        limit: 10,
        total: 25,
        messages: (16..=25).map(message).collect(),
    };
    assert_eq!(pager.accept(tail, page).len(), 10);
    let middle = pager.next_request().unwrap();
    assert_eq!(
        middle,
        PageRequest {
            offset: 10,
            limit: size(5)
        }
    );
    let page = Page {
        offset: 10,
        limit: 5,
        total: 25,
        messages: (11..=15).map(message).collect(),
    };
    let shown = pager.accept(middle, page);
    assert_eq!(
        shown.len(),
        15,
        "the held probe page is released with the last page"
    );
    assert!(pager.is_complete());
}
