//! Whether and how pictures are previewed on screen: the reader's
//! `--images` choice (or the config file's `images`), and what the terminal
//! can draw them with ([`Graphics`]): its own graphics protocol (kitty,
//! iTerm2, sixel) where [`detect`] found one, else Unicode half blocks.

pub mod detect;

use image::DynamicImage;
use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::Picker;
use ratatui_image::protocol::Protocol;
use ratatui_image::protocol::halfblocks::Halfblocks;

/// When pictures are previewed, as asked with `--images` or the config
/// file's `images`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImagesMode {
    /// Only where the terminal's own graphics protocol was detected.
    #[default]
    Auto,
    /// Everywhere: Unicode half blocks where no graphics protocol was detected.
    Always,
    /// Never: attachments are named only.
    Never,
}

/// What previews are drawn with.
#[derive(Clone, Debug)]
pub enum Graphics {
    /// The terminal's graphics protocol, with its cell size in pixels.
    Protocol(Picker),
    /// Unicode half blocks: two pixels a cell, one above the other.
    HalfBlocks,
}

impl ImagesMode {
    /// What previews are drawn with under this mode, given the protocol
    /// `detected` (asked only when the mode may use it); `None`: no previews.
    pub fn resolve(self, detected: impl FnOnce() -> Option<Picker>) -> Option<Graphics> {
        match self {
            ImagesMode::Never => None,
            ImagesMode::Auto => detected().map(Graphics::Protocol),
            ImagesMode::Always => Some(detected().map_or(Graphics::HalfBlocks, Graphics::Protocol)),
        }
    }
}

impl Graphics {
    /// `image` drawn to fit within `room` cells, keeping its proportions
    /// (never larger than it is); `None` when nothing fits.
    pub fn picture(&self, image: DynamicImage, room: Size) -> Option<Protocol> {
        if room.width == 0 || room.height == 0 {
            return None;
        }
        match self {
            Graphics::Protocol(picker) => picker.new_protocol(image, room, Resize::Fit(None)).ok(),
            Graphics::HalfBlocks => {
                let size = half_block_size(image.width(), image.height(), room);
                Halfblocks::new(image, size).ok().map(Protocol::Halfblocks)
            }
        }
    }
}

/// The cells an image of `width` × `height` pixels takes in half blocks,
/// within `room`: a cell is one pixel wide and two tall, and the image is
/// only ever scaled down.
pub fn half_block_size(width: u32, height: u32, room: Size) -> Size {
    let (width, height) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let scale = (f64::from(room.width) / width)
        .min(f64::from(room.height) * 2.0 / height)
        .min(1.0);
    // At least one cell, at most the room: rounding never overflows it.
    let cells = |pixels: f64, most: u16| ((pixels * scale).round() as u16).clamp(1, most);
    Size::new(cells(width, room.width), cells(height / 2.0, room.height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mode_draws_with_what_it_may() {
        assert!(ImagesMode::Never.resolve(|| panic!("not asked")).is_none());
        assert!(ImagesMode::Auto.resolve(|| None).is_none());
        assert!(matches!(
            ImagesMode::Always.resolve(|| None),
            Some(Graphics::HalfBlocks)
        ));
        let kitty = || {
            #[allow(deprecated)]
            let mut picker = Picker::from_fontsize((10, 20).into());
            picker.set_protocol_type(ratatui_image::picker::ProtocolType::Kitty);
            Some(picker)
        };
        assert!(matches!(
            ImagesMode::Auto.resolve(kitty),
            Some(Graphics::Protocol(_))
        ));
        assert!(matches!(
            ImagesMode::Always.resolve(kitty),
            Some(Graphics::Protocol(_))
        ));
    }

    #[test]
    fn half_blocks_fit_the_room_and_keep_the_proportions() {
        // A 300 × 170 screenshot in 8 rows: 16 pixels tall, 28 wide.
        assert_eq!(
            half_block_size(300, 170, Size::new(60, 8)),
            Size::new(28, 8)
        );
        // A wide banner is held by the width.
        assert_eq!(
            half_block_size(1000, 100, Size::new(50, 8)),
            Size::new(50, 3)
        );
        // A small image is not blown up.
        assert_eq!(half_block_size(3, 2, Size::new(60, 8)), Size::new(3, 1));
        // Extremes still take a cell, and no more than the room.
        assert_eq!(
            half_block_size(1, 60_000, Size::new(60, 8)),
            Size::new(1, 8)
        );
        assert_eq!(
            half_block_size(60_000, 1, Size::new(60, 8)),
            Size::new(60, 1)
        );
    }

    #[test]
    fn a_picture_in_half_blocks_takes_the_cells_measured() {
        let image = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
            300,
            170,
            image::Rgba([200, 30, 30, 255]),
        ));
        let picture = Graphics::HalfBlocks.picture(image.clone(), Size::new(60, 8));
        assert_eq!(picture.map(|p| p.size()), Some(Size::new(28, 8)));
        assert!(
            Graphics::HalfBlocks
                .picture(image, Size::new(0, 8))
                .is_none()
        );
    }
}
