//! A live chat: one conversation that grows on a timer while the server
//! runs, so a client following it sees messages arrive. What is said comes
//! from short exchanges drawn in a seeded order; the visitor stays online
//! while it lasts.

use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use serde_json::Value;
use tokio::time::MissedTickBehavior;

use super::history::{self, Side};
use super::rng::PyRandom;
use super::{LiveChat, Shared};

/// The shortest time between two live messages (a zero period would spin).
const MIN_PERIOD: Duration = Duration::from_millis(1);

use Side::{Operator as O, Visitor as V};

/// Short exchanges of a visitor who is sorting out a plan upgrade with an
/// operator; any one of them reads naturally after any other.
const EXCHANGES: &[&[(Side, &str)]] = &[
    &[
        (V, "ok the bank page opened this time"),
        (V, "it wants a code from my banking app"),
        (
            O,
            "That's the 3-D Secure step. The code usually takes a few seconds to arrive.",
        ),
        (V, "got it, entered"),
        (V, "payment accepted! 🎉"),
        (O, "Wonderful! The plan change is active right away."),
    ],
    &[
        (V, "will I get an invoice for this?"),
        (
            O,
            "Yes, it's emailed at once and kept under Settings → Billing → Invoices.",
        ),
        (V, "found it, thanks"),
    ],
    &[
        (V, "how many users can we have on Growth?"),
        (O, "Up to 10 seats; extra seats are €9 a month each."),
        (V, "we're 12 😅"),
        (
            O,
            "Then 2 extra seats: you can add them under Settings → Team.",
        ),
        (V, "ok, adding them now"),
    ],
    &[
        (V, "can I add our NIF (VAT number) to the invoices?"),
        (
            O,
            "Sure: Settings → Billing → Tax ID. Portuguese numbers start with PT.",
        ),
        (V, "PT509876543, added ✅"),
        (O, "Perfect, it prints on every invoice from now on."),
    ],
    &[
        (
            V,
            "does the export keep accents, like in \"Pastelaria Conceic\u{327}a\u{303}o\"?",
        ),
        (
            O,
            "Yes: exports are UTF-8 and normalised, so ç, ã and é come through as written.",
        ),
        (V, "obrigada! 🙏"),
    ],
    &[
        (V, "sorry, a customer just came in, one sec"),
        (V, "back!"),
        (O, "No worries 🙂"),
    ],
    &[
        (
            V,
            "our tea supplier in Kyoto names products like 京都宇治抹茶 — will that print on invoices?",
        ),
        (
            O,
            "It will: invoices embed a Japanese font when a line needs one.",
        ),
        (V, "great, they'll be happy 🍵"),
    ],
    &[
        (V, "is there a way to get a weekly summary by email?"),
        (
            O,
            "Yes, under Reports → Schedules. Pick \"weekly\" and the people who should get it.",
        ),
        (V, "set it for Mondays"),
        (O, "👍 The first one arrives next Monday at 8:00 your time."),
    ],
    &[
        (V, "👋 still here btw"),
        (O, "Great! Anything else I can help with?"),
        (
            V,
            "not right now, I'll keep this tab open while I set things up",
        ),
    ],
    &[
        (V, "the dashboard says \"sync pending\" for the Porto store"),
        (
            O,
            "That clears within a couple of minutes after a plan change.",
        ),
        (V, "yep, it's green now 👌"),
    ],
];

/// The order of what is said: the first exchange (which follows the demo's
/// checkout trouble), then exchanges drawn from a seed, never the same one
/// twice in a row.
pub(crate) struct Script {
    rng: PyRandom,
    exchange: usize,
    line: usize,
}

impl Script {
    /// The script of `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Script {
            rng: PyRandom::new(seed),
            exchange: 0,
            line: 0,
        }
    }

    /// Who says what next.
    pub(crate) fn next_line(&mut self) -> (Side, &'static str) {
        if self.line >= EXCHANGES[self.exchange].len() {
            self.exchange = pick(&mut self.rng, self.exchange);
            self.line = 0;
        }
        let line = EXCHANGES[self.exchange][self.line];
        self.line += 1;
        line
    }
}

/// An exchange other than `previous`.
fn pick(rng: &mut PyRandom, previous: usize) -> usize {
    let count = i64::try_from(EXCHANGES.len()).unwrap_or(1);
    loop {
        let drawn = usize::try_from(rng.randint(0, count - 1)).unwrap_or(0);
        if drawn != previous {
            return drawn;
        }
    }
}

/// Adds `chat.limit` messages to `chat.user_id`'s conversation, one every
/// `chat.every`, keeping the visitor's `online_at` at the time of each.
/// Ends early if the visitor does not exist.
pub(crate) async fn run(shared: Arc<Shared>, chat: LiveChat) {
    let mut script = Script::new(chat.seed);
    let mut ticks = tokio::time::interval(chat.every.max(MIN_PERIOD));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // An interval's first tick is immediate; the first message comes one period in.
    ticks.tick().await;
    for _ in 0..chat.limit {
        ticks.tick().await;
        let (side, body) = script.next_line();
        let mut state = shared.state();
        let Some(conversation) = state.visitors.get_mut(&chat.user_id) else {
            return;
        };
        let visitor = conversation.sender();
        let at = history::append(&mut conversation.messages, side, body, Utc::now(), &visitor);
        if let Some(profile) = conversation.profile.as_object_mut() {
            let stamp = at.to_rfc3339_opts(SecondsFormat::Millis, true);
            profile.insert("online_at".to_owned(), Value::String(stamp));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_depends_only_on_its_seed() {
        let lines = |seed| {
            let mut script = Script::new(seed);
            (0..60).map(|_| script.next_line()).collect::<Vec<_>>()
        };
        assert_eq!(lines(7), lines(7));
        assert_ne!(lines(7), lines(8));
        assert_eq!(lines(7)[0], EXCHANGES[0][0]);
    }

    #[test]
    fn exchanges_follow_one_another_whole_and_never_repeat_at_once() {
        let mut script = Script::new(3);
        let mut previous = None;
        for _ in 0..40 {
            let first = script.next_line();
            let exchange = EXCHANGES
                .iter()
                .position(|e| e[0] == first)
                .expect("an exchange starts");
            assert_ne!(Some(exchange), previous);
            for expected in &EXCHANGES[exchange][1..] {
                assert_eq!(script.next_line(), *expected);
            }
            previous = Some(exchange);
        }
    }

    #[test]
    fn the_visitor_speaks_in_every_exchange() {
        assert!(
            EXCHANGES
                .iter()
                .all(|exchange| exchange.iter().any(|(side, _)| *side == V))
        );
    }
}
