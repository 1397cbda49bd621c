//! A flag with a bad value says in words what it wants, on one line, and
//! exits 2; no advice that would do something else than the user meant.

use std::process::{Command, Output};

fn szchat(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_szchat"))
        .args(args)
        .env_remove("SIGNALZEN_API_SECRET")
        .env_remove("SIGNALZEN_BASE_URL")
        .output()
        .unwrap()
}

/// The first line of stderr, where clap puts the reason.
fn reason(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn each_numeric_flag_says_what_it_takes() {
    let cases: &[(&[&str], &str)] = &[
        (&["--poll", "0"], "--poll takes whole seconds, at least 1"),
        (&["--poll", "-1"], "--poll takes whole seconds, at least 1"),
        (&["--poll", "1.5"], "--poll takes whole seconds, at least 1"),
        (
            &["--concurrency", "0"],
            "--concurrency takes a whole number from 1 to 16",
        ),
        (
            &["--concurrency", "17"],
            "--concurrency takes a whole number from 1 to 16",
        ),
        (
            &["--concurrency", "-3"],
            "--concurrency takes a whole number from 1 to 16",
        ),
        (&["--page-size", "-1"], "a page holds 1 to 99 messages"),
        (
            &["--demo", "abc"],
            "a visitor id is a whole number, such as 4821",
        ),
        (&["-5"], "a visitor id is a whole number, such as 4821"),
        (&["+5"], "a visitor id is a whole number, such as 4821"),
    ];
    for (args, wanted) in cases {
        let output = szchat(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let reason = reason(&output);
        assert!(reason.contains(wanted), "{args:?}: {reason}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("is not in"), "{args:?}: {stderr}");
        assert!(!stderr.contains("invalid digit"), "{args:?}: {stderr}");
        // That advice would make the number the visitor id.
        assert!(!stderr.contains("use '--"), "{args:?}: {stderr}");
    }
}

#[test]
fn demo_refuses_a_base_url_as_it_refuses_a_secret_file() {
    let output = szchat(&["--demo", "--base-url", "https://api.example.com"]);
    assert_eq!(output.status.code(), Some(2));
    let base_url = reason(&output);
    assert!(
        base_url.contains("'--demo' cannot be used with '--base-url"),
        "{base_url}"
    );

    let output = szchat(&["--demo", "--secret-file", "/nonexistent"]);
    assert_eq!(output.status.code(), Some(2));
    let secret_file = reason(&output);
    // Both refusals are worded alike: `--demo` and the flag it cannot go with.
    for refusal in [&base_url, &secret_file] {
        assert!(
            refusal.starts_with("error: the argument '--demo' cannot be used with"),
            "{refusal}"
        );
    }
}

#[test]
fn demo_ignores_a_base_url_from_the_environment() {
    // Set for real use, the variable is no mistake of this command line: the
    // demo goes on (and, with no terminal here, stops at that instead).
    let output = Command::new(env!("CARGO_BIN_EXE_szchat"))
        .args(["--demo"])
        .env("SIGNALZEN_BASE_URL", "https://api.example.com")
        .output()
        .unwrap();
    let reason = reason(&output);
    assert!(!reason.contains("--base-url"), "{reason}");
    assert!(reason.contains("needs a terminal"), "{reason}");
}

#[test]
fn without_a_secret_szchat_points_at_the_demo() {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_szchat"))
        .arg("4821")
        .env_remove("SIGNALZEN_API_SECRET")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("szchat --demo"), "{stderr}");
}

#[test]
fn a_bad_images_value_names_the_three_it_takes() {
    let output = szchat(&["--images", "sometimes"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        reason(&output),
        "error: invalid value 'sometimes' for '--images <WHEN>'"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("[possible values: auto, always, never]"),
        "{stderr}"
    );
}
