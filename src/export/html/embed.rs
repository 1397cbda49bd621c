//! An image attachment as a `data:` URI the page can show with nothing
//! loaded: decoded first (so only a real image is embedded), within a
//! memory bound, and scaled down when wider than [`MAX_WIDTH`].

use std::io::Cursor;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::attachment::kind::ImageKind;

/// The widest an embedded image is: wider ones are scaled down to it.
pub const MAX_WIDTH: u32 = 1_600;
/// The most a decoder may allocate for one image (a 50-megapixel RGBA
/// image is 200 MB): a decompression bomb fails instead of taking memory.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Quality of a scaled JPEG: photos stay photos, screenshots stay sharp.
const JPEG_QUALITY: u8 = 85;

/// An image ready for an `<img src>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    pub data_uri: String,
    pub width: u32,
    pub height: u32,
}

/// Why bytes were not embedded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotEmbedded {
    #[error("not an image")]
    NotAnImage,
    #[error("an image that could not be decoded ({0})")]
    Undecodable(String),
}

/// `bytes` as an embeddable image, if they are a PNG, JPEG, GIF or WebP
/// that decodes; as they are when at most [`MAX_WIDTH`] wide, else scaled
/// (a JPEG stays a JPEG, the others become PNG).
pub fn embed(bytes: &[u8]) -> Result<Embedded, NotEmbedded> {
    let kind = ImageKind::of(bytes).ok_or(NotEmbedded::NotAnImage)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|error| NotEmbedded::Undecodable(error.to_string()))?;
    if image.width() <= MAX_WIDTH {
        return Ok(Embedded {
            data_uri: data_uri(kind, bytes),
            width: image.width(),
            height: image.height(),
        });
    }
    let scaled = image.resize(MAX_WIDTH, u32::MAX, FilterType::Triangle);
    let (kind, encoded) = encode(kind, &scaled)?;
    Ok(Embedded {
        data_uri: data_uri(kind, &encoded),
        width: scaled.width(),
        height: scaled.height(),
    })
}

/// The scaled image's bytes and the kind they are.
fn encode(kind: ImageKind, image: &DynamicImage) -> Result<(ImageKind, Vec<u8>), NotEmbedded> {
    let mut out = Vec::new();
    let failed = |error: image::ImageError| NotEmbedded::Undecodable(error.to_string());
    if kind == ImageKind::Jpeg {
        let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(encoder)
            .map_err(failed)?;
        return Ok((ImageKind::Jpeg, out));
    }
    image
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(failed)?;
    Ok((ImageKind::Png, out))
}

fn data_uri(kind: ImageKind, bytes: &[u8]) -> String {
    format!(
        "data:{};base64,{}",
        kind.mime_type(),
        STANDARD.encode(bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_pixel(width, height, Rgb([200, 30, 30]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_small_image_is_embedded_as_it_is() {
        let bytes = png(40, 30);
        let embedded = embed(&bytes).unwrap();
        assert_eq!((embedded.width, embedded.height), (40, 30));
        assert_eq!(
            embedded.data_uri,
            format!("data:image/png;base64,{}", STANDARD.encode(&bytes))
        );
    }

    #[test]
    fn a_wide_image_is_scaled_to_the_widest_allowed() {
        let embedded = embed(&png(3_200, 400)).unwrap();
        assert_eq!((embedded.width, embedded.height), (MAX_WIDTH, 200));
        assert!(embedded.data_uri.starts_with("data:image/png;base64,"));
    }

    #[test]
    fn what_is_no_image_or_does_not_decode_is_not_embedded() {
        assert_eq!(embed(b"%PDF-1.4\n"), Err(NotEmbedded::NotAnImage));
        let mut broken = png(10, 10);
        broken.truncate(20);
        assert!(matches!(embed(&broken), Err(NotEmbedded::Undecodable(_))));
    }
}
