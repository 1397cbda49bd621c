//! The store task: one blocking thread owns the archive's connection, takes
//! [`StoreRequest`]s from a channel and answers with [`StoreEvent`]s, the
//! way the fetch task answers fetch requests, so a UI loop never waits on
//! the disk and can route these events as it routes fetch events.
//!
//! Writes that queue up while one is on disk go together in one
//! transaction. A write that fails (a full disk, a read-only directory) is
//! said once as [`StoreEvent::WriteFailed`] and kept: it is tried again with
//! the next write, and on [`StoreRequest::Flush`].
//!
//! A conversation keeps no message's JSON once it asked for it to be
//! written: [`StoreRequest::Json`] reads it back, from the writes still
//! waiting if it is not on disk yet, so what arrived is shown whatever
//! became of its write. An archive that could not be opened keeps the JSON
//! of what it is asked to write for the same reason (the memory a
//! conversation without an archive holds).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::mpsc;

use super::ArchiveError;
use super::account::Account;
use super::dir::DataDir;
use super::raw::without_file_url;
use super::search::{Coverage, Hit};
use super::store::{
    ArchivedVisitor, Forgotten, Holdings, MovedAside, Placed, Stats, Store, VisitorFigures, Write,
};
use crate::model::{Message, MessageId};
use crate::search_query::Condition;
use crate::secret::Secret;
use crate::visitor::{Visitor, VisitorId};

/// Writes taken into one transaction at most: enough that 100,000 messages
/// a second are a few commits, few enough that a reader waits little.
pub const MAX_BATCH: usize = 256;
/// Events waiting for the loop at most; the thread waits beyond that.
pub const EVENT_CAPACITY: usize = 64;

/// Which account the store reads and writes for; `None` for what needs
/// none (stats).
#[derive(Clone, Debug)]
pub struct AccountSpec {
    pub base_url: String,
    pub secret: Secret,
}

/// Which archive to bring up to date and read: the data directory and the
/// account in it.
#[derive(Debug, Clone)]
pub struct ArchivePlace {
    pub dir: PathBuf,
    pub account: AccountSpec,
}

/// A request to the store task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreRequest {
    /// Archive this (batched with the writes queued behind it).
    Write(Write),
    /// What the archive holds of a visitor's history.
    Holdings { visitor: VisitorId },
    /// A visitor's archived messages, oldest first, without their JSON
    /// (but for placeholders): what a conversation shows.
    Messages { visitor: VisitorId },
    /// The same with every message's JSON: what an export writes.
    MessagesWithJson { visitor: VisitorId },
    /// One message's JSON, as archived (its `file_url` blanked).
    Json { visitor: VisitorId, id: MessageId },
    /// A visitor's archived profile.
    Visitor { visitor: VisitorId },
    /// Every visitor the archive holds messages of, newest activity first.
    Visitors,
    /// The operator's figures of every archived visitor, or of those named.
    Figures { visitors: Vec<VisitorId> },
    /// Remove everything of a visitor, leaving no byte of it in any file.
    Forget { visitor: VisitorId },
    /// Every account's figures.
    Stats,
    /// The messages a search's condition holds for, newest first, and how
    /// much of the account the archive covers. `seq` comes back with the
    /// answer, so one to a query typed past can be told and dropped.
    Search {
        condition: Condition,
        limit: u32,
        seq: u64,
    },
    /// The visitors the list returned whose history was never synced.
    NeverSynced,
    /// SQLite's full check of the file.
    IntegrityCheck,
    /// Answered once every write sent before it is on disk, or has failed.
    Flush,
}

/// An answer from the store task.
#[derive(Debug)]
pub enum StoreEvent {
    /// The archive is open (first event); a damaged file was moved aside.
    Opened {
        path: PathBuf,
        moved_aside: Option<MovedAside>,
    },
    /// The archive could not be opened; every request after this fails.
    OpenFailed(ArchiveError),
    Holdings {
        visitor: VisitorId,
        result: Result<Holdings, ArchiveError>,
    },
    Messages {
        visitor: VisitorId,
        result: Result<Vec<Message>, ArchiveError>,
    },
    /// `None` when the archive does not hold the message.
    Json {
        visitor: VisitorId,
        id: MessageId,
        result: Result<Option<Arc<str>>, ArchiveError>,
    },
    Visitor {
        visitor: VisitorId,
        result: Result<Option<Visitor>, ArchiveError>,
    },
    Visitors(Result<Vec<ArchivedVisitor>, ArchiveError>),
    Figures(Result<Vec<VisitorFigures>, ArchiveError>),
    Forgotten {
        visitor: VisitorId,
        result: Result<Forgotten, ArchiveError>,
    },
    Stats(Result<Stats, ArchiveError>),
    Searched {
        seq: u64,
        result: Result<(Vec<Hit>, Coverage), ArchiveError>,
    },
    NeverSynced(Result<Vec<VisitorId>, ArchiveError>),
    Integrity(Result<String, ArchiveError>),
    /// The writes before the flush: `unwritten` of them are still failing.
    Flushed {
        unwritten: usize,
    },
    /// Writes failed and are kept to be tried again; said once per failure spell.
    WriteFailed(ArchiveError),
    /// Writes that had failed are on disk now.
    WriteRecovered,
}

/// The store task's handle: its request sender, event receiver and thread.
#[derive(Debug)]
pub struct StoreTask {
    pub requests: mpsc::UnboundedSender<StoreRequest>,
    pub events: mpsc::Receiver<StoreEvent>,
    thread: Option<JoinHandle<()>>,
}

impl StoreTask {
    /// Starts the thread; it opens the archive in `dir` first (making the
    /// directory private) and says how with its first event.
    pub fn spawn(dir: PathBuf, account: Option<AccountSpec>) -> StoreTask {
        let (requests, inbox) = mpsc::unbounded_channel();
        let (events, outbox) = mpsc::channel(EVENT_CAPACITY);
        let thread = std::thread::Builder::new()
            .name("szchat-archive".to_owned())
            .spawn(move || run(&dir, account.as_ref(), inbox, &events))
            .ok();
        StoreTask {
            requests,
            events: outbox,
            thread,
        }
    }

    /// Sends `request`; false when the thread has ended.
    pub fn send(&self, request: StoreRequest) -> bool {
        self.requests.send(request).is_ok()
    }

    /// Starts the store and waits for it to open: the store, and the
    /// damaged file it moved aside if it did.
    pub async fn open(
        dir: PathBuf,
        account: Option<AccountSpec>,
    ) -> Result<(StoreTask, Option<MovedAside>), ArchiveError> {
        let mut store = StoreTask::spawn(dir, account);
        match store.events.recv().await {
            Some(StoreEvent::Opened { moved_aside, .. }) => Ok((store, moved_aside)),
            Some(StoreEvent::OpenFailed(error)) => Err(error),
            _ => Err(ArchiveError::Stopped),
        }
    }

    /// Waits until every write sent so far is on disk; the error of those
    /// still failing otherwise. Events other than the flush's are dropped.
    pub async fn flushed(&mut self) -> Result<(), ArchiveError> {
        if !self.send(StoreRequest::Flush) {
            return Err(ArchiveError::Stopped);
        }
        let mut outcome = Ok(());
        while let Some(event) = self.events.recv().await {
            match event {
                StoreEvent::WriteFailed(error) | StoreEvent::OpenFailed(error) => {
                    outcome = Err(error);
                }
                StoreEvent::WriteRecovered => outcome = Ok(()),
                StoreEvent::Flushed { unwritten: 0 } => return outcome,
                StoreEvent::Flushed { .. } => return outcome.and(Err(ArchiveError::Stopped)),
                _ => {}
            }
        }
        Err(ArchiveError::Stopped)
    }

    /// `visitor`'s archived messages with their JSON, oldest first (after
    /// every write sent before). Events other than the answer are dropped.
    pub async fn messages_of(&mut self, visitor: VisitorId) -> Result<Vec<Message>, ArchiveError> {
        self.send(StoreRequest::MessagesWithJson { visitor });
        while let Some(event) = self.events.recv().await {
            if let StoreEvent::Messages { result, .. } = event {
                return result;
            }
        }
        Err(ArchiveError::Stopped)
    }

    /// What the archive holds of `visitor` (after every write sent before).
    /// Events other than the answer are dropped.
    pub async fn holdings_of(&mut self, visitor: VisitorId) -> Result<Holdings, ArchiveError> {
        self.send(StoreRequest::Holdings { visitor });
        while let Some(event) = self.events.recv().await {
            if let StoreEvent::Holdings { result, .. } = event {
                return result;
            }
        }
        Err(ArchiveError::Stopped)
    }

    /// `visitor`'s archived profile (other events meanwhile are dropped).
    pub async fn visitor_of(
        &mut self,
        visitor: VisitorId,
    ) -> Result<Option<Visitor>, ArchiveError> {
        self.send(StoreRequest::Visitor { visitor });
        while let Some(event) = self.events.recv().await {
            if let StoreEvent::Visitor { result, .. } = event {
                return result;
            }
        }
        Err(ArchiveError::Stopped)
    }

    /// The visitors the list returned whose history was never synced
    /// (after every write sent before). Events other than the answer are dropped.
    pub async fn never_synced(&mut self) -> Result<Vec<VisitorId>, ArchiveError> {
        self.send(StoreRequest::NeverSynced);
        while let Some(event) = self.events.recv().await {
            if let StoreEvent::NeverSynced(result) = event {
                return result;
            }
        }
        Err(ArchiveError::Stopped)
    }

    /// Waits for every write to reach the disk, then ends the thread.
    /// Returns the writes still failing.
    pub async fn finish(mut self) -> Result<(), ArchiveError> {
        let outcome = self.flushed().await;
        let StoreTask {
            requests, thread, ..
        } = self;
        drop(requests);
        if let Some(thread) = thread {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        outcome
    }
}

/// The thread's body: open, then answer until the request channel closes.
fn run(
    dir: &std::path::Path,
    account: Option<&AccountSpec>,
    mut inbox: mpsc::UnboundedReceiver<StoreRequest>,
    events: &mpsc::Sender<StoreEvent>,
) {
    let send = |event: StoreEvent| {
        // The loop has ended if this fails; nothing is left to tell.
        let _ = events.blocking_send(event);
    };
    let mut store = match open(dir, account) {
        Ok((store, moved_aside)) => {
            send(StoreEvent::Opened {
                path: store.path().to_owned(),
                moved_aside,
            });
            store
        }
        Err(error) => {
            send(StoreEvent::OpenFailed(error.clone()));
            refuse_all(&mut inbox, &error, &send);
            return;
        }
    };
    let mut writer = Writer::default();
    let mut held: Option<StoreRequest> = None;
    while let Some(request) = held.take().or_else(|| inbox.blocking_recv()) {
        match request {
            StoreRequest::Write(write) => {
                writer.queue(write);
                // Whatever queued up meanwhile goes in the same transaction.
                while writer.queued() < MAX_BATCH {
                    match inbox.try_recv() {
                        Ok(StoreRequest::Write(write)) => writer.queue(write),
                        Ok(other) => {
                            held = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                writer.write(&mut store, &send);
            }
            StoreRequest::Flush => {
                writer.write(&mut store, &send);
                send(StoreEvent::Flushed {
                    unwritten: writer.queued(),
                });
            }
            StoreRequest::Holdings { visitor } => send(StoreEvent::Holdings {
                visitor,
                result: store.holdings(visitor),
            }),
            StoreRequest::Messages { visitor } => send(StoreEvent::Messages {
                visitor,
                result: store.messages_to_browse(visitor),
            }),
            StoreRequest::MessagesWithJson { visitor } => send(StoreEvent::Messages {
                visitor,
                result: store.messages(visitor),
            }),
            StoreRequest::Json { visitor, id } => send(StoreEvent::Json {
                visitor,
                id,
                // A write still waiting is newer than what is on disk.
                result: match writer.json(visitor, id) {
                    Some(json) => Ok(Some(json)),
                    None => store.json(visitor, id).map(|json| json.map(Arc::from)),
                },
            }),
            StoreRequest::Forget { visitor } => {
                writer.write(&mut store, &send);
                send(StoreEvent::Forgotten {
                    visitor,
                    result: store.forget(visitor),
                });
            }
            StoreRequest::Visitor { visitor } => send(StoreEvent::Visitor {
                visitor,
                result: store.visitor(visitor),
            }),
            StoreRequest::Visitors => send(StoreEvent::Visitors(store.visitors())),
            StoreRequest::Figures { visitors } => {
                send(StoreEvent::Figures(store.figures(&visitors)));
            }
            StoreRequest::Stats => send(StoreEvent::Stats(store.stats())),
            StoreRequest::Search {
                condition,
                limit,
                seq,
            } => send(StoreEvent::Searched {
                seq,
                result: store
                    .search(&condition, limit)
                    .and_then(|hits| Ok((hits, store.coverage()?))),
            }),
            StoreRequest::NeverSynced => send(StoreEvent::NeverSynced(store.never_synced())),
            StoreRequest::IntegrityCheck => send(StoreEvent::Integrity(store.integrity_check())),
        }
    }
    // The last writes get one more try before the thread ends.
    writer.write(&mut store, &send);
}

fn open(
    dir: &std::path::Path,
    account: Option<&AccountSpec>,
) -> Result<(Store, Option<MovedAside>), ArchiveError> {
    let dir = DataDir::prepare(dir.to_owned())?;
    let (mut store, moved_aside) = Store::open(&dir)?;
    if let Some(spec) = account {
        let account = Account::new(&dir, &spec.base_url, &spec.secret)?;
        store.use_account(&account)?;
    }
    Ok((store, moved_aside))
}

/// Without an archive every request fails with the reason it could not open.
fn refuse_all(
    inbox: &mut mpsc::UnboundedReceiver<StoreRequest>,
    error: &ArchiveError,
    send: &impl Fn(StoreEvent),
) {
    // The JSON of the messages it was asked to write, for `i`.
    let mut unwritten: HashMap<(VisitorId, MessageId), Arc<str>> = HashMap::new();
    while let Some(request) = inbox.blocking_recv() {
        match request {
            StoreRequest::Write(write) => {
                if let Some((visitor, messages)) = messages_written(&write) {
                    for placed in messages {
                        if let Some(json) = &placed.message.raw_json {
                            unwritten.insert((visitor, placed.message.id), as_archived(json));
                        }
                    }
                }
            }
            StoreRequest::Flush => send(StoreEvent::Flushed { unwritten: 1 }),
            StoreRequest::Holdings { visitor } => send(StoreEvent::Holdings {
                visitor,
                result: Err(error.clone()),
            }),
            StoreRequest::Messages { visitor } | StoreRequest::MessagesWithJson { visitor } => {
                send(StoreEvent::Messages {
                    visitor,
                    result: Err(error.clone()),
                });
            }
            StoreRequest::Json { visitor, id } => send(StoreEvent::Json {
                visitor,
                id,
                result: unwritten
                    .get(&(visitor, id))
                    .map(|json| Some(json.clone()))
                    .ok_or_else(|| error.clone()),
            }),
            StoreRequest::Forget { visitor } => send(StoreEvent::Forgotten {
                visitor,
                result: Err(error.clone()),
            }),
            StoreRequest::Visitor { visitor } => send(StoreEvent::Visitor {
                visitor,
                result: Err(error.clone()),
            }),
            StoreRequest::Visitors => send(StoreEvent::Visitors(Err(error.clone()))),
            StoreRequest::Figures { .. } => send(StoreEvent::Figures(Err(error.clone()))),
            StoreRequest::Stats => send(StoreEvent::Stats(Err(error.clone()))),
            StoreRequest::Search { seq, .. } => send(StoreEvent::Searched {
                seq,
                result: Err(error.clone()),
            }),
            StoreRequest::NeverSynced => send(StoreEvent::NeverSynced(Err(error.clone()))),
            StoreRequest::IntegrityCheck => send(StoreEvent::Integrity(Err(error.clone()))),
        }
    }
}

/// `json` as the archive keeps it (its `file_url` blanked), shared when
/// that changes nothing.
fn as_archived(json: &Arc<str>) -> Arc<str> {
    match without_file_url(json) {
        Cow::Borrowed(_) => json.clone(),
        Cow::Owned(blanked) => Arc::from(blanked),
    }
}

/// The visitor and the messages `write` archives, if it archives any.
fn messages_written(write: &Write) -> Option<(VisitorId, &[Placed])> {
    match write {
        Write::Messages { visitor, messages }
        | Write::ReplaceMessages {
            visitor, messages, ..
        } => Some((*visitor, messages)),
        Write::Visitors(_) | Write::SyncState { .. } | Write::AccountSynced(_) => None,
    }
}

/// Writes waiting for the disk, and whether the last try failed.
#[derive(Default)]
struct Writer {
    queue: Vec<Write>,
    failing: bool,
}

impl Writer {
    fn queue(&mut self, write: Write) {
        self.queue.push(write);
    }

    fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Message `id`'s JSON as the newest waiting write would archive it.
    fn json(&self, visitor: VisitorId, id: MessageId) -> Option<Arc<str>> {
        self.queue
            .iter()
            .rev()
            .filter_map(messages_written)
            .filter(|(of, _)| *of == visitor)
            .find_map(|(_, messages)| messages.iter().rev().find(|p| p.message.id == id))
            .and_then(|placed| placed.message.raw_json.as_ref())
            .map(as_archived)
    }

    fn write(&mut self, store: &mut Store, send: &impl Fn(StoreEvent)) {
        if self.queue.is_empty() {
            return;
        }
        match store.apply(&self.queue) {
            Ok(()) => {
                self.queue.clear();
                if std::mem::take(&mut self.failing) {
                    send(StoreEvent::WriteRecovered);
                }
            }
            Err(error) => {
                if !self.failing {
                    send(StoreEvent::WriteFailed(error));
                }
                self.failing = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{message, placed};

    #[test]
    fn a_write_still_waiting_answers_for_its_messages_json_as_archived() {
        let linked = r#"{"id":2,"file_url":"https://cdn.test/a.pdf?sig=1"}"#;
        let mut writer = Writer::default();
        writer.queue(Write::Messages {
            visitor: 42,
            messages: placed(vec![
                message(1).raw_json(r#"{"id":1}"#).build(),
                message(2).raw_json(linked).build(),
            ]),
        });
        writer.queue(Write::Messages {
            visitor: 42,
            messages: placed(vec![message(1).raw_json(r#"{"id":1,"v":2}"#).build()]),
        });
        assert_eq!(
            writer.json(42, 1).as_deref(),
            Some(r#"{"id":1,"v":2}"#),
            "the newest"
        );
        assert_eq!(
            writer.json(42, 2).as_deref(),
            Some(r#"{"id":2,"file_url":null}"#)
        );
        assert_eq!(writer.json(42, 3), None);
        assert_eq!(writer.json(43, 1), None, "another visitor's");
    }
}
