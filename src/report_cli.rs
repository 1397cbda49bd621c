//! `szchat report [USER_ID]... [--csv | --json]`: the operator's figures of
//! every archived visitor (or those named), from the archive with no
//! request: CSV (RFC 4180, formula cells defused), JSON lines, or an
//! aligned table for the terminal.

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::archive::store::VisitorFigures;
use crate::archive::task::{StoreEvent, StoreRequest};
use crate::cli::EXIT_FAILURE;
use crate::command_setup::{fail, open_account};
use crate::config::Settings;
use crate::metrics::wording::span_seconds;
use crate::sanitize::sanitize_line;
use crate::visitor::VisitorId;
use crate::wrap::display_width;

/// The CSV header, exactly as issue 17 names it.
pub const CSV_HEADER: &str = "visitor_id,name,email,messages,visitor_messages,operator_messages,first_message_at,last_message_at,first_response_s,median_response_s,longest_wait_s,unanswered,awaiting_since";

/// How the report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Csv,
    Json,
}

/// Runs the report; returns the exit status (1 when a named visitor is not archived).
pub async fn run(
    dir: PathBuf,
    settings: &Settings,
    visitors: &[VisitorId],
    format: ReportFormat,
) -> u8 {
    let mut store = match open_account(dir, settings).await {
        Ok(store) => store,
        Err(code) => return code,
    };
    store.send(StoreRequest::Figures {
        visitors: visitors.to_vec(),
    });
    let answer = loop {
        match store.events.recv().await {
            Some(StoreEvent::Figures(result)) => break Some(result),
            Some(_) => {}
            None => break None,
        }
    };
    let _ = store.finish().await;
    let rows = match answer {
        Some(Ok(rows)) => rows,
        Some(Err(error)) => return fail(EXIT_FAILURE, &error.to_string()),
        None => return fail(EXIT_FAILURE, "the archive's store has stopped"),
    };
    if write_rows(&mut std::io::stdout().lock(), &rows, format).is_err() {
        // A reader that stopped early (`| head`) is not an error.
        return 0;
    }
    let missing: Vec<String> = visitors
        .iter()
        .filter(|id| !rows.iter().any(|row| row.visitor_id == **id))
        .map(ToString::to_string)
        .collect();
    if missing.is_empty() {
        0
    } else {
        fail(
            EXIT_FAILURE,
            &format!(
                "not in the archive: {} (szchat sync {0})",
                missing.join(" ")
            ),
        )
    }
}

/// Writes the report of `rows` in `format` to `out`.
pub fn write_rows(
    out: &mut impl Write,
    rows: &[VisitorFigures],
    format: ReportFormat,
) -> std::io::Result<()> {
    let lines = match format {
        ReportFormat::Csv => std::iter::once(CSV_HEADER.to_owned())
            .chain(rows.iter().map(csv_line))
            .collect(),
        ReportFormat::Json => rows.iter().map(json_line).collect(),
        ReportFormat::Table => table(rows),
    };
    // RFC 4180 ends each CSV record with CRLF; JSON lines and the table with LF.
    let end = if format == ReportFormat::Csv {
        "\r\n"
    } else {
        "\n"
    };
    for line in lines {
        write!(out, "{line}{end}")?;
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A row's cells in the header's order; `None` for an empty cell.
fn cells(row: &VisitorFigures) -> [Option<String>; 13] {
    let f = &row.figures;
    let number = |n: Option<i64>| n.map(|n| n.to_string());
    let text = |t: &Option<String>| t.as_deref().map(sanitize_line);
    [
        Some(row.visitor_id.to_string()),
        text(&row.name),
        text(&row.email),
        Some(f.messages.to_string()),
        Some(f.visitor_messages.to_string()),
        Some(f.operator_messages.to_string()),
        f.first_message_at.map(utc),
        f.last_message_at.map(utc),
        number(f.first_response_s),
        number(f.median_response_s),
        number(f.longest_wait_s),
        Some(f.unanswered.to_string()),
        f.awaiting_since.map(utc),
    ]
}

/// One CSV record.
pub fn csv_line(row: &VisitorFigures) -> String {
    cells(row)
        .iter()
        .map(|cell| csv_cell(cell.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(",")
}

/// A cell a spreadsheet would run as a formula gets a leading `'` (OWASP's
/// advice against CSV injection); one holding a comma, quote or line break
/// is quoted, its quotes doubled (RFC 4180).
pub fn csv_cell(cell: &str) -> String {
    let defused = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// One JSON object with the CSV's keys in the CSV's order: numbers as
/// numbers, empty as null. Written key by key, since serde_json's map
/// would sort the keys.
pub fn json_line(row: &VisitorFigures) -> String {
    let f = &row.figures;
    let text = |t: &Option<String>| t.as_deref().map(sanitize_line);
    let values: [Value; 13] = [
        json!(row.visitor_id),
        json!(text(&row.name)),
        json!(text(&row.email)),
        json!(f.messages),
        json!(f.visitor_messages),
        json!(f.operator_messages),
        json!(f.first_message_at.map(utc)),
        json!(f.last_message_at.map(utc)),
        json!(f.first_response_s),
        json!(f.median_response_s),
        json!(f.longest_wait_s),
        json!(f.unanswered),
        json!(f.awaiting_since.map(utc)),
    ];
    let pairs: Vec<String> = CSV_HEADER
        .split(',')
        .zip(values)
        .map(|(key, value)| format!("{}:{value}", Value::from(key)))
        .collect();
    format!("{{{}}}", pairs.join(","))
}

/// The terminal's table: the figures that fit a screen, waits in words.
fn table(rows: &[VisitorFigures]) -> Vec<String> {
    const HEADINGS: [&str; 8] = [
        "VISITOR",
        "NAME",
        "MESSAGES",
        "FIRST RESPONSE",
        "MEDIAN",
        "LONGEST WAIT",
        "UNANSWERED",
        "AWAITING SINCE",
    ];
    let words = |n: Option<i64>| n.map_or_else(|| "-".to_owned(), span_seconds);
    let body: Vec<[String; 8]> = rows
        .iter()
        .map(|row| {
            let f = &row.figures;
            let name = [&row.name, &row.email]
                .into_iter()
                .find_map(|t| crate::model::shown(t.as_deref()))
                .map_or_else(|| "-".to_owned(), |t| sanitize_line(&t));
            [
                row.visitor_id.to_string(),
                name,
                f.messages.to_string(),
                words(f.first_response_s),
                words(f.median_response_s),
                words(f.longest_wait_s),
                f.unanswered.to_string(),
                f.awaiting_since.map_or_else(|| "-".to_owned(), utc),
            ]
        })
        .collect();
    let mut widths = HEADINGS.map(display_width);
    for cells in &body {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(display_width(cell));
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| {
                let pad = width.saturating_sub(display_width(cell));
                format!("{cell}{}", " ".repeat(pad))
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    std::iter::once(line(&HEADINGS.map(str::to_owned)))
        .chain(body.iter().map(|cells| line(cells)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_quoting_follows_rfc_4180() {
        assert_eq!(csv_cell("Hana"), "Hana");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for start in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_cell(start).trim_start_matches('"').starts_with('\''),
                "{start:?}"
            );
        }
        assert_eq!(csv_cell("Smith, Jo"), "\"Smith, Jo\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn times_are_utc_to_the_second() {
        let at = DateTime::parse_from_rfc3339("2026-11-24T11:46:07.250+01:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(utc(at), "2026-11-24T10:46:07Z");
    }
}
