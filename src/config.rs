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

use crate::cli::Cli;
use crate::concurrency::Concurrency;
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
    /// Whether the local archive is kept (`archive = false`: nothing written
    /// under the data directory).
    pub archive: Option<bool>,
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
    /// Where the API secret is read from.
    pub secret: SecretSource,
    /// Whether the local archive is kept: not with `--no-archive` or `archive = false`.
    pub archive: bool,
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
            secret,
            archive: !cli.no_archive && from_file.archive.unwrap_or(true),
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

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches};

    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| OsString::from(value))
        }
    }

    fn file(text: &str) -> LoadedFile {
        LoadedFile {
            path: Some(PathBuf::from("/home/u/.config/szchat/config.toml")),
            text: text.to_owned(),
            settings: parse(text).unwrap(),
        }
    }

    fn problem(text: &str) -> (Option<usize>, String) {
        parse(text).unwrap_err()
    }

    /// Flags parsed as clap would, except that clap reads no environment:
    /// the process's must not play. The binary's tests cover the variable.
    fn settings(args: &[&str], environment: &[(&str, &str)], file: &LoadedFile) -> Settings {
        let matches = Cli::command()
            .mut_arg("base_url", |arg| arg.env(None))
            .try_get_matches_from(std::iter::once("szchat").chain(args.iter().copied()))
            .unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        Settings::resolve(
            &cli,
            &matches,
            file,
            Some(Path::new("/home/u/.config/szchat")),
            env(environment),
        )
    }

    #[test]
    fn the_archive_is_on_unless_the_flag_or_the_file_turns_it_off() {
        let none = file("");
        let off = file("archive = false\n");
        let on = file("archive = true\n");
        assert!(settings(&[], &[], &none).archive);
        assert!(!settings(&[], &[], &off).archive);
        assert!(!settings(&["--no-archive"], &[], &on).archive);
        assert!(!settings(&["sync", "--no-archive"], &[], &none).archive);
        assert_eq!(problem("archive = 0\n").0, Some(1));
    }

    #[test]
    fn flags_given_after_a_subcommand_count_as_flags() {
        let matches = Cli::command()
            .try_get_matches_from([
                "szchat",
                "sync",
                "1",
                "--page-size",
                "20",
                "--concurrency",
                "3",
            ])
            .unwrap();
        let cli = Cli::from_arg_matches(&matches).unwrap();
        assert_eq!(cli.page_size.get(), 20);
        assert_eq!(cli.concurrency, Concurrency::new(3));
        assert_eq!(
            matches.value_source("page_size"),
            Some(ValueSource::CommandLine)
        );
        assert!(cli.user_id.is_none(), "the id is the subcommand's");
    }

    #[test]
    fn the_config_dir_follows_xdg_then_home() {
        assert_eq!(
            config_dir(env(&[("XDG_CONFIG_HOME", "/x/conf"), ("HOME", "/home/u")])),
            Some(PathBuf::from("/x/conf/szchat"))
        );
        assert_eq!(
            config_dir(env(&[("XDG_CONFIG_HOME", "relative"), ("HOME", "/home/u")])),
            Some(PathBuf::from("/home/u/.config/szchat"))
        );
        assert_eq!(config_dir(env(&[("HOME", "")])), None);
    }

    #[test]
    fn every_key_is_read() {
        let loaded = file(
            "base-url = \"https://eu.example.com\"\npage-size = 20\nconcurrency = 4\n\
             poll-interval = 30\nsecret-file = \"~/keys/sz\"\ncolor = \"never\"\n",
        );
        let s = settings(&["4821"], &[("HOME", "/home/u")], &loaded);
        assert_eq!(s.base_url, "https://eu.example.com");
        assert_eq!(
            s.base_url_origin,
            Origin::File {
                path: PathBuf::from("/home/u/.config/szchat/config.toml"),
                line: 1
            }
        );
        assert_eq!(s.page_size.get(), 20);
        assert_eq!(s.concurrency.get(), 4);
        assert_eq!(s.poll_interval, Some(Duration::from_secs(30)));
        assert_eq!(
            s.secret,
            SecretSource::ConfigFile(PathBuf::from("/home/u/keys/sz"))
        );
        assert_eq!(s.color, ColorMode::Never);
    }

    #[test]
    fn nothing_said_means_the_defaults() {
        let s = settings(&["4821"], &[], &LoadedFile::default());
        assert_eq!(s.base_url, crate::api::client::DEFAULT_BASE_URL);
        assert_eq!(s.base_url_origin, Origin::Default);
        assert_eq!(s.page_size, PageSize::DEFAULT);
        assert_eq!(s.concurrency, Concurrency::DEFAULT);
        assert_eq!(s.poll_interval, None);
        assert_eq!(s.color, ColorMode::Auto);
    }

    #[test]
    fn whole_history_work_asks_for_the_largest_page_unless_a_size_was_given() {
        // Issue 13 item 24: an export of 10,000 messages took 200 requests.
        let s = settings(&["4821"], &[], &LoadedFile::default());
        assert_eq!(s.whole_history_page_size, PageSize::MAX);
        let s = settings(&["--page-size", "50", "4821"], &[], &LoadedFile::default());
        assert_eq!(s.whole_history_page_size.get(), 50, "the flag wins");
        let s = settings(&["4821"], &[], &file("page-size = 20\n"));
        assert_eq!(s.whole_history_page_size.get(), 20, "the file wins");
        assert_eq!(s.page_size.get(), 20);
    }

    #[test]
    fn flags_beat_the_environment_which_beats_the_file() {
        let loaded =
            file("base-url = \"https://file.example\"\npage-size = 20\ncolor = \"always\"\n");
        let s = settings(
            &[
                "--base-url",
                "https://flag.example",
                "--page-size",
                "30",
                "4821",
            ],
            &[],
            &loaded,
        );
        assert_eq!(
            (s.base_url.as_str(), s.base_url_origin, s.page_size.get()),
            ("https://flag.example", Origin::Flag, 30)
        );
        assert_eq!(s.color, ColorMode::Always);
        let s = settings(&["4821"], &[("NO_COLOR", "1")], &loaded);
        assert_eq!(s.color, ColorMode::Never);
        // An empty NO_COLOR means nothing, as no-color.org says.
        let s = settings(&["4821"], &[("NO_COLOR", "")], &loaded);
        assert_eq!(s.color, ColorMode::Always);
    }

    #[test]
    fn the_secret_comes_from_the_flag_then_the_variable_then_the_file() {
        let loaded = file("secret-file = \"keys/sz\"\n");
        let variable = [(SECRET_VARIABLE, "sz-live-1")];
        assert_eq!(
            settings(&["--secret-file", "/run/sz", "1"], &variable, &loaded).secret,
            SecretSource::FlagFile(PathBuf::from("/run/sz"))
        );
        assert_eq!(
            settings(&["1"], &variable, &loaded).secret,
            SecretSource::Variable
        );
        // Relative to the config file, not to where szchat started.
        assert_eq!(
            settings(&["1"], &[(SECRET_VARIABLE, "  ")], &loaded).secret,
            SecretSource::ConfigFile(PathBuf::from("/home/u/.config/szchat/keys/sz"))
        );
        assert_eq!(
            settings(&["1"], &[], &LoadedFile::default()).secret,
            SecretSource::Missing {
                default: Some(PathBuf::from("/home/u/.config/szchat/secret"))
            }
        );
    }

    #[test]
    fn a_bad_file_names_the_line_and_the_problem() {
        assert_eq!(problem("page-size = 20\ncolour = \"never\"\n").0, Some(2));
        assert!(
            problem("colour = \"never\"")
                .1
                .contains("unknown field `colour`")
        );
        assert_eq!(
            problem("\n\npage-size = 100\n"),
            (
                Some(3),
                "page-size must be 1 to 99 (the API's limit)".to_owned()
            )
        );
        assert_eq!(
            problem("concurrency = 17\n"),
            (Some(1), "concurrency must be 1 to 16".to_owned())
        );
        assert_eq!(
            problem("poll-interval = 0\n").1,
            "poll-interval is in seconds and must be at least 1"
        );
        assert!(problem("color = \"sometimes\"").1.contains("`never`"));
        assert_eq!(
            problem("page-size = \"50\"").1,
            "invalid type: string \"50\", expected a whole number"
        );
        assert_eq!(problem("x = [\n").0, Some(1));
        let error = ConfigError::Invalid {
            path: PathBuf::from("/c.toml"),
            line: Some(2),
            problem: "unknown field `colour`".to_owned(),
        };
        assert_eq!(
            error.to_string(),
            "config file /c.toml, line 2: unknown field `colour`"
        );
    }

    #[test]
    fn a_missing_default_file_is_no_error_but_a_named_one_is() {
        let nowhere = Path::new("/nonexistent-szchat-test");
        let loaded = load(None, Some(nowhere)).unwrap();
        assert_eq!(loaded.path, None);
        let error = load(Some(&nowhere.join("c.toml")), None).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read config file /nonexistent-szchat-test/c.toml: "),
            "{error}"
        );
    }
}
