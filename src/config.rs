//! The config file and where each setting comes from: flags, then the
//! environment, then the file, then the defaults.
//!
//! The file is `$XDG_CONFIG_HOME/szchat/config.toml`, else
//! `~/.config/szchat/config.toml`, or the one `--config` names. A missing
//! default file is no error; anything wrong in a file is, named with its line.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;
use toml::Spanned;

pub use session_gap::SessionGap;

use crate::cli::Cli;
use crate::concurrency::Concurrency;
use crate::images::ImagesMode;
use crate::metrics::DEFAULT_SESSION_GAP;
use crate::named_file::{self, OpenFailure};
use crate::paging::PageSize;
use crate::secret::{SECRET_VARIABLE, Secret, SecretError};
use crate::ui::color::ColorMode;

/// The directory under the config home that holds szchat's files.
const APP_DIR: &str = "szchat";
/// The config file's name in that directory.
const CONFIG_FILE: &str = "config.toml";
/// The secret file read when nothing else gives a secret.
const SECRET_FILE: &str = "secret";
/// Read at most this much of a config file: a mistaken path (`/dev/zero`,
/// a log) must not be slurped whole.
const MAX_CONFIG_FILE_BYTES: u64 = 256 * 1024;

/// The shortest poll interval the config may ask for.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Where szchat's files live: `$XDG_CONFIG_HOME/szchat`, else
/// `$HOME/.config/szchat`; `None` with neither. `lookup` reads a variable.
pub fn config_dir(lookup: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    // The XDG spec says a relative XDG_CONFIG_HOME is to be ignored.
    let home = lookup("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|path| path.is_absolute())
        .or_else(|| {
            lookup("HOME")
                .filter(|home| !home.is_empty())
                .map(|home| PathBuf::from(home).join(".config"))
        })?;
    Some(home.join(APP_DIR))
}

/// What a config file may say, as written. Unknown keys are errors: a typo
/// must not be silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileSettings {
    /// The API's base URL, with where it stands for messages about it.
    pub base_url: Option<Spanned<String>>,
    /// Messages per request.
    pub page_size: Option<FilePageSize>,
    /// Requests at once.
    pub concurrency: Option<FileConcurrency>,
    /// Seconds between looks for new messages.
    pub poll_interval: Option<PollInterval>,
    /// The file the API secret is read from.
    pub secret_file: Option<PathBuf>,
    /// Whether colours are drawn.
    pub color: Option<ColorMode>,
    /// When pictures are previewed.
    pub images: Option<ImagesMode>,
    /// Whether the local archive is kept (`archive = false`: nothing written
    /// under the data directory).
    pub archive: Option<bool>,
    /// How long without a message starts a new session (`"30m"`).
    pub session_gap: Option<SessionGap>,
}

/// A whole number as written in the file, so that a wrong type reads
/// "expected a whole number" rather than naming a Rust type.
#[derive(Clone, Copy, Debug)]
pub struct WholeNumber(i64);

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = WholeNumber;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a whole number")
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(value))
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<WholeNumber, E> {
                // Beyond i64 is beyond every limit here; the range checks say so.
                Ok(WholeNumber(i64::try_from(value).unwrap_or(i64::MAX)))
            }
        }
        deserializer.deserialize_i64(Visitor)
    }
}

/// A page size the API accepts, from the config file.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(try_from = "WholeNumber")]
pub struct FilePageSize(pub PageSize);

impl TryFrom<WholeNumber> for FilePageSize {
    type Error = String;
    fn try_from(WholeNumber(value): WholeNumber) -> Result<Self, String> {
        u32::try_from(value)
            .ok()
            .and_then(PageSize::new)
            .map(FilePageSize)
            .ok_or_else(|| {
                format!(
                    "page-size must be {} to {} (the API's limit)",
                    PageSize::MIN,
                    PageSize::MAX
                )
            })
    }
}

/// How many requests may run at once: 1 to [`Concurrency::MAX`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(try_from = "WholeNumber")]
pub struct FileConcurrency(pub Concurrency);

impl TryFrom<WholeNumber> for FileConcurrency {
    type Error = String;
    fn try_from(WholeNumber(value): WholeNumber) -> Result<Self, String> {
        u64::try_from(value)
            .ok()
            .and_then(Concurrency::new)
            .map(FileConcurrency)
            .ok_or_else(|| {
                format!(
                    "concurrency must be {} to {}",
                    Concurrency::MIN,
                    Concurrency::MAX
                )
            })
    }
}

/// Whole seconds between polls, at least [`MIN_POLL_INTERVAL`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(try_from = "WholeNumber")]
pub struct PollInterval(pub Duration);

impl TryFrom<WholeNumber> for PollInterval {
    type Error = String;
    fn try_from(WholeNumber(value): WholeNumber) -> Result<Self, String> {
        u64::try_from(value)
            .ok()
            .map(Duration::from_secs)
            .filter(|interval| *interval >= MIN_POLL_INTERVAL)
            .map(PollInterval)
            .ok_or_else(|| {
                format!(
                    "poll-interval is in seconds and must be at least {}",
                    MIN_POLL_INTERVAL.as_secs()
                )
            })
    }
}

/// Why a config file cannot be used. One line, naming the file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The file could not be read (or, named by `--config`, does not exist).
    #[error("cannot read config file {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// The file is over [`MAX_CONFIG_FILE_BYTES`]: not a config file, or one
    /// whose end would be ignored.
    #[error("config file {} is over 256 KiB; a config file is a few lines", path.display())]
    TooLarge { path: PathBuf },
    /// The file is not valid TOML, has an unknown key, or a bad value.
    #[error("config file {}{}: {problem}", path.display(), at_line(*.line))]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        problem: String,
    },
}

fn at_line(line: Option<usize>) -> String {
    line.map(|line| format!(", line {line}"))
        .unwrap_or_default()
}

/// A config file that was read: its settings and where it is.
#[derive(Debug, Default)]
pub struct LoadedFile {
    /// The file's path; `None` when there was no file to read.
    pub path: Option<PathBuf>,
    /// The file's text, for turning positions into line numbers.
    text: String,
    /// What it says.
    pub settings: FileSettings,
}

impl LoadedFile {
    /// The 1-based line of a byte position in the file.
    fn line_of(&self, position: usize) -> usize {
        line_of(&self.text, position)
    }
}

fn line_of(text: &str, position: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(position)
        .filter(|byte| **byte == b'\n')
        .count()
        + 1
}

/// Reads `named` (from `--config`), which must exist, or else the default
/// file in `dir`, which may be missing.
pub fn load(named: Option<&Path>, dir: Option<&Path>) -> Result<LoadedFile, ConfigError> {
    let (path, must_exist) = match (named, dir) {
        (Some(path), _) => (path.to_owned(), true),
        (None, Some(dir)) => (dir.join(CONFIG_FILE), false),
        (None, None) => return Ok(LoadedFile::default()),
    };
    let unreadable = |error: std::io::Error| ConfigError::Unreadable {
        path: path.clone(),
        reason: error.to_string(),
    };
    let opened = match named_file::open(&path) {
        Ok(opened) => opened,
        Err(OpenFailure::Io(error))
            if error.kind() == std::io::ErrorKind::NotFound && !must_exist =>
        {
            return Ok(LoadedFile::default());
        }
        Err(OpenFailure::Io(error)) => return Err(unreadable(error)),
        // A named pipe or a device would block or never end.
        Err(OpenFailure::NotAFile(kind)) => {
            return Err(ConfigError::Unreadable {
                path: path.clone(),
                reason: kind.reason().to_owned(),
            });
        }
    };
    let too_large = || ConfigError::TooLarge { path: path.clone() };
    if opened.metadata.len() > MAX_CONFIG_FILE_BYTES {
        return Err(too_large());
    }
    // One byte past the limit tells a file that grew (or a pipe) from one that fits.
    let mut bytes = Vec::new();
    opened
        .file
        .take(MAX_CONFIG_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_CONFIG_FILE_BYTES {
        return Err(too_large());
    }
    let text = String::from_utf8(bytes).map_err(|error| ConfigError::Invalid {
        line: Some(line_of(
            &String::from_utf8_lossy(error.as_bytes()),
            error.utf8_error().valid_up_to(),
        )),
        path: path.clone(),
        problem: "not UTF-8 text".to_owned(),
    })?;
    let settings = parse(&text).map_err(|(line, problem)| ConfigError::Invalid {
        path: path.clone(),
        line,
        problem,
    })?;
    Ok(LoadedFile {
        path: Some(path),
        text,
        settings,
    })
}

/// The settings in `text`, or the line (when known) and the problem.
fn parse(text: &str) -> Result<FileSettings, (Option<usize>, String)> {
    toml::from_str(text).map_err(|error| {
        let line = error.span().map(|span| line_of(text, span.start));
        // toml's message may run over lines; the report is one.
        let problem = error
            .message()
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        (line, problem)
    })
}

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A flag on the command line.
    Flag,
    /// An environment variable.
    Environment,
    /// The config file, at this line.
    File { path: PathBuf, line: usize },
    /// Nothing said otherwise.
    Default,
}

/// Where the API secret is to be read from, first match wins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    /// `--secret-file`.
    FlagFile(PathBuf),
    /// `$SIGNALZEN_API_SECRET`.
    Variable,
    /// The config file's `secret-file`.
    ConfigFile(PathBuf),
    /// `secret` beside the config file, which exists.
    DefaultFile(PathBuf),
    /// None of them; the default file's path, if there is a home to put it in.
    Missing { default: Option<PathBuf> },
}

/// Why no usable secret was found.
#[derive(Debug, thiserror::Error)]
pub enum SecretSourceError {
    #[error(
        "no API secret: set {SECRET_VARIABLE}, pass --secret-file PATH, or put it in {} (chmod 600); to look around without an account, szchat --demo",
        .0.display()
    )]
    Missing(PathBuf),
    #[error(
        "no API secret: set {SECRET_VARIABLE} or pass --secret-file PATH; to look around without an account, szchat --demo"
    )]
    MissingWithoutHome,
    #[error(transparent)]
    Invalid(#[from] SecretError),
}

impl SecretSource {
    /// Reads the secret from where it is.
    pub fn read(&self) -> Result<Secret, SecretSourceError> {
        match self {
            SecretSource::FlagFile(path)
            | SecretSource::ConfigFile(path)
            | SecretSource::DefaultFile(path) => Ok(Secret::from_file(path)?),
            SecretSource::Variable => {
                let raw = std::env::var(SECRET_VARIABLE).unwrap_or_default();
                Ok(Secret::new(&raw)?)
            }
            SecretSource::Missing {
                default: Some(path),
            } => Err(SecretSourceError::Missing(path.clone())),
            SecretSource::Missing { default: None } => Err(SecretSourceError::MissingWithoutHome),
        }
    }
}

/// What szchat runs with, each value from the first source that gives it.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The API's base URL.
    pub base_url: String,
    /// Where the base URL came from, for a message when it is refused.
    pub base_url_origin: Origin,
    /// Messages per request.
    pub page_size: PageSize,
    /// Messages per request when the whole history is fetched (`g`, a
    /// search or a jump loading, export): the page size if one was given
    /// (flag, environment or file), else the largest the API serves.
    pub whole_history_page_size: PageSize,
    /// Requests at once when the whole history is fetched (`g`, export).
    pub concurrency: Concurrency,
    /// How often to look for new messages while following, if given.
    pub poll_interval: Option<Duration>,
    /// Whether colours are drawn.
    pub color: ColorMode,
    /// When pictures are previewed.
    pub images: ImagesMode,
    /// Where the API secret is read from.
    pub secret: SecretSource,
    /// Whether the local archive is kept: not with `--no-archive` or `archive = false`.
    pub archive: bool,
    /// How long without a message starts a new session: the figures'
    /// sessions and the "later" line between them.
    pub session_gap: chrono::TimeDelta,
}

impl Settings {
    /// Merges flags (and the environment clap read for them), the
    /// environment, the file and the defaults, in that order. `dir` is
    /// szchat's config directory; `lookup` reads an environment variable.
    pub fn resolve(
        cli: &Cli,
        matches: &ArgMatches,
        file: &LoadedFile,
        dir: Option<&Path>,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Settings {
        let given = |id: &str| {
            matches
                .value_source(id)
                .filter(|source| *source != ValueSource::DefaultValue)
        };
        let from_file = &file.settings;

        let (base_url, base_url_origin) = match (given("base_url"), &from_file.base_url) {
            (Some(ValueSource::EnvVariable), _) => (cli.base_url.clone(), Origin::Environment),
            (Some(_), _) => (cli.base_url.clone(), Origin::Flag),
            (None, Some(url)) => (
                url.get_ref().clone(),
                Origin::File {
                    path: file.path.clone().unwrap_or_default(),
                    line: file.line_of(url.span().start),
                },
            ),
            (None, None) => (cli.base_url.clone(), Origin::Default),
        };

        let (page_size, whole_history_page_size) = match (given("page_size"), from_file.page_size) {
            (None, Some(FilePageSize(size))) => (size, size),
            (None, None) => (cli.page_size, PageSize::WHOLE_HISTORY),
            (Some(_), _) => (cli.page_size, cli.page_size),
        };

        let color = match (cli.color, lookup("NO_COLOR")) {
            (Some(flag), _) => flag,
            (None, Some(value)) if !value.is_empty() => ColorMode::Never,
            _ => from_file.color.unwrap_or_default(),
        };

        let secret_variable_set =
            lookup(SECRET_VARIABLE).is_some_and(|value| !value.to_string_lossy().trim().is_empty());
        let default_secret = dir.map(|dir| dir.join(SECRET_FILE));
        let secret = if let Some(path) = &cli.secret_file {
            SecretSource::FlagFile(path.clone())
        } else if secret_variable_set {
            SecretSource::Variable
        } else if let Some(path) = &from_file.secret_file {
            SecretSource::ConfigFile(file_relative(path, file.path.as_deref(), &lookup))
        } else {
            match default_secret {
                // A path that is there in any form (even a dangling link) is
                // read, so that what is wrong with it gets said.
                Some(path) if path.symlink_metadata().is_ok() => SecretSource::DefaultFile(path),
                default => SecretSource::Missing { default },
            }
        };

        Settings {
            base_url,
            base_url_origin,
            page_size,
            whole_history_page_size,
            concurrency: cli
                .concurrency
                .or(from_file.concurrency.map(|FileConcurrency(count)| count))
                .unwrap_or(Concurrency::DEFAULT),
            poll_interval: cli
                .poll
                .map(Duration::from_secs)
                .or(from_file.poll_interval.map(|PollInterval(every)| every)),
            color,
            images: cli.images.or(from_file.images).unwrap_or_default(),
            secret,
            archive: !cli.no_archive && from_file.archive.unwrap_or(true),
            session_gap: from_file
                .session_gap
                .map_or(DEFAULT_SESSION_GAP, |SessionGap(gap)| gap),
        }
    }
}

/// A path written in the config file: `~/` is the home directory, and a
/// relative path is taken from the file's own directory, not from wherever
/// szchat was started.
fn file_relative(
    path: &Path,
    config_file: Option<&Path>,
    lookup: impl Fn(&str) -> Option<OsString>,
) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = lookup("HOME").filter(|home| !home.is_empty())
    {
        return PathBuf::from(home).join(rest);
    }
    match config_file.and_then(Path::parent) {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_owned(),
    }
}

mod session_gap;
#[cfg(test)]
mod tests;
