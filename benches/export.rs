//! Exporting 10,000 messages from the embedded fake server with 20 ms of
//! latency per request: at concurrency 1, at the default, and (when `curl`
//! is installed) as a sequential shell loop of `curl` over the same pages.
//! Prints the times and the ratios. Run: `cargo bench --bench export`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use szchat::api::client::{ACCEPT_V1, ApiClient, ApiConfig};
use szchat::config::DEFAULT_CONCURRENCY;
use szchat::export::{self, ExportConfig, Format};
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat::timefmt::LocalZone;
use szchat_fake::{FakeConfig, FakeServer, synthetic_messages};

const MESSAGES: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(20);
const SECRET: &str = "bench-secret";
const USER: u64 = 5;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench());
}

async fn bench() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES));
    config.latency = LATENCY;
    let server = FakeServer::start(config).await.expect("the fake server");
    let page = PageSize::MAX;
    let out = std::env::temp_dir().join(format!("szchat-bench-{}.jsonl", std::process::id()));

    let sequential = export_at(&server, page, 1, &out).await;
    let default = export_at(&server, page, DEFAULT_CONCURRENCY, &out).await;
    let _ = std::fs::remove_file(&out);
    println!(
        "export of {MESSAGES} messages, {} ms latency per request, pages of {page}",
        LATENCY.as_millis()
    );
    println!("  concurrency 1: {:>7.2} s", sequential.as_secs_f64());
    println!(
        "  concurrency {DEFAULT_CONCURRENCY}: {:>7.2} s  ({:.1}x concurrency 1)",
        default.as_secs_f64(),
        ratio(sequential, default)
    );
    match curl_loop(&server, page) {
        Some(curl) => println!(
            "  curl loop:     {:>7.2} s  (default is {:.1}x the curl loop)",
            curl.as_secs_f64(),
            ratio(curl, default)
        ),
        None => println!("  curl loop:     skipped (no curl)"),
    }
}

async fn export_at(server: &FakeServer, page: PageSize, concurrency: u8, out: &Path) -> Duration {
    let secret = Secret::new(SECRET).expect("a valid secret");
    let client =
        ApiClient::new(ApiConfig::new(&server.base_url(), secret, USER)).expect("a client");
    let started = Instant::now();
    let summary = export::run(ExportConfig {
        client,
        user_id: USER,
        page_size: page,
        concurrency,
        format: Format::Jsonl,
        output: Some(out.to_owned()),
        zone: LocalZone::utc(),
        progress: false,
    })
    .await
    .expect("the export");
    assert_eq!(summary.messages, MESSAGES as u64);
    started.elapsed()
}

/// The same pages, one `curl` after another, as a shell script would.
fn curl_loop(server: &FakeServer, page: PageSize) -> Option<Duration> {
    Command::new("curl").arg("--version").output().ok()?;
    let url = format!("{}/external/users/{USER}/messages", server.base_url());
    let script = format!(
        "o=0; while [ $o -lt {MESSAGES} ]; do curl -sf -o /dev/null \
         -H 'Authorization: Bearer {SECRET}' -H 'Accept: {ACCEPT_V1}' \
         '{url}?offset='$o'&limit={page}' || exit 1; o=$((o+{page})); done"
    );
    let started = Instant::now();
    let status = Command::new("sh").args(["-c", &script]).status().ok()?;
    status.success().then(|| started.elapsed())
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(f64::EPSILON)
}
