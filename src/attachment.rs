//! What an attachment is called on screen. The message block and the status
//! bar both name it through [`display_name`], so they always agree. Its
//! parts: which image it is ([`kind`]), the name it is saved under
//! ([`filename`]), its bytes through a fresh link ([`fetch`]), a file they
//! are saved to ([`save`]), and a bounded preview decoding ([`preview`]).

pub mod fetch;
pub mod filename;
pub mod kind;
pub mod preview;
pub mod save;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::model::Message;
use crate::sanitize::sanitize_line;

/// Relative links are resolved against this only to find their path; it is never requested.
const RELATIVE_BASE: &str = "http://relative.invalid/";

/// Said (and saved under) when a name has no text worth showing at all.
pub(crate) const UNNAMED: &str = "attachment";

/// An attachment's name for display: the last segment of its link's path,
/// percent-decoded (invalid UTF-8 becomes '�') and sanitized for the terminal.
/// A link whose path names no file (none, or ending in '/') is shown whole,
/// sanitized, so the reader still sees where it points.
pub(crate) fn display_name(link: &str) -> String {
    let link = link.trim();
    file_name(link)
        .or_else(|| clean_name(link))
        .unwrap_or_else(|| UNNAMED.to_owned())
}

/// An attachment's file name alone (as [`display_name`]), never the link:
/// "attachment" when the link's path names no file. For exports, where a
/// link would be dead long before anyone reads it.
pub(crate) fn file_name_only(link: &str) -> String {
    file_name(link.trim()).unwrap_or_else(|| UNNAMED.to_owned())
}

/// `message`'s attachment as shown ([`display_name`] of its link, or the
/// name the archive kept); `None` when it has none.
pub(crate) fn shown_name(message: &Message) -> Option<String> {
    match (&message.file_url, &message.archived_attachment) {
        (Some(link), _) => Some(display_name(link)),
        (None, Some(kept)) => Some(kept_name(kept)),
        (None, None) => None,
    }
}

/// `message`'s attachment by file name alone ([`file_name_only`] of its
/// link, or the name the archive kept), for exports; `None` when it has none.
pub(crate) fn file_name_of(message: &Message) -> Option<String> {
    match (&message.file_url, &message.archived_attachment) {
        (Some(link), _) => Some(file_name_only(link)),
        (None, Some(kept)) => Some(kept_name(kept)),
        (None, None) => None,
    }
}

/// A kept name, sanitized again (the archive file may have been edited).
fn kept_name(kept: &str) -> String {
    clean_name(kept).unwrap_or_else(|| UNNAMED.to_owned())
}

/// The decoded, sanitized last path segment; None when it is empty.
fn file_name(link: &str) -> Option<String> {
    let url = Url::parse(link)
        .or_else(|_| Url::parse(RELATIVE_BASE).and_then(|base| base.join(link)))
        .ok()?;
    let segment = url.path_segments()?.next_back()?;
    clean_name(&percent_decode_str(segment).decode_utf8_lossy())
}

/// A visitor-chosen name as one safe line (no control, bidi or invisible
/// character: [`sanitize_line`]) without the spaces around it; `None`
/// when nothing is left. Every name of an attachment, shown or saved,
/// passes through here.
pub(crate) fn clean_name(raw: &str) -> Option<String> {
    let name = sanitize_line(raw);
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_the_decoded_last_path_segment() {
        for (link, name) in [
            (
                "https://cdn.example.com/up/a1/invoice-4821.pdf?X-Amz-Signature=abc#x",
                "invoice-4821.pdf",
            ),
            ("https://cdn.example.com/My%20Report.pdf", "My Report.pdf"),
            (
                "https://cdn.example.com/My%20Report%E2%80%94final.pdf",
                "My Report—final.pdf",
            ),
            // A space the server forgot to encode reads the same.
            ("https://cdn.example.com/My Report.pdf", "My Report.pdf"),
            ("files/report.txt", "report.txt"),
            ("/files/a%26b.txt?token=1", "a&b.txt"),
        ] {
            assert_eq!(display_name(link), name, "{link}");
        }
    }

    #[test]
    fn a_link_that_names_no_file_is_shown_whole() {
        for link in [
            "https://cdn.example.com/dir/",
            "https://cdn.example.com",
            "https://cdn.example.com/%20%20",
        ] {
            let shown = display_name(link);
            assert!(shown.starts_with("https://cdn.example.com"), "{shown}");
        }
        assert_eq!(display_name("   "), UNNAMED);
    }

    #[test]
    fn decoded_text_is_made_safe_for_the_terminal() {
        // Escapes and bidi overrides hidden in percent-encoding are neutralised.
        assert_eq!(
            display_name("https://x.test/a%1B%5B2Jb%E2%80%AEfdp.exe"),
            "a␛[2Jbfdp.exe"
        );
        // Invalid escapes stay as written; invalid UTF-8 becomes '�'.
        assert_eq!(display_name("https://x.test/bad%zz%E2.txt"), "bad%zz�.txt");
        // An escape is two hex digits only, never a sign.
        assert_eq!(display_name("https://x.test/a%+1b"), "a%+1b");
        for link in ["https://x.test/%07%1b]52;c;eA==%07", "\u{1b}]0;title\u{7}"] {
            let shown = display_name(link);
            assert!(!shown.chars().any(char::is_control), "{shown:?}");
        }
    }
}
