//! Why paging stops short, and the limits that make it stop: the server's
//! answers are claims, so every walk has a ceiling.

use std::fmt;

#[cfg(doc)]
use super::Pager;

/// Catch-up requests in a row that may leave the backlog of unfetched arrivals
/// no smaller before we stop chasing: a conversation that grows as fast as we
/// fetch must not keep us fetching forever.
pub const CATCH_UP_PATIENCE: u32 = 20;

/// Messages (page entries) the pager reads on its own before it stops and
/// waits for the reader to say go on (`g`, [`Pager::read_on`]): reading a
/// server whose order it cannot tell start to end, and catching up with
/// arrivals. Reading towards the beginning as the reader scrolls or after `g`
/// is not counted: the reader asked for it, and [`PAGES_PER_PAGEFUL`] bounds it.
pub const READ_LIMIT: u64 = 10_000;

/// Pages in a row that bring no message the walk has not seen, while the
/// server's count stands still, after which the server is taken to repeat
/// itself and the walk stops.
pub const BARREN_PAGES: u32 = 3;

/// A walk takes at most this many pages for each page size's worth of
/// progress, plus [`SPARE_PAGES`]; a server that trickles one new message into
/// each page is stopped by this. Progress is the distinct messages received,
/// and, newest-first, the offsets that growth shifted known messages into
/// (which the walk cannot help fetching again); those are bounded by [`MAX_HELD`].
pub const PAGES_PER_PAGEFUL: u64 = 3;

/// The pages a walk may take beyond [`PAGES_PER_PAGEFUL`]'s share: twice the
/// catch-up's patience (a chase after a conversation that grows by one message
/// a request gains one message a page), and a few for the probe and overlaps.
pub const SPARE_PAGES: u64 = 2 * CATCH_UP_PATIENCE as u64 + 10;

/// The most pages a walk that made `page_fuls` pages' worth of progress may
/// take: [`PAGES_PER_PAGEFUL`] for each, plus `spare`.
pub fn fair_pages(page_fuls: u64, spare: u64) -> u64 {
    PAGES_PER_PAGEFUL
        .saturating_mul(page_fuls)
        .saturating_add(spare)
}

/// The most messages held back until the gap below them closes, and the most
/// arrivals a newest-first walk follows before the catch-up fetches them. Only
/// the newest-first catch-up holds more than a page, and an honest one holds
/// what arrived during one walk; a server claiming more arrivals than this is
/// not believed.
pub const MAX_HELD: usize = 10_000;

/// Why the pager stopped asking for pages before it had everything the
/// server counted. Every stop but [`Stop::ReadLimit`] lifts with
/// [`Pager::try_again`]; that one lifts with [`Pager::read_on`] too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It read `read` messages ([`READ_LIMIT`] or more) without being asked to.
    ReadLimit { read: u64 },
    /// New messages arrive faster than the catch-up fetches them; per the
    /// server's count, `not_loaded` are not loaded yet.
    Behind { not_loaded: u64 },
    /// Every offset the server counted was asked for, yet `missing` of the
    /// `total` messages it counted never came (the server repeated some).
    Missing { missing: u64, total: u64 },
    /// The server's answers contradict each other (an empty page before its
    /// own count, more messages than it counts, pages that stopped bringing
    /// new messages); all `received` distinct messages it sent are shown.
    Inconsistent { received: u64 },
}

impl Stop {
    /// True when the server is at fault, rather than the pager pausing.
    pub fn is_problem(&self) -> bool {
        matches!(self, Stop::Missing { .. } | Stop::Inconsistent { .. })
    }
}

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stop::ReadLimit { read } => {
                write!(f, "stopped after reading {read} messages: g reads on")
            }
            Stop::Behind { not_loaded } => write!(
                f,
                "{not_loaded} newer messages not loaded, they arrive faster than they load: r tries again"
            ),
            Stop::Missing { missing, total } => {
                write!(
                    f,
                    "{missing} of {total} messages did not arrive: r tries again"
                )
            }
            Stop::Inconsistent { received } => write!(
                f,
                "the server's count does not add up: showing the {received} messages it sent (r tries again)"
            ),
        }
    }
}
