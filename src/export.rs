//! `--export`: the whole history, oldest first, each message once, written
//! to a file or standard output as it arrives, without a terminal. Memory
//! stays bounded by the engine's window (about concurrency × page): messages
//! are written as soon as the run below them is complete.
//!
//! With `-o FILE` the transcript goes to a temporary file beside FILE that
//! is renamed to FILE only once complete; an error or Ctrl-C (the future
//! dropped) removes it, so no partial file is left.

pub mod jsonl;
pub mod markdown;
pub mod text;

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::client::ApiClient;
use crate::api::error::ApiError;
use crate::engine::{self, FetchError, Progress};
use crate::model::{Message, Sender};
use crate::numbers::grouped;
use crate::paging::PageSize;
use crate::sanitize::sanitize_line;
use crate::timefmt::LocalZone;

/// How attachment links are marked: they work only briefly after the answer
/// that carried them.
const LINK_NOTE: &str = "link expires 20 seconds after it was fetched";
/// How often the progress line is redrawn.
const PROGRESS_TICKS_PER_SECOND: u8 = 10;

/// The formats `--export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One API message object per line, exactly as the server sent it.
    Jsonl,
    /// A readable transcript: a heading per day, escaped bodies.
    Markdown,
    /// Like the screen, without colour.
    Text,
}

/// What an export needs.
#[derive(Debug, Clone)]
pub struct ExportConfig {
    pub client: ApiClient,
    pub user_id: u64,
    pub page_size: PageSize,
    pub concurrency: u8,
    pub format: Format,
    /// Where to write; standard output when `None`.
    pub output: Option<PathBuf>,
    pub zone: LocalZone,
    /// Draw a progress line on standard error (when it is a terminal).
    pub progress: bool,
}

/// What a finished export did, as its one-line summary says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub messages: u64,
    pub requests: u64,
    /// Messages the server counted that never came (it repeated others).
    pub missing: u64,
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exported {} messages in {} requests, {:.1} s",
            grouped(self.messages),
            grouped(self.requests),
            self.elapsed.as_secs_f64()
        )?;
        if self.missing > 0 {
            write!(
                f,
                "; {} messages the server counted did not arrive",
                grouped(self.missing)
            )?;
        }
        Ok(())
    }
}

/// Why an export failed; nothing was left at the output path.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("visitor {0} not found")]
    VisitorNotFound(u64),
    #[error(transparent)]
    Api(ApiError),
    #[error("{0}")]
    Incomplete(FetchError),
    #[error("cannot write {}: {error}", where_to(.path.as_deref()))]
    Write {
        path: Option<PathBuf>,
        error: io::Error,
    },
}

fn where_to(path: Option<&Path>) -> String {
    path.map_or_else(
        || "to standard output".to_owned(),
        |p| p.display().to_string(),
    )
}

/// Runs the export to the end.
pub async fn run(config: ExportConfig) -> Result<Summary, ExportError> {
    let started = Instant::now();
    let write_error = |error| ExportError::Write {
        path: config.output.clone(),
        error,
    };
    let mut sink = Sink::open(config.output.as_deref()).map_err(write_error)?;
    let mut transcript = Transcript::new(config.format, config.zone);
    transcript
        .begin(&mut sink, config.user_id)
        .map_err(write_error)?;
    let progress = config.progress.then(progress_bar);
    let fetched = engine::fetch_all(
        &config.client,
        config.page_size,
        usize::from(config.concurrency),
        |messages, done| {
            if let Some(bar) = &progress {
                show(bar, done);
            }
            messages
                .iter()
                .try_for_each(|message| transcript.message(&mut sink, message))
        },
    )
    .await;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let fetched = fetched.map_err(|error| match error {
        FetchError::Api(ApiError::NotFound) => ExportError::VisitorNotFound(config.user_id),
        FetchError::Api(error) => ExportError::Api(error),
        FetchError::Deliver(error) => write_error(error),
        stopped @ FetchError::Stopped(_) => ExportError::Incomplete(stopped),
    })?;
    sink.finish(config.output.as_deref()).map_err(write_error)?;
    Ok(Summary {
        messages: fetched.messages,
        requests: fetched.requests,
        missing: fetched.missing,
        elapsed: started.elapsed(),
    })
}

/// Where the transcript goes: standard output, or a temporary file that
/// becomes the output file once complete (and is removed if dropped before).
enum Sink {
    Stdout(BufWriter<io::Stdout>),
    File(BufWriter<tempfile::NamedTempFile>),
}

impl Sink {
    fn open(path: Option<&Path>) -> io::Result<Sink> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(BufWriter::new(io::stdout())));
        };
        // Beside the target, so the rename stays on one file system.
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let file = tempfile::Builder::new()
            .prefix(".szchat-export-")
            .tempfile_in(dir)?;
        Ok(Sink::File(BufWriter::new(file)))
    }

    fn finish(self, path: Option<&Path>) -> io::Result<()> {
        match (self, path) {
            (Sink::Stdout(mut out), _) => out.flush(),
            (Sink::File(out), Some(path)) => {
                let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.as_file().sync_all()?;
                file.persist(path).map_err(|error| error.error)?;
                Ok(())
            }
            (Sink::File(_), None) => Ok(()),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::File(out) => out.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File(out) => out.flush(),
        }
    }
}

/// Writes messages in one format, oldest first, with a heading whenever a
/// new local day begins (markdown and text).
#[derive(Debug)]
pub struct Transcript {
    format: Format,
    zone: LocalZone,
    day: Option<NaiveDate>,
}

impl Transcript {
    /// A transcript in `format`, with times in `zone`.
    pub fn new(format: Format, zone: LocalZone) -> Self {
        Self {
            format,
            zone,
            day: None,
        }
    }

    /// What comes before the first message.
    pub fn begin(&mut self, out: &mut impl Write, user_id: u64) -> io::Result<()> {
        match self.format {
            Format::Markdown => markdown::write_title(out, user_id),
            Format::Jsonl | Format::Text => Ok(()),
        }
    }

    /// Writes one message (and the day heading it starts, if any).
    pub fn message(&mut self, out: &mut impl Write, message: &Message) -> io::Result<()> {
        if self.format == Format::Jsonl {
            return jsonl::write_message(out, message);
        }
        if let Some(at) = message.created_at {
            let day = self.zone.local_date(at);
            if self.day != Some(day) {
                self.day = Some(day);
                let label = self.zone.day_label(at);
                match self.format {
                    Format::Markdown => markdown::write_day(out, &label)?,
                    Format::Text | Format::Jsonl => text::write_day(out, &label)?,
                }
            }
        }
        match self.format {
            Format::Markdown => markdown::write_message(out, message, &self.zone),
            Format::Text | Format::Jsonl => text::write_message(out, message, &self.zone),
        }
    }
}

/// The sender's name (sanitised, raw for the format to escape), and the
/// role, local time and flags that follow it in a header.
fn header_fields(message: &Message, zone: &LocalZone) -> (String, Vec<String>) {
    let clean = |field: &Option<String>| field.as_deref().map(sanitize_line);
    let sender = match &message.sender {
        Sender::Visitor { name, email } => Sender::Visitor {
            name: clean(name),
            email: clean(email),
        },
        Sender::Operator {
            forename,
            surname,
            email,
        } => Sender::Operator {
            forename: clean(forename),
            surname: clean(surname),
            email: clean(email),
        },
        Sender::Other { kind } => Sender::Other { kind: clean(kind) },
    };
    let mut rest = vec![sender.role_label().to_owned()];
    rest.push(
        message
            .created_at
            .map_or_else(|| "time unknown".to_owned(), |t| zone.time_of_day(t)),
    );
    if message.auto_invitation {
        rest.push("auto-invitation".to_owned());
    }
    (sender.display_name(), rest)
}

fn link_note() -> &'static str {
    LINK_NOTE
}

/// A progress line on standard error: messages, pages, rate and ETA.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        None,
        ProgressDrawTarget::stderr_with_hz(PROGRESS_TICKS_PER_SECOND),
    );
    let style = ProgressStyle::with_template("exporting {pos}/{len} messages · {msg} · ETA {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn show(bar: &ProgressBar, done: Progress) {
    if let Some(total) = done.total {
        bar.set_length(total);
    }
    bar.set_position(done.messages);
    let seconds = bar.elapsed().as_secs_f64();
    // indicatif's own rate shows four decimals; whole messages read better.
    let rate = if seconds > 0.0 {
        format!("{:.0} messages/s", done.messages as f64 / seconds)
    } else {
        String::new()
    };
    bar.set_message(format!("{} requests · {rate}", done.requests));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_reads_like_a_sentence() {
        let summary = Summary {
            messages: 10_000,
            requests: 102,
            missing: 0,
            elapsed: Duration::from_millis(640),
        };
        assert_eq!(
            summary.to_string(),
            "exported 10,000 messages in 102 requests, 0.6 s"
        );
    }
}
