//! The query language of the search across visitors (issue 16), pure: a
//! parser from what the operator typed to [`Query`], and a builder from a
//! query to the SQL condition over the archive's `messages` (alias `m`) and
//! its trigram index `message_search`. No I/O; SQLite never sees the text
//! except as bound parameters, so its error messages cannot reach anyone.
//!
//! Words must all appear (`invoice 4411`); `word*` finds words that begin so;
//! `"exact phrase"`; `-word` or `-"a phrase"` excludes; `from:visitor`,
//! `from:operator`; `after:YYYY-MM-DD` (that day or later, UTC);
//! `before:YYYY-MM-DD` (before that day, UTC); `has:attachment`;
//! `visitor:ID`. Text is matched inside words, case and diacritics folded
//! (by [`fold`], as the index holds it), through the trigram index. Text
//! shorter than three characters, and `word*`, match where a word begins
//! (in Chinese, Japanese or Thai any character may begin one).

use std::fmt;

use chrono::NaiveDate;

use crate::fold::fold;

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

/// A condition over `messages m`, with its parameters in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Condition {
    pub sql: String,
    pub params: Vec<Param>,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)
    }
}

/// The SQL condition for `query`.
pub fn condition(query: &Query) -> Condition {
    let mut parts: Vec<String> = Vec::new();
    let mut params = Vec::new();
    let mut matched: Vec<String> = Vec::new();
    for term in &query.terms {
        match term {
            Term::Text { text, prefix } => {
                let folded = fold(text);
                let long = folded.chars().count() >= TRIGRAM;
                if long {
                    matched.push(trigrams(&folded));
                }
                // Short text and prefixes match where a word begins: `ab`
                // alone would otherwise hold for nearly every message.
                parts.push(
                    if long && !prefix {
                        CONTAINS
                    } else {
                        WORD_START
                    }
                    .to_owned(),
                );
                params.push(Param::Text(folded));
            }
            Term::Exclude(text) => {
                let folded = fold(text);
                if folded.chars().count() >= TRIGRAM {
                    parts.push(format!("NOT (m.rowid IN ({MATCHING}) AND {CONTAINS})"));
                    params.extend([Param::Text(trigrams(&folded)), Param::Text(folded)]);
                } else {
                    parts.push(format!("NOT {WORD_START}"));
                    params.push(Param::Text(folded));
                }
            }
            Term::From(side) => parts.push(
                match side {
                    Side::Visitor => "m.sender_type = 'user'",
                    Side::Operator => "m.sender_type = 'operator'",
                }
                .to_owned(),
            ),
            Term::After(day) => {
                parts.push("m.created_at >= ?".to_owned());
                params.push(Param::Text(midnight(*day)));
            }
            Term::Before(day) => {
                parts.push("m.created_at < ?".to_owned());
                params.push(Param::Text(midnight(*day)));
            }
            Term::HasAttachment => parts.push("m.has_attachment = 1".to_owned()),
            Term::Visitor(id) => {
                parts.push("m.visitor = ?".to_owned());
                // Ids are stored by their bits (see the archive's rows).
                params.push(Param::Int(i64::from_ne_bytes(id.to_ne_bytes())));
            }
        }
    }
    if !matched.is_empty() {
        // The candidates first, so the confirmations read only their rows.
        parts.insert(0, format!("m.rowid IN ({MATCHING})"));
        params.insert(0, Param::Text(matched.join(" AND ")));
    }
    Condition {
        sql: if parts.is_empty() {
            "1".to_owned()
        } else {
            parts.join(" AND ")
        },
        params,
    }
}

/// The index's rows matching a bound FTS5 query.
const MATCHING: &str = "SELECT rowid FROM message_search WHERE message_search MATCH ?";

/// The SQL function (added by the archive) that folds text for the index.
pub const FOLD_FUNCTION: &str = "szchat_fold";
/// The SQL function (added by the archive) that confirms a candidate.
pub const CONTAINS_FUNCTION: &str = "folded_contains";
/// The SQL function (added by the archive) for text at a word's start.
pub const WORD_START_FUNCTION: &str = "folded_word_start";
/// The fields the index holds, read from the message itself.
macro_rules! fields {
    () => {
        "m.body, m.attachment_name, \
         coalesce(m.sender_name, trim(coalesce(m.sender_forename, '') || ' ' || coalesce(m.sender_surname, '')))"
    };
}
/// The text, folded, is in the body, the attachment's name or the sender's
/// name: what the index holds.
const CONTAINS: &str = concat!("folded_contains(?, ", fields!(), ")");
/// A word of the body, the attachment's name or the sender's name begins
/// with the text, folded.
const WORD_START: &str = concat!("folded_word_start(?, ", fields!(), ")");

/// An FTS5 string: the text in double quotes, its own quotes doubled.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The FTS5 query for rows holding every trigram of `folded`: the index
/// keeps no positions (`detail = none`), so it cannot ask for them in a
/// row; [`CONTAINS`] confirms the text whole.
fn trigrams(folded: &str) -> String {
    let chars: Vec<char> = folded.chars().collect();
    chars
        .windows(TRIGRAM)
        .map(|window| fts_string(&window.iter().collect::<String>()))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The day's first instant as the archive writes times.
fn midnight(day: NaiveDate) -> String {
    format!("{}T00:00:00.000Z", day.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_sql_binds_every_value_and_uses_the_index_for_long_text() {
        let built = condition(&parse(r#"Café "x" -spam visitor:7 after:2026-01-02"#).unwrap());
        assert_eq!(
            built.sql,
            format!(
                "m.rowid IN ({MATCHING}) AND {CONTAINS} AND {WORD_START} AND NOT (m.rowid IN ({MATCHING}) AND {CONTAINS}) AND m.visitor = ? AND m.created_at >= ?"
            )
        );
        assert_eq!(
            built.params,
            [
                Param::Text("\"caf\" AND \"afe\"".to_owned()),
                Param::Text("cafe".to_owned()),
                Param::Text("x".to_owned()),
                Param::Text("\"spa\" AND \"pam\"".to_owned()),
                Param::Text("spam".to_owned()),
                Param::Int(7),
                Param::Text("2026-01-02T00:00:00.000Z".to_owned()),
            ]
        );
        // A quote in the text stays inside its FTS5 string.
        let quoted = condition(&parse("ab\"cd").unwrap());
        assert_eq!(
            quoted.params[0],
            Param::Text("\"ab\"\"\" AND \"b\"\"c\" AND \"\"\"cd\"".to_owned())
        );
    }

    #[test]
    fn short_text_and_prefixes_are_folded_and_match_where_a_word_begins() {
        for query in ["ÉT", "Straß*", "-Zö"] {
            let built = condition(&parse(query).unwrap());
            assert!(built.sql.contains(WORD_START), "{query}: {built}");
        }
        let prefix = condition(&parse("Straß*").unwrap());
        assert_eq!(
            prefix.params,
            [
                Param::Text("\"str\" AND \"tra\" AND \"ras\" AND \"ass\"".to_owned()),
                Param::Text("strass".to_owned()),
            ]
        );
        assert_eq!(
            condition(&parse("ÉT").unwrap()).params,
            [Param::Text("et".to_owned())]
        );
    }
}
