//! szchat built without the demo server, the way
//! `cargo build --release --no-default-features` builds it. Run with
//! `cargo test --no-default-features --test without_demo` (`.ci/run` does);
//! in the default build there is nothing here to test.
#![cfg(not(feature = "demo"))]

use std::process::Command;

#[test]
fn demo_says_in_one_line_that_it_was_not_built_in_and_exits_2() {
    let output = Command::new(env!("CARGO_BIN_EXE_szchat"))
        .arg("--demo")
        .env_remove("SIGNALZEN_API_SECRET")
        .env_remove("SIGNALZEN_BASE_URL")
        .output()
        .expect("run szchat");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "szchat: this szchat was built without the demo server (cargo feature `demo`)\n"
    );
    assert!(output.stdout.is_empty());
}
