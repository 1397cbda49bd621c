//! How many requests may be in flight at once: the reader's choice (flag or
//! config file), bounded, for `g`, an export, a sync and the visitor list.

use std::fmt;
use std::str::FromStr;

/// Requests at once, 1 to [`Concurrency::MAX`]; checked when a value is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Concurrency(u8);

impl Concurrency {
    /// One request after another.
    pub const MIN: Concurrency = Concurrency(1);
    /// Most requests the reader may allow at once.
    pub const MAX: Concurrency = Concurrency(16);
    /// Requests at once unless told otherwise: what browsers open per host.
    pub const DEFAULT: Concurrency = Concurrency(6);

    /// `count` requests at once, if within the bounds.
    pub const fn new(count: u64) -> Option<Concurrency> {
        if count >= Self::MIN.0 as u64 && count <= Self::MAX.0 as u64 {
            Some(Concurrency(count as u8))
        } else {
            None
        }
    }

    /// The number of requests.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Concurrency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a text is not a concurrency.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a whole number from {min} to {max}", min = Concurrency::MIN, max = Concurrency::MAX)]
pub struct ConcurrencyError;

impl FromStr for Concurrency {
    type Err = ConcurrencyError;

    /// Digits only: no sign, no spaces.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(ConcurrencyError);
        }
        text.parse()
            .ok()
            .and_then(Concurrency::new)
            .ok_or(ConcurrencyError)
    }
}

impl From<Concurrency> for u8 {
    fn from(count: Concurrency) -> u8 {
        count.0
    }
}

impl From<Concurrency> for usize {
    fn from(count: Concurrency) -> usize {
        usize::from(count.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concurrency_is_one_to_sixteen_written_in_digits() {
        assert_eq!("1".parse(), Ok(Concurrency::MIN));
        assert_eq!("16".parse(), Ok(Concurrency::MAX));
        assert_eq!("06".parse(), Ok(Concurrency::DEFAULT));
        for refused in [
            "0",
            "17",
            "-1",
            "+3",
            " 3",
            "",
            "many",
            "18446744073709551616",
        ] {
            assert_eq!(
                refused.parse::<Concurrency>(),
                Err(ConcurrencyError),
                "{refused:?}"
            );
        }
        assert_eq!(Concurrency::new(0), None);
        assert_eq!(Concurrency::new(300), None);
        assert_eq!(Concurrency::DEFAULT.to_string(), "6");
        assert_eq!(usize::from(Concurrency::MAX), 16);
        assert_eq!(ConcurrencyError.to_string(), "a whole number from 1 to 16");
    }
}
