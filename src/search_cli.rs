//! `szchat search QUERY`: every archived visitor's messages searched with
//! the query language of [`crate::search_query`], one hit a line, newest
//! first (or JSON lines), with no request (`--sync` runs a sync before, in
//! [`crate::subcommand`]).
//! (The search inside one conversation is [`crate::search`].)

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, Local};
use serde_json::json;

use crate::archive::search::{Coverage, Hit};
use crate::archive::task::{StoreEvent, StoreRequest};
use crate::cli::{EXIT_FAILURE, EXIT_USAGE};
use crate::command_setup::{fail, open_account};
use crate::config::Settings;
use crate::numbers::grouped;
use crate::sanitize::sanitize_line;
use crate::search_query::{self, Marks};
use crate::snippet;

/// Characters of context shown before and after the match.
const BEFORE: usize = 30;
const AFTER: usize = 60;
/// How a match is marked on a terminal (bold), and elsewhere.
const BOLD: (&str, &str) = ("\x1b[1m", "\x1b[0m");
const BRACKETS: (&str, &str) = ("[", "]");

/// What `szchat search` was asked.
#[derive(Debug)]
pub struct SearchRequest<'a> {
    pub query: &'a [String],
    pub json: bool,
    pub limit: u32,
}

/// Runs the search; returns the exit status (0 matched, 1 nothing, 2 a bad query).
pub async fn run(dir: PathBuf, settings: &Settings, request: &SearchRequest<'_>) -> u8 {
    let text = request.query.join(" ");
    let query = match search_query::parse(&text) {
        Ok(query) => query,
        Err(error) => return fail(EXIT_USAGE, &format!("search: {error}")),
    };
    let mut store = match open_account(dir, settings).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    store.send(StoreRequest::Search {
        condition: search_query::condition(&query),
        limit: request.limit,
        seq: 0,
    });
    let answer = loop {
        match store.events.recv().await {
            Some(StoreEvent::Searched { result, .. }) => break Some(result),
            Some(_) => {}
            None => break None,
        }
    };
    let _ = store.finish().await;
    let (hits, coverage) = match answer {
        Some(Ok(found)) => found,
        Some(Err(error)) => return fail(EXIT_FAILURE, &error.to_string()),
        None => return fail(EXIT_FAILURE, "the archive's store has stopped"),
    };
    let marks = query.marks();
    let terminal = std::io::stdout().is_terminal() && !request.json;
    let open_close = if terminal { BOLD } else { BRACKETS };
    let mut out = std::io::stdout().lock();
    for hit in &hits {
        let snippet = snippet(hit, &marks, open_close);
        let line = if request.json {
            json!({
                "visitor_id": hit.visitor_id,
                "visitor_name": hit.visitor_name.as_deref().map(sanitize_line),
                "message_id": hit.message_id,
                "created_at": hit.created_at,
                "sender_type": hit.sender_type,
                "snippet": snippet,
            })
            .to_string()
        } else {
            text_line(hit, &snippet)
        };
        if writeln!(out, "{line}").is_err() {
            // A reader that stopped early (`| head`) is not an error.
            return 0;
        }
    }
    if let Some(gap) = coverage_note(coverage) {
        eprintln!("{gap}");
    }
    if hits.is_empty() { EXIT_FAILURE } else { 0 }
}

/// "2026-11-24 11:46 +01:00 · Hana Whitfield (4821) · visitor · …snippet…"
fn text_line(hit: &Hit, snippet: &str) -> String {
    let when = hit
        .created_at
        .as_deref()
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map_or_else(
            || "time unknown".to_owned(),
            |at| {
                at.with_timezone(&Local)
                    .format("%Y-%m-%d %H:%M %:z")
                    .to_string()
            },
        );
    let name = hit
        .visitor_name
        .as_deref()
        .map(sanitize_line)
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "visitor".to_owned());
    let side = match hit.sender_type.as_str() {
        "user" => "visitor".to_owned(),
        other => sanitize_line(other),
    };
    format!("{when} · {name} ({}) · {side} · {snippet}", hit.visitor_id)
}

/// The sanitised body (or attachment name) around the first match, every
/// match in it marked; the start of the body when nothing is found in it.
fn snippet(hit: &Hit, marks: &Marks, (open, close): (&str, &str)) -> String {
    snippet::snippet(&hit.snippet_source(), marks, BEFORE, AFTER).marked_with(open, close)
}

/// What the archive does not cover, when it matters.
fn coverage_note(coverage: Coverage) -> Option<String> {
    if coverage.synced == 0 {
        return Some("szchat: the archive holds no synced visitor yet — szchat sync".to_owned());
    }
    (coverage.never_synced > 0).then(|| {
        let plural = |n: u64| if n == 1 { "visitor" } else { "visitors" };
        let were = if coverage.never_synced == 1 {
            "was"
        } else {
            "were"
        };
        format!(
            "searched {} {}; {} {} {were} never synced — szchat sync",
            grouped(coverage.synced),
            plural(coverage.synced),
            grouped(coverage.never_synced),
            plural(coverage.never_synced),
        )
    })
}
