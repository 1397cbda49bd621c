//! Keeping the search index (`message_search`) in step with `messages`.
//!
//! Each row of `messages` inserted, changed or deleted is noted in
//! `search_pending` (an insert by the store, with [`NOTE_INSERTED`]; a
//! change or a delete by a trigger, see migrations 7 and 8); [`catch_up`]
//! then brings the index up to date in three statements, before the
//! transaction that wrote the rows commits. Written this way, FTS5 holds a whole batch in memory and
//! writes it as one segment at the commit, where an index written by the
//! triggers themselves wrote a segment for every message (FTS5 writes its
//! memory to disk at each statement's savepoint).

use rusqlite::Connection;

/// Notes the row just inserted (bound: its rowid). A row noted already
/// keeps its note: one deleted before, whose rowid SQLite gave again,
/// still has its old entry to remove.
pub(super) const NOTE_INSERTED: &str =
    "INSERT INTO search_pending (message, indexed) VALUES (?1, 0) ON CONFLICT (message) DO NOTHING";

/// The index's entry of each noted row that still exists: its body,
/// attachment name and sender's name, folded as queries fold
/// (`szchat_fold`, see `contains`).
const INDEX_NOTED: &str = "
    INSERT INTO message_search (rowid, body, attachment_name, sender)
    SELECT m.rowid, szchat_fold(m.body), szchat_fold(m.attachment_name), szchat_fold(
        coalesce(m.sender_name, trim(coalesce(m.sender_forename, '') || ' ' || coalesce(m.sender_surname, ''))))
    FROM search_pending p JOIN messages m ON m.rowid = p.message";

/// Brings the index up to date with every row noted in `search_pending`:
/// the entries of rows changed or deleted go, rows that exist get their
/// entry, and the notes are cleared. Run inside the writing transaction,
/// so the index and the messages commit together.
pub(super) fn catch_up(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM message_search WHERE rowid IN
            (SELECT message FROM search_pending WHERE indexed = 1)",
    )?
    .execute([])?;
    conn.prepare_cached(INDEX_NOTED)?.execute([])?;
    conn.prepare_cached("DELETE FROM search_pending")?
        .execute([])?;
    Ok(())
}

/// Whether rows wait for the index: none should, as every write catches
/// up before it commits; a row another program (the `sqlite3` shell)
/// changed or deleted would.
pub(super) fn anything_pending(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM search_pending)", [], |row| {
        row.get(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{contains, rows, schema};

    fn archive() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        contains::add_functions(&conn).unwrap();
        rows::add_functions(&conn).unwrap();
        schema::migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO accounts (base_url, fingerprint) VALUES ('http://a', 'f')",
            [],
        )
        .unwrap();
        conn
    }

    /// Runs `sql` as a writer does: in a transaction that catches up before it commits.
    fn write(conn: &mut Connection, sql: &str) {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(sql).unwrap();
        catch_up(&tx).unwrap();
        tx.commit().unwrap();
    }

    fn insert(id: u64, body: &str) -> String {
        format!(
            "INSERT INTO messages (account, visitor, id, sender_type, sender_forename,
                sender_surname, body, has_attachment, attachment_name, auto_invitation, raw_json)
             VALUES (1, 7, {id}, 'operator', 'Zoë', 'Ångström', '{body}', 1, 'Facture-4411.pdf', 0, '{{}}');
             {};",
            NOTE_INSERTED.replace("?1", "last_insert_rowid()")
        )
    }

    /// The rows whose entry holds every trigram of `text` (the index keeps no positions).
    fn found(conn: &Connection, text: &str) -> i64 {
        let chars: Vec<char> = text.chars().collect();
        let trigrams: Vec<String> = chars
            .windows(3)
            .map(|window| format!("\"{}\"", window.iter().collect::<String>()))
            .collect();
        conn.query_row(
            "SELECT count(*) FROM message_search WHERE message_search MATCH ?1",
            [trigrams.join(" AND ")],
            |row| row.get(0),
        )
        .unwrap()
    }

    /// The index folds case and diacritics and finds text inside words; it
    /// follows inserts, updates and deletes of `messages`.
    #[test]
    fn the_index_follows_the_messages() {
        let mut conn = archive();
        write(&mut conn, &insert(1, "明日東京に行きます, Straße"));
        assert_eq!(found(&conn, "東京に"), 1, "inside a word without spaces");
        assert_eq!(
            found(&conn, "facture"),
            1,
            "the attachment's name, case folded"
        );
        assert_eq!(found(&conn, "angstrom"), 1, "the sender, diacritics folded");
        assert_eq!(found(&conn, "strasse"), 1, "folded as the query folds");
        write(&mut conn, "UPDATE messages SET body = 'plain' WHERE id = 1");
        assert_eq!(found(&conn, "東京に"), 0, "an update replaces the entry");
        assert_eq!(found(&conn, "plain"), 1);
        write(&mut conn, "DELETE FROM messages");
        assert_eq!(found(&conn, "plain"), 0, "a delete removes it");
        assert!(!anything_pending(&conn).unwrap(), "nothing is left noted");
    }

    /// A row inserted and changed, or deleted, before the commit; a row
    /// whose rowid SQLite gives again to a new message after a delete.
    #[test]
    fn rows_written_twice_in_one_transaction_are_indexed_as_they_end() {
        let mut conn = archive();
        write(
            &mut conn,
            &format!(
                "{} UPDATE messages SET body = 'second words' WHERE id = 1;",
                insert(1, "first words")
            ),
        );
        assert_eq!((found(&conn, "first"), found(&conn, "second")), (0, 1));
        write(
            &mut conn,
            &format!(
                "{} DELETE FROM messages WHERE id = 2;",
                insert(2, "gone soon")
            ),
        );
        assert_eq!(found(&conn, "gone"), 0);
        // The newest row deleted and a new one inserted: same rowid, new text.
        let before: i64 = conn
            .query_row("SELECT rowid FROM messages WHERE id = 1", [], |row| {
                row.get(0)
            })
            .unwrap();
        write(
            &mut conn,
            &format!(
                "DELETE FROM messages WHERE id = 1; {}",
                insert(3, "third words")
            ),
        );
        let after: i64 = conn
            .query_row("SELECT rowid FROM messages WHERE id = 3", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(before, after, "the rowid was given again");
        assert_eq!((found(&conn, "second"), found(&conn, "third")), (0, 1));
        let entries: i64 = conn
            .query_row("SELECT count(*) FROM message_search_docsize", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(entries, 1, "one entry for the one message left");
    }

    /// Rows another program changed or deleted, without catching up, wait
    /// in `search_pending` until szchat does.
    #[test]
    fn rows_another_program_changed_wait_for_the_next_catch_up() {
        let mut conn = archive();
        write(
            &mut conn,
            &format!("{} {}", insert(1, "first"), insert(2, "second")),
        );
        conn.execute_batch(
            "UPDATE messages SET body = 'from the shell' WHERE id = 1;
             DELETE FROM messages WHERE id = 2;",
        )
        .unwrap();
        assert!(anything_pending(&conn).unwrap());
        assert_eq!(found(&conn, "shell"), 0);
        write(&mut conn, "");
        assert_eq!(found(&conn, "shell"), 1);
        assert_eq!(found(&conn, "first") + found(&conn, "second"), 0);
    }
}
