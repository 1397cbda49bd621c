//! Following the conversation live: when to look for new messages, which
//! page to ask for in the order the server pages in, and how many arrived
//! below the view. One poll is in flight at most; a failed one waits twice
//! as long before the next, up to [`MAX_POLL_DELAY`].

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::{AppState, Effect, Status, StatusKind, StatusTopic};
use crate::api::error::ApiError;
use crate::conversation::Conversation;
use crate::fetch::{FetchRequest, PollRequest};
use crate::model::{Message, MessageId, Page};
use crate::numbers::grouped;
use crate::paging::{PageRequest, PageSize, ServerOrder};

/// How long following waits between two looks, unless told otherwise.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The longest a failing server makes following wait between two looks.
pub const MAX_POLL_DELAY: Duration = Duration::from_secs(300);
/// The most pages one look walks: more arrivals than that between two looks
/// are not a chat any operator follows live.
pub(super) const MAX_WALK_PAGES: u32 = 20;

/// Where the next look stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schedule {
    /// Not following.
    Off,
    /// The next look is due then.
    At(Instant),
    /// A look is due as soon as the history lets it (its first pages loaded).
    Due,
    /// One page of a look is in flight.
    InFlight(PollRequest),
}

/// What the history knows that a look depends on.
#[derive(Clone, Copy, Debug)]
pub(super) struct Known {
    pub(super) order: ServerOrder,
    /// The server's count, as the history last heard it.
    pub(super) total: Option<u64>,
    /// Oldest-first: the offset just past the newest message the history
    /// fetched, where the list was known to end.
    pub(super) listed_end: Option<u64>,
    /// True when the newest messages are loaded, so a look starts from them.
    pub(super) settled: bool,
}

/// What a poll answer means for the rest of the app.
#[derive(Debug)]
pub(super) enum Polled {
    /// Messages not loaded before (maybe none), and the next page of this
    /// look, if it goes on.
    Arrived {
        fresh: Vec<Message>,
        next: Option<PollRequest>,
        /// The look is over and the server counts this many fewer messages
        /// than were known (some were deleted).
        fewer: Option<u64>,
    },
    /// The look failed; the next one waits `retry_in`.
    Failed { reason: String, retry_in: Duration },
}

/// Oldest-first: what one look found out about where the list ends. Each
/// look starts one message before the known end, so that the newest known
/// message anchors the page; a page with no known message means offsets
/// moved down (messages were deleted), and the look reads back until it
/// finds one, then on from where it was.
#[derive(Clone, Debug, Default)]
struct Look {
    /// Where the list was known to end when the look began.
    expected_end: u64,
    /// The furthest offset the look read, within the server's count.
    end: u64,
    /// New messages the look found.
    fresh: HashSet<MessageId>,
    /// Reading back towards the known messages, to go on at `resume` after.
    walking_back: bool,
    resume: Option<u64>,
}

/// Following live, and what it found.
#[derive(Debug)]
pub struct Follow {
    page_size: PageSize,
    interval: Duration,
    /// The wait before the next look: the interval, doubled by each failure.
    delay: Duration,
    schedule: Schedule,
    /// Counts looks, so an answer to one that was called off is dropped.
    round: u64,
    /// Pages read in the current look.
    walked: u32,
    /// Oldest-first: the offset up to which the list has been read.
    read_to: u64,
    /// Oldest-first: the current look's reading of it (see [`Look`]).
    look: Look,
    /// Oldest-first: the server once counted fewer messages than were known;
    /// places counted from its count are not to be trusted since.
    shrank: bool,
    /// The server's count at the last look.
    last_total: Option<u64>,
    checked_at: Option<DateTime<Utc>>,
    /// Messages that arrived below the view since the reader last saw the newest.
    unseen: usize,
}

impl Follow {
    /// Following off, looking every `interval` once on, `page_size` messages a page.
    pub(super) fn new(page_size: PageSize, interval: Duration) -> Self {
        Self {
            page_size,
            interval,
            delay: interval,
            schedule: Schedule::Off,
            round: 0,
            walked: 0,
            read_to: 0,
            look: Look::default(),
            shrank: false,
            last_total: None,
            checked_at: None,
            unseen: 0,
        }
    }

    /// True while a page of a look is in flight.
    pub fn polling(&self) -> bool {
        matches!(self.schedule, Schedule::InFlight(_))
    }

    /// True while following.
    pub fn is_on(&self) -> bool {
        self.schedule != Schedule::Off
    }

    /// When the server was last asked, if it answered.
    pub fn checked_at(&self) -> Option<DateTime<Utc>> {
        self.checked_at
    }

    /// How many new messages arrived below the view and are not seen yet.
    pub fn unseen(&self) -> usize {
        self.unseen
    }

    /// The server's count at the last look, once one was answered.
    pub fn last_total(&self) -> Option<u64> {
        self.last_total
    }

    /// True once the server counted fewer messages than were known: then
    /// no place can be counted from its count.
    pub fn shrank(&self) -> bool {
        self.shrank
    }

    /// The seconds between two looks while nothing fails.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Turns following on (a look is due at once) or off (a look in flight
    /// is forgotten). Returns whether it is on now.
    pub(super) fn toggle(&mut self) -> bool {
        self.round += 1;
        if self.is_on() {
            self.schedule = Schedule::Off;
            false
        } else {
            self.delay = self.interval;
            self.schedule = Schedule::Due;
            true
        }
    }

    /// The reader saw the newest message.
    pub(super) fn seen(&mut self) {
        self.unseen = 0;
    }

    /// `count` new messages arrived below the view.
    pub(super) fn arrived_unseen(&mut self, count: usize) {
        self.unseen += count;
    }

    /// When the loop must wake for the next look; none while a look waits
    /// for the history or an answer, which wake the loop themselves.
    pub(super) fn deadline(&self) -> Option<Instant> {
        match self.schedule {
            Schedule::At(at) => Some(at),
            _ => None,
        }
    }

    /// The first page of a look, if one is due at `now` and the history is
    /// ready for it.
    pub(super) fn poll_if_due(
        &mut self,
        now: Option<Instant>,
        known: Known,
    ) -> Option<PollRequest> {
        if let (Schedule::At(at), Some(now)) = (self.schedule, now)
            && now >= at
        {
            self.schedule = Schedule::Due;
        }
        if self.schedule != Schedule::Due || !known.settled {
            return None;
        }
        self.round += 1;
        self.walked = 0;
        let page = u64::from(self.page_size.get());
        let offset = match known.order {
            // Offsets below the known end hold what is loaded: ask from the
            // newest known message on, which shows whether offsets moved.
            // The end read so far, not the count: a count can lie, or shrink.
            ServerOrder::OldestFirst => {
                if self.last_total.is_none() {
                    self.read_to = known.listed_end.or(known.total).unwrap_or(0);
                }
                self.read_to.saturating_sub(1)
            }
            // New messages push the rest to higher offsets: start at the top.
            ServerOrder::NewestFirst => 0,
            // No end is newest for sure: read again the page the count ends on.
            ServerOrder::Unknown | ServerOrder::Unordered => known
                .total
                .max(self.last_total)
                .unwrap_or(0)
                .saturating_sub(page),
        };
        self.look = Look {
            expected_end: self.read_to,
            ..Look::default()
        };
        Some(self.send(offset))
    }

    fn send(&mut self, offset: u64) -> PollRequest {
        self.walked += 1;
        let request = PollRequest {
            page: PageRequest {
                offset,
                limit: self.page_size,
            },
            round: self.round,
        };
        self.schedule = Schedule::InFlight(request);
        request
    }

    /// Takes the answer to `request`, at `now`; `None` if no look waits for it.
    pub(super) fn answer(
        &mut self,
        request: PollRequest,
        result: Result<Page, ApiError>,
        checked_at: DateTime<Utc>,
        now: Option<Instant>,
        order: ServerOrder,
        conversation: &Conversation,
    ) -> Option<Polled> {
        if self.schedule != Schedule::InFlight(request) {
            return None;
        }
        let page = match result {
            Ok(page) => page,
            Err(error) => {
                // Every failure, 429 included, makes the next look wait longer.
                self.delay = (self.delay * 2).min(MAX_POLL_DELAY.max(self.interval));
                self.wait(now);
                return Some(Polled::Failed {
                    reason: error.to_string(),
                    retry_in: self.delay,
                });
            }
        };
        self.delay = self.interval;
        self.checked_at = Some(checked_at);
        self.last_total = Some(page.total);
        let offset = request.page.offset;
        let received = page.messages.len() as u64;
        let end = offset.saturating_add(received);
        let more_listed = received > 0 && end < page.total && self.walked < MAX_WALK_PAGES;
        let mut fewer = None;
        let next_offset = match order {
            ServerOrder::OldestFirst => {
                let next = self.next_oldest_first(&page, offset, end, conversation);
                let next = next.filter(|_| self.walked < MAX_WALK_PAGES);
                if next.is_none() {
                    // A shorter list than read so far: messages were removed.
                    self.read_to = self.look.end.min(page.total);
                    let found = self.look.fresh.len() as u64;
                    let counted = self.look.expected_end.saturating_add(found);
                    fewer = Some(counted.saturating_sub(page.total)).filter(|n| *n > 0);
                    self.shrank |= fewer.is_some();
                }
                next
            }
            ServerOrder::NewestFirst => {
                let reached_known = conversation.is_empty()
                    || page
                        .messages
                        .iter()
                        .any(|m| conversation.get(m.id).is_some());
                (more_listed && !reached_known).then_some(end)
            }
            ServerOrder::Unknown | ServerOrder::Unordered => None,
        };
        // A look that reads back meets its own finds again: each is new once.
        let look = &mut self.look;
        let fresh: Vec<Message> = page
            .messages
            .into_iter()
            .filter(|m| conversation.get(m.id).is_none() && look.fresh.insert(m.id))
            .collect();
        let next = match next_offset {
            Some(offset) => Some(self.send(offset)),
            None => {
                self.wait(now);
                None
            }
        };
        Some(Polled::Arrived { fresh, next, fewer })
    }

    /// Oldest-first: where the look reads next after `page` (at `offset`,
    /// ending at `end`), if anywhere.
    fn next_oldest_first(
        &mut self,
        page: &Page,
        offset: u64,
        end: u64,
        conversation: &Conversation,
    ) -> Option<u64> {
        self.look.end = self.look.end.max(end.min(page.total));
        let more_listed = !page.messages.is_empty() && end < page.total;
        let anchored = conversation.is_empty()
            || page
                .messages
                .iter()
                .any(|m| conversation.get(m.id).is_some());
        if !anchored && offset > 0 {
            // The newest known message is not where it was: messages before
            // it were deleted. Read back until the known ones show up.
            if !self.look.walking_back {
                self.look.walking_back = true;
                self.look.resume = more_listed.then_some(end);
            }
            let page_size = u64::from(self.page_size.get());
            return Some(offset.min(page.total).saturating_sub(page_size));
        }
        if self.look.walking_back {
            self.look.walking_back = false;
            return self.look.resume.take();
        }
        more_listed.then_some(end)
    }

    /// Schedules the next look after the current delay.
    fn wait(&mut self, now: Option<Instant>) {
        self.schedule = match now {
            Some(now) => Schedule::At(now + self.delay),
            // Without a clock (a test driving the state by hand) the next look
            // goes with the next input.
            None => Schedule::Due,
        };
    }
}

/// Following live, as the app state drives it.
impl AppState {
    /// Shows messages a look for new ones found. A reader whose selection
    /// is on the newest message stays at the newest; any other selection
    /// stays where the reader put it (whatever is on screen), and what
    /// arrived out of sight is counted for the marker.
    pub(super) fn show_arrivals(&mut self, fresh: Vec<Message>) {
        if fresh.is_empty() {
            return;
        }
        let at_newest = self.viewport.selection_at_newest(&self.conversation);
        let newest_before = self.conversation.last().map(Message::sort_key);
        let filter = self.conversation.filter();
        let below = fresh
            .iter()
            .filter(|m| filter.keeps(m) && newest_before.is_none_or(|key| m.sort_key() > key))
            .count();
        self.show(fresh);
        if at_newest {
            self.viewport.follow_newest(&self.conversation);
        } else if !self.sees_newest() {
            self.follow.arrived_unseen(below);
        }
    }

    /// The server counts `fewer` messages fewer than were known: said, and
    /// places are counted among the loaded messages from now on.
    pub(super) fn say_the_list_shrank(&mut self, fewer: u64) {
        let messages = if fewer == 1 { "message" } else { "messages" };
        self.set_status(Status::about(
            StatusTopic::Follow,
            StatusKind::Info,
            format!("the server now counts {} fewer {messages}", grouped(fewer)),
        ));
    }

    /// True when the newest loaded message shows whole on screen (or none is loaded).
    pub(super) fn sees_newest(&self) -> bool {
        let Some(last) = self.conversation.last() else {
            return true;
        };
        self.visible_messages()
            .iter()
            .any(|(id, whole)| *id == last.id && *whole)
    }

    /// `f`: starts following (a look goes out at once) or stops.
    pub(super) fn toggle_follow(&mut self) -> Vec<Effect> {
        let text = if self.follow.toggle() {
            format!(
                "following: new messages appear as they arrive (checked every {} s)",
                self.follow.interval().as_secs()
            )
        } else {
            self.notices.settle(StatusTopic::Follow);
            "stopped following".to_owned()
        };
        self.set_status(Status::info(text));
        self.poll_if_due()
    }

    /// Sends the first page of a look for new messages, when one is due and
    /// the history has its newest messages loaded.
    pub(super) fn poll_if_due(&mut self) -> Vec<Effect> {
        if self.exit.is_some() {
            return Vec::new();
        }
        let known = Known {
            order: self.history.order(),
            total: self.history.total(),
            listed_end: self.history.listed_end(),
            settled: self.history.settled() && self.history.total().is_some(),
        };
        self.follow
            .poll_if_due(self.now, known)
            .map(|request| Effect::Fetch(FetchRequest::Poll(request)))
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY: Duration = Duration::from_secs(5);

    fn known() -> Known {
        Known {
            order: ServerOrder::OldestFirst,
            total: Some(40),
            listed_end: Some(40),
            settled: true,
        }
    }

    fn page(total: u64) -> Page {
        Page {
            offset: 40,
            limit: 50,
            total,
            messages: Vec::new(),
        }
    }

    /// Starts following and sends the first look at `now`.
    fn following(now: Instant) -> (Follow, PollRequest) {
        let mut follow = Follow::new(PageSize::DEFAULT, EVERY);
        assert!(follow.toggle());
        let request = follow.poll_if_due(Some(now), known()).unwrap();
        (follow, request)
    }

    fn answer(
        follow: &mut Follow,
        request: PollRequest,
        result: Result<Page, ApiError>,
        now: Instant,
    ) -> Option<Polled> {
        let empty = Conversation::new();
        follow.answer(
            request,
            result,
            Utc::now(),
            Some(now),
            ServerOrder::OldestFirst,
            &empty,
        )
    }

    #[test]
    fn an_oldest_first_look_asks_from_the_newest_known_message_on() {
        // The newest known message anchors the page: if it is not there,
        // offsets moved.
        let (_, request) = following(Instant::now());
        assert_eq!(request.page.offset, 39);
    }

    #[test]
    fn failures_and_429_double_the_wait_up_to_the_cap_and_success_resets_it() {
        let mut now = Instant::now();
        let (mut follow, mut request) = following(now);
        let mut waits = Vec::new();
        for _ in 0..9 {
            let failed = answer(
                &mut follow,
                request,
                Err(ApiError::Status { status: 429 }),
                now,
            );
            assert!(matches!(failed, Some(Polled::Failed { .. })));
            let due = follow.deadline().unwrap();
            waits.push(due - now);
            // Nothing goes out before the wait is over: no stacking, no spinning.
            assert!(follow.poll_if_due(Some(now), known()).is_none());
            now = due;
            request = follow.poll_if_due(Some(now), known()).unwrap();
        }
        let secs: Vec<u64> = waits.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [10, 20, 40, 80, 160, 300, 300, 300, 300]);
        answer(&mut follow, request, Ok(page(40)), now);
        assert_eq!(follow.deadline(), Some(now + EVERY));
    }

    #[test]
    fn one_look_is_in_flight_at_most_and_a_stopped_look_is_dropped() {
        let now = Instant::now();
        let (mut follow, request) = following(now);
        assert!(follow.polling());
        assert!(follow.poll_if_due(Some(now + EVERY * 3), known()).is_none());
        assert!(follow.deadline().is_none());
        assert!(!follow.toggle());
        assert!(answer(&mut follow, request, Ok(page(45)), now).is_none());
        assert!(follow.deadline().is_none());
    }

    #[test]
    fn no_look_goes_out_before_the_newest_messages_are_loaded() {
        let mut follow = Follow::new(PageSize::DEFAULT, EVERY);
        follow.toggle();
        let loading = Known {
            settled: false,
            ..known()
        };
        assert!(follow.poll_if_due(Some(Instant::now()), loading).is_none());
        // Due, but no timer: the page that settles the history wakes the loop.
        assert!(follow.deadline().is_none());
        assert!(follow.poll_if_due(Some(Instant::now()), known()).is_some());
    }
}
