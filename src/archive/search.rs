//! Searching the archive of the current account: the messages a query's
//! condition holds for, newest first, and how much of the account the
//! archive covers (visitors synced, and those never synced).

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter};

use super::ArchiveError;
use super::rows::from_sql_id;
use super::store::Store;
use crate::sanitize::sanitize_line;
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

impl Hit {
    /// The text a snippet is cut from, sanitized: the body, or the
    /// attachment's name when the body is empty.
    pub fn snippet_source(&self) -> String {
        let body = sanitize_line(&self.body);
        if body.trim().is_empty() {
            self.attachment_name
                .as_deref()
                .map(sanitize_line)
                .unwrap_or_default()
        } else {
            body
        }
    }
}

/// How much of the account the archive covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Visitors with a complete sync.
    pub synced: u64,
    /// Visitors the list returned whose history was never synced.
    pub never_synced: u64,
}

/// Rows walked newest first, for each hit asked, before a search turns to
/// the index's candidates: hits rarer than one in this many are found
/// sooner by sorting the candidates than by walking on.
const WALK_PER_HIT: u32 = 20;

/// What a search reads of each row: enough to confirm it and to place it.
/// The sender's name as the index holds it.
const COLUMNS: &str = "m.rowid, m.visitor, m.id, m.sender_type, m.body, m.attachment_name,
    coalesce(m.sender_name, trim(coalesce(m.sender_forename, '') || ' ' || coalesce(m.sender_surname, '')))";
/// Newest first: the order `messages_newest` keeps, so rows come without a sort.
const NEWEST: &str = "ORDER BY m.created_at DESC, m.id DESC";

/// The messages the filters let through, newest first (bound: the
/// account, the filters' values, how many rows at most).
fn walk_sql(condition: &Condition) -> String {
    format!(
        "SELECT {COLUMNS} FROM messages m WHERE m.account = ? AND ({}) {NEWEST} LIMIT ?",
        condition.filter
    )
}

/// The index's candidates the filters let through, newest first: the index
/// is read first (`CROSS JOIN` keeps that order), so only the candidates'
/// rows are read and sorted (bound: the FTS5 query, the account, the
/// filters' values).
fn candidates_sql(condition: &Condition) -> String {
    format!(
        "SELECT {COLUMNS} FROM message_search(?) s CROSS JOIN messages m ON m.rowid = s.rowid
         WHERE m.account = ? AND ({}) {NEWEST}",
        condition.filter
    )
}

/// A row read, not yet known to be a hit.
struct Row {
    rowid: i64,
    hit: Hit,
    sender: Option<String>,
}

impl Store {
    /// Up to `limit` messages `condition` holds for, newest first.
    ///
    /// Common text is found by walking the messages newest first and
    /// confirming each until `limit` hold; when that walk finds too few,
    /// the index's candidates are sorted newest first and confirmed until
    /// `limit` hold. Either way no row past the last hit is confirmed.
    pub fn search(&self, condition: &Condition, limit: u32) -> Result<Vec<Hit>, ArchiveError> {
        let account = self.account()?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let filtered = || {
            std::iter::once(SqlValue::Integer(account)).chain(condition.params.iter().map(
                |param| match param {
                    Param::Text(text) => SqlValue::Text(text.clone()),
                    Param::Int(n) => SqlValue::Integer(*n),
                },
            ))
        };
        let walk = walk_sql(condition);
        let Some(candidates) = &condition.candidates else {
            // No text for the index: the walk goes as far as it takes.
            let values = filtered().chain([SqlValue::Integer(-1)]);
            return self
                .sieve(&walk, values, condition, limit)
                .map(|(hits, _)| hits);
        };
        let budget = limit.saturating_mul(WALK_PER_HIT);
        let values = filtered().chain([SqlValue::Integer(i64::from(budget))]);
        let (hits, walked) = self.sieve(&walk, values, condition, limit)?;
        if hits.len() == limit as usize || walked < u64::from(budget) {
            return Ok(hits);
        }
        let values = std::iter::once(SqlValue::Text(candidates.clone())).chain(filtered());
        self.sieve(&candidates_sql(condition), values, condition, limit)
            .map(|(hits, _)| hits)
    }

    /// The rows `sql` reads, in its order, that `condition`'s text checks
    /// confirm, until `limit` are found; and how many rows were read.
    fn sieve(
        &self,
        sql: &str,
        values: impl Iterator<Item = SqlValue>,
        condition: &Condition,
        limit: u32,
    ) -> Result<(Vec<Hit>, u64), ArchiveError> {
        let failed = |error: rusqlite::Error| ArchiveError::read(self.path(), &error);
        let mut select = self.conn.prepare(sql).map_err(failed)?;
        let mut rows = select.query(params_from_iter(values)).map_err(failed)?;
        let mut hits = Vec::new();
        let mut read = 0u64;
        while hits.len() < limit as usize {
            let Some(row) = rows.next().map_err(failed)? else {
                break;
            };
            read += 1;
            let found = Row {
                rowid: row.get(0).map_err(failed)?,
                hit: Hit {
                    visitor_id: from_sql_id(row.get(1).map_err(failed)?),
                    visitor_name: None,
                    message_id: from_sql_id(row.get(2).map_err(failed)?),
                    created_at: None,
                    sender_type: row.get(3).map_err(failed)?,
                    body: row.get(4).map_err(failed)?,
                    attachment_name: row.get(5).map_err(failed)?,
                },
                sender: row.get(6).map_err(failed)?,
            };
            let fields = [
                Some(found.hit.body.as_str()),
                found.hit.attachment_name.as_deref(),
                found.sender.as_deref(),
            ];
            if condition.confirms(&fields) {
                hits.push(self.placed(found).map_err(failed)?);
            }
        }
        Ok((hits, read))
    }

    /// A hit with what only hits need: the visitor's name and the time as
    /// the server sent it (read from the raw JSON, dear for every row).
    fn placed(&self, row: Row) -> rusqlite::Result<Hit> {
        let mut select = self.conn.prepare_cached(
            "SELECT v.name, json_extract(m.raw_json, '$.created_at')
             FROM messages m LEFT JOIN visitors v ON v.account = m.account AND v.id = m.visitor
             WHERE m.rowid = ?",
        )?;
        select.query_row(params![row.rowid], |found| {
            Ok(Hit {
                visitor_name: found.get(0)?,
                created_at: found.get(1).unwrap_or(None),
                ..row.hit
            })
        })
    }

    /// The visitors known but never synced (those [`Coverage`] counts),
    /// the most recently seen first, as the list shows them.
    pub fn never_synced(&self) -> Result<Vec<VisitorId>, ArchiveError> {
        let account = self.account()?;
        let failed = |error: rusqlite::Error| ArchiveError::read(self.path(), &error);
        let mut select = self
            .conn
            .prepare(
                "SELECT v.id FROM visitors v WHERE v.account = ?1 AND NOT EXISTS
                    (SELECT 1 FROM sync_state s WHERE s.account = ?1 AND s.visitor = v.id)
                 ORDER BY v.online_at IS NULL, v.online_at DESC, v.id",
            )
            .map_err(failed)?;
        let ids = select
            .query_map(params![account], |row| row.get::<_, i64>(0))
            .map_err(failed)?
            .map(|id| id.map(from_sql_id))
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed)?;
        Ok(ids)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::account::Account;
    use crate::archive::dir::DataDir;
    use crate::archive::store::{Placed, Write};
    use crate::search_query::parse;
    use crate::testing::timed;

    /// Bodies of the planted messages: `rare` in three, `common` in every
    /// other one.
    fn body(id: u64) -> String {
        let rare = if matches!(id, 7 | 130 | 251) {
            " rare"
        } else {
            ""
        };
        let common = if id.is_multiple_of(2) { " common" } else { "" };
        format!("message {id}{rare}{common}")
    }

    /// An archive of 300 messages in three visitors, a minute apart, written
    /// in an order time does not follow (newest visitor first, and each
    /// visitor's pages newest first), so rowids say nothing of time.
    fn planted() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::prepare(dir.path().join("szchat")).unwrap();
        let (mut store, _) = Store::open(&data).unwrap();
        let secret = crate::secret::Secret::new("s").unwrap();
        store
            .use_account(&Account::new(&data, "http://fake", &secret).unwrap())
            .unwrap();
        for visitor in (1..=3u64).rev() {
            let ids: Vec<u64> = ((visitor - 1) * 100 + 1..=visitor * 100).collect();
            for page in ids.chunks(30).rev() {
                let messages = page
                    .iter()
                    .map(|&id| Placed {
                        position: None,
                        message: timed(
                            id,
                            i64::try_from(id).unwrap(),
                            id.is_multiple_of(3),
                            &body(id),
                        ),
                    })
                    .collect();
                store
                    .apply(&[Write::Messages { visitor, messages }])
                    .unwrap();
            }
        }
        (dir, store)
    }

    fn found(store: &Store, query: &str, limit: u32) -> Vec<u64> {
        let condition = crate::search_query::condition(&parse(query).unwrap());
        let hits = store.search(&condition, limit).unwrap();
        hits.iter().map(|hit| hit.message_id).collect()
    }

    /// What the planted archive holds for `keep`, newest first, up to `limit`.
    fn expected(keep: impl Fn(u64) -> bool, limit: usize) -> Vec<u64> {
        (1..=300).rev().filter(|&id| keep(id)).take(limit).collect()
    }

    #[test]
    fn common_and_rare_text_give_the_newest_hits_either_way() {
        let (_dir, store) = planted();
        let has = |word: &'static str| move |id: u64| body(id).contains(word);
        // Common: found within the walk.
        assert_eq!(found(&store, "common", 5), expected(has("common"), 5));
        // Rare: the walk of 20 rows a hit finds too few; the candidates, sorted.
        assert_eq!(found(&store, "rare", 2), [251, 130]);
        assert_eq!(found(&store, "rare", 100), [251, 130, 7]);
        assert_eq!(found(&store, "rare common", 100), [130]);
        assert_eq!(found(&store, "rare -common", 1), [251]);
        // Filters with text, both ways.
        let visitor_side = |id: u64| id.is_multiple_of(3);
        assert_eq!(
            found(&store, "common from:visitor", 4),
            expected(|id| has("common")(id) && visitor_side(id), 4)
        );
        assert_eq!(found(&store, "rare visitor:1", 10), [7]);
        assert_eq!(found(&store, "rare visitor:2", 1), [130]);
        // No text for the index: the walk to the end.
        assert_eq!(found(&store, "from:visitor", 3), [300, 297, 294]);
        assert_eq!(found(&store, "visitor:3 me*", 2), [300, 299]);
        assert!(found(&store, "nowhere", 10).is_empty());
        assert!(found(&store, "common", 0).is_empty());
    }

    /// The plans that make it fast: the walk reads `messages_newest` in
    /// order (no sort), and the candidates come from the index first.
    #[test]
    fn the_walk_needs_no_sort_and_the_candidates_come_from_the_index() {
        let (_dir, store) = planted();
        let plan = |sql: String, values: Vec<SqlValue>| -> String {
            let mut explain = store
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let rows = explain
                .query_map(params_from_iter(values), |row| row.get::<_, String>(3))
                .unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
        };
        let condition = crate::search_query::condition(&parse("common").unwrap());
        let walk = plan(
            walk_sql(&condition),
            vec![SqlValue::Integer(1), SqlValue::Integer(40)],
        );
        assert!(walk.contains("messages_newest"), "{walk}");
        assert!(!walk.contains("TEMP B-TREE"), "{walk}");
        let candidates = plan(
            candidates_sql(&condition),
            vec![
                SqlValue::Text(condition.candidates.clone().unwrap()),
                SqlValue::Integer(1),
            ],
        );
        let first = candidates.lines().next().unwrap_or_default();
        assert!(first.contains("VIRTUAL TABLE"), "{candidates}");
        assert!(
            candidates.contains("USING INTEGER PRIMARY KEY"),
            "{candidates}"
        );
    }
}
