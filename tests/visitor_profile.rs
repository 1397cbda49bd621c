//! Who the visitor is: their user object, fetched alongside the first page,
//! names them in the status bar; without it the bar names them by id and the
//! conversation loads all the same.

mod common;

use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;
use serde_json::json;

use common::{Driver, RecordingDesktop, client, messages, page_of, page_requests};
use szchat::api::error::ApiError;
use szchat::app::{App, AppConfig};
use szchat::fetch::{FetchEvent, FetchRequest};
use szchat::paging::PageSize;
use szchat::state::{AppState, ConversationSettings, Effect};
use szchat::testing::{VisitorBuilder, visitor};
use szchat::timefmt::LocalZone;
use szchat::ui::{self};
use szchat::visitor::Visitor;
use szchat_fake::{FakeConfig, FakeServer, synthetic_messages};

const SECRET: &str = "test-secret";
const USER: u64 = 4821;

fn ana() -> Visitor {
    visitor(USER)
        .name("Ana Ortega")
        .email("ana@example.pt")
        .created_at(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single())
        .build()
}

fn status_bar(state: &AppState) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 12)).unwrap();
    terminal.draw(|frame| ui::draw(frame, state)).unwrap();
    let buffer = terminal.backend().buffer();
    let y = buffer.area.height - 1;
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

/// A state that asked who the visitor is, with its first page loaded.
fn opened() -> AppState {
    let history = messages(3);
    let settings = ConversationSettings {
        visitor_profile: true,
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(USER, &settings, 80, 12);
    let effects = state.start();
    assert!(
        effects.contains(&Effect::Fetch(FetchRequest::Visitor(USER))),
        "asked alongside the first page: {effects:?}"
    );
    let request = page_requests(&effects)[0];
    state.apply(FetchEvent::Page {
        request,
        result: Ok(page_of(&history, 0, request.limit.get(), false)),
    });
    state
}

#[test]
fn the_status_bar_names_the_visitor_once_their_profile_arrives() {
    let mut state = opened();
    assert!(status_bar(&state).starts_with(" visitor 4821 │"));
    state.apply(FetchEvent::Visitor {
        id: USER,
        result: Ok(Box::new(ana())),
    });
    let bar = status_bar(&state);
    assert!(bar.starts_with(" Ana Ortega · visitor 4821 │"), "{bar}");
}

#[test]
fn without_a_profile_the_bar_names_the_visitor_by_id_and_the_conversation_stays() {
    let mut state = opened();
    state.apply(FetchEvent::Visitor {
        id: USER,
        result: Err(ApiError::Status { status: 500 }),
    });
    assert_eq!(state.conversation().len(), 3);
    assert!(state.exit().is_none());
    let bar = status_bar(&state);
    assert!(bar.starts_with(" visitor 4821 │"), "{bar}");
    assert!(!bar.contains('✗'), "a missing name is no error: {bar}");
}

#[test]
fn a_hostile_name_is_sanitized_on_one_line() {
    let mut state = opened();
    let hostile = VisitorBuilder::like(ana())
        .name("Eve\u{1b}]0;pwned\u{7}\nSmith")
        .build();
    state.apply(FetchEvent::Visitor {
        id: USER,
        result: Ok(Box::new(hostile)),
    });
    let bar = status_bar(&state);
    assert!(!bar.contains('\u{1b}') && !bar.contains('\u{7}'), "{bar:?}");
    assert!(bar.contains("Smith · visitor 4821"), "{bar}");
}

#[tokio::test]
async fn the_name_comes_from_the_users_endpoint_of_the_real_server() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(12));
    config.profile = json!({
        "id": USER,
        "name": "Ana Ortega",
        "email": "ana@example.pt",
        "reference": "CRM-88",
        "created_at": "2026-01-05T09:00:00.000Z",
        "updated_at": "2026-01-05T09:00:00.000Z",
        "online_at": "2026-01-05T09:00:00.000Z",
        "last_url": "https://example.pt/pricing",
        "user_attributes": [{"name": "plan", "value": "Growth"}]
    });
    let server = FakeServer::start(config).await.unwrap();
    let base = common::app_config(client(&server.base_url(), SECRET, USER), Some(USER));
    let config = AppConfig {
        settings: ConversationSettings {
            visitor_profile: true,
            ..base.settings
        },
        ..base
    };
    let (width, height) = common::SCREEN;
    let mut driver = Driver::with(App::spawn(
        config,
        Size::new(width, height),
        RecordingDesktop::default(),
    ));
    driver.settle().await;
    assert_eq!(driver.state().conversation().len(), 12);
    let known = driver.state().visitor().known().cloned();
    assert_eq!(known.and_then(|v| v.reference), Some("CRM-88".to_owned()));
    let bar = driver.status_line();
    assert!(bar.starts_with(" Ana Ortega · visitor 4821 │"), "{bar}");
}
