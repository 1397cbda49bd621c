//! What the conversation view shows: the window's size, the scroll anchor
//! (the first item on screen and how many of its rows are scrolled off the
//! top), the selected message, and which end of the conversation the view
//! follows. It knows the messages only through the conversation it is handed.

use std::cell::{RefCell, RefMut};

use chrono::TimeDelta;
use ratatui::layout::Rect;

use crate::conversation::Conversation;
use crate::model::MessageId;
use crate::text::layout::{self, Item, LayoutCache};
use crate::timefmt::LocalZone;

/// Older pages are fetched once fewer than this many messages are above the view.
pub const PREFETCH_MESSAGES: usize = 30;

/// Below this many rows the view shows no sticky day line: it would take
/// too much of what little there is.
pub(super) const STICKY_DAY_MIN_ROWS: usize = 4;

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

/// The scroll position, the selection and the size of the conversation view.
#[derive(Debug)]
pub struct Viewport {
    /// Laid-out messages at the view's width. Drawing lays out what comes on
    /// screen through a shared borrow, hence the cell; a cache, not state.
    layout: RefCell<LayoutCache>,
    /// Rows the conversation view has on screen.
    height: usize,
    top: Item,
    skip: usize,
    /// Set by the first resize after the reader or the network last moved the
    /// view; every resize until then starts over from it.
    resize_origin: Option<ViewOrigin>,
    selected: Option<MessageId>,
    follow: Follow,
}

impl Viewport {
    /// A view of `width` x `height` cells following the newest message,
    /// with a session line after each pause of `session_gap`.
    pub(super) fn new(width: u16, height: u16, zone: LocalZone, session_gap: TimeDelta) -> Self {
        let mut layout = LayoutCache::new(width, zone);
        layout.set_session_gap(session_gap);
        Self {
            layout: RefCell::new(layout),
            height: usize::from(height),
            top: Item::Marker,
            skip: 0,
            resize_origin: None,
            selected: None,
            follow: Follow::Newest,
        }
    }

    /// The first item on screen and the rows of it scrolled off the top.
    pub fn scroll_position(&self) -> (Item, usize) {
        (self.top, self.skip)
    }

    /// The selected message.
    pub fn selected(&self) -> Option<MessageId> {
        self.selected
    }

    /// The view's width and height, in cells.
    pub fn size(&self) -> (u16, u16) {
        let height = u16::try_from(self.height).unwrap_or(u16::MAX);
        (self.layout.borrow().width(), height)
    }

    /// The conversation's part of the screen, at the origin.
    pub fn area(&self) -> Rect {
        let height = u16::try_from(self.height).unwrap_or(u16::MAX);
        Rect::new(0, 0, self.layout.borrow().width(), height)
    }

    /// The time zone timestamps are shown in.
    pub fn zone(&self) -> LocalZone {
        *self.layout.borrow().zone()
    }

    /// How long without a message starts a new session.
    pub fn session_gap(&self) -> TimeDelta {
        self.layout.borrow().session_gap()
    }

    /// The day to show on the top row, over whatever is there, when the
    /// separator of the day at the top has scrolled off: the reader always
    /// sees which day they are reading.
    pub fn sticky_day(&self, conversation: &Conversation) -> Option<String> {
        sticky_day(
            &mut self.layout.borrow_mut(),
            conversation,
            self.top,
            self.skip,
            self.height,
        )
    }

    /// True if the sticky day line hides the top row.
    fn top_row_covered(&self, conversation: &Conversation) -> bool {
        self.sticky_day(conversation).is_some()
    }

    /// If the sticky day line would hide the first row of the item at the
    /// top, scrolls one row up: the row above is the previous item's blank
    /// spacing line, so the line then hides nothing.
    fn uncover_top(&mut self, conversation: &Conversation) {
        if self.top_row_covered(conversation) {
            self.scroll_up_rows(conversation, 1);
        }
    }

    /// The laid-out messages, for the view to draw from.
    pub fn layout(&self) -> RefMut<'_, LayoutCache> {
        self.layout.borrow_mut()
    }

    /// True while the view is on its way to the oldest message.
    pub(super) fn follows_oldest(&self) -> bool {
        self.follow == Follow::Oldest
    }

    /// True when the view keeps to the newest message, or the reader's
    /// selection is on it (or there is none): only then do new arrivals
    /// take the selection along.
    pub(super) fn selection_at_newest(&self, conversation: &Conversation) -> bool {
        self.follow == Follow::Newest
            || self.selected.is_none()
            || self.selected == conversation.last().map(|m| m.id)
    }

    /// True when few enough messages are above the view that older ones
    /// should be fetched now.
    pub(super) fn near_top(&self, conversation: &Conversation) -> bool {
        match self.top {
            Item::Marker => true,
            Item::Message(id) => {
                conversation.count_before(id, PREFETCH_MESSAGES) < PREFETCH_MESSAGES
            }
        }
    }

    /// The reader or the network moved the view: the next resize starts from here.
    pub(super) fn keep_place(&mut self) {
        self.resize_origin = None;
    }

    /// The view now has `width` x `height` cells. The message at the top
    /// stays at the top, unless the view follows an end or the selected
    /// message would leave the screen. Each resize starts from the view as
    /// the reader left it, so going back to that size restores it. Returns
    /// false if the size did not change.
    pub(super) fn resize(&mut self, conversation: &Conversation, width: u16, height: u16) -> bool {
        let height = usize::from(height);
        let layout = self.layout.get_mut();
        if width == layout.width() && height == self.height {
            return false;
        }
        let origin = *self.resize_origin.get_or_insert(ViewOrigin {
            width: layout.width(),
            height: self.height,
            top: self.top,
            skip: self.skip,
        });
        layout.set_width(width);
        self.height = height;
        self.top = origin.top;
        self.skip = origin
            .skip
            .min(self.item_height(conversation, self.top).saturating_sub(1));
        self.settle(conversation);
        let back_at_origin = width == origin.width && height == origin.height;
        if self.follow == Follow::Nothing
            && !back_at_origin
            && let Some(id) = self.selected
        {
            self.ensure_visible(conversation, id);
        }
        true
    }

    /// A message's content changed: lay it out again when it is next drawn.
    pub(super) fn forget(&mut self, id: MessageId) {
        self.layout.get_mut().forget(id);
    }

    /// A page arrived. If the view showed the marker line above
    /// `first_before` (the oldest message until then), keep what the reader
    /// sees in place, then settle.
    pub(super) fn page_arrived(
        &mut self,
        conversation: &Conversation,
        first_before: Option<MessageId>,
    ) {
        if self.top == Item::Marker
            && let Some(first) = first_before
            && self.follow != Follow::Oldest
        {
            self.top = Item::Message(first);
            self.skip = 0;
            self.scroll_up_rows(conversation, layout::MARKER_ROWS);
        }
        // A message read again may now be of a kind the filter hides.
        self.keep_selection_shown(conversation);
        self.settle(conversation);
    }

    /// The conversation's filter changed: a hidden selection moves to the
    /// nearest kept message, a hidden top to the next kept one, and the
    /// view settles around them.
    pub(super) fn refilter(&mut self, conversation: &Conversation) {
        self.resize_origin = None;
        self.keep_selection_shown(conversation);
        if let Item::Message(top) = self.top
            && !conversation.shows(top)
        {
            self.top = conversation
                .next(top)
                .or_else(|| conversation.last())
                .map_or(Item::Marker, |m| Item::Message(m.id));
            self.skip = 0;
        }
        // A day line may have come or gone above the top message.
        self.skip = self
            .skip
            .min(self.item_height(conversation, self.top).saturating_sub(1));
        self.settle(conversation);
        if self.follow == Follow::Nothing
            && let Some(id) = self.selected
        {
            self.ensure_visible(conversation, id);
        }
    }

    /// The selection on a message the filter hides (or none while some are
    /// shown) moves to the nearest one shown.
    fn keep_selection_shown(&mut self, conversation: &Conversation) {
        if let Some(id) = self.selected
            && !conversation.shows(id)
        {
            self.selected = conversation.nearest_shown(id).map(|m| m.id);
        }
    }

    /// Follows the newest message from now on.
    pub(super) fn follow_newest(&mut self, conversation: &Conversation) {
        self.follow = Follow::Newest;
        self.settle(conversation);
    }

    /// Follows the oldest message from now on, as older pages arrive.
    pub(super) fn follow_oldest(&mut self, conversation: &Conversation) {
        self.follow = Follow::Oldest;
        self.settle(conversation);
    }

    /// Stops going to the oldest message (`Esc` after `g`): the view stays
    /// where it is. True if it was going there.
    pub(super) fn stop_following_oldest(&mut self) -> bool {
        let was = self.follow == Follow::Oldest;
        if was {
            self.follow = Follow::Nothing;
        }
        was
    }

    /// Selects message `id` and shows it at the top of the view, its day
    /// line with it (else its header just below the sticky day line), as
    /// far as the end of the conversation allows.
    pub(super) fn jump_to(&mut self, conversation: &Conversation, id: MessageId) {
        self.follow = Follow::Nothing;
        self.selected = Some(id);
        self.top = Item::Message(id);
        self.skip = 0;
        // Its header is who sent it: never under the sticky day line.
        self.uncover_top(conversation);
        self.clamp_to_bottom(conversation);
    }

    /// Rows a page key moves: a screen, less one row kept for context.
    pub(super) fn page_rows(&self) -> usize {
        self.height.saturating_sub(1).max(1)
    }

    /// Rows a half-page key moves.
    pub(super) fn half_page_rows(&self) -> usize {
        (self.height / 2).max(1)
    }

    fn item_height(&mut self, conversation: &Conversation, item: Item) -> usize {
        self.layout.get_mut().height(conversation, item)
    }

    /// Moves the selection one message; the view follows it.
    pub(super) fn select_step(&mut self, conversation: &Conversation, forward: bool) {
        self.follow = Follow::Nothing;
        let next = match self.selected {
            None => conversation.last(),
            Some(id) if forward => conversation.next(id),
            Some(id) => conversation.previous(id),
        }
        .map(|m| m.id);
        match next {
            Some(id) => {
                self.selected = Some(id);
                self.ensure_visible(conversation, id);
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
    pub(super) fn scroll(&mut self, conversation: &Conversation, rows: usize, down: bool) {
        self.follow = Follow::Nothing;
        if down {
            self.scroll_down_rows(conversation, rows);
        } else {
            self.scroll_up_rows(conversation, rows);
        }
        self.keep_selection_on_screen(conversation, down);
    }

    fn scroll_up_rows(&mut self, conversation: &Conversation, mut rows: usize) {
        loop {
            if rows <= self.skip {
                self.skip -= rows;
                return;
            }
            rows -= self.skip;
            match layout::previous_item(conversation, self.top) {
                Some(previous) => {
                    self.top = previous;
                    self.skip = self.item_height(conversation, previous);
                }
                None => {
                    self.skip = 0;
                    return;
                }
            }
        }
    }

    fn scroll_down_rows(&mut self, conversation: &Conversation, mut rows: usize) {
        loop {
            let height = self.item_height(conversation, self.top);
            if self.skip + rows < height {
                self.skip += rows;
                break;
            }
            rows -= height - self.skip;
            match layout::next_item(conversation, self.top) {
                Some(next) => {
                    self.top = next;
                    self.skip = 0;
                }
                None => break,
            }
        }
        self.clamp_to_bottom(conversation);
    }

    /// Rows from the top of the screen to the end of the column, counting no
    /// further than `limit`.
    fn rows_below_top(&mut self, conversation: &Conversation, limit: usize) -> usize {
        let mut rows = self
            .item_height(conversation, self.top)
            .saturating_sub(self.skip);
        let mut item = self.top;
        while rows < limit {
            match layout::next_item(conversation, item) {
                Some(next) => {
                    item = next;
                    rows += self.item_height(conversation, next);
                }
                None => break,
            }
        }
        rows
    }

    /// No blank rows under the last message while there is more above.
    fn clamp_to_bottom(&mut self, conversation: &Conversation) {
        if self.rows_below_top(conversation, self.height) < self.height {
            self.scroll_to_bottom(conversation);
        }
    }

    /// Puts the end of the column at the bottom of the screen.
    fn scroll_to_bottom(&mut self, conversation: &Conversation) {
        let last = layout::last_item(conversation);
        self.show_item_at_bottom(conversation, last);
    }

    /// Scrolls so `item` ends on the last row (or starts on the first, if it
    /// is taller than the screen).
    fn show_item_at_bottom(&mut self, conversation: &Conversation, item: Item) {
        let mut rows = self.item_height(conversation, item);
        let mut top = item;
        while rows < self.height {
            match layout::previous_item(conversation, top) {
                Some(previous) => {
                    top = previous;
                    rows += self.item_height(conversation, previous);
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

    /// Scrolls the least needed to show the whole of message `id`.
    fn ensure_visible(&mut self, conversation: &Conversation, id: MessageId) {
        let item = Item::Message(id);
        let head_covered = item == self.top && self.skip == 0 && self.top_row_covered(conversation);
        if is_before(conversation, item, self.top)
            || (item == self.top && self.skip > 0)
            || head_covered
        {
            self.top = item;
            self.skip = 0;
            self.uncover_top(conversation);
            return;
        }
        let (top, skip) = (self.top, self.skip);
        self.show_item_at_bottom(conversation, item);
        // Already fully on screen: the current position shows more above it.
        if is_before(conversation, self.top, top) || (self.top == top && self.skip <= skip) {
            self.top = top;
            self.skip = skip;
        } else if self.top == item && self.skip == 0 {
            // Taller than the screen: its head matters more than its last row.
            self.uncover_top(conversation);
        }
    }

    /// The messages on screen, top to bottom, each with whether all of it
    /// shows. A row under the sticky day line does not show.
    pub fn visible_messages(&self, conversation: &Conversation) -> Vec<(MessageId, bool)> {
        let first_shown = usize::from(self.top_row_covered(conversation));
        let mut layout = self.layout.borrow_mut();
        let mut visible = Vec::new();
        let mut row = 0;
        let mut item = Some(self.top);
        let mut skip = self.skip;
        while let Some(current) = item {
            if row >= self.height {
                break;
            }
            let height = layout.height(conversation, current);
            let end = row + height - skip.min(height);
            if let Item::Message(id) = current
                && end > first_shown
            {
                let whole = skip == 0 && row >= first_shown && end <= self.height;
                visible.push((id, whole));
            }
            row = end;
            skip = 0;
            item = layout::next_item(conversation, current);
        }
        visible
    }

    /// After scrolling, moves the selection onto the screen if it left it: to
    /// the edge the reader scrolled towards.
    fn keep_selection_on_screen(&mut self, conversation: &Conversation, down: bool) {
        let visible = self.visible_messages(conversation);
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
    pub(super) fn settle(&mut self, conversation: &Conversation) {
        match self.follow {
            Follow::Newest => {
                self.selected = conversation.last().map(|m| m.id);
                self.scroll_to_bottom(conversation);
            }
            Follow::Oldest => {
                self.selected = conversation.first().map(|m| m.id);
                self.top = Item::Marker;
                self.skip = 0;
            }
            Follow::Nothing => self.clamp_to_bottom(conversation),
        }
    }
}

/// The sticky day line for a view of `height` rows whose top row is row
/// `skip` of `top`: the day of the first message with text on screen, unless
/// its own day separator shows (or there is no day to tell).
fn sticky_day(
    layout: &mut LayoutCache,
    conversation: &Conversation,
    mut top: Item,
    mut skip: usize,
    height: usize,
) -> Option<String> {
    if height < STICKY_DAY_MIN_ROWS {
        return None;
    }
    // Only the blank last row of an item shows: what follows is what is read.
    if layout.height(conversation, top) == skip + 1
        && let Some(next) = layout::next_item(conversation, top)
    {
        top = next;
        skip = 0;
    }
    let Item::Message(id) = top else {
        return None;
    };
    let message = conversation.get(id)?;
    let created = message.created_at?;
    if skip == 0 && layout.day_break(conversation, message).is_some() {
        return None;
    }
    Some(layout.zone().day_label(created))
}

/// True if `a` comes before `b` in the column.
fn is_before(conversation: &Conversation, a: Item, b: Item) -> bool {
    match (a, b) {
        (Item::Marker, Item::Message(_)) => true,
        (Item::Message(a), Item::Message(b)) => conversation.key(a) < conversation.key(b),
        _ => false,
    }
}
