//! The conversation's figures (issue 17's, from [`crate::metrics`]) as the
//! transcripts' headers list them (html, markdown, text): only those that
//! exist.

use crate::metrics::{Figures, wording::span_seconds};
use crate::numbers::grouped;
use crate::timefmt::LocalZone;

/// A figure a header shows under the visitor's details: a label and its
/// value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// Label and value of each figure `figures` has, times in `zone`.
pub fn header_figures(figures: &Figures, zone: &LocalZone) -> Vec<Figure> {
    let figure = |label: &str, value: String| Figure {
        label: label.to_owned(),
        value,
    };
    let mut out = vec![figure(
        "Messages",
        format!(
            "{} ({} from the visitor, {} from operators)",
            grouped(figures.messages),
            grouped(figures.visitor_messages),
            grouped(figures.operator_messages)
        ),
    )];
    let waits = [
        ("First response", figures.first_response_s),
        ("Median response", figures.median_response_s),
        ("Longest wait", figures.longest_wait_s),
    ];
    for (label, seconds) in waits {
        if let Some(seconds) = seconds {
            out.push(figure(label, span_seconds(seconds)));
        }
    }
    if figures.is_waiting() {
        let since = figures
            .awaiting_since
            .map(|at| format!(" since {}", zone.full_timestamp(at)))
            .unwrap_or_default();
        out.push(figure(
            "Unanswered",
            format!("{} visitor messages{since}", grouped(figures.unanswered)),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn only_the_figures_that_exist_are_listed() {
        let figures = Figures {
            messages: 1_204,
            visitor_messages: 600,
            operator_messages: 590,
            first_response_s: Some(45),
            median_response_s: Some(190),
            longest_wait_s: None,
            unanswered: 2,
            awaiting_since: Some(Utc.with_ymd_and_hms(2026, 11, 24, 10, 46, 0).unwrap()),
            ..Figures::default()
        };
        let listed: Vec<(String, String)> = header_figures(&figures, &LocalZone::utc())
            .into_iter()
            .map(|f| (f.label, f.value))
            .collect();
        let expected = [
            (
                "Messages",
                "1,204 (600 from the visitor, 590 from operators)",
            ),
            ("First response", "45 s"),
            ("Median response", "3 min"),
            (
                "Unanswered",
                "2 visitor messages since Tue 24 Nov 2026 10:46 UTC+00:00",
            ),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(l, v)| ((*l).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(listed, expected);
        let quiet = header_figures(&Figures::default(), &LocalZone::utc());
        assert_eq!(quiet.len(), 1, "only the count of an empty conversation");
    }
}
