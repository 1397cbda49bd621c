//! What the app asks of the world outside its screen: the browser, the
//! clipboard and the shell's job control, behind [`Desktop`] so tests run
//! the loop with a desktop that records.

use std::io;

use tokio::sync::mpsc;

use crate::effect::Failure;
use crate::open::{CheckedUrl, Opener};
use crate::{clipboard, terminal};

/// Where a desktop reports what failed after its call returned, such as a
/// browser that exits with an error a moment after it started: the loop
/// takes each report as an [`crate::effect::Input::Failed`].
#[derive(Clone, Debug)]
pub struct LateFailures(mpsc::UnboundedSender<Failure>);

impl LateFailures {
    /// Where reports go, and where the loop reads them.
    pub fn channel() -> (Self, mpsc::UnboundedReceiver<Failure>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (Self(sender), receiver)
    }

    /// Tells the state that `failure` happened. Nothing is told once the
    /// loop has ended.
    pub fn report(&self, failure: Failure) {
        let _ = self.0.send(failure);
    }
}

/// What the app asks of the world outside its screen: the browser, the
/// clipboard, and the shell's job control.
pub trait Desktop {
    /// Opens a checked link in the browser; a failure found only later
    /// goes to `late`.
    fn open(&mut self, url: &CheckedUrl, late: &LateFailures) -> io::Result<()>;
    /// Sends `text` to the clipboard. Nothing confirms that it arrived.
    fn copy(&mut self, text: &str) -> io::Result<()>;
    /// Gives the terminal back to the shell until it continues the app
    /// (`fg`), then takes it again; the app repaints the screen after.
    fn suspend(&mut self) -> io::Result<()>;
}

/// The reader's own browser, and the terminal's clipboard.
#[derive(Debug, Clone)]
pub struct SystemDesktop {
    opener: Opener,
}

impl SystemDesktop {
    /// Links go to `$BROWSER`, else the platform's opener.
    pub fn from_env() -> Self {
        Self::with_opener(Opener::from_env())
    }

    /// Links go to `opener`.
    pub fn with_opener(opener: Opener) -> Self {
        Self { opener }
    }
}

impl Desktop for SystemDesktop {
    fn open(&mut self, url: &CheckedUrl, late: &LateFailures) -> io::Result<()> {
        let launched = self.opener.launch(url).map_err(io::Error::other)?;
        let late = late.clone();
        // The loop goes on meanwhile: a browser that fails at once is told
        // to the reader when it does.
        tokio::spawn(async move {
            if let Err(error) = launched.outcome().await {
                tracing::warn!(%error, "the browser failed");
                late.report(Failure::Open(error.to_string()));
            }
        });
        Ok(())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        clipboard::copy_to_clipboard(&mut io::stdout(), text, clipboard::inside_screen())
    }

    fn suspend(&mut self) -> io::Result<()> {
        terminal::suspend()
    }
}
