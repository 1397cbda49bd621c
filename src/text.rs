//! The text layer: what the screen and the exports show, as lines, and how
//! much room those lines take. Pure: it knows messages, visitors and widths,
//! never the app's state, so the state may ask it how far a box scrolls and
//! the views (`ui`) only paint what it built.
//!
//! Untrusted text (anything from a message or a visitor) is sanitized before
//! it becomes a `Span`. Widths are measured and text wrapped by `crate::wrap`,
//! which stays beneath the sanitizer that measures with it too.

pub mod detail;
pub mod error_detail;
pub mod figures_panel;
pub mod help;
pub mod json_layout;
pub mod layout;
pub mod message_block;
pub mod profile;
pub mod text_box;
