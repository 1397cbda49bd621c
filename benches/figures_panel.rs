//! `m` on a long conversation: the figures panel must open in one frame.
//! Each iteration opens the panel, draws the frame that shows it (the
//! figures and sessions of every loaded message are computed there, once
//! per version of the conversation) and closes it again, which drops the
//! computed figures, so every iteration pays the whole pass. Beside it, the
//! same frame drawn with the panel already open, for the per-frame cost.
//! Run: `cargo bench --bench figures_panel`.

use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use szchat::action::Action;
use szchat::ui;

mod common;
use common::{HEIGHT, WIDTH, loaded_state};

const SIZES: [u64; 2] = [10_000, 100_000];

fn main() {
    divan::main();
}

/// `m`, the frame that shows the panel, `m` again.
#[divan::bench(args = SIZES)]
fn open_the_panel_and_draw(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        state.update(Action::ToggleFigures);
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
        state.update(Action::ToggleFigures);
    });
}

/// A frame with the panel open and its figures computed already.
#[divan::bench(args = SIZES)]
fn draw_with_the_panel_open(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    state.update(Action::ToggleFigures);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}
