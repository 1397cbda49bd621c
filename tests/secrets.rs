//! The API secret never shows: not in errors, logs, Debug output or panics,
//! and a secret file others can read is refused.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use szchat::api::client::{ApiClient, ApiConfig};
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat_fake::{FakeConfig, FakeServer, Fault, synthetic_messages};

const SECRET: &str = "sz-live-7f3a9c1d2e";

fn szchat() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_szchat"));
    command.env_remove("SIGNALZEN_API_SECRET");
    command.env_remove("SIGNALZEN_BASE_URL");
    // Neither the developer's config file nor their default secret file.
    command.env("XDG_CONFIG_HOME", empty_config_home());
    command
}

/// A config home that does not exist.
fn empty_config_home() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("szchat-test-{}-no-config", std::process::id()))
}

#[test]
fn debug_and_display_never_show_the_secret() {
    let secret = Secret::new(SECRET).unwrap();
    assert!(!format!("{secret:?} {secret}").contains(SECRET));
    let config = ApiConfig::new("https://api.signalzen.com", secret, 1);
    assert!(!format!("{config:?}").contains(SECRET));
    let client = ApiClient::new(config).unwrap();
    assert!(!format!("{client:?}").contains(SECRET));
}

#[test]
fn a_panic_message_built_from_the_config_does_not_show_the_secret() {
    let config = ApiConfig::new("https://api.signalzen.com", Secret::new(SECRET).unwrap(), 1);
    let panic = std::panic::catch_unwind(|| panic!("unexpected state: {config:?}")).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("[redacted]"), "{message}");
    assert!(!message.contains(SECRET), "{message}");
}

#[tokio::test]
async fn logs_of_failing_and_retried_requests_never_hold_the_secret() {
    let dir = tempdir();
    let log = dir.join("szchat.log");
    szchat::logging::init(&log, Some("szchat=debug")).unwrap();

    let mut config = FakeConfig::new("other-secret", 4821, synthetic_messages(5));
    config.faults = vec![Fault::Malformed { nth: 1 }];
    let server = FakeServer::start(config).await.unwrap();
    let client = common::client(&server.base_url(), SECRET, 4821);
    let error = client
        .messages_page(0, PageSize::DEFAULT, &|_| {})
        .await
        .unwrap_err();
    assert!(!error.to_string().contains(SECRET));

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("retrying"),
        "the retry was logged: {logged}"
    );
    assert!(
        logged.contains("request failed"),
        "the failure was logged: {logged}"
    );
    assert!(!logged.contains(SECRET), "{logged}");
    let mode = std::fs::metadata(&log).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "the log is private to its owner");
}

#[test]
fn a_secret_file_others_can_read_is_refused_with_the_fix() {
    let dir = tempdir();
    let path = dir.join("secret");
    std::fs::write(&path, format!("{SECRET}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = szchat()
        .args(["--secret-file", path.to_str().unwrap(), "4821"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[test]
fn a_missing_secret_is_one_clear_line_and_exit_2() {
    let output = szchat().arg("4821").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        format!(
            "szchat: no API secret: set SIGNALZEN_API_SECRET, pass --secret-file PATH, \
             or put it in {} (chmod 600); to look around without an account, szchat --demo",
            empty_config_home().join("szchat/secret").display()
        )
    );
}

#[test]
fn an_invalid_secret_is_refused_without_echoing_it() {
    let output = szchat()
        .arg("4821")
        .env("SIGNALZEN_API_SECRET", "sz-live secret\twith-spaces")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("sz-live"), "{stderr}");
}

#[test]
fn page_size_outside_the_api_rule_is_refused_before_any_request() {
    for bad in ["0", "100", "-1", "many"] {
        let output = szchat()
            .args([
                &format!("--page-size={bad}"),
                "--base-url",
                "http://127.0.0.1:9",
                "4821",
            ])
            .env("SIGNALZEN_API_SECRET", SECRET)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--page-size {bad}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--page-size"), "{stderr}");
    }
}

#[test]
fn a_plain_http_base_url_off_this_machine_is_refused() {
    let output = szchat()
        .args(["--base-url", "http://api.signalzen.com", "4821"])
        .env("SIGNALZEN_API_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("use https"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[test]
fn a_base_url_holding_the_secret_reaches_neither_the_log_nor_the_screen() {
    let dir = tempdir();
    for base in [
        format!("http://127.0.0.1:18080/plain?key={SECRET}"),
        format!("http://u:{SECRET}@127.0.0.1:18080/plain"),
        format!("http://127.0.0.1:18080/{SECRET}/plain"),
        format!("127.0.0.1:18080/{SECRET}"),
    ] {
        let log = dir.join("q.log");
        let output = szchat()
            .args(["--log-file", log.to_str().unwrap(), "--base-url", &base])
            .arg("4821")
            .env("SIGNALZEN_API_SECRET", SECRET)
            .env("RUST_LOG", "szchat=trace")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{base}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("invalid API base URL"), "{stderr}");
        assert!(!stderr.contains(SECRET), "{stderr}");
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(!logged.contains(SECRET), "{base}: {logged}");
    }
}

#[test]
fn an_existing_log_file_others_can_read_is_made_private_and_kept() {
    let dir = tempdir();
    let log = dir.join("shared.log");
    std::fs::write(&log, "earlier lines\n").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let output = szchat()
        .args(["--log-file", log.to_str().unwrap(), "4821"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "no secret was given");
    let mode = std::fs::metadata(&log).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    assert!(
        std::fs::read_to_string(&log)
            .unwrap()
            .starts_with("earlier lines\n")
    );
}

#[tokio::test]
async fn a_one_character_secret_leaves_error_messages_whole() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let url = format!("{base}/external/users/4821/messages?offset=0&limit=50");
    for one in ["x", "e", "s", "1", "/", ".", ":", "?", "="] {
        let error = common::client(&base, one, 4821)
            .messages_page(0, PageSize::DEFAULT, &|_| {})
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!("cannot connect to {url}: ")),
            "secret {one:?}: {error}"
        );
        assert!(!error.contains("[redacted]"), "secret {one:?}: {error}");
    }
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "szchat-test-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
