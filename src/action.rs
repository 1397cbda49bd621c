//! What the reader asked for: terminal input turned into plain values that
//! the state can take without a terminal.

use crossterm::event::{KeyEvent, MouseEvent};

use crate::keymap;

/// Rows one mouse-wheel notch scrolls.
pub const WHEEL_ROWS: usize = 3;

/// One thing the reader asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SelectNext,
    SelectPrevious,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    /// Scrolls the view without moving past the selection's edge of the screen.
    ScrollDown(usize),
    ScrollUp(usize),
    /// Go to the very first message, loading every older page.
    Oldest,
    Newest,
    /// Opens the prompt that jumps to a date or a message id.
    Jump,
    /// Opens the prompt that searches the whole transcript.
    Search,
    /// The next match older than the selection.
    OlderMatch,
    /// The next match newer than the selection.
    NewerMatch,
    /// The first message of the previous day that has messages.
    PreviousDay,
    /// The first message of the next day that has messages.
    NextDay,
    OpenAttachment,
    CopyLink,
    /// Sends the selected message's text to the clipboard.
    CopyText,
    /// Shows every field of the selected message, and its JSON.
    ShowDetail,
    Retry,
    /// Starts or stops following the conversation live.
    ToggleFollow,
    /// Shows or hides who the visitor is.
    ToggleProfile,
    /// Paints the whole screen again, whatever the terminal shows now.
    Redraw,
    /// Hands the terminal back to the shell until `fg`.
    Suspend,
    ToggleHelp,
    /// Shows the last error in full.
    ShowError,
    /// Closes an overlay; without one, dismisses the error.
    Close,
    /// Back to the visitor list, in a conversation opened from it.
    BackToList,
    Quit,
}

impl Action {
    /// The action a key press stands for, if any (see [`crate::keymap`]).
    pub fn from_key(key: KeyEvent) -> Option<Action> {
        keymap::action_for_key(key)
    }

    /// The action a mouse event stands for, if any.
    pub fn from_mouse(mouse: MouseEvent) -> Option<Action> {
        keymap::action_for_mouse(mouse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers, MouseEventKind};

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
        Action::from_key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn vim_and_arrow_keys_move_the_selection() {
        assert_eq!(
            key(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Action::SelectNext)
        );
        assert_eq!(
            key(KeyCode::Down, KeyModifiers::NONE),
            Some(Action::SelectNext)
        );
        assert_eq!(
            key(KeyCode::Char('k'), KeyModifiers::NONE),
            Some(Action::SelectPrevious)
        );
        assert_eq!(
            key(KeyCode::Up, KeyModifiers::NONE),
            Some(Action::SelectPrevious)
        );
    }

    #[test]
    fn control_keys_are_not_mistaken_for_letters() {
        assert_eq!(
            key(KeyCode::Char('d'), KeyModifiers::CONTROL),
            Some(Action::HalfPageDown)
        );
        assert_eq!(
            key(KeyCode::Char('u'), KeyModifiers::CONTROL),
            Some(Action::HalfPageUp)
        );
        assert_eq!(
            key(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(key(KeyCode::Char('g'), KeyModifiers::CONTROL), None);
        assert_eq!(
            key(KeyCode::Char('l'), KeyModifiers::CONTROL),
            Some(Action::Redraw)
        );
    }

    #[test]
    fn the_mouse_wheel_scrolls_and_clicks_do_nothing() {
        use crossterm::event::MouseButton;
        let mouse = |kind| MouseEvent {
            kind,
            column: 3,
            row: 4,
            modifiers: KeyModifiers::NONE,
        };
        assert_eq!(
            Action::from_mouse(mouse(MouseEventKind::ScrollDown)),
            Some(Action::ScrollDown(WHEEL_ROWS))
        );
        assert_eq!(
            Action::from_mouse(mouse(MouseEventKind::ScrollUp)),
            Some(Action::ScrollUp(WHEEL_ROWS))
        );
        assert_eq!(
            Action::from_mouse(mouse(MouseEventKind::Down(MouseButton::Left))),
            None
        );
    }

    #[test]
    fn capital_g_goes_to_the_newest_and_small_g_to_the_oldest() {
        assert_eq!(
            key(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Newest)
        );
        assert_eq!(
            key(KeyCode::Char('g'), KeyModifiers::NONE),
            Some(Action::Oldest)
        );
        assert_eq!(key(KeyCode::Home, KeyModifiers::NONE), Some(Action::Oldest));
        assert_eq!(key(KeyCode::End, KeyModifiers::NONE), Some(Action::Newest));
    }
}
