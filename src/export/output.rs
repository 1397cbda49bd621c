//! Where `-o` sends the transcript, decided before the first request.
//!
//! A regular file (or a path with nothing there yet) is written as a hidden
//! temporary file beside it and renamed over it only once the export is
//! complete; a symlink is followed, so its target is what gets replaced. A
//! path that is not a regular file (a device such as `/dev/null`, a FIFO,
//! `/dev/stdout`) is written to directly and never replaced. `-` is
//! standard output.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// How many symlinks are followed before giving up (as the kernel does).
const MAX_SYMLINKS: usize = 40;

/// Paths that name this process's own standard output.
const STDOUT_PATHS: [&str; 3] = ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];

/// Where the transcript goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output (no `-o`, or `-o -`).
    Stdout,
    /// Something that is not a regular file: written to as it is.
    InPlace(PathBuf),
    /// A regular file, written beside and renamed over once complete.
    Replace {
        /// The file itself, after any symlinks.
        path: PathBuf,
        /// The mode of the file there now, kept; `None` when there is none.
        existing_mode: Option<u32>,
    },
}

impl Target {
    /// Decides what `-o PATH` means, without writing anything yet. A
    /// directory is refused here, before any request is made.
    pub fn resolve(output: Option<&Path>) -> io::Result<Target> {
        let Some(path) = output else {
            return Ok(Target::Stdout);
        };
        if path.as_os_str() == "-" || STDOUT_PATHS.iter().any(|p| path == Path::new(p)) {
            return Ok(Target::Stdout);
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory",
            )),
            Ok(meta) if !meta.is_file() => Ok(Target::InPlace(path.to_owned())),
            Ok(meta) => {
                let real = std::fs::canonicalize(path)?;
                // A file reached through /dev/fd or /proc is another process's
                // open file: replacing the name would not reach it.
                if real.starts_with("/proc") || real.starts_with("/dev") {
                    return Ok(Target::InPlace(path.to_owned()));
                }
                Ok(Target::Replace {
                    path: real,
                    existing_mode: Some(mode(&meta)),
                })
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Target::Replace {
                path: follow_dangling(path)?,
                existing_mode: None,
            }),
            Err(error) => Err(error),
        }
    }

    /// Whether what is written goes straight out, so a failure leaves it
    /// incomplete (there is no temporary file to throw away).
    pub fn writes_directly(&self) -> bool {
        !matches!(self, Target::Replace { .. })
    }

    /// The target as a sentence names it.
    pub fn describe(&self) -> String {
        match self {
            Target::Stdout => "standard output".to_owned(),
            Target::InPlace(path) | Target::Replace { path, .. } => path.display().to_string(),
        }
    }
}

/// The path a chain of symlinks ending nowhere points at: the file the
/// export creates.
fn follow_dangling(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_SYMLINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

#[cfg(unix)]
fn mode(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode(_meta: &std::fs::Metadata) -> u32 {
    0o600
}

#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// An open target. Dropped before [`Sink::finish`], a temporary file is
/// removed and the target left as it was.
pub enum Sink {
    Stdout(BufWriter<io::Stdout>),
    InPlace(BufWriter<File>),
    Replace {
        out: BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
        replaces: bool,
    },
}

impl Sink {
    /// Opens `target` for writing. Opening a FIFO waits for its reader.
    pub fn open(target: &Target) -> io::Result<Sink> {
        match target {
            Target::Stdout => Ok(Sink::Stdout(BufWriter::new(io::stdout()))),
            // Appending: `-o /dev/stdout >> log` must not write over the log.
            Target::InPlace(path) => Ok(Sink::InPlace(BufWriter::new(
                OpenOptions::new().append(true).open(path)?,
            ))),
            Target::Replace {
                path,
                existing_mode,
            } => {
                // Beside the target, so the rename stays on one file system.
                let dir = match path.parent() {
                    Some(dir) if !dir.as_os_str().is_empty() => dir,
                    _ => Path::new("."),
                };
                // A missing directory says so in the system's words.
                std::fs::metadata(dir)?;
                // New files are the operator's alone (tempfile makes them 600).
                let file = tempfile::Builder::new()
                    .prefix(".szchat-export-")
                    .tempfile_in(dir)
                    .map_err(without_temporary_name)?;
                if let Some(mode) = existing_mode {
                    set_mode(file.as_file(), *mode)?;
                }
                Ok(Sink::Replace {
                    out: BufWriter::new(file),
                    path: path.clone(),
                    replaces: existing_mode.is_some(),
                })
            }
        }
    }

    /// [`Sink::open`] on a blocking thread: opening a FIFO waits for its
    /// reader, which must not hold up the runtime's threads.
    pub async fn open_aside(target: &Target) -> io::Result<Sink> {
        let opening = target.clone();
        tokio::task::spawn_blocking(move || Sink::open(&opening))
            .await
            .map_err(io::Error::other)
            .and_then(|opened| opened)
    }

    /// Completes the output; says which file was replaced, if one was.
    pub fn finish(self) -> io::Result<Option<PathBuf>> {
        match self {
            Sink::Stdout(mut out) => out.flush().map(|()| None),
            Sink::InPlace(mut out) => out.flush().map(|()| None),
            Sink::Replace {
                out,
                path,
                replaces,
            } => {
                let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.as_file().sync_all()?;
                file.persist(&path).map_err(|error| error.error)?;
                Ok(replaces.then_some(path))
            }
        }
    }
}

/// tempfile's error names its own random file; the operator named the
/// target, which the message around this one gives: the cause alone
/// ("permission denied").
fn without_temporary_name(error: io::Error) -> io::Error {
    match error.get_ref() {
        Some(_) => io::Error::from(error.kind()),
        None => error,
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::InPlace(out) => out.write(buf),
            Sink::Replace { out, .. } => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::InPlace(out) => out.flush(),
            Sink::Replace { out, .. } => out.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_and_dev_stdout_mean_standard_output() {
        for path in ["-", "/dev/stdout"] {
            assert_eq!(
                Target::resolve(Some(Path::new(path))).unwrap(),
                Target::Stdout
            );
        }
        assert_eq!(Target::resolve(None).unwrap(), Target::Stdout);
    }

    #[test]
    fn a_device_is_written_in_place_and_a_directory_refused() {
        assert_eq!(
            Target::resolve(Some(Path::new("/dev/null"))).unwrap(),
            Target::InPlace(PathBuf::from("/dev/null"))
        );
        let dir = tempfile::tempdir().unwrap();
        let error = Target::resolve(Some(dir.path())).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::IsADirectory);
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_leads_to_the_file_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("target.md", &link).unwrap();
        assert_eq!(
            Target::resolve(Some(&link)).unwrap(),
            Target::Replace {
                path: dir.path().join("target.md"),
                existing_mode: None
            }
        );
    }
}
