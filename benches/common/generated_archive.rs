//! The archive the search and report benchmarks read: 1,000,000 messages in
//! 2,000 visitors, written through the store task page by page as a sync
//! writes them. Generating it takes minutes, so it is kept under
//! `target/bench-search-archive/` and reused by later runs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{TimeZone, Utc};

use szchat::archive::store::{Placed, Write};
use szchat::archive::task::{AccountSpec, StoreRequest};
use szchat::model::Sender;
use szchat::testing;

use crate::store;

pub(crate) const VISITORS: u64 = 2_000;
pub(crate) const PER_VISITOR: u64 = 500;
const PAGE: u64 = 99;
/// Bumped when the generated archive changes, so an old one is not reused.
const GENERATION: &str = "v1";

/// The account the archive is kept for.
pub(crate) fn account() -> AccountSpec {
    store::account("bench-search-secret")
}

/// The archive's data directory, generated first if no earlier run left it.
pub(crate) async fn ready() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-search-archive")
        .join(GENERATION);
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
    dir.join("szchat")
}

/// The store task on the archive, open.
pub(crate) async fn open(dir: &Path) -> szchat::archive::task::StoreTask {
    store::opened(dir, account()).await
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

/// Visitor after visitor, a page at a time, the visitor and the operator
/// taking turns, 31 s apart; an attachment every 50th message.
async fn generate(dir: &Path) {
    let mut task = open(dir).await;
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
