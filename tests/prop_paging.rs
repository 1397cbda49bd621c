//! The pager against an in-memory server, thousands of times: whatever the
//! server's order, the page size, the history's length, its growth while we
//! page and lost answers, everything the last answer counted is loaded, each
//! message once, the newest page is shown first, and the view never has a hole.
//!
//! No HTTP here, so cases are cheap; `prop_fetch.rs` runs fewer cases through
//! the real client and fetch task against the fake server.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use proptest::prelude::*;
use szchat::model::{Message, MessageId, Page, SortKey};
use szchat::paging::{
    CATCH_UP_PATIENCE, MAX_HELD, PAGES_PER_PAGEFUL, PageRequest, PageSize, Pager, READ_LIMIT,
    SPARE_PAGES, ServerOrder, Stop,
};

/// Growth stops after at most this many answers. A conversation that never
/// stops growing can never be fully loaded, so completeness is only promised
/// for growth that ends.
const GROWING_ANSWERS: usize = 16;

/// The most a case's history grows while we page. The pager stops chasing
/// arrivals after `CATCH_UP_PATIENCE` requests that bring it no closer, which
/// a burst outpacing our pages causes both while it lasts and while we
/// win back what it put us behind; a burst whose excess takes no more than
/// half that patience to fetch is one the pager promises to catch up with.
fn most_growth(page_size: u32) -> usize {
    CATCH_UP_PATIENCE as usize / 2 * page_size as usize
}

/// Requests after which a run counts as "never finishes".
const REQUEST_CEILING: usize = 20_000;

/// An in-memory SignalZen: `history` in (created_at, id) order, served oldest-
/// or newest-first, growing after each answered request until its growth runs out.
#[derive(Clone)]
struct Model {
    history: Vec<Message>,
    newest_first: bool,
    growth_per_answer: usize,
    growth_left: usize,
}

impl Model {
    /// Answers `request` from the history as it is now, then grows.
    fn answer(&mut self, request: PageRequest) -> Page {
        let total = self.history.len();
        let start = usize::try_from(request.offset).unwrap().min(total);
        let end = (start + request.limit.get() as usize).min(total);
        let messages = (start..end)
            .map(|i| {
                let index = if self.newest_first { total - 1 - i } else { i };
                self.history[index].clone()
            })
            .collect();
        let page = Page {
            offset: request.offset,
            limit: u64::from(request.limit.get()),
            total: total as u64,
            messages,
        };
        self.grow();
        page
    }

    /// Appends newer messages, the way a live conversation grows.
    fn grow(&mut self) {
        let count = self.growth_per_answer.min(self.growth_left);
        self.growth_left -= count;
        for _ in 0..count {
            let (id, minute) = self.history.last().map_or((1, 0), |m| {
                (m.id + 1, minute_of(m) + i64::from(m.id % 2 == 0))
            });
            self.history
                .push(common::message(id, minute, id % 2 == 1, "live"));
        }
    }
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let history: Vec<String> = self
            .history
            .iter()
            .map(|m| format!("{}@{}", m.id, minute_of(m)))
            .collect();
        f.debug_struct("Model")
            .field("history (id@minute)", &history.join(" "))
            .field("newest_first", &self.newest_first)
            .field("growth_per_answer", &self.growth_per_answer)
            .field("growth_left", &self.growth_left)
            .finish()
    }
}

fn minute_of(message: &Message) -> i64 {
    let base = common::message(0, 0, true, "").created_at.unwrap();
    (message.created_at.unwrap() - base).num_minutes()
}

/// A history whose ids grow with gaps and whose timestamps grow with ties:
/// each step is (id gap - 1, minutes after the previous message).
fn history(steps: &[(u8, u8)]) -> Vec<Message> {
    let mut id = 0;
    let mut minute = 0;
    steps
        .iter()
        .map(|&(gap, later)| {
            id += 1 + u64::from(gap);
            minute += i64::from(later);
            common::message(id, minute, id % 2 == 1, "old")
        })
        .collect()
}

#[derive(Clone, Debug)]
struct Scenario {
    model: Model,
    page_size: u32,
    /// Request `i` (0-based) is answered, and the server grows, but the answer
    /// never reaches the pager (a truncated body, a dropped connection after
    /// the server did its work): the caller asks again.
    lost: Vec<bool>,
}

fn scenario(max_len: usize, max_growth_per_answer: usize) -> impl Strategy<Value = Scenario> {
    (
        proptest::collection::vec((0u8..3, 0u8..3), 0..=max_len),
        any::<bool>(),
        1u32..=PageSize::MAX.get(),
        0..=max_growth_per_answer,
        0usize..=GROWING_ANSWERS,
        proptest::collection::vec(proptest::bool::weighted(0.15), 0..48),
    )
        .prop_map(
            |(steps, newest_first, page_size, growth_per_answer, growing_answers, lost)| Scenario {
                model: Model {
                    history: history(&steps),
                    newest_first,
                    growth_per_answer,
                    growth_left: (growth_per_answer * growing_answers).min(most_growth(page_size)),
                },
                page_size,
                lost,
            },
        )
}

/// What one run saw.
struct Run {
    /// What the caller stored, keyed like the conversation.
    stored: BTreeMap<SortKey, MessageId>,
    requests: usize,
    /// `total` of the last answer the pager took.
    last_total: Option<u64>,
}

/// Drives `pager` to completion against `scenario`, checking the invariants
/// that must hold after every answer.
fn run(scenario: &mut Scenario) -> Result<Run, TestCaseError> {
    let mut pager = Pager::new(PageSize::new(scenario.page_size).unwrap());
    let mut stored: BTreeMap<SortKey, MessageId> = BTreeMap::new();
    let mut requests = 0;
    // The newest message when the first answer the pager took was made: the
    // newest the pager can know of when it picks what to show first.
    let mut newest_at_first_answer = None;
    let mut first_batch_checked = false;
    let mut received = HashSet::new();
    while let Some(request) = pager.next_request() {
        requests += 1;
        prop_assert!(requests <= REQUEST_CEILING, "the pager never finishes");
        let newest_now = scenario.model.history.last().map(|m| m.id);
        let page = scenario.model.answer(request);
        if scenario.lost.get(requests - 1).copied().unwrap_or(false) {
            continue;
        }
        if newest_at_first_answer.is_none() {
            newest_at_first_answer = Some(newest_now);
        }
        received.extend(page.messages.iter().map(|m| m.id));
        let shown = pager.accept(request, page);
        if !first_batch_checked && !shown.is_empty() {
            first_batch_checked = true;
            // The reader first sees the newest messages, not the oldest.
            let newest = newest_at_first_answer.flatten();
            prop_assert!(
                shown.iter().any(|m| Some(m.id) == newest),
                "first batch {:?} lacks the newest message {:?}",
                shown.iter().map(|m| m.id).collect::<Vec<_>>(),
                newest
            );
        }
        for message in shown {
            stored.insert(message.sort_key(), message.id);
        }
        check_no_hole(&stored, &scenario.model.history)?;
    }
    let stop = pager.stopped();
    prop_assert!(
        !stop.is_some_and(|stop| stop.is_problem()),
        "an honest server was accused: {:?}",
        stop
    );
    let kept: HashSet<MessageId> = stored
        .values()
        .copied()
        .chain(pager.held_back().map(|m| m.id))
        .collect();
    prop_assert!(received.is_subset(&kept), "a received message was lost");
    Ok(Run {
        stored,
        requests,
        last_total: pager.total(),
    })
}

/// What is stored is one unbroken stretch of the history: the view never
/// shows two messages with one missing between them. What is stored comes
/// from the history, so it is the whole stretch if it is as long.
fn check_no_hole(
    stored: &BTreeMap<SortKey, MessageId>,
    history: &[Message],
) -> Result<(), TestCaseError> {
    let (Some((first, _)), Some((last, _))) = (stored.first_key_value(), stored.last_key_value())
    else {
        return Ok(());
    };
    let from = history.partition_point(|m| m.sort_key() < *first);
    let to = history.partition_point(|m| m.sort_key() <= *last);
    if to - from != stored.len() {
        let missing: Vec<MessageId> = history[from..to]
            .iter()
            .filter(|m| !stored.contains_key(&m.sort_key()))
            .map(|m| m.id)
            .collect();
        prop_assert!(
            false,
            "a hole in what the view shows: {:?} missing",
            missing
        );
    }
    Ok(())
}

fn check_complete(run: &Run, history: &[Message]) -> Result<(), TestCaseError> {
    let counted = usize::try_from(run.last_total.unwrap_or(0)).unwrap();
    // Growth appends newer messages, so what the last answer counted is a prefix.
    let expected: Vec<MessageId> = history[..counted].iter().map(|m| m.id).collect();
    let loaded: Vec<MessageId> = run.stored.values().copied().collect();
    prop_assert_eq!(
        loaded,
        expected,
        "loaded != the history the last answer counted"
    );
    Ok(())
}

/// Cases per property: `PROPTEST_CASES` if set (for long runs), else enough
/// to be thorough in a few seconds.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// Growth of a few messages per request, for a while, with lost answers.
    #[test]
    fn loads_everything_the_server_counted(mut scenario in scenario(400, 4)) {
        let run = run(&mut scenario)?;
        check_complete(&run, &scenario.model.history)?;
    }

    /// A conversation that never stops growing, by less than a page per answer:
    /// the pager still finishes, shows no hole, and everything that existed
    /// before the first request is loaded. (Growing by a page or more per
    /// answer, newest-first, the walk towards the oldest can never get there.)
    #[test]
    fn a_history_that_never_stops_growing_still_finishes(mut scenario in scenario(400, 4)) {
        prop_assume!(scenario.model.growth_per_answer < scenario.page_size as usize);
        scenario.model.growth_left = usize::MAX;
        let initial: Vec<MessageId> = scenario.model.history.iter().map(|m| m.id).collect();
        let run = run(&mut scenario)?;
        let loaded: Vec<MessageId> = run.stored.values().copied().collect();
        prop_assert_eq!(&loaded[..initial.len()], &initial[..]);
    }

    /// A quiet server, nothing lost: the request count is the least possible
    /// plus the probe.
    #[test]
    fn a_quiet_history_takes_one_request_per_page(
        steps in proptest::collection::vec((0u8..3, 0u8..3), 0..=400),
        newest_first in any::<bool>(),
        page_size in 1u32..=PageSize::MAX.get(),
    ) {
        let history = history(&steps);
        let n = history.len();
        let mut scenario = Scenario {
            model: Model { history, newest_first, growth_per_answer: 0, growth_left: 0 },
            page_size,
            lost: Vec::new(),
        };
        let run = run(&mut scenario)?;
        check_complete(&run, &scenario.model.history)?;
        prop_assert_eq!(run.stored.len(), n);
        let pages = n.div_ceil(page_size as usize).max(1);
        prop_assert!(run.requests <= pages + 1, "{} requests for {} pages", run.requests, pages);
    }
}

// ----- servers that lie -----
//
// Issue 7 measured these against the old pager: an unordered first page with
// `total` = 10^12 and new ids on every page (380 requests/s, memory without
// bound, `G` could not stop it); the same page for every offset (never
// ended); `total` jumping from 100 to 10^12 oldest-first (11,819 requests in
// 20 s with nothing pressed); `total` swinging between 100 and u64::MAX
// newest-first (pages held for ever, and `boundary + growth` overflowing);
// pages repeating their entries (offsets 50..100 never asked, yet "beginning
// of conversation"). Each has a test below, and a property mixes them.

/// A server that misbehaves on purpose. Offsets below `history.len()` hold its
/// messages, in `order`; past them, `endless` servers make up new ones.
#[derive(Clone, Debug)]
struct Liar {
    /// What the server really has, oldest first.
    history: Vec<Message>,
    order: LiarOrder,
    /// The `total` of answer `i` is `totals[i]`, the last one from there on;
    /// `None` is the true count.
    totals: Vec<Option<u64>>,
    /// Each entry of a page comes this many times in a row.
    repeats: usize,
    /// A page holds no more entries than were asked for, repeats included.
    cut_to_limit: bool,
    /// Every offset is answered with the page at offset 0.
    same_page: bool,
    /// Offsets past the history hold messages never seen before.
    endless: bool,
    answers: usize,
}

#[derive(Clone, Debug)]
enum LiarOrder {
    OldestFirst,
    NewestFirst,
    /// Offset `i` holds `history[permutation[i]]`.
    Shuffled(Vec<usize>),
}

impl Liar {
    fn new(history: Vec<Message>, order: LiarOrder) -> Self {
        Liar {
            history,
            order,
            totals: vec![None],
            repeats: 1,
            cut_to_limit: false,
            same_page: false,
            endless: false,
            answers: 0,
        }
    }

    /// The message at `position`, if the server has one there.
    fn at(&self, position: u64) -> Option<Message> {
        let n = self.history.len();
        match usize::try_from(position).ok().filter(|&i| i < n) {
            Some(i) => Some(match &self.order {
                LiarOrder::OldestFirst => self.history[i].clone(),
                LiarOrder::NewestFirst => self.history[n - 1 - i].clone(),
                LiarOrder::Shuffled(permutation) => self.history[permutation[i]].clone(),
            }),
            // Far above any real id; the minutes keep them in offset order.
            None if self.endless => {
                let id = position.wrapping_add(1_000_000_000);
                let minute = i64::try_from(position % 1_000_000_000).unwrap();
                Some(common::message(id, minute, id.is_multiple_of(2), "made up"))
            }
            None => None,
        }
    }

    fn answer(&mut self, request: PageRequest) -> Page {
        let start = if self.same_page { 0 } else { request.offset };
        let messages = (0..u64::from(request.limit))
            .map_while(|i| start.checked_add(i).and_then(|position| self.at(position)))
            .flat_map(|m| std::iter::repeat_n(m, self.repeats))
            .take(if self.cut_to_limit {
                request.limit.get() as usize
            } else {
                usize::MAX
            })
            .collect();
        let lie = self.totals[self.answers.min(self.totals.len() - 1)];
        let total = lie.unwrap_or(self.history.len() as u64);
        self.answers += 1;
        Page {
            offset: request.offset,
            limit: u64::from(request.limit),
            total,
            messages,
        }
    }
}

/// How the reader drives a run against a liar.
#[derive(Clone, Copy, Debug)]
struct Reader {
    /// For this many requests the view follows the oldest message (the
    /// reader pressed `g`), so every request the pager offers is wanted; then
    /// the reader presses `G`, and only those it fetches on its own are (the
    /// view is full and far from the top).
    follows_oldest_for: usize,
    /// How often the reader presses `g` again after a stop at the read limit.
    read_ons: u32,
    /// How often the reader presses `r` after any other stop.
    retries: u32,
}

/// What a run against a liar saw.
#[derive(Debug, Default)]
struct Hostile {
    requests: Vec<PageRequest>,
    /// Every id any answer carried.
    received: BTreeSet<MessageId>,
    /// Every id the pager let the view show.
    shown: BTreeSet<MessageId>,
}

/// Requests after which a run against a liar counts as endless when the reader
/// follows the oldest message for ever.
const HOSTILE_CEILING: usize = 50_000;

/// Drives `pager` against `liar` the way the app would for `reader`, checking
/// after every answer that held pages stay bounded and each walk stays
/// within the documented number of requests.
fn drive(pager: &mut Pager, liar: &mut Liar, reader: Reader) -> Result<Hostile, TestCaseError> {
    let page_size = u64::from(liar_page_size(pager));
    let mut run = Hostile::default();
    let mut read_ons = reader.read_ons;
    let mut retries = reader.retries;
    // Per walk (a start or an `r`): pages, distinct ids, shifted offsets.
    let mut walk_pages = 0u64;
    let mut walk_ids = HashSet::new();
    let mut walk_shifted = 0u64;
    let mut read_unasked = 0u64;
    let mut last_total = None;
    loop {
        let wanted = pager.next_request().filter(|_| {
            run.requests.len() < reader.follows_oldest_for || pager.wants_eager_fetch()
        });
        let Some(request) = wanted else {
            match pager.stopped() {
                Some(Stop::ReadLimit { .. }) if read_ons > 0 => {
                    read_ons -= 1;
                    read_unasked = 0;
                    pager.read_on();
                }
                Some(stop) if !matches!(stop, Stop::ReadLimit { .. }) && retries > 0 => {
                    retries -= 1;
                    prop_assert!(pager.try_again());
                    (walk_pages, walk_shifted, read_unasked) = (0, 0, 0);
                    walk_ids.clear();
                }
                _ => return Ok(run),
            }
            continue;
        };
        // Each press lets the pager read READ_LIMIT entries on its own, a
        // page of at least one at a time (an empty page ends a walk).
        let presses = 1 + reader.read_ons + reader.retries;
        let ceiling = (presses as usize) * (READ_LIMIT as usize + 1)
            + reader.follows_oldest_for.min(HOSTILE_CEILING);
        prop_assert!(run.requests.len() < ceiling, "the pager never stops");
        run.requests.push(request);
        let eager = pager.wants_eager_fetch();
        let newest_first = pager.order() == ServerOrder::NewestFirst;
        let page = liar.answer(request);
        let growth = page.total.saturating_sub(last_total.unwrap_or(page.total));
        last_total = Some(page.total);
        let entries = page.messages.len() as u64;
        if eager {
            read_unasked += entries;
        }
        walk_pages += 1;
        walk_ids.extend(page.messages.iter().map(|m| m.id));
        if newest_first {
            walk_shifted += growth.min(entries.min(u64::from(request.limit)));
        }
        run.received.extend(page.messages.iter().map(|m| m.id));
        run.shown
            .extend(pager.accept(request, page).iter().map(|m| m.id));

        let held = pager.held_back().count();
        prop_assert!(held <= MAX_HELD, "{} messages held back", held);
        let progress = (walk_ids.len() as u64 + walk_shifted).div_ceil(page_size);
        prop_assert!(
            walk_pages <= PAGES_PER_PAGEFUL * progress + SPARE_PAGES,
            "{} pages for {} distinct messages and {} shifted offsets",
            walk_pages,
            walk_ids.len(),
            walk_shifted
        );
        // One page may cross the limit; the pager stops after it.
        prop_assert!(
            read_unasked < READ_LIMIT + entries,
            "{} messages read without the reader asking",
            read_unasked
        );
    }
}

/// The page size the pager asks for, read from its first request.
fn liar_page_size(pager: &Pager) -> u32 {
    pager.next_request().map_or(1, |r| r.limit.get())
}

/// Everything received is on screen or still held for a gap that may close.
fn check_nothing_lost(run: &Hostile, pager: &Pager) -> Result<(), TestCaseError> {
    let held: BTreeSet<MessageId> = pager.held_back().map(|m| m.id).collect();
    let lost: Vec<&MessageId> = run
        .received
        .iter()
        .filter(|id| !run.shown.contains(id) && !held.contains(id))
        .collect();
    prop_assert!(lost.is_empty(), "received, never shown: {:?}", lost);
    Ok(())
}

/// The beginning is claimed only with every message the count promised.
fn check_honest_beginning(pager: &Pager) -> Result<(), TestCaseError> {
    if pager.is_complete() {
        prop_assert!(pager.reached_beginning());
        prop_assert!(pager.received() >= pager.total().unwrap_or(0));
    }
    if pager.stopped().is_some_and(|stop| stop.is_problem()) {
        prop_assert!(!pager.reached_beginning());
    }
    Ok(())
}

fn size(limit: u32) -> PageSize {
    PageSize::new(limit).unwrap()
}

fn pressing_nothing() -> Reader {
    Reader {
        follows_oldest_for: 0,
        read_ons: 0,
        retries: 0,
    }
}

fn pressing_g() -> Reader {
    Reader {
        follows_oldest_for: usize::MAX,
        ..pressing_nothing()
    }
}

/// `n` messages, ids 1..=n, a minute apart.
fn plain_history(n: u64) -> Vec<Message> {
    (1..=n)
        .map(|id| common::message(id, i64::try_from(id).unwrap(), id % 2 == 1, "real"))
        .collect()
}

#[test]
fn an_unordered_server_with_endless_new_messages_is_read_up_to_the_limit() {
    // The first two swapped: no order can be told.
    let mut permutation: Vec<usize> = (0..100).collect();
    permutation.swap(0, 1);
    let mut liar = Liar::new(plain_history(100), LiarOrder::Shuffled(permutation));
    liar.totals = vec![Some(1_000_000_000_000)];
    liar.endless = true;
    let mut pager = Pager::new(size(50));
    let run = drive(&mut pager, &mut liar, pressing_nothing()).unwrap();
    assert_eq!(pager.stopped(), Some(Stop::ReadLimit { read: READ_LIMIT }));
    assert_eq!(run.requests.len() as u64, READ_LIMIT / 50);
    assert_eq!(run.shown.len() as u64, READ_LIMIT, "all shown as they came");
    assert!(!pager.reached_beginning());

    // `g` reads as much again, and no more.
    let again = drive(
        &mut pager,
        &mut liar,
        Reader {
            read_ons: 1,
            ..pressing_nothing()
        },
    )
    .unwrap();
    assert_eq!(again.requests.len() as u64, READ_LIMIT / 50);
    assert_eq!(pager.received(), 2 * READ_LIMIT);
}

#[test]
fn the_same_page_for_every_offset_ends_the_walk() {
    let mut permutation: Vec<usize> = (0..50).collect();
    permutation.swap(0, 1);
    let mut liar = Liar::new(plain_history(50), LiarOrder::Shuffled(permutation));
    liar.totals = vec![Some(1_000)];
    liar.same_page = true;
    let mut pager = Pager::new(size(50));
    let run = drive(&mut pager, &mut liar, pressing_g()).unwrap();
    assert_eq!(
        run.requests.len(),
        1 + szchat::paging::BARREN_PAGES as usize
    );
    assert_eq!(pager.stopped(), Some(Stop::Inconsistent { received: 50 }));
    assert_eq!(
        pager.stopped().unwrap().to_string(),
        "the server's count does not add up: showing the 50 messages it sent (r tries again)"
    );
    assert_eq!(run.shown, (1..=50).collect());
    assert!(!pager.reached_beginning());
}

#[test]
fn a_total_jumping_to_a_trillion_oldest_first_is_not_chased_for_ever() {
    // Answers 1 (the probe) and 2 count 100; then 10^12.
    for endless in [true, false] {
        let mut liar = Liar::new(plain_history(100), LiarOrder::OldestFirst);
        liar.totals = vec![None, Some(1_000_000_000_000)];
        liar.endless = endless;
        let mut pager = Pager::new(size(50));
        let run = drive(&mut pager, &mut liar, pressing_nothing()).unwrap();
        check_nothing_lost(&run, &pager).unwrap();
        // The walk to the oldest message was honest: 100 messages from 1.
        assert!((1..=100).all(|id| run.shown.contains(&id)));
        if endless {
            // Catching up with "arrivals" it is never asked for: up to the limit.
            assert_eq!(pager.stopped(), Some(Stop::ReadLimit { read: READ_LIMIT }));
            assert!(run.requests.len() as u64 <= 2 + READ_LIMIT / 50);
        } else {
            // The first page of "arrivals" is empty.
            assert_eq!(run.requests.len(), 3);
            assert_eq!(pager.stopped(), Some(Stop::Inconsistent { received: 100 }));
        }
    }
}

#[test]
fn a_total_swinging_to_u64_max_newest_first_neither_overflows_nor_holds_for_ever() {
    let mut liar = Liar::new(plain_history(250), LiarOrder::NewestFirst);
    liar.totals = [Some(100), Some(u64::MAX)].repeat(1_000);
    let mut pager = Pager::new(size(50));
    let run = drive(&mut pager, &mut liar, pressing_g()).unwrap();
    check_nothing_lost(&run, &pager).unwrap();
    assert!(run.requests.len() <= 4, "{:?}", run.requests);
    assert_eq!(pager.held_back().count(), 0);
    assert!(matches!(pager.stopped(), Some(Stop::Inconsistent { .. })));
    assert!(!pager.reached_beginning());
}

#[test]
fn pages_repeating_their_entries_skip_no_offset() {
    // Issue 7: 120 messages, every page carries each of its entries twice.
    let mut liar = Liar::new(plain_history(120), LiarOrder::OldestFirst);
    liar.repeats = 2;
    let mut pager = Pager::new(size(50));
    let run = drive(&mut pager, &mut liar, pressing_g()).unwrap();
    let offsets: Vec<u64> = run.requests.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [0, 50, 100]);
    assert_eq!(run.shown, (1..=120).collect());
    assert!(pager.is_complete());
    assert!(pager.reached_beginning());
}

#[test]
fn a_short_count_of_distinct_messages_is_not_the_beginning_and_r_tries_again() {
    // Each page of 50 offsets holds 25 messages, twice: 70 of 120 arrive.
    let mut liar = Liar::new(plain_history(120), LiarOrder::OldestFirst);
    liar.repeats = 2;
    liar.cut_to_limit = true;
    let mut pager = Pager::new(size(50));
    let run = drive(&mut pager, &mut liar, pressing_g()).unwrap();
    check_nothing_lost(&run, &pager).unwrap();
    assert_eq!(run.shown.len(), 70);
    assert_eq!(
        pager.stopped(),
        Some(Stop::Missing {
            missing: 50,
            total: 120
        })
    );
    assert_eq!(
        pager.stopped().unwrap().to_string(),
        "50 of 120 messages did not arrive: r tries again"
    );
    assert!(!pager.reached_beginning());

    // The server mends its ways; `r` walks the list again.
    liar.repeats = 1;
    liar.cut_to_limit = false;
    let again = drive(
        &mut pager,
        &mut liar,
        Reader {
            retries: 1,
            ..pressing_g()
        },
    )
    .unwrap();
    assert_eq!(again.shown.len(), 120);
    assert!(pager.is_complete());
    assert!(pager.reached_beginning());
}

fn liar() -> impl Strategy<Value = (Liar, u32, Reader)> {
    let total = prop_oneof![
        3 => Just(None),
        2 => (0u64..600).prop_map(Some),
        1 => any::<u64>().prop_map(Some),
        1 => Just(Some(u64::MAX)),
        1 => Just(Some(1_000_000_000_000)),
    ];
    let order = prop_oneof![Just(0u8), Just(1u8), Just(2u8)];
    (
        0u64..300,
        order,
        proptest::collection::vec(total, 1..6),
        any::<bool>(),
        (
            1usize..=3,
            any::<bool>(),
            proptest::bool::weighted(0.2),
            any::<bool>(),
        ),
        1u32..=PageSize::MAX.get(),
        (prop_oneof![Just(0usize), 0usize..400], 0u32..=2, 0u32..=2),
        any::<u64>(),
    )
        .prop_map(
            |(n, order, totals, swing, faults, page_size, reader, seed)| {
                let (repeats, cut_to_limit, same_page, endless) = faults;
                let (follows_oldest_for, read_ons, retries) = reader;
                let mut permutation: Vec<usize> = (0..n as usize).collect();
                fastrand::Rng::with_seed(seed).shuffle(&mut permutation);
                let order = match order {
                    0 => LiarOrder::OldestFirst,
                    1 => LiarOrder::NewestFirst,
                    _ => LiarOrder::Shuffled(permutation),
                };
                let totals = if swing { totals.repeat(200) } else { totals };
                let liar = Liar {
                    repeats,
                    cut_to_limit,
                    same_page,
                    endless,
                    totals,
                    ..Liar::new(plain_history(n), order)
                };
                let reader = Reader {
                    follows_oldest_for,
                    read_ons,
                    retries,
                };
                (liar, page_size, reader)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    /// Random and swinging totals up to u64::MAX, repeated pages, repeated
    /// entries, shuffled order, new ids for ever, and a reader who presses
    /// `g`, `G` and `r`: the pager stops within its documented bounds (checked
    /// after every answer by `drive`), never overflows, never loses a message
    /// it received, and never claims the beginning while messages are missing.
    #[test]
    fn a_lying_server_is_read_within_bounds_and_nothing_is_lost(
        (mut liar, page_size, reader) in liar()
    ) {
        let mut pager = Pager::new(size(page_size));
        let run = drive(&mut pager, &mut liar, reader)?;
        check_nothing_lost(&run, &pager)?;
        check_honest_beginning(&pager)?;
    }
}
