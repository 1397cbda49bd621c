//! Terminal views. Everything here is pure rendering: it borrows state and produces
//! lines or draws into a buffer, with no I/O.
//!
//! Untrusted text (anything from a message) is sanitized before it becomes a `Span`.

pub mod message_block;
