//! How far a box of text that may not fit is scrolled: the help, the error
//! in full and the profile over the conversation each keep one. The box's
//! extent comes from the text layer; this only moves within it.

use crate::action::Action;

/// How far a box of text that may not fit is scrolled, and how far it can be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scroll {
    offset: usize,
    /// The largest offset: rows of text less rows of box.
    max: usize,
    /// Rows the box shows, for page keys.
    page: usize,
}

impl Scroll {
    /// Rows of text scrolled off the top of the box.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Takes the box's new extent: `rows` of text in a box of `page` rows.
    pub(super) fn fit(&mut self, rows: usize, page: usize) {
        self.page = page;
        self.max = rows.saturating_sub(page);
        self.offset = self.offset.min(self.max);
    }

    /// Moves for a scrolling action; false if `action` does not scroll.
    pub(super) fn take(&mut self, action: Action) -> bool {
        let page = self.page.saturating_sub(1).max(1);
        let (rows, down) = match action {
            Action::SelectNext => (1, true),
            Action::SelectPrevious => (1, false),
            Action::ScrollDown(rows) => (rows, true),
            Action::ScrollUp(rows) => (rows, false),
            Action::PageDown => (page, true),
            Action::PageUp => (page, false),
            Action::HalfPageDown => ((page / 2).max(1), true),
            Action::HalfPageUp => ((page / 2).max(1), false),
            Action::Newest => (self.max, true),
            Action::Oldest => (self.max, false),
            _ => return false,
        };
        self.offset = if down {
            self.offset.saturating_add(rows).min(self.max)
        } else {
            self.offset.saturating_sub(rows)
        };
        true
    }

    /// Scrolls the least needed to show rows `first` to `end` (one past the
    /// last), the first of them if they do not all fit.
    pub(super) fn show(&mut self, first: usize, end: usize) {
        if end > self.offset + self.page {
            self.offset = end.saturating_sub(self.page);
        }
        if first < self.offset {
            self.offset = first;
        }
        self.offset = self.offset.min(self.max);
    }
}
