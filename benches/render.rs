//! Per-frame cost must not grow with the history: these benchmarks draw and
//! scroll conversations of 1 000, 10 000 and 100 000 messages and report time
//! and allocations per frame (`cargo bench`).

use divan::{AllocProfiler, Bencher};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use std::sync::Arc;

use szchat::action::Action;
use szchat::fetch::FetchEvent;
use szchat::images::Graphics;
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::state::{AppState, ConversationSettings};
use szchat::testing::MessageBuilder;
use szchat::timefmt::LocalZone;
use szchat::ui;

mod common;
use common::{HEIGHT, WIDTH, loaded_state, loaded_state_with};

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

/// Holding `k` with the profile panel open, the visitor having sent a 3 MB
/// name, a 1 MB e-mail, a 100 KB URL and 100 KB attributes: what arrives is
/// cut once, where it is read (`api::wire::parse_user`), so a frame costs
/// about what it costs for anyone (compare `select_previous_and_draw`).
#[divan::bench]
fn select_previous_and_draw_with_a_huge_visitor_profile(bencher: Bencher) {
    let huge = |n: usize| "Ä".repeat(n);
    let body = serde_json::json!({
        "id": 1,
        "name": huge(3_000_000),
        "email": huge(1_000_000),
        "last_url": format!("https://shop.example/{}", "p".repeat(100_000)),
        "user_attributes": [{"name": huge(100_000), "value": huge(100_000)}],
    })
    .to_string();
    let visitor = szchat::api::wire::parse_user(body.as_bytes()).unwrap();
    let settings = ConversationSettings {
        visitor_profile: true,
        ..ConversationSettings::new(PageSize::MAX, LocalZone::utc())
    };
    let mut state = loaded_state_with(&settings, 1_000);
    state.apply(FetchEvent::Visitor {
        id: 1,
        result: Ok(Box::new(visitor)),
    });
    state.update(Action::ToggleProfile);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        state.update(Action::SelectPrevious);
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}

/// The conversation both scroll benchmarks draw: 10,000 messages, a
/// picture on every 5th.
const SCROLLED: u64 = 10_000;
/// How far a scroll benchmark scrolls before it turns back: three screens,
/// so pictures come on screen, are cut by both edges and leave it.
const SWEEP: u64 = 3 * HEIGHT as u64;

/// Scrolling through the conversation a row a frame, as the wheel does,
/// with its pictures named only (`--images never`): the baseline for
/// [`scroll_and_draw_with_previews`], which scrolls the same messages the
/// same way.
#[divan::bench]
fn scroll_and_draw(bencher: Bencher) {
    scroll_bench(bencher, with_pictures(None));
}

/// The same with every picture's preview on screen in half blocks (cut at
/// the screen's edges as it scrolls): once drawn at its size a picture is
/// kept, so a frame should cost about what it costs without.
#[divan::bench]
fn scroll_and_draw_with_previews(bencher: Bencher) {
    scroll_bench(bencher, with_pictures(Some(Graphics::HalfBlocks)));
}

/// [`SCROLLED`] messages, every 5th with a picture, at the newest; with
/// `images`, every picture previewed already.
fn with_pictures(images: Option<Graphics>) -> AppState {
    let previews = images.is_some();
    let settings = ConversationSettings {
        images,
        ..ConversationSettings::new(PageSize::MAX, LocalZone::utc())
    };
    let has_picture = |id: u64| id.is_multiple_of(5);
    let history: Vec<Message> = (1..=SCROLLED)
        .map(|id| {
            let link = format!("https://files.example/{id}.png");
            let builder = MessageBuilder::like(common::message(id));
            builder.file_url(has_picture(id).then_some(link)).build()
        })
        .collect();
    let mut state = AppState::from_settings(1, &settings, WIDTH, HEIGHT);
    let mut effects = state.start();
    effects.extend(state.update(Action::Oldest));
    szchat::testing::serve_all(&mut state, effects, &history, true);
    state.update(Action::Newest);
    if previews {
        let picture = Arc::new(szchat::testing::preview(320, 180));
        for id in (1..=SCROLLED).filter(|id| has_picture(*id)) {
            state.apply(FetchEvent::Previewed {
                id,
                result: Ok(picture.clone()),
            });
        }
        let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
        let cells = terminal.backend().buffer().content();
        // The test picture is one colour: its half blocks are its background.
        let red = ratatui::style::Color::Rgb(200, 30, 30);
        assert!(
            cells.iter().filter(|cell| cell.bg == red).count() > 100,
            "the previews are on screen, in half blocks"
        );
    }
    state
}

/// A row up and a frame, [`SWEEP`] times, then as many down, and again;
/// one sweep first, so both benchmarks time the same steady scrolling.
fn scroll_bench(bencher: Bencher, mut state: AppState) {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let mut step = 0;
    let mut frame = move |state: &mut AppState| {
        let up = step % (2 * SWEEP) < SWEEP;
        step += 1;
        state.update(if up {
            Action::ScrollUp(1)
        } else {
            Action::ScrollDown(1)
        });
        terminal.draw(|frame| ui::draw(frame, state)).unwrap();
    };
    for _ in 0..2 * SWEEP {
        frame(&mut state);
    }
    bencher.bench_local(|| frame(&mut state));
}

/// Opening the `m` panel (one pass over every message for the figures and
/// sessions), drawing it, and closing it again: the panel must open within
/// a frame on a 100 000-message conversation.
#[divan::bench(args = SIZES)]
fn open_figures_panel_and_draw(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        state.update(Action::ToggleFigures);
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
        state.update(Action::ToggleFigures);
    });
}

/// Holding `k` with the `m` panel open: the figures are cached, so a frame
/// costs about what it costs without the panel (`select_previous_and_draw`).
#[divan::bench(args = SIZES)]
fn select_previous_and_draw_with_the_figures_panel(bencher: Bencher, n: u64) {
    let mut state = loaded_state(n);
    state.update(Action::ToggleFigures);
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    bencher.bench_local(|| {
        state.update(Action::SelectPrevious);
        terminal.draw(|frame| ui::draw(frame, &state)).unwrap();
    });
}
