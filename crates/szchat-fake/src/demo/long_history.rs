//! Marguerite Fontaine-Dubois of Maison Fontaine, four bakeries around Lyon:
//! a customer for over two years who talks to support every few days, so
//! her conversation runs past 5,000 messages, enough for search, export
//! and jumping to chew on. Sessions are drawn from a seed: the dates from
//! one (counted back from three days before start-up), what is said from
//! another, from a dozen kinds of errand with varying details.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};

use super::cast::{jonas, mei};
use super::hana::{priya, tomas};
use super::story::{Extra, Sender, Story, file, wait};
use super::{Member, Profile, minutes, values};
use crate::Visitor;
use crate::rng::PyRandom;

/// Her visitor id.
pub(crate) const USER_ID: u64 = 1187;
const NAME: &str = "Marguerite Fontaine-Dubois";
const EMAIL: &str = "marguerite@maison-fontaine.example";
/// How many chat sessions she has had.
const SESSIONS: usize = 290;
/// The seed of the session dates.
const SCHEDULE_SEED: u64 = 11_870;
/// The seed of what is said, and of pauses and ids.
const STORY_SEED: u64 = 1187;
/// Her first message's id.
const FIRST_ID: u64 = 402_000;
/// Days between two sessions, at least and at most.
const GAP_DAYS: (i64, i64) = (2, 5);
/// Sessions start between these hours (UTC; the shops open early).
const SESSION_HOURS: (i64, i64) = (6, 15);

/// Her shops, and the short names her export files carry.
const STORES: [(&str, &str); 4] = [
    ("Lyon Croix-Rousse", "croix-rousse"),
    ("Lyon Part-Dieu", "part-dieu"),
    ("Annecy", "annecy"),
    // Written with a combining accent, as her till's keyboard sends it.
    ("Chambe\u{301}ry", "chambery"),
];

/// What the shops sell, with the price in cents.
const PRODUCTS: [(&str, i64); 12] = [
    ("croissant au beurre", 130),
    ("pain au chocolat", 150),
    ("baguette tradition", 135),
    ("pain de campagne", 420),
    ("tarte aux fraises", 2_400),
    ("éclair au matcha (抹茶)", 390),
    ("kouign-amann", 320),
    ("brioche feuilletée", 650),
    ("mille-feuille", 450),
    ("canelé", 220),
    ("chausson aux pommes", 210),
    ("flan pâtissier", 380),
];

const STAFF: [&str; 8] = [
    "Élodie", "Karim", "Noémie", "Hugo", "Inès", "Bastien", "Yasmine", "Théo",
];

/// Her plan for the Christmas season, told in one go (from September).
const CHRISTMAS_PLAN: &str = "So here's the plan for the Christmas season, tell me if Ledgerline can \
    follow: from 1 December every shop takes pre-orders for bûches de Noël (four flavours: \
    chocolat-praliné, marrons, fruits rouges and a matcha-yuzu one for Annecy only), customers \
    pay a 30 % deposit when ordering and the rest on pick-up between the 22nd and the 24th. \
    Part-Dieu also delivers to offices, invoiced at the end of the month. I need to see, per \
    shop and per day, how many bûches of each flavour are promised, how much was paid in \
    deposits, and what is still to be collected, and our accountant wants the deposits booked \
    separately from the sales. Last year we did it all in a spreadsheet and it was a nightmare 😅";

/// Her plan for the summer market, told in one go (January to August).
const SUMMER_PLAN: &str = "Summer plan, so you know what's coming: from June to August we run a \
    stall at the Annecy lakeside market every Saturday and Sunday, with a card terminal that is \
    not one of our tills, plus ice creams (glaces artisanales: vanille de Madagascar, \
    framboise, pistache and a yuzu sorbet) that we've never sold before. I'd like the stall to \
    appear as a fifth shop in Ledgerline, only on weekends, with its own stock of cones and tubs, \
    and its takings in the monthly export like the others, but without it counting as a \
    warehouse on our invoice if that's possible. The staff there are students, so they should \
    only see the stall and nothing else ☀\u{fe0f}🍦";

/// Her user object and conversation as of `now`: last seen three days ago.
pub(crate) fn member(now: DateTime<Utc>) -> Member {
    let last_seen = now - TimeDelta::days(3) - TimeDelta::hours(1);
    // The last session starts well before she was last seen, and no session lasts that long.
    let starts = schedule(last_seen - TimeDelta::hours(8));
    let signed_up = starts[0] - TimeDelta::days(2);
    let profile = Profile {
        name: NAME,
        email: Some(EMAIL),
        reference: Some("acct_1187"),
        created_at: signed_up,
        updated_at: now - TimeDelta::days(41),
        online_at: last_seen,
        last_url: Some("https://app.ledgerline.example/reports/exports?store=all&format=csv"),
        attributes: &[
            ("company", "Maison Fontaine"),
            ("plan", "Growth"),
            (
                "stores",
                "Lyon Croix-Rousse, Lyon Part-Dieu, Annecy, Chambéry",
            ),
        ],
    };
    let mut chat = Chat {
        story: Story::new(STORY_SEED, FIRST_ID),
        marguerite: Sender::visitor(USER_ID, NAME, Some(EMAIL)),
        operators: [tomas(), priya(), mei(), jonas()],
        files: BTreeMap::new(),
    };
    for start in starts {
        chat.session(start);
    }
    Member {
        visitor: Visitor {
            id: USER_ID,
            profile: profile.to_value(USER_ID),
            messages: values(chat.story.finish()),
        },
        files: chat.files.into_iter().collect(),
    }
}

/// When each session starts, oldest first, the last at `last`.
fn schedule(last: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut rng = PyRandom::new(SCHEDULE_SEED);
    let mut starts = vec![last];
    while starts.len() < SESSIONS {
        let previous = starts[starts.len() - 1];
        let day = (previous - TimeDelta::days(rng.randint(GAP_DAYS.0, GAP_DAYS.1))).date_naive();
        let time = TimeDelta::hours(rng.randint(SESSION_HOURS.0, SESSION_HOURS.1))
            + minutes(rng.randint(0, 59))
            + TimeDelta::seconds(rng.randint(0, 59));
        starts.push(day.and_time(chrono::NaiveTime::MIN).and_utc() + time);
    }
    starts.reverse();
    starts
}

/// Her conversation being written.
struct Chat {
    story: Story,
    marguerite: Sender,
    operators: [Sender; 4],
    files: BTreeMap<String, Vec<u8>>,
}

/// One errand of a session: what she asks and how it is settled.
type Errand = fn(&mut Chat, &Sender, NaiveDate);

const ERRANDS: [Errand; 12] = [
    export_check,
    price_change,
    new_staff,
    stock_mismatch,
    invoice_copy,
    renovation,
    dashboard_bug,
    feature_idea,
    new_card,
    weather,
    matcha_supplier,
    season_plan,
];

impl Chat {
    fn v(&mut self, body: &str) {
        self.story.say(&self.marguerite, body);
    }

    fn v_with(&mut self, body: &str, extra: Extra) {
        self.story.say_with(&self.marguerite, body, extra);
    }

    fn rng(&mut self) -> &mut PyRandom {
        self.story.rng()
    }

    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        self.rng().choice::<&'static str>(items)
    }

    /// A session: greetings, three to five different errands, goodbyes.
    fn session(&mut self, start: DateTime<Utc>) {
        self.story.session(start);
        let Chat {
            story, operators, ..
        } = self;
        let operator = story.rng().choice(operators).clone();
        let hello = self.pick(&[
            "Bonjour!",
            "Bonjour 👋",
            "Hello, c'est Marguerite",
            "Hi again!",
            "Bonjour, a few questions today",
        ]);
        self.v(hello);
        let greeting = self.pick(&[
            "Bonjour Marguerite! How can I help?",
            "Hi Marguerite 👋 What can I do for you?",
            "Bonjour! Good to hear from you 🙂",
        ]);
        let pause = self.rng().randint(10, 240);
        self.story.say_with(&operator, greeting, wait(pause));
        let day = start.date_naive();
        let mut left = ERRANDS.to_vec();
        for _ in 0..self.rng().randint(3, 5) {
            let last = i64::try_from(left.len()).unwrap_or(1) - 1;
            let drawn = usize::try_from(self.rng().randint(0, last)).unwrap_or(0);
            let errand = left.swap_remove(drawn);
            errand(self, &operator, day);
        }
        let thanks = self.pick(&[
            "merci beaucoup!",
            "parfait, merci 🙏",
            "super, bonne journée!",
            "that's all, merci!",
        ]);
        self.v(thanks);
        let bye = self.pick(&[
            "Bonne journée!",
            "Always a pleasure 🙂",
            "À bientôt, Marguerite!",
            "Have a good day at the bakery 🥐",
        ]);
        self.story.say(&operator, bye);
    }

    fn store(&mut self) -> (&'static str, &'static str) {
        *self.rng().choice(&STORES)
    }

    fn product(&mut self) -> (&'static str, i64) {
        *self.rng().choice(&PRODUCTS)
    }
}

/// Euros from (non-negative) cents: "1,234.50".
fn euros(cents: i64) -> String {
    let digits = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{grouped}.{:02}", cents % 100)
}

/// The month before `day`'s: ("October", "2026-10").
fn previous_month(day: NaiveDate) -> (String, String) {
    let first = day.with_day(1).unwrap_or(day);
    let last_of_previous = first.pred_opt().unwrap_or(first);
    (
        last_of_previous.format("%B").to_string(),
        last_of_previous.format("%Y-%m").to_string(),
    )
}

fn export_check(chat: &mut Chat, operator: &Sender, day: NaiveDate) {
    let (month, yyyy_mm) = previous_month(day);
    let (store, slug) = chat.store();
    chat.v(&format!(
        "The {month} export for {store} is ready, could you check the totals with me?"
    ));
    chat.story.say(operator, "Of course! Send it over.");
    let name = format!("ventes-{yyyy_mm}-{slug}.csv");
    chat.v_with(&name, file(&name));
    let (orders, cents) = month_sales(&name);
    chat.story.say_with(
        operator,
        &format!(
            "{store}, {month}: {orders} orders, €{} in all. Same as the dashboard ✅",
            euros(cents)
        ),
        wait(45),
    );
    chat.files
        .entry(name.clone())
        .or_insert_with(|| sales_csv(&name));
    if chat.rng().chance(0.5) {
        let ack = chat.pick(&["parfait", "super, merci", "👍", "great"]);
        chat.v(ack);
    }
}

/// A month's order count and takings for an export file, from its name alone.
fn month_sales(name: &str) -> (i64, i64) {
    let mut rng = PyRandom::new(name_seed(name));
    let orders = rng.randint(800, 2_600);
    (orders, orders * rng.randint(900, 1_600))
}

/// The rows of an export file: per product, units sold and takings.
fn sales_csv(name: &str) -> Vec<u8> {
    let mut rng = PyRandom::new(name_seed(name) ^ 1);
    let mut csv = String::from("produit,unités,prix_unitaire_eur,total_eur\n");
    for (product, cents) in PRODUCTS {
        let units = rng.randint(40, 2_400);
        csv.push_str(&format!(
            "\"{product}\",{units},{},{}\n",
            euros(cents).replace(',', ""),
            euros(units * cents).replace(',', "")
        ));
    }
    csv.into_bytes()
}

/// A seed from a file name (FNV-1a), so a file's contents depend on its name only.
fn name_seed(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn price_change(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let (product, cents) = chat.product();
    let raise = chat.rng().randint(1, 4) * 10;
    chat.v(&format!(
        "We're raising the {product} from €{} to €{} in all four shops from Monday.",
        euros(cents),
        euros(cents + raise)
    ));
    chat.story.say(
        operator,
        "Noted. Shall I schedule it, or will you change it in the catalogue yourself?",
    );
    chat.v("Could you schedule it? Monday 6:00, before we open.");
    chat.story.say(
        operator,
        &format!(
            "Done: {product} at €{} from Monday 06:00 in every shop.",
            euros(cents + raise)
        ),
    );
    chat.v("merci 🙏");
}

fn new_staff(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let person = chat.pick(&STAFF);
    let (store, _) = chat.store();
    chat.v(&format!(
        "We hired {person} for {store} 🎉 can you give them an account?"
    ));
    chat.story.say(
        operator,
        &format!("Welcome to {person}! Which role: Shop staff or Manager?"),
    );
    let role = chat.pick(&["Shop staff", "Shop staff, only for their shop", "Manager"]);
    chat.v(role);
    chat.story.say(
        operator,
        &format!("Invitation sent to {person}. It stays valid for 7 days."),
    );
    if chat.rng().chance(0.4) {
        chat.v_with(&format!("{person} is in, and says thank you!"), wait(600));
    }
}

fn stock_mismatch(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let (store, _) = chat.store();
    let (product, _) = chat.product();
    let counted = chat.rng().randint(20, 90);
    let doubled = chat.rng().randint(2, 12);
    let hour = chat.rng().randint(6, 9);
    let minute = chat.rng().randint(0, 59);
    chat.v(&format!(
        "{store} counted {counted} × {product} this morning but Ledgerline says {}.",
        counted - doubled
    ));
    chat.story.say(
        operator,
        &format!("Let me look at today's movements for {store}."),
    );
    chat.story.say_with(
        operator,
        &format!(
            "I see {doubled} sales recorded twice at {hour:02}:{minute:02}: a till that reconnected and sent its batch again."
        ),
        wait(90),
    );
    chat.v(&format!(
        "ah yes, the till in {store} lost the wifi this morning"
    ));
    chat.story.say(
        operator,
        &format!("I've removed the duplicates; the stock now shows {counted}."),
    );
    chat.v("perfect");
}

fn invoice_copy(chat: &mut Chat, operator: &Sender, day: NaiveDate) {
    let (month, yyyy_mm) = previous_month(day);
    chat.v(&format!(
        "Quick one: can you resend the {month} invoice? Our accountant can't find it."
    ));
    chat.story.say(
        operator,
        &format!("Sure, I've just emailed LL-{yyyy_mm}-01187 to you again."),
    );
    chat.v("received, merci");
}

fn renovation(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let (store, _) = chat.store();
    chat.v(&format!(
        "{store} closes for two weeks of renovation 🛠\u{fe0f} does the nightly export still run?"
    ));
    chat.story.say(
        operator,
        &format!("It does, with no orders for {store}. Shall I pause it for that shop?"),
    );
    chat.v("no, leave it, the accountant likes to see the zeros 😄");
}

fn dashboard_bug(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let (store, _) = chat.store();
    chat.v(&format!(
        "The dashboard shows « NaN € » for {store} since this morning 😬"
    ));
    chat.story
        .say(operator, "Oh! Thanks for telling us, checking now.");
    let (product, _) = chat.product();
    chat.story.say_with(
        operator,
        &format!("Found it: a rounding bug with the new {product} price. Fixed, could you reload?"),
        wait(180),
    );
    chat.v("all good now 👍");
}

fn feature_idea(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let idea = chat.pick(&[
        "could the export include the baker's name on each batch?",
        "could the dashboard compare a day with the same weekday last year?",
        "could receipts print the allergens under each pastry?",
        "could we set prices per shop? Annecy is more expensive for us",
    ]);
    chat.v(&format!("Idea: {idea}"));
    let number = chat.rng().randint(1_000, 1_999);
    chat.story.say(
        operator,
        &format!("Nice idea! I've added it to our feature requests as FR-{number}."),
    );
}

fn new_card(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let digits = chat.rng().randint(1_000, 9_999);
    chat.v(&format!(
        "Our card ends in {digits} now, the old one expired."
    ));
    chat.story.say(
        operator,
        "You can update it in Settings → Billing → Payment method; I can't see card numbers myself 🔒",
    );
    chat.v_with("done!", wait(60));
    chat.story.say(
        operator,
        &format!("Thanks, the next charge goes to the card ending {digits}."),
    );
}

/// Whether `day` falls in the warm half of the year (April to September).
fn warm(day: NaiveDate) -> bool {
    (4..=9).contains(&day.month())
}

fn weather(chat: &mut Chat, operator: &Sender, day: NaiveDate) {
    let remark = if warm(day) {
        chat.pick(&[
            "Grand soleil ☀\u{fe0f} everyone wants ice cream, not bread",
            "Canicule 🥵 the ovens are not fun today",
            "Orage over Lyon ⛈\u{fe0f} the terrace emptied in a minute",
        ])
    } else {
        chat.pick(&[
            "It's pouring in Lyon today 🌧\u{fe0f} the croissants sell anyway",
            "First snow in Annecy ❄\u{fe0f} the shop smells of vin chaud",
            "Brouillard on the Saône 🌫\u{fe0f} a quiet morning",
        ])
    };
    chat.v(remark);
    let reply = chat.pick(&[
        "Ha! Stay cool 🙂",
        "Sounds lovely 😊",
        "Courage to the bakers! 💪",
    ]);
    chat.story.say(operator, reply);
}

fn matcha_supplier(chat: &mut Chat, operator: &Sender, _day: NaiveDate) {
    let grade = chat.pick(&["(極上)", "(特選)", "(一番摘み)"]);
    chat.v(&format!(
        "Our matcha supplier in Uji sent new names in Japanese: 宇治抹茶 {grade} — can the catalogue take them?"
    ));
    chat.story.say(
        operator,
        "Yes, product names can be in any script. Should receipts print the Japanese too?",
    );
    chat.v("only in the catalogue, receipts stay in French please");
    chat.story.say(operator, "Done ✅");
}

/// Her long message of the season: Christmas from September, else the summer ahead.
fn season_plan(chat: &mut Chat, operator: &Sender, day: NaiveDate) {
    if day.month() < 9 {
        chat.v(SUMMER_PLAN);
        chat.story.say_with(
            operator,
            "Thanks for the detail! A \"pop-up\" shop does that: open on the days you choose, its own stock and staff, in the exports, and not billed as a warehouse.",
            wait(120),
        );
        chat.story.say(
            operator,
            "The lakeside terminal can send its sales through the pop-up shop's API key.",
        );
        chat.v("perfect, the students will love not seeing the rest 😄");
    } else {
        chat.v(CHRISTMAS_PLAN);
        chat.story.say_with(
            operator,
            "Thanks for the detail! Pre-orders with deposits do all of that: a report per shop and day, and deposits booked apart from sales.",
            wait(120),
        );
        chat.story.say(
            operator,
            "Office deliveries can be invoiced monthly with the \"account customer\" option.",
        );
        chat.v("wonderful, much better than the spreadsheet 🎄");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_written_with_grouping() {
        assert_eq!(euros(130), "1.30");
        assert_eq!(euros(2_400), "24.00");
        assert_eq!(euros(123_456), "1,234.56");
        assert_eq!(euros(123_456_789), "1,234,567.89");
    }

    #[test]
    fn previous_month_crosses_the_year() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        assert_eq!(
            previous_month(day),
            ("December".to_owned(), "2026-12".to_owned())
        );
    }

    #[test]
    fn sessions_are_days_apart_and_end_at_the_last() {
        let last = DateTime::parse_from_rfc3339("2027-03-11T06:09:26Z")
            .unwrap()
            .with_timezone(&Utc);
        let starts = schedule(last);
        assert_eq!(starts.len(), SESSIONS);
        assert_eq!(starts.last(), Some(&last));
        for pair in starts.windows(2) {
            assert!(pair[1] - pair[0] >= TimeDelta::days(1), "{pair:?}");
        }
    }

    #[test]
    fn a_file_depends_on_its_name_only() {
        assert_eq!(
            sales_csv("ventes-2026-10-annecy.csv"),
            sales_csv("ventes-2026-10-annecy.csv")
        );
        assert_ne!(
            sales_csv("ventes-2026-10-annecy.csv"),
            sales_csv("ventes-2026-11-annecy.csv")
        );
    }
}
