//! The config file as a user meets it: found in the config directory,
//! beaten by flags and the environment, and a mistake named in one line.
//! szchat stops before drawing (no terminal here), so what it settled on is
//! read from its log.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const SECRET: &str = "sz-live-config-test";

/// A home and a config directory of its own, removed on drop.
struct Home(PathBuf);

impl Home {
    fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!(
            "szchat-config-{}-{name}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        fs::create_dir_all(dir.join("config/szchat")).unwrap();
        Home(dir)
    }

    /// `$XDG_CONFIG_HOME/szchat`.
    fn app_dir(&self) -> PathBuf {
        self.0.join("config/szchat")
    }

    fn write_config(&self, text: &str) -> PathBuf {
        let path = self.app_dir().join("config.toml");
        fs::write(&path, text).unwrap();
        path
    }

    fn write_secret(&self, path: &Path, mode: u32) {
        fs::write(path, format!("{SECRET}\n")).unwrap();
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }

    fn log(&self) -> PathBuf {
        self.0.join("szchat.log")
    }

    /// szchat with this home, no secret, no base URL and no colour choice
    /// from the developer's shell, logging to `log()`.
    fn szchat(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_szchat"));
        command
            .env("HOME", &self.0)
            .env("XDG_CONFIG_HOME", self.0.join("config"))
            .env("XDG_DATA_HOME", self.0.join("data"))
            .env_remove("SIGNALZEN_API_SECRET")
            .env_remove("SIGNALZEN_BASE_URL")
            .env_remove("NO_COLOR")
            .arg("--log-file")
            .arg(self.log())
            .stdin(Stdio::null());
        command
    }

    /// What szchat logged as it started: the settings it chose.
    fn started_with(&self) -> String {
        let log = fs::read_to_string(self.log()).unwrap_or_default();
        log.lines()
            .find(|line| line.contains("starting"))
            .unwrap_or_else(|| panic!("no start in the log: {log}"))
            .to_owned()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn stderr_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr.trim_end().to_owned()
}

/// Ran up to the point where it needs a terminal: everything before was accepted.
fn assert_reached_the_terminal_check(output: &Output) {
    assert!(
        stderr_line(output).starts_with("szchat: needs a terminal"),
        "{output:?}"
    );
}

#[test]
fn the_file_in_the_config_directory_sets_what_flags_and_environment_do_not() {
    let home = Home::new("precedence");
    home.write_config("base-url = \"http://127.0.0.1:9001\"\npage-size = 20\n");

    let output = home
        .szchat()
        .env("SIGNALZEN_API_SECRET", SECRET)
        .arg("4821")
        .output()
        .unwrap();
    assert_reached_the_terminal_check(&output);
    let started = home.started_with();
    assert!(started.contains("127.0.0.1:9001"), "{started}");
    assert!(started.contains("page_size=20"), "{started}");

    // The environment beats the file.
    fs::remove_file(home.log()).unwrap();
    home.szchat()
        .env("SIGNALZEN_API_SECRET", SECRET)
        .env("SIGNALZEN_BASE_URL", "http://127.0.0.1:9002")
        .arg("4821")
        .output()
        .unwrap();
    let started = home.started_with();
    assert!(started.contains("127.0.0.1:9002"), "{started}");

    // Flags beat both.
    fs::remove_file(home.log()).unwrap();
    home.szchat()
        .env("SIGNALZEN_API_SECRET", SECRET)
        .env("SIGNALZEN_BASE_URL", "http://127.0.0.1:9002")
        .args([
            "--base-url",
            "http://127.0.0.1:9003",
            "--page-size",
            "30",
            "4821",
        ])
        .output()
        .unwrap();
    let started = home.started_with();
    assert!(started.contains("127.0.0.1:9003"), "{started}");
    assert!(started.contains("page_size=30"), "{started}");
}

#[test]
fn a_bad_file_is_one_line_naming_the_file_and_the_line() {
    let home = Home::new("bad");
    let path = home.write_config("page-size = 20\n\ncolour = \"never\"\n");
    let output = home.szchat().arg("4821").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_line(&output),
        format!(
            "szchat: config file {}, line 3: unknown field `colour`, expected one of \
             `base-url`, `page-size`, `concurrency`, `poll-interval`, `secret-file`, `color`, `images`, `archive`, `session-gap`",
            path.display()
        )
    );

    home.write_config("concurrency = 64\n");
    let output = home.szchat().arg("4821").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_line(&output).ends_with("line 1: concurrency must be 1 to 16"),
        "{output:?}"
    );
}

#[test]
fn a_base_url_the_client_refuses_is_named_by_its_line_in_the_file() {
    let home = Home::new("base-url");
    let path = home.write_config("# the EU region\nbase-url = \"http://eu.example.com\"\n");
    let output = home
        .szchat()
        .env("SIGNALZEN_API_SECRET", SECRET)
        .arg("4821")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let line = stderr_line(&output);
    assert!(
        line.starts_with(&format!("szchat: config file {}, line 2: ", path.display()))
            && line.contains("plain http would send the API secret unencrypted"),
        "{line}"
    );
}

#[test]
fn config_names_another_file_which_must_exist() {
    let home = Home::new("named");
    home.write_config("page-size = 20\n");
    let other = home.0.join("other.toml");
    fs::write(&other, "page-size = 7\n").unwrap();
    let output = home
        .szchat()
        .env("SIGNALZEN_API_SECRET", SECRET)
        .arg("--config")
        .arg(&other)
        .arg("4821")
        .output()
        .unwrap();
    assert_reached_the_terminal_check(&output);
    assert!(home.started_with().contains("page_size=7"));

    let missing = home.0.join("missing.toml");
    let output = home
        .szchat()
        .env("SIGNALZEN_API_SECRET", SECRET)
        .arg("--config")
        .arg(&missing)
        .arg("4821")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_line(&output).starts_with(&format!(
            "szchat: cannot read config file {}: No such file or directory",
            missing.display()
        )),
        "{output:?}"
    );
}

#[test]
fn the_default_secret_file_is_read_when_nothing_else_gives_a_secret() {
    let home = Home::new("secret");
    let secret = home.app_dir().join("secret");

    let output = home.szchat().arg("4821").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_line(&output),
        format!(
            "szchat: no API secret: set SIGNALZEN_API_SECRET, pass --secret-file PATH, \
             or put it in {} (chmod 600); to look around without an account, szchat --demo",
            secret.display()
        )
    );

    home.write_secret(&secret, 0o644);
    let output = home.szchat().arg("4821").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_line(&output),
        format!(
            "szchat: secret file {path} is accessible by group or others (mode 644); \
             run `chmod 600 {path}`",
            path = secret.display()
        )
    );

    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    let output = home.szchat().arg("4821").output().unwrap();
    assert_reached_the_terminal_check(&output);
}

#[test]
fn the_files_secret_file_is_found_beside_it_and_the_variable_beats_it() {
    let home = Home::new("secret-file");
    home.write_config("secret-file = \"keys/signalzen\"\n");
    let keys = home.app_dir().join("keys");
    fs::create_dir_all(&keys).unwrap();
    // Too open, so that reading it shows: the message names it.
    home.write_secret(&keys.join("signalzen"), 0o640);
    let output = home.szchat().arg("4821").output().unwrap();
    assert!(
        stderr_line(&output).contains(&format!(
            "secret file {} is accessible",
            keys.join("signalzen").display()
        )),
        "{output:?}"
    );

    let output = home
        .szchat()
        .env("SIGNALZEN_API_SECRET", SECRET)
        .arg("4821")
        .output()
        .unwrap();
    assert_reached_the_terminal_check(&output);
}

/// Runs `command` to its end; a hang (reading a FIFO that no one writes) fails
/// the test after a generous wait instead of blocking the suite forever.
fn output_unless_it_hangs(command: &mut Command) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("szchat hung on {command:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_named_pipe_as_config_or_secret_file_is_refused_at_once() {
    let home = Home::new("fifo");
    let fifo = home.0.join("fifo");
    mkfifo(&fifo);

    let output = output_unless_it_hangs(home.szchat().arg("--config").arg(&fifo).arg("4821"));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_line(&output),
        format!(
            "szchat: cannot read config file {}: it is a named pipe, not a file",
            fifo.display()
        )
    );

    let output = output_unless_it_hangs(home.szchat().arg("--secret-file").arg(&fifo).arg("4821"));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_line(&output),
        format!(
            "szchat: cannot read secret file {}: it is a named pipe, not a file",
            fifo.display()
        )
    );

    home.write_config(&format!("secret-file = {:?}\n", fifo.display().to_string()));
    let output = output_unless_it_hangs(home.szchat().arg("4821"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_line(&output).ends_with("it is a named pipe, not a file"),
        "{output:?}"
    );
}

#[test]
fn a_device_as_secret_file_gets_no_chmod_advice() {
    let home = Home::new("device");
    let output = output_unless_it_hangs(home.szchat().args(["--secret-file", "/dev/zero", "4821"]));
    assert_eq!(output.status.code(), Some(2));
    let line = stderr_line(&output);
    assert_eq!(
        line,
        "szchat: cannot read secret file /dev/zero: it is a device, not a file"
    );
    assert!(!line.contains("chmod"), "{line}");
}

#[test]
fn a_secret_file_of_someone_else_gets_no_chmod_advice() {
    // Only root can give a file away to another user.
    if !Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout == b"0\n")
    {
        eprintln!("not root: cannot make a file another user owns; skipped");
        return;
    }
    let home = Home::new("not-yours");
    let secret = home.0.join("their-secret");
    home.write_secret(&secret, 0o644);
    let chown = Command::new("chown")
        .args(["65534"])
        .arg(&secret)
        .status()
        .unwrap();
    assert!(chown.success());
    let output = home
        .szchat()
        .arg("--secret-file")
        .arg(&secret)
        .arg("4821")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let line = stderr_line(&output);
    assert!(line.contains("is not yours"), "{line}");
    assert!(!line.contains("chmod"), "{line}");
}

#[test]
fn a_secret_from_an_open_pipe_is_still_read() {
    // `--secret-file <(pass show signalzen)`: here the pipe is standard input.
    let home = Home::new("pipe");
    let mut child = home
        .szchat()
        .args([
            "--secret-file",
            "/dev/stdin",
            "--base-url",
            "http://127.0.0.1:1",
            "--export",
            "jsonl",
            "4821",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{SECRET}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let line = stderr_line(&output);
    // Past the secret: on to the (closed) server.
    assert!(!line.contains("secret"), "{line}");
    assert!(line.contains("cannot connect"), "{line}");
}

#[test]
fn a_config_file_over_256_kib_is_refused_not_cut() {
    let home = Home::new("large");
    let comment = format!("# {}\n", "x".repeat(2 * 1024 * 1024));
    for tail in ["page-size = 0\n", "base-url = \"http://127.0.0.1:1\"\n"] {
        let path = home.write_config(&format!("{comment}{tail}"));
        let output = home.szchat().arg("4821").output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{tail}");
        assert_eq!(
            stderr_line(&output),
            format!(
                "szchat: config file {} is over 256 KiB; a config file is a few lines",
                path.display()
            )
        );
    }
}
