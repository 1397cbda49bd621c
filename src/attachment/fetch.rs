//! An attachment's bytes, through a fresh link: the `file_url` a page
//! carried dies 20 seconds after its answer, so the message is asked for
//! again (`GET …/messages/{id}`) right before its file is downloaded.

use std::io::Write;

use crate::api::client::{ApiClient, Download};
use crate::api::error::ApiError;
use crate::model::MessageId;
use crate::open::{CheckedUrl, RefusedUrl, check_url};

use super::display_name;
use super::preview::{self, MAX_PREVIEW_BYTES, NoPreview, Preview};

/// Why an attachment could not be had.
#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// Asking for the message again failed.
    #[error("cannot get a fresh link: {0}")]
    Message(ApiError),
    /// The message, asked for again, carries no attachment any more.
    #[error("the message no longer has an attachment")]
    Gone,
    /// The fresh link is not one szchat follows.
    #[error("{0}")]
    Refused(RefusedUrl),
    /// The download itself failed.
    #[error("cannot download it: {0}")]
    Download(ApiError),
    /// Writing what came failed.
    #[error("cannot write it: {0}")]
    Write(std::io::Error),
}

/// A message's attachment, its download begun.
pub struct Incoming {
    /// The file name the fresh link gives (sanitised for display).
    pub name: String,
    download: Download,
}

/// An attachment's body, read up to a cap.
#[derive(Debug, PartialEq, Eq)]
pub enum Body {
    Complete(Vec<u8>),
    /// Larger than the cap: its announced size when there was one (nothing
    /// past the cap is read).
    TooLarge {
        size: Option<u64>,
    },
}

/// The fresh link of message `id`'s attachment.
pub async fn fresh_link(client: &ApiClient, id: MessageId) -> Result<CheckedUrl, AttachmentError> {
    let message = client
        .message(id, &|_| {})
        .await
        .map_err(AttachmentError::Message)?;
    let link = message.file_url.ok_or(AttachmentError::Gone)?;
    check_url(&link).map_err(AttachmentError::Refused)
}

/// Starts downloading message `id`'s attachment through a fresh link.
pub async fn open(client: &ApiClient, id: MessageId) -> Result<Incoming, AttachmentError> {
    let link = fresh_link(client, id).await?;
    let download = client
        .download(&link)
        .await
        .map_err(AttachmentError::Download)?;
    Ok(Incoming {
        name: display_name(link.as_str()),
        download,
    })
}

/// Message `id`'s attachment decoded for a preview, through a fresh link:
/// read up to [`MAX_PREVIEW_BYTES`] (a larger file is refused unread) and
/// decoded on a blocking thread, never on the caller's.
pub async fn preview(client: &ApiClient, id: MessageId) -> Result<Preview, NoPreview> {
    let unavailable = |error: AttachmentError| NoPreview::Unavailable(error.to_string());
    let incoming = open(client, id).await.map_err(unavailable)?;
    let name = incoming.name.clone();
    let bytes = match incoming
        .read(MAX_PREVIEW_BYTES)
        .await
        .map_err(unavailable)?
    {
        Body::Complete(bytes) => bytes,
        Body::TooLarge { size } => {
            return Err(NoPreview::TooManyBytes(
                size.unwrap_or(MAX_PREVIEW_BYTES + 1),
            ));
        }
    };
    tokio::task::spawn_blocking(move || preview::decode(&name, &bytes))
        .await
        .map_err(|error| NoPreview::Unavailable(error.to_string()))?
}

impl Incoming {
    /// The size the server announced, if any.
    pub fn announced_size(&self) -> Option<u64> {
        self.download.announced_size()
    }

    /// The whole body if it is at most `cap` bytes; reading stops at the cap.
    pub async fn read(mut self, cap: u64) -> Result<Body, AttachmentError> {
        let announced = self.announced_size();
        if announced.is_some_and(|size| size > cap) {
            return Ok(Body::TooLarge { size: announced });
        }
        let capacity = announced.and_then(|size| usize::try_from(size).ok());
        let mut bytes = Vec::with_capacity(capacity.unwrap_or(0));
        while let Some(chunk) = self.next().await? {
            if (bytes.len() + chunk.len()) as u64 > cap {
                return Ok(Body::TooLarge { size: announced });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Body::Complete(bytes))
    }

    /// Writes the whole body to `out` as it comes; the bytes written.
    pub async fn save(mut self, out: &mut impl Write) -> Result<u64, AttachmentError> {
        let mut written = 0;
        while let Some(chunk) = self.next().await? {
            out.write_all(&chunk).map_err(AttachmentError::Write)?;
            written += chunk.len() as u64;
        }
        out.flush().map_err(AttachmentError::Write)?;
        Ok(written)
    }

    async fn next(&mut self) -> Result<Option<Vec<u8>>, AttachmentError> {
        self.download
            .chunk()
            .await
            .map_err(AttachmentError::Download)
    }
}
