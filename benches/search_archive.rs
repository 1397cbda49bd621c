//! `szchat search` and the visitor list's search over a generated archive of
//! 1,000,000 messages in 2,000 visitors (issue 16's goals): a query of one
//! or two words (p95 ≤ 50 ms), the first page of hits for a typed prefix
//! (p95 ≤ 30 ms), each asked of the store task as the TUI and the CLI ask
//! it; and the index's size beside the text it holds (≤ 1.5×).
//! The archive (benches/common/generated_archive.rs) takes minutes to
//! generate, so it is kept under `target/bench-search-archive/` and reused.
//! Run: `cargo bench --bench search_archive`.

use std::path::Path;
use std::time::{Duration, Instant};

use szchat::archive::task::{StoreEvent, StoreRequest, StoreTask};
use szchat::search_query::{self, condition};

#[path = "common/generated_archive.rs"]
mod generated_archive;
#[path = "common/runtime.rs"]
mod runtime;
#[path = "common/store.rs"]
mod store;

/// What the CLI asks unless told, and a screen of hits in the TUI.
const CLI_LIMIT: u32 = 100;
const SCREEN_LIMIT: u32 = 40;
const RUNS: usize = 5;

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
    runtime::block_on(bench());
}

async fn bench() {
    let dir = generated_archive::ready().await;
    report_sizes(&dir.join("archive.db"));
    let mut task = generated_archive::open(&dir).await;
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
                seq: 0,
            });
            let hits = loop {
                match task.events.recv().await {
                    Some(StoreEvent::Searched { result, .. }) => {
                        break result.expect("a search").0.len();
                    }
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
