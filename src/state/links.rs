//! Opening and copying attachment links. Links expire 20 s after the answer
//! that carried them, so each `o` or `y` fetches the message again and acts
//! on the fresh link only if it is still the one waited for.

use super::{AppState, Effect, Exit, Failure, Overlay, Status, StatusKind, StatusTopic};
use crate::api::error::ApiError;
use crate::fetch::{FetchRequest, LinkPurpose};
use crate::model::{Message, MessageId};
use crate::open::check_url;
use crate::sanitize::sanitize_text;
use crate::text::detail::{self, Json};
use crate::text::profile;

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
        if !message.has_attachment() {
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
        Some(match check_url(raw) {
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

/// Links, the clipboard and what failed outside, as the app state drives them.
impl AppState {
    pub(super) fn fetch_link(&mut self, purpose: LinkPurpose) -> Option<Effect> {
        let selected = self.viewport.selected();
        let message = selected.and_then(|id| self.conversation.get(id));
        match self.links.fetch(message, purpose) {
            Ok(effect) => Some(effect),
            Err(status) => {
                self.set_status(status);
                None
            }
        }
    }

    /// Sends the selected message's text, as sanitized for the screen and
    /// without the view's gutter or indent, to the clipboard.
    pub(super) fn copy_text(&mut self) -> Option<Effect> {
        let selected = self.viewport.selected();
        let Some(message) = selected.and_then(|id| self.conversation.get(id)) else {
            self.set_status(Status::info("no message selected"));
            return None;
        };
        let text = sanitize_text(&message.body);
        if text.trim().is_empty() {
            self.set_status(Status::info("this message has no text"));
            return None;
        }
        // OSC 52 has no answer: say what was done, not that it worked.
        self.set_status(Status::info("message text sent to the terminal clipboard"));
        Some(Effect::Copy(text))
    }

    /// `c` in the details: the JSON of the message they show, as they show it.
    pub(super) fn copy_json(&mut self) -> Option<Effect> {
        let shown = match self.overlays.top() {
            Some(Overlay::Detail(detail)) => {
                self.conversation.get(detail.id()).map(|m| (detail, m))
            }
            _ => None,
        };
        let Some((shown, message)) = shown else {
            self.set_status(Status::info("no message selected"));
            return None;
        };
        let (status, copied) = match shown.json(message) {
            Json::Text(raw) => (
                "message JSON sent to the terminal clipboard".to_owned(),
                Some(detail::json_text(raw)),
            ),
            Json::Reading => (
                "the JSON is still being read from the archive".to_owned(),
                None,
            ),
            Json::Unavailable(reason) => (format!("no JSON to copy: {reason}"), None),
        };
        self.set_status(Status::info(status));
        copied.map(Effect::Copy)
    }

    /// `c` in the profile panel: the marked field's value, as shown.
    pub(super) fn copy_profile_value(&mut self) -> Option<Effect> {
        let marked = match self.overlays.top() {
            Some(Overlay::Profile { field, .. }) => field.index(),
            _ => return None,
        };
        let fields = profile::fields(&self.visitor, self.zone());
        let Some(field) = fields.into_iter().nth(marked) else {
            self.set_status(Status::info("the profile is not loaded"));
            return None;
        };
        let Some(value) = field.value else {
            self.set_status(Status::info(format!("no {} to copy", field.label)));
            return None;
        };
        self.set_status(Status::info(format!(
            "{} sent to the terminal clipboard",
            field.label
        )));
        Some(Effect::Copy(value))
    }

    /// `o` in the profile panel: the visitor's last URL, under the same rules
    /// as an attachment's link (http and https only).
    pub(super) fn open_last_url(&mut self) -> Option<Effect> {
        let url = self.visitor.known().and_then(|v| v.last_url.clone());
        let Some(url) = url.filter(|url| !url.trim().is_empty()) else {
            self.set_status(Status::info("no last URL known for this visitor"));
            return None;
        };
        match check_url(url.trim()) {
            Ok(checked) => {
                self.set_status(Status::about(
                    StatusTopic::Link,
                    StatusKind::Info,
                    "opening the visitor's last URL",
                ));
                Some(Effect::Open(checked))
            }
            Err(refused) => {
                self.set_status(Status::about(
                    StatusTopic::Link,
                    StatusKind::Error,
                    refused.to_string(),
                ));
                None
            }
        }
    }

    pub(super) fn effect_failed(&mut self, failure: Failure) {
        match failure {
            Failure::Open(reason) => self.set_status(Status::about(
                StatusTopic::Link,
                StatusKind::Error,
                format!("{reason} (press y to copy the link)"),
            )),
            Failure::Copy(reason) => self.set_status(Status::about(
                StatusTopic::Link,
                StatusKind::Error,
                format!("could not send to the terminal clipboard: {reason}"),
            )),
            Failure::Suspend(reason) => self.set_status(Status::about(
                StatusTopic::Other,
                StatusKind::Error,
                format!("could not suspend: {reason}"),
            )),
            // The conversation asks no store yet: nothing to tell.
            Failure::NoStore => {}
            Failure::FetchTaskGone => {
                self.exit.get_or_insert(Exit::Fatal(
                    "the fetch task stopped unexpectedly".to_owned(),
                ));
            }
        }
    }
}
