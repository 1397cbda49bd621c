//! Every key and what it does, in one table: the key map reads it to turn
//! input into actions, and the help overlay lists it row by row, so a key
//! cannot be bound without being listed, nor listed without being bound.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use crate::action::{Action, PickerAction, WHEEL_ROWS};

/// Something the reader does that may stand for an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A key pressed without Ctrl (Shift and Alt are not told apart).
    Key(KeyCode),
    /// A letter pressed with Ctrl.
    Ctrl(char),
    WheelDown,
    WheelUp,
}

impl Trigger {
    /// The trigger's name as the help shows it.
    pub fn name(self) -> String {
        match self {
            Key(KeyCode::Char(' ')) => "Space".to_owned(),
            Key(KeyCode::Char(c)) => c.to_string(),
            Key(KeyCode::Down) => "↓".to_owned(),
            Key(KeyCode::Up) => "↑".to_owned(),
            Key(KeyCode::PageDown) => "PgDn".to_owned(),
            Key(KeyCode::PageUp) => "PgUp".to_owned(),
            // Spelled out: crossterm calls Enter "Return" on macOS.
            Key(KeyCode::Enter) => "Enter".to_owned(),
            Key(KeyCode::Esc) => "Esc".to_owned(),
            Key(KeyCode::Home) => "Home".to_owned(),
            Key(KeyCode::End) => "End".to_owned(),
            Key(code) => code.to_string(),
            Ctrl(c) => format!("Ctrl-{c}"),
            // One name for both: the help lists "mouse wheel" once.
            Trigger::WheelDown | Trigger::WheelUp => "mouse wheel".to_owned(),
        }
    }
}

/// One line of the help: the triggers it lists, each with its action, and
/// what they do.
#[derive(Debug)]
pub struct HelpRow {
    pub bindings: &'static [(Trigger, Action)],
    pub what: &'static str,
}

impl HelpRow {
    /// The keys column: the triggers' names in order, each name once; a
    /// change of action is marked with " / " ("Ctrl-d / Ctrl-u").
    pub fn keys(&self) -> String {
        let mut keys = String::new();
        let mut shown: Vec<String> = Vec::new();
        let mut previous: Option<Action> = None;
        for (trigger, action) in self.bindings {
            let name = trigger.name();
            if shown.contains(&name) {
                continue;
            }
            if let Some(previous) = previous {
                keys.push_str(if previous == *action { "  " } else { " / " });
            }
            keys.push_str(&name);
            shown.push(name);
            previous = Some(*action);
        }
        keys
    }
}

use Action as A;
use KeyCode as K;
use Trigger::{Ctrl, Key};

/// The key map, in the order the help lists it.
pub const KEY_MAP: &[HelpRow] = &[
    HelpRow {
        bindings: &[
            (Key(K::Char('j')), A::SelectNext),
            (Key(K::Down), A::SelectNext),
        ],
        what: "next message",
    },
    HelpRow {
        bindings: &[
            (Key(K::Char('k')), A::SelectPrevious),
            (Key(K::Up), A::SelectPrevious),
        ],
        what: "previous message",
    },
    HelpRow {
        bindings: &[
            (Key(K::PageDown), A::PageDown),
            (Key(K::Char(' ')), A::PageDown),
            (Ctrl('f'), A::PageDown),
        ],
        what: "page down",
    },
    HelpRow {
        bindings: &[(Key(K::PageUp), A::PageUp), (Ctrl('b'), A::PageUp)],
        what: "page up",
    },
    HelpRow {
        bindings: &[(Ctrl('d'), A::HalfPageDown), (Ctrl('u'), A::HalfPageUp)],
        what: "half a page down / up",
    },
    HelpRow {
        bindings: &[
            (Trigger::WheelDown, A::ScrollDown(WHEEL_ROWS)),
            (Trigger::WheelUp, A::ScrollUp(WHEEL_ROWS)),
        ],
        what: "scroll",
    },
    HelpRow {
        bindings: &[(Key(K::Char('g')), A::Oldest), (Key(K::Home), A::Oldest)],
        what: "oldest message (loads all)",
    },
    HelpRow {
        bindings: &[(Key(K::Char('G')), A::Newest), (Key(K::End), A::Newest)],
        what: "newest message",
    },
    HelpRow {
        bindings: &[(Key(K::Char(':')), A::Jump)],
        what: "jump to a date or #id",
    },
    HelpRow {
        bindings: &[(Key(K::Char('/')), A::Search)],
        what: "search every message",
    },
    HelpRow {
        bindings: &[
            (Key(K::Char('n')), A::OlderMatch),
            (Key(K::Char('N')), A::NewerMatch),
        ],
        what: "next older / newer match",
    },
    HelpRow {
        bindings: &[
            (Key(K::Char('[')), A::PreviousDay),
            (Key(K::Char(']')), A::NextDay),
        ],
        what: "previous / next day",
    },
    HelpRow {
        bindings: &[
            (Key(K::Char('o')), A::OpenAttachment),
            (Key(K::Enter), A::OpenAttachment),
        ],
        what: "open the attachment",
    },
    HelpRow {
        bindings: &[(Key(K::Char('y')), A::CopyLink)],
        what: "copy the attachment link",
    },
    HelpRow {
        bindings: &[(Key(K::Char('s')), A::SaveAttachment)],
        what: "save the attachment to a file",
    },
    HelpRow {
        bindings: &[(Key(K::Char('c')), A::CopyText)],
        what: "copy the text (details: the JSON)",
    },
    HelpRow {
        bindings: &[(Key(K::Char('i')), A::ShowDetail)],
        what: "details (a picture: larger)",
    },
    HelpRow {
        bindings: &[(Key(K::Char('r')), A::Retry)],
        what: "retry a failed load",
    },
    HelpRow {
        bindings: &[(Key(K::Char('R')), A::Reread)],
        what: "read this visitor again",
    },
    HelpRow {
        bindings: &[(Key(K::Char('p')), A::ToggleProfile)],
        what: "who the visitor is",
    },
    HelpRow {
        bindings: &[(Key(K::Char('m')), A::ToggleFigures)],
        what: "figures: waits, sessions",
    },
    HelpRow {
        bindings: &[(Key(K::Char('f')), A::ToggleFollow)],
        what: "follow new messages live",
    },
    HelpRow {
        bindings: &[(Key(K::Char('F')), A::ToggleFilter)],
        what: "filter the messages shown (menu)",
    },
    HelpRow {
        bindings: &[(Key(K::Char('!')), A::ShowError)],
        what: "the last error in full",
    },
    HelpRow {
        bindings: &[(Ctrl('l'), A::Redraw)],
        what: "redraw the screen",
    },
    HelpRow {
        bindings: &[(Ctrl('z'), A::Suspend)],
        what: "suspend (fg resumes)",
    },
    HelpRow {
        bindings: &[(Key(K::Char('?')), A::ToggleHelp)],
        what: "show / hide this help",
    },
    HelpRow {
        bindings: &[(Key(K::Esc), A::Close)],
        what: "close / cancel; dismiss the error",
    },
    HelpRow {
        bindings: &[(Key(K::Backspace), A::BackToList)],
        what: "back to the visitor list",
    },
    HelpRow {
        bindings: &[(Key(K::Char('q')), A::Quit), (Ctrl('c'), A::Quit)],
        what: "quit",
    },
];

/// One line of the picker's key list: its triggers, each with its action,
/// and what they do.
#[derive(Debug)]
pub struct PickerRow {
    pub bindings: &'static [(Trigger, PickerAction)],
    pub what: &'static str,
}

impl PickerRow {
    /// The keys column: the triggers' names, two spaces apart.
    pub fn keys(&self) -> String {
        self.bindings
            .iter()
            .map(|(trigger, _)| trigger.name())
            .collect::<Vec<_>>()
            .join("  ")
    }
}

use PickerAction as P;

/// The visitor picker's keys, in the order its help lists them. Any other
/// printable character is typed into the filter.
pub const PICKER_KEY_MAP: &[PickerRow] = &[
    PickerRow {
        bindings: &[(Key(K::Down), P::Next), (Ctrl('n'), P::Next)],
        what: "next visitor",
    },
    PickerRow {
        bindings: &[(Key(K::Up), P::Previous), (Ctrl('p'), P::Previous)],
        what: "previous visitor",
    },
    PickerRow {
        bindings: &[(Key(K::PageDown), P::PageDown), (Key(K::PageUp), P::PageUp)],
        what: "ten visitors down / up",
    },
    PickerRow {
        bindings: &[(Key(K::Enter), P::Open)],
        what: "open the conversation",
    },
    PickerRow {
        bindings: &[(Key(K::Backspace), P::Erase), (Ctrl('u'), P::ClearFilter)],
        what: "erase a character / the whole filter",
    },
    PickerRow {
        bindings: &[(Key(K::Esc), P::Escape)],
        what: "clear the filter; quit when empty (the message search: leave it)",
    },
    PickerRow {
        bindings: &[(Key(K::Tab), P::SwitchPrompt)],
        what: "find a visitor / search all messages (the archive's)",
    },
    PickerRow {
        bindings: &[(Key(K::Char('w')), P::OnlyWaiting)],
        what: "only visitors waiting for an answer, longest first (filter empty; w then a letter: a filter)",
    },
    PickerRow {
        bindings: &[(Ctrl('r'), P::Retry)],
        what: "retry a failed load",
    },
    PickerRow {
        // Not a character: characters are typed into the filter (`w` too,
        // once something is typed).
        bindings: &[(Key(K::F(1)), P::Help)],
        what: "these keys (any key closes them)",
    },
    PickerRow {
        bindings: &[(Ctrl('l'), P::Redraw)],
        what: "redraw the screen",
    },
    PickerRow {
        bindings: &[(Ctrl('z'), P::Suspend)],
        what: "suspend (fg resumes)",
    },
    PickerRow {
        bindings: &[(Ctrl('c'), P::Quit)],
        what: "quit",
    },
];

/// The keys as (keys, what they do), straight from the key table, for
/// `--help`, the manual page and the help overlays; the one place that
/// knows its shape.
pub fn key_rows() -> Vec<(String, String)> {
    KEY_MAP
        .iter()
        .map(|row| (row.keys(), row.what.to_owned()))
        .collect()
}

/// The visitor list's keys as (keys, what they do), from its key table.
pub fn picker_key_rows() -> Vec<(String, String)> {
    PICKER_KEY_MAP
        .iter()
        .map(|row| (row.keys(), row.what.to_owned()))
        .chain([
            (
                "s".to_owned(),
                "in the message search, after ↓ moved the keys to the hits: sync the visitors \
                 the archive lacks, in the background, then search again"
                    .to_owned(),
            ),
            (
                "other keys".to_owned(),
                "typed into the filter or the query (in the hits: back to the query)".to_owned(),
            ),
        ])
        .collect()
}

/// The picker's action for a key press: a bound key, else a printable
/// character (with or without Shift) for the filter.
pub fn picker_action_for_key(key: KeyEvent) -> Option<PickerAction> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let trigger = match key.code {
        KeyCode::Char(c) if ctrl => Ctrl(c),
        _ if ctrl => return None,
        code => Key(code),
    };
    let bound = PICKER_KEY_MAP
        .iter()
        .flat_map(|row| row.bindings.iter())
        .find_map(|(t, action)| (*t == trigger).then_some(*action));
    match (bound, key.code) {
        (Some(action), _) => Some(action),
        (None, KeyCode::Char(c)) if !key.modifiers.contains(KeyModifiers::ALT) => {
            Some(PickerAction::Type(c))
        }
        _ => None,
    }
}

/// Every binding of the table, in order.
pub fn bindings() -> impl Iterator<Item = (Trigger, Action)> {
    KEY_MAP.iter().flat_map(|row| row.bindings.iter().copied())
}

fn action_for(trigger: Trigger) -> Option<Action> {
    bindings().find_map(|(bound, action)| (bound == trigger).then_some(action))
}

/// The action a key press stands for, if the table binds it.
pub fn action_for_key(key: KeyEvent) -> Option<Action> {
    let trigger = match key.code {
        KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => Ctrl(c),
        _ if key.modifiers.contains(KeyModifiers::CONTROL) => return None,
        code => Key(code),
    };
    action_for(trigger)
}

/// The action a mouse event stands for, if the table binds it.
pub fn action_for_mouse(mouse: MouseEvent) -> Option<Action> {
    match mouse.kind {
        MouseEventKind::ScrollDown => action_for(Trigger::WheelDown),
        MouseEventKind::ScrollUp => action_for(Trigger::WheelUp),
        _ => None,
    }
}

// The actions are plain values (`crate::action`); the keys that stand for
// them are this module's.
impl Action {
    /// The action a key press stands for, if any (see [`KEY_MAP`]).
    pub fn from_key(key: KeyEvent) -> Option<Action> {
        action_for_key(key)
    }

    /// The action a mouse event stands for, if any.
    pub fn from_mouse(mouse: MouseEvent) -> Option<Action> {
        action_for_mouse(mouse)
    }
}

impl PickerAction {
    /// The action a key press stands for in the picker, if any: the bound
    /// keys of [`PICKER_KEY_MAP`], else a printable character typed
    /// into the filter.
    pub fn from_key(key: KeyEvent) -> Option<PickerAction> {
        picker_action_for_key(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// True if pressing `key` is what `trigger` describes.
    fn describes(trigger: Trigger, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match trigger {
            Key(code) => !ctrl && key.code == code,
            Ctrl(c) => ctrl && key.code == K::Char(c),
            Trigger::WheelDown | Trigger::WheelUp => false,
        }
    }

    /// A key event that sets `trigger` off, for the key triggers.
    fn key_event(trigger: Trigger) -> Option<KeyEvent> {
        match trigger {
            Key(code) => Some(KeyEvent::new(code, KeyModifiers::NONE)),
            Ctrl(c) => Some(KeyEvent::new(K::Char(c), KeyModifiers::CONTROL)),
            Trigger::WheelDown | Trigger::WheelUp => None,
        }
    }

    fn wheel(kind: MouseEventKind) -> MouseEvent {
        MouseEvent {
            kind,
            column: 0,
            row: 0,
            modifiers: KeyModifiers::NONE,
        }
    }

    #[test]
    fn every_listed_trigger_does_what_its_row_says() {
        for row in KEY_MAP {
            assert!(!row.bindings.is_empty(), "{} lists no key", row.what);
            for (trigger, action) in row.bindings {
                let got = match trigger {
                    Trigger::WheelDown => action_for_mouse(wheel(MouseEventKind::ScrollDown)),
                    Trigger::WheelUp => action_for_mouse(wheel(MouseEventKind::ScrollUp)),
                    key => key_event(*key).and_then(action_for_key),
                };
                assert_eq!(
                    got,
                    Some(*action),
                    "{} is listed as {:?} ({})",
                    trigger.name(),
                    action,
                    row.what
                );
            }
        }
    }

    #[test]
    fn no_trigger_is_listed_twice() {
        let all: Vec<Trigger> = bindings().map(|(trigger, _)| trigger).collect();
        for (i, trigger) in all.iter().enumerate() {
            assert!(!all[..i].contains(trigger), "{trigger:?} is listed twice");
        }
    }

    #[test]
    fn every_bound_key_is_listed() {
        let mut codes: Vec<KeyCode> = (' '..='~').map(K::Char).collect();
        codes.extend(['é', 'ß', 'あ'].map(K::Char));
        codes.extend((1..=12).map(K::F));
        codes.extend([
            K::Backspace,
            K::Enter,
            K::Left,
            K::Right,
            K::Up,
            K::Down,
            K::Home,
            K::End,
            K::PageUp,
            K::PageDown,
            K::Tab,
            K::BackTab,
            K::Delete,
            K::Insert,
            K::Esc,
            K::Null,
        ]);
        let modifiers = [
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::ALT,
            KeyModifiers::CONTROL,
            KeyModifiers::CONTROL | KeyModifiers::SHIFT,
        ];
        for code in codes {
            for modifier in modifiers {
                let key = KeyEvent::new(code, modifier);
                let Some(action) = action_for_key(key) else {
                    continue;
                };
                let listed =
                    bindings().any(|(trigger, bound)| bound == action && describes(trigger, key));
                assert!(
                    listed,
                    "{key:?} does {action:?} but the help does not say so"
                );
            }
        }
        for kind in [
            MouseEventKind::ScrollDown,
            MouseEventKind::ScrollUp,
            MouseEventKind::ScrollLeft,
            MouseEventKind::ScrollRight,
            MouseEventKind::Moved,
        ] {
            if let Some(action) = action_for_mouse(wheel(kind)) {
                assert!(
                    bindings().any(|(trigger, bound)| bound == action
                        && matches!(trigger, Trigger::WheelDown | Trigger::WheelUp)),
                    "{kind:?} does {action:?} but the help does not say so"
                );
            }
        }
    }

    #[test]
    fn the_keys_column_reads_as_before() {
        let keys: Vec<String> = KEY_MAP.iter().map(HelpRow::keys).collect();
        assert_eq!(keys[0], "j  ↓");
        assert_eq!(keys[2], "PgDn  Space  Ctrl-f");
        assert_eq!(keys[4], "Ctrl-d / Ctrl-u");
        assert_eq!(keys[5], "mouse wheel");
        assert!(keys.contains(&"Ctrl-l".to_owned()));
        assert!(keys.contains(&"Ctrl-z".to_owned()));
        assert!(keys.contains(&"!".to_owned()));
        assert!(keys.contains(&"q  Ctrl-c".to_owned()));
    }
}

#[cfg(test)]
mod action_tests {
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
