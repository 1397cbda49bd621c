//! The `szchat` binary: parses flags, takes over the terminal, runs the app,
//! and turns the outcome into a one-line reason and an exit code.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use szchat::api::client::{ApiClient, ApiConfig};
use szchat::app::{self, AppConfig, Outcome};
use szchat::cli::Cli;
use szchat::fake::{self, FakeConfig, FakeServer};
use szchat::logging;
use szchat::secret::Secret;
use szchat::terminal::TerminalSession;
use szchat::timefmt::LocalZone;

/// Bad flags or secret (clap uses the same code for its own usage errors).
const EXIT_USAGE: u8 = 2;
/// The app could not do its job: rejected secret, unknown visitor, no server.
const EXIT_FAILURE: u8 = 1;
/// How long exiting waits for requests still in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(100);
/// Latency the demo server adds, so "loading older…" can be seen.
const DEMO_LATENCY: Duration = Duration::from_millis(250);

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    let code = runtime.block_on(run(cli));
    // Requests still in flight (a hanging DNS lookup, say) must not delay the exit.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    code
}

async fn run(cli: Cli) -> ExitCode {
    if let Some(path) = &cli.log_file {
        let filter = std::env::var("RUST_LOG").ok();
        if let Err(error) = logging::init(path, filter.as_deref()) {
            return fail(EXIT_USAGE, &error.to_string());
        }
    }
    // Kept alive for the whole session: dropping it stops the demo server.
    let mut demo_server = None;
    let api_config = if cli.demo {
        let mut config = FakeConfig::demo();
        config.latency = DEMO_LATENCY;
        let server = match FakeServer::start(config).await {
            Ok(server) => server,
            Err(error) => {
                return fail(
                    EXIT_FAILURE,
                    &format!("cannot start the demo server: {error}"),
                );
            }
        };
        let secret = Secret::new(fake::DEMO_SECRET).expect("the demo secret is valid");
        let config = ApiConfig::new(&server.base_url(), secret, fake::DEMO_USER_ID);
        demo_server = Some(server);
        config
    } else {
        let secret = match cli.secret() {
            Ok(secret) => secret,
            Err(error) => return fail(EXIT_USAGE, &error.to_string()),
        };
        let user_id = cli.user_id.expect("clap requires USER_ID without --demo");
        ApiConfig::new(&cli.base_url, secret, user_id)
    };
    let user_id = api_config.user_id;
    tracing::info!(user_id, base_url = %api_config.base_url, page_size = %cli.page_size, "starting");
    let client = match ApiClient::new(api_config) {
        Ok(client) => client,
        Err(error) => return fail(EXIT_USAGE, &error.to_string()),
    };

    let mut session = match TerminalSession::start() {
        Ok(session) => session,
        Err(error) => return fail(EXIT_FAILURE, &format!("cannot use this terminal: {error}")),
    };
    let config = AppConfig {
        client,
        user_id,
        page_size: cli.page_size,
        zone: LocalZone::System,
    };
    let outcome = app::run(session.terminal(), config).await;
    drop(session);
    drop(demo_server);
    tracing::info!(?outcome, "finished");
    match outcome {
        Ok(Outcome::Quit) => ExitCode::SUCCESS,
        Ok(Outcome::Fatal(reason)) => fail(EXIT_FAILURE, &reason),
        Ok(Outcome::Signal(number)) => ExitCode::from(128 + u8::try_from(number).unwrap_or(0)),
        Err(error) => fail(EXIT_FAILURE, &error.to_string()),
    }
}

/// Prints the one-line reason and gives the exit code.
fn fail(code: u8, reason: &str) -> ExitCode {
    eprintln!("szchat: {reason}");
    ExitCode::from(code)
}
