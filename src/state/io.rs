//! What goes into the state and what comes out of it: the inputs the loop
//! feeds it, the effects it asks for, why an effect failed, and why the app ends.

use crossterm::event::{Event, KeyEvent, MouseEvent};

use crate::fetch::{FetchEvent, FetchRequest};
use crate::open::CheckedUrl;

/// Something that happened, for the state to take in.
#[derive(Debug)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// The terminal is now `width` x `height` cells.
    Resize {
        width: u16,
        height: u16,
    },
    /// An answer from the fetch task.
    Fetched(FetchEvent),
    /// An effect could not be carried out.
    Failed(Failure),
    /// A signal that ends the process arrived (its number).
    Signal(i32),
    /// The terminal's input ended.
    InputClosed,
    /// Time passed: a notice may be due to fade (see [`AppState::handle_at`]).
    Tick,
}

impl Input {
    /// The input a terminal event stands for, if any: of key events, only
    /// presses count (terminals that report releases would double every key).
    pub fn from_terminal(event: &Event) -> Option<Input> {
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
}

/// Something for the loop to do on the state's behalf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Fetch(FetchRequest),
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

/// Where the selected message stands in the conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Its place counted from the oldest message on the server, of `total`.
    InHistory { number: u64, total: u64 },
    /// Its place among the loaded messages: how many older ones the server
    /// has is not known for sure yet.
    InLoaded { number: usize, loaded: usize },
}
