//! A one-line text prompt: what the reader has typed, and how keys edit it.
//! Line-editing keys are the shell's (Backspace, Ctrl-U, Ctrl-W); the cursor
//! stays at the end, which is all a date or an id needs.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The most characters a prompt takes: far more than any date or id, few
/// enough that a stuck key cannot grow it without bound.
pub(super) const MAX_PROMPT_CHARS: usize = 64;

/// The most characters a path prompt takes: what Linux allows in a path.
pub(super) const MAX_PATH_CHARS: usize = 4096;

/// The text typed into a prompt so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prompt {
    text: String,
    /// The most characters it takes.
    limit: usize,
}

impl Default for Prompt {
    fn default() -> Self {
        Self {
            text: String::new(),
            limit: MAX_PROMPT_CHARS,
        }
    }
}

/// What a key did to a prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Edit {
    /// Taken: the text may have changed.
    Taken,
    /// Enter: the text is the answer.
    Submitted,
    /// Esc, or Backspace on an empty prompt: no answer.
    Cancelled,
    /// Not an editing key (Ctrl-C, Ctrl-L): for the key map.
    Pass,
}

impl Prompt {
    /// A prompt for a path, already holding `text` (a suggestion to edit).
    pub(super) fn path(text: &str) -> Self {
        let text = text.chars().take(MAX_PATH_CHARS).collect();
        Self {
            text,
            limit: MAX_PATH_CHARS,
        }
    }

    /// What has been typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Takes one key press.
    pub(super) fn edit(&mut self, key: KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => Edit::Submitted,
            KeyCode::Esc => Edit::Cancelled,
            KeyCode::Backspace if self.text.is_empty() => Edit::Cancelled,
            KeyCode::Backspace => {
                self.text.pop();
                Edit::Taken
            }
            KeyCode::Char('h') if ctrl => self.edit(KeyEvent::from(KeyCode::Backspace)),
            KeyCode::Char('u') if ctrl => {
                self.text.clear();
                Edit::Taken
            }
            KeyCode::Char('w') if ctrl => {
                let kept = self
                    .text
                    .trim_end()
                    .trim_end_matches(|c: char| !c.is_whitespace());
                self.text.truncate(kept.len());
                Edit::Taken
            }
            KeyCode::Char(_) if ctrl => Edit::Pass,
            KeyCode::Char(c) => {
                if !c.is_control() && self.text.chars().count() < self.limit {
                    self.text.push(c);
                }
                Edit::Taken
            }
            // Arrows, function keys and the like mean nothing here, and must
            // not reach the conversation behind the prompt either.
            _ => Edit::Taken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[KeyEvent]) -> (Prompt, Vec<Edit>) {
        let mut prompt = Prompt::default();
        let edits = keys.iter().map(|key| prompt.edit(*key)).collect();
        (prompt, edits)
    }

    fn chars(text: &str) -> Vec<KeyEvent> {
        text.chars()
            .map(|c| KeyEvent::from(KeyCode::Char(c)))
            .collect()
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn typing_backspace_and_the_shell_line_keys_edit_the_text() {
        let mut keys = chars("2026-11-2");
        keys.push(KeyEvent::from(KeyCode::Backspace));
        keys.extend(chars("1 #47"));
        let (prompt, _) = typed(&keys);
        assert_eq!(prompt.text(), "2026-11-1 #47");

        keys.push(ctrl('w'));
        let (prompt, _) = typed(&keys);
        assert_eq!(prompt.text(), "2026-11-1 ");

        keys.push(ctrl('u'));
        keys.extend(chars("#1"));
        keys.push(ctrl('h'));
        let (prompt, _) = typed(&keys);
        assert_eq!(prompt.text(), "#");
    }

    #[test]
    fn enter_answers_esc_cancels_and_ctrl_c_is_not_text() {
        let mut prompt = Prompt::default();
        assert_eq!(prompt.edit(ctrl('c')), Edit::Pass);
        assert_eq!(prompt.edit(ctrl('l')), Edit::Pass);
        assert_eq!(prompt.edit(KeyEvent::from(KeyCode::Up)), Edit::Taken);
        assert_eq!(prompt.text(), "");
        assert_eq!(
            prompt.edit(KeyEvent::from(KeyCode::Backspace)),
            Edit::Cancelled
        );
        prompt.edit(KeyEvent::from(KeyCode::Char('q')));
        assert_eq!(prompt.text(), "q", "q is text here, not quit");
        assert_eq!(prompt.edit(KeyEvent::from(KeyCode::Enter)), Edit::Submitted);
        assert_eq!(prompt.edit(KeyEvent::from(KeyCode::Esc)), Edit::Cancelled);
    }

    #[test]
    fn the_text_stops_growing_at_its_limit() {
        let (prompt, _) = typed(&chars(&"9".repeat(MAX_PROMPT_CHARS + 10)));
        assert_eq!(prompt.text().chars().count(), MAX_PROMPT_CHARS);
    }
}
