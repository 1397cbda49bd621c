//! The SQL function of the archive's search index: folding text (the
//! index's triggers call it), so the index holds text folded exactly as the
//! query folds it. Candidates are confirmed in Rust, by the query's
//! [`crate::search_query::TextCheck`]s.

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::fold::fold;
use crate::search_query::FOLD_FUNCTION;

/// Adds the archive's SQL function to `conn`; every connection that
/// writes messages needs it, as the index's triggers call
/// `szchat_fold(text)`.
pub(super) fn add_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(FOLD_FUNCTION, 1, flags, |ctx| {
        Ok(text(ctx, 0).map(|text| fold(&text)))
    })
}

/// Argument `index` as text, borrowed where it is valid UTF-8 (it always
/// is from szchat's own writes).
fn text<'a>(ctx: &'a Context<'_>, index: usize) -> Option<std::borrow::Cow<'a, str>> {
    match ctx.get_raw(index) {
        ValueRef::Text(bytes) => Some(String::from_utf8_lossy(bytes)),
        _ => None,
    }
}
