//! Laying out JSON as it was sent: what is inside a string stays byte for
//! byte, only the whitespace between tokens may change. Both the details
//! (indented) and the jsonl export (one line) re-lay a message this way, and
//! it works on JSON that is not valid too.

/// Each character of `json`, with whether it belongs to a string (its
/// quotes included), so a caller may touch only what lies between tokens.
pub fn chars_marking_strings(json: &str) -> impl Iterator<Item = (char, bool)> + '_ {
    let mut in_string = false;
    let mut escaped = false;
    json.chars().map(move |c| {
        if !in_string {
            in_string = c == '"';
            return (c, in_string);
        }
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_string = false;
        }
        (c, true)
    })
}

#[cfg(test)]
mod tests {
    use super::chars_marking_strings;

    #[test]
    fn quotes_and_escapes_inside_a_string_stay_in_it() {
        let json = r#"{"a": "x\" y", "b":1}"#;
        let inside: String = chars_marking_strings(json)
            .map(|(c, in_string)| if in_string { c } else { '_' })
            .collect();
        assert_eq!(inside, r#"_"a"__"x\" y"__"b"___"#);
    }
}
