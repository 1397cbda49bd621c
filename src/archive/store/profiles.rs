//! The archived visitors read back: one visitor's profile (for an offline
//! export's header and the profile panel), and every archived visitor with
//! their latest message (for the offline visitor list).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::super::rows::{from_sql_count, from_sql_id, parse_time, sql_id};
use super::{ArchiveError, Store};
use crate::visitor::{Attribute, Visitor, VisitorId};

/// One visitor as the archive holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedVisitor {
    /// The archived profile; only the id when no profile was ever archived
    /// (a visitor synced by id alone).
    pub visitor: Visitor,
    /// Their newest archived message's time.
    pub last_message_at: Option<DateTime<Utc>>,
    pub messages: u64,
}

const PROFILE_COLUMNS: &str = "v.id, v.name, v.email, v.reference, v.created_at, v.updated_at, v.online_at, v.last_url, v.attributes";

impl Store {
    /// `visitor`'s archived profile, if one was ever archived.
    pub fn visitor(&self, visitor: VisitorId) -> Result<Option<Visitor>, ArchiveError> {
        let account = self.account()?;
        let failed = |error: rusqlite::Error| ArchiveError::read(&self.path, &error);
        self.conn
            .prepare_cached(&format!(
                "SELECT {PROFILE_COLUMNS} FROM visitors v WHERE v.account = ?1 AND v.id = ?2"
            ))
            .and_then(|mut select| {
                select
                    .query_row(params![account, sql_id(visitor)], profile)
                    .optional()
            })
            .map_err(failed)
    }

    /// Every visitor the archive holds messages of, newest activity first
    /// (visitors without a dated message last, by id).
    pub fn visitors(&self) -> Result<Vec<ArchivedVisitor>, ArchiveError> {
        let account = self.account()?;
        let failed = |error: rusqlite::Error| ArchiveError::read(&self.path, &error);
        let mut select = self
            .conn
            .prepare(&format!(
                "SELECT m.visitor, m.last, m.count, {PROFILE_COLUMNS}
                 FROM (SELECT visitor, max(created_at) AS last, count(*) AS count
                       FROM messages WHERE account = ?1 GROUP BY visitor) m
                 LEFT JOIN visitors v ON v.account = ?1 AND v.id = m.visitor
                 ORDER BY m.last IS NULL, m.last DESC, m.visitor"
            ))
            .map_err(failed)?;
        select
            .query_map(params![account], |row| {
                let id = from_sql_id(row.get(0)?);
                let known: Option<i64> = row.get(3)?;
                let visitor = match known {
                    Some(_) => profile_at(row, 3)?,
                    None => Visitor::unnamed(id),
                };
                Ok(ArchivedVisitor {
                    visitor,
                    last_message_at: row
                        .get::<_, Option<String>>(1)?
                        .as_deref()
                        .and_then(parse_time),
                    messages: from_sql_count(row.get(2)?),
                })
            })
            .and_then(Iterator::collect)
            .map_err(failed)
    }
}

fn profile(row: &Row<'_>) -> rusqlite::Result<Visitor> {
    profile_at(row, 0)
}

/// The profile in the row's columns from `at` on (as [`PROFILE_COLUMNS`]).
fn profile_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Visitor> {
    let time = |index: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(row
            .get::<_, Option<String>>(at + index)?
            .as_deref()
            .and_then(parse_time))
    };
    let attributes: String = row.get(at + 8)?;
    Ok(Visitor {
        id: from_sql_id(row.get(at)?),
        name: row.get(at + 1)?,
        email: row.get(at + 2)?,
        reference: row.get(at + 3)?,
        created_at: time(4)?,
        updated_at: time(5)?,
        online_at: time(6)?,
        last_url: row.get(at + 7)?,
        attributes: attributes_from_json(&attributes),
    })
}

/// The attributes as written by the rows' `attributes_json`; none when the
/// text is not that (an archive edited by hand).
fn attributes_from_json(text: &str) -> Vec<Attribute> {
    #[derive(serde::Deserialize)]
    struct Stored {
        name: String,
        value: String,
    }
    serde_json::from_str::<Vec<Stored>>(text)
        .map(|stored| {
            stored
                .into_iter()
                .map(|Stored { name, value }| Attribute { name, value })
                .collect()
        })
        .unwrap_or_default()
}
