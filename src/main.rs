//! The `szchat` binary: parses flags, takes over the terminal, runs the app,
//! and turns the outcome into a one-line reason and an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use futures_util::StreamExt;

use szchat::api::client::{ApiClient, ApiConfig};
use szchat::api::error::ApiError;
use szchat::app::{self, AppConfig};
use szchat::archive::ArchiveError;
use szchat::archive::dir::data_dir;
use szchat::archive::task::{AccountSpec, ArchivePlace, StoreTask};
use szchat::cli::{Cli, EXIT_FAILURE, EXIT_USAGE, docs};
use szchat::config::{self, Origin, Settings};
use szchat::export::{self, ExportConfig};
use szchat::images;
use szchat::logging;
use szchat::secret::Secret;
use szchat::signals;
use szchat::state::{ConversationSettings, DEFAULT_POLL_INTERVAL, Exit};
use szchat::subcommand;
use szchat::sync::background::SyncSource;
use szchat::terminal::{self, TerminalSession};
use szchat::timefmt::LocalZone;
use szchat::ui::color::Colors;

/// How long exiting waits for requests still in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    // The matches say which values are clap's defaults, which the config file may replace.
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    if let Err(error) = cli.check_demo(&matches) {
        error.exit();
    }
    if let Some(shell) = cli.completions {
        return print(&docs::completion_script(shell));
    }
    if cli.man {
        return match docs::man_page() {
            Ok(page) => print(&page),
            Err(error) => fail(
                EXIT_FAILURE,
                &format!("cannot write the manual page: {error}"),
            ),
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return fail(
                EXIT_FAILURE,
                &format!("cannot start the async runtime: {error}"),
            );
        }
    };
    let code = runtime.block_on(run(cli, matches));
    // Requests still in flight (a hanging DNS lookup, say) must not delay the exit.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    code
}

async fn run(cli: Cli, matches: clap::ArgMatches) -> ExitCode {
    if let Some(path) = &cli.log_file {
        let filter = std::env::var("RUST_LOG").ok();
        if let Err(error) = logging::init(path, filter.as_deref()) {
            return fail(EXIT_USAGE, &error.to_string());
        }
    }
    let dir = config::config_dir(|name| std::env::var_os(name));
    let file = match config::load(cli.config.as_deref(), dir.as_deref()) {
        Ok(file) => file,
        Err(error) => return fail(EXIT_USAGE, &error.to_string()),
    };
    let settings = Settings::resolve(&cli, &matches, &file, dir.as_deref(), |name| {
        std::env::var_os(name)
    });
    if let Some(command) = &cli.command {
        if cli.demo {
            return fail(EXIT_USAGE, "sync and archive do not run with --demo");
        }
        let given = matches.value_source("page_size") == Some(ValueSource::CommandLine);
        let context = subcommand::CommandContext {
            settings: &settings,
            page_size: given.then_some(cli.page_size),
        };
        return ExitCode::from(subcommand::run(command, &context).await);
    }
    // `--offline` without `--export`: the visitor's archived history on
    // screen, or without a USER_ID the list of archived visitors.
    let mut offline_store = None;
    if cli.offline && cli.export.is_none() {
        match subcommand::open_offline(&settings, cli.user_id).await {
            Ok(store) => offline_store = Some(store),
            Err(code) => return ExitCode::from(code),
        }
    } else if cli.offline {
        if cli.save_attachments.is_some() {
            return fail(
                EXIT_USAGE,
                "--save-attachments needs the network: attachment links are fetched fresh",
            );
        }
        let Some(user_id) = cli.user_id else {
            return fail(
                EXIT_USAGE,
                "--export needs the USER_ID of the visitor to export",
            );
        };
        let export = subcommand::OfflineExport {
            user_id,
            format: cli.export.unwrap_or(export::Format::Jsonl),
            output: cli.output.clone(),
            filter: cli.export_filter(),
        };
        return ExitCode::from(subcommand::offline_export(&settings, &export).await);
    }
    // The demo server serves as long as `_demo_server` lives: to the end of the session.
    let (api_config, _demo_server) = if cli.demo {
        match demo::start(cli.user_id).await {
            Ok((server, config)) => (config, Some(server)),
            Err(code) => return code,
        }
    } else {
        let secret = match settings.secret.read() {
            Ok(secret) => secret,
            Err(error) => return fail(EXIT_USAGE, &error.to_string()),
        };
        // Without an id the client only lists visitors; each conversation
        // opened from the list gets a client for its own visitor.
        let user_id = cli.user_id.unwrap_or_default();
        (ApiConfig::new(&settings.base_url, secret, user_id), None)
    };
    let user_id = cli.user_id;
    // The demo's client is for its first visitor when no id is given.
    let client_user_id = api_config.user_id;
    // The archive tells accounts apart by it (never writing it).
    let secret = api_config.secret.clone();
    let client = match ApiClient::new(api_config) {
        Ok(client) => client,
        Err(error) => return fail(EXIT_USAGE, &client_error(&settings.base_url_origin, &error)),
    };
    // Only the validated base URL is logged: the flag as typed may carry
    // credentials or a query.
    tracing::info!(
        ?user_id,
        base_url = client.base_url(),
        page_size = %settings.page_size,
        whole_history_page_size = %settings.whole_history_page_size,
        concurrency = settings.concurrency.get(),
        poll_interval = ?settings.poll_interval,
        color = ?settings.color,
        config_file = ?file.path,
        "starting"
    );

    if let Some(format) = cli.export {
        let Some(user_id) = user_id.or(cli.demo.then_some(client_user_id)) else {
            return fail(
                EXIT_USAGE,
                "--export needs the USER_ID of the visitor to export",
            );
        };
        let config = ExportConfig {
            client,
            user_id,
            page_size: settings.whole_history_page_size,
            concurrency: settings.concurrency,
            format,
            output: cli.output.clone(),
            zone: LocalZone::System,
            progress: std::io::stderr().is_terminal(),
            save_attachments: cli.save_attachments.clone(),
            filter: cli.export_filter(),
        };
        let archive = match export_archive(&cli, &settings, &config.client, secret) {
            Ok(archive) => archive,
            Err(code) => return code,
        };
        return export(config, archive).await;
    }
    // Before taking over the terminal: drawing into a file or pipe would
    // leave a blank screen waiting for a blind `q`.
    if let Err(problem) = terminal::require_terminal() {
        return fail(EXIT_USAGE, &problem.to_string());
    }
    // Before the terminal is taken: from here on, an ending signal restores it.
    let signals = match signals::listen() {
        Ok(signals) => signals,
        Err(error) => return fail(EXIT_FAILURE, &format!("cannot listen for signals: {error}")),
    };
    let mut session = match TerminalSession::start() {
        Ok(session) => session,
        Err(error) => return fail(EXIT_FAILURE, &format!("cannot use this terminal: {error}")),
    };
    let colors = settings.color.resolve(
        std::env::var_os("NO_COLOR").as_deref(),
        std::io::stdout().is_terminal(),
    );
    // crossterm reads NO_COLOR on its own; the decision above is the one that holds.
    crossterm::style::force_color_output(colors == Colors::On);
    // In raw mode and before any key is read, as asking the terminal needs.
    // Offline no attachment can be had: nothing to preview.
    let images = if cli.offline {
        None
    } else {
        settings
            .images
            .resolve(|| images::detect::detect(|name| std::env::var(name).ok()))
    };
    tracing::info!(images = ?settings.images, graphics = ?images, "pictures");
    let config = AppConfig {
        client,
        user_id,
        colors,
        settings: ConversationSettings {
            page_size: settings.page_size,
            whole_history_page_size: settings.whole_history_page_size,
            zone: LocalZone::System,
            log_file: cli.log_file.clone(),
            // Offline nothing is asked of the server: no following, no profile.
            follow: cli.follow && !cli.offline,
            poll_interval: settings.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL),
            visitor_profile: !cli.offline,
            concurrency: settings.concurrency,
            session_gap: settings.session_gap,
            images,
        },
    };
    let account = AccountSpec {
        base_url: config.client.base_url().to_owned(),
        secret,
    };
    // The demo's archive lives as long as `_demo_archive`: removed at exit.
    let offline = offline_store.is_some();
    let (store, sync_source, _demo_archive) = match offline_store {
        Some(store) => (Some(store), None, None),
        None => match open_archive(&settings, cli.demo, account) {
            Ok((Some((store, place)), demo)) => {
                // `s` in the message search syncs into this archive.
                let source = SyncSource {
                    client: config.client.clone(),
                    place,
                    concurrency: settings.concurrency,
                };
                (Some(store), Some(source), demo)
            }
            Ok((None, demo)) => (None, None, demo),
            Err(reason) => return fail(EXIT_FAILURE, &reason),
        },
    };
    let outcome = app::run(
        session.terminal(),
        config,
        store,
        offline,
        sync_source,
        signals,
    )
    .await;
    drop(session);
    tracing::info!(?outcome, "finished");
    match outcome {
        Ok(Exit::Quit) => ExitCode::SUCCESS,
        Ok(Exit::Fatal(reason)) => fail(EXIT_FAILURE, &reason),
        Ok(Exit::Signal(number)) => ExitCode::from(128 + u8::try_from(number).unwrap_or(0)),
        Err(error) => fail(EXIT_FAILURE, &error.to_string()),
    }
}

/// The TUI's store task, and the archive it opens (where `s` syncs into).
type OpenedArchive = (StoreTask, ArchivePlace);

/// The store task for the TUI and where its archive is, when the archive
/// is on: the account's archive in the data directory, or for `--demo` one
/// of its own in a temporary directory (returned, so it is removed when
/// dropped). A store that cannot open says so on the status bar; without a
/// data directory the TUI runs without an archive.
fn open_archive(
    settings: &Settings,
    demo: bool,
    account: AccountSpec,
) -> Result<(Option<OpenedArchive>, Option<tempfile::TempDir>), String> {
    if !settings.archive {
        return Ok((None, None));
    }
    let opened = |dir: PathBuf| {
        let store = StoreTask::spawn(dir.clone(), Some(account.clone()));
        (store, ArchivePlace { dir, account })
    };
    if demo {
        let temp = tempfile::Builder::new()
            .prefix("szchat-demo-")
            .tempdir()
            .map_err(|error| format!("cannot make the demo's archive: {error}"))?;
        return Ok((Some(opened(temp.path().join("szchat"))), Some(temp)));
    }
    let Some(dir) = data_dir(|name| std::env::var_os(name)) else {
        tracing::warn!("no data directory: browsing without the archive");
        return Ok((None, None));
    };
    Ok((Some(opened(dir)), None))
}

/// `--export`: the whole history to a file or standard output, no terminal.
/// A signal that ends the process (Ctrl-C) drops the export, which removes
/// its temporary file, and exits 128 + its number (130 for Ctrl-C). What
/// went straight out (standard output, a FIFO) is said to be incomplete.
async fn export(config: ExportConfig, archive: Option<ExportArchive>) -> ExitCode {
    let mut signals = match signals::listen() {
        Ok(signals) => signals,
        Err(error) => return fail(EXIT_FAILURE, &format!("cannot listen for signals: {error}")),
    };
    let output = config.output.clone();
    let incomplete = || {
        if let Some(note) = export::incomplete_note(output.as_deref()) {
            eprintln!("szchat: {note}");
        }
    };
    let outcome = tokio::select! {
        outcome = async {
            match &archive {
                Some(archive) => {
                    let note = |line: String| eprintln!("szchat: {line}");
                    export::archived::run(config, archive.place.clone(), &note).await
                }
                None => export::run(config).await,
            }
        } => outcome,
        Some(number) = signals.next() => {
            eprintln!("szchat: export interrupted");
            incomplete();
            return ExitCode::from(128 + u8::try_from(number).unwrap_or(0));
        }
    };
    tracing::info!(?outcome, "export finished");
    match outcome {
        Ok(summary) => {
            eprintln!("{summary}");
            ExitCode::SUCCESS
        }
        // A reader that stops early (`| head`) is not an error.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            let code = fail(EXIT_FAILURE, &error.to_string());
            if let Some(output) = error.incomplete_output() {
                eprintln!("szchat: the output written to {output} is incomplete");
            }
            code
        }
    }
}

/// The archive an export syncs into and reads from; the demo's lives in a
/// temporary directory removed with it.
struct ExportArchive {
    place: ArchivePlace,
    _demo_dir: Option<tempfile::TempDir>,
}

/// The archive `--export` uses: none with `--no-archive` or `archive =
/// false` (the history is fetched whole, as before the archive).
fn export_archive(
    cli: &Cli,
    settings: &Settings,
    client: &ApiClient,
    secret: Secret,
) -> Result<Option<ExportArchive>, ExitCode> {
    if !settings.archive {
        return Ok(None);
    }
    let account = AccountSpec {
        base_url: client.base_url().to_owned(),
        secret,
    };
    let (dir, demo_dir) = if cli.demo {
        let temporary = tempfile::Builder::new()
            .prefix("szchat-demo-")
            .tempdir()
            .map_err(|error| {
                fail(
                    EXIT_FAILURE,
                    &format!("cannot make the demo's archive directory: {error}"),
                )
            })?;
        (temporary.path().to_owned(), Some(temporary))
    } else {
        let dir = data_dir(|name| std::env::var_os(name))
            .ok_or_else(|| fail(EXIT_FAILURE, &ArchiveError::NoDataDir.to_string()))?;
        (dir, None)
    };
    Ok(Some(ExportArchive {
        place: ArchivePlace { dir, account },
        _demo_dir: demo_dir,
    }))
}

/// Why the client could not be built; a refused base URL from the config
/// file is named by its line there.
fn client_error(base_url_origin: &Origin, error: &ApiError) -> String {
    match (base_url_origin, error) {
        (Origin::File { path, line }, ApiError::InvalidBaseUrl { .. }) => {
            format!("config file {}, line {line}: {error}", path.display())
        }
        _ => error.to_string(),
    }
}

/// Writes generated text (a completion script, the manual page) to standard
/// output. A reader that stops early (`| head`) is not an error.
fn print(text: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => fail(
            EXIT_FAILURE,
            &format!("cannot write to standard output: {error}"),
        ),
    }
}

/// Prints the one-line reason and gives the exit code.
fn fail(code: u8, reason: &str) -> ExitCode {
    eprintln!("szchat: {reason}");
    ExitCode::from(code)
}

/// `--demo`: szchat against an embedded fake server on 127.0.0.1.
#[cfg(feature = "demo")]
mod demo {
    use std::process::ExitCode;
    use std::time::Duration;

    use szchat::api::client::ApiConfig;
    use szchat::secret::Secret;
    use szchat_fake::{DEMO_SECRET, DEMO_USER_ID, FakeConfig, FakeServer};

    use super::{EXIT_FAILURE, fail};

    /// Latency the demo server adds, so "loading older…" can be seen.
    const DEMO_LATENCY: Duration = Duration::from_millis(250);

    /// Starts the demo server (it serves until dropped) and the client
    /// configuration that talks to it, for `user_id` (or the demo's first
    /// visitor, when the picker opens).
    pub(crate) async fn start(user_id: Option<u64>) -> Result<(FakeServer, ApiConfig), ExitCode> {
        let mut config = FakeConfig::demo();
        config.latency = DEMO_LATENCY;
        let server = FakeServer::start(config).await.map_err(|error| {
            fail(
                EXIT_FAILURE,
                &format!("cannot start the demo server: {error}"),
            )
        })?;
        let secret = Secret::new(DEMO_SECRET).expect("the demo secret is valid");
        let config = ApiConfig::new(&server.base_url(), secret, user_id.unwrap_or(DEMO_USER_ID));
        Ok((server, config))
    }
}

/// `--demo` in a build without the demo server: the flag stays, so whoever
/// follows the README learns why it does nothing instead of reading a usage error.
#[cfg(not(feature = "demo"))]
mod demo {
    use std::process::ExitCode;

    use szchat::api::client::ApiConfig;

    use super::{EXIT_USAGE, fail};

    /// There is no demo server in this build; nothing of this type exists.
    pub(crate) enum NoServer {}

    /// Always refuses, with the reason.
    #[allow(
        clippy::unused_async,
        reason = "the same signature as the demo build's `start`"
    )]
    pub(crate) async fn start(_user_id: Option<u64>) -> Result<(NoServer, ApiConfig), ExitCode> {
        Err(fail(
            EXIT_USAGE,
            "this szchat was built without the demo server (cargo feature `demo`)",
        ))
    }
}
