//! szchat draws on a terminal: with input or output redirected it says so in
//! one line and exits 2 at once, instead of writing escape codes into a file.

use std::process::Command;

const NEITHER: &str = "szchat: needs a terminal, but neither standard input nor output is one; --export needs no terminal";

fn szchat() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_szchat"));
    command.env_remove("SIGNALZEN_API_SECRET");
    command.env_remove("SIGNALZEN_BASE_URL");
    command
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "szchat-tty-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn with_output_to_a_pipe_szchat_exits_2_with_one_line_and_draws_nothing() {
    // `output()` gives the child a pipe for stdout and nothing for stdin.
    let output = szchat()
        .args(["--base-url", "http://127.0.0.1:9", "4821"])
        .env("SIGNALZEN_API_SECRET", "sz-live-0123456789")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("{NEITHER}\n")
    );
    assert!(output.stdout.is_empty(), "{:?}", output.stdout);
}

#[test]
fn the_base_url_is_logged_only_once_checked_even_when_there_is_no_terminal() {
    let dir = tempdir();
    let log = dir.join("szchat.log");
    let output = szchat()
        .args(["--log-file", log.to_str().unwrap()])
        .args(["--base-url", " http://127.0.0.1:9/gateway/ ", "4821"])
        .env("SIGNALZEN_API_SECRET", "sz-live-0123456789")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("{NEITHER}\n")
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains(r#"base_url="http://127.0.0.1:9/gateway""#),
        "{logged}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
