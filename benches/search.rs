//! A search over a loaded history must take at most 30 ms for 100 000
//! messages, and drawing with matches marked must cost the same however long
//! the history (`cargo bench --bench search`). Before the benchmarks, the
//! memory the search index holds is printed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use divan::{AllocProfiler, Bencher};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use szchat::action::Action;
use szchat::search::SearchIndex;
use szchat::state::{AppState, Input};
use szchat::ui;

mod common;
use common::{HEIGHT, WIDTH, loaded_state, message};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

const SIZES: [u64; 2] = [1_000, 100_000];
/// Queries of each kind: few matches, every message, non-ASCII, a capital
/// letter (case counts), and none at all.
const QUERIES: [&str; 5] = ["e4711", "export", "請再試", "Olga", "no such text"];

fn main() {
    report_index_memory(100_000);
    divan::main();
}

/// The text the index keeps for `n` messages, beside the bodies'.
fn report_index_memory(n: u64) {
    let mut index = SearchIndex::new();
    let mut body_bytes = 0;
    for id in 1..=n {
        let message = message(id);
        body_bytes += message.body.len();
        index.insert(&message);
    }
    println!(
        "search index for {n} messages: {} bytes of text ({} per message; bodies: {} bytes)",
        index.text_bytes(),
        index.text_bytes() / n as usize,
        body_bytes
    );
}

fn press(state: &mut AppState, code: KeyCode) {
    let modifiers = match code {
        KeyCode::Char(c) if c.is_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    state.handle(Input::Key(KeyEvent::new(code, modifiers)));
}

/// `/`, the query, Enter: the whole of what the reader waits for.
fn search(state: &mut AppState, query: &str) {
    press(state, KeyCode::Char('/'));
    for c in query.chars() {
        press(state, KeyCode::Char(c));
    }
    press(state, KeyCode::Enter);
}

/// One query over a loaded history (indexed as its pages arrived), from
/// Enter to the first match selected.
#[divan::bench(args = QUERIES, sample_count = 20)]
fn query_100k(bencher: Bencher, query: &str) {
    let mut state = loaded_state(100_000);
    bencher.bench_local(|| {
        state.update(Action::Newest);
        search(&mut state, query);
    });
}

/// Indexing 100 000 messages, as their pages arrive: the cost loading pays
/// so that no query does.
#[divan::bench(sample_count = 5)]
fn index_100k(bencher: Bencher) {
    bencher
        .with_inputs(|| (1..=100_000).map(message).collect::<Vec<_>>())
        .bench_local_values(|messages| {
            let mut index = SearchIndex::new();
            for message in &messages {
                index.insert(message);
            }
            index
        });
}

/// Redrawing with every message on screen a match, marks and all.
#[divan::bench(args = SIZES)]
fn draw_frame_with_matches(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    search(&mut state, "export");
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}

/// `n` to the next match and a redraw, as stepping through matches does.
#[divan::bench(args = SIZES)]
fn next_match_and_draw(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    search(&mut state, "export");
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        press(&mut state, KeyCode::Char('n'));
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}
