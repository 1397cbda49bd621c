//! What is drawn over the conversation and takes the reader's actions first:
//! a stack, the top overlay last. Each overlay says what it does with an
//! action; what it passes on reaches the conversation below.

use crate::action::Action;

/// One overlay. An overlay with state of its own (a prompt's text, say)
/// keeps it in its variant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// Every key and what it does.
    Help,
}

/// What an overlay does with an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Response {
    /// Taken (or swallowed): nothing below sees it.
    Consumed,
    /// Taken, and the overlay closes.
    Close,
    /// Not for the overlay: the conversation below handles it.
    Pass,
}

impl Overlay {
    fn respond(&mut self, action: Action) -> Response {
        match self {
            Overlay::Help => match action {
                Action::ToggleHelp | Action::Close => Response::Close,
                Action::Quit | Action::Redraw => Response::Pass,
                _ => Response::Consumed,
            },
        }
    }
}

/// The overlays shown, bottom first.
#[derive(Debug, Default)]
pub struct Overlays(Vec<Overlay>);

impl Overlays {
    /// The overlays shown, bottom first (the order to draw them in).
    pub fn iter(&self) -> impl Iterator<Item = &Overlay> {
        self.0.iter()
    }

    /// True if `overlay` is shown.
    pub fn contains(&self, overlay: &Overlay) -> bool {
        self.0.contains(overlay)
    }

    /// Shows `overlay` on top of the others.
    pub(super) fn open(&mut self, overlay: Overlay) {
        self.0.push(overlay);
    }

    /// Offers `action` to the top overlay. Returns the action if it passed
    /// it on (or no overlay is shown), for the conversation to handle.
    pub(super) fn offer(&mut self, action: Action) -> Option<Action> {
        let Some(top) = self.0.last_mut() else {
            return Some(action);
        };
        match top.respond(action) {
            Response::Consumed => None,
            Response::Close => {
                self.0.pop();
                None
            }
            Response::Pass => Some(action),
        }
    }
}
