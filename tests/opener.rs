//! `$BROWSER` as a user writes it: a colon-separated list of commands, each
//! with its own words, `%s` where the link goes. Fake browsers are scripts in
//! a scratch directory that record what they were given.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

mod common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures_util::stream;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;

use common::{client, message_json};
use szchat::app::{App, SystemDesktop};
use szchat::open::{CheckedUrl, OpenError, Opener, check_url};
use szchat::state::{AppState, Input, StatusKind};
use szchat_fake::{FakeConfig, FakeServer};

const LINK: &str = "https://files.example/u/4821/invoice%20march.pdf?sig=a;b&c=$(x)";

/// A directory of fake browsers, removed on drop.
struct Browsers(PathBuf);

impl Browsers {
    fn new(name: &str) -> Browsers {
        let dir = std::env::temp_dir().join(format!(
            "szchat-opener-{}-{name}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        fs::create_dir_all(&dir).unwrap();
        Browsers(dir)
    }

    /// An executable script called `name` running `body`.
    fn script(&self, name: &str, body: &str) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// A browser that writes each argument it got on a line of `calls`.
    fn recorder(&self, name: &str) -> PathBuf {
        let calls = self.calls_path();
        self.script(
            name,
            &format!(
                "for arg in \"$@\"; do printf 'arg=%s\\n' \"$arg\"; done >> '{}'",
                calls.display()
            ),
        )
    }

    fn calls_path(&self) -> PathBuf {
        self.0.join("calls")
    }

    /// The arguments the recorder got, in order.
    fn calls(&self) -> Vec<String> {
        fs::read_to_string(self.calls_path())
            .unwrap_or_default()
            .lines()
            .map(|line| line.strip_prefix("arg=").unwrap().to_owned())
            .collect()
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Browsers {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn link() -> CheckedUrl {
    check_url(LINK).unwrap()
}

fn opener(browser: &str) -> Opener {
    Opener::from_browser_variable(Some(browser))
}

#[tokio::test]
async fn a_browser_with_flags_gets_them_and_the_link_last() {
    let browsers = Browsers::new("flags");
    let firefox = browsers.recorder("firefox");
    let launched = opener(&format!("{} --new-window", firefox.display()))
        .launch(&link())
        .unwrap();
    assert_eq!(launched.program(), firefox.display().to_string());
    launched.outcome().await.unwrap();
    assert_eq!(browsers.calls(), ["--new-window", link().as_str()]);
}

#[tokio::test]
async fn quoted_words_stay_whole_and_the_link_goes_where_percent_s_is() {
    let browsers = Browsers::new("quotes");
    let browser = browsers.recorder("my browser");
    let variable = format!(
        "'{}' --profile \"work profile\" --url=%s --then\\ more",
        browser.display()
    );
    opener(&variable)
        .launch(&link())
        .unwrap()
        .outcome()
        .await
        .unwrap();
    assert_eq!(
        browsers.calls(),
        [
            "--profile",
            "work profile",
            &format!("--url={}", link().as_str()),
            "--then more"
        ]
    );
}

#[tokio::test]
async fn a_command_that_cannot_start_gives_way_to_the_next_in_the_list() {
    let browsers = Browsers::new("list");
    let missing = browsers.path().join("no-such-browser");
    let good = browsers.recorder("good");
    let launched = opener(&format!(
        "{} --new-window:{}",
        missing.display(),
        good.display()
    ))
    .launch(&link())
    .unwrap();
    assert_eq!(launched.program(), good.display().to_string());
    launched.outcome().await.unwrap();
    assert_eq!(browsers.calls(), [link().as_str()]);
}

#[tokio::test]
async fn a_command_that_cannot_start_is_named() {
    let browsers = Browsers::new("missing");
    let missing = browsers.path().join("firefox");
    let error = opener(&format!("{} --new-window", missing.display()))
        .launch(&link())
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "could not start `{}` from $BROWSER: No such file or directory",
            missing.display()
        )),
        "{message}"
    );

    // Each of several is named, with its own reason.
    let not_executable = browsers.path().join("not-executable");
    fs::write(&not_executable, "#!/bin/sh\n").unwrap();
    let error = opener(&format!(
        "{}:{}:'unclosed",
        missing.display(),
        not_executable.display()
    ))
    .launch(&link())
    .unwrap_err();
    let OpenError::NoBrowserStarted(failed) = &error else {
        panic!("{error:?}");
    };
    let named: Vec<&str> = failed.iter().map(|f| f.command.as_str()).collect();
    assert_eq!(
        named,
        [
            missing.to_str().unwrap(),
            not_executable.to_str().unwrap(),
            "'unclosed"
        ]
    );
    assert!(failed[1].reason.contains("Permission denied"), "{error}");
    assert_eq!(failed[2].reason, "missing closing quote");
    assert!(
        error
            .to_string()
            .starts_with("could not start any browser from $BROWSER: `"),
        "{error}"
    );
}

#[tokio::test]
async fn a_browser_that_fails_at_once_is_reported() {
    let browsers = Browsers::new("fails");
    let fails = browsers.script("fails", "exit 1");
    let launched = opener(&fails.display().to_string())
        .launch(&link())
        .unwrap();
    let error = launched.outcome().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "`{}` from $BROWSER failed (exit status: 1)",
            fails.display()
        )
    );
}

#[tokio::test]
async fn a_browser_still_running_after_the_window_has_succeeded() {
    let browsers = Browsers::new("running");
    let stays = browsers.script("stays", "exec sleep 5");
    let launched = opener(&stays.display().to_string())
        .launch(&link())
        .unwrap();
    launched
        .outcome_within(Duration::from_millis(100))
        .await
        .unwrap();
}

/// Linux shows a process's descriptors and group under /proc.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_browser_holds_no_terminal_and_leads_its_own_process_group() {
    let browsers = Browsers::new("detached");
    let report = browsers.path().join("report");
    let browser = browsers.script(
        "detached",
        &format!(
            // Read before anything is redirected: these are the descriptors szchat gave.
            "fds=\"$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2)\"\n\
             pgid=\"$(cut -d' ' -f5 /proc/$$/stat)\"\n\
             printf '%s\\npid=%s\\npgid=%s\\n' \"$fds\" $$ \"$pgid\" > '{}'",
            report.display()
        ),
    );
    opener(&browser.display().to_string())
        .launch(&link())
        .unwrap()
        .outcome()
        .await
        .unwrap();
    let report = fs::read_to_string(report).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines[..3],
        ["/dev/null", "/dev/null", "/dev/null"],
        "{report}"
    );
    let pid = lines[3].strip_prefix("pid=").unwrap();
    assert_eq!(lines[4], format!("pgid={pid}"), "{report}");
}

/// The app's own loop with the system desktop, its $BROWSER a script that
/// fails a moment after it started: the status bar names it.
#[tokio::test]
async fn a_browser_that_fails_at_once_reaches_the_status_bar() {
    const SECRET: &str = "open-secret";
    const USER: u64 = 4821;
    let browsers = Browsers::new("late");
    let fails = browsers.script("late-failure", "sleep 0.2; exit 1");
    let messages = vec![message_json(
        1,
        1,
        true,
        "the invoice",
        Some("files/invoice.pdf"),
    )];
    let mut config = FakeConfig::new(SECRET, USER, messages);
    config.files = vec![("invoice.pdf".into(), b"%PDF-1.4".to_vec())];
    let server = FakeServer::start(config).await.unwrap();
    let config = common::app_config(client(&server.base_url(), SECRET, USER), Some(USER));
    let desktop = SystemDesktop::with_opener(opener(&fails.display().to_string()));
    let mut app = App::spawn(config, Size::new(100, 20), desktop);
    let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
    let mut no_keys = stream::pending::<std::io::Result<Event>>();
    let mut no_signals = stream::pending::<i32>();
    let mut run = async |app: &mut App<SystemDesktop>, done: fn(&AppState) -> bool| {
        let run = app.run_until(&mut terminal, &mut no_keys, &mut no_signals, done);
        tokio::time::timeout(Duration::from_secs(30), run)
            .await
            .expect("the loop got there in time")
            .expect("the loop ran");
    };
    run(&mut app, AppState::is_quiet).await;
    app.handle(Input::Key(KeyEvent::new(
        KeyCode::Char('o'),
        KeyModifiers::NONE,
    )));
    run(&mut app, |state| {
        state
            .notices()
            .error()
            .is_some_and(|error| error.kind == StatusKind::Error)
    })
    .await;
    let error = app.state().unwrap().notices().error().unwrap().text.clone();
    assert_eq!(
        error,
        format!(
            "`{}` from $BROWSER failed (exit status: 1) (press y to copy the link)",
            fails.display()
        )
    );
    let bar = {
        let buffer = terminal.backend().buffer();
        let y = buffer.area.height - 1;
        (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect::<String>()
    };
    assert!(bar.contains("✗ `"), "{bar}");
    // Cut after who is on screen; `!` shows the rest.
    assert!(bar.contains("szchat-opener-"), "{bar}");
}
