//! One visitor's sync, pure: which pages to ask for given what the archive
//! holds, and which position each answered message takes. No clock, no I/O.
//!
//! Every message has a stable position counted from the oldest, computed
//! from the answer that carried it with that answer's own `total` (as the
//! engine's plan does): oldest-first it is the offset, newest-first
//! `total - 1 - offset`. The archive keeps each message's position, so what
//! is missing is exactly the positions below the server's count that it
//! lacks, whatever stopped the last sync.
//!
//! The first request tells whether the total changed: it asks for the page
//! that was the newest last time, so when nothing changed that one answer
//! also refreshes the newest messages' read receipts and the visitor costs
//! one request. Otherwise the missing positions are asked for, a page at a
//! time, in the order the server pages; then the newest page once more if
//! no answer has covered it yet. Work is bounded as in [`crate::paging`]:
//! more pages than [`PAGES_PER_PAGEFUL`] per page of missing messages plus
//! [`SPARE_PAGES`] stops the visitor with an error.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::archive::store::{Holdings, Placed, SyncState};
use crate::model::{EntryRef, Message, MessageId, Page, placeholder_id};
use crate::numbers::grouped;
#[cfg(doc)]
use crate::paging::PAGES_PER_PAGEFUL;
use crate::paging::{
    Offsets, PageRequest, PageSize, SPARE_PAGES, ServerOrder, detect_order, fair_pages,
};

/// Where one visitor's sync stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Still asking.
    Running,
    /// Every position the server counts is archived; this is what it saw.
    Synced(SyncStateSeen),
    /// The server's answers do not add up; said in words.
    Failed(String),
}

/// What a finished sync saw, to be kept as the visitor's sync state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncStateSeen {
    pub total: u64,
    pub order: ServerOrder,
    pub newest_id: Option<MessageId>,
}

impl SyncStateSeen {
    /// As kept in the archive, synced at `at`.
    pub fn at(self, at: chrono::DateTime<chrono::Utc>) -> SyncState {
        SyncState {
            total: self.total,
            order: self.order,
            newest_id: self.newest_id,
            synced_at: at,
        }
    }
}

/// One visitor's sync plan.
#[derive(Debug)]
pub struct VisitorSync {
    page_size: PageSize,
    order: ServerOrder,
    /// The count the last complete sync saw.
    previous_total: Option<u64>,
    /// The largest count answered in this sync.
    total: Option<u64>,
    /// Positions archived (before or during this sync).
    have: BTreeSet<u64>,
    /// (position, id) of each message archived before this sync.
    archived: BTreeSet<(u64, MessageId)>,
    /// Positions archived before where the server now has another message.
    differs: BTreeSet<u64>,
    /// Requests in flight, each with the positions it was meant to cover.
    offsets: Offsets,
    /// Whether an answer covered the newest position of the largest count.
    newest_seen: bool,
    newest_id: Option<MessageId>,
    /// Pages answered; the first is free of the budget.
    pages: u64,
    /// Positions missing when the probe answered: the budget's measure.
    missing_at_start: u64,
    new_messages: u64,
    /// Without an order: the next offset to read.
    sequential_next: u64,
    /// Where this sync placed each message: one the server repeats at
    /// another position does not fill that one.
    placed_at: HashMap<MessageId, u64>,
    failed: Option<String>,
}

impl VisitorSync {
    /// A sync that starts from what the archive holds.
    pub fn new(page_size: PageSize, holdings: &Holdings) -> Self {
        let (order, previous_total, newest_id) = match holdings.state {
            Some(state) => (state.order, Some(state.total), state.newest_id),
            None => (ServerOrder::Unknown, None, None),
        };
        VisitorSync {
            page_size,
            order,
            previous_total,
            total: None,
            have: holdings.positions.iter().copied().collect(),
            archived: holdings.placed_ids.iter().copied().collect(),
            differs: BTreeSet::new(),
            offsets: Offsets::new(u64::from(page_size.get())),
            newest_seen: false,
            newest_id,
            pages: 0,
            missing_at_start: 0,
            new_messages: 0,
            sequential_next: 0,
            placed_at: HashMap::new(),
            failed: None,
        }
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.offsets.requests()
    }

    /// Positions this sync archived that the archive lacked.
    pub fn new_messages(&self) -> u64 {
        self.new_messages
    }

    /// Archived positions at which an answer of this sync brought a
    /// message the archive does not have there: the server's history was
    /// rewritten (a message deleted, say) since they were archived.
    pub fn differences(&self) -> u64 {
        self.differs.len() as u64
    }

    /// Requests in flight.
    pub fn in_flight(&self) -> usize {
        self.offsets.in_flight()
    }

    /// How many archived positions lie at or beyond the server's count:
    /// the history shrank by that many since they were archived.
    pub fn held_beyond_total(&self) -> Option<u64> {
        let total = self.total?;
        let beyond = self.have.range(total..).count() as u64;
        (beyond > 0).then_some(beyond)
    }

    /// Where the sync stands.
    pub fn outcome(&self) -> Outcome {
        if let Some(reason) = &self.failed {
            return Outcome::Failed(reason.clone());
        }
        match self.total {
            Some(total)
                if self.order == ServerOrder::Unordered
                    && self.offsets.in_flight() == 0
                    && self.newest_seen
                    && (self.placed_at.len() as u64) < total =>
            {
                Outcome::Failed(format!(
                    "{} of the {total} messages the server counted did not arrive",
                    total - self.placed_at.len() as u64
                ))
            }
            Some(total)
                if self.offsets.in_flight() == 0
                    && self.newest_seen
                    && (self.order == ServerOrder::Unordered || self.missing(total).is_empty()) =>
            {
                Outcome::Synced(SyncStateSeen {
                    total,
                    order: self.order,
                    newest_id: self.newest_id,
                })
            }
            _ => Outcome::Running,
        }
    }

    /// Up to `room` requests to send now.
    pub fn next_requests(&mut self, room: usize) -> Vec<PageRequest> {
        let mut out = Vec::new();
        if room == 0 || self.failed.is_some() || self.outcome() != Outcome::Running {
            return out;
        }
        let Some(total) = self.total else {
            if self.offsets.in_flight() == 0 {
                let probe = self.probe();
                self.send(probe, 0..0, &mut out);
            }
            return out;
        };
        if self.order == ServerOrder::Unordered {
            // Without an order positions mean nothing: every offset is read.
            if self.offsets.in_flight() == 0 && self.sequential_next < total {
                let request = PageRequest {
                    offset: self.sequential_next,
                    limit: self.page_size,
                };
                self.sequential_next = self.sequential_next.saturating_add(self.page());
                self.send(request, 0..0, &mut out);
            }
            return out;
        }
        let planned: BTreeSet<u64> = self.offsets.covered().collect();
        let mut runs: Vec<Range<u64>> = Vec::new();
        for position in self.missing(total) {
            if planned.contains(&position) {
                continue;
            }
            match runs.last_mut() {
                Some(run) if run.end == position && run.end - run.start < self.page() => {
                    run.end += 1;
                }
                _ => runs.push(position..position + 1),
            }
        }
        // Newest-first pages begin at the newest end: ask for the newest runs first.
        if self.order == ServerOrder::NewestFirst {
            runs.reverse();
        }
        for run in runs.into_iter().take(room) {
            let request = self.request_for(&run, total);
            self.send(request, run, &mut out);
        }
        if out.is_empty() && self.offsets.in_flight() == 0 && !self.newest_seen {
            let newest = total.saturating_sub(self.page())..total;
            let request = self.request_for(&newest, total);
            self.send(request, newest, &mut out);
        }
        out
    }

    fn page(&self) -> u64 {
        u64::from(self.page_size.get())
    }

    /// The first request: last time's newest page when the order is known.
    fn probe(&self) -> PageRequest {
        match (self.order, self.previous_total) {
            (ServerOrder::OldestFirst, Some(total)) => PageRequest {
                offset: total.saturating_sub(self.page()),
                limit: self.page_size,
            },
            _ => PageRequest::probe(self.page_size),
        }
    }

    fn request_for(&self, range: &Range<u64>, total: u64) -> PageRequest {
        self.order.request_for(range, total, self.page_size)
    }

    fn send(&mut self, request: PageRequest, range: Range<u64>, out: &mut Vec<PageRequest>) {
        self.offsets.send(request, range);
        out.push(request);
    }

    /// Positions below `total` the archive lacks.
    fn missing(&self, total: u64) -> Vec<u64> {
        let mut missing = Vec::new();
        let mut next = 0;
        for &held in self.have.range(..total) {
            missing.extend(next..held);
            next = held + 1;
        }
        missing.extend(next..total);
        missing
    }

    /// A request failed after its retries: the visitor stops with the reason.
    pub fn failed(&mut self, request: PageRequest, reason: String) {
        self.offsets.answered(request);
        self.failed.get_or_insert(reason);
    }

    /// Takes the answer to `request`: the messages to archive, each with
    /// its position when the order gives one.
    pub fn accept(&mut self, request: PageRequest, page: Page) -> Vec<Placed> {
        if self.offsets.answered(request).is_none() {
            return Vec::new();
        }
        self.pages += 1;
        let total = page.total;
        let first = self.total.is_none();
        if self.order == ServerOrder::Unknown && page.messages.len() >= 2 {
            self.order = detect_order(&page.messages);
        }
        if self.order == ServerOrder::Unknown && total <= page.messages.len() as u64 {
            // A whole list of one (or none) has every order.
            self.order = ServerOrder::OldestFirst;
        }
        let largest = self.total.unwrap_or(0).max(total);
        if self.total.is_some_and(|before| largest > before) {
            // Growth: the newest page is another one now.
            self.newest_seen = false;
        }
        self.total = Some(largest);
        let answered = (page.messages.len() as u64).min(u64::from(request.limit.get()));
        if answered == 0 && request.offset < total {
            self.failed.get_or_insert_with(|| {
                format!(
                    "the server counts {total} messages but sent none at offset {}",
                    request.offset
                )
            });
            return Vec::new();
        }
        let mut placed = Vec::new();
        for (i, mut message) in (0u64..).zip(page.messages).take(answered as usize) {
            let mut position = position_of(self.order, request.offset.saturating_add(i), total);
            fix_placeholder(&mut message, position);
            if let Some(at) = position
                && *self.placed_at.entry(message.id).or_insert(at) != at
            {
                // A repeat: the message is archived once, where it came first,
                // and this position stays missing.
                position = None;
            }
            if let Some(position) = position {
                if self.have.insert(position) {
                    self.new_messages += 1;
                } else if self.archived_elsewhere(position, message.id) {
                    self.differs.insert(position);
                }
                if total == largest && position + 1 == total {
                    self.newest_seen = true;
                    self.newest_id = Some(message.id);
                }
            }
            placed.push(Placed { position, message });
        }
        if largest == 0 {
            // An empty history has no newest page to see again.
            self.newest_seen = true;
        }
        if self.order == ServerOrder::Unordered {
            for (i, entry) in (0u64..).zip(&placed) {
                self.placed_at
                    .entry(entry.message.id)
                    .or_insert(request.offset.saturating_add(i));
            }
            if first {
                self.sequential_next = request.offset.saturating_add(answered);
            }
            self.newest_seen = self.sequential_next >= largest;
            self.new_messages = self.placed_at.len() as u64;
        }
        if first {
            self.missing_at_start = self.missing(largest).len() as u64;
        } else if self.over_budget() {
            self.failed.get_or_insert_with(|| {
                "the server's answers do not add up (pages that bring nothing new)".to_owned()
            });
        }
        placed
    }

    /// Whether the archive held other messages at `position`, but not `id`.
    fn archived_elsewhere(&self, position: u64, id: MessageId) -> bool {
        let mut there = self
            .archived
            .range((position, MessageId::MIN)..=(position, MessageId::MAX));
        there.next().is_some() && !self.archived.contains(&(position, id))
    }

    fn over_budget(&self) -> bool {
        let page_fuls = self.missing_at_start.div_ceil(self.page()).max(1);
        self.pages > 1 + fair_pages(page_fuls, SPARE_PAGES)
    }
}

/// A count that shrank since the archive, in words: "the server now counts
/// 40 fewer messages than the archive".
pub fn fewer_in_words(count: u64) -> String {
    let messages = if count == 1 { "message" } else { "messages" };
    format!(
        "the server now counts {} fewer {messages} than the archive",
        grouped(count)
    )
}

/// Archived places the server now fills with other messages, in words:
/// "the archive differs from the server at 3 places".
pub fn differs_in_words(places: u64) -> String {
    let noun = if places == 1 { "place" } else { "places" };
    format!(
        "the archive differs from the server at {} {noun}",
        grouped(places)
    )
}

/// The place counted from the oldest of the message at `offset` of an
/// answer that counted `total`, when the order gives one.
fn position_of(order: ServerOrder, offset: u64, total: u64) -> Option<u64> {
    match order {
        ServerOrder::OldestFirst => Some(offset),
        ServerOrder::NewestFirst => total.checked_sub(offset.saturating_add(1)),
        _ => None,
    }
}

/// An unreadable entry's id was its offset, which moves; its position does not.
fn fix_placeholder(message: &mut Message, position: Option<u64>) {
    if let Some(at) = position
        && let Some(unreadable) = &message.unreadable
        && matches!(unreadable.entry, EntryRef::Offset(_))
    {
        message.id = placeholder_id(at);
    }
}

/// The messages of one answer to `request`, each with its position by the
/// answer's own total, as the archive keeps them: for a reader that pages
/// on its own (the conversation's pager) rather than through a sync plan.
pub fn placed(order: ServerOrder, request: PageRequest, page: Page) -> Vec<Placed> {
    let answered = u64::from(request.limit.get());
    (0u64..)
        .zip(page.messages)
        .take_while(|(i, _)| *i < answered)
        .map(|(i, mut message)| {
            let position = position_of(order, request.offset.saturating_add(i), page.total);
            fix_placeholder(&mut message, position);
            Placed { position, message }
        })
        .collect()
}
