//! The fetch task: runs the HTTP requests a screen asks for and sends the
//! answers back. It owns no screen's state; the UI loop never awaits it.
//!
//! Each screen speaks its own protocol, a [`Request`] type and its answers:
//! the conversation [`FetchRequest`] / [`FetchEvent`], the visitor list
//! [`UsersRequest`] / [`UsersEvent`]. One task runs either.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::api::client::{ApiClient, RetryNotice};
use crate::api::error::ApiError;
use crate::attachment::fetch;
use crate::attachment::preview::{NoPreview, Preview};
use crate::attachment::save::{self, Progress, SaveError, SaveRequest, Saved};
use crate::model::{Message, MessageId, Page};
use crate::paging::{PageRequest, PageSize};
use crate::visitor::{Visitor, VisitorId, VisitorsPage};

/// How many answers may wait for the UI loop before the fetch side waits.
pub const EVENT_BUFFER: usize = 64;

/// Why a single message is fetched again: its attachment link has expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    Open,
    Copy,
}

/// A page of the visitor list (`GET /external/users`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsersRequest {
    pub offset: u64,
    pub limit: PageSize,
    /// Which start of the picker asked, so an answer to an earlier one is dropped.
    pub generation: u64,
}

/// One look for new messages while following: a page of the list, tagged
/// with the poll it belongs to so a late answer to an old poll is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollRequest {
    pub page: PageRequest,
    /// Which poll this page is part of.
    pub round: u64,
}

/// Work for the fetch task, from a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchRequest {
    Page(PageRequest),
    /// A page read while following, to find messages that arrived.
    Poll(PollRequest),
    /// Who the visitor is: their user object.
    Visitor(VisitorId),
    /// Re-fetch one message for a fresh attachment link.
    Message {
        id: MessageId,
        purpose: LinkPurpose,
    },
    /// Save one message's attachment to a file, through a fresh link.
    Save(SaveRequest),
    /// Decode one message's attachment for a preview, through a fresh link.
    Preview(MessageId),
}

/// An answer from the fetch task, for a conversation.
#[derive(Debug)]
pub enum FetchEvent {
    Page {
        request: PageRequest,
        result: Result<Page, ApiError>,
    },
    Message {
        id: MessageId,
        purpose: LinkPurpose,
        result: Result<Box<Message>, ApiError>,
    },
    /// The answer to a poll, and when it came (for "checked 12:04:31").
    Polled {
        request: PollRequest,
        result: Result<Page, ApiError>,
        checked_at: DateTime<Utc>,
    },
    Visitor {
        id: VisitorId,
        result: Result<Box<Visitor>, ApiError>,
    },
    /// How far a save has come (every [`crate::attachment::save::PROGRESS_STEP`] bytes).
    Saving { id: MessageId, progress: Progress },
    Saved {
        request: SaveRequest,
        result: Result<Saved, SaveError>,
    },
    /// A preview decoded, or why there is none.
    Previewed {
        id: MessageId,
        result: Result<Arc<Preview>, NoPreview>,
    },
    /// A request failed and will be tried again after a pause.
    Retrying {
        request: FetchRequest,
        notice: RetryNotice,
    },
}

/// An answer from the fetch task, for the visitor list.
#[derive(Debug)]
pub enum UsersEvent {
    Page {
        request: UsersRequest,
        result: Result<VisitorsPage, ApiError>,
    },
    /// A request failed and will be tried again after a pause.
    Retrying {
        request: UsersRequest,
        notice: RetryNotice,
    },
}

/// A screen's fetch protocol: a request the fetch task runs, and the
/// answers it sends back.
pub trait Request: Clone + Send + Sync + 'static {
    type Event: Send + 'static;

    /// Runs the request; a retry on the way is told with
    /// [`Request::retrying`] on `events`.
    fn run(
        self,
        client: &ApiClient,
        events: &mpsc::Sender<Self::Event>,
    ) -> impl Future<Output = Self::Event> + Send;

    /// The answer that says this request will be tried again.
    fn retrying(self, notice: RetryNotice) -> Self::Event;
}

/// Starts the fetch task on the current runtime. It ends when the request
/// sender is dropped; answers to a closed event channel are discarded.
pub fn spawn<R: Request>(
    client: ApiClient,
    mut requests: mpsc::UnboundedReceiver<R>,
    events: mpsc::Sender<R::Event>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(request) = requests.recv().await {
            // Each request runs on its own, so a slow page never holds up a link.
            let client = client.clone();
            let events = events.clone();
            tokio::spawn(async move {
                let event = request.run(&client, &events).await;
                // The UI loop has ended if this fails; nothing is left to tell.
                let _ = events.send(event).await;
            });
        }
    })
}

impl Request for FetchRequest {
    type Event = FetchEvent;

    async fn run(self, client: &ApiClient, events: &mpsc::Sender<FetchEvent>) -> FetchEvent {
        let asked = self.clone();
        let on_retry = |notice: RetryNotice| {
            // Best effort: a full channel only costs the "retrying…" hint.
            let _ = events.try_send(asked.clone().retrying(notice));
        };
        match self {
            FetchRequest::Page(page) => {
                let result = client
                    .messages_page(page.offset, page.limit, &on_retry)
                    .await;
                if let Ok(answer) = &result {
                    tracing::debug!(
                        offset = page.offset,
                        limit = page.limit.get(),
                        received = answer.messages.len(),
                        total = answer.total,
                        "page"
                    );
                }
                FetchEvent::Page {
                    request: page,
                    result,
                }
            }
            FetchRequest::Poll(poll) => {
                let result = client
                    .messages_page(poll.page.offset, poll.page.limit, &on_retry)
                    .await;
                FetchEvent::Polled {
                    request: poll,
                    result,
                    // The fetch side reads the clock so the state never does.
                    checked_at: Utc::now(),
                }
            }
            FetchRequest::Visitor(id) => FetchEvent::Visitor {
                id,
                result: client.user(id, &on_retry).await.map(Box::new),
            },
            FetchRequest::Message { id, purpose } => FetchEvent::Message {
                id,
                purpose,
                result: client.message(id, &on_retry).await.map(Box::new),
            },
            FetchRequest::Save(request) => {
                let id = request.id;
                let on_progress = |progress| {
                    // Best effort: a full channel only costs one progress line.
                    let _ = events.try_send(FetchEvent::Saving { id, progress });
                };
                let result = save::save(client, &request, on_progress).await;
                FetchEvent::Saved { request, result }
            }
            FetchRequest::Preview(id) => FetchEvent::Previewed {
                id,
                result: fetch::preview(client, id).await.map(Arc::new),
            },
        }
    }

    fn retrying(self, notice: RetryNotice) -> FetchEvent {
        FetchEvent::Retrying {
            request: self,
            notice,
        }
    }
}

impl Request for UsersRequest {
    type Event = UsersEvent;

    async fn run(self, client: &ApiClient, events: &mpsc::Sender<UsersEvent>) -> UsersEvent {
        let on_retry = |notice: RetryNotice| {
            let _ = events.try_send(self.retrying(notice));
        };
        UsersEvent::Page {
            request: self,
            result: client.users_page(self.offset, self.limit, &on_retry).await,
        }
    }

    fn retrying(self, notice: RetryNotice) -> UsersEvent {
        UsersEvent::Retrying {
            request: self,
            notice,
        }
    }
}
