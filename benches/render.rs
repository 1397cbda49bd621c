//! Per-frame cost must not grow with the history: these benchmarks draw and
//! scroll conversations of 1 000, 10 000 and 100 000 messages and report time
//! and allocations per frame (`cargo bench`).

use divan::{AllocProfiler, Bencher};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use szchat::action::Action;
use szchat::state::AppState;
use szchat::ui;

mod common;
use common::{HEIGHT, WIDTH, loaded_state};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

const SIZES: [u64; 3] = [1_000, 10_000, 100_000];

fn main() {
    divan::main();
}

/// Redrawing an unchanged screen (layout cached).
#[divan::bench(args = SIZES)]
fn draw_frame(bencher: Bencher, n: u64) {
    let state = loaded_state(n);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}

/// Moving the selection up and redrawing, as holding `k` does.
#[divan::bench(args = SIZES)]
fn select_previous_and_draw(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        state.update(Action::SelectPrevious);
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}

/// A resize to a new width: every visible message is laid out again.
#[divan::bench(args = SIZES)]
fn resize_and_draw(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let mut narrow = false;
    bencher.bench_local(|| {
        narrow = !narrow;
        let width = if narrow { 70 } else { WIDTH };
        state.resize(width, HEIGHT);
        terminal.backend_mut().resize(width, HEIGHT);
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}

/// Taking in a whole history page by page: time and memory (the allocation
/// profile's bytes) per history size, so per-message cost can be read off.
#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn load_history(n: u64) -> AppState {
    loaded_state(n)
}
