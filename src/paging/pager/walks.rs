//! How each answer moves the pager's walk on, phase by phase.

use std::collections::HashSet;

use crate::model::{Message, MessageId};

use super::{Answer, Chase, Pager, Phase};
use crate::paging::{
    BARREN_PAGES, CATCH_UP_PATIENCE, SPARE_PAGES, ServerOrder, Stop, detect_order, fair_pages,
};

impl Pager {
    /// Counts the answer into the walk; true if it shows the server
    /// contradicting itself, after which nothing it says is worth asking for.
    pub(super) fn contradicted_by(&mut self, answer: Answer, messages: &[Message]) -> bool {
        self.walk.pages += 1;
        if answer.received == 0 {
            // The count says there is a message at this offset.
            return answer.offset < answer.total;
        }
        let known = self.walk.ids.len();
        self.walk.ids.extend(messages.iter().map(|m| m.id));
        if self.walk.ids.len() > known {
            self.walk.barren_run = 0;
        } else if answer.growth == 0 && !self.holds_any(messages) {
            // Growth shifts known messages into a newest-first page, and the
            // catch-up fetches held arrivals again on purpose: neither is a repeat.
            self.walk.barren_run += 1;
        }
        if self.order == ServerOrder::NewestFirst {
            let shifted = answer.growth.min(answer.positions);
            self.walk.shifted = self.walk.shifted.saturating_add(shifted);
        }
        let distinct = self.walk.ids.len() as u64;
        // Counted in the smaller pages, so a walk that changed size is not cut short.
        let page_fuls = distinct
            .saturating_add(self.walk.shifted)
            .div_ceil(u64::from(self.page_size.get()));
        distinct > answer.total
            || self.walk.barren_run >= BARREN_PAGES
            || self.walk.pages > fair_pages(page_fuls, SPARE_PAGES)
    }

    /// Oldest-first, the newest page the count promised was empty: the count
    /// is a lie (or the list shrank), and where the newest messages are is
    /// not known. The oldest ones are: show them, and read on from there
    /// until the list ends, which is the newest end that can be established.
    pub(super) fn read_forward_from_oldest(&mut self) -> Vec<Message> {
        self.count_doubted = true;
        self.walk.pages += 1;
        self.phase = Phase::Sequential {
            next: self.probe_end,
        };
        std::mem::take(&mut self.held_oldest)
    }

    /// True if any of `messages` is held back for the newest-first catch-up.
    pub(super) fn holds_any(&self, messages: &[Message]) -> bool {
        if self.early_arrivals.is_empty() && self.held_newest.is_empty() {
            return false;
        }
        let ids: HashSet<MessageId> = messages.iter().map(|m| m.id).collect();
        self.early_arrivals
            .iter()
            .chain(&self.held_newest)
            .any(|m| ids.contains(&m.id))
    }

    /// Stops for good after a contradiction; `show` and everything held back
    /// are shown, so no message received is lost.
    pub(super) fn give_up(&mut self, mut show: Vec<Message>) -> Vec<Message> {
        self.phase = Phase::Complete;
        self.stop = Some(Stop::Inconsistent {
            received: self.received(),
        });
        show.append(&mut self.release_held());
        show
    }

    pub(super) fn release_held(&mut self) -> Vec<Message> {
        let mut held = std::mem::take(&mut self.held_oldest);
        held.append(&mut self.early_arrivals);
        held.append(&mut self.held_newest);
        held
    }

    /// The walk towards the oldest message is over, having asked for the
    /// offsets of `expected` messages: true if as many distinct ones came,
    /// not counting `elsewhere` received for other offsets, else the pager
    /// stops with them missing.
    pub(super) fn reach_beginning(&mut self, expected: u64, elsewhere: u64) -> bool {
        let received = self.received().saturating_sub(elsewhere);
        if received >= expected {
            self.beginning = true;
            return true;
        }
        self.phase = Phase::Complete;
        self.stop = Some(Stop::Missing {
            missing: expected - received,
            total: expected,
        });
        false
    }

    /// Nothing is left to ask for: complete, if every message counted came.
    pub(super) fn finish(&mut self) {
        self.phase = Phase::Complete;
        let total = self.total.unwrap_or(0);
        let received = self.received();
        if received < total {
            self.stop = Some(Stop::Missing {
                missing: total - received,
                total,
            });
        }
    }

    /// Goes on with `phase` while the chase after `backlog` arrivals is worth
    /// it; else pauses there, so `r` can resume it.
    pub(super) fn chase_or_pause(&mut self, backlog: u64, phase: Phase) {
        if !self.keep_chasing(backlog) {
            self.stop = Some(Stop::Behind {
                not_loaded: backlog,
            });
        }
        self.phase = phase;
    }

    /// The first page tells the order, unless it holds everything.
    pub(super) fn after_probe(&mut self, answer: Answer, mut show: Vec<Message>) -> Vec<Message> {
        if answer.positions >= answer.total {
            if self.reach_beginning(answer.total, 0) {
                self.finish();
            }
            return show;
        }
        self.order = detect_order(&show);
        self.phase = match self.order {
            ServerOrder::OldestFirst => {
                self.held_oldest = std::mem::take(&mut show);
                self.probe_end = answer.positions;
                Phase::OldestFirstTail
            }
            ServerOrder::NewestFirst => Phase::NewestFirstOlder {
                next: answer.positions,
            },
            _ => Phase::Sequential {
                next: answer.positions,
            },
        };
        show
    }

    /// Oldest-first, walking down from the newest page: once the walk reaches
    /// the held probe page, everything from the oldest message up is shown.
    pub(super) fn after_oldest_first_older(
        &mut self,
        answer: Answer,
        mut show: Vec<Message>,
    ) -> Vec<Message> {
        if answer.offset > self.probe_end && answer.received > 0 {
            self.phase = Phase::OldestFirstOlder { low: answer.offset };
            return show;
        }
        show.append(&mut self.held_oldest);
        if !self.reach_beginning(self.newest_end, 0) {
            return show;
        }
        let arrived = answer.total.saturating_sub(self.newest_end);
        if arrived > 0 {
            let end = self.newest_end;
            self.chase_or_pause(arrived, Phase::OldestFirstCatchUp { end });
        } else {
            self.finish();
        }
        show
    }

    /// Oldest-first: arrivals are appended after `end`, so each page of them
    /// joins what is shown.
    pub(super) fn after_oldest_first_catch_up(
        &mut self,
        answer: Answer,
        end: u64,
        show: Vec<Message>,
    ) -> Vec<Message> {
        let end = end.saturating_add(answer.positions);
        if answer.received == 0 || end >= answer.total {
            self.finish();
        } else {
            self.chase_or_pause(answer.total - end, Phase::OldestFirstCatchUp { end });
        }
        show
    }

    /// Newest-first, walking towards the oldest message.
    pub(super) fn after_newest_first_older(
        &mut self,
        answer: Answer,
        mut show: Vec<Message>,
    ) -> Vec<Message> {
        let next = self.newest_first_step(answer, &mut show);
        if answer.received > 0 && next < answer.total {
            self.phase = Phase::NewestFirstOlder { next };
            return show;
        }
        // The count includes the arrivals, which are the catch-up's to fetch;
        // those that came early do not stand for older messages.
        let early: HashSet<MessageId> = self.early_arrivals.iter().map(|m| m.id).collect();
        let expected = answer.total.saturating_sub(self.grown_since_start);
        if self.reach_beginning(expected, early.len() as u64) {
            show.append(&mut self.start_newest_first_catch_up());
        }
        show
    }

    /// Newest-first: a round of arrivals is held until it reaches what is shown.
    pub(super) fn after_newest_first_catch_up(
        &mut self,
        answer: Answer,
        boundary: u64,
        mut show: Vec<Message>,
    ) -> Vec<Message> {
        let next = self.newest_first_step(answer, &mut show);
        let boundary = boundary.saturating_add(answer.growth);
        self.held_newest.append(&mut show);
        if next >= boundary || answer.received == 0 {
            // The round reached what is shown: no hole, show it all.
            let mut round = std::mem::take(&mut self.held_newest);
            round.append(&mut self.start_newest_first_catch_up());
            return round;
        }
        // Showing half a round would leave a hole: a pause keeps it held.
        let backlog = (boundary - next).saturating_add(self.grown_since_start);
        self.chase_or_pause(backlog, Phase::NewestFirstCatchUp { next, boundary });
        Vec::new()
    }

    /// No order: every page is shown as it comes, start to end.
    pub(super) fn after_sequential(&mut self, answer: Answer, show: Vec<Message>) -> Vec<Message> {
        let next = answer.offset.saturating_add(answer.positions);
        if answer.received > 0 && next < answer.total {
            self.phase = Phase::Sequential { next };
        } else if self.reach_beginning(answer.total, 0) {
            self.finish();
        }
        show
    }

    /// Whether to send another catch-up request, given the `backlog` of
    /// arrivals still to fetch: yes while the backlog keeps reaching new lows,
    /// and for [`CATCH_UP_PATIENCE`] requests after the last time it did.
    pub(super) fn keep_chasing(&mut self, backlog: u64) -> bool {
        let chase = self.chase.get_or_insert(Chase {
            least_backlog: backlog,
            idle_requests: 0,
        });
        if backlog < chase.least_backlog {
            chase.least_backlog = backlog;
            chase.idle_requests = 0;
        } else {
            chase.idle_requests = chase.idle_requests.saturating_add(1);
        }
        chase.idle_requests <= CATCH_UP_PATIENCE
    }

    /// Newest-first: takes a page answered at `answer.offset` after
    /// `answer.growth` new arrivals, moves out of `show` what are arrivals
    /// rather than the older messages asked for, and returns where the next
    /// page starts.
    ///
    /// The page sits at its offset in the new frame, while everything known
    /// before it moved `growth` places down, so coverage reaches whichever
    /// ends further. Arrivals occupy offsets `0..grown_since_start`; a page
    /// reaching into them would show them apart from their older neighbours,
    /// a hole in the view, so they wait for the catch-up round that fetches
    /// their offsets, and are shown with it.
    pub(super) fn newest_first_step(&mut self, answer: Answer, show: &mut Vec<Message>) -> u64 {
        self.grown_since_start = self.grown_since_start.saturating_add(answer.growth);
        if answer.offset == 0 && answer.positions >= self.grown_since_start {
            // A page from the top that reaches past the arrivals has fetched them all.
            self.grown_since_start = 0;
        }
        let arrivals_in_page = self
            .grown_since_start
            .saturating_sub(answer.offset)
            .min(answer.positions);
        let arrivals = usize::try_from(arrivals_in_page)
            .unwrap_or(usize::MAX)
            .min(show.len());
        self.early_arrivals.extend(show.drain(..arrivals));
        answer
            .offset
            .saturating_add(answer.positions.max(answer.growth))
    }

    /// Newest-first: the arrivals since the walk or the last round began are
    /// at the front; fetch them from offset 0, if there are any and they are
    /// still worth chasing. Returns early arrivals that no round needs any more.
    pub(super) fn start_newest_first_catch_up(&mut self) -> Vec<Message> {
        let arrived = self.grown_since_start;
        if arrived == 0 {
            // A page from the top covered them: they join what is shown.
            self.finish();
            return std::mem::take(&mut self.early_arrivals);
        }
        self.grown_since_start = 0;
        self.held_newest.append(&mut self.early_arrivals);
        self.chase_or_pause(
            arrived,
            Phase::NewestFirstCatchUp {
                next: 0,
                boundary: arrived,
            },
        );
        Vec::new()
    }
}
