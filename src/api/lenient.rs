//! Reading JSON that is sound in structure but not in every value: a page is
//! cut into its envelope and its entries before any of them is decoded, and
//! text inside strings is mended instead of rejected, so one bad entry never
//! costs the others.
//!
//! `serde_json` rejects a whole document for one lone surrogate escape
//! (`"\ud800"`), one byte of invalid UTF-8 or one raw control character in a
//! string. The splitter here only follows brackets, commas and string
//! boundaries, which those faults do not disturb; [`repair`] then rewrites
//! such text into valid JSON that reads as U+FFFD (or, for a control
//! character, as itself, which the display sanitizes).

/// The replacement character, as a JSON escape.
const REPLACEMENT_ESCAPE: &[u8] = br"\uFFFD";

/// A page cut apart: the envelope, and each entry of its `messages` list.
#[derive(Debug)]
pub(crate) struct PageParts<'a> {
    /// The whole document with the `messages` list emptied (`[]`), mended.
    pub(crate) envelope: Vec<u8>,
    /// Each entry of the `messages` list as the server sent it, in its order.
    pub(crate) entries: Vec<&'a [u8]>,
}

/// Why a document could not even be cut apart: its structure is broken.
pub(crate) type Broken = &'static str;

/// Cuts a page document apart. Fails only when the structure itself is
/// broken (truncated, unbalanced, not an object); an entry may hold anything
/// that keeps its brackets and quotes balanced. A document without a
/// `messages` list comes back whole as the envelope, with no entries, for the
/// envelope's decoder to refuse.
pub(crate) fn split_page(body: &[u8]) -> Result<PageParts<'_>, Broken> {
    split_list_field(body, "messages")
}

/// [`split_page`] for a document whose list is under `key` (`"users"`).
pub(crate) fn split_list_field<'a>(body: &'a [u8], key: &str) -> Result<PageParts<'a>, Broken> {
    let list = object_fields(body)?
        .into_iter()
        .find(|field| is_key(field.key, key))
        .map(|field| (field.start, field.end));
    let Some((start, end)) = list else {
        return Ok(PageParts {
            envelope: repair(body),
            entries: Vec::new(),
        });
    };
    if body[start] != b'[' {
        return Err(if key == "users" {
            "the users field is not a list"
        } else {
            "the messages field is not a list"
        });
    }
    let entries = split_list(body, start)?;
    let mut envelope = Vec::with_capacity(start + 2 + body.len() - end);
    envelope.extend_from_slice(&body[..start]);
    envelope.extend_from_slice(b"[]");
    envelope.extend_from_slice(&body[end..]);
    Ok(PageParts {
        envelope: repair(&envelope),
        entries,
    })
}

/// The text of the value under `key` in the object `body`, as sent, when
/// the object's structure can be followed: how an entry too deep or too
/// broken to decode still tells its id.
pub(crate) fn field_text<'a>(body: &'a [u8], key: &str) -> Option<&'a [u8]> {
    let field = object_fields(body)
        .ok()?
        .into_iter()
        .find(|field| is_key(field.key, key))?;
    Some(&body[field.start..field.end])
}

/// One `"key": value` of an object: the key as quoted, and where its value is.
struct Field<'a> {
    key: &'a [u8],
    start: usize,
    end: usize,
}

/// The fields of the object `body`, in order, following only its outer
/// structure (what lies inside each value is for the decoder).
fn object_fields(body: &[u8]) -> Result<Vec<Field<'_>>, Broken> {
    let mut fields = Vec::new();
    let mut at = skip_space(body, 0);
    if body.get(at) != Some(&b'{') {
        return Err("the answer is not a JSON object");
    }
    at = skip_space(body, at + 1);
    if body.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            if body.get(at) != Some(&b'"') {
                return Err("a key is missing in the answer");
            }
            let key_end = skip_string(body, at)?;
            let key = &body[at..key_end];
            at = skip_space(body, key_end);
            if body.get(at) != Some(&b':') {
                return Err("a ':' is missing in the answer");
            }
            let start = skip_space(body, at + 1);
            let end = skip_value(body, start)?;
            fields.push(Field { key, start, end });
            at = skip_space(body, end);
            match body.get(at) {
                Some(b',') => at = skip_space(body, at + 1),
                Some(b'}') => {
                    at += 1;
                    break;
                }
                _ => return Err("a ',' or '}' is missing in the answer"),
            }
        }
    }
    if skip_space(body, at) != body.len() {
        return Err("the answer goes on after its end");
    }
    Ok(fields)
}

/// The entries of the list that opens at `start`.
fn split_list(body: &[u8], start: usize) -> Result<Vec<&[u8]>, Broken> {
    let mut entries = Vec::new();
    let mut at = skip_space(body, start + 1);
    if body.get(at) == Some(&b']') {
        return Ok(entries);
    }
    loop {
        let end = skip_value(body, at)?;
        entries.push(&body[at..end]);
        at = skip_space(body, end);
        match body.get(at) {
            Some(b',') => at = skip_space(body, at + 1),
            Some(b']') => return Ok(entries),
            _ => return Err("a ',' or ']' is missing in the messages list"),
        }
    }
}

/// True for the key `name` (as quoted in the document), however it is escaped.
fn is_key(quoted: &[u8], name: &str) -> bool {
    if quoted.len() == name.len() + 2 && &quoted[1..quoted.len() - 1] == name.as_bytes() {
        return true;
    }
    quoted.contains(&b'\\')
        && serde_json::from_slice::<String>(&repair(quoted)).is_ok_and(|key| key == name)
}

/// The index of the first byte at or after `at` that is not JSON whitespace.
fn skip_space(body: &[u8], mut at: usize) -> usize {
    while body
        .get(at)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        at += 1;
    }
    at
}

/// The index just past the string that opens at `at` (which holds a '"').
fn skip_string(body: &[u8], at: usize) -> Result<usize, Broken> {
    let mut i = at + 1;
    while let Some(&byte) = body.get(i) {
        match byte {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err("the answer ends inside a string")
}

/// The index just past the value that starts at `at`. Objects and lists are
/// followed by their brackets only; what lies between is for the decoder.
fn skip_value(body: &[u8], at: usize) -> Result<usize, Broken> {
    match body.get(at) {
        None => Err("the answer ends where a value should be"),
        Some(b'"') => skip_string(body, at),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&byte) = body.get(i) {
                match byte {
                    b'"' => {
                        i = skip_string(body, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Err("the answer ends inside an object or list")
        }
        Some(_) => {
            let end = body[at..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .map_or(body.len(), |n| at + n);
            if end == at {
                Err("a value is missing in the answer")
            } else {
                Ok(end)
            }
        }
    }
}

/// Mends the text inside JSON strings so that `serde_json` accepts it:
/// invalid UTF-8 and lone surrogate escapes become U+FFFD, raw control
/// characters become escapes, and a backslash that starts no valid escape
/// becomes U+FFFD (what followed it stays). Bytes outside strings are left
/// alone: there, anything wrong is a fault of structure or type, for the
/// decoder to report.
pub(crate) fn repair(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut i = 0;
    let mut in_string = false;
    while let Some(&byte) = json.get(i) {
        if !in_string {
            in_string = byte == b'"';
            out.push(byte);
            i += 1;
            continue;
        }
        match byte {
            b'"' => {
                in_string = false;
                out.push(byte);
                i += 1;
            }
            b'\\' => i = repair_escape(json, i, &mut out),
            0x00..=0x1f => {
                out.extend_from_slice(format!("\\u{byte:04x}").as_bytes());
                i += 1;
            }
            0x20..=0x7f => {
                out.push(byte);
                i += 1;
            }
            _ => i = repair_utf8(json, i, &mut out),
        }
    }
    out
}

/// Copies or mends the escape that starts at `at` (a backslash inside a
/// string); returns where reading goes on.
fn repair_escape(json: &[u8], at: usize, out: &mut Vec<u8>) -> usize {
    let unit = |from: usize| hex4(json, from);
    let is_low = |unit: u16| (0xDC00..=0xDFFF).contains(&unit);
    match json.get(at + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
            out.extend_from_slice(&json[at..at + 2]);
            at + 2
        }
        Some(b'u') => match unit(at + 2) {
            Some(0xD800..=0xDBFF)
                if json.get(at + 6..at + 8) == Some(br"\u") && unit(at + 8).is_some_and(is_low) =>
            {
                out.extend_from_slice(&json[at..at + 12]);
                at + 12
            }
            Some(0xD800..=0xDFFF) => {
                out.extend_from_slice(REPLACEMENT_ESCAPE);
                at + 6
            }
            Some(_) => {
                out.extend_from_slice(&json[at..at + 6]);
                at + 6
            }
            None => {
                out.extend_from_slice(REPLACEMENT_ESCAPE);
                at + 1
            }
        },
        // Not an escape JSON knows (or the text ends): the backslash becomes U+FFFD.
        _ => {
            out.extend_from_slice(REPLACEMENT_ESCAPE);
            at + 1
        }
    }
}

/// Copies the UTF-8 character at `at`, or one U+FFFD for its invalid bytes.
fn repair_utf8(json: &[u8], at: usize, out: &mut Vec<u8>) -> usize {
    let tail = &json[at..json.len().min(at + 4)];
    let valid = match std::str::from_utf8(tail) {
        Ok(text) => text,
        Err(error) => std::str::from_utf8(&tail[..error.valid_up_to()]).unwrap_or_default(),
    };
    if let Some(c) = valid.chars().next() {
        out.extend_from_slice(&json[at..at + c.len_utf8()]);
        return at + c.len_utf8();
    }
    out.extend_from_slice("\u{FFFD}".as_bytes());
    // Skip the invalid sequence (UTF-8's "maximal subpart"), at least one byte.
    let skip = std::str::from_utf8(tail)
        .err()
        .and_then(|error| error.error_len())
        .unwrap_or(tail.len());
    at + skip.max(1)
}

/// The four hex digits at `at` as a UTF-16 unit.
fn hex4(json: &[u8], at: usize) -> Option<u16> {
    let digits = json.get(at..at + 4)?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        serde_json::from_slice::<String>(&repair(bytes)).unwrap()
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character() {
        assert_eq!(text(br#""a\ud800b""#), "a\u{FFFD}b");
        assert_eq!(text(br#""\udc00""#), "\u{FFFD}");
        assert_eq!(text(br#""\uD800\u0041""#), "\u{FFFD}A");
        assert_eq!(text(br#""\ud800\ud800\udc00""#), "\u{FFFD}\u{10000}");
        // A proper pair is kept.
        assert_eq!(text(br#""\ud83d\ude00""#), "😀");
    }

    #[test]
    fn broken_text_is_mended_and_good_text_kept() {
        assert_eq!(text(b"\"a\xffb\xe2\x80c\""), "a\u{FFFD}b\u{FFFD}c");
        assert_eq!(text(b"\"tab\there\x1b[2J\""), "tab\there\u{1b}[2J");
        assert_eq!(text(br#""\q\u12""#), "\u{FFFD}q\u{FFFD}u12");
        let clean = r#"{"a":"caf\u00e9 \"x\" \\ / é","b":[1,2]}"#.as_bytes();
        assert_eq!(repair(clean), clean);
    }

    #[test]
    fn bytes_outside_strings_are_left_for_the_decoder() {
        assert_eq!(repair(b"{\"a\":\xff}"), b"{\"a\":\xff}");
    }

    #[test]
    fn a_page_is_cut_into_its_envelope_and_entries() {
        let body = br#" { "total": 3, "messages" : [ {"id": 1, "body": "a]}\""} , 7,{"id":{}} ], "limit": 50 } "#;
        let parts = split_page(body).unwrap();
        assert_eq!(
            parts.entries,
            [&br#"{"id": 1, "body": "a]}\""}"#[..], b"7", br#"{"id":{}}"#]
        );
        assert_eq!(
            parts.envelope,
            br#" { "total": 3, "messages" : [], "limit": 50 } "#
        );
        let empty = split_page(br#"{"messages":[],"total":0}"#).unwrap();
        assert!(empty.entries.is_empty());
    }

    #[test]
    fn broken_entries_keep_their_place_when_brackets_balance() {
        let body = b"{\"total\":3,\"messages\":[{\"id\":1},{\"id\":2,\"body\":\"\xff\\ud800\x01\",\"x\":tru},{\"id\":3}]}";
        let parts = split_page(body).unwrap();
        assert_eq!(parts.entries.len(), 3);
        assert_eq!(parts.entries[2], br#"{"id":3}"#);
    }

    #[test]
    fn a_broken_structure_is_refused() {
        for body in [
            &b""[..],
            b"[]",
            b"<html>maintenance</html>",
            br#"{"total":1,"messages":[{"id":1}"#,
            br#"{"total":1,"messages":[{"id":1},]}"#,
            br#"{"total":1,"messages":[{"id":1} {"id":2}]}"#,
            br#"{"total":1,"messages":"nope"}"#,
            br#"{"total":1,"messages":[]} trailing"#,
            br#"{"total":1 "messages":[]}"#,
            br#"{"total":1,"messages":["unterminated]}"#,
        ] {
            assert!(
                split_page(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn an_escaped_messages_key_is_still_the_list() {
        let parts = split_page(br#"{"total":1,"messag\u0065s":[{"id":1}]}"#).unwrap();
        assert_eq!(parts.entries, [br#"{"id":1}"#]);
    }
}
