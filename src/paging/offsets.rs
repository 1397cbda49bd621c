//! The offset planner every paging loop shares: which offsets were asked
//! for and are in flight (each request with the offsets it was meant to
//! cover), which are done, which failed, which to ask for again before new
//! ones, and the frontier, the first offset never asked for.
//!
//! The engine's plan and the sync count in positions from the oldest
//! message, the visitor list and the pager's fetch-ahead in the server's
//! offsets; the planner does not care. What an answer means (which messages
//! it brings, whether the server contradicts itself) stays with each user.

use std::collections::BTreeSet;
use std::ops::Range;

use super::PageRequest;

/// The first offset not asked for yet, moving a page (`step` offsets) at a
/// time towards a bound, up or down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frontier {
    next: u64,
    step: u64,
}

impl Frontier {
    /// A frontier at `next`, moving `step` offsets (at least one) at a time.
    pub fn new(next: u64, step: u64) -> Self {
        Frontier {
            next,
            step: step.max(1),
        }
    }

    /// The first offset not asked for yet.
    pub fn next(self) -> u64 {
        self.next
    }

    /// Moves the frontier up to `at`, if it is below it: everything under
    /// `at` needs no request any more.
    pub fn pass(&mut self, at: u64) {
        self.next = self.next.max(at);
    }

    /// Moves past the offsets below `bound` that `done` says need no request.
    pub fn skip(&mut self, bound: u64, done: impl Fn(u64) -> bool) {
        while self.next < bound && done(self.next) {
            self.next += 1;
        }
    }

    /// Upwards: the next page of offsets below `bound` (shorter against the
    /// bound), and the frontier moves past it; `None` at the bound.
    pub fn up_to(&mut self, bound: u64) -> Option<Range<u64>> {
        if self.next >= bound {
            return None;
        }
        let start = self.next;
        self.next = start.saturating_add(self.step).min(bound);
        Some(start..self.next)
    }

    /// Downwards: the page of offsets just below the frontier, none below
    /// `floor`, and the frontier moves to its start; `None` at the floor.
    pub fn down_to(&mut self, floor: u64) -> Option<Range<u64>> {
        if self.next <= floor {
            return None;
        }
        let end = self.next;
        self.next = end.saturating_sub(self.step).max(floor);
        Some(self.next..end)
    }
}

/// The offsets of one paging loop: asked, in flight, done, failed and to
/// ask again, and the frontier.
#[derive(Clone, Debug)]
pub struct Offsets {
    frontier: Frontier,
    /// Each request in flight, with the offsets it was meant to cover.
    in_flight: Vec<(PageRequest, Range<u64>)>,
    /// Ranges to ask for before new ones, first offset first.
    queued: BTreeSet<(u64, u64)>,
    /// Ranges whose request failed, asked again on [`Offsets::retry_failed`].
    failed: BTreeSet<(u64, u64)>,
    /// Where answered ranges start, for a loop that asks each once.
    done: BTreeSet<u64>,
    /// Requests sent.
    requests: u64,
}

impl Offsets {
    /// Nothing asked yet; new ranges are `step` offsets long.
    pub fn new(step: u64) -> Self {
        Offsets {
            frontier: Frontier::new(0, step),
            in_flight: Vec::new(),
            queued: BTreeSet::new(),
            failed: BTreeSet::new(),
            done: BTreeSet::new(),
            requests: 0,
        }
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Requests sent and not answered yet.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Whether a request in flight starts at `offset`.
    pub fn in_flight_at(&self, offset: u64) -> bool {
        self.in_flight
            .iter()
            .any(|(request, _)| request.offset == offset)
    }

    /// Every offset the requests in flight are meant to cover.
    pub fn covered(&self) -> impl Iterator<Item = u64> + '_ {
        self.in_flight.iter().flat_map(|(_, covers)| covers.clone())
    }

    /// The range to ask for next: one queued, else the frontier's next page
    /// below `bound`, past the offsets `done` says need no request.
    pub fn next_range(&mut self, bound: u64, done: impl Fn(u64) -> bool) -> Option<Range<u64>> {
        if let Some((start, end)) = self.queued.pop_first() {
            return Some(start..end);
        }
        self.frontier.skip(bound, done);
        self.frontier.up_to(bound)
    }

    /// `request` went out to cover `covers`.
    pub fn send(&mut self, request: PageRequest, covers: Range<u64>) {
        self.requests += 1;
        self.in_flight.push((request, covers));
    }

    /// `request` was answered (or failed): what it was meant to cover, or
    /// `None` if it was not in flight.
    pub fn answered(&mut self, request: PageRequest) -> Option<Range<u64>> {
        let at = self
            .in_flight
            .iter()
            .position(|(sent, _)| *sent == request)?;
        Some(self.in_flight.swap_remove(at).1)
    }

    /// The range starting at `offset` came: it is never asked for again.
    pub fn mark_done(&mut self, offset: u64) {
        self.done.insert(offset);
    }

    /// Whether the range starting at `offset` came already.
    pub fn is_done(&self, offset: u64) -> bool {
        self.done.contains(&offset)
    }

    /// Asks for `range` again, before new ones (an empty one needs nothing).
    pub fn ask_again(&mut self, range: Range<u64>) {
        if range.start < range.end {
            self.queued.insert((range.start, range.end));
        }
    }

    /// `range` failed: it waits for [`Offsets::retry_failed`].
    pub fn fail(&mut self, range: Range<u64>) {
        self.failed.insert((range.start, range.end));
    }

    /// Every failed range is asked for again, before new ones.
    pub fn retry_failed(&mut self) {
        self.queued.append(&mut self.failed);
    }

    /// Nothing queued is asked for any more.
    pub fn clear_queued(&mut self) {
        self.queued.clear();
    }

    /// Nothing in flight is waited for any more.
    pub fn clear_in_flight(&mut self) {
        self.in_flight.clear();
    }

    /// Offsets below `at` need no request any more: queued ranges lose
    /// them, and the frontier moves up to `at`.
    pub fn pass(&mut self, at: u64) {
        self.queued = std::mem::take(&mut self.queued)
            .into_iter()
            .filter(|&(_, end)| end > at)
            .map(|(start, end)| (start.max(at), end))
            .collect();
        self.frontier.pass(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::PageSize;

    fn request(offset: u64) -> PageRequest {
        PageRequest {
            offset,
            limit: PageSize::DEFAULT,
        }
    }

    #[test]
    fn the_frontier_walks_up_a_page_at_a_time_and_stops_at_the_bound() {
        let mut frontier = Frontier::new(0, 10);
        assert_eq!(frontier.up_to(25), Some(0..10));
        assert_eq!(frontier.up_to(25), Some(10..20));
        assert_eq!(frontier.up_to(25), Some(20..25));
        assert_eq!(frontier.up_to(25), None);
        assert_eq!(frontier.next(), 25);
        // A bound that grows lets it go on where it stopped.
        assert_eq!(frontier.up_to(27), Some(25..27));
    }

    #[test]
    fn the_frontier_walks_down_to_its_floor() {
        let mut frontier = Frontier::new(25, 10);
        assert_eq!(frontier.down_to(3), Some(15..25));
        assert_eq!(frontier.down_to(3), Some(5..15));
        assert_eq!(frontier.down_to(3), Some(3..5));
        assert_eq!(frontier.down_to(3), None);
    }

    #[test]
    fn the_frontier_skips_what_needs_no_request_and_never_moves_back() {
        let mut frontier = Frontier::new(0, 4);
        frontier.skip(10, |offset| offset < 3);
        assert_eq!(frontier.next(), 3);
        frontier.skip(10, |_| true);
        assert_eq!(frontier.next(), 10, "not past the bound");
        frontier.pass(5);
        assert_eq!(frontier.next(), 10);
        assert_eq!(
            Frontier::new(0, 0).up_to(3),
            Some(0..1),
            "a step is one at least"
        );
    }

    #[test]
    fn queued_ranges_go_before_new_ones_first_offset_first() {
        let mut offsets = Offsets::new(10);
        assert_eq!(offsets.next_range(100, |_| false), Some(0..10));
        offsets.ask_again(40..45);
        offsets.ask_again(5..7);
        offsets.ask_again(8..8);
        assert_eq!(offsets.next_range(100, |_| false), Some(5..7));
        assert_eq!(offsets.next_range(100, |_| false), Some(40..45));
        assert_eq!(offsets.next_range(100, |_| false), Some(10..20));
    }

    #[test]
    fn a_request_in_flight_is_answered_once_with_what_it_covers() {
        let mut offsets = Offsets::new(10);
        offsets.send(request(0), 0..10);
        offsets.send(request(10), 10..20);
        assert_eq!(offsets.requests(), 2);
        assert_eq!(offsets.in_flight(), 2);
        assert!(offsets.in_flight_at(10));
        assert_eq!(offsets.covered().count(), 20);
        assert_eq!(offsets.answered(request(10)), Some(10..20));
        assert_eq!(offsets.answered(request(10)), None);
        assert!(!offsets.in_flight_at(10));
        offsets.mark_done(10);
        assert!(offsets.is_done(10));
        assert!(!offsets.is_done(0));
        offsets.clear_in_flight();
        assert_eq!(offsets.in_flight(), 0);
        assert_eq!(offsets.requests(), 2, "what was sent stays counted");
    }

    #[test]
    fn failed_ranges_wait_for_a_retry() {
        let mut offsets = Offsets::new(10);
        offsets.fail(20..30);
        offsets.frontier.pass(100);
        assert_eq!(offsets.next_range(100, |_| false), None);
        offsets.retry_failed();
        assert_eq!(offsets.next_range(100, |_| false), Some(20..30));
        offsets.ask_again(1..2);
        offsets.clear_queued();
        assert_eq!(offsets.next_range(100, |_| false), None);
    }

    #[test]
    fn passing_an_offset_trims_what_is_queued_below_it() {
        let mut offsets = Offsets::new(10);
        offsets.ask_again(0..5);
        offsets.ask_again(3..12);
        offsets.pass(8);
        assert_eq!(offsets.next_range(100, |_| false), Some(8..12));
        assert_eq!(offsets.next_range(100, |_| false), Some(8..18));
    }
}
