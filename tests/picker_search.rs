//! The visitor list's message search (`Tab`, "Search all messages:"): hits
//! listed as the query is typed, answers to queries typed past dropped, a
//! bad query said in one line, Esc, and `Enter` opening the conversation at
//! the hit, however far back, with the match highlighted there as `/` would.
//! Driven as the loop drives it, with a real archive on a temporary
//! directory answering the store requests.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use serde_json::json;

use szchat::action::Action;
use szchat::api::wire::parse_page;
use szchat::archive::ArchiveError;
use szchat::archive::search::{Coverage, Hit};
use szchat::archive::store::{Store, SyncState, Write};
use szchat::archive::task::{StoreEvent, StoreRequest};
use szchat::model::Message;
use szchat::paging::{PageSize, ServerOrder};
use szchat::picker::{Hits, PickerAction, PickerEffect, PickerState, Prompt};
use szchat::search_query;
use szchat::state::{AppState, Effect, Input};
use szchat::testing::{placed, temporary_store};
use szchat::timefmt::LocalZone;
use szchat::ui::color::Colors;
use szchat::visitor::Visitor;

const HANA: u64 = 4821;
const KENJI: u64 = 5215;
/// Listed, never synced: the archive lacks them.
const NEVER_SYNCED: u64 = 99;
/// Hana's message far back in her history.
const FAR_BACK: u64 = 12;
const HANA_MESSAGES: u64 = 300;

/// A message as the server sends it, read by the real wire parser (the
/// archive keeps its JSON, and the search reads the time from there).
fn archived(id: u64, minutes: u64, visitor: bool, body: &str) -> Message {
    let at = format!(
        "2026-11-{:02}T{:02}:{:02}:00.000Z",
        1 + minutes / 1440,
        minutes / 60 % 24,
        minutes % 60
    );
    let (sender_type, sender) = if visitor {
        (
            "user",
            json!({"id": 7, "name": "Ana", "email": "ana@example.com"}),
        )
    } else {
        (
            "operator",
            json!({"id": 1, "forename": "Oli", "surname": "Ops"}),
        )
    };
    let object = json!({
        "id": id, "body": body, "read_by_user": true, "created_at": at,
        "file_url": null, "auto_invitation": false, "sender_type": sender_type,
        "read_by_operator": true, "sender": sender,
    });
    let page = json!({"limit": 1, "offset": 0, "total": 1, "messages": [object]});
    parse_page(page.to_string().as_bytes(), 0, 1)
        .unwrap()
        .messages
        .remove(0)
}

fn synced(total: u64, newest: u64) -> SyncState {
    SyncState {
        total,
        order: ServerOrder::OldestFirst,
        newest_id: Some(newest),
        synced_at: chrono::Utc::now(),
    }
}

fn named(id: u64, name: &str) -> Visitor {
    let mut visitor = Visitor::unnamed(id);
    visitor.name = Some(name.to_owned());
    visitor
}

/// Hana's history: 300 messages, invoice 4411 far back (12), again at 200
/// and 290; Kenji's: two, the newest of all about the invoice too.
fn hana_history() -> Vec<Message> {
    (1..=HANA_MESSAGES)
        .map(|id| {
            let body = match id {
                FAR_BACK => "Where is my invoice 4411? The Café order".to_owned(),
                200 => "invoice 4411 was sent again".to_owned(),
                290 => "INVOICE 4411 paid, thanks".to_owned(),
                _ => format!("message number {id}"),
            };
            archived(id, id * 10, id % 2 == 1, &body)
        })
        .collect()
}

/// The store's answer to a search.
type Searched = Result<(Vec<Hit>, Coverage), ArchiveError>;

struct Archive {
    store: Store,
    _dir: tempfile::TempDir,
}

impl Archive {
    fn planted() -> Self {
        let (mut store, dir) = temporary_store();
        let kenji = vec![
            archived(9001, 10, true, "hello"),
            archived(9002, 5000, false, "Your invoice 4411 is attached\u{1b}[2J"),
        ];
        store
            .apply(&[
                Write::Visitors(vec![
                    named(HANA, "Hana Whitfield"),
                    named(KENJI, "佐藤 健二"),
                    named(NEVER_SYNCED, "Nobody Yet"),
                ]),
                Write::Messages {
                    visitor: HANA,
                    messages: placed(hana_history()),
                },
                Write::SyncState {
                    visitor: HANA,
                    state: synced(HANA_MESSAGES, HANA_MESSAGES),
                },
                Write::Messages {
                    visitor: KENJI,
                    messages: placed(kenji),
                },
                Write::SyncState {
                    visitor: KENJI,
                    state: synced(2, 9002),
                },
            ])
            .unwrap();
        Archive { store, _dir: dir }
    }

    /// The store's answer to every search among `effects`, in order, given
    /// to the picker; what the picker asks then is answered too.
    fn answer(&self, picker: &mut PickerState, effects: Vec<PickerEffect>) {
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = Vec::new();
            for effect in queue {
                if let Some((seq, result)) = self.search(effect) {
                    next.extend(picker.searched(seq, result));
                }
            }
            queue = next;
        }
    }

    fn search(&self, effect: PickerEffect) -> Option<(u64, Searched)> {
        let PickerEffect::Store(StoreRequest::Search {
            condition,
            limit,
            seq,
        }) = effect
        else {
            return None;
        };
        let result = self
            .store
            .search(&condition, limit)
            .and_then(|hits| Ok((hits, self.store.coverage()?)));
        Some((seq, result))
    }

    /// A conversation reading this archive, served until it asks no more
    /// of it (the check for new messages goes to the network: not here).
    fn serve(&self, state: &mut AppState, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            let event = match effect {
                Effect::Store(StoreRequest::Messages { visitor }) => StoreEvent::Messages {
                    visitor,
                    result: self.store.messages_to_browse(visitor),
                },
                Effect::Store(StoreRequest::Holdings { visitor }) => StoreEvent::Holdings {
                    visitor,
                    result: self.store.holdings(visitor),
                },
                _ => continue,
            };
            queue.extend(state.handle(Input::Stored(event)));
        }
    }
}

/// A picker with the archive on, its list empty (the search reads the archive).
fn picker() -> PickerState {
    let mut picker = PickerState::new(PageSize::DEFAULT);
    picker.enable_message_search(LocalZone::utc());
    picker
}

/// A picker whose message search shows the archive's answer to `query`.
fn searched_for(archive: &Archive, query: &str) -> PickerState {
    let mut picker = picker();
    let tab = picker.update(PickerAction::SwitchPrompt);
    archive.answer(&mut picker, tab);
    let effects = type_text(&mut picker, query);
    archive.answer(&mut picker, effects);
    picker
}

fn type_text(picker: &mut PickerState, text: &str) -> Vec<PickerEffect> {
    text.chars()
        .flat_map(|c| picker.update(PickerAction::Type(c)))
        .collect()
}

fn searches(effects: &[PickerEffect]) -> Vec<u64> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            PickerEffect::Store(StoreRequest::Search { seq, .. }) => Some(*seq),
            _ => None,
        })
        .collect()
}

/// The hits shown: visitor, sender and the snippet with its match in [ ].
fn rows(picker: &PickerState) -> Vec<String> {
    match picker.hits() {
        Hits::Found(found) => found
            .iter()
            .map(|hit| {
                format!(
                    "{} · {} · {}",
                    hit.visitor.text,
                    hit.sender,
                    hit.snippet.marked_with("[", "]")
                )
            })
            .collect(),
        other => panic!("no hits: {other:?}"),
    }
}

#[test]
fn tab_switches_the_prompt_and_hits_are_listed_as_the_query_is_typed() {
    let archive = Archive::planted();
    let mut picker = picker();
    type_text(&mut picker, "hana");
    assert_eq!(picker.prompt(), Prompt::Visitors);

    let effects = picker.update(PickerAction::SwitchPrompt);
    assert_eq!(picker.prompt(), Prompt::Messages);
    assert_eq!(searches(&effects).len(), 1, "coverage is asked at once");
    archive.answer(&mut picker, effects);
    assert_eq!(picker.hits(), &Hits::Idle);
    assert_eq!(picker.visitors_not_archived(), Some(1));

    let effects = type_text(&mut picker, "Invoice 4411");
    archive.answer(&mut picker, effects);
    assert_eq!(
        rows(&picker),
        [
            "佐藤 健二 · operator · Your [invoice] [4411] is attached␛[2J",
            "Hana Whitfield · operator · [INVOICE] [4411] paid, thanks",
            "Hana Whitfield · operator · [invoice] [4411] was sent again",
            "Hana Whitfield · operator · Where is my [invoice] [4411]? The Café order",
        ],
        "newest first, case folded, every word marked, the visitor's text sanitized"
    );
    picker.update(PickerAction::Next);
    picker.update(PickerAction::Next);
    assert_eq!(picker.selected_hit(), Some(2));

    // Tab and back: both prompts keep what was typed and shown.
    picker.update(PickerAction::SwitchPrompt);
    assert_eq!(picker.prompt(), Prompt::Visitors);
    assert_eq!(picker.query(), "hana");
    picker.update(PickerAction::SwitchPrompt);
    assert_eq!(picker.message_query(), "Invoice 4411");
    assert_eq!(picker.selected_hit(), Some(2));
}

#[test]
fn answers_to_queries_typed_past_are_dropped() {
    let archive = Archive::planted();
    let mut picker = picker();
    let tab = picker.update(PickerAction::SwitchPrompt);
    archive.answer(&mut picker, tab);
    let first = picker.update(PickerAction::Type('c'));
    assert_eq!(searches(&first).len(), 1);
    // Typed while "c" is in flight: nothing is sent until it answers.
    let meanwhile = type_text(&mut picker, "afe");
    assert!(searches(&meanwhile).is_empty(), "{meanwhile:?}");

    let (seq, result) = archive.search(first.into_iter().next().unwrap()).unwrap();
    let next = picker.searched(seq, result);
    assert_eq!(
        picker.hits(),
        &Hits::Searching,
        "the answer to \"c\" is dropped"
    );
    let next_seq = searches(&next);
    assert_eq!(next_seq.len(), 1, "the latest query goes next: {next:?}");
    assert!(next_seq[0] > seq);

    archive.answer(&mut picker, next);
    assert_eq!(
        rows(&picker),
        ["Hana Whitfield · operator · Where is my invoice 4411? The [Café] order"],
        "cafe finds Café"
    );
}

#[test]
fn a_bad_query_shows_the_clis_reason_in_place_of_hits() {
    let archive = Archive::planted();
    let mut picker = picker();
    picker.update(PickerAction::SwitchPrompt);
    for bad in [r#"refund "late fee"#, "colour:red", "x after:2026-13-01"] {
        picker.update(PickerAction::ClearFilter);
        let effects = type_text(&mut picker, bad);
        archive.answer(&mut picker, effects);
        let reason = search_query::parse(bad).unwrap_err().to_string();
        assert_eq!(picker.hits(), &Hits::Refused(reason), "{bad}");
    }
    let refused = screen(&picker, 100, 6);
    let said = format!("{refused:?}");
    assert!(
        said.contains("search: after: takes a date as YYYY-MM-DD"),
        "{said}"
    );
    assert!(!said.to_lowercase().contains("sql"), "{said}");
}

#[test]
fn without_the_archive_tab_says_message_search_needs_it() {
    let mut picker = PickerState::new(PageSize::DEFAULT);
    let effects = picker.update(PickerAction::SwitchPrompt);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(picker.prompt(), Prompt::Visitors);
    let notice = picker.notice().unwrap();
    assert!(
        notice.starts_with("message search needs the archive"),
        "{notice}"
    );
    assert_eq!(notice.lines().count(), 1);
}

#[test]
fn esc_clears_the_query_then_leaves_the_message_search() {
    let archive = Archive::planted();
    let mut picker = picker();
    type_text(&mut picker, "ha");
    picker.update(PickerAction::SwitchPrompt);
    let effects = type_text(&mut picker, "invoice");
    archive.answer(&mut picker, effects);
    let effects = picker.update(PickerAction::Escape);
    archive.answer(&mut picker, effects);
    assert_eq!(picker.message_query(), "");
    assert_eq!(picker.hits(), &Hits::Idle);
    assert_eq!(picker.prompt(), Prompt::Messages);
    assert!(picker.update(PickerAction::Escape).is_empty());
    assert_eq!(picker.prompt(), Prompt::Visitors);
    assert_eq!(picker.query(), "ha", "the filter is as it was");
}

#[test]
fn enter_opens_the_hits_visitor_at_its_message() {
    let archive = Archive::planted();
    let mut picker = searched_for(&archive, "cafe");
    let opened = picker.update(PickerAction::Open);
    assert_eq!(opened, [PickerEffect::OpenVisitor(HANA)]);
    let landing = picker.take_landing().unwrap();
    assert_eq!(
        (landing.visitor, landing.message),
        (HANA, FAR_BACK),
        "{landing:?}"
    );
    assert_eq!(
        landing.query, "cafe",
        "the query, for the conversation to highlight"
    );
    // The hits wait for the way back as they were.
    assert_eq!(rows(&picker).len(), 1);
    assert_eq!(picker.prompt(), Prompt::Messages);
}

#[test]
fn an_answer_that_went_to_the_conversation_opened_is_asked_again_on_the_way_back() {
    let archive = Archive::planted();
    let mut picker = searched_for(&archive, "invoice");
    // Typed, then a conversation opens before the answer: it lands there.
    let lost = type_text(&mut picker, " 4411");
    assert_eq!(searches(&lost).len(), 1, "one in flight, the rest owed");
    picker.hide();
    let again = picker.show();
    assert_eq!(searches(&again).len(), 1, "asked again: {again:?}");
    archive.answer(&mut picker, again);
    assert_eq!(picker.message_query(), "invoice 4411");
    assert_eq!(rows(&picker).len(), 4, "the hits of the query as typed");
}

#[test]
fn the_conversation_lands_on_a_message_far_back_with_the_match_highlighted() {
    let archive = Archive::planted();
    let mut state = AppState::new(HANA, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
    state.use_archive();
    state.land_on(FAR_BACK, "4411 invoice -nothing");
    let effects = state.start();
    archive.serve(&mut state, effects);

    assert_eq!(state.conversation().len(), HANA_MESSAGES as usize);
    assert_eq!(state.selected(), Some(FAR_BACK));
    assert!(
        state.visible_messages().contains(&(FAR_BACK, true)),
        "shown whole, its header line too: {:?}",
        state.visible_messages()
    );
    assert!(state.is_search_match(FAR_BACK));
    assert_eq!(state.search_status().as_deref(), Some("match 3/3"));

    // Every word of the query is highlighted there, folded as the search folds.
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| szchat::ui::draw(frame, &state))
        .unwrap();
    let drawn = underlined(terminal.backend());
    assert!(
        drawn.iter().any(|line| line.ends_with("invoice 4411")),
        "{drawn:?}"
    );

    // `N` goes on through this conversation, to the newer matches.
    let _ = state.update(Action::NewerMatch);
    assert_eq!(state.selected(), Some(200));
    let _ = state.update(Action::NewerMatch);
    assert_eq!(state.selected(), Some(290));
    let _ = state.update(Action::OlderMatch);
    assert_eq!(state.selected(), Some(200));
}

/// The query's filters hold in the conversation too: `n` and `N` go only
/// to messages the search across visitors would list, here none from
/// before 2 November.
#[test]
fn n_and_capital_n_keep_to_what_the_query_s_filters_let_through() {
    let archive = Archive::planted();
    let mut state = AppState::new(HANA, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
    state.use_archive();
    state.land_on(200, "invoice 4411 after:2026-11-02");
    let effects = state.start();
    archive.serve(&mut state, effects);

    assert_eq!(state.selected(), Some(200));
    assert_eq!(state.search_status().as_deref(), Some("match 2/2"));
    assert!(!state.is_search_match(FAR_BACK), "1 November: not a match");
    let _ = state.update(Action::OlderMatch);
    assert_eq!(state.selected(), Some(200), "no older match than this one");
    let _ = state.update(Action::NewerMatch);
    assert_eq!(state.selected(), Some(290));
}

/// The underlined cells (the match style, colours or not) row by row:
/// each row's runs joined by a space.
fn underlined(backend: &TestBackend) -> Vec<String> {
    let buffer = backend.buffer();
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            let mut runs: Vec<String> = Vec::new();
            let mut in_run = false;
            for x in area.left()..area.right() {
                let cell = &buffer[(x, y)];
                let marked = cell.modifier.contains(Modifier::UNDERLINED);
                match (marked, in_run) {
                    (true, true) => runs.last_mut().unwrap().push_str(cell.symbol()),
                    (true, false) => runs.push(cell.symbol().to_owned()),
                    _ => {}
                }
                in_run = marked;
            }
            runs.join(" ")
        })
        .filter(|line| !line.is_empty())
        .collect()
}

fn screen(picker: &PickerState, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-27T09:00:00Z")
        .unwrap()
        .to_utc();
    terminal
        .draw(|frame| szchat::ui::picker::draw(frame, picker, now, Colors::Off))
        .unwrap();
    terminal.backend().clone()
}

#[test]
fn the_hits_screen() {
    let archive = Archive::planted();
    let mut picker = searched_for(&archive, "invoice 4411");
    picker.update(PickerAction::Next);
    let drawn = screen(&picker, 110, 9);
    insta::assert_snapshot!(drawn);
    assert_eq!(
        underlined(&drawn),
        [
            "invoice 4411",
            "INVOICE 4411",
            "invoice 4411",
            "invoice 4411"
        ],
        "both words marked in each hit"
    );
}

#[test]
fn keys_reach_the_message_search_through_the_key_map() {
    let tab = KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(
        PickerAction::from_key(tab),
        Some(PickerAction::SwitchPrompt)
    );
}
