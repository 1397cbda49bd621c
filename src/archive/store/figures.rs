//! The operator's figures of each archived visitor (`szchat report`), read
//! in one pass over the messages in conversation order (time, then id): only the columns the figures need, each
//! visitor's computed and dropped before the next one's are read.

use rusqlite::params;

use super::super::rows::{from_sql_id, parse_time, sql_id};
use super::{ArchiveError, Store};
use crate::metrics::{Figures, Role, Tally};
use crate::visitor::VisitorId;

/// One visitor's figures, with the name and e-mail of their archived
/// profile, or else of their own messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorFigures {
    pub visitor_id: VisitorId,
    /// Raw (unsanitized): visitors choose their own names.
    pub name: Option<String>,
    pub email: Option<String>,
    pub figures: Figures,
}

impl Store {
    /// The figures of every visitor the archive holds messages of, by id;
    /// of only `wanted` when it names any (a named visitor with no
    /// archived message is left out).
    pub fn figures(&self, wanted: &[VisitorId]) -> Result<Vec<VisitorFigures>, ArchiveError> {
        let account = self.account()?;
        let failed = |error: rusqlite::Error| ArchiveError::read(&self.path, &error);
        let filter = if wanted.is_empty() {
            ""
        } else {
            "AND m.visitor = ?2"
        };
        let mut select = self
            .conn
            .prepare(&format!(
                "SELECT m.visitor, m.id, m.created_at, m.sender_type, m.auto_invitation,
                    v.name, v.email, m.sender_name, m.sender_email
                 FROM messages m LEFT JOIN visitors v ON v.account = m.account AND v.id = m.visitor
                 WHERE m.account = ?1 {filter} ORDER BY m.visitor, m.created_at, m.id"
            ))
            .map_err(failed)?;
        let mut found: Vec<VisitorFigures> = Vec::new();
        let mut tally = Tally::new();
        let mut read = |rows: &mut rusqlite::Rows<'_>| -> rusqlite::Result<()> {
            while let Some(row) = rows.next()? {
                let visitor = from_sql_id(row.get(0)?);
                if found.last().is_none_or(|last| last.visitor_id != visitor) {
                    if let Some(last) = found.last_mut() {
                        last.figures = std::mem::take(&mut tally).finish();
                    }
                    found.push(VisitorFigures {
                        visitor_id: visitor,
                        name: row.get(5)?,
                        email: row.get(6)?,
                        figures: Figures::default(),
                    });
                }
                let sender_type: String = row.get(3)?;
                // A visitor synced by id alone has no archived profile: the
                // name and e-mail their own messages carry stand in.
                if let Some(last) = found.last_mut().filter(|_| sender_type == "user") {
                    if last.name.is_none() {
                        last.name = row.get(7)?;
                    }
                    if last.email.is_none() {
                        last.email = row.get(8)?;
                    }
                }
                let at = row.get::<_, Option<String>>(2)?;
                tally.add(
                    role(&sender_type, row.get(4)?),
                    at.as_deref().and_then(parse_time),
                );
            }
            if let Some(last) = found.last_mut() {
                last.figures = std::mem::take(&mut tally).finish();
            }
            Ok(())
        };
        if wanted.is_empty() {
            read(&mut select.query(params![account]).map_err(failed)?).map_err(failed)?;
        } else {
            let mut ids = wanted.to_vec();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                read(&mut select.query(params![account, sql_id(id)]).map_err(failed)?)
                    .map_err(failed)?;
            }
        }
        Ok(found)
    }
}

/// The role of an archived message, from its `sender_type` and
/// `auto_invitation` columns (as [`Role::of`] tells a message's).
fn role(sender_type: &str, auto_invitation: bool) -> Role {
    match sender_type {
        "user" => Role::Visitor,
        "operator" if auto_invitation => Role::AutoInvitation,
        "operator" => Role::Reply,
        _ => Role::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::dir::DataDir;
    use crate::archive::store::{Placed, Write};
    use crate::testing::{message, minute, timed};

    #[test]
    fn each_visitor_s_figures_come_from_their_own_messages() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::prepare(dir.path().join("szchat")).unwrap();
        let (mut store, _) = Store::open(&data).unwrap();
        let secret = crate::secret::Secret::new("s").unwrap();
        let account = crate::archive::account::Account::new(&data, "http://fake", &secret);
        store.use_account(&account.unwrap()).unwrap();
        let placed = |message| Placed {
            position: None,
            message,
        };
        let invitation = message(1)
            .from_operator()
            .auto_invitation(true)
            .created_at(Some(minute(0)))
            .build();
        store
            .apply(&[
                Write::Messages {
                    visitor: 9,
                    messages: vec![placed(timed(2, 3, true, "q")), placed(invitation)],
                },
                Write::Messages {
                    visitor: 4,
                    messages: vec![
                        placed(timed(1, 0, true, "q")),
                        placed(timed(2, 5, false, "a")),
                    ],
                },
            ])
            .unwrap();
        let all = store.figures(&[]).unwrap();
        let ids: Vec<_> = all.iter().map(|row| row.visitor_id).collect();
        assert_eq!(ids, [4, 9], "by id");
        assert_eq!(all[0].figures.first_response_s, Some(300));
        assert_eq!(all[1].figures.messages, 2);
        assert_eq!(all[1].figures.operator_messages, 0);
        assert_eq!(all[1].figures.awaiting_since, Some(minute(3)));
        let named = store.figures(&[9, 77, 9]).unwrap();
        assert_eq!(named.len(), 1, "a visitor not archived is left out");
        assert_eq!(named[0].visitor_id, 9);
    }
}
