//! The history being loaded: which page to ask for next, the one in flight,
//! and what became of the last one. One page request is in flight at a time.

use super::{AppState, Effect, Status, StatusKind, StatusTopic};
use crate::api::error::ApiError;
use crate::fetch::FetchRequest;
use crate::model::{Message, Page};
use crate::paging::{PageRequest, PageSize, Pager, ServerOrder, Stop};

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
}

impl History {
    pub(super) fn new(page_size: PageSize) -> Self {
        Self {
            pager: Pager::new(page_size),
            load: LoadState::Idle,
            steady_total: true,
        }
    }

    pub(super) fn load_state(&self) -> &LoadState {
        &self.load
    }

    pub(super) fn total(&self) -> Option<u64> {
        self.pager.total()
    }

    pub(super) fn reached_beginning(&self) -> bool {
        self.pager.reached_beginning()
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
        self.steady_total
            && matches!(
                self.pager.order(),
                ServerOrder::OldestFirst | ServerOrder::NewestFirst
            )
    }

    /// The next page to ask for, if nothing is in flight and either the view
    /// needs older messages or the pager must fetch regardless (the start,
    /// a catch-up).
    pub(super) fn request_more(&mut self, view_needs_more: bool) -> Option<PageRequest> {
        if self.load != LoadState::Idle {
            return None;
        }
        let request = self.pager.next_request()?;
        if !(view_needs_more || self.pager.wants_eager_fetch()) {
            return None;
        }
        self.load = LoadState::Loading(request);
        Some(request)
    }

    /// Takes the answer to `request`; `None` if no one waits for it any more.
    pub(super) fn answer(
        &mut self,
        request: PageRequest,
        result: Result<Page, ApiError>,
    ) -> Option<PageOutcome> {
        if self.load != LoadState::Loading(request) {
            return None;
        }
        Some(match result {
            Ok(page) => {
                self.load = LoadState::Idle;
                if self.pager.total().is_some_and(|total| total != page.total) {
                    self.steady_total = false;
                }
                PageOutcome::Arrived(self.pager.accept(request, page))
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
        if self.exit.is_some() {
            return Vec::new();
        }
        let needed = self.viewport.follows_oldest()
            || self.viewport.near_top(&self.conversation)
            || self.jump.searching();
        self.history
            .request_more(needed)
            .map(|request| Effect::Fetch(FetchRequest::Page(request)))
            .into_iter()
            .collect()
    }

    /// Shows the messages of a page that arrived.
    pub(super) fn show(&mut self, messages: Vec<Message>) {
        self.notices.settle(StatusTopic::Paging);
        let first_before = self.conversation.first().map(|m| m.id);
        for message in messages {
            self.viewport.forget(message.id);
            self.conversation.insert(message);
        }
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
