//! Ctrl-Z and `fg` with the real binary under a real shell with job control
//! (bash in tmux): szchat gives the terminal back to the shell, and takes it
//! again, repainted, when the shell continues it.
//!
//! Skips (says so, checks nothing) where tmux cannot run, except on CI.

// This file uses a part of the tmux helpers.
#[path = "e2e/served.rs"]
mod served;
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use std::path::PathBuf;

use served::newest_demo_message;
use tmux::{Launch, Screen, Tmux, sh_quote};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;
/// The prompt the shell is given, to tell when it waits for a command.
const PROMPT: &str = "e2e$ ";
/// The prompt as a captured screen shows it: trailing blanks trimmed.
const PROMPT_SHOWN: &str = "e2e$";

/// szchat's screen: the newest message, and the status bar on the last row.
fn szchat_on_screen(screen: &Screen, newest: &str) -> bool {
    screen.contains(newest)
        && screen
            .rows
            .get(usize::from(HEIGHT) - 1)
            .is_some_and(|bar| bar.contains("visitor 4821 │ "))
}

#[test]
fn ctrl_z_gives_the_shell_back_and_fg_repaints_the_app() {
    let bash = PathBuf::from("/bin/bash");
    if !bash.exists() {
        eprintln!("e2e test suspend skipped: no /bin/bash for job control");
        return;
    }
    // An interactive shell, so it has job control: `fg` is a shell's.
    let launch = Launch::program(bash, ["--norc", "--noprofile", "-i"]).env("PS1", PROMPT);
    let Some(tmux) = Tmux::start("suspend", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the shell's prompt", |s| s.contains(PROMPT_SHOWN));
    let szchat = sh_quote(env!("CARGO_BIN_EXE_szchat"));
    tmux.send_keys(&["-l", &format!("{szchat} --demo 4821")]);
    tmux.send_keys(&["Enter"]);
    // The newest message of the demo, on screen once szchat has drawn.
    let newest = newest_demo_message()["body"].as_str().unwrap().to_owned();
    tmux.wait_for("szchat", |s| szchat_on_screen(s, &newest));
    assert_eq!(tmux.display("#{alternate_on}"), "1");
    assert_eq!(tmux.display("#{mouse_any_flag}"), "1");

    tmux.send_keys(&["C-z"]);
    let shell = tmux.wait_for("the shell to report szchat stopped", |s| {
        s.contains("Stopped") && s.rows.iter().rev().any(|row| row.starts_with(PROMPT_SHOWN))
    });
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "the main screen is back:{shell:?}"
    );
    assert_eq!(
        tmux.display("#{mouse_any_flag}"),
        "0",
        "mouse reporting is off"
    );
    assert_eq!(tmux.display("#{cursor_flag}"), "1", "the cursor shows");
    // The shell reads lines again: its own echo proves the terminal is cooked.
    tmux.send_keys(&["-l", "echo typed-$((6*7))"]);
    tmux.send_keys(&["Enter"]);
    tmux.wait_for("the shell to run a command", |s| s.contains("typed-42"));

    tmux.send_keys(&["-l", "fg"]);
    tmux.send_keys(&["Enter"]);
    let screen = tmux.wait_for("szchat repainted", |s| szchat_on_screen(s, &newest));
    assert_eq!(tmux.display("#{alternate_on}"), "1");
    assert_eq!(
        tmux.display("#{mouse_any_flag}"),
        "1",
        "mouse capture is back"
    );
    assert!(
        !screen.contains("typed-42"),
        "the shell's lines show through:{screen:?}"
    );
    // Raw mode is back too: a single key works without Enter.
    tmux.send_keys(&["?"]);
    tmux.wait_for("the help", |s| s.contains(" keys "));
    tmux.send_keys(&["q"]);
    let after = tmux.wait_for("the shell again", |s| {
        s.rows
            .iter()
            .rev()
            .find(|row| !row.trim().is_empty())
            .is_some_and(|row| row.starts_with(PROMPT_SHOWN))
            && !s.contains(" keys ")
    });
    assert_eq!(tmux.display("#{alternate_on}"), "0", "{after:?}");
}
