//! How the archive's rows are written and read back: the statements that
//! add or replace a visitor, a message and a sync state, and the mapping of
//! ids, counts, times and orders to SQLite's values.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;
use serde_json::{Value, json};

use super::raw::without_file_url;
use crate::attachment;
use crate::model::{Message, Sender};
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

pub(super) const INSERT_MESSAGE: &str =
    "INSERT INTO messages (account, visitor, id, position, created_at,
        sender_type, sender_id, sender_name, sender_email, sender_forename, sender_surname, body,
        has_attachment, attachment_name, auto_invitation, read_by_user, read_by_operator,
        unreadable, raw_json)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
    ON CONFLICT (account, visitor, id) DO UPDATE SET
        position = coalesce(excluded.position, position), created_at = excluded.created_at,
        sender_type = excluded.sender_type, sender_id = excluded.sender_id,
        sender_name = excluded.sender_name, sender_email = excluded.sender_email,
        sender_forename = excluded.sender_forename, sender_surname = excluded.sender_surname,
        body = excluded.body, has_attachment = excluded.has_attachment,
        attachment_name = excluded.attachment_name, auto_invitation = excluded.auto_invitation,
        read_by_user = excluded.read_by_user, read_by_operator = excluded.read_by_operator,
        unreadable = excluded.unreadable, raw_json = excluded.raw_json";

pub(super) const UPSERT_SYNC_STATE: &str =
    "INSERT INTO sync_state (account, visitor, total, server_order,
        newest_id, synced_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
    ON CONFLICT (account, visitor) DO UPDATE SET total = excluded.total,
        server_order = excluded.server_order, newest_id = excluded.newest_id,
        synced_at = excluded.synced_at";

pub(super) fn insert_message(
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
        without_file_url(&message.raw_json),
    ])
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
