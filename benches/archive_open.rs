//! Opening a visitor the archive holds completely (5,000 messages) to the
//! first frame: the store reads the messages and the holdings, the
//! conversation takes them, and one frame is drawn; no request is answered
//! (the only one asked, the check for new messages, is not waited for).
//! Best and median of ten runs. Run: `cargo bench --bench archive_open`.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use szchat::archive::dir::DataDir;
use szchat::archive::store::Store;
use szchat::archive::task::StoreEvent;
use szchat::fetch::FetchRequest;
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect, Input};
use szchat::timefmt::LocalZone;
use szchat::ui::color::Colors;
use szchat_fake::synthetic_messages;

#[path = "common/synced.rs"]
mod synced;

const MESSAGES: usize = 5_000;
const VISITOR: u64 = 1;
const RUNS: usize = 10;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let messages: Vec<String> = synthetic_messages(MESSAGES)
        .iter()
        .map(serde_json::Value::to_string)
        .collect();
    let data = DataDir::prepare(dir.path().join("szchat")).expect("a data directory");
    let store = synced::archive(&data, VISITOR, &messages);
    let runs: Vec<(Duration, Duration)> = (0..RUNS).map(|_| open(&store)).collect();
    let mut times: Vec<Duration> = runs.iter().map(|run| run.0).collect();
    let mut reads: Vec<Duration> = runs.iter().map(|run| run.1).collect();
    times.sort();
    reads.sort();
    let ms = |time: Duration| time.as_secs_f64() * 1000.0;
    println!("archive: open an archived {MESSAGES}-message visitor to the first frame");
    println!(
        "  best   {:>6.1} ms (reading the archive {:>6.1} ms)",
        ms(times[0]),
        ms(reads[0])
    );
    println!(
        "  median {:>6.1} ms (reading the archive {:>6.1} ms)",
        ms(times[RUNS / 2]),
        ms(reads[RUNS / 2])
    );
}

/// One open, timed from the first read to the first frame drawn; and the
/// part of it the store's reads took.
fn open(store: &Store) -> (Duration, Duration) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a terminal");
    let started = Instant::now();
    let mut state = AppState::new(VISITOR, PageSize::DEFAULT, LocalZone::utc(), 120, 40);
    state.use_archive();
    let mut asked = state.start();
    let read = Instant::now();
    let messages = store.messages_to_browse(VISITOR);
    let holdings = store.holdings(VISITOR);
    let reading = read.elapsed();
    asked.extend(state.handle(Input::Stored(StoreEvent::Messages {
        visitor: VISITOR,
        result: messages,
    })));
    asked.extend(state.handle(Input::Stored(StoreEvent::Holdings {
        visitor: VISITOR,
        result: holdings,
    })));
    terminal
        .draw(|frame| szchat::ui::draw_with(frame, &state, Colors::On))
        .expect("a frame");
    let took = started.elapsed();
    assert_eq!(state.conversation().len(), MESSAGES);
    let pages = asked
        .iter()
        .filter(|e| matches!(e, Effect::Fetch(FetchRequest::Page(_))))
        .count();
    assert!(
        pages <= 1,
        "only the check's first request is asked: {asked:?}"
    );
    (took, reading)
}
