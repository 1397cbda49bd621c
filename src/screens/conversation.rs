//! A conversation as a screen: its state, the fetch channel that serves it,
//! and the way back to the visitor list.

use std::time::Instant;

use ratatui::Frame;

use super::{Channel, Screen};
use crate::action::Action;
use crate::clock::Now;
use crate::effect::{Effect, Exit, Failure, Input};
use crate::fetch::FetchRequest;
use crate::state::AppState;
use crate::ui;
use crate::ui::color::Colors;

/// An open conversation and the channel that serves it.
#[derive(Debug)]
pub struct ConversationScreen {
    pub state: AppState,
    pub(crate) channel: Channel<FetchRequest>,
    /// Opened from the picker: one that cannot be shown goes back to it.
    from_picker: bool,
    /// Whether there is a list to go back to (a test's app made of a state
    /// and channels has none): the key for it goes to the state otherwise.
    list: bool,
}

impl ConversationScreen {
    /// `state`'s conversation served by `channel`; `from_picker` when the
    /// reader opened it from the list, `list` when the app can show one.
    pub fn new(
        state: AppState,
        channel: Channel<FetchRequest>,
        from_picker: bool,
        list: bool,
    ) -> Self {
        Self {
            state,
            channel,
            from_picker,
            list,
        }
    }

    /// A conversation opened from the picker that cannot be shown (an
    /// unknown visitor, say) goes back to the picker with the reason,
    /// instead of ending the program.
    fn leave_if_failed(&self, mut effects: Vec<Effect>) -> Vec<Effect> {
        if self.from_picker
            && let Some(Exit::Fatal(reason)) = self.state.exit()
        {
            let notice = format!("visitor {}: {reason}", self.state.user_id());
            effects.push(Effect::BackToList(Some(notice)));
        }
        effects
    }
}

impl Screen for ConversationScreen {
    type Request = FetchRequest;

    fn start(&mut self) -> Vec<Effect> {
        self.state.start()
    }

    fn handle(&mut self, input: Input, now: Now) -> Vec<Effect> {
        if self.list && is_back_to_list(&self.state, &input) {
            return vec![Effect::BackToList(None)];
        }
        let effects = self.state.handle_at(input, now);
        self.leave_if_failed(effects)
    }

    fn failed(&mut self, failure: Failure) -> Vec<Effect> {
        let effects = self.state.handle(Input::Failed(failure));
        self.leave_if_failed(effects)
    }

    fn next_deadline(&self, _now: Instant) -> Option<Instant> {
        self.state.next_deadline()
    }

    fn take_dirty(&mut self) -> bool {
        self.state.take_dirty()
    }

    fn draw(&self, frame: &mut Frame, colors: Colors) {
        ui::draw_with(frame, &self.state, colors);
    }

    fn exit(&self) -> Option<Exit> {
        self.state.exit().cloned()
    }

    fn channel(&self) -> &Channel<FetchRequest> {
        &self.channel
    }
}

/// Whether `input` asks to go back to the list: the key bound to it, while
/// no overlay or prompt would take the key itself.
fn is_back_to_list(state: &AppState, input: &Input) -> bool {
    let Input::Key(key) = input else {
        return false;
    };
    state.overlays().iter().next().is_none() && Action::from_key(*key) == Some(Action::BackToList)
}
