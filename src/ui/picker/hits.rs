//! The hits of the visitor list's message search: a line saying what the
//! archive lacks, when it lacks visitors (or how far the sync of them has
//! come), then one row a hit (visitor, date,
//! sender, the snippet with its matches marked), or a sentence in their place.
//! Every text here was sanitized when the answer arrived.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{MARK, MARK_WIDTH, SPACING};
use crate::numbers::grouped;
use crate::picker::{Focus, HitRow, Hits, PickerState, SyncProgress};
use crate::sanitize::sanitize_line;
use crate::ui::matches::MATCH_STYLE;
use crate::wrap::{display_width, truncate};

/// The visitor column at most: the snippet needs the room more.
const VISITOR_MAX_WIDTH: usize = 24;
/// "2026-11-24 11:46".
const WHEN_WIDTH: usize = 16;
/// "operator".
const SENDER_WIDTH: usize = 8;

/// The hits area of the visitor list.
pub(super) struct HitList<'a> {
    pub picker: &'a PickerState,
}

impl Widget for HitList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let picker = self.picker;
        let said = archive_words(picker);
        let [note, rows] = Layout::vertical([
            Constraint::Length(u16::from(said.is_some())),
            Constraint::Min(0),
        ])
        .areas(area);
        if let Some(said) = said {
            Paragraph::new(said)
                .style(Style::new().fg(Color::Yellow))
                .render(note, buf);
        }
        let sentence = match picker.hits() {
            Hits::Idle => "type to search every archived visitor's messages: words, \"a phrase\", \
                           word*, -word, from:visitor, from:operator, after:YYYY-MM-DD, \
                           before:YYYY-MM-DD, has:attachment, visitor:ID · Tab finds a visitor"
                .to_owned(),
            Hits::Searching => "searching…".to_owned(),
            Hits::Refused(reason) => format!("search: {reason}"),
            Hits::Failed(reason) => sanitize_line(reason),
            Hits::Found(found) if found.is_empty() => format!(
                "no message matches “{}”",
                sanitize_line(picker.message_query())
            ),
            Hits::Found(found) => {
                draw_rows(found, picker.selected_hit(), rows, buf);
                return;
            }
        };
        let style = match picker.hits() {
            Hits::Refused(_) | Hits::Failed(_) => Style::new().fg(Color::Red),
            _ => Style::new().add_modifier(Modifier::DIM),
        };
        Paragraph::new(sentence)
            .style(style)
            .wrap(Wrap { trim: false })
            .render(rows, buf);
    }
}

/// The line above the hits: how the sync `s` started is going, or how
/// many visitors the archive lacks and how to sync them; none when it
/// lacks nobody.
fn archive_words(picker: &PickerState) -> Option<String> {
    if let Some(progress) = picker.sync_progress() {
        return Some(syncing_words(progress));
    }
    let count = picker.visitors_not_archived().filter(|&n| n > 0)?;
    let how = match (picker.can_sync(), picker.message_focus()) {
        (true, Focus::Hits) => "s syncs them",
        (true, Focus::Query) => "↓ then s syncs them",
        (false, _) if picker.is_offline() => "s syncs them when szchat runs online",
        (false, _) => "szchat sync archives them",
    };
    Some(lacking_words(count, how))
}

/// "3 visitors not in the archive — s syncs them".
fn lacking_words(count: u64, how: &str) -> String {
    let visitors = if count == 1 { "visitor" } else { "visitors" };
    format!("{} {visitors} not in the archive — {how}", grouped(count))
}

/// "syncing 3 of 12 visitors…".
fn syncing_words(progress: SyncProgress) -> String {
    match progress.visitors {
        None => "syncing the visitors the archive lacks…".to_owned(),
        Some(1) => format!("syncing {} of 1 visitor…", progress.done),
        Some(visitors) => format!(
            "syncing {} of {} visitors…",
            grouped(progress.done),
            grouped(visitors)
        ),
    }
}

/// The rows that fit, scrolled so the selected one is shown.
fn draw_rows(found: &[HitRow], selected: Option<usize>, area: Rect, buf: &mut Buffer) {
    let height = usize::from(area.height);
    if height == 0 {
        return;
    }
    let selected = selected.unwrap_or(0);
    let first = (selected + 1).saturating_sub(height);
    let visitor_width = found
        .iter()
        .map(|hit| hit.visitor.width)
        .max()
        .unwrap_or(0)
        .min(VISITOR_MAX_WIDTH);
    for (place, hit) in found.iter().enumerate().skip(first).take(height) {
        let y = area.y + u16::try_from(place - first).unwrap_or(u16::MAX);
        let row = Rect::new(area.x, y, area.width, 1);
        let chosen = place == selected;
        let line = hit_line(hit, chosen, visitor_width, usize::from(area.width));
        let line = if chosen {
            line.patch_style(Style::new().add_modifier(Modifier::REVERSED))
        } else {
            line
        };
        line.render(row, buf);
    }
}

/// One hit's row in `width` columns, marked when `chosen`: the snippet
/// gets what the others leave.
fn hit_line(hit: &HitRow, chosen: bool, visitor_width: usize, width: usize) -> Line<'static> {
    let gap = " ".repeat(SPACING);
    let pad = |text: &str, to: usize| {
        let text = truncate(text, to);
        let fill = to.saturating_sub(display_width(&text));
        format!("{text}{}", " ".repeat(fill))
    };
    let lead = format!(
        "{}{gap}{}{gap}{}{gap}",
        pad(&hit.visitor.text, visitor_width),
        pad(&hit.when, WHEN_WIDTH),
        pad(&hit.sender, SENDER_WIDTH)
    );
    let room = width.saturating_sub(MARK_WIDTH + display_width(&lead));
    let mark = if chosen { MARK } else { "  " };
    let mut spans = vec![Span::raw(mark), Span::raw(lead)];
    spans.extend(snippet_spans(hit, room));
    Line::from(spans)
}

/// The snippet cut to `room` columns, its matches in the match style.
fn snippet_spans(hit: &HitRow, room: usize) -> Vec<Span<'static>> {
    let mut left = room;
    let mut spans = Vec::new();
    for (text, matched) in hit.snippet.pieces() {
        if left == 0 {
            break;
        }
        let cut = truncate(text, left);
        // Cut short, it ends in "…": nothing may follow.
        let whole = cut.len() == text.len();
        left = if whole {
            left.saturating_sub(display_width(&cut))
        } else {
            0
        };
        let style = if matched { MATCH_STYLE } else { Style::new() };
        spans.push(Span::styled(cut, style));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lacking_line_says_how_many_and_the_sync_how_far() {
        assert_eq!(
            lacking_words(3, "s syncs them"),
            "3 visitors not in the archive — s syncs them"
        );
        assert_eq!(
            lacking_words(1, "szchat sync archives them"),
            "1 visitor not in the archive — szchat sync archives them"
        );
        let progress = |done, visitors| SyncProgress { done, visitors };
        assert_eq!(
            syncing_words(progress(3, Some(1_200))),
            "syncing 3 of 1,200 visitors…"
        );
        assert_eq!(
            syncing_words(progress(0, Some(1))),
            "syncing 0 of 1 visitor…"
        );
        assert_eq!(
            syncing_words(progress(0, None)),
            "syncing the visitors the archive lacks…"
        );
    }
}
