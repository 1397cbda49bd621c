//! The order a server pages in, read from one page, and the request for
//! positions counted from the oldest message in that order.

use crate::model::Message;

use super::{PageRequest, PageSize};

/// The order the server turned out to page in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerOrder {
    /// Not known yet: the first page has not arrived.
    Unknown,
    OldestFirst,
    NewestFirst,
    /// Neither: the whole list is fetched before the view can trust its ends.
    Unordered,
}

impl ServerOrder {
    /// The request for the messages at `positions` (counted from the
    /// oldest) while the list holds `total`: a newest-first server numbers
    /// its offsets from the other end.
    pub fn request_for(
        self,
        positions: &std::ops::Range<u64>,
        total: u64,
        size: PageSize,
    ) -> PageRequest {
        let wanted = positions.end.saturating_sub(positions.start);
        let offset = match self {
            ServerOrder::NewestFirst => total.saturating_sub(positions.end),
            _ => positions.start,
        };
        PageRequest {
            offset,
            limit: size.at_most(wanted),
        }
    }
}

/// Reads the server's order from one page: strictly ascending keys mean
/// oldest-first, strictly descending newest-first, anything else no order.
pub(crate) fn detect_order(messages: &[Message]) -> ServerOrder {
    let ascending = messages
        .windows(2)
        .all(|pair| pair[0].sort_key() < pair[1].sort_key());
    let descending = messages
        .windows(2)
        .all(|pair| pair[0].sort_key() > pair[1].sort_key());
    match (ascending, descending) {
        (true, false) => ServerOrder::OldestFirst,
        (false, true) => ServerOrder::NewestFirst,
        _ => ServerOrder::Unordered,
    }
}
