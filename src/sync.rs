//! `szchat sync [USER_ID]...`: brings the archive up to date with the
//! server, each visitor's history fetched only as far as it is new. Without
//! ids the whole visitor list comes first. Requests run concurrently over
//! the one pooled client, as the engine runs them: up to `--concurrency` in
//! flight, halved on a 429 and held back for its Retry-After.
//!
//! Everything fetched is written as it arrives (through the store task),
//! and a visitor's sync state only once all of it is: a sync stopped at any
//! moment (Ctrl-C, kill -9) loses nothing, and the next carries on.

pub mod background;
pub mod plan;

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use chrono::Utc;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::api::client::{ApiClient, RetryNotice};
use crate::api::error::ApiError;
use crate::archive::ArchiveError;
use crate::archive::store::Write;
use crate::archive::task::{StoreEvent, StoreRequest, StoreTask};
use crate::concurrency::Concurrency;
use crate::engine::throttle::Throttle;
use crate::model::Page;
use crate::numbers::grouped;
use crate::paging::{PageRequest, PageSize};
use crate::visitor::{VisitorId, VisitorsPage};
use plan::{Outcome, VisitorSync};

/// Pages of this size unless `--page-size` says otherwise: the API's largest.
pub const SYNC_PAGE_SIZE: PageSize = PageSize::MAX;
/// How often the progress line is redrawn.
const PROGRESS_TICKS_PER_SECOND: u8 = 10;
/// Visitors whose sync may be under way at once, per request in flight:
/// enough to keep every request busy, few enough to keep memory small.
const VISITORS_PER_REQUEST: usize = 4;
/// The reason a visitor the server does not know failed with.
const NOT_FOUND: &str = "not found";

/// What a sync needs.
#[derive(Debug)]
pub struct SyncConfig {
    pub client: ApiClient,
    /// The visitors to sync; all of them (the list first) when empty.
    pub user_ids: Vec<VisitorId>,
    pub page_size: PageSize,
    pub concurrency: Concurrency,
    /// Where the sync tells how far it has come.
    pub progress: Progress,
}

/// Where a sync tells how far it has come.
#[derive(Debug)]
pub enum Progress {
    /// Nowhere.
    Quiet,
    /// A progress line on standard error (for a terminal).
    Line,
    /// Each change of the tally, sent (the TUI's sync in the background).
    Told(mpsc::UnboundedSender<Tally>),
}

impl Progress {
    /// A progress line when `terminal`, else none.
    pub fn line_if(terminal: bool) -> Self {
        if terminal {
            Progress::Line
        } else {
            Progress::Quiet
        }
    }
}

/// How far a sync has come: visitors done (synced or failed) of those it
/// knows so far, and the new messages archived.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub done: u64,
    pub visitors: u64,
    pub new_messages: u64,
}

/// What a sync did, as its one-line summary says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Visitors now fully archived.
    pub synced: u64,
    pub new_messages: u64,
    pub requests: u64,
    pub elapsed: Duration,
    /// Visitors that could not be synced, and why.
    pub failed: Vec<(VisitorId, String)>,
    /// Synced visitors whose history the server now tells differently
    /// from the archive, said in words.
    pub notes: Vec<(VisitorId, String)>,
    /// Of the failed visitors, those the server refused or did not answer
    /// for, with its first error.
    pub api_errors: Vec<(VisitorId, ApiError)>,
    /// Ctrl-C stopped it; what was fetched is kept.
    pub interrupted: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let visitors = if self.synced == 1 {
            "visitor"
        } else {
            "visitors"
        };
        let messages = if self.new_messages == 1 {
            "message"
        } else {
            "messages"
        };
        let requests = if self.requests == 1 {
            "request"
        } else {
            "requests"
        };
        write!(
            f,
            "{} {} {visitors}: {} new {messages} in {} {requests}, {:.1} s",
            if self.interrupted {
                "interrupted; synced"
            } else {
                "synced"
            },
            grouped(self.synced),
            grouped(self.new_messages),
            grouped(self.requests),
            self.elapsed.as_secs_f64()
        )?;
        if !self.failed.is_empty() {
            write!(f, "; {} failed", grouped(self.failed.len() as u64))?;
        }
        Ok(())
    }
}

/// Why a sync could not even start.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("cannot read the visitor list: {0}")]
    List(ApiError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
}

/// A request in flight: which visitor (none for the list) and what.
type Answer = (Option<VisitorId>, PageRequest, Result<Answered, ApiError>);

enum Answered {
    Messages(Page),
    Visitors(VisitorsPage),
}

/// Runs the sync until done or `interrupt` resolves. The store task must
/// have opened (its `Opened` event taken); it is finished here.
pub async fn run(
    config: SyncConfig,
    mut store: StoreTask,
    interrupt: impl Future<Output = ()>,
) -> Result<Summary, SyncError> {
    let outcome = bring_up_to_date(config, &mut store, interrupt).await;
    let flushed = store.finish().await;
    let summary = outcome?;
    flushed?;
    Ok(summary)
}

/// The sync itself, leaving the store open for what follows (an export
/// reads the archive after it); its last writes may still be queued.
pub async fn bring_up_to_date(
    config: SyncConfig,
    store: &mut StoreTask,
    interrupt: impl Future<Output = ()>,
) -> Result<Summary, SyncError> {
    let started = Instant::now();
    let mut sync = Sync::new(&config);
    let mut progress = match config.progress {
        Progress::Quiet => Shown::Nowhere,
        Progress::Line => Shown::Line(progress_bar()),
        Progress::Told(to) => Shown::Told(to, Tally::default()),
    };
    tokio::pin!(interrupt);
    let outcome = sync.drive(store, &mut progress, &mut interrupt).await;
    if let Shown::Line(bar) = &progress {
        bar.finish_and_clear();
    }
    if sync.synced > 0 {
        store.send(StoreRequest::Write(Write::AccountSynced(Utc::now())));
    }
    outcome?;
    let mut failed: Vec<_> = sync.failed.into_iter().collect();
    failed.sort_by_key(|(id, _)| sync.order_of.get(id).copied().unwrap_or(usize::MAX));
    let mut notes = sync.notes;
    notes.sort_by_key(|(id, _)| sync.order_of.get(id).copied().unwrap_or(usize::MAX));
    Ok(Summary {
        synced: sync.synced,
        new_messages: sync.new_messages,
        requests: sync.requests,
        elapsed: started.elapsed(),
        failed,
        notes,
        api_errors: sync.api_errors.into_iter().collect(),
        interrupted: sync.interrupted,
    })
}

/// The whole sync's state: the list, the visitors waiting and under way.
struct Sync {
    client: ApiClient,
    page_size: PageSize,
    throttle: Throttle,
    running: JoinSet<Answer>,
    /// The list's next offset and count, while it is being read.
    list: Option<ListState>,
    /// Visitors not started yet, in order.
    waiting: VecDeque<VisitorId>,
    /// Every visitor to sync, each once.
    known: HashSet<VisitorId>,
    order_of: HashMap<VisitorId, usize>,
    /// Visitors whose holdings were asked of the store.
    asked: usize,
    under_way: HashMap<VisitorId, VisitorSync>,
    total_visitors: u64,
    synced: u64,
    new_messages: u64,
    requests: u64,
    failed: HashMap<VisitorId, String>,
    notes: Vec<(VisitorId, String)>,
    api_errors: HashMap<VisitorId, ApiError>,
    interrupted: bool,
    slow_downs: mpsc::UnboundedReceiver<Duration>,
    notices: mpsc::UnboundedSender<Duration>,
    paused_until: Option<tokio::time::Instant>,
}

#[derive(Clone, Copy)]
struct ListState {
    next: u64,
    total: Option<u64>,
    in_flight: usize,
}

impl Sync {
    fn new(config: &SyncConfig) -> Self {
        let (notices, slow_downs) = mpsc::unbounded_channel();
        let mut sync = Sync {
            client: config.client.clone(),
            page_size: config.page_size,
            throttle: Throttle::new(usize::from(config.concurrency)),
            running: JoinSet::new(),
            list: config.user_ids.is_empty().then_some(ListState {
                next: 0,
                total: None,
                in_flight: 0,
            }),
            waiting: VecDeque::new(),
            known: HashSet::new(),
            order_of: HashMap::new(),
            asked: 0,
            under_way: HashMap::new(),
            total_visitors: 0,
            synced: 0,
            new_messages: 0,
            requests: 0,
            failed: HashMap::new(),
            notes: Vec::new(),
            api_errors: HashMap::new(),
            interrupted: false,
            slow_downs,
            notices,
            paused_until: None,
        };
        for &id in &config.user_ids {
            sync.add_visitor(id);
        }
        sync
    }

    fn add_visitor(&mut self, id: VisitorId) {
        if self.known.insert(id) {
            self.order_of.insert(id, self.order_of.len());
            self.waiting.push_back(id);
            self.total_visitors += 1;
        }
    }

    fn tally(&self) -> Tally {
        Tally {
            done: self.synced + self.failed.len() as u64,
            visitors: self.total_visitors,
            new_messages: self.new_messages,
        }
    }

    fn is_done(&self) -> bool {
        self.list.is_none()
            && self.waiting.is_empty()
            && self.under_way.is_empty()
            && self.asked == 0
            && self.running.is_empty()
    }

    async fn drive(
        &mut self,
        store: &mut StoreTask,
        progress: &mut Shown,
        interrupt: &mut std::pin::Pin<&mut impl Future<Output = ()>>,
    ) -> Result<(), SyncError> {
        loop {
            self.ask_holdings(store);
            if self
                .paused_until
                .is_some_and(|until| until <= tokio::time::Instant::now())
            {
                self.paused_until = None;
            }
            if self.paused_until.is_none() {
                self.send_requests()?;
            }
            progress.show(self);
            if self.is_done() {
                return Ok(());
            }
            let pause = async {
                match self.paused_until {
                    Some(until) => tokio::time::sleep_until(until).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = interrupt.as_mut() => {
                    self.interrupted = true;
                    self.running.abort_all();
                    return Ok(());
                }
                Some(joined) = self.running.join_next(), if !self.running.is_empty() => {
                    if let Ok(answer) = joined {
                        self.take(answer, store)?;
                    }
                }
                event = store.events.recv() => match event {
                    Some(StoreEvent::Holdings { visitor, result }) => {
                        self.asked = self.asked.saturating_sub(1);
                        let holdings = result?;
                        self.under_way.insert(visitor, VisitorSync::new(self.page_size, &holdings));
                    }
                    Some(StoreEvent::WriteFailed(error)) => return Err(error.into()),
                    Some(_) => {}
                    None => return Err(ArchiveError::Stopped.into()),
                },
                Some(delay) = self.slow_downs.recv() => {
                    self.throttle.slow_down();
                    let until = tokio::time::Instant::now() + delay;
                    self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
                }
                () = pause => self.paused_until = None,
            }
        }
    }

    /// Starts visitors (asks the store what it holds of them) while there
    /// is room under way.
    fn ask_holdings(&mut self, store: &StoreTask) {
        let room = self.throttle.limit().max(1) * VISITORS_PER_REQUEST;
        while self.under_way.len() + self.asked < room {
            let Some(visitor) = self.waiting.pop_front() else {
                break;
            };
            store.send(StoreRequest::Holdings { visitor });
            self.asked += 1;
        }
    }

    fn send_requests(&mut self) -> Result<(), SyncError> {
        let mut room = self.throttle.limit().saturating_sub(self.running.len());
        let page = u64::from(self.page_size.get());
        let mut list_pages = Vec::new();
        if let Some(list) = &mut self.list {
            // The list's first page gives its count; the rest go out together.
            match list.total {
                None if list.in_flight == 0 && room > 0 => {
                    list_pages.push(0);
                    list.next = page;
                }
                None => {}
                Some(total) => {
                    while list_pages.len() < room && list.next < total {
                        list_pages.push(list.next);
                        list.next += page;
                    }
                }
            }
            list.in_flight += list_pages.len();
        }
        room = room.saturating_sub(list_pages.len());
        for offset in list_pages {
            let request = PageRequest {
                offset,
                limit: self.page_size,
            };
            self.spawn(None, request);
        }
        let visitors: Vec<VisitorId> = self.under_way.keys().copied().collect();
        for visitor in visitors {
            if room == 0 {
                break;
            }
            let Some(job) = self.under_way.get_mut(&visitor) else {
                continue;
            };
            let requests = job.next_requests(room);
            room = room.saturating_sub(requests.len());
            for request in requests {
                self.spawn(Some(visitor), request);
            }
        }
        Ok(())
    }

    fn spawn(&mut self, visitor: Option<VisitorId>, request: PageRequest) {
        self.requests += 1;
        let client = match visitor {
            Some(id) => self.client.for_user(id),
            None => self.client.clone(),
        };
        let notices = self.notices.clone();
        self.running.spawn(async move {
            let on_retry = move |notice: RetryNotice| {
                if notice.is_slow_down() {
                    let _ = notices.send(notice.delay);
                }
            };
            let result = match visitor {
                Some(_) => client
                    .messages_page(request.offset, request.limit, &on_retry)
                    .await
                    .map(Answered::Messages),
                None => client
                    .users_page(request.offset, request.limit, &on_retry)
                    .await
                    .map(Answered::Visitors),
            };
            (visitor, request, result)
        });
    }

    fn take(&mut self, answer: Answer, store: &StoreTask) -> Result<(), SyncError> {
        let (visitor, request, result) = answer;
        if result.is_ok() {
            self.throttle.answered();
        }
        match (visitor, result) {
            (None, Ok(Answered::Visitors(page))) => {
                if let Some(list) = &mut self.list {
                    list.in_flight = list.in_flight.saturating_sub(1);
                    list.total = Some(list.total.unwrap_or(0).max(page.total));
                    let done = list.in_flight == 0 && list.next >= page.total;
                    if done {
                        self.list = None;
                    }
                }
                for visitor in &page.visitors {
                    self.add_visitor(visitor.id);
                }
                store.send(StoreRequest::Write(Write::Visitors(page.visitors)));
            }
            (None, Err(error)) => {
                self.running.abort_all();
                return Err(SyncError::List(error));
            }
            (Some(visitor), Ok(Answered::Messages(page))) => {
                let Some(job) = self.under_way.get_mut(&visitor) else {
                    return Ok(());
                };
                let before = job.new_messages();
                let messages = job.accept(request, page);
                self.new_messages += job.new_messages() - before;
                if !messages.is_empty() {
                    store.send(StoreRequest::Write(Write::Messages { visitor, messages }));
                }
                self.settle(visitor, store);
            }
            (Some(visitor), Err(error)) => {
                if let Some(job) = self.under_way.get_mut(&visitor) {
                    self.api_errors
                        .entry(visitor)
                        .or_insert_with(|| error.clone());
                    let reason = match error {
                        ApiError::NotFound => NOT_FOUND.to_owned(),
                        error => error.to_string(),
                    };
                    job.failed(request, reason);
                }
                self.settle(visitor, store);
            }
            (_, Ok(_)) => {}
        }
        Ok(())
    }

    /// A visitor whose sync ended: its state is kept, or its failure said.
    fn settle(&mut self, visitor: VisitorId, store: &StoreTask) {
        let Some(job) = self.under_way.get(&visitor) else {
            return;
        };
        if job.in_flight() > 0 {
            return;
        }
        match job.outcome() {
            Outcome::Running => {}
            Outcome::Synced(seen) => {
                if let Some(fewer) = job.held_beyond_total() {
                    self.notes.push((visitor, plan::fewer_in_words(fewer)));
                }
                if job.differences() > 0 {
                    self.notes.push((
                        visitor,
                        format!(
                            "{}; R in its conversation reads it again",
                            plan::differs_in_words(job.differences())
                        ),
                    ));
                }
                store.send(StoreRequest::Write(Write::SyncState {
                    visitor,
                    state: seen.at(Utc::now()),
                }));
                self.synced += 1;
                self.under_way.remove(&visitor);
            }
            Outcome::Failed(reason) => {
                self.failed.insert(visitor, reason);
                self.under_way.remove(&visitor);
            }
        }
    }
}

/// Where the progress goes, as the sync runs.
enum Shown {
    Nowhere,
    Line(ProgressBar),
    /// The channel, and the tally it was last told.
    Told(mpsc::UnboundedSender<Tally>, Tally),
}

impl Shown {
    fn show(&mut self, sync: &Sync) {
        match self {
            Shown::Nowhere => {}
            Shown::Line(bar) => show(bar, sync),
            Shown::Told(to, told) => {
                let tally = sync.tally();
                if tally != *told {
                    *told = tally;
                    // Nobody listening any more is no reason to stop.
                    let _ = to.send(tally);
                }
            }
        }
    }
}

/// The progress line: visitors done of all, messages, rate, time left.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        None,
        ProgressDrawTarget::stderr_with_hz(PROGRESS_TICKS_PER_SECOND),
    );
    let style = ProgressStyle::with_template("syncing {pos}/{len} visitors · {msg} · ETA {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn show(bar: &ProgressBar, sync: &Sync) {
    let tally = sync.tally();
    bar.set_length(tally.visitors);
    bar.set_position(tally.done);
    let seconds = bar.elapsed().as_secs_f64();
    let rate = if seconds > 0.0 {
        format!("{:.0} messages/s", sync.new_messages as f64 / seconds)
    } else {
        String::new()
    };
    bar.set_message(format!(
        "{} new messages · {} requests · {rate}",
        grouped(sync.new_messages),
        grouped(sync.requests)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_reads_like_a_sentence() {
        let summary = Summary {
            synced: 41,
            new_messages: 1204,
            requests: 57,
            elapsed: Duration::from_millis(3240),
            ..Summary::default()
        };
        assert_eq!(
            summary.to_string(),
            "synced 41 visitors: 1,204 new messages in 57 requests, 3.2 s"
        );
    }
}
