//! Which image an attachment is, judged by its first bytes: a name or a
//! content type is whatever the visitor or the server says, the bytes are
//! what a decoder will see.

use image::ImageFormat;

/// The image formats szchat embeds and previews.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    WebP,
}

/// Name endings of the kinds, to tell which attachments may be pictures
/// before their bytes are had.
const IMAGE_ENDINGS: [&str; 5] = [".png", ".jpg", ".jpeg", ".gif", ".webp"];

/// Bytes enough to tell every kind apart (WebP's "RIFF....WEBP").
pub const SNIFF_BYTES: usize = 12;

impl ImageKind {
    /// The kind `bytes` start as, or `None` for anything else (or too few bytes).
    pub fn of(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else if bytes.len() >= SNIFF_BYTES && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::WebP)
        } else {
            None
        }
    }

    /// True when a file called `name` may be one of the kinds: only to make
    /// room for a preview; the bytes decide what it is.
    pub fn named(name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        IMAGE_ENDINGS.iter().any(|ending| name.ends_with(ending))
    }

    /// The format the `image` crate decodes this kind as.
    pub fn format(self) -> ImageFormat {
        match self {
            ImageKind::Png => ImageFormat::Png,
            ImageKind::Jpeg => ImageFormat::Jpeg,
            ImageKind::Gif => ImageFormat::Gif,
            ImageKind::WebP => ImageFormat::WebP,
        }
    }

    /// The media type, as a `data:` URI or a `Content-Type` names it.
    pub fn mime_type(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::WebP => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes() {
        let cases: [(&[u8], Option<ImageKind>); 8] = [
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some(ImageKind::Png)),
            (&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], Some(ImageKind::Jpeg)),
            (b"GIF89a\x01\0\x01\0", Some(ImageKind::Gif)),
            (b"GIF87a", Some(ImageKind::Gif)),
            (b"RIFF\x24\0\0\0WEBPVP8 ", Some(ImageKind::WebP)),
            // A WAV file is RIFF too; a PDF named .png is no PNG.
            (b"RIFF\x24\0\0\0WAVEfmt ", None),
            (b"%PDF-1.4\n", None),
            (b"\x89PN", None),
        ];
        for (bytes, kind) in cases {
            assert_eq!(ImageKind::of(bytes), kind, "{bytes:?}");
        }
        assert_eq!(ImageKind::of(b""), None);
    }

    #[test]
    fn each_kind_has_its_media_type() {
        assert_eq!(ImageKind::Png.mime_type(), "image/png");
        assert_eq!(ImageKind::Jpeg.mime_type(), "image/jpeg");
        assert_eq!(ImageKind::Gif.mime_type(), "image/gif");
        assert_eq!(ImageKind::WebP.mime_type(), "image/webp");
    }

    #[test]
    fn pictures_are_expected_by_their_name() {
        for name in ["shot.png", "Photo.JPG", "a.jpeg", "x.gif", "y.WebP"] {
            assert!(ImageKind::named(name), "{name}");
        }
        for name in ["invoice.pdf", "png", "notes.png.txt", ""] {
            assert!(!ImageKind::named(name), "{name}");
        }
    }

    #[test]
    fn each_kind_decodes_as_its_own_format() {
        for kind in [
            ImageKind::Png,
            ImageKind::Jpeg,
            ImageKind::Gif,
            ImageKind::WebP,
        ] {
            // The image crate names each format by the same media type.
            assert_eq!(kind.format().to_mime_type(), kind.mime_type());
        }
    }
}
