//! Exporting 10,000 messages from the embedded fake server with 20 ms of
//! latency per request, in the pages an export asks for without
//! `--page-size`: szchat at concurrency 1 and at the default, against one
//! request after another (szchat's own client in a loop, and, when `curl` is
//! installed, a shell loop of `curl` as a script would do it), and against
//! the floor: ceil(pages / concurrency) round trips. Prints the times and
//! the ratios. Run: `cargo bench --bench export`.

#[path = "common/runtime.rs"]
mod runtime;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use szchat::api::client::{ACCEPT_V1, ApiClient, ApiConfig};
use szchat::concurrency::Concurrency;
use szchat::export::{self, ExportConfig, Format};
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat::timefmt::LocalZone;
use szchat_fake::{FakeConfig, FakeServer, synthetic_messages};

const MESSAGES: usize = 10_000;
const LATENCY: Duration = Duration::from_millis(20);
const SECRET: &str = "bench-secret";
const USER: u64 = 5;
/// Each measurement is taken this many times; the best run is reported,
/// since the machine's other work only ever adds time.
const RUNS: usize = 3;
/// The export's requests at once unless told otherwise.
const DEFAULT_CONCURRENCY: u8 = Concurrency::DEFAULT.get();

fn main() {
    runtime::block_on(bench());
}

async fn bench() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(MESSAGES));
    config.latency = LATENCY;
    let server = FakeServer::start(config).await.expect("the fake server");
    // What an export asks for when no page size is given.
    let page = PageSize::WHOLE_HISTORY;
    let pages = (MESSAGES as u64).div_ceil(u64::from(page.get()));
    let out = std::env::temp_dir().join(format!("szchat-bench-{}.jsonl", std::process::id()));

    let mut one_by_one = Duration::MAX;
    let mut single = Duration::MAX;
    let mut default = Duration::MAX;
    let mut requests = 0;
    for _ in 0..RUNS {
        one_by_one = one_by_one.min(request_loop(&server, page).await);
        let (time, _) = export_at(&server, page, 1, &out).await;
        single = single.min(time);
        let (time, sent) = export_at(&server, page, DEFAULT_CONCURRENCY, &out).await;
        default = default.min(time);
        requests = sent;
    }
    let _ = std::fs::remove_file(&out);
    let mut first_screen = Vec::new();
    for size in [PageSize::DEFAULT, PageSize::WHOLE_HISTORY] {
        let mut best = Duration::MAX;
        for _ in 0..RUNS {
            best = best.min(first_screen_at(&server, size).await);
        }
        first_screen.push((size, best));
    }
    let round_trip = one_by_one / u32::try_from(pages).unwrap_or(u32::MAX);
    let rounds = pages.div_ceil(u64::from(DEFAULT_CONCURRENCY));
    let floor = round_trip * u32::try_from(rounds).unwrap_or(u32::MAX);

    println!(
        "export of {MESSAGES} messages, {} ms latency per request, pages of {page} \
         ({pages} pages; szchat sent {requests} requests), best of {RUNS}",
        LATENCY.as_millis()
    );
    println!(
        "  one request after another (szchat's client): {:>6.2} s, a round trip {:.1} ms",
        one_by_one.as_secs_f64(),
        round_trip.as_secs_f64() * 1e3
    );
    let curl = curl_loop(&server, page);
    match curl {
        Some(curl) => println!(
            "  one curl after another (a shell loop):      {:>6.2} s",
            curl.as_secs_f64()
        ),
        None => println!("  one curl after another: skipped (no curl)"),
    }
    println!(
        "  floor at concurrency {DEFAULT_CONCURRENCY}: {rounds} rounds x {:.1} ms = {:.2} s",
        round_trip.as_secs_f64() * 1e3,
        floor.as_secs_f64()
    );
    println!(
        "  szchat, concurrency 1:  {:>6.2} s  ({:.1}x one request after another)",
        single.as_secs_f64(),
        ratio(one_by_one, single)
    );
    for (size, time) in &first_screen {
        println!(
            "  the first screen's two requests (probe, newest page) in pages of {size}: {:.1} ms",
            time.as_secs_f64() * 1e3
        );
    }
    let sequential = curl.unwrap_or(one_by_one);
    println!(
        "  szchat, concurrency {DEFAULT_CONCURRENCY}:  {:>6.2} s  ({:.1}x the {} loop, goal >= 7x; \
         {:.2}x the floor, goal <= 1.3x)",
        default.as_secs_f64(),
        ratio(sequential, default),
        if curl.is_some() { "curl" } else { "request" },
        ratio(default, floor)
    );
}

/// The export at `concurrency`: how long it took and how many requests it sent.
async fn export_at(
    server: &FakeServer,
    page: PageSize,
    concurrency: u8,
    out: &Path,
) -> (Duration, u64) {
    let started = Instant::now();
    let summary = export::run(ExportConfig {
        client: client(server),
        user_id: USER,
        page_size: page,
        concurrency: Concurrency::new(u64::from(concurrency)).unwrap(),
        format: Format::Jsonl,
        output: Some(out.to_owned()),
        zone: LocalZone::utc(),
        progress: false,
        save_attachments: None,
        filter: szchat::message_filter::MessageFilter::default(),
    })
    .await
    .expect("the export");
    assert_eq!(summary.messages, MESSAGES as u64);
    (started.elapsed(), summary.requests)
}

fn client(server: &FakeServer) -> ApiClient {
    let secret = Secret::new(SECRET).expect("a valid secret");
    ApiClient::new(ApiConfig::new(&server.base_url(), secret, USER)).expect("a client")
}

/// Every page, one request after another, with szchat's own client: what a
/// sequential loop costs without a process start per request.
async fn request_loop(server: &FakeServer, page: PageSize) -> Duration {
    let client = client(server);
    let started = Instant::now();
    let mut offset = 0;
    while offset < MESSAGES as u64 {
        let answer = client
            .messages_page(offset, page, &|_| {})
            .await
            .expect("a page");
        assert!(!answer.messages.is_empty());
        offset += u64::from(page.get());
    }
    started.elapsed()
}

/// What the screen waits for before it can show the newest messages of an
/// oldest-first history: the probe, then the newest page, in pages of `size`.
async fn first_screen_at(server: &FakeServer, size: PageSize) -> Duration {
    let client = client(server);
    let started = Instant::now();
    let probe = client
        .messages_page(0, size, &|_| {})
        .await
        .expect("the probe");
    let newest = probe.total.saturating_sub(u64::from(size.get()));
    let page = client
        .messages_page(newest, size, &|_| {})
        .await
        .expect("the newest page");
    assert!(!page.messages.is_empty());
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
