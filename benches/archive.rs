//! Writing 100,000 messages to the archive through the store task, in
//! batches of one page (99) each as a sync sends them: messages per second,
//! best and median of five runs, each into a fresh archive.
//! Run: `cargo bench --bench archive`.

use std::time::{Duration, Instant};

use szchat::api::wire::parse_page;
use szchat::archive::store::{Placed, Write};
use szchat::archive::task::{AccountSpec, StoreEvent, StoreRequest, StoreTask};
use szchat::model::Message;
use szchat::secret::Secret;
use szchat_fake::synthetic_messages;

const MESSAGES: usize = 100_000;
const PAGE: usize = 99;
const RUNS: usize = 5;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench());
}

/// The messages as the client reads them, page by page.
fn pages() -> Vec<Vec<Message>> {
    synthetic_messages(MESSAGES)
        .chunks(PAGE)
        .map(|chunk| {
            let body = serde_json::json!({
                "limit": PAGE, "offset": 0, "total": MESSAGES, "messages": chunk,
            });
            parse_page(body.to_string().as_bytes(), 0, PAGE as u64)
                .expect("a page")
                .messages
        })
        .collect()
}

async fn bench() {
    let pages = pages();
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..RUNS {
        let before = cpu_time();
        times.push(write_all(&pages).await);
        if let (Some(before), Some(after)) = (before, cpu_time()) {
            cpu.push(after.saturating_sub(before));
        }
    }
    times.sort();
    cpu.sort();
    let rate = |time: Duration| MESSAGES as f64 / time.as_secs_f64();
    println!("archive: write {MESSAGES} messages in pages of {PAGE} through the store task");
    println!(
        "  best   {:>6.0} ms  {:>9.0} messages/s",
        times[0].as_secs_f64() * 1000.0,
        rate(times[0])
    );
    println!(
        "  median {:>6.0} ms  {:>9.0} messages/s",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        rate(times[RUNS / 2])
    );
    // On a shared machine the wall clock waits for other processes; the
    // CPU time the process spent does not.
    if let Some(median) = cpu.get(cpu.len() / 2) {
        println!(
            "  median CPU time {:>6.0} ms  {:>9.0} messages per CPU-second",
            median.as_secs_f64() * 1000.0,
            rate(*median)
        );
    }
}

/// The CPU time this process has used (user and system), from /proc on
/// Linux; `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    /// Clock ticks per second, as /proc counts them on Linux.
    const TICKS_PER_SECOND: u64 = 100;
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis(
        (user + system) * 1000 / TICKS_PER_SECOND,
    ))
}

/// One run: open a fresh archive, send every page, wait until all is on disk.
async fn write_all(pages: &[Vec<Message>]) -> Duration {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let account = AccountSpec {
        base_url: "http://127.0.0.1:1".to_owned(),
        secret: Secret::new("bench-secret").expect("a secret"),
    };
    let mut task = StoreTask::spawn(dir.path().join("szchat"), Some(account));
    match task.events.recv().await {
        Some(StoreEvent::Opened { .. }) => {}
        other => panic!("the archive did not open: {other:?}"),
    }
    // The writes are built before the clock starts: only the archive is timed.
    let mut position = 0u64;
    let writes: Vec<Write> = pages
        .iter()
        .map(|page| Write::Messages {
            visitor: 1,
            messages: page
                .iter()
                .cloned()
                .map(|message| {
                    position += 1;
                    Placed {
                        position: Some(position - 1),
                        message,
                    }
                })
                .collect(),
        })
        .collect();
    let started = Instant::now();
    for write in writes {
        task.send(StoreRequest::Write(write));
    }
    task.finish().await.expect("every write on disk");
    started.elapsed()
}
