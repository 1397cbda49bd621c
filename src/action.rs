//! What the reader asked for: terminal input turned into plain values that
//! the state can take without a terminal.

/// Rows one mouse-wheel notch scrolls.
pub const WHEEL_ROWS: usize = 3;

/// One thing the reader asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    SelectNext,
    SelectPrevious,
    PageDown,
    PageUp,
    HalfPageDown,
    HalfPageUp,
    /// Scrolls the view without moving past the selection's edge of the screen.
    ScrollDown(usize),
    ScrollUp(usize),
    /// Go to the very first message, loading every older page.
    Oldest,
    Newest,
    /// Opens the prompt that jumps to a date or a message id.
    Jump,
    /// Opens the prompt that searches the whole transcript.
    Search,
    /// The next match older than the selection.
    OlderMatch,
    /// The next match newer than the selection.
    NewerMatch,
    /// The first message of the previous day that has messages.
    PreviousDay,
    /// The first message of the next day that has messages.
    NextDay,
    OpenAttachment,
    CopyLink,
    /// Saves the selected message's attachment to a file (asks where).
    SaveAttachment,
    /// Sends the selected message's text to the clipboard.
    CopyText,
    /// Shows every field of the selected message, and its JSON.
    ShowDetail,
    Retry,
    /// Reads this visitor again from scratch, replacing what the archive
    /// holds of them once the history is complete.
    Reread,
    /// Starts or stops following the conversation live.
    ToggleFollow,
    /// Shows or hides who the visitor is.
    ToggleProfile,
    /// Shows or hides the conversation's figures and sessions.
    ToggleFigures,
    /// Paints the whole screen again, whatever the terminal shows now.
    Redraw,
    /// Hands the terminal back to the shell until `fg`.
    Suspend,
    ToggleHelp,
    /// Opens the menu of which messages the conversation shows.
    ToggleFilter,
    /// Shows the last error in full.
    ShowError,
    /// Closes an overlay; without one, dismisses the error.
    Close,
    /// Back to the visitor list, in a conversation opened from it.
    BackToList,
    Quit,
}

/// What the reader asked of the picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerAction {
    Next,
    Previous,
    PageDown,
    PageUp,
    /// Opens the selected visitor's conversation.
    Open,
    /// Adds a character to the filter.
    Type(char),
    /// Takes the filter's last character away.
    Erase,
    /// Empties the filter.
    ClearFilter,
    /// Empties the filter if there is one; otherwise quits (from the
    /// message search: back to the filter).
    Escape,
    /// Switches between "Find a visitor:" and "Search all messages:".
    SwitchPrompt,
    /// Only the visitors waiting for an answer, longest wait first; again,
    /// everyone. A letter once something is typed.
    OnlyWaiting,
    /// Asks again for the page that failed.
    Retry,
    /// Shows the keys; any key closes them.
    Help,
    Redraw,
    Suspend,
    Quit,
}
