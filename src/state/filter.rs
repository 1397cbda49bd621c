//! The `F` menu: which messages the conversation shows. Each choice takes
//! effect at once behind the menu; `F` again or `Esc` returns to the
//! conversation with the filter on. The predicate is the exports' own
//! (`message_filter`), so the screen and `--only` leave out the same.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{AppState, Effect, Overlay};
use crate::message_filter::{MessageFilter, Only};

/// One line of the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Hides or shows the auto-invitations, whatever else is chosen.
    HideAutoInvitations,
    /// Every kind of message (no `only`).
    Everything,
    Only(Only),
}

impl Choice {
    /// The menu's lines, top to bottom.
    pub const ALL: [Choice; 5] = [
        Choice::HideAutoInvitations,
        Choice::Everything,
        Choice::Only(Only::Visitor),
        Choice::Only(Only::Operator),
        Choice::Only(Only::Attachments),
    ];

    /// The key that makes this choice at once.
    pub fn key(self) -> char {
        match self {
            Choice::HideAutoInvitations => 'i',
            Choice::Everything => 'e',
            Choice::Only(Only::Visitor) => 'v',
            Choice::Only(Only::Operator) => 'o',
            Choice::Only(Only::Attachments) => 'a',
        }
    }

    /// What the line says.
    pub fn label(self) -> &'static str {
        match self {
            Choice::HideAutoInvitations => "hide auto-invitations",
            Choice::Everything => "every message",
            Choice::Only(Only::Visitor) => "only the visitor's",
            Choice::Only(Only::Operator) => "only the operator's",
            Choice::Only(Only::Attachments) => "only attachments",
        }
    }

    /// True if `filter` has this choice made.
    pub fn chosen(self, filter: MessageFilter) -> bool {
        match self {
            Choice::HideAutoInvitations => filter.hide_auto_invitations,
            Choice::Everything => filter.only.is_none(),
            Choice::Only(only) => filter.only == Some(only),
        }
    }

    /// `filter` with this choice made: the auto-invitations line toggles,
    /// the others pick one kind (choosing the kind shown again shows all).
    fn apply(self, filter: MessageFilter) -> MessageFilter {
        match self {
            Choice::HideAutoInvitations => MessageFilter {
                hide_auto_invitations: !filter.hide_auto_invitations,
                ..filter
            },
            Choice::Everything => MessageFilter {
                only: None,
                ..filter
            },
            Choice::Only(only) => MessageFilter {
                only: (filter.only != Some(only)).then_some(only),
                ..filter
            },
        }
    }
}

/// The menu's own state: the filter as chosen so far and the marked line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FilterMenu {
    filter: MessageFilter,
    marked: usize,
}

/// What a key did in the menu.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum MenuKey {
    /// Taken; the filter may have changed.
    Taken,
    /// `F` or `Esc`: back to the conversation.
    Close,
    /// Not for the menu (`q`, `Ctrl-c`, `Ctrl-l`, `Ctrl-z`).
    Pass,
}

impl FilterMenu {
    /// A menu opened over a conversation shown through `filter`.
    pub fn new(filter: MessageFilter) -> Self {
        Self { filter, marked: 0 }
    }

    /// The filter as chosen so far.
    pub fn filter(&self) -> MessageFilter {
        self.filter
    }

    /// The marked line's place in [`Choice::ALL`].
    pub fn marked(&self) -> usize {
        self.marked
    }

    /// ↑↓ (or `k` `j`) move the mark, Space or Enter make the marked
    /// choice, a line's letter makes its choice; nothing else reaches the
    /// conversation but quitting, redrawing and suspending.
    pub(super) fn take_key(&mut self, key: KeyEvent) -> MenuKey {
        let last = Choice::ALL.len() - 1;
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return MenuKey::Pass;
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('F') => return MenuKey::Close,
            KeyCode::Char('q') => return MenuKey::Pass,
            KeyCode::Up | KeyCode::Char('k') => self.marked = self.marked.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.marked = (self.marked + 1).min(last),
            KeyCode::Char(' ') | KeyCode::Enter => {
                self.filter = Choice::ALL[self.marked].apply(self.filter);
            }
            KeyCode::Char(c) => {
                if let Some(at) = Choice::ALL.iter().position(|choice| choice.key() == c) {
                    self.marked = at;
                    self.filter = Choice::ALL[at].apply(self.filter);
                }
            }
            _ => {}
        }
        MenuKey::Taken
    }
}

/// The filter, as the app state applies it.
impl AppState {
    /// `F`: opens the menu on the filter in use.
    pub(super) fn open_filter_menu(&mut self) {
        let menu = FilterMenu::new(self.conversation.filter());
        self.open_overlay(Overlay::Filter(menu));
    }

    /// After a key in the menu: shows what it chose, if that changed.
    pub(super) fn follow_filter_menu(&mut self) -> Vec<Effect> {
        let chosen = self.overlays.iter().find_map(|overlay| match overlay {
            Overlay::Filter(menu) => Some(menu.filter()),
            _ => None,
        });
        match chosen {
            Some(filter) if filter != self.conversation.filter() => self.set_filter(filter),
            _ => Vec::new(),
        }
    }

    /// Shows only what `filter` keeps: the selection moves to the nearest
    /// kept message if it is hidden, search matches are the kept ones, and
    /// older pages load if the view now reaches its top.
    pub fn set_filter(&mut self, filter: MessageFilter) -> Vec<Effect> {
        self.dirty = true;
        self.conversation.set_filter(filter);
        let conversation = &self.conversation;
        self.search.refilter(conversation);
        self.viewport.refilter(&self.conversation);
        self.request_more()
    }

    /// What the status bar says of an active filter: "only attachments ·
    /// 12 of 1,234" (kept of loaded), or that nothing loaded is kept.
    pub fn filter_status(&self) -> Option<String> {
        let filter = self.conversation.filter();
        if !filter.is_active() {
            return None;
        }
        let kept = crate::numbers::grouped(self.conversation.shown_len() as u64);
        let loaded = crate::numbers::grouped(self.conversation.len() as u64);
        Some(if self.conversation.shown_len() == 0 {
            format!("no messages match the filter · {kept} of {loaded}")
        } else {
            format!("{filter} · {kept} of {loaded}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(menu: &mut FilterMenu, code: KeyCode) -> MenuKey {
        menu.take_key(KeyEvent::from(code))
    }

    #[test]
    fn letters_and_the_marked_line_choose_and_a_kind_chosen_again_shows_all() {
        let mut menu = FilterMenu::default();
        assert_eq!(press(&mut menu, KeyCode::Char('a')), MenuKey::Taken);
        assert_eq!(menu.filter().only, Some(Only::Attachments));
        assert_eq!(menu.marked(), 4);
        press(&mut menu, KeyCode::Char('a'));
        assert_eq!(menu.filter().only, None);
        press(&mut menu, KeyCode::Up);
        press(&mut menu, KeyCode::Char(' '));
        assert_eq!(menu.filter().only, Some(Only::Operator));
        press(&mut menu, KeyCode::Char('i'));
        assert!(menu.filter().hide_auto_invitations);
        assert_eq!(menu.filter().only, Some(Only::Operator), "both at once");
        press(&mut menu, KeyCode::Down);
        press(&mut menu, KeyCode::Enter);
        assert_eq!(menu.filter().only, None, "every message");
        assert_eq!(press(&mut menu, KeyCode::Char('F')), MenuKey::Close);
        assert_eq!(press(&mut menu, KeyCode::Esc), MenuKey::Close);
        assert_eq!(press(&mut menu, KeyCode::Char('q')), MenuKey::Pass);
    }
}
