//! How much of a box of text over the conversation shows: the box is as
//! wide as its text wants and the screen allows, and its page is the rows
//! its border leaves. The help, the error in full and the profile (over the
//! conversation) are such boxes; `ui::text_box` draws them.

use ratatui::layout::Rect;

/// Columns the border takes from the box's width, and rows from its height.
pub const BORDER: usize = 2;

/// Columns of text a box gets in `area` for text that wants `natural` columns.
pub fn text_width(natural: usize, area: Rect) -> usize {
    natural.min(usize::from(area.width).saturating_sub(BORDER))
}

/// Rows of text a box shows in `area` for `rows` rows of text: the page a
/// scroll key moves by.
pub fn text_rows(rows: usize, area: Rect) -> usize {
    rows.min(usize::from(area.height).saturating_sub(BORDER))
}
