//! The API secret: validated once, never printed.
//!
//! `Secret` is the only place the raw text lives outside the HTTP client's
//! `Authorization` header. Its `Debug` and `Display` print `[redacted]`, and
//! every `SecretError` describes what is wrong without quoting the text.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::named_file::{self, OpenFailure, Opened};

/// Where the secret is read from when no file is given.
pub const SECRET_VARIABLE: &str = "SIGNALZEN_API_SECRET";

/// What `Debug` and `Display` print instead of the secret.
const REDACTED: &str = "[redacted]";

/// Read at most this much of a secret file: a secret is one short line, and a
/// mistaken path (a log, `/dev/zero`) must not be slurped whole.
const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// What may wrap a token in running text without being part of it: quotes and
/// brackets before it (`"S"`, `(S`), those and punctuation after it (`S",`).
const TOKEN_OPENERS: &[char] = &['"', '\'', '`', '(', '[', '{', '<'];
/// See [`TOKEN_OPENERS`].
const TOKEN_CLOSERS: &[char] = &[
    '"', '\'', '`', ')', ']', '}', '>', ',', ';', ':', '.', '!', '?',
];

/// Permission bits for group and others; any of them set makes a secret file too open.
#[cfg(unix)]
const GROUP_OTHER_BITS: u32 = 0o077;

/// The API secret. Debug and Display print "[redacted]"; only `expose()` gives the text.
#[derive(Clone)]
pub struct Secret(String);

/// Why a secret could not be accepted or read. Messages never contain the secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Nothing left after trimming whitespace.
    #[error("the API secret is empty; set SIGNALZEN_API_SECRET or pass --secret-file")]
    Empty,
    /// The text cannot be sent as a bearer token.
    #[error("the API secret {reason}; check SIGNALZEN_API_SECRET or --secret-file")]
    Invalid { reason: &'static str },
    /// The secret file could not be opened or read.
    #[error("cannot read secret file {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    /// The secret file is readable or writable by group or others.
    #[error(
        "secret file {} is accessible by group or others (mode {mode:03o}); run `chmod 600 {}`",
        path.display(),
        path.display()
    )]
    TooOpen { path: PathBuf, mode: u32 },
    /// As `TooOpen`, but the file is someone else's: `chmod` is not ours to run.
    #[error(
        "secret file {} is accessible by group or others (mode {mode:03o}) and is not yours; put the secret in a file of your own that only you can read",
        path.display()
    )]
    TooOpenNotYours { path: PathBuf, mode: u32 },
    /// The secret file's first line is empty.
    #[error("secret file {} has an empty first line; put the API secret there", path.display())]
    EmptyFile { path: PathBuf },
    /// The secret file's first line cannot be sent as a bearer token.
    #[error("the API secret in {} {reason}", path.display())]
    InvalidInFile { path: PathBuf, reason: &'static str },
}

impl Secret {
    /// Accepts `raw` without surrounding whitespace; rejects empty text and
    /// anything that is not visible ASCII (whitespace, control characters,
    /// non-ASCII) inside it, since the secret travels in an HTTP header.
    pub fn new(raw: &str) -> Result<Secret, SecretError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(SecretError::Empty);
        }
        match invalid_reason(trimmed) {
            Some(reason) => Err(SecretError::Invalid { reason }),
            None => Ok(Secret(trimmed.to_owned())),
        }
    }

    /// The secret's text, for building the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every whole-token occurrence of the secret replaced by
    /// `[redacted]`, for text from outside (a server's answer) that might echo it.
    ///
    /// A token is a whitespace-separated word, less the quotes, brackets and
    /// punctuation around it. A word that merely contains the secret's
    /// characters is left alone, so even a one-character secret never garbles
    /// text or shows where its characters occur; text without the secret as a
    /// token comes back unchanged.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let secret = self.expose();
        if !text.contains(secret) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        for piece in text.split_inclusive(char::is_whitespace) {
            let word = piece.trim_end_matches(char::is_whitespace);
            let gap = &piece[word.len()..];
            match token_position(word, secret) {
                Some(start) => {
                    out.push_str(&word[..start]);
                    out.push_str(REDACTED);
                    out.push_str(&word[start + secret.len()..]);
                    changed = true;
                }
                None => out.push_str(word),
            }
            out.push_str(gap);
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Reads the first line of a file. On Unix refuses a file readable or writable by group or others (mode & 0o077 != 0), as ssh does, with a message that names the path and says `chmod 600 PATH`.
    pub fn from_file(path: &Path) -> Result<Secret, SecretError> {
        let unreadable = |err: std::io::Error| SecretError::Unreadable {
            path: path.to_owned(),
            reason: err.to_string(),
        };
        // Only a regular file or an open pipe (`<(pass show signalzen)`):
        // a named pipe or a device would block or never end.
        let Opened { file, metadata, .. } =
            named_file::open(path).map_err(|failure| match failure {
                OpenFailure::NotAFile(kind) => SecretError::Unreadable {
                    path: path.to_owned(),
                    reason: kind.reason().to_owned(),
                },
                OpenFailure::Io(error) => unreadable(error),
            })?;
        check_permissions(path, &metadata)?;

        let mut line = Vec::new();
        BufReader::new(file.take(MAX_SECRET_FILE_BYTES))
            .read_until(b'\n', &mut line)
            .map_err(unreadable)?;
        let Ok(text) = std::str::from_utf8(&line) else {
            return Err(SecretError::InvalidInFile {
                path: path.to_owned(),
                reason: "is not UTF-8 text",
            });
        };
        match Secret::new(text) {
            Ok(secret) => Ok(secret),
            Err(SecretError::Invalid { reason }) => Err(SecretError::InvalidInFile {
                path: path.to_owned(),
                reason,
            }),
            Err(_) => Err(SecretError::EmptyFile {
                path: path.to_owned(),
            }),
        }
    }
}

/// Where `secret` starts in `word` if the word is the secret wrapped only in
/// [`TOKEN_OPENERS`] before and [`TOKEN_CLOSERS`] after.
fn token_position(word: &str, secret: &str) -> Option<usize> {
    let lead = word.len() - word.trim_start_matches(TOKEN_OPENERS).len();
    // The secret may itself begin with an opener, so every start within the
    // leading openers is a candidate.
    word.char_indices()
        .map(|(index, _)| index)
        .take_while(|&index| index <= lead)
        .find(|&start| {
            word[start..]
                .strip_prefix(secret)
                .is_some_and(|rest| rest.trim_start_matches(TOKEN_CLOSERS).is_empty())
        })
}

/// Why `text` cannot be a bearer token, naming the kind of character but never the text.
fn invalid_reason(text: &str) -> Option<&'static str> {
    text.chars().find_map(|c| {
        if c.is_whitespace() {
            Some("contains whitespace")
        } else if c.is_control() {
            Some("contains a control character")
        } else if !c.is_ascii() {
            Some("contains a non-ASCII character")
        } else {
            None
        }
    })
}

#[cfg(unix)]
fn check_permissions(path: &Path, metadata: &std::fs::Metadata) -> Result<(), SecretError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & GROUP_OTHER_BITS != 0 {
        let path = path.to_owned();
        return Err(if named_file::owned_by_me(metadata) {
            SecretError::TooOpen { path, mode }
        } else {
            SecretError::TooOpenNotYours { path, mode }
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), SecretError> {
    Ok(())
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "sz_live_5ecr3t-Token.value";

    #[test]
    fn trims_and_exposes() {
        let secret = Secret::new(&format!("  {RAW}\r\n")).unwrap();
        assert_eq!(secret.expose(), RAW);
    }

    #[test]
    fn debug_and_display_are_redacted() {
        let secret = Secret::new(RAW).unwrap();
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(secret.clone())), "Some([redacted])");
    }

    #[test]
    fn redacts_the_secret_as_a_whole_token() {
        let secret = Secret::new(RAW).unwrap();
        let cases = [
            (RAW.to_owned(), "[redacted]".to_owned()),
            (
                format!("invalid type: string \"{RAW}\", expected u64"),
                "invalid type: string \"[redacted]\", expected u64".to_owned(),
            ),
            (
                format!("unknown field `{RAW}`\ttwice: ({RAW}).\n"),
                "unknown field `[redacted]`\ttwice: ([redacted]).\n".to_owned(),
            ),
        ];
        for (text, redacted) in cases {
            assert_eq!(secret.redact(&text), redacted);
        }
    }

    #[test]
    fn text_without_the_secret_as_a_token_is_left_alone() {
        let secret = Secret::new(RAW).unwrap();
        for text in [
            format!("prefix{RAW}"),
            format!("{RAW}suffix"),
            format!("key={RAW}"),
            format!("https://u:{RAW}@example.com/"),
            "no secret here".to_owned(),
        ] {
            assert_eq!(secret.redact(&text), text);
        }
    }

    #[test]
    fn a_one_character_secret_garbles_nothing() {
        let url = "cannot connect to http://127.0.0.1:9/external/users/4821/messages?offset=0&limit=50: \
                   tcp connect error: Connection refused (os error 111)";
        for byte in 0x21u8..=0x7e {
            let one = char::from(byte).to_string();
            let secret = Secret::new(&one).unwrap();
            assert_eq!(secret.redact(url), url, "secret {one:?}");
            let standalone = format!("got {one} alone");
            assert_eq!(
                secret.redact(&standalone),
                "got [redacted] alone",
                "secret {one:?}"
            );
        }
    }

    #[test]
    fn a_secret_starting_or_ending_with_punctuation_is_still_one_token() {
        let secret = Secret::new("\"a.b:").unwrap();
        assert_eq!(secret.redact("x (\"a.b:) y"), "x ([redacted]) y");
        assert_eq!(secret.redact("x \"a.b:c y"), "x \"a.b:c y");
    }

    #[test]
    fn rejects_empty() {
        for raw in ["", "   ", "\n", "\t\r\n"] {
            let err = Secret::new(raw).unwrap_err();
            assert!(matches!(err, SecretError::Empty), "{raw:?}");
            assert!(err.to_string().contains("SIGNALZEN_API_SECRET"));
        }
    }

    #[test]
    fn rejects_bad_characters_without_echoing_them() {
        let cases = [
            ("abc def", "whitespace"),
            ("abc\tdef", "whitespace"),
            ("abc\ndef", "whitespace"),
            ("abc\u{1b}[31mdef", "control"),
            ("abc\u{7f}def", "control"),
            ("abcédef", "non-ASCII"),
            ("abc\u{a0}def", "whitespace"),
        ];
        for (raw, kind) in cases {
            let err = Secret::new(raw).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(kind), "{raw:?}: {msg}");
            assert!(!msg.contains("abc") && !msg.contains("def"), "{msg}");
            assert!(!format!("{err:?}").contains("abc"));
        }
    }

    #[test]
    fn every_visible_ascii_char_is_accepted() {
        let all: String = (0x21u8..=0x7e).map(char::from).collect();
        assert_eq!(Secret::new(&all).unwrap().expose(), all);
        // The header value must build from what `Secret` accepts.
        assert!(reqwest::header::HeaderValue::from_str(&format!("Bearer {all}")).is_ok());
    }

    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!(
                "szchat-secret-{name}-{}-{}",
                std::process::id(),
                fastrand::u64(..)
            ));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        fn write(&self, contents: &[u8], mode: u32) -> PathBuf {
            let path = self.0.join("secret");
            std::fs::write(&path, contents).unwrap();
            set_mode(&path, mode);
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[cfg(not(unix))]
    fn set_mode(_path: &Path, _mode: u32) {}

    #[test]
    fn reads_first_line_of_private_file() {
        let dir = TempDir::new("ok");
        let path = dir.write(format!("{RAW}\nsecond line ignored\n").as_bytes(), 0o600);
        assert_eq!(Secret::from_file(&path).unwrap().expose(), RAW);

        let path = dir.write(format!("  {RAW}  \r\n").as_bytes(), 0o400);
        assert_eq!(Secret::from_file(&path).unwrap().expose(), RAW);

        let path = dir.write(RAW.as_bytes(), 0o600);
        assert_eq!(Secret::from_file(&path).unwrap().expose(), RAW);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_group_or_world_accessible_file() {
        let dir = TempDir::new("open");
        for mode in [0o644, 0o640, 0o604, 0o620, 0o602, 0o660, 0o666, 0o610] {
            let path = dir.write(RAW.as_bytes(), mode);
            let err = Secret::from_file(&path).unwrap_err();
            let msg = err.to_string();
            assert!(
                matches!(err, SecretError::TooOpen { .. }),
                "{mode:o}: {msg}"
            );
            assert!(
                msg.contains(&format!("chmod 600 {}", path.display())),
                "{msg}"
            );
            assert!(msg.contains(&format!("{mode:03o}")), "{msg}");
            assert!(!msg.contains(RAW));
        }
    }

    #[test]
    fn empty_or_invalid_file_names_the_path_not_the_secret() {
        let dir = TempDir::new("bad");
        let path = dir.write(b"\nsecond-line-secret\n", 0o600);
        let err = Secret::from_file(&path).unwrap_err();
        assert!(matches!(err, SecretError::EmptyFile { .. }), "{err}");
        assert!(err.to_string().contains(&path.display().to_string()));

        let path = dir.write(b"-----BEGIN PRIVATE KEY-----\n", 0o600);
        let err = Secret::from_file(&path).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, SecretError::InvalidInFile { .. }), "{msg}");
        assert!(msg.contains("whitespace") && msg.contains(&path.display().to_string()));
        assert!(!msg.contains("PRIVATE"));

        let path = dir.write(&[0xff, 0xfe, b'a', b'\n'], 0o600);
        let err = Secret::from_file(&path).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }

    #[test]
    fn missing_file_or_directory_is_unreadable() {
        let dir = TempDir::new("missing");
        let err = Secret::from_file(&dir.0.join("nope")).unwrap_err();
        assert!(matches!(err, SecretError::Unreadable { .. }), "{err}");
        assert!(err.to_string().contains("nope"));

        let err = Secret::from_file(&dir.0).unwrap_err();
        assert!(matches!(err, SecretError::Unreadable { .. }), "{err}");
    }
}
