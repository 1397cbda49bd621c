//! Small but valid files for the demo's attachments: one-page PDFs and
//! truecolour PNGs, written from scratch so no image or compression crate
//! ends up in the binary.

use std::fmt::Write as _;

/// The PNG signature every PNG file starts with.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// zlib header for deflate with a 32 KiB window; `0x7801 % 31 == 0` as required.
const ZLIB_HEADER: [u8; 2] = [0x78, 0x01];
/// Deflate's window: matches reach back at most this far.
const WINDOW: usize = 32_768;
/// Deflate's shortest and longest matches.
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// Slots in the table of recent 3-byte sequences.
const HASH_SLOTS: usize = 1 << 12;
/// Deflate's end-of-block symbol.
const END_OF_BLOCK: u16 = 256;

/// Base match length of length symbols 257..=285 and their extra bits (RFC 1951 §3.2.5).
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of distance codes 0..=29 and their extra bits.
const DISTANCE_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// A one-page A4 PDF showing `lines` in 11 pt Helvetica. Characters outside
/// ASCII become '?', since the standard fonts are not Unicode.
pub(crate) fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT\n/F1 11 Tf\n14 TL\n56 780 Td");
    for line in lines {
        let escaped: String = line
            .chars()
            .map(|c| if c.is_ascii() { c } else { '?' })
            .collect::<String>()
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        let _ = write!(text, "\n({escaped}) Tj T*");
    }
    text.push_str("\nET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    // The second line's high bytes mark the file as binary for old tools.
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (number, body) in (1..).zip(&objects) {
        offsets.push(out.len());
        out.extend_from_slice(format!("{number} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    let xref = out.len();
    let count = objects.len() + 1;
    let mut tail = format!("xref\n0 {count}\n0000000000 65535 f \n");
    for offset in offsets {
        let _ = writeln!(tail, "{offset:010} 00000 n ");
    }
    let _ = write!(
        tail,
        "trailer\n<< /Size {count} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    );
    out.extend_from_slice(tail.as_bytes());
    out
}

/// A truecolour PNG of `width` × `height` whose pixel (x, y) is `pixel(x, y)`.
pub(crate) fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter type: none
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // 8 bits per channel, colour type 2 (RGB), default compression, filter, no interlace.
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = PNG_SIGNATURE.to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &zlib(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// CRC-32 (ISO 3309, as PNG uses it), bit by bit: the files are tiny.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Adler-32, the zlib stream's checksum.
fn adler32(bytes: &[u8]) -> u32 {
    const MODULUS: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % MODULUS;
        b = (b + a) % MODULUS;
    }
    (b << 16) | a
}

/// `data` as a zlib stream: one deflate block with the fixed Huffman codes
/// and greedy matching. Far from the best compression, but drawings of flat
/// colour shrink to a few percent.
pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
    let mut bits = BitWriter::default();
    bits.put(1, 1); // the last block
    bits.put(1, 2); // compressed with the fixed codes
    let mut recent = vec![usize::MAX; HASH_SLOTS];
    let mut at = 0;
    while at < data.len() {
        let found = if at + MIN_MATCH <= data.len() {
            let slot = hash(&data[at..at + MIN_MATCH]);
            let candidate = recent[slot];
            recent[slot] = at;
            (candidate != usize::MAX && at - candidate <= WINDOW)
                .then(|| (match_length(data, candidate, at), at - candidate))
                .filter(|(length, _)| *length >= MIN_MATCH)
        } else {
            None
        };
        match found {
            Some((length, distance)) => {
                bits.length(length);
                bits.distance(distance);
                // Remember the positions inside the match too, for later matches.
                for inside in at + 1..(at + length).min(data.len() + 1 - MIN_MATCH) {
                    recent[hash(&data[inside..inside + MIN_MATCH])] = inside;
                }
                at += length;
            }
            None => {
                bits.symbol(u16::from(data[at]));
                at += 1;
            }
        }
    }
    bits.symbol(END_OF_BLOCK);
    let mut out = ZLIB_HEADER.to_vec();
    out.extend_from_slice(&bits.finish());
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn hash(three: &[u8]) -> usize {
    let key = (usize::from(three[0]) << 16) | (usize::from(three[1]) << 8) | usize::from(three[2]);
    (key.wrapping_mul(2_654_435_761) >> 12) % HASH_SLOTS
}

/// How many bytes from `at` repeat those from `earlier` (overlap allowed, as in deflate).
fn match_length(data: &[u8], earlier: usize, at: usize) -> usize {
    let limit = MAX_MATCH.min(data.len() - at);
    (0..limit)
        .take_while(|&i| data[earlier + i] == data[at + i])
        .count()
}

/// Packs bits least significant first, as deflate wants.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    buffer: u32,
    filled: u32,
}

impl BitWriter {
    /// Writes the low `count` bits of `value`, least significant first.
    fn put(&mut self, value: u32, count: u32) {
        self.buffer |= value << self.filled;
        self.filled += count;
        while self.filled >= 8 {
            self.out.push(self.buffer.to_le_bytes()[0]);
            self.buffer >>= 8;
            self.filled -= 8;
        }
    }

    /// Writes a Huffman code, which deflate stores most significant bit first.
    fn code(&mut self, code: u32, length: u32) {
        self.put(code.reverse_bits() >> (u32::BITS - length), length);
    }

    /// A literal/length symbol in the fixed code (RFC 1951 §3.2.6).
    fn symbol(&mut self, symbol: u16) {
        let symbol = u32::from(symbol);
        match symbol {
            0..=143 => self.code(0x30 + symbol, 8),
            144..=255 => self.code(0x190 + symbol - 144, 9),
            256..=279 => self.code(symbol - 256, 7),
            _ => self.code(0xC0 + symbol - 280, 8),
        }
    }

    fn length(&mut self, length: usize) {
        let length = u16::try_from(length).unwrap_or(u16::MAX);
        let index = LENGTH_BASE
            .iter()
            .rposition(|&base| base <= length)
            .unwrap_or(0);
        self.symbol(257 + u16::try_from(index).unwrap_or(0));
        self.put(
            u32::from(length - LENGTH_BASE[index]),
            u32::from(LENGTH_EXTRA[index]),
        );
    }

    fn distance(&mut self, distance: usize) {
        let distance = u16::try_from(distance).unwrap_or(u16::MAX);
        let index = DISTANCE_BASE
            .iter()
            .rposition(|&base| base <= distance)
            .unwrap_or(0);
        self.code(u32::try_from(index).unwrap_or(0), 5);
        self.put(
            u32::from(distance - DISTANCE_BASE[index]),
            u32::from(DISTANCE_EXTRA[index]),
        );
    }

    /// The bytes written, the last one padded with zero bits.
    fn finish(mut self) -> Vec<u8> {
        if self.filled > 0 {
            self.out.push(self.buffer.to_le_bytes()[0]);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_reference_values() {
        // The check values from the CRC catalogue and RFC 1950's example.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn an_empty_input_is_a_valid_empty_stream() {
        // Header, the fixed block holding only end-of-block, Adler-32 of nothing.
        assert_eq!(zlib(&[]), [0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    }

    #[test]
    fn repetition_compresses() {
        let flat = vec![7u8; 100_000];
        assert!(zlib(&flat).len() < 1_000);
    }

    #[test]
    fn png_chunks_carry_their_lengths_and_checksums() {
        let image = png(3, 2, |x, y| {
            [u8::try_from(x).unwrap(), u8::try_from(y).unwrap(), 0]
        });
        assert!(image.starts_with(PNG_SIGNATURE));
        let mut rest = &image[PNG_SIGNATURE.len()..];
        let mut kinds = Vec::new();
        while !rest.is_empty() {
            let length =
                usize::try_from(u32::from_be_bytes(rest[..4].try_into().unwrap())).unwrap();
            let body = &rest[4..8 + length];
            let crc = u32::from_be_bytes(rest[8 + length..12 + length].try_into().unwrap());
            assert_eq!(crc32(body), crc);
            kinds.push(String::from_utf8(body[..4].to_vec()).unwrap());
            rest = &rest[12 + length..];
        }
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
    }

    #[test]
    fn pdf_offsets_point_at_their_objects() {
        let file = pdf(&["Total (EUR) 10\\2", "naïve"]);
        let text = String::from_utf8_lossy(&file);
        assert!(text.contains("(Total \\(EUR\\) 10\\\\2) Tj T*"));
        assert!(text.contains("(na?ve) Tj T*"));
        let xref = text.split("startxref\n").nth(1).unwrap();
        let xref: usize = xref.lines().next().unwrap().parse().unwrap();
        let table = std::str::from_utf8(&file[xref..]).unwrap();
        assert!(table.starts_with("xref\n"));
        for (number, line) in (1..).zip(table.lines().skip(3).take(5)) {
            let offset: usize = line[..10].parse().unwrap();
            assert!(file[offset..].starts_with(format!("{number} 0 obj").as_bytes()));
        }
    }
}
