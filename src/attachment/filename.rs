//! A file name an attachment can be written under: whatever the link's
//! last segment says (visitor-chosen), made into one harmless name in the
//! directory it is saved to.

use super::{UNNAMED, clean_name};

/// Most file systems allow 255 bytes in a name; room is kept for " (999)".
const MAX_NAME_BYTES: usize = 240;

/// `name` as a single file name: no `/` or `\` (no directory can be
/// reached), no leading `.` (no hidden file, no `..`), no control or
/// invisible characters, at most [`MAX_NAME_BYTES`] bytes keeping the
/// extension, and never empty.
pub fn sanitize_file_name(name: &str) -> String {
    // The name as shown (no control or invisible character), then no separator.
    let Some(line) = clean_name(name) else {
        return UNNAMED.to_owned();
    };
    let cleaned = line.replace(['/', '\\'], "_");
    let trimmed = cleaned.trim_start_matches(['.', ' ']).trim_end();
    let shortened = shorten(trimmed);
    if shortened.is_empty() {
        UNNAMED.to_owned()
    } else {
        shortened
    }
}

/// The `n`th name for `name` when the first ones are taken: "report.pdf"
/// becomes "report (2).pdf", a name without an extension "notes (2)".
pub fn numbered(name: &str, n: u32) -> String {
    if n <= 1 {
        return name.to_owned();
    }
    match split_extension(name) {
        (stem, Some(extension)) => format!("{stem} ({n}).{extension}"),
        (stem, None) => format!("{stem} ({n})"),
    }
}

/// Stem and extension; a name whose only dot leads it has no extension.
fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && !extension.is_empty() => {
            (stem, Some(extension))
        }
        _ => (name, None),
    }
}

/// `name` cut at a character boundary to fit, the extension kept.
fn shorten(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    let (stem, extension) = split_extension(name);
    let extension = extension.filter(|e| e.len() < MAX_NAME_BYTES / 2);
    let room = MAX_NAME_BYTES - extension.map_or(0, |e| e.len() + 1);
    let mut end = room.min(stem.len());
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    match extension {
        Some(extension) => format!("{}.{extension}", stem[..end].trim_end()),
        None => stem[..end].trim_end().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_cannot_leave_its_directory_or_hide() {
        for (raw, clean) in [
            ("invoice-4821.pdf", "invoice-4821.pdf"),
            ("../../etc/passwd", "_.._etc_passwd"),
            ("/etc/passwd", "_etc_passwd"),
            ("..\\boot.ini", "_boot.ini"),
            (".bashrc", "bashrc"),
            ("...", UNNAMED),
            ("..", UNNAMED),
            ("", UNNAMED),
            ("   ", UNNAMED),
            ("My Report.pdf", "My Report.pdf"),
            ("résumé — final.pdf", "résumé — final.pdf"),
        ] {
            assert_eq!(sanitize_file_name(raw), clean, "{raw:?}");
        }
    }

    #[test]
    fn control_and_invisible_characters_are_gone() {
        for raw in [
            "a\u{1b}[2Jb.txt",
            "bell\u{7}.txt",
            "new\nline.txt",
            "nul\0.txt",
            "evil\u{202e}fdp.exe",
        ] {
            let name = sanitize_file_name(raw);
            assert!(!name.chars().any(char::is_control), "{name:?}");
            assert!(!name.contains('\u{202e}'), "{name:?}");
            assert!(!name.is_empty());
        }
    }

    #[test]
    fn a_long_name_keeps_its_extension() {
        let name = sanitize_file_name(&format!("{}.pdf", "é".repeat(300)));
        assert!(name.len() <= MAX_NAME_BYTES, "{}", name.len());
        assert!(name.ends_with("é.pdf"), "{name}");
    }

    #[test]
    fn numbered_names_go_before_the_extension() {
        assert_eq!(numbered("report.pdf", 1), "report.pdf");
        assert_eq!(numbered("report.pdf", 2), "report (2).pdf");
        assert_eq!(numbered("archive.tar.gz", 3), "archive.tar (3).gz");
        assert_eq!(numbered("notes", 2), "notes (2)");
        assert_eq!(numbered("bashrc.", 2), "bashrc. (2)");
    }
}
