//! A message's JSON as it is archived: exactly as received, except that the
//! value of its top-level `file_url` becomes `null`. The link dies 20 s after
//! the answer that carried it, so keeping it would only keep a credential;
//! the archive keeps that there was an attachment and its file name instead.

use std::borrow::Cow;

/// The key whose value is blanked.
const LINK_KEY: &str = "file_url";
/// What replaces it.
const BLANK: &str = "null";

/// `raw` with its top-level `file_url` value replaced by `null`; unchanged
/// (borrowed) when it has none, or is not an object this scanner can read.
pub fn without_file_url(raw: &str) -> Cow<'_, str> {
    // Most messages carry no link: skip the scan.
    if !raw.contains("file_url") && !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    match link_values(raw) {
        Some(spans) if !spans.is_empty() => {
            let mut out = String::with_capacity(raw.len());
            let mut at = 0;
            for (start, end) in spans {
                out.push_str(&raw[at..start]);
                out.push_str(BLANK);
                at = end;
            }
            out.push_str(&raw[at..]);
            Cow::Owned(out)
        }
        _ => Cow::Borrowed(raw),
    }
}

/// Byte spans of every top-level `file_url` value that is not already null.
fn link_values(raw: &str) -> Option<Vec<(usize, usize)>> {
    let bytes = raw.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    let mut spans = Vec::new();
    if bytes.get(at) == Some(&b'}') {
        return Some(spans);
    }
    loop {
        let key_end = string_end(bytes, at)?;
        let written = &raw[at + 1..key_end - 1];
        // Decoding is needed only for a key written with escapes (`"file\u005furl"`).
        let is_link = if written.contains('\\') {
            serde_json::from_str::<String>(&raw[at..key_end]).ok()? == LINK_KEY
        } else {
            written == LINK_KEY
        };
        at = skip_space(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let value_start = skip_space(bytes, at + 1);
        let value_end = value_end(bytes, value_start)?;
        if is_link && &raw[value_start..value_end] != BLANK {
            spans.push((value_start, value_end));
        }
        at = skip_space(bytes, value_end);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b'}') => return Some(spans),
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The index just past the string starting at `at` (its opening quote).
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index just past the value starting at `at`.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn only_the_link_changes_and_the_rest_stays_byte_exact() {
        let raw = r#"{"id": 7,"body":"see \"file_url\": x","file_url" : "https://cdn.test/a.pdf?sig=1","sender":{"file_url":"kept"}, "n":1.50}"#;
        assert_eq!(
            without_file_url(raw),
            r#"{"id": 7,"body":"see \"file_url\": x","file_url" : null,"sender":{"file_url":"kept"}, "n":1.50}"#
        );
    }

    #[test]
    fn a_message_without_a_link_is_left_alone() {
        for raw in [
            r#"{"id":1,"file_url":null}"#,
            r#"{"id":1,"body":"hi"}"#,
            "{}",
            "not json",
        ] {
            assert!(matches!(without_file_url(raw), Cow::Borrowed(_)), "{raw}");
        }
    }

    #[test]
    fn an_escaped_key_and_any_value_shape_are_blanked() {
        let raw = r#"{"file\u005furl":{"u":["}"]},"id":2}"#;
        let out = without_file_url(raw);
        let value: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["file_url"], Value::Null);
        assert_eq!(value["id"], 2);
    }
}
