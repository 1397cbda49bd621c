//! The command line: flags, and where the API secret comes from.

pub mod commands;
pub mod docs;

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{CommandFactory, Parser};
use clap_complete::Shell;

use crate::api::client::DEFAULT_BASE_URL;
use crate::cli::commands::Command;
use crate::concurrency::Concurrency;
use crate::export::Format;
use crate::images::ImagesMode;
use crate::message_filter::{MessageFilter, Only};
use crate::paging::PageSize;
use crate::ui::color::ColorMode;

/// Exit status when the app could not do its job: rejected secret, unknown
/// visitor, no server.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status for bad flags or secret, or no terminal to run in (clap uses
/// the same code for its own usage errors).
pub const EXIT_USAGE: u8 = 2;

/// Where the secret comes from, said under the flags of `-h` and `--help`.
const SECRET_NOTE: &str = "The API secret is read from --secret-file PATH, else \
                           $SIGNALZEN_API_SECRET, else the config file's secret-file, else \
                           ~/.config/szchat/secret: a file only you can read (chmod 600). It is \
                           never taken as a flag value.";

/// Browse one SignalZen visitor's chat history in the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "szchat",
    version,
    after_help = format!("{SECRET_NOTE}\n\nKeys, exit status, environment and examples: szchat --help"),
    after_long_help = docs::after_long_help(),
    // `--poll -1` is a bad value to name, not a flag to guess at.
    allow_negative_numbers = true
)]
pub struct Cli {
    /// The visitor (user) id whose conversation to open; without one, a list of
    /// the visitors to pick from.
    #[arg(value_name = "USER_ID", value_parser = visitor_id)]
    pub user_id: Option<u64>,

    /// Browse built-in demo visitors on a local fake server: no account needed.
    #[arg(long, conflicts_with_all = ["secret_file"])]
    pub demo: bool,

    /// The API's base URL.
    // The variable's value stays out of the help: it may carry credentials.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "SIGNALZEN_BASE_URL",
        hide_env_values = true,
        default_value = DEFAULT_BASE_URL
    )]
    pub base_url: String,

    /// Write the whole history, oldest first, to standard output (or -o FILE) instead of browsing it; no terminal needed. md and txt name markdown and text too; html is one self-contained page (no script, nothing loaded) with image attachments embedded, fetched through fresh links. With the archive on, it brings the visitor's archive up to date (fetching only what it lacks) and writes from it; jsonl then has file_url null.
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub export: Option<Format>,

    /// With --export: write to FILE, which appears (or replaces FILE, keeping its mode) only once the export is complete; - is standard output; a FIFO or device is written to directly.
    #[arg(short = 'o', long = "output", value_name = "FILE", requires = "export")]
    pub output: Option<PathBuf>,

    /// With --export: save every attachment of the history in DIR (an existing directory), each through a fresh link, under its sanitised file name; an existing file is never overwritten (" (2)" is added). Needs the network.
    #[arg(long, value_name = "DIR", requires = "export")]
    pub save_attachments: Option<PathBuf>,

    /// With --export: leave out the auto-invitations (the greetings the website sends by itself).
    #[arg(long, requires = "export")]
    pub no_auto_invitations: bool,

    /// With --export: only the visitor's messages, only the operator's, or only the messages with an attachment.
    #[arg(long, value_name = "WHO", requires = "export", value_parser = Only::parse)]
    pub only: Option<Only>,

    /// Messages (or visitors, in the list) per request: the API accepts 1 to 99. Unless given, g, searches, jumps, --export and sync ask for 99.
    #[arg(long, global = true, value_name = "N", default_value_t = PageSize::DEFAULT)]
    pub page_size: PageSize,

    /// Requests in flight at once when fetching the whole history (g, --export): 1 to 16 [default: 6].
    // No clap default: a flag given must be told from one left out, for the config file.
    #[arg(long, global = true, value_name = "N", value_parser = concurrency)]
    pub concurrency: Option<Concurrency>,

    /// Read the API secret from this file (first line) instead of $SIGNALZEN_API_SECRET.
    #[arg(long, global = true, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,

    /// Read settings from this file instead of $XDG_CONFIG_HOME/szchat/config.toml (by
    /// default ~/.config/szchat/config.toml); flags and the environment still win.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Write diagnostics to this file (level from RUST_LOG, default szchat=info).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// When to use colour: auto (unless NO_COLOR is set or the output is not a terminal), always, never [default: auto].
    // No clap default: a flag given must be told from one left out, for the config file.
    #[arg(long, value_name = "WHEN", value_enum)]
    pub color: Option<ColorMode>,

    /// When to preview picture attachments under their messages: auto (only where the terminal's own graphics protocol, kitty, iTerm2 or sixel, was detected), always (Unicode half blocks elsewhere, as in tmux), never [default: auto]. A preview takes 6 rows under its message, fetched through a fresh link; Enter or i on it shows it larger, Esc closes that.
    // No clap default: a flag given must be told from one left out, for the config file.
    #[arg(long, value_name = "WHEN", value_enum)]
    pub images: Option<ImagesMode>,

    /// Follow the conversation live from the start: new messages appear as they arrive (f toggles).
    #[arg(long)]
    pub follow: bool,

    /// Seconds between two looks for new messages while following (at least 1) [default: 5].
    // No clap default: a flag given must be told from one left out, for the config file.
    #[arg(long, value_name = "SECONDS", value_parser = poll_seconds)]
    pub poll: Option<u64>,

    /// Print a completion script for SHELL and exit.
    #[arg(long, value_name = "SHELL", conflicts_with_all = ["user_id", "demo", "man"])]
    pub completions: Option<Shell>,

    /// Print the manual page (roff) and exit.
    #[arg(long, conflicts_with_all = ["user_id", "demo"])]
    pub man: bool,

    /// No network: browse or --export a visitor from the local archive only; without USER_ID, the list of archived visitors.
    #[arg(long, conflicts_with = "demo")]
    pub offline: bool,

    /// Write nothing under the data directory ($XDG_DATA_HOME/szchat): no local archive.
    #[arg(long, global = true)]
    pub no_archive: bool,

    /// `sync` or `archive`, instead of browsing.
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// What `--only` and `--no-auto-invitations` leave out of an export.
    pub fn export_filter(&self) -> MessageFilter {
        MessageFilter {
            hide_auto_invitations: self.no_auto_invitations,
            only: self.only,
        }
    }

    /// Refuses what clap cannot see: `--base-url` typed beside `--demo`, which
    /// serves from its own address (as `--secret-file` is refused by clap).
    /// `SIGNALZEN_BASE_URL` in the environment is no mistake of this command
    /// line, so it is ignored.
    pub fn check_demo(&self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        let typed = matches.value_source("base_url") == Some(ValueSource::CommandLine);
        if self.demo && typed {
            return Err(Cli::command().error(
                clap::error::ErrorKind::ArgumentConflict,
                "the argument '--demo' cannot be used with '--base-url <URL>': the demo serves from its own address",
            ));
        }
        Ok(())
    }
}

/// `USER_ID`: the number the visitor list shows after `#`.
fn visitor_id(text: &str) -> Result<u64, String> {
    whole_number(text).ok_or_else(|| "a visitor id is a whole number, such as 4821".to_owned())
}

/// `--concurrency`: 1 to [`Concurrency::MAX`] requests.
fn concurrency(text: &str) -> Result<Concurrency, String> {
    text.parse().map_err(|_| {
        format!(
            "--concurrency takes a whole number from {} to {}",
            Concurrency::MIN,
            Concurrency::MAX
        )
    })
}

/// `--poll`: whole seconds between looks, at least one.
fn poll_seconds(text: &str) -> Result<u64, String> {
    whole_number(text)
        .filter(|seconds| *seconds >= 1)
        .ok_or_else(|| "--poll takes whole seconds, at least 1".to_owned())
}

/// Digits only: no sign, no fraction, no blanks (Rust's parser would take `+5`).
fn whole_number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
