//! Which page of the message list to ask for next.
//!
//! The API pages by `offset`/`limit` and promises no order: the sample puts the
//! oldest message at offset 0, but a server may just as well page newest-first,
//! and a live conversation grows while we page. The pager learns the order from
//! the first page, fetches the newest messages first, then walks towards the
//! oldest, and finally catches up with messages that arrived meanwhile:
//!
//! - oldest-first: growth appends at the end, so offsets of known messages never
//!   move. The probe page (offset 0) is the oldest; it is held back until the
//!   walk down from the newest end reaches it, so the view never shows a gap.
//! - newest-first: growth inserts at offset 0 and shifts everything we know by
//!   the growth, which each answer's `total` reveals; the next offset shifts too,
//!   so nothing is skipped (a gap) and little is fetched twice. The arrivals are
//!   counted, not recognised: the catch-up walks from offset 0 down to where the
//!   messages already shown begin, and shows its pages together once it gets there.
//! - no recognisable order: every offset is fetched, start to end.
//!
//! Whatever happens, callers store messages by id, so an overlap is harmless.
//! A conversation that grows while we chase its newest messages is chased for as
//! long as each few requests bring us closer; one growing as fast as we fetch is
//! left alone after [`CATCH_UP_PATIENCE`] requests that gain nothing, until
//! the reader tries again.
//!
//! The server's answers are claims, and a server may lie: work has a reason
//! and a ceiling. Offsets advance by the offsets a page answers for (its
//! entries, no more than were asked for), never past messages not seen, and
//! all offset arithmetic saturates. Reading the pager does on its own stops
//! after [`READ_LIMIT`] messages until the reader says go on. A walk stops
//! when pages stop bringing new messages ([`BARREN_PAGES`]) or bring too few
//! for the requests they take ([`PAGES_PER_PAGEFUL`], [`SPARE_PAGES`]), and
//! what it holds back is bounded ([`MAX_HELD`]). When the server contradicts
//! itself, or fewer distinct messages came than it counted, the pager says
//! so ([`Stop`]) and lets everything it received be shown; it never claims
//! the beginning of the conversation with messages missing.
//!
//! The parts: [`page_size`] (how many messages a request asks for),
//! [`order`] (the server's order and the request for positions in it),
//! [`stop`] (why paging stops short, and the limits), [`pager`] (one
//! conversation's walk) and [`offsets`] (which offsets are asked, in
//! flight, failed or to ask again, and the frontier, for every planner).

pub mod offsets;
pub mod order;
pub mod page_size;
pub mod pager;
pub mod stop;

pub use offsets::{Frontier, Offsets};
pub use order::ServerOrder;
pub(crate) use order::detect_order;
pub use page_size::{PageRequest, PageSize, PageSizeError};
pub use pager::Pager;
pub use stop::{
    BARREN_PAGES, CATCH_UP_PATIENCE, MAX_HELD, PAGES_PER_PAGEFUL, READ_LIMIT, SPARE_PAGES, Stop,
    fair_pages,
};
