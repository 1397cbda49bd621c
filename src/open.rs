//! Opening attachment links: only http(s), never through a shell, never with
//! the API secret in the opener's environment, and never holding our terminal.
//!
//! `$BROWSER` follows the usual convention: a colon-separated list of
//! commands, each split into words as a shell would (without running one),
//! with `%s` standing for the link (else the link comes last). They are tried
//! in order until one starts; without `$BROWSER`, the platform's opener.

use std::ffi::OsStr;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use reqwest::Url;

use crate::attachment;
use crate::sanitize::sanitize_line;
use crate::secret::SECRET_VARIABLE;

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
    /// `https://bank.example@evil.example/` reads as one host and goes to
    /// another; a link that carries a password is not ours to pass on.
    #[error(
        "refused to open the link: it carries a user name or password before its host, a common disguise"
    )]
    Credentials,
}

/// Accepts only absolute http and https URLs with a host and no user or
/// password part.
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
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RefusedUrl::Credentials);
    }
    Ok(CheckedUrl(url))
}

/// How long a started browser is watched for an early failure: long enough
/// for a wrapper script or `xdg-open` to give up, short enough to still be
/// news when it is reported.
pub const EARLY_EXIT_WINDOW: Duration = Duration::from_secs(2);

/// The variable that names the user's browsers.
const BROWSER_VARIABLE: &str = "BROWSER";

/// Where links go: the commands in `$BROWSER`, or the platform's opener.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opener {
    /// `$BROWSER`'s commands as written, tried in order until one starts.
    Browser(Vec<String>),
    /// The platform's opener (`xdg-open` and its kin, `open` on macOS).
    Platform,
}

impl Opener {
    /// The opener `$BROWSER` asks for, else the platform's.
    pub fn from_env() -> Opener {
        let value = std::env::var_os(BROWSER_VARIABLE);
        Opener::from_browser_variable(value.as_deref().map(OsStr::to_string_lossy).as_deref())
    }

    /// The opener for a value of `$BROWSER`: a colon-separated list of
    /// commands. Unset, or nothing but colons and blanks, means the platform's.
    pub fn from_browser_variable(value: Option<&str>) -> Opener {
        let commands: Vec<String> = value
            .unwrap_or_default()
            .split(':')
            .map(str::trim)
            .filter(|command| !command.is_empty())
            .map(str::to_owned)
            .collect();
        if commands.is_empty() {
            Opener::Platform
        } else {
            Opener::Browser(commands)
        }
    }

    /// Starts the first command that can start, with the link, and returns
    /// at once: see [`Launched::outcome`] for how it fares. Must run inside
    /// a Tokio runtime, which reaps the child.
    pub fn launch(&self, url: &CheckedUrl) -> Result<Launched, OpenError> {
        let mut failed = Vec::new();
        let origin = match self {
            Opener::Browser(_) => Origin::BrowserVariable,
            Opener::Platform => Origin::Platform,
        };
        for prepared in self.commands(url) {
            let (program, command) = match prepared {
                Ok(prepared) => prepared,
                Err(failure) => {
                    tracing::warn!(command = %failure.command, reason = %failure.reason, "cannot use a $BROWSER entry");
                    failed.push(failure);
                    continue;
                }
            };
            match spawn_detached(command) {
                Ok(child) => {
                    tracing::info!(%program, "started the browser");
                    return Ok(Launched {
                        child,
                        program,
                        origin,
                    });
                }
                Err(error) => {
                    tracing::warn!(%program, %error, "cannot start the browser");
                    failed.push(FailedStart {
                        command: program,
                        reason: error.to_string(),
                    });
                }
            }
        }
        Err(match origin {
            Origin::BrowserVariable => OpenError::NoBrowserStarted(failed),
            Origin::Platform => OpenError::NoPlatformOpener(failed),
        })
    }

    /// Each command ready to spawn with the name it goes by, or why an entry
    /// of `$BROWSER` cannot be one.
    fn commands(&self, url: &CheckedUrl) -> Vec<Result<(String, Command), FailedStart>> {
        match self {
            Opener::Browser(entries) => entries
                .iter()
                .map(|entry| browser_command(entry, url.as_str()))
                .collect(),
            Opener::Platform => open::commands(url.as_str())
                .into_iter()
                .map(|command| {
                    let program = sanitize_line(&command.get_program().to_string_lossy());
                    Ok((program, Command::from(command)))
                })
                .collect(),
        }
    }
}

/// Opens the link with the opener `$BROWSER` asks for, else the platform's:
/// see [`Opener::launch`].
pub fn launch(url: &CheckedUrl) -> Result<Launched, OpenError> {
    Opener::from_env().launch(url)
}

/// A browser that has started; whether it keeps going is for [`Launched::outcome`].
#[derive(Debug)]
pub struct Launched {
    child: Child,
    program: String,
    origin: Origin,
}

impl Launched {
    /// The program that started, sanitized, for status messages.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// Waits up to [`EARLY_EXIT_WINDOW`]: a browser that exits with a failure
    /// by then is an error; one still running, or done with success, is not.
    pub async fn outcome(self) -> Result<(), OpenError> {
        self.outcome_within(EARLY_EXIT_WINDOW).await
    }

    /// [`Launched::outcome`] with another window.
    pub async fn outcome_within(mut self, window: Duration) -> Result<(), OpenError> {
        match tokio::time::timeout(window, self.child.wait()).await {
            Ok(Ok(status)) if !status.success() => Err(OpenError::ExitedEarly {
                program: self.program,
                origin: self.origin,
                status: status.to_string(),
            }),
            Ok(Err(error)) => {
                // The browser started; not knowing how it ended is no reason to alarm anyone.
                tracing::warn!(program = %self.program, %error, "cannot wait for the browser");
                Ok(())
            }
            // Still running (Tokio reaps it once it ends) or done with success.
            Err(_) | Ok(Ok(_)) => Ok(()),
        }
    }
}

/// Where the command that opens links came from, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An entry of `$BROWSER`.
    BrowserVariable,
    /// The platform's opener.
    Platform,
}

/// A command that could not start, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedStart {
    /// The program, or the `$BROWSER` entry when it could not be split into words.
    pub command: String,
    /// What went wrong, as the system said it.
    pub reason: String,
}

/// Why a link did not reach a browser.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    /// No command in `$BROWSER` could start.
    #[error("{}", no_browser_started(.0))]
    NoBrowserStarted(Vec<FailedStart>),
    /// `$BROWSER` is unset and none of the platform's openers could start.
    #[error("could not start a browser: {}; set $BROWSER", no_platform_opener(.0))]
    NoPlatformOpener(Vec<FailedStart>),
    /// The browser started, then failed within [`EARLY_EXIT_WINDOW`].
    #[error("`{program}`{} failed ({status})", from_where(*.origin))]
    ExitedEarly {
        program: String,
        origin: Origin,
        status: String,
    },
}

fn no_browser_started(failed: &[FailedStart]) -> String {
    match failed {
        [one] => format!(
            "could not start `{}` from $BROWSER: {}",
            one.command, one.reason
        ),
        many => format!(
            "could not start any browser from $BROWSER: {}",
            list_failures(many)
        ),
    }
}

fn no_platform_opener(failed: &[FailedStart]) -> String {
    if failed.is_empty() {
        "this system has no opener for links".to_owned()
    } else {
        list_failures(failed)
    }
}

fn list_failures(failed: &[FailedStart]) -> String {
    failed
        .iter()
        .map(|failure| format!("`{}`: {}", failure.command, failure.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

fn from_where(origin: Origin) -> &'static str {
    match origin {
        Origin::BrowserVariable => " from $BROWSER",
        Origin::Platform => "",
    }
}

/// One `$BROWSER` entry as a command: split into words as a shell would,
/// without running one, the link put where `%s` stands or else last.
fn browser_command(entry: &str, url: &str) -> Result<(String, Command), FailedStart> {
    let cannot = |reason: String| FailedStart {
        command: sanitize_line(entry),
        reason,
    };
    let words = shell_words::split(entry).map_err(|error| cannot(error.to_string()))?;
    let Some((program, arguments)) = words.split_first() else {
        return Err(cannot("it names no program".to_owned()));
    };
    let mut command = Command::new(program);
    command.args(browser_arguments(arguments, url));
    Ok((sanitize_line(program), command))
}

/// The arguments with `%s` replaced by the link and `%%` by `%`; the link is
/// appended when no `%s` asks for it elsewhere.
fn browser_arguments(words: &[String], url: &str) -> Vec<String> {
    let mut placed = false;
    let mut arguments: Vec<String> = words
        .iter()
        .map(|word| {
            let mut out = String::with_capacity(word.len());
            let mut chars = word.chars();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('s') => {
                        out.push_str(url);
                        placed = true;
                    }
                    Some('%') => out.push('%'),
                    Some(other) => {
                        out.push('%');
                        out.push(other);
                    }
                    None => out.push('%'),
                }
            }
            out
        })
        .collect();
    if !placed {
        arguments.push(url.to_owned());
    }
    arguments
}

/// Starts the command on its own: no terminal (standard streams to null, its
/// own process group, so Ctrl-Z and Ctrl-C in our terminal do not reach it)
/// and no API secret in its environment.
fn spawn_detached(mut command: Command) -> std::io::Result<Child> {
    command
        .env_remove(SECRET_VARIABLE)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .kill_on_drop(false);
    command.spawn()
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
    fn a_user_or_password_before_the_host_is_refused() {
        for disguised in [
            "https://user:pass@evil.example/x",
            "https://bank.example@evil.example/",
            "http://:secret@example.com/",
        ] {
            assert_eq!(
                check_url(disguised),
                Err(RefusedUrl::Credentials),
                "{disguised}"
            );
        }
        // An @ in the path or query is no disguise.
        assert!(check_url("https://example.com/u/@ana?by=a@b.example").is_ok());
    }

    #[test]
    fn file_name_is_the_decoded_last_path_segment() {
        let url = check_url("https://cdn.example.com/u/4821/My%20Report.pdf?sig=abc").unwrap();
        assert_eq!(url.file_name(), "My Report.pdf");
    }

    #[test]
    fn browser_variable_is_a_colon_separated_list() {
        assert_eq!(
            Opener::from_browser_variable(Some("firefox --new-window")),
            Opener::Browser(vec!["firefox --new-window".to_owned()])
        );
        assert_eq!(
            Opener::from_browser_variable(Some("nope::  w3m %s :")),
            Opener::Browser(vec!["nope".to_owned(), "w3m %s".to_owned()])
        );
        for nothing in [None, Some(""), Some(" : :: ")] {
            assert_eq!(Opener::from_browser_variable(nothing), Opener::Platform);
        }
    }

    #[test]
    fn the_link_goes_where_percent_s_stands_or_last() {
        let url = "https://example.com/a%20b.pdf";
        let words = |list: &[&str]| list.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        assert_eq!(browser_arguments(&[], url), [url]);
        assert_eq!(
            browser_arguments(&words(&["--new-window"]), url),
            ["--new-window", url]
        );
        assert_eq!(
            browser_arguments(&words(&["--url=%s", "--then"]), url),
            [format!("--url={url}").as_str(), "--then"]
        );
        // `%%` is a literal percent sign, and `%` before anything else stays.
        assert_eq!(
            browser_arguments(&words(&["100%%s", "%d", "50%"]), url),
            ["100%s", "%d", "50%", url]
        );
    }

    #[test]
    fn an_entry_with_an_open_quote_is_named_in_the_failure() {
        let error = browser_command("firefox 'new window", "https://example.com/")
            .err()
            .unwrap();
        assert_eq!(error.command, "firefox 'new window");
        assert_eq!(error.reason, "missing closing quote");
    }

    #[test]
    fn failures_name_the_commands_and_where_they_came_from() {
        let failed = |command: &str| FailedStart {
            command: command.to_owned(),
            reason: "No such file or directory (os error 2)".to_owned(),
        };
        assert_eq!(
            OpenError::NoBrowserStarted(vec![failed("firefox")]).to_string(),
            "could not start `firefox` from $BROWSER: No such file or directory (os error 2)"
        );
        assert_eq!(
            OpenError::NoBrowserStarted(vec![failed("a"), failed("b")]).to_string(),
            "could not start any browser from $BROWSER: `a`: No such file or directory \
             (os error 2); `b`: No such file or directory (os error 2)"
        );
        assert_eq!(
            OpenError::NoPlatformOpener(vec![failed("xdg-open")]).to_string(),
            "could not start a browser: `xdg-open`: No such file or directory (os error 2); \
             set $BROWSER"
        );
        assert_eq!(
            OpenError::ExitedEarly {
                program: "false".to_owned(),
                origin: Origin::BrowserVariable,
                status: "exit status: 1".to_owned(),
            }
            .to_string(),
            "`false` from $BROWSER failed (exit status: 1)"
        );
    }
}
