//! The fetch task: runs the HTTP requests the state asks for and sends the
//! answers back. It owns no conversation state; the UI loop never awaits it.

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use crate::api::client::{ApiClient, RetryNotice};
use crate::api::error::ApiError;
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

/// Work for the fetch task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// A page of the visitor list, for the picker.
    Users(UsersRequest),
}

/// An answer from the fetch task.
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
    Users {
        request: UsersRequest,
        result: Result<VisitorsPage, ApiError>,
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
    /// A request failed and will be tried again after a pause.
    Retrying {
        request: FetchRequest,
        notice: RetryNotice,
    },
}

/// Starts the fetch task on the current runtime. It ends when the request
/// sender is dropped; answers to a closed event channel are discarded.
pub fn spawn(
    client: ApiClient,
    mut requests: mpsc::UnboundedReceiver<FetchRequest>,
    events: mpsc::Sender<FetchEvent>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while let Some(request) = requests.recv().await {
            // Each request runs on its own, so a slow page never holds up a link.
            let client = client.clone();
            let events = events.clone();
            tokio::spawn(async move {
                let event = run(&client, request, &events).await;
                // The UI loop has ended if this fails; nothing is left to tell.
                let _ = events.send(event).await;
            });
        }
    })
}

async fn run(
    client: &ApiClient,
    request: FetchRequest,
    events: &mpsc::Sender<FetchEvent>,
) -> FetchEvent {
    let on_retry = |notice: RetryNotice| {
        // Best effort: a full channel only costs the "retrying…" hint.
        let _ = events.try_send(FetchEvent::Retrying { request, notice });
    };
    match request {
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
        FetchRequest::Users(users) => FetchEvent::Users {
            request: users,
            result: client
                .users_page(users.offset, users.limit, &on_retry)
                .await,
        },
    }
}
