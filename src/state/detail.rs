//! The detail overlay's state: which message it shows and how far it is
//! scrolled. How many lines there are depends on the width, which the view
//! knows; the state is told the number ([`Detail::fit`]) and keeps the
//! scroll within it, so a key past the end is not a key to undo.

use crate::action::Action;
use crate::model::MessageId;

/// The detail overlay of one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    id: MessageId,
    scroll: usize,
    /// Lines the content has below the first screenful.
    max_scroll: usize,
    /// Lines the overlay shows at once.
    rows: usize,
}

impl Detail {
    /// The detail of message `id`, scrolled to its top.
    pub(super) fn new(id: MessageId) -> Self {
        Self {
            id,
            scroll: 0,
            max_scroll: 0,
            rows: 1,
        }
    }

    /// The message shown.
    pub fn id(&self) -> MessageId {
        self.id
    }

    /// The first line shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The content is `lines` long and `rows` of it show at once.
    pub(super) fn fit(&mut self, lines: usize, rows: usize) {
        self.rows = rows.max(1);
        self.max_scroll = lines.saturating_sub(self.rows);
        self.scroll = self.scroll.min(self.max_scroll);
    }

    /// Scrolls for a movement key, the way the conversation would move;
    /// other actions change nothing.
    pub(super) fn scroll_for(&mut self, action: Action) {
        let page = self.rows.saturating_sub(1).max(1);
        let half = (self.rows / 2).max(1);
        let target = match action {
            Action::SelectNext => self.scroll + 1,
            Action::SelectPrevious => self.scroll.saturating_sub(1),
            Action::ScrollDown(rows) => self.scroll + rows,
            Action::ScrollUp(rows) => self.scroll.saturating_sub(rows),
            Action::PageDown => self.scroll + page,
            Action::PageUp => self.scroll.saturating_sub(page),
            Action::HalfPageDown => self.scroll + half,
            Action::HalfPageUp => self.scroll.saturating_sub(half),
            Action::Oldest => 0,
            Action::Newest => self.max_scroll,
            _ => return,
        };
        self.scroll = target.min(self.max_scroll);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_stops_at_both_ends() {
        let mut detail = Detail::new(7);
        detail.fit(30, 10);
        detail.scroll_for(Action::SelectPrevious);
        assert_eq!(detail.scroll(), 0);
        detail.scroll_for(Action::PageDown);
        assert_eq!(detail.scroll(), 9);
        for _ in 0..50 {
            detail.scroll_for(Action::SelectNext);
        }
        assert_eq!(detail.scroll(), 20, "the last line sits on the last row");
        detail.scroll_for(Action::SelectPrevious);
        assert_eq!(detail.scroll(), 19, "one key back is one line back");
        detail.scroll_for(Action::Oldest);
        assert_eq!(detail.scroll(), 0);
        detail.scroll_for(Action::Newest);
        assert_eq!(detail.scroll(), 20);
        // A taller window shows more at once: less to scroll.
        detail.fit(30, 25);
        assert_eq!(detail.scroll(), 5);
        detail.scroll_for(Action::CopyText);
        assert_eq!(detail.scroll(), 5);
    }
}
