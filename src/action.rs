//! What the reader asked for: terminal input turned into plain values that
//! the state can take without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

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
    OpenAttachment,
    CopyLink,
    Retry,
    ToggleHelp,
    /// Closes an overlay; does nothing otherwise.
    Close,
    Quit,
}

/// Every key, as the help overlay lists it.
pub const KEY_BINDINGS: &[(&str, &str)] = &[
    ("j  ↓", "next message"),
    ("k  ↑", "previous message"),
    ("PgDn  Space  Ctrl-f", "page down"),
    ("PgUp  Ctrl-b", "page up"),
    ("Ctrl-d / Ctrl-u", "half a page down / up"),
    ("mouse wheel", "scroll"),
    ("g  Home", "oldest message (loads all)"),
    ("G  End", "newest message"),
    ("o  Enter", "open the attachment"),
    ("y", "copy the attachment link"),
    ("r", "retry a failed load"),
    ("?", "show / hide this help"),
    ("Esc", "close this help"),
    ("q  Ctrl-c", "quit"),
];

impl Action {
    /// The action a key press stands for, if any.
    pub fn from_key(key: KeyEvent) -> Option<Action> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let action = match key.code {
            KeyCode::Char('c') if ctrl => Action::Quit,
            KeyCode::Char('d') if ctrl => Action::HalfPageDown,
            KeyCode::Char('u') if ctrl => Action::HalfPageUp,
            KeyCode::Char('f') if ctrl => Action::PageDown,
            KeyCode::Char('b') if ctrl => Action::PageUp,
            _ if ctrl => return None,
            KeyCode::Char('j') | KeyCode::Down => Action::SelectNext,
            KeyCode::Char('k') | KeyCode::Up => Action::SelectPrevious,
            KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
            KeyCode::PageUp => Action::PageUp,
            KeyCode::Char('g') | KeyCode::Home => Action::Oldest,
            KeyCode::Char('G') | KeyCode::End => Action::Newest,
            KeyCode::Char('o') | KeyCode::Enter => Action::OpenAttachment,
            KeyCode::Char('y') => Action::CopyLink,
            KeyCode::Char('r') => Action::Retry,
            KeyCode::Char('?') => Action::ToggleHelp,
            KeyCode::Esc => Action::Close,
            KeyCode::Char('q') => Action::Quit,
            _ => return None,
        };
        Some(action)
    }

    /// The action a mouse event stands for, if any.
    pub fn from_mouse(mouse: MouseEvent) -> Option<Action> {
        match mouse.kind {
            MouseEventKind::ScrollDown => Some(Action::ScrollDown(WHEEL_ROWS)),
            MouseEventKind::ScrollUp => Some(Action::ScrollUp(WHEEL_ROWS)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_key_the_help_lists_is_bound() {
        let listed: String = KEY_BINDINGS.iter().map(|(keys, _)| *keys).collect();
        assert!(listed.contains("Space"));
        assert_eq!(
            key(KeyCode::Char(' '), KeyModifiers::NONE),
            Some(Action::PageDown)
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
