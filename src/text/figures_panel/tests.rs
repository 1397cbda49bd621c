use chrono::TimeDelta;

use super::*;
use crate::conversation::Conversation;
use crate::testing::{minute, timed};

fn figures_of(messages: &[(i64, bool)]) -> ConversationFigures {
    let mut conversation = Conversation::new();
    for (id, (at, visitor)) in messages.iter().enumerate() {
        conversation.insert(timed(id as u64 + 1, *at, *visitor, "text"));
    }
    ConversationFigures::of(conversation.iter(), TimeDelta::minutes(30))
}

fn text_of(figures: &ConversationFigures, now_minute: i64) -> PanelText<'_> {
    PanelText {
        figures,
        zone: LocalZone::utc(),
        now: minute(now_minute),
        whole_history: true,
    }
}

fn plain(lines: &[Line<'_>]) -> Vec<String> {
    lines.iter().map(ToString::to_string).collect()
}

#[test]
fn the_figures_read_in_words_and_waiting_is_in_the_warning_colour() {
    // A question answered after 3 min; 2 h later two more, unanswered.
    let figures = figures_of(&[(0, true), (3, false), (123, true), (125, true)]);
    let text = text_of(&figures, 137);
    let (rows, _) = extent(&text, Rect::new(0, 0, 60, 40), false);
    let all = lines(&text, 50, 0, rows);
    let words = plain(&all);
    insta::assert_snapshot!(words.join("\n"));
    assert!(words.contains(&"first response 3 min".to_owned()));
    let waiting = all
        .iter()
        .find(|line| line.to_string().starts_with("waiting 14 min"))
        .expect("a waiting line");
    assert_eq!(waiting.spans[0].style.fg, Some(WARNING));
    // Newest session first, numbered from the oldest.
    let sessions: Vec<&String> = words.iter().rev().take(2).collect();
    assert!(
        sessions[0]
            .trim_start()
            .starts_with("#1 9 Feb 2018 17:00 · 3 min · 2 messages")
    );
    assert!(
        sessions[1]
            .trim_start()
            .starts_with("#2 9 Feb 2018 19:03 · 2 min · 2 messages")
    );
}

#[test]
fn no_reply_and_an_answered_conversation_say_so() {
    let unanswered = figures_of(&[(0, true)]);
    let words = plain(&lines(&text_of(&unanswered, 5), 50, 0, 100));
    assert!(words.contains(&"no reply yet".to_owned()), "{words:#?}");
    assert!(
        words
            .iter()
            .any(|w| w.starts_with("waiting 5 min · 1 unanswered message"))
    );
    let answered = figures_of(&[(0, true), (1, false)]);
    let words = plain(&lines(&text_of(&answered, 5), 50, 0, 100));
    assert!(
        words.contains(&"answered: nobody waiting".to_owned()),
        "{words:#?}"
    );
    assert!(!words.iter().any(|w| w.starts_with("waiting")));
    let empty = figures_of(&[]);
    assert_eq!(
        plain(&lines(&text_of(&empty, 0), 50, 0, 100)),
        ["no messages yet"]
    );
}

#[test]
fn a_window_of_rows_is_the_same_as_those_rows_of_the_whole() {
    let history: Vec<(i64, bool)> = (0..40).map(|i| (i * 45, i % 2 == 0)).collect();
    let figures = figures_of(&history);
    let text = text_of(&figures, 2000);
    let (rows, _) = extent(&text, Rect::new(0, 0, 60, 10), false);
    let whole = plain(&lines(&text, 40, 0, rows));
    assert_eq!(whole.len(), rows);
    for skip in [0, 3, 10, rows - 5] {
        assert_eq!(
            plain(&lines(&text, 40, skip, 5)),
            whole[skip..skip + 5],
            "from {skip}"
        );
    }
    assert!(
        whole
            .iter()
            .all(|line| crate::wrap::display_width(line) <= 40)
    );
}

#[test]
fn while_older_messages_are_not_loaded_the_panel_says_whose_figures_these_are() {
    let figures = figures_of(&[(0, true), (3, false)]);
    let text = PanelText {
        whole_history: false,
        ..text_of(&figures, 5)
    };
    let words = plain(&lines(&text, 50, 0, 100));
    assert!(words.contains(&"of the loaded messages; g loads them all".to_owned()));
}
