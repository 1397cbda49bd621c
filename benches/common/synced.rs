//! An archive holding one visitor's whole history, synced: what the
//! benchmarks that open an archived visitor read.

use chrono::Utc;

use szchat::api::wire::parse_page;
use szchat::archive::account::Account;
use szchat::archive::dir::DataDir;
use szchat::archive::store::{Placed, Store, SyncState, Write};
use szchat::paging::ServerOrder;
use szchat::secret::Secret;

/// The archive in `dir`, open for the benchmarks' account.
pub(crate) fn open(dir: &DataDir) -> Store {
    let (mut store, _) = Store::open(dir).expect("the archive opens");
    let secret = Secret::new("bench-secret").expect("a secret");
    let account = Account::new(dir, "http://127.0.0.1:1", &secret).expect("an account");
    store.use_account(&account).expect("the account");
    store
}

/// The archive in `dir` holding `visitor`'s whole history, `messages` (each
/// object as the server sends it, oldest first), synced.
pub(crate) fn archive(dir: &DataDir, visitor: u64, messages: &[String]) -> Store {
    let mut store = open(dir);
    let total = messages.len() as u64;
    let body = format!(
        r#"{{"limit":{total},"offset":0,"total":{total},"messages":[{}]}}"#,
        messages.join(",")
    );
    let messages = parse_page(body.as_bytes(), 0, total)
        .expect("a page")
        .messages;
    let newest_id = messages.last().map(|m| m.id);
    let placed = (0u64..)
        .zip(messages)
        .map(|(position, message)| Placed {
            position: Some(position),
            message,
        })
        .collect();
    let state = SyncState {
        total,
        order: ServerOrder::OldestFirst,
        newest_id,
        synced_at: Utc::now(),
    };
    store
        .apply(&[
            Write::Messages {
                visitor,
                messages: placed,
            },
            Write::SyncState { visitor, state },
        ])
        .expect("the history is archived");
    store
}
