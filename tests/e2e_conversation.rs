//! End-to-end: what the reader of one conversation sees in a real terminal
//! (tmux): the selection stays where the reader put it, a jump shows its
//! target's header, the bar keeps naming the visitor, Esc stops what it
//! names, notices fade, Backspace finds the visitor list, and a large paste
//! is taken in whole.

// This file uses a part of the tmux helpers.
#[path = "e2e/served.rs"]
mod served;
#[allow(dead_code)]
#[path = "e2e/tmux.rs"]
mod tmux;

use std::time::Duration;

use served::{Server, newest_demo_message};
use szchat_fake::{FakeConfig, synthetic_messages};
use tmux::{Launch, Screen, Tmux, selected_block};

const WIDTH: u16 = 100;
const HEIGHT: u16 = 30;

const USER: u64 = 4821;
const SECRET: &str = "e2e-secret-0123456789";

/// The status bar: the last row.
fn bar(screen: &Screen) -> String {
    screen.rows.last().cloned().unwrap_or_default()
}

/// "21 of 23" in the bar, as numbers.
fn position(screen: &Screen) -> Option<(u64, u64)> {
    let bar = bar(screen);
    let (before, after) = bar.split_once(" of ")?;
    let number = before.rsplit(' ').next()?.replace(',', "").parse().ok()?;
    let total = after.split(' ').next()?.replace(',', "").parse().ok()?;
    Some((number, total))
}

#[test]
fn a_new_message_leaves_the_selection_where_the_reader_put_it() {
    let launch = Launch::args(["--demo", "6107", "--poll", "1"]);
    let Some(tmux) = Tmux::start("follow-selection", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| position(s).is_some());
    tmux.send_keys(&["f"]);
    tmux.wait_for("following", |s| bar(s).contains("following · checked"));
    tmux.send_keys(&["G", "k", "k"]);
    let screen = tmux.wait_for("two messages up", |s| {
        position(s).is_some_and(|(number, total)| number + 2 == total)
    });
    let chosen = selected_block(&screen);
    let (number, total) = position(&screen).unwrap();
    // The demo's live chat adds a message every 5 seconds.
    let screen = tmux.wait_for("a new message", |s| {
        position(s).is_some_and(|(_, now)| now > total)
    });
    assert_eq!(
        position(&screen).map(|(n, _)| n),
        Some(number),
        "the selection moved:{screen:?}"
    );
    assert_eq!(selected_block(&screen), chosen, "{screen:?}");

    // At the newest message, the reader follows it.
    tmux.send_keys(&["G"]);
    let screen = tmux.wait_for("the newest", |s| {
        position(s).is_some_and(|(n, total)| n == total)
    });
    let (_, total) = position(&screen).unwrap();
    tmux.wait_for("the next new message, selected", |s| {
        position(s).is_some_and(|(n, now)| now > total && n == now)
    });
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn a_search_hit_shows_its_header_below_the_sticky_day_line() {
    let launch = Launch::args(["--demo", "1187"]);
    let Some(tmux) = Tmux::start("search-header", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| position(s).is_some());
    tmux.send_keys(&["/", ".csv", "Enter"]);
    for step in ["the first match", "the second match"] {
        let screen = tmux.wait_for(step, |s| {
            selected_block(s).iter().any(|row| row.contains(".csv"))
                && (step == "the first match" || bar(s).contains("match 2/"))
        });
        let block = selected_block(&screen);
        assert!(
            block.first().is_some_and(|header| header.contains(" · ")),
            "the match's header is hidden ({step}):{screen:?}"
        );
        tmux.send_keys(&["n"]);
    }
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

/// "1,250 loaded" in the bar, as a number.
fn loaded(screen: &Screen) -> Option<u64> {
    let bar = bar(screen);
    let at = bar.find(" loaded")?;
    bar[..at].rsplit(' ').next()?.replace(',', "").parse().ok()
}

#[test]
fn esc_stops_g_and_a_search_from_loading_on_and_says_so() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(3_000));
    // Slow enough that loading everything takes seconds.
    config.latency = Duration::from_millis(150);
    let server = Server::start(config);
    // Wide enough for the load count beside the date and the search.
    let Some(tmux) = Tmux::start("esc-stops", 170, HEIGHT, &server.launch(SECRET, USER)) else {
        return;
    };
    tmux.wait_for("the conversation", |s| {
        position(s).is_some() && loaded(s).is_some_and(|n| n > 0)
    });
    for (keys, said) in [
        (&["g"][..], "stopped loading older messages"),
        (
            &["/", "no such words", "Enter"][..],
            "search ended: stopped loading",
        ),
    ] {
        let before = loaded(&tmux.screen()).unwrap();
        tmux.send_keys(keys);
        tmux.wait_for("loading", |s| loaded(s).is_some_and(|n| n > before));
        tmux.send_keys(&["Escape"]);
        let screen = tmux.wait_for("the notice", |s| bar(s).contains(said));
        let stopped_at = loaded(&screen).unwrap();
        // What was in flight still lands; then nothing more is asked for.
        std::thread::sleep(Duration::from_secs(2));
        let settled = loaded(&tmux.screen()).unwrap();
        std::thread::sleep(Duration::from_secs(1));
        let screen = tmux.screen();
        assert_eq!(loaded(&screen), Some(settled), "loading went on:{screen:?}");
        assert!(settled < stopped_at + 500, "{stopped_at} then {settled}");
        assert!(settled < 3_000, "{screen:?}");
    }
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn a_search_that_finds_nothing_says_so_and_the_notice_fades() {
    let Some(tmux) = Tmux::start("no-match", WIDTH, HEIGHT, &Launch::args(["--demo", "4821"]))
    else {
        return;
    };
    tmux.wait_for("the conversation", |s| position(s).is_some());
    tmux.send_keys(&["/", "zqx", "Enter"]);
    tmux.wait_for("the notice", |s| bar(s).contains("no match for “zqx”"));
    // No key: it fades on its own after 5 seconds.
    let faded = tmux.wait_for_within(Duration::from_secs(8), |s| !bar(s).contains("no match"));
    assert!(faded.is_ok(), "the notice stayed:{:?}", faded.unwrap_err());
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn backspace_in_a_conversation_opened_by_id_opens_the_visitor_list() {
    let Some(tmux) = Tmux::start(
        "back-to-list",
        WIDTH,
        HEIGHT,
        &Launch::args(["--demo", "1187"]),
    ) else {
        return;
    };
    tmux.wait_for("the conversation", |s| position(s).is_some());
    tmux.send_keys(&["BSpace"]);
    let screen = tmux.wait_for("the visitor list", |s| {
        s.contains("Find a visitor:") && s.contains("10 visitors")
    });
    assert!(screen.contains("Marguerite Fontaine"), "{screen:?}");
    // From there on it is the list as `szchat` without an id shows it.
    tmux.send_keys(&["h", "a", "n", "a", "Enter"]);
    tmux.wait_for("Hana's conversation", |s| {
        bar(s).contains("visitor 4821") && position(s).is_some()
    });
    tmux.send_keys(&["BSpace"]);
    tmux.wait_for("the list as it was", |s| s.contains("Find a visitor: hana"));
    tmux.send_keys(&["Escape"]);
    tmux.wait_for("the filter cleared", |s| {
        !s.contains("Find a visitor: hana")
    });
    tmux.send_keys(&["Escape"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn the_status_bar_keeps_naming_the_visitor_at_any_width() {
    for width in [80, 92] {
        let launch = Launch::args(["--demo", "4821"]);
        let Some(tmux) = Tmux::start("bar-names", width, HEIGHT, &launch) else {
            return;
        };
        let screen = tmux.wait_for("the conversation", |s| {
            position(s).is_some() && bar(s).contains("Hana")
        });
        let bar = bar(&screen);
        assert!(bar.starts_with(" Hana"), "{width}: {bar}");
        assert!(
            bar.contains(" · visitor 4821 │ 334 of 334"),
            "{width}: {bar}"
        );
        tmux.send_keys(&["q"]);
        assert_eq!(tmux.wait_for_exit().status, 0);
    }
    // While a search loads the long history, and with a notice.
    let launch = Launch::args(["--demo", "1187"]);
    let Some(tmux) = Tmux::start("bar-names-wide", 120, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| bar(s).contains("Marguerite"));
    tmux.send_keys(&["/", "zq", "Enter"]);
    let screen = tmux.wait_for("the search", |s| {
        bar(s).contains("searching…") || bar(s).contains("no match")
    });
    assert!(
        bar(&screen).starts_with(" Marguerite") && bar(&screen).contains("visitor 1187"),
        "{screen:?}"
    );
    tmux.send_keys(&["N"]);
    let screen = tmux.wait_for("the notice", |s| {
        bar(s).contains("no newer match") || bar(s).contains("no search: / searches")
    });
    assert!(bar(&screen).contains("visitor 1187"), "{screen:?}");
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

/// The id at the end of the selected message's header ("… · #4711").
fn selected_id(screen: &Screen) -> Option<u64> {
    let header = selected_block(screen).into_iter().next()?;
    header.rsplit_once(" · #")?.1.parse().ok()
}

#[test]
fn the_selected_header_shows_the_id_that_colon_jumps_to() {
    let newest = newest_demo_message()["id"].as_u64().unwrap();
    let launch = Launch::args(["--demo", "4821"]);
    let Some(tmux) = Tmux::start("header-id", WIDTH, HEIGHT, &launch) else {
        return;
    };
    let screen = tmux.wait_for("the conversation", |s| selected_id(s).is_some());
    assert_eq!(selected_id(&screen), Some(newest), "{screen:?}");
    // Only the selected message shows it.
    assert_eq!(
        screen
            .rows
            .iter()
            .filter(|row| row.contains(" · #"))
            .count(),
        1,
        "{screen:?}"
    );
    tmux.send_keys(&["g"]);
    let screen = tmux.wait_for("the oldest", |s| s.contains("beginning of conversation"));
    assert_ne!(selected_id(&screen), Some(newest));
    tmux.send_keys(&[":", &format!("#{newest}"), "Enter"]);
    let screen = tmux.wait_for("the jump", |s| selected_id(s) == Some(newest));
    assert!(
        selected_block(&screen)[0].contains("Lindqvist · operator"),
        "{:?}{screen:?}",
        selected_block(&screen)
    );
    tmux.send_keys(&["i"]);
    tmux.wait_for("the details", |s| s.contains(&format!("message #{newest}")));
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn the_details_show_the_json_indented_without_borders_and_c_copies_it() {
    let newest = newest_demo_message();
    let launch = Launch::args(["--demo", "4821"]);
    let Some(tmux) = Tmux::start("detail-json", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| position(s).is_some());
    tmux.send_keys(&["i"]);
    tmux.wait_for("the details", |s| s.contains("c copy JSON"));
    tmux.send_keys(&["G"]);
    let id_row = format!("\"id\": {},", newest["id"]);
    let screen = tmux.wait_for("the JSON", |s| s.rows.iter().any(|r| r.trim() == id_row));
    // Each member on its own line, nothing beside it a mouse would pick up.
    let start = screen.find("JSON as received").unwrap();
    for row in &screen.rows[start..screen.rows.len() - 2] {
        assert!(
            !row.contains('│') && !row.contains('┃'),
            "a border on a JSON line:{screen:?}"
        );
    }
    assert_eq!(screen.rows[start + 1].trim_end(), "{", "{screen:?}");
    tmux.send_keys(&["c"]);
    tmux::eventually("the JSON on the clipboard", || !tmux.clipboard().is_empty());
    let copied: serde_json::Value = serde_json::from_str(&tmux.clipboard()[0]).unwrap();
    assert_eq!(copied, newest);
    tmux.wait_for("the notice", |s| {
        bar(s).contains("message JSON sent to the terminal")
    });
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn a_paste_of_10000_characters_is_taken_in_whole_and_enter_answers_at_once() {
    let launch = Launch::args(["--demo", "4821"]);
    let Some(tmux) = Tmux::start("paste", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| position(s).is_some());
    tmux.send_keys(&["/"]);
    tmux.wait_for("the prompt", |s| bar(s).starts_with('/'));
    let pasted = "x".repeat(9_999) + "y";
    tmux.send_keys(&["-l", &pasted]);
    tmux.send_keys(&["Enter"]);
    // Enter came after all of them, and answered: the search ran.
    let screen = tmux.wait_for("the search's answer", |s| {
        bar(s).contains("no match for “x")
    });
    assert!(
        !bar(&screen).starts_with('/'),
        "the prompt is still open:{screen:?}"
    );
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

#[test]
fn ctrl_c_on_screen_quits_with_status_0() {
    let launch = Launch::args(["--demo", "4821"]);
    let Some(tmux) = Tmux::start("ctrl-c", WIDTH, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| position(s).is_some());
    tmux.send_keys(&["C-c"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}

/// The profile panel's value for `label`, the last of the visitor's own
/// fields: its rows joined (the panel is the screen's columns from `panel_from`).
fn profile_value(screen: &Screen, label: &str, panel_from: usize) -> Option<String> {
    let rows: Vec<String> = screen
        .rows
        .iter()
        .map(|row| {
            let cells: String = row.chars().skip(panel_from).collect();
            cells
                .trim_matches(|c: char| c == '│' || c.is_whitespace())
                .to_owned()
        })
        .collect();
    let at = rows.iter().position(|row| row.starts_with(label))?;
    let mut value = rows[at][label.len()..].trim().to_owned();
    for row in &rows[at + 1..] {
        // Continued under itself up to the blank row before the attributes
        // (the label looked for is the last of the visitor's own fields).
        if row.is_empty() {
            break;
        }
        value.push_str(row);
    }
    Some(value)
}

#[test]
fn the_profile_shows_long_values_whole_and_c_copies_the_marked_one() {
    let launch = Launch::args(["--demo", "6107"]);
    let Some(tmux) = Tmux::start("profile", 200, HEIGHT, &launch) else {
        return;
    };
    tmux.wait_for("the conversation", |s| bar(s).contains("Ana Ortega"));
    tmux.send_keys(&["p"]);
    let screen = tmux.wait_for("the profile", |s| s.contains("last URL"));
    // The panel is the last 46 columns.
    let url = profile_value(&screen, "last URL", 200 - 46).unwrap();
    assert!(
        url.starts_with("https://app.ledgerline.example/"),
        "{url}:{screen:?}"
    );
    // Only the panel: the status bar (last row) may still say "checking for new messages…".
    let panel_cut = screen.rows[..screen.rows.len() - 1]
        .iter()
        .any(|row| row.chars().skip(200 - 46).any(|c| c == '…'));
    assert!(!panel_cut, "a value is cut:{screen:?}");
    // ↓ six times: name, email, reference, id, created, last seen, last URL.
    for _ in 0..6 {
        tmux.send_keys(&["Down"]);
    }
    tmux.send_keys(&["c"]);
    tmux::eventually("the URL on the clipboard", || !tmux.clipboard().is_empty());
    assert_eq!(tmux.clipboard(), [url]);
    tmux.wait_for("the notice", |s| {
        bar(s).contains("last URL sent to the terminal clipboard")
    });
    // ↑ back to the name.
    for _ in 0..6 {
        tmux.send_keys(&["Up"]);
    }
    tmux.send_keys(&["c"]);
    tmux::eventually("the name on the clipboard", || tmux.clipboard().len() == 2);
    assert_eq!(tmux.clipboard()[0], "Ana Ortega");
    tmux.send_keys(&["q"]);
    assert_eq!(tmux.wait_for_exit().status, 0);
}
