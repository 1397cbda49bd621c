//! The pager: one conversation's walk over its history, a request at a
//! time, and which fetched messages the view may show (see [`crate::paging`]).

use std::collections::HashSet;

use crate::model::{Message, MessageId, Page};

use super::{Frontier, MAX_HELD, PageRequest, PageSize, READ_LIMIT, ServerOrder, Stop};

#[cfg(test)]
mod tests;
mod walks;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    /// Nothing asked yet: ask for offset 0 to learn the total and the order.
    Probe,
    /// Oldest-first: fetch the newest page, at the end of the list.
    OldestFirstTail,
    /// Oldest-first: walk down from `low` towards the held probe page.
    OldestFirstOlder {
        low: u64,
    },
    /// Oldest-first: fetch what arrived after `end` (offsets are stable).
    OldestFirstCatchUp {
        end: u64,
    },
    /// Newest-first: walk up from `next`, shifted by growth as it happens.
    NewestFirstOlder {
        next: u64,
    },
    /// Newest-first: fetch the arrivals from offset 0 (then `next`) down to
    /// `boundary`, the offset where the messages already shown begin.
    NewestFirstCatchUp {
        next: u64,
        boundary: u64,
    },
    /// No order: fetch `next` onwards until the end.
    Sequential {
        next: u64,
    },
    Complete,
}

/// Decides the next page request and which fetched messages the view may show.
#[derive(Clone, Debug)]
pub struct Pager {
    /// Pages of this size while the reader scrolls.
    page_size: PageSize,
    /// Pages of this size while the reader wants everything ([`Pager::want_everything`]).
    whole_history_size: PageSize,
    /// True while the reader wants the whole history.
    everything: bool,
    phase: Phase,
    order: ServerOrder,
    /// The `total` of the last answer.
    total: Option<u64>,
    /// Oldest-first only: the probe page, the very oldest messages, shown once
    /// the walk from the newest end reaches them.
    held_oldest: Vec<Message>,
    /// Oldest-first only: the offsets the probe page covered, `0..probe_end`.
    probe_end: u64,
    /// Oldest-first only: the offset just past the newest message fetched.
    newest_end: u64,
    /// Newest-first only: how many messages arrived (per `total`) since the walk
    /// or the current catch-up round began. They sit at offsets `0..` and are
    /// not fetched yet.
    grown_since_start: u64,
    /// Newest-first only: arrivals that came in a page before their turn, kept
    /// for the catch-up round that fetches their offsets.
    early_arrivals: Vec<Message>,
    /// Newest-first only: the current catch-up round's messages, shown together
    /// once the round reaches the messages already shown, so the view never has a hole.
    held_newest: Vec<Message>,
    /// How the chase after new arrivals is going, once it has begun.
    chase: Option<Chase>,
    /// Every distinct message id received, over all walks.
    received: HashSet<MessageId>,
    /// What the current walk has gained, to tell a slow server from one that repeats itself.
    walk: Walk,
    /// Messages read in the phases that fetch on their own since the reader last said go on.
    read_unasked: u64,
    /// The walk towards the oldest message ended with nothing missing.
    beginning: bool,
    /// The server counted messages where it had none: its count says
    /// nothing about where the loaded messages stand.
    count_doubted: bool,
    /// Oldest-first: the offset just past the newest message any page brought.
    listed_end: Option<u64>,
    stop: Option<Stop>,
}

/// Progress of the catch-up: the smallest backlog of unfetched arrivals seen,
/// and how many requests since it last shrank.
#[derive(Clone, Copy, Debug)]
struct Chase {
    least_backlog: u64,
    idle_requests: u32,
}

/// The pages of one walk (from the start, or since the reader pressed `r`)
/// and the distinct messages they brought.
#[derive(Clone, Debug, Default)]
struct Walk {
    ids: HashSet<MessageId>,
    pages: u64,
    /// Newest-first: offsets of pages that growth had shifted known messages into.
    shifted: u64,
    /// Pages in a row that brought nothing new while the count stood still.
    barren_run: u32,
}

/// What one answer says, beyond its messages.
#[derive(Clone, Copy, Debug)]
struct Answer {
    /// Where the page starts.
    offset: u64,
    /// Entries in the page.
    received: u64,
    /// The offsets the page answers for: the entries, but no more than were
    /// asked for. Offsets advance by these, so a page repeating its entries
    /// cannot push the next request past messages never seen.
    positions: u64,
    /// The answer's `total`.
    total: u64,
    /// How many messages arrived since the previous answer, per the totals.
    growth: u64,
}

impl Pager {
    /// A pager asking for pages of `page_size` messages.
    pub fn new(page_size: PageSize) -> Self {
        Self {
            page_size,
            whole_history_size: page_size,
            everything: false,
            phase: Phase::Probe,
            order: ServerOrder::Unknown,
            total: None,
            held_oldest: Vec::new(),
            probe_end: 0,
            newest_end: 0,
            grown_since_start: 0,
            early_arrivals: Vec::new(),
            held_newest: Vec::new(),
            chase: None,
            received: HashSet::new(),
            walk: Walk::default(),
            read_unasked: 0,
            beginning: false,
            count_doubted: false,
            listed_end: None,
            stop: None,
        }
    }

    /// The same pager, asking for pages of `size` (never fewer than its
    /// page size) while the reader wants the whole history.
    #[must_use]
    pub fn with_whole_history_size(mut self, size: PageSize) -> Self {
        self.whole_history_size = size.max(self.page_size);
        self
    }

    /// Whether the reader wants the whole history now (`g`, a search or a
    /// jump loading): larger pages then, fewer requests.
    pub fn want_everything(&mut self, everything: bool) {
        self.everything = everything;
    }

    /// The size of the pages asked for now.
    fn size(&self) -> PageSize {
        if self.everything {
            self.whole_history_size
        } else {
            self.page_size
        }
    }

    /// Oldest-first: the offset just past the newest message a page brought,
    /// where the list is known to end (its count may say otherwise).
    pub fn listed_end(&self) -> Option<u64> {
        self.listed_end
    }

    /// The server's message count, once known.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// How many distinct messages have arrived.
    pub fn received(&self) -> u64 {
        self.received.len() as u64
    }

    /// The order the server was found to page in.
    pub fn order(&self) -> ServerOrder {
        self.order
    }

    /// True once every message the server counted has been fetched.
    pub fn is_complete(&self) -> bool {
        self.phase == Phase::Complete && self.stop.is_none()
    }

    /// Why the pager stopped before it had everything, if it did.
    pub fn stopped(&self) -> Option<Stop> {
        self.stop
    }

    /// Messages received but held back until the gap below them closes.
    pub fn held_back(&self) -> impl Iterator<Item = &Message> {
        self.held_oldest
            .iter()
            .chain(&self.early_arrivals)
            .chain(&self.held_newest)
    }

    /// True while the server's count can place the loaded messages from the
    /// newest end: its order is known, the newest page came where the count
    /// put it, and it has not been caught contradicting itself.
    pub fn count_places_newest(&self) -> bool {
        matches!(
            self.order,
            ServerOrder::OldestFirst | ServerOrder::NewestFirst
        ) && !self.count_doubted
            && !self.stop.is_some_and(|stop| stop.is_problem())
    }

    /// True once the walk towards the oldest message is over with nothing
    /// missing: everything older than the first message shown is loaded
    /// (newer arrivals may still be on their way). Never true while the server
    /// is known to have sent fewer messages than it counts.
    pub fn reached_beginning(&self) -> bool {
        self.beginning && !self.stop.is_some_and(|stop| stop.is_problem())
    }

    /// True while the next request is needed before the newest messages can be
    /// shown, or is catching up with new arrivals: the caller fetches it without
    /// waiting for the reader to scroll.
    pub fn wants_eager_fetch(&self) -> bool {
        matches!(
            self.phase,
            Phase::Probe
                | Phase::OldestFirstTail
                | Phase::Sequential { .. }
                | Phase::OldestFirstCatchUp { .. }
                | Phase::NewestFirstCatchUp { .. }
        )
    }

    /// The reader asked for more (`g`): the pager may read another
    /// [`READ_LIMIT`] messages on its own, and goes on if that is what stopped it.
    pub fn read_on(&mut self) {
        self.read_unasked = 0;
        if matches!(self.stop, Some(Stop::ReadLimit { .. })) {
            self.stop = None;
        }
    }

    /// The reader asked to try again (`r`): a pause is lifted, and after a
    /// problem the pager walks the list again from the start, keeping count
    /// of what arrived before. False if it had not stopped.
    pub fn try_again(&mut self) -> bool {
        let Some(stop) = self.stop.take() else {
            return false;
        };
        if stop.is_problem() {
            *self = Pager {
                total: self.total,
                received: std::mem::take(&mut self.received),
                everything: self.everything,
                ..Pager::new(self.page_size).with_whole_history_size(self.whole_history_size)
            };
        } else {
            self.read_unasked = 0;
            self.chase = None;
            self.walk = Walk::default();
        }
        true
    }

    /// The request to send next, or `None` when everything is loaded or the
    /// pager has stopped.
    pub fn next_request(&self) -> Option<PageRequest> {
        if self.stop.is_some() {
            return None;
        }
        let size = self.size();
        let page = u64::from(size.get());
        let total = self.total.unwrap_or(0);
        let request = |offset: u64, wanted: u64| PageRequest {
            offset,
            limit: size.at_most(wanted),
        };
        match self.phase {
            Phase::Probe => Some(PageRequest::probe(size)),
            Phase::OldestFirstTail => {
                let offset = total.saturating_sub(page).max(self.probe_end);
                Some(request(offset, total.saturating_sub(offset)))
            }
            Phase::OldestFirstOlder { low } => {
                let offset = low.saturating_sub(page).max(self.probe_end);
                Some(request(offset, low.saturating_sub(offset)))
            }
            // A whole page, not just what the last answer counted: whatever
            // arrived since comes in the same request.
            Phase::OldestFirstCatchUp { end } => Some(request(end, page)),
            Phase::NewestFirstOlder { next }
            | Phase::NewestFirstCatchUp { next, .. }
            | Phase::Sequential { next } => Some(request(next, page)),
            Phase::Complete => None,
        }
    }

    /// Up to `count` requests, the next one first, that the walk towards the
    /// oldest message will send if every page comes full and nothing grows:
    /// what may be fetched ahead, several at a time. A page fetched ahead
    /// that turns out not to be the one asked for next is simply not used.
    /// Only the walks towards the oldest message (and an unordered read)
    /// look ahead; other phases give just [`Pager::next_request`].
    pub fn upcoming(&self, count: usize) -> Vec<PageRequest> {
        let Some(first) = self.next_request() else {
            return Vec::new();
        };
        let size = self.size();
        let page = u64::from(size.get());
        let total = self.total.unwrap_or(0);
        let mut out = vec![first];
        // Down from the next request's offset to the held probe page, or up
        // from just past it to the count.
        let (mut frontier, down) = match self.phase {
            Phase::OldestFirstOlder { .. } => (Frontier::new(first.offset, page), true),
            Phase::NewestFirstOlder { .. } | Phase::Sequential { .. } => (
                Frontier::new(first.offset.saturating_add(page), page),
                false,
            ),
            _ => return out,
        };
        while out.len() < count {
            let next = if down {
                frontier.down_to(self.probe_end).map(|range| PageRequest {
                    offset: range.start,
                    limit: size.at_most(range.end - range.start),
                })
            } else {
                frontier.up_to(total).map(|range| PageRequest {
                    offset: range.start,
                    limit: size,
                })
            };
            let Some(next) = next else { break };
            out.push(next);
        }
        out
    }

    /// The archive holds all `total` messages (`ids`), in a list that pages
    /// in `order`: nothing is left to walk, as if the walk had just ended.
    /// Called again when a check for new messages found the list grown.
    pub fn restore_complete(
        &mut self,
        total: u64,
        order: ServerOrder,
        ids: impl IntoIterator<Item = MessageId>,
    ) {
        self.phase = Phase::Complete;
        self.order = order;
        self.total = Some(total);
        self.beginning = true;
        self.stop = None;
        self.received.extend(ids);
        if order == ServerOrder::OldestFirst {
            self.newest_end = total;
            self.listed_end = Some(total);
        }
    }

    /// Takes the answer to `request` and returns the messages the view may show now.
    pub fn accept(&mut self, request: PageRequest, page: Page) -> Vec<Message> {
        self.received.extend(page.messages.iter().map(|m| m.id));
        if self.phase == Phase::Complete || self.stop.is_some() {
            // Nothing was asked for: the caller's stale answer, shown as it is.
            return page.messages;
        }
        let received = page.messages.len() as u64;
        let answer = Answer {
            offset: request.offset,
            received,
            positions: received.min(u64::from(request.limit)),
            total: page.total,
            growth: page.total.saturating_sub(self.total.unwrap_or(page.total)),
        };
        self.total = Some(page.total);
        if self.wants_eager_fetch() {
            self.read_unasked = self.read_unasked.saturating_add(received);
        }
        if self.phase == Phase::OldestFirstTail && received == 0 && answer.offset > self.probe_end {
            return self.read_forward_from_oldest();
        }
        if self.contradicted_by(answer, &page.messages) {
            return self.give_up(page.messages);
        }
        let show = page.messages;
        let mut show = match std::mem::replace(&mut self.phase, Phase::Complete) {
            Phase::Probe => self.after_probe(answer, show),
            Phase::OldestFirstTail => {
                // Offsets are stable oldest-first: catch-up starts right after the tail.
                self.newest_end = answer.offset.saturating_add(answer.positions);
                self.after_oldest_first_older(answer, show)
            }
            Phase::OldestFirstOlder { .. } => self.after_oldest_first_older(answer, show),
            Phase::OldestFirstCatchUp { end } => {
                self.after_oldest_first_catch_up(answer, end, show)
            }
            Phase::NewestFirstOlder { .. } => self.after_newest_first_older(answer, show),
            Phase::NewestFirstCatchUp { boundary, .. } => {
                self.after_newest_first_catch_up(answer, boundary, show)
            }
            Phase::Sequential { .. } => self.after_sequential(answer, show),
            Phase::Complete => show,
        };
        if self.order == ServerOrder::OldestFirst && answer.positions > 0 {
            let end = answer.offset.saturating_add(answer.positions);
            self.listed_end = Some(self.listed_end.map_or(end, |known| known.max(end)));
        }
        let held = self.held_oldest.len() + self.early_arrivals.len() + self.held_newest.len();
        if held > MAX_HELD || self.grown_since_start > MAX_HELD as u64 {
            show.append(&mut self.give_up(Vec::new()));
        } else if self.stop.is_some_and(|stop| stop.is_problem()) {
            show.append(&mut self.release_held());
        } else if self.stop.is_none() && self.wants_eager_fetch() && self.read_unasked >= READ_LIMIT
        {
            self.stop = Some(Stop::ReadLimit {
                read: self.read_unasked,
            });
        }
        show
    }
}
