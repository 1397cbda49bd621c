//! The attachments of an exported history, once the history is in: each
//! fetched through a fresh link (the links in the pages are dead by then),
//! embedded in an html transcript when it is an image, and saved under
//! `--save-attachments DIR` (sanitised names, never over an existing file).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};

use crate::api::client::ApiClient;
use crate::attachment::fetch::{self, AttachmentError, Body};
use crate::attachment::filename::{numbered, sanitize_file_name};
use crate::model::MessageId;

use super::html::embed::{Embedded, NotEmbedded, embed};

/// Images larger than this are listed, not embedded.
pub const MAX_EMBEDDED_BYTES: u64 = 10 * 1024 * 1024;
/// How many " (n)" variants of a name are tried before giving up.
const MAX_NUMBERED: u32 = 10_000;

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
#[error("cannot save the attachment {name} of message {id}: {error}")]
pub struct SaveError {
    pub id: MessageId,
    pub name: String,
    pub error: AttachmentError,
}

/// Fetches the attachment of each of `messages` (id and the name its old
/// link gave), one after the other: each fresh link is used at once.
pub async fn fetch_all(
    client: &ApiClient,
    messages: &[(MessageId, String)],
    wanted: Wanted<'_>,
) -> Result<Fetched, SaveError> {
    let mut fetched = Fetched::default();
    for (id, old_name) in messages {
        let (shown, saved) = fetch_one(client, *id, old_name, wanted).await?;
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
    old_name: &str,
    wanted: Wanted<'_>,
) -> Result<(Shown, Option<PathBuf>), SaveError> {
    let listed = |name: &str, size, note: Option<String>| Shown::Listed {
        name: name.to_owned(),
        size,
        note,
    };
    let incoming = match fetch::open(client, id).await {
        Ok(incoming) => incoming,
        Err(error) if wanted.save_to.is_some() => {
            return Err(SaveError {
                id,
                name: old_name.to_owned(),
                error,
            });
        }
        Err(error) => return Ok((listed(old_name, None, Some(error.to_string())), None)),
    };
    let name = incoming.name.clone();
    let save_error = |error| SaveError {
        id,
        name: name.clone(),
        error,
    };
    let (body, saved) = match wanted.save_to {
        Some(dir) => {
            let (path, size) = save(incoming, dir).await.map_err(save_error)?;
            let body = if wanted.embed && size <= MAX_EMBEDDED_BYTES {
                read_back(&path).map_err(|e| save_error(AttachmentError::Write(e)))?
            } else {
                Body::TooLarge { size: Some(size) }
            };
            (Ok(body), Some(path))
        }
        None if wanted.embed => (incoming.read(MAX_EMBEDDED_BYTES).await, None),
        None => (Ok(Body::TooLarge { size: None }), None),
    };
    let shown = match body {
        Err(error) => listed(&name, None, Some(error.to_string())),
        Ok(Body::TooLarge { size }) => listed(&name, size, too_large_note(size, wanted)),
        Ok(Body::Complete(bytes)) => match embed(&bytes) {
            Ok(image) => Shown::Embedded { name, image },
            Err(NotEmbedded::NotAnImage) => listed(&name, Some(bytes.len() as u64), None),
            Err(why) => listed(&name, Some(bytes.len() as u64), Some(why.to_string())),
        },
    };
    Ok((shown, saved))
}

fn too_large_note(size: Option<u64>, wanted: Wanted<'_>) -> Option<String> {
    let over = size.is_none_or(|size| size > MAX_EMBEDDED_BYTES);
    (wanted.embed && over).then(|| "over 10 MB: not embedded".to_owned())
}

/// Writes the download to a new file in `dir` under its sanitised name
/// (" (2)" and on when taken); a failed download leaves no file.
async fn save(incoming: fetch::Incoming, dir: &Path) -> Result<(PathBuf, u64), AttachmentError> {
    let (path, file) =
        create_new(dir, &sanitize_file_name(&incoming.name)).map_err(AttachmentError::Write)?;
    let mut out = BufWriter::new(file);
    match incoming.save(&mut out).await {
        Ok(size) => Ok((path, size)),
        Err(error) => {
            drop(out);
            let _ = std::fs::remove_file(&path);
            Err(error)
        }
    }
}

/// A file created in `dir` that was not there before: `name`, or its
/// first free numbered variant.
pub fn create_new(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    for n in 1..=MAX_NUMBERED {
        let path = dir.join(numbered(name, n));
        match private_options().open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{name} and {MAX_NUMBERED} numbered variants exist already"),
    ))
}

/// A new file only the operator can read, as an export's own file.
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn read_back(path: &Path) -> io::Result<Body> {
    let mut bytes = Vec::new();
    File::open(path)?.read_to_end(&mut bytes)?;
    Ok(Body::Complete(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_next_number_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.pdf"), b"mine").unwrap();
        let (first, _) = create_new(dir.path(), "report.pdf").unwrap();
        let (second, _) = create_new(dir.path(), "report.pdf").unwrap();
        assert_eq!(first, dir.path().join("report (2).pdf"));
        assert_eq!(second, dir.path().join("report (3).pdf"));
        assert_eq!(
            std::fs::read(dir.path().join("report.pdf")).unwrap(),
            b"mine"
        );
    }
}
