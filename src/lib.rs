//! szchat: browse a SignalZen visitor's chat history in the terminal.

pub mod api;
pub mod model;
pub mod sanitize;
pub mod timefmt;
pub mod ui;
pub mod wrap;
