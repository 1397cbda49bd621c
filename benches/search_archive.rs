//! `szchat search` and the visitor list's search over a generated archive of
//! 1,000,000 messages in 2,000 visitors (issue 16's goals): a query of one
//! or two words (p95 ≤ 50 ms), the first page of hits for a typed prefix
//! (p95 ≤ 30 ms), each asked of the store task as the TUI and the CLI ask
//! it; and the index's size beside the text it holds (≤ 1.5×).
//! The archive takes minutes to generate, so it is kept under
//! `target/bench-search-archive/` and reused by later runs.
//! Run: `cargo bench --bench search_archive`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};

use szchat::archive::store::{Placed, Write};
use szchat::archive::task::{AccountSpec, StoreEvent, StoreRequest, StoreTask};
use szchat::model::Sender;
use szchat::search_query::{self, condition};
use szchat::secret::Secret;
use szchat::testing;

const VISITORS: u64 = 2_000;
const PER_VISITOR: u64 = 500;
const PAGE: u64 = 99;
/// What the CLI asks unless told, and a screen of hits in the TUI.
const CLI_LIMIT: u32 = 100;
const SCREEN_LIMIT: u32 = 40;
const RUNS: usize = 5;
/// Bumped when the generated archive changes, so an old one is not reused.
const GENERATION: &str = "v1";

/// Queries of one or two words: rare, common, a number, accents folded, CJK.
const WORDS: [&str; 10] = [
    "invoice",
    "refund",
    "kelavo",
    "invoice 4411",
    "refund delivery",
    "café",
    "東京",
    "password reset",
    "tomorrow",
    "nothing-like-this",
];
/// A prefix as it is typed, one character after another.
const TYPED: [&str; 6] = ["inv*", "invo*", "invoi*", "del*", "deli*", "pas*"];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench());
}

fn account() -> AccountSpec {
    AccountSpec {
        base_url: "http://127.0.0.1:1".to_owned(),
        secret: Secret::new("bench-search-secret").expect("a secret"),
    }
}

fn archive_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-search-archive")
        .join(GENERATION)
}

async fn bench() {
    let dir = archive_dir();
    let done = dir.join("generated");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let started = Instant::now();
        generate(&dir.join("szchat")).await;
        std::fs::write(&done, b"").expect("the marker");
        println!(
            "generated {} messages in {VISITORS} visitors in {:.0} s (kept in {})",
            VISITORS * PER_VISITOR,
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    report_sizes(&dir.join("szchat/archive.db"));
    let mut task = StoreTask::spawn(dir.join("szchat"), Some(account()));
    match task.events.recv().await {
        Some(StoreEvent::Opened { .. }) => {}
        other => panic!("the archive did not open: {other:?}"),
    }
    let words = timed(&mut task, &WORDS, CLI_LIMIT).await;
    report("one or two words, 100 hits", &words, 50);
    let typed = timed(&mut task, &TYPED, SCREEN_LIMIT).await;
    report("first 40 hits of a typed prefix", &typed, 30);
    task.finish().await.expect("the store closes");
}

/// Each query `RUNS` times through the store task: the time from the
/// request to its answer, and the hits of each query's first run.
async fn timed(task: &mut StoreTask, queries: &[&str], limit: u32) -> Vec<Duration> {
    let mut times = Vec::new();
    for query in queries {
        let parsed = search_query::parse(query).expect("a valid query");
        for run in 0..RUNS {
            let started = Instant::now();
            task.send(StoreRequest::Search {
                condition: condition(&parsed),
                limit,
            });
            let hits = loop {
                match task.events.recv().await {
                    Some(StoreEvent::Searched(result)) => break result.expect("a search").0.len(),
                    Some(_) => {}
                    None => panic!("the store stopped"),
                }
            };
            let elapsed = started.elapsed();
            if run == 0 {
                println!("  {query:<20} {hits:>4} hits  {:>7.1} ms", ms(elapsed));
            }
            times.push(elapsed);
        }
    }
    times
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}

fn report(what: &str, times: &[Duration], goal_ms: u64) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let at =
        |q: f64| sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1];
    let p95 = ms(at(0.95));
    println!(
        "{what}: p95 {p95:.1} ms = {:.2}× the goal of {goal_ms} ms (median {:.1} ms, {} samples)",
        p95 / goal_ms as f64,
        ms(at(0.5)),
        sorted.len()
    );
}

/// The index's bytes (FTS5's blocks and their directory) beside the text
/// it holds (body, attachment name, sender's name, in UTF-8).
fn report_sizes(db: &Path) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the archive");
    let number = |sql: &str| -> f64 {
        conn.query_row(sql, [], |row| row.get::<_, i64>(0))
            .expect(sql) as f64
    };
    let index = number(
        "SELECT (SELECT coalesce(sum(length(block)), 0) FROM message_search_data)
            + (SELECT coalesce(sum(length(term)) + 16 * count(*), 0) FROM message_search_idx)",
    );
    let text = number(
        "SELECT sum(length(CAST(body AS BLOB)) + coalesce(length(CAST(attachment_name AS BLOB)), 0)
            + length(CAST(coalesce(sender_name, trim(coalesce(sender_forename, '') || ' '
              || coalesce(sender_surname, ''))) AS BLOB)))
         FROM messages",
    );
    let file = std::fs::metadata(db).map_or(0.0, |meta| meta.len() as f64);
    println!(
        "index {:.1} MB = {:.2}× the text it holds ({:.1} MB; goal ≤ 1.5×); the whole file {:.1} MB",
        index / 1e6,
        index / text,
        text / 1e6,
        file / 1e6
    );
}

/// A small generator of numbers, the same every run.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Words people write to support, common first, and made-up rarer ones.
const COMMON: [&str; 40] = [
    "hello",
    "thanks",
    "please",
    "order",
    "delivery",
    "refund",
    "invoice",
    "account",
    "password",
    "reset",
    "tomorrow",
    "today",
    "payment",
    "card",
    "shipping",
    "address",
    "the",
    "and",
    "for",
    "with",
    "your",
    "my",
    "is",
    "not",
    "can",
    "you",
    "help",
    "me",
    "problem",
    "login",
    "email",
    "number",
    "café",
    "Straße",
    "東京に行きます",
    "お願いします",
    "请再试一次",
    "größe",
    "naïve",
    "résumé",
];
const SYLLABLES: [&str; 16] = [
    "ka", "le", "vo", "mi", "ra", "tu", "sen", "po", "di", "na", "ber", "go", "shi", "lo", "an",
    "ex",
];

fn body(random: &mut Seeded) -> String {
    let words = 6 + random.below(14);
    let mut out = Vec::new();
    for _ in 0..words {
        let pick = random.below(100);
        if pick < 70 {
            // Skewed toward the first words, as real text is.
            let a = random.below(COMMON.len() as u64);
            let b = random.below(COMMON.len() as u64);
            out.push(COMMON[a.min(b) as usize].to_owned());
        } else if pick < 97 {
            let n = 2 + random.below(2);
            let word: String = (0..n)
                .map(|_| SYLLABLES[random.below(SYLLABLES.len() as u64) as usize])
                .collect();
            out.push(word);
        } else {
            out.push(format!("{}", 1000 + random.below(9000)));
        }
    }
    out.join(" ")
}

async fn generate(dir: &Path) {
    let mut task = StoreTask::spawn(dir.to_path_buf(), Some(account()));
    match task.events.recv().await {
        Some(StoreEvent::Opened { .. }) => {}
        other => panic!("the archive did not open: {other:?}"),
    }
    let mut random = Seeded(0x5eed_cafe);
    let start = Utc.timestamp_opt(1_760_000_000, 0).unwrap();
    let mut id = 0u64;
    for visitor in 1..=VISITORS {
        for first in (0..PER_VISITOR).step_by(PAGE as usize) {
            let messages = (first..(first + PAGE).min(PER_VISITOR))
                .map(|position| {
                    id += 1;
                    let sender = if position % 2 == 0 {
                        Sender::Visitor {
                            name: Some(format!("Visitor {visitor}")),
                            email: None,
                        }
                    } else {
                        Sender::Operator {
                            forename: Some("Olga".into()),
                            surname: Some("Støre".into()),
                            email: None,
                        }
                    };
                    let at = start + chrono::TimeDelta::seconds((id * 31) as i64);
                    let message = testing::message(id)
                        .body(body(&mut random))
                        .created_at(Some(at))
                        .sender(sender)
                        .file_url(
                            id.is_multiple_of(50)
                                .then(|| format!("https://files.example/scan-{id}.pdf")),
                        )
                        .build();
                    Placed {
                        position: Some(position),
                        message,
                    }
                })
                .collect();
            task.send(StoreRequest::Write(Write::Messages { visitor, messages }));
        }
        if visitor.is_multiple_of(100) {
            // Keeps the queue of writes from holding the whole archive in memory.
            task.flushed().await.expect("written");
        }
    }
    task.finish().await.expect("every write on disk");
}
