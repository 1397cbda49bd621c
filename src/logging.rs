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
/// URLs and visitor ids.
pub fn open_log_file(path: &Path) -> Result<File, LogSetupError> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|error| LogSetupError::Open {
        path: path.display().to_string(),
        reason: error.to_string(),
    })
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
