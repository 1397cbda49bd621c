//! The local archive: every visitor, message and sync state szchat has seen,
//! in one SQLite file under the data directory, so a history once fetched
//! need not be fetched again.
//!
//! [`dir`] finds and guards the directory (0700, files 0600), [`account`]
//! tells accounts apart without writing their secret, [`schema`] migrates
//! the file, [`store`] reads and writes it (and [`search_index`] keeps its
//! search index in step), and [`task`] runs a store on a
//! thread of its own so a UI loop never waits on the disk. [`raw`] takes the
//! short-lived attachment link out of a message's JSON before it is written.

pub mod account;
mod contains;
pub mod dir;
pub mod raw;
mod rows;
pub mod schema;
pub mod search;
mod search_index;
pub mod store;
pub mod task;

use std::path::{Path, PathBuf};

/// Why the archive could not be used. Each reads as one line, naming the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error(
        "no place for the archive: neither XDG_DATA_HOME nor HOME is set (or pass --no-archive)"
    )]
    NoDataDir,
    #[error("cannot use the archive directory {}: {reason}", path.display())]
    Dir { path: PathBuf, reason: String },
    /// An existing file or directory others can read whose mode could not be tightened.
    #[error(
        "{} is accessible by group or others (mode {mode:03o}) and cannot be made private ({reason}); run `chmod go-rwx {}`",
        path.display(),
        path.display()
    )]
    TooOpen {
        path: PathBuf,
        mode: u32,
        reason: String,
    },
    #[error("cannot open the archive {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    /// A write that failed (a full disk, a read-only directory); it is tried
    /// again with the next one.
    #[error("cannot write to the archive {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("cannot read the archive {}: {reason}", path.display())]
    Read { path: PathBuf, reason: String },
    #[error(
        "the archive {} was written by a newer szchat (schema {found}; this one knows up to {known})",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// The store's thread has ended (it panicked or was never started).
    #[error("the archive's store has stopped")]
    Stopped,
}

impl ArchiveError {
    pub(crate) fn open(path: &Path, error: &rusqlite::Error) -> Self {
        ArchiveError::Open {
            path: path.to_owned(),
            reason: reason(error),
        }
    }

    pub(crate) fn write(path: &Path, error: &rusqlite::Error) -> Self {
        ArchiveError::Write {
            path: path.to_owned(),
            reason: reason(error),
        }
    }

    pub(crate) fn read(path: &Path, error: &rusqlite::Error) -> Self {
        ArchiveError::Read {
            path: path.to_owned(),
            reason: reason(error),
        }
    }
}

/// SQLite's complaint in plain words where there are some.
fn reason(error: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => "the disk is full".to_owned(),
        Some(ErrorCode::ReadOnly) => "the file or its directory is read-only".to_owned(),
        Some(ErrorCode::CannotOpen) => "the file cannot be opened".to_owned(),
        Some(ErrorCode::PermissionDenied) => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}
