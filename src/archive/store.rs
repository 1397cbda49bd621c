//! The archive file: opening it (WAL, a busy timeout, secure delete,
//! migrations; a damaged file moved aside), and every read and write.
//! Blocking: [`super::task`] runs it on a thread of its own.

mod figures;
mod profiles;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use super::ArchiveError;
use super::account::Account;
use super::dir::{DataDir, ensure_private_file};
pub use super::rows::Placed;
use super::rows::{
    INSERT_VISITOR, SELECT_JSON, SELECT_MESSAGES, SELECT_MESSAGES_TO_BROWSE, UPSERT_SYNC_STATE,
    attributes_json, from_sql_count, from_sql_id, order_from_name, order_name, parse_time,
    read_message, sql_count, sql_id, time, write_messages,
};
use super::schema::{self, MigrateError};
use super::search_index;
use crate::model::{Message, MessageId};
use crate::paging::ServerOrder;
use crate::visitor::{Visitor, VisitorId};

pub use figures::VisitorFigures;
pub use profiles::ArchivedVisitor;

/// How long a write waits for another szchat's write to finish before it
/// fails: long, so two processes on one archive take turns rather than
/// showing "database is locked".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);
/// The page cache, in KiB (SQLite takes a negative number as KiB).
const CACHE_KIB: i64 = -16_384;
/// A forget rewrites the whole file (VACUUM) once free pages are more than
/// this share of it; below, secure delete has zeroed what was deleted.
const VACUUM_FREE_SHARE: f64 = 0.25;

/// What a sync of one visitor saw last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncState {
    /// The server's count.
    pub total: u64,
    /// The order its pages came in.
    pub order: ServerOrder,
    /// The newest message's id.
    pub newest_id: Option<MessageId>,
    pub synced_at: DateTime<Utc>,
}

/// What the archive holds of one visitor's history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holdings {
    pub state: Option<SyncState>,
    /// The positions of the archived messages, ascending, each once.
    pub positions: Vec<u64>,
    /// Archived messages, with a position or without.
    pub messages: u64,
    /// Each archived message that has a position, as (position, id),
    /// ascending: what a check compares the server's pages with.
    pub placed_ids: Vec<(u64, MessageId)>,
}

/// One change to the archive; a batch of them is one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Write {
    /// Visitors the list or a profile returned.
    Visitors(Vec<Visitor>),
    /// Messages of one visitor, added or (by id) replaced.
    Messages {
        visitor: VisitorId,
        messages: Vec<Placed>,
    },
    /// Every message of one visitor read again from scratch (`R`), in
    /// place of all they had, with what that reading saw.
    ReplaceMessages {
        visitor: VisitorId,
        messages: Vec<Placed>,
        state: SyncState,
    },
    /// What a complete sync of one visitor saw.
    SyncState {
        visitor: VisitorId,
        state: SyncState,
    },
    /// The account was synced at this time.
    AccountSynced(DateTime<Utc>),
}

/// A damaged archive moved aside, said in one line naming both paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MovedAside {
    pub damaged: PathBuf,
    pub moved_to: PathBuf,
}

impl fmt::Display for MovedAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the archive {} was damaged: moved it to {} and started a fresh one",
            self.damaged.display(),
            self.moved_to.display()
        )
    }
}

/// What forgetting a visitor removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Forgotten {
    pub messages: u64,
    /// Whether the archive knew the visitor at all.
    pub known: bool,
}

/// One account's share of the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountStats {
    pub base_url: String,
    pub visitors: u64,
    pub messages: u64,
    pub last_sync: Option<DateTime<Utc>>,
}

/// The whole archive in figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    pub path: PathBuf,
    /// The database and its companions, in bytes.
    pub bytes: u64,
    pub accounts: Vec<AccountStats>,
}

/// An open archive, reading and writing for one account (once chosen).
pub struct Store {
    pub(super) conn: Connection,
    dir: DataDir,
    path: PathBuf,
    account: Option<i64>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the archive in `dir`. A file that is not a
    /// database, or fails SQLite's check, is moved aside and a fresh one
    /// started; the move is returned so the caller can say so.
    pub fn open(dir: &DataDir) -> Result<(Store, Option<MovedAside>), ArchiveError> {
        match Self::open_checked(dir) {
            Ok(store) => Ok((store, None)),
            Err(Opening::Damaged) => {
                let moved_to = dir.move_aside(Local::now())?;
                let store = Self::open_checked(dir).map_err(|opening| match opening {
                    Opening::Failed(error) => error,
                    Opening::Damaged => ArchiveError::Open {
                        path: dir.db_path(),
                        reason: "a fresh archive could not be started".to_owned(),
                    },
                })?;
                Ok((
                    store,
                    Some(MovedAside {
                        damaged: dir.db_path(),
                        moved_to,
                    }),
                ))
            }
            Err(Opening::Failed(error)) => Err(error),
        }
    }

    fn open_checked(dir: &DataDir) -> Result<Store, Opening> {
        let path = dir.db_path();
        // Created 0600 before SQLite opens it; its WAL and index take its mode.
        ensure_private_file(&path)?;
        dir.tighten_companions()?;
        let mut conn = Connection::open(&path).map_err(|error| opening(&path, &error))?;
        configure(&conn).map_err(|error| opening(&path, &error))?;
        let check: String = conn
            .pragma_query_value(None, "quick_check", |row| row.get(0))
            .map_err(|error| opening(&path, &error))?;
        if check != "ok" {
            return Err(Opening::Damaged);
        }
        schema::migrate(&mut conn).map_err(|error| match error {
            MigrateError::Newer(found) => Opening::Failed(ArchiveError::Newer {
                path: path.clone(),
                found,
                known: schema::latest(),
            }),
            MigrateError::Sqlite(error) => opening(&path, &error),
        })?;
        catch_up_if_behind(&mut conn).map_err(|error| opening(&path, &error))?;
        dir.tighten_companions()?;
        Ok(Store {
            conn,
            dir: dir.clone(),
            path,
            account: None,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads and writes from here on are `account`'s (registered on first use).
    pub fn use_account(&mut self, account: &Account) -> Result<(), ArchiveError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|error| ArchiveError::write(&path, &error))?;
        tx.execute(
            "INSERT INTO accounts (base_url, fingerprint) VALUES (?1, ?2)
             ON CONFLICT (base_url, fingerprint) DO NOTHING",
            params![account.base_url, account.fingerprint],
        )
        .map_err(|error| ArchiveError::write(&path, &error))?;
        let id: i64 = tx
            .query_row(
                "SELECT id FROM accounts WHERE base_url = ?1 AND fingerprint = ?2",
                params![account.base_url, account.fingerprint],
                |row| row.get(0),
            )
            .map_err(|error| ArchiveError::write(&path, &error))?;
        tx.commit()
            .map_err(|error| ArchiveError::write(&path, &error))?;
        self.account = Some(id);
        Ok(())
    }

    pub(super) fn account(&self) -> Result<i64, ArchiveError> {
        self.account.ok_or_else(|| ArchiveError::Read {
            path: self.path.clone(),
            reason: "no account chosen".to_owned(),
        })
    }

    /// Applies `writes` in one transaction: all of them or none.
    pub fn apply(&mut self, writes: &[Write]) -> Result<(), ArchiveError> {
        let account = self.account()?;
        let path = self.path.clone();
        let failed = |error: rusqlite::Error| ArchiveError::write(&path, &error);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        let now = Utc::now();
        for write in writes {
            match write {
                Write::Visitors(visitors) => {
                    let mut insert = tx.prepare_cached(INSERT_VISITOR).map_err(failed)?;
                    for visitor in visitors {
                        insert
                            .execute(params![
                                account,
                                sql_id(visitor.id),
                                visitor.name,
                                visitor.email,
                                visitor.reference,
                                visitor.created_at.map(time),
                                visitor.updated_at.map(time),
                                visitor.online_at.map(time),
                                visitor.last_url,
                                attributes_json(visitor),
                                time(now),
                            ])
                            .map_err(failed)?;
                    }
                }
                Write::Messages { visitor, messages } => {
                    write_messages(&tx, account, *visitor, messages).map_err(failed)?;
                }
                Write::ReplaceMessages {
                    visitor,
                    messages,
                    state,
                } => {
                    tx.execute(
                        "DELETE FROM messages WHERE account = ?1 AND visitor = ?2",
                        params![account, sql_id(*visitor)],
                    )
                    .map_err(failed)?;
                    write_messages(&tx, account, *visitor, messages).map_err(failed)?;
                    upsert_sync_state(&tx, account, *visitor, state).map_err(failed)?;
                }
                Write::SyncState { visitor, state } => {
                    upsert_sync_state(&tx, account, *visitor, state).map_err(failed)?;
                }
                Write::AccountSynced(at) => {
                    tx.execute(
                        "UPDATE accounts SET last_sync = ?2 WHERE id = ?1",
                        params![account, time(*at)],
                    )
                    .map_err(failed)?;
                }
            }
        }
        search_index::catch_up(&tx).map_err(failed)?;
        tx.commit().map_err(failed)
    }

    /// What the archive holds of `visitor`'s history.
    pub fn holdings(&self, visitor: VisitorId) -> Result<Holdings, ArchiveError> {
        let account = self.account()?;
        let failed = |error: rusqlite::Error| ArchiveError::read(&self.path, &error);
        let state = self
            .conn
            .query_row(
                "SELECT total, server_order, newest_id, synced_at FROM sync_state
                 WHERE account = ?1 AND visitor = ?2",
                params![account, sql_id(visitor)],
                |row| {
                    Ok(SyncState {
                        total: from_sql_count(row.get(0)?),
                        order: order_from_name(&row.get::<_, String>(1)?),
                        newest_id: row.get::<_, Option<i64>>(2)?.map(from_sql_id),
                        synced_at: parse_time(&row.get::<_, String>(3)?).unwrap_or_default(),
                    })
                },
            )
            .optional()
            .map_err(failed)?;
        let mut positions = Vec::new();
        let mut placed_ids = Vec::new();
        let mut messages = 0u64;
        let mut select = self
            .conn
            .prepare_cached(
                // The primary key's prefix finds the visitor's rows; a
                // position index would cost every write and save nothing here.
                "SELECT position, id FROM messages WHERE account = ?1 AND visitor = ?2
                 ORDER BY position, id",
            )
            .map_err(failed)?;
        let mut rows = select
            .query(params![account, sql_id(visitor)])
            .map_err(failed)?;
        while let Some(row) = rows.next().map_err(failed)? {
            messages += 1;
            if let Some(position) = row.get::<_, Option<i64>>(0).map_err(failed)? {
                let position = from_sql_count(position);
                if positions.last() != Some(&position) {
                    positions.push(position);
                }
                let id = from_sql_id(row.get(1).map_err(failed)?);
                placed_ids.push((position, id));
            }
        }
        Ok(Holdings {
            state,
            positions,
            messages,
            placed_ids,
        })
    }

    /// `visitor`'s archived messages, oldest first, each read back from its
    /// columns (which lack only the attachment link: the file name kept
    /// says there was one), with its JSON: what an export writes.
    pub fn messages(&self, visitor: VisitorId) -> Result<Vec<Message>, ArchiveError> {
        self.read_messages(visitor, SELECT_MESSAGES, true)
    }

    /// The same without their JSON, which a conversation reads one message
    /// at a time ([`Self::json`]) instead of holding it all in memory.
    pub fn messages_to_browse(&self, visitor: VisitorId) -> Result<Vec<Message>, ArchiveError> {
        self.read_messages(visitor, SELECT_MESSAGES_TO_BROWSE, false)
    }

    fn read_messages(
        &self,
        visitor: VisitorId,
        select: &str,
        keep_json: bool,
    ) -> Result<Vec<Message>, ArchiveError> {
        let account = self.account()?;
        let failed = |error: rusqlite::Error| ArchiveError::read(&self.path, &error);
        let mut select = self.conn.prepare_cached(select).map_err(failed)?;
        let mut messages = select
            .query_map(params![account, sql_id(visitor)], |row| {
                read_message(row, keep_json)
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(failed)?;
        messages.sort_by_key(Message::sort_key);
        Ok(messages)
    }

    /// Message `id` of `visitor` as archived: its JSON as received, with
    /// `file_url` blanked; `None` when the archive does not hold it.
    pub fn json(&self, visitor: VisitorId, id: MessageId) -> Result<Option<String>, ArchiveError> {
        let account = self.account()?;
        self.conn
            .prepare_cached(SELECT_JSON)
            .and_then(|mut select| {
                select
                    .query_row(params![account, sql_id(visitor), sql_id(id)], |row| {
                        row.get(0)
                    })
                    .optional()
            })
            .map_err(|error| ArchiveError::read(&self.path, &error))
    }

    /// Removes everything of `visitor` (messages, profile, sync state) so no
    /// byte of it stays in any file: secure delete zeroes what is deleted,
    /// the WAL is checkpointed and truncated, and the file is rewritten
    /// (VACUUM) when free pages would otherwise make up much of it.
    pub fn forget(&mut self, visitor: VisitorId) -> Result<Forgotten, ArchiveError> {
        let account = self.account()?;
        let path = self.path.clone();
        let failed = |error: rusqlite::Error| ArchiveError::write(&path, &error);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        let id = sql_id(visitor);
        let messages = tx
            .execute(
                "DELETE FROM messages WHERE account = ?1 AND visitor = ?2",
                params![account, id],
            )
            .map_err(failed)?;
        let profiles = tx
            .execute(
                "DELETE FROM visitors WHERE account = ?1 AND id = ?2",
                params![account, id],
            )
            .map_err(failed)?;
        let states = tx
            .execute(
                "DELETE FROM sync_state WHERE account = ?1 AND visitor = ?2",
                params![account, id],
            )
            .map_err(failed)?;
        search_index::catch_up(&tx).map_err(failed)?;
        tx.commit().map_err(failed)?;
        // Merges the index's segments, dropping the deleted entries, so
        // secure delete can zero their pages.
        self.conn
            .execute(
                "INSERT INTO message_search (message_search) VALUES ('optimize')",
                [],
            )
            .map_err(failed)?;
        self.scrub().map_err(failed)?;
        Ok(Forgotten {
            messages: messages as u64,
            known: messages + profiles + states > 0,
        })
    }

    /// Leaves no deleted byte in the WAL or in free pages.
    fn scrub(&self) -> rusqlite::Result<()> {
        let pages: i64 = self
            .conn
            .pragma_query_value(None, "page_count", |row| row.get(0))?;
        let free: i64 = self
            .conn
            .pragma_query_value(None, "freelist_count", |row| row.get(0))?;
        self.checkpoint()?;
        if pages > 0 && free as f64 / pages as f64 > VACUUM_FREE_SHARE {
            self.conn.execute_batch("VACUUM")?;
            self.checkpoint()?;
        }
        Ok(())
    }

    /// Copies the WAL into the file and truncates it, waiting for readers.
    fn checkpoint(&self) -> rusqlite::Result<()> {
        let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            // (busy, frames in the log, frames checkpointed)
            let busy: i64 = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
            if busy == 0 || std::time::Instant::now() > deadline {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The figures of every account in the archive.
    pub fn stats(&self) -> Result<Stats, ArchiveError> {
        let failed = |error: rusqlite::Error| ArchiveError::read(&self.path, &error);
        let mut select = self
            .conn
            .prepare(
                "SELECT a.base_url, a.last_sync,
                    (SELECT count(*) FROM (
                        SELECT id FROM visitors WHERE account = a.id
                        UNION SELECT visitor FROM messages WHERE account = a.id
                        UNION SELECT visitor FROM sync_state WHERE account = a.id)),
                    (SELECT count(*) FROM messages WHERE account = a.id)
                 FROM accounts a ORDER BY a.base_url, a.id",
            )
            .map_err(failed)?;
        let accounts = select
            .query_map([], |row| {
                Ok(AccountStats {
                    base_url: row.get(0)?,
                    last_sync: row
                        .get::<_, Option<String>>(1)?
                        .as_deref()
                        .and_then(parse_time),
                    visitors: from_sql_count(row.get(2)?),
                    messages: from_sql_count(row.get(3)?),
                })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(failed)?;
        let bytes = self
            .dir
            .db_files()
            .iter()
            .filter_map(|file| std::fs::metadata(file).ok())
            .map(|metadata| metadata.len())
            .sum();
        Ok(Stats {
            path: self.path.clone(),
            bytes,
            accounts,
        })
    }

    /// Caps the file at `pages` pages from here on, so that writes beyond
    /// fail as on a full disk: how tests (which run as any user, root
    /// included, whom a read-only directory does not stop) reach that path.
    #[doc(hidden)]
    pub fn limit_pages(&self, pages: u64) -> Result<(), ArchiveError> {
        self.conn
            .pragma_update(None, "max_page_count", sql_count(pages))
            .map_err(|error| ArchiveError::write(&self.path, &error))
    }

    /// SQLite's full check of the file: "ok" when whole.
    pub fn integrity_check(&self) -> Result<String, ArchiveError> {
        self.conn
            .pragma_query_value(None, "integrity_check", |row| row.get(0))
            .map_err(|error| ArchiveError::read(&self.path, &error))
    }
}

fn upsert_sync_state(
    tx: &rusqlite::Transaction<'_>,
    account: i64,
    visitor: VisitorId,
    state: &SyncState,
) -> rusqlite::Result<usize> {
    tx.prepare_cached(UPSERT_SYNC_STATE)?.execute(params![
        account,
        sql_id(visitor),
        sql_count(state.total),
        order_name(state.order),
        state.newest_id.map(sql_id),
        time(state.synced_at),
    ])
}

/// Why opening did not give a store.
enum Opening {
    /// The file is not a database, or not a whole one: move it aside.
    Damaged,
    Failed(ArchiveError),
}

impl From<ArchiveError> for Opening {
    fn from(error: ArchiveError) -> Self {
        Opening::Failed(error)
    }
}

fn opening(path: &Path, error: &rusqlite::Error) -> Opening {
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Opening::Damaged,
        _ => Opening::Failed(ArchiveError::open(path, error)),
    }
}

/// Indexes rows that another program wrote without the index (szchat's
/// own writes leave none), so a search finds them. Only reads when none wait,
/// so a read-only archive still opens.
fn catch_up_if_behind(conn: &mut Connection) -> rusqlite::Result<()> {
    if !search_index::anything_pending(conn)? {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    search_index::catch_up(&tx)?;
    tx.commit()
}

/// WAL (readers never wait for the writer and a crash loses at most the
/// last transaction), a long busy timeout, and deleted content zeroed.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    let _mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    // With WAL, NORMAL keeps the file whole through a crash of the process.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // A larger page cache (in KiB when negative) keeps the indices' pages
    // at hand while a batch of thousands of messages goes in.
    conn.pragma_update(None, "cache_size", CACHE_KIB)?;
    super::contains::add_functions(conn)?;
    super::rows::add_functions(conn)
}
