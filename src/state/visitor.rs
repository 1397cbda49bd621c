//! Who the visitor is: their user object, asked for alongside the first
//! page. The conversation never waits for it; without it the app names the
//! visitor by id.

use super::AppState;
use crate::api::error::ApiError;
use crate::visitor::{Visitor, VisitorId};

/// Where the visitor's user object stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VisitorInfo {
    /// Not asked for (yet).
    NotAsked,
    Loading,
    Known(Box<Visitor>),
    /// The request failed: the reason, for the profile panel.
    Failed(String),
}

impl VisitorInfo {
    /// The user object, once it arrived.
    pub fn known(&self) -> Option<&Visitor> {
        match self {
            VisitorInfo::Known(visitor) => Some(visitor),
            _ => None,
        }
    }

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

/// Who the visitor is, as the app state asks.
impl AppState {
    /// The same state, asking who the visitor is alongside the first page.
    #[must_use]
    pub fn with_visitor_profile(mut self) -> Self {
        self.visitor = VisitorInfo::Loading;
        self
    }
}
