//! The effect runner: carries out what screens ask for. Fetch requests go
//! to the asking screen's own fetch task, store requests to the store task
//! (when the archive is on), links and text to the [`Desktop`], a sync of
//! the visitors the archive lacks to a task in the background; a change of
//! screen is handed back to the loop. An effect that fails goes back to the
//! screen that asked, which may ask for more.

use tokio::sync::mpsc;

use crate::archive::task::{StoreEvent, StoreTask};
use crate::clock::Now;
use crate::desktop::{Desktop, LateFailures};
use crate::effect::{Effect, Exit, Failure, Input};
use crate::screens::{EventOf, Screen};
use crate::sync::background::{BackgroundSync, SyncEvent, SyncSource};
use crate::visitor::VisitorId;

/// A change of screen a screen asked for, made once its effects are carried out.
#[derive(Debug, PartialEq, Eq)]
pub enum Switch {
    Open(VisitorId),
    BackToList(Option<String>),
}

/// Carries out screens' effects: everything outside the screens they need
/// (the desktop, the store) and what the loop must do next (clear the
/// terminal, end).
#[derive(Debug)]
pub struct Runner<D> {
    pub(crate) desktop: D,
    /// Where the desktop reports late failures, and where the loop reads them.
    late: LateFailures,
    pub(crate) late_failures: mpsc::UnboundedReceiver<Failure>,
    /// The store task, when the archive is on.
    pub(crate) store: Option<StoreTask>,
    /// `--offline`: the screens read the archive and fetch nothing.
    pub(crate) offline: bool,
    /// What a sync of the visitors the archive lacks needs, when the
    /// archive is on and szchat online.
    pub(crate) sync_source: Option<SyncSource>,
    /// The sync under way in the background, if any.
    pub(crate) syncing: Option<BackgroundSync>,
    /// Why the app ends, when a screen's effect said so.
    pub(crate) exit: Option<Exit>,
    /// Set by Ctrl-L and after a suspension: the next draw starts from a
    /// blank terminal.
    pub(crate) clear_screen: bool,
}

impl<D: Desktop> Runner<D> {
    /// A runner handing links and text to `desktop`, with no store.
    pub fn new(desktop: D) -> Self {
        let (late, late_failures) = LateFailures::channel();
        Self {
            desktop,
            late,
            late_failures,
            store: None,
            offline: false,
            sync_source: None,
            syncing: None,
            exit: None,
            clear_screen: false,
        }
    }

    /// The same runner, sending store requests to `store`.
    #[must_use]
    pub fn with_store(mut self, store: StoreTask) -> Self {
        self.store = Some(store);
        self
    }

    /// Gives `input` to `screen`, with the time it came, and carries out
    /// what it asks.
    pub fn step<S: Screen>(
        &mut self,
        screen: &mut S,
        input: Input<EventOf<S::Request>>,
    ) -> Option<Switch> {
        let effects = screen.handle(input, Now::read());
        self.carry_out(screen, effects)
    }

    /// Carries out `screen`'s `effects`; each failure goes back to it,
    /// which may ask for more. Nothing here waits on the network or the
    /// disk. A change of screen is returned, not made: the first one asked.
    pub fn carry_out<S: Screen>(
        &mut self,
        screen: &mut S,
        mut effects: Vec<Effect<S::Request>>,
    ) -> Option<Switch> {
        let mut switch = None;
        while !effects.is_empty() {
            let mut failures = Vec::new();
            for effect in effects {
                match self.carry_out_one(screen, effect) {
                    Ok(None) => {}
                    Ok(Some(next)) => {
                        switch.get_or_insert(next);
                    }
                    Err(failure) => failures.push(failure),
                }
            }
            effects = failures
                .into_iter()
                .flat_map(|failure| screen.failed(failure))
                .collect();
        }
        switch
    }

    /// The store's next answer, as the loop waits for it: `None` once the
    /// store task has ended; forever pending without a store.
    pub async fn next_stored(&mut self) -> Option<StoreEvent> {
        next_stored(&mut self.store).await
    }

    /// Stops the sync under way, if any, once what it fetched is written.
    pub async fn stop_sync(&mut self) {
        if let Some(sync) = self.syncing.take() {
            sync.stop().await;
        }
    }

    fn carry_out_one<S: Screen>(
        &mut self,
        screen: &S,
        effect: Effect<S::Request>,
    ) -> Result<Option<Switch>, Failure> {
        match effect {
            Effect::Fetch(request) => screen.channel().send(request)?,
            Effect::Store(request) => {
                let sent = self.store.as_ref().is_some_and(|store| store.send(request));
                if !sent {
                    return Err(Failure::NoStore);
                }
            }
            Effect::Open(url) => self
                .desktop
                .open(&url, &self.late)
                .map_err(|error| Failure::Open(error.to_string()))?,
            Effect::Copy(text) => self
                .desktop
                .copy(&text)
                .map_err(|error| Failure::Copy(error.to_string()))?,
            Effect::ClearScreen => self.clear_screen = true,
            Effect::Suspend => {
                let suspended = self.desktop.suspend();
                // Whatever the shell did meanwhile, the screen is unknown now.
                self.clear_screen = true;
                suspended.map_err(|error| Failure::Suspend(error.to_string()))?;
            }
            Effect::SyncLacking => match &self.sync_source {
                // One at a time: the screen asks only when none runs.
                Some(_) if self.syncing.is_some() => {}
                Some(source) => self.syncing = Some(source.start()),
                None => return Err(Failure::NoStore),
            },
            Effect::OpenVisitor(user_id) => return Ok(Some(Switch::Open(user_id))),
            Effect::BackToList(notice) => return Ok(Some(Switch::BackToList(notice))),
            Effect::Quit => {
                self.exit.get_or_insert(Exit::Quit);
            }
            Effect::Fatal(reason) => {
                self.exit.get_or_insert(Exit::Fatal(reason));
            }
        }
        Ok(None)
    }
}

/// The store's next answer; `None` once its task has ended (then there is
/// no store any more). Waits forever without a store.
pub(crate) async fn next_stored(store: &mut Option<StoreTask>) -> Option<StoreEvent> {
    let event = match store {
        Some(task) => task.events.recv().await,
        None => std::future::pending().await,
    };
    if event.is_none() {
        *store = None;
    }
    event
}

/// The background sync's next news; forever pending while none runs. A
/// sync that ended and said all is dropped.
pub(crate) async fn next_synced(syncing: &mut Option<BackgroundSync>) -> SyncEvent {
    if let Some(sync) = syncing {
        if let Some(event) = sync.next().await {
            return event;
        }
        *syncing = None;
    }
    std::future::pending().await
}
