//! Serde types for visitors (`GET /external/users` and `/external/users/{id}`)
//! and their conversion into [`Visitor`]. Lenient like messages: a page is
//! read entry by entry, unknown fields are ignored, nulls and values of the
//! wrong type become "unknown", and broken text is mended. An entry that
//! cannot be decoded at all (nested too deep, say) but tells its id becomes
//! a placeholder visitor with the reason; only an entry without a usable id
//! is dropped (and counted): a visitor that cannot be opened is no use in a
//! list.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::{cut, shorten};
use crate::api::lenient;
use crate::visitor::{Attribute, Visitor, VisitorId, VisitorsPage};

/// Most attributes kept per visitor: the widget code can set any number.
pub const MAX_ATTRIBUTES: usize = 100;

/// A name, e-mail, reference, and each attribute's name and value, is cut
/// to this many characters (and '…') when it arrives: more is never shown,
/// and a megabyte name would cost every frame that shows it.
pub const MAX_SHOWN_CHARS: usize = 300;

/// A last URL longer than this loses its query and fragment (never shown,
/// and no page needs them that long); still longer, it is dropped: a URL cut
/// short would open another page.
pub const MAX_URL_CHARS: usize = 8_192;

/// The envelope of `GET /external/users`.
#[derive(Debug, Deserialize)]
struct UsersEnvelopeDto {
    #[serde(default)]
    limit: Option<u64>,
    #[serde(default)]
    offset: Option<u64>,
    total: u64,
    /// Required to be there; its entries are read one by one elsewhere.
    #[serde(rename = "users")]
    _users: IgnoredAny,
}

/// Reads a page of `GET /external/users`. `requested_offset`/`requested_limit`
/// stand in for fields the server left out. Fails only when the envelope
/// cannot be read.
pub fn parse_users_page(
    body: &[u8],
    requested_offset: u64,
    requested_limit: u64,
) -> Result<VisitorsPage, String> {
    let parts = lenient::split_list_field(body, "users").map_err(str::to_owned)?;
    let envelope: UsersEnvelopeDto =
        serde_json::from_slice(&parts.envelope).map_err(|err| err.to_string())?;
    let mut visitors = Vec::new();
    let mut placeholders = Vec::new();
    let mut unreadable = 0;
    for raw in parts.entries {
        match read_user(raw) {
            Ok(visitor) => visitors.push(visitor),
            Err((Some(id), reason)) => {
                visitors.push(Visitor::unnamed(id));
                placeholders.push((id, reason));
            }
            Err((None, _)) => unreadable += 1,
        }
    }
    Ok(VisitorsPage {
        offset: envelope.offset.unwrap_or(requested_offset),
        limit: envelope.limit.unwrap_or(requested_limit),
        total: envelope.total,
        visitors,
        unreadable,
        placeholders,
    })
}

/// One entry of the list as a visitor, or its id (when it tells one) and
/// why it is not one.
fn read_user(raw: &[u8]) -> Result<Visitor, (Option<VisitorId>, String)> {
    let value: Value = serde_json::from_slice(&lenient::repair(raw)).map_err(|err| {
        let id = lenient::field_text(raw, "id")
            .and_then(|text| std::str::from_utf8(text).ok())
            .and_then(|text| text.parse::<VisitorId>().ok());
        // The position is within one entry's text: noise on screen.
        let full = err.to_string();
        let position = format!(" at line {} column {}", err.line(), err.column());
        (id, shorten(full.strip_suffix(&position).unwrap_or(&full)))
    })?;
    visitor_from(&value).ok_or((None, "no numeric id".to_owned()))
}

/// Reads the answer of `GET /external/users/{id}`.
pub fn parse_user(body: &[u8]) -> Result<Visitor, String> {
    let value: Value =
        serde_json::from_slice(&lenient::repair(body)).map_err(|err| err.to_string())?;
    visitor_from(&value).ok_or_else(|| "the user object has no numeric id".to_owned())
}

/// One user object as a visitor; `None` without a numeric id.
fn visitor_from(value: &Value) -> Option<Visitor> {
    let id = value.get("id").and_then(Value::as_u64)?;
    let text = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .map(|text| cut(text, MAX_SHOWN_CHARS))
    };
    let time = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .and_then(parse_timestamp)
    };
    let attributes = value
        .get("user_attributes")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(attribute_from)
                .take(MAX_ATTRIBUTES)
                .collect()
        })
        .unwrap_or_default();
    Some(Visitor {
        id,
        name: text("name"),
        email: text("email"),
        reference: value
            .get("reference")
            .and_then(scalar_text)
            .map(|text| cut(&text, MAX_SHOWN_CHARS)),
        created_at: time("created_at"),
        updated_at: time("updated_at"),
        online_at: time("online_at"),
        last_url: value
            .get("last_url")
            .and_then(Value::as_str)
            .filter(|url| !url.trim().is_empty())
            .and_then(bounded_url),
        attributes,
    })
}

/// `{name, value}`; a value that is a number or a boolean is shown as written.
fn attribute_from(value: &Value) -> Option<Attribute> {
    let name = cut(value.get("name").and_then(Value::as_str)?, MAX_SHOWN_CHARS);
    let value = value.get("value").and_then(scalar_text).unwrap_or_default();
    Some(Attribute {
        name,
        value: cut(&value, MAX_SHOWN_CHARS),
    })
}

/// `url` as is when it is at most [`MAX_URL_CHARS`] long; else without its
/// query and fragment if that is short enough; else none.
fn bounded_url(url: &str) -> Option<String> {
    if url.chars().count() <= MAX_URL_CHARS {
        return Some(url.to_owned());
    }
    let short = url.split(['?', '#']).next().unwrap_or_default();
    (short.chars().count() <= MAX_URL_CHARS && !short.trim().is_empty()).then(|| short.to_owned())
}

/// A string as is, a number or boolean as written; anything else is unknown.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn parse_timestamp(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ANA: &str = r#"{"id": 4821, "name": "Ana Ortega", "email": "ana@example.com",
        "reference": "cust-77", "created_at": "2026-01-02T10:00:00.000Z",
        "updated_at": "2026-01-03T10:00:00Z", "online_at": "2026-01-04T10:00:00Z",
        "last_url": "https://shop.example.com/cart?x=1", "extra": [1, 2],
        "user_attributes": [{"name": "plan", "value": "gold"}, {"name": "seats", "value": 12}]}"#;

    #[test]
    fn a_user_object_reads_into_a_visitor() {
        let visitor = parse_user(ANA.as_bytes()).unwrap();
        assert_eq!(visitor.id, 4821);
        assert_eq!(visitor.name.as_deref(), Some("Ana Ortega"));
        assert_eq!(visitor.reference.as_deref(), Some("cust-77"));
        assert_eq!(
            visitor.online_at.unwrap().to_rfc3339(),
            "2026-01-04T10:00:00+00:00"
        );
        assert_eq!(
            visitor.last_url.as_deref(),
            Some("https://shop.example.com/cart?x=1")
        );
        let attributes: Vec<(&str, &str)> = visitor
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(attributes, [("plan", "gold"), ("seats", "12")]);
    }

    #[test]
    fn nulls_and_wrong_types_are_unknown_not_errors() {
        let body = br#"{"id": 5, "name": null, "email": 3, "online_at": "yesterday",
            "last_url": "", "user_attributes": "none", "reference": 99}"#;
        let visitor = parse_user(body).unwrap();
        assert_eq!(visitor.name, None);
        assert_eq!(visitor.email, None);
        assert_eq!(visitor.online_at, None);
        assert_eq!(visitor.last_url, None);
        assert!(visitor.attributes.is_empty());
        assert_eq!(visitor.reference.as_deref(), Some("99"));
        assert!(parse_user(br#"{"name": "no id"}"#).is_err());
    }

    #[test]
    fn a_page_keeps_readable_visitors_and_counts_the_rest() {
        let body = format!(
            r#"{{"limit": 2, "offset": 40, "total": 43, "users": [{ANA}, {{"id": "x"}}, {{"id": 6, "name": "a\ud800"}}]}}"#
        );
        let page = parse_users_page(body.as_bytes(), 40, 2).unwrap();
        assert_eq!((page.offset, page.limit, page.total), (40, 2, 43));
        let ids: Vec<u64> = page.visitors.iter().map(|v| v.id).collect();
        assert_eq!(ids, [4821, 6]);
        assert_eq!(page.unreadable, 1);
        assert_eq!(page.visitors[1].name.as_deref(), Some("a\u{FFFD}"));
    }

    #[test]
    fn a_visitor_nested_too_deep_is_a_placeholder_and_the_others_stay() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let body = format!(
            r#"{{"total": 3, "users": [{ANA}, {{"id": 77, "name": "Deep", "user_attributes": [{{"name": "x", "value": {deep}}}]}}, {{"id": 6}}]}}"#
        );
        let page = parse_users_page(body.as_bytes(), 0, 50).unwrap();
        let ids: Vec<u64> = page.visitors.iter().map(|v| v.id).collect();
        assert_eq!(ids, [4821, 77, 6]);
        assert_eq!(page.unreadable, 0);
        assert_eq!(page.placeholders.len(), 1);
        let (id, reason) = &page.placeholders[0];
        assert_eq!(*id, 77);
        assert!(reason.starts_with("recursion limit exceeded"), "{reason}");
        assert_eq!(page.visitors[1].name, None, "nothing of it is guessed");
    }

    #[test]
    fn huge_fields_are_cut_once_as_they_arrive() {
        let huge = "é".repeat(1_000_000);
        let long_query = format!("https://shop.example/cart?{}", "q".repeat(100_000));
        let long_path = format!("https://shop.example/{}", "p".repeat(100_000));
        let visitor = parse_user(
            json!({"id": 1, "name": huge, "email": huge, "reference": huge, "last_url": long_query,
                   "user_attributes": [{"name": huge, "value": huge}]})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let shown = |text: &str| text.chars().count();
        assert_eq!(shown(visitor.name.as_deref().unwrap()), MAX_SHOWN_CHARS + 1);
        assert!(visitor.name.as_deref().unwrap().ends_with("é…"));
        assert_eq!(
            shown(visitor.email.as_deref().unwrap()),
            MAX_SHOWN_CHARS + 1
        );
        assert_eq!(
            shown(visitor.reference.as_deref().unwrap()),
            MAX_SHOWN_CHARS + 1
        );
        assert_eq!(shown(&visitor.attributes[0].name), MAX_SHOWN_CHARS + 1);
        assert_eq!(shown(&visitor.attributes[0].value), MAX_SHOWN_CHARS + 1);
        assert_eq!(
            visitor.last_url.as_deref(),
            Some("https://shop.example/cart")
        );
        let visitor = parse_user(
            json!({"id": 1, "last_url": long_path})
                .to_string()
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(visitor.last_url, None, "never a URL cut short");
    }

    #[test]
    fn the_envelope_must_be_readable() {
        for body in [
            r#"{"users": []}"#,
            r#"{"total": 1}"#,
            r#"{"total": 1, "users": null}"#,
            "[1]",
        ] {
            assert!(parse_users_page(body.as_bytes(), 0, 50).is_err(), "{body}");
        }
        let page = parse_users_page(br#"{"total": 0, "users": []}"#, 10, 20).unwrap();
        assert_eq!((page.offset, page.limit), (10, 20));
    }
}
