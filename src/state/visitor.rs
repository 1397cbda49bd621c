//! Who the visitor is: their user object, asked for alongside the first
//! page. The conversation never waits for it; without it the app names the
//! visitor by id.

use crate::api::error::ApiError;
use crate::visitor::{Visitor, VisitorId, VisitorInfo};

/// Answers, as the app state takes them.
impl VisitorInfo {
    /// Takes the answer for visitor `id` of `expected`; false if no one asked.
    pub(super) fn arrived(
        &mut self,
        expected: VisitorId,
        id: VisitorId,
        result: Result<Box<Visitor>, ApiError>,
    ) -> bool {
        if id != expected || *self != VisitorInfo::Loading {
            return false;
        }
        *self = match result {
            Ok(visitor) => VisitorInfo::Known(visitor),
            Err(error) => {
                tracing::info!(%error, "the visitor's profile could not be read");
                VisitorInfo::Failed(error.to_string())
            }
        };
        true
    }
}
