//! What goes into the state and what comes out of it: the vocabulary every
//! screen shares (see [`crate::effect`]), with the conversation's fetch
//! protocol, and where the selected message stands.

pub use crate::effect::{Effect, Exit, Failure, Input};

/// Where the selected message stands in the conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Its place counted from the oldest message on the server, of `total`.
    InHistory { number: u64, total: u64 },
    /// Its place among the loaded messages: how many older ones the server
    /// has is not known for sure yet.
    InLoaded { number: usize, loaded: usize },
}
