//! `p`: who the visitor is, beside the conversation on a wide screen and
//! over it on a narrow one; `o` there opens their last URL under the rules
//! attachment links follow.

mod common;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{messages, page_of};
use szchat::action::Action;
use szchat::fetch::FetchEvent;
use szchat::paging::PageSize;
use szchat::state::{AppState, ConversationSettings, Effect, Input, StatusKind};
use szchat::testing::{start_with, visitor};
use szchat::text::profile::PANEL_WIDTH;
use szchat::timefmt::LocalZone;
use szchat::ui;
use szchat::visitor::Visitor;

const USER: u64 = 4821;

fn ana(last_url: &str) -> Visitor {
    let at = |d, h, m| Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).single();
    visitor(USER)
        .name("Ana Ortega")
        .email("ana.ortega@example.pt")
        .reference("CRM-0042")
        .created_at(at(2, 9, 15))
        .updated_at(at(26, 18, 0))
        .online_at(at(26, 17, 58))
        .last_url(last_url)
        .attribute("plan", "Growth (12 seats)")
        .attribute("company", "Padaria \u{1b}[31mLisboa\u{7}")
        .attribute("lifetime value", "€1,240")
        .build()
}

/// A `width` x `height` screen showing six messages, Ana's profile known.
fn opened(width: u16, height: u16, last_url: &str) -> AppState {
    let history = messages(6);
    let settings = ConversationSettings {
        visitor_profile: true,
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(USER, &settings, width, height);
    start_with(&mut state, |request| {
        page_of(&history, 0, request.limit.get(), false)
    });
    state.apply(FetchEvent::Visitor {
        id: USER,
        result: Ok(Box::new(ana(last_url))),
    });
    state
}

fn press(state: &mut AppState, c: char) -> Vec<Effect> {
    state.handle(Input::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

fn draw(state: &AppState, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(frame, state)).unwrap();
    terminal
}

#[test]
fn on_a_wide_screen_the_profile_sits_beside_the_conversation() {
    let mut state = opened(130, 20, "https://example.pt/pricing?plan=growth");
    press(&mut state, 'p');
    assert!(state.profile_beside());
    insta::assert_snapshot!(draw(&state, 130, 20).backend());

    // The conversation keeps its keys, in the narrower column.
    let selected = state.selected();
    press(&mut state, 'k');
    assert_ne!(state.selected(), selected);
    assert_eq!(state.viewport().size().0, 130 - PANEL_WIDTH);

    press(&mut state, 'p');
    assert!(!state.profile_beside());
    assert_eq!(state.viewport().size().0, 130);
}

#[test]
fn on_a_narrow_screen_the_profile_is_a_box_over_the_conversation() {
    let mut state = opened(80, 24, "https://example.pt/pricing?plan=growth");
    press(&mut state, 'p');
    assert!(!state.profile_beside());
    insta::assert_snapshot!(draw(&state, 80, 24).backend());
    press(&mut state, 'p');
    assert_eq!(state.overlays().iter().count(), 0);
}

#[test]
fn o_in_the_panel_opens_the_last_url_and_nothing_but_http_is_opened() {
    let mut state = opened(80, 24, "https://example.pt/pricing?plan=growth");
    press(&mut state, 'p');
    let effects = press(&mut state, 'o');
    let opened: Vec<String> = effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Open(url) => Some(url.as_str().to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(opened, ["https://example.pt/pricing?plan=growth"]);

    let mut state = opened_with("javascript:alert(1)");
    press(&mut state, 'p');
    let effects = press(&mut state, 'o');
    assert!(effects.is_empty(), "{effects:?}");
    let error = state.notices().error().unwrap();
    assert_eq!(error.kind, StatusKind::Error);
    assert!(
        error.text.starts_with("refused to open a javascript: link"),
        "{}",
        error.text
    );
}

fn opened_with(last_url: &str) -> AppState {
    opened(80, 24, last_url)
}

#[test]
fn without_a_profile_the_panel_says_so() {
    let history = messages(2);
    let settings = ConversationSettings {
        visitor_profile: true,
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(USER, &settings, 80, 16);
    start_with(&mut state, |request| {
        page_of(&history, 0, request.limit.get(), false)
    });
    state.apply(FetchEvent::Visitor {
        id: USER,
        result: Err(szchat::api::error::ApiError::NotFound),
    });
    state.update(Action::ToggleProfile);
    let screen = format!("{:?}", draw(&state, 80, 16).backend());
    assert!(
        screen.contains("The profile could not be read:"),
        "{screen}"
    );
    let effects = press(&mut state, 'o');
    assert!(effects.is_empty());
    assert_eq!(
        state.status().unwrap().text,
        "no last URL known for this visitor"
    );
}

#[test]
fn a_last_url_with_a_user_or_password_is_refused_and_the_panel_says_why() {
    for disguised in [
        "https://user:pass@evil.example/x",
        "https://bank.example@evil.example/",
    ] {
        let mut state = opened_with(disguised);
        press(&mut state, 'p');
        let effects = press(&mut state, 'o');
        assert!(
            !effects
                .iter()
                .any(|effect| matches!(effect, Effect::Open(_))),
            "{disguised} was opened: {effects:?}"
        );
        let error = state.notices().error().unwrap();
        assert!(
            error.text.contains("user name or password"),
            "{}",
            error.text
        );
    }
}
