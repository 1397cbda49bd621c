//! Runs the real `szchat` binary in a detached tmux session of a fixed size,
//! types into it and reads its screen back.
//!
//! Every session gets its own tmux server (`-L`), so tests run in parallel,
//! and a guard kills that server and removes the session's scratch directory
//! when the test ends, also when it panics.
//!
//! Where tmux cannot run, a test skips (says so, checks nothing), except on CI
//! (`CI` set): there it fails, so a CI run cannot pass without these tests.

// Each tmux test crate reaches these helpers through `mod tmux`.
#![allow(unreachable_pub)]

use std::env;
use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthStr;

/// How long any screen condition may take before the test fails. Generous:
/// the machine may be busy compiling, and a failing poll costs nothing.
pub const DEADLINE: Duration = Duration::from_secs(20);
/// How long a screen must stay the same to count as settled.
const QUIET: Duration = Duration::from_millis(300);
/// Pause between two looks at the screen.
const POLL: Duration = Duration::from_millis(25);
/// The title the wrapper script gives the pane before szchat starts.
pub const PANE_TITLE: &str = "szchat-e2e-title";
/// The gutter of the selected message (see `ui::message_block`).
pub const SELECTED: &str = "▌";
/// Variables that must not leak from the developer's shell into a session.
const SCRUBBED: [&str; 5] = [
    "SIGNALZEN_API_SECRET",
    "SIGNALZEN_BASE_URL",
    "BROWSER",
    "TMUX",
    // In GNU screen szchat wraps OSC 52 for screen, which tmux would drop.
    "STY",
];

/// What to run in the session.
pub struct Launch {
    /// The program, when it is not the `szchat` binary.
    pub program: Option<PathBuf>,
    /// Arguments after the binary.
    pub args: Vec<String>,
    /// Extra environment for szchat only.
    pub env: Vec<(String, String)>,
    /// A file szchat's standard input is redirected from, instead of the pane.
    pub stdin_from: Option<PathBuf>,
    /// A file szchat's standard output is redirected to, instead of the pane.
    pub stdout_to: Option<PathBuf>,
}

impl Launch {
    /// `szchat ARGS...` with no extra environment.
    pub fn args<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            program: None,
            args: args.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            stdin_from: None,
            stdout_to: None,
        }
    }

    /// Redirects szchat's standard input from `path` (`< path`).
    pub fn stdin_from(mut self, path: &Path) -> Self {
        self.stdin_from = Some(path.to_owned());
        self
    }

    /// Redirects szchat's standard output to `path` (`> path`).
    pub fn stdout_to(mut self, path: &Path) -> Self {
        self.stdout_to = Some(path.to_owned());
        self
    }

    /// `PROGRAM ARGS...` instead of szchat.
    pub fn program<I, S>(program: PathBuf, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            program: Some(program),
            ..Self::args(args)
        }
    }

    /// Adds `name=value` to szchat's environment.
    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }
}

/// How szchat ended, as the wrapper script reported it on the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// `$?` as the shell saw it.
    pub status: i32,
    /// True if `stty -g` printed the same settings after szchat as before it
    /// (raw mode and friends were undone).
    pub tty_restored: bool,
    /// The screen when the report appeared.
    pub screen: Screen,
    /// The row the report is on.
    pub row: usize,
}

/// A fresh directory under the system's temp dir, removed on drop.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    /// `szchat-e2e-PID-NAME`, emptied if a previous run left it behind.
    pub fn new(name: &str) -> ScratchDir {
        let path = env::temp_dir().join(format!("szchat-e2e-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create a scratch directory");
        ScratchDir(path)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The server's configuration, instead of the user's: applications may set
/// tmux's clipboard (OSC 52), so a test can see whether one did.
const TMUX_CONF: &str = "set -s set-clipboard on\n";

/// One tmux server with one session running szchat under a wrapper script.
pub struct Tmux {
    socket: String,
    /// Where the server listens; tmux leaves the file behind when it exits.
    socket_path: Option<PathBuf>,
    dir: ScratchDir,
    config: PathBuf,
}

impl Tmux {
    /// Starts szchat in a `width` x `height` session. Returns `None`, after
    /// saying why on stderr, only when tmux itself cannot run here; on CI
    /// that fails the test instead (see [`tmux_required`]).
    pub fn start(name: &str, width: u16, height: u16, launch: &Launch) -> Option<Tmux> {
        let socket = format!("szchat-e2e-{}-{name}", std::process::id());
        let dir = ScratchDir::new(&format!("session-{name}"));
        let config = dir.path().join("tmux.conf");
        fs::write(&config, TMUX_CONF).expect("write the tmux configuration");
        let mut tmux = Tmux {
            socket,
            socket_path: None,
            dir,
            config,
        };
        let script = tmux.write_wrapper(launch);

        let output = match tmux
            .command()
            .args(["new-session", "-d", "-s", "e2e"])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(format!("sh {}", sh_quote(&script.to_string_lossy())))
            .output()
        {
            Ok(output) => output,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                skip(name, &format!("tmux is not installed ({error})"));
                return None;
            }
            Err(error) => {
                skip(name, &format!("tmux cannot be run ({error})"));
                return None;
            }
        };
        if !output.status.success() {
            let reason = String::from_utf8_lossy(&output.stderr);
            skip(
                name,
                &format!("`tmux new-session` failed: {}", reason.trim()),
            );
            return None;
        }
        tmux.socket_path = Some(tmux.display("#{socket_path}").into());
        Some(tmux)
    }

    /// A tmux command on this session's own server, free of any user config.
    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command
            .args(["-u", "-L", &self.socket, "-f"])
            .arg(&self.config)
            .env_remove("TMUX");
        command
    }

    /// Runs a tmux command that must succeed, giving its output.
    fn tmux(&self, args: &[&str]) -> Output {
        let output = self.command().args(args).output().expect("run tmux");
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Writes the script the pane runs: it titles the pane, notes the tty
    /// settings, runs szchat (recording its pid), then reports how it ended
    /// and keeps the pane open so the report can be read.
    fn write_wrapper(&self, launch: &Launch) -> PathBuf {
        let binary = match &launch.program {
            Some(program) => program.to_string_lossy().into_owned(),
            None => env!("CARGO_BIN_EXE_szchat").to_owned(),
        };
        let mut szchat = String::from("env");
        for name in SCRUBBED {
            szchat.push_str(&format!(" -u {name}"));
        }
        // A fixed zone, so times on screen do not depend on the machine.
        szchat.push_str(" TZ=UTC");
        // No config file or default secret file of the developer's.
        szchat.push_str(&format!(
            " XDG_CONFIG_HOME={}",
            sh_quote(&self.dir.path().join("no-config").to_string_lossy())
        ));
        // The archive goes to the session's own directory, never the real home.
        szchat.push_str(&format!(
            " XDG_DATA_HOME={}",
            sh_quote(&self.dir.path().join("data").to_string_lossy())
        ));
        for (name, value) in &launch.env {
            szchat.push(' ');
            szchat.push_str(&sh_quote(&format!("{name}={value}")));
        }
        szchat.push_str(" sh -c 'echo $$ > \"$0\"; exec \"$@\"' ");
        szchat.push_str(&sh_quote(&self.pid_file().to_string_lossy()));
        szchat.push(' ');
        szchat.push_str(&sh_quote(&binary));
        for arg in &launch.args {
            szchat.push(' ');
            szchat.push_str(&sh_quote(arg));
        }
        if let Some(path) = &launch.stdin_from {
            szchat.push_str(" < ");
            szchat.push_str(&sh_quote(&path.to_string_lossy()));
        }
        if let Some(path) = &launch.stdout_to {
            szchat.push_str(" > ");
            szchat.push_str(&sh_quote(&path.to_string_lossy()));
        }
        let script = format!(
            "printf '\\033]2;%s\\007' {PANE_TITLE}\n\
             tty_before=$(stty -g)\n\
             {szchat}\n\
             status=$?\n\
             if [ \"$(stty -g)\" = \"$tty_before\" ]; then tty=restored; else tty=changed; fi\n\
             echo \"EXIT:$status TTY:$tty\"\n\
             exec sleep 3600\n",
        );
        let path = self.dir.path().join("run.sh");
        fs::write(&path, script).expect("write the wrapper script");
        path
    }

    fn pid_file(&self) -> PathBuf {
        self.dir.path().join("szchat.pid")
    }

    /// The pid of szchat, once it has started.
    pub fn szchat_pid(&self) -> u32 {
        let read = || {
            fs::read_to_string(self.pid_file())
                .ok()?
                .trim()
                .parse()
                .ok()
        };
        eventually("szchat to start", || read().is_some());
        read().expect("a pid")
    }

    /// Sends tmux key names ("q", "Enter", "C-c", "Escape"...).
    pub fn send_keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// The visible screen, one string per row, trailing blanks trimmed.
    pub fn screen(&self) -> Screen {
        let output = self.tmux(&["capture-pane", "-p", "-t", "e2e"]);
        let text = String::from_utf8_lossy(&output.stdout);
        Screen {
            rows: text.lines().map(str::to_owned).collect(),
        }
    }

    /// The visible screen with its colours and attributes, as the escape
    /// sequences tmux writes for them (`capture-pane -e`), one string per row.
    // Only the crates that look at styles use it.
    #[allow(dead_code)]
    pub fn styled_screen(&self) -> Vec<String> {
        let output = self.tmux(&["capture-pane", "-p", "-e", "-t", "e2e"]);
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// A tmux format evaluated for the pane, e.g. `#{pane_title}`.
    pub fn display(&self, format: &str) -> String {
        let output = self.tmux(&["display-message", "-p", "-t", "e2e", format]);
        String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned()
    }

    /// The pane's size as tmux reports it.
    pub fn pane_size(&self) -> (usize, usize) {
        let size = self.display("#{pane_width} #{pane_height}");
        let (width, height) = size.split_once(' ').expect("two numbers");
        (width.parse().unwrap(), height.parse().unwrap())
    }

    /// Resizes the window (and so the pane) to `width` x `height`.
    pub fn resize(&self, width: u16, height: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "e2e",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// What applications put on tmux's clipboard (its paste buffers), newest first.
    pub fn clipboard(&self) -> Vec<String> {
        let output = self.tmux(&["list-buffers", "-F", "#{buffer_name}"]);
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|name| {
                let buffer = self.tmux(&["show-buffer", "-b", name]);
                String::from_utf8_lossy(&buffer.stdout).into_owned()
            })
            .collect()
    }

    /// Kills the session, which hangs up on the processes in it.
    pub fn kill_session(&self) {
        self.tmux(&["kill-session", "-t", "e2e"]);
    }

    /// Polls the screen until `done` holds, and returns that screen; fails
    /// the test with `what` and the last screen after [`DEADLINE`].
    pub fn wait_for(&self, what: &str, done: impl Fn(&Screen) -> bool) -> Screen {
        self.wait_for_within(DEADLINE, done)
            .unwrap_or_else(|screen| panic!("timed out waiting for {what}; the screen:\n{screen}"))
    }

    /// Polls the screen until it has stopped changing for [`QUIET`] and
    /// `done` holds. For moments with no single sign that a redraw is over.
    pub fn wait_for_stable(&self, what: &str, done: impl Fn(&Screen) -> bool) -> Screen {
        let deadline = Instant::now() + DEADLINE;
        let mut last = self.screen();
        let mut since = Instant::now();
        loop {
            std::thread::sleep(POLL);
            let screen = self.screen();
            if screen != last {
                last = screen;
                since = Instant::now();
            } else if since.elapsed() >= QUIET && done(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{last}"
            );
        }
    }

    /// Polls the screen until `done` holds or `limit` passes; the last screen
    /// either way.
    pub fn wait_for_within(
        &self,
        limit: Duration,
        done: impl Fn(&Screen) -> bool,
    ) -> Result<Screen, Screen> {
        let deadline = Instant::now() + limit;
        loop {
            let screen = self.screen();
            if done(&screen) {
                return Ok(screen);
            }
            if Instant::now() >= deadline {
                return Err(screen);
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits for the wrapper's report that szchat has ended.
    pub fn wait_for_exit(&self) -> Ended {
        let screen = self.wait_for("szchat to exit", |s| s.exit_report().is_some());
        screen.into_ended()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        // Also ends szchat (tmux hangs up on it) if a test failed midway.
        let _ = self.command().arg("kill-server").output();
        if let Some(path) = &self.socket_path {
            let _ = fs::remove_file(path);
        }
    }
}

/// A captured screen.
#[derive(Clone, PartialEq, Eq)]
pub struct Screen {
    pub rows: Vec<String>,
}

impl Screen {
    /// True if any row contains `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.rows.iter().any(|row| row.contains(text))
    }

    /// The first row containing `text`.
    pub fn find(&self, text: &str) -> Option<usize> {
        self.rows.iter().position(|row| row.contains(text))
    }

    /// The widest row, in terminal columns.
    pub fn widest(&self) -> usize {
        self.rows.iter().map(|row| row.width()).max().unwrap_or(0)
    }

    /// The wrapper's "EXIT:n TTY:..." report: its row, status and tty verdict.
    fn exit_report(&self) -> Option<(usize, i32, bool)> {
        self.rows.iter().enumerate().find_map(|(index, row)| {
            let rest = row.strip_prefix("EXIT:")?;
            let (status, tty) = rest.split_once(" TTY:")?;
            Some((index, status.parse().ok()?, tty == "restored"))
        })
    }

    fn into_ended(self) -> Ended {
        let (row, status, tty_restored) = self.exit_report().expect("an exit report");
        Ended {
            status,
            tty_restored,
            screen: self,
            row,
        }
    }
}

/// The rows of the selected message (the block drawn with the thick gutter),
/// without indent and gutter.
pub fn selected_block(screen: &Screen) -> Vec<String> {
    screen
        .rows
        .iter()
        .filter_map(|row| row.trim_start().strip_prefix(SELECTED))
        .map(|rest| rest.trim().to_owned())
        .collect()
}

impl fmt::Display for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, row) in self.rows.iter().enumerate() {
            writeln!(f, "{index:>3}|{row}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{self}")
    }
}

/// Says on stderr why a test checks nothing. Written to the stream itself, as
/// the test harness would swallow `eprintln!` from a passing test. Fails the
/// test instead where tmux is required.
fn skip(name: &str, reason: &str) {
    assert!(
        !tmux_required(env::var_os(CI_VARIABLE).as_deref()),
        "e2e test {name} cannot run and {CI_VARIABLE} is set, so it fails rather than skip: {reason}"
    );
    let _ = writeln!(io::stderr(), "e2e test {name} skipped: {reason}");
}

/// Set by CI services (and by `.ci/run`).
const CI_VARIABLE: &str = "CI";

/// Whether tmux must run, given the value of [`CI_VARIABLE`]: when it is set
/// to anything but "", "0" or "false", the way CI services set it.
pub fn tmux_required(ci: Option<&OsStr>) -> bool {
    ci.is_some_and(|value| !value.is_empty() && value != "0" && value != "false")
}

/// Polls `done` until it holds; fails the test with `what` after [`DEADLINE`].
pub fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(POLL);
    }
}

/// `text` as one single-quoted shell word.
pub fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
