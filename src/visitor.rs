//! Domain types for visitors ("users" in SignalZen's API): who a conversation
//! is with. Built from the wire types in `api::wire`.

use chrono::{DateTime, Utc};

use crate::model::shown;

/// A visitor id as the API gives it.
pub type VisitorId = u64;

/// One visitor's user object. Text fields are raw (untrusted): sanitize
/// before display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visitor {
    pub id: VisitorId,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The website's own identifier for this visitor, if it set one.
    pub reference: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// When the visitor was last seen on the website.
    pub online_at: Option<DateTime<Utc>>,
    /// The last page the visitor was on.
    pub last_url: Option<String>,
    /// Custom properties set by the website's widget code, in the server's order.
    pub attributes: Vec<Attribute>,
}

/// One of a visitor's `user_attributes`: raw text, sanitize before display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

impl Visitor {
    /// A visitor with nothing known but the id.
    pub fn unnamed(id: VisitorId) -> Self {
        Visitor {
            id,
            name: None,
            email: None,
            reference: None,
            created_at: None,
            updated_at: None,
            online_at: None,
            last_url: None,
            attributes: Vec::new(),
        }
    }

    /// The name to show, else the e-mail, else "visitor {id}". Raw text.
    pub fn display_name(&self) -> String {
        shown(self.name.as_deref())
            .or_else(|| shown(self.email.as_deref()))
            .unwrap_or_else(|| format!("visitor {}", self.id))
    }
}

/// One page of the visitor list, as the server answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorsPage {
    pub offset: u64,
    pub limit: u64,
    /// How many visitors the server says it has right now.
    pub total: u64,
    /// The readable entries, in the server's order.
    pub visitors: Vec<Visitor>,
    /// Entries of this page that could not be read as a visitor (no usable id).
    pub unreadable: u64,
    /// Entries that could not be read but told their id: each is in
    /// `visitors` as [`Visitor::unnamed`], and here with the reason.
    pub placeholders: Vec<(VisitorId, String)>,
}

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_name_falls_back_to_email_then_id() {
        let mut visitor = Visitor::unnamed(7);
        assert_eq!(visitor.display_name(), "visitor 7");
        visitor.email = Some("a@b.test".into());
        assert_eq!(visitor.display_name(), "a@b.test");
        visitor.name = Some("  ".into());
        assert_eq!(visitor.display_name(), "a@b.test");
        visitor.name = Some("Ana".into());
        assert_eq!(visitor.display_name(), "Ana");
    }
}
