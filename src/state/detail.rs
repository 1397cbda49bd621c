//! The detail overlay's state: which message it shows, how far it is
//! scrolled, and where its JSON is. How many lines there are depends on the
//! width, which the view knows; the state is told the number
//! ([`Detail::fit`]) and keeps the scroll within it, so a key past the end
//! is not a key to undo.
//!
//! A message the archive holds keeps no JSON in memory: the detail asks the
//! store for it and shows "reading…" until it comes.

use std::sync::Arc;

use crate::action::Action;
use crate::archive::ArchiveError;
use crate::model::{Message, MessageId};
use crate::text::detail::Json;

/// The detail overlay of one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    id: MessageId,
    scroll: usize,
    /// Lines the content has below the first screenful.
    max_scroll: usize,
    /// Lines the overlay shows at once.
    rows: usize,
    /// The JSON read for a message that holds none.
    read: ReadJson,
}

/// The JSON of a message that holds none, as far as it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ReadJson {
    /// Asked of the store, not answered yet.
    Reading,
    Done(Arc<str>),
    /// Why it cannot be shown.
    Unavailable(String),
}

impl Detail {
    /// The detail of message `id`, scrolled to its top. Its JSON, when the
    /// message holds none, is being read.
    pub(super) fn new(id: MessageId) -> Self {
        Self {
            id,
            scroll: 0,
            max_scroll: 0,
            rows: 1,
            read: ReadJson::Reading,
        }
    }

    /// The message shown.
    pub fn id(&self) -> MessageId {
        self.id
    }

    /// The JSON of `message` (the one shown) as the detail has it: its
    /// own, or what was read for it.
    pub fn json<'a>(&'a self, message: &'a Message) -> Json<'a> {
        match (&message.raw_json, &self.read) {
            (Some(json), _) => Json::Text(json),
            (None, ReadJson::Done(json)) => Json::Text(json),
            (None, ReadJson::Reading) => Json::Reading,
            (None, ReadJson::Unavailable(reason)) => Json::Unavailable(reason),
        }
    }

    /// True while its JSON is being read.
    pub(super) fn reading(&self) -> bool {
        self.read == ReadJson::Reading
    }

    /// The store's answer for the message's JSON.
    pub(super) fn json_read(&mut self, result: Result<Option<Arc<str>>, ArchiveError>) {
        self.read = match result {
            Ok(Some(json)) => ReadJson::Done(json),
            Ok(None) => {
                ReadJson::Unavailable("the archive no longer holds this message".to_owned())
            }
            Err(error) => ReadJson::Unavailable(format!("the archive cannot be read: {error}")),
        };
    }

    /// Its JSON cannot be read, for `reason`.
    pub(super) fn json_unavailable(&mut self, reason: &str) {
        self.read = ReadJson::Unavailable(reason.to_owned());
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
