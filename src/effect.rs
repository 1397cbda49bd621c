//! What goes into a screen and what comes out of it: the inputs the loop
//! feeds every screen, the effects a screen asks the loop for, why an effect
//! failed, and why the app ends. One vocabulary for all screens; each screen
//! names only its own fetch protocol (`R`, its requests, and `E`, their
//! answers; the conversation's by default).

use std::convert::Infallible;

use crossterm::event::{Event, KeyEvent, MouseEvent};

use crate::archive::task::{StoreEvent, StoreRequest};
use crate::fetch::{FetchEvent, FetchRequest};
use crate::open::CheckedUrl;
use crate::sync::background::SyncEvent;
use crate::visitor::VisitorId;

/// Something that happened, for a screen to take in.
#[derive(Debug)]
pub enum Input<E = FetchEvent> {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal is now `width` x `height` cells.
    Resize {
        width: u16,
        height: u16,
    },
    /// An answer from the screen's fetch task.
    Fetched(E),
    /// An answer from the store task (the local archive), when the app has one.
    Stored(StoreEvent),
    /// News of the sync in the background (for the visitor list).
    Synced(SyncEvent),
    /// An effect could not be carried out.
    Failed(Failure),
    /// A signal that ends the process arrived (its number).
    Signal(i32),
    /// The terminal's input ended.
    InputClosed,
    /// Time passed: a notice may be due to fade (see
    /// [`crate::state::AppState::handle_at`]).
    Tick,
}

impl<E> Input<E> {
    /// The input a terminal event stands for, if any: of key events, only
    /// presses count (terminals that report releases would double every key).
    pub fn from_terminal(event: &Event) -> Option<Self> {
        match event {
            Event::Key(_) => event.as_key_press_event().map(Input::Key),
            Event::Mouse(mouse) => Some(Input::Mouse(*mouse)),
            Event::Resize(width, height) => Some(Input::Resize {
                width: *width,
                height: *height,
            }),
            _ => None,
        }
    }
}

impl<E> Input<E> {
    /// Why the app ends, when this input ends it: a signal, or the end of
    /// the terminal's input.
    pub fn ending(&self) -> Option<Exit> {
        match self {
            Input::Signal(number) => Some(Exit::Signal(*number)),
            Input::InputClosed => Some(Exit::Quit),
            _ => None,
        }
    }

    /// The fetch answer this input is, or else the input with no fetch
    /// answer in it, for any screen.
    pub fn split(self) -> Result<Input<Infallible>, E> {
        Ok(match self {
            Input::Fetched(event) => return Err(event),
            Input::Key(key) => Input::Key(key),
            Input::Mouse(mouse) => Input::Mouse(mouse),
            Input::Resize { width, height } => Input::Resize { width, height },
            Input::Stored(event) => Input::Stored(event),
            Input::Synced(event) => Input::Synced(event),
            Input::Failed(failure) => Input::Failed(failure),
            Input::Signal(number) => Input::Signal(number),
            Input::InputClosed => Input::InputClosed,
            Input::Tick => Input::Tick,
        })
    }
}

/// An input that comes from no fetch task (keys, signals, time, the store),
/// as the input of a screen whose fetch answers are `E`.
impl Input<Infallible> {
    pub fn widen<E>(self) -> Input<E> {
        match self {
            Input::Key(key) => Input::Key(key),
            Input::Mouse(mouse) => Input::Mouse(mouse),
            Input::Resize { width, height } => Input::Resize { width, height },
            Input::Fetched(never) => match never {},
            Input::Stored(event) => Input::Stored(event),
            Input::Synced(event) => Input::Synced(event),
            Input::Failed(failure) => Input::Failed(failure),
            Input::Signal(number) => Input::Signal(number),
            Input::InputClosed => Input::InputClosed,
            Input::Tick => Input::Tick,
        }
    }
}

/// Why an effect could not be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No browser could be started, or it failed at once: what happened,
    /// naming the command (see [`crate::open::OpenError`]).
    Open(String),
    /// Text could not be sent to the clipboard (the reason).
    Copy(String),
    /// The fetch task is gone: nothing can load any more.
    FetchTaskGone,
    /// The terminal could not be handed back to the shell (the reason).
    Suspend(String),
    /// A store request found no store: the archive is turned off, or its
    /// task has ended.
    NoStore,
}

/// Something for the loop to do on a screen's behalf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect<R = FetchRequest> {
    /// Send this to the screen's own fetch task.
    Fetch(R),
    /// Send this to the store task; its answer comes back as [`Input::Stored`].
    Store(StoreRequest),
    /// Open a checked http(s) link in the browser.
    Open(CheckedUrl),
    /// Send text to the terminal's clipboard (OSC 52): a checked link, or a
    /// message's sanitized text.
    Copy(String),
    /// Clear the terminal and paint the whole screen again.
    ClearScreen,
    /// Give the terminal back to the shell and stop until `fg`, then take it
    /// again and paint the whole screen.
    Suspend,
    /// Sync, in the background, the visitors the archive lacks; its news
    /// comes back as [`Input::Synced`].
    SyncLacking,
    /// Open this visitor's conversation.
    OpenVisitor(VisitorId),
    /// Go back to the visitor list, with this notice shown there.
    BackToList(Option<String>),
    /// End the app: the reader asked.
    Quit,
    /// End the app: nothing can be shown (the reason, for after the
    /// terminal is restored).
    Fatal(String),
}

/// Why the app stops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Nothing could be shown: the reason, for the terminal after it is restored.
    Fatal(String),
    /// Ended by a signal (its number).
    Signal(i32),
}
