use chrono::FixedOffset;

use super::*;
use crate::export::html::embed::Embedded;
use crate::testing::message;
use crate::visitor::Visitor;

fn header() -> Header {
    let mut visitor = Visitor::unnamed(4821);
    visitor.name = Some("Hana <b>Whitfield</b>".to_owned());
    visitor.email = Some("hana@kestrel.example".to_owned());
    visitor.reference = Some("CUST-0042".to_owned());
    Header {
        user_id: 4821,
        visitor: Some(visitor),
        period: None,
        offset: FixedOffset::east_opt(3600).unwrap(),
        figures: Vec::new(),
    }
}

fn render(messages: &[Message], shown: &dyn Fn(MessageId) -> Option<Shown>) -> String {
    let zone = LocalZone::Fixed(FixedOffset::east_opt(3600).unwrap());
    let mut out = Vec::new();
    write_page(&mut out, &header(), &[], messages, shown, &zone).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn the_page_loads_and_runs_nothing_and_says_who_and_when() {
    let page = render(&[], &|_| None);
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">"#
    ));
    assert!(page.contains("break-inside: avoid"));
    assert!(!page.contains("<script"));
    for shown in [
        "Hana &lt;b&gt;Whitfield&lt;/b&gt;",
        "hana@kestrel.example",
        "<dd>4821</dd>",
        "CUST-0042",
        "all times in UTC+01:00",
    ] {
        assert!(page.contains(shown), "{shown} in {page}");
    }
}

#[test]
fn each_message_is_an_element_with_its_id_role_time_and_read_state() {
    let messages = [
        message(30)
            .from_visitor()
            .body("hello")
            .at("2026-11-16T08:14:00Z")
            .read_by(None, Some(true))
            .build(),
        message(31)
            .from_operator()
            .body("Welcome!")
            .at("2026-11-17T09:00:00Z")
            .auto_invitation(true)
            .read_by(Some(false), None)
            .build(),
    ];
    let page = render(&messages, &|_| None);
    assert!(
        page.contains(r#"<article class="message visitor" id="m30">"#),
        "{page}"
    );
    assert!(page.contains(r#"<article class="message operator auto-invitation" id="m31">"#));
    assert!(page.contains(r#"<time datetime="2026-11-16T09:14:00+01:00">09:14 UTC+01:00</time>"#));
    assert!(page.contains("✓ seen") && page.contains("unseen"));
    // One heading per local day, before its first message.
    assert_eq!(page.matches(r#"<h2 class="day">"#).count(), 2);
    assert!(page.find("Mon 16 Nov 2026").unwrap() < page.find("id=\"m30\"").unwrap());
}

#[test]
fn hostile_bodies_are_text_and_only_checked_urls_are_links() {
    let body = "<script>alert(1)</script> <img src=x onerror=alert(2)> \
                \u{1b}[2J javascript:alert(3) see https://ledgerline.example/help?a=1&b=2. \
                \"><a href=\"https://evil.example\">x</a>";
    let messages = [message(1).from_visitor().body(body).build()];
    let page = render(&messages, &|_| None);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains('\u{1b}'));
    // Each URL is a link of its own; the markup around the second stays text.
    assert_eq!(page.matches("<a ").count(), 2, "{page}");
    assert!(page.contains(
        r#"&lt;a href=&quot;<a href="https://evil.example/" rel="noopener noreferrer">"#
    ));
    assert!(page.contains(
        r#"<a href="https://ledgerline.example/help?a=1&amp;b=2" rel="noopener noreferrer">"#
    ));
}

#[test]
fn attachments_show_embedded_or_listed_and_never_their_link() {
    let link = "https://cdn.example/files/shot.png?expires=1&token=SIGNED";
    let messages = [
        message(1).from_visitor().attachment(link).build(),
        message(2)
            .from_visitor()
            .attachment("https://cdn.example/files/invoice.pdf?token=SIGNED")
            .build(),
        message(3)
            .from_visitor()
            .attachment("https://cdn.example/files/old.pdf?token=SIGNED")
            .build(),
    ];
    let shown = |id| match id {
        1 => Some(Shown::Embedded {
            name: "shot<1>.png".to_owned(),
            image: Embedded {
                data_uri: "data:image/png;base64,AAAA".to_owned(),
                width: 4,
                height: 3,
            },
        }),
        2 => Some(Shown::Listed {
            name: "invoice.pdf".to_owned(),
            size: Some(14_540),
            note: None,
        }),
        _ => None,
    };
    let page = render(&messages, &shown);
    assert!(
        page.contains(
            r#"<img src="data:image/png;base64,AAAA" alt="shot&lt;1&gt;.png" width="4" height="3">"#
        ),
        "{page}"
    );
    assert!(page.contains("Attachment: invoice.pdf · 14.2 KB"));
    assert!(page.contains("Attachment: old.pdf"));
    assert!(!page.contains("SIGNED") && !page.contains("cdn.example"));
}

#[test]
fn sizes_read_in_bytes_kb_and_mb() {
    assert_eq!(size_label(812), "812 bytes");
    assert_eq!(size_label(14_540), "14.2 KB");
    assert_eq!(size_label(12 * 1024 * 1024), "12.0 MB");
}
