//! A picture's preview in the rows its message keeps for it: the picture
//! once it came, else a line saying it is on its way or why there is none.
//! Half blocks are cells like any other, so a preview cut by the screen's
//! edge shows its part; a graphics protocol's picture is drawn only whole.

use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use ratatui_image::Image;
use ratatui_image::protocol::Protocol;

use crate::model::MessageId;
use crate::sanitize::sanitize_line;
use crate::state::{AppState, PREVIEW_ROWS, PreviewState};
use crate::wrap::truncate;

/// Said on the preview row while the picture is fetched.
pub const LOADING: &str = "loading preview…";

/// Where one message's preview rows are on screen.
#[derive(Clone, Copy, Debug)]
pub struct Place {
    /// The screen row of the first kept row: above the area when the
    /// message is scrolled partly off the top.
    pub top: i32,
    /// The first column after the block's indent and gutter.
    pub left: u16,
}

/// Draws message `id`'s preview at `place`, within `area`.
pub fn draw(state: &AppState, id: MessageId, place: Place, area: Rect, buf: &mut Buffer) {
    let width = area.right().saturating_sub(place.left);
    if width == 0 {
        return;
    }
    let text = |text: &str, style: Style, buf: &mut Buffer| {
        if let Some(y) = row_on_screen(place.top, area) {
            let line = Line::from(Span::styled(truncate(text, usize::from(width)), style));
            buf.set_line(place.left, y, &line, width);
        }
    };
    match state.preview(id) {
        None => {}
        Some(PreviewState::Loading) => text(LOADING, dim(), buf),
        Some(PreviewState::Refused(why)) => {
            let style = Style::new()
                .fg(Color::Yellow)
                .add_modifier(Modifier::ITALIC);
            text(&sanitize_line(why), style, buf);
        }
        Some(PreviewState::Ready(_)) => {
            let rows = u16::try_from(PREVIEW_ROWS).unwrap_or(u16::MAX);
            if let Some(picture) = state.picture(id, Size::new(width, rows)) {
                draw_clipped(&picture.0, place, area, buf);
            }
        }
    }
}

/// The style of what is said in place of a picture.
fn dim() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::ITALIC)
}

/// Screen row `row`, if it is within `area`.
fn row_on_screen(row: i32, area: Rect) -> Option<u16> {
    u16::try_from(row)
        .ok()
        .filter(|y| (area.top()..area.bottom()).contains(y))
}

/// Draws `picture` with its top left at (`place.left`, `place.top`), only
/// the rows within `area`.
fn draw_clipped(picture: &Protocol, place: Place, area: Rect, buf: &mut Buffer) {
    let size = picture.size();
    let top = place.top;
    let bottom = top + i32::from(size.height);
    let whole = top >= i32::from(area.top()) && bottom <= i32::from(area.bottom());
    if whole {
        // `whole` puts `top` within the area's rows.
        let y = u16::try_from(top).unwrap_or(area.top());
        let rect = Rect::new(place.left, y, size.width, size.height).intersection(area);
        Image::new(picture).render(rect, buf);
        return;
    }
    if !matches!(picture, Protocol::Halfblocks(_)) {
        return;
    }
    // Drawn whole aside, then the rows on screen copied over.
    let mut aside = Buffer::empty(Rect::new(0, 0, size.width, size.height));
    Image::new(picture).render(aside.area, &mut aside);
    for row in 0..size.height {
        let Some(y) = row_on_screen(top + i32::from(row), area) else {
            continue;
        };
        for column in 0..size.width {
            let x = place.left + column;
            if x < area.right() {
                buf[(x, y)] = aside[(column, row)].clone();
            }
        }
    }
}
