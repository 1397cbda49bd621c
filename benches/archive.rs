//! Writing 100,000 messages to the archive through the store task, in
//! batches of one page (99) each as a sync sends them: messages per second,
//! best and median of five runs, each into a fresh archive; once with the
//! fake server's numbered messages and once with sentences as long as a
//! support chat's. Then `szchat
//! sync`'s work on a 1,000-visitor account served by the fake server: the
//! requests (counted by the server) and time of a sync where nothing
//! changed, and of one where 10 visitors grew.
//! Run: `cargo bench --bench archive`.

use std::time::{Duration, Instant};

use szchat::api::client::{ApiClient, ApiConfig};
use szchat::api::wire::parse_page;
use szchat::archive::store::{Placed, Write};
use szchat::archive::task::{AccountSpec, StoreEvent, StoreRequest, StoreTask};
use szchat::concurrency::Concurrency;
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat::sync::{self, SyncConfig};
use szchat_fake::{FakeConfig, FakeServer, Visitor, synthetic_messages};

const MESSAGES: usize = 100_000;
const PAGE: usize = 99;
const RUNS: usize = 5;
/// The account the sync benchmark syncs.
const VISITORS: u64 = 1_000;
const MESSAGES_PER_VISITOR: usize = 20;
const GROWN_VISITORS: u64 = 10;
const GROWTH: usize = 30;
const SYNC_SECRET: &str = "bench-sync-secret";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench());
    runtime.block_on(sync_bench());
}

/// What the written messages say.
#[derive(Clone, Copy, Debug)]
enum Bodies {
    /// "Message 1", "Message 2", …: the fake server's synthetic history.
    Numbered,
    /// Sentences of 20 to 70 characters as a support chat has them, each
    /// with its number: about three times the text to index.
    Sentences,
}

/// Lines of a support chat, for [`Bodies::Sentences`].
const SENTENCES: &[&str] = &[
    "Hello, I cannot log in since this morning.",
    "Sorry to hear that! Which email address do you use?",
    "It is the one on the invoice, billing@example.com",
    "Thanks. I have sent you a link to reset the password.",
    "Got it, that worked. One more question about invoice 4411.",
    "Sure, what would you like to know?",
    "Will the discount we talked about show on it?",
    "It will, from the next billing cycle.",
    "Perfect, thank you so much for your help!",
    "You are welcome. Have a nice day 👋",
];

/// The messages as the client reads them, page by page.
fn pages(bodies: Bodies) -> Vec<Vec<Message>> {
    let mut messages = synthetic_messages(MESSAGES);
    if let Bodies::Sentences = bodies {
        for (n, message) in messages.iter_mut().enumerate() {
            message["body"] = format!("{} ({n})", SENTENCES[n % SENTENCES.len()]).into();
        }
    }
    messages
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
    for bodies in [Bodies::Numbered, Bodies::Sentences] {
        bench_writes(bodies).await;
    }
}

async fn bench_writes(bodies: Bodies) {
    let pages = pages(bodies);
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
    let said = match bodies {
        Bodies::Numbered => "numbered (\"Message 1\")",
        Bodies::Sentences => "sentences of 20 to 70 characters",
    };
    println!(
        "archive: write {MESSAGES} messages, {said}, in pages of {PAGE} through the store task"
    );
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

/// Requests the fake server saw, split into the visitor list's pages and
/// message-list pages.
#[derive(Clone, Copy, Default)]
struct Requests {
    list: usize,
    messages: usize,
}

fn requests(server: &FakeServer) -> Requests {
    let seen = server.requests();
    let messages = seen
        .iter()
        .filter(|request| request.path.ends_with("/messages"))
        .count();
    let list = seen
        .iter()
        .filter(|request| request.path.ends_with("/external/users"))
        .count();
    Requests { list, messages }
}

/// One `szchat sync` of the whole account into the archive in `dir`.
async fn sync_once(server: &FakeServer, dir: &std::path::Path) -> (sync::Summary, Duration) {
    let secret = Secret::new(SYNC_SECRET).expect("a secret");
    let client =
        ApiClient::new(ApiConfig::new(&server.base_url(), secret.clone(), 0)).expect("a client");
    let account = AccountSpec {
        base_url: client.base_url().to_owned(),
        secret,
    };
    let started = Instant::now();
    let (store, _) = StoreTask::open(dir.to_owned(), Some(account))
        .await
        .expect("the archive opens");
    let config = SyncConfig {
        client,
        user_ids: Vec::new(),
        page_size: PageSize::MAX,
        concurrency: Concurrency::DEFAULT,
        progress: sync::Progress::Quiet,
    };
    let summary = sync::run(config, store, std::future::pending())
        .await
        .expect("the sync runs");
    assert!(summary.failed.is_empty(), "every visitor synced");
    (summary, started.elapsed())
}

async fn sync_bench() {
    let mut config = FakeConfig::new(SYNC_SECRET, 1, synthetic_messages(MESSAGES_PER_VISITOR));
    config.other_visitors = (2..=VISITORS)
        .map(|id| Visitor::new(id, synthetic_messages(MESSAGES_PER_VISITOR)))
        .collect();
    let server = FakeServer::start(config).await.expect("the fake server");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let archive = dir.path().join("szchat");
    let (first, took) = sync_once(&server, &archive).await;
    let before = requests(&server);
    println!(
        "archive: sync of {VISITORS} visitors with {MESSAGES_PER_VISITOR} messages each, pages of 99, 6 in flight"
    );
    let report = |label: &str, summary: &sync::Summary, took: Duration, used: Requests| {
        println!(
            "  {label:<26} {:>6.0} ms  {:>5} requests ({} list pages + {} message pages, {:.2} per visitor)  {} new messages",
            took.as_secs_f64() * 1000.0,
            used.list + used.messages,
            used.list,
            used.messages,
            used.messages as f64 / VISITORS as f64,
            summary.new_messages,
        );
    };
    report("first sync (empty archive)", &first, took, before);
    let (unchanged, took) = sync_once(&server, &archive).await;
    let after = requests(&server);
    let used = Requests {
        list: after.list - before.list,
        messages: after.messages - before.messages,
    };
    report("nothing changed", &unchanged, took, used);
    let grown = synthetic_messages(MESSAGES_PER_VISITOR + GROWTH);
    for id in (2..).take(usize::try_from(GROWN_VISITORS).unwrap_or(0)) {
        server.append_messages(id, grown[MESSAGES_PER_VISITOR..].to_vec());
    }
    let (grew, took) = sync_once(&server, &archive).await;
    let last = requests(&server);
    let used = Requests {
        list: last.list - after.list,
        messages: last.messages - after.messages,
    };
    report(
        &format!("{GROWN_VISITORS} visitors grew by {GROWTH}"),
        &grew,
        took,
        used,
    );
}
