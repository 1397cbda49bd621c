//! Jumping to a date, a message id, or the previous or next day: what the
//! reader asked for, and whether the loaded messages answer it yet. Until
//! they do, the state keeps loading older pages the way `g` does; the goal
//! is checked again as each page arrives.

use chrono::NaiveDate;

use super::{AppState, Status, StatusKind, StatusTopic};
use crate::action::Action;
use crate::conversation::Conversation;
use crate::model::{Message, MessageId, SortKey};
use crate::numbers::grouped;
use crate::sanitize::sanitize_line;
use crate::timefmt::LocalZone;

/// What the prompt takes, as its hint shows it.
pub const JUMP_EXAMPLES: &str = "2026-11-20 or #4711";

/// What to jump to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Target {
    /// The first message on or after this local day.
    Date(NaiveDate),
    Id(MessageId),
    /// The first message of the nearest day with messages before this one.
    DayBefore(NaiveDate),
    /// The first message of the nearest day with messages after this one.
    DayAfter(NaiveDate),
}

/// How far the history has loaded, as far as a jump cares.
#[derive(Clone, Copy, Debug)]
pub(super) struct Loaded {
    /// No page is on its way to complete what is shown (the first pages, a
    /// catch-up): the loaded messages run unbroken up to the newest.
    pub settled: bool,
    /// Everything older than the first loaded message is loaded too.
    pub beginning: bool,
    /// Every message the server has is loaded.
    pub complete: bool,
    /// How many messages the server says there are, once known.
    pub total: Option<u64>,
}

/// What checking a pending jump came to.
#[derive(Debug)]
pub(super) enum Step {
    /// Select this message; the note, if any, says how it differs from what
    /// was asked.
    Found(MessageId, Option<Status>),
    /// There is no such message: the notice says so.
    Missing(Status),
    /// Older pages are needed first: the notice says how far loading is.
    Searching(Status),
}

/// The jump being looked for, if any.
#[derive(Debug, Default)]
pub(super) struct Jump {
    pending: Option<Target>,
    /// The query of the search across visitors whose hit this is: its
    /// words are highlighted from the message found, as `/` would.
    then_search: Option<String>,
}

impl Jump {
    /// True while a jump waits for older pages.
    pub(super) fn searching(&self) -> bool {
        self.pending.is_some()
    }

    /// Looks for `target` from now on, instead of whatever was looked for.
    pub(super) fn start(&mut self, target: Target) {
        self.pending = Some(target);
        self.then_search = None;
    }

    /// Stops looking; the notice to show, if something was being looked for.
    pub(super) fn stop(&mut self) -> Option<Status> {
        self.then_search = None;
        let target = self.pending.take()?;
        Some(notice(format!("stopped looking for {}", target.label())))
    }

    /// Checks the pending jump against the `conversation` loaded so far.
    pub(super) fn advance(
        &mut self,
        conversation: &Conversation,
        zone: LocalZone,
        loaded: Loaded,
    ) -> Option<Step> {
        let target = self.pending?;
        let step = target.resolve(conversation, zone, loaded);
        if !matches!(step, Step::Searching(_)) {
            self.pending = None;
        }
        Some(step)
    }
}

/// A notice about a jump: it replaces the last one, and a jump's end clears it.
fn notice(text: String) -> Status {
    Status::about(StatusTopic::Jump, StatusKind::Info, text)
}

impl Target {
    /// Reads what the reader typed: a date (`2026-11-20`) or a message id
    /// (`#4711`, or just the number).
    pub(super) fn parse(text: &str) -> Result<Target, Status> {
        let text = text.trim();
        let digits = text.strip_prefix('#').unwrap_or(text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return digits
                .parse()
                .map(Target::Id)
                .map_err(|_| Status::info(format!("no message #{digits}: the number is too big")));
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Target::Date(date));
        }
        let shown = sanitize_line(text);
        let looks_like_a_date =
            text.split('-').count() == 3 && text.bytes().all(|b| b.is_ascii_digit() || b == b'-');
        Err(Status::info(if text.is_empty() {
            format!("jump to what? type a date or a message id: {JUMP_EXAMPLES}")
        } else if looks_like_a_date {
            format!("there is no such date: {shown}")
        } else {
            format!("not a date or a message id: {shown} (try {JUMP_EXAMPLES})")
        }))
    }

    /// The day before or after the one `message` was sent on.
    pub(super) fn day_step(
        message: Option<&Message>,
        zone: LocalZone,
        forward: bool,
    ) -> Result<Target, Status> {
        let message = message.ok_or_else(|| Status::info("no message selected"))?;
        let at = message
            .created_at
            .ok_or_else(|| Status::info("the selected message has no date"))?;
        let day = zone.local_date(at);
        Ok(if forward {
            Target::DayAfter(day)
        } else {
            Target::DayBefore(day)
        })
    }

    /// What is looked for, in a notice.
    fn label(self) -> String {
        match self {
            Target::Date(date) => date.to_string(),
            Target::Id(id) => format!("#{id}"),
            Target::DayBefore(_) => "the previous day".to_owned(),
            Target::DayAfter(_) => "the next day".to_owned(),
        }
    }

    fn resolve(self, conversation: &Conversation, zone: LocalZone, loaded: Loaded) -> Step {
        let searching = || {
            let progress = match loaded.total {
                Some(total) => format!(
                    "looking for {}… {}/{} loaded",
                    self.label(),
                    grouped(conversation.len() as u64),
                    grouped(total)
                ),
                None => format!("looking for {}…", self.label()),
            };
            Step::Searching(notice(progress))
        };
        match self {
            Target::Id(id) if conversation.contains(id) => Step::Found(id, None),
            Target::Id(id) if loaded.complete => Step::Missing(notice(format!(
                "there is no message #{id} in this conversation"
            ))),
            Target::Id(_) => searching(),
            Target::Date(date) => match first_on_or_after(date, conversation, zone, loaded) {
                Some(Ok(found)) => {
                    let day = found
                        .created_at
                        .map(|t| zone.local_date(t))
                        .filter(|day| *day != date);
                    let note = day.map(|day| {
                        notice(format!(
                            "nothing on {}; the next messages are from {}",
                            label_of(date),
                            label_of(day)
                        ))
                    });
                    Step::Found(found.id, note)
                }
                Some(Err(())) => Step::Missing(notice(
                    match conversation.last().and_then(|m| m.created_at) {
                        Some(newest) => format!(
                            "nothing on or after {}: the newest message is from {}",
                            label_of(date),
                            zone.day_label(newest)
                        ),
                        _ => format!("nothing on or after {}", label_of(date)),
                    },
                )),
                None => searching(),
            },
            Target::DayAfter(day) => {
                let next = day.succ_opt();
                match next.and_then(|next| first_on_or_after(next, conversation, zone, loaded)) {
                    Some(Ok(found)) => Step::Found(found.id, None),
                    None if next.is_some() => searching(),
                    _ => Step::Missing(notice("this is the last day".to_owned())),
                }
            }
            Target::DayBefore(day) => {
                let start = zone.start_of_day(day);
                let before = conversation
                    .last_before(SortKey::at(start))
                    .map(|m| m.created_at.map(|t| zone.local_date(t)));
                match before {
                    Some(Some(previous)) => {
                        match first_on_or_after(previous, conversation, zone, loaded) {
                            Some(Ok(found)) => Step::Found(found.id, None),
                            _ => searching(),
                        }
                    }
                    None if !(loaded.settled && loaded.beginning) => searching(),
                    // Only undated messages before it: they have no day to go to.
                    _ => Step::Missing(notice("this is the first day".to_owned())),
                }
            }
        }
    }
}

/// The first message on or after local day `date`: `Ok` with it, `Err` if
/// there is none, `None` while older pages or the newest are still to come.
fn first_on_or_after(
    date: NaiveDate,
    conversation: &Conversation,
    zone: LocalZone,
    loaded: Loaded,
) -> Option<Result<&Message, ()>> {
    if !loaded.settled {
        return None;
    }
    let start = SortKey::at(zone.start_of_day(date));
    // Only once a message before the day is loaded (shown or not) is the
    // first one found the first of the day: the loaded ones run unbroken.
    let day_start_loaded = loaded.beginning || conversation.any_before(start);
    match conversation.first_from(start) {
        Some(found) if day_start_loaded => Some(Ok(found)),
        Some(_) => None,
        // The newest message is loaded once settled: none shown is on or after `date`.
        None if day_start_loaded => Some(Err(())),
        None => None,
    }
}

/// A day as the day lines show it: "Fri 20 Nov 2026".
fn label_of(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// Actions that move the view, and Esc: after them the reader no longer
/// wants to be taken elsewhere when a search ends.
pub(super) fn stops_search(action: Action) -> bool {
    matches!(
        action,
        Action::SelectNext
            | Action::SelectPrevious
            | Action::PageDown
            | Action::PageUp
            | Action::HalfPageDown
            | Action::HalfPageUp
            | Action::ScrollDown(_)
            | Action::ScrollUp(_)
            | Action::Oldest
            | Action::Newest
            | Action::Close
    )
}

/// Jumps, as the app state drives them.
impl AppState {
    /// Opens at message `id` (a hit of the search across visitors), once
    /// it is loaded, with the words of that search's `query` (as typed)
    /// highlighted from there as `/` would: `n` and `N` go through the
    /// messages the query finds, its filters holding too.
    pub fn land_on(&mut self, id: MessageId, query: &str) {
        self.jump.start(Target::Id(id));
        self.jump.then_search = Some(query.to_owned());
    }

    /// The jump prompt's answer: looks for the date or id typed.
    pub(super) fn answer_jump(&mut self, typed: &str) {
        self.start_jump(Target::parse(typed));
    }

    /// Looks for `target`, or says why there is nothing to look for.
    pub(super) fn start_jump(&mut self, target: Result<Target, Status>) {
        match target {
            Ok(target) => {
                self.jump.start(target);
                self.advance_jump();
            }
            Err(notice) => self.set_status(notice),
        }
    }

    /// Checks a pending jump against what is loaded: goes there once found.
    pub(super) fn advance_jump(&mut self) {
        let loaded = Loaded {
            settled: self.history.settled(),
            beginning: self.history.reached_beginning(),
            complete: self.history.complete(),
            total: self.history.total(),
        };
        let zone = self.zone();
        let notice = match self.jump.advance(&self.conversation, zone, loaded) {
            None => return,
            // A message the filter hides: the nearest one it keeps, said.
            Some(Step::Found(id, _)) if !self.conversation.shows(id) => {
                match self.conversation.nearest_shown(id).map(|m| m.id) {
                    Some(near) => {
                        self.viewport.jump_to(&self.conversation, near);
                        notice(format!(
                            "#{id} is hidden by the filter (F); #{near} is nearest"
                        ))
                    }
                    None => notice(format!("#{id} is hidden by the filter (F)")),
                }
            }
            Some(Step::Found(id, note)) => {
                self.viewport.jump_to(&self.conversation, id);
                self.notices.settle(StatusTopic::Jump);
                if let Some(text) = self.jump.then_search.take() {
                    self.search_from_selection(&text);
                }
                match note {
                    Some(note) => note,
                    None => return,
                }
            }
            Some(Step::Missing(notice) | Step::Searching(notice)) => notice,
        };
        self.set_status(notice);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dates_and_ids_and_says_what_is_wrong_with_the_rest() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(Target::parse(" 2026-11-20 "), Ok(Target::Date(date)));
        assert_eq!(Target::parse("#4711"), Ok(Target::Id(4711)));
        assert_eq!(Target::parse("4711"), Ok(Target::Id(4711)));
        let text = |input| Target::parse(input).unwrap_err().text;
        assert_eq!(text("2026-02-30"), "there is no such date: 2026-02-30");
        assert_eq!(
            text("next\u{202E}week"),
            "not a date or a message id: nextweek (try 2026-11-20 or #4711)"
        );
        assert!(text("#").starts_with("not a date or a message id"));
        assert!(text("").starts_with("jump to what?"));
        assert!(text("#99999999999999999999999").contains("too big"));
    }
}
