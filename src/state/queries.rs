//! What the view and the tests read of the app state: plain queries, no changes.

use std::path::Path;

use super::{
    AppState, Exit, Follow, LoadState, Notices, Overlay, Overlays, Position, Status, Viewport,
    VisitorInfo,
};
use crate::conversation::Conversation;
use crate::model::MessageId;
use crate::text::layout::Item;

/// What the view and the tests read.
impl AppState {
    /// The visitor whose conversation this is.
    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    /// The visitor's user object, if it was asked for.
    pub fn visitor(&self) -> &VisitorInfo {
        &self.visitor
    }

    /// The loaded messages.
    pub fn conversation(&self) -> &Conversation {
        &self.conversation
    }

    /// How many messages the server says there are, once known: the
    /// latest count, whether a page or a look for new messages brought it.
    pub fn total(&self) -> Option<u64> {
        match (self.history.total(), self.follow.last_total()) {
            (Some(paged), Some(polled)) => Some(paged.max(polled)),
            (paged, polled) => paged.or(polled),
        }
    }

    /// Where older pages stand.
    pub fn load_state(&self) -> &LoadState {
        self.history.load_state()
    }

    /// True once the oldest message is loaded.
    pub fn reached_beginning(&self) -> bool {
        self.history.reached_beginning()
    }

    /// The scroll position, selection and layout of the conversation view.
    pub fn viewport(&self) -> &Viewport {
        &self.viewport
    }

    /// The selected message.
    pub fn selected(&self) -> Option<MessageId> {
        self.viewport.selected()
    }

    /// The first item on screen and the rows of it scrolled off the top.
    pub fn scroll_position(&self) -> (Item, usize) {
        self.viewport.scroll_position()
    }

    /// The messages on screen, top to bottom, each with whether all of it shows.
    pub fn visible_messages(&self) -> Vec<(MessageId, bool)> {
        self.viewport.visible_messages(&self.conversation)
    }

    /// What is drawn over the conversation.
    pub fn overlays(&self) -> &Overlays {
        &self.overlays
    }

    /// True while the profile panel is shown in its own column beside the conversation.
    pub fn profile_beside(&self) -> bool {
        self.overlays
            .iter()
            .any(|o| matches!(o, Overlay::Profile { beside: true, .. }))
    }

    /// The width of the side panel shown beside the conversation, if one is.
    pub fn side_panel(&self) -> Option<u16> {
        self.overlays.iter().find_map(Overlay::side_panel)
    }

    /// True while the help overlay is shown.
    pub fn help_visible(&self) -> bool {
        self.overlays.iter().any(|o| matches!(o, Overlay::Help(_)))
    }

    /// The status-bar message most worth reading: the passing notice, else the error.
    pub fn status(&self) -> Option<&Status> {
        self.notices.info().or(self.notices.error())
    }

    /// The passing notice and the error the status bar shows.
    pub fn notices(&self) -> &Notices {
        &self.notices
    }

    /// Following live: whether it is on, when it last checked, what arrived unseen.
    pub fn follow(&self) -> &Follow {
        &self.follow
    }

    /// Where diagnostics are written, if anywhere.
    pub fn log_file(&self) -> Option<&Path> {
        self.log_file.as_deref()
    }

    /// Where the selected message stands: counted from the oldest message on
    /// the server when the loaded messages make that certain (every older one
    /// is loaded and no claimed arrival is still on its way, or every newer
    /// one and the total is steady), else among the loaded ones.
    /// Through a filter it is counted among the loaded messages it keeps.
    pub fn position(&self) -> Option<Position> {
        let (before, after) = self.conversation.rank(self.selected()?)?;
        if self.conversation.filter().is_active() {
            return Some(Position::InLoaded {
                number: before + 1,
                loaded: self.conversation.shown_len(),
            });
        }
        let loaded = self.conversation.len();
        // Once the server counted fewer messages than were known, some
        // loaded ones are gone from it: its count places nothing.
        let total = self.total().filter(|_| !self.follow.shrank());
        Some(match total {
            Some(total) if self.history.older_end_complete() => Position::InHistory {
                number: before as u64 + 1,
                total: total.max(loaded as u64),
            },
            Some(total) if self.history.newer_end_complete() && total >= loaded as u64 => {
                Position::InHistory {
                    number: total - after as u64,
                    total,
                }
            }
            _ => Position::InLoaded {
                number: before + 1,
                loaded,
            },
        })
    }

    /// True while a fresh attachment link is being fetched.
    pub fn fetching_link(&self) -> bool {
        self.links.fetching()
    }

    /// What the status bar says of the attachment being saved, if one is.
    pub fn saving(&self) -> Option<String> {
        self.saves.activity()
    }

    /// True when no answer is awaited: no page, no link, no save and no
    /// poll in flight.
    pub fn is_quiet(&self) -> bool {
        self.history.in_flight() == 0
            && self.visitor != VisitorInfo::Loading
            && !self.fetching_link()
            && !self.saves.busy()
            && !self.follow.polling()
    }

    /// Why the app should stop, once it should.
    pub fn exit(&self) -> Option<&Exit> {
        self.exit.as_ref()
    }
}
