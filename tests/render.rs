//! Whole screens, drawn from app states reached through the same events the
//! loop feeds in, rendered on ratatui's TestBackend and compared as text.

mod common;

use common::{SEED_PAGE, message, page_requests, screen_text};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use szchat::action::Action;
use szchat::api::error::ApiError;
use szchat::api::wire;
use szchat::fetch::FetchEvent;
use szchat::model::{Message, Page, Sender};
use szchat::paging::{PageRequest, PageSize};
use szchat::state::{AppState, Input};
use szchat::testing::{one_page, start_with};
use szchat::timefmt::LocalZone;
use szchat::ui;

/// A state of a `width` x `height` screen that has received `history` (one page).
fn state_with(history: Vec<Message>, width: u16, height: u16) -> AppState {
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), width, height);
    start_with(&mut state, |_| one_page(history));
    state
}

fn draw(state: &AppState, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(frame, state)).unwrap();
    terminal
}

fn seed_messages() -> Vec<Message> {
    wire::parse_page(SEED_PAGE.as_bytes(), 0, 50)
        .unwrap()
        .messages
}

#[test]
fn the_seed_sample() {
    let state = state_with(seed_messages(), 70, 12);
    let terminal = draw(&state, 70, 12);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn wide_unicode_at_a_narrow_width() {
    let history = vec![
        message(
            1,
            1,
            true,
            "こんにちは、請求書について質問があります。二重に請求されました。",
        ),
        message(
            2,
            2,
            false,
            "Entschuldigung 🙏 — we'll fix it. 👨‍👩‍👧 e\u{301}te\u{301}",
        ),
        message(3, 3, true, "ok 👍🏽 谢谢"),
    ];
    let state = state_with(history, 24, 22);
    let terminal = draw(&state, 24, 22);
    insta::assert_snapshot!(terminal.backend());
    for line in screen_text(&terminal).lines() {
        assert_eq!(unicode_width::UnicodeWidthStr::width(line), 24, "{line:?}");
    }
}

#[test]
fn attachments_and_day_separators() {
    let mut history = vec![
        message(1, 0, true, "here is the screenshot"),
        message(2, 3, false, "thanks, looking now"),
        message(3, 60 * 24, true, "and the invoice, next day"),
    ];
    history[0].file_url =
        Some("https://files.example/u/4821/screenshot%20double%20charge.png?sig=x".into());
    history[2].file_url = Some("https://files.example/u/4821/invoice-4821.pdf".into());
    history[2].auto_invitation = false;
    let state = state_with(history, 64, 18);
    let terminal = draw(&state, 64, 18);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(
        text.contains("Fri 9 Feb 2018") && text.contains("Sat 10 Feb 2018"),
        "{text}"
    );
    assert!(text.contains("📎 screenshot double charge.png"), "{text}");
}

#[test]
fn an_error_in_the_status_bar_keeps_the_messages_on_screen() {
    let history: Vec<Message> = (1..=120)
        .map(|id| message(id, id as i64, id % 2 == 0, &format!("message {id}")))
        .collect();
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), 70, 12);
    state.start();
    // Newest-first server: the first page is the newest 50.
    let newest: Vec<Message> = history.iter().rev().take(50).cloned().collect();
    state.apply(FetchEvent::Page {
        request: PageRequest {
            offset: 0,
            limit: PageSize::DEFAULT,
        },
        result: Ok(Page {
            offset: 0,
            limit: 50,
            total: 120,
            messages: newest,
        }),
    });
    let effects = state.update(Action::Oldest);
    let request = page_requests(&effects)[0];
    state.apply(FetchEvent::Page {
        request,
        result: Err(ApiError::Status { status: 503 }),
    });
    let terminal = draw(&state, 70, 12);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(text.contains("r to retry"), "{text}");
    assert!(text.contains("message 71"), "{text}");
}

#[test]
fn the_help_overlay() {
    // Tall enough for every key: a smaller screen scrolls (see orientation.rs).
    let mut state = state_with(seed_messages(), 70, 33);
    state.update(Action::ToggleHelp);
    let terminal = draw(&state, 70, 33);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    for row in szchat::keymap::KEY_MAP {
        let (keys, what) = (row.keys(), row.what);
        assert!(text.contains(&keys) && text.contains(what), "{keys} {what}");
    }
}

#[test]
fn a_hostile_message_reaches_the_screen_without_control_characters() {
    let mut hostile = message(
        2,
        2,
        true,
        "\x1b]0;pwned title\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[H\x1b[10;10Hmoved\x08\x08\x08\u{202e}reversed\u{202c}\r overwrite",
    );
    hostile.sender = Sender::Visitor {
        name: Some("Eve\x1b[31m Red".into()),
        email: None,
    };
    let history = vec![
        message(1, 1, false, "before"),
        hostile,
        message(3, 3, false, "after"),
    ];
    let state = state_with(history, 60, 16);
    let terminal = draw(&state, 60, 16);
    insta::assert_snapshot!(terminal.backend());
    let text = screen_text(&terminal);
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)),
        "{text:?}"
    );
    assert!(text.contains("before") && text.contains("after"));
}

#[test]
fn loading_then_the_beginning_marker() {
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), 50, 6);
    state.start();
    let terminal = draw(&state, 50, 6);
    assert!(screen_text(&terminal).contains("loading messages…"));
    let state = state_with(seed_messages(), 50, 12);
    let terminal = draw(&state, 50, 12);
    assert!(screen_text(&terminal).contains("beginning of conversation"));
}

/// Presses `code` as the terminal would send it.
fn press(state: &mut AppState, code: KeyCode) {
    state.handle(Input::Key(KeyEvent::from(code)));
}

#[test]
fn the_jump_prompt_replaces_the_status_bar_while_typing() {
    let mut state = state_with(seed_messages(), 70, 12);
    press(&mut state, KeyCode::Char(':'));
    for c in "2026-11-2".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    let mut terminal = draw(&state, 70, 12);
    insta::assert_snapshot!(terminal.backend());
    // The terminal's cursor waits after what was typed.
    assert!(terminal.backend().cursor_visible());
    terminal.backend_mut().assert_cursor_position((10, 11));
    press(&mut state, KeyCode::Esc);
    let terminal = draw(&state, 70, 12);
    assert!(!terminal.backend().cursor_visible());
    assert!(screen_text(&terminal).contains(" visitor 4821"));
}

/// A page as the API sends it (compact), with a message that has every
/// field, an attachment, an escape sequence in its body and a field szchat
/// does not know, and an operator's reply.
const DETAIL_PAGE: &str = concat!(
    r#"{"limit":50,"offset":0,"total":2,"messages":["#,
    r#"{"id":4711,"body":"the invoice, charged twice\u001b]0;pwned\u0007\nsee attached","#,
    r#""read_by_user":true,"created_at":"2026-11-20T09:41:07.000Z","#,
    r#""file_url":"https://files.example/u/4821/invoice%20march.pdf?sig=a1b2","#,
    r#""auto_invitation":false,"sender_type":"user","read_by_operator":null,"#,
    r#""sender":{"id":4821,"name":"Hana Whitfield","email":"hana@example.com"},"rating":null},"#,
    r#"{"id":4712,"body":"Refunded.","read_by_user":false,"created_at":"2026-11-20T09:52:00.000Z","#,
    r#""file_url":null,"auto_invitation":true,"sender_type":"operator","read_by_operator":true,"#,
    r#""sender":{"id":12,"forename":"Tomás","surname":"Lindqvist","email":"tomas@support.example","#,
    r#""picture_thumb_url":null}}]}"#
);

#[test]
fn the_detail_overlay_shows_every_field_and_the_json_as_received() {
    let tokyo = LocalZone::Fixed(chrono::FixedOffset::east_opt(9 * 3600).unwrap());
    let page = wire::parse_page(DETAIL_PAGE.as_bytes(), 0, 50).unwrap();
    let mut state = AppState::new(4821, PageSize::DEFAULT, tokyo, 70, 24);
    let request = page_requests(&state.start())[0];
    state.apply(FetchEvent::Page {
        request,
        result: Ok(page),
    });
    state.update(Action::SelectPrevious);
    assert_eq!(state.selected(), Some(4711));
    state.update(Action::ShowDetail);
    let terminal = draw(&state, 70, 24);
    insta::assert_snapshot!("detail_top", terminal.backend());
    let text = screen_text(&terminal);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );

    // The end of the JSON, a key away.
    state.update(Action::Newest);
    let terminal = draw(&state, 70, 24);
    insta::assert_snapshot!("detail_bottom", terminal.backend());
    let text = screen_text(&terminal);
    // One member a line, as sent, then the closing brace.
    assert!(text.contains("\n  \"rating\": null  "), "{text}");
    assert!(
        !text.contains("picture_thumb_url"),
        "only this message's object"
    );

    // Esc closes it; i opens it again, on the message selected.
    state.update(Action::Close);
    assert!(state.overlays().iter().next().is_none());
    state.update(Action::SelectNext);
    state.update(Action::ShowDetail);
    let text = screen_text(&draw(&state, 70, 24));
    assert!(
        text.contains("message #4712") && text.contains("Lindqvist"),
        "{text}"
    );
}
