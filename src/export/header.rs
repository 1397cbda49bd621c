//! What a markdown or text transcript opens with: who the visitor is (name,
//! e-mail, id, from `GET /external/users/{id}`), the period from the first
//! to the last message exported, the one UTC offset every time in it is given in,
//! and the conversation's figures, once the whole history is known.

use std::io::{self, Write};

use chrono::{DateTime, FixedOffset, Utc};

use crate::api::client::ApiClient;
use crate::sanitize::sanitize_line;
use crate::timefmt::LocalZone;
use crate::visitor::Visitor;

use super::figures::Figure;
use super::markdown::escape;

/// How the header's times read: "Mon 16 Nov 2026 09:14".
const TIME_FORMAT: &str = "%a %-d %b %Y %H:%M";

/// Who and when, as the transcript's header says.
#[derive(Debug, Clone)]
pub struct Header {
    pub user_id: u64,
    /// `None` when the profile could not be fetched: the header says "visitor ID".
    pub visitor: Option<Visitor>,
    /// The first and the last exported message's times.
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The offset every time in the transcript is shown in.
    pub offset: FixedOffset,
    /// The conversation's figures, once the whole history is known (from
    /// the archive, or when every page has come); empty before.
    pub figures: Vec<Figure>,
}

impl Header {
    /// Asks the server for the visitor's profile (a failure only leaves the
    /// name out). The period and the figures come with the messages, once
    /// every page is in. Times are given in `zone`'s offset now, one offset
    /// for the whole transcript.
    pub async fn fetch(client: &ApiClient, user_id: u64, zone: &LocalZone) -> Header {
        let visitor = client.user(user_id, &|_| {}).await.ok();
        Header {
            user_id,
            visitor,
            period: None,
            offset: *zone.zoned(Utc::now()).offset(),
            figures: Vec::new(),
        }
    }

    /// Name, e-mail, id, each sanitised (raw for a format to escape).
    pub(crate) fn who(&self) -> (String, Option<String>) {
        let Some(visitor) = &self.visitor else {
            return (format!("visitor {}", self.user_id), None);
        };
        let name = sanitize_line(&visitor.display_name()).trim().to_owned();
        let email = visitor
            .email
            .as_deref()
            .map(|email| sanitize_line(email).trim().to_owned())
            .filter(|email| !email.is_empty() && *email != name);
        (name, email)
    }

    /// The visitor's reference (sanitised), when the profile has one.
    pub(crate) fn reference(&self) -> Option<String> {
        let reference = self.visitor.as_ref()?.reference.as_deref()?;
        let reference = sanitize_line(reference).trim().to_owned();
        (!reference.is_empty()).then_some(reference)
    }

    pub(crate) fn period_line(&self) -> String {
        let zone = format!("UTC{}", self.offset);
        match self.period {
            Some((first, last)) => format!(
                "{} – {}, all times in {zone}",
                first.with_timezone(&self.offset).format(TIME_FORMAT),
                last.with_timezone(&self.offset).format(TIME_FORMAT)
            ),
            None => format!("no messages, all times in {zone}"),
        }
    }

    fn visitor_line(&self) -> String {
        let (name, email) = self.who();
        let mut line = match email {
            Some(email) => format!("{name} · {email} · id {}", self.user_id),
            None => format!("{name} · id {}", self.user_id),
        };
        if let Some(reference) = self.reference() {
            line.push_str(&format!(" · reference {reference}"));
        }
        line
    }

    /// The markdown title and list.
    pub fn write_markdown(&self, out: &mut impl Write) -> io::Result<()> {
        let (name, _) = self.who();
        writeln!(out, "# Conversation with {}\n", escape(&name))?;
        writeln!(out, "- Visitor: {}", escape(&self.visitor_line()))?;
        writeln!(out, "- Period: {}", escape(&self.period_line()))?;
        for figure in &self.figures {
            writeln!(out, "- {}: {}", figure.label, escape(&figure.value))?;
        }
        Ok(())
    }

    /// The text header, then a blank line.
    pub fn write_text(&self, out: &mut impl Write) -> io::Result<()> {
        let (name, _) = self.who();
        writeln!(out, "Conversation with {name}")?;
        writeln!(out, "Visitor: {}", self.visitor_line())?;
        writeln!(out, "Period: {}", self.period_line())?;
        for figure in &self.figures {
            writeln!(out, "{}: {}", figure.label, figure.value)?;
        }
        writeln!(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_header_names_the_visitor_and_the_period_with_its_offset() {
        let offset = FixedOffset::east_opt(3600).unwrap();
        let mut visitor = Visitor::unnamed(4821);
        visitor.name = Some("Hana Whitfield".to_owned());
        visitor.email = Some("hana@kestrel.example".to_owned());
        visitor.reference = Some("kestrel-outdoor".to_owned());
        let header = Header {
            user_id: 4821,
            visitor: Some(visitor),
            period: Some((
                Utc.with_ymd_and_hms(2026, 11, 16, 8, 14, 0).unwrap(),
                Utc.with_ymd_and_hms(2026, 11, 27, 10, 46, 0).unwrap(),
            )),
            offset,
            figures: vec![Figure {
                label: "First response".to_owned(),
                value: "45 s".to_owned(),
            }],
        };
        let mut text = Vec::new();
        header.write_text(&mut text).unwrap();
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "Conversation with Hana Whitfield\n\
             Visitor: Hana Whitfield · hana@kestrel.example · id 4821 · reference kestrel-outdoor\n\
             Period: Mon 16 Nov 2026 09:14 – Fri 27 Nov 2026 11:46, \
             all times in UTC+01:00\n\
             First response: 45 s\n\n"
        );
        let unknown = Header {
            visitor: None,
            period: None,
            figures: Vec::new(),
            ..header
        };
        let mut markdown = Vec::new();
        unknown.write_markdown(&mut markdown).unwrap();
        assert_eq!(
            String::from_utf8(markdown).unwrap(),
            "# Conversation with visitor 4821\n\n\
             - Visitor: visitor 4821 · id 4821\n\
             - Period: no messages, all times in UTC+01:00\n"
        );
    }
}
