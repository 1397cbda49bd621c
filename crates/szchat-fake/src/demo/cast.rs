//! Eight of the demo's visitors (Hana and Marguerite have modules of their
//! own): who they are, what they said and what they sent, each dated back
//! from start-up. Together they show a visitor online right now (the live
//! chat), one seen minutes ago, one with a rich profile, one who has not
//! written yet, one without an email, one gone for months, and text in
//! Japanese, Arabic, emoji sequences and combining marks.

use chrono::{DateTime, TimeDelta, Utc};

use super::formats::{pdf, png};
use super::hana::{priya, tomas};
use super::story::{Extra, Sender, Story, file, wait};
use super::{Member, Profile, ending_at, minutes, values};
use crate::Visitor;

/// The visitor whose conversation grows while the demo runs (Ana Ortega).
pub(crate) const LIVE_USER_ID: u64 = 6107;

const KENJI_ID: u64 = 5215;
const OLUWASEUN_ID: u64 = 8015;
const LIAM_ID: u64 = 9544;
const ZOE_ID: u64 = 9120;
const LAYLA_ID: u64 = 3390;
const TIAGO_ID: u64 = 10031;
const GRETA_ID: u64 = 2210;

/// Mei of support, who is chatting with Ana right now.
pub(crate) fn mei() -> Sender {
    Sender::operator(
        154,
        "Mei",
        "Chen",
        "mei.chen@ledgerline.example",
        Some("https://cdn.ledgerline.example/avatars/154-thumb.png"),
    )
}

/// Jonas, the integrations specialist, without a picture.
pub(crate) fn jonas() -> Sender {
    Sender::operator(
        131,
        "Jonas",
        "Weber",
        "jonas.weber@ledgerline.example",
        None,
    )
}

/// Everyone in this module, as of `now`.
pub(crate) fn members(now: DateTime<Utc>) -> Vec<Member> {
    vec![
        ana(now),
        kenji(now),
        oluwaseun(now),
        liam(now),
        zoe(now),
        layla(now),
        tiago(now),
        greta(now),
    ]
}

fn days(count: i64) -> TimeDelta {
    TimeDelta::days(count)
}

/// Ana Ortega: upgrading her plan right now and stuck at the card check;
/// the live chat carries her conversation on.
fn ana(now: DateTime<Utc>) -> Member {
    const NAME: &str = "Ana Ortega";
    const EMAIL: &str = "ana@pastelaria-conceicao.example";
    let profile = Profile {
        name: NAME,
        email: Some(EMAIL),
        reference: Some("acct_6107"),
        created_at: now - days(13),
        updated_at: now - minutes(9),
        online_at: now - TimeDelta::seconds(15),
        last_url: Some(
            "https://app.ledgerline.example/checkout/upgrade?plan=growth&billing=yearly",
        ),
        attributes: &[
            ("company", "Pastelaria Conceic\u{327}a\u{303}o"),
            ("plan", "Starter (trial)"),
            ("stores", "Porto, Lisboa"),
            ("locale", "pt-PT"),
        ],
    };
    let messages = ending_at(now - TimeDelta::seconds(40), |start| {
        let ana = Sender::visitor(LIVE_USER_ID, NAME, Some(EMAIL));
        let mei = mei();
        let mut s = Story::new(LIVE_USER_ID, 1_552_000);
        s.session(start);
        s.say_with(
            &mei,
            "Hi! Need any help?",
            Extra::default().auto_invitation(),
        );
        s.say_with(
            &ana,
            "hi! I'm trying to upgrade to Growth, yearly, but the payment page just keeps spinning",
            wait(35),
        );
        s.say(
            &mei,
            "Hi Ana, I'm Mei 👋 Sorry about that! Which card are you paying with?",
        );
        s.say(&ana, "a Visa from a Portuguese bank");
        s.say(&ana, "here's what I see");
        s.say_with(
            &ana,
            "checkout-error.png",
            file("checkout-error.png").wait(20),
        );
        s.say(
            &mei,
            "Thanks! The red banner says your bank asked for 3-D Secure, and the window for it was blocked.",
        );
        s.say(&ana, "ahh, I have a pop-up blocker 🙈");
        s.say(
            &mei,
            "Could you allow pop-ups for app.ledgerline.example and press Pay again?",
        );
        s.say(&ana, "trying now");
        s
    });
    Member {
        visitor: Visitor {
            id: LIVE_USER_ID,
            profile: profile.to_value(LIVE_USER_ID),
            messages: values(messages),
        },
        files: vec![("checkout-error.png".to_owned(), checkout_screenshot())],
    }
}

/// A checkout form under a red banner, its Pay button greyed out.
fn checkout_screenshot() -> Vec<u8> {
    png(300, 170, |x, y| {
        let inside =
            |left, top, right, bottom| (left..right).contains(&x) && (top..bottom).contains(&y);
        if y < 20 {
            [24, 44, 84] // header bar
        } else if inside(20, 30, 280, 50) {
            if inside(30, 37, 200, 43) {
                [255, 255, 255]
            } else {
                [214, 40, 40]
            } // error banner
        } else if inside(40, 62, 260, 160) {
            if inside(56, 76, 244, 92) || inside(56, 102, 150, 118) || inside(160, 102, 244, 118) {
                [232, 234, 238] // card number, expiry and CVC fields
            } else if inside(56, 130, 244, 148) {
                [170, 178, 190] // the Pay button, waiting
            } else {
                [255, 255, 255]
            }
        } else {
            [246, 247, 249]
        }
    })
}

/// 佐藤 健二 of Kestrel's Osaka warehouse (Hana invited him): Japanese
/// labels, half-width katakana, seen five minutes ago.
fn kenji(now: DateTime<Utc>) -> Member {
    const NAME: &str = "佐藤 健二";
    const EMAIL: &str = "kenji.sato@kestrel-outdoor.example";
    let profile = Profile {
        name: NAME,
        email: Some(EMAIL),
        reference: Some("kestrel-outdoor-supply/osaka"),
        created_at: now - days(8),
        updated_at: now - days(8) + minutes(10),
        online_at: now - minutes(5),
        last_url: Some("https://app.ledgerline.example/warehouses/osaka/labels?print=1"),
        attributes: &[
            ("company", "Kestrel Outdoor Supply"),
            ("warehouse", "Osaka"),
            ("role", "Warehouse staff"),
            ("language", "日本語"),
        ],
    };
    let messages = ending_at(now - minutes(6), |start| {
        let kenji = Sender::visitor(KENJI_ID, NAME, Some(EMAIL));
        let tomas = tomas();
        let mut s = Story::new(KENJI_ID, 1_549_000);
        s.session(start);
        s.say(
            &kenji,
            "こんにちは! Hello, I am Kenji from the Kestrel Osaka warehouse.",
        );
        s.say_with(
            &tomas,
            "Hi Kenji! Tomás here, Hana said you'd be joining. Welcome 🙂",
            wait(30),
        );
        s.say(
            &kenji,
            "Thank you. I have a question about shipping labels.",
        );
        s.say(
            &kenji,
            "When I print, the product name is only squares: □□□□□□□□□",
        );
        s.say_with(
            &kenji,
            "label-printer-osaka.png",
            file("label-printer-osaka.png"),
        );
        s.say(&tomas, "Thanks for the photo. Which printer is it?");
        s.say(&kenji, "Brother QL-820NWB");
        s.say(
            &tomas,
            "That one needs the label font set to \"Noto Sans JP\" for Japanese names.",
        );
        s.say(
            &tomas,
            "In Warehouses → Osaka → Labels there is a Font setting. Could you switch it?",
        );
        s.say(&kenji, "OK, one moment");
        s.say_with(&kenji, "変更しました。印刷中…", wait(60));
        s.say_with(
            &kenji,
            "It works! 登山用ヘッドランプ is printed correctly ✨",
            wait(40),
        );
        s.say(&tomas, "Excellent! 🎉");
        s.say(
            &kenji,
            "One more: names from the old system use half-width ｶﾀｶﾅ like ﾍｯﾄﾞﾗﾝﾌﾟ. Will they print?",
        );
        s.say(
            &tomas,
            "Yes, as they are. If you prefer, the catalogue can turn half-width katakana into full-width on import.",
        );
        s.say(&kenji, "Full-width is better. Where is that?");
        s.say(
            &tomas,
            "Catalogue → Import → Options → \"Normalise Japanese width\".",
        );
        s.say(&kenji, "Found it. ありがとうございます 🙇");
        s.say(&tomas, "どういたしまして! Have a good evening in Osaka.");
        s
    });
    Member {
        visitor: Visitor {
            id: KENJI_ID,
            profile: profile.to_value(KENJI_ID),
            messages: values(messages),
        },
        files: vec![("label-printer-osaka.png".to_owned(), label_photo())],
    }
}

/// A label on a desk: a row of empty boxes where the name should be, and a barcode.
fn label_photo() -> Vec<u8> {
    png(240, 140, |x, y| {
        if !((30..210).contains(&x) && (20..120).contains(&y)) {
            return [60, 60, 66]; // the desk
        }
        let in_box_row = (36..56).contains(&y);
        let box_x = x.saturating_sub(42) % 22;
        let box_edge = (42..196).contains(&x)
            && (box_x == 0 || box_x == 15 || ((y == 36 || y == 55) && box_x < 16));
        if in_box_row && box_edge {
            return [30, 30, 30]; // the boxes Japanese turned into
        }
        if (78..108).contains(&y) && (48..192).contains(&x) && (x * 7 + x / 3) % 5 < 2 {
            return [20, 20, 20]; // barcode
        }
        [252, 252, 248]
    })
}

/// Oluwaseun Adeyemi: the richest profile (an enterprise account's custom
/// attributes and a deep last URL); webhooks, over two days.
fn oluwaseun(now: DateTime<Utc>) -> Member {
    const NAME: &str = "Oluwaseun Adeyemi";
    const EMAIL: &str = "seun@adeyemi-logistics.example";
    let profile = Profile {
        name: NAME,
        email: Some(EMAIL),
        reference: Some("ent-0042-adeyemi"),
        created_at: now - days(412),
        updated_at: now - days(2),
        online_at: now - minutes(47),
        last_url: Some(
            "https://app.ledgerline.example/integrations/webhooks/wh_7Qm2x9/deliveries?status=failed&page=3&per_page=50#delivery-88213",
        ),
        attributes: &[
            ("company", "Adeyemi & Daughters Logistics"),
            ("plan", "Enterprise (annual)"),
            ("seats", "48"),
            ("role", "Head of Integrations"),
            ("account_manager", "Priya Raman"),
            ("mrr_eur", "2,340.00"),
            ("signup_source", "partner: Northbook marketplace"),
            ("utm_campaign", "webinar-api-exports"),
            ("app_version", "web 2026.11.3 (build 8812)"),
            ("browser", "Firefox 146 on Ubuntu 26.04"),
            ("locale", "en-NG"),
            ("timezone", "Africa/Lagos"),
            ("warehouses", "Lagos, Ibadan, Port Harcourt, Abuja, Kano"),
            ("feature_flags", "exports_v2, webhooks_beta, sso"),
            ("trial_ends", ""),
            (
                "notes",
                "Prefers invoices by email to accounts@adeyemi-logistics.example; rotated the API key after an audit; \
                 asks for webhook retries to be documented before renewal.",
            ),
        ],
    };
    let messages = ending_at(now - minutes(49), |start| {
        let seun = Sender::visitor(OLUWASEUN_ID, NAME, Some(EMAIL));
        let jonas = jonas();
        let mut s = Story::new(OLUWASEUN_ID, 1_540_000);
        s.session(start);
        s.say(
            &seun,
            "Hello. Since yesterday our webhook endpoint answers 401 to every delivery.",
        );
        s.say_with(
            &jonas,
            "Hi Oluwaseun, Jonas from integrations. Did anything change on your side yesterday?",
            wait(90),
        );
        s.say(
            &seun,
            "We rotated our API key after an audit. The webhook signing secret too, I believe.",
        );
        s.say(
            &jonas,
            "That would do it. Which header does your endpoint check?",
        );
        s.say(
            &seun,
            "`X-Ledgerline-Signature`, HMAC-SHA256 of the raw body with the signing secret.",
        );
        s.say(&seun, "Here is one payload we received, unchanged:");
        s.say_with(&seun, "webhook-payload.json", file("webhook-payload.json"));
        s.say_with(
            &jonas,
            "Thanks. The payload and its signature look right from our side.",
            wait(60),
        );
        s.say(&jonas, "Is the new signing secret deployed to all your instances? A 401 from only some would fit.");
        s.say(
            &seun,
            "We run three instances behind a load balancer. Checking.",
        );
        s.say_with(
            &seun,
            "Two of three still had the old secret 🤦🏿\u{200d}♂\u{fe0f}",
            wait(240),
        );
        s.say(
            &jonas,
            "That explains the pattern in your delivery log: roughly two in three failing.",
        );
        s.say(
            &seun,
            "Redeployed. Can you resend the failed deliveries from the last 24 hours?",
        );
        s.say(&jonas, "You can do that yourself: Integrations → Webhooks → Deliveries → filter \"failed\" → Resend all.");
        s.say(
            &seun,
            "Will the resend keep the original order? Our ledger must apply events in sequence.",
        );
        s.say(&jonas, "They are resent oldest first, and each carries `sequence` so you can reorder if needed.");
        s.say(&seun, "Good. Resending now.");
        s.say_with(&seun, "All 1,284 delivered, 0 failed ✅", wait(300));
        s.say(
            &jonas,
            "Great! I'll note in your account that the retries are documented for the renewal.",
        );

        // The next day: a follow-up about the log.
        s.session(start + TimeDelta::hours(21));
        s.say(
            &seun,
            "Hello again. One follow-up: our delivery log shows some duplicates after the resend.",
        );
        s.say_with(&seun, "delivery-log.txt", file("delivery-log.txt"));
        s.say_with(
            &jonas,
            "Hi! Looking… the duplicates have the same `event_id`, right?",
            wait(120),
        );
        s.say(&seun, "Yes, same event_id, different delivery_id.");
        s.say(&jonas, "Then they're safe to drop: deliveries retry, events never repeat. Deduplicate on event_id.");
        s.say(&seun, "Understood. We'll add a unique index on event_id.");
        s.say(&jonas, "That's exactly what we recommend 👍");
        s.say(&seun, "Thanks, Jonas. E se dupe (thank you, in Yorùbá).");
        s.say(&jonas, "You're welcome! 🙂");
        s
    });
    Member {
        visitor: Visitor {
            id: OLUWASEUN_ID,
            profile: profile.to_value(OLUWASEUN_ID),
            messages: values(messages),
        },
        files: vec![
            (
                "webhook-payload.json".to_owned(),
                WEBHOOK_PAYLOAD.as_bytes().to_vec(),
            ),
            (
                "delivery-log.txt".to_owned(),
                DELIVERY_LOG.as_bytes().to_vec(),
            ),
        ],
    }
}

const WEBHOOK_PAYLOAD: &str = r#"{
  "event_id": "evt_01JD7Q2Y8R6W3M",
  "sequence": 88213,
  "type": "order.paid",
  "created_at": "2026-11-26T14:02:11Z",
  "data": {
    "order_id": "ORD-LAG-55120",
    "warehouse": "Lagos",
    "total": {"amount": "184500.00", "currency": "NGN"},
    "customer": {"name": "Chukwuemeka Okafor", "email": "c.okafor@example.com"}
  }
}
"#;

const DELIVERY_LOG: &str = "\
delivery_id=dlv_901 event_id=evt_01JD7Q2Y8R6W3M status=401 instance=web-2
delivery_id=dlv_902 event_id=evt_01JD7Q2Y8R6W3N status=200 instance=web-1
delivery_id=dlv_903 event_id=evt_01JD7Q2Y8R6W3P status=401 instance=web-3
delivery_id=dlv_977 event_id=evt_01JD7Q2Y8R6W3M status=200 instance=web-1 resend=true
delivery_id=dlv_978 event_id=evt_01JD7Q2Y8R6W3M status=200 instance=web-2 resend=true
";

/// Liam O'Connor: arrived from the newsletter a quarter of an hour ago and
/// is reading the pricing page; he has not written anything yet.
fn liam(now: DateTime<Utc>) -> Member {
    let profile = Profile {
        name: "Liam O'Connor",
        email: Some("liam.oconnor@example.ie"),
        reference: None,
        created_at: now - minutes(25),
        updated_at: now - minutes(25),
        online_at: now - minutes(12),
        last_url: Some(
            "https://www.ledgerline.example/pricing?utm_source=newsletter&utm_medium=email",
        ),
        attributes: &[
            ("utm_source", "newsletter"),
            ("utm_campaign", "autumn-offer"),
        ],
    };
    Member {
        visitor: Visitor {
            id: LIAM_ID,
            profile: profile.to_value(LIAM_ID),
            messages: Vec::new(),
        },
        files: Vec::new(),
    }
}

/// Zoë Ångström, her name typed with a combining diaeresis: emoji of every
/// kind (skin tones, ZWJ sequences, flags, keycaps).
fn zoe(now: DateTime<Utc>) -> Member {
    const NAME: &str = "Zoe\u{308} Ångström";
    const EMAIL: &str = "zoe@fika-och-bullar.example";
    let profile = Profile {
        name: NAME,
        email: Some(EMAIL),
        reference: Some("acct_9120"),
        created_at: now - days(150),
        updated_at: now - days(30),
        online_at: now - minutes(130),
        last_url: Some("https://app.ledgerline.example/settings/profile#appearance"),
        attributes: &[
            ("company", "Fika och Bullar AB"),
            ("plan", "Starter"),
            ("locale", "sv-SE"),
        ],
    };
    let messages = ending_at(now - minutes(132), |start| {
        let zoe = Sender::visitor(ZOE_ID, NAME, Some(EMAIL));
        let mei = mei();
        let mut s = Story::new(ZOE_ID, 1_546_000);
        s.session(start);
        s.say(&zoe, "Hej! 👋🏼🇸🇪");
        s.say_with(&mei, "Hej Zoë! How can I help?", wait(20));
        s.say(&zoe, "two tiny things 1️⃣ dark mode? 2️⃣ the app on my phone");
        s.say(
            &mei,
            "1️⃣ Dark mode is under Settings → Profile → Appearance 🌙",
        );
        s.say(&zoe, "found it 😍 my eyes thank you");
        s.say(
            &mei,
            "2️⃣ There's no phone app yet, but the web app works in the phone's browser 📱",
        );
        s.say(&zoe, "oh ok! I'll add it to the home screen then");
        s.say(&zoe, "our team is me 👩🏽\u{200d}💻, my partner 👨🏻\u{200d}🍳 and two bakers 🧑\u{200d}🍳🧑\u{200d}🍳");
        s.say(
            &mei,
            "Sounds like a lovely team! Starter covers up to 5 people, so you're all set.",
        );
        s.say(&zoe, "perfect ❤\u{fe0f}");
        s.say(&zoe, "also we're hosting a pride fika on saturday 🏳\u{fe0f}\u{200d}🌈☕🥐 come by if you're in Malmö!");
        s.say(
            &mei,
            "Ha, I'm a bit far away, but have a wonderful time! 🎉",
        );
        s.say(&zoe, "tack så mycket! 🙏✨");
        s
    });
    Member {
        visitor: Visitor {
            id: ZOE_ID,
            profile: profile.to_value(ZOE_ID),
            messages: values(messages),
        },
        files: Vec::new(),
    }
}

/// ليلى حداد (Layla Haddad): a name in Arabic script; Priya sends her a quote.
fn layla(now: DateTime<Utc>) -> Member {
    const NAME: &str = "ليلى حداد";
    const EMAIL: &str = "layla@cedar-and-thyme.example";
    let profile = Profile {
        name: NAME,
        email: Some(EMAIL),
        reference: Some("lead-3390"),
        created_at: now - TimeDelta::hours(27),
        updated_at: now - TimeDelta::hours(27),
        online_at: now - TimeDelta::hours(26),
        last_url: Some("https://www.ledgerline.example/ar/contact-sales"),
        attributes: &[
            ("company", "Cedar & Thyme Trading"),
            ("stores", "12"),
            ("country", "AE"),
        ],
    };
    let messages = ending_at(now - TimeDelta::hours(26) - minutes(3), |start| {
        let layla = Sender::visitor(LAYLA_ID, NAME, Some(EMAIL));
        let priya = priya();
        let mut s = Story::new(LAYLA_ID, 1_543_000);
        s.session(start);
        s.say(
            &layla,
            "مرحبا! Hello, we have 12 grocery stores in Dubai and Sharjah.",
        );
        s.say_with(
            &priya,
            "Hello Layla, welcome! I'm Priya. How can I help?",
            wait(45),
        );
        s.say(
            &layla,
            "We need a quote for Growth with 12 warehouses and about 30 users.",
        );
        s.say(
            &layla,
            "Invoices in AED if possible, with our TRN (VAT number).",
        );
        s.say(
            &priya,
            "We can invoice in AED, yes. One moment while I prepare the quote.",
        );
        s.say_with(&priya, "Here it is:", wait(180));
        s.say_with(
            &priya,
            "quote-cedar-and-thyme.pdf",
            file("quote-cedar-and-thyme.pdf"),
        );
        s.say(&layla, "Thank you! Is the price fixed for the year?");
        s.say(
            &priya,
            "Yes, for 12 months from signature. Warehouses added later are prorated.",
        );
        s.say(
            &layla,
            "I will share it with our partners and come back to you.",
        );
        s.say(&priya, "Of course. The quote is valid for 30 days.");
        s.say(&layla, "شكرا جزيلا 🌿");
        s
    });
    Member {
        visitor: Visitor {
            id: LAYLA_ID,
            profile: profile.to_value(LAYLA_ID),
            messages: values(messages),
        },
        files: vec![("quote-cedar-and-thyme.pdf".to_owned(), quote())],
    }
}

fn quote() -> Vec<u8> {
    pdf(&[
        "Ledgerline Ltd - QUOTE Q-3390",
        "",
        "Customer:        Cedar & Thyme Trading (Layla Haddad)",
        "Valid for:       30 days",
        "",
        "Ledgerline Growth plan, 12 months          AED 6,588.00",
        "Additional warehouses (11 x 12 months)     AED 14,520.00",
        "Additional seats (20 x 12 months)          AED 7,920.00",
        "VAT 5%                                     AED 1,451.40",
        "",
        "Total                                      AED 30,479.40",
    ])
}

/// Tiago: a food truck owner on his phone who gave no email, asked twice
/// and left; the answer came after he had gone and is still unread.
fn tiago(now: DateTime<Utc>) -> Member {
    const NAME: &str = "Tiago";
    let profile = Profile {
        name: NAME,
        email: None,
        reference: None,
        created_at: now - days(9) - minutes(4),
        updated_at: now - days(9) - minutes(4),
        online_at: now - days(9),
        last_url: None,
        attributes: &[],
    };
    let messages = ending_at(now - days(9) + TimeDelta::hours(3), |start| {
        let tiago = Sender::visitor(TIAGO_ID, NAME, None);
        let jonas = jonas();
        let mut s = Story::new(TIAGO_ID, 1_538_100);
        s.session(start);
        s.say(&tiago, "olá, do you have a plan for a single food truck?");
        s.say_with(&tiago, "🚚🌮 no warehouse, just the truck", wait(40));
        s.say_with(
            &jonas,
            "Hi Tiago! Sorry for the wait. Yes: Starter fits one location, truck included 🙂",
            wait(3 * 60 * 60).unread(),
        );
        s.say_with(
            &jonas,
            "Reply here whenever suits you.",
            Extra::default().unread(),
        );
        s
    });
    Member {
        visitor: Visitor {
            id: TIAGO_ID,
            profile: profile.to_value(TIAGO_ID),
            messages: values(messages),
        },
        files: Vec::new(),
    }
}

/// Greta Lindström: closed her account three months ago, on good terms.
fn greta(now: DateTime<Utc>) -> Member {
    const NAME: &str = "Greta Lindström";
    const EMAIL: &str = "greta@lindstrom-keramik.example";
    let left = now - days(94);
    let profile = Profile {
        name: NAME,
        email: Some(EMAIL),
        reference: Some("acct_2210"),
        created_at: now - days(701),
        updated_at: left,
        online_at: left,
        last_url: Some("https://help.ledgerline.example/articles/close-your-account"),
        attributes: &[
            ("company", "Lindström Keramik"),
            ("plan", "Cancelled (was Starter)"),
        ],
    };
    let messages = ending_at(left - minutes(2), |start| {
        let greta = Sender::visitor(GRETA_ID, NAME, Some(EMAIL));
        let priya = priya();
        let mut s = Story::new(GRETA_ID, 1_312_000);
        s.session(start);
        s.say(
            &greta,
            "Hello, I'm retiring and closing the pottery shop, so I'd like to close my account.",
        );
        s.say_with(
            &priya,
            "Hello Greta, congratulations on your retirement! I can help with that.",
            wait(60),
        );
        s.say(
            &priya,
            "Before closing, do you want an export of all your orders and invoices?",
        );
        s.say(
            &greta,
            "Yes please, my accountant needs seven years of records.",
        );
        s.say(&priya, "Reports → Exports → \"Everything\" gives one ZIP with all of it. It may take a few minutes.");
        s.say_with(&greta, "Downloaded, 38 MB. Thank you.", wait(400));
        s.say(
            &priya,
            "Great. I've closed the account as of today; no further charges.",
        );
        s.say(&priya, "Here's the final invoice, prorated to today:");
        s.say_with(
            &priya,
            "final-invoice-2210.pdf",
            file("final-invoice-2210.pdf"),
        );
        s.say(
            &greta,
            "Perfect. Ledgerline made the bookkeeping much less painful, tack så mycket!",
        );
        s.say(&priya, "That's lovely to hear. Enjoy your retirement 🌷");
        s
    });
    Member {
        visitor: Visitor {
            id: GRETA_ID,
            profile: profile.to_value(GRETA_ID),
            messages: values(messages),
        },
        files: vec![("final-invoice-2210.pdf".to_owned(), final_invoice())],
    }
}

fn final_invoice() -> Vec<u8> {
    pdf(&[
        "Ledgerline Ltd - FINAL INVOICE",
        "",
        "Customer:        Lindstrom Keramik (account 2210)",
        "Billing contact: Greta Lindstrom",
        "",
        "Ledgerline Starter plan, prorated          EUR 21.40",
        "Credit for unused days                     EUR -4.10",
        "",
        "Total                                      EUR 17.30",
        "Account closed. Thank you for being a customer.",
    ])
}
