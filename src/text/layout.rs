//! The conversation as a column of items, each laid out once per width.
//!
//! Items are the marker line at the top ("loading older…" or "beginning of
//! conversation") and the messages. A message's wrapped lines are cached by id
//! for the current width; the day separator and the session line above it
//! ("— 3 h 12 min later —") depend on its neighbour, so they are decided per
//! draw (one map lookup) rather than cached.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::TimeDelta;
use ratatui::text::Line;

use crate::attachment::{self, kind::ImageKind};
use crate::conversation::Conversation;
use crate::metrics::{self, DEFAULT_SESSION_GAP};
use crate::model::{Message, MessageId};
use crate::text::message_block;
use crate::timefmt::LocalZone;

/// Rows the marker item takes: its text and a blank line under it.
pub const MARKER_ROWS: usize = 2;

/// Most messages kept laid out. Far more than a screen shows; reading through
/// a 100 000-message history must not keep all of them laid out.
pub const MAX_CACHED_BLOCKS: usize = 4096;

/// One entry in the scrollable column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// The line above the oldest loaded message.
    Marker,
    Message(MessageId),
}

/// Wrapped lines of each message at one width.
#[derive(Debug)]
pub struct LayoutCache {
    width: u16,
    zone: LocalZone,
    /// How long without a message starts a new session.
    session_gap: TimeDelta,
    /// Rows kept under a picture attachment for its preview; 0: none.
    preview_rows: usize,
    blocks: HashMap<MessageId, Rc<[Line<'static>]>>,
}

impl LayoutCache {
    /// An empty cache laying out at `width` columns in time zone `zone`.
    pub fn new(width: u16, zone: LocalZone) -> Self {
        Self {
            width,
            zone,
            session_gap: DEFAULT_SESSION_GAP,
            preview_rows: 0,
            blocks: HashMap::new(),
        }
    }

    /// Keeps `rows` rows under each picture attachment for its preview (0:
    /// none); every cached block is dropped if that changed.
    pub fn set_preview_rows(&mut self, rows: usize) {
        if rows != self.preview_rows {
            self.preview_rows = rows;
            self.blocks.clear();
        }
    }

    /// The rows a message with a preview keeps for it, else 0.
    pub fn preview_rows(&self, message: &Message) -> usize {
        let picture = message.unreadable.is_none()
            && attachment::shown_name(message).is_some_and(|name| ImageKind::named(&name));
        if picture { self.preview_rows } else { 0 }
    }

    /// The width messages are laid out at.
    pub fn width(&self) -> u16 {
        self.width
    }

    /// The time zone timestamps are shown in.
    pub fn zone(&self) -> &LocalZone {
        &self.zone
    }

    /// How long without a message starts a new session.
    pub fn session_gap(&self) -> TimeDelta {
        self.session_gap
    }

    /// Sets how long without a message starts a new session.
    pub fn set_session_gap(&mut self, gap: TimeDelta) {
        self.session_gap = gap;
    }

    /// Changes the width; every cached block is dropped if it changed.
    pub fn set_width(&mut self, width: u16) {
        if width != self.width {
            self.width = width;
            self.blocks.clear();
        }
    }

    /// How many messages are laid out.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// True when nothing is laid out.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Forgets one message's layout (its content changed).
    pub fn forget(&mut self, id: MessageId) {
        self.blocks.remove(&id);
    }

    /// The message's wrapped lines at the current width.
    pub fn block(&mut self, message: &Message) -> Rc<[Line<'static>]> {
        if self.blocks.len() >= MAX_CACHED_BLOCKS && !self.blocks.contains_key(&message.id) {
            // Starting over is simpler than tracking use, and cheap: only what
            // is on screen gets laid out again.
            self.blocks.clear();
        }
        let (width, zone) = (self.width, self.zone);
        let rows = self.preview_rows(message);
        self.blocks
            .entry(message.id)
            .or_insert_with(|| {
                let mut lines = message_block::message_lines(message, width, &zone);
                message_block::keep_preview_rows(&mut lines, rows);
                lines.into()
            })
            .clone()
    }

    /// The day label to show above `message`, if it starts a new local day.
    pub fn day_break(&self, conversation: &Conversation, message: &Message) -> Option<String> {
        let created = message.created_at?;
        let day = self.zone.local_date(created);
        let previous_day = conversation
            .previous(message.id)
            .and_then(Message::placed_at)
            .map(|t| self.zone.local_date(t));
        (previous_day != Some(day)).then(|| self.zone.day_label(created))
    }

    /// The pause before `message` when it starts a new session: the
    /// session gap or more since the message before it (both dated), shown
    /// or not, as the figures count sessions whatever the filter.
    pub fn session_break(
        &self,
        conversation: &Conversation,
        message: &Message,
    ) -> Option<TimeDelta> {
        let created = message.created_at?;
        let previous = conversation.previous_loaded(message.id)?.created_at?;
        metrics::starts_session(previous, created, self.session_gap).then(|| created - previous)
    }

    /// The lines above `message`, `width` columns wide: its day separator,
    /// then its session line, each when it has one.
    pub fn headings(
        &self,
        conversation: &Conversation,
        message: &Message,
        width: u16,
    ) -> Vec<Line<'static>> {
        let day = self
            .day_break(conversation, message)
            .map(|label| message_block::day_separator(&label, width));
        let session = self
            .session_break(conversation, message)
            .map(|pause| message_block::session_line(pause, width));
        day.into_iter().chain(session).collect()
    }

    /// How many rows `item` takes.
    pub fn height(&mut self, conversation: &Conversation, item: Item) -> usize {
        match item {
            Item::Marker => MARKER_ROWS,
            Item::Message(id) => conversation.get(id).map_or(0, |message| {
                let day = usize::from(self.day_break(conversation, message).is_some());
                let session = usize::from(self.session_break(conversation, message).is_some());
                day + session + self.block(message).len()
            }),
        }
    }
}

/// The item after `item`, top to bottom.
pub fn next_item(conversation: &Conversation, item: Item) -> Option<Item> {
    match item {
        Item::Marker => conversation.first().map(|m| Item::Message(m.id)),
        Item::Message(id) => conversation.next(id).map(|m| Item::Message(m.id)),
    }
}

/// The item before `item`, bottom to top.
pub fn previous_item(conversation: &Conversation, item: Item) -> Option<Item> {
    match item {
        Item::Marker => None,
        Item::Message(id) => Some(
            conversation
                .previous(id)
                .map_or(Item::Marker, |m| Item::Message(m.id)),
        ),
    }
}

/// The last item of the column.
pub fn last_item(conversation: &Conversation) -> Item {
    conversation
        .last()
        .map_or(Item::Marker, |m| Item::Message(m.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    fn message(id: MessageId) -> Message {
        testing::message(id).body(format!("message {id}")).build()
    }

    #[test]
    fn the_cache_stays_bounded_however_many_messages_are_laid_out() {
        let mut cache = LayoutCache::new(40, LocalZone::utc());
        for id in 0..(MAX_CACHED_BLOCKS as u64 * 2 + 10) {
            let lines = cache.block(&message(id));
            assert!(!lines.is_empty());
            assert!(cache.len() <= MAX_CACHED_BLOCKS);
        }
    }

    #[test]
    fn a_picture_keeps_its_preview_rows_and_nothing_else_does() {
        let picture = testing::message(1)
            .body("here")
            .attachment("https://cdn.test/shot.png")
            .build();
        let document = testing::message(2)
            .body("here")
            .attachment("https://cdn.test/invoice.pdf")
            .build();
        let mut conversation = Conversation::new();
        conversation.insert(picture.clone());
        let mut cache = LayoutCache::new(40, LocalZone::utc());
        let plain_picture = cache.block(&picture).len();
        let plain_document = cache.block(&document).len();
        let plain_height = cache.height(&conversation, Item::Message(1));
        cache.set_preview_rows(6);
        assert!(cache.is_empty());
        assert_eq!(cache.preview_rows(&picture), 6);
        assert_eq!(cache.preview_rows(&document), 0);
        // The rows are counted exactly: the height the viewport scrolls by.
        assert_eq!(cache.block(&picture).len(), plain_picture + 6);
        assert_eq!(cache.block(&document).len(), plain_document);
        assert_eq!(
            cache.height(&conversation, Item::Message(1)),
            plain_height + 6
        );
        // Under the content, above the spacer, with the gutter running on.
        let block = cache.block(&picture);
        assert!(block[block.len() - 1].spans.is_empty());
        let kept = &block[block.len() - 2];
        assert_eq!(kept.spans.len(), 2);
        assert_eq!(
            message_block::margin_width(kept),
            message_block::margin_width(&block[0])
        );
    }

    #[test]
    fn a_new_width_lays_everything_out_again() {
        let mut cache = LayoutCache::new(40, LocalZone::utc());
        cache.block(&message(1));
        assert_eq!(cache.len(), 1);
        cache.set_width(40);
        assert_eq!(cache.len(), 1);
        cache.set_width(20);
        assert!(cache.is_empty());
    }
}
