//! Which page of the message list to ask for next.
//!
//! The API pages by `offset`/`limit` and promises no order: the sample puts the
//! oldest message at offset 0, but a server may just as well page newest-first,
//! and a live conversation grows while we page. The pager learns the order from
//! the first page, fetches the newest messages first, then walks towards the
//! oldest, and finally catches up with messages that arrived meanwhile:
//!
//! - oldest-first: growth appends at the end, so offsets of known messages never
//!   move. The probe page (offset 0) is the oldest; it is held back until the
//!   walk down from the newest end reaches it, so the view never shows a gap.
//! - newest-first: growth inserts at offset 0 and shifts everything we know by
//!   the growth, which each answer's `total` reveals; the next offset shifts too,
//!   so nothing is skipped (a gap) and little is fetched twice. The arrivals are
//!   counted, not recognised: the catch-up walks from offset 0 down to where the
//!   messages already shown begin, and shows its pages together once it gets there.
//! - no recognisable order: every offset is fetched, start to end.
//!
//! Whatever happens, callers store messages by id, so an overlap is harmless.
//! A conversation that grows while we chase its newest messages is chased for as
//! long as each few requests bring us closer; one growing as fast as we fetch is
//! left alone after [`CATCH_UP_PATIENCE`] requests that gain nothing, until
//! the reader tries again.
//!
//! The server's answers are claims, and a server may lie: work has a reason
//! and a ceiling. Offsets advance by the offsets a page answers for (its
//! entries, no more than were asked for), never past messages not seen, and
//! all offset arithmetic saturates. Reading the pager does on its own stops
//! after [`READ_LIMIT`] messages until the reader says go on. A walk stops
//! when pages stop bringing new messages ([`BARREN_PAGES`]) or bring too few
//! for the requests they take ([`PAGES_PER_PAGEFUL`], [`SPARE_PAGES`]), and
//! what it holds back is bounded ([`MAX_HELD`]). When the server contradicts
//! itself, or fewer distinct messages came than it counted, the pager says
//! so ([`Stop`]) and lets everything it received be shown; it never claims
//! the beginning of the conversation with messages missing.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use crate::model::{Message, MessageId, Page};

/// How many messages one request asks for. The API's rule (0 < limit < 100)
/// is checked when a value is made, so a `PageSize` is always one the API takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageSize(u32);

impl PageSize {
    /// The smallest page the API serves.
    pub const MIN: PageSize = PageSize(1);
    /// The largest page the API serves ("lower than 100").
    pub const MAX: PageSize = PageSize(99);
    /// The API's default, and szchat's for what the reader scrolls to.
    pub const DEFAULT: PageSize = PageSize(50);
    /// What work on the whole history (`g`, a search or a jump loading,
    /// an export) asks for unless a page size was given: the fewest requests.
    pub const WHOLE_HISTORY: PageSize = Self::MAX;
    /// The first request's least size, wherever the history is planned
    /// (the pager, the engine, a sync): two messages reveal the server's order.
    pub const ORDER_REVEALING: PageSize = PageSize(2);

    /// `limit` as a page size, if the API accepts it.
    pub const fn new(limit: u32) -> Option<PageSize> {
        if limit >= Self::MIN.0 && limit <= Self::MAX.0 {
            Some(PageSize(limit))
        } else {
            None
        }
    }

    /// The number of messages.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// This size, or fewer when only `wanted` (at least one) are wanted:
    /// never larger than `self`, so still one the API takes.
    pub(crate) fn at_most(self, wanted: u64) -> PageSize {
        let wanted = u32::try_from(wanted).unwrap_or(u32::MAX).max(Self::MIN.0);
        PageSize(self.0.min(wanted))
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a text is not a page size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a page holds {min} to {max} messages (the API's rule)", min = PageSize::MIN, max = PageSize::MAX)]
pub struct PageSizeError;

impl FromStr for PageSize {
    type Err = PageSizeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse()
            .ok()
            .and_then(PageSize::new)
            .ok_or(PageSizeError)
    }
}

impl From<PageSize> for u32 {
    fn from(size: PageSize) -> u32 {
        size.0
    }
}

impl From<PageSize> for u64 {
    fn from(size: PageSize) -> u64 {
        u64::from(size.0)
    }
}

impl TryFrom<u32> for PageSize {
    type Error = PageSizeError;

    fn try_from(limit: u32) -> Result<Self, Self::Error> {
        PageSize::new(limit).ok_or(PageSizeError)
    }
}

/// Catch-up requests in a row that may leave the backlog of unfetched arrivals
/// no smaller before we stop chasing: a conversation that grows as fast as we
/// fetch must not keep us fetching forever.
pub const CATCH_UP_PATIENCE: u32 = 20;

/// Messages (page entries) the pager reads on its own before it stops and
/// waits for the reader to say go on (`g`, [`Pager::read_on`]): reading a
/// server whose order it cannot tell start to end, and catching up with
/// arrivals. Reading towards the beginning as the reader scrolls or after `g`
/// is not counted: the reader asked for it, and [`PAGES_PER_PAGEFUL`] bounds it.
pub const READ_LIMIT: u64 = 10_000;

/// Pages in a row that bring no message the walk has not seen, while the
/// server's count stands still, after which the server is taken to repeat
/// itself and the walk stops.
pub const BARREN_PAGES: u32 = 3;

/// A walk takes at most this many pages for each page size's worth of
/// progress, plus [`SPARE_PAGES`]; a server that trickles one new message into
/// each page is stopped by this. Progress is the distinct messages received,
/// and, newest-first, the offsets that growth shifted known messages into
/// (which the walk cannot help fetching again); those are bounded by [`MAX_HELD`].
pub const PAGES_PER_PAGEFUL: u64 = 3;

/// The pages a walk may take beyond [`PAGES_PER_PAGEFUL`]'s share: twice the
/// catch-up's patience (a chase after a conversation that grows by one message
/// a request gains one message a page), and a few for the probe and overlaps.
pub const SPARE_PAGES: u64 = 2 * CATCH_UP_PATIENCE as u64 + 10;

/// The most messages held back until the gap below them closes, and the most
/// arrivals a newest-first walk follows before the catch-up fetches them. Only
/// the newest-first catch-up holds more than a page, and an honest one holds
/// what arrived during one walk; a server claiming more arrivals than this is
/// not believed.
pub const MAX_HELD: usize = 10_000;

/// One request for a slice of the message list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: PageSize,
}

/// The order the server turned out to page in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerOrder {
    /// Not known yet: the first page has not arrived.
    Unknown,
    OldestFirst,
    NewestFirst,
    /// Neither: the whole list is fetched before the view can trust its ends.
    Unordered,
}

impl ServerOrder {
    /// The request for the messages at `positions` (counted from the
    /// oldest) while the list holds `total`: a newest-first server numbers
    /// its offsets from the other end.
    pub fn request_for(
        self,
        positions: &std::ops::Range<u64>,
        total: u64,
        size: PageSize,
    ) -> PageRequest {
        let wanted = positions.end.saturating_sub(positions.start);
        let offset = match self {
            ServerOrder::NewestFirst => total.saturating_sub(positions.end),
            _ => positions.start,
        };
        PageRequest {
            offset,
            limit: size.at_most(wanted),
        }
    }
}

/// Why the pager stopped asking for pages before it had everything the
/// server counted. Every stop but [`Stop::ReadLimit`] lifts with
/// [`Pager::try_again`]; that one lifts with [`Pager::read_on`] too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It read `read` messages ([`READ_LIMIT`] or more) without being asked to.
    ReadLimit { read: u64 },
    /// New messages arrive faster than the catch-up fetches them; per the
    /// server's count, `not_loaded` are not loaded yet.
    Behind { not_loaded: u64 },
    /// Every offset the server counted was asked for, yet `missing` of the
    /// `total` messages it counted never came (the server repeated some).
    Missing { missing: u64, total: u64 },
    /// The server's answers contradict each other (an empty page before its
    /// own count, more messages than it counts, pages that stopped bringing
    /// new messages); all `received` distinct messages it sent are shown.
    Inconsistent { received: u64 },
}

impl Stop {
    /// True when the server is at fault, rather than the pager pausing.
    pub fn is_problem(&self) -> bool {
        matches!(self, Stop::Missing { .. } | Stop::Inconsistent { .. })
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::ReadLimit { read } => {
                write!(f, "stopped after reading {read} messages: g reads on")
            }
            Stop::Behind { not_loaded } => write!(
                f,
                "{not_loaded} newer messages not loaded, they arrive faster than they load: r tries again"
            ),
            Stop::Missing { missing, total } => {
                write!(
                    f,
                    "{missing} of {total} messages did not arrive: r tries again"
                )
            }
            Stop::Inconsistent { received } => write!(
                f,
                "the server's count does not add up: showing the {received} messages it sent (r tries again)"
            ),
        }
    }
}

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
            Phase::Probe => Some(PageRequest {
                offset: 0,
                limit: size.max(PageSize::ORDER_REVEALING),
            }),
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
        while out.len() < count {
            let Some(last) = out.last() else { break };
            let next = match self.phase {
                Phase::OldestFirstOlder { .. } => {
                    let low = last.offset;
                    if low <= self.probe_end {
                        break;
                    }
                    let offset = low.saturating_sub(page).max(self.probe_end);
                    PageRequest {
                        offset,
                        limit: size.at_most(low - offset),
                    }
                }
                Phase::NewestFirstOlder { .. } | Phase::Sequential { .. } => {
                    let offset = last.offset.saturating_add(page);
                    if offset >= total {
                        break;
                    }
                    PageRequest {
                        offset,
                        limit: size,
                    }
                }
                _ => break,
            };
            out.push(next);
        }
        out
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

    /// Counts the answer into the walk; true if it shows the server
    /// contradicting itself, after which nothing it says is worth asking for.
    fn contradicted_by(&mut self, answer: Answer, messages: &[Message]) -> bool {
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
        let fair_pages = PAGES_PER_PAGEFUL
            .saturating_mul(page_fuls)
            .saturating_add(SPARE_PAGES);
        distinct > answer.total
            || self.walk.barren_run >= BARREN_PAGES
            || self.walk.pages > fair_pages
    }

    /// Oldest-first, the newest page the count promised was empty: the count
    /// is a lie (or the list shrank), and where the newest messages are is
    /// not known. The oldest ones are: show them, and read on from there
    /// until the list ends, which is the newest end that can be established.
    fn read_forward_from_oldest(&mut self) -> Vec<Message> {
        self.count_doubted = true;
        self.walk.pages += 1;
        self.phase = Phase::Sequential {
            next: self.probe_end,
        };
        std::mem::take(&mut self.held_oldest)
    }

    /// True if any of `messages` is held back for the newest-first catch-up.
    fn holds_any(&self, messages: &[Message]) -> bool {
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
    fn give_up(&mut self, mut show: Vec<Message>) -> Vec<Message> {
        self.phase = Phase::Complete;
        self.stop = Some(Stop::Inconsistent {
            received: self.received(),
        });
        show.append(&mut self.release_held());
        show
    }

    fn release_held(&mut self) -> Vec<Message> {
        let mut held = std::mem::take(&mut self.held_oldest);
        held.append(&mut self.early_arrivals);
        held.append(&mut self.held_newest);
        held
    }

    /// The walk towards the oldest message is over, having asked for the
    /// offsets of `expected` messages: true if as many distinct ones came,
    /// not counting `elsewhere` received for other offsets, else the pager
    /// stops with them missing.
    fn reach_beginning(&mut self, expected: u64, elsewhere: u64) -> bool {
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
    fn finish(&mut self) {
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
    fn chase_or_pause(&mut self, backlog: u64, phase: Phase) {
        if !self.keep_chasing(backlog) {
            self.stop = Some(Stop::Behind {
                not_loaded: backlog,
            });
        }
        self.phase = phase;
    }

    /// The first page tells the order, unless it holds everything.
    fn after_probe(&mut self, answer: Answer, mut show: Vec<Message>) -> Vec<Message> {
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
    fn after_oldest_first_older(&mut self, answer: Answer, mut show: Vec<Message>) -> Vec<Message> {
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
    fn after_oldest_first_catch_up(
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
    fn after_newest_first_older(&mut self, answer: Answer, mut show: Vec<Message>) -> Vec<Message> {
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
    fn after_newest_first_catch_up(
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
    fn after_sequential(&mut self, answer: Answer, show: Vec<Message>) -> Vec<Message> {
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
    fn keep_chasing(&mut self, backlog: u64) -> bool {
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
    fn newest_first_step(&mut self, answer: Answer, show: &mut Vec<Message>) -> u64 {
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
    fn start_newest_first_catch_up(&mut self) -> Vec<Message> {
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

/// Reads the server's order from one page: strictly ascending keys mean
/// oldest-first, strictly descending newest-first, anything else no order.
pub(crate) fn detect_order(messages: &[Message]) -> ServerOrder {
    let ascending = messages
        .windows(2)
        .all(|pair| pair[0].sort_key() < pair[1].sort_key());
    let descending = messages
        .windows(2)
        .all(|pair| pair[0].sort_key() > pair[1].sort_key());
    match (ascending, descending) {
        (true, false) => ServerOrder::OldestFirst,
        (false, true) => ServerOrder::NewestFirst,
        _ => ServerOrder::Unordered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MessageId, Sender};
    use chrono::{TimeZone, Utc};
    use std::collections::BTreeSet;

    fn size(limit: u32) -> PageSize {
        PageSize::new(limit).unwrap()
    }

    fn message(id: MessageId) -> Message {
        Message {
            id,
            body: format!("message {id}"),
            created_at: Some(
                Utc.timestamp_opt(1_700_000_000 + id as i64 * 60, 0)
                    .unwrap(),
            ),
            sender: Sender::Visitor {
                name: None,
                email: None,
            },
            file_url: None,
            auto_invitation: false,
            read_by_user: None,
            read_by_operator: None,
            unreadable: None,
            sender_id: None,
            raw_json: "{}".into(),
        }
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
    fn a_page_size_is_one_the_api_takes() {
        assert_eq!("1".parse(), Ok(PageSize::MIN));
        assert_eq!("99".parse(), Ok(PageSize::MAX));
        assert_eq!(PageSize::try_from(50), Ok(PageSize::DEFAULT));
        for refused in ["0", "100", "-1", "many", "", " 5", "4294967296"] {
            assert_eq!(
                refused.parse::<PageSize>(),
                Err(PageSizeError),
                "{refused:?}"
            );
        }
        assert_eq!(PageSize::new(0), None);
        assert_eq!(PageSize::new(100), None);
        assert_eq!(
            PageSizeError.to_string(),
            "a page holds 1 to 99 messages (the API's rule)"
        );
    }

    #[test]
    fn a_shorter_page_is_never_longer_than_the_page_size_nor_empty() {
        assert_eq!(size(10).at_most(3), size(3));
        assert_eq!(size(10).at_most(0), size(1));
        assert_eq!(size(10).at_most(u64::MAX), size(10));
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
}
