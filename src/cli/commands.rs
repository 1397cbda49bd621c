//! The subcommands: `sync`, `search`, `report` and `archive path|stats|forget`.

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
    /// Search every archived visitor's messages (no request unless --sync):
    /// words (all must appear), word*, "exact phrase", -word, from:visitor,
    /// from:operator, after:YYYY-MM-DD, before:YYYY-MM-DD, has:attachment,
    /// visitor:ID. Case and diacritics are folded (strasse finds Straße); words
    /// of one or two characters and word* match where a word begins. Each
    /// hit's snippet marks every word, prefix and phrase of the query, bold
    /// on a terminal, in [ ] otherwise.
    /// Exit 0 when something matched, 1 when nothing, 2 for a bad query.
    Search {
        /// The query; several words are one query (give flags before it: -word excludes).
        #[arg(value_name = "QUERY", required = true, num_args = 1.., allow_hyphen_values = true)]
        query: Vec<String>,
        /// Bring the archive up to date first (as szchat sync).
        #[arg(long)]
        sync: bool,
        /// One JSON object per hit: visitor_id, message_id, created_at, sender_type, snippet.
        #[arg(long)]
        json: bool,
        /// Hits at most, newest first.
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: u32,
    },
    /// The operator's figures of every archived visitor (or those named), from
    /// the archive with no request: messages, first and median response,
    /// longest wait, unanswered messages and since when. An aligned table
    /// unless --csv or --json; times in UTC.
    Report {
        /// The visitors to report; every archived visitor when none is given.
        #[arg(value_name = "USER_ID")]
        user_ids: Vec<u64>,
        /// CSV (RFC 4180) with a header line; a cell that could run as a
        /// spreadsheet formula gets a leading '.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// One JSON object per visitor, with the CSV's keys.
        #[arg(long)]
        json: bool,
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
