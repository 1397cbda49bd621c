//! Search matches marked in a laid-out message. Applied at draw time to the
//! copy of a block about to be drawn, so the layout cache keeps one layout
//! per message whatever is searched for.

use std::ops::Range;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::search::Query;

/// How a match looks: underlined too, so it shows without colour, and on the
/// selected block's reversed header.
pub const MATCH_STYLE: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::UNDERLINED);

/// Spans before a line's content: the indent and the gutter.
const LEAD_SPANS: usize = 2;

/// Restyles every match of `query` in `lines` (a message block). A match is
/// looked for within each line, on the text as drawn.
pub fn mark(lines: &mut [Line<'static>], query: &Query) {
    for line in lines {
        if line.spans.len() <= LEAD_SPANS {
            continue;
        }
        let text: String = line.spans[LEAD_SPANS..]
            .iter()
            .map(|span| span.content.as_ref())
            .collect();
        let found = query.find_in(&text);
        if found.is_empty() {
            continue;
        }
        let content = line.spans.split_off(LEAD_SPANS);
        line.spans.extend(split_at_matches(content, &found));
    }
}

/// `spans` cut where matches start and end, the matched pieces restyled.
/// `found` holds byte ranges of the spans' text joined, in order.
fn split_at_matches(spans: Vec<Span<'static>>, found: &[Range<usize>]) -> Vec<Span<'static>> {
    let mut out = Vec::with_capacity(spans.len() + found.len() * 2);
    let mut start = 0;
    for span in spans {
        let end = start + span.content.len();
        // Every boundary inside this span, with whether a match runs from it.
        let mut cuts: Vec<(usize, bool)> = vec![(start, in_match(found, start))];
        for range in found {
            for at in [range.start, range.end] {
                if at > start && at < end {
                    cuts.push((at, in_match(found, at)));
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for (i, (from, matched)) in cuts.iter().enumerate() {
            let to = cuts.get(i + 1).map_or(end, |(next, _)| *next);
            let piece = &span.content[from - start..to - start];
            if piece.is_empty() {
                continue;
            }
            let style = if *matched {
                span.style.patch(MATCH_STYLE)
            } else {
                span.style
            };
            out.push(Span::styled(piece.to_owned(), style));
        }
        start = end;
    }
    out
}

fn in_match(found: &[Range<usize>], at: usize) -> bool {
    found.iter().any(|range| range.contains(&at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_across_spans_is_cut_out_and_restyled_and_the_text_is_unchanged() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut lines = vec![Line::from(vec![
            Span::raw(""),
            Span::raw("▎ "),
            Span::styled("Ölga", bold),
            Span::raw(" · ÖLGA and olga"),
        ])];
        mark(&mut lines, &Query::new("öl").unwrap());
        let spans: Vec<(&str, Style)> = lines[0]
            .spans
            .iter()
            .map(|span| (span.content.as_ref(), span.style))
            .collect();
        assert_eq!(
            spans,
            [
                ("", Style::new()),
                ("▎ ", Style::new()),
                ("Öl", bold.patch(MATCH_STYLE)),
                ("ga", bold),
                (" · ", Style::new()),
                ("ÖL", MATCH_STYLE),
                ("GA and olga", Style::new()),
            ]
        );
    }
}
