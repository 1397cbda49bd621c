//! Which parts of a body become links: http(s) URLs that pass the same
//! check `o` applies ([`check_url`]), and nothing else.

use crate::open::{CheckedUrl, check_url};

/// A piece of a body: text, or a URL that may be linked.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Link { text: &'a str, url: CheckedUrl },
}

/// Characters that end a URL in running text.
fn ends_url(c: char) -> bool {
    c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`' | '{' | '}' | '|' | '\\')
}

/// Punctuation that ends a sentence rather than a URL when it comes last.
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '*', '_'];

/// `text` cut into plain pieces and linkable URLs, in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = find_scheme(rest) {
        let tail = &rest[start..];
        let mut end = tail.find(ends_url).unwrap_or(tail.len());
        while let Some(last) = tail[..end].chars().next_back() {
            // A closing parenthesis the URL opened is its own (Wikipedia's links).
            let own_paren = last == ')' && {
                let url = &tail[..end];
                url.matches('(').count() >= url.matches(')').count()
            };
            if TRAILING.contains(&last) && !own_paren {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        let candidate = &tail[..end];
        match check_url(candidate) {
            Ok(url) if candidate.len() > scheme_len(candidate) => {
                if start > 0 {
                    out.push(Piece::Text(&rest[..start]));
                }
                out.push(Piece::Link {
                    text: candidate,
                    url,
                });
            }
            _ => out.push(Piece::Text(&rest[..start + end])),
        }
        rest = &rest[start + end..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Where the next "http://" or "https://" starts (any case), at a word's start.
fn find_scheme(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("http") {
        let at = from + found;
        let after = &lower[at..];
        let is_scheme = after.starts_with("http://") || after.starts_with("https://");
        let word_start = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if is_scheme && word_start {
            return Some(at);
        }
        from = at + "http".len();
    }
    None
}

fn scheme_len(url: &str) -> usize {
    if url[..5].eq_ignore_ascii_case("https") {
        "https://".len()
    } else {
        "http://".len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linked(text: &str) -> Vec<&str> {
        pieces(text)
            .into_iter()
            .filter_map(|piece| match piece {
                Piece::Link { text, .. } => Some(text),
                Piece::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn http_and_https_urls_are_linked_without_the_sentence_around_them() {
        assert_eq!(
            linked("see https://ledgerline.example/help/export. Or HTTP://x.test/a?b=1, ok"),
            [
                "https://ledgerline.example/help/export",
                "HTTP://x.test/a?b=1"
            ]
        );
        assert_eq!(
            linked("(https://en.wikipedia.org/wiki/Foo_(bar))"),
            ["https://en.wikipedia.org/wiki/Foo_(bar)"]
        );
        assert_eq!(linked("<https://x.test/a>"), ["https://x.test/a"]);
    }

    #[test]
    fn nothing_else_is_linked() {
        for text in [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://files.example/x",
            "mail hana@example.com",
            "https://bank.example@evil.example/",
            "https://",
            "xhttps://x.test/",
            "www.example.com",
        ] {
            assert_eq!(linked(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn the_pieces_give_back_the_whole_text() {
        for text in [
            "a https://x.test/ b http://y.test/c.",
            "https://bank.example@evil.example/ then https://ok.test",
            "ends with http",
            "ünïcode https://x.test/ä — done",
        ] {
            let joined: String = pieces(text)
                .iter()
                .map(|piece| match piece {
                    Piece::Text(text) | Piece::Link { text, .. } => *text,
                })
                .collect();
            assert_eq!(joined, text);
        }
    }
}
