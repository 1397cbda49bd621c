//! The SQL function the search's query confirms its candidates with: the
//! index keeps trigrams without positions, so the text itself is compared,
//! folded as the index folds it.

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::fold::fold;
use crate::search_query::CONTAINS_FUNCTION;

/// Adds the SQL function the query language confirms text with:
/// `folded_contains(needle, field, ...)` is 1 when a field, case and
/// diacritics folded, holds the needle folded alike. The index (trigrams
/// without positions) only finds candidates; this keeps answers exact.
pub(super) fn add_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        CONTAINS_FUNCTION,
        -1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        folded_contains,
    )
}

fn folded_contains(ctx: &Context<'_>) -> rusqlite::Result<bool> {
    let text = |index: usize| match ctx.get_raw(index) {
        ValueRef::Text(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        _ => None,
    };
    let Some(needle) = text(0).map(|needle| fold(&needle)) else {
        return Ok(false);
    };
    Ok((1..ctx.len()).any(|index| text(index).is_some_and(|field| fold(&field).contains(&needle))))
}
