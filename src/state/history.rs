//! The history being loaded: which page to ask for next, the one in flight,
//! and what became of the last one. One page request is in flight at a time,
//! except when the reader wants everything (`g`, a search, a jump): then up
//! to the concurrency's worth of the pages the pager will ask for next are
//! fetched ahead ([`Pager::upcoming`]). The pager still takes them one at a
//! time in its own order; a page that arrives before its turn waits here,
//! and one the pager no longer wants (growth moved its offsets) is dropped
//! and asked for again when its turn comes, so nothing is lost or shown twice.

use super::{AppState, Effect, Status, StatusKind, StatusTopic};
use crate::api::error::ApiError;
use crate::archive::store::Placed;
use crate::engine::throttle::Throttle;
use crate::fetch::FetchRequest;
use crate::model::{Message, MessageId, Page};
use crate::paging::{PageRequest, PageSize, Pager, ServerOrder, Stop};
use crate::sync::plan;

/// Where older pages stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadState {
    /// Nothing in flight; more may be fetched when needed.
    Idle,
    Loading(PageRequest),
    /// The last page request failed; `r` sends it again.
    Failed {
        request: PageRequest,
        reason: String,
    },
}

/// What an awaited page answer means for the rest of the app.
#[derive(Debug)]
pub(super) enum PageOutcome {
    /// Messages to show now (none, while the pager holds a page back).
    Arrived(Vec<Message>),
    /// The page failed; the reason is for the status bar, `r` retries.
    Failed(String),
    /// A page fetched ahead arrived (or failed) and waits for its turn:
    /// nothing to show yet, but room for another request.
    Ahead,
    /// The very first page failed in a way no retry mends.
    Fatal(ApiError),
}

/// The pager and the request it has in flight.
#[derive(Debug)]
pub(super) struct History {
    pager: Pager,
    load: LoadState,
    /// False once two answers disagreed on the total: the server's list
    /// changed while we paged, so its newest end may hold messages not loaded.
    steady_total: bool,
    /// Requests fetched ahead of the pager's turn, in flight.
    ahead: Vec<PageRequest>,
    /// Pages fetched ahead that arrived before their turn.
    arrived: Vec<(PageRequest, Page)>,
    /// How many requests may be in flight when fetching ahead.
    throttle: Throttle,
    /// The request in flight is one sent ahead before the pager's last
    /// answer: its answer counts only if the list did not change meanwhile.
    adopted: bool,
    /// With the archive on: what answers brought, with positions, to be
    /// written to it.
    placed: Option<Vec<Placed>>,
    page_size: PageSize,
    /// Pages' size while the reader wants everything.
    whole_history_size: PageSize,
}

impl History {
    pub(super) fn new(page_size: PageSize) -> Self {
        Self {
            pager: Pager::new(page_size),
            load: LoadState::Idle,
            steady_total: true,
            ahead: Vec::new(),
            arrived: Vec::new(),
            throttle: Throttle::new(1),
            adopted: false,
            placed: None,
            page_size,
            whole_history_size: page_size,
        }
    }

    /// Messages a page while the reader scrolls.
    pub(super) fn page_size(&self) -> PageSize {
        self.page_size
    }

    /// Keeps what each answer brings, placed, for the archive.
    pub(super) fn keep_placed(&mut self) {
        self.placed.get_or_insert_with(Vec::new);
    }

    /// What answers brought since the last call, placed, for the archive.
    pub(super) fn take_placed(&mut self) -> Vec<Placed> {
        self.placed.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The archive holds all `total` messages, `ids`: nothing is left to page.
    pub(super) fn restore_complete(
        &mut self,
        total: u64,
        order: ServerOrder,
        ids: impl IntoIterator<Item = MessageId>,
    ) {
        self.pager.restore_complete(total, order, ids);
    }

    /// Pages of `size` when the reader wants everything.
    pub(super) fn set_whole_history_size(&mut self, size: PageSize) {
        self.whole_history_size = size;
        self.pager = self.pager.clone().with_whole_history_size(size);
    }

    /// From scratch (`R`): a fresh pager of the same sizes, nothing in
    /// flight or waiting; answers to requests already sent are dropped.
    pub(super) fn restart(&mut self) {
        self.pager = Pager::new(self.page_size).with_whole_history_size(self.whole_history_size);
        self.load = LoadState::Idle;
        self.steady_total = true;
        self.ahead.clear();
        self.arrived.clear();
        self.adopted = false;
        if let Some(placed) = &mut self.placed {
            placed.clear();
        }
    }

    /// Up to `concurrency` requests in flight when the reader wants everything.
    pub(super) fn set_concurrency(&mut self, concurrency: usize) {
        self.throttle = Throttle::new(concurrency);
    }

    /// The server said slow down (HTTP 429): fewer requests ahead.
    pub(super) fn slow_down(&mut self) {
        self.throttle.slow_down();
    }

    /// Requests in flight now, the pager's own and those fetched ahead.
    pub(super) fn in_flight(&self) -> usize {
        usize::from(matches!(self.load, LoadState::Loading(_))) + self.ahead.len()
    }

    pub(super) fn load_state(&self) -> &LoadState {
        &self.load
    }

    pub(super) fn total(&self) -> Option<u64> {
        self.pager.total()
    }

    /// Oldest-first: the offset just past the newest message fetched.
    pub(super) fn listed_end(&self) -> Option<u64> {
        self.pager.listed_end()
    }

    pub(super) fn reached_beginning(&self) -> bool {
        self.pager.reached_beginning()
    }

    /// True while a place counted from the oldest message is known with
    /// the server's count: every older message is loaded, and no arrival the
    /// count claims is still being fetched (a count that lies is found out then).
    pub(super) fn older_end_complete(&self) -> bool {
        self.pager.reached_beginning() && self.settled()
    }

    /// The order the server was found to page in.
    pub(super) fn order(&self) -> ServerOrder {
        self.pager.order()
    }

    /// True once every message the server had is loaded.
    pub(super) fn complete(&self) -> bool {
        self.pager.is_complete()
    }

    /// True when no page is needed to complete what is shown (the first
    /// pages, a catch-up with new arrivals): what is loaded is one unbroken
    /// run up to the newest message.
    pub(super) fn settled(&self) -> bool {
        !self.pager.wants_eager_fetch()
    }

    /// True while every message newer than the oldest one shown is loaded:
    /// an ordered server's pages are fetched from its newest end down without
    /// a gap, and the total never changed meanwhile (a change may be a new
    /// message not fetched yet). Positions can then be counted back from the total.
    pub(super) fn newer_end_complete(&self) -> bool {
        self.steady_total && self.pager.count_places_newest()
    }

    /// The next page to ask for, if nothing is in flight and either the view
    /// needs older messages or the pager must fetch regardless (the start,
    /// a catch-up).
    pub(super) fn request_more(
        &mut self,
        view_needs_more: bool,
        everything: bool,
    ) -> Option<PageRequest> {
        // Set even while a page is in flight: the next request is sized as
        // the reader now wants, and so are the pages fetched ahead.
        self.pager.want_everything(everything);
        if self.load != LoadState::Idle {
            return None;
        }
        let request = self.pager.next_request()?;
        if !(view_needs_more || self.pager.wants_eager_fetch()) {
            return None;
        }
        self.load = LoadState::Loading(request);
        if let Some(at) = self.ahead.iter().position(|sent| *sent == request) {
            // Already on its way: its answer is the one waited for now.
            self.ahead.swap_remove(at);
            self.adopted = true;
            return None;
        }
        self.adopted = false;
        Some(request)
    }

    /// The pages after the next one that the pager will want, to fetch now
    /// while the reader wants everything: as many as the throttle allows in
    /// flight, none already sent or waiting.
    pub(super) fn request_ahead(&mut self) -> Vec<PageRequest> {
        if !matches!(self.load, LoadState::Loading(_)) {
            return Vec::new();
        }
        let room = self
            .throttle
            .limit()
            .saturating_sub(self.in_flight() + self.arrived.len());
        let mut sent = Vec::new();
        for request in self
            .pager
            .upcoming(self.throttle.limit() + self.arrived.len() + 1)
        {
            if sent.len() >= room {
                break;
            }
            let known = self.load == LoadState::Loading(request)
                || self.ahead.contains(&request)
                || self.arrived.iter().any(|(waiting, _)| *waiting == request);
            if !known {
                self.ahead.push(request);
                sent.push(request);
            }
        }
        sent
    }

    /// Takes the answer to `request`; `None` if no one waits for it any more.
    pub(super) fn answer(
        &mut self,
        request: PageRequest,
        result: Result<Page, ApiError>,
    ) -> Option<PageOutcome> {
        if let Some(at) = self.ahead.iter().position(|sent| *sent == request) {
            self.ahead.swap_remove(at);
            // A page fetched ahead that failed is asked for again in its turn.
            if let Ok(page) = result {
                self.throttle.answered();
                self.arrived.push((request, page));
            }
            return Some(PageOutcome::Ahead);
        }
        if self.load != LoadState::Loading(request) {
            return None;
        }
        let adopted = std::mem::take(&mut self.adopted);
        Some(match result {
            // Sent before the pager's last answer, and the list changed since:
            // its offsets mean other messages. Asked again, afresh.
            Ok(page) if adopted && self.pager.total() != Some(page.total) => {
                self.load = LoadState::Idle;
                PageOutcome::Ahead
            }
            Ok(page) => {
                self.load = LoadState::Idle;
                self.throttle.answered();
                let mut show = self.accept(request, page);
                // Pages that came ahead of their turn, now that it has come;
                // only one answered while the list held what the pager last
                // saw: after growth its offsets mean other messages.
                while let Some(next) = self.pager.next_request() {
                    let total = self.pager.total();
                    let Some(at) = self
                        .arrived
                        .iter()
                        .position(|(sent, page)| *sent == next && Some(page.total) == total)
                    else {
                        break;
                    };
                    let (request, page) = self.arrived.swap_remove(at);
                    show.extend(self.accept(request, page));
                }
                // The rest will never be used: growth moved the offsets.
                let wanted = self
                    .pager
                    .upcoming(self.throttle.limit() + self.arrived.len() + 1);
                let total = self.pager.total();
                self.arrived
                    .retain(|(sent, page)| wanted.contains(sent) && Some(page.total) == total);
                PageOutcome::Arrived(show)
            }
            Err(error) if self.pager.total().is_none() && error.is_fatal_at_start() => {
                PageOutcome::Fatal(error)
            }
            Err(error) => {
                let reason = error.to_string();
                self.load = LoadState::Failed {
                    request,
                    reason: reason.clone(),
                };
                PageOutcome::Failed(reason)
            }
        })
    }

    fn accept(&mut self, request: PageRequest, page: Page) -> Vec<Message> {
        if self.pager.total().is_some_and(|total| total != page.total) {
            self.steady_total = false;
        }
        let Some(placed) = self.placed.is_some().then(|| page.clone()) else {
            return self.pager.accept(request, page);
        };
        let show = self.pager.accept(request, page);
        // The order is known once the pager saw the first page.
        let order = self.pager.order();
        if let Some(kept) = &mut self.placed {
            kept.extend(plan::placed(order, request, placed));
        }
        show
    }

    /// Why the pager stopped short of the whole history, while it has.
    pub(super) fn stopped(&self) -> Option<Stop> {
        self.pager.stopped()
    }

    /// The reader asked for everything (`g`): a pause at the read limit lifts.
    pub(super) fn read_on(&mut self) {
        self.pager.read_on();
    }

    /// `r`: sends the failed request again, or lets a stopped pager resume.
    pub(super) fn retry(&mut self) -> Retry {
        if let LoadState::Failed { request, .. } = self.load {
            self.load = LoadState::Loading(request);
            return Retry::Resend(request);
        }
        if self.pager.try_again() {
            return Retry::Resumed;
        }
        Retry::Nothing
    }
}

/// What `r` did.
#[derive(Debug)]
pub(super) enum Retry {
    /// The failed request goes out again.
    Resend(PageRequest),
    /// The pager stopped, and now asks for more at the next chance.
    Resumed,
    Nothing,
}

/// The history being loaded, as the app state drives it.
impl AppState {
    /// Asks for the next page if nothing is in flight and the view needs it:
    /// to show the newest messages, when the reader nears the top, or on the
    /// way to the oldest message.
    pub(super) fn request_more(&mut self) -> Vec<Effect> {
        if self.exit.is_some() || self.archive.holds_paging() {
            return Vec::new();
        }
        // Everything is wanted: fetch the pages after the next one too.
        let everything = self.viewport.follows_oldest()
            || self.jump.searching()
            || self.search.wants_pages()
            || self.archive.rereads();
        let needed = everything || self.viewport.near_top(&self.conversation);
        let mut requests: Vec<PageRequest> = self
            .history
            .request_more(needed, everything)
            .into_iter()
            .collect();
        if everything {
            requests.extend(self.history.request_ahead());
        }
        requests
            .into_iter()
            .map(|request| Effect::Fetch(FetchRequest::Page(request)))
            .collect()
    }

    /// Shows the messages of a page that arrived.
    pub(super) fn show(&mut self, messages: Vec<Message>) {
        self.notices.settle(StatusTopic::Paging);
        let first_before = self.conversation.first().map(|m| m.id);
        let ids: Vec<MessageId> = messages.iter().map(|m| m.id).collect();
        for message in messages {
            self.viewport.forget(message.id);
            if let Some(old) = self.conversation.key(message.id) {
                self.search.replacing(message.id, old);
            }
            self.conversation.insert(message);
        }
        self.search.arrived(ids, &self.conversation);
        self.viewport.page_arrived(&self.conversation, first_before);
    }

    pub(super) fn retry(&mut self) -> Option<Effect> {
        let effect = match self.history.retry() {
            Retry::Resend(request) => Some(Effect::Fetch(FetchRequest::Page(request))),
            // `update` sends the request the pager now wants.
            Retry::Resumed => None,
            Retry::Nothing => {
                self.set_status(Status::info("nothing to retry"));
                return None;
            }
        };
        // The error no longer holds; "loading…" in the bar says what happens.
        self.notices.settle(StatusTopic::Paging);
        effect
    }

    /// When the pager stopped short of the whole history, the status bar
    /// says why in words; what arrived stays on screen.
    pub(super) fn say_why_paging_stopped(&mut self) {
        if let Some(stop) = self.history.stopped() {
            let kind = if stop.is_problem() {
                StatusKind::Error
            } else {
                StatusKind::Info
            };
            self.set_status(Status::about(StatusTopic::Paging, kind, stop.to_string()));
        }
    }
}
