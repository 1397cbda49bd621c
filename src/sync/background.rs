//! The TUI's sync of the visitors the archive lacks (`s` in the message
//! search): the engine of `szchat sync`, run in a task of its own with a
//! store connection of its own, telling the loop how far it has come. The
//! loop never waits for it; its writes reach the archive the TUI reads
//! (SQLite in WAL mode lets both connections at the file), and stopping it
//! (the app quits) loses nothing, as with `szchat sync`.

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::{Progress, SYNC_PAGE_SIZE, Summary, SyncConfig, Tally};
use crate::api::client::ApiClient;
use crate::archive::task::{ArchivePlace, StoreTask};
use crate::concurrency::Concurrency;

/// What a sync from the TUI needs: the account's client and archive.
#[derive(Clone, Debug)]
pub struct SyncSource {
    pub client: ApiClient,
    pub place: ArchivePlace,
    pub concurrency: Concurrency,
}

/// What a sync in the background tells the loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncEvent {
    /// The visitors to sync are known: this many.
    Started {
        visitors: u64,
    },
    Progress(Tally),
    /// The sync ended: what it did, or why it could not.
    Done(Result<Summary, String>),
}

/// A sync under way.
#[derive(Debug)]
pub struct BackgroundSync {
    events: mpsc::UnboundedReceiver<SyncEvent>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl SyncSource {
    /// Starts syncing the visitors the archive lacks, on the current runtime.
    pub fn start(&self) -> BackgroundSync {
        let (events, receiver) = mpsc::unbounded_channel();
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(run(self.clone(), events, stopped));
        BackgroundSync {
            events: receiver,
            stop: Some(stop),
            task,
        }
    }
}

impl BackgroundSync {
    /// The next event; `None` once the sync has ended and said all.
    pub async fn next(&mut self) -> Option<SyncEvent> {
        self.events.recv().await
    }

    /// Stops the sync and waits until what it fetched is written.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = self.task.await;
    }
}

async fn run(
    source: SyncSource,
    events: mpsc::UnboundedSender<SyncEvent>,
    stopped: oneshot::Receiver<()>,
) {
    let outcome = sync_lacking(source, &events, stopped).await;
    let _ = events.send(SyncEvent::Done(outcome));
}

/// Opens the archive, asks it which visitors it lacks, and syncs them,
/// each change of the tally sent on as it comes.
async fn sync_lacking(
    source: SyncSource,
    events: &mpsc::UnboundedSender<SyncEvent>,
    stopped: oneshot::Receiver<()>,
) -> Result<Summary, String> {
    let (mut store, _moved_aside) =
        StoreTask::open(source.place.dir.clone(), Some(source.place.account.clone()))
            .await
            .map_err(|error| error.to_string())?;
    let visitors = match store.never_synced().await {
        Ok(visitors) => visitors,
        Err(error) => {
            let _ = store.finish().await;
            return Err(error.to_string());
        }
    };
    let _ = events.send(SyncEvent::Started {
        visitors: visitors.len() as u64,
    });
    if visitors.is_empty() {
        let _ = store.finish().await;
        return Ok(Summary::default());
    }
    let (tallies, mut told) = mpsc::unbounded_channel();
    let config = SyncConfig {
        client: source.client,
        user_ids: visitors,
        page_size: SYNC_PAGE_SIZE,
        concurrency: source.concurrency,
        progress: Progress::Told(tallies),
    };
    let interrupt = async {
        // Dropped unsent (the app ended without a word) stops it too.
        let _ = stopped.await;
    };
    let sync = super::run(config, store, interrupt);
    tokio::pin!(sync);
    loop {
        tokio::select! {
            outcome = &mut sync => return outcome.map_err(|error| error.to_string()),
            Some(tally) = told.recv() => {
                let _ = events.send(SyncEvent::Progress(tally));
            }
        }
    }
}
