//! How many messages one request asks for, and the request itself.

use std::fmt;
use std::str::FromStr;

/// How many messages one request asks for. The API's rule (0 < limit < 100)
/// is checked when a value is made, so a `PageSize` is always one the API takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageSize(u32);

impl PageSize {
    /// The smallest page the API serves.
    pub const MIN: PageSize = PageSize(1);
    /// The largest page the API serves ("lower than 100").
    pub const MAX: PageSize = PageSize(99);
    /// The API's default, and szchat's for what the reader scrolls to.
    pub const DEFAULT: PageSize = PageSize(50);
    /// What work on the whole history (`g`, a search or a jump loading,
    /// an export) asks for unless a page size was given: the fewest requests.
    pub const WHOLE_HISTORY: PageSize = Self::MAX;
    /// The first request's least size, wherever the history is planned
    /// (the pager, the engine, a sync): two messages reveal the server's order.
    pub const ORDER_REVEALING: PageSize = PageSize(2);

    /// `limit` as a page size, if the API accepts it.
    pub const fn new(limit: u32) -> Option<PageSize> {
        if limit >= Self::MIN.0 && limit <= Self::MAX.0 {
            Some(PageSize(limit))
        } else {
            None
        }
    }

    /// The number of messages.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// This size, or fewer when only `wanted` (at least one) are wanted:
    /// never larger than `self`, so still one the API takes.
    pub(crate) fn at_most(self, wanted: u64) -> PageSize {
        let wanted = u32::try_from(wanted).unwrap_or(u32::MAX).max(Self::MIN.0);
        PageSize(self.0.min(wanted))
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a text is not a page size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a page holds {min} to {max} messages (the API's rule)", min = PageSize::MIN, max = PageSize::MAX)]
pub struct PageSizeError;

impl FromStr for PageSize {
    type Err = PageSizeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse()
            .ok()
            .and_then(PageSize::new)
            .ok_or(PageSizeError)
    }
}

impl From<PageSize> for u32 {
    fn from(size: PageSize) -> u32 {
        size.0
    }
}

impl From<PageSize> for u64 {
    fn from(size: PageSize) -> u64 {
        u64::from(size.0)
    }
}

impl TryFrom<u32> for PageSize {
    type Error = PageSizeError;

    fn try_from(limit: u32) -> Result<Self, Self::Error> {
        PageSize::new(limit).ok_or(PageSizeError)
    }
}

/// One request for a slice of the message list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: PageSize,
}

impl PageRequest {
    /// The first request wherever a history is planned: offset 0, and at
    /// least [`PageSize::ORDER_REVEALING`] messages, so the answer shows the order.
    pub fn probe(size: PageSize) -> Self {
        PageRequest {
            offset: 0,
            limit: size.max(PageSize::ORDER_REVEALING),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(limit: u32) -> PageSize {
        PageSize::new(limit).unwrap()
    }

    #[test]
    fn a_page_size_is_one_the_api_takes() {
        assert_eq!("1".parse(), Ok(PageSize::MIN));
        assert_eq!("99".parse(), Ok(PageSize::MAX));
        assert_eq!(PageSize::try_from(50), Ok(PageSize::DEFAULT));
        for refused in ["0", "100", "-1", "many", "", " 5", "4294967296"] {
            assert_eq!(
                refused.parse::<PageSize>(),
                Err(PageSizeError),
                "{refused:?}"
            );
        }
        assert_eq!(PageSize::new(0), None);
        assert_eq!(PageSize::new(100), None);
        assert_eq!(
            PageSizeError.to_string(),
            "a page holds 1 to 99 messages (the API's rule)"
        );
    }

    #[test]
    fn a_shorter_page_is_never_longer_than_the_page_size_nor_empty() {
        assert_eq!(size(10).at_most(3), size(3));
        assert_eq!(size(10).at_most(0), size(1));
        assert_eq!(size(10).at_most(u64::MAX), size(10));
    }
}
