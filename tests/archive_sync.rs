//! `sync` against the fake server: incremental syncs after growth are exact
//! in both server orders, an unchanged visitor costs one request, the whole
//! list is synced when no id is given, and two accounts stay apart.

mod common;

use std::path::Path;

use serde_json::Value;

use szchat::archive::account::Account;
use szchat::archive::dir::DataDir;
use szchat::archive::store::Store;
use szchat::archive::task::{AccountSpec, StoreEvent, StoreTask};
use szchat::concurrency::Concurrency;
use szchat::paging::PageSize;
use szchat::secret::Secret;
use szchat::sync::{self, Summary, SyncConfig};
use szchat_fake::{FakeConfig, FakeServer, ServeOrder, Visitor, synthetic_messages};

const SECRET: &str = "sync-secret";
const USER: u64 = 42;

async fn sync_once(
    server: &FakeServer,
    dir: &Path,
    secret: &str,
    ids: &[u64],
    page: u32,
) -> Summary {
    let account = AccountSpec {
        base_url: server.base_url(),
        secret: Secret::new(secret).unwrap(),
    };
    let mut store = StoreTask::spawn(dir.to_owned(), Some(account));
    assert!(matches!(
        store.events.recv().await,
        Some(StoreEvent::Opened { .. })
    ));
    let config = SyncConfig {
        client: common::client(&server.base_url(), secret, 0),
        user_ids: ids.to_vec(),
        page_size: PageSize::new(page).unwrap(),
        concurrency: Concurrency::new(4).unwrap(),
        progress: sync::Progress::Quiet,
    };
    sync::run(config, store, std::future::pending())
        .await
        .unwrap()
}

fn open(server: &FakeServer, dir: &Path, secret: &str) -> Store {
    let dir = DataDir::prepare(dir.to_owned()).unwrap();
    let (mut store, _) = Store::open(&dir).unwrap();
    let account = Account::new(&dir, &server.base_url(), &Secret::new(secret).unwrap()).unwrap();
    store.use_account(&account).unwrap();
    store
}

/// A message object as archived: the server's, its link made null.
fn without_link(mut message: Value) -> Value {
    if let Some(object) = message.as_object_mut()
        && object.contains_key("file_url")
    {
        object.insert("file_url".to_owned(), Value::Null);
    }
    message
}

/// The archive holds every message the server has, each once, as the server has it.
fn assert_exact(server: &FakeServer, store: &Store, user: u64) {
    let served: Vec<Value> = server
        .messages_of(user)
        .unwrap()
        .into_iter()
        .map(without_link)
        .collect();
    let archived: Vec<Value> = store
        .messages(user)
        .unwrap()
        .iter()
        .map(|m| serde_json::from_str(m.raw_json.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(archived.len(), served.len(), "every message once");
    assert_eq!(archived, served);
    let holdings = store.holdings(user).unwrap();
    assert_eq!(holdings.messages, served.len() as u64);
    assert_eq!(
        holdings.positions,
        (0..served.len() as u64).collect::<Vec<_>>()
    );
}

async fn growth_is_synced_exactly(order: ServeOrder) {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(250));
    config.order = order;
    // It grows after every page it answers, during a sync and between syncs.
    config.growth_per_request = 3;
    config.growth_limit = Some(60);
    let server = FakeServer::start(config).await.unwrap();
    let first = sync_once(&server, &dir, SECRET, &[USER], 20).await;
    assert!(first.failed.is_empty(), "{first:?}");
    assert_eq!(first.synced, 1);
    let mut syncs = 1;
    loop {
        let before = server.request_count();
        let summary = sync_once(&server, &dir, SECRET, &[USER], 20).await;
        assert!(summary.failed.is_empty(), "{summary:?}");
        let spent = server.request_count() - before;
        assert_eq!(spent, summary.requests);
        syncs += 1;
        if summary.new_messages == 0 {
            assert_eq!(spent, 1, "an unchanged visitor costs one request");
            break;
        }
        // Each sync after the first fetches only what is new: a few pages, not all.
        assert!(
            spent <= 8,
            "sync {syncs} took {spent} requests: {summary:?}"
        );
        assert!(syncs < 40, "growth is limited; syncs must catch up");
    }
    assert_eq!(server.messages_of(USER).unwrap().len(), 310);
    assert_exact(&server, &open(&server, &dir, SECRET), USER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn growth_is_synced_exactly_oldest_first() {
    growth_is_synced_exactly(ServeOrder::OldestFirst).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn growth_is_synced_exactly_newest_first() {
    growth_is_synced_exactly(ServeOrder::NewestFirst).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_ids_the_whole_list_is_synced_and_then_costs_one_request_each() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(120));
    config.other_visitors = (1..=12)
        .map(|id| Visitor::new(id, synthetic_messages(usize::try_from(id).unwrap() * 9)))
        .collect();
    config.order = ServeOrder::NewestFirst;
    let server = FakeServer::start(config).await.unwrap();
    let first = sync_once(&server, &dir, SECRET, &[], 5).await;
    assert_eq!(first.synced, 13, "{first:?}");
    let store = open(&server, &dir, SECRET);
    assert_exact(&server, &store, USER);
    for id in 1..=12 {
        assert_exact(&server, &store, id);
    }
    let stats = store.stats().unwrap();
    assert_eq!(stats.accounts[0].visitors, 13);
    drop(store);
    let before = server.request_count();
    let again = sync_once(&server, &dir, SECRET, &[], 5).await;
    assert_eq!(again.new_messages, 0);
    // 13 visitors in pages of 5: 3 list pages, then one request per visitor.
    assert_eq!(server.request_count() - before, 3 + 13);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_secrets_at_one_base_url_stay_apart() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(30)))
        .await
        .unwrap();
    let synced = sync_once(&server, &dir, SECRET, &[USER], 10).await;
    assert_eq!(synced.synced, 1);
    // The other secret is refused by this server; its account holds nothing
    // of the first one's, and the first one's archive is untouched.
    let other = sync_once(&server, &dir, "another-secret", &[USER], 10).await;
    assert_eq!(other.synced, 0);
    assert_eq!(other.failed.len(), 1, "{other:?}");
    let theirs = open(&server, &dir, "another-secret");
    assert!(theirs.messages(USER).unwrap().is_empty());
    assert_eq!(theirs.holdings(USER).unwrap(), Default::default());
    assert_exact(&server, &open(&server, &dir, SECRET), USER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_visitor_is_named_and_the_others_are_synced() {
    let base = tempfile::tempdir().unwrap();
    let server = FakeServer::start(FakeConfig::new(SECRET, USER, synthetic_messages(30)))
        .await
        .unwrap();
    let summary = sync_once(
        &server,
        &base.path().join("szchat"),
        SECRET,
        &[USER, 999],
        10,
    )
    .await;
    assert_eq!(summary.synced, 1);
    assert_eq!(summary.failed.len(), 1);
    assert_eq!(summary.failed[0].0, 999);
    assert!(summary.failed[0].1.contains("not found"), "{summary:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_and_a_5xx_slow_the_sync_but_lose_nothing() {
    use szchat_fake::Fault;
    let base = tempfile::tempdir().unwrap();
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(200));
    config.faults = vec![
        Fault::Status {
            nth: 3,
            status: 429,
            retry_after: Some("1".to_owned()),
        },
        Fault::Status {
            nth: 6,
            status: 503,
            retry_after: None,
        },
    ];
    let server = FakeServer::start(config).await.unwrap();
    let dir = base.path().join("szchat");
    let summary = sync_once(&server, &dir, SECRET, &[USER], 10).await;
    assert!(summary.failed.is_empty(), "{summary:?}");
    assert_exact(&server, &open(&server, &dir, SECRET), USER);
}

/// A server that fails at random (5xx, 429, dropped and cut-off answers):
/// a visitor whose retries ran out is named and left for the next sync,
/// which carries on; in the end the archive is exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_against_a_flaky_server_end_exact() {
    use szchat_fake::Chaos;
    let base = tempfile::tempdir().unwrap();
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(300));
    config.other_visitors = (1..=5)
        .map(|id| Visitor::new(id, synthetic_messages(60)))
        .collect();
    config.order = ServeOrder::NewestFirst;
    config.chaos = Some(Chaos {
        seed: 7,
        p_5xx: 0.15,
        p_429: 0.05,
        p_drop: 0.05,
        p_truncate: 0.05,
        max_latency: std::time::Duration::from_millis(5),
    });
    let server = FakeServer::start(config).await.unwrap();
    let dir = base.path().join("szchat");
    let ids = [USER, 1, 2, 3, 4, 5];
    let mut rounds = 0;
    loop {
        rounds += 1;
        let summary = sync_once(&server, &dir, SECRET, &ids, 10).await;
        if summary.failed.is_empty() {
            break;
        }
        assert!(rounds < 20, "{summary:?}");
    }
    let store = open(&server, &dir, SECRET);
    for id in ids {
        assert_exact(&server, &store, id);
    }
}

/// A server that lies (a total far above what it has; every entry twice):
/// the sync stops with the reason in words instead of asking for ever, and
/// what it wrote is each message once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_server_stops_the_visitor_in_words_and_nothing_is_doubled() {
    use szchat_fake::Lies;
    for lies in [
        Lies {
            totals: vec![Some(5_000)],
            repeat_entries: 0,
        },
        Lies {
            totals: Vec::new(),
            repeat_entries: 2,
        },
    ] {
        let base = tempfile::tempdir().unwrap();
        let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(100));
        config.lies = lies.clone();
        let server = FakeServer::start(config).await.unwrap();
        let dir = base.path().join("szchat");
        let summary = sync_once(&server, &dir, SECRET, &[USER], 10).await;
        assert_eq!(summary.synced, 0, "{lies:?}: {summary:?}");
        assert_eq!(summary.failed.len(), 1, "{lies:?}");
        assert!(summary.requests < 200, "{lies:?}: {summary:?}");
        let store = open(&server, &dir, SECRET);
        let ids: Vec<u64> = store.messages(USER).unwrap().iter().map(|m| m.id).collect();
        let mut unique = ids.clone();
        unique.dedup();
        assert_eq!(ids, unique, "{lies:?}: each message once");
        assert!(
            store.holdings(USER).unwrap().state.is_none(),
            "not marked synced"
        );
    }
}

/// The demo's account, its live chat growing a message every few seconds
/// while the sync runs: every visitor is synced, the one chatting too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_account_syncs_whole_while_a_chat_goes_on() {
    let server = FakeServer::start(FakeConfig::demo()).await.unwrap();
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    let summary = sync_once(&server, &dir, szchat_fake::DEMO_SECRET, &[], 99).await;
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.synced, 10);
}

/// A visitor who has written nothing yet (the list has them before their
/// first message): synced in one request, in either order, and then one
/// request again; once they write, the sync brings it.
async fn an_empty_history_is_synced(order: ServeOrder) {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    let mut config = FakeConfig::new(SECRET, USER, Vec::new());
    config.order = order;
    let server = FakeServer::start(config).await.unwrap();
    let first = sync_once(&server, &dir, SECRET, &[USER], 5).await;
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    assert_eq!((first.synced, first.requests), (1, 1), "{first:?}");
    let store = open(&server, &dir, SECRET);
    assert_eq!(
        store.holdings(USER).unwrap().state.map(|s| s.total),
        Some(0)
    );
    assert!(store.never_synced().unwrap().is_empty());
    drop(store);
    let again = sync_once(&server, &dir, SECRET, &[USER], 5).await;
    assert_eq!((again.synced, again.requests), (1, 1), "{again:?}");
    server.append_messages(USER, synthetic_messages(7));
    let grown = sync_once(&server, &dir, SECRET, &[USER], 5).await;
    assert_eq!(grown.new_messages, 7, "{grown:?}");
    assert_exact(&server, &open(&server, &dir, SECRET), USER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_history_is_synced_oldest_first() {
    an_empty_history_is_synced(ServeOrder::OldestFirst).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_history_is_synced_newest_first() {
    an_empty_history_is_synced(ServeOrder::NewestFirst).await;
}
