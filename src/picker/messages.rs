//! The visitor list's second prompt, "Search all messages:" (`Tab`): the
//! query language of [`crate::search_query`] over every archived visitor,
//! hits listed as the query is typed, and the hit `Enter` opens.
//!
//! Keys go to the query while it has the focus, and to the hits once `↓`
//! (or `↑`, PgUp, PgDn) moved there: then `s` syncs the visitors the
//! archive lacks, in the background, and any other character goes back
//! to the query. When that sync ends the query is asked again, so the
//! hits it brings appear.
//!
//! Queries run in the store's task, never here. One is in flight at a
//! time, tagged with a sequence number: an answer to a query the reader has
//! typed past is dropped, and only the latest query typed meanwhile is sent
//! next, so a slow query never queues up the ones behind it.

use chrono::DateTime;

use super::row::Cell;
use super::{PickerEffect, PickerState};
use crate::archive::ArchiveError;
use crate::archive::search::{Coverage, Hit};
use crate::archive::task::StoreRequest;
use crate::model::MessageId;
use crate::sanitize::sanitize_line;
use crate::search_query::{self, Condition, Marks};
use crate::snippet::{self, Snippet};
use crate::sync::background::SyncEvent;
use crate::timefmt::LocalZone;
use crate::visitor::VisitorId;

/// Hits a query lists at most, as `szchat search` does by default.
pub const HIT_LIMIT: u32 = 100;
/// Characters of context shown before and after the match.
const BEFORE: usize = 30;
const AFTER: usize = 80;
/// Longest query kept, in characters: the query language's own bound.
const MAX_CHARS: usize = search_query::MAX_QUERY_CHARS;

/// Why `s` cannot sync when the app has no archive to sync into.
const CANNOT_SYNC: &str = "the archive cannot be synced from here: szchat sync does it";

/// Which prompt the visitor list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Prompt {
    /// "Find a visitor:", the filter over the list.
    #[default]
    Visitors,
    /// "Search all messages:", the search across every archived visitor.
    Messages,
}

/// Where the message search's keys go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Focus {
    /// Typed into the query.
    #[default]
    Query,
    /// The hits (`↓` moved there): `s` syncs, other characters type.
    Hits,
}

/// The sync of the visitors the archive lacks, while it runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncProgress {
    /// Visitors synced (or failed) so far.
    pub done: u64,
    /// Visitors to sync, once the archive said.
    pub visitors: Option<u64>,
}

/// One hit, as its row shows it: made once, as the answer arrives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HitRow {
    pub visitor_id: VisitorId,
    pub message_id: MessageId,
    /// The visitor's name, or "visitor 4821" without an archived profile.
    pub visitor: Cell,
    /// "2026-11-24 11:46" in the app's zone; empty without a time.
    pub when: String,
    /// "visitor" or "operator".
    pub sender: String,
    /// The sanitized text around the match, the match's byte range in it.
    pub snippet: Snippet,
}

impl HitRow {
    fn of(hit: &Hit, marks: &Marks, zone: LocalZone) -> Self {
        let name = hit
            .visitor_name
            .as_deref()
            .map(sanitize_line)
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| format!("visitor {}", hit.visitor_id));
        let when = hit
            .created_at
            .as_deref()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .map(|at| {
                zone.to_local(at.to_utc())
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let sender = match hit.sender_type.as_str() {
            "user" => "visitor".to_owned(),
            other => sanitize_line(other),
        };
        HitRow {
            visitor_id: hit.visitor_id,
            message_id: hit.message_id,
            visitor: Cell::new(&name),
            when,
            sender,
            snippet: snippet::snippet(&hit.snippet_source(), marks, BEFORE, AFTER),
        }
    }
}

/// What the hits area shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Hits {
    /// Nothing typed yet.
    #[default]
    Idle,
    /// The first answer to this query has not come yet.
    Searching,
    /// The answer to the query as typed.
    Found(Vec<HitRow>),
    /// The query cannot be read: why, as `szchat search` says it.
    Refused(String),
    /// The archive could not be searched.
    Failed(String),
}

/// Where the reader lands in a conversation opened from a hit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Landing {
    pub visitor: VisitorId,
    pub message: MessageId,
    /// The query as typed, for the conversation to highlight its words
    /// and for `n`/`N` to go through the messages it finds there.
    pub query: String,
}

/// The search across visitors: the query, its hits, what is in flight.
#[derive(Debug, Default)]
pub(super) struct MessageSearch {
    /// The archive is on: without it there is nothing to search.
    available: bool,
    zone: Option<LocalZone>,
    query: String,
    hits: Hits,
    selected: usize,
    /// The latest query's number; the one in flight, if any.
    seq: u64,
    in_flight: Option<u64>,
    /// The query changed while another was in flight: send it next.
    owed: bool,
    /// What the archive covers, from the latest answer.
    coverage: Option<Coverage>,
    /// The hit `Enter` opened, for the conversation to land on.
    landing: Option<Landing>,
    focus: Focus,
    /// The sync `s` started, while it runs.
    syncing: Option<SyncProgress>,
    /// The query is to be asked again once the list is on screen (the
    /// archive changed, or an answer went to the conversation opened).
    ask_again: bool,
}

impl PickerState {
    /// Message search (`Tab`) reads the archive, shown in `zone`.
    pub fn enable_message_search(&mut self, zone: LocalZone) {
        self.messages.available = true;
        self.messages.zone = Some(zone);
    }

    /// Where the message search's keys go.
    pub fn message_focus(&self) -> Focus {
        self.messages.focus
    }

    /// Whether `s` can sync the visitors the archive lacks: online.
    pub fn can_sync(&self) -> bool {
        !self.offline
    }

    /// The sync `s` started, while it runs.
    pub fn sync_progress(&self) -> Option<SyncProgress> {
        self.messages.syncing
    }

    /// Which prompt is shown.
    pub fn prompt(&self) -> Prompt {
        self.prompt
    }

    /// The message search's query as typed.
    pub fn message_query(&self) -> &str {
        &self.messages.query
    }

    /// What the hits area shows.
    pub fn hits(&self) -> &Hits {
        &self.messages.hits
    }

    /// The selected hit's place among the hits.
    pub fn selected_hit(&self) -> Option<usize> {
        match &self.messages.hits {
            Hits::Found(rows) if !rows.is_empty() => Some(self.messages.selected),
            _ => None,
        }
    }

    /// Visitors the archive lacks (listed, never synced), once an answer said.
    pub fn visitors_not_archived(&self) -> Option<u64> {
        self.messages.coverage.map(|c| c.never_synced)
    }

    /// The hit `Enter` opened, taken once by the conversation it opens.
    pub fn take_landing(&mut self) -> Option<Landing> {
        self.messages.landing.take()
    }

    /// `Tab`: the other prompt. Without the archive, the list stays and
    /// says why.
    pub(super) fn switch_prompt(&mut self) -> Vec<PickerEffect> {
        match self.prompt {
            Prompt::Messages => {
                self.prompt = Prompt::Visitors;
                Vec::new()
            }
            Prompt::Visitors if !self.messages.available => {
                self.notice = Some(
                    "message search needs the archive, which is off (--no-archive or archive = false)"
                        .to_owned(),
                );
                Vec::new()
            }
            Prompt::Visitors => {
                self.prompt = Prompt::Messages;
                self.notice = None;
                if self.messages.query.is_empty() {
                    // Coverage only, so the screen can say what the archive lacks.
                    self.messages.queried()
                } else {
                    // The hits as they were left.
                    Vec::new()
                }
            }
        }
    }

    /// An action while "Search all messages:" is shown; `None` for those
    /// that do the same at either prompt.
    pub(super) fn update_messages(
        &mut self,
        action: super::PickerAction,
    ) -> Option<Vec<PickerEffect>> {
        use super::PickerAction as A;
        if action == A::Type('s') && self.messages.focus == Focus::Hits {
            return Some(self.sync_lacking());
        }
        let search = &mut self.messages;
        search.focus = match action {
            A::Next | A::Previous | A::PageDown | A::PageUp => Focus::Hits,
            A::Open | A::Help | A::Redraw | A::Suspend | A::Quit => search.focus,
            _ => Focus::Query,
        };
        let effects = match action {
            A::Next => search.move_by(1),
            A::Previous => search.move_by(-1),
            A::PageDown => search.move_by(super::PAGE_ROWS as isize),
            A::PageUp => search.move_by(-(super::PAGE_ROWS as isize)),
            A::Type(c) if !c.is_control() && search.query.chars().count() < MAX_CHARS => {
                search.query.push(c);
                search.queried()
            }
            A::Type(_) => Vec::new(),
            A::Erase if search.query.pop().is_some() => search.queried(),
            A::Erase => Vec::new(),
            A::ClearFilter => search.clear(),
            A::Escape if search.query.is_empty() => {
                self.prompt = Prompt::Visitors;
                Vec::new()
            }
            A::Escape => search.clear(),
            A::Open => search.open(),
            _ => return None,
        };
        Some(effects)
    }

    /// `s` in the hits: the sync of the visitors the archive lacks starts
    /// in the background, or a notice says why it cannot.
    fn sync_lacking(&mut self) -> Vec<PickerEffect> {
        let why_not = if self.messages.syncing.is_some() {
            Some("a sync is under way already".to_owned())
        } else if self.offline {
            Some("offline: s syncs when szchat runs online".to_owned())
        } else if self.visitors_not_archived() == Some(0) {
            Some("nothing to sync: the archive has every listed visitor".to_owned())
        } else {
            None
        };
        if let Some(why_not) = why_not {
            self.set_notice(why_not);
            return Vec::new();
        }
        self.notice = None;
        self.messages.syncing = Some(SyncProgress::default());
        vec![PickerEffect::SyncLacking]
    }

    /// News of the sync `s` started: progress, then its summary as a
    /// notice, and the query asked again so the new hits appear.
    pub fn synced(&mut self, event: SyncEvent) -> Vec<PickerEffect> {
        self.dirty = true;
        let progress = self.messages.syncing.get_or_insert_default();
        match event {
            SyncEvent::Started { visitors } => progress.visitors = Some(visitors),
            SyncEvent::Progress(tally) => {
                progress.done = tally.done;
                progress.visitors = Some(tally.visitors);
            }
            SyncEvent::Done(outcome) => {
                self.messages.syncing = None;
                let said = match outcome {
                    Ok(summary) if summary.synced == 0 && summary.failed.is_empty() => {
                        "nothing to sync: the archive has every listed visitor".to_owned()
                    }
                    // The first visitor that failed, and why: `szchat sync` names each on stderr.
                    Ok(summary) => match summary.failed.first() {
                        Some((id, why)) => format!("{summary} (#{id}: {why})"),
                        None => summary.to_string(),
                    },
                    Err(reason) => format!("the sync stopped: {reason}"),
                };
                self.set_notice(said);
                self.messages.ask_again = true;
                if self.visible {
                    return self.messages.resume();
                }
            }
        }
        Vec::new()
    }

    /// The sync could not be started: the app has no archive to sync into.
    pub fn sync_refused(&mut self) {
        if self.messages.syncing.take().is_some() {
            self.set_notice(CANNOT_SYNC.to_owned());
        }
    }

    /// The list is back on screen: what the message search owes is asked.
    pub(super) fn resume_messages(&mut self) -> Vec<PickerEffect> {
        if !self.messages.available {
            return Vec::new();
        }
        self.messages.resume()
    }

    /// The store's answer to query `seq`: shown if it is the latest, else
    /// dropped; the query typed meanwhile goes next.
    pub fn searched(
        &mut self,
        seq: u64,
        result: Result<(Vec<Hit>, Coverage), ArchiveError>,
    ) -> Vec<PickerEffect> {
        let search = &mut self.messages;
        if search.in_flight == Some(seq) {
            search.in_flight = None;
        }
        if seq == search.seq {
            self.dirty = true;
            search.answered(result);
        }
        if search.owed && search.in_flight.is_none() {
            search.owed = false;
            return search.send();
        }
        Vec::new()
    }
}

impl MessageSearch {
    /// Asks the query again if it is owed: the archive changed, or the
    /// answer in flight went to a conversation opened meanwhile.
    fn resume(&mut self) -> Vec<PickerEffect> {
        let lost = self.in_flight.take().is_some();
        let owed = std::mem::take(&mut self.owed) || std::mem::take(&mut self.ask_again);
        if !(lost || owed) {
            return Vec::new();
        }
        self.seq = self.seq.wrapping_add(1);
        self.send()
    }

    /// The query changed: a new number, and a request if none is in flight.
    fn queried(&mut self) -> Vec<PickerEffect> {
        self.seq = self.seq.wrapping_add(1);
        self.selected = 0;
        if self.query.trim().is_empty() {
            self.hits = Hits::Idle;
        } else if let Err(error) = search_query::parse(&self.query) {
            // Said at once, with no store request.
            self.hits = Hits::Refused(error.to_string());
            return Vec::new();
        } else if !matches!(self.hits, Hits::Found(_)) {
            // Hits stay shown until the new ones come, so rows do not blink.
            self.hits = Hits::Searching;
        }
        if self.in_flight.is_some() {
            self.owed = true;
            return Vec::new();
        }
        self.send()
    }

    /// Sends the latest query (an empty one asks for coverage alone).
    fn send(&mut self) -> Vec<PickerEffect> {
        let (condition, limit) = match search_query::parse(&self.query) {
            Ok(query) => (search_query::condition(&query), HIT_LIMIT),
            Err(_) if self.query.trim().is_empty() => (nothing(), 0),
            // Refused as typed; nothing to ask.
            Err(_) => return Vec::new(),
        };
        self.in_flight = Some(self.seq);
        vec![PickerEffect::Store(StoreRequest::Search {
            condition,
            limit,
            seq: self.seq,
        })]
    }

    fn answered(&mut self, result: Result<(Vec<Hit>, Coverage), ArchiveError>) {
        match result {
            Ok((hits, coverage)) => {
                self.coverage = Some(coverage);
                if self.query.trim().is_empty() {
                    return;
                }
                let marks = search_query::parse(&self.query)
                    .map(|query| query.marks())
                    .unwrap_or_default();
                let zone = self.zone.unwrap_or(LocalZone::System);
                let rows: Vec<HitRow> = hits.iter().map(|h| HitRow::of(h, &marks, zone)).collect();
                self.selected = self.selected.min(rows.len().saturating_sub(1));
                self.hits = Hits::Found(rows);
            }
            Err(error) => {
                self.hits = Hits::Failed(format!("the archive cannot be searched: {error}"));
            }
        }
    }

    fn clear(&mut self) -> Vec<PickerEffect> {
        if self.query.is_empty() {
            return Vec::new();
        }
        self.query.clear();
        self.queried()
    }

    fn move_by(&mut self, by: isize) -> Vec<PickerEffect> {
        if let Hits::Found(rows) = &self.hits
            && !rows.is_empty()
        {
            self.selected = self.selected.saturating_add_signed(by).min(rows.len() - 1);
        }
        Vec::new()
    }

    fn open(&mut self) -> Vec<PickerEffect> {
        let Hits::Found(rows) = &self.hits else {
            return Vec::new();
        };
        let Some(hit) = rows.get(self.selected) else {
            return Vec::new();
        };
        self.landing = Some(Landing {
            visitor: hit.visitor_id,
            message: hit.message_id,
            query: self.query.clone(),
        });
        vec![PickerEffect::OpenVisitor(hit.visitor_id)]
    }
}

/// A condition no message meets: the answer is the archive's coverage alone.
fn nothing() -> Condition {
    Condition {
        filter: "0".to_owned(),
        ..Condition::default()
    }
}
