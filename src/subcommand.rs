//! `szchat sync`, `szchat search`, `szchat report` and `szchat archive path|stats|forget`: from parsed flags
//! and settings to lines on the terminal and an exit status.

use std::io::IsTerminal;
use std::path::PathBuf;

use chrono::Local;
use futures_util::StreamExt;

use crate::archive::dir::{DB_FILE, data_dir};
use crate::archive::store::Stats;
use crate::archive::task::{StoreEvent, StoreRequest, StoreTask};
use crate::cli::commands::{ArchiveCommand, Command};
use crate::cli::{EXIT_FAILURE, EXIT_USAGE};
use crate::command_setup::{client, fail, open, open_account};
use crate::config::Settings;
use crate::export::{Format, Target, archived};
use crate::message_filter::MessageFilter;
use crate::numbers::{byte_size, grouped};

use crate::paging::PageSize;
use crate::report_cli::{self, ReportFormat};
use crate::search_cli;
use crate::signals;
use crate::sync::{self, Progress, SYNC_PAGE_SIZE, SyncConfig, SyncError};
use crate::timefmt::LocalZone;

/// Said when the archive is turned off and a command needs it.
const ARCHIVE_OFF: &str =
    "the archive is turned off (--no-archive or archive = false in the config file)";

/// How a subcommand is run: its settings, and whether `--page-size` was given.
#[derive(Debug)]
pub struct CommandContext<'a> {
    pub settings: &'a Settings,
    /// `--page-size` on the command line (sync uses 99 otherwise).
    pub page_size: Option<PageSize>,
}

/// Runs `command`; returns the exit status.
pub async fn run(command: &Command, context: &CommandContext<'_>) -> u8 {
    let Some(dir) = data_dir(|name| std::env::var_os(name)) else {
        return fail(
            EXIT_FAILURE,
            &crate::archive::ArchiveError::NoDataDir.to_string(),
        );
    };
    match command {
        Command::Archive {
            action: ArchiveCommand::Path,
        } => {
            println!("{}", dir.join(DB_FILE).display());
            0
        }
        _ if !context.settings.archive => fail(EXIT_USAGE, ARCHIVE_OFF),
        Command::Archive {
            action: ArchiveCommand::Stats,
        } => stats(dir).await,
        Command::Archive {
            action: ArchiveCommand::Forget { user_id },
        } => forget(dir, context.settings, *user_id).await,
        Command::Sync { user_ids } => sync(dir, context, user_ids).await,
        Command::Report {
            user_ids,
            csv,
            json,
        } => {
            let format = match (csv, json) {
                (true, _) => ReportFormat::Csv,
                (_, true) => ReportFormat::Json,
                _ => ReportFormat::Table,
            };
            report_cli::run(dir, context.settings, user_ids, format).await
        }
        Command::Search {
            query,
            sync,
            json,
            limit,
        } => {
            let request = search_cli::SearchRequest {
                query,
                json: *json,
                limit: *limit,
            };
            if *sync {
                let code = self::sync(dir.clone(), context, &[]).await;
                if code >= EXIT_USAGE {
                    return code;
                }
            }
            search_cli::run(dir, context.settings, &request).await
        }
    }
}

pub(crate) async fn sync(dir: PathBuf, context: &CommandContext<'_>, user_ids: &[u64]) -> u8 {
    let (client, account) = match client(context.settings) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let mut signals = match signals::listen() {
        Ok(signals) => signals,
        Err(error) => return fail(EXIT_FAILURE, &format!("cannot listen for signals: {error}")),
    };
    let store = match open(dir, Some(account)).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    let config = SyncConfig {
        client,
        user_ids: user_ids.to_vec(),
        page_size: context.page_size.unwrap_or(SYNC_PAGE_SIZE),
        concurrency: context.settings.concurrency,
        progress: Progress::line_if(std::io::stderr().is_terminal()),
    };
    let mut signal = None;
    let interrupt = async {
        signal = signals.next().await;
    };
    let outcome = sync::run(config, store, interrupt).await;
    tracing::info!(?outcome, "sync finished");
    match outcome {
        Ok(summary) => {
            eprintln!("{summary}");
            for (visitor, reason) in summary.failed.iter().chain(&summary.notes) {
                eprintln!("szchat: visitor {visitor}: {reason}");
            }
            if summary.interrupted {
                128 + u8::try_from(signal.unwrap_or(2)).unwrap_or(2)
            } else if summary.failed.is_empty() {
                0
            } else {
                EXIT_FAILURE
            }
        }
        Err(error @ (SyncError::List(_) | SyncError::Archive(_))) => {
            fail(EXIT_FAILURE, &error.to_string())
        }
    }
}

async fn stats(dir: PathBuf) -> u8 {
    let db = dir.join(DB_FILE);
    if !db.exists() {
        println!("no archive yet: {}", db.display());
        return 0;
    }
    let mut store = match open(dir, None).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    store.send(StoreRequest::Stats);
    let answer = store.events.recv().await;
    let _ = store.finish().await;
    match answer {
        Some(StoreEvent::Stats(Ok(stats))) => {
            print!("{}", stats_text(&stats));
            0
        }
        Some(StoreEvent::Stats(Err(error))) => fail(EXIT_FAILURE, &error.to_string()),
        _ => fail(EXIT_FAILURE, "the archive's store has stopped"),
    }
}

/// The figures, one line for the file and one per account.
pub fn stats_text(stats: &Stats) -> String {
    let mut text = format!(
        "{}: {} on disk\n",
        stats.path.display(),
        byte_size(stats.bytes)
    );
    if stats.accounts.is_empty() {
        text.push_str("no accounts archived yet\n");
    }
    for account in &stats.accounts {
        let last = account.last_sync.map_or_else(
            || "never synced".to_owned(),
            |at| {
                format!(
                    "last sync {}",
                    at.with_timezone(&Local).format("%a %-d %b %Y %H:%M")
                )
            },
        );
        text.push_str(&format!(
            "{}: {} visitors, {} messages, {last}\n",
            account.base_url,
            grouped(account.visitors),
            grouped(account.messages)
        ));
    }
    text
}

async fn forget(dir: PathBuf, settings: &Settings, user_id: u64) -> u8 {
    let mut store = match open_account(dir, settings).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    store.send(StoreRequest::Forget { visitor: user_id });
    let answer = store.events.recv().await;
    let finished = store.finish().await;
    match (answer, finished) {
        (
            Some(StoreEvent::Forgotten {
                result: Ok(done), ..
            }),
            Ok(()),
        ) => {
            if done.known {
                println!(
                    "forgot visitor {user_id}: {} messages, profile and sync state",
                    grouped(done.messages)
                );
            } else {
                println!("the archive holds nothing of visitor {user_id}");
            }
            0
        }
        (
            Some(StoreEvent::Forgotten {
                result: Err(error), ..
            }),
            _,
        )
        | (_, Err(error)) => fail(EXIT_FAILURE, &error.to_string()),
        _ => fail(EXIT_FAILURE, "the archive's store has stopped"),
    }
}

/// `--offline` browsing: the store task on the account's archive, once it
/// is known to hold `user_id`; a visitor never archived is one line and
/// exit 1, as for `--offline --export`. Without a `user_id` (the list of
/// archived visitors) an archive never written is that line.
pub async fn open_offline(settings: &Settings, user_id: Option<u64>) -> Result<StoreTask, u8> {
    if !settings.archive {
        return Err(fail(
            EXIT_USAGE,
            &format!("--offline reads the archive, but {ARCHIVE_OFF}"),
        ));
    }
    let Some(dir) = data_dir(|name| std::env::var_os(name)) else {
        return Err(fail(
            EXIT_FAILURE,
            &crate::archive::ArchiveError::NoDataDir.to_string(),
        ));
    };
    let not_archived = |user_id: u64| {
        fail(
            EXIT_FAILURE,
            &format!("visitor {user_id} is not in the archive (szchat sync {user_id} fetches it)"),
        )
    };
    let exists = dir.join(DB_FILE).exists();
    let Some(user_id) = user_id else {
        if !exists {
            return Err(fail(
                EXIT_FAILURE,
                "the archive holds no visitor yet (szchat sync fetches them)",
            ));
        }
        return open_account(dir, settings).await;
    };
    if !exists {
        return Err(not_archived(user_id));
    }
    let mut store = open_account(dir, settings).await?;
    store.send(StoreRequest::Holdings { visitor: user_id });
    loop {
        match store.events.recv().await {
            Some(StoreEvent::Holdings {
                result: Ok(holdings),
                ..
            }) if holdings.messages > 0 => return Ok(store),
            Some(StoreEvent::Holdings { result: Ok(_), .. }) => {
                let _ = store.finish().await;
                return Err(not_archived(user_id));
            }
            Some(StoreEvent::Holdings {
                result: Err(error), ..
            }) => return Err(fail(EXIT_FAILURE, &error.to_string())),
            Some(_) => {}
            None => return Err(fail(EXIT_FAILURE, "the archive's store has stopped")),
        }
    }
}

/// `--offline --export`: a visitor's history from the archive, no network.
#[derive(Debug)]
pub struct OfflineExport {
    pub user_id: u64,
    pub format: Format,
    /// Where to write; standard output when `None`.
    pub output: Option<PathBuf>,
    /// `--only`, `--no-auto-invitations`: the messages left out.
    pub filter: MessageFilter,
}

/// Writes the archived history of `export.user_id`, oldest first, making
/// no request; a visitor never archived is one line and exit 1.
pub async fn offline_export(settings: &Settings, export: &OfflineExport) -> u8 {
    if !settings.archive {
        return fail(
            EXIT_USAGE,
            &format!("--offline reads the archive, but {ARCHIVE_OFF}"),
        );
    }
    let Some(dir) = data_dir(|name| std::env::var_os(name)) else {
        return fail(
            EXIT_FAILURE,
            &crate::archive::ArchiveError::NoDataDir.to_string(),
        );
    };
    if !dir.join(DB_FILE).exists() {
        return fail(
            EXIT_FAILURE,
            &format!(
                "visitor {} is not in the archive (szchat sync {} fetches it)",
                export.user_id, export.user_id
            ),
        );
    }
    let mut store = match open_account(dir, settings).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    let holdings = store.holdings_of(export.user_id).await;
    let messages = store.messages_of(export.user_id).await;
    // A profile that cannot be read only leaves the name out of the header.
    let profile = store.visitor_of(export.user_id).await.ok().flatten();
    let _ = store.finish().await;
    let (holdings, messages) = match (holdings, messages) {
        (Ok(holdings), Ok(messages)) => (holdings, messages),
        (Err(error), _) | (_, Err(error)) => return fail(EXIT_FAILURE, &error.to_string()),
    };
    if holdings.state.is_none() && messages.is_empty() {
        return fail(
            EXIT_FAILURE,
            &format!(
                "visitor {} is not in the archive (szchat sync {} fetches it)",
                export.user_id, export.user_id
            ),
        );
    }
    let (messages, left_out) = archived::kept(messages, export.filter);
    match write_transcript(export, profile, &messages) {
        Ok(()) => {
            eprintln!(
                "exported {} messages{} from the archive",
                grouped(messages.len() as u64),
                crate::export::left_out(
                    export
                        .filter
                        .is_active()
                        .then_some((left_out, export.filter))
                )
            );
            0
        }
        // A reader that stops early (`| head`) is not an error.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(error) => {
            let place = export.output.as_deref().map_or_else(
                || "to standard output".to_owned(),
                |path| path.display().to_string(),
            );
            fail(EXIT_FAILURE, &format!("cannot write {place}: {error}"))
        }
    }
}

/// The transcript to where `-o` says, under the same rules as an export from
/// the server.
fn write_transcript(
    export: &OfflineExport,
    profile: Option<crate::visitor::Visitor>,
    messages: &[crate::model::Message],
) -> std::io::Result<()> {
    let zone = LocalZone::System;
    let target = Target::resolve(export.output.as_deref())?;
    let header = archived::header(export.user_id, profile, messages, &zone);
    // Offline nothing can be fetched: an html page lists each attachment.
    let offline = crate::export::attachments::offline(messages);
    let shown = |id| offline.get(&id).cloned();
    archived::write(
        crate::export::output::Sink::open(&target)?,
        export.format,
        zone,
        &header,
        messages,
        &shown,
        &mut false,
    )
    .map(drop)
}
