//! Where the archive lives and who may read it: `$XDG_DATA_HOME/szchat`
//! (`~/.local/share/szchat` when unset), a directory only its owner can
//! enter, holding files only its owner can read. An existing directory or
//! file that others can read is made private before anything is written, as
//! the log file is.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};

use super::ArchiveError;

/// The directory under the data home that holds szchat's files.
const APP_DIR: &str = "szchat";
/// The database's file name.
pub const DB_FILE: &str = "archive.db";
/// SQLite's companions of the database in WAL mode.
pub const DB_COMPANIONS: [&str; 2] = ["-wal", "-shm"];
/// Owner only, for the directory.
#[cfg(unix)]
const PRIVATE_DIR_MODE: u32 = 0o700;
/// Owner read and write, for every file.
#[cfg(unix)]
pub(crate) const PRIVATE_FILE_MODE: u32 = 0o600;
/// Permission bits for group and others.
#[cfg(unix)]
const GROUP_OTHER_BITS: u32 = 0o077;

/// `$XDG_DATA_HOME/szchat`, else `$HOME/.local/share/szchat`; `None` with
/// neither. `lookup` reads a variable.
pub fn data_dir(lookup: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    // The XDG spec says a relative XDG_DATA_HOME is to be ignored.
    let home = lookup("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| {
            lookup("HOME")
                .filter(|home| !home.is_empty())
                .map(|home| PathBuf::from(home).join(".local").join("share"))
        })?;
    Some(home.join(APP_DIR))
}

/// The archive's directory, created and made private.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDir {
    path: PathBuf,
}

impl DataDir {
    /// Names `path` without touching it (for `szchat archive path`).
    pub fn at(path: PathBuf) -> Self {
        DataDir { path }
    }

    /// Creates `path` (0700) if needed, or makes an existing one private.
    pub fn prepare(path: PathBuf) -> Result<Self, ArchiveError> {
        let failed = |error: io::Error| ArchiveError::Dir {
            path: path.clone(),
            reason: error.to_string(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, PRIVATE_DIR_MODE);
        match builder.create(&path) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(failed(error)),
        }
        let metadata = std::fs::metadata(&path).map_err(failed)?;
        if !metadata.is_dir() {
            return Err(failed(io::Error::other("it is not a directory")));
        }
        make_private(&path, &metadata, PRIVATE_DIR_MODE)?;
        Ok(DataDir { path })
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.path.join(DB_FILE)
    }

    /// The database and its companions, as far as they exist.
    pub fn db_files(&self) -> Vec<PathBuf> {
        let db = self.db_path();
        let mut files = vec![db.clone()];
        files.extend(DB_COMPANIONS.iter().map(|suffix| companion(&db, suffix)));
        files.retain(|file| file.exists());
        files
    }

    /// Creates `name` in the directory (0600) if missing; makes it private if
    /// it exists and is not.
    pub fn private_file(&self, name: &str) -> Result<PathBuf, ArchiveError> {
        let path = self.path.join(name);
        ensure_private_file(&path)?;
        Ok(path)
    }

    /// Makes each existing companion of the database private.
    pub fn tighten_companions(&self) -> Result<(), ArchiveError> {
        let db = self.db_path();
        for suffix in DB_COMPANIONS {
            let path = companion(&db, suffix);
            match std::fs::metadata(&path) {
                Ok(metadata) => make_private(&path, &metadata, PRIVATE_FILE_MODE)?,
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => {
                    return Err(ArchiveError::Dir {
                        path,
                        reason: error.to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Moves a damaged database (and its WAL) aside within the directory as
    /// `archive.db.damaged-YYYYMMDDTHHMM`, never deleting it; returns where.
    pub fn move_aside(&self, now: DateTime<Local>) -> Result<PathBuf, ArchiveError> {
        let db = self.db_path();
        let stamp = now.format("%Y%m%dT%H%M");
        let mut target = self.path.join(format!("{DB_FILE}.damaged-{stamp}"));
        // Two damaged files in one minute must not overwrite each other.
        let mut n = 2;
        while target.exists() {
            target = self.path.join(format!("{DB_FILE}.damaged-{stamp}-{n}"));
            n += 1;
        }
        let failed = |error: io::Error| ArchiveError::Dir {
            path: db.clone(),
            reason: format!("cannot move the damaged archive aside: {error}"),
        };
        std::fs::rename(&db, &target).map_err(failed)?;
        let wal = companion(&db, "-wal");
        if wal.exists() {
            std::fs::rename(&wal, companion(&target, "-wal")).map_err(failed)?;
        }
        // The shared-memory index holds nothing of its own; SQLite rebuilds it.
        let _ = std::fs::remove_file(companion(&db, "-shm"));
        Ok(target)
    }
}

/// `archive.db-wal` beside `archive.db`.
fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates `path` with mode 0600 unless it exists, then makes it private.
pub(crate) fn ensure_private_file(path: &Path) -> Result<(), ArchiveError> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_FILE_MODE);
    let failed = |error: io::Error| ArchiveError::Open {
        path: path.to_owned(),
        reason: error.to_string(),
    };
    let file = options.open(path).map_err(failed)?;
    let metadata = file.metadata().map_err(failed)?;
    make_private(path, &metadata, PRIVATE_FILE_MODE)
}

/// Takes group and other bits off `path` when it has any.
#[cfg(unix)]
fn make_private(path: &Path, metadata: &std::fs::Metadata, mode: u32) -> Result<(), ArchiveError> {
    use std::os::unix::fs::PermissionsExt;
    let current = metadata.permissions().mode() & 0o777;
    if current & GROUP_OTHER_BITS == 0 {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|error| {
        ArchiveError::TooOpen {
            path: path.to_owned(),
            mode: current,
            reason: error.to_string(),
        }
    })
}

#[cfg(not(unix))]
fn make_private(
    _path: &Path,
    _metadata: &std::fs::Metadata,
    _mode: u32,
) -> Result<(), ArchiveError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_home_is_xdg_else_under_home() {
        let lookup = |xdg: Option<&str>, home: Option<&str>| {
            data_dir(|name| match name {
                "XDG_DATA_HOME" => xdg.map(OsString::from),
                "HOME" => home.map(OsString::from),
                _ => None,
            })
        };
        assert_eq!(
            lookup(Some("/data"), Some("/home/a")),
            Some(PathBuf::from("/data/szchat"))
        );
        assert_eq!(
            lookup(Some("relative"), Some("/home/a")),
            Some(PathBuf::from("/home/a/.local/share/szchat"))
        );
        assert_eq!(lookup(None, None), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_and_files_others_can_read_are_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let base = tempfile::tempdir().unwrap();
        let path = base.path().join("szchat");
        std::fs::create_dir(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = path.join("key");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let dir = DataDir::prepare(path.clone()).unwrap();
        dir.private_file("key").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o700);
        assert_eq!(mode(&file), 0o600);
        // A new directory is private from the start.
        let fresh = DataDir::prepare(base.path().join("a/b/szchat")).unwrap();
        assert_eq!(mode(fresh.path()), 0o700);
    }
}
