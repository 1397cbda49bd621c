//! Pictures to serve as attachments: a small real one, and a
//! decompression bomb (a few hundred KB that decode to tens of MB).

use std::io::Cursor;

use image::{GrayImage, ImageFormat, Rgba, RgbaImage};

/// A `width` × `height` PNG of two colours, top and bottom half.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |_, y| {
        if y < height / 2 {
            Rgba([200, 30, 30, 255])
        } else {
            Rgba([30, 30, 200, 255])
        }
    });
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("a PNG encodes");
    out
}

/// A black `side` × `side` PNG: the zeros compress to almost nothing, so
/// a file of a few hundred KB claims `side`² bytes once decoded.
pub fn bomb_png(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    GrayImage::new(side, side)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("a PNG encodes");
    out
}

/// A decoded preview of a `width` × `height` picture of one colour.
pub fn preview(width: u32, height: u32) -> crate::attachment::preview::Preview {
    crate::attachment::preview::Preview {
        thumbnail: RgbaImage::from_pixel(width, height, Rgba([200, 30, 30, 255])),
        width,
        height,
    }
}
