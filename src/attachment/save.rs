//! Saving an attachment to the file the reader chose: never over a file
//! that is there unless they said so, never through a symlink at the
//! target, and never a half-written file left under the name.
//!
//! A new file is created with `create_new` (which refuses any existing
//! name, a symlink included) and filled as the download comes. A
//! replacement is written beside the target under a hidden name and
//! renamed over it once whole: a symlink at the target is replaced, not
//! followed, and a failed download leaves the old file as it was.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::fetch::{self, AttachmentError};
use super::filename::{numbered, sanitize_file_name};
use crate::api::client::ApiClient;
use crate::model::MessageId;

/// How much is written between two progress reports.
pub const PROGRESS_STEP: u64 = 1 << 20;
/// How many numbered names are tried before giving up on a free one.
const MAX_NUMBER: u32 = 999;

/// Save message `id`'s attachment at `path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveRequest {
    pub id: MessageId,
    /// As the reader typed it: `~/` stands for the home directory.
    pub path: PathBuf,
    /// The reader agreed to replace what is at `path`.
    pub replace: bool,
}

/// A finished save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The file written, `~` expanded.
    pub path: PathBuf,
    pub bytes: u64,
}

/// How far a save has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub written: u64,
    /// The size the server announced, if any.
    pub total: Option<u64>,
}

/// Why a save did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Something is at the path already; `free` is the first numbered
    /// name beside it that is not taken ("shot (2).png").
    #[error("{} exists", path.display())]
    Exists { path: PathBuf, free: PathBuf },
    /// The attachment could not be had.
    #[error("{0}")]
    Attachment(AttachmentError),
    /// The file could not be made or written.
    #[error("cannot write {}: {error}", path.display())]
    Write { path: PathBuf, error: io::Error },
}

/// The directory attachments are suggested to go to: `$XDG_DOWNLOAD_DIR`
/// (from the environment, else from `user-dirs.dirs`), else `~/Downloads`,
/// else the current directory.
pub fn download_dir() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let from_env = std::env::var_os("XDG_DOWNLOAD_DIR").map(PathBuf::from);
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|home| home.join(".config")));
    let from_file = config
        .and_then(|dir| std::fs::read_to_string(dir.join("user-dirs.dirs")).ok())
        .and_then(|text| user_dirs_download(&text, home.as_deref()));
    from_env
        .filter(|dir| dir.is_absolute())
        .or(from_file)
        .or_else(|| home.map(|home| home.join("Downloads")))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The `XDG_DOWNLOAD_DIR="$HOME/…"` line of a `user-dirs.dirs` file.
fn user_dirs_download(text: &str, home: Option<&Path>) -> Option<PathBuf> {
    let value = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("XDG_DOWNLOAD_DIR="))?;
    let value = value.trim().trim_matches('"');
    match value.strip_prefix("$HOME") {
        Some(rest) => Some(home?.join(rest.trim_start_matches('/'))),
        None => Some(PathBuf::from(value)).filter(|dir| dir.is_absolute()),
    }
}

/// Where the prompt first suggests saving a file the link calls `name`.
pub fn suggested_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(sanitize_file_name(name))
}

/// `path` with a leading `~/` made the home directory.
pub fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}

/// Saves `request`'s attachment through a fresh link, telling
/// `on_progress` every [`PROGRESS_STEP`] bytes. The file is reserved
/// before anything is asked of the server, so a name that is taken costs
/// no request.
pub async fn save(
    client: &ApiClient,
    request: &SaveRequest,
    on_progress: impl Fn(Progress),
) -> Result<Saved, SaveError> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let path = expand_home(&request.path, home.as_deref());
    let mut target = Target::reserve(&path, request.replace)?;
    let incoming = fetch::open(client, request.id)
        .await
        .map_err(SaveError::Attachment)?;
    let total = incoming.announced_size();
    let file = target.file.take().expect("a reserved target has its file");
    let mut out = Reporting {
        file,
        progress: Progress { written: 0, total },
        reported: 0,
        on_progress,
    };
    let bytes = incoming.save(&mut out).await.map_err(|error| match error {
        AttachmentError::Write(error) => SaveError::Write {
            path: path.clone(),
            error,
        },
        other => SaveError::Attachment(other),
    })?;
    target.file = Some(out.file);
    target.commit()?;
    Ok(Saved { path, bytes })
}

/// The file a save writes into, removed again unless committed.
struct Target {
    /// The path asked for.
    path: PathBuf,
    /// Where the bytes go: `path` itself, or a hidden file beside it that
    /// replaces it at the end.
    writing: PathBuf,
    file: Option<File>,
    committed: bool,
}

impl Target {
    /// Creates the file to write into; the directory is made if missing
    /// (as a browser makes its download folder).
    fn reserve(path: &Path, replace: bool) -> Result<Target, SaveError> {
        let write_error = |error| SaveError::Write {
            path: path.to_owned(),
            error,
        };
        let name = path
            .file_name()
            .ok_or_else(|| write_error(io::Error::other("no file name given")))?;
        let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty());
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        if !replace {
            return match create_new(path) {
                Ok(file) => Ok(Target::new(path, path.to_owned(), file)),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
                    Err(SaveError::Exists {
                        path: path.to_owned(),
                        free: free_name(path).ok_or_else(|| write_error(error))?,
                    })
                }
                Err(error) => Err(write_error(error)),
            };
        }
        if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir()) {
            return Err(write_error(io::Error::other("it is a directory")));
        }
        let hidden = format!(".{}.szchat-part", name.to_string_lossy());
        for n in 1..=MAX_NUMBER {
            let writing = path.with_file_name(numbered(&hidden, n));
            match create_new(&writing) {
                Ok(file) => return Ok(Target::new(path, writing, file)),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(write_error(error)),
            }
        }
        Err(write_error(io::Error::other("no free name beside it")))
    }

    fn new(path: &Path, writing: PathBuf, file: File) -> Target {
        Target {
            path: path.to_owned(),
            writing,
            file: Some(file),
            committed: false,
        }
    }

    /// Makes the written file the one at `path`.
    fn commit(mut self) -> Result<(), SaveError> {
        let write_error = |error| SaveError::Write {
            path: self.path.clone(),
            error,
        };
        if let Some(file) = self.file.take() {
            file.sync_all().map_err(write_error)?;
        }
        if self.writing != self.path {
            std::fs::rename(&self.writing, &self.path).map_err(write_error)?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if !self.committed {
            self.file = None;
            // Best effort: what is left is a partial file the reader did not ask for.
            let _ = std::fs::remove_file(&self.writing);
        }
    }
}

/// Opens a file that must not exist yet, readable by all like a browser's
/// downloads; an existing name (a symlink too) is refused, never followed.
fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o644);
    }
    options.open(path)
}

/// The first of "NAME (2)", "NAME (3)", … beside `path` that is not taken.
pub fn free_name(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    (2..=MAX_NUMBER)
        .map(|n| path.with_file_name(numbered(&name, n)))
        .find(|candidate| std::fs::symlink_metadata(candidate).is_err())
}

/// A file that reports how much went into it.
struct Reporting<F> {
    file: File,
    progress: Progress,
    reported: u64,
    on_progress: F,
}

impl<F: Fn(Progress)> Write for Reporting<F> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let written = self.file.write(bytes)?;
        self.progress.written += written as u64;
        if self.progress.written - self.reported >= PROGRESS_STEP {
            self.reported = self.progress.written;
            (self.on_progress)(self.progress);
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_download_dir_line_of_user_dirs_is_read() {
        let home = Path::new("/home/op");
        let text = "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_DOWNLOAD_DIR=\"$HOME/Dl\"\n";
        assert_eq!(
            user_dirs_download(text, Some(home)),
            Some(PathBuf::from("/home/op/Dl"))
        );
        assert_eq!(
            user_dirs_download("XDG_DOWNLOAD_DIR=\"/srv/in\"", Some(home)),
            Some(PathBuf::from("/srv/in"))
        );
        assert_eq!(user_dirs_download("XDG_DOWNLOAD_DIR=\"rel\"", None), None);
        assert_eq!(user_dirs_download("", Some(home)), None);
    }

    #[test]
    fn the_suggested_name_is_sanitised_and_the_tilde_is_home() {
        let dir = Path::new("/home/op/Downloads");
        assert_eq!(
            suggested_path(dir, "../../.bashrc"),
            PathBuf::from("/home/op/Downloads/_.._.bashrc")
        );
        let home = Some(Path::new("/home/op"));
        assert_eq!(
            expand_home(Path::new("~/x/shot.png"), home),
            PathBuf::from("/home/op/x/shot.png")
        );
        assert_eq!(
            expand_home(Path::new("/tmp/~/a"), home),
            PathBuf::from("/tmp/~/a")
        );
        assert_eq!(expand_home(Path::new("~/a"), None), PathBuf::from("~/a"));
    }

    #[test]
    fn a_taken_name_is_refused_and_the_next_free_one_offered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shot.png");
        std::fs::write(&path, b"old").unwrap();
        std::fs::write(dir.path().join("shot (2).png"), b"old").unwrap();
        let error = Target::reserve(&path, false).err().unwrap();
        let SaveError::Exists { free, .. } = error else {
            panic!("{error}");
        };
        assert_eq!(free, dir.path().join("shot (3).png"));
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, b"keep").unwrap();
        let path = dir.path().join("shot.png");
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert!(matches!(
            Target::reserve(&path, false),
            Err(SaveError::Exists { .. })
        ));
        // Replaced, the link itself goes; what it pointed at stays.
        let mut target = Target::reserve(&path, true).unwrap();
        target.file.as_mut().unwrap().write_all(b"new").unwrap();
        target.commit().unwrap();
        assert_eq!(std::fs::read(&elsewhere).unwrap(), b"keep");
        assert!(!std::fs::symlink_metadata(&path).unwrap().is_symlink());
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn an_unfinished_save_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("shot.png");
        drop(Target::reserve(&path, false).unwrap());
        assert!(!path.exists());
        std::fs::write(&path, b"old").unwrap();
        drop(Target::reserve(&path, true).unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(left.len(), 1, "only the old file: {left:?}");
    }
}
