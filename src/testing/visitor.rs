//! Visitors built field by field.

use chrono::{DateTime, Utc};

use crate::visitor::{Attribute, Visitor, VisitorId};

/// A visitor to build: `visitor(4821).name("Ana").email("ana@example.pt")`.
/// Starts as [`Visitor::unnamed`].
pub fn visitor(id: VisitorId) -> VisitorBuilder {
    VisitorBuilder(Visitor::unnamed(id))
}

/// A visitor being built; see [`visitor`].
#[derive(Clone, Debug)]
#[must_use]
pub struct VisitorBuilder(Visitor);

impl VisitorBuilder {
    /// Another visitor's fields, to change some of them.
    pub fn like(visitor: Visitor) -> Self {
        VisitorBuilder(visitor)
    }

    pub fn name(mut self, name: &str) -> Self {
        self.0.name = Some(name.to_owned());
        self
    }

    pub fn email(mut self, email: &str) -> Self {
        self.0.email = Some(email.to_owned());
        self
    }

    pub fn reference(mut self, reference: &str) -> Self {
        self.0.reference = Some(reference.to_owned());
        self
    }

    pub fn created_at(mut self, time: Option<DateTime<Utc>>) -> Self {
        self.0.created_at = time;
        self
    }

    pub fn updated_at(mut self, time: Option<DateTime<Utc>>) -> Self {
        self.0.updated_at = time;
        self
    }

    pub fn online_at(mut self, time: Option<DateTime<Utc>>) -> Self {
        self.0.online_at = time;
        self
    }

    pub fn last_url(mut self, url: &str) -> Self {
        self.0.last_url = Some(url.to_owned());
        self
    }

    /// Adds a custom property, after those added before.
    pub fn attribute(mut self, name: &str, value: &str) -> Self {
        self.0.attributes.push(Attribute {
            name: name.to_owned(),
            value: value.to_owned(),
        });
        self
    }

    pub fn build(self) -> Visitor {
        self.0
    }
}

impl From<VisitorBuilder> for Visitor {
    fn from(builder: VisitorBuilder) -> Self {
        builder.build()
    }
}
