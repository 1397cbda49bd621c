//! A server whose count lies from its second answer on (issue 13, item 26):
//! an oldest-first history of 300 messages, whose first answer says 300 and
//! every later one a trillion. Which request gets the honest answer depends
//! on the order answers arrive in (a retried request, several in flight), so
//! every order is tried: szchat must open on the newest messages it can
//! establish, and never show a position it does not know.

mod common;

use common::{messages, page_of, page_requests};
use szchat::action::Action;
use szchat::concurrency::Concurrency;
use szchat::fetch::FetchEvent;
use szchat::model::{Message, Page};
use szchat::paging::{PageRequest, PageSize};
use szchat::state::{AppState, ConversationSettings, Effect, Position};
use szchat::timefmt::LocalZone;

const HISTORY: u64 = 300;
const LIE: u64 = 1_000_000_000_000;

/// An oldest-first server of `HISTORY` messages whose answer number
/// `honest` (in the order they are given, from 0) tells the true count and
/// every other one the lie; `None`: the honest answer went to a request
/// szchat no longer waits for (an attempt that timed out, say).
struct Liar {
    history: Vec<Message>,
    honest: Option<usize>,
    answers: usize,
}

impl Liar {
    fn answer(&mut self, request: PageRequest) -> Page {
        let mut page = page_of(&self.history, request.offset, request.limit.get(), false);
        if self.honest != Some(self.answers) {
            page.total = LIE;
        }
        self.answers += 1;
        page
    }
}

/// Checks what the status bar would say of the selected message: a place
/// among the loaded ones, or its true place in the history.
fn check_position(state: &AppState, order: &[usize]) {
    let Some(position) = state.position() else {
        return;
    };
    let label = format!("{order:?}: {position:?}");
    match position {
        Position::InHistory { number, total } => {
            assert_eq!(total, HISTORY, "{label}");
            // Ids are 1..=300 oldest first: the id is the place.
            assert_eq!(Some(number), state.selected(), "{label}");
        }
        Position::InLoaded { loaded, .. } => {
            assert_eq!(loaded, state.conversation().len(), "{label}");
        }
    }
}

/// Runs a state against a liar, answering the requests in flight in the
/// order `order` picks (index into those pending, oldest first; FIFO once
/// it runs out), and returns the state and how many choices there were at
/// each of the first answers.
fn run(honest: Option<usize>, press_g: bool, order: &[usize]) -> (AppState, Vec<usize>) {
    let mut liar = Liar {
        history: messages(HISTORY),
        honest,
        answers: 0,
    };
    let settings = ConversationSettings {
        concurrency: Concurrency::new(6).unwrap(),
        whole_history_page_size: PageSize::WHOLE_HISTORY,
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(4821, &settings, 80, 25);
    let mut pending: Vec<PageRequest> = page_requests(&state.start());
    if press_g {
        pending.extend(page_requests(&state.update(Action::Oldest)));
    }
    let mut choices = Vec::new();
    for step in 0..10_000 {
        if pending.is_empty() {
            return (state, choices);
        }
        choices.push(pending.len());
        let pick = order.get(step).copied().unwrap_or(0).min(pending.len() - 1);
        let request = pending.remove(pick);
        let page = liar.answer(request);
        let effects: Vec<Effect> = state.apply(FetchEvent::Page {
            request,
            result: Ok(page),
        });
        pending.extend(page_requests(&effects));
        check_position(&state, order);
    }
    panic!("{order:?}: the state never stopped asking");
}

/// Runs every order of giving the first `depth` answers (each order a list
/// of picks), returning each order with the state it ended in.
fn every_order(honest: Option<usize>, press_g: bool, depth: usize) -> Vec<(Vec<usize>, AppState)> {
    let mut done = Vec::new();
    let mut todo = vec![Vec::new()];
    while let Some(prefix) = todo.pop() {
        let (state, choices) = run(honest, press_g, &prefix);
        match choices.get(prefix.len()) {
            // A pick of 0 is the run just made: only the others are new.
            Some(&count) if prefix.len() < depth && count > 1 => {
                for pick in 1..count {
                    let mut other = prefix.clone();
                    other.push(pick);
                    todo.push(other);
                }
                let mut first = prefix;
                first.push(0);
                todo.push(first);
            }
            Some(_) if prefix.len() < depth => {
                let mut only = prefix;
                only.push(0);
                todo.push(only);
            }
            _ => done.push((prefix, state)),
        }
    }
    done
}

#[test]
fn opens_on_the_newest_messages_whoever_got_the_honest_count() {
    for honest in [None, Some(0), Some(1), Some(2)] {
        for (order, state) in every_order(honest, false, 8) {
            let label = format!("honest answer {honest:?}, order {order:?}");
            assert!(state.is_quiet(), "{label}");
            assert_eq!(
                state.conversation().last().map(|m| m.id),
                Some(HISTORY),
                "{label}"
            );
            assert_eq!(
                state.selected(),
                Some(HISTORY),
                "{label}: the view opens at the newest"
            );
            check_position(&state, &order);
        }
    }
}

#[test]
fn g_loads_every_message_whoever_got_the_honest_count_in_every_order() {
    for honest in [None, Some(0), Some(1), Some(3)] {
        let runs = every_order(honest, true, 5);
        assert!(runs.len() > 1, "several answers in flight at once");
        for (order, state) in runs {
            let ids: Vec<u64> = state.conversation().iter().map(|m| m.id).collect();
            assert_eq!(
                ids,
                (1..=HISTORY).collect::<Vec<_>>(),
                "honest answer {honest:?}, order {order:?}"
            );
            assert!(
                state
                    .status()
                    .is_some_and(|s| s.text.contains("does not add up")),
                "the lie is said: {:?}",
                state.status()
            );
        }
    }
}
