//! The SQL functions of the archive's search: folding text for the index
//! (its triggers call it, so the index holds what the query folds alike)
//! and confirming candidates (the index keeps trigrams without positions,
//! so the text itself is compared, folded).

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::fold::{fold, has_at_word_start};
use crate::search_query::{CONTAINS_FUNCTION, FOLD_FUNCTION, WORD_START_FUNCTION};

/// Adds the archive's SQL functions to `conn`; every connection that
/// writes messages needs them, as the index's triggers call
/// `szchat_fold(text)`.
///
/// `folded_contains(needle, field, ...)` is 1 when a field, folded, holds
/// the needle folded alike; `folded_word_start(needle, field, ...)` when a
/// word of a field begins with it. The index only finds candidates; these
/// keep the answers exact.
pub(super) fn add_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(FOLD_FUNCTION, 1, flags, |ctx| {
        Ok(text(ctx, 0).map(|text| fold(&text)))
    })?;
    conn.create_scalar_function(CONTAINS_FUNCTION, -1, flags, |ctx| {
        any_field(ctx, |field, needle| field.contains(needle))
    })?;
    conn.create_scalar_function(WORD_START_FUNCTION, -1, flags, |ctx| {
        any_field(ctx, has_at_word_start)
    })
}

fn text(ctx: &Context<'_>, index: usize) -> Option<String> {
    match ctx.get_raw(index) {
        ValueRef::Text(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        _ => None,
    }
}

/// True when `test(field folded, needle folded)` holds for a field.
fn any_field(ctx: &Context<'_>, test: impl Fn(&str, &str) -> bool) -> rusqlite::Result<bool> {
    let Some(needle) = text(ctx, 0).map(|needle| fold(&needle)) else {
        return Ok(false);
    };
    Ok((1..ctx.len())
        .any(|index| text(ctx, index).is_some_and(|field| test(&fold(&field), &needle))))
}
