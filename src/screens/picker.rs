//! The visitor list as a screen: the picker's state and the fetch channel
//! that serves it, which lives as long as the app.

use std::time::{Duration, Instant};

use chrono::Utc;
use ratatui::Frame;

use super::{Channel, Screen};
use crate::archive::store::Write;
use crate::archive::task::{StoreEvent, StoreRequest};
use crate::clock::Now;
use crate::effect::{Exit, Failure, Input};
use crate::fetch::{UsersEvent, UsersRequest};
use crate::picker::{PickerAction, PickerEffect, PickerState};
use crate::ui;
use crate::ui::color::Colors;

/// Why the app ends when the picker's fetch task is gone (it never should be).
const FETCH_TASK_GONE: &str = "the fetch task stopped unexpectedly";

/// How often the picker is drawn again, so "last seen" stays true.
pub const PICKER_REFRESH: Duration = Duration::from_secs(30);

/// The picker and the channel that serves it.
#[derive(Debug)]
pub struct PickerScreen {
    pub state: PickerState,
    pub(crate) channel: Channel<UsersRequest>,
    /// Why the app ends, when the reader or a signal ended it here.
    exit: Option<Exit>,
    /// Whether the visitors that arrive are written to the archive.
    pub(crate) archive: bool,
}

impl PickerScreen {
    /// `state`'s list served by `channel`.
    pub fn new(state: PickerState, channel: Channel<UsersRequest>) -> Self {
        Self {
            state,
            channel,
            exit: None,
            archive: false,
        }
    }
}

impl Screen for PickerScreen {
    type Request = UsersRequest;

    fn start(&mut self) -> Vec<PickerEffect> {
        self.state.start()
    }

    fn handle(&mut self, input: Input<UsersEvent>, _now: Now) -> Vec<PickerEffect> {
        let ending = input.ending();
        match input {
            Input::Key(key) => PickerAction::from_key(key)
                .map(|action| self.state.update(action))
                .unwrap_or_default(),
            Input::Fetched(UsersEvent::Page { request, result }) => {
                let archived = match &result {
                    Ok(page) if self.archive && !page.visitors.is_empty() => {
                        Some(PickerEffect::Store(StoreRequest::Write(Write::Visitors(
                            page.visitors.clone(),
                        ))))
                    }
                    _ => None,
                };
                let mut effects: Vec<PickerEffect> = archived.into_iter().collect();
                effects.extend(self.state.apply(request, result));
                effects
            }
            Input::Fetched(UsersEvent::Retrying { notice, .. }) => {
                if notice.is_slow_down() {
                    self.state.slow_down();
                }
                self.state.set_retrying(format!(
                    "visitors: {}; retrying in {:.1}s (attempt {})",
                    notice.reason,
                    notice.delay.as_secs_f32(),
                    notice.attempt + 1
                ));
                Vec::new()
            }
            // "Last seen" is counted from the time of drawing.
            Input::Resize { .. } | Input::Tick => {
                self.state.touch();
                Vec::new()
            }
            Input::Signal(_) | Input::InputClosed => {
                self.exit = self.exit.take().or(ending);
                Vec::new()
            }
            Input::Failed(failure) => self.failed(failure),
            // The store's troubles are said wherever the reader is.
            Input::Stored(StoreEvent::OpenFailed(error)) => {
                self.state.set_notice(format!(
                    "the archive cannot be opened: {error}; browsing from the network"
                ));
                Vec::new()
            }
            Input::Stored(StoreEvent::WriteFailed(error)) => {
                self.state.set_notice(format!(
                    "the archive cannot be written: {error}; trying again with the next write"
                ));
                Vec::new()
            }
            Input::Stored(StoreEvent::Visitors(result)) => {
                self.state.archived(result);
                Vec::new()
            }
            Input::Stored(StoreEvent::Searched { seq, result }) => self.state.searched(seq, result),
            Input::Stored(StoreEvent::Figures(result)) => {
                self.state.figures(result);
                Vec::new()
            }
            Input::Synced(event) => self.state.synced(event),
            // Its other answers (to writes) need nothing.
            Input::Mouse(_) | Input::Stored(_) => Vec::new(),
        }
    }

    fn failed(&mut self, failure: Failure) -> Vec<PickerEffect> {
        match failure {
            Failure::FetchTaskGone => vec![PickerEffect::Fatal(FETCH_TASK_GONE.to_owned())],
            Failure::Suspend(reason) => {
                self.state
                    .set_notice(format!("could not suspend: {reason}"));
                Vec::new()
            }
            Failure::NoStore => {
                self.state.sync_refused();
                Vec::new()
            }
            // The picker opens no link and copies nothing.
            Failure::Open(_) | Failure::Copy(_) => Vec::new(),
        }
    }

    /// The list says "5 min ago": it is drawn again now and then.
    fn next_deadline(&self, now: Instant) -> Option<Instant> {
        Some(now + PICKER_REFRESH)
    }

    fn take_dirty(&mut self) -> bool {
        self.state.take_dirty()
    }

    fn draw(&self, frame: &mut Frame, colors: Colors) {
        // Drawing is the shell's: the list may come back on screen with no
        // input of its own (from a conversation), and "last seen" must be
        // counted to the time of drawing then too.
        ui::picker::draw(frame, &self.state, Utc::now(), colors);
    }

    fn exit(&self) -> Option<Exit> {
        self.exit.clone()
    }

    fn channel(&self) -> &Channel<UsersRequest> {
        &self.channel
    }
}
