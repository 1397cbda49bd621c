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
//! The history is read from the archive whole before it is written. When
//! the server's answers do not add up for the archive (rather than a request
//! failing), the export fetches and writes the history as without the
//! archive, and its own summary says what came.

use std::future;
use std::io;
use std::path::PathBuf;
use std::time::Instant;

use chrono::Utc;

use super::figures;
use super::{ExportConfig, ExportError, Format, Header, Summary, Target, Transcript};
use crate::api::error::ApiError;
use crate::archive::store::Write;
use crate::archive::task::{AccountSpec, StoreRequest, StoreTask};
use crate::export::output::Sink;
use crate::message_filter::MessageFilter;
use crate::metrics;
use crate::model::Message;
use crate::sync::{self, SyncConfig, SyncError};
use crate::timefmt::LocalZone;
use crate::visitor::Visitor;

/// Which archive to bring up to date and read: the data directory and the
/// account in it.
#[derive(Debug, Clone)]
pub struct ArchivePlace {
    pub dir: PathBuf,
    pub account: AccountSpec,
}

/// Syncs `config.user_id` into the archive at `place`, then exports it from
/// there. `note` is told what is worth a line on standard error (a damaged
/// archive moved aside, a history that shrank).
pub async fn run(
    config: ExportConfig,
    place: ArchivePlace,
    note: &(dyn Fn(String) + Sync),
) -> Result<Summary, ExportError> {
    if config.needs_links() {
        // The archive keeps no attachment link: fresh ones need the history
        // from the network, with the links its answers carry.
        return super::run(config).await;
    }
    let started = Instant::now();
    // Before the first request: a directory or an unwritable place fails now.
    let target = Target::resolve(config.output.as_deref()).map_err(|error| ExportError::Write {
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
    let zone = LocalZone::Fixed(*config.zone.zoned(Utc::now()).offset());
    let header = header(config.user_id, visitor, &messages, &zone);
    let count = messages.len() as u64;
    let format = config.format;
    // Opening a FIFO waits for its reader: off the runtime's threads.
    let writing = target.clone();
    let (replaced, written) = tokio::task::spawn_blocking(move || {
        let mut written = false;
        let replaced = write(&writing, format, zone, &header, &messages, &mut written);
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
        saved: None,
        left_out: config
            .filter
            .is_active()
            .then_some((left_out, config.filter)),
    })
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
        progress: config.progress,
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

/// Writes `messages` (oldest first) to `target` under the export's rules
/// (`-` is standard output, a FIFO is written in place, a file is replaced
/// only once complete and keeps its mode); the file replaced, if one was.
pub fn write(
    target: &Target,
    format: Format,
    zone: LocalZone,
    header: &Header,
    messages: &[Message],
    written: &mut bool,
) -> io::Result<Option<PathBuf>> {
    let mut transcript = Transcript::new(format, zone);
    let mut out = Sink::open(target)?;
    transcript.begin(&mut out, header)?;
    *written = format != Format::Jsonl || !messages.is_empty();
    for message in messages {
        transcript.message(&mut out, message)?;
    }
    // The archive keeps no attachment links: an html page names no file.
    transcript.end(&mut out, &|_| None)?;
    out.finish()
}
