//! Where each part of the screen goes: the conversation, the status bar
//! under it, and a side panel beside it when one is shown. The state sizes
//! the conversation and the overlays by it, and the views draw into it, so
//! both always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// The parts of one screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScreenLayout {
    /// Everything but the status bar and the side panel.
    pub conversation: Rect,
    /// The bottom row.
    pub status: Rect,
    /// The side panel's column, right of the conversation; empty when none is shown.
    pub panel: Rect,
}

impl ScreenLayout {
    /// The parts of a `width` x `height` screen, with a side panel
    /// `side_panel` columns wide if one is shown.
    pub fn new(width: u16, height: u16, side_panel: Option<u16>) -> Self {
        Self::within(Rect::new(0, 0, width, height), side_panel)
    }

    /// The parts of `screen`, with a side panel `side_panel` columns wide
    /// if one is shown.
    pub fn within(screen: Rect, side_panel: Option<u16>) -> Self {
        let [main, status] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(screen);
        let Some(panel_width) = side_panel else {
            return Self {
                conversation: main,
                status,
                panel: Rect::default(),
            };
        };
        let [conversation, panel] =
            Layout::horizontal([Constraint::Min(0), Constraint::Length(panel_width)]).areas(main);
        Self {
            conversation,
            status,
            panel,
        }
    }
}
