//! Taking over the terminal and giving it back on every way out: normal exit,
//! error, panic in any thread, and signals (handled by the loop).

use std::io::{self, IsTerminal, stdin, stdout};

use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use ratatui::DefaultTerminal;

/// Why szchat cannot run here: it draws on standard output and reads keys
/// from standard input, so both must be a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotATerminal {
    /// Input comes from a file or a pipe.
    #[error("needs a terminal, but standard input is a file or a pipe; --export needs no terminal")]
    Input,
    /// Output goes to a file or a pipe, where the screen would be escape codes.
    #[error("needs a terminal, but standard output is a file or a pipe; --export writes to one")]
    Output,
    /// Neither is a terminal.
    #[error(
        "needs a terminal, but neither standard input nor output is one; --export needs no terminal"
    )]
    Neither,
}

impl NotATerminal {
    /// What is wrong, if anything, given whether input and output are terminals.
    pub fn check(input_is_terminal: bool, output_is_terminal: bool) -> Option<NotATerminal> {
        match (input_is_terminal, output_is_terminal) {
            (true, true) => None,
            (false, true) => Some(NotATerminal::Input),
            (true, false) => Some(NotATerminal::Output),
            (false, false) => Some(NotATerminal::Neither),
        }
    }
}

/// Fails unless standard input and standard output are both a terminal.
pub fn require_terminal() -> Result<(), NotATerminal> {
    match NotATerminal::check(stdin().is_terminal(), stdout().is_terminal()) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// The terminal in raw mode on the alternate screen with mouse capture;
/// dropping it puts everything back.
pub struct TerminalSession {
    terminal: DefaultTerminal,
}

impl TerminalSession {
    /// Takes over the terminal. A panic anywhere afterwards restores it before
    /// the panic message is printed, then ends the process: a half-dead app
    /// drawing on a restored terminal helps no one.
    pub fn start() -> io::Result<Self> {
        let terminal = ratatui::try_init()?;
        let ratatui_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The terminal is not dropped on this way out, and ratatui's hook
            // leaves the cursor as it found it: hidden by the last draw.
            let _ = execute!(stdout(), DisableMouseCapture, Show);
            // ratatui's hook restores raw mode and the main screen, then prints.
            ratatui_hook(info);
            std::process::exit(101);
        }));
        if let Err(error) = execute!(stdout(), EnableMouseCapture) {
            restore();
            return Err(error);
        }
        Ok(Self { terminal })
    }

    /// The terminal to draw on.
    pub fn terminal(&mut self) -> &mut DefaultTerminal {
        &mut self.terminal
    }
}

impl Drop for TerminalSession {
    fn drop(&mut self) {
        restore();
    }
}

/// Gives the terminal back to the shell and stops the process, as Ctrl-Z
/// does to a program that has not taken the terminal; when the shell
/// continues it (`fg`), takes the terminal again as `start` did. The caller
/// repaints the whole screen.
#[cfg(unix)]
pub fn suspend() -> io::Result<()> {
    use signal_hook::consts::SIGTSTP;

    restore();
    // SIGTSTP keeps its default action (see `signals`): this returns once
    // the process is continued.
    signal_hook::low_level::raise(SIGTSTP)?;
    resume()
}

/// Suspending needs a Unix shell's job control.
#[cfg(not(unix))]
pub fn suspend() -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "job control needs a Unix shell",
    ))
}

/// Takes the terminal again after [`suspend`]: raw mode, the alternate
/// screen and mouse capture, as `start` left them.
#[cfg(unix)]
fn resume() -> io::Result<()> {
    use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};

    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)
}

/// Undoes everything `start` did; safe to call more than once.
pub fn restore() {
    let _ = execute!(stdout(), DisableMouseCapture, Show);
    ratatui::restore();
}
