//! Opening attachment links: only http(s), never through a shell, never with
//! the API secret in the opener's environment.

use std::io;
use std::process::{Command, Stdio};

use reqwest::Url;

use crate::attachment;
use crate::sanitize::sanitize_line;

/// The environment variable the browser must not inherit.
const SECRET_VARIABLE: &str = "SIGNALZEN_API_SECRET";

/// A link that passed [`check_url`]: absolute, http or https, with a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedUrl(Url);

impl CheckedUrl {
    /// The link as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The attachment's name as the message block shows it, for status messages.
    pub fn file_name(&self) -> String {
        attachment::display_name(self.0.as_str())
    }
}

/// Why a link was not opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RefusedUrl {
    #[error("refused to open the link: it is not a valid URL")]
    Invalid,
    #[error("refused to open a {scheme}: link: only http and https links are opened")]
    Scheme { scheme: String },
    #[error("refused to open the link: it names no host")]
    NoHost,
}

/// Accepts only absolute http and https URLs with a host.
pub fn check_url(raw: &str) -> Result<CheckedUrl, RefusedUrl> {
    let url = Url::parse(raw.trim()).map_err(|_| RefusedUrl::Invalid)?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(RefusedUrl::Scheme {
                scheme: sanitize_line(other),
            });
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(RefusedUrl::NoHost);
    }
    Ok(CheckedUrl(url))
}

/// Opens the link: `$BROWSER` with the URL as its only argument when set,
/// else the platform's opener. Returns once the program has started; it is
/// not waited for, and its output does not reach our screen.
pub fn open_in_browser(url: &CheckedUrl) -> io::Result<()> {
    match std::env::var_os("BROWSER").filter(|b| !b.is_empty()) {
        Some(browser) => {
            let mut command = Command::new(browser);
            command.arg(url.as_str());
            spawn_detached(command)
        }
        None => {
            let mut last_error = io::Error::other("no program to open links with");
            for command in open::commands(url.as_str()) {
                match spawn_detached(command) {
                    Ok(()) => return Ok(()),
                    Err(error) => last_error = error,
                }
            }
            Err(last_error)
        }
    }
}

fn spawn_detached(mut command: Command) -> io::Result<()> {
    command
        .env_remove(SECRET_VARIABLE)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = command.spawn()?;
    // Reap it in the background so it leaves no zombie; its exit is not ours to judge.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_pass() {
        assert!(check_url("https://example.com/a.pdf").is_ok());
        assert!(check_url("http://127.0.0.1:8080/files/x?expires=1").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,hi",
            "ftp://example.com/x",
            "JAVASCRIPT:alert(1)",
        ] {
            assert!(
                matches!(check_url(bad), Err(RefusedUrl::Scheme { .. })),
                "{bad} was accepted"
            );
        }
        assert_eq!(check_url("not a url"), Err(RefusedUrl::Invalid));
        assert_eq!(check_url("/files/x"), Err(RefusedUrl::Invalid));
    }

    #[test]
    fn file_name_is_the_decoded_last_path_segment() {
        let url = check_url("https://cdn.example.com/u/4821/My%20Report.pdf?sig=abc").unwrap();
        assert_eq!(url.file_name(), "My Report.pdf");
    }
}
