//! `szchat report --csv` over the generated archive of 1,000,000 messages in
//! 2,000 visitors (issue 17's goal: ≤ 2 s): the figures asked of the store
//! task as the CLI asks them, and the CSV written, best and median of a few
//! runs. The archive is the search benchmark's (benches/common/generated_archive.rs),
//! kept under `target/bench-search-archive/` and reused.
//! Run: `cargo bench --bench report`.

use std::time::{Duration, Instant};

use szchat::archive::task::{StoreEvent, StoreRequest, StoreTask};
use szchat::report_cli::{ReportFormat, write_rows};

#[path = "common/generated_archive.rs"]
mod generated_archive;
#[path = "common/runtime.rs"]
mod runtime;
#[path = "common/store.rs"]
mod store;

const RUNS: usize = 5;
/// The goal for the whole report, in seconds.
const GOAL_S: f64 = 2.0;

fn main() {
    runtime::block_on(bench());
}

async fn bench() {
    let dir = generated_archive::ready().await;
    let started = Instant::now();
    let mut task = generated_archive::open(&dir).await;
    let open = started.elapsed();
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..RUNS {
        let (took, written) = report_csv(&mut task).await;
        times.push(took);
        bytes = written;
    }
    task.finish().await.expect("the store closes");
    times.sort();
    let s = |time: Duration| time.as_secs_f64();
    let median = times[RUNS / 2];
    println!(
        "report --csv of {} visitors, {} messages: median {:.2} s = {:.2}× the goal of {GOAL_S} s \
         (best {:.2} s, {RUNS} runs, {bytes} bytes of CSV; opening the archive {:.0} ms more)",
        generated_archive::VISITORS,
        generated_archive::VISITORS * generated_archive::PER_VISITOR,
        s(median),
        s(median) / GOAL_S,
        s(times[0]),
        s(open) * 1000.0,
    );
}

/// One report: the figures of every visitor, written as CSV.
async fn report_csv(task: &mut StoreTask) -> (Duration, usize) {
    let started = Instant::now();
    task.send(StoreRequest::Figures {
        visitors: Vec::new(),
    });
    let rows = loop {
        match task.events.recv().await {
            Some(StoreEvent::Figures(result)) => break result.expect("the figures"),
            Some(_) => {}
            None => panic!("the store stopped"),
        }
    };
    let mut csv = Vec::new();
    write_rows(&mut csv, &rows, ReportFormat::Csv).expect("written");
    let took = started.elapsed();
    assert_eq!(rows.len() as u64, generated_archive::VISITORS);
    (took, csv.len())
}
