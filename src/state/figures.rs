//! The conversation's figures for the `m` panel, over every loaded message
//! whatever the filter, computed once per state of the conversation: a
//! 100,000-message history costs one pass when the panel opens (or a page
//! arrives while it is open), not one a frame; closed, nothing is kept.

use std::cell::{Ref, RefCell};

use chrono::TimeDelta;

use super::{AppState, Overlay, Overlays};
use crate::conversation::Conversation;
use crate::metrics::ConversationFigures;

/// The last figures computed, and the conversation version they are of.
#[derive(Debug, Default)]
pub(super) struct FiguresCache(RefCell<Option<(u64, ConversationFigures)>>);

impl FiguresCache {
    /// The figures of `conversation` as it is now, computed only if it
    /// changed since the last call (or the gap did).
    pub(super) fn get(
        &self,
        conversation: &Conversation,
        gap: TimeDelta,
    ) -> Ref<'_, ConversationFigures> {
        let version = conversation.version();
        let fresh = self
            .0
            .borrow()
            .as_ref()
            .is_some_and(|(of, figures)| *of == version && figures.gap == gap);
        if !fresh {
            *self.0.borrow_mut() =
                Some((version, ConversationFigures::of(conversation.iter(), gap)));
        }
        Ref::map(self.0.borrow(), |cached| {
            &cached.as_ref().expect("filled above").1
        })
    }
}

impl FiguresCache {
    /// Drops the figures once no panel shows them: the next `m` computes
    /// them afresh, and a long history's sessions are not kept for nothing.
    pub(super) fn forget_unless_shown(&self, overlays: &Overlays) {
        if !overlays
            .iter()
            .any(|o| matches!(o, Overlay::Figures { .. }))
        {
            self.0.borrow_mut().take();
        }
    }
}

impl AppState {
    /// The figures of every loaded message, for the `m` panel.
    pub fn conversation_figures(&self) -> Ref<'_, ConversationFigures> {
        self.figures
            .get(&self.conversation, self.viewport.session_gap())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::timed;

    #[test]
    fn the_figures_are_computed_again_only_when_the_conversation_changes() {
        let cache = FiguresCache::default();
        let mut conversation = Conversation::new();
        conversation.insert(timed(1, 0, true, "hello?"));
        let gap = TimeDelta::minutes(30);
        assert_eq!(cache.get(&conversation, gap).figures.unanswered, 1);
        let version = conversation.version();
        assert_eq!(cache.0.borrow().as_ref().map(|(v, _)| *v), Some(version));
        conversation.insert(timed(2, 4, false, "hi!"));
        let now = cache.get(&conversation, gap);
        assert_eq!(now.figures.unanswered, 0);
        assert_eq!(now.figures.first_response_s, Some(240));
        drop(now);
        assert_eq!(
            cache
                .get(&conversation, TimeDelta::minutes(2))
                .sessions
                .len(),
            2,
            "a new gap splits again"
        );
    }
}
