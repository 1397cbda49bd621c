//! `--export html`: one self-contained page a ticket system or a browser
//! shows as it is and that prints cleanly. Every string from the server is
//! escaped by the template engine (maud escapes whatever is spliced in);
//! nothing is written by hand as markup but the page's own constants. The
//! page can load and run nothing ([`CSP`]); only http(s) URLs in bodies
//! are links, and an attachment's expiring link never appears in it.

pub mod embed;
pub mod links;
pub mod style;

use std::io::{self, Write};

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Header;
use super::attachments::Shown;
use super::figures::Figure;
use crate::attachment;
use crate::model::{EntryRef, Message, MessageId, Sender};
use crate::numbers::grouped;
use crate::sanitize::{sanitize_line, sanitize_text};
use crate::timefmt::LocalZone;

use links::Piece;

/// The page may load nothing but its own `data:` images and run nothing.
pub const CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// Writes the whole page: `messages` oldest first, attachments as `shown`
/// (by message id), `figures` in the header.
pub fn write_page(
    out: &mut impl Write,
    header: &Header,
    figures: &[Figure],
    messages: &[Message],
    shown: &dyn Fn(MessageId) -> Option<Shown>,
    zone: &LocalZone,
) -> io::Result<()> {
    let page = page(header, figures, messages, shown, zone);
    out.write_all(page.into_string().as_bytes())
}

fn page(
    header: &Header,
    figures: &[Figure],
    messages: &[Message],
    shown: &dyn Fn(MessageId) -> Option<Shown>,
    zone: &LocalZone,
) -> Markup {
    let (name, _) = header.who();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="referrer" content="no-referrer";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Conversation with " (name) }
                style { (PreEscaped(style::CSS)) }
            }
            body {
                (header_block(header, figures))
                main {
                    (conversation(messages, shown, zone))
                }
            }
        }
    }
}

fn header_block(header: &Header, figures: &[Figure]) -> Markup {
    let (name, email) = header.who();
    let reference = header.reference();
    html! {
        header.transcript {
            h1 { "Conversation with " (name) }
            dl {
                dt { "Visitor" } dd { (name) }
                @if let Some(email) = email { dt { "E-mail" } dd { (email) } }
                dt { "Id" } dd { (header.user_id) }
                @if let Some(reference) = reference { dt { "Reference" } dd { (reference) } }
                dt { "Period" } dd { (header.period_line()) }
                @for figure in figures { dt { (figure.label) } dd { (figure.value) } }
            }
        }
    }
}

/// The messages with a heading wherever a new local day begins.
fn conversation(
    messages: &[Message],
    shown: &dyn Fn(MessageId) -> Option<Shown>,
    zone: &LocalZone,
) -> Markup {
    let mut day: Option<NaiveDate> = None;
    let mut blocks = Vec::with_capacity(messages.len());
    for message in messages {
        let starts_day = message.created_at.filter(|at| {
            let date = zone.local_date(*at);
            let new = day != Some(date);
            day = Some(date);
            new
        });
        blocks.push((starts_day.map(|at| zone.day_label(at)), message));
    }
    html! {
        @for (label, message) in blocks {
            @if let Some(label) = label { (day_heading(&label)) }
            (message_block(message, shown(message.id), zone))
        }
    }
}

fn day_heading(label: &str) -> Markup {
    html! { h2.day { (sanitize_line(label)) } }
}

fn message_block(message: &Message, shown: Option<Shown>, zone: &LocalZone) -> Markup {
    let id = format!("m{}", message.id);
    if let Some(unreadable) = &message.unreadable {
        let what = match unreadable.entry {
            EntryRef::Id(id) => format!("message {id}"),
            EntryRef::Offset(offset) => format!("the message at offset {offset}"),
        };
        let reason = sanitize_line(&unreadable.reason);
        return html! {
            article.message.unreadable id=(id) {
                (what) " could not be read: " (reason.trim())
            }
        };
    }
    let sender = message.sender.sanitized();
    let mut class = format!("message {}", sender.role_label());
    if message.auto_invitation {
        class.push_str(" auto-invitation");
    }
    let receipt = match message.sender {
        Sender::Visitor { .. } => message.read_by_operator,
        Sender::Operator { .. } => message.read_by_user,
        Sender::Other { .. } => None,
    };
    let body = sanitize_text(&message.body);
    let body = body.trim_matches('\n');
    html! {
        article class=(class) id=(id) {
            div.meta {
                span.sender { (sender.display_name()) }
                " · " span.role { (sender.role_label()) }
                " · " (time(message, zone))
                @if message.auto_invitation { " · " span.tag { "auto-invitation" } }
                @match receipt {
                    Some(true) => { " · " span.seen { "✓ seen" } }
                    Some(false) => { " · " span.unseen { "unseen" } }
                    None => {}
                }
            }
            @if !body.trim().is_empty() {
                div.body { (linked(body)) }
            }
            @if let Some(shown) = shown {
                (attachment_block(&shown))
            } @else if let Some(name) = attachment::file_name_of(message) {
                p.attachment { "Attachment: " (name) }
            }
        }
    }
}

/// "09:14 UTC+01:00", with the exact moment in `datetime`.
fn time(message: &Message, zone: &LocalZone) -> Markup {
    match message.created_at {
        Some(at) => {
            let zoned = zone.zoned(at);
            html! {
                time datetime=(zoned.to_rfc3339()) {
                    (zoned.format("%H:%M UTC%:z").to_string())
                }
            }
        }
        None => html! { span.time { "time unknown" } },
    }
}

/// A body's text with its http(s) URLs as links, and nothing else.
fn linked(body: &str) -> Markup {
    html! {
        @for piece in links::pieces(body) {
            @match piece {
                Piece::Text(text) => (text),
                Piece::Link { text, url } => {
                    a href=(url.as_str()) rel="noopener noreferrer" { (text) }
                }
            }
        }
    }
}

fn attachment_block(shown: &Shown) -> Markup {
    match shown {
        Shown::Embedded { name, image } => html! {
            figure.attachment {
                img src=(image.data_uri) alt=(name) width=(image.width) height=(image.height);
                figcaption { "Attachment: " (name) }
            }
        },
        Shown::Listed { name, size, note } => html! {
            p.attachment {
                "Attachment: " (name)
                @if let Some(size) = size { " · " (size_label(*size)) }
                @if let Some(note) = note { " · " (note) }
            }
        },
    }
}

/// "812 bytes", "14.2 KB", "3.1 MB".
pub fn size_label(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let value = bytes as f64;
    if value < KB {
        format!("{} bytes", grouped(bytes))
    } else if value < KB * KB {
        format!("{:.1} KB", value / KB)
    } else {
        format!("{:.1} MB", value / (KB * KB))
    }
}

#[cfg(test)]
mod tests;
