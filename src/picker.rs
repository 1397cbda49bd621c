//! The visitor picker's state: the visitors loaded so far (most recently
//! seen first), the filter typed over them, the selection, and the paging of
//! `GET /external/users`. Pure: it takes actions and fetch answers and says
//! what to fetch next or which conversation to open.
//!
//! The first page is asked for alone, since its `total` says how far the
//! list goes; the rest are asked for several at once (as many as the
//! [`Throttle`] allows) and land in whatever order they come.
//!
//! The server's `total` is a claim: like the conversation's pager, the list
//! stops asking when [`BARREN_PAGES`] pages in a row bring nobody new, or
//! when it has taken more pages than the visitors it got are worth
//! ([`PAGES_PER_PAGEFUL`], [`SPARE_PAGES`]), and says how many of those
//! counted did not arrive. Nothing is asked while the list is not on screen.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};

pub use crate::action::PickerAction;
use crate::api::error::ApiError;
use crate::concurrency::Concurrency;
use crate::effect::Effect;
use crate::engine::throttle::Throttle;
use crate::fetch::UsersRequest;
#[cfg(doc)]
use crate::paging::PAGES_PER_PAGEFUL;
use crate::paging::{BARREN_PAGES, Offsets, PageRequest, PageSize, fair_pages};
use crate::visitor::{Visitor, VisitorId, VisitorsPage};

mod archived;
mod filter;
mod messages;
mod row;
mod waiting;
use filter::{Query, search_key};
pub use messages::{Focus, HIT_LIMIT, HitRow, Hits, Landing, Prompt, SyncProgress};
pub use row::{Cell, RowText};
pub use waiting::waiting_words;

/// Most visitors the picker holds; the list stops loading there and says so,
/// so a huge account cannot exhaust memory.
pub const MAX_VISITORS: usize = 10_000;

/// Longest filter kept, in characters: enough for any name, email or id.
pub const MAX_QUERY_CHARS: usize = 100;

/// Seen this recently, a visitor counts as online.
pub const ONLINE_WINDOW: TimeDelta = TimeDelta::minutes(2);

/// Pages the list may take beyond [`PAGES_PER_PAGEFUL`] for each page's
/// worth of visitors it got, before it takes the server to repeat itself.
pub const SPARE_PAGES: u64 = 3;

/// Rows PgUp/PgDn move by.
pub const PAGE_ROWS: usize = 10;

/// How the loading of the visitor list stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListLoad {
    /// Pages are on their way.
    Loading,
    /// Every visitor the server has is here.
    Complete,
    /// [`MAX_VISITORS`] are here; the rest were not asked for.
    Capped,
    /// Pages stopped bringing visitors not seen before, so the rest were
    /// not asked for; `Retry` asks for the list again.
    Repeated,
    /// A request failed (this is the latest reason); `Retry` asks again
    /// for the pages that are missing.
    Failed(String),
}

/// What the picker asks of the app after an action or an answer: the one
/// [`Effect`], with the visitor list's fetch requests.
pub type PickerEffect = Effect<UsersRequest>;

/// A visitor in the list, with the text the filter matches it on.
#[derive(Debug)]
struct Listed {
    visitor: Visitor,
    /// See [`filter::search_key`]: folded once, as it arrives.
    key: String,
    /// What its row says, made once, as it arrives.
    row: RowText,
    /// Why the server's entry could not be read, for a placeholder row.
    unreadable: Option<String>,
}

/// The picker's state.
#[derive(Debug)]
pub struct PickerState {
    /// Most recently seen first; never seen last; ties by id.
    visitors: Vec<Listed>,
    /// What the reader typed.
    query: String,
    /// Indexes into `visitors` of those the query matches, in list order.
    matches: Vec<usize>,
    /// The selected visitor, kept by id so arriving pages do not move it.
    selected: Option<VisitorId>,
    /// Whether the reader moved the selection since the filter last
    /// changed; until then it stays on the first row as pages arrive.
    moved: bool,
    load: ListLoad,
    page_size: PageSize,
    /// Which start of the list the requests belong to: an answer to an
    /// earlier one is dropped, whatever its offset.
    generation: u64,
    /// How many pages may be asked for at once.
    throttle: Throttle,
    /// Offsets asked for and not answered yet; to ask for before new ones
    /// (where a short page stopped, and failed pages once the reader
    /// retries); failed, for `Retry`; answered already, so a gap never asks
    /// for one twice; and the first never asked for.
    offsets: Offsets,
    /// Offsets asked for where a short page stopped: their pages overlap
    /// others by design, so bringing nobody new is no sign of repetition.
    gaps: BTreeSet<u64>,
    /// Where asking stops: the first answer's `total`, or sooner where a
    /// page came back empty. Unknown until the first answer.
    end: Option<u64>,
    /// What the server last said it holds.
    total: Option<u64>,
    /// Entries the server sent that could not be read as visitors.
    unreadable: u64,
    /// Pages answered since the list was started, and how many in a row
    /// (in the order they landed) brought nobody new.
    pages: u64,
    barren_run: u32,
    /// The fewest entries a page that brought any has answered with: a
    /// server that pages in smaller pages than asked takes more of them.
    smallest_page: u64,
    /// Whether the list is on screen; while it is not, nothing is asked.
    visible: bool,
    /// A notice about the conversation the reader came back from.
    notice: Option<String>,
    /// Said while a request for the list waits to be tried again.
    retrying: Option<String>,
    /// Whether the keys are shown over the list.
    help: bool,
    /// `--offline`: the list comes from the archive, nothing is fetched.
    offline: bool,
    /// Which prompt is shown: the filter, or the search of all messages.
    prompt: Prompt,
    messages: messages::MessageSearch,
    /// Who waits for an answer, from the archive's figures.
    waiting: waiting::Waiting,
    dirty: bool,
}

impl PickerState {
    /// An empty picker that loads `page_size` visitors a request.
    pub fn new(page_size: PageSize) -> Self {
        PickerState {
            visitors: Vec::new(),
            query: String::new(),
            matches: Vec::new(),
            selected: None,
            moved: false,
            load: ListLoad::Loading,
            page_size,
            generation: 0,
            throttle: Throttle::new(1),
            offsets: Offsets::new(page_size.into()),
            gaps: BTreeSet::new(),
            end: None,
            total: None,
            unreadable: 0,
            pages: 0,
            barren_run: 0,
            smallest_page: u64::MAX,
            visible: true,
            notice: None,
            retrying: None,
            help: false,
            offline: false,
            prompt: Prompt::Visitors,
            messages: messages::MessageSearch::default(),
            waiting: waiting::Waiting::default(),
            dirty: true,
        }
    }

    /// The same picker, asking for up to `concurrency` pages at once once
    /// the first has answered.
    #[must_use]
    pub fn with_concurrency(mut self, concurrency: Concurrency) -> Self {
        self.throttle = Throttle::new(usize::from(concurrency));
        self
    }

    /// The first request. Started again, the picker forgets the visitors it
    /// loaded, and answers still in flight from before never land.
    pub fn start(&mut self) -> Vec<PickerEffect> {
        let mut effects: Vec<PickerEffect> = self.ask_who_waits().into_iter().collect();
        if self.offline {
            effects.extend(self.start_offline());
            return effects;
        }
        self.visitors.clear();
        self.refilter();
        effects.extend(self.reload());
        effects
    }

    /// Asks for the list again from its start, keeping the visitors shown
    /// (each arriving again replaces its copy); answers still in flight
    /// from before never land.
    fn reload(&mut self) -> Vec<PickerEffect> {
        self.generation = self.generation.wrapping_add(1);
        self.offsets = Offsets::new(self.page_size.into());
        self.gaps.clear();
        self.end = None;
        self.total = None;
        self.unreadable = 0;
        self.pages = 0;
        self.barren_run = 0;
        self.smallest_page = u64::MAX;
        self.retrying = None;
        self.load = ListLoad::Loading;
        self.dirty = true;
        self.fill()
    }

    /// The list left the screen (a conversation opened): nothing more is
    /// asked for until it is back; answers in flight still land.
    pub fn hide(&mut self) {
        self.visible = false;
    }

    /// The list is on screen again: asking goes on where it stopped.
    /// Who is waiting is asked again: the conversation left may have changed it.
    pub fn show(&mut self) -> Vec<PickerEffect> {
        self.visible = true;
        self.dirty = true;
        let mut effects: Vec<PickerEffect> = self.ask_who_waits().into_iter().collect();
        effects.extend(self.fill());
        effects.extend(self.resume_messages());
        effects
    }

    /// The server said slow down (HTTP 429): fewer pages at once for a while.
    pub fn slow_down(&mut self) {
        self.throttle.slow_down();
    }

    /// Takes one reader action.
    pub fn update(&mut self, action: PickerAction) -> Vec<PickerEffect> {
        self.dirty = true;
        let action = self.read_w(action);
        if self.help {
            match action {
                PickerAction::Quit | PickerAction::Suspend | PickerAction::Redraw => {}
                // Any other key closes the keys, and does nothing else.
                _ => {
                    self.help = false;
                    return Vec::new();
                }
            }
        }
        if self.prompt == Prompt::Messages
            && let Some(effects) = self.update_messages(action)
        {
            return effects;
        }
        match action {
            PickerAction::Help => self.help = true,
            PickerAction::SwitchPrompt => return self.switch_prompt(),
            PickerAction::OnlyWaiting => self.toggle_only_waiting(),
            PickerAction::Next => self.move_by(1),
            PickerAction::Previous => self.move_by(-1),
            PickerAction::PageDown => self.move_by(PAGE_ROWS as isize),
            PickerAction::PageUp => self.move_by(-(PAGE_ROWS as isize)),
            PickerAction::Open => {
                if let Some(id) = self.selected {
                    self.notice = None;
                    return vec![PickerEffect::OpenVisitor(id)];
                }
            }
            PickerAction::Type(c) => {
                if self.query.chars().count() < MAX_QUERY_CHARS && !c.is_control() {
                    self.query.push(c);
                    self.moved = false;
                    self.refilter();
                }
            }
            PickerAction::Erase => {
                if self.query.pop().is_some() {
                    self.moved = false;
                    self.refilter();
                }
            }
            PickerAction::ClearFilter => self.clear_filter(),
            PickerAction::Escape => {
                if self.query.is_empty() {
                    return vec![PickerEffect::Quit];
                }
                self.clear_filter();
            }
            PickerAction::Retry if self.offline => {
                if matches!(self.load, ListLoad::Failed(_)) {
                    return self.start_offline();
                }
            }
            PickerAction::Retry => match self.load {
                ListLoad::Failed(_) => {
                    self.offsets.retry_failed();
                    self.load = ListLoad::Loading;
                    return self.fill();
                }
                ListLoad::Repeated => return self.reload(),
                ListLoad::Complete if self.missing() > 0 => return self.reload(),
                _ => {}
            },
            PickerAction::Redraw => return vec![PickerEffect::ClearScreen],
            PickerAction::Suspend => return vec![PickerEffect::Suspend],
            PickerAction::Quit => return vec![PickerEffect::Quit],
        }
        Vec::new()
    }

    /// Takes the answer to a request, in whatever order answers come; asks
    /// for more pages while there are some and room for them.
    pub fn apply(
        &mut self,
        request: UsersRequest,
        result: Result<VisitorsPage, ApiError>,
    ) -> Vec<PickerEffect> {
        let sent = PageRequest {
            offset: request.offset,
            limit: request.limit,
        };
        let covers = if request.generation == self.generation {
            self.offsets.answered(sent)
        } else {
            None
        };
        let Some(covers) = covers else {
            // An answer this picker no longer waits for: from before it was
            // started again, or after the list was capped.
            return Vec::new();
        };
        self.dirty = true;
        self.retrying = None;
        let page = match result {
            Ok(page) => page,
            Err(error) => {
                let first = self.total.is_none();
                if first && error.is_fatal_at_start() {
                    return vec![PickerEffect::Fatal(error.to_string())];
                }
                // The other pages still land; nothing new is asked until Retry.
                self.offsets.fail(covers);
                self.load = ListLoad::Failed(error.to_string());
                return Vec::new();
            }
        };
        self.throttle.answered();
        self.offsets.mark_done(request.offset);
        let answered = page.visitors.len() as u64 + page.unreadable;
        self.total = Some(page.total);
        self.unreadable += page.unreadable;
        let end = *self.end.get_or_insert(page.total);
        let known = self.visitors.len();
        self.add(page.visitors, &page.placeholders);
        self.count_page(request.offset, answered, self.visitors.len() > known);
        if self.visitors.len() >= MAX_VISITORS {
            self.visitors.truncate(MAX_VISITORS);
            self.refilter();
            self.load = ListLoad::Capped;
            self.offsets.clear_in_flight();
            self.offsets.clear_queued();
            return Vec::new();
        }
        let reached = request.offset + answered;
        if answered == 0 {
            // An empty page ends the list even if `total` says more: asking
            // again at the same offset would never end.
            self.end = Some(end.min(request.offset));
        } else if answered < self.page_size.get().into() && reached < end {
            // A short page leaves a gap; pages that overlap it only bring
            // visitors already known.
            self.offsets.ask_again(self.page_from(reached));
            self.gaps.insert(reached);
        }
        self.fill()
    }

    /// Counts an answered page of `answered` entries into the bound on the
    /// list's work; past it, nothing more is asked.
    fn count_page(&mut self, offset: u64, answered: u64, brought_someone: bool) {
        self.pages += 1;
        let gap = self.gaps.remove(&offset);
        if brought_someone {
            self.barren_run = 0;
        } else if answered > 0 && !gap {
            self.barren_run += 1;
        }
        if answered > 0 {
            self.smallest_page = self.smallest_page.min(answered);
        }
        let page = self.smallest_page.min(u64::from(self.page_size.get()));
        let page_fuls = (self.visitors.len() as u64).div_ceil(page);
        if self.load == ListLoad::Loading
            && (self.barren_run >= BARREN_PAGES || self.pages > fair_pages(page_fuls, SPARE_PAGES))
        {
            self.load = ListLoad::Repeated;
            self.offsets.clear_queued();
        }
    }

    /// How many of the visitors the server counted did not arrive, once
    /// nothing more is asked for (0 while loading, or when capped on purpose).
    pub fn missing(&self) -> u64 {
        match self.load {
            ListLoad::Complete | ListLoad::Repeated => self
                .total
                .unwrap_or_default()
                .saturating_sub(self.visitors.len() as u64 + self.unreadable),
            _ => 0,
        }
    }

    /// Shows `text` above the list until the next conversation is opened.
    pub fn set_notice(&mut self, text: String) {
        self.notice = Some(text);
        self.dirty = true;
    }

    /// Says that the list's request failed and waits to be tried again.
    pub fn set_retrying(&mut self, text: String) {
        self.retrying = Some(text);
        self.dirty = true;
    }

    /// What the retrying request said, while it waits.
    pub fn retrying(&self) -> Option<&str> {
        self.retrying.as_deref()
    }

    /// Whether the keys are shown over the list.
    pub fn help_shown(&self) -> bool {
        self.help
    }

    /// The notice, if one is shown.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The filter as typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The visitors the filter lets through, in list order.
    pub fn shown(&self) -> impl ExactSizeIterator<Item = &Visitor> {
        self.matches.iter().map(|&i| &self.visitors[i].visitor)
    }

    /// The rows the filter lets through, in list order: each visitor and
    /// what its row says.
    pub fn shown_rows(&self) -> impl ExactSizeIterator<Item = (&Visitor, &RowText)> {
        self.matches.iter().map(|&i| {
            let listed = &self.visitors[i];
            (&listed.visitor, &listed.row)
        })
    }

    /// Why the entry of visitor `id` could not be read, if it is a placeholder.
    pub fn unreadable_reason(&self, id: VisitorId) -> Option<&str> {
        self.visitors
            .iter()
            .find(|v| v.visitor.id == id)
            .and_then(|v| v.unreadable.as_deref())
    }

    /// How many visitors are loaded.
    pub fn loaded(&self) -> usize {
        self.visitors.len()
    }

    /// What the server last said it holds.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Entries that could not be read as visitors so far.
    pub fn unreadable(&self) -> u64 {
        self.unreadable
    }

    /// The selected visitor's id.
    pub fn selected(&self) -> Option<VisitorId> {
        self.selected
    }

    /// The selected row's place among the shown ones.
    pub fn selected_row(&self) -> Option<usize> {
        let id = self.selected?;
        self.matches
            .iter()
            .position(|&i| self.visitors[i].visitor.id == id)
    }

    /// How loading stands.
    pub fn load(&self) -> &ListLoad {
        &self.load
    }

    /// Whether something changed since the last call (and the screen needs drawing).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Marks the screen for drawing (after a resize, say).
    pub fn touch(&mut self) {
        self.dirty = true;
    }

    /// Asks for pages while there is room: one until the first answer
    /// says how far the list goes, then as many as the throttle allows.
    /// With nothing left to ask and nothing in flight, the list is complete.
    fn fill(&mut self) -> Vec<PickerEffect> {
        let mut effects = Vec::new();
        if self.load != ListLoad::Loading || !self.visible || self.offline {
            return effects;
        }
        // Until the first answer, the first page alone.
        let (end, room) = match self.end {
            Some(end) => (end, self.throttle.limit()),
            None => (self.page_size.into(), 1),
        };
        while self.offsets.in_flight() < room {
            let Some(range) = self.offsets.next_range(end, |_| false) else {
                break;
            };
            let offset = range.start;
            if offset >= end || self.offsets.in_flight_at(offset) || self.offsets.is_done(offset) {
                continue;
            }
            self.offsets.send(
                PageRequest {
                    offset,
                    limit: self.page_size,
                },
                self.page_from(offset),
            );
            effects.push(PickerEffect::Fetch(UsersRequest {
                offset,
                limit: self.page_size,
                generation: self.generation,
            }));
        }
        if self.offsets.in_flight() == 0 {
            self.load = ListLoad::Complete;
        }
        effects
    }

    /// The offsets a page asked for at `offset` covers.
    fn page_from(&self, offset: u64) -> std::ops::Range<u64> {
        offset..offset.saturating_add(self.page_size.into())
    }

    fn clear_filter(&mut self) {
        if !self.query.is_empty() {
            self.query.clear();
            self.moved = false;
            self.refilter();
        }
    }

    /// Moves the selection `by` rows among the shown ones, stopping at the ends.
    fn move_by(&mut self, by: isize) {
        if self.matches.is_empty() {
            return;
        }
        let last = self.matches.len() - 1;
        let at = self.selected_row().unwrap_or(0);
        let to = at.saturating_add_signed(by).min(last);
        self.selected = Some(self.visitors[self.matches[to]].visitor.id);
        self.moved = true;
    }

    /// Adds arriving visitors (one seen again replaces the earlier copy) and
    /// keeps the order.
    /// A placeholder (an entry that could not be read) never replaces a
    /// visitor read before.
    fn add(&mut self, arrived: Vec<Visitor>, placeholders: &[(VisitorId, String)]) {
        for visitor in arrived {
            let unreadable = placeholders
                .iter()
                .find(|(id, _)| *id == visitor.id)
                .map(|(_, reason)| reason.clone());
            let row = match &unreadable {
                Some(reason) => RowText::placeholder(visitor.id, reason),
                None => RowText::of(&visitor),
            };
            let listed = Listed {
                key: search_key(&visitor),
                row,
                visitor,
                unreadable,
            };
            match self
                .visitors
                .iter_mut()
                .find(|v| v.visitor.id == listed.visitor.id)
            {
                Some(known) if listed.unreadable.is_some() && known.unreadable.is_none() => {}
                Some(known) => *known = listed,
                None => self.visitors.push(listed),
            }
        }
        // Newest `online_at` first; `None` sorts last as `Reverse(None)` is greatest.
        self.visitors
            .sort_by_key(|v| (std::cmp::Reverse(v.visitor.online_at), v.visitor.id));
        self.refilter();
    }

    /// Recomputes the matches. A selection the reader moved stays on its
    /// visitor while it is shown; otherwise the first row is selected.
    fn refilter(&mut self) {
        let query = Query::new(&self.query);
        let mut matches = (0..self.visitors.len())
            .filter(|&i| query.matches(&self.visitors[i].key))
            .collect();
        if self.waiting.only {
            self.waiting_first(&mut matches);
        }
        self.matches = matches;
        let keep = self.moved && self.selected_row().is_some();
        if !keep {
            self.moved = false;
            self.selected = self.matches.first().map(|&i| self.visitors[i].visitor.id);
        }
    }
}

/// A time this far ahead of our clock still counts as now: clocks differ.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(2);

/// Whether a visitor seen at `online_at` counts as online at `now`.
pub fn is_online(online_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    online_at.is_some_and(|at| {
        let ago = now.signed_duration_since(at);
        ago < ONLINE_WINDOW && ago > -CLOCK_SKEW
    })
}

/// "online" when seen within [`ONLINE_WINDOW`] of `now`, else how long ago in
/// the largest whole unit ("5 min ago", "3 h ago", "3 d ago"); "never" without
/// a time. A time ahead of `now` by more than [`CLOCK_SKEW`] has not
/// happened, so it is shown as the date it claims ("2999-01-01").
pub fn last_seen(online_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(at) = online_at else {
        return "never".to_owned();
    };
    let ago = now.signed_duration_since(at);
    if ago <= -CLOCK_SKEW {
        return at.format("%Y-%m-%d").to_string();
    }
    if ago < ONLINE_WINDOW {
        return "online".to_owned();
    }
    let minutes = ago.num_minutes();
    match minutes {
        ..60 => format!("{minutes} min ago"),
        60..1440 => format!("{} h ago", minutes / 60),
        1440..525_600 => format!("{} d ago", minutes / 1440),
        _ => format!("{} y ago", minutes / 525_600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()
    }

    #[test]
    fn last_seen_reads_as_a_person_would_say_it() {
        let ago = |minutes: i64| last_seen(Some(now() - TimeDelta::minutes(minutes)), now());
        assert_eq!(ago(0), "online");
        assert_eq!(ago(1), "online");
        assert_eq!(ago(2), "2 min ago");
        assert_eq!(ago(5), "5 min ago");
        assert_eq!(ago(59), "59 min ago");
        assert_eq!(ago(60), "1 h ago");
        assert_eq!(ago(3 * 1440 + 5), "3 d ago");
        assert_eq!(ago(2 * 525_600), "2 y ago");
        // A clock a little ahead of ours: it was just now.
        assert_eq!(ago(-1), "online");
        assert!(is_online(Some(now() - TimeDelta::minutes(-1)), now()));
        assert_eq!(last_seen(None, now()), "never");
    }

    #[test]
    fn a_time_in_the_future_is_the_date_it_claims_not_online() {
        let future = Utc.with_ymd_and_hms(2999, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(last_seen(Some(future), now()), "2999-01-01");
        assert!(!is_online(Some(future), now()));
        let later_today = now() + TimeDelta::minutes(10);
        assert_eq!(last_seen(Some(later_today), now()), "2026-11-27");
    }
}
