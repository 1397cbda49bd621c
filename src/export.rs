//! `--export`: the whole history, oldest first, each message once, written
//! to a file or standard output as it arrives, without a terminal. Memory
//! stays bounded by the engine's window (about concurrency × page): messages
//! are written as soon as the run below them is complete.
//!
//! With `-o FILE` the transcript goes to a temporary file beside FILE that
//! is renamed to FILE only once complete; an error or Ctrl-C (the future
//! dropped) removes it, so no partial file is left (see [`output`]).

pub mod archived;
pub mod attachments;
pub mod figures;
pub mod header;
pub mod html;
pub mod jsonl;
pub mod markdown;
pub mod output;
pub mod text;

use std::fmt;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::api::client::ApiClient;
use crate::api::error::ApiError;
use crate::concurrency::Concurrency;
use crate::engine::{self, FetchError, Progress};
use crate::message_filter::MessageFilter;
use crate::metrics;
use crate::model::{Message, MessageId};
use crate::numbers::grouped;
use crate::paging::PageSize;
use crate::timefmt::LocalZone;

pub use header::Header;
use output::Sink;
pub use output::Target;

/// Requests that must have come back before an ETA is shown: the first
/// answer alone (sent before any concurrency) says little about the rest.
const PAGES_BEFORE_ETA: u64 = 4;
/// How often the progress line is redrawn.
const PROGRESS_TICKS_PER_SECOND: u8 = 10;

/// The formats `--export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One API message object per line, exactly as the server sent it.
    Jsonl,
    /// A readable transcript: a heading per day, escaped bodies.
    #[value(alias = "md")]
    Markdown,
    /// Like the screen, without colour.
    #[value(alias = "txt")]
    Text,
    /// One self-contained page (no script, nothing loaded), images embedded.
    Html,
}

/// What an export needs.
#[derive(Debug, Clone)]
pub struct ExportConfig {
    pub client: ApiClient,
    pub user_id: u64,
    pub page_size: PageSize,
    pub concurrency: Concurrency,
    pub format: Format,
    /// Where to write; standard output when `None` or `-`.
    pub output: Option<PathBuf>,
    pub zone: LocalZone,
    /// Draw a progress line on standard error (when it is a terminal).
    pub progress: bool,
    /// `--save-attachments DIR`: every attachment of the history is saved there.
    pub save_attachments: Option<PathBuf>,
    /// `--only`, `--no-auto-invitations`: the messages left out.
    pub filter: MessageFilter,
}

impl ExportConfig {
    /// Whether the export needs fresh attachment links, which the archive
    /// does not keep: html embeds images, `--save-attachments` saves files.
    pub fn needs_links(&self) -> bool {
        self.format == Format::Html || self.save_attachments.is_some()
    }
}

/// What a finished export did, as its one-line summary says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub messages: u64,
    pub requests: u64,
    /// Messages the server counted that never came (it repeated others).
    pub missing: u64,
    pub elapsed: Duration,
    /// The existing file the export replaced, if it replaced one.
    pub replaced: Option<PathBuf>,
    /// With `--save-attachments`: how many files were saved, and where.
    pub saved: Option<(usize, PathBuf)>,
    /// Messages the filter left out, and the filter, when one was given.
    pub left_out: Option<(u64, MessageFilter)>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exported {}{} in {}, {:.1} s",
            counted(self.messages, "message"),
            left_out(self.left_out),
            counted(self.requests, "request"),
            self.elapsed.as_secs_f64()
        )?;
        if self.missing > 0 {
            write!(
                f,
                "; {} the server counted did not arrive",
                counted(self.missing, "message")
            )?;
        }
        if let Some(path) = &self.replaced {
            write!(f, "; replaced {}", path.display())?;
        }
        if let Some((count, dir)) = &self.saved {
            let files = counted(*count as u64, "attachment");
            write!(f, "; saved {files} to {}", dir.display())?;
        }
        Ok(())
    }
}

/// " (1,222 left out: only attachments)" after the count, when a filter
/// was given.
pub fn left_out(left_out: Option<(u64, MessageFilter)>) -> String {
    match left_out {
        Some((count, filter)) => format!(" ({} left out: {filter})", grouped(count)),
        None => String::new(),
    }
}

/// Why an export failed; nothing was left at the output path (what was
/// written to standard output or another target written directly stays,
/// incomplete).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The history ran to its end, but without every message the server
    /// counted: not a complete export.
    #[error("{0}")]
    Missing(Summary),
    #[error("visitor {0} not found")]
    VisitorNotFound(u64),
    #[error(transparent)]
    Api(ApiError),
    #[error("{0}")]
    Incomplete(FetchError),
    /// The archive could not be opened, read or written.
    #[error(transparent)]
    Archive(#[from] crate::archive::ArchiveError),
    /// An attachment could not be saved under `--save-attachments`.
    #[error(transparent)]
    Save(#[from] attachments::SaveError),
    /// The sync before an export from the archive stopped, for this reason.
    #[error("{0}")]
    NotSynced(String),
    /// `--save-attachments DIR` cannot be used.
    #[error("cannot save attachments to {}: {reason}", .dir.display())]
    SaveDir { dir: PathBuf, reason: String },
    #[error("cannot write {}: {error}", where_to(.path.as_deref()))]
    Write {
        path: Option<PathBuf>,
        error: io::Error,
    },
    /// `error` came after part of the transcript went straight out to a
    /// target that is written directly (standard output, a FIFO, a device).
    #[error("{error}")]
    Partial {
        error: Box<ExportError>,
        written_to: String,
    },
}

impl ExportError {
    /// Where an incomplete transcript was left, if one was.
    pub fn incomplete_output(&self) -> Option<&str> {
        match self {
            ExportError::Partial { written_to, .. } => Some(written_to),
            _ => None,
        }
    }

    /// The reader of the output went away (`| head`): not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            ExportError::Write { error, .. } => error.kind() == io::ErrorKind::BrokenPipe,
            ExportError::Partial { error, .. } => error.is_broken_pipe(),
            _ => false,
        }
    }
}

/// "1 message", "10,000 messages".
fn counted(n: u64, noun: &str) -> String {
    let plural = if n == 1 { "" } else { "s" };
    format!("{} {noun}{plural}", grouped(n))
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
    // Before the first request: a directory or an unwritable place fails now.
    let target = Target::resolve(config.output.as_deref()).map_err(|error| ExportError::Write {
        path: config.output.clone(),
        error,
    })?;
    if let Some(dir) = &config.save_attachments {
        check_save_dir(dir)?;
    }
    let mut written = false;
    let outcome = write_history(&config, &target, started, &mut written).await;
    match outcome {
        Err(error) if written && target.writes_directly() => Err(ExportError::Partial {
            error: Box::new(error),
            written_to: target.describe(),
        }),
        outcome => outcome,
    }
}

/// The export into `target`; `written` tells whether anything went out.
async fn write_history(
    config: &ExportConfig,
    target: &Target,
    started: Instant,
    written: &mut bool,
) -> Result<Summary, ExportError> {
    let write_error = |error| ExportError::Write {
        path: config.output.clone(),
        error,
    };
    let mut sink = Sink::open_aside(target).await.map_err(write_error)?;
    // One offset for the whole transcript, said once in its header.
    let zone = LocalZone::Fixed(*config.zone.zoned(Utc::now()).offset());
    let mut transcript = Transcript::new(config.format, zone);
    // The messages with an attachment, and the name their (soon dead) link gave.
    let mut with_attachments: Vec<(MessageId, String)> = Vec::new();
    let collect = config.needs_links();
    let mut left_out = 0;
    // Markdown and text open with the conversation's figures, known only
    // once every page is in: their messages wait in a spool file (not in
    // memory) and follow the header at the end.
    let mut spool = match config.format {
        Format::Markdown | Format::Text => Some(io::BufWriter::new(
            tempfile::tempfile().map_err(write_error)?,
        )),
        Format::Html | Format::Jsonl => None,
    };
    let mut tally = metrics::UnorderedTally::default();
    let mut header = None;
    if config.format != Format::Jsonl {
        let fetched = Header::fetch(&config.client, config.user_id, &zone).await;
        if spool.is_none() {
            transcript.begin(&mut sink, &fetched).map_err(write_error)?;
            *written = true;
        }
        header = Some(fetched);
    }
    let progress = config.progress.then(progress_bar);
    let fetched = engine::fetch_all(
        &config.client,
        config.page_size,
        config.concurrency,
        |messages, done| {
            if let Some(bar) = &progress {
                show(bar, done);
            }
            *written |= spool.is_none() && !messages.is_empty();
            let kept = messages
                .iter()
                .filter(|message| config.filter.keeps(message));
            if spool.is_some() {
                // The figures of the messages exported, as from the archive.
                kept.clone().for_each(|message| tally.add(message));
            }
            left_out += (messages.len() - kept.clone().count()) as u64;
            if collect {
                with_attachments.extend(kept.clone().filter_map(attachments::named));
            }
            kept.into_iter().try_for_each(|message| match &mut spool {
                Some(spool) => transcript.message(spool, message),
                None => transcript.message(&mut sink, message),
            })
        },
    )
    .await;
    let clear_progress = || {
        if let Some(bar) = &progress {
            bar.finish_and_clear();
        }
    };
    // The line stays for the attachments, if any, else goes now.
    if fetched.is_err() || !collect {
        clear_progress();
    }
    let fetched = fetched.map_err(|error| match error {
        FetchError::Api(ApiError::NotFound) => ExportError::VisitorNotFound(config.user_id),
        FetchError::Api(error) => ExportError::Api(error),
        FetchError::Deliver(error) => write_error(error),
        stopped @ FetchError::Stopped(_) => ExportError::Incomplete(stopped),
    })?;
    let mut summary = Summary {
        messages: fetched.messages - left_out.min(fetched.messages),
        requests: fetched.requests,
        missing: fetched.missing,
        elapsed: started.elapsed(),
        replaced: None,
        saved: None,
        left_out: config
            .filter
            .is_active()
            .then_some((left_out, config.filter)),
    };
    if summary.missing > 0 {
        clear_progress();
        // Dropping the sink removes the temporary file: the target stays as it was.
        return Err(ExportError::Missing(summary));
    }
    let fetched = if collect {
        fetch_attachments(config, &with_attachments, progress.as_ref()).await
    } else {
        Ok(attachments::Fetched::default())
    };
    clear_progress();
    let fetched = fetched?;
    if let (Some(spool), Some(mut header)) = (spool, header) {
        let exported = tally.finish();
        // The period of the messages exported, as from the archive.
        header.period = exported.first_message_at.zip(exported.last_message_at);
        header.figures = figures::header_figures(&exported, &zone);
        transcript.begin(&mut sink, &header).map_err(write_error)?;
        *written = true;
        copy_spooled(spool, &mut sink).map_err(write_error)?;
    }
    transcript
        .end(&mut sink, &|id| fetched.shown.get(&id).cloned())
        .map_err(write_error)?;
    if let Some(dir) = &config.save_attachments {
        summary.saved = Some((fetched.saved.len(), dir.clone()));
    }
    summary.elapsed = started.elapsed();
    summary.replaced = sink.finish().map_err(write_error)?;
    Ok(summary)
}

/// Writes what `spool` holds, from its start, to `out`.
fn copy_spooled(spool: io::BufWriter<std::fs::File>, out: &mut impl Write) -> io::Result<()> {
    let mut file = spool.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.seek(io::SeekFrom::Start(0))?;
    io::copy(&mut file, out)?;
    Ok(())
}

/// The attachments of `messages` (id and name) as `config` wants them:
/// each through a fresh single-message link, embedded (html) and saved
/// (`--save-attachments`). `progress`, if drawn, counts them.
async fn fetch_attachments(
    config: &ExportConfig,
    messages: &[(MessageId, String)],
    progress: Option<&ProgressBar>,
) -> Result<attachments::Fetched, attachments::SaveError> {
    let wanted = attachments::Wanted {
        embed: config.format == Format::Html,
        save_to: config.save_attachments.as_deref(),
    };
    let on_next = |done: usize, total: usize| {
        if let Some(bar) = progress {
            bar.set_message(format!("fetching attachments {done}/{total}"));
        }
    };
    attachments::fetch_all(&config.client, messages, wanted, &on_next).await
}

/// What to say after a failed or interrupted export to `output`: written
/// directly (standard output, a FIFO, a device), what was written stays and
/// is incomplete. `None` when a temporary file was thrown away instead.
pub fn incomplete_note(output: Option<&Path>) -> Option<String> {
    let target = Target::resolve(output).ok()?;
    target
        .writes_directly()
        .then(|| format!("the output written to {} is incomplete", target.describe()))
}

/// `--save-attachments DIR` must name a directory that exists: said
/// before any request.
fn check_save_dir(dir: &Path) -> Result<(), ExportError> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(ExportError::SaveDir {
            dir: dir.to_owned(),
            reason: "it is not a directory".to_owned(),
        }),
        Err(error) => Err(ExportError::SaveDir {
            dir: dir.to_owned(),
            reason: error.to_string(),
        }),
    }
}

/// Writes messages in one format, oldest first, with a heading whenever a
/// new local day begins (markdown and text). An html page is written
/// whole at the [`Transcript::end`], its attachments fetched by then.
#[derive(Debug)]
pub struct Transcript {
    format: Format,
    zone: LocalZone,
    day: Option<NaiveDate>,
    /// html: the header and the messages, until the page is written.
    held: Option<(Header, Vec<Message>)>,
}

impl Transcript {
    /// A transcript in `format`, with times in `zone`.
    pub fn new(format: Format, zone: LocalZone) -> Self {
        Self {
            format,
            zone,
            day: None,
            held: None,
        }
    }

    /// What comes before the first message: who, when, in which offset.
    pub fn begin(&mut self, out: &mut impl Write, header: &Header) -> io::Result<()> {
        match self.format {
            Format::Markdown => header.write_markdown(out),
            Format::Text => header.write_text(out),
            Format::Html => {
                self.held = Some((header.clone(), Vec::new()));
                Ok(())
            }
            Format::Jsonl => Ok(()),
        }
    }

    /// Completes the transcript: writes the html page, with each message's
    /// attachment as `shown` gives it (other formats are complete already).
    pub fn end(
        &mut self,
        out: &mut impl Write,
        shown: &dyn Fn(MessageId) -> Option<attachments::Shown>,
    ) -> io::Result<()> {
        let Some((mut header, messages)) = self.held.take() else {
            return Ok(());
        };
        let exported = metrics::figures(&messages);
        header.period = exported.first_message_at.zip(exported.last_message_at);
        let figures = figures::header_figures(&exported, &self.zone);
        html::write_page(out, &header, &figures, &messages, shown, &self.zone)
    }

    /// Writes one message (and the day heading it starts, if any).
    pub fn message(&mut self, out: &mut impl Write, message: &Message) -> io::Result<()> {
        match (self.format, &mut self.held) {
            (Format::Jsonl, _) => return jsonl::write_message(out, message),
            (Format::Html, Some((_, messages))) => {
                messages.push(message.clone());
                return Ok(());
            }
            _ => {}
        }
        if let Some(at) = message.created_at {
            let day = self.zone.local_date(at);
            if self.day != Some(day) {
                self.day = Some(day);
                let label = self.zone.day_label(at);
                match self.format {
                    Format::Markdown => markdown::write_day(out, &label)?,
                    Format::Text | Format::Jsonl | Format::Html => text::write_day(out, &label)?,
                }
            }
        }
        match self.format {
            Format::Markdown => markdown::write_message(out, message, &self.zone),
            Format::Text | Format::Jsonl | Format::Html => {
                text::write_message(out, message, &self.zone)
            }
        }
    }
}

/// The sender's name (sanitised, raw for the format to escape), and the
/// role, local time and flags that follow it in a header.
fn header_fields(message: &Message, zone: &LocalZone) -> (String, Vec<String>) {
    let sender = message.sender.sanitized();
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

/// A progress line on standard error: messages, pages, rate and ETA.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        None,
        ProgressDrawTarget::stderr_with_hz(PROGRESS_TICKS_PER_SECOND),
    );
    // The line is written whole below: indicatif's own counts have no
    // thousands separators, and its ETA guesses from the first page alone.
    let style =
        ProgressStyle::with_template("{msg}").unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

fn show(bar: &ProgressBar, done: Progress) {
    bar.set_message(progress_line(done, bar.elapsed()));
}

/// "exporting 1,050/5,637 messages · 11 requests · 2,100 messages/s · ETA 3 s".
/// The ETA waits until [`PAGES_BEFORE_ETA`] requests have timed the server.
fn progress_line(done: Progress, elapsed: Duration) -> String {
    let total = done
        .total
        .map_or_else(String::new, |total| format!("/{}", grouped(total)));
    let mut line = format!(
        "exporting {}{total} messages · {}",
        grouped(done.messages),
        counted(done.requests, "request")
    );
    let seconds = elapsed.as_secs_f64();
    if seconds <= 0.0 || done.messages == 0 {
        return line;
    }
    let rate = done.messages as f64 / seconds;
    // Whole messages read better than indicatif's four decimals.
    line.push_str(&format!(" · {} messages/s", grouped(rate.round() as u64)));
    if let Some(total) = done.total
        && done.requests >= PAGES_BEFORE_ETA
    {
        let left = total.saturating_sub(done.messages) as f64 / rate;
        line.push_str(&format!(" · ETA {} s", grouped(left.ceil() as u64)));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message_filter::Only;

    #[test]
    fn the_summary_reads_like_a_sentence() {
        let summary = Summary {
            messages: 10_000,
            requests: 102,
            missing: 0,
            elapsed: Duration::from_millis(640),
            replaced: None,
            saved: None,
            left_out: None,
        };
        assert_eq!(
            summary.to_string(),
            "exported 10,000 messages in 102 requests, 0.6 s"
        );
        let filtered = Summary {
            messages: 12,
            left_out: Some((
                1_222,
                MessageFilter {
                    hide_auto_invitations: false,
                    only: Some(Only::Attachments),
                },
            )),
            ..summary.clone()
        };
        assert_eq!(
            filtered.to_string(),
            "exported 12 messages (1,222 left out: only attachments) in 102 requests, 0.6 s"
        );
        let one = Summary {
            messages: 1,
            requests: 1,
            missing: 1,
            ..summary
        };
        assert_eq!(
            one.to_string(),
            "exported 1 message in 1 request, 0.6 s; 1 message the server counted did not arrive"
        );
    }

    #[test]
    fn the_progress_line_groups_thousands_and_waits_for_pages_before_an_eta() {
        let early = Progress {
            messages: 99,
            total: Some(5_637),
            requests: 1,
        };
        assert_eq!(
            progress_line(early, Duration::from_secs(1)),
            "exporting 99/5,637 messages · 1 request · 99 messages/s"
        );
        let later = Progress {
            messages: 1_050,
            total: Some(5_637),
            requests: 11,
        };
        assert_eq!(
            progress_line(later, Duration::from_millis(1_000)),
            "exporting 1,050/5,637 messages · 11 requests · 1,050 messages/s · ETA 5 s"
        );
    }
}
