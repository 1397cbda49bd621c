//! Opening and copying attachment links. Links expire 20 s after the answer
//! that carried them, so each `o` or `y` fetches the message again and acts
//! on the fresh link only if it is still the one waited for.

use super::{Effect, Status, StatusKind, StatusTopic};
use crate::api::error::ApiError;
use crate::fetch::{FetchRequest, LinkPurpose};
use crate::model::{Message, MessageId};
use crate::open;

/// The link being fetched, if any.
#[derive(Debug, Default)]
pub(super) struct Links {
    pending: Option<(MessageId, LinkPurpose)>,
}

impl Links {
    /// True while a fresh link is being fetched.
    pub(super) fn fetching(&self) -> bool {
        self.pending.is_some()
    }

    /// Asks for a fresh link to `message`'s attachment (the selected message).
    pub(super) fn fetch(
        &mut self,
        message: Option<&Message>,
        purpose: LinkPurpose,
    ) -> Result<Effect, Status> {
        let Some(message) = message else {
            return Err(Status::info("no message selected"));
        };
        if message.file_url.is_none() {
            return Err(Status::info("this message has no attachment"));
        }
        let id = message.id;
        self.pending = Some((id, purpose));
        // No notice: the status bar shows "fetching link…" while it is pending.
        Ok(Effect::Fetch(FetchRequest::Message { id, purpose }))
    }

    /// Takes a fetched message; `None` if no one waits for this link.
    pub(super) fn arrived(
        &mut self,
        id: MessageId,
        purpose: LinkPurpose,
        result: Result<Box<Message>, ApiError>,
    ) -> Option<(Status, Option<Effect>)> {
        if self.pending != Some((id, purpose)) {
            return None;
        }
        self.pending = None;
        let message = match result {
            Ok(message) => message,
            Err(error) => {
                return Some((
                    link_error(format!("could not fetch the link: {error}")),
                    None,
                ));
            }
        };
        let Some(raw) = message.file_url.as_deref() else {
            return Some((link_error("the message no longer has an attachment"), None));
        };
        Some(match open::check_url(raw) {
            Ok(url) => {
                let name = url.file_name();
                match purpose {
                    LinkPurpose::Open => (
                        link_info(format!("opening {name} (link valid for 20 s)")),
                        Some(Effect::Open(url)),
                    ),
                    // OSC 52 has no answer: say what was done, not that it worked.
                    LinkPurpose::Copy => (
                        link_info(format!(
                            "link to {name} sent to the terminal clipboard (valid for 20 s)"
                        )),
                        Some(Effect::Copy(url.as_str().to_owned())),
                    ),
                }
            }
            Err(refusal) => (link_error(refusal.to_string()), None),
        })
    }
}

fn link_info(text: String) -> Status {
    Status::about(StatusTopic::Link, StatusKind::Info, text)
}

fn link_error(text: impl Into<String>) -> Status {
    Status::about(StatusTopic::Link, StatusKind::Error, text)
}
