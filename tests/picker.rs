//! The visitor picker: its order, filter and selection, paging through the
//! visitor list, the way back from a conversation, and how it looks.

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use szchat::api::ApiError;
use szchat::api::wire::parse_users_page;
use szchat::archive::store::VisitorFigures;
use szchat::concurrency::Concurrency;
use szchat::fetch::UsersRequest;
use szchat::metrics::Figures;
use szchat::paging::PageSize;
use szchat::picker::{ListLoad, PickerAction, PickerEffect, PickerState};
use szchat::testing::{serve_user_pages, user_requests};
use szchat::ui::color::Colors;
use szchat::visitor::VisitorsPage;
use szchat_fake::FakeConfig;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap()
}

/// The demo's user objects, by id, as the server lists them.
fn demo_profiles() -> Vec<Value> {
    let config = FakeConfig::demo_at(now());
    let mut profiles: Vec<Value> = std::iter::once(config.profile.clone())
        .chain(config.other_visitors.iter().map(|v| v.profile.clone()))
        .collect();
    profiles.sort_by_key(|p| p["id"].as_u64());
    profiles
}

/// Page `request` of `profiles`, read by the real wire parser.
fn page_of(profiles: &[Value], request: UsersRequest) -> VisitorsPage {
    let start = usize::try_from(request.offset).unwrap().min(profiles.len());
    let end = (start + request.limit.get() as usize).min(profiles.len());
    let body = json!({
        "limit": request.limit.get(),
        "offset": request.offset,
        "total": profiles.len(),
        "users": &profiles[start..end],
    });
    parse_users_page(body.to_string().as_bytes(), request.offset, 99).unwrap()
}

/// A picker that has loaded all of `profiles`, `page` at a time.
fn loaded(profiles: &[Value], page: u32) -> PickerState {
    let mut picker = PickerState::new(PageSize::new(page).unwrap());
    let effects = picker.start();
    serve_user_pages(effects, |request| {
        picker.apply(request, Ok(page_of(profiles, request)))
    });
    assert_eq!(picker.load(), &ListLoad::Complete);
    picker
}

fn names(picker: &PickerState) -> Vec<String> {
    picker
        .shown()
        .map(szchat::visitor::Visitor::display_name)
        .collect()
}

fn type_text(picker: &mut PickerState, text: &str) {
    for c in text.chars() {
        picker.update(PickerAction::Type(c));
    }
}

fn selected_name(picker: &PickerState) -> String {
    let id = picker.selected().unwrap();
    picker.shown().find(|v| v.id == id).unwrap().display_name()
}

#[test]
fn visitors_arrive_page_by_page_most_recently_seen_first() {
    let profiles = demo_profiles();
    let mut picker = PickerState::new(PageSize::new(3).unwrap());
    let first = user_requests(&picker.start());
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].offset, 0);
    let next = user_requests(&picker.apply(first[0], Ok(page_of(&profiles, first[0]))));
    assert_eq!(picker.loaded(), 3, "rows show as soon as a page arrives");
    assert_eq!(next[0].offset, 3);
    assert_eq!(picker.load(), &ListLoad::Loading);

    let picker = loaded(&profiles, 3);
    assert_eq!(picker.loaded(), profiles.len());
    let seen: Vec<_> = picker.shown().map(|v| v.online_at).collect();
    assert!(seen.windows(2).all(|w| w[0] >= w[1]), "{seen:?}");
    assert_eq!(picker.selected(), Some(picker.shown().next().unwrap().id));
}

#[test]
fn after_the_first_page_the_rest_are_asked_at_once_and_land_in_any_order() {
    let profiles = demo_profiles();
    assert!(profiles.len() > 6, "enough visitors for four pages of two");
    let mut picker =
        PickerState::new(PageSize::new(2).unwrap()).with_concurrency(Concurrency::new(3).unwrap());
    let first = user_requests(&picker.start());
    assert_eq!(
        first.len(),
        1,
        "the first page alone: it says how many there are"
    );
    let mut waiting = user_requests(&picker.apply(first[0], Ok(page_of(&profiles, first[0]))));
    let offsets: Vec<u64> = waiting.iter().map(|r| r.offset).collect();
    assert_eq!(offsets, [2, 4, 6]);

    // The last asked answers first; its rows show at once, in list order.
    let mut loaded_before = picker.loaded();
    while let Some(request) = waiting.pop() {
        let more = user_requests(&picker.apply(request, Ok(page_of(&profiles, request))));
        assert!(
            picker.loaded() > loaded_before,
            "rows show as each page lands"
        );
        loaded_before = picker.loaded();
        // Newly asked pages go first in line, so answers keep coming out of order.
        waiting.splice(0..0, more);
    }
    assert_eq!(picker.load(), &ListLoad::Complete);
    let mut ids: Vec<u64> = picker.shown().map(|v| v.id).collect();
    let seen: Vec<_> = picker.shown().map(|v| v.online_at).collect();
    assert!(seen.windows(2).all(|w| w[0] >= w[1]), "{seen:?}");
    ids.sort_unstable();
    let mut expected: Vec<u64> = profiles.iter().map(|p| p["id"].as_u64().unwrap()).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected, "every visitor once");
}

#[test]
fn a_server_that_sends_short_pages_still_gives_every_visitor_and_an_end() {
    let profiles = demo_profiles();
    let mut picker =
        PickerState::new(PageSize::new(3).unwrap()).with_concurrency(Concurrency::new(4).unwrap());
    let mut waiting = user_requests(&picker.start());
    let mut asked = waiting.clone();
    // The server answers at most two of the three asked for.
    let short = |request: UsersRequest| UsersRequest {
        limit: PageSize::new(2).unwrap(),
        ..request
    };
    while let Some(request) = waiting.pop() {
        let more = user_requests(&picker.apply(request, Ok(page_of(&profiles, short(request)))));
        asked.extend(&more);
        waiting.extend(more);
    }
    assert_eq!(picker.load(), &ListLoad::Complete);
    assert_eq!(picker.loaded(), profiles.len());
    let mut offsets: Vec<u64> = asked.iter().map(|r| r.offset).collect();
    offsets.sort_unstable();
    let before = offsets.len();
    offsets.dedup();
    assert_eq!(offsets.len(), before, "no offset asked twice: {offsets:?}");
}

#[test]
fn a_failed_page_keeps_the_others_and_retry_asks_only_for_what_is_missing() {
    let profiles = demo_profiles();
    let mut picker =
        PickerState::new(PageSize::new(2).unwrap()).with_concurrency(Concurrency::new(2).unwrap());
    let first = user_requests(&picker.start())[0];
    let [second, third] = user_requests(&picker.apply(first, Ok(page_of(&profiles, first))))[..]
    else {
        panic!("two pages asked at once");
    };
    assert_eq!(
        picker.apply(second, Err(ApiError::Status { status: 503 })),
        []
    );
    assert!(matches!(picker.load(), ListLoad::Failed(_)));
    assert_eq!(
        picker.apply(third, Ok(page_of(&profiles, third))),
        [],
        "a page in flight still lands, but nothing new is asked"
    );
    assert_eq!(picker.loaded(), 4);

    let again = user_requests(&picker.update(PickerAction::Retry));
    assert_eq!(again.first(), Some(&second), "the failed page first");
    assert!(again.iter().all(|r| r.offset != third.offset), "{again:?}");
    assert_eq!(picker.load(), &ListLoad::Loading);
}

#[test]
fn answers_from_before_the_picker_started_again_never_land() {
    let profiles = demo_profiles();
    let mut picker =
        PickerState::new(PageSize::new(2).unwrap()).with_concurrency(Concurrency::new(3).unwrap());
    let old = user_requests(&picker.start())[0];
    let new = user_requests(&picker.start())[0];
    assert_eq!(old.offset, new.offset);
    assert_eq!(picker.apply(old, Ok(page_of(&profiles, old))), []);
    assert_eq!(picker.loaded(), 0);
    assert_eq!(picker.load(), &ListLoad::Loading);
    assert_eq!(
        user_requests(&picker.apply(new, Ok(page_of(&profiles, new)))).len(),
        3
    );
    assert_eq!(picker.loaded(), 2);
}

#[test]
fn typing_filters_at_once_over_name_email_reference_and_id() {
    let profiles = demo_profiles();
    let mut picker = loaded(&profiles, 50);
    let hana = profiles.iter().find(|p| p["id"] == 4821).unwrap();
    let first_name = hana["name"].as_str().unwrap().split(' ').next().unwrap();

    type_text(&mut picker, &first_name.to_lowercase());
    assert!(
        names(&picker).iter().any(|n| n.starts_with(first_name)),
        "{:?}",
        names(&picker)
    );
    assert_eq!(picker.selected(), Some(picker.shown().next().unwrap().id));

    picker.update(PickerAction::ClearFilter);
    type_text(&mut picker, "482");
    assert!(picker.shown().any(|v| v.id == 4821));

    picker.update(PickerAction::ClearFilter);
    let email = hana["email"].as_str().unwrap();
    type_text(&mut picker, &email[..email.find('@').unwrap()]);
    assert_eq!(picker.shown().next().unwrap().id, 4821);

    // Names are capitalised: case never counts in the list.
    picker.update(PickerAction::ClearFilter);
    type_text(&mut picker, &first_name.to_uppercase());
    assert!(picker.shown().any(|v| v.id == 4821), "{:?}", names(&picker));

    // The id as the list shows it.
    picker.update(PickerAction::ClearFilter);
    type_text(&mut picker, "#4821");
    assert_eq!(picker.shown().map(|v| v.id).collect::<Vec<_>>(), [4821]);

    // Without diacritics.
    picker.update(PickerAction::ClearFilter);
    type_text(&mut picker, "angstrom");
    let found = names(&picker);
    assert!(
        found.len() == 1 && found[0].ends_with("Ångström"),
        "{found:?}"
    );

    picker.update(PickerAction::ClearFilter);
    type_text(&mut picker, "zzzz-nobody");
    assert_eq!(picker.shown().len(), 0);
    assert_eq!(picker.selected(), None);
    assert_eq!(picker.update(PickerAction::Open), []);
    for _ in 0.."zzzz-nobody".len() {
        picker.update(PickerAction::Erase);
    }
    assert_eq!(picker.shown().len(), profiles.len());
}

#[test]
fn arrows_move_within_the_rows_and_enter_opens_the_selected_visitor() {
    let profiles = demo_profiles();
    let mut picker = loaded(&profiles, 50);
    let order: Vec<u64> = picker.shown().map(|v| v.id).collect();
    picker.update(PickerAction::Previous);
    assert_eq!(picker.selected(), Some(order[0]), "stops at the top");
    picker.update(PickerAction::Next);
    picker.update(PickerAction::Next);
    assert_eq!(picker.selected(), Some(order[2]));
    picker.update(PickerAction::PageDown);
    assert_eq!(
        picker.selected(),
        order.last().copied(),
        "stops at the bottom"
    );
    picker.update(PickerAction::PageUp);
    picker.update(PickerAction::PageUp);
    assert_eq!(picker.selected(), Some(order[0]));
    picker.update(PickerAction::Next);
    assert_eq!(
        picker.update(PickerAction::Open),
        [PickerEffect::OpenVisitor(order[1])]
    );
}

#[test]
fn a_moved_selection_stays_on_its_visitor_as_pages_arrive_and_typing_starts_at_the_top() {
    let profiles = demo_profiles();
    let mut picker = PickerState::new(PageSize::new(4).unwrap());
    let request = user_requests(&picker.start())[0];
    let effects = picker.apply(request, Ok(page_of(&profiles, request)));
    picker.update(PickerAction::Next);
    let chosen = selected_name(&picker);
    serve_user_pages(effects, |request| {
        picker.apply(request, Ok(page_of(&profiles, request)))
    });
    assert_eq!(selected_name(&picker), chosen);
    // Typing picks the best (first) match again, as fuzzy finders do.
    type_text(&mut picker, "e");
    assert_eq!(picker.selected(), Some(picker.shown().next().unwrap().id));
}

#[test]
fn esc_clears_the_filter_first_then_quits() {
    let mut picker = loaded(&demo_profiles(), 50);
    type_text(&mut picker, "an");
    assert_eq!(picker.update(PickerAction::Escape), []);
    assert_eq!(picker.query(), "");
    assert_eq!(picker.update(PickerAction::Escape), [PickerEffect::Quit]);
}

#[test]
fn keys_map_to_picker_actions_and_letters_are_typed() {
    let key = |code, modifiers| PickerAction::from_key(KeyEvent::new(code, modifiers));
    let none = KeyModifiers::NONE;
    assert_eq!(key(KeyCode::Char('q'), none), Some(PickerAction::Type('q')));
    assert_eq!(key(KeyCode::Char('j'), none), Some(PickerAction::Type('j')));
    assert_eq!(
        key(KeyCode::Char('A'), KeyModifiers::SHIFT),
        Some(PickerAction::Type('A'))
    );
    assert_eq!(key(KeyCode::Down, none), Some(PickerAction::Next));
    assert_eq!(
        key(KeyCode::Char('n'), KeyModifiers::CONTROL),
        Some(PickerAction::Next)
    );
    assert_eq!(
        key(KeyCode::Char('p'), KeyModifiers::CONTROL),
        Some(PickerAction::Previous)
    );
    assert_eq!(key(KeyCode::Enter, none), Some(PickerAction::Open));
    assert_eq!(key(KeyCode::Esc, none), Some(PickerAction::Escape));
    assert_eq!(key(KeyCode::Backspace, none), Some(PickerAction::Erase));
    assert_eq!(
        key(KeyCode::Char('c'), KeyModifiers::CONTROL),
        Some(PickerAction::Quit)
    );
    assert_eq!(key(KeyCode::F(5), none), None);
}

#[test]
fn a_refused_secret_at_the_first_request_ends_the_program() {
    let mut picker = PickerState::new(PageSize::DEFAULT);
    let request = user_requests(&picker.start())[0];
    let effects = picker.apply(request, Err(ApiError::Unauthorized { status: 401 }));
    let [PickerEffect::Fatal(reason)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(reason.contains("SIGNALZEN_API_SECRET"), "{reason}");
}

#[test]
fn a_later_failure_keeps_the_rows_and_retry_asks_again() {
    let profiles = demo_profiles();
    let mut picker = PickerState::new(PageSize::new(4).unwrap());
    let first = user_requests(&picker.start())[0];
    let second = user_requests(&picker.apply(first, Ok(page_of(&profiles, first))))[0];
    assert_eq!(
        picker.apply(second, Err(ApiError::Status { status: 503 })),
        []
    );
    assert!(matches!(picker.load(), ListLoad::Failed(_)));
    assert_eq!(picker.loaded(), 4);
    assert_eq!(
        picker.update(PickerAction::Retry),
        [PickerEffect::Fetch(second)]
    );
    assert_eq!(picker.load(), &ListLoad::Loading);
}

#[test]
fn a_retry_in_progress_is_said_until_the_answer_comes() {
    let profiles = demo_profiles();
    let mut picker = PickerState::new(PageSize::DEFAULT);
    let request = user_requests(&picker.start())[0];
    picker.set_retrying("visitors: HTTP 503; retrying in 0.5s (attempt 2)".to_owned());
    let screen = format!("{:?}", screen(&picker, 100, 4));
    assert!(
        screen.contains("visitors: HTTP 503; retrying in 0.5s"),
        "{screen}"
    );
    picker.apply(request, Ok(page_of(&profiles, request)));
    assert_eq!(picker.retrying(), None);
}

// ---------------------------------------------------------------- screens

fn screen(picker: &PickerState, width: u16, height: u16) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| szchat::ui::picker::draw(frame, picker, now(), Colors::Off))
        .unwrap();
    terminal.backend().clone()
}

#[test]
fn the_picker_lists_the_demo_visitors() {
    let picker = loaded(&demo_profiles(), 50);
    insta::assert_snapshot!(screen(&picker, 110, 14));
}

#[test]
fn the_picker_with_a_filter() {
    let mut picker = loaded(&demo_profiles(), 50);
    type_text(&mut picker, "kestrel");
    picker.update(PickerAction::Next);
    insta::assert_snapshot!(screen(&picker, 110, 14));
}

/// The archive's figures: `waiting` wait since each time, everyone else answered.
fn waiting_figures(waiting: &[(u64, Option<DateTime<Utc>>)]) -> Vec<VisitorFigures> {
    waiting
        .iter()
        .map(|&(id, since)| VisitorFigures {
            visitor_id: id,
            name: None,
            email: None,
            figures: Figures {
                unanswered: 1,
                awaiting_since: since,
                ..Figures::default()
            },
        })
        .collect()
}

#[test]
fn the_picker_marks_who_is_waiting_in_yellow_and_counts_them() {
    let mut picker = loaded(&demo_profiles(), 50);
    picker.enable_waiting();
    let twelve_min_ago = now() - chrono::TimeDelta::minutes(12);
    picker.figures(Ok(waiting_figures(&[
        (4821, Some(twelve_min_ago)),
        (1187, None),
    ])));
    let mut terminal = Terminal::new(TestBackend::new(130, 14)).unwrap();
    terminal
        .draw(|frame| szchat::ui::picker::draw(frame, &picker, now(), Colors::On))
        .unwrap();
    let backend = terminal.backend();
    insta::assert_snapshot!(backend);
    let buffer = backend.buffer();
    let hana_row = (0..14)
        .find(|&y| common_row(buffer, y).contains("Hana Whitfield"))
        .unwrap();
    let row = common_row(buffer, hana_row);
    let at = row.find("waiting 12 min").expect("Hana waits 12 min");
    let x = u16::try_from(row[..at].chars().count()).unwrap();
    assert_eq!(buffer[(x, hana_row)].fg, ratatui::style::Color::Yellow);
    let footer = common_row(buffer, 13);
    assert!(footer.contains("10 visitors · 2 waiting"), "{footer}");

    picker.update(PickerAction::OnlyWaiting);
    assert_eq!(
        names(&picker),
        ["Hana Whitfield", "Marguerite Fontaine-Dubois"]
    );
}

/// Row `y` of `buffer` as text.
fn common_row(buffer: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol())
        .collect()
}

#[test]
fn the_picker_with_no_visitors() {
    let mut picker = PickerState::new(PageSize::DEFAULT);
    let request = user_requests(&picker.start())[0];
    picker.apply(request, Ok(page_of(&[], request)));
    insta::assert_snapshot!(screen(&picker, 60, 5));
}

#[test]
fn the_picker_when_loading_failed() {
    let mut picker = PickerState::new(PageSize::DEFAULT);
    let request = user_requests(&picker.start())[0];
    picker.apply(request, Err(ApiError::Status { status: 503 }));
    insta::assert_snapshot!(screen(&picker, 60, 5));
}

#[test]
fn the_picker_with_a_filter_nobody_matches() {
    let mut picker = loaded(&demo_profiles(), 50);
    type_text(&mut picker, "nobody-at-all");
    insta::assert_snapshot!(screen(&picker, 60, 5));
}

/// Answers every request of `picker` with the first page of `profiles`
/// and a `total` of `claimed`, the way a server that repeats itself does,
/// until it asks for nothing more; how many requests it made.
fn answer_with_the_same_page(picker: &mut PickerState, profiles: &[Value], claimed: u64) -> usize {
    let mut waiting = user_requests(&picker.start());
    let mut asked = waiting.len();
    while let Some(request) = waiting.pop() {
        let first = UsersRequest {
            offset: 0,
            ..request
        };
        let mut page = page_of(profiles, first);
        page.offset = request.offset;
        page.total = claimed;
        let more = user_requests(&picker.apply(request, Ok(page)));
        asked += more.len();
        assert!(asked < 1_000, "the list never stops asking");
        waiting.splice(0..0, more);
    }
    asked
}

fn crowd(n: u64) -> Vec<Value> {
    (1..=n).map(szchat_fake::synthetic_profile).collect()
}

#[test]
fn pages_that_bring_nobody_new_stop_the_list_and_it_says_who_did_not_arrive() {
    let profiles = crowd(60);
    let mut picker =
        PickerState::new(PageSize::DEFAULT).with_concurrency(Concurrency::new(4).unwrap());
    let asked = answer_with_the_same_page(&mut picker, &profiles, 1_000_000_000_000_000);
    assert!(asked <= 1 + 4 + 3, "{asked} requests");
    assert_eq!(picker.load(), &ListLoad::Repeated);
    assert_eq!(picker.loaded(), 50);
    assert_eq!(picker.missing(), 1_000_000_000_000_000 - 50);
    let footer = screen(&picker, 200, 6).to_string();
    assert!(
        footer.contains("999,999,999,999,950 of 1,000,000,000,000,000 visitors did not arrive"),
        "{footer}"
    );
    // Ctrl-r asks again, keeping what is shown.
    assert_eq!(user_requests(&picker.update(PickerAction::Retry)).len(), 1);
    assert_eq!(picker.loaded(), 50);

    // A total that the repeated pages fall short of: what is missing is said.
    let mut picker =
        PickerState::new(PageSize::DEFAULT).with_concurrency(Concurrency::new(4).unwrap());
    let asked = answer_with_the_same_page(&mut picker, &profiles, 150);
    assert_eq!(asked, 3);
    assert_eq!(picker.load(), &ListLoad::Complete);
    assert_eq!(picker.missing(), 100);
}

#[test]
fn a_list_that_brings_one_new_visitor_a_page_is_bounded_too() {
    let profiles = crowd(10_000);
    let mut picker = PickerState::new(PageSize::new(50).unwrap());
    let mut waiting = user_requests(&picker.start());
    let mut asked = waiting.len();
    let mut next = 0;
    while let Some(request) = waiting.pop() {
        // Each page: one visitor not seen before among ones seen already.
        let mut page = page_of(
            &profiles,
            UsersRequest {
                offset: 0,
                ..request
            },
        );
        page.visitors.truncate(49);
        page.visitors.push(
            parse_users_page(
                json!({"total": 1, "users": [szchat_fake::synthetic_profile(100_000 + next)]})
                    .to_string()
                    .as_bytes(),
                0,
                50,
            )
            .unwrap()
            .visitors[0]
                .clone(),
        );
        next += 1;
        page.total = 1_000_000;
        page.offset = request.offset;
        let more = user_requests(&picker.apply(request, Ok(page)));
        asked += more.len();
        waiting.splice(0..0, more);
    }
    assert_eq!(picker.load(), &ListLoad::Repeated);
    assert!(asked < 20, "{asked} requests");
}

#[test]
fn the_list_asks_for_nothing_while_it_is_off_screen() {
    let profiles = crowd(200);
    let mut picker = PickerState::new(PageSize::DEFAULT);
    let first = user_requests(&picker.start())[0];
    let second = user_requests(&picker.apply(first, Ok(page_of(&profiles, first))))[0];
    picker.hide();
    assert_eq!(
        user_requests(&picker.apply(second, Ok(page_of(&profiles, second)))),
        [],
        "an answer in flight lands, and asks for nothing more"
    );
    assert_eq!(picker.loaded(), 100);
    assert_eq!(picker.load(), &ListLoad::Loading);
    let resumed = user_requests(&picker.show());
    assert_eq!(resumed.iter().map(|r| r.offset).collect::<Vec<_>>(), [100]);
}

#[test]
fn a_server_that_pages_in_smaller_pages_than_asked_is_read_to_the_end() {
    let profiles = crowd(1_000);
    let mut picker =
        PickerState::new(PageSize::new(50).unwrap()).with_concurrency(Concurrency::new(4).unwrap());
    let mut waiting = user_requests(&picker.start());
    while let Some(request) = waiting.pop() {
        // At most 20 a page, whatever was asked.
        let capped = UsersRequest {
            limit: PageSize::new(20).unwrap(),
            ..request
        };
        let more = user_requests(&picker.apply(request, Ok(page_of(&profiles, capped))));
        waiting.splice(0..0, more);
    }
    assert_eq!(
        (picker.load(), picker.loaded(), picker.missing()),
        (&ListLoad::Complete, 1_000, 0)
    );
}

#[test]
fn offline_the_list_is_the_archives_in_its_order_and_nothing_is_fetched() {
    use szchat::archive::store::ArchivedVisitor;
    use szchat::archive::task::StoreRequest;
    let profiles = demo_profiles();
    let request = UsersRequest {
        offset: 0,
        limit: PageSize::new(99).unwrap(),
        generation: 1,
    };
    // The store's order (newest activity first): the reverse of the ids here.
    let archived: Vec<ArchivedVisitor> = page_of(&profiles, request)
        .visitors
        .into_iter()
        .rev()
        .map(|visitor| ArchivedVisitor {
            visitor,
            last_message_at: None,
            messages: 1,
        })
        .collect();
    let expected: Vec<String> = archived.iter().map(|a| a.visitor.display_name()).collect();

    let mut picker = PickerState::new(PageSize::new(99).unwrap());
    picker.go_offline();
    let effects = picker.start();
    assert!(
        matches!(
            effects.as_slice(),
            [PickerEffect::Store(StoreRequest::Visitors)]
        ),
        "{effects:?}"
    );
    picker.archived(Ok(archived));
    assert_eq!(picker.load(), &ListLoad::Complete);
    assert_eq!(names(&picker), expected);
    assert_eq!(picker.selected(), picker.shown().next().map(|v| v.id));

    // Neither Ctrl-r nor coming back to the list asks the network.
    let mut asked = picker.update(PickerAction::Retry);
    picker.hide();
    asked.extend(picker.show());
    assert!(
        !asked.iter().any(|e| matches!(e, PickerEffect::Fetch(_))),
        "{asked:?}"
    );
}
