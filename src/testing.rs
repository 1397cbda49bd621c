//! Fixtures for tests and benchmarks: builders for messages, visitors and
//! pages, a helper that answers every request a state asks for, the
//! loop's time with a fixed wall clock, and a writer that keeps what was
//! written.
//!
//! Compiled for the crate's own tests and, through the `testing` feature,
//! for the integration tests and benchmarks; never in the shipped program.

mod archive;
mod clock;
mod message;
mod picture;
mod serve;
mod visitor;
mod written;

pub use archive::{placed, temporary_store};
pub use clock::now;
pub use message::{MessageBuilder, message, messages, minute, seed_operator, seed_visitor, timed};
pub use picture::{bomb_png, png, preview};
pub use serve::{
    answer_first_request, one_page, page_of, page_requests, serve_all, serve_every_request,
    serve_pages, serve_until_shown, serve_user_pages, start_with, user_requests,
};
pub use visitor::{VisitorBuilder, visitor};
pub use written::Written;
