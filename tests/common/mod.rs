//! Shared test helpers: a driver that runs the app's own loop (and its real
//! fetch task) against a real HTTP server, and the seed's JSON. The message
//! and page fixtures are `szchat::testing`'s, re-exported for the tests.
// Each test crate uses some of these helpers, and reaches them through `mod common`.
#![allow(dead_code, unreachable_pub, unused_imports)]

use std::io;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use futures_util::stream;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Size;
use serde_json::{Value, json};

use szchat::action::Action;
use szchat::api::client::{ApiClient, ApiConfig};
use szchat::api::retry::RetryPolicy;
use szchat::app::{App, AppConfig, Desktop, LateFailures};
use szchat::concurrency::Concurrency;
use szchat::keymap::{self, Trigger};
use szchat::open::CheckedUrl;
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat::state::{AppState, ConversationSettings, Effect, Input};
use szchat::timefmt::LocalZone;
use szchat::ui::color::Colors;

// The message and page fixtures live in the library, for the benchmarks too.
pub use szchat::testing::{messages, page_of, page_requests, serve_all, timed as message};

/// The `szchat` binary with `args` and `secret` in its environment; the
/// developer's base URL and config file stay out of it.
pub fn szchat_command(secret: &str, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_szchat"));
    command
        .args(args)
        .env_remove("SIGNALZEN_BASE_URL")
        .env("SIGNALZEN_API_SECRET", secret)
        .env("XDG_CONFIG_HOME", "/nonexistent-szchat-config")
        .env("XDG_DATA_HOME", data_home());
    command
}

/// The `szchat` binary as a user runs it from a home of their own: data
/// under `home/data`, config under `home/config`, the account `secret` at
/// `base_url`, and nothing else from the environment.
pub fn szchat_at_home(
    home: &std::path::Path,
    secret: &str,
    base_url: &str,
) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_szchat"));
    command
        .env_clear()
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("SIGNALZEN_API_SECRET", secret)
        .env("SIGNALZEN_BASE_URL", base_url)
        .stdin(std::process::Stdio::null());
    command
}

/// Runs `command` to its end without holding up the async runtime.
pub async fn run(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// What `output` wrote to standard error, as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Row `y` of `buffer` as a terminal shows it: the cell after a
/// double-width symbol is covered by it, so it is left out.
pub fn row_text(buffer: &Buffer, y: u16) -> String {
    let mut line = String::new();
    let mut covered = 0;
    for x in 0..buffer.area.width {
        if covered > 0 {
            covered -= 1;
            continue;
        }
        let symbol = buffer[(x, y)].symbol();
        line.push_str(symbol);
        covered = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
    }
    line
}

/// Every row of the screen, as [`row_text`] reads it.
pub fn screen_rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| row_text(buffer, y))
        .collect()
}

/// The screen as text, one line a row, as [`row_text`] reads it.
pub fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    screen_rows(terminal).join("\n")
}

/// The whole screen of `state`, drawn on a `width` x `height` test terminal.
pub fn drawn(state: &AppState, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| szchat::ui::draw(frame, state))
        .unwrap();
    terminal
}

/// Where the binary keeps its archive in a test: inside the build's scratch
/// space, one directory per test process, so no test writes under the real
/// home and the archive path is exercised.
pub fn data_home() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("data-{}", std::process::id()))
}

/// A client for `base_url` with quick retries, as tests want.
pub fn client(base_url: &str, secret: &str, user_id: u64) -> ApiClient {
    let mut config = ApiConfig::new(base_url, Secret::new(secret).unwrap(), user_id);
    config.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(2),
    };
    config.request_timeout = Duration::from_secs(5);
    ApiClient::new(config).unwrap()
}

/// A desktop that records the links handed to it instead of opening or
/// copying them, or fails as told.
#[derive(Debug, Default)]
pub struct RecordingDesktop {
    /// What was handed over (as the effect that asked for it), in order.
    pub handed: Vec<Effect>,
    /// When set, every hand-over fails with this reason.
    pub failure: Option<String>,
}

impl RecordingDesktop {
    fn hand(&mut self, effect: Effect) -> io::Result<()> {
        if let Some(reason) = &self.failure {
            return Err(io::Error::other(reason.clone()));
        }
        self.handed.push(effect);
        Ok(())
    }
}

impl Desktop for RecordingDesktop {
    fn open(&mut self, url: &CheckedUrl, _late: &LateFailures) -> io::Result<()> {
        self.hand(Effect::Open(url.clone()))
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        self.hand(Effect::Copy(text.to_owned()))
    }

    fn suspend(&mut self) -> io::Result<()> {
        self.hand(Effect::Suspend)
    }
}

/// The input that sets `action` off: the first key (or wheel turn) the key
/// map binds to it.
pub fn input_for(action: Action) -> Input {
    let trigger = keymap::bindings()
        .find_map(|(trigger, bound)| (bound == action).then_some(trigger))
        .unwrap_or_else(|| panic!("no key does {action:?}"));
    let mouse = |kind| {
        Input::Mouse(MouseEvent {
            kind,
            column: 0,
            row: 0,
            modifiers: KeyModifiers::NONE,
        })
    };
    match trigger {
        Trigger::Key(code) => Input::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        Trigger::Ctrl(c) => Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        Trigger::WheelDown => mouse(MouseEventKind::ScrollDown),
        Trigger::WheelUp => mouse(MouseEventKind::ScrollUp),
    }
}

/// The app's configuration as tests start it: visitor `user_id` (`None`:
/// the picker), the default page size, UTC, colour, no log, not following,
/// no visitor profile request, one page at a time. Tests change what they test.
pub fn app_config(client: ApiClient, user_id: Option<u64>) -> AppConfig {
    AppConfig {
        client,
        user_id,
        colors: Colors::On,
        settings: ConversationSettings {
            page_size: PageSize::DEFAULT,
            whole_history_page_size: PageSize::DEFAULT,
            zone: LocalZone::utc(),
            log_file: None,
            follow: false,
            poll_interval: szchat::state::DEFAULT_POLL_INTERVAL,
            visitor_profile: false,
            concurrency: Concurrency::MIN,
            session_gap: szchat::metrics::DEFAULT_SESSION_GAP,
            images: None,
        },
    }
}

/// [`app_config`] for visitor `user_id`, `page_size` messages a page, given
/// explicitly as with --page-size: `g` uses it too.
fn paged_config(client: ApiClient, user_id: u64, page_size: u32) -> AppConfig {
    let mut config = app_config(client, Some(user_id));
    let page_size = PageSize::new(page_size).expect("a page size the API allows");
    config.settings.page_size = page_size;
    config.settings.whole_history_page_size = page_size;
    config
}

/// (created_at, id) of a message object as the fake server holds it: the
/// order the app shows messages in.
pub fn sort_key(message: &Value) -> (Option<chrono::DateTime<chrono::Utc>>, u64) {
    let at = message["created_at"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    (at, message["id"].as_u64().unwrap())
}

/// Screen size the driver's terminal has: an 80 x 24 conversation and the
/// status bar.
pub const SCREEN: (u16, u16) = (80, 25);

/// The app's own loop on a test terminal, with the real fetch task and a
/// recording desktop: keys go in as the loop would feed them, and `settle`
/// runs the loop until no answer is awaited.
pub struct Driver {
    pub app: App<RecordingDesktop>,
    pub terminal: Terminal<TestBackend>,
}

impl Driver {
    /// Starts the app for visitor `user_id`, `page_size` messages a page,
    /// on a [`SCREEN`]-sized terminal: the first request is on its way.
    pub fn start(client: ApiClient, user_id: u64, page_size: u32) -> Self {
        Self::start_concurrent(client, user_id, page_size, 1)
    }

    /// The same, with up to `concurrency` page requests in flight while
    /// everything is wanted (`g`).
    pub fn start_concurrent(
        client: ApiClient,
        user_id: u64,
        page_size: u32,
        concurrency: u8,
    ) -> Self {
        let mut config = paged_config(client, user_id, page_size);
        config.settings.concurrency =
            Concurrency::new(u64::from(concurrency)).expect("a concurrency the app allows");
        Self::spawn(config)
    }

    /// Like [`Driver::start`], following live from the start and looking
    /// for new messages every `interval`.
    pub fn start_following(
        client: ApiClient,
        user_id: u64,
        page_size: u32,
        interval: Duration,
    ) -> Self {
        let mut config = paged_config(client, user_id, page_size);
        config.settings.follow = true;
        config.settings.poll_interval = interval;
        Self::spawn(config)
    }

    /// The app `config` makes, spawned on a [`SCREEN`]-sized terminal.
    fn spawn(config: AppConfig) -> Self {
        let (width, height) = SCREEN;
        Self::with(App::spawn(
            config,
            Size::new(width, height),
            RecordingDesktop::default(),
        ))
    }

    /// Drives `app` (started) on a [`SCREEN`]-sized terminal.
    pub fn with(app: App<RecordingDesktop>) -> Self {
        let (width, height) = SCREEN;
        Self {
            app,
            terminal: Terminal::new(TestBackend::new(width, height)).unwrap(),
        }
    }

    /// The app state.
    pub fn state(&self) -> &AppState {
        self.app.state().expect("a conversation is open")
    }

    /// Every link the app handed to the desktop (open, copy), in order.
    pub fn other_effects(&self) -> &[Effect] {
        &self.app.desktop().handed
    }

    /// Presses the key bound to `action`.
    pub fn act(&mut self, action: Action) {
        self.app.handle(input_for(action));
    }

    /// Runs the loop until no answer is awaited (or the app exits).
    pub async fn settle(&mut self) {
        self.settle_within(Duration::from_secs(30)).await;
    }

    /// Like [`Driver::settle`], for runs that may take longer than the usual
    /// 30 s (the chaos soak loads 20,000 messages through faults).
    pub async fn settle_within(&mut self, limit: Duration) {
        let mut no_keys = stream::pending::<io::Result<Event>>();
        let mut no_signals = stream::pending::<i32>();
        let run = self.app.run_until(
            &mut self.terminal,
            &mut no_keys,
            &mut no_signals,
            AppState::is_quiet,
        );
        tokio::time::timeout(limit, run)
            .await
            .expect("the fetch task answered in time")
            .expect("the loop ran");
    }

    /// Runs the loop, timers included, until `done` holds for the state.
    pub async fn run_until(&mut self, done: impl Fn(&AppState) -> bool) {
        let limit = Duration::from_secs(30);
        let mut no_keys = stream::pending::<io::Result<Event>>();
        let mut no_signals = stream::pending::<i32>();
        let run = self
            .app
            .run_until(&mut self.terminal, &mut no_keys, &mut no_signals, done);
        tokio::time::timeout(limit, run)
            .await
            .expect("the state got there in time")
            .expect("the loop ran");
    }

    /// The status bar as last drawn: the screen's bottom row.
    pub fn status_line(&mut self) -> String {
        self.app.draw(&mut self.terminal).unwrap();
        let buffer = self.terminal.backend().buffer();
        let y = buffer.area.height - 1;
        (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect::<String>()
    }
}

/// The seed's sample page, verbatim.
pub const SEED_PAGE: &str = r#"{
  "limit": 50,
  "offset": 0,
  "total": 2,
  "messages": [
    {
      "id": 1,
      "body": "test chat message",
      "read_by_user": true,
      "created_at": "2018-02-09T17:18:50.000Z",
      "file_url": null,
      "auto_invitation": false,
      "sender_type": "user",
      "read_by_operator": true,
      "sender": {
        "id": 1,
        "name": "David Smith",
        "email": "visitor@gmail.com"
      }
    },
    {
      "id": 2,
      "body": "test response from operator",
      "read_by_user": false,
      "created_at": "2018-02-09T18:18:38.000Z",
      "file_url": null,
      "auto_invitation": false,
      "sender_type": "operator",
      "read_by_operator": true,
      "sender": {
        "id": 1,
        "forename": "John",
        "surname": "Smith",
        "email": "operator@gmail.com",
        "picture_thumb_url": null
      }
    }
  ]
}"#;

/// The seed's single-message example, verbatim.
pub const SEED_MESSAGE: &str = r#"{
  "id": 1234,
  "body": "test chat message",
  "read_by_user": true,
  "created_at": "2018-02-09T17:18:50.000Z",
  "file_url": null,
  "auto_invitation": false,
  "sender_type": "user",
  "read_by_operator": true,
  "sender": {
    "id": 1,
    "name": "David Smith",
    "email": "visitor@gmail.com"
  }
}"#;

/// The seed's two sample messages as JSON values, for the fake server.
pub fn seed_messages_json() -> Vec<Value> {
    let page: Value = serde_json::from_str(SEED_PAGE).unwrap();
    page["messages"].as_array().unwrap().clone()
}

/// A message JSON object like the seed's, for the fake server.
pub fn message_json(
    id: u64,
    minute: i64,
    visitor: bool,
    body: &str,
    file_url: Option<&str>,
) -> Value {
    let created = szchat::testing::minute(minute);
    let sender = if visitor {
        json!({"id": 7, "name": "David Smith", "email": "visitor@gmail.com"})
    } else {
        json!({"id": 1, "forename": "John", "surname": "Smith", "email": "operator@gmail.com", "picture_thumb_url": null})
    };
    json!({
        "id": id,
        "body": body,
        "read_by_user": true,
        "created_at": created.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "file_url": file_url,
        "auto_invitation": false,
        "sender_type": if visitor { "user" } else { "operator" },
        "read_by_operator": true,
        "sender": sender,
    })
}
