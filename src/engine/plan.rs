//! The concurrent planner: which pages to ask for, many at a time, and which
//! received messages are ready to hand on, oldest first. Pure: requests out,
//! answers in, no clock and no I/O, so tests answer in any order they like.
//!
//! Every message gets a stable index, its place counted from the oldest,
//! computed from the answer that carried it with that answer's own `total`:
//! oldest-first the index is the offset; newest-first it is
//! `total - 1 - offset`, so growth that shifts offsets under a request moves
//! the page, not the indices. A request is planned for a range of indices;
//! whatever of that range its answer did not cover (growth shifted the page)
//! is planned again, and an index already filled is never stored twice, nor a
//! message id handed on twice.
//!
//! Memory is bounded: indices are planned at most [`Plan::window`] ahead of
//! the first one not handed on yet, and only those are kept. Work is bounded
//! as in [`crate::paging`]: pages beyond [`PAGES_PER_PAGEFUL`](crate::paging::PAGES_PER_PAGEFUL) per page of
//! progress plus [`SPARE_PAGES`], or an empty page before the server's own
//! count, stop the plan with [`Stop::Inconsistent`].

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

use crate::model::{Message, MessageId, Page};
use crate::paging::{
    Offsets, PageRequest, PageSize, SPARE_PAGES, ServerOrder, Stop, detect_order, fair_pages,
};

/// Pages the plan may run ahead of the first message not handed on, for each
/// request allowed in flight: enough that a slow page does not stall the others.
pub const WINDOW_PAGES_PER_REQUEST: u64 = 2;

/// Plans page requests for the whole history and puts the answers in order.
#[derive(Debug)]
pub struct Plan {
    page_size: PageSize,
    order: ServerOrder,
    /// Stable indices `0..target` are wanted: the largest `total` answered.
    target: Option<u64>,
    /// Stable indices asked for: in flight (with what each request was
    /// meant to cover), planned again because their answer did not cover
    /// them, and the frontier: every index below it is planned, in flight,
    /// re-queued, filled or handed on.
    offsets: Offsets,
    /// Received messages by stable index, waiting for the gap below them;
    /// `None` where the server sent a message already handed on.
    filled: BTreeMap<u64, Option<Message>>,
    /// The first stable index not handed on yet.
    handed_on: u64,
    /// Ids handed on, so a message the server repeats goes out once.
    seen: HashSet<MessageId>,
    window: u64,
    pages: u64,
    /// Newest-first: offsets that growth shifted under a request.
    shifted: u64,
    stop: Option<Stop>,
}

impl Plan {
    /// A plan of pages of `page_size`, for up to `max_in_flight` requests at once.
    pub fn new(page_size: PageSize, max_in_flight: usize) -> Self {
        let page = u64::from(page_size.get());
        let in_flight = u64::try_from(max_in_flight.max(1)).unwrap_or(u64::MAX);
        Self {
            page_size,
            order: ServerOrder::Unknown,
            target: None,
            offsets: Offsets::new(page),
            filled: BTreeMap::new(),
            handed_on: 0,
            seen: HashSet::new(),
            window: page
                .saturating_mul(in_flight)
                .saturating_mul(WINDOW_PAGES_PER_REQUEST),
            pages: 0,
            shifted: 0,
            stop: None,
        }
    }

    /// The most messages held at once: how far ahead of the gap pages are planned.
    pub fn window(&self) -> u64 {
        self.window
    }

    /// The server's count, once an answer gave it (the largest seen).
    pub fn total(&self) -> Option<u64> {
        self.target
    }

    /// The order the first answer showed.
    pub fn order(&self) -> ServerOrder {
        self.order
    }

    /// Messages handed on so far, each once.
    pub fn handed_on(&self) -> u64 {
        self.seen.len() as u64
    }

    /// Requests planned so far.
    pub fn requests(&self) -> u64 {
        self.offsets.requests()
    }

    /// Requests planned and not answered yet.
    pub fn in_flight(&self) -> usize {
        self.offsets.in_flight()
    }

    /// Why the plan stopped short of the whole history, if it did.
    pub fn stopped(&self) -> Option<Stop> {
        self.stop
    }

    /// True once every index the server counted has been handed on (some may
    /// have been repeats of messages already handed on: see [`Plan::missing`]).
    pub fn is_complete(&self) -> bool {
        self.stop.is_none()
            && self.offsets.in_flight() == 0
            && self.target.is_some_and(|target| self.handed_on >= target)
    }

    /// How many of the messages the server counted never came as distinct
    /// messages (it repeated some in their place).
    pub fn missing(&self) -> u64 {
        self.target.unwrap_or(0).saturating_sub(self.handed_on())
    }

    /// Up to `room` requests to send now. Before the first answer only the
    /// probe goes out: it gives the total and the order.
    pub fn next_requests(&mut self, room: usize) -> Vec<PageRequest> {
        let mut out = Vec::new();
        if self.stop.is_some() {
            return out;
        }
        let probing = self.order == ServerOrder::Unknown;
        match self.target {
            // Fewer than two messages showed no order: probe again, unless
            // that was all there is.
            Some(target) if probing && self.handed_on >= target => return out,
            Some(_) if !probing => {}
            _ => {
                if self.offsets.in_flight() == 0 && room > 0 {
                    let probe = PageRequest::probe(self.page_size);
                    // Which indices it covers is known only from its answer;
                    // whatever it leaves is planned like the rest.
                    self.send(probe, 0..0, &mut out);
                }
                return out;
            }
        }
        let target = self.target.unwrap_or(0);
        let horizon = self.handed_on.saturating_add(self.window).min(target);
        while out.len() < room {
            // Indices filled by a shifted page need no request of their own.
            let filled = &self.filled;
            let Some(range) = self
                .offsets
                .next_range(horizon, |index| filled.contains_key(&index))
            else {
                break;
            };
            let request = self.order.request_for(&range, target, self.page_size);
            self.send(request, range, &mut out);
        }
        out
    }

    fn send(&mut self, request: PageRequest, range: Range<u64>, out: &mut Vec<PageRequest>) {
        self.offsets.send(request, range);
        out.push(request);
    }

    /// A request failed after its retries: its range is planned again
    /// (the caller decides whether to go on at all).
    pub fn failed(&mut self, request: PageRequest) {
        if let Some(range) = self.offsets.answered(request) {
            self.offsets.ask_again(range);
        }
    }

    /// Takes the answer to `request`; returns the messages now ready, oldest
    /// first, each handed on once.
    pub fn accept(&mut self, request: PageRequest, page: Page) -> Vec<Message> {
        let Some(range) = self.offsets.answered(request) else {
            return Vec::new();
        };
        if self.stop.is_some() {
            return Vec::new();
        }
        self.pages += 1;
        let received = page.messages.len() as u64;
        let positions = received.min(u64::from(request.limit));
        let total = page.total;
        if self.order == ServerOrder::Unknown {
            self.order = match detect_order(&page.messages) {
                // Fewer than two messages show no order: probe again.
                ServerOrder::Unordered if received < 2 => ServerOrder::Unknown,
                order => order,
            };
        }
        let previous = self.target.unwrap_or(total);
        self.target = Some(previous.max(total));
        if positions == 0 && request.offset < total {
            // The count says there is a message at this offset.
            self.stop = Some(Stop::Inconsistent {
                received: self.handed_on(),
            });
            return Vec::new();
        }
        let mut covered = BTreeSet::new();
        for (i, message) in (0u64..).zip(
            page.messages
                .into_iter()
                .take(usize::try_from(positions).unwrap_or(usize::MAX)),
        ) {
            let offset = request.offset.saturating_add(i);
            let index = match self.order {
                ServerOrder::NewestFirst => match total.checked_sub(offset.saturating_add(1)) {
                    Some(index) => index,
                    None => continue,
                },
                // A lone message is the oldest only if it is the only one.
                ServerOrder::Unknown if total != 1 => continue,
                _ => offset,
            };
            covered.insert(index);
            let in_window =
                index >= self.handed_on && index < self.handed_on.saturating_add(self.window);
            if in_window {
                let fresh = (!self.seen.contains(&message.id)).then_some(message);
                self.filled.entry(index).or_insert(fresh);
            }
        }
        if self.order == ServerOrder::NewestFirst {
            let shift = total.saturating_sub(previous).min(positions);
            self.shifted = self.shifted.saturating_add(shift);
        }
        // What the page was meant to cover and did not: ask again.
        let mut gap_start = None;
        for index in range.clone() {
            let missing = !covered.contains(&index)
                && index >= self.handed_on
                && !self.filled.contains_key(&index);
            match (missing, gap_start) {
                (true, None) => gap_start = Some(index),
                (false, Some(start)) => {
                    self.offsets.ask_again(start..index);
                    gap_start = None;
                }
                _ => {}
            }
        }
        if let Some(start) = gap_start {
            self.offsets.ask_again(start..range.end);
        }
        if self.over_budget() {
            self.stop = Some(Stop::Inconsistent {
                received: self.handed_on(),
            });
        }
        self.hand_on()
    }

    /// True once the pages taken are more than the progress made warrants.
    /// Progress is distinct messages (and offsets growth shifted), not
    /// indices: a server repeating itself fills indices with nothing new.
    fn over_budget(&self) -> bool {
        let waiting: HashSet<MessageId> = self
            .filled
            .values()
            .flatten()
            .map(|message| message.id)
            .filter(|id| !self.seen.contains(id))
            .collect();
        let progress = (self.seen.len() as u64)
            .saturating_add(waiting.len() as u64)
            .saturating_add(self.shifted);
        let page_fuls = progress.div_ceil(u64::from(self.page_size.get()));
        self.pages > fair_pages(page_fuls, SPARE_PAGES)
    }

    /// Hands on the run of filled indices that starts at the first gap.
    fn hand_on(&mut self) -> Vec<Message> {
        let mut ready = Vec::new();
        while let Some(entry) = self.filled.remove(&self.handed_on) {
            self.handed_on += 1;
            if let Some(message) = entry
                && self.seen.insert(message.id)
            {
                ready.push(message);
            }
        }
        // A replanned range the run has passed needs no request any more.
        self.offsets.pass(self.handed_on);
        ready
    }
}
