//! `--export` with the archive on: the visitor's archive is first brought up
//! to date by the incremental sync of `szchat sync` (one request when
//! nothing changed, otherwise only the pages the archive lacks), what the
//! network brings is written to the archive as it arrives, and the
//! transcript is then written from the archive. `--offline --export` writes
//! from the archive the same way, without the sync.
//!
//! The archived JSON lacks only the attachment link (its `file_url` is
//! `null`), so a jsonl export from the archive does too: the link dies 20 s
//! after its answer, and an export keeps the file name in the other formats.
//! What html embeds and `--save-attachments` saves comes through a fresh
//! single-message link per attachment, asked for once the history is read;
//! offline, html lists each attachment by name. The history is read from
//! the archive whole before it is written. When
//! the server's answers do not add up for the archive (rather than a request
//! failing), the export fetches and writes the history as without the
//! archive, and its own summary says what came.

use std::future;
use std::io;
use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;

use super::attachments::{self, Shown};
use super::figures;
use super::{ExportConfig, ExportError, Format, Header, Summary, Target, Transcript};
use crate::api::error::ApiError;
use crate::archive::store::Write;
pub use crate::archive::task::ArchivePlace;
use crate::archive::task::{StoreRequest, StoreTask};
use crate::export::output::Sink;
use crate::message_filter::MessageFilter;
use crate::metrics;
use crate::model::{Message, MessageId};
use crate::sync::{self, SyncConfig, SyncError};
use crate::timefmt::LocalZone;
use crate::visitor::Visitor;

/// Syncs `config.user_id` into the archive at `place`, then exports it from
/// there. `note` is told what is worth a line on standard error (a damaged
/// archive moved aside, a history that shrank).
pub async fn run(
    config: ExportConfig,
    place: ArchivePlace,
    note: &(dyn Fn(String) + Sync),
) -> Result<Summary, ExportError> {
    let started = Instant::now();
    // Before the first request: a directory or an unwritable place fails now.
    let target = Target::resolve(config.output.as_deref()).map_err(|error| ExportError::Write {
        path: config.output.clone(),
        error,
    })?;
    if let Some(dir) = &config.save_attachments {
        super::check_save_dir(dir)?;
    }
    // Opened before the sync, so a place that cannot be written (no such
    // directory, no permission) fails before any request too.
    let sink = Sink::open_aside(&target)
        .await
        .map_err(|error| ExportError::Write {
            path: config.output.clone(),
            error,
        })?;
    let (mut store, moved_aside) = StoreTask::open(place.dir, Some(place.account)).await?;
    if let Some(moved) = moved_aside {
        note(moved.to_string());
    }
    let fetched = fetch_into(&config, &mut store, note).await;
    let read = match fetched {
        Ok(fetched) => store
            .messages_of(config.user_id)
            .await
            .map(|messages| (fetched, messages)),
        Err(ExportError::NotSynced(reason)) => {
            // The server's answers do not add up for the archive: the
            // export fetches the whole history as without it, and says
            // what it could and could not export.
            let _ = store.finish().await;
            // Its own export opens the target again (a temporary file is removed).
            drop(sink);
            note(format!(
                "visitor {}: {reason}; exporting without the archive",
                config.user_id
            ));
            return super::run(config).await;
        }
        Err(error) => {
            let _ = store.finish().await;
            return Err(error);
        }
    };
    let finished = store.finish().await;
    let ((requests, visitor), messages) = read?;
    finished?;
    let (messages, left_out) = kept(messages, config.filter);
    let fetched = fetch_attachments(&config, &messages).await?;
    let zone = LocalZone::Fixed(*config.zone.zoned(Utc::now()).offset());
    let header = header(config.user_id, visitor, &messages, &zone);
    let count = messages.len() as u64;
    let format = config.format;
    let saved = config
        .save_attachments
        .clone()
        .map(|dir| (fetched.saved.len(), dir));
    // Writing to a FIFO may block on its reader: off the runtime's threads.
    let (replaced, written) = tokio::task::spawn_blocking(move || {
        let mut written = false;
        let shown = |id| fetched.shown.get(&id).cloned();
        let replaced = write(sink, format, zone, &header, &messages, &shown, &mut written);
        (replaced, written)
    })
    .await
    .unwrap_or_else(|error| (Err(io::Error::other(error)), false));
    let replaced = replaced.map_err(|error| ExportError::Write {
        path: config.output.clone(),
        error,
    });
    let replaced = match replaced {
        Err(error) if written && target.writes_directly() => {
            return Err(ExportError::Partial {
                error: Box::new(error),
                written_to: target.describe(),
            });
        }
        replaced => replaced?,
    };
    Ok(Summary {
        messages: count,
        requests,
        missing: 0,
        elapsed: started.elapsed(),
        replaced,
        saved,
        left_out: config
            .filter
            .is_active()
            .then_some((left_out, config.filter)),
    })
}

/// What html and `--save-attachments` need of `messages`' attachments,
/// each through a fresh single-message link (the archive keeps none);
/// nothing for the other exports.
async fn fetch_attachments(
    config: &ExportConfig,
    messages: &[Message],
) -> Result<attachments::Fetched, ExportError> {
    let wanted: Vec<_> = messages.iter().filter_map(attachments::named).collect();
    if !config.needs_links() || wanted.is_empty() {
        return Ok(attachments::Fetched::default());
    }
    let progress = config.progress.then(super::progress_bar);
    let fetched = super::fetch_attachments(config, &wanted, progress.as_ref()).await;
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    Ok(fetched?)
}

/// The messages `filter` keeps, and how many it left out.
pub fn kept(messages: Vec<Message>, filter: MessageFilter) -> (Vec<Message>, u64) {
    let all = messages.len();
    let kept: Vec<Message> = messages
        .into_iter()
        .filter(|message| filter.keeps(message))
        .collect();
    let left_out = (all - kept.len()) as u64;
    (kept, left_out)
}

/// The profile (for a header) and the sync of the one visitor, both
/// written to the archive; the message requests made, and the profile.
async fn fetch_into(
    config: &ExportConfig,
    store: &mut StoreTask,
    note: &(dyn Fn(String) + Sync),
) -> Result<(u64, Option<Visitor>), ExportError> {
    let visitor = if config.format == Format::Jsonl {
        None
    } else {
        // A profile that cannot be fetched only leaves the name out.
        let profile = config.client.user(config.user_id, &|_| {}).await.ok();
        if let Some(profile) = &profile {
            store.send(StoreRequest::Write(Write::Visitors(vec![profile.clone()])));
        }
        profile
    };
    let sync = SyncConfig {
        client: config.client.clone(),
        user_ids: vec![config.user_id],
        page_size: config.page_size,
        concurrency: config.concurrency,
        progress: sync::Progress::line_if(config.progress),
    };
    let summary = sync::bring_up_to_date(sync, store, future::pending())
        .await
        .map_err(|error| match error {
            SyncError::List(error) => ExportError::Api(error),
            SyncError::Archive(error) => ExportError::Archive(error),
        })?;
    if let Some((_, error)) = summary.api_errors.into_iter().next() {
        return Err(match error {
            ApiError::NotFound => ExportError::VisitorNotFound(config.user_id),
            error => ExportError::Api(error),
        });
    }
    if let Some((_, reason)) = summary.failed.into_iter().next() {
        return Err(ExportError::NotSynced(reason));
    }
    for (_, words) in summary.notes {
        note(format!("visitor {}: {words}", config.user_id));
    }
    store.flushed().await?;
    Ok((summary.requests, visitor))
}

/// Who (when the profile is known), the archived period, one offset.
pub fn header(
    user_id: u64,
    visitor: Option<Visitor>,
    messages: &[Message],
    zone: &LocalZone,
) -> Header {
    let times = messages.iter().filter_map(|message| message.created_at);
    Header {
        user_id,
        visitor,
        period: times.clone().min().zip(times.max()),
        offset: *zone.zoned(Utc::now()).offset(),
        figures: figures::header_figures(&metrics::figures(messages), zone),
    }
}

/// Writes `messages` (oldest first) to `out`, opened under the export's
/// rules (`-` is standard output, a FIFO is written in place, a file is
/// replaced only once complete and keeps its mode), an html page's
/// attachments as `shown` has them; the file replaced, if one was.
pub fn write(
    mut out: Sink,
    format: Format,
    zone: LocalZone,
    header: &Header,
    messages: &[Message],
    shown: &dyn Fn(MessageId) -> Option<Shown>,
    written: &mut bool,
) -> io::Result<Option<PathBuf>> {
    let mut transcript = Transcript::new(format, zone);
    transcript.begin(&mut out, header)?;
    *written = format != Format::Jsonl || !messages.is_empty();
    for message in messages {
        transcript.message(&mut out, message)?;
    }
    transcript.end(&mut out, shown)?;
    out.finish()
}
