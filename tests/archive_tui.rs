//! The conversation with the local archive: a visitor paged once is drawn
//! from the archive at the next open before any request, a check for new
//! messages costs at most two requests to the message list (also after
//! `g`) in either server order, and growth between two opens is found and
//! said. The state is driven here as the loop would drive it, with a real
//! store on a temporary directory and a history served from memory.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use szchat::action::Action;
use szchat::api::wire::parse_page;
use szchat::archive::store::{Store, SyncState, Write};
use szchat::archive::task::{StoreEvent, StoreRequest};
use szchat::clock::Now;
use szchat::fetch::{FetchEvent, FetchRequest};
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::state::{AppState, Effect, Input, Overlay};
use szchat::testing::{self, page_of, temporary_store};
use szchat::text::detail::Json;
use szchat::timefmt::LocalZone;

const VISITOR: u64 = 42;

/// `n` messages as the client reads them, ids 1..=n, one a minute.
fn history(n: u64) -> Vec<Message> {
    let objects: Vec<_> = (1..=n)
        .map(|id| {
            json!({
                "id": id, "body": format!("message number {id}"), "read_by_user": true,
                "created_at": format!("2026-01-05T{:02}:{:02}:00.000Z", id / 60 % 24, id % 60),
                "file_url": null, "auto_invitation": false, "sender_type": "user",
                "read_by_operator": false,
                "sender": {"id": 7, "name": "Ana", "email": "ana@example.com"},
            })
        })
        .collect();
    let body = json!({"limit": n, "offset": 0, "total": n, "messages": objects});
    parse_page(body.to_string().as_bytes(), 0, n)
        .unwrap()
        .messages
}

/// The archive, the server's history and what was asked of it.
struct World {
    store: Store,
    history: Vec<Message>,
    newest_first: bool,
    requests: usize,
    /// Requests answered before every further one fails.
    answers_left: Option<usize>,
    /// The time the loop gives with every input; unset, the state is
    /// driven by `handle` alone.
    at: Option<Now>,
    /// The sync states the conversation wrote, in order.
    synced: Vec<SyncState>,
    _dir: tempfile::TempDir,
}

impl World {
    fn new(newest_first: bool) -> Self {
        let (store, dir) = temporary_store();
        Self {
            store,
            history: history(120),
            newest_first,
            requests: 0,
            answers_left: None,
            at: None,
            synced: Vec::new(),
            _dir: dir,
        }
    }

    /// A fresh conversation reading this archive.
    fn open(&self) -> AppState {
        let mut state = AppState::new(VISITOR, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
        state.use_archive();
        state
    }

    /// Carries out `effects` and all they lead to, as the loop would:
    /// the store's answers and the server's pages go back to the state.
    fn serve(&mut self, state: &mut AppState, effects: Vec<Effect>) {
        self.serve_keeping_polls(state, effects);
    }

    /// [`World::serve`], giving back the looks for new messages asked for.
    fn serve_keeping_polls(
        &mut self,
        state: &mut AppState,
        effects: Vec<Effect>,
    ) -> Vec<szchat::fetch::PollRequest> {
        let mut polls = Vec::new();
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let more = match effect {
                Effect::Store(request) => match self.store_answer(request) {
                    Some(event) => self.give(state, Input::Stored(event)),
                    None => Vec::new(),
                },
                Effect::Fetch(FetchRequest::Page(request)) => {
                    self.requests += 1;
                    let result = match &mut self.answers_left {
                        Some(0) => Err(szchat::api::error::ApiError::Status { status: 503 }),
                        left => {
                            if let Some(left) = left {
                                *left -= 1;
                            }
                            Ok(page_of(
                                &self.history,
                                request.offset,
                                request.limit.get(),
                                self.newest_first,
                            ))
                        }
                    };
                    self.give(state, Input::Fetched(FetchEvent::Page { request, result }))
                }
                Effect::Fetch(FetchRequest::Poll(poll)) => {
                    polls.push(poll);
                    Vec::new()
                }
                _ => Vec::new(),
            };
            queue.extend(more);
        }
        polls
    }

    /// Gives `input` to `state`, with the loop's time if [`World::at`] is set.
    fn give(&self, state: &mut AppState, input: Input) -> Vec<Effect> {
        match self.at {
            Some(now) => state.handle_at(input, now),
            None => state.handle(input),
        }
    }

    fn store_answer(&mut self, request: StoreRequest) -> Option<StoreEvent> {
        match request {
            StoreRequest::Write(write) => {
                if let Write::SyncState { state, .. } | Write::ReplaceMessages { state, .. } =
                    &write
                {
                    self.synced.push(*state);
                }
                self.store.apply(&[write]).unwrap();
                None
            }
            StoreRequest::Messages { visitor } => Some(StoreEvent::Messages {
                visitor,
                result: self.store.messages_to_browse(visitor),
            }),
            StoreRequest::Json { visitor, id } => Some(StoreEvent::Json {
                visitor,
                id,
                result: self.store.json(visitor, id).map(|json| json.map(Arc::from)),
            }),
            StoreRequest::Holdings { visitor } => Some(StoreEvent::Holdings {
                visitor,
                result: self.store.holdings(visitor),
            }),
            other => panic!("not asked by the conversation: {other:?}"),
        }
    }

    /// Opens the visitor, goes to the oldest message (`g`) and returns the
    /// state, the status bar's notice before `g` (which the key clears) and
    /// the requests that cost.
    fn open_and_read_all(&mut self) -> (AppState, String, usize) {
        let before = self.requests;
        let mut state = self.open();
        let effects = state.start();
        self.serve(&mut state, effects);
        let said = status(&state);
        let effects = state.update(Action::Oldest);
        self.serve(&mut state, effects);
        (state, said, self.requests - before)
    }
}

/// The conversation pages from the network: a page request is among `effects`.
fn assert_asks_for_a_page(effects: &[Effect]) {
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Fetch(FetchRequest::Page(_)))),
        "{effects:?}"
    );
}

fn status(state: &AppState) -> String {
    state.status().map(|s| s.text.clone()).unwrap_or_default()
}

fn reopen_costs_at_most_two_requests(newest_first: bool) {
    let mut world = World::new(newest_first);
    let (first, _, paid) = world.open_and_read_all();
    assert_eq!(first.conversation().len(), 120);
    assert!(paid > 2, "the first open pages the history: {paid}");

    // Drawn from the archive before any request.
    let mut state = world.open();
    let effects = state.start();
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Fetch(FetchRequest::Page(_)))),
        "{effects:?}"
    );
    let (messages, rest): (Vec<_>, Vec<_>) = effects
        .into_iter()
        .partition(|e| matches!(e, Effect::Store(StoreRequest::Messages { .. })));
    world.serve(&mut state, messages);
    assert_eq!(state.conversation().len(), 120);
    assert_eq!(world.requests, paid);

    world.serve(&mut state, rest);
    assert_eq!(status(&state), "up to date");
    let effects = state.update(Action::Oldest);
    world.serve(&mut state, effects);
    assert!(
        world.requests - paid <= 2,
        "reopen cost {} requests",
        world.requests - paid
    );
    assert_eq!(state.conversation().len(), 120);
}

#[test]
fn reopen_costs_at_most_two_requests_oldest_first() {
    reopen_costs_at_most_two_requests(false);
}

#[test]
fn reopen_costs_at_most_two_requests_newest_first() {
    reopen_costs_at_most_two_requests(true);
}

fn growth_between_two_opens_is_said(newest_first: bool) {
    let mut world = World::new(newest_first);
    world.open_and_read_all();
    world.history = history(123);
    let (state, said, paid) = world.open_and_read_all();
    assert_eq!(state.conversation().len(), 123);
    assert_eq!(said, "3 new");
    assert!(paid <= 3, "growth of 3 cost {paid} requests");

    // What the check brought is archived: the next open is up to date.
    let (state, said, paid) = world.open_and_read_all();
    assert_eq!(state.conversation().len(), 123);
    assert_eq!(said, "up to date");
    assert!(paid <= 2, "{paid}");
}

#[test]
fn growth_between_two_opens_is_said_oldest_first() {
    growth_between_two_opens_is_said(false);
}

#[test]
fn growth_between_two_opens_is_said_newest_first() {
    growth_between_two_opens_is_said(true);
}

/// What the detail overlay on top has of its message's JSON.
fn detail_json(state: &AppState) -> Option<String> {
    let Some(Overlay::Detail(detail)) = state.overlays().top() else {
        panic!("no detail shown");
    };
    let message = state.conversation().get(detail.id()).unwrap();
    match detail.json(message) {
        Json::Text(json) => Some(json.to_owned()),
        Json::Reading => None,
        Json::Unavailable(reason) => panic!("unavailable: {reason}"),
    }
}

fn screen(state: &AppState) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| szchat::ui::draw(frame, state))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_conversation_keeps_no_json_and_i_reads_it_exactly_from_the_archive() {
    let mut world = World::new(true);
    let (paged, _, _) = world.open_and_read_all();
    assert!(
        paged.conversation().iter().all(|m| m.raw_json.is_none()),
        "what the network brought is archived, its JSON let go"
    );

    let mut state = world.open();
    let effects = state.start();
    world.serve(&mut state, effects);
    assert_eq!(state.conversation().len(), 120);
    assert!(state.conversation().iter().all(|m| m.raw_json.is_none()));
    state.update(Action::SelectPrevious);
    let id = state.selected().unwrap();
    let effects = state.update(Action::ShowDetail);
    assert!(
        effects.contains(&Effect::Store(StoreRequest::Json {
            visitor: VISITOR,
            id
        })),
        "{effects:?}"
    );
    assert_eq!(detail_json(&state), None);
    assert!(screen(&state).contains("reading…"));

    world.serve(&mut state, effects);
    let sent = world.history[usize::try_from(id - 1).unwrap()]
        .raw_json
        .clone();
    assert_eq!(
        detail_json(&state).as_deref(),
        sent.as_deref(),
        "as received"
    );
    assert!(!screen(&state).contains("reading…"));
    assert_eq!(
        state.update(Action::CopyText),
        vec![Effect::Copy(szchat::text::detail::json_text(
            sent.as_deref().unwrap()
        ))]
    );
}

#[test]
fn the_detail_says_why_when_the_archive_cannot_give_the_json() {
    let mut world = World::new(false);
    world.open_and_read_all();
    let mut state = world.open();
    let effects = state.start();
    world.serve(&mut state, effects);
    let effects = state.update(Action::ShowDetail);
    assert!(!effects.is_empty());
    state.handle(Input::Stored(StoreEvent::Json {
        visitor: VISITOR,
        id: state.selected().unwrap(),
        result: Ok(None),
    }));
    assert!(
        screen(&state).contains("cannot be shown: the archive no longer holds this message"),
        "{}",
        screen(&state)
    );
    // The store gone while reading: said, not "reading…" for ever.
    state.update(Action::ShowDetail);
    state.update(Action::ShowDetail);
    state.handle(Input::Failed(szchat::state::Failure::NoStore));
    assert!(
        screen(&state).contains("stopped answering"),
        "{}",
        screen(&state)
    );
}

#[test]
fn a_conversation_without_the_archive_asks_the_store_nothing() {
    let mut state = AppState::new(VISITOR, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
    let effects = state.start();
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Store(_))),
        "{effects:?}"
    );
}

#[test]
fn an_archive_that_cannot_be_read_is_said_and_browsing_goes_on_from_the_network() {
    let mut state = AppState::new(VISITOR, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
    state.use_archive();
    state.start();
    let error = szchat::archive::ArchiveError::Stopped;
    state.handle(Input::Stored(StoreEvent::OpenFailed(error.clone())));
    assert!(
        status(&state).starts_with("the archive cannot be opened: "),
        "{}",
        status(&state)
    );
    state.handle(Input::Stored(StoreEvent::Messages {
        visitor: VISITOR,
        result: Err(error.clone()),
    }));
    let effects = state.handle(Input::Stored(StoreEvent::Holdings {
        visitor: VISITOR,
        result: Err(error),
    }));
    assert_asks_for_a_page(&effects);
}

#[test]
fn without_a_store_the_conversation_pages_from_the_network() {
    let mut state = AppState::new(VISITOR, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
    state.use_archive();
    state.start();
    let effects = state.handle(Input::Failed(szchat::state::Failure::NoStore));
    assert_asks_for_a_page(&effects);
}

#[test]
fn offline_the_archive_is_all_there_is_and_nothing_is_fetched() {
    let mut world = World::new(false);
    world.open_and_read_all();
    let paid = world.requests;

    let mut state = AppState::new(VISITOR, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
    state.go_offline();
    let effects = state.start();
    world.serve(&mut state, effects);
    assert_eq!(state.conversation().len(), 120);
    let note = state.offline_note().unwrap_or_default().to_owned();
    assert!(note.starts_with("offline · archived "), "{note}");
    // g, G, r, o and y go through the state as the loop gives keys.
    for key in ['g', 'G', 'r', 'o', 'y', '/'] {
        let key = crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char(key));
        let effects = state.handle_at(Input::Key(key), testing::now(Instant::now()));
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Fetch(_))),
            "{effects:?}"
        );
        world.serve(&mut state, effects);
    }
    assert_eq!(world.requests, paid, "offline makes no request");
}

#[test]
fn offline_a_visitor_never_archived_is_one_line_and_exit_1() {
    let home = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_szchat"))
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("SIGNALZEN_API_SECRET", "sz-live-0123456789")
        .env("SIGNALZEN_BASE_URL", "http://127.0.0.1:9")
        .args(["--offline", "4821"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "szchat: visitor 4821 is not in the archive (szchat sync 4821 fetches it)\n"
    );
}

#[test]
fn the_archive_dates_each_sync_by_the_time_of_the_input_that_completed_it() {
    let mut world = World::new(false);
    let first = testing::now(Instant::now());
    world.at = Some(first);
    world.open_and_read_all();
    let dates = |world: &World| -> Vec<_> { world.synced.iter().map(|s| s.synced_at).collect() };
    assert_eq!(
        dates(&world),
        [first.wall],
        "the walk that reached the beginning"
    );

    // Two hours later the check finds three new messages.
    world.history = history(123);
    let later = Now {
        instant: first.instant + Duration::from_secs(7200),
        wall: first.wall + chrono::TimeDelta::hours(2),
    };
    world.at = Some(later);
    let (_, said, _) = world.open_and_read_all();
    assert_eq!(said, "3 new");
    assert_eq!(dates(&world), [first.wall, later.wall], "the check");

    // Offline, the reader is told when that was.
    let mut state = world.open();
    state.go_offline();
    let effects = state.start();
    world.serve(&mut state, effects);
    assert_eq!(
        state.offline_note(),
        Some("offline · archived Mon 5 Jan 11:00")
    );
}

#[test]
fn a_count_that_shrank_since_the_archive_is_said_in_words() {
    let mut world = World::new(true);
    world.open_and_read_all();
    world.history = history(80);
    let (_, said, _) = world.open_and_read_all();
    assert_eq!(
        said,
        "the server now counts 40 fewer messages than the archive — R reads this visitor again"
    );
}

/// The server's history after message 110 was deleted and message 121
/// written: the count of 120 holds, but the last 11 places hold other
/// messages than before.
fn rewritten() -> Vec<Message> {
    history(121)
        .into_iter()
        .filter(|message| message.id != 110)
        .collect()
}

fn a_history_rewritten_on_the_server_is_said_in_places(newest_first: bool) {
    let mut world = World::new(newest_first);
    world.open_and_read_all();
    world.history = rewritten();
    let (_, said, paid) = world.open_and_read_all();
    assert_eq!(
        said,
        "the archive differs from the server at 11 places — R reads this visitor again"
    );
    assert!(paid <= 2, "{paid}");
}

#[test]
fn a_history_rewritten_on_the_server_is_said_in_places_oldest_first() {
    a_history_rewritten_on_the_server_is_said_in_places(false);
}

#[test]
fn a_history_rewritten_on_the_server_is_said_in_places_newest_first() {
    a_history_rewritten_on_the_server_is_said_in_places(true);
}

/// The archived ids of the visitor, oldest first.
fn archived_ids(world: &World) -> Vec<u64> {
    world
        .store
        .messages(VISITOR)
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect()
}

fn r_reads_the_visitor_again_and_replaces_the_archive(newest_first: bool) {
    let mut world = World::new(newest_first);
    world.open_and_read_all();
    world.history = rewritten();
    let (mut state, said, _) = world.open_and_read_all();
    assert!(said.starts_with("the archive differs"), "{said}");
    // What the check brought sits beside the archived messages it displaced.
    assert_eq!(archived_ids(&world).len(), 121);

    let before = world.requests;
    let effects = state.update(Action::Reread);
    assert_eq!(status(&state), "reading this visitor again…");
    world.serve(&mut state, effects);
    assert!(world.requests - before >= 2, "paged again from the network");
    assert_eq!(
        status(&state),
        "read again: the archive now holds the server's 120 messages"
    );
    let server: Vec<u64> = world.history.iter().map(|m| m.id).collect();
    assert_eq!(state.conversation().len(), 120);
    assert_eq!(archived_ids(&world), server);

    // The next open finds the archive complete and in step.
    let (state, said, paid) = world.open_and_read_all();
    assert_eq!(said, "up to date");
    assert!(paid <= 2, "{paid}");
    assert_eq!(state.conversation().len(), 120);
}

#[test]
fn r_reads_the_visitor_again_and_replaces_the_archive_oldest_first() {
    r_reads_the_visitor_again_and_replaces_the_archive(false);
}

#[test]
fn r_reads_the_visitor_again_and_replaces_the_archive_newest_first() {
    r_reads_the_visitor_again_and_replaces_the_archive(true);
}

#[test]
fn a_reading_again_that_fails_half_way_leaves_the_archive_as_it_was() {
    let mut world = World::new(false);
    let (mut state, _, _) = world.open_and_read_all();
    let archived = archived_ids(&world);
    assert_eq!(archived.len(), 120);
    world.history = history(130);
    world.answers_left = Some(1);
    let effects = state.update(Action::Reread);
    world.serve(&mut state, effects);
    assert!(
        status(&state).contains("loading failed"),
        "{}",
        status(&state)
    );
    assert!(state.conversation().len() < 130);
    assert_eq!(archived_ids(&world), archived, "nothing archived is lost");

    // r carries the reading on; once complete it replaces the archive.
    world.answers_left = None;
    let effects = state.update(Action::Retry);
    world.serve(&mut state, effects);
    assert_eq!(archived_ids(&world), (1..=130).collect::<Vec<u64>>());
}

#[test]
fn messages_that_arrive_while_following_are_archived() {
    let mut world = World::new(false);
    let settings = szchat::state::ConversationSettings {
        follow: true,
        ..szchat::state::ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(VISITOR, &settings, 80, 24);
    state.use_archive();
    let effects = state.start();
    world.serve(&mut state, effects);
    // The loop's tick: the first look goes out once the newest are shown.
    let effects = state.handle_at(Input::Tick, testing::now(Instant::now()));
    let polls = world.serve_keeping_polls(&mut state, effects);
    let poll = *polls.first().expect("a look for new messages");
    // Three new messages, as a live chat adds them.
    world.history = history(123);
    let page = page_of(
        &world.history,
        poll.page.offset,
        poll.page.limit.get(),
        false,
    );
    let effects = state.apply(FetchEvent::Polled {
        request: poll,
        result: Ok(page),
        checked_at: chrono::Utc::now(),
    });
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Store(StoreRequest::Write(Write::Messages { .. }))
        )),
        "the arrivals go to the archive"
    );
    world.serve(&mut state, effects);
    assert_eq!(state.selected(), Some(123));
    let archived = archived_ids(&world);
    for id in 121..=123 {
        assert!(archived.contains(&id), "#{id} is archived: {archived:?}");
    }
}
