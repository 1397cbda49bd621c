//! The seam for the local archive: the loop's runner sends the store
//! requests a screen returns as effects to the store task, and routes the
//! store's answers back to the screen as inputs, as it does for fetch
//! answers. A probe screen stands in for the conversation, which asks the
//! store nothing yet.

mod common;

use std::time::Instant;

use ratatui::Frame;
use tokio::sync::mpsc;

use common::RecordingDesktop;
use szchat::app::Runner;
use szchat::archive::task::{StoreEvent, StoreRequest, StoreTask};
use szchat::clock::Now;
use szchat::effect::{Effect, Exit, Failure, Input};
use szchat::fetch::{UsersEvent, UsersRequest};
use szchat::screens::{Channel, Screen};
use szchat::ui::color::Colors;

/// A screen that asks the store for its figures once, and keeps what comes back.
#[derive(Debug)]
struct Probe {
    channel: Channel<UsersRequest>,
    stored: Vec<StoreEvent>,
    failed: Vec<Failure>,
}

impl Probe {
    fn new() -> Self {
        // A fetch side nobody serves: the probe fetches nothing.
        let (requests, _) = mpsc::unbounded_channel();
        let (_, answers) = mpsc::channel(1);
        Self {
            channel: Channel::from_parts(requests, answers),
            stored: Vec::new(),
            failed: Vec::new(),
        }
    }
}

impl Screen for Probe {
    type Request = UsersRequest;

    fn start(&mut self) -> Vec<Effect<UsersRequest>> {
        vec![Effect::Store(StoreRequest::Stats)]
    }

    fn handle(&mut self, input: Input<UsersEvent>, _now: Now) -> Vec<Effect<UsersRequest>> {
        if let Input::Stored(event) = input {
            self.stored.push(event);
        }
        Vec::new()
    }

    fn failed(&mut self, failure: Failure) -> Vec<Effect<UsersRequest>> {
        self.failed.push(failure);
        Vec::new()
    }

    fn next_deadline(&self, _now: Instant) -> Option<Instant> {
        None
    }

    fn take_dirty(&mut self) -> bool {
        false
    }

    fn draw(&self, _frame: &mut Frame, _colors: Colors) {}

    fn exit(&self) -> Option<Exit> {
        None
    }

    fn channel(&self) -> &Channel<UsersRequest> {
        &self.channel
    }
}

#[tokio::test]
async fn a_screens_store_effect_reaches_the_store_and_its_answer_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = StoreTask::spawn(dir.path().join("szchat"), None);
    let mut runner = Runner::new(RecordingDesktop::default()).with_store(store);
    let mut probe = Probe::new();

    let effects = probe.start();
    assert_eq!(runner.carry_out(&mut probe, effects), None);
    while !probe
        .stored
        .iter()
        .any(|event| matches!(event, StoreEvent::Stats(_)))
    {
        let event = runner.next_stored().await.expect("the store is running");
        runner.step(&mut probe, Input::Stored(event));
    }

    assert!(
        matches!(probe.stored[0], StoreEvent::Opened { .. }),
        "{:?}",
        probe.stored
    );
    let Some(StoreEvent::Stats(stats)) = probe.stored.last() else {
        unreachable!()
    };
    assert!(stats.is_ok(), "{stats:?}");
    assert!(probe.failed.is_empty(), "{:?}", probe.failed);
}

#[tokio::test]
async fn without_a_store_a_store_effect_fails_back_to_the_screen() {
    let mut runner = Runner::new(RecordingDesktop::default());
    let mut probe = Probe::new();

    let effects = probe.start();
    runner.carry_out(&mut probe, effects);

    assert_eq!(probe.failed, [Failure::NoStore]);
    assert!(probe.stored.is_empty());
}
