//! Per-frame cost must not grow with the history: these benchmarks draw and
//! scroll conversations of 1 000, 10 000 and 100 000 messages and report time
//! and allocations per frame (`cargo bench`).

use chrono::{TimeZone, Utc};
use divan::{AllocProfiler, Bencher};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use szchat::action::Action;
use szchat::fetch::{FetchEvent, FetchRequest};
use szchat::model::{Message, Page, Sender};
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect};
use szchat::timefmt::LocalZone;
use szchat::ui;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
const SIZES: [u64; 3] = [1_000, 10_000, 100_000];

fn main() {
    divan::main();
}

fn message(id: u64) -> Message {
    let visitor = !id.is_multiple_of(3);
    Message {
        id,
        body: format!(
            "message {id}: the export still fails with error E{id} — 請再試一次 🙏 and a longer tail so that it wraps on narrow screens"
        ),
        created_at: Some(
            Utc.timestamp_opt(1_700_000_000 + id as i64 * 97, 0)
                .unwrap(),
        ),
        sender: if visitor {
            Sender::Visitor {
                name: Some("Dana Visitor".into()),
                email: None,
            }
        } else {
            Sender::Operator {
                forename: Some("Olga".into()),
                surname: Some("Operator".into()),
                email: None,
            }
        },
        file_url: id
            .is_multiple_of(50)
            .then(|| format!("https://files.example/{id}.pdf")),
        auto_invitation: false,
        read_by_user: Some(true),
        read_by_operator: Some(true),
        unreadable: None,
        sender_id: None,
        raw_json: "{}".into(),
    }
}

/// A state holding `n` messages, loaded page by page from a newest-first server.
fn loaded_state(n: u64) -> AppState {
    let mut state = AppState::new(1, PageSize::MAX, LocalZone::utc(), WIDTH, HEIGHT);
    let mut effects = state.start();
    effects.extend(state.update(Action::Oldest));
    while let Some(request) = effects.iter().find_map(|effect| match effect {
        Effect::Fetch(FetchRequest::Page(request)) => Some(*request),
        _ => None,
    }) {
        let start = request.offset.min(n);
        let end = (request.offset + u64::from(request.limit)).min(n);
        let page = Page {
            offset: request.offset,
            limit: u64::from(request.limit),
            total: n,
            messages: (start..end).map(|offset| message(n - offset)).collect(),
        };
        effects = state.apply(FetchEvent::Page {
            request,
            result: Ok(page),
        });
    }
    assert_eq!(state.conversation().len() as u64, n);
    state.update(Action::Newest);
    state
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
