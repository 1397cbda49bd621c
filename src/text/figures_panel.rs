//! The `m` panel's text: the conversation's figures in words ("first
//! response 3 min", "waiting 12 min" in the warning colour), then its
//! sessions, newest first, each with its start, length and messages.
//! Beside the conversation on a wide screen (as the profile), a box over it
//! on a narrow one. Only the rows on screen are laid out: a history of
//! thousands of sessions costs a screenful a frame. `ui::figures_panel`
//! draws these lines.

use chrono::{DateTime, Utc};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::metrics::ConversationFigures;
use crate::metrics::Session;
use crate::metrics::wording::{span, span_seconds};
use crate::numbers::grouped;
use crate::text::{profile, text_box};
use crate::timefmt::LocalZone;
use crate::wrap::truncate;

/// The widest a box over the conversation gets.
const MAX_TEXT_WIDTH: usize = 52;
/// The colour of "waiting": someone is owed an answer.
const WARNING: Color = Color::Yellow;

/// What the panel is about: the figures, and how far the history is loaded.
#[derive(Clone, Copy, Debug)]
pub struct PanelText<'a> {
    pub figures: &'a ConversationFigures,
    pub zone: LocalZone,
    /// The time "waiting" counts up to.
    pub now: DateTime<Utc>,
    /// False while older messages are not loaded: the figures are of the
    /// loaded ones, and the panel says so.
    pub whole_history: bool,
}

/// True if a screen `width` columns wide shows the panel beside the conversation.
pub fn beside(width: u16) -> bool {
    profile::beside(width)
}

/// The columns of text the panel has in `area`.
pub fn text_width(area: Rect, beside: bool) -> usize {
    if beside {
        usize::from(profile::PANEL_WIDTH.saturating_sub(2))
    } else {
        text_box::text_width(MAX_TEXT_WIDTH, area)
    }
}

/// Rows the panel's text takes, and how many show at once in `area` (the
/// conversation's area when over it, the panel's column when beside).
pub fn extent(text: &PanelText<'_>, area: Rect, beside: bool) -> (usize, usize) {
    let rows = summary(text).len() + text.figures.sessions.len();
    let page = if beside {
        usize::from(area.height).saturating_sub(2)
    } else {
        text_box::text_rows(rows, area)
    };
    (rows, page)
}

/// Rows `skip..skip + take` of the panel, each cut to `width` columns.
pub fn lines(text: &PanelText<'_>, width: usize, skip: usize, take: usize) -> Vec<Line<'static>> {
    let head = summary(text);
    let from_head = head.len().saturating_sub(skip).min(take);
    let sessions = &text.figures.sessions;
    let session_skip = skip.saturating_sub(head.len());
    let session_lines = sessions
        .iter()
        .enumerate()
        .rev()
        .skip(session_skip)
        .take(take - from_head)
        .map(|(index, session)| session_line(index + 1, session, text.zone));
    head.into_iter()
        .skip(skip)
        .take(from_head)
        .chain(session_lines)
        .map(|line| cut(line, width))
        .collect()
}

/// The figures, one to a line, and the sessions' heading.
fn summary(text: &PanelText<'_>) -> Vec<Line<'static>> {
    let f = &text.figures.figures;
    let dim = Style::default().fg(Color::Gray);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let plain = |s: String| Line::from(s);
    let mut out = Vec::new();
    if f.messages == 0 {
        out.push(Line::from(Span::styled("no messages yet", dim)));
        return out;
    }
    out.push(Line::from(Span::styled(
        format!("{} messages", grouped(f.messages)),
        bold,
    )));
    let replies = match f.operator_messages {
        1 => "1 reply".to_owned(),
        n => format!("{} replies", grouped(n)),
    };
    out.push(plain(format!(
        "{} from the visitor · {replies}",
        grouped(f.visitor_messages)
    )));
    if !text.whole_history {
        out.push(Line::from(Span::styled(
            "of the loaded messages; g loads them all",
            dim.add_modifier(Modifier::ITALIC),
        )));
    }
    if let Some(first) = f.first_message_at {
        out.push(plain(format!("from {}", text.zone.full_timestamp(first))));
    }
    if let Some(last) = f.last_message_at {
        out.push(plain(format!("to   {}", text.zone.full_timestamp(last))));
    }
    out.push(Line::default());
    match f.first_response_s {
        Some(first) => {
            out.push(plain(format!("first response {}", span_seconds(first))));
        }
        None => out.push(Line::from(Span::styled("no reply yet", dim))),
    }
    if let Some(median) = f.median_response_s {
        out.push(plain(format!("median response {}", span_seconds(median))));
    }
    if let Some(longest) = f.longest_wait_s {
        out.push(plain(format!("longest wait {}", span_seconds(longest))));
    }
    if f.is_waiting() {
        let waiting = match f.awaiting_since {
            Some(since) => format!("waiting {}", span(text.now - since)),
            None => "waiting".to_owned(),
        };
        let unanswered = match f.unanswered {
            1 => "1 unanswered message".to_owned(),
            n => format!("{} unanswered messages", grouped(n)),
        };
        out.push(Line::from(vec![
            Span::styled(
                waiting,
                Style::default().fg(WARNING).add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!(" · {unanswered}"), Style::default().fg(WARNING)),
        ]));
    } else if f.operator_messages > 0 {
        out.push(Line::from(Span::styled("answered: nobody waiting", dim)));
    }
    out.push(Line::default());
    let count = text.figures.sessions.len();
    out.push(Line::from(vec![
        Span::styled(
            match count {
                1 => "1 session".to_owned(),
                n => format!("{} sessions", grouped(n as u64)),
            },
            bold,
        ),
        Span::styled(
            format!(" ({} gap), newest first", span(text.figures.gap)),
            dim,
        ),
    ]));
    out
}

/// Session `number` (1 is the oldest): when it started, how long it
/// lasted, how many messages it holds.
fn session_line(number: usize, session: &Session, zone: LocalZone) -> Line<'static> {
    let messages = match session.messages {
        1 => "1 message".to_owned(),
        n => format!("{} messages", grouped(n)),
    };
    Line::from(vec![
        Span::styled(format!("#{number} "), Style::default().fg(Color::Gray)),
        Span::raw(format!(
            "{} · {} · {messages}",
            // No weekday: the line fits the panel beside the conversation.
            zone.to_local(session.start).format("%-d %b %Y %H:%M"),
            span(session.length()),
        )),
    ])
}

/// `line` cut to `width` columns, span by span.
fn cut(line: Line<'static>, width: usize) -> Line<'static> {
    let mut left = width;
    let spans = line
        .spans
        .into_iter()
        .map(|s| {
            let text = truncate(&s.content, left);
            left -= crate::wrap::display_width(&text);
            Span::styled(text, s.style)
        })
        .filter(|s| !s.content.is_empty())
        .collect::<Vec<_>>();
    Line::from(spans).style(line.style)
}

#[cfg(test)]
mod tests;
