//! An archive for tests: a store on a temporary directory, with an
//! account, and messages placed as the pager places them.

use crate::archive::account::Account;
use crate::archive::dir::DataDir;
use crate::archive::store::{Placed, Store};
use crate::model::Message;
use crate::secret::Secret;

/// A store on a new temporary directory (removed when the directory is
/// dropped), reading and writing one account.
pub fn temporary_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = DataDir::prepare(dir.path().join("szchat")).expect("a data directory");
    let (mut store, _) = Store::open(&data).expect("the archive opens");
    let secret = Secret::new("s3cret").expect("a secret");
    let account = Account::new(&data, "http://127.0.0.1:9", &secret).expect("an account");
    store.use_account(&account).expect("the account is used");
    (store, dir)
}

/// `messages` at positions 0, 1, 2… of the server's list.
pub fn placed(messages: Vec<Message>) -> Vec<Placed> {
    (0u64..)
        .zip(messages)
        .map(|(position, message)| Placed {
            position: Some(position),
            message,
        })
        .collect()
}
