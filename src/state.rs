//! Everything the app knows, and every way it changes.
//!
//! Plain data: the loop feeds it reader actions (`update`) and fetch answers
//! (`apply`), and it answers with effects for the loop to carry out. Tests
//! drive it the same way, without a terminal or a network.

use crate::action::Action;
use crate::api::error::ApiError;
use crate::conversation::Conversation;
use crate::fetch::{FetchEvent, FetchRequest, LinkPurpose};
use crate::layout::{self, Item, LayoutCache};
use crate::model::{Message, MessageId, Page};
use crate::open::{self, CheckedUrl};
use crate::paging::{PageRequest, PageSize, Pager};
use crate::timefmt::LocalZone;

/// Older pages are fetched once fewer than this many messages are above the view.
pub const PREFETCH_MESSAGES: usize = 30;

/// Where older pages stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadState {
    /// Nothing in flight; more may be fetched when needed.
    Idle,
    Loading(PageRequest),
    /// The last page request failed; `r` sends it again.
    Failed {
        request: PageRequest,
        reason: String,
    },
}

/// How a status-bar message should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

/// What a status-bar message is about, so the right event can clear it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusTopic {
    /// Loading pages: cleared when a page arrives.
    Paging,
    Other,
}

/// The message in the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub topic: StatusTopic,
    pub text: String,
}

/// Something for the loop to do on the state's behalf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    Fetch(FetchRequest),
    /// Open a checked http(s) link in the browser.
    Open(CheckedUrl),
    /// Put a checked link on the clipboard.
    Copy(CheckedUrl),
}

/// Why the app should stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Quit,
    /// Nothing could be shown: the reason, for the terminal after it is restored.
    Fatal(String),
}

/// Which end of the conversation the view keeps jumping to as pages arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Follow {
    Nothing,
    Newest,
    Oldest,
}

/// The view as the reader left it, before a run of resizes.
#[derive(Clone, Copy, Debug)]
struct ViewOrigin {
    width: u16,
    height: usize,
    top: Item,
    skip: usize,
}

/// The whole app state.
#[derive(Debug)]
pub struct AppState {
    user_id: u64,
    conversation: Conversation,
    pager: Pager,
    load: LoadState,
    layout: LayoutCache,
    /// Rows the conversation view has on screen.
    height: usize,
    /// The first item on screen and how many of its rows are scrolled off the top.
    top: Item,
    skip: usize,
    /// Set by the first resize after the reader or the network last moved the
    /// view; every resize until then starts over from it.
    resize_origin: Option<ViewOrigin>,
    selected: Option<MessageId>,
    follow: Follow,
    help_visible: bool,
    status: Option<Status>,
    pending_link: Option<(MessageId, LinkPurpose)>,
    exit: Option<Exit>,
    dirty: bool,
}

impl AppState {
    /// A state for visitor `user_id`, fetching `page_size` messages a page,
    /// for a conversation view of `width` x `height` cells.
    pub fn new(
        user_id: u64,
        page_size: PageSize,
        zone: LocalZone,
        width: u16,
        height: u16,
    ) -> Self {
        Self {
            user_id,
            conversation: Conversation::new(),
            pager: Pager::new(page_size),
            load: LoadState::Idle,
            layout: LayoutCache::new(width, zone),
            height: usize::from(height),
            top: Item::Marker,
            skip: 0,
            resize_origin: None,
            selected: None,
            follow: Follow::Newest,
            help_visible: false,
            status: None,
            pending_link: None,
            exit: None,
            dirty: true,
        }
    }

    /// The first requests: call once when the loop starts.
    pub fn start(&mut self) -> Vec<Effect> {
        self.request_more().into_iter().collect()
    }

    // ----- what the view reads -----

    /// The visitor whose conversation this is.
    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    /// The loaded messages.
    pub fn conversation(&self) -> &Conversation {
        &self.conversation
    }

    /// How many messages the server says there are, once known.
    pub fn total(&self) -> Option<u64> {
        self.pager.total()
    }

    /// Where older pages stand.
    pub fn load_state(&self) -> &LoadState {
        &self.load
    }

    /// True once the oldest message is loaded.
    pub fn reached_beginning(&self) -> bool {
        self.pager.reached_beginning()
    }

    /// The selected message.
    pub fn selected(&self) -> Option<MessageId> {
        self.selected
    }

    /// The first item on screen and the rows of it scrolled off the top.
    pub fn scroll_position(&self) -> (Item, usize) {
        (self.top, self.skip)
    }

    /// True while the help overlay is shown.
    pub fn help_visible(&self) -> bool {
        self.help_visible
    }

    /// The status-bar message.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// True while a fresh attachment link is being fetched.
    pub fn fetching_link(&self) -> bool {
        self.pending_link.is_some()
    }

    /// Why the app should stop, once it should.
    pub fn exit(&self) -> Option<&Exit> {
        self.exit.as_ref()
    }

    /// The layout cache, for the view to draw from.
    pub fn layout_mut(&mut self) -> (&Conversation, &mut LayoutCache) {
        (&self.conversation, &mut self.layout)
    }

    /// True if something changed since the last call: the loop redraws only then.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    // ----- what changes it -----

    /// The conversation view now has `width` x `height` cells. The message at
    /// the top stays at the top, unless the view follows an end or the
    /// selected message would leave the screen. Each resize starts from the
    /// view as the reader left it, so going back to that size restores it.
    pub fn resize(&mut self, width: u16, height: u16) {
        let height = usize::from(height);
        if width == self.layout.width() && height == self.height {
            return;
        }
        let origin = *self.resize_origin.get_or_insert(ViewOrigin {
            width: self.layout.width(),
            height: self.height,
            top: self.top,
            skip: self.skip,
        });
        self.layout.set_width(width);
        self.height = height;
        self.top = origin.top;
        self.skip = origin
            .skip
            .min(self.item_height(self.top).saturating_sub(1));
        self.settle();
        let back_at_origin = width == origin.width && height == origin.height;
        if self.follow == Follow::Nothing
            && !back_at_origin
            && let Some(id) = self.selected
        {
            self.ensure_visible(id);
        }
        self.dirty = true;
    }

    /// Puts a message in the status bar (used by the loop for effects that failed).
    pub fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.set_status_about(StatusTopic::Other, kind, text);
    }

    fn set_status_about(&mut self, topic: StatusTopic, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            kind,
            topic,
            text: text.into(),
        });
        self.dirty = true;
    }

    /// Takes one reader action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        self.dirty = true;
        self.resize_origin = None;
        if self.help_visible {
            match action {
                Action::ToggleHelp | Action::Close => self.help_visible = false,
                Action::Quit => self.exit = Some(Exit::Quit),
                _ => {}
            }
            return Vec::new();
        }
        let mut effects = Vec::new();
        match action {
            Action::SelectNext => self.select_step(true),
            Action::SelectPrevious => self.select_step(false),
            Action::PageDown => self.scroll(self.page_rows(), true),
            Action::PageUp => self.scroll(self.page_rows(), false),
            Action::HalfPageDown => self.scroll((self.height / 2).max(1), true),
            Action::HalfPageUp => self.scroll((self.height / 2).max(1), false),
            Action::ScrollDown(rows) => self.scroll(rows, true),
            Action::ScrollUp(rows) => self.scroll(rows, false),
            Action::Oldest => {
                self.follow = Follow::Oldest;
                self.pager.read_on();
                self.settle();
            }
            Action::Newest => {
                self.follow = Follow::Newest;
                self.settle();
            }
            Action::OpenAttachment => effects.extend(self.fetch_link(LinkPurpose::Open)),
            Action::CopyLink => effects.extend(self.fetch_link(LinkPurpose::Copy)),
            Action::Retry => effects.extend(self.retry()),
            Action::ToggleHelp => self.help_visible = true,
            Action::Close => {}
            Action::Quit => self.exit = Some(Exit::Quit),
        }
        effects.extend(self.request_more());
        effects
    }

    /// Takes one answer from the fetch task.
    pub fn apply(&mut self, event: FetchEvent) -> Vec<Effect> {
        self.dirty = true;
        self.resize_origin = None;
        match event {
            FetchEvent::Page { request, result } => {
                if self.load != LoadState::Loading(request) {
                    // An answer to a request we no longer wait for.
                    return Vec::new();
                }
                return match result {
                    Ok(page) => self.take_page(request, page),
                    Err(error) => self.page_failed(request, &error),
                };
            }
            FetchEvent::Message {
                id,
                purpose,
                result,
            } => {
                if self.pending_link == Some((id, purpose)) {
                    self.pending_link = None;
                    return self.link_arrived(purpose, result).into_iter().collect();
                }
            }
            FetchEvent::Retrying { request, notice } => {
                let (what, topic) = match request {
                    FetchRequest::Page(_) => ("messages", StatusTopic::Paging),
                    FetchRequest::Message { .. } => ("link", StatusTopic::Other),
                };
                self.set_status_about(
                    topic,
                    StatusKind::Info,
                    format!(
                        "{what}: {}; retrying in {:.1}s (attempt {})",
                        notice.reason,
                        notice.delay.as_secs_f32(),
                        notice.attempt + 1
                    ),
                );
            }
        }
        self.request_more().into_iter().collect()
    }

    // ----- paging -----

    /// Asks for the next page if nothing is in flight and the view needs it:
    /// to show the newest messages, when the reader nears the top, or on the
    /// way to the oldest message.
    fn request_more(&mut self) -> Option<Effect> {
        if self.load != LoadState::Idle || self.exit.is_some() {
            return None;
        }
        let request = self.pager.next_request()?;
        let wanted =
            self.pager.wants_eager_fetch() || self.follow == Follow::Oldest || self.near_top();
        if !wanted {
            return None;
        }
        self.load = LoadState::Loading(request);
        Some(Effect::Fetch(FetchRequest::Page(request)))
    }

    fn near_top(&self) -> bool {
        match self.top {
            Item::Marker => true,
            Item::Message(id) => {
                self.conversation.count_before(id, PREFETCH_MESSAGES) < PREFETCH_MESSAGES
            }
        }
    }

    fn take_page(&mut self, request: PageRequest, page: Page) -> Vec<Effect> {
        self.load = LoadState::Idle;
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.topic == StatusTopic::Paging)
        {
            self.status = None;
        }
        let first_before = self.conversation.first().map(|m| m.id);
        let shown = self.pager.accept(request, page);
        for message in shown {
            self.layout.forget(message.id);
            self.conversation.insert(message);
        }
        if let Some(stop) = self.pager.stopped() {
            let kind = if stop.is_problem() {
                StatusKind::Error
            } else {
                StatusKind::Info
            };
            self.set_status_about(StatusTopic::Paging, kind, stop.to_string());
        }
        // Messages arrived above the marker: keep what the reader sees in place.
        if self.top == Item::Marker
            && let Some(first) = first_before
            && self.follow != Follow::Oldest
        {
            self.top = Item::Message(first);
            self.skip = 0;
            self.scroll_up_rows(layout::MARKER_ROWS);
        }
        self.settle();
        self.request_more().into_iter().collect()
    }

    fn page_failed(&mut self, request: PageRequest, error: &ApiError) -> Vec<Effect> {
        let nothing_shown_yet = self.pager.total().is_none();
        if nothing_shown_yet && error.is_fatal_at_start() {
            let reason = match error {
                ApiError::NotFound => format!("visitor {} not found", self.user_id),
                other => other.to_string(),
            };
            self.exit = Some(Exit::Fatal(reason));
            return Vec::new();
        }
        let reason = error.to_string();
        self.set_status_about(
            StatusTopic::Paging,
            StatusKind::Error,
            format!("r to retry · loading failed: {reason}"),
        );
        self.load = LoadState::Failed { request, reason };
        Vec::new()
    }

    fn retry(&mut self) -> Option<Effect> {
        if let LoadState::Failed { request, .. } = self.load {
            self.load = LoadState::Loading(request);
            self.set_status_about(StatusTopic::Paging, StatusKind::Info, "retrying…");
            return Some(Effect::Fetch(FetchRequest::Page(request)));
        }
        if self.pager.try_again() {
            // `update` sends the request the pager now wants.
            self.set_status_about(StatusTopic::Paging, StatusKind::Info, "trying again…");
            return None;
        }
        self.set_status(StatusKind::Info, "nothing to retry");
        None
    }

    // ----- attachments -----

    fn fetch_link(&mut self, purpose: LinkPurpose) -> Option<Effect> {
        let Some(message) = self.selected.and_then(|id| self.conversation.get(id)) else {
            self.set_status(StatusKind::Info, "no message selected");
            return None;
        };
        if message.file_url.is_none() {
            self.set_status(StatusKind::Info, "this message has no attachment");
            return None;
        }
        let id = message.id;
        self.pending_link = Some((id, purpose));
        // Links expire 20 s after the answer that carried them: get a fresh one.
        self.set_status(StatusKind::Info, "fetching link…");
        Some(Effect::Fetch(FetchRequest::Message { id, purpose }))
    }

    fn link_arrived(
        &mut self,
        purpose: LinkPurpose,
        result: Result<Box<Message>, ApiError>,
    ) -> Option<Effect> {
        let message = match result {
            Ok(message) => message,
            Err(error) => {
                self.set_status(
                    StatusKind::Error,
                    format!("could not fetch the link: {error}"),
                );
                return None;
            }
        };
        let Some(raw) = message.file_url.as_deref() else {
            self.set_status(StatusKind::Error, "the message no longer has an attachment");
            return None;
        };
        match open::check_url(raw) {
            Ok(url) => {
                let text = match purpose {
                    LinkPurpose::Open => {
                        format!("opening {} (link valid for 20 s)", url.file_name())
                    }
                    LinkPurpose::Copy => {
                        format!("link to {} copied (valid for 20 s)", url.file_name())
                    }
                };
                self.set_status(StatusKind::Info, text);
                Some(match purpose {
                    LinkPurpose::Open => Effect::Open(url),
                    LinkPurpose::Copy => Effect::Copy(url),
                })
            }
            Err(refusal) => {
                self.set_status(StatusKind::Error, refusal.to_string());
                None
            }
        }
    }

    // ----- selection and scrolling -----

    fn page_rows(&self) -> usize {
        self.height.saturating_sub(1).max(1)
    }

    fn item_height(&mut self, item: Item) -> usize {
        self.layout.height(&self.conversation, item)
    }

    /// Moves the selection one message; the view follows it.
    fn select_step(&mut self, forward: bool) {
        self.follow = Follow::Nothing;
        let next = match self.selected {
            None => self.conversation.last(),
            Some(id) if forward => self.conversation.next(id),
            Some(id) => self.conversation.previous(id),
        }
        .map(|m| m.id);
        match next {
            Some(id) => {
                self.selected = Some(id);
                self.ensure_visible(id);
            }
            // Past the oldest loaded message: show the marker line above it.
            None if !forward => {
                self.top = Item::Marker;
                self.skip = 0;
            }
            None => {}
        }
    }

    /// Scrolls by `rows`, then keeps the selection on screen.
    fn scroll(&mut self, rows: usize, down: bool) {
        self.follow = Follow::Nothing;
        if down {
            self.scroll_down_rows(rows);
        } else {
            self.scroll_up_rows(rows);
        }
        self.keep_selection_on_screen(down);
    }

    fn scroll_up_rows(&mut self, mut rows: usize) {
        loop {
            if rows <= self.skip {
                self.skip -= rows;
                return;
            }
            rows -= self.skip;
            match layout::previous_item(&self.conversation, self.top) {
                Some(previous) => {
                    self.top = previous;
                    self.skip = self.item_height(previous);
                }
                None => {
                    self.skip = 0;
                    return;
                }
            }
        }
    }

    fn scroll_down_rows(&mut self, mut rows: usize) {
        loop {
            let height = self.item_height(self.top);
            if self.skip + rows < height {
                self.skip += rows;
                break;
            }
            rows -= height - self.skip;
            match layout::next_item(&self.conversation, self.top) {
                Some(next) => {
                    self.top = next;
                    self.skip = 0;
                }
                None => break,
            }
        }
        self.clamp_to_bottom();
    }

    /// Rows from the top of the screen to the end of the column, counting no
    /// further than `limit`.
    fn rows_below_top(&mut self, limit: usize) -> usize {
        let mut rows = self.item_height(self.top).saturating_sub(self.skip);
        let mut item = self.top;
        while rows < limit {
            match layout::next_item(&self.conversation, item) {
                Some(next) => {
                    item = next;
                    rows += self.item_height(next);
                }
                None => break,
            }
        }
        rows
    }

    /// No blank rows under the last message while there is more above.
    fn clamp_to_bottom(&mut self) {
        if self.rows_below_top(self.height) < self.height {
            self.scroll_to_bottom();
        }
    }

    /// Puts the end of the column at the bottom of the screen.
    fn scroll_to_bottom(&mut self) {
        let last = layout::last_item(&self.conversation);
        self.show_item_at_bottom(last);
    }

    /// Scrolls so `item` ends on the last row (or starts on the first, if it
    /// is taller than the screen).
    fn show_item_at_bottom(&mut self, item: Item) {
        let mut rows = self.item_height(item);
        let mut top = item;
        while rows < self.height {
            match layout::previous_item(&self.conversation, top) {
                Some(previous) => {
                    top = previous;
                    rows += self.item_height(previous);
                }
                None => break,
            }
        }
        self.top = top;
        self.skip = if top == item {
            0
        } else {
            rows.saturating_sub(self.height)
        };
    }

    /// True if `a` comes before `b` in the column.
    fn is_before(&self, a: Item, b: Item) -> bool {
        match (a, b) {
            (Item::Marker, Item::Message(_)) => true,
            (Item::Message(a), Item::Message(b)) => {
                self.conversation.key(a) < self.conversation.key(b)
            }
            _ => false,
        }
    }

    /// Scrolls the least needed to show the whole of message `id`.
    fn ensure_visible(&mut self, id: MessageId) {
        let item = Item::Message(id);
        if self.is_before(item, self.top) || (item == self.top && self.skip > 0) {
            self.top = item;
            self.skip = 0;
            return;
        }
        let (top, skip) = (self.top, self.skip);
        self.show_item_at_bottom(item);
        // Already fully on screen: the current position shows more above it.
        if self.is_before(self.top, top) || (self.top == top && self.skip <= skip) {
            self.top = top;
            self.skip = skip;
        }
    }

    /// The messages on screen, top to bottom, each with whether all of it shows.
    pub fn visible_messages(&mut self) -> Vec<(MessageId, bool)> {
        let mut visible = Vec::new();
        let mut row = 0;
        let mut item = Some(self.top);
        let mut skip = self.skip;
        while let Some(current) = item {
            if row >= self.height {
                break;
            }
            let height = self.item_height(current);
            if let Item::Message(id) = current {
                let whole = skip == 0 && row + height <= self.height;
                visible.push((id, whole));
            }
            row += height - skip.min(height);
            skip = 0;
            item = layout::next_item(&self.conversation, current);
        }
        visible
    }

    /// After scrolling, moves the selection onto the screen if it left it: to
    /// the edge the reader scrolled towards.
    fn keep_selection_on_screen(&mut self, down: bool) {
        let visible = self.visible_messages();
        if self
            .selected
            .is_some_and(|id| visible.iter().any(|(v, _)| *v == id))
        {
            return;
        }
        let mut whole = visible.iter().filter(|(_, whole)| *whole);
        let candidate = if down {
            whole.next_back().or(visible.last())
        } else {
            whole.next().or(visible.first())
        };
        if let Some((id, _)) = candidate {
            self.selected = Some(*id);
        }
    }

    /// Re-applies the end the view follows and keeps the screen full.
    fn settle(&mut self) {
        match self.follow {
            Follow::Newest => {
                self.selected = self.conversation.last().map(|m| m.id);
                self.scroll_to_bottom();
            }
            Follow::Oldest => {
                self.selected = self.conversation.first().map(|m| m.id);
                self.top = Item::Marker;
                self.skip = 0;
            }
            Follow::Nothing => self.clamp_to_bottom(),
        }
    }
}
