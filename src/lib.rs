//! szchat: browse a SignalZen visitor's chat history in the terminal.

pub mod api;
pub mod fake;
pub mod model;
pub mod paging;
pub mod secret;
