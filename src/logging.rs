//! Diagnostics: `tracing` events to a file named by `--log-file`, filtered by
//! `RUST_LOG`. Never to the terminal, which belongs to the TUI.

use std::fs::{File, OpenOptions};
use std::path::Path;
use std::str::FromStr;
use std::sync::Mutex;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

/// The filter when `RUST_LOG` is unset: our own events at info and above.
pub const DEFAULT_FILTER: &str = "szchat=info";

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LogSetupError {
    #[error("cannot open the log file {path}: {reason}")]
    Open { path: String, reason: String },
    /// An existing log file others can read whose mode could not be tightened.
    #[error(
        "the log file {path} is accessible by group or others (mode {mode:03o}) and cannot be made private ({reason}); run `chmod 600 {path}` or choose another file"
    )]
    TooOpen {
        path: String,
        mode: u32,
        reason: String,
    },
    #[error("RUST_LOG is not a valid filter ({reason}); try RUST_LOG=szchat=debug")]
    Filter { reason: String },
}

/// Parses a `RUST_LOG`-style filter such as `info` or `szchat=debug,warn`.
pub fn parse_filter(spec: &str) -> Result<Targets, LogSetupError> {
    Targets::from_str(spec).map_err(|error| LogSetupError::Filter {
        reason: error.to_string(),
    })
}

/// Opens (appending) the log file, readable by its owner only since it names
/// URLs and visitor ids. An existing regular file that group or others can
/// read is made private before anything is written; if that is not allowed
/// (someone else's file), it is refused.
pub fn open_log_file(path: &Path) -> Result<File, LogSetupError> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, PRIVATE_MODE);
    let file = options
        .open(path)
        .map_err(|error| open_failed(path, &error))?;
    make_private(&file, path)?;
    Ok(file)
}

fn open_failed(path: &Path, error: &std::io::Error) -> LogSetupError {
    LogSetupError::Open {
        path: path.display().to_string(),
        reason: error.to_string(),
    }
}

/// Owner read and write, nothing for group or others.
#[cfg(unix)]
const PRIVATE_MODE: u32 = 0o600;

/// Tightens an existing log file's mode; `create` only sets it for new files.
/// Works on the opened file, so a swap of the path in between changes nothing.
/// Devices and pipes (`/dev/null`, `>(cat)`) are left as they are: their mode
/// is not ours to change and nothing stays in them.
#[cfg(unix)]
fn make_private(file: &File, path: &Path) -> Result<(), LogSetupError> {
    use std::os::unix::fs::PermissionsExt;
    let metadata = file.metadata().map_err(|error| open_failed(path, &error))?;
    let mode = metadata.permissions().mode() & 0o777;
    if !metadata.is_file() || mode & 0o077 == 0 {
        return Ok(());
    }
    file.set_permissions(std::fs::Permissions::from_mode(PRIVATE_MODE))
        .map_err(|error| LogSetupError::TooOpen {
            path: path.display().to_string(),
            mode,
            reason: error.to_string(),
        })
}

#[cfg(not(unix))]
fn make_private(_file: &File, _path: &Path) -> Result<(), LogSetupError> {
    Ok(())
}

/// Sends `tracing` events to `path`, filtered by `filter_spec` (RUST_LOG).
pub fn init(path: &Path, filter_spec: Option<&str>) -> Result<(), LogSetupError> {
    let filter = parse_filter(filter_spec.unwrap_or(DEFAULT_FILTER))?;
    let file = open_log_file(path)?;
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(Mutex::new(file));
    // A second call (tests) keeps the first subscriber; that is fine.
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
    Ok(())
}
