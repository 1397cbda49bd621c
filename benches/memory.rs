//! The memory a conversation of 100,000 messages holds, beside the JSON the
//! server sent for them (goal: at most twice the JSON). A counting allocator
//! tells the bytes live once the state has taken the history in; what the
//! benchmark itself keeps (the JSON it serves from) was allocated before the
//! count starts, and what the archive holds on disk is not memory.
//!
//! Three ways in, each measured on its own: paged from the network with the
//! archive on (what arrives is written to the archive, and the conversation
//! keeps no JSON), opened from the archive, and paged without the archive
//! (`--no-archive`: the JSON stays in memory, for `i` and the exports).
//! Run: `cargo bench --bench memory`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use szchat::action::Action;
use szchat::api::wire::parse_page;
use szchat::archive::dir::DataDir;
use szchat::archive::store::Holdings;
use szchat::archive::task::StoreEvent;
use szchat::fetch::FetchEvent;
use szchat::paging::PageSize;
use szchat::state::{AppState, ConversationSettings, Input};
use szchat::testing::serve_pages;
use szchat::timefmt::LocalZone;
use szchat_fake::synthetic_messages;

#[path = "common/synced.rs"]
mod synced;

const MESSAGES: usize = 100_000;
const VISITOR: u64 = 1;
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

/// The system allocator, counting the bytes live.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator unchanged; only a count
// is kept beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout, as GlobalAlloc::alloc requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's layout, as GlobalAlloc::alloc_zeroed requires.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's pointer and layout, as GlobalAlloc::realloc requires.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The server's messages, each as it sends it.
struct Server {
    messages: Vec<String>,
}

impl Server {
    fn new(n: usize) -> Self {
        let messages = synthetic_messages(n)
            .iter()
            .map(serde_json::Value::to_string)
            .collect();
        Server { messages }
    }

    fn json_bytes(&self) -> usize {
        self.messages.iter().map(String::len).sum()
    }

    /// The body of the page at `offset`, newest first.
    fn page(&self, offset: u64, limit: u32) -> String {
        let total = self.messages.len();
        let start = usize::try_from(offset).unwrap().min(total);
        let end = (start + limit as usize).min(total);
        let entries: Vec<&str> = self.messages[..total - start]
            .iter()
            .rev()
            .take(end - start)
            .map(String::as_str)
            .collect();
        format!(
            r#"{{"limit":{limit},"offset":{offset},"total":{total},"messages":[{}]}}"#,
            entries.join(",")
        )
    }
}

fn main() {
    let server = Server::new(MESSAGES);
    let json = server.json_bytes();
    let mb = |bytes: usize| bytes as f64 / 1_000_000.0;
    println!(
        "memory: a conversation of {MESSAGES} messages, {:.1} MB of JSON",
        mb(json)
    );
    let report = |what: &str, held: usize| {
        println!(
            "  {what:<44} {:>6.2}x  {:>6.1} MB  ({} bytes a message)",
            held as f64 / json as f64,
            mb(held),
            held / MESSAGES
        );
    };
    report("paged from the network, archive on", paged(&server, true));
    report("opened from the archive", opened(&server));
    report(
        "paged from the network, --no-archive",
        paged(&server, false),
    );
}

/// The settings of an opened conversation.
fn settings() -> ConversationSettings {
    ConversationSettings::new(PageSize::MAX, LocalZone::utc())
}

/// Bytes the state holds once `g` has paged the whole history in from
/// `server` (newest first, as SignalZen pages), with the archive or without;
/// a frame drawn. What it asks of the archive is answered as a fresh one
/// would (nothing held); its writes are taken as done.
fn paged(server: &Server, archive: bool) -> usize {
    let terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a terminal");
    let before = live();
    let mut state = AppState::from_settings(VISITOR, &settings(), WIDTH, HEIGHT);
    if archive {
        state.use_archive();
    }
    let mut effects = state.start();
    if archive {
        effects.extend(stored(&mut state, Vec::new(), Holdings::default()));
    }
    effects.extend(state.update(Action::Oldest));
    serve_pages(effects, |request| {
        let body = server.page(request.offset, request.limit.get());
        let page = parse_page(
            body.as_bytes(),
            request.offset,
            u64::from(request.limit.get()),
        )
        .expect("a page");
        // The writes are the store's: dropped here as once written.
        state.apply(FetchEvent::Page {
            request,
            result: Ok(page),
        })
    });
    held_after_a_frame(terminal, state, before, server)
}

/// Bytes live since `before`, `state` holding the whole history of
/// `server` and a frame drawn.
fn held_after_a_frame(
    mut terminal: Terminal<TestBackend>,
    state: AppState,
    before: usize,
    server: &Server,
) -> usize {
    assert_eq!(state.conversation().len(), server.messages.len());
    terminal
        .draw(|frame| szchat::ui::draw(frame, &state))
        .expect("a frame");
    let held = live() - before;
    drop(state);
    held
}

/// Bytes the state holds once it has opened a visitor the archive holds
/// completely; a frame drawn. The archive is closed before the count, so
/// what SQLite keeps is not counted.
fn opened(server: &Server) -> usize {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = DataDir::prepare(dir.path().join("szchat")).expect("a data directory");
    drop(synced::archive(&data, VISITOR, &server.messages));
    let terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("a terminal");
    let before = live();
    let (messages, holdings) = {
        let store = synced::open(&data);
        (
            store.messages_to_browse(VISITOR).expect("the messages"),
            store.holdings(VISITOR).expect("the holdings"),
        )
    };
    let mut state = AppState::from_settings(VISITOR, &settings(), WIDTH, HEIGHT);
    state.use_archive();
    state.start();
    stored(&mut state, messages, holdings);
    held_after_a_frame(terminal, state, before, server)
}

/// The store's answers to the state's first reads.
fn stored(
    state: &mut AppState,
    messages: Vec<szchat::model::Message>,
    holdings: Holdings,
) -> Vec<szchat::state::Effect> {
    let mut effects = state.handle(Input::Stored(StoreEvent::Messages {
        visitor: VISITOR,
        result: Ok(messages),
    }));
    effects.extend(state.handle(Input::Stored(StoreEvent::Holdings {
        visitor: VISITOR,
        result: Ok(holdings),
    })));
    effects
}
