//! Clickable links (OSC 8) for the http(s) URLs in the bodies on screen,
//! where the terminal supports them. They are written after the frame:
//! the cells a URL is drawn in are found in the finished buffer and drawn
//! again, the same symbols in the same styles, between an OSC 8 opening
//! and its close. The cell grid ratatui keeps is never touched, so every
//! column stays where it was measured. Cells linked in the last frame and
//! not in this one are drawn again without a link, so no old link stays
//! under new text.
//!
//! Only URLs that pass the check `o` applies are linked (the same pieces
//! the HTML export links), and only where they are shown whole: a URL cut
//! at the screen's edge or by an ellipsis links nothing.

use std::fmt;
use std::io::{self, Write};

use crossterm::cursor::{RestorePosition, SavePosition};
use crossterm::queue;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell};
use unicode_segmentation::UnicodeSegmentation;

use crate::export::html::links::{Piece, pieces};
use crate::open::CheckedUrl;
use crate::sanitize::sanitize_line;
use crate::state::AppState;

/// `TERM_PROGRAM`s known to draw OSC 8 links.
const LINKING_PROGRAMS: &[&str] = &[
    "iTerm.app",
    "WezTerm",
    "vscode",
    "ghostty",
    "Hyper",
    "WarpTerminal",
    "rio",
];
/// `TERM`s of terminals known to draw OSC 8 links.
const LINKING_TERMS: &[&str] = &["xterm-kitty", "xterm-ghostty", "alacritty", "wezterm"];
/// The first VTE (GNOME Terminal, Tilix, …) with OSC 8: 0.50.
const FIRST_LINKING_VTE: u32 = 5000;
/// Symbols that lead a wrapped line before its text: the gutter's bars.
const GUTTER: &[&str] = &["▎", "▌", "│"];

/// True where the terminal, as the environment tells it (`var`), draws
/// OSC 8 links. Never inside tmux or GNU screen: they pass the sequence on
/// only when told to, and nothing tells szchat that they were.
pub fn supported(var: impl Fn(&str) -> Option<String>) -> bool {
    if var("TMUX").is_some() || var("STY").is_some() {
        return false;
    }
    let term = var("TERM").unwrap_or_default();
    var("TERM_PROGRAM").is_some_and(|program| LINKING_PROGRAMS.contains(&program.as_str()))
        || var("KITTY_WINDOW_ID").is_some()
        || var("WT_SESSION").is_some()
        || var("VTE_VERSION")
            .and_then(|version| version.trim().parse::<u32>().ok())
            .is_some_and(|version| version >= FIRST_LINKING_VTE)
        || LINKING_TERMS.contains(&term.as_str())
        || term.starts_with("foot")
}

/// A URL to link, as the screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// Its text as drawn (sanitized like the body around it).
    text: String,
    url: CheckedUrl,
}

/// The linkable URLs in the bodies of the messages on screen.
pub fn visible_urls(state: &AppState) -> Vec<Shown> {
    let mut shown: Vec<Shown> = Vec::new();
    for (id, _) in state.visible_messages() {
        let Some(message) = state.conversation().get(id) else {
            continue;
        };
        for piece in pieces(&message.body) {
            if let Piece::Link { text, url } = piece {
                let link = Shown {
                    text: sanitize_line(text),
                    url,
                };
                if !shown.contains(&link) {
                    shown.push(link);
                }
            }
        }
    }
    // Longest first: a URL that starts another never takes its cells.
    shown.sort_by_key(|link| std::cmp::Reverse(link.text.len()));
    shown
}

/// Cells of one row drawn as (part of) one link.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// Which link on screen it belongs to: the parts of a wrapped URL share it.
    link: usize,
    url: CheckedUrl,
    y: u16,
    x: u16,
    cells: Vec<Cell>,
}

/// Where each of `urls` is drawn whole in `buf`, row by row: a URL may
/// wrap, its rest starting the next row after the gutter.
pub fn locate(buf: &Buffer, urls: &[Shown]) -> Vec<Run> {
    let area = buf.area;
    let mut taken = vec![false; buf.content.len()];
    let mut runs = Vec::new();
    let mut link = 0;
    for shown in urls {
        let graphemes: Vec<&str> = shown.text.graphemes(true).collect();
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                let Some(pieces) = match_at(buf, &taken, x, y, &graphemes) else {
                    continue;
                };
                for (py, px, width) in pieces {
                    let cells = (px..px + width).map(|cx| buf[(cx, py)].clone()).collect();
                    for cx in px..px + width {
                        taken[buf.index_of(cx, py)] = true;
                    }
                    runs.push(Run {
                        link,
                        url: shown.url.clone(),
                        y: py,
                        x: px,
                        cells,
                    });
                }
                link += 1;
            }
        }
    }
    runs
}

/// The pieces (row, first column, width) `graphemes` is drawn in from
/// (`x`, `y`), if it is drawn whole there and ends where a URL may end.
fn match_at(
    buf: &Buffer,
    taken: &[bool],
    x: u16,
    y: u16,
    graphemes: &[&str],
) -> Option<Vec<(u16, u16, u16)>> {
    let area = buf.area;
    let starts = x == area.left() || !continues_url(buf[(x - 1, y)].symbol());
    if !starts {
        return None;
    }
    let mut pieces = Vec::new();
    let (mut x, mut y, mut rest) = (x, y, graphemes);
    loop {
        let from = x;
        while let Some((first, after)) = rest.split_first() {
            if x >= area.right() || taken[buf.index_of(x, y)] || buf[(x, y)].symbol() != *first {
                break;
            }
            x += 1;
            rest = after;
        }
        if x == from {
            return None;
        }
        pieces.push((y, from, x - from));
        if rest.is_empty() {
            let ends = x >= area.right() || !continues_url(buf[(x, y)].symbol());
            return ends.then_some(pieces);
        }
        // Cut short: only at the end of the row's text does it go on below.
        if (x..area.right()).any(|cx| !buf[(cx, y)].symbol().trim().is_empty()) {
            return None;
        }
        y += 1;
        if y >= area.bottom() {
            return None;
        }
        x = (area.left()..area.right())
            .find(|cx| !is_lead(buf[(*cx, y)].symbol()))
            .unwrap_or(area.right());
    }
}

/// True for a symbol that would carry a URL on rather than end it.
fn continues_url(symbol: &str) -> bool {
    symbol.chars().next().is_some_and(|c| {
        c.is_alphanumeric() || matches!(c, '/' | '-' | '_' | '%' | '=' | '&' | '#' | '~' | '+')
    })
}

/// True for what leads a row before its text: blanks and the gutter.
fn is_lead(symbol: &str) -> bool {
    symbol.trim().is_empty() || GUTTER.contains(&symbol)
}

/// Where links are written, and the runs written last.
pub struct Hyperlinks {
    out: Box<dyn Write + Send>,
    shown: Vec<Run>,
}

impl fmt::Debug for Hyperlinks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hyperlinks")
            .field("shown", &self.shown.len())
            .finish_non_exhaustive()
    }
}

impl Hyperlinks {
    /// Links written to `out`, the stream the terminal is drawn on.
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out,
            shown: Vec::new(),
        }
    }

    /// Links the runs of the frame just drawn into `buf`, and unlinks what
    /// the last frame linked and this one does not.
    pub fn write(&mut self, buf: &Buffer, runs: Vec<Run>) -> io::Result<()> {
        let linked = |x: u16, y: u16| {
            runs.iter()
                .any(|run| run.y == y && (run.x..run.x + run.cells.len() as u16).contains(&x))
        };
        let mut stale: Vec<(u16, u16, Cell)> = Vec::new();
        for run in &self.shown {
            for x in run.x..run.x + run.cells.len() as u16 {
                if buf.area.contains((x, run.y).into()) && !linked(x, run.y) {
                    stale.push((x, run.y, buf[(x, run.y)].clone()));
                }
            }
        }
        if runs.is_empty() && stale.is_empty() {
            self.shown = runs;
            return Ok(());
        }
        let mut backend = CrosstermBackend::new(&mut self.out);
        queue!(backend, SavePosition)?;
        if !stale.is_empty() {
            backend.draw(stale.iter().map(|(x, y, cell)| (*x, *y, cell)))?;
        }
        for run in &runs {
            write!(
                backend,
                "\x1b]8;id=sz{};{}\x1b\\",
                run.link,
                run.url.as_str()
            )?;
            let cells = run.cells.iter().zip(run.x..);
            backend.draw(cells.map(|(cell, x)| (x, run.y, cell)))?;
            write!(backend, "\x1b]8;;\x1b\\")?;
        }
        queue!(backend, RestorePosition)?;
        Backend::flush(&mut backend)?;
        self.shown = runs;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::open::check_url;
    use ratatui::layout::Rect;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn links_are_on_where_the_terminal_says_it_draws_them_and_never_in_tmux() {
        for vars in [
            vec![("TERM_PROGRAM", "iTerm.app")],
            vec![("TERM", "xterm-kitty")],
            vec![("KITTY_WINDOW_ID", "1"), ("TERM", "xterm-256color")],
            vec![("VTE_VERSION", "7600")],
            vec![("TERM", "foot")],
        ] {
            assert!(supported(env(&vars)), "{vars:?}");
        }
        for vars in [
            vec![],
            vec![("TERM", "xterm-256color")],
            vec![("VTE_VERSION", "4200")],
            vec![("TERM", "screen-256color"), ("STY", "1.pts")],
            vec![
                ("TERM_PROGRAM", "iTerm.app"),
                ("TMUX", "/tmp/tmux-0/default,1,0"),
            ],
        ] {
            assert!(!supported(env(&vars)), "{vars:?}");
        }
    }

    fn buffer(rows: &[&str]) -> Buffer {
        let width = rows.iter().map(|r| r.chars().count()).max().unwrap_or(0);
        let mut buf = Buffer::empty(Rect::new(0, 0, width as u16, rows.len() as u16));
        for (y, row) in rows.iter().enumerate() {
            buf.set_string(0, y as u16, row, ratatui::style::Style::new());
        }
        buf
    }

    fn shown(text: &str) -> Shown {
        Shown {
            text: text.to_owned(),
            url: check_url(text).unwrap(),
        }
    }

    fn places(runs: &[Run]) -> Vec<(usize, u16, u16, usize)> {
        runs.iter()
            .map(|run| (run.link, run.y, run.x, run.cells.len()))
            .collect()
    }

    #[test]
    fn a_url_is_found_whole_on_its_row_and_where_it_wraps_after_the_gutter() {
        let buf = buffer(&[
            "▎ see https://a.test/x, ok  ",
            "▎ https://b.test/very/long/",
            "▎ path?q=1 then text        ",
        ]);
        let urls = [
            shown("https://b.test/very/long/path?q=1"),
            shown("https://a.test/x"),
        ];
        let runs = locate(&buf, &urls);
        assert_eq!(places(&runs), [(0, 1, 2, 25), (0, 2, 2, 8), (1, 0, 6, 16)]);
    }

    #[test]
    fn a_url_cut_short_or_inside_a_longer_one_links_nothing() {
        // Cut at the bottom of the screen; and a prefix of a longer URL.
        let buf = buffer(&["▎ https://b.test/very/long/", "▎ https://a.test/xyz"]);
        let urls = [
            shown("https://b.test/very/long/path"),
            shown("https://a.test/x"),
        ];
        assert!(locate(&buf, &urls).is_empty());
    }

    #[test]
    fn links_are_written_around_the_same_cells_and_taken_away_when_gone() {
        let out = crate::testing::Written::default();
        let mut links = Hyperlinks::new(Box::new(out.clone()));
        let buf = buffer(&["go https://a.test/x now"]);
        links
            .write(&buf, locate(&buf, &[shown("https://a.test/x")]))
            .unwrap();
        let written = out.take();
        let open = written
            .find("\x1b]8;id=sz0;https://a.test/x\x1b\\")
            .unwrap();
        let close = written.rfind("\x1b]8;;\x1b\\").unwrap();
        let inside = &written[open..close];
        // The same symbols, one cell each, moved to where the frame put them.
        assert!(inside.contains("\x1b[1;4Hhttps://a.test/x"), "{inside:?}");
        // The cursor goes back where the frame left it.
        assert!(
            written.starts_with("\x1b7") && written.ends_with("\x1b8"),
            "{written:?}"
        );

        // Scrolled away: the cells are drawn again with no link around them.
        let buf = buffer(&["something else entirely"]);
        links.write(&buf, locate(&buf, &[])).unwrap();
        let written = out.take();
        assert!(!written.contains("\x1b]8;"), "{written:?}");
        assert!(written.contains("ing else en"), "{written:?}");
        // Nothing linked, nothing to unlink: nothing written at all.
        links.write(&buf, Vec::new()).unwrap();
        assert!(out.take().is_empty());
    }
}
