//! The archive's store task as the benchmarks that write or read an archive
//! start it: spawned on a directory for an account, and waited for until open.

use std::path::Path;

use szchat::archive::task::{AccountSpec, StoreEvent, StoreTask};
use szchat::secret::Secret;

/// The account of a benchmark's archive: no server behind it.
pub(crate) fn account(secret: &str) -> AccountSpec {
    AccountSpec {
        base_url: "http://127.0.0.1:1".to_owned(),
        secret: Secret::new(secret).expect("a secret"),
    }
}

/// The store task on the archive in `dir`, once it has opened.
pub(crate) async fn opened(dir: &Path, account: AccountSpec) -> StoreTask {
    let mut task = StoreTask::spawn(dir.to_path_buf(), Some(account));
    match task.events.recv().await {
        Some(StoreEvent::Opened { .. }) => task,
        other => panic!("the archive did not open: {other:?}"),
    }
}
