//! The attachments of an exported history, once the history is in: each
//! fetched through a fresh link (the links in the pages are dead by then),
//! embedded in an html transcript when it is an image, and saved under
//! `--save-attachments DIR` (sanitised names, never over an existing file).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::api::client::ApiClient;
use crate::attachment;
use crate::attachment::fetch::{self, AttachmentError, Body};
use crate::attachment::filename::sanitize_file_name;
use crate::attachment::save::{self, SaveRequest, Saved};
use crate::model::{Message, MessageId};

use super::html::embed::{Embedded, NotEmbedded, embed};

/// Images larger than this are listed, not embedded.
pub const MAX_EMBEDDED_BYTES: u64 = 10 * 1024 * 1024;
/// Why an attachment of a transcript written `--offline` is not shown.
pub const OFFLINE: &str = "not fetched: exported offline";

/// How an attachment appears in an html transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// An image, in the page itself.
    Embedded { name: String, image: Embedded },
    /// Named with its size (when known), and why it is not shown, if it is
    /// an image or could not be fetched.
    Listed {
        name: String,
        size: Option<u64>,
        note: Option<String>,
    },
}

/// What to do with the attachments.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// Images are embedded (html).
    pub embed: bool,
    /// Every attachment is saved here.
    pub save_to: Option<&'a Path>,
}

/// What was done with them.
#[derive(Debug, Default)]
pub struct Fetched {
    pub shown: HashMap<MessageId, Shown>,
    /// The files written, in the history's order.
    pub saved: Vec<PathBuf>,
}

/// Why saving an attachment failed: the export fails with it.
#[derive(Debug, thiserror::Error)]
#[error("cannot save the attachment {name} of message {id}: {reason}")]
pub struct SaveError {
    pub id: MessageId,
    pub name: String,
    pub reason: String,
}

/// `message`'s id and the name of its attachment (from its link or the
/// archive), when it has one: what [`fetch_all`] takes.
pub fn named(message: &Message) -> Option<(MessageId, String)> {
    Some((message.id, attachment::file_name_of(message)?))
}

/// How each of `messages`' attachments appears in an html transcript
/// written offline: by name, with why it is not shown, as nothing can be
/// fetched.
pub fn offline(messages: &[Message]) -> HashMap<MessageId, Shown> {
    let listed = |(id, name)| {
        let note = Some(OFFLINE.to_owned());
        (
            id,
            Shown::Listed {
                name,
                size: None,
                note,
            },
        )
    };
    messages.iter().filter_map(named).map(listed).collect()
}

/// Fetches the attachment of each of `messages` (id and the name its old
/// link gave), one after the other: each fresh link is used at once.
/// `on_next` is told how many are done of how many, before each one.
pub async fn fetch_all(
    client: &ApiClient,
    messages: &[(MessageId, String)],
    wanted: Wanted<'_>,
    on_next: &dyn Fn(usize, usize),
) -> Result<Fetched, SaveError> {
    let mut fetched = Fetched::default();
    for (done, (id, name)) in messages.iter().enumerate() {
        on_next(done, messages.len());
        let (shown, saved) = fetch_one(client, *id, name, wanted).await?;
        if let Some(path) = saved {
            fetched.saved.push(path);
        }
        fetched.shown.insert(*id, shown);
    }
    Ok(fetched)
}

async fn fetch_one(
    client: &ApiClient,
    id: MessageId,
    name: &str,
    wanted: Wanted<'_>,
) -> Result<(Shown, Option<PathBuf>), SaveError> {
    if let Some(dir) = wanted.save_to {
        let saved = save_new(client, id, dir, name)
            .await
            .map_err(|error| SaveError {
                id,
                name: name.to_owned(),
                reason: error.to_string(),
            })?;
        let body = if wanted.embed && saved.bytes <= MAX_EMBEDDED_BYTES {
            std::fs::read(&saved.path)
                .map(Body::Complete)
                .map_err(|error| SaveError {
                    id,
                    name: name.to_owned(),
                    reason: format!("cannot read back {}: {error}", saved.path.display()),
                })?
        } else {
            Body::TooLarge {
                size: Some(saved.bytes),
            }
        };
        return Ok((shown(name, Ok(body), wanted), Some(saved.path)));
    }
    if !wanted.embed {
        return Ok((shown(name, Ok(Body::TooLarge { size: None }), wanted), None));
    }
    let body = match fetch::open(client, id).await {
        Ok(incoming) => incoming.read(MAX_EMBEDDED_BYTES).await,
        Err(error) => Err(error),
    };
    Ok((shown(name, body, wanted), None))
}

/// How an attachment called `name` appears, given what came of it.
fn shown(name: &str, body: Result<Body, AttachmentError>, wanted: Wanted<'_>) -> Shown {
    let listed = |size, note: Option<String>| Shown::Listed {
        name: name.to_owned(),
        size,
        note,
    };
    match body {
        Err(error) => listed(None, Some(error.to_string())),
        Ok(Body::TooLarge { size }) => {
            let over = size.is_none_or(|size| size > MAX_EMBEDDED_BYTES);
            let note = (wanted.embed && over).then(|| "over 10 MB: not embedded".to_owned());
            listed(size, note)
        }
        Ok(Body::Complete(bytes)) => match embed(&bytes) {
            Ok(image) => Shown::Embedded {
                name: name.to_owned(),
                image,
            },
            Err(NotEmbedded::NotAnImage) => listed(Some(bytes.len() as u64), None),
            Err(why) => listed(Some(bytes.len() as u64), Some(why.to_string())),
        },
    }
}

/// Saves message `id`'s attachment in `dir` under `name` sanitised, or
/// the first numbered variant free ("report (2).pdf"): as `s` saves, a
/// taken name costs no request and nothing is overwritten.
async fn save_new(
    client: &ApiClient,
    id: MessageId,
    dir: &Path,
    name: &str,
) -> Result<Saved, save::SaveError> {
    let mut request = SaveRequest {
        id,
        path: dir.join(sanitize_file_name(name)),
        replace: false,
    };
    loop {
        match save::save(client, &request, |_| {}).await {
            // Another program may take the free name first: try the next.
            Err(save::SaveError::Exists { free, .. }) if free != request.path => {
                request.path = free;
            }
            outcome => return outcome,
        }
    }
}
