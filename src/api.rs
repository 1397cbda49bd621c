//! SignalZen's external REST API: wire types, the HTTP client and its errors.

pub mod client;
pub mod error;
mod lenient;
pub mod retry;
pub mod wire;

pub use client::{ApiClient, ApiConfig, RetryNotice};
pub use error::ApiError;
pub use retry::{RetryPolicy, parse_retry_after};
