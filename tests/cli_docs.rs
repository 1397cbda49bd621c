//! What `szchat --help`, `--man` and `--completions` print: a newcomer can
//! start from the help, and the generated files install as they should.

use std::process::{Command, Output};

use szchat::keymap::{key_rows, picker_key_rows};

fn szchat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_szchat"))
        .args(args)
        .env_remove("SIGNALZEN_API_SECRET")
        .env_remove("SIGNALZEN_BASE_URL")
        .output()
        .unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let output = szchat(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn help_lists_every_key_the_exit_statuses_and_examples() {
    let help = stdout_of(&["--help"]);
    for (keys, what) in key_rows() {
        assert!(
            help.lines()
                .any(|line| line.trim_start().starts_with(&keys) && line.ends_with(&what)),
            "{keys} {what}:\n{help}"
        );
    }
    for (keys, what) in picker_key_rows() {
        assert!(
            help.lines()
                .any(|line| line.trim_start().starts_with(&keys) && line.ends_with(&what)),
            "{keys} {what}:\n{help}"
        );
    }
    for line in [
        "Keys (in the visitor list, szchat without USER_ID):",
        "Exit status:",
        "  0      quit with q or Ctrl-c (in the visitor list: Esc, Ctrl-c); an export that wrote everything; a sync that synced every visitor",
        "  2      bad flags, a bad config file, a missing or invalid secret, or no terminal (input or output redirected); sync, archive stats or forget with the archive turned off",
        "Environment:",
        "  SIGNALZEN_API_SECRET  the API secret, unless --secret-file is given (never taken as a flag)",
        "Files:",
        "Examples:",
        "  szchat --demo",
        "  szchat sync",
        "  szchat archive forget 4821",
        "  XDG_DATA_HOME         where the archive is kept: szchat/archive.db (default ~/.local/share)",
    ] {
        assert!(help.lines().any(|l| l == line), "{line:?}:\n{help}");
    }
}

#[test]
fn short_help_points_to_the_long_one() {
    let help = stdout_of(&["-h"]);
    assert!(
        help.contains("Keys, exit status, environment and examples: szchat --help"),
        "{help}"
    );
    assert!(!help.contains("Exit status:"), "{help}");
}

#[test]
fn help_names_the_base_url_variable_without_a_value() {
    let output = Command::new(env!("CARGO_BIN_EXE_szchat"))
        .arg("--help")
        .env("SIGNALZEN_BASE_URL", "https://user:hunter2@api.example.com")
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("[env: SIGNALZEN_BASE_URL]"), "{help}");
    assert!(!help.contains("SIGNALZEN_BASE_URL="), "{help}");
    assert!(!help.contains("hunter2"), "{help}");
}

#[test]
fn the_man_page_has_the_flags_keys_exit_status_and_examples() {
    let page = stdout_of(&["--man"]);
    assert!(page.contains(".TH szchat 1"), "{page}");
    for heading in [
        ".SH OPTIONS",
        ".SH KEYS",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(heading), "{heading}:\n{page}");
    }
    assert!(page.contains("\\-\\-base\\-url"), "{page}");
    for (_, what) in key_rows() {
        assert!(page.contains(&what), "{what}:\n{page}");
    }
}

#[test]
fn completion_scripts_come_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["--completions", shell]);
        assert!(script.contains("base-url"), "{shell}:\n{script}");
        assert!(script.contains("szchat"), "{shell}:\n{script}");
    }
}

#[test]
fn the_bash_script_registers_completion_for_szchat() {
    let script = stdout_of(&["--completions", "bash"]);
    let Ok(output) = Command::new("bash")
        .args(["-c", "eval \"$1\" && complete -p szchat", "bash", &script])
        .output()
    else {
        eprintln!("bash is not installed: the script's syntax was not checked");
        return;
    };
    let registered = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && registered.trim_end().ends_with(" szchat"),
        "{registered}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn generating_with_a_visitor_or_an_unknown_shell_is_a_usage_error() {
    for args in [
        &["--man", "4821"][..],
        &["--completions", "bash", "--demo"],
        &["--completions", "tcsh"],
    ] {
        let output = szchat(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
