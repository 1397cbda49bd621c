//! Asking the terminal which graphics protocol it speaks: a kitty graphics
//! query, the device attributes (sixel) and the cell size, ended by a
//! status report every terminal answers. The answer is read from the
//! terminal with a deadline ([`ANSWER_TIMEOUT`]), on the UI's own thread
//! before it reads any key: a terminal that does not answer costs that
//! wait and nothing else (no thread left reading keys, no mode changed).
//!
//! Never inside tmux or GNU screen: what they pass on of a graphics
//! protocol depends on their own settings, which szchat does not change,
//! so there `--images always` draws half blocks and `auto` draws nothing.

use std::time::{Duration, Instant};

use ratatui_image::FontSize;
use ratatui_image::picker::cap_parser::{Parser, QueryStdioOptions, Response};
use ratatui_image::picker::{Picker, ProtocolType};

/// How long the terminal has to answer, all of it.
pub const ANSWER_TIMEOUT: Duration = Duration::from_millis(400);

/// `TERM_PROGRAM`s that draw the iTerm2 image protocol (they do not say so when asked).
const ITERM2_PROGRAMS: &[&str] = &["iTerm.app", "WezTerm", "mintty", "vscode", "rio"];

/// The terminal's graphics protocol and cell size, if it has one; `var`
/// reads the environment. Call it with the terminal in raw mode and before
/// anything reads its input.
pub fn detect(var: impl Fn(&str) -> Option<String>) -> Option<Picker> {
    if inside_multiplexer(&var) {
        return None;
    }
    let answers = ask(&query_for(&var), ANSWER_TIMEOUT)?;
    let protocol = protocol(&answers, &var)?;
    let font_size = cell_size(&answers).or_else(window_cell_size)?;
    // The picker from a known cell size is the one that asks nothing more.
    #[allow(deprecated)]
    let mut picker = Picker::from_fontsize(font_size);
    picker.set_protocol_type(protocol);
    Some(picker)
}

/// True inside tmux or GNU screen.
fn inside_multiplexer(var: &impl Fn(&str) -> Option<String>) -> bool {
    let term = var("TERM").unwrap_or_default();
    var("TMUX").is_some()
        || var("STY").is_some()
        || term.starts_with("tmux")
        || term.starts_with("screen")
}

/// The query to write. Konsole's sixel and WezTerm's kitty support are
/// incomplete (ratatui-image's compatibility notes): they are not asked for.
fn query_for(var: &impl Fn(&str) -> Option<String>) -> String {
    let mut options = QueryStdioOptions {
        timeout: ANSWER_TIMEOUT,
        ..QueryStdioOptions::default()
    };
    if var("KONSOLE_VERSION").is_some() || var("WEZTERM_EXECUTABLE").is_some() {
        options.blacklist_protocols = vec![ProtocolType::Kitty, ProtocolType::Sixel];
    }
    Parser::query(false, options)
}

/// The protocol the answers name, best first: kitty, sixel, then iTerm2,
/// which terminals do not announce (the environment tells it).
pub fn protocol(
    answers: &[Response],
    var: &impl Fn(&str) -> Option<String>,
) -> Option<ProtocolType> {
    if answers.contains(&Response::Kitty) {
        Some(ProtocolType::Kitty)
    } else if answers.contains(&Response::Sixel) {
        Some(ProtocolType::Sixel)
    } else if var("TERM_PROGRAM").is_some_and(|program| ITERM2_PROGRAMS.contains(&program.as_str()))
        || var("LC_TERMINAL").is_some_and(|terminal| terminal.contains("iTerm"))
    {
        Some(ProtocolType::Iterm2)
    } else {
        None
    }
}

/// The cell size the terminal answered, in pixels.
pub fn cell_size(answers: &[Response]) -> Option<FontSize> {
    answers.iter().find_map(|answer| match answer {
        Response::CellSize(Some((width, height))) if *width > 0 && *height > 0 => {
            Some(FontSize::new(*width, *height))
        }
        _ => None,
    })
}

/// The cell size from the window's size in pixels, where the terminal gives it.
fn window_cell_size() -> Option<FontSize> {
    let size = crossterm::terminal::window_size().ok()?;
    if size.columns == 0 || size.rows == 0 || size.width == 0 || size.height == 0 {
        return None;
    }
    Some(FontSize::new(
        size.width / size.columns,
        size.height / size.rows,
    ))
}

/// What the terminal answers to `query`, up to its status report; `None`
/// when it does not answer that within `timeout`.
#[cfg(unix)]
fn ask(query: &str, timeout: Duration) -> Option<Vec<Response>> {
    use std::io::{Read, Write};

    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    tty.write_all(query.as_bytes()).ok()?;
    tty.flush().ok()?;
    let deadline = Instant::now() + timeout;
    let mut parser = Parser::new();
    let mut answers = Vec::new();
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        let wait = Timespec::try_from(left).ok()?;
        let mut fds = [PollFd::new(&tty, PollFlags::IN)];
        if poll(&mut fds, Some(&wait)).ok()? == 0 {
            return None;
        }
        let mut bytes = [0; 256];
        let read = tty.read(&mut bytes).ok()?;
        if read == 0 {
            return None;
        }
        for byte in &bytes[..read] {
            for answer in parser.push(char::from(*byte)) {
                if answer == Response::Status {
                    return Some(answers);
                }
                answers.push(answer);
            }
        }
    }
}

#[cfg(not(unix))]
fn ask(_query: &str, _timeout: Duration) -> Option<Vec<Response>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn inside_tmux_or_screen_nothing_is_asked() {
        // `detect` returns before writing a byte: no terminal is needed here.
        for vars in [
            &[("TMUX", "/tmp/tmux-1000/default,1,0")][..],
            &[("STY", "1234.pts-0")],
            &[("TERM", "tmux-256color")],
            &[("TERM", "screen")],
        ] {
            assert!(detect(env(vars)).is_none(), "{vars:?}");
        }
    }

    #[test]
    fn the_best_protocol_answered_is_taken() {
        let none = env(&[]);
        assert_eq!(
            protocol(&[Response::Sixel, Response::Kitty], &none),
            Some(ProtocolType::Kitty)
        );
        assert_eq!(
            protocol(&[Response::Sixel], &none),
            Some(ProtocolType::Sixel)
        );
        assert_eq!(protocol(&[Response::RectangularOps], &none), None);
        let iterm = env(&[("TERM_PROGRAM", "iTerm.app")]);
        assert_eq!(protocol(&[], &iterm), Some(ProtocolType::Iterm2));
        assert_eq!(
            protocol(&[Response::Kitty], &iterm),
            Some(ProtocolType::Kitty)
        );
    }

    #[test]
    fn the_cell_size_is_the_one_answered() {
        let size = |answers: &[Response]| cell_size(answers).map(|f| (f.width, f.height));
        assert_eq!(
            size(&[Response::Sixel, Response::CellSize(Some((9, 18)))]),
            Some((9, 18))
        );
        assert_eq!(size(&[Response::CellSize(None)]), None);
        assert_eq!(size(&[Response::CellSize(Some((0, 18)))]), None);
    }

    #[test]
    fn konsole_and_wezterm_are_not_asked_for_kitty_or_sixel() {
        let plain = query_for(&env(&[]));
        assert!(
            plain.contains("\x1b_G") && plain.contains("\x1b[c"),
            "{plain:?}"
        );
        let konsole = query_for(&env(&[("KONSOLE_VERSION", "230804")]));
        assert!(!konsole.contains("\x1b_G") && !konsole.contains("\x1b[c"));
        // Every query ends with the status report that bounds the answer.
        assert!(konsole.ends_with("\x1b[5n"));
    }
}
