//! The conversation and the local archive. With the archive on, opening a
//! visitor asks the store for their archived messages and holdings before
//! any page request: the messages are drawn at once. A visitor archived
//! completely needs no paging: the pager counts as having reached the
//! beginning, and a check for what is new runs through the same plan
//! `szchat sync` uses ([`VisitorSync`]). Otherwise the pager pages as it
//! would without the archive. Everything the network brings is written to
//! the archive as it arrives, and a walk that reached the beginning with a
//! steady total is kept as the visitor's sync state, so the next open is
//! instant.

use super::{AppState, Effect, Status, StatusKind, StatusTopic};
use crate::api::error::ApiError;
use crate::archive::store::{Holdings, Placed, SyncState, Write};
use crate::archive::task::{StoreEvent, StoreRequest};
use crate::fetch::FetchRequest;
use crate::model::{Message, Page};
use crate::numbers::grouped;
use crate::paging::{PageRequest, ServerOrder};
use crate::sync::plan::{Outcome, VisitorSync, differs_in_words, fewer_in_words};
use crate::visitor::Visitor;

/// Requests in flight for the check at most: an unchanged history costs one.
const CHECK_ROOM: usize = 1;

/// Where the conversation stands with the archive.
#[derive(Debug, Default)]
pub(super) struct Archive {
    /// Whether the app has a store: writes and reads go to it.
    on: bool,
    /// Waiting for the holdings before the pager may ask for anything.
    waiting: bool,
    /// The check for new messages of a visitor archived completely.
    check: Option<VisitorSync>,
    /// The check's requests in flight.
    check_sent: Vec<PageRequest>,
    /// The visitor's sync state was written for this walk.
    state_written: bool,
    /// The count the archive's sync state had, while a check runs.
    archived_total: Option<u64>,
    /// `--offline`: nothing is fetched, everything comes from the archive.
    offline: bool,
    /// What the status bar says offline, once the holdings arrived.
    offline_note: Option<String>,
    /// `R`: what the reading again brought, placed, kept until the history
    /// is complete and then written in place of the archived messages.
    rereading: Option<Vec<Placed>>,
}

impl Archive {
    /// Whether the check for new messages sent `request`.
    pub(super) fn sent(&self, request: PageRequest) -> bool {
        self.check_sent.contains(&request)
    }

    /// Whether the conversation reads and writes the archive.
    pub(super) fn is_on(&self) -> bool {
        self.on
    }

    /// True while `R` reads the visitor again: every page is wanted.
    pub(super) fn rereads(&self) -> bool {
        self.rereading.is_some()
    }

    /// True while the pager must wait for the archive's holdings.
    pub(super) fn holds_paging(&self) -> bool {
        self.waiting || self.offline
    }
}

/// Whether `holdings` cover every position their sync state counted.
fn complete(holdings: &Holdings) -> Option<SyncState> {
    let state = holdings.state?;
    let ordered = matches!(
        state.order,
        ServerOrder::OldestFirst | ServerOrder::NewestFirst
    );
    let covered = holdings.positions.partition_point(|&p| p < state.total) as u64;
    (ordered && covered == state.total).then_some(state)
}

/// "3 new", "1 new" or "up to date".
fn news(count: u64) -> String {
    if count == 0 {
        "up to date".to_owned()
    } else {
        format!("{} new", grouped(count))
    }
}

/// Where the archive and the server disagree, in words, with the way out;
/// `None` when they agree.
fn differences(shrank: Option<u64>, differs: u64) -> Option<String> {
    let words = match (shrank, differs) {
        (None, 0) => return None,
        (Some(count), 0) => fewer_in_words(count),
        (None, places) => differs_in_words(places),
        (Some(count), places) => format!("{}; {}", fewer_in_words(count), differs_in_words(places)),
    };
    Some(format!("{words} — R reads this visitor again"))
}

impl AppState {
    /// The same state, reading and writing the local archive through the
    /// app's store task.
    pub fn use_archive(&mut self) {
        self.archive.on = true;
        self.history.keep_placed();
    }

    /// The first reads: the archived messages, then what the archive holds.
    /// The pager waits for the holdings.
    pub(super) fn read_archive(&mut self) -> Vec<Effect> {
        self.archive.waiting = true;
        let visitor = self.user_id;
        vec![
            Effect::Store(StoreRequest::Messages { visitor }),
            Effect::Store(StoreRequest::Holdings { visitor }),
        ]
    }

    /// The same state, with no network at all (`--offline`): the archive
    /// is all there is, and the status bar says when it was synced.
    pub fn go_offline(&mut self) {
        self.use_archive();
        self.archive.offline = true;
    }

    /// Offline, what the status bar says all along: "offline · archived
    /// Tue 24 Nov 11:46", the visitor's last sync in the app's zone.
    pub fn offline_note(&self) -> Option<&str> {
        self.archive.offline_note.as_deref()
    }

    /// Offline, no effect reaches the network: a fetch (a link, say) is
    /// dropped and said instead.
    pub(super) fn keep_offline(&mut self, mut effects: Vec<Effect>) -> Vec<Effect> {
        if !self.archive.offline {
            return effects;
        }
        let before = effects.len();
        effects.retain(|effect| !matches!(effect, Effect::Fetch(_)));
        if effects.len() < before {
            self.set_status(Status::info("offline: nothing is fetched"));
        }
        effects
    }

    /// The store could not be reached: browsing goes on from the network
    /// (offline, there is nothing more to show).
    pub(super) fn archive_gone(&mut self) -> Vec<Effect> {
        self.json_unreadable();
        if self.archive.offline {
            self.archive.waiting = false;
            return Vec::new();
        }
        self.archive = Archive::default();
        self.request_more()
    }

    /// Takes one answer from the store task.
    pub(super) fn stored(&mut self, event: StoreEvent) -> Vec<Effect> {
        match event {
            StoreEvent::Opened {
                moved_aside: Some(moved),
                ..
            } => self.set_status(Status::about(
                StatusTopic::Other,
                StatusKind::Error,
                moved.to_string(),
            )),
            StoreEvent::OpenFailed(error) => self.archive_notice(&format!(
                "the archive cannot be opened: {error}; browsing from the network"
            )),
            StoreEvent::WriteFailed(error) => self.archive_notice(&format!(
                "the archive cannot be written: {error}; trying again with the next write"
            )),
            StoreEvent::WriteRecovered => {
                self.set_status(Status::info("the archive is written again"));
            }
            StoreEvent::Messages { visitor, result } if visitor == self.user_id => match result {
                Ok(messages) if !messages.is_empty() => {
                    self.dirty = true;
                    self.viewport.keep_place();
                    self.show(messages);
                    // A message opened from a search hit is here, however far back.
                    self.advance_jump();
                    self.advance_search();
                }
                Ok(_) => {}
                Err(error) => self.archive_notice(&format!("the archive cannot be read: {error}")),
            },
            StoreEvent::Json {
                visitor,
                id,
                result,
            } if visitor == self.user_id => self.json_read(id, &result),
            StoreEvent::Holdings { visitor, result } if visitor == self.user_id => {
                if !std::mem::take(&mut self.archive.waiting) {
                    return Vec::new();
                }
                match result {
                    Ok(holdings) => return self.holdings_arrived(&holdings),
                    Err(error) => {
                        self.archive_notice(&format!("the archive cannot be read: {error}"));
                    }
                }
                return self.request_more();
            }
            _ => {}
        }
        Vec::new()
    }

    fn archive_notice(&mut self, text: &str) {
        self.set_status(Status::about(StatusTopic::Other, StatusKind::Error, text));
    }

    /// A visitor archived completely starts a check for what is new; any
    /// other starts paging as without the archive.
    fn holdings_arrived(&mut self, holdings: &Holdings) -> Vec<Effect> {
        if self.archive.offline {
            let total = self.conversation.len() as u64;
            let ids: Vec<_> = self.conversation.iter().map(|m| m.id).collect();
            let order = holdings.state.map_or(ServerOrder::OldestFirst, |s| s.order);
            self.history.restore_complete(total, order, ids);
            let note = match holdings.state {
                Some(state) => format!(
                    "offline · archived {}",
                    self.zone()
                        .to_local(state.synced_at)
                        .format("%a %-d %b %H:%M")
                ),
                None => "offline · archived in part".to_owned(),
            };
            self.archive.offline_note = Some(note);
            self.dirty = true;
            return Vec::new();
        }
        let Some(state) = complete(holdings) else {
            return self.request_more();
        };
        let ids: Vec<_> = self.conversation.iter().map(|m| m.id).collect();
        self.history.restore_complete(state.total, state.order, ids);
        self.dirty = true;
        self.set_status(Status::about(
            StatusTopic::Paging,
            StatusKind::Info,
            "checking for new messages…",
        ));
        self.archive.archived_total = Some(state.total);
        self.archive.check = Some(VisitorSync::new(self.history.page_size(), holdings));
        self.next_check_requests()
    }

    fn next_check_requests(&mut self) -> Vec<Effect> {
        let Some(check) = &mut self.archive.check else {
            return Vec::new();
        };
        let room = CHECK_ROOM.saturating_sub(self.archive.check_sent.len());
        let requests = check.next_requests(room);
        self.archive.check_sent.extend(&requests);
        requests
            .into_iter()
            .map(|request| Effect::Fetch(FetchRequest::Page(request)))
            .collect()
    }

    /// Takes the answer to a request the check sent (see [`Archive::sent`]).
    pub(super) fn check_answered(
        &mut self,
        request: PageRequest,
        result: Result<Page, ApiError>,
    ) -> Vec<Effect> {
        self.dirty = true;
        self.viewport.keep_place();
        if let Some(at) = self.archive.check_sent.iter().position(|r| *r == request) {
            self.archive.check_sent.swap_remove(at);
        }
        let Some(check) = self.archive.check.as_mut() else {
            return Vec::new();
        };
        let mut effects = Vec::new();
        match result {
            Ok(page) => {
                let placed = check.accept(request, page);
                let messages: Vec<Message> = placed.iter().map(|p| p.message.clone()).collect();
                self.show(messages);
                effects.extend(self.write_messages(placed));
            }
            Err(error) => check.failed(request, error.to_string()),
        }
        let outcome = self.archive.check.as_ref().map(VisitorSync::outcome);
        match outcome {
            Some(Outcome::Synced(seen)) => {
                let (new, differs) = self
                    .archive
                    .check
                    .take()
                    .map_or((0, 0), |c| (c.new_messages(), c.differences()));
                let ids: Vec<_> = self.conversation.iter().map(|m| m.id).collect();
                self.history.restore_complete(seen.total, seen.order, ids);
                self.notices.settle(StatusTopic::Paging);
                let shrank = self
                    .archive
                    .archived_total
                    .take()
                    .and_then(|before| before.checked_sub(seen.total))
                    .filter(|&fewer| fewer > 0);
                match differences(shrank, differs) {
                    Some(words) => self.set_status(Status::about(
                        StatusTopic::Paging,
                        StatusKind::Error,
                        words,
                    )),
                    None => self.set_status(Status::info(news(new))),
                }
                effects.push(self.write(Write::SyncState {
                    visitor: self.user_id,
                    state: seen.at(self.wall_time()),
                }));
            }
            Some(Outcome::Failed(reason)) => {
                self.archive.check = None;
                self.set_status(Status::about(
                    StatusTopic::Paging,
                    StatusKind::Error,
                    format!("checking for new messages failed: {reason}"),
                ));
            }
            Some(Outcome::Running) => effects.extend(self.next_check_requests()),
            None => {}
        }
        effects
    }

    fn write(&self, write: Write) -> Effect {
        Effect::Store(StoreRequest::Write(write))
    }

    /// Writes `messages` (shown already) to the archive; the
    /// conversation lets go of their JSON, which the store keeps until it
    /// is on disk.
    fn write_messages(&mut self, messages: Vec<Placed>) -> Option<Effect> {
        if !self.archive.on || messages.is_empty() {
            return None;
        }
        self.forget_json(&messages);
        Some(self.write(Write::Messages {
            visitor: self.user_id,
            messages,
        }))
    }

    /// Messages a look for new ones brought (shown already), to the
    /// archive. Their places on the server are not known here; the next
    /// check finds the total grown and reads the pages that place them.
    pub(super) fn archive_followed(&mut self, fresh: Vec<Message>) -> Option<Effect> {
        let placed = fresh
            .into_iter()
            .map(|message| Placed {
                position: None,
                message,
            })
            .collect();
        self.write_messages(placed)
    }

    /// The conversation's copies of `written` let go of their JSON.
    fn forget_json(&mut self, written: &[Placed]) {
        for placed in written {
            if let Some(json) = &placed.message.raw_json {
                self.conversation.forget_json(placed.message.id, json);
            }
        }
    }

    /// `R`: reads this visitor again from scratch. The conversation is
    /// emptied and paged again from the network, to the beginning; the
    /// archive is left as it is until the history is complete, and then
    /// their archived messages are replaced in one transaction (see
    /// [`Self::archive_arrivals`]), so a reading that fails half way loses
    /// nothing.
    pub(super) fn reread(&mut self) {
        if self.archive.offline {
            self.set_status(Status::info("offline: nothing is fetched"));
            return;
        }
        self.conversation = crate::conversation::Conversation::new();
        let (width, height) = self.screen;
        let (width, height) = super::view_size(width, height, self.side_panel());
        self.viewport =
            super::Viewport::new(width, height, self.zone(), self.viewport.session_gap());
        self.search = super::Search::default();
        self.jump.stop();
        self.history.restart();
        self.history.read_on();
        let archive = &mut self.archive;
        archive.waiting = false;
        archive.check = None;
        archive.check_sent.clear();
        archive.archived_total = None;
        // The replacement writes the sync state; the first walk's write must not.
        archive.state_written = true;
        archive.rereading = archive.on.then(Vec::new);
        self.notices.settle(StatusTopic::Paging);
        self.set_status(Status::about(
            StatusTopic::Paging,
            StatusKind::Info,
            "reading this visitor again…",
        ));
    }

    /// `R`'s reading, once the history is complete with a steady count:
    /// what it brought replaces the archived messages, with the sync state.
    fn reread_arrivals(&mut self, placed: Vec<Placed>) -> Vec<Effect> {
        let Some(kept) = self.archive.rereading.as_mut() else {
            return Vec::new();
        };
        kept.extend(placed);
        if !self.history.complete() {
            return Vec::new();
        }
        let Some(total) = self
            .history
            .total()
            .filter(|_| self.history.newer_end_complete())
        else {
            self.archive.rereading = None;
            self.set_status(Status::about(
                StatusTopic::Paging,
                StatusKind::Error,
                "the server's count changed while reading again: the archive is unchanged, R tries again",
            ));
            return Vec::new();
        };
        let messages = self.archive.rereading.take().unwrap_or_default();
        self.forget_json(&messages);
        self.set_status(Status::info(format!(
            "read again: the archive now holds the server's {} messages",
            grouped(total)
        )));
        vec![self.write(Write::ReplaceMessages {
            visitor: self.user_id,
            messages,
            state: SyncState {
                total,
                order: self.history.order(),
                newest_id: self.conversation.newest().map(|m| m.id),
                synced_at: self.wall_time(),
            },
        })]
    }

    /// What the pager's answers brought, to the archive; and once the walk
    /// reached the beginning with a steady total, the visitor's sync state.
    pub(super) fn archive_arrivals(&mut self) -> Vec<Effect> {
        if !self.archive.on {
            return Vec::new();
        }
        let placed = self.history.take_placed();
        if self.archive.rereads() {
            return self.reread_arrivals(placed);
        }
        let mut effects: Vec<Effect> = self.write_messages(placed).into_iter().collect();
        if !self.archive.state_written
            && self.archive.check.is_none()
            && self.history.complete()
            && self.history.newer_end_complete()
            && let Some(total) = self.history.total()
        {
            self.archive.state_written = true;
            let newest_id = self.conversation.newest().map(|m| m.id);
            effects.push(self.write(Write::SyncState {
                visitor: self.user_id,
                state: SyncState {
                    total,
                    order: self.history.order(),
                    newest_id,
                    synced_at: self.wall_time(),
                },
            }));
        }
        effects
    }

    /// A profile that arrived, to the archive.
    pub(super) fn archive_visitor(&self, visitor: &Visitor) -> Option<Effect> {
        self.archive
            .on
            .then(|| self.write(Write::Visitors(vec![visitor.clone()])))
    }
}
