//! The query language of the search across visitors (issue 16), pure: a
//! parser from what the operator typed to [`Query`], and a builder from a
//! query to the archive's [`Condition`]: an FTS5 query for its trigram
//! index `message_search`, SQL filters over `messages` (alias `m`) and the
//! text checks that confirm each candidate. No I/O; SQLite never sees the
//! text except as bound parameters, so its error messages cannot reach anyone.
//!
//! Words must all appear (`invoice 4411`); `word*` finds words that begin so;
//! `"exact phrase"`; `-word` or `-"a phrase"` excludes; `from:visitor`,
//! `from:operator`; `after:YYYY-MM-DD` (that day or later, UTC);
//! `before:YYYY-MM-DD` (before that day, UTC); `has:attachment`;
//! `visitor:ID`. Text is matched inside words, case and diacritics folded
//! (by [`fold`], as the index holds it), through the trigram index. Text
//! shorter than three characters, and `word*`, match where a word begins
//! (in Chinese, Japanese or Thai any character may begin one).

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};

use crate::fold::{fold, fold_with_origin, has_at_word_start, word_start_matches};
use crate::model::{Message, Sender};

/// Longer queries are refused at once, so none can take long to run.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Terms in one query at most.
pub const MAX_TERMS: usize = 32;
/// The trigram index matches text of at least this many characters.
const TRIGRAM: usize = 3;
/// The operators, as the refusal of an unknown one lists them.
const OPERATORS: &str = "from:, after:, before:, has:, visitor:";

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Visitor,
    Operator,
}

/// One part of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// Text that must appear; `prefix` for `word*`.
    Text {
        text: String,
        prefix: bool,
    },
    /// Text that must not appear.
    Exclude(String),
    From(Side),
    /// On or after this day (UTC).
    After(NaiveDate),
    /// Before this day (UTC).
    Before(NaiveDate),
    HasAttachment,
    Visitor(u64),
}

/// A parsed query: every term must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

impl Query {
    /// The text checks of the query, wanted and excluded, in its order.
    pub fn text_checks(&self) -> Vec<TextCheck> {
        self.terms
            .iter()
            .filter_map(|term| match term {
                Term::Text { text, prefix } => Some(TextCheck::new(text, *prefix, true)),
                Term::Exclude(text) => Some(TextCheck::new(text, false, false)),
                _ => None,
            })
            .collect()
    }

    /// Whether `message`'s sender, time and attachment hold every filter of
    /// the query (`from:`, `after:`, `before:`, `has:`), as the archive's
    /// search asks them of its rows: a message without a time is neither
    /// after nor before a day. `visitor:` holds for any message: the
    /// conversation asked about is that visitor's.
    pub fn admits(&self, message: &Message) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Text { .. } | Term::Exclude(_) | Term::Visitor(_) => true,
            Term::From(Side::Visitor) => matches!(message.sender, Sender::Visitor { .. }),
            Term::From(Side::Operator) => matches!(message.sender, Sender::Operator { .. }),
            Term::After(day) => message.created_at.is_some_and(|at| at >= day_start(*day)),
            Term::Before(day) => message.created_at.is_some_and(|at| at < day_start(*day)),
            Term::HasAttachment => message.has_attachment(),
        })
    }

    /// What a hit of this query marks: every word, prefix and phrase that
    /// must appear, never an excluded one.
    pub fn marks(&self) -> Marks {
        Marks(
            self.text_checks()
                .into_iter()
                .filter(|check| check.wanted)
                .collect(),
        )
    }
}

/// The text a query wants, to be marked where the search finds it: case
/// and diacritics folded, prefixes and short words where a word begins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks(Vec<TextCheck>);

impl Marks {
    /// True when there is nothing to mark (a query of filters alone).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Byte ranges of `text` to mark, in order, none overlapping or
    /// touching another; each covers whole characters of `text`.
    pub fn find_in(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        if self.0.is_empty() {
            return Vec::new();
        }
        let (folded, origin) = fold_with_origin(text);
        let mut found: Vec<std::ops::Range<usize>> = self
            .0
            .iter()
            .flat_map(|check| check.found_at(&folded))
            .filter_map(|at| {
                let start = origin.get(at.start)?.start;
                let end = origin.get(at.end.checked_sub(1)?)?.end;
                Some(start..end)
            })
            .collect();
        found.sort_unstable_by_key(|range| (range.start, range.end));
        let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(found.len());
        for range in found {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        merged
    }
}

/// Why a query was refused: what is wrong, and at which character (from 1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} (at character {at})")]
pub struct QueryError {
    pub at: usize,
    pub what: String,
}

fn refuse(at: usize, what: impl Into<String>) -> QueryError {
    QueryError {
        at: at + 1,
        what: what.into(),
    }
}

/// Parses `input`.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return Err(refuse(
            MAX_QUERY_CHARS,
            format!(
                "the query is {} characters long; at most {MAX_QUERY_CHARS} are searched",
                chars.len()
            ),
        ));
    }
    let mut terms = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at].is_whitespace() {
            at += 1;
            continue;
        }
        if terms.len() == MAX_TERMS {
            return Err(refuse(at, format!("more than {MAX_TERMS} terms")));
        }
        let start = at;
        let exclude = chars[at] == '-';
        if exclude {
            at += 1;
            if at == chars.len() || chars[at].is_whitespace() {
                return Err(refuse(start, "nothing after -"));
            }
        }
        let (text, quoted, next) = if chars[at] == '"' {
            let close = chars[at + 1..]
                .iter()
                .position(|&c| c == '"')
                .ok_or_else(|| refuse(at, "a quote that is never closed"))?;
            let text: String = chars[at + 1..at + 1 + close].iter().collect();
            (text, true, at + close + 2)
        } else {
            let end = chars[at..]
                .iter()
                .position(|c| c.is_whitespace())
                .map_or(chars.len(), |n| at + n);
            (chars[at..end].iter().collect(), false, end)
        };
        at = next;
        if text.trim().is_empty() {
            return Err(refuse(start, "an empty phrase"));
        }
        let term = if exclude {
            Term::Exclude(text)
        } else if quoted {
            Term::Text {
                text,
                prefix: false,
            }
        } else if let Some(term) = operator(&text, start)? {
            term
        } else if let Some(stem) = text.strip_suffix('*').filter(|stem| !stem.is_empty()) {
            Term::Text {
                text: stem.to_owned(),
                prefix: true,
            }
        } else {
            Term::Text {
                text,
                prefix: false,
            }
        };
        terms.push(term);
    }
    if terms.is_empty() {
        return Err(refuse(0, "an empty query"));
    }
    Ok(Query { terms })
}

/// `name:value` as a filter; `None` when `word` is no operator (it has no
/// colon, or letters do not come before it: `10:30`, `http://`).
fn operator(word: &str, at: usize) -> Result<Option<Term>, QueryError> {
    let Some((name, value)) = word.split_once(':') else {
        return Ok(None);
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) || value.starts_with('/') {
        return Ok(None);
    }
    let value_at = at + name.chars().count() + 1;
    let date = |value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
            refuse(
                value_at,
                format!("{name}: takes a date as YYYY-MM-DD, not {value:?}"),
            )
        })
    };
    let term = match name.to_ascii_lowercase().as_str() {
        "from" => match value.to_ascii_lowercase().as_str() {
            "visitor" => Term::From(Side::Visitor),
            "operator" => Term::From(Side::Operator),
            _ => {
                return Err(refuse(
                    value_at,
                    format!("from: takes visitor or operator, not {value:?}"),
                ));
            }
        },
        "after" => Term::After(date(value)?),
        "before" => Term::Before(date(value)?),
        "has" if value.eq_ignore_ascii_case("attachment") => Term::HasAttachment,
        "has" => {
            return Err(refuse(
                value_at,
                format!("has: takes attachment, not {value:?}"),
            ));
        }
        "visitor" => Term::Visitor(value.parse().map_err(|_| {
            refuse(
                value_at,
                format!("visitor: takes a visitor id such as 4821, not {value:?}"),
            )
        })?),
        _ => {
            return Err(refuse(
                at,
                format!("unknown operator {name}: (there are {OPERATORS})"),
            ));
        }
    };
    Ok(Some(term))
}

/// A value bound to a `?` of the SQL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Int(i64),
}

/// Where in a field, folded, a check looks for its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Anywhere, inside words too.
    Inside,
    /// Where a word begins.
    WordStart,
}

/// One text term checked against a message: its text, folded, found (or,
/// for `-word`, not found) at its place in the body, the attachment's
/// name or the sender's name, the fields the index holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextCheck {
    pub folded: String,
    pub place: Place,
    /// False for an excluded term.
    pub wanted: bool,
}

impl TextCheck {
    /// The check of `text`, folded. Short text and prefixes match where a
    /// word begins: `ab` alone would otherwise hold for nearly every message.
    fn new(text: &str, prefix: bool, wanted: bool) -> Self {
        let folded = fold(text);
        let place = if prefix || folded.chars().count() < TRIGRAM {
            Place::WordStart
        } else {
            Place::Inside
        };
        TextCheck {
            folded,
            place,
            wanted,
        }
    }

    /// Where in `folded` (text folded) the check's text is found at its
    /// place, as byte ranges of `folded`.
    fn found_at<'a>(
        &'a self,
        folded: &'a str,
    ) -> Box<dyn Iterator<Item = std::ops::Range<usize>> + 'a> {
        let len = self.folded.len();
        if len == 0 {
            return Box::new(std::iter::empty());
        }
        match self.place {
            Place::Inside => Box::new(
                folded
                    .match_indices(self.folded.as_str())
                    .map(move |(at, _)| at..at + len),
            ),
            Place::WordStart => {
                Box::new(word_start_matches(folded, &self.folded).map(move |at| at..at + len))
            }
        }
    }

    /// Whether the check holds for a message whose fields, folded, are `fields`.
    pub fn holds(&self, fields: &[String]) -> bool {
        let found = fields.iter().any(|field| match self.place {
            Place::Inside => field.contains(&self.folded),
            Place::WordStart => has_at_word_start(field, &self.folded),
        });
        found == self.wanted
    }
}

/// What a query asks of the archive, in three parts from cheap to dear:
/// the index's candidates, the filters SQL checks on `messages m`, and the
/// text checks each remaining message is confirmed by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Condition {
    /// The FTS5 query for the rows holding every trigram of each text that
    /// must appear; `None` when no such text has three characters.
    pub candidates: Option<String>,
    /// SQL over `messages m` (`1` when nothing is filtered), its values in `params`.
    pub filter: String,
    pub params: Vec<Param>,
    pub checks: Vec<TextCheck>,
}

impl Condition {
    /// Whether every text check holds for a message with these fields (as
    /// the archive holds them, unfolded; `None` for an empty one). Each is
    /// folded once, whatever the number of checks.
    pub fn confirms(&self, fields: &[Option<&str>]) -> bool {
        if self.checks.is_empty() {
            return true;
        }
        let folded: Vec<String> = fields.iter().flatten().map(|field| fold(field)).collect();
        self.checks.iter().all(|check| check.holds(&folded))
    }
}

/// The archive's condition for `query`.
pub fn condition(query: &Query) -> Condition {
    let mut filters: Vec<&str> = Vec::new();
    let mut params = Vec::new();
    let checks = query.text_checks();
    let trigram_queries: Vec<String> = checks
        .iter()
        .filter(|check| check.wanted && check.folded.chars().count() >= TRIGRAM)
        .map(|check| trigrams(&check.folded))
        .collect();
    for term in &query.terms {
        match term {
            Term::Text { .. } | Term::Exclude(_) => {}
            Term::From(Side::Visitor) => filters.push("m.sender_type = 'user'"),
            Term::From(Side::Operator) => filters.push("m.sender_type = 'operator'"),
            Term::After(day) => {
                filters.push("m.created_at >= ?");
                params.push(Param::Text(midnight(*day)));
            }
            Term::Before(day) => {
                filters.push("m.created_at < ?");
                params.push(Param::Text(midnight(*day)));
            }
            Term::HasAttachment => filters.push("m.has_attachment = 1"),
            Term::Visitor(id) => {
                filters.push("m.visitor = ?");
                // Ids are stored by their bits (see the archive's rows).
                params.push(Param::Int(i64::from_ne_bytes(id.to_ne_bytes())));
            }
        }
    }
    Condition {
        candidates: (!trigram_queries.is_empty()).then(|| trigram_queries.join(" AND ")),
        filter: if filters.is_empty() {
            "1".to_owned()
        } else {
            filters.join(" AND ")
        },
        params,
        checks,
    }
}

/// The SQL function (added by the archive) that folds text for the index.
pub const FOLD_FUNCTION: &str = "szchat_fold";

/// An FTS5 string: the text in double quotes, its own quotes doubled.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The FTS5 query for rows holding every trigram of `folded`: the index
/// keeps no positions (`detail = none`), so it cannot ask for them in a
/// row; a [`TextCheck`] confirms the text whole.
fn trigrams(folded: &str) -> String {
    let chars: Vec<char> = folded.chars().collect();
    chars
        .windows(TRIGRAM)
        .map(|window| fts_string(&window.iter().collect::<String>()))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The day's first instant, UTC.
fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The day's first instant as the archive writes times.
fn midnight(day: NaiveDate) -> String {
    day_start(day).to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query's filters, asked of messages in memory as the archive asks them of rows.
    #[test]
    fn filters_admit_messages_by_sender_time_and_attachment() {
        use crate::testing::message;
        let visitor = message(1).from_visitor().at("2026-11-02T08:00:00Z").build();
        let operator = message(2)
            .from_operator()
            .at("2026-11-01T23:59:59Z")
            .build();
        let with_file = message(3)
            .from_visitor()
            .archived_attachment("a.pdf")
            .build();
        let admits = |query: &str, message: &Message| parse(query).unwrap().admits(message);
        assert!(admits("invoice from:visitor", &visitor));
        assert!(!admits("from:visitor", &operator));
        assert!(admits("from:operator before:2026-11-02", &operator));
        assert!(admits("after:2026-11-02", &visitor), "midnight UTC onwards");
        assert!(!admits("after:2026-11-02", &operator));
        assert!(!admits("before:2026-11-02", &visitor));
        assert!(admits("has:attachment", &with_file) && !admits("has:attachment", &visitor));
        assert!(
            !admits("after:2026-01-01", &with_file),
            "no time: not after any day"
        );
        assert!(
            admits("visitor:99 -paid", &visitor),
            "visitor: is the conversation's"
        );
    }

    fn text(t: &str) -> Term {
        Term::Text {
            text: t.to_owned(),
            prefix: false,
        }
    }

    #[test]
    fn words_phrases_prefixes_exclusions_and_filters() {
        let query = parse(
            r#"invoice 44* "exact phrase" -spam -"not this" from:visitor after:2026-11-01 before:2026-12-01 has:attachment visitor:4821"#,
        )
        .unwrap();
        let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert_eq!(
            query.terms,
            [
                text("invoice"),
                Term::Text {
                    text: "44".to_owned(),
                    prefix: true
                },
                text("exact phrase"),
                Term::Exclude("spam".to_owned()),
                Term::Exclude("not this".to_owned()),
                Term::From(Side::Visitor),
                Term::After(day("2026-11-01")),
                Term::Before(day("2026-12-01")),
                Term::HasAttachment,
                Term::Visitor(4821),
            ]
        );
    }

    #[test]
    fn colons_that_are_no_operator_stay_words() {
        assert_eq!(parse("10:30").unwrap().terms, [text("10:30")]);
        assert_eq!(
            parse("https://example.com").unwrap().terms,
            [text("https://example.com")]
        );
    }

    #[test]
    fn mistakes_are_said_in_one_line_with_their_place() {
        let said = |q: &str| parse(q).unwrap_err().to_string();
        assert_eq!(
            said(r#"refund "late fee"#),
            "a quote that is never closed (at character 8)"
        );
        assert_eq!(
            said("colour:red"),
            "unknown operator colour: (there are from:, after:, before:, has:, visitor:) (at character 1)"
        );
        assert_eq!(
            said("x after:2026-13-01"),
            "after: takes a date as YYYY-MM-DD, not \"2026-13-01\" (at character 9)"
        );
        assert_eq!(
            said("from:bot"),
            "from: takes visitor or operator, not \"bot\" (at character 6)"
        );
        assert_eq!(said("   "), "an empty query (at character 1)");
        assert_eq!(said("a -"), "nothing after - (at character 3)");
        for said in [said("visitor:abc"), said("has:link"), said("\"\"")] {
            assert_eq!(said.lines().count(), 1, "{said}");
        }
    }

    #[test]
    fn a_long_query_is_refused_at_once() {
        let long = "a".repeat(10_000);
        let error = parse(&long).unwrap_err();
        assert!(error.what.contains("10000 characters"), "{error}");
        let many = "word ".repeat(MAX_TERMS + 1);
        assert!(parse(&many).unwrap_err().what.contains("terms"));
    }

    fn check(folded: &str, place: Place, wanted: bool) -> TextCheck {
        TextCheck {
            folded: folded.to_owned(),
            place,
            wanted,
        }
    }

    #[test]
    fn the_sql_binds_every_value_and_uses_the_index_for_long_text() {
        let built = condition(&parse(r#"Café "x" -spam visitor:7 after:2026-01-02"#).unwrap());
        assert_eq!(built.candidates.as_deref(), Some("\"caf\" AND \"afe\""));
        assert_eq!(built.filter, "m.visitor = ? AND m.created_at >= ?");
        assert_eq!(
            built.params,
            [
                Param::Int(7),
                Param::Text("2026-01-02T00:00:00.000Z".to_owned()),
            ]
        );
        assert_eq!(
            built.checks,
            [
                check("cafe", Place::Inside, true),
                check("x", Place::WordStart, true),
                check("spam", Place::Inside, false),
            ]
        );
        // A quote in the text stays inside its FTS5 string.
        let quoted = condition(&parse("ab\"cd").unwrap());
        assert_eq!(
            quoted.candidates.as_deref(),
            Some("\"ab\"\"\" AND \"b\"\"c\" AND \"\"\"cd\"")
        );
        // Only filters: no candidates, no checks.
        let filters = condition(&parse("from:operator has:attachment before:2026-03-01").unwrap());
        assert_eq!(filters.candidates, None);
        assert!(filters.checks.is_empty());
        assert_eq!(
            filters.filter,
            "m.sender_type = 'operator' AND m.has_attachment = 1 AND m.created_at < ?"
        );
    }

    #[test]
    fn short_text_and_prefixes_are_folded_and_match_where_a_word_begins() {
        let prefix = condition(&parse("Straß*").unwrap());
        assert_eq!(
            prefix.candidates.as_deref(),
            Some("\"str\" AND \"tra\" AND \"ras\" AND \"ass\"")
        );
        assert_eq!(prefix.checks, [check("strass", Place::WordStart, true)]);
        let short = condition(&parse("ÉT -Zö").unwrap());
        assert_eq!(short.candidates, None, "too short for the index");
        assert_eq!(
            short.checks,
            [
                check("et", Place::WordStart, true),
                check("zo", Place::WordStart, false),
            ]
        );
    }

    #[test]
    fn a_message_is_confirmed_by_every_check_on_any_of_its_fields() {
        let confirms = |query: &str, fields: &[Option<&str>]| {
            condition(&parse(query).unwrap()).confirms(fields)
        };
        let message = [Some("Rechnung für die Straße"), None, Some("Zoë Ångström")];
        assert!(confirms("strasse", &message), "folded alike");
        assert!(
            confirms("rechnung angstrom", &message),
            "words in two fields"
        );
        assert!(confirms("stra*", &message));
        assert!(!confirms("trasse*", &message), "a prefix begins a word");
        assert!(confirms("rasse", &message), "long text inside a word");
        assert!(!confirms("ra", &message), "short text begins a word");
        assert!(!confirms("strasse -zoe", &message), "an excluded word");
        assert!(
            !confirms("strasse -zo", &message),
            "short: at a word's start…"
        );
        assert!(confirms("strasse -oe", &message), "…and only there");
        assert!(
            confirms("from:visitor", &message),
            "filters are SQL's to check"
        );
    }

    fn marked(query: &str, text: &str) -> Vec<String> {
        parse(query)
            .unwrap()
            .marks()
            .find_in(text)
            .into_iter()
            .map(|range| text[range].to_owned())
            .collect()
    }

    #[test]
    fn every_wanted_word_prefix_and_phrase_is_marked_as_the_search_finds_it() {
        assert_eq!(
            marked(
                r#"invoice 44* "the café" -paid"#,
                "Invoice 4411: THE CAFE, the Café, paid; reinvoice 1044"
            ),
            ["Invoice", "44", "THE CAFE", "the Café", "invoice"],
            "folded, a prefix where a word begins, the excluded word never"
        );
        // Short text marks where a word begins, long text inside words too.
        assert_eq!(marked("ab", "tab about"), ["ab"]);
        assert_eq!(marked("nvoic", "invoice"), ["nvoic"]);
        // Overlapping marks are one: no mark inside another.
        assert_eq!(marked("invoice voice", "invoices"), ["invoice"]);
        assert_eq!(marked("東京", "明日東京に行きます"), ["東京"]);
        assert_eq!(marked("strasse", "Straße 4"), ["Straße"]);
        assert!(marked("from:visitor has:attachment", "anything").is_empty());
        assert!(parse("-spam").unwrap().marks().is_empty());
    }
}
