//! How many requests may be in flight: halved when the server says slow
//! down (HTTP 429), grown back by one after a run of answers that came
//! without one, never above the reader's setting.

/// Answers in a row without a 429 after which one more request may run.
pub const GROW_AFTER: u32 = 8;

/// The current limit on requests in flight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttle {
    limit: usize,
    ceiling: usize,
    successes: u32,
}

impl Throttle {
    /// Starts at `ceiling` (at least one).
    pub fn new(ceiling: usize) -> Self {
        let ceiling = ceiling.max(1);
        Self {
            limit: ceiling,
            ceiling,
            successes: 0,
        }
    }

    /// Requests that may be in flight now.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The server said slow down: half as many, at least one.
    pub fn slow_down(&mut self) {
        self.limit = (self.limit / 2).max(1);
        self.successes = 0;
    }

    /// An answer came: after [`GROW_AFTER`] of them, one more request may run.
    pub fn answered(&mut self) {
        self.successes = self.successes.saturating_add(1);
        if self.successes >= GROW_AFTER && self.limit < self.ceiling {
            self.limit += 1;
            self.successes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_on_slow_down_and_grows_back_one_at_a_time() {
        let mut throttle = Throttle::new(8);
        throttle.slow_down();
        assert_eq!(throttle.limit(), 4);
        throttle.slow_down();
        throttle.slow_down();
        throttle.slow_down();
        assert_eq!(throttle.limit(), 1, "never below one");
        for _ in 0..GROW_AFTER - 1 {
            throttle.answered();
        }
        assert_eq!(throttle.limit(), 1);
        throttle.answered();
        assert_eq!(throttle.limit(), 2);
        for _ in 0..100 * GROW_AFTER {
            throttle.answered();
        }
        assert_eq!(throttle.limit(), 8, "never above the setting");
    }
}
