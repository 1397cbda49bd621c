//! Which messages a reader wants to see: all of them, or without the
//! auto-invitations, or only one side's, or only those that carry a file.
//! One predicate for the conversation's `F` menu and the exports'
//! `--only` and `--no-auto-invitations`, so both leave out the same.

use std::fmt;

use crate::model::{Message, Sender};

/// `--only`: one kind of message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Only {
    Visitor,
    Operator,
    Attachments,
}

impl Only {
    /// The words `--only` takes, in the order they are offered.
    pub const ALL: [Only; 3] = [Only::Visitor, Only::Operator, Only::Attachments];

    /// `--only`'s value; the one line saying what it takes otherwise.
    pub fn parse(text: &str) -> Result<Only, String> {
        Only::ALL
            .into_iter()
            .find(|only| only.word() == text)
            .ok_or_else(|| "--only takes visitor, operator or attachments".to_owned())
    }

    /// The word `--only` takes for it.
    pub fn word(self) -> &'static str {
        match self {
            Only::Visitor => "visitor",
            Only::Operator => "operator",
            Only::Attachments => "attachments",
        }
    }

    fn keeps(self, message: &Message) -> bool {
        match self {
            Only::Visitor => matches!(message.sender, Sender::Visitor { .. }),
            Only::Operator => matches!(message.sender, Sender::Operator { .. }),
            Only::Attachments => message.has_attachment(),
        }
    }
}

/// What is left out; the default leaves out nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub hide_auto_invitations: bool,
    pub only: Option<Only>,
}

impl MessageFilter {
    /// Whether `message` is shown. A placeholder for an unreadable entry is
    /// of no kind: kept unless one kind is asked for.
    pub fn keeps(&self, message: &Message) -> bool {
        if self.hide_auto_invitations && message.auto_invitation {
            return false;
        }
        self.only.is_none_or(|only| only.keeps(message))
    }

    /// True when the filter leaves something out.
    pub fn is_active(&self) -> bool {
        *self != MessageFilter::default()
    }
}

/// In words, for the status bar and the export's summary: "only
/// attachments", "only the visitor's · no auto-invitations"; empty when
/// nothing is left out.
impl fmt::Display for MessageFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let only = self.only.map(|only| match only {
            Only::Visitor => "only the visitor's",
            Only::Operator => "only the operator's",
            Only::Attachments => "only attachments",
        });
        let hidden = self.hide_auto_invitations.then_some("no auto-invitations");
        let words: Vec<&str> = only.into_iter().chain(hidden).collect();
        f.write_str(&words.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::message;

    fn visitor() -> Message {
        message(1).from_visitor().build()
    }

    fn operator() -> Message {
        message(2).from_operator().build()
    }

    fn invitation() -> Message {
        message(3).from_operator().auto_invitation(true).build()
    }

    fn with_file() -> Message {
        message(4)
            .from_visitor()
            .attachment("https://cdn.example/a.png")
            .build()
    }

    fn kept(filter: MessageFilter) -> Vec<u64> {
        [visitor(), operator(), invitation(), with_file()]
            .iter()
            .filter(|message| filter.keeps(message))
            .map(|message| message.id)
            .collect()
    }

    #[test]
    fn each_filter_keeps_what_it_names() {
        assert_eq!(kept(MessageFilter::default()), [1, 2, 3, 4]);
        let hidden = MessageFilter {
            hide_auto_invitations: true,
            only: None,
        };
        assert_eq!(kept(hidden), [1, 2, 4]);
        let only = |only| MessageFilter {
            hide_auto_invitations: false,
            only: Some(only),
        };
        assert_eq!(kept(only(Only::Visitor)), [1, 4]);
        assert_eq!(kept(only(Only::Operator)), [2, 3]);
        assert_eq!(kept(only(Only::Attachments)), [4]);
        let both = MessageFilter {
            hide_auto_invitations: true,
            only: Some(Only::Operator),
        };
        assert_eq!(kept(both), [2]);
    }

    #[test]
    fn only_takes_three_words_and_says_so_otherwise() {
        assert_eq!(Only::parse("attachments"), Ok(Only::Attachments));
        assert_eq!(
            Only::parse("Visitor"),
            Err("--only takes visitor, operator or attachments".to_owned())
        );
    }

    #[test]
    fn the_filter_in_words() {
        let filter = MessageFilter {
            hide_auto_invitations: true,
            only: Some(Only::Visitor),
        };
        assert_eq!(
            filter.to_string(),
            "only the visitor's · no auto-invitations"
        );
        assert_eq!(MessageFilter::default().to_string(), "");
        assert!(!MessageFilter::default().is_active());
    }
}
