//! The command line: flags, and where the API secret comes from.

use std::path::PathBuf;

use clap::Parser;

use crate::paging::PageSize;
use crate::secret::{Secret, SecretError};

/// SignalZen's API, unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.signalzen.com";
/// Where the secret is read from when no file is given.
pub const SECRET_VARIABLE: &str = "SIGNALZEN_API_SECRET";

/// Browse one SignalZen visitor's chat history in the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "szchat",
    version,
    after_help = "The API secret is read from $SIGNALZEN_API_SECRET, or from --secret-file PATH \
                  (a file only you can read). It is never taken as a flag value."
)]
pub struct Cli {
    /// The visitor (user) id whose conversation to open.
    #[arg(value_name = "USER_ID", required_unless_present = "demo")]
    pub user_id: Option<u64>,

    /// Browse a built-in demo conversation on a local fake server: no account needed.
    #[arg(long, conflicts_with_all = ["user_id", "secret_file"])]
    pub demo: bool,

    /// The API's base URL.
    #[arg(long, value_name = "URL", env = "SIGNALZEN_BASE_URL", default_value = DEFAULT_BASE_URL)]
    pub base_url: String,

    /// Messages per request: the API accepts 1 to 99.
    #[arg(long, value_name = "N", default_value_t = PageSize::DEFAULT)]
    pub page_size: PageSize,

    /// Read the API secret from this file (first line) instead of $SIGNALZEN_API_SECRET.
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,

    /// Write diagnostics to this file (level from RUST_LOG, default szchat=info).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

/// Why no usable secret was found.
#[derive(Debug, thiserror::Error)]
pub enum SecretSourceError {
    #[error("no API secret: set {SECRET_VARIABLE} or pass --secret-file PATH")]
    Missing,
    #[error(transparent)]
    Invalid(#[from] SecretError),
}

impl Cli {
    /// The secret from --secret-file, else from the environment.
    pub fn secret(&self) -> Result<Secret, SecretSourceError> {
        if let Some(path) = &self.secret_file {
            return Ok(Secret::from_file(path)?);
        }
        match std::env::var(SECRET_VARIABLE) {
            Ok(raw) if !raw.trim().is_empty() => Ok(Secret::new(&raw)?),
            _ => Err(SecretSourceError::Missing),
        }
    }
}
