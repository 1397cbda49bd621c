//! How the archive's rows are written and read back: the statements that
//! add or replace a visitor, a message and a sync state, and the mapping of
//! ids, counts, times and orders to SQLite's values.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row, params};
use serde_json::{Value, json};

use super::raw::without_file_url;
use super::search_index;
use crate::api::wire::parse_message;
use crate::attachment;
use crate::model::{EntryRef, Message, Sender, Unreadable};
use crate::paging::ServerOrder;
use crate::visitor::{Visitor, VisitorId};

/// A message and its place counted from the oldest, when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub position: Option<u64>,
    pub message: Message,
}

pub(super) const INSERT_VISITOR: &str =
    "INSERT INTO visitors (account, id, name, email, reference, created_at,
        updated_at, online_at, last_url, attributes, archived_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
    ON CONFLICT (account, id) DO UPDATE SET name = excluded.name, email = excluded.email,
        reference = excluded.reference, created_at = excluded.created_at,
        updated_at = excluded.updated_at, online_at = excluded.online_at,
        last_url = excluded.last_url, attributes = excluded.attributes,
        archived_at = excluded.archived_at";

/// A message's row, its columns bound as [`insert_message`] binds them.
macro_rules! insert_message_sql {
    ($($on_conflict:literal)?) => {
        concat!(
            "INSERT INTO messages (account, visitor, id, position, created_at,
                sender_type, sender_id, sender_name, sender_email, sender_forename, sender_surname,
                body, has_attachment, attachment_name, auto_invitation, read_by_user,
                read_by_operator, unreadable, raw_json, created_ns)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                coalesce(?19, ''), ?20)",
            $($on_conflict)?
        )
    };
}

/// A message the archive does not hold yet. A plain INSERT: with no
/// trigger and no conflict clause, SQLite needs no statement journal for
/// it (a copy of every page it touches, a tenth of a write's time).
const INSERT_NEW_MESSAGE: &str = insert_message_sql!();

/// A message the archive may hold: its row replaced, keeping a known
/// position; a message that holds no JSON (a conversation's copy, whose
/// JSON the archive has) keeps the archived JSON.
const UPSERT_MESSAGE: &str = insert_message_sql!(
    "ON CONFLICT (account, visitor, id) DO UPDATE SET
        position = coalesce(excluded.position, position), created_at = excluded.created_at,
        created_ns = excluded.created_ns,
        sender_type = excluded.sender_type, sender_id = excluded.sender_id,
        sender_name = excluded.sender_name, sender_email = excluded.sender_email,
        sender_forename = excluded.sender_forename, sender_surname = excluded.sender_surname,
        body = excluded.body, has_attachment = excluded.has_attachment,
        attachment_name = excluded.attachment_name, auto_invitation = excluded.auto_invitation,
        read_by_user = excluded.read_by_user, read_by_operator = excluded.read_by_operator,
        unreadable = excluded.unreadable, raw_json = coalesce(?19, raw_json)"
);

/// Writes `messages` of `visitor`: each one the archive lacks as a new row,
/// noted for the search index, and the others (archived before, or twice
/// in `messages`) over their row.
pub(super) fn write_messages(
    tx: &Connection,
    account: i64,
    visitor: VisitorId,
    messages: &[Placed],
) -> rusqlite::Result<()> {
    let mut archived = archived_ids(tx, account, visitor, messages)?;
    let mut insert = tx.prepare_cached(INSERT_NEW_MESSAGE)?;
    let mut upsert = tx.prepare_cached(UPSERT_MESSAGE)?;
    let mut note = tx.prepare_cached(search_index::NOTE_INSERTED)?;
    for placed in messages {
        if archived.insert(sql_id(placed.message.id)) {
            insert_message(&mut insert, account, visitor, placed)?;
            note.execute([tx.last_insert_rowid()])?;
        } else {
            insert_message(&mut upsert, account, visitor, placed)?;
        }
    }
    Ok(())
}

/// A page whose ids lie closer together than this many to a message is
/// looked up in one read of the range between its lowest and highest id;
/// one with ids far apart, an id at a time (the range would hold other rows).
const DENSE_IDS: i64 = 4;

/// Which of `messages` the archive holds, by their stored ids.
fn archived_ids(
    tx: &Connection,
    account: i64,
    visitor: VisitorId,
    messages: &[Placed],
) -> rusqlite::Result<HashSet<i64>> {
    let ids: Vec<i64> = messages
        .iter()
        .map(|placed| sql_id(placed.message.id))
        .collect();
    let (Some(&lowest), Some(&highest)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(HashSet::new());
    };
    let dense = i64::try_from(ids.len())
        .ok()
        .and_then(|len| len.checked_mul(DENSE_IDS))
        .is_some_and(|limit| highest.checked_sub(lowest).is_some_and(|span| span < limit));
    if dense {
        let mut select = tx.prepare_cached(
            "SELECT id FROM messages WHERE account = ?1 AND visitor = ?2 AND id BETWEEN ?3 AND ?4",
        )?;
        let found = select
            .query_map(params![account, sql_id(visitor), lowest, highest], |row| {
                row.get(0)
            })?;
        return found.collect();
    }
    let mut select = tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE account = ?1 AND visitor = ?2 AND id = ?3)",
    )?;
    let mut held = HashSet::new();
    for id in ids {
        if select.query_row(params![account, sql_id(visitor), id], |row| row.get(0))? {
            held.insert(id);
        }
    }
    Ok(held)
}

pub(super) const UPSERT_SYNC_STATE: &str =
    "INSERT INTO sync_state (account, visitor, total, server_order,
        newest_id, synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
    ON CONFLICT (account, visitor) DO UPDATE SET total = excluded.total,
        server_order = excluded.server_order, newest_id = excluded.newest_id,
        synced_at = excluded.synced_at";

fn insert_message(
    insert: &mut rusqlite::CachedStatement<'_>,
    account: i64,
    visitor: VisitorId,
    placed: &Placed,
) -> rusqlite::Result<usize> {
    let message = &placed.message;
    let (kind, name, email, forename, surname) = match &message.sender {
        Sender::Visitor { name, email } => ("user", name.as_deref(), email.as_deref(), None, None),
        Sender::Operator {
            forename,
            surname,
            email,
        } => (
            "operator",
            None,
            email.as_deref(),
            forename.as_deref(),
            surname.as_deref(),
        ),
        Sender::Other { kind } => (kind.as_deref().unwrap_or(""), None, None, None, None),
    };
    // The file name only: a link whose path names no file would be shown whole.
    let attachment_name = attachment::file_name_of(message);
    insert.execute(params![
        account,
        sql_id(visitor),
        sql_id(message.id),
        placed.position.map(sql_count),
        message.created_at.map(time),
        kind,
        message.sender_id.map(sql_id),
        name,
        email,
        forename,
        surname,
        message.body,
        message.has_attachment(),
        attachment_name,
        message.auto_invitation,
        message.read_by_user,
        message.read_by_operator,
        message.unreadable.as_ref().map(|u| u.reason.as_str()),
        message.raw_json.as_deref().map(without_file_url),
        message.created_at.and_then(|at| at.timestamp_nanos_opt()),
    ])
}

/// The columns [`read_message`] reads, in its order, the JSON last as
/// `$json` says.
macro_rules! select_messages {
    ($json:literal) => {
        concat!(
            "SELECT id, created_ns, created_at, sender_type,
                sender_id, sender_name, sender_email, sender_forename, sender_surname, body,
                has_attachment, attachment_name, auto_invitation, read_by_user,
                read_by_operator, unreadable, ",
            $json,
            " FROM messages WHERE account = ?1 AND visitor = ?2"
        )
    };
}

/// A visitor's messages with their JSON.
pub(super) const SELECT_MESSAGES: &str = select_messages!("raw_json");

/// A visitor's messages with the JSON only of those [`read_message`] must
/// read it for (see there): a conversation reads the rest's JSON one
/// message at a time, when the reader asks for it.
pub(super) const SELECT_MESSAGES_TO_BROWSE: &str = select_messages!(
    "CASE WHEN unreadable IS NOT NULL OR sender_type = ''
        OR (created_ns IS NULL AND created_at IS NOT NULL) THEN raw_json END"
);

/// One message's JSON.
pub(super) const SELECT_JSON: &str =
    "SELECT raw_json FROM messages WHERE account = ?1 AND visitor = ?2 AND id = ?3";

/// One row of [`SELECT_MESSAGES`] as the message it was written from,
/// built from its columns: parsing the JSON again took most of an open's
/// time. Only what the columns cannot tell apart is read from the JSON: a
/// time beyond the nanosecond range (year 2262), a row archived before
/// migration 6, or an empty sender type (no type and `""` are stored alike).
/// The message keeps its JSON when `keep_json` says so.
pub(super) fn read_message(row: &Row<'_>, keep_json: bool) -> rusqlite::Result<Message> {
    let id = from_sql_id(row.get(0)?);
    let created_ns: Option<i64> = row.get(1)?;
    let created_text: Option<String> = row.get(2)?;
    let kind: String = row.get(3)?;
    let has_attachment: bool = row.get(10)?;
    let attachment_name: Option<String> = row.get(11)?;
    let unreadable: Option<String> = row.get(15)?;
    // Selected whenever the row is one of these (see SELECT_MESSAGES_TO_BROWSE).
    let raw: Option<String> = row.get(16)?;
    let ambiguous = kind.is_empty() || (created_ns.is_none() && created_text.is_some());
    if unreadable.is_some() || ambiguous {
        let mut message = parsed_message(
            id,
            raw.as_deref().unwrap_or_default(),
            unreadable,
            has_attachment,
            attachment_name,
        );
        if !keep_json {
            message.raw_json = None;
        }
        return Ok(message);
    }
    let sender = match kind.as_str() {
        "user" => Sender::Visitor {
            name: row.get(5)?,
            email: row.get(6)?,
        },
        "operator" => Sender::Operator {
            forename: row.get(7)?,
            surname: row.get(8)?,
            email: row.get(6)?,
        },
        _ => Sender::Other { kind: Some(kind) },
    };
    Ok(Message {
        id,
        body: row.get(9)?,
        created_at: created_ns.map(DateTime::from_timestamp_nanos),
        sender,
        sender_id: row.get::<_, Option<i64>>(4)?.map(from_sql_id),
        file_url: None,
        archived_attachment: has_attachment.then(|| attachment_name.unwrap_or_default()),
        auto_invitation: row.get(12)?,
        read_by_user: row.get(13)?,
        read_by_operator: row.get(14)?,
        unreadable: None,
        raw_json: raw.filter(|_| keep_json).map(Arc::from),
    })
}

/// The message read back from its archived JSON; a placeholder when it
/// was archived as one or cannot be read.
fn parsed_message(
    id: u64,
    raw: &str,
    unreadable: Option<String>,
    has_attachment: bool,
    attachment_name: Option<String>,
) -> Message {
    match (unreadable, parse_message(raw.as_bytes())) {
        (None, Ok(mut message)) => {
            if has_attachment && message.file_url.is_none() {
                message.archived_attachment = Some(attachment_name.unwrap_or_default());
            }
            message
        }
        (reason, parsed) => {
            let reason = reason
                .or_else(|| parsed.err())
                .unwrap_or_else(|| "unreadable".to_owned());
            let mut placeholder = Message::placeholder(
                id,
                Unreadable {
                    entry: EntryRef::Id(id),
                    reason,
                    placement: None,
                },
            );
            placeholder.raw_json = Some(Arc::from(raw));
            placeholder
        }
    }
}

/// The SQL function migration 6 fills `created_ns` with.
pub(super) const TIME_NS_FUNCTION: &str = "szchat_time_ns";

/// Adds `szchat_time_ns(text)`: an RFC 3339 time as nanoseconds since
/// 1970, read as the client reads a message's time; NULL when it is none.
pub(super) fn add_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(TIME_NS_FUNCTION, 1, flags, |ctx| {
        Ok(match ctx.get_raw(0) {
            ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                .ok()
                .and_then(|text| parse_time(text.trim()))
                .and_then(|at| at.timestamp_nanos_opt()),
            _ => None,
        })
    })
}

pub(super) fn attributes_json(visitor: &Visitor) -> String {
    Value::Array(
        visitor
            .attributes
            .iter()
            .map(|a| json!({ "name": a.name, "value": a.value }))
            .collect(),
    )
    .to_string()
}

/// SQLite integers are signed: ids are stored by their bits, so the
/// placeholders' ids near `u64::MAX` come back unchanged.
#[allow(
    clippy::cast_possible_wrap,
    reason = "stored by bits, read back by bits"
)]
pub(super) fn sql_id(id: u64) -> i64 {
    id as i64
}

#[allow(clippy::cast_sign_loss, reason = "stored by bits, read back by bits")]
pub(super) fn from_sql_id(id: i64) -> u64 {
    id as u64
}

/// Counts and positions: beyond `i64::MAX` is beyond any server.
pub(super) fn sql_count(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

pub(super) fn from_sql_count(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

pub(super) fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(super) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

pub(super) fn order_name(order: ServerOrder) -> &'static str {
    match order {
        ServerOrder::Unknown => "unknown",
        ServerOrder::OldestFirst => "oldest-first",
        ServerOrder::NewestFirst => "newest-first",
        ServerOrder::Unordered => "unordered",
    }
}

pub(super) fn order_from_name(name: &str) -> ServerOrder {
    match name {
        "oldest-first" => ServerOrder::OldestFirst,
        "newest-first" => ServerOrder::NewestFirst,
        "unordered" => ServerOrder::Unordered,
        _ => ServerOrder::Unknown,
    }
}
