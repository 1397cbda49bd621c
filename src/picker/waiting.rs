//! Who is waiting for an answer: the archive's figures of every visitor,
//! asked for each time the list comes on screen, so a row can say "waiting
//! 12 min", the footer can count them, and `w` can show only them, the
//! longest wait first. A visitor the archive does not hold shows nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{PickerAction, PickerEffect, PickerState, Prompt};
use crate::archive::ArchiveError;
use crate::archive::store::VisitorFigures;
use crate::archive::task::StoreRequest;
use crate::metrics::wording::span;
use crate::visitor::VisitorId;

/// The waiting visitors, as the archive last said.
#[derive(Debug, Default)]
pub(super) struct Waiting {
    /// Whether the list has an archive to ask.
    pub(super) available: bool,
    /// Each waiting visitor and since when (`None`: their unanswered
    /// messages carry no time, so how long is not known).
    since: HashMap<VisitorId, Option<DateTime<Utc>>>,
    /// `w`: only the waiting visitors are shown.
    pub(super) only: bool,
    /// The last key was the `w` that showed them: a letter now makes it
    /// the start of a word instead.
    word_may_start: bool,
}

impl Waiting {
    /// Since when `id` waits for an answer, if they do.
    pub(super) fn of(&self, id: VisitorId) -> Option<Option<DateTime<Utc>>> {
        self.since.get(&id).copied()
    }
}

/// "waiting 12 min" at `now`, or "waiting" when how long is not known.
pub fn waiting_words(since: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match since {
        Some(since) => format!("waiting {}", span(now - since)),
        None => "waiting".to_owned(),
    }
}

impl PickerState {
    /// The list asks the archive who is waiting (each time it comes on screen).
    pub fn enable_waiting(&mut self) {
        self.waiting.available = true;
    }

    /// The request for the figures, when there is an archive to ask.
    pub(super) fn ask_who_waits(&self) -> Option<PickerEffect> {
        self.waiting.available.then(|| {
            PickerEffect::Store(StoreRequest::Figures {
                visitors: Vec::new(),
            })
        })
    }

    /// The store's answer: every archived visitor's figures.
    pub fn figures(&mut self, result: Result<Vec<VisitorFigures>, ArchiveError>) {
        self.dirty = true;
        match result {
            Ok(rows) => {
                self.waiting.since = rows
                    .into_iter()
                    .filter(|row| row.figures.is_waiting())
                    .map(|row| (row.visitor_id, row.figures.awaiting_since))
                    .collect();
            }
            Err(error) => {
                self.notice = Some(format!("who is waiting is not known: {error}"));
            }
        }
        self.refilter();
    }

    /// What a key means, `w` told apart: a command while nothing is typed,
    /// a letter after something is; and `w` followed at once by a letter
    /// was the start of a word ("whit" finds Whitfield), so the waiting
    /// list it showed gives way to the filter "w…" over everyone.
    pub(super) fn read_w(&mut self, action: PickerAction) -> PickerAction {
        let word_may_start = std::mem::take(&mut self.waiting.word_may_start);
        match action {
            PickerAction::OnlyWaiting
                if self.prompt == Prompt::Messages || !self.query.is_empty() =>
            {
                PickerAction::Type('w')
            }
            PickerAction::Type(c) if word_may_start && self.waiting.only && !c.is_control() => {
                self.waiting.only = false;
                self.query.push('w');
                action
            }
            other => other,
        }
    }

    /// `w`: only the waiting visitors, longest wait first; again, everyone.
    pub(super) fn toggle_only_waiting(&mut self) {
        if !self.waiting.available {
            self.notice = Some(
                "who is waiting is known from the archive, and szchat runs without one".to_owned(),
            );
            return;
        }
        self.waiting.only = !self.waiting.only;
        self.waiting.word_may_start = self.waiting.only;
        self.moved = false;
        self.refilter();
    }

    /// Whether only the waiting visitors are shown.
    pub fn only_waiting(&self) -> bool {
        self.waiting.only
    }

    /// Since when visitor `id` waits for an answer, if the archive says they do.
    pub fn waiting_since(&self, id: VisitorId) -> Option<Option<DateTime<Utc>>> {
        self.waiting.of(id)
    }

    /// How many of the loaded visitors wait for an answer.
    pub fn waiting_count(&self) -> usize {
        self.visitors
            .iter()
            .filter(|listed| self.waiting.of(listed.visitor.id).is_some())
            .count()
    }

    /// Keeps only the waiting visitors of `matches`, longest wait first
    /// (an unknown wait after the known ones), ties in list order.
    pub(super) fn waiting_first(&self, matches: &mut Vec<usize>) {
        matches.retain(|&i| self.waiting.of(self.visitors[i].visitor.id).is_some());
        // Stable: ties keep the list's order. `None` (not known) sorts last.
        matches.sort_by_key(|&i| {
            let since = self.waiting.of(self.visitors[i].visitor.id).flatten();
            (since.is_none(), since)
        });
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;
    use crate::metrics::Figures;
    use crate::paging::PageSize;
    use crate::visitor::{Visitor, VisitorsPage};

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, minute, 0).unwrap()
    }

    fn figures(id: VisitorId, unanswered: u64, since: Option<DateTime<Utc>>) -> VisitorFigures {
        VisitorFigures {
            visitor_id: id,
            name: None,
            email: None,
            figures: Figures {
                unanswered,
                awaiting_since: since,
                ..Figures::default()
            },
        }
    }

    /// A picker with visitors 1 to 4 loaded and the archive's figures:
    /// 2 waits since 9:10, 3 since 9:05, 4 since a time not known, 1 answered.
    fn picker() -> PickerState {
        let mut picker = PickerState::new(PageSize::new(10).unwrap());
        picker.enable_waiting();
        let effects = picker.start();
        assert!(effects.iter().any(|e| matches!(
            e,
            PickerEffect::Store(StoreRequest::Figures { visitors }) if visitors.is_empty()
        )));
        let request = effects
            .into_iter()
            .find_map(|e| match e {
                PickerEffect::Fetch(request) => Some(request),
                _ => None,
            })
            .unwrap();
        let visitors = (1..=4).map(Visitor::unnamed).collect();
        picker.apply(
            request,
            Ok(VisitorsPage {
                offset: 0,
                limit: 10,
                visitors,
                total: 4,
                unreadable: 0,
                placeholders: Vec::new(),
            }),
        );
        picker.figures(Ok(vec![
            figures(1, 0, None),
            figures(2, 1, Some(at(10))),
            figures(3, 2, Some(at(5))),
            figures(4, 1, None),
        ]));
        picker
    }

    fn shown(picker: &PickerState) -> Vec<VisitorId> {
        picker.shown().map(|v| v.id).collect()
    }

    #[test]
    fn w_shows_only_the_waiting_longest_first_and_again_everyone() {
        let mut picker = picker();
        assert_eq!(picker.waiting_count(), 3);
        assert_eq!(shown(&picker), [1, 2, 3, 4]);
        picker.update(PickerAction::OnlyWaiting);
        assert!(picker.only_waiting());
        assert_eq!(shown(&picker), [3, 2, 4]);
        assert_eq!(picker.selected(), Some(3), "the longest wait is selected");
        picker.update(PickerAction::OnlyWaiting);
        assert_eq!(shown(&picker), [1, 2, 3, 4]);
    }

    #[test]
    fn w_and_then_a_letter_is_a_word_over_everyone() {
        let mut picker = picker();
        for c in "whit".chars() {
            let action = if c == 'w' {
                PickerAction::OnlyWaiting
            } else {
                PickerAction::Type(c)
            };
            picker.update(action);
        }
        assert_eq!(picker.query(), "whit");
        assert!(!picker.only_waiting());
        // A key between them: the waiting list stays, and is filtered.
        picker.update(PickerAction::ClearFilter);
        picker.update(PickerAction::OnlyWaiting);
        picker.update(PickerAction::Next);
        picker.update(PickerAction::Type('4'));
        assert!(picker.only_waiting());
        assert_eq!(picker.query(), "4");
    }

    #[test]
    fn w_is_a_letter_once_something_is_typed() {
        let mut picker = picker();
        picker.update(PickerAction::Type('x'));
        picker.update(PickerAction::OnlyWaiting);
        assert_eq!(picker.query(), "xw");
        assert!(!picker.only_waiting());
    }

    #[test]
    fn a_row_says_how_long_in_words() {
        let picker = picker();
        let now = at(17);
        let words = |id| {
            picker
                .waiting_since(id)
                .map(|since| waiting_words(since, now))
        };
        assert_eq!(words(1), None);
        assert_eq!(words(2).as_deref(), Some("waiting 7 min"));
        assert_eq!(words(3).as_deref(), Some("waiting 12 min"));
        assert_eq!(words(4).as_deref(), Some("waiting"));
        assert_eq!(words(9), None, "not archived: nothing");
        let hours = waiting_words(Some(at(0)), at(0) + TimeDelta::minutes(192));
        assert_eq!(hours, "waiting 3 h 12 min");
    }

    #[test]
    fn without_an_archive_nobody_is_asked_about_and_w_says_why() {
        let mut picker = PickerState::new(PageSize::new(10).unwrap());
        let effects = picker.start();
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, PickerEffect::Store(StoreRequest::Figures { .. })))
        );
        picker.update(PickerAction::OnlyWaiting);
        assert!(!picker.only_waiting());
        assert!(picker.notice().unwrap().contains("archive"));
    }

    #[test]
    fn coming_back_to_the_list_asks_again() {
        let mut picker = picker();
        picker.hide();
        let effects = picker.show();
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, PickerEffect::Store(StoreRequest::Figures { .. })))
        );
    }
}
