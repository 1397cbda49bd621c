//! Decoding an attachment for a preview on screen, bounded whatever the
//! file: what is over [`MAX_PREVIEW_BYTES`], or claims more than
//! [`MAX_PREVIEW_PIXELS`] in its header, is refused before a pixel is
//! decoded, and the decoder may allocate at most [`MAX_DECODE_BYTES`], so
//! a decompression bomb fails instead of taking memory. What is kept is a
//! thumbnail at most [`MAX_THUMBNAIL`] pixels a side: a preview is a few
//! rows of cells, and the cache holds one per message.

use std::io::Cursor;

use image::error::ImageError;
use image::{ImageReader, Limits, RgbaImage};

use super::kind::ImageKind;
use crate::numbers::byte_size;

/// The largest file previewed.
pub const MAX_PREVIEW_BYTES: u64 = 20_000_000;
/// The most pixels an image may claim to be previewed.
pub const MAX_PREVIEW_PIXELS: u64 = 50_000_000;
/// The most a decoder may allocate for one preview: an RGBA image of 4
/// megapixels (a 2560 × 1600 screenshot). A larger one is refused as too
/// large rather than decoded.
pub const MAX_DECODE_BYTES: u64 = 16 * 1024 * 1024;
/// The longest side of a kept thumbnail, in pixels: more than a terminal
/// cell grid shows at a few rows, even with a graphics protocol.
pub const MAX_THUMBNAIL: u32 = 800;

/// A decoded preview.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// The picture, scaled down to at most [`MAX_THUMBNAIL`] a side.
    pub thumbnail: RgbaImage,
    /// The image's own size in pixels.
    pub width: u32,
    pub height: u32,
}

/// Why an attachment has no preview; the text is what the screen says.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoPreview {
    #[error("image too large to preview: {}", byte_size(*.0))]
    TooManyBytes(u64),
    #[error("image too large to preview: {0} × {1}")]
    TooManyPixels(u32, u32),
    #[error("not an image: {0}")]
    NotAnImage(String),
    #[error("cannot preview {name}: {reason}")]
    Undecodable { name: String, reason: String },
    /// The file could not be had (no fresh link, a failed download).
    #[error("no preview: {0}")]
    Unavailable(String),
}

/// The preview of attachment `name` (sanitized, for the messages), from
/// its `bytes`: judged by the bytes, never by the name.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Preview, NoPreview> {
    if bytes.len() as u64 > MAX_PREVIEW_BYTES {
        return Err(NoPreview::TooManyBytes(bytes.len() as u64));
    }
    let kind = ImageKind::of(bytes).ok_or_else(|| NoPreview::NotAnImage(name.to_owned()))?;
    let undecodable = |error: ImageError| NoPreview::Undecodable {
        name: name.to_owned(),
        reason: error.to_string(),
    };
    // The header alone first: a claim too large costs no decoding.
    let (width, height) = reader(kind, bytes).into_dimensions().map_err(undecodable)?;
    if u64::from(width) * u64::from(height) > MAX_PREVIEW_PIXELS {
        return Err(NoPreview::TooManyPixels(width, height));
    }
    let mut reader = reader(kind, bytes);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    // Past the allocation bound is too large as well: the size is what to tell.
    let image = reader.decode().map_err(|error| match error {
        ImageError::Limits(_) => NoPreview::TooManyPixels(width, height),
        other => undecodable(other),
    })?;
    let thumbnail = if width > MAX_THUMBNAIL || height > MAX_THUMBNAIL {
        image.thumbnail(MAX_THUMBNAIL, MAX_THUMBNAIL).into_rgba8()
    } else {
        image.into_rgba8()
    };
    Ok(Preview {
        thumbnail,
        width,
        height,
    })
}

fn reader(kind: ImageKind, bytes: &[u8]) -> ImageReader<Cursor<&[u8]>> {
    ImageReader::with_format(Cursor::new(bytes), kind.format())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageFormat;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbaImage::from_pixel(width, height, image::Rgba([200, 30, 30, 255]));
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    /// The CRC-32 PNG chunks end with.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A small PNG whose header claims `width` × `height`: a bomb's shape.
    fn claiming(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(1, 1);
        // Signature (8), length (4), "IHDR" (4), then width and height.
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    #[test]
    fn an_image_is_decoded_and_kept_small() {
        let preview = decode("shot.png", &png(1000, 500)).unwrap();
        assert_eq!((preview.width, preview.height), (1000, 500));
        assert_eq!(preview.thumbnail.dimensions(), (MAX_THUMBNAIL, 400));
        let small = decode("dot.png", &png(3, 2)).unwrap();
        assert_eq!(small.thumbnail.dimensions(), (3, 2));
        assert_eq!(small.thumbnail.get_pixel(0, 0).0, [200, 30, 30, 255]);
    }

    #[test]
    fn a_bomb_is_refused_by_what_it_claims_before_decoding() {
        assert_eq!(
            decode("bomb.png", &claiming(60_000, 60_000)),
            Err(NoPreview::TooManyPixels(60_000, 60_000))
        );
        assert_eq!(
            NoPreview::TooManyPixels(60_000, 60_000).to_string(),
            "image too large to preview: 60000 × 60000"
        );
        // Under the pixel limit but past what a preview may allocate.
        assert_eq!(
            decode("big.png", &claiming(6_000, 6_000)),
            Err(NoPreview::TooManyPixels(6_000, 6_000))
        );
    }

    #[test]
    fn a_large_file_or_no_image_is_refused_unread() {
        let mut huge = png(1, 1);
        huge.resize(MAX_PREVIEW_BYTES as usize + 1, 0);
        assert_eq!(
            decode("huge.png", &huge).unwrap_err().to_string(),
            "image too large to preview: 20.0 MB"
        );
        assert_eq!(
            decode("shot.png", b"%PDF-1.4 not a picture")
                .unwrap_err()
                .to_string(),
            "not an image: shot.png"
        );
        let mut broken = png(4, 4);
        broken.truncate(40);
        assert!(matches!(
            decode("broken.png", &broken),
            Err(NoPreview::Undecodable { .. })
        ));
    }
}
