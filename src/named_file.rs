//! Opening a file the user named for us to read (the config file, the secret
//! file) without ever hanging on it: only a regular file, or a pipe already
//! open to us (`--secret-file <(pass show signalzen)`), is read. A named
//! pipe with no writer would block the open forever, and a device such as
//! `/dev/zero` never ends.

use std::fs::{File, Metadata};
use std::path::Path;

/// What kind of thing a named path is, said in words when it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAFile {
    Directory,
    NamedPipe,
    Device,
    Socket,
    Other,
}

impl NotAFile {
    /// "it is a directory", for the end of a "cannot read …: " line.
    pub fn reason(self) -> &'static str {
        match self {
            NotAFile::Directory => "it is a directory",
            NotAFile::NamedPipe => "it is a named pipe, not a file",
            NotAFile::Device => "it is a device, not a file",
            NotAFile::Socket => "it is a socket, not a file",
            NotAFile::Other => "it is not a regular file",
        }
    }
}

/// Why a named file could not be opened.
#[derive(Debug)]
pub enum OpenFailure {
    /// It is there, but is no file to read.
    NotAFile(NotAFile),
    /// The system refused (missing, no permission, …).
    Io(std::io::Error),
}

/// An opened file and what it is.
#[derive(Debug)]
pub struct Opened {
    pub file: File,
    pub metadata: Metadata,
    /// A pipe handed to us already open, as a shell's `<(…)` makes.
    pub is_pipe: bool,
}

/// Opens `path` for reading if it is a regular file or an open pipe; anything
/// else is refused from its metadata, before it is opened.
pub fn open(path: &Path) -> Result<Opened, OpenFailure> {
    let metadata = std::fs::metadata(path).map_err(OpenFailure::Io)?;
    let is_pipe = match refusal(&metadata) {
        None => false,
        Some(NotAFile::NamedPipe) if is_open_pipe(path) => true,
        Some(kind) => return Err(OpenFailure::NotAFile(kind)),
    };
    let file = open_without_blocking(path, is_pipe).map_err(OpenFailure::Io)?;
    // The path may have changed between the look and the open: look again at
    // what was opened.
    let metadata = file.metadata().map_err(OpenFailure::Io)?;
    match refusal(&metadata) {
        None => {}
        Some(NotAFile::NamedPipe) if is_pipe => {}
        Some(kind) => return Err(OpenFailure::NotAFile(kind)),
    }
    Ok(Opened {
        file,
        metadata,
        is_pipe,
    })
}

/// Whether the current user owns the file: only then is `chmod` advice of use.
pub fn owned_by_me(metadata: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        metadata.uid() == rustix::process::geteuid().as_raw()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        true
    }
}

fn refusal(metadata: &Metadata) -> Option<NotAFile> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some(NotAFile::Directory);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some(NotAFile::NamedPipe);
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some(NotAFile::Device);
        }
        if kind.is_socket() {
            return Some(NotAFile::Socket);
        }
    }
    Some(NotAFile::Other)
}

/// `/dev/fd/63` from `<(…)` (or `/dev/stdin`) leads, link by link, to
/// `pipe:[…]`: a pipe whose writer is already there. A named pipe on disk
/// leads to nothing of the kind.
fn is_open_pipe(path: &Path) -> bool {
    let mut path = path.to_owned();
    // /dev/stdin -> /proc/self/fd/0 -> pipe:[…]; a few links at most.
    for _ in 0..8 {
        let Ok(target) = std::fs::read_link(&path) else {
            return false;
        };
        if target.as_os_str().as_encoded_bytes().starts_with(b"pipe:") {
            return true;
        }
        path = match path.parent() {
            Some(parent) => parent.join(target),
            None => target,
        };
    }
    false
}

#[cfg(unix)]
fn open_without_blocking(path: &Path, is_pipe: bool) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    // A regular file opens at once either way; O_NONBLOCK makes sure a named
    // pipe swapped in after the look cannot block the open. An open pipe is
    // read blocking: its writer (a password manager) may take its time.
    let mut flags = OFlags::RDONLY | OFlags::CLOEXEC;
    if !is_pipe {
        flags |= OFlags::NONBLOCK;
    }
    let fd = rustix::fs::open(path, flags, Mode::empty())?;
    Ok(File::from(fd))
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path, _is_pipe: bool) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mkfifo(path: &Path) {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
    }

    #[test]
    fn a_named_pipe_a_device_and_a_directory_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        mkfifo(&fifo);
        for (path, kind) in [
            (fifo.as_path(), NotAFile::NamedPipe),
            (Path::new("/dev/zero"), NotAFile::Device),
            (dir.path(), NotAFile::Directory),
        ] {
            match open(path) {
                Err(OpenFailure::NotAFile(found)) => assert_eq!(found, kind, "{path:?}"),
                other => panic!("{path:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_regular_file_opens() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let opened = open(file.path()).unwrap();
        assert!(!opened.is_pipe);
        assert!(owned_by_me(&opened.metadata));
    }
}
