//! Expiring attachment links: signing them into responses and checking them
//! when a file is fetched.

use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

/// The path prefix files are served under.
pub(super) const FILES_PREFIX: &str = "files/";
/// What a file name is encoded against in a link: everything but RFC 3986's
/// unreserved bytes, so a name with '/', '?' or '#' stays one path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a file link was refused.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum LinkError {
    /// The token does not match the name and expiry (or either is missing).
    BadToken,
    /// The link was genuine but its time is up.
    Expired,
}

/// Signs and checks links with a key known only to this server.
pub(super) struct Signer {
    key: (u64, u64),
    base_url: String,
    ttl: Duration,
}

impl Signer {
    /// A signer with a fresh random key; links point at `base_url`.
    pub(super) fn new(base_url: String, ttl: Duration) -> Self {
        Signer {
            key: (fastrand::u64(..), fastrand::u64(..)),
            base_url,
            ttl,
        }
    }

    /// Rewrites a served (relative) `file_url` of `message` into an absolute
    /// link valid for the TTL from `now_ms`; absolute URLs, null and empty
    /// values are left untouched.
    pub(super) fn rewrite(&self, message: &mut Value, now_ms: u64) {
        let Some(url) = message.get_mut("file_url") else {
            return;
        };
        let Some(name) = url.as_str().and_then(served_name) else {
            return;
        };
        let ttl_ms = u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        let expires = now_ms.saturating_add(ttl_ms);
        let link = format!(
            "{}/{FILES_PREFIX}{}?expires={expires}&token={}",
            self.base_url,
            utf8_percent_encode(name, SEGMENT),
            self.token(name, expires)
        );
        *url = Value::String(link);
    }

    /// Checks a link's query parameters for file `name` at `now_ms`.
    pub(super) fn check(
        &self,
        name: &str,
        expires: Option<&str>,
        token: Option<&str>,
        now_ms: u64,
    ) -> Result<(), LinkError> {
        let expires = expires
            .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|e| e.parse::<u64>().ok())
            .ok_or(LinkError::BadToken)?;
        if token != Some(self.token(name, expires).as_str()) {
            return Err(LinkError::BadToken);
        }
        if now_ms > expires {
            return Err(LinkError::Expired);
        }
        Ok(())
    }

    /// A keyed hash of the name and expiry. Not cryptographic, which is fine
    /// for a test double: it only has to reject altered or invented links.
    fn token(&self, name: &str, expires: u64) -> String {
        let mut token = String::with_capacity(32);
        for round in 0..2u8 {
            let mut hasher = DefaultHasher::new();
            (self.key, round, name, expires).hash(&mut hasher);
            let _ = write!(token, "{:016x}", hasher.finish());
        }
        token
    }
}

/// The file name a relative `file_url` refers to: "files/a.png", "/files/a.png"
/// and "a.png" all mean "a.png". URLs with a scheme (anything with ':') and
/// blank values are not served here.
pub(super) fn served_name(file_url: &str) -> Option<&str> {
    let trimmed = file_url.trim();
    if trimmed.is_empty() || trimmed.contains(':') {
        return None;
    }
    let relative = trimmed.trim_start_matches('/');
    let name = relative.strip_prefix(FILES_PREFIX).unwrap_or(relative);
    (!name.is_empty()).then_some(name)
}

/// Milliseconds since the Unix epoch, now.
pub(super) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A sensible `Content-Type` for a file name, by extension.
pub(super) fn content_type(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" | "log" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn signer() -> Signer {
        Signer::new("http://127.0.0.1:9".to_owned(), Duration::from_secs(20))
    }

    #[test]
    fn relative_urls_are_served_and_absolute_ones_are_not() {
        assert_eq!(served_name("files/invoice.pdf"), Some("invoice.pdf"));
        assert_eq!(served_name("/files/invoice.pdf"), Some("invoice.pdf"));
        assert_eq!(served_name("invoice.pdf"), Some("invoice.pdf"));
        assert_eq!(served_name("https://evil.example/x.pdf"), None);
        assert_eq!(served_name("javascript:alert(1)"), None);
        assert_eq!(served_name("  "), None);
        assert_eq!(served_name("files/"), None);
    }

    #[test]
    fn rewrite_makes_a_link_that_checks_until_it_expires() {
        let signer = signer();
        let mut message = json!({"id": 1, "file_url": "files/a b.png"});
        signer.rewrite(&mut message, 1_000);
        let url = message["file_url"].as_str().unwrap();
        let rest = url.strip_prefix("http://127.0.0.1:9/files/a%20b.png?expires=21000&token=");
        let token = rest.expect(url);
        assert_eq!(token.len(), 32);
        assert_eq!(
            signer.check("a b.png", Some("21000"), Some(token), 21_000),
            Ok(())
        );
        assert_eq!(
            signer.check("a b.png", Some("21000"), Some(token), 21_001),
            Err(LinkError::Expired)
        );
        assert_eq!(
            signer.check("a b.png", Some("99999"), Some(token), 21_000),
            Err(LinkError::BadToken)
        );
        assert_eq!(
            signer.check("other.png", Some("21000"), Some(token), 21_000),
            Err(LinkError::BadToken)
        );
        assert_eq!(
            signer.check("a b.png", None, Some(token), 0),
            Err(LinkError::BadToken)
        );
        assert_eq!(
            signer.check("a b.png", Some("21000"), None, 0),
            Err(LinkError::BadToken)
        );
    }

    #[test]
    fn a_file_name_stays_one_path_segment() {
        let signer = signer();
        let mut message = json!({"file_url": "files/Ré sumé/#1?.pdf"});
        signer.rewrite(&mut message, 0);
        let url = message["file_url"].as_str().unwrap();
        assert!(
            url.starts_with("http://127.0.0.1:9/files/R%C3%A9%20sum%C3%A9%2F%231%3F.pdf?expires="),
            "{url}"
        );
    }

    #[test]
    fn rewrite_leaves_absolute_null_and_missing_urls_alone() {
        let signer = signer();
        for original in [
            json!({"file_url": "https://cdn.example/x.png"}),
            json!({"file_url": null}),
            json!({"file_url": ""}),
            json!({"id": 3}),
        ] {
            let mut message = original.clone();
            signer.rewrite(&mut message, 5);
            assert_eq!(message, original);
        }
    }

    #[test]
    fn tokens_differ_between_servers() {
        assert_ne!(signer().token("a", 1), signer().token("a", 1));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("shot.PNG"), "image/png");
        assert_eq!(content_type("invoice.pdf"), "application/pdf");
        assert_eq!(content_type("error-log.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
