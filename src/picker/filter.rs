//! What the filter typed over the visitor list matches: every word must
//! appear in the name, e-mail, reference or `#id` of a visitor, in any case
//! and with or without diacritics ("angstrom" finds "Ångström", "hana"
//! finds "HANA", "#4821" finds visitor 4821 as the list shows it).
//!
//! Names are capitalised, so a capital letter typed says nothing about what
//! the reader wants: unlike the conversation's search, case never counts
//! here. Each visitor's text is folded once, when it arrives.

use crate::fold::fold;
use crate::visitor::Visitor;

/// Keeps the fields of a search key apart, so a word never matches across
/// two of them; the query is split on whitespace, so it never holds one.
const FIELD_SEPARATOR: char = '\n';

/// The text a visitor is matched on: name, e-mail, reference and `#id`,
/// folded by [`fold`].
pub(super) fn search_key(visitor: &Visitor) -> String {
    let id = format!("#{}", visitor.id);
    let fields = [
        visitor.name.as_deref().unwrap_or_default(),
        visitor.email.as_deref().unwrap_or_default(),
        visitor.reference.as_deref().unwrap_or_default(),
        id.as_str(),
    ];
    let mut key = String::new();
    for field in fields {
        key.push_str(&fold(field));
        key.push(FIELD_SEPARATOR);
    }
    key
}

/// A filter as typed: its words, folded.
#[derive(Debug)]
pub(super) struct Query {
    words: Vec<String>,
}

impl Query {
    pub(super) fn new(raw: &str) -> Self {
        Query {
            words: raw.split_whitespace().map(fold).collect(),
        }
    }

    /// Whether every word appears in the search `key` of a visitor.
    pub(super) fn matches(&self, key: &str) -> bool {
        self.words.iter().all(|word| key.contains(word.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(id: u64, name: &str, email: &str) -> Visitor {
        let mut visitor = Visitor::unnamed(id);
        visitor.name = Some(name.to_owned());
        visitor.email = Some(email.to_owned());
        visitor
    }

    fn finds(query: &str, visitor: &Visitor) -> bool {
        Query::new(query).matches(&search_key(visitor))
    }

    #[test]
    fn diacritics_and_case_never_count() {
        let zoe = visitor(9120, "Zoë Ångström", "zoe@fika.example");
        for query in ["angstrom", "ÅNGSTRÖM", "Angström", "zoe ang", "ZOË"] {
            assert!(finds(query, &zoe), "{query}");
        }
        assert_eq!(
            fold("Søren Łukasz Straße Æbeltoft"),
            "soren lukasz strasse aebeltoft"
        );
        assert_eq!(fold("HANA"), "hana");
        assert_eq!(fold("Zoe\u{308}"), "zoe");
        assert!(finds(
            "HANA",
            &visitor(4821, "Hana Whitfield", "h@k.example")
        ));
    }

    #[test]
    fn the_id_is_found_as_the_list_shows_it() {
        let hana = visitor(4821, "Hana Whitfield", "h@k.example");
        for query in ["#4821", "4821", "#48", "482"] {
            assert!(finds(query, &hana), "{query}");
        }
        assert!(!finds("#821", &hana), "# marks where the id starts");
    }

    #[test]
    fn words_match_within_one_field_and_other_scripts_stay_whole() {
        let hana = visitor(4821, "Hana Whitfield", "h@k.example");
        assert!(!finds("fieldh@", &hana));
        assert!(finds("whit k.ex", &hana));
        let kenji = visitor(5215, "佐藤 健二", "kenji@kestrel.example");
        assert!(finds("佐藤", &kenji));
        assert_eq!(fold("ガ"), "ガ");
        assert_eq!(fold("한"), "한");
    }
}
