//! Which screen is active, and the ways between them: the picker opens a
//! conversation, a conversation goes back to the list (or opens it, when
//! it was opened by id). The loop feeds the active screen through here;
//! what a screen asks is carried out by the [`Runner`], and a change of
//! screen it asked for is made here once its effects are.
//!
//! A new screen is a module in [`crate::screens`] with its `impl Screen`,
//! a variant of [`Active`] (with its two arms in `with_active!`) and,
//! when its fetch answers must land while it is hidden, a variant of
//! [`Answer`].

use std::convert::Infallible;

use ratatui::layout::Size;

use crate::desktop::Desktop;
use crate::effect::{Exit, Input};
use crate::fetch::{FetchEvent, UsersEvent};
use crate::runner::{Runner, Switch};
use crate::screens::{AppConfig, ConversationScreen, PickerScreen, Screen, fetched};
use crate::state::AppState;
use crate::sync::background::SyncEvent;
use crate::timefmt::LocalZone;
use crate::visitor::VisitorId;

/// Which screen has the keys.
#[derive(Debug)]
pub enum Active {
    /// The visitor list ([`Screens::picker`]).
    Picker,
    /// One visitor's conversation.
    Conversation(Box<ConversationScreen>),
}

/// The active screen, and the picker, which lives as long as the app so its
/// filter and selection wait while a conversation is open.
#[derive(Debug)]
pub struct Screens {
    pub active: Active,
    pub picker: Option<PickerScreen>,
    /// How screens opened later are made (none for a test's app made of a
    /// state and channels).
    maker: Option<AppConfig>,
    /// The terminal's size, for conversations opened later.
    size: Size,
    /// Set when the active screen changed: the next draw happens whatever
    /// the screen says.
    switched: bool,
}

/// Runs `$body` with `$s` bound to the active screen, whatever its type;
/// `None` when the picker is active but missing. `&mut` or `&` before the
/// [`Screens`] says how it is borrowed.
macro_rules! with_active {
    (&mut $screens:expr, $s:ident => $body:expr) => {
        match &mut $screens.active {
            $crate::navigation::Active::Conversation(screen) => {
                let $s = &mut **screen;
                Some($body)
            }
            $crate::navigation::Active::Picker => match $screens.picker.as_mut() {
                Some($s) => Some($body),
                None => None,
            },
        }
    };
    (& $screens:expr, $s:ident => $body:expr) => {
        match &$screens.active {
            $crate::navigation::Active::Conversation(screen) => {
                let $s = &**screen;
                Some($body)
            }
            $crate::navigation::Active::Picker => match $screens.picker.as_ref() {
                Some($s) => Some($body),
                None => None,
            },
        }
    };
}
pub(crate) use with_active;

/// A fetch answer, and the screen it is for.
#[derive(Debug)]
pub enum Answer {
    /// For the open conversation; `None` when its fetch task ended.
    Conversation(Option<FetchEvent>),
    /// For the picker, shown or not; `None` when its fetch task ended.
    Picker(Option<UsersEvent>),
}

impl Screens {
    /// The next answer from any screen's fetch task; waits forever when no
    /// screen waits for one.
    pub async fn next_answer(&mut self) -> Answer {
        let (active, picker) = (&mut self.active, &mut self.picker);
        let conversation = async move {
            match active {
                Active::Conversation(conversation) => conversation.channel.recv().await,
                Active::Picker => std::future::pending().await,
            }
        };
        let picker = async move {
            match picker {
                Some(picker) => picker.channel.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            answer = conversation => Answer::Conversation(answer),
            answer = picker => Answer::Picker(answer),
        }
    }
}

impl Screens {
    /// `active` on a `size` screen; later screens are made from `maker`.
    pub fn new(
        active: Active,
        picker: Option<PickerScreen>,
        maker: Option<AppConfig>,
        size: Size,
    ) -> Self {
        Self {
            active,
            picker,
            maker,
            size,
            switched: true,
        }
    }

    /// True once after the active screen changed: it is drawn whole.
    pub fn take_switched(&mut self) -> bool {
        std::mem::take(&mut self.switched)
    }

    /// The open conversation's state, if a conversation is open.
    pub fn state(&self) -> Option<&AppState> {
        match &self.active {
            Active::Conversation(conversation) => Some(&conversation.state),
            Active::Picker => None,
        }
    }

    /// Why the active screen ends the app, once it does.
    pub fn exit(&self) -> Option<Exit> {
        with_active!(&self, screen => screen.exit()).flatten()
    }

    /// Sends the active screen's first requests.
    pub fn start<D: Desktop>(&mut self, runner: &mut Runner<D>) {
        // Screens read and write the archive when the app has one.
        if runner.store.is_some() {
            match &mut self.active {
                Active::Conversation(conversation) if runner.offline => {
                    conversation.state.go_offline();
                }
                Active::Conversation(conversation) => conversation.state.use_archive(),
                Active::Picker => {
                    if let Some(picker) = &mut self.picker {
                        picker.archive = true;
                        let zone = self.maker.as_ref().map(|maker| maker.settings.zone);
                        picker
                            .state
                            .enable_message_search(zone.unwrap_or(LocalZone::System));
                        picker.state.enable_waiting();
                        if runner.offline {
                            picker.state.go_offline();
                        }
                    }
                }
            }
        }
        let switch = with_active!(&mut self, screen => {
            let effects = screen.start();
            runner.carry_out(screen, effects)
        });
        self.switch(switch.flatten(), runner);
    }

    /// Feeds one input that is no fetch answer to the active screen.
    pub fn handle<D: Desktop>(&mut self, input: Input<Infallible>, runner: &mut Runner<D>) {
        if let Input::Resize { width, height } = input {
            self.size = Size::new(width, height);
        }
        let switch = with_active!(&mut self, screen => runner.step(screen, input.widen()));
        self.switch(switch.flatten(), runner);
    }

    /// A fetch answer, for the screen it is for, whichever is active.
    pub fn answered<D: Desktop>(&mut self, answer: Answer, runner: &mut Runner<D>) {
        let switch = match answer {
            Answer::Conversation(answer) => match &mut self.active {
                Active::Conversation(screen) => runner.step(&mut **screen, fetched(answer)),
                Active::Picker => None,
            },
            Answer::Picker(answer) => self
                .picker
                .as_mut()
                .and_then(|screen| runner.step(screen, fetched(answer))),
        };
        self.switch(switch, runner);
    }

    /// News of the sync in the background, for the visitor list, shown or not.
    pub fn synced<D: Desktop>(&mut self, event: SyncEvent, runner: &mut Runner<D>) {
        let switch = self
            .picker
            .as_mut()
            .and_then(|picker| runner.step(picker, Input::Synced(event)));
        self.switch(switch, runner);
    }

    /// Makes the change of screen a screen asked for.
    fn switch<D: Desktop>(&mut self, switch: Option<Switch>, runner: &mut Runner<D>) {
        match switch {
            None => {}
            Some(Switch::Open(user_id)) => self.open_conversation(user_id, runner),
            // A list already there was left for this conversation.
            Some(Switch::BackToList(notice)) if self.picker.is_some() => {
                self.back_to_picker(notice, runner);
            }
            Some(Switch::BackToList(_)) => self.open_picker(runner),
        }
    }

    /// Opens `user_id`'s conversation from the picker, with a fresh state
    /// and a channel of its own.
    fn open_conversation<D: Desktop>(&mut self, user_id: VisitorId, runner: &mut Runner<D>) {
        let Some(maker) = &self.maker else {
            return;
        };
        let mut conversation = maker.conversation(user_id, self.size, true);
        if let Some(picker) = &mut self.picker {
            // Off screen, the list asks for nothing (what is in flight lands).
            picker.state.hide();
            // Opened from a message search's hit: at that message.
            if let Some(landing) = picker.state.take_landing()
                && landing.visitor == user_id
            {
                conversation.state.land_on(landing.message, &landing.query);
            }
        }
        self.active = Active::Conversation(Box::new(conversation));
        self.switched = true;
        self.start(runner);
    }

    /// Leaves a conversation opened by id for the visitor list, which
    /// starts loading now.
    fn open_picker<D: Desktop>(&mut self, runner: &mut Runner<D>) {
        let Some(maker) = &self.maker else {
            return;
        };
        self.picker = Some(maker.picker());
        self.active = Active::Picker;
        self.switched = true;
        self.start(runner);
    }

    /// Leaves the conversation for the picker, its filter and selection as
    /// they were, with `notice` shown there. The conversation and its
    /// channel are dropped: what is still in flight for it lands nowhere.
    fn back_to_picker<D: Desktop>(&mut self, notice: Option<String>, runner: &mut Runner<D>) {
        self.active = Active::Picker;
        self.switched = true;
        let Some(picker) = &mut self.picker else {
            return;
        };
        if let Some(notice) = notice {
            picker.state.set_notice(notice);
        }
        let effects = picker.state.show();
        let switch = runner.carry_out(picker, effects);
        self.switch(switch, runner);
    }
}
