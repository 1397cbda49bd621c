//! The archive's tables, versioned by `PRAGMA user_version`: migration `n`
//! takes a file at version `n` to `n + 1`, all in one transaction, so a file
//! is always at one version or the next, never between.

use rusqlite::{Connection, TransactionBehavior};

/// Each step, in order; the file's version is how many have run.
pub const MIGRATIONS: &[&str] = &[
    // 1: accounts, visitors, messages and what the last sync saw.
    r#"
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        base_url TEXT NOT NULL,
        -- HMAC-SHA256 of the secret under the directory's key; never the secret.
        fingerprint TEXT NOT NULL,
        last_sync TEXT,
        UNIQUE (base_url, fingerprint)
    );
    CREATE TABLE visitors (
        account INTEGER NOT NULL REFERENCES accounts (id),
        id INTEGER NOT NULL,
        name TEXT,
        email TEXT,
        reference TEXT,
        created_at TEXT,
        updated_at TEXT,
        online_at TEXT,
        last_url TEXT,
        -- A JSON array of name and value objects, in the server's order.
        attributes TEXT NOT NULL,
        archived_at TEXT NOT NULL,
        PRIMARY KEY (account, id)
    ) WITHOUT ROWID;
    CREATE TABLE messages (
        account INTEGER NOT NULL REFERENCES accounts (id),
        visitor INTEGER NOT NULL,
        id INTEGER NOT NULL,
        -- Its place counted from the oldest (0), as the answer that carried it said.
        position INTEGER,
        created_at TEXT,
        sender_type TEXT NOT NULL,
        sender_id INTEGER,
        sender_name TEXT,
        sender_email TEXT,
        sender_forename TEXT,
        sender_surname TEXT,
        body TEXT NOT NULL,
        -- Never the link (it dies 20 s after its answer): only that there is one, and its name.
        has_attachment INTEGER NOT NULL,
        attachment_name TEXT,
        auto_invitation INTEGER NOT NULL,
        read_by_user INTEGER,
        read_by_operator INTEGER,
        -- Why the entry could not be read, when it could not.
        unreadable TEXT,
        -- As received, with the file_url value made null.
        raw_json TEXT NOT NULL,
        PRIMARY KEY (account, visitor, id)
    );
    CREATE TABLE sync_state (
        account INTEGER NOT NULL REFERENCES accounts (id),
        visitor INTEGER NOT NULL,
        total INTEGER NOT NULL,
        server_order TEXT NOT NULL,
        newest_id INTEGER,
        synced_at TEXT NOT NULL,
        PRIMARY KEY (account, visitor)
    ) WITHOUT ROWID;
    "#,
    // 2: the search index over every visitor's messages: body, attachment
    // name and sender's name. Trigrams find text inside words (CJK has no
    // spaces) with case and diacritics folded; it holds no copy of the text
    // (contentless) and no positions (`detail = none`: a tenth of the
    // writing), so it finds the rows holding every trigram of a text and the
    // query confirms the text against the message. Triggers keep it in step
    // with `messages` in the same transactions.
    r#"
    CREATE VIRTUAL TABLE message_search USING fts5(
        body, attachment_name, sender,
        content = '', contentless_delete = 1, detail = none,
        tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
    );
    INSERT INTO message_search (rowid, body, attachment_name, sender)
        SELECT rowid, body, attachment_name,
            coalesce(sender_name, trim(coalesce(sender_forename, '') || ' ' || coalesce(sender_surname, '')))
        FROM messages;
    CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_search (rowid, body, attachment_name, sender) VALUES (
            new.rowid, new.body, new.attachment_name,
            coalesce(new.sender_name, trim(coalesce(new.sender_forename, '') || ' ' || coalesce(new.sender_surname, ''))));
    END;
    -- A message archived again unchanged (the probe's page, each sync) is not re-indexed.
    CREATE TRIGGER message_search_update AFTER UPDATE ON messages
    WHEN old.body IS NOT new.body OR old.attachment_name IS NOT new.attachment_name
        OR old.sender_name IS NOT new.sender_name OR old.sender_forename IS NOT new.sender_forename
        OR old.sender_surname IS NOT new.sender_surname BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
        INSERT INTO message_search (rowid, body, attachment_name, sender) VALUES (
            new.rowid, new.body, new.attachment_name,
            coalesce(new.sender_name, trim(coalesce(new.sender_forename, '') || ' ' || coalesce(new.sender_surname, ''))));
    END;
    CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
    END;
    "#,
    // 3: the index holds the text folded by szchat's own folding (the SQL
    // function `szchat_fold`, added to every connection), the folding the
    // query uses: SQLite's tokenizer leaves "ß", "æ", "ø" as they are, so
    // `strasse` found no "Straße". Rebuilt from the messages.
    r#"
    DROP TRIGGER message_search_insert;
    DROP TRIGGER message_search_update;
    DROP TRIGGER message_search_delete;
    DROP TABLE message_search;
    CREATE VIRTUAL TABLE message_search USING fts5(
        body, attachment_name, sender,
        content = '', contentless_delete = 1, detail = none,
        tokenize = 'trigram case_sensitive 1'
    );
    INSERT INTO message_search (rowid, body, attachment_name, sender)
        SELECT rowid, szchat_fold(body), szchat_fold(attachment_name), szchat_fold(
            coalesce(sender_name, trim(coalesce(sender_forename, '') || ' ' || coalesce(sender_surname, ''))))
        FROM messages;
    CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
        INSERT INTO message_search (rowid, body, attachment_name, sender) VALUES (
            new.rowid, szchat_fold(new.body), szchat_fold(new.attachment_name), szchat_fold(
            coalesce(new.sender_name, trim(coalesce(new.sender_forename, '') || ' ' || coalesce(new.sender_surname, '')))));
    END;
    -- A message archived again unchanged (the probe's page, each sync) is not re-indexed.
    CREATE TRIGGER message_search_update AFTER UPDATE ON messages
    WHEN old.body IS NOT new.body OR old.attachment_name IS NOT new.attachment_name
        OR old.sender_name IS NOT new.sender_name OR old.sender_forename IS NOT new.sender_forename
        OR old.sender_surname IS NOT new.sender_surname BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
        INSERT INTO message_search (rowid, body, attachment_name, sender) VALUES (
            new.rowid, szchat_fold(new.body), szchat_fold(new.attachment_name), szchat_fold(
            coalesce(new.sender_name, trim(coalesce(new.sender_forename, '') || ' ' || coalesce(new.sender_surname, '')))));
    END;
    CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
        DELETE FROM message_search WHERE rowid = old.rowid;
    END;
    "#,
    // 4: the index writes in fewer, larger steps. A 16 MiB buffer (1 MiB by
    // default) turns a big batch into a few segments rather than dozens, and
    // merging 8 segments at a time (4 by default; at most 32 waiting) halves
    // how often the same entries are rewritten. Kept in the index's own
    // configuration, so every connection writes alike.
    r#"
    INSERT INTO message_search (message_search, rank) VALUES ('hashsize', 16777216);
    INSERT INTO message_search (message_search, rank) VALUES ('automerge', 8);
    INSERT INTO message_search (message_search, rank) VALUES ('crisismerge', 32);
    "#,
    // 5: every visitor's messages newest first, as the search lists its
    // hits: walked in this order it stops at the last hit shown, where a
    // sort had to read every candidate first.
    r#"
    CREATE INDEX messages_newest ON messages (account, created_at, id);
    "#,
    // 6: each message's time in nanoseconds since 1970 (UTC), as exact as
    // the server wrote it and sortable, so a message is read back from its
    // columns rather than by parsing its JSON again (most of an open's time).
    // Filled from the archived JSON by `szchat_time_ns` (see `rows`).
    r#"
    ALTER TABLE messages ADD COLUMN created_ns INTEGER;
    UPDATE messages SET created_ns = szchat_time_ns(json_extract(raw_json, '$.created_at'))
    WHERE unreadable IS NULL AND json_valid(raw_json);
    "#,
    // 7: the index is written once per transaction rather than once per
    // message. FTS5 writes what it holds in memory to disk at every statement
    // savepoint, and a trigger that wrote the index made each message's
    // INSERT one: every message became a segment of its own, merged again
    // and again (half of a sync's time). The triggers now only note, in
    // `search_pending`, which rows the index must catch up on; the store
    // brings it up to date in one statement before each commit (see
    // `search_index`). `indexed` is 1 when the index holds an entry for the
    // row that must go first (an update or a delete of a row indexed earlier).
    // A row already noted keeps its note (`DO NOTHING`; a `SELECT ... WHERE
    // NOT EXISTS` reading the table it writes would go through a temporary
    // table for every message).
    r#"
    DROP TRIGGER message_search_insert;
    DROP TRIGGER message_search_update;
    DROP TRIGGER message_search_delete;
    CREATE TABLE search_pending (
        message INTEGER PRIMARY KEY,
        indexed INTEGER NOT NULL
    );
    CREATE TRIGGER search_pending_insert AFTER INSERT ON messages BEGIN
        INSERT INTO search_pending (message, indexed) VALUES (new.rowid, 0)
            ON CONFLICT (message) DO NOTHING;
    END;
    -- A message archived again unchanged (the probe's page, each sync) is not re-indexed.
    CREATE TRIGGER search_pending_update AFTER UPDATE ON messages
    WHEN old.body IS NOT new.body OR old.attachment_name IS NOT new.attachment_name
        OR old.sender_name IS NOT new.sender_name OR old.sender_forename IS NOT new.sender_forename
        OR old.sender_surname IS NOT new.sender_surname BEGIN
        INSERT INTO search_pending (message, indexed) VALUES (old.rowid, 1)
            ON CONFLICT (message) DO NOTHING;
    END;
    CREATE TRIGGER search_pending_delete AFTER DELETE ON messages BEGIN
        INSERT INTO search_pending (message, indexed) VALUES (old.rowid, 1)
            ON CONFLICT (message) DO NOTHING;
    END;
    "#,
    // 8: a new message is noted by the store that inserts it, not by a
    // trigger: a trigger made SQLite keep a statement journal for every
    // INSERT (a copy of each page it touched, a tenth of a write's time).
    // Changes and deletes are still noted by their triggers; a message
    // another program inserts is not indexed.
    r#"
    DROP TRIGGER search_pending_insert;
    "#,
];

/// The version this szchat writes.
pub fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Why the schema could not be brought up to date.
#[derive(Debug)]
pub enum MigrateError {
    /// The file is newer than this szchat.
    Newer(i64),
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(error: rusqlite::Error) -> Self {
        MigrateError::Sqlite(error)
    }
}

/// The file's version.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Runs the steps from the file's version to [`latest`], or to `target`.
/// The version is read inside the write transaction, so two processes
/// starting at once run each step once.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<(), MigrateError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    if found > latest() {
        return Err(MigrateError::Newer(found));
    }
    for (step, sql) in (0i64..).zip(MIGRATIONS) {
        if step >= found && step < target {
            tx.execute_batch(sql)?;
        }
    }
    if found < target {
        tx.pragma_update(None, "user_version", target)?;
    }
    tx.commit()?;
    Ok(())
}

/// Brings the file up to this szchat's version.
pub fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    migrate_to(conn, latest())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::contains;
    use crate::archive::rows;
    use crate::archive::search_index;

    fn add_functions(conn: &Connection) -> rusqlite::Result<()> {
        contains::add_functions(conn)?;
        rows::add_functions(conn)
    }

    fn conn_at(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        add_functions(&conn).unwrap();
        conn
    }

    /// A visitor's message `id` saying `body`, written as an older szchat wrote it.
    fn insert_message(conn: &Connection, id: i64, body: &str) {
        conn.execute(
            "INSERT INTO messages (account, visitor, id, sender_type, body,
                has_attachment, auto_invitation, raw_json)
             VALUES (1, 7, ?1, 'user', ?2, 0, 0, '{}')",
            rusqlite::params![id, body],
        )
        .unwrap();
    }

    /// Runs `sql` and brings the index up to date, in one transaction, as the store writes.
    fn catch_up_now(conn: &mut Connection, sql: &str) {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(sql).unwrap();
        search_index::catch_up(&tx).unwrap();
        tx.commit().unwrap();
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    }

    /// The rows whose index entry holds the trigram `trigram`.
    fn indexed(conn: &Connection, trigram: &str) -> i64 {
        count(
            conn,
            &format!(
                "SELECT count(*) FROM message_search WHERE message_search MATCH '\"{trigram}\"'"
            ),
        )
    }

    /// Each step, from a file left at the previous version: it migrates to
    /// the latest, the data the old version held is still there, and the
    /// file is whole.
    #[test]
    fn every_migration_runs_from_the_previous_version_s_file() {
        for from in 0..latest() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("archive.db");
            {
                let mut conn = Connection::open(&path).unwrap();
                add_functions(&conn).unwrap();
                migrate_to(&mut conn, from).unwrap();
                assert_eq!(version(&conn).unwrap(), from);
                if from >= 1 {
                    conn.execute(
                        "INSERT INTO accounts (base_url, fingerprint) VALUES ('http://a', 'f')",
                        [],
                    )
                    .unwrap();
                }
                if from == 1 {
                    conn.execute(
                        "INSERT INTO messages (account, visitor, id, sender_type, body,
                            has_attachment, auto_invitation, raw_json)
                         VALUES (1, 7, 1, 'user', 'Un Café, s''il vous plaît', 0, 0, '{}')",
                        [],
                    )
                    .unwrap();
                }
                if from == 5 {
                    conn.execute(
                        "INSERT INTO messages (account, visitor, id, created_at, sender_type, body,
                            has_attachment, auto_invitation, raw_json)
                         VALUES (1, 7, 2, '2026-01-05T08:00:00.123Z', 'user', 'hi', 0, 0,
                            '{\"id\":2,\"created_at\":\"2026-01-05T09:00:00.123456789+01:00\"}')",
                        [],
                    )
                    .unwrap();
                }
            }
            if from == 6 {
                // Indexed by the triggers of versions 2 to 6.
                insert_message(&conn_at(&path), 3, "invoice 4411");
            }
            if from == 7 {
                // Noted by version 7's insert trigger, not indexed yet.
                insert_message(&conn_at(&path), 4, "receipt 5522");
            }
            let mut conn = Connection::open(&path).unwrap();
            add_functions(&conn).unwrap();
            migrate(&mut conn).unwrap();
            if from == 7 {
                catch_up_now(&mut conn, "");
                assert_eq!(
                    indexed(&conn, "552"),
                    1,
                    "a row noted at version 7 is indexed after"
                );
                let triggers = count(
                    &conn,
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'messages'",
                );
                assert_eq!(
                    triggers, 2,
                    "changes and deletes are noted; inserts by the store"
                );
            }
            if from == 6 {
                assert_eq!(
                    indexed(&conn, "441"),
                    1,
                    "the entry of the older version stays"
                );
                catch_up_now(&mut conn, "DELETE FROM messages WHERE id = 3");
                assert_eq!(indexed(&conn, "441"), 0, "and goes with its message");
            }
            assert_eq!(version(&conn).unwrap(), latest());
            if from == 5 {
                // The time to the nanosecond, from the JSON (the text column kept milliseconds).
                let nanos: i64 = conn
                    .query_row("SELECT created_ns FROM messages WHERE id = 2", [], |row| {
                        row.get(0)
                    })
                    .unwrap();
                assert_eq!(nanos, 1_767_600_000_123_456_789);
            }
            if from == 1 {
                // Messages archived before the index are in it.
                let found: i64 = conn
                    .query_row(
                        "SELECT count(*) FROM message_search WHERE message_search MATCH '\"caf\" AND \"afe\"'",
                        [],
                        |row| row.get(0),
                    )
                    .unwrap();
                assert_eq!(found, 1, "indexed by the migration");
            }
            // The index's write settings, from every earlier version.
            let automerge: i64 = conn
                .query_row(
                    "SELECT v FROM message_search_config WHERE k = 'automerge'",
                    [],
                    |row| row.get(0),
                )
                .unwrap();
            assert_eq!(automerge, 8, "from version {from}");
            let check: String = conn
                .pragma_query_value(None, "integrity_check", |row| row.get(0))
                .unwrap();
            assert_eq!(check, "ok");
            let accounts: i64 = conn
                .query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))
                .unwrap();
            assert_eq!(accounts, i64::from(from >= 1), "from version {from}");
            // Running again changes nothing.
            migrate(&mut conn).unwrap();
            assert_eq!(version(&conn).unwrap(), latest());
        }
    }

    #[test]
    fn a_newer_file_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1)
            .unwrap();
        assert!(
            matches!(migrate(&mut conn), Err(MigrateError::Newer(found)) if found == latest() + 1)
        );
    }
}
