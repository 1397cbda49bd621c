//! Where am I, and when: the sticky day line, the status bar's date, time,
//! UTC offset and position, its notices set apart, the help that reaches
//! every key on a small screen, the last error in full, and a status bar
//! that stays distinct without colour. Whole screens on ratatui's TestBackend.

mod common;

use std::path::PathBuf;

use chrono::FixedOffset;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

use common::{messages, page_requests, row_text, screen_text, serve_all};
use szchat::action::Action;
use szchat::api::error::ApiError;
use szchat::api::wire;
use szchat::fetch::{FetchEvent, LinkPurpose};
use szchat::keymap::KEY_MAP;
use szchat::model::Message;
use szchat::paging::PageSize;
use szchat::state::{AppState, ConversationSettings, Failure, Input};
use szchat::timefmt::LocalZone;
use szchat::ui;
use szchat::ui::color::Colors;
use szchat_fake::FakeConfig;

/// Central European winter time, so the offset shows in the status bar.
fn cet() -> LocalZone {
    LocalZone::Fixed(FixedOffset::east_opt(3600).unwrap())
}

/// The demo's conversation, as the client reads it off the wire.
fn demo_history() -> Vec<Message> {
    let demo = FakeConfig::demo();
    let total = demo.messages.len();
    let page = serde_json::json!({
        "limit": total,
        "offset": 0,
        "total": total,
        "messages": demo.messages,
    });
    let body = serde_json::to_vec(&page).unwrap();
    wire::parse_page(&body, 0, total as u64).unwrap().messages
}

/// A `width` x `height` screen showing `history` from an oldest-first
/// server, after every page the view asked for.
fn loaded(history: &[Message], zone: LocalZone, width: u16, height: u16) -> AppState {
    let mut state = AppState::new(4821, PageSize::DEFAULT, zone, width, height);
    let effects = state.start();
    serve_all(&mut state, effects, history, false);
    state
}

fn draw_with(state: &AppState, width: u16, height: u16, colors: Colors) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::draw_with(frame, state, colors))
        .unwrap();
    terminal
}

fn draw(state: &AppState, width: u16, height: u16) -> Terminal<TestBackend> {
    draw_with(state, width, height, Colors::On)
}

fn status_bar(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    row_text(buffer, buffer.area.height - 1)
}

// ----- where am I, and when -----

#[test]
fn after_three_page_ups_in_the_demo_the_day_stays_on_screen() {
    let history = demo_history();
    let mut state = loaded(&history, cet(), 100, 30);
    for _ in 0..3 {
        let effects = state.update(Action::PageUp);
        serve_all(&mut state, effects, &history, false);
    }
    let terminal = draw(&state, 100, 30);
    insta::assert_snapshot!(terminal.backend());
    // The day's own separator is far above; its line stays on the top row.
    let top = row_text(terminal.backend().buffer(), 0);
    assert!(top.contains("─ Mon 23 Nov 2026 ─"), "{top}");
    let bar = status_bar(&terminal);
    // Session lines further down shift the pages by a row: the
    // first whole message on screen, selected, is the one of 10:34.
    assert!(bar.contains("│ Mon 23 Nov 2026 10:34 UTC+01:00 │"), "{bar}");
}

#[test]
fn the_sticky_day_line_never_hides_the_selected_message() {
    let history = demo_history();
    let mut state = loaded(&history, cet(), 80, 20);
    for _ in 0..40 {
        state.update(Action::SelectPrevious);
        let selected = state.selected().unwrap();
        let on_screen = state.visible_messages();
        assert!(
            on_screen.contains(&(selected, true)),
            "the selected message {selected} is not wholly on screen: {on_screen:?}"
        );
        let terminal = draw(&state, 80, 20);
        let sticky = state.viewport().sticky_day(state.conversation()).is_some();
        let text = screen_text(&terminal);
        let header_row = text.lines().position(|l| l.trim_start().starts_with('▌'));
        assert!(
            header_row.is_some_and(|row| !sticky || row > 0),
            "the selected header is under the day line:\n{text}"
        );
    }
}

#[test]
fn the_status_bar_says_when_and_where_the_selected_message_is() {
    let history = demo_history();
    let total = history.len();
    let mut state = loaded(&history, cet(), 100, 30);
    let bar = status_bar(&draw(&state, 100, 30));
    assert_eq!(
        bar.trim_end(),
        format!(
            " visitor 4821 │ {total} of {total} │ Tue 24 Nov 2026 12:46 UTC+01:00 │ 50 loaded                     ? help"
        ),
    );
    state.update(Action::SelectPrevious);
    let bar = status_bar(&draw(&state, 100, 30));
    assert!(
        bar.contains(&format!("│ {} of {total} │", total - 1)),
        "{bar}"
    );
    // The same instant in Tokyo: the bar says which zone the times are in.
    let tokyo = LocalZone::Fixed(FixedOffset::east_opt(9 * 3600).unwrap());
    let state = loaded(&history, tokyo, 100, 30);
    let bar = status_bar(&draw(&state, 100, 30));
    assert!(bar.contains("Tue 24 Nov 2026 20:46 UTC+09:00"), "{bar}");
}

/// The status bars of a 1,234-message history in the states that tell
/// position and loading apart.
#[test]
fn the_status_bar_counts_honestly_while_pages_load() {
    let history = messages(1_234);
    let width = 100;
    let mut bars = Vec::new();

    // Oldest-first: the newest 50 are loaded, and with them the newest end.
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), width, 20);
    let probe = page_requests(&state.start())[0];
    let effects = state.apply(FetchEvent::Page {
        request: probe,
        result: Ok(common::page_of(&history, 0, 50, false)),
    });
    let tail = page_requests(&effects)[0];
    state.apply(FetchEvent::Page {
        request: tail,
        result: Ok(common::page_of(
            &history,
            tail.offset,
            tail.limit.get(),
            false,
        )),
    });
    bars.push(status_bar(&draw(&state, width, 20)));
    for _ in 0..3 {
        state.update(Action::SelectPrevious);
    }
    bars.push(status_bar(&draw(&state, width, 20)));
    // Going for the oldest: loading older pages.
    state.update(Action::Oldest);
    bars.push(status_bar(&draw(&state, width, 20)));

    // A server whose total changed between two answers: new messages may be
    // missing at the newest end, so only what is loaded is counted.
    let mut growing = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), width, 20);
    let probe = page_requests(&growing.start())[0];
    let effects = growing.apply(FetchEvent::Page {
        request: probe,
        result: Ok(common::page_of(&history[..1_200], 0, 50, false)),
    });
    let tail = page_requests(&effects)[0];
    growing.apply(FetchEvent::Page {
        request: tail,
        result: Ok(common::page_of(
            &history,
            tail.offset,
            tail.limit.get(),
            false,
        )),
    });
    bars.push(status_bar(&draw(&growing, width, 20)));

    insta::assert_snapshot!(bars.join("\n"));
    assert!(bars[0].contains("│ 1,234 of 1,234 │"), "{}", bars[0]);
    assert!(bars[0].contains("│ 50 loaded"), "{}", bars[0]);
    assert!(bars[1].contains("│ 1,231 of 1,234 │"), "{}", bars[1]);
    assert!(bars[3].contains(" of 50 loaded"), "{}", bars[3]);
    let mut all = loaded(&history, LocalZone::utc(), width, 20);
    let effects = all.update(Action::Oldest);
    serve_all(&mut all, effects, &history, false);
    all.update(Action::Newest);
    let bar = status_bar(&draw(&all, width, 20));
    assert!(bar.contains("│ 1,234 of 1,234 │"), "{bar}");
    assert!(!bar.contains("loaded"), "everything is loaded: {bar}");
}

// ----- notices -----

#[test]
fn the_parts_of_the_bar_are_set_apart_and_said_once() {
    let mut history = messages(3);
    history[2].file_url = Some("https://files.example/a.png".into());
    let mut state = loaded(&history, LocalZone::utc(), 100, 12);
    state.update(Action::SelectPrevious);
    state.update(Action::OpenAttachment);
    let bar = status_bar(&draw(&state, 100, 12));
    assert!(
        bar.contains("│ 2 of 3 │ Fri 9 Feb 2018 17:02 UTC+00:00 │ this message has no attachment"),
        "{bar}"
    );

    state.update(Action::SelectNext);
    state.update(Action::OpenAttachment);
    let bar = status_bar(&draw(&state, 100, 12));
    assert_eq!(bar.matches("fetching link…").count(), 1, "{bar}");
    assert!(
        !bar.contains("no attachment"),
        "the next key cleared it: {bar}"
    );
    state.apply(FetchEvent::Message {
        id: 3,
        purpose: LinkPurpose::Open,
        result: Err(ApiError::Status { status: 503 }),
    });
    state.handle(Input::Failed(Failure::Copy("gone".into())));
    let bar = status_bar(&draw(&state, 100, 12));
    assert!(
        // The date gives way so that the error is read whole.
        bar.contains(" 3 of 3 │ ✗ could not send to the terminal clipboard: gone"),
        "{bar}"
    );
    assert!(bar.trim_end().ends_with("! error · ? help"), "{bar}");
}

#[test]
fn an_error_cut_at_100_columns_reads_in_full_with_the_log_named() {
    let history = messages(120);
    let settings = ConversationSettings {
        log_file: Some(PathBuf::from("/tmp/szchat.log")),
        ..ConversationSettings::new(PageSize::DEFAULT, LocalZone::utc())
    };
    let mut state = AppState::from_settings(4821, &settings, 100, 16);
    let effects = state.start();
    let probe = page_requests(&effects)[0];
    let effects = state.apply(FetchEvent::Page {
        request: probe,
        result: Ok(common::page_of(&history, 0, 50, false)),
    });
    let tail = page_requests(&effects)[0];
    state.apply(FetchEvent::Page {
        request: tail,
        result: Ok(common::page_of(
            &history,
            tail.offset,
            tail.limit.get(),
            false,
        )),
    });
    let older = page_requests(&state.update(Action::Oldest))[0];
    state.apply(FetchEvent::Page {
        request: older,
        result: Err(ApiError::Connect {
            url: "http://127.0.0.1:48213/external/users/4821/messages".into(),
            reason: "tcp connect error: Connection refused (os error 111)".into(),
        }),
    });
    let bar = status_bar(&draw(&state, 100, 16));
    assert!(bar.contains("│ ✗ r to retry · loading failed: "), "{bar}");
    assert!(bar.trim_end().ends_with("… ! error · ? help"), "{bar}");
    assert!(
        !bar.contains("Connection refused"),
        "the bar cuts it: {bar}"
    );

    state.update(Action::ShowError);
    let terminal = draw(&state, 100, 16);
    insta::assert_snapshot!(terminal.backend());
    let text: String = screen_text(&terminal).split_whitespace().collect();
    assert!(text.contains("Connectionrefused(oserror111)"), "{text}");
    assert!(text.contains("/tmp/szchat.log"), "{text}");
    state.update(Action::Close);
    assert!(state.overlays().iter().next().is_none());
    assert!(
        state.notices().error().is_some(),
        "closing the box keeps the error"
    );
    state.update(Action::Close);
    assert!(state.notices().error().is_none(), "Esc again dismisses it");
}

// ----- a terminal user's habits -----

#[test]
fn the_help_at_40_by_12_reaches_every_key() {
    let mut state = loaded(&messages(5), LocalZone::utc(), 40, 12);
    state.update(Action::ToggleHelp);
    let mut seen = String::new();
    let mut last = String::new();
    // Until the screen stops changing: the end of the list.
    for _ in 0..200 {
        let text = screen_text(&draw(&state, 40, 12));
        if text == last {
            break;
        }
        seen.push_str(&text);
        last = text;
        state.update(Action::SelectNext);
    }
    let terminal = draw(&state, 40, 12);
    insta::assert_snapshot!(terminal.backend());
    for row in KEY_MAP {
        assert!(seen.contains(&row.keys()), "{} is never shown", row.keys());
        let what_words: String = row.what.split_whitespace().collect();
        let seen_words: String = seen.split_whitespace().collect();
        assert!(
            seen_words.contains(&what_words),
            "{} is never shown",
            row.what
        );
    }
    // Home (g) goes back to the top; the help is still open, q still quits.
    state.update(Action::Oldest);
    let top = screen_text(&draw(&state, 40, 12));
    assert!(top.contains("next message"), "{top}");
    assert!(state.help_visible());
}

#[test]
fn without_colour_the_status_bar_stays_apart_in_reverse_video() {
    let mut history = messages(3);
    history[1].file_url = Some("https://files.example/a.png".into());
    let mut state = loaded(&history, LocalZone::utc(), 60, 12);
    state.handle(Input::Failed(Failure::Open("no browser".into())));
    let terminal = draw_with(&state, 60, 12, Colors::Off);
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    for x in 0..60 {
        let cell = &buffer[(x, 11)];
        assert!(
            cell.modifier.contains(Modifier::REVERSED),
            "column {x} of the status bar is not in reverse video"
        );
    }
    assert!(
        (0..11).all(|y| !buffer[(0, y)].modifier.contains(Modifier::REVERSED)),
        "the conversation's edge is not reversed"
    );
    let error_at = status_bar(&terminal).find('✗').unwrap();
    let x = u16::try_from(status_bar(&terminal)[..error_at].chars().count()).unwrap();
    assert!(
        buffer[(x, 11)].modifier.contains(Modifier::BOLD),
        "the error is bold"
    );

    let coloured = draw(&state, 60, 12);
    let cell = &coloured.backend().buffer()[(0, 11)];
    assert_eq!(cell.bg, Color::DarkGray);
    assert!(!cell.modifier.contains(Modifier::REVERSED));
}
