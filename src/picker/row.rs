//! What a visitor's row in the list says, made once when the visitor
//! arrives: sanitized text and its width, so drawing a frame only lays it
//! out, however long what the server sent.

use url::Url;

use crate::sanitize::sanitize_line;
use crate::visitor::{Visitor, VisitorId};
use crate::wrap::display_width;

/// One column's text, sanitized, and how many columns it takes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub width: usize,
}

impl Cell {
    pub(super) fn new(raw: &str) -> Self {
        let text = sanitize_line(raw);
        let width = display_width(&text);
        Cell { text, width }
    }
}

/// The text of a visitor's row, column by column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowText {
    pub name: Cell,
    pub email: Cell,
    /// `#4821`, whole: an id cut short reads as another id.
    pub id: Cell,
    /// The host and path of the last page; see [`last_page`].
    pub page: Cell,
    /// Where the path starts in `page.text` (a byte index), so a cut can
    /// keep the end of the path, where pages differ.
    pub path_start: usize,
}

impl RowText {
    pub fn of(visitor: &Visitor) -> Self {
        let (page, path_start) = last_page(visitor);
        let host = sanitize_line(&page[..path_start]);
        let path = sanitize_line(&page[path_start..]);
        let path_start = host.len();
        let page = Cell::new(&format!("{host}{path}"));
        RowText {
            name: Cell::new(&visitor.display_name()),
            email: Cell::new(visitor.email.as_deref().unwrap_or_default()),
            id: Cell::new(&format!("#{}", visitor.id)),
            page,
            path_start,
        }
    }
}

impl RowText {
    /// The row of an entry the server sent that could not be read: its id,
    /// and why, where the name goes.
    pub fn placeholder(id: VisitorId, reason: &str) -> Self {
        RowText {
            name: Cell::new(&format!("visitor {id} could not be read: {reason}")),
            email: Cell::default(),
            id: Cell::new(&format!("#{id}")),
            page: Cell::default(),
            path_start: 0,
        }
    }
}

/// Host and path of the visitor's last page, without query or fragment
/// (which may carry tokens), and where its path starts; the raw text when
/// it is not a URL.
fn last_page(visitor: &Visitor) -> (String, usize) {
    let Some(raw) = visitor.last_url.as_deref() else {
        return (String::new(), 0);
    };
    match Url::parse(raw.trim()) {
        Ok(url) if url.host_str().is_some() => {
            let host = url.host_str().unwrap_or_default();
            let path = url.path();
            let path = if path == "/" { "" } else { path };
            (format!("{host}{path}"), host.len())
        }
        _ => (raw.to_owned(), raw.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_says_the_page_without_its_query_and_the_whole_id() {
        let mut visitor = Visitor::unnamed(u64::MAX);
        visitor.name = Some("Ana\u{1b}[2J".into());
        visitor.last_url = Some("https://shop.example/cart/checkout?token=secret#x".into());
        let row = RowText::of(&visitor);
        assert_eq!(row.id.text, "#18446744073709551615");
        assert_eq!(row.page.text, "shop.example/cart/checkout");
        assert_eq!(&row.page.text[row.path_start..], "/cart/checkout");
        assert!(!row.name.text.contains('\u{1b}'), "{:?}", row.name);
        assert_eq!(row.name.width, display_width(&row.name.text));
    }
}
