//! The subcommands: `sync` and `archive path|stats|forget`.

use clap::Subcommand;

/// What szchat does instead of browsing.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Bring the local archive up to date: each visitor's new messages only
    /// (every visitor in the list when no USER_ID is given); pages of 99 unless --page-size.
    Sync {
        /// The visitors to sync; all of them when none is given.
        #[arg(value_name = "USER_ID")]
        user_ids: Vec<u64>,
    },
    /// The local archive: where it is, what it holds, forgetting a visitor.
    Archive {
        #[command(subcommand)]
        action: ArchiveCommand,
    },
}

/// `szchat archive ...`.
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Print the archive file's path.
    Path,
    /// Visitors, messages, size on disk and last sync, per account.
    Stats,
    /// Remove a visitor's messages, profile and sync state, leaving no byte of them in any file.
    Forget {
        #[arg(value_name = "USER_ID")]
        user_id: u64,
    },
}
