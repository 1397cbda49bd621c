//! Pages of a history, and answering every request a state asks for, the
//! way the fetch task would.

use crate::fetch::{FetchEvent, FetchRequest, UsersRequest};
use crate::model::{Message, Page};
use crate::paging::{PageRequest, PageSize};
use crate::picker::PickerEffect;
use crate::state::{AppState, Effect};

/// More answers than any test's history needs: past this, the state is
/// taken to ask forever.
const MOST_ANSWERS: usize = 10_000;

/// The answer a server paging `history` (oldest first) would give.
pub fn page_of(history: &[Message], offset: u64, limit: u32, newest_first: bool) -> Page {
    let mut ordered = history.to_vec();
    if newest_first {
        ordered.reverse();
    }
    let start = usize::try_from(offset).unwrap().min(ordered.len());
    let end = (start + limit as usize).min(ordered.len());
    Page {
        offset,
        limit: u64::from(limit),
        total: ordered.len() as u64,
        messages: ordered[start..end].to_vec(),
    }
}

/// One page at offset 0 with the default limit (50) holding all of
/// `messages`, however many: all the conversation has.
pub fn one_page(messages: Vec<Message>) -> Page {
    Page {
        offset: 0,
        limit: u64::from(PageSize::DEFAULT.get()),
        total: messages.len() as u64,
        messages,
    }
}

/// Starts `state` and answers its first page request with the page `page`
/// makes of it; returns the effects of that answer.
pub fn start_with(state: &mut AppState, page: impl FnOnce(PageRequest) -> Page) -> Vec<Effect> {
    let request = page_requests(&state.start())[0];
    state.apply(FetchEvent::Page {
        request,
        result: Ok(page(request)),
    })
}

/// The page requests among `effects`.
pub fn page_requests(effects: &[Effect]) -> Vec<PageRequest> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            Effect::Fetch(FetchRequest::Page(request)) => Some(*request),
            _ => None,
        })
        .collect()
}

/// The visitor-list requests among the picker's `effects`.
pub fn user_requests(effects: &[PickerEffect]) -> Vec<UsersRequest> {
    effects
        .iter()
        .filter_map(|effect| match effect {
            PickerEffect::Fetch(request) => Some(*request),
            _ => None,
        })
        .collect()
}

/// Answers the first request `first` finds among `effects`, then the first
/// among the effects that answer brought, and so on, until none is asked;
/// returns those last effects. `answer` hands a request's answer in.
pub fn serve_every_request<E, R>(
    mut effects: Vec<E>,
    first: impl Fn(&[E]) -> Option<R>,
    mut answer: impl FnMut(R) -> Vec<E>,
) -> Vec<E> {
    for _ in 0..MOST_ANSWERS {
        let Some(request) = first(&effects) else {
            return effects;
        };
        effects = answer(request);
    }
    panic!("the requests never stopped");
}

/// [`serve_every_request`] for a conversation's page requests.
pub fn serve_pages(
    effects: Vec<Effect>,
    answer: impl FnMut(PageRequest) -> Vec<Effect>,
) -> Vec<Effect> {
    serve_every_request(effects, |e| page_requests(e).first().copied(), answer)
}

/// [`serve_every_request`] for the picker's visitor-list requests.
pub fn serve_user_pages(
    effects: Vec<PickerEffect>,
    answer: impl FnMut(UsersRequest) -> Vec<PickerEffect>,
) -> Vec<PickerEffect> {
    serve_every_request(effects, |e| user_requests(e).first().copied(), answer)
}

/// Answers the first page request among `effects` from `history`, served
/// oldest first; returns the effects of that answer.
pub fn answer_first_request(
    state: &mut AppState,
    effects: &[Effect],
    history: &[Message],
) -> Vec<Effect> {
    let request = page_requests(effects)[0];
    let page = page_of(history, request.offset, request.limit.get(), false);
    state.apply(FetchEvent::Page {
        request,
        result: Ok(page),
    })
}

/// Answers page requests from `history`, served oldest first, until the
/// state holds a message (its first screen) or asks for nothing more;
/// returns the effects of the last answer.
pub fn serve_until_shown(
    state: &mut AppState,
    mut effects: Vec<Effect>,
    history: &[Message],
) -> Vec<Effect> {
    while !page_requests(&effects).is_empty() {
        effects = answer_first_request(state, &effects, history);
        if !state.conversation().is_empty() {
            break;
        }
    }
    effects
}

/// Answers every page request from `history` until the state asks for nothing more.
pub fn serve_all(
    state: &mut AppState,
    effects: Vec<Effect>,
    history: &[Message],
    newest_first: bool,
) {
    serve_pages(effects, |request| {
        let page = page_of(history, request.offset, request.limit.get(), newest_first);
        state.apply(FetchEvent::Page {
            request,
            result: Ok(page),
        })
    });
}
