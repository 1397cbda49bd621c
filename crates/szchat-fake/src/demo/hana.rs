//! Visitor 4821, Hana Whitfield of Kestrel Outdoor Supply, and her week of
//! November 2026 with Ledgerline support: a double charge on her
//! subscription and a monthly order export that breaks on the Japanese
//! product names of the Osaka warehouse. Her dates are fixed (tests and the
//! README's screen captures show them); `tests/golden/` holds the exact JSON
//! and files, which the tests below compare byte for byte.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::formats::{pdf, png};
use super::story::{DemoMessage, Extra, Sender, Story, file, wait};

/// Her visitor id.
pub(crate) const USER_ID: u64 = 4821;
/// The seed of her conversation's pauses, milliseconds and id steps.
const SEED: u64 = 4821;
/// Her first message's id.
const FIRST_ID: u64 = 1_530_204;

/// When she last had the chat open: a minute after her last message.
const ONLINE_AT: &str = "2026-11-24T11:47:22.000Z";

const TERMINAL_FAILURE: &str = "$ ledgerline export --month 2026-10 --out exports/\n\
    \u{1b}[1mLedgerline CLI 3.8.2\u{1b}[0m\n\
    \u{1b}[32m✔\u{1b}[0m authenticated as hana.whitfield@kestrel-outdoor.example\n\
    \u{1b}[32m✔\u{1b}[0m fetched 1204 orders from 3 warehouses\n\
    \u{1b}[2K\r\u{1b}[36m[████████████████░░░░]\u{1b}[0m 90% writing rows\n\
    \u{1b}[33mwarning:\u{1b}[0m 37 rows skipped (see --log)\n\
    \u{1b}[31;1mERROR\u{1b}[0m invalid byte sequence for encoding \"SHIFT_JIS\": 0xe7 0x99 (row 118, product_name)\n\
    exit status 3";

const TERMINAL_SUCCESS: &str = "$ ledgerline export --month 2026-10 --out exports/ --encoding utf-8\n\
    \u{1b}[1mLedgerline CLI 3.8.3-rc1\u{1b}[0m\n\
    \u{1b}[32m✔\u{1b}[0m authenticated as hana.whitfield@kestrel-outdoor.example\n\
    \u{1b}[32m✔\u{1b}[0m fetched 1204 orders from 3 warehouses\n\
    \u{1b}[32m✔\u{1b}[0m wrote 1204 rows to exports/orders-2026-10.csv (utf-8, NFC)\n\
    \u{1b}[32mdone\u{1b}[0m in 4.1s";

const WORKFLOW: &str = "Okay so to give you the full picture of why this matters so much to us: \
    on the first working day of every month I run the Ledgerline export for the previous month, \
    then our bookkeeper in Portland imports the CSV into our accounting package, matches every \
    order against the payouts from the card processor, and reconciles the three warehouse stock \
    counts against what was sold. The Osaka warehouse only opened in August, and since then every \
    single month-end has needed me to fix the Japanese product names by hand, because the \
    accounting package refuses the whole file if one row has broken characters in it. That was \
    annoying but survivable with 20 orders a month. In October Osaka did 118 orders and the export \
    simply stopped at row 118, so I don't even get a broken file any more, I get nothing, and our \
    bookkeeper can't close October until it's sorted. On top of that the double charge means our \
    card statement won't match the invoices either, so right now neither half of the \
    reconciliation works. I'm not angry, just want to be clear why I keep chasing this 🙂";

const LONG_URL: &str = "https://app.ledgerline.example/admin/exports/2026-10/orders.csv\
    ?format=csv&encoding=shift_jis&include=line_items,customer,tax_breakdown,warehouse\
    &tz=Asia%2FTokyo&locale=ja-JP&session=7f3c9a1e";

/// The run log she sends, with the mojibake of row 97 as the CLI wrote it.
const ERROR_LOG: &str = "\
2026-11-16T08:58:01.204Z INFO  export: starting monthly export month=2026-10 warehouses=3
2026-11-16T08:58:01.388Z INFO  export: warehouse=portland orders=812
2026-11-16T08:58:02.015Z INFO  export: warehouse=tacoma orders=274
2026-11-16T08:58:02.731Z INFO  export: warehouse=osaka orders=118
2026-11-16T08:58:03.102Z WARN  encode: row 97 column product_name: replaced 6 invalid bytes
2026-11-16T08:58:03.102Z WARN  encode: row 97 value=\"ç™»å±±ç”¨ãƒ˜ãƒƒãƒ‰ãƒ©ãƒ³ãƒ—\"
2026-11-16T08:58:03.140Z ERROR export: invalid byte sequence for encoding \"SHIFT_JIS\": 0xe7 0x99 at row 118 column product_name
2026-11-16T08:58:03.141Z ERROR export: aborting, 1204 rows read, 1086 written, 37 skipped
2026-11-16T08:58:03.141Z INFO  export: temporary file removed: /tmp/ledgerline-export-2026-10.csv.part
";

/// Her catalogue sample: SKU, product name, warehouse, unit price in euros.
/// Two Portland names carry combining accents, as pasted from a supplier.
const PRODUCTS: [(&str, &str, &str, &str); 10] = [
    ("KOS-1001", "Trail Runner 2 daypack", "Portland", "89.00"),
    ("KOS-1044", "Rainshell jacket (women's)", "Tacoma", "139.00"),
    ("KOS-2107", "登山用ヘッドランプ", "Osaka", "42.00"),
    (
        "KOS-2113",
        "折りたたみ式トレッキングポール",
        "Osaka",
        "64.00",
    ),
    ("KOS-2130", "防水スタッフサック 20L", "Osaka", "24.00"),
    ("KOS-1190", "Cafe\u{301} mug, enamel", "Portland", "18.00"),
    ("KOS-2141", "チタン製クッカーセット", "Osaka", "58.00"),
    (
        "KOS-1203",
        "Zoe\u{308} merino base layer",
        "Portland",
        "72.00",
    ),
    ("KOS-2155", "ウルトラライト寝袋 −5℃", "Osaka", "199.00"),
    (
        "KOS-1310",
        "Camp stove fuel canister 230g",
        "Tacoma",
        "7.50",
    ),
];

/// How a month of the year was charged, as Priya reads it out.
#[derive(Clone, Copy)]
enum Charge {
    Once,
    FirstWithOsaka,
    Retried,
    Double,
}

/// Month, amount, charge date and how it went.
const MONTHS: [(&str, &str, &str, Charge); 11] = [
    ("January", "149.00", "2026-01-01", Charge::Once),
    ("February", "149.00", "2026-02-01", Charge::Once),
    ("March", "149.00", "2026-03-01", Charge::Once),
    ("April", "149.00", "2026-04-01", Charge::Once),
    ("May", "149.00", "2026-05-01", Charge::Once),
    ("June", "149.00", "2026-06-01", Charge::Once),
    ("July", "149.00", "2026-07-01", Charge::Once),
    ("August", "179.00", "2026-08-01", Charge::FirstWithOsaka),
    ("September", "179.00", "2026-09-01", Charge::Once),
    ("October", "179.00", "2026-10-01", Charge::Retried),
    ("November", "179.00", "2026-11-01", Charge::Double),
];

/// Hana as a message sender.
pub(crate) fn hana() -> Sender {
    Sender::visitor(
        USER_ID,
        "Hana Whitfield",
        Some("hana.whitfield@kestrel-outdoor.example"),
    )
}

/// Tomás of support; his name is written with a combining accent, as some
/// keyboards and paste paths produce it.
pub(crate) fn tomas() -> Sender {
    Sender::operator(
        112,
        "Toma\u{301}s",
        "Lindqvist",
        "tomas@ledgerline.example",
        Some("https://cdn.ledgerline.example/avatars/112-thumb.png"),
    )
}

/// Priya of billing, without a picture.
pub(crate) fn priya() -> Sender {
    Sender::operator(87, "Priya", "Raman", "priya.raman@ledgerline.example", None)
}

/// Her user object.
pub(crate) fn profile() -> Value {
    json!({
        "id": USER_ID,
        "name": "Hana Whitfield",
        "email": "hana.whitfield@kestrel-outdoor.example",
        "reference": "kestrel-outdoor-supply",
        "created_at": "2026-08-03T16:12:40.000Z",
        "updated_at": "2026-11-19T10:40:02.000Z",
        "online_at": ONLINE_AT,
        "last_url": "https://app.ledgerline.example/settings/billing?tab=invoices",
        "user_attributes": [
            {"name": "company", "value": "Kestrel Outdoor Supply"},
            {"name": "plan", "value": "Growth"},
            {"name": "warehouses", "value": "Portland, Tacoma, Osaka"},
        ],
    })
}

/// Her attachments by name: the files her messages refer to.
pub(crate) fn files() -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "screenshot-double-charge.png".to_owned(),
            billing_screenshot(),
        ),
        ("error-log.txt".to_owned(), ERROR_LOG.as_bytes().to_vec()),
        ("export-sample.csv".to_owned(), catalogue_csv().into_bytes()),
        ("invoice-4821.pdf".to_owned(), invoice()),
        ("refund-confirmation.pdf".to_owned(), refund()),
    ]
}

/// A mock of a card portal's billing page with two identical charges outlined in red.
fn billing_screenshot() -> Vec<u8> {
    const WIDTH: u32 = 320;
    const ROWS: [(u32, bool); 5] = [
        (60, false),
        (80, true),
        (100, true),
        (120, false),
        (140, false),
    ];
    png(WIDTH, 180, |x, y| {
        if y < 24 {
            return [24, 44, 84]; // header bar
        }
        if (34..46).contains(&y) && (12..120).contains(&x) {
            return [90, 90, 90]; // page title
        }
        for (top, flagged) in ROWS {
            if !(top..top + 16).contains(&y) {
                continue;
            }
            if flagged && (!(4..WIDTH - 4).contains(&x) || y == top || y == top + 15) {
                return [214, 40, 40]; // outline around the duplicates
            }
            let text_line = (top + 5..top + 11).contains(&y);
            if text_line && (12..90).contains(&x) {
                return [150, 150, 150]; // date
            }
            if text_line && (110..220).contains(&x) {
                return [120, 120, 120]; // description
            }
            if text_line && (250..300).contains(&x) {
                return if flagged { [200, 40, 40] } else { [60, 60, 60] }; // amount
            }
            return if flagged {
                [255, 240, 240]
            } else {
                [255, 255, 255]
            };
        }
        [246, 247, 249]
    })
}

fn invoice() -> Vec<u8> {
    pdf(&[
        "Ledgerline Ltd - INVOICE",
        "",
        "Invoice number:  LL-2026-11-04821",
        "Invoice date:    2026-11-01",
        "Customer:        Kestrel Outdoor Supply (account 4821)",
        "Billing contact: Hana Whitfield",
        "",
        "Ledgerline Growth plan, November 2026      EUR 149.00",
        "Additional warehouse (Osaka)              EUR  30.00",
        "VAT (reverse charge)                      EUR   0.00",
        "",
        "Total                                     EUR 179.00",
        "Paid 2026-11-01 by card ending 4409.",
    ])
}

fn refund() -> Vec<u8> {
    pdf(&[
        "Ledgerline Ltd - REFUND CONFIRMATION",
        "",
        "Reference:       RF-2026-11-0193",
        "Date:            2026-11-19",
        "Customer:        Kestrel Outdoor Supply (account 4821)",
        "",
        "Refunded charge: 2026-11-01 09:02 UTC, EUR 179.00 (duplicate)",
        "Original invoice: LL-2026-11-04821 (unchanged, paid once)",
        "",
        "Refunds reach the card within 3-5 business days.",
    ])
}

fn catalogue_csv() -> String {
    let mut csv = String::from("sku,product_name,warehouse,unit_price_eur\n");
    for (sku, name, warehouse, price) in PRODUCTS {
        csv.push_str(&format!("{sku},\"{name}\",{warehouse},{price}\n"));
    }
    csv
}

/// A fixed UTC time written "YYYY-MM-DDTHH:MM:SS".
fn at(text: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .expect("the story's dates are valid")
        .and_utc()
}

/// The story being written, with its three speakers.
struct Week {
    story: Story,
    hana: Sender,
    tomas: Sender,
    priya: Sender,
}

impl Week {
    fn session(&mut self, start: DateTime<Utc>) {
        self.story.session(start);
    }

    fn rng(&mut self) -> &mut crate::rng::PyRandom {
        self.story.rng()
    }

    fn v(&mut self, body: &str) {
        self.v_with(body, Extra::default());
    }

    fn t(&mut self, body: &str) {
        self.t_with(body, Extra::default());
    }

    fn p(&mut self, body: &str) {
        self.p_with(body, Extra::default());
    }

    fn v_with(&mut self, body: &str, extra: Extra) {
        self.story.say_with(&self.hana, body, extra);
    }

    fn t_with(&mut self, body: &str, extra: Extra) {
        self.story.say_with(&self.tomas, body, extra);
    }

    fn p_with(&mut self, body: &str, extra: Extra) {
        self.story.say_with(&self.priya, body, extra);
    }
}

/// Her conversation, oldest first.
#[allow(clippy::too_many_lines, reason = "a script reads best in one piece")]
pub(crate) fn conversation() -> Vec<DemoMessage> {
    let mut s = Week {
        story: Story::new(SEED, FIRST_ID),
        hana: hana(),
        tomas: tomas(),
        priya: priya(),
    };

    // Monday 16 November: the first chat
    s.session(at("2026-11-16T09:14:03"));
    s.t_with("Hi! Need any help?", Extra::default().auto_invitation());
    s.v_with("hi, yes please", wait(40));
    s.v("we've been charged twice for november");
    s.t("Sorry to hear that! I'm Tomás from Ledgerline support. Let me take a look.");
    s.t("Could you tell me the account email or the store name?");
    s.v("Kestrel Outdoor Supply, I'm hana.whitfield@kestrel-outdoor.example");
    s.t_with(
        "Thanks Hana. One moment while I open your account.",
        wait(10),
    );
    s.t_with(
        "Okay, I can see the account. Which charges are you seeing exactly?",
        wait(50),
    );
    s.v("two charges of €179 on the 1st, about 4 minutes apart");
    s.v("let me grab a screenshot from the card portal");
    s.v_with(
        "screenshot-double-charge.png",
        file("screenshot-double-charge.png").wait(70),
    );
    s.t("Got it, thank you. I can see both lines highlighted.");
    s.t("On our side there's one invoice, LL-2026-11-04821, marked paid once.");
    s.t("So the second charge looks like a payment retry that shouldn't have happened.");
    s.v("ok. can it be refunded?");
    s.t("Yes. Refunds are handled by our billing team, I'll pass this over to them now.");
    s.t("They usually reply within one working day, in this same chat.");
    s.v("great, thanks");
    s.v("while I have you, there's a second problem");
    s.t("Sure, go ahead 🙂");
    s.v("our monthly order export is failing");
    s.v("it used to produce a file with some broken characters, now it fails outright");
    s.t("That's the export from Reports → Exports, or the CLI?");
    s.v("the CLI, we run it from a small script");
    s.v("here's what it prints:");
    s.v_with(TERMINAL_FAILURE, wait(25));
    s.t("Thanks, that's very helpful. The colours came through as codes on my side but I can read it 😄");
    s.t("\"invalid byte sequence for encoding SHIFT_JIS\" — interesting.");
    s.t("Do you have the log file from that run? `--log` writes one.");
    s.v("one sec");
    s.v_with("error-log.txt", file("error-log.txt").wait(90));
    s.t_with("Perfect. Reading it now.", wait(5));
    s.t_with(
        "Row 97 already shows garbled text, and row 118 is where it gives up.",
        wait(80),
    );
    s.t("Both are product names from the Osaka warehouse, is that right?");
    s.v("yes. Osaka opened in August, all their product names are in Japanese");
    s.t("That matches. It looks like the exporter picks Shift_JIS because the Osaka warehouse has a Japanese locale.");
    s.t("But your product names are stored as UTF-8, so converting them breaks.");
    s.v("makes sense. is there a way around it?");
    s.t("Not one I'd recommend yet. I want to check with engineering before suggesting a setting change.");
    s.t("Can I get back to you tomorrow on this? Billing will also write here about the refund.");
    s.v("sure");
    s.v("oh, our team in Osaka also sees the error in their UI, they sent me this:");
    s.v("「エクスポートに失敗しました：無効なバイトシーケンスです」");
    s.t("Thanks! That's the same error message, translated: \"Export failed: invalid byte sequence\".");
    s.v("yep that's what google translate said too 😅");
    s.t("I've added both details to the engineering ticket, ENG-5521.");
    s.v("thanks Tomás");
    s.t("You're welcome! Talk tomorrow.");

    // A second, shorter chat in the afternoon.
    s.session(at("2026-11-16T15:42:19"));
    s.v("hi again, quick one");
    s.t("Hi Hana! Sure.");
    s.v("should I stop running the export until it's fixed?");
    s.t("Running it is harmless: it stops before writing anything, so nothing gets half-exported.");
    s.v("ok good");
    s.v("and the card, should I block it because of the double charge?");
    s.t("No need. The retry was on our side, not fraud. Billing will refund it.");
    s.v("👍");

    // Tuesday 17 November: billing
    s.session(at("2026-11-17T08:31:47"));
    s.p("Good morning Hana, I'm Priya from the Ledgerline billing team 👋\u{1f3fd}");
    s.p("Tomás passed me your double charge from November 1st.");
    s.p("I've confirmed it: our payment provider timed out on the first attempt, we retried, and both attempts went through.");
    s.p("I've issued a refund of €179.00 for the second charge.");
    s.v_with("morning! that was quick, thank you", wait(300));
    s.p("You're welcome. I'll send the refund confirmation once the provider confirms it, normally within two days.");
    s.p("Here's the November invoice for your records, it's unchanged:");
    s.p_with("invoice-4821.pdf", file("invoice-4821.pdf"));
    s.v("thanks");
    s.v("hm, the invoice still shows our old address");
    s.p("Which address should it be?");
    s.v("Kestrel Outdoor Supply, 2210 NW Front Ave, Suite 4, Portland OR 97209");
    s.p("Updated. Future invoices will use that address.");
    s.p("Do you want me to re-issue November with the new address too?");
    s.v("yes please, the accountant will ask");
    s.p("Done, the re-issued copy will come with the refund confirmation.");
    s.v("our accountant also asked me to double check the whole year for other double charges");
    s.v("is that something you can do?");
    s.p("Of course. Shall we go month by month?");
    s.v("yes, that'd be great");

    for (month, amount, date, charge) in MONTHS {
        let number = format!("LL-{}-{}-04821", &date[..4], &date[5..7]);
        let question = if s.rng().chance(0.6) {
            format!("{month}?")
        } else {
            format!("what about {month}?")
        };
        s.v(&question);
        match charge {
            Charge::Once => s.p_with(
                &format!("{month}: one charge of €{amount} on {date}, invoice {number} ✅"),
                wait(15),
            ),
            Charge::FirstWithOsaka => {
                s.p_with(
                    &format!(
                        "{month}: one charge of €{amount} on {date} ✅ — that's the first month \
                         with the Osaka warehouse add-on (+€30)."
                    ),
                    wait(20),
                );
                s.v("right, that's when Osaka opened");
            }
            Charge::Retried => {
                s.p_with(
                    &format!(
                        "{month}: the first attempt on {date} was declined, the retry on \
                         2026-10-02 went through. One charge of €{amount} in total ✅"
                    ),
                    wait(40),
                );
                s.v("oh I remember, the card had expired");
            }
            Charge::Double => s.p_with(
                &format!(
                    "{month}: the double charge we're refunding. After the refund: one charge \
                     of €{amount} ✅"
                ),
                wait(10),
            ),
        }
        if s.rng().chance(0.35) {
            let ack = *s.rng().choice(&["ok", "good", "👍", "thanks", "great"]);
            s.v(ack);
        }
    }
    s.p("So apart from November, every month was charged exactly once.");
    s.v("perfect, that's what I needed");
    s.v("could you put that in writing for the accountant? an email is fine");
    s.p("Sure, I'll email a summary to hana.whitfield@kestrel-outdoor.example today.");
    s.v("🙏");
    s.p("Anything else on the billing side?");
    s.v("actually yes, one more");
    s.v("our accountant says the invoice should show our EU VAT number, since we started selling to Ireland");
    s.p("No problem. Do you have the number handy?");
    s.v("IE9S99999L");
    s.p("Thanks. I've added it to the account, it will print on every invoice from now on.");
    s.v("does it change the amounts?");
    s.p("No, the amounts stay the same. It's printed for your records only.");
    s.v("ok, good");
    s.v("and it'll be on the re-issued November one too?");
    s.p("Yes, I'll generate that copy after this change, so it will include it.");
    s.v("perfect");
    s.p("Anything else on the billing side?");
    s.v("one thing: can we switch to yearly billing? is it cheaper?");
    s.p("Yearly is two months free, so €1,790 instead of €2,148 at your current plan.");
    s.p("You can switch any time in Settings → Billing; the unused part of the month is credited.");
    s.v("nice, I'll bring it up with the owners");
    s.v("not now though, I want the refund to settle first 😅");
    s.p("Very sensible! I'll leave it with you.");
    s.p("I'll message here when the refund confirmation arrives.");
    s.v("thanks Priya");

    // Tomás comes back about the export.
    s.session(at("2026-11-17T13:05:12"));
    s.t("Hi Hana, Tomás again. I have an update on the export problem.");
    s.v_with("hi!", wait(200));
    s.t("Engineering reproduced it with a copy of your product catalogue.");
    s.t("The exporter picks the file encoding from the warehouse locale, so Osaka gets Shift_JIS.");
    s.t("Converting to Shift_JIS fails for some characters, like the ℃ in one of your product names, and for names stored with combining accents.");
    s.v("combining accents?");
    s.t("Letters like é can be stored as one character, or as e plus a separate accent mark.");
    s.t("Some of your Portland product names have the second kind, for example \"Cafe\u{301} mug\".");
    s.t("They look identical on screen but they're different bytes, and the converter chokes on them.");
    s.v("wow, ok. that's probably from copy pasting from the supplier's spreadsheet");
    s.t("Very likely! It's common.");
    s.v("so what do we do?");
    s.t("Short term: you can force UTF-8 for the export. The CLI has `--encoding utf-8`.");
    s.t("Long term: engineering is changing the default to UTF-8 for everyone and normalising accents.");
    s.v("will our accounting package take UTF-8?");
    s.t("Most do. Which one do you use?");
    s.v("Northbook");
    s.t("Northbook accepts UTF-8, yes. I checked their import docs: it needs UTF-8 with or without BOM.");
    s.v("ok let me try it now");
    s.v_with(
        "hmm, it got further but 12 rows still look weird in Northbook",
        wait(240),
    );
    s.t("Can you send me a few of those rows?");
    s.v("sure, here's a sample with the ones that look wrong");
    s.v_with("export-sample.csv", file("export-sample.csv").wait(60));
    s.t_with("Thanks, opening it.", wait(5));
    s.t_with(
        "The file itself is fine: those names are correct UTF-8 here.",
        wait(70),
    );
    s.t("So it's probably Northbook guessing the encoding on import.");
    s.t("In Northbook's import dialog there's a \"File origin\" dropdown. Is it set to UTF-8?");
    s.v("it says \"Windows (ANSI)\" 🤦\u{200d}♀\u{fe0f}");
    s.v_with("changed it, importing again", wait(30));
    s.v("better! but the accents still look wrong on 2 products");
    s.t("Those are the combining accent ones, I bet: the café mug and the Zoë base layer.");
    s.v("yes exactly those two");
    s.t("That's the normalisation part, which isn't in the CLI yet. The fix engineering is making handles it.");
    s.t("Until then, could you retype those two names in the catalogue? Typing them fresh stores them the simple way.");
    s.v("sure, only two, no problem");
    s.v("done. and the rest?");
    s.t("Let's go through the Osaka rows one by one against your catalogue, to be sure nothing else is off.");
    s.v("ok");

    for (sku, name, warehouse, price) in PRODUCTS {
        if warehouse != "Osaka" {
            continue;
        }
        s.v(&format!("{sku}?"));
        s.t_with(
            &format!("{sku} — {name}, €{price}: matches the catalogue ✅"),
            wait(10),
        );
    }
    s.v("and the rest are Portland/Tacoma which were always fine");
    s.t("Then the file should import cleanly now.");
    s.v("it did!! 🎉");
    s.t("Great news!");
    s.v("the bookkeeper can close October finally");
    s.t("I'm glad. I'll keep the ticket open until the UTF-8 default and the accent fix ship.");
    s.v("thank you so much");

    // Wednesday 18 November: the long explanation, and the URL
    s.session(at("2026-11-18T09:14:03"));
    s.v("morning Tomás, are you around?");
    s.t_with("Good morning Hana! Yes, here.", wait(120));
    s.v("so the bookkeeper asked me something and I want to explain the whole thing properly");
    s.v_with(WORKFLOW, wait(30));
    s.t("Thank you for writing that out, it really helps. I've pasted it into the ticket so engineering sees the impact.");
    s.t("To be clear on the status: October is closed thanks to the workaround, right?");
    s.v("yes, October is done");
    s.v("but November month-end is in two weeks and I don't want to do the workaround every month");
    s.t("Understood. Engineering estimates the fix ships next week, before your month-end.");
    s.v("ok that works");
    s.v("another question: in the admin UI the export link looks like this");
    s.v(LONG_URL);
    s.v("it has encoding=shift_jis in it. can I just change that to utf-8?");
    s.t("Good catch. Yes, that parameter works in the web UI too.");
    s.t("Change `encoding=shift_jis` to `encoding=utf-8` and keep everything else.");
    s.v("brilliant, that's easier for the Osaka team than the CLI");
    s.v("one more: the Osaka team asked if they can see the export in Japanese column headers");
    s.t("Not yet, headers are English only. I'll add it as a feature request.");
    s.v("thanks. they'd love that");
    s.v("they write: 「ヘッダーが日本語だと助かります。よろしくお願いします！」");
    s.t("I'll quote them in the request 🇯🇵");
    s.v("haha thanks");
    s.v("also, Kenji asks whether the fix will repair the August and September files");
    s.t("It won't change files you already downloaded, but you can re-run those months and get clean files.");
    s.v("ok, they'll do that once the fix is out");
    s.t("If you run them today with `--encoding utf-8`, they'll be clean too, apart from the two accent names you already retyped.");
    s.v("even better, I'll tell them");
    s.v("(they're 16 hours ahead so they'll see it in the morning 😴)");

    // A short afternoon check with a rating prompt.
    s.session(at("2026-11-18T16:20:44"));
    s.t("Hi Hana, quick note: the refund has been processed on our side.");
    s.t("Priya will send the confirmation PDF tomorrow once the provider sends the reference.");
    s.v_with("thanks for the heads up", wait(400));
    s.v_with(
        "You rated this conversation 5/5 ⭐",
        Extra::default().kind("rating").rating(5),
    );

    // Thursday 19 November: refund confirmation and the release candidate
    s.session(at("2026-11-19T10:02:58"));
    s.p("Hi Hana, here's the refund confirmation as promised:");
    s.p_with("refund-confirmation.pdf", file("refund-confirmation.pdf"));
    s.p(
        "And the re-issued November invoice with your new address is attached to the email I sent.",
    );
    s.v_with("got both, thanks Priya", wait(600));
    s.v("the refund isn't on the card yet, is that normal?");
    s.p("Yes, it can take 3–5 business days to appear, depending on the bank.");
    s.v("ok, I'll check again next week");
    s.p("If it's not there by Wednesday, message here and I'll chase the provider.");
    s.v("👍");

    // Tomás helps with accounts for the Osaka team.
    s.session(at("2026-11-19T12:05:41"));
    s.v("hi, different topic today");
    s.t_with("Hi Hana! Sure, what's up?", wait(60));
    s.v("the Osaka team share one login right now");
    s.v("I'd like to give each of them their own account, but only for their warehouse");
    s.t("That's possible with roles. How many people?");
    s.v("three: Kenji, Aiko and Ren");
    s.t("Okay. In Settings → Team, invite each of them by email.");
    s.t("When you invite, pick the role \"Warehouse staff\" and tick only Osaka.");
    s.v("found it");
    s.v("what can Warehouse staff see?");
    s.t("Orders and stock for their warehouse, and they can run exports for it. No billing, no settings.");
    s.v("exactly what I want");
    s.v("can they export all warehouses by accident?");
    s.t("No, their exports only include the warehouses they're assigned to.");
    s.v_with("inviting them now", wait(20));
    s.v("Kenji's email bounced 🤔");
    s.t("Can you check the spelling? The invite shows the address it was sent to.");
    s.v("ugh, I typed kestrel-outdoors instead of kestrel-outdoor");
    s.v("resent, it went through this time");
    s.t("👍 Invites are valid for 7 days.");
    s.v("and the shared login, should I delete it?");
    s.t("I'd wait until all three have logged in with their own accounts, then remove it.");
    s.t("Removing it signs out any session still using it.");
    s.v("makes sense");
    s.v_with("Aiko already accepted!", wait(200));
    s.v("she says the UI is in English, can she switch to Japanese?");
    s.t("Yes, each person picks their language under Profile → Language. 日本語 is supported.");
    s.v("she found it, thanks");
    s.v("that's all for now 🙂");
    s.t("Great, have a good afternoon!");

    s.session(at("2026-11-19T14:37:30"));
    s.t("Hi Hana! Engineering has a release candidate of the CLI with the fix: 3.8.3-rc1.");
    s.t("Would you be willing to try it on October's data? It shouldn't need `--encoding` at all.");
    s.v("sure, how do I get it?");
    s.t("`ledgerline self-update --channel rc` and then run your usual command.");
    s.v_with("running it now", wait(120));
    s.v("hm it asked me to log in again");
    s.t("Yes, the rc channel uses a fresh session. Same credentials.");
    s.v("ok here we go");
    s.v_with(TERMINAL_SUCCESS, wait(45));
    s.t("That's exactly what we hoped to see: all 1204 rows, and NFC means the accents are normalised.");
    s.v("and no Shift_JIS anywhere 😄");
    s.v("importing into Northbook to be sure");
    s.v_with(
        "imported, zero warnings. even the café mug is fine",
        wait(180),
    );
    s.t("Excellent! I'll report back to engineering.");
    s.t("Could I ask you to also try the scheduled export? It runs the same code at night.");
    s.v("sure, what do I need to do?");
    s.t("Nothing, just check tomorrow morning that the file from tonight's run looks right.");
    s.v("ok will do");

    // Friday 20 November: scheduled export checks
    s.session(at("2026-11-20T08:47:16"));
    s.v("good morning! checked the nightly export");
    s.t_with("Morning Hana! How does it look?", wait(200));
    s.v("let me go warehouse by warehouse");
    for (warehouse, orders, note) in [
        ("Portland", 31, "all fine"),
        ("Tacoma", 12, "all fine"),
        ("Osaka", 9, "all fine, Japanese names perfect"),
    ] {
        s.v(&format!("{warehouse}: {orders} orders, {note}"));
        let reply = *s
            .rng()
            .choice(&["Great.", "👍", "Good to hear.", "Perfect."]);
        s.t(reply);
    }
    s.v("totals match the dashboard too");
    s.t("Then the fix works for scheduled exports as well. Thank you for testing!");
    s.v("thank YOU, this has been a great experience honestly");
    s.t("That's lovely to hear 😊");
    s.t("The release with the fix is planned for Tuesday 24th. You'll get it automatically.");
    s.v("perfect timing for month-end");
    s.v("and the refund just showed up on the card btw 🎉");
    s.t("Wonderful, then everything is sorted!");
    s.t("I'll close ENG-5521 once the release is out and let you know here.");
    s.v("sounds good. have a nice weekend!");
    s.t("You too, Hana! 👋");

    // Monday 23 November: a cron job
    s.session(at("2026-11-23T09:31:12"));
    s.v("hi! I'm back with a small one");
    s.t_with("Morning Hana! Go ahead.", wait(90));
    s.v("I want to keep our own copy of the export every night, as a backup");
    s.v("I'm setting up a cron job on our office server");
    s.t("Good idea. Which user will run it?");
    s.v("a user called exports, it has the CLI installed");
    s.t("Then log in as that user once and run `ledgerline login`, so it has its own token.");
    s.v("done");
    s.v("this is my crontab line:");
    s.v("0 2 * * * ledgerline export --month last --out /srv/exports/");
    s.t("Looks right. Two things to watch out for.");
    s.t("First, cron runs with a minimal PATH, so use the full path to ledgerline.");
    s.v("which is /usr/local/bin/ledgerline");
    s.t("Right. Second, the server's timezone: 02:00 where?");
    s.v("the server is in UTC I think");
    s.t("Then it runs at 6 pm in Portland, and 11 am in Osaka, the next day.");
    s.v("oh that's not great for Osaka, they're busy at 11");
    s.t("The export is read-only, it won't slow anything down for them.");
    s.v("ok good");
    s.v("and \"--month last\" means the previous calendar month?");
    s.t("Yes, in the account's timezone, which is America/Los_Angeles for you.");
    s.v("so every night it exports the same previous month?");
    s.t("Correct. If you want the month so far, use `--month current`.");
    s.v("ahh, I want current, so the backup is up to date");
    s.v("new line:");
    s.v("0 2 * * * /usr/local/bin/ledgerline export --month current --out /srv/exports/ >> /var/log/ledgerline-export.log 2>&1");
    s.t("That's it 👌");
    s.t("The file name includes the month, so each night overwrites that month's file.");
    s.v("fine by me, it's a backup");
    s.v("thanks again, you've been super helpful this week");
    s.t("My pleasure! The release with the fix is still on track for tomorrow.");
    s.v("🤞");

    // Tuesday 24 November: the release
    s.session(at("2026-11-24T11:28:09"));
    s.t("Hi Hana, the release with the export fix (CLI 3.8.3) is out now.");
    s.t("UTF-8 is the default for every warehouse and accents are normalised automatically.");
    s.t("The Japanese column headers request is logged as FR-1402, no date yet.");
    s.t_with(
        "I'll close the ticket, but just reply here if anything looks off at month-end.",
        Extra::default().unread(),
    );
    s.v_with("great news, thanks for everything!", wait(900));
    s.t_with("Any time! 🙂", Extra::default().unread());

    s.story.finish()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    /// Set to rewrite the golden files from the generator instead of comparing.
    const BLESS: &str = "SZCHAT_FAKE_BLESS";

    fn golden(relative: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden/hana")
            .join(relative)
    }

    /// Compares `actual` with the golden file, or rewrites it when blessing.
    fn check(relative: &str, actual: &[u8]) {
        let path = golden(relative);
        if std::env::var_os(BLESS).is_some() {
            std::fs::write(&path, actual).unwrap();
            return;
        }
        let expected = std::fs::read(&path).unwrap_or_default();
        assert!(
            expected == actual,
            "{relative} differs from {}; if the change is meant, run \
             `{BLESS}=1 cargo test -p szchat-fake golden` and review the diff",
            path.display()
        );
    }

    #[test]
    fn the_week_is_exactly_the_golden_conversation() {
        let json = serde_json::to_string_pretty(&conversation()).unwrap() + "\n";
        check("conversation.json", json.as_bytes());
    }

    #[test]
    fn her_attachments_are_exactly_the_golden_files() {
        let files = files();
        for (name, bytes) in &files {
            check(&format!("files/{name}"), bytes);
        }
        let mut golden_names: Vec<String> = std::fs::read_dir(golden("files"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        golden_names.sort();
        let mut names: Vec<String> = files.into_iter().map(|(name, _)| name).collect();
        names.sort();
        assert_eq!(names, golden_names, "no golden file without its generator");
    }

    #[test]
    fn she_was_last_seen_after_her_last_message() {
        let messages = conversation();
        let last_own = messages
            .iter()
            .rev()
            .find(|m| m.sender_type == "user")
            .unwrap();
        assert!(last_own.created_at.as_str() < ONLINE_AT);
        assert_eq!(profile()["online_at"], ONLINE_AT);
    }
}
