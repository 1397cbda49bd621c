//! Searching the archive of the current account: the messages a query's
//! condition holds for, newest first, and how much of the account the
//! archive covers (visitors synced, and those never synced).

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter};

use super::ArchiveError;
use super::store::Store;
use crate::search_query::{Condition, Param};
use crate::visitor::VisitorId;

/// One message a search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub visitor_id: VisitorId,
    /// The visitor's name from their archived profile, if any.
    pub visitor_name: Option<String>,
    pub message_id: u64,
    /// As the server sent it.
    pub created_at: Option<String>,
    /// `user` or `operator` (or what else the server said).
    pub sender_type: String,
    pub body: String,
    pub attachment_name: Option<String>,
}

/// How much of the account the archive covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Visitors with a complete sync.
    pub synced: u64,
    /// Visitors the list returned whose history was never synced.
    pub never_synced: u64,
}

impl Store {
    /// Up to `limit` messages `condition` holds for, newest first.
    pub fn search(&self, condition: &Condition, limit: u32) -> Result<Vec<Hit>, ArchiveError> {
        let account = self.account()?;
        let failed = |error: rusqlite::Error| ArchiveError::read(self.path(), &error);
        let sql = format!(
            "SELECT m.visitor, v.name, m.id, json_extract(m.raw_json, '$.created_at'),
                m.sender_type, m.body, m.attachment_name
             FROM messages m LEFT JOIN visitors v ON v.account = m.account AND v.id = m.visitor
             WHERE m.account = ? AND ({condition})
             ORDER BY m.created_at DESC, m.id DESC LIMIT ?"
        );
        let mut values = vec![SqlValue::Integer(account)];
        values.extend(condition.params.iter().map(|param| match param {
            Param::Text(text) => SqlValue::Text(text.clone()),
            Param::Int(n) => SqlValue::Integer(*n),
        }));
        values.push(SqlValue::Integer(i64::from(limit)));
        let mut select = self.conn.prepare(&sql).map_err(failed)?;
        let hits = select
            .query_map(params_from_iter(values), |row| {
                Ok(Hit {
                    visitor_id: u64::from_ne_bytes(row.get::<_, i64>(0)?.to_ne_bytes()),
                    visitor_name: row.get(1)?,
                    message_id: u64::from_ne_bytes(row.get::<_, i64>(2)?.to_ne_bytes()),
                    created_at: row.get(3).unwrap_or(None),
                    sender_type: row.get(4)?,
                    body: row.get(5)?,
                    attachment_name: row.get(6)?,
                })
            })
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(failed)?;
        Ok(hits)
    }

    /// Visitors synced, and visitors known but never synced.
    pub fn coverage(&self) -> Result<Coverage, ArchiveError> {
        let account = self.account()?;
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM sync_state WHERE account = ?1),
                    (SELECT count(*) FROM visitors v WHERE v.account = ?1 AND NOT EXISTS
                        (SELECT 1 FROM sync_state s WHERE s.account = ?1 AND s.visitor = v.id))",
                params![account],
                |row| {
                    Ok(Coverage {
                        synced: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
                        never_synced: u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                    })
                },
            )
            .map_err(|error| ArchiveError::read(self.path(), &error))
    }
}
