//! Pictures previewed under their messages. Each picture attachment that
//! comes on screen is fetched once through a fresh link and decoded on the
//! fetch side; what came (the picture, or why there is none) is kept per
//! message for the session. The layout keeps [`PREVIEW_ROWS`] rows under
//! each picture whatever its state, so nothing moves when it arrives.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use image::DynamicImage;
use ratatui::layout::Size;
use ratatui_image::protocol::Protocol;

use super::{AppState, Effect, Overlay};
use crate::attachment::preview::{NoPreview, Preview};
use crate::fetch::FetchRequest;
use crate::images::Graphics;
use crate::model::MessageId;

/// Rows a preview takes under its message.
pub const PREVIEW_ROWS: usize = 6;
/// Decoded pictures kept at once (each at most 800 × 800 pixels); the
/// oldest is fetched again if it comes back on screen.
const MAX_KEPT: usize = 48;
/// Pictures drawn at one size kept at once (a few screens' worth).
const MAX_DRAWN: usize = 64;

/// What there is to show of one message's preview.
#[derive(Clone, Debug, PartialEq)]
pub enum PreviewState {
    Loading,
    Ready(Arc<Preview>),
    /// Why there is none, as the preview row says it.
    Refused(String),
}

/// A picture drawn at one size, in the terminal's protocol.
#[derive(Clone)]
pub struct Picture(pub Rc<Protocol>);

impl std::fmt::Debug for Picture {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Picture({:?})", self.0.size())
    }
}

/// The previews of one conversation.
#[derive(Debug, Default)]
pub(super) struct Previews {
    /// What they are drawn with; `None`: no previews.
    graphics: Option<Graphics>,
    states: HashMap<MessageId, PreviewState>,
    /// The decoded ones, oldest first.
    kept: VecDeque<MessageId>,
    /// Pictures drawn at a size, made at the first draw that needs them.
    drawn: RefCell<HashMap<(MessageId, u16, u16), Picture>>,
}

impl Previews {
    pub(super) fn new(graphics: Option<Graphics>) -> Self {
        Self {
            graphics,
            ..Self::default()
        }
    }

    /// True when pictures are previewed.
    pub(super) fn on(&self) -> bool {
        self.graphics.is_some()
    }

    /// Keeps what came for message `id`.
    fn arrived(&mut self, id: MessageId, result: Result<Arc<Preview>, NoPreview>) {
        let state = match result {
            Ok(preview) => {
                self.kept.push_back(id);
                if self.kept.len() > MAX_KEPT
                    && let Some(oldest) = self.kept.pop_front()
                {
                    self.states.remove(&oldest);
                    self.drawn
                        .borrow_mut()
                        .retain(|(drawn, ..), _| *drawn != oldest);
                }
                PreviewState::Ready(preview)
            }
            Err(refused) => PreviewState::Refused(refused.to_string()),
        };
        self.states.insert(id, state);
    }
}

/// Previews, as the app state asks for them and the view reads them.
impl AppState {
    /// What there is to show of message `id`'s preview, once asked for.
    pub fn preview(&self, id: MessageId) -> Option<&PreviewState> {
        self.previews.states.get(&id)
    }

    /// Message `id`'s picture drawn to fit `room` cells, if it has arrived.
    pub fn picture(&self, id: MessageId, room: Size) -> Option<Picture> {
        let graphics = self.previews.graphics.as_ref()?;
        let Some(PreviewState::Ready(preview)) = self.previews.states.get(&id) else {
            return None;
        };
        let key = (id, room.width, room.height);
        let mut drawn = self.previews.drawn.borrow_mut();
        if let Some(picture) = drawn.get(&key) {
            return Some(picture.clone());
        }
        if drawn.len() >= MAX_DRAWN {
            drawn.clear();
        }
        let image = DynamicImage::ImageRgba8(preview.thumbnail.clone());
        let picture = Picture(Rc::new(graphics.picture(image, room)?));
        drawn.insert(key, picture.clone());
        Some(picture)
    }

    /// Asks for the preview of each picture on screen not asked for yet.
    pub(super) fn request_previews(&mut self) -> Vec<Effect> {
        if !self.previews.on() {
            return Vec::new();
        }
        let mut effects = Vec::new();
        for (id, _) in self.visible_messages() {
            let wanted = self
                .conversation
                .get(id)
                .is_some_and(|message| self.viewport.layout().preview_rows(message) > 0);
            if wanted && !self.previews.states.contains_key(&id) {
                self.previews.states.insert(id, PreviewState::Loading);
                effects.push(Effect::Fetch(FetchRequest::Preview(id)));
            }
        }
        effects
    }

    /// A preview came from the fetch task.
    pub(super) fn previewed(&mut self, id: MessageId, result: Result<Arc<Preview>, NoPreview>) {
        self.previews.arrived(id, result);
        self.dirty = true;
    }

    /// True when Enter or `i` would show the selected message's picture larger.
    pub(super) fn picture_selected(&self) -> bool {
        self.overlays.top().is_none()
            && self.viewport.selected().is_some_and(|id| {
                matches!(self.previews.states.get(&id), Some(PreviewState::Ready(_)))
            })
    }

    /// Shows the selected message's picture over the conversation.
    pub(super) fn show_picture(&mut self) {
        if let Some(id) = self.viewport.selected() {
            self.open_overlay(Overlay::Picture(id));
        }
    }
}
