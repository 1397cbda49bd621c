//! Whether the screen is drawn in colour: the reader's `--color` choice,
//! NO_COLOR, and whether the output is a terminal. Without colour the screen
//! keeps bold and reverse video, which NO_COLOR allows, so the status bar and
//! the selection still stand out.

use std::ffi::OsStr;

use ratatui::buffer::Buffer;
use ratatui::style::Color;

/// When to use colour, as asked with `--color` or the config file's `color`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMode {
    /// Colour unless NO_COLOR is set (to anything but "") or the output is
    /// not a terminal.
    #[default]
    Auto,
    /// Colour, whatever NO_COLOR says.
    Always,
    /// No colour: bold and reverse video only.
    Never,
}

/// What the screen is drawn with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Colors {
    #[default]
    On,
    Off,
}

impl ColorMode {
    /// Decides, given NO_COLOR's value and whether standard output is a terminal.
    pub fn resolve(self, no_color: Option<&OsStr>, output_is_terminal: bool) -> Colors {
        let colorful = match self {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => no_color.is_none_or(OsStr::is_empty) && output_is_terminal,
        };
        if colorful { Colors::On } else { Colors::Off }
    }
}

/// Takes every colour out of `buf`, leaving modifiers (bold, reverse…) as they are.
pub fn strip(buf: &mut Buffer) {
    for cell in &mut buf.content {
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_honours_no_color_and_the_terminal_and_the_others_do_not() {
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert_eq!(ColorMode::Auto.resolve(None, true), Colors::On);
        assert_eq!(ColorMode::Auto.resolve(empty, true), Colors::On);
        assert_eq!(ColorMode::Auto.resolve(set, true), Colors::Off);
        assert_eq!(ColorMode::Auto.resolve(None, false), Colors::Off);
        assert_eq!(ColorMode::Always.resolve(set, false), Colors::On);
        assert_eq!(ColorMode::Never.resolve(None, true), Colors::Off);
    }
}
