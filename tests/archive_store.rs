//! The archive file: what is kept (and the link that is not), file modes,
//! accounts kept apart, a damaged file moved aside, a full disk, and
//! forgetting a visitor down to the last byte.

use std::path::Path;

use chrono::Utc;
use serde_json::{Value, json};

use szchat::api::wire::parse_page;
use szchat::archive::ArchiveError;
use szchat::archive::account::Account;
use szchat::archive::dir::DataDir;
use szchat::archive::store::{Store, SyncState, Write};
use szchat::model::Message;
use szchat::paging::ServerOrder;
use szchat::secret::Secret;
use szchat::testing::MessageBuilder;
use szchat::testing::placed;
use szchat::visitor::{Attribute, Visitor};

const URL: &str = "http://127.0.0.1:9";

/// Messages as the client reads them from a page of these JSON objects.
fn messages(objects: &[Value]) -> Vec<Message> {
    let body = json!({"limit": 99, "offset": 0, "total": objects.len(), "messages": objects});
    parse_page(body.to_string().as_bytes(), 0, 99)
        .unwrap()
        .messages
}

fn message_json(id: u64, body: &str, file_url: Option<&str>) -> Value {
    json!({
        "id": id, "body": body, "read_by_user": true,
        "created_at": format!("2026-01-05T09:{:02}:00.000Z", id % 60),
        "file_url": file_url, "auto_invitation": false, "sender_type": "user",
        "read_by_operator": false,
        "sender": {"id": 7, "name": "Ana", "email": "ana@example.com"},
    })
}

fn open(dir: &Path, secret: &str) -> Store {
    let dir = DataDir::prepare(dir.to_owned()).unwrap();
    let (mut store, moved) = Store::open(&dir).unwrap();
    assert!(moved.is_none());
    let account = Account::new(&dir, URL, &Secret::new(secret).unwrap()).unwrap();
    store.use_account(&account).unwrap();
    store
}

/// Every byte of every file in `dir`.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Read back from the columns, every field is as the client read it: a
/// time to the nanosecond, an operator, no sender type and an empty one, a
/// time beyond the nanosecond range, a placeholder.
#[test]
fn every_field_comes_back_from_the_columns() {
    let base = tempfile::tempdir().unwrap();
    let mut store = open(&base.path().join("szchat"), "secret-a");
    let received = messages(&[
        json!({"id": 1, "body": "a", "created_at": "2026-01-05T09:00:00.123456789+01:00",
            "sender_type": "operator", "read_by_user": false, "auto_invitation": true,
            "sender": {"id": 3, "forename": "Zoë", "surname": "Ng", "email": "z@example.com"}}),
        json!({"id": 2, "body": "b", "created_at": "2026-01-05T09:01:00Z"}),
        json!({"id": 3, "body": "c", "sender_type": "", "created_at": "2026-01-05T09:02:00Z"}),
        json!({"id": 4, "body": "d", "sender_type": "bot", "created_at": "3000-01-01T00:00:00Z"}),
        json!({"id": 5, "body": "e", "sender_type": "user", "read_by_operator": true,
            "sender": {"name": "Ana", "email": null}}),
        json!({"id": 6, "created_at": 5}),
    ]);
    assert!(received[5].unreadable.is_some());
    store
        .apply(&[Write::Messages {
            visitor: 42,
            messages: placed(received.clone()),
        }])
        .unwrap();
    let mut back = store.messages(42).unwrap();
    back.sort_by_key(|m| m.id);
    let mut expected = received;
    // Archived, a placeholder has no neighbour to sit beside.
    expected[5].unreadable.as_mut().unwrap().placement = None;
    assert_eq!(back, expected);
}

#[test]
fn messages_come_back_as_received_but_for_the_attachment_link() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    let mut store = open(&dir, "secret-a");
    let link = "https://cdn.example.com/up/invoice-4821.pdf?X-Amz-Signature=SIGNED123";
    let received = messages(&[
        message_json(1, "hello", None),
        message_json(2, "the invoice", Some(link)),
    ]);
    store
        .apply(&[Write::Messages {
            visitor: 42,
            messages: placed(received.clone()),
        }])
        .unwrap();
    let back = store.messages(42).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(
        back[0], received[0],
        "a message without a link is byte-exact"
    );
    assert_eq!(back[1].file_url, None);
    assert_eq!(
        back[1].archived_attachment.as_deref(),
        Some("invoice-4821.pdf"),
        "that there was a file, and its name, come back"
    );
    assert_eq!(
        back[1].raw_json.as_deref(),
        received[1]
            .raw_json
            .as_deref()
            .map(|raw| raw.replace(&format!("\"{link}\""), "null"))
            .as_deref()
    );
    assert_eq!(
        MessageBuilder::like(received[1].clone())
            .file_url(None)
            .archived_attachment("invoice-4821.pdf")
            .raw_json(back[1].raw_json.clone().unwrap())
            .build(),
        back[1]
    );
    drop(store);
    let bytes = all_bytes(&dir);
    assert!(!contains(&bytes, "SIGNED123"), "the link is in no file");
    assert!(
        contains(&bytes, "invoice-4821.pdf"),
        "its file name is kept"
    );
}

#[test]
fn visitors_and_sync_state_are_kept() {
    let base = tempfile::tempdir().unwrap();
    let mut store = open(base.path(), "secret-a");
    let mut visitor = Visitor::unnamed(42);
    visitor.name = Some("Ana".into());
    visitor.attributes = vec![Attribute {
        name: "plan".into(),
        value: "gold".into(),
    }];
    let state = SyncState {
        total: 2,
        order: ServerOrder::NewestFirst,
        newest_id: Some(2),
        synced_at: Utc::now(),
    };
    store
        .apply(&[
            Write::Visitors(vec![visitor]),
            Write::Messages {
                visitor: 42,
                messages: placed(messages(&[
                    message_json(1, "a", None),
                    message_json(2, "b", None),
                ])),
            },
            Write::SyncState { visitor: 42, state },
        ])
        .unwrap();
    let holdings = store.holdings(42).unwrap();
    assert_eq!(holdings.positions, [0, 1]);
    assert_eq!(holdings.messages, 2);
    let kept = holdings.state.unwrap();
    assert_eq!(
        (kept.total, kept.order, kept.newest_id),
        (2, ServerOrder::NewestFirst, Some(2))
    );
    let profile = store.visitor(42).unwrap().expect("the profile is archived");
    assert_eq!(profile.name.as_deref(), Some("Ana"));
    assert_eq!(profile.attributes[0].value, "gold");
    assert_eq!(store.visitor(7).unwrap(), None, "never archived");
    let listed = store.visitors().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].visitor, profile);
    assert_eq!(listed[0].messages, 2);
    let stats = store.stats().unwrap();
    assert_eq!(stats.accounts.len(), 1);
    assert_eq!(
        (stats.accounts[0].visitors, stats.accounts[0].messages),
        (1, 2)
    );
    assert!(stats.bytes > 0);
}

#[test]
fn two_secrets_at_one_base_url_never_share_data() {
    let base = tempfile::tempdir().unwrap();
    let mut one = open(base.path(), "secret-one");
    one.apply(&[Write::Messages {
        visitor: 42,
        messages: placed(messages(&[message_json(1, "for one", None)])),
    }])
    .unwrap();
    let two = open(base.path(), "secret-two");
    assert!(two.messages(42).unwrap().is_empty());
    assert_eq!(two.holdings(42).unwrap().messages, 0);
    assert_eq!(one.messages(42).unwrap().len(), 1);
    assert_eq!(two.stats().unwrap().accounts.len(), 2);
}

#[cfg(unix)]
#[test]
fn the_directory_is_0700_and_every_file_0600_even_when_they_were_open() {
    use std::os::unix::fs::PermissionsExt;
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = dir.join("archive.db");
    std::fs::write(&db, b"").unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut store = open(&dir, "secret-a");
    store
        .apply(&[Write::Messages {
            visitor: 1,
            messages: placed(messages(&[message_json(1, "a", None)])),
        }])
        .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(
        files.iter().any(|f| f.ends_with("archive.db-wal")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|f| f.ends_with("account-key")),
        "{files:?}"
    );
    for file in files {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_damaged_file_is_moved_aside_and_a_fresh_one_started() {
    let base = tempfile::tempdir().unwrap();
    let dir = DataDir::prepare(base.path().join("szchat")).unwrap();
    let garbage = b"this is not a database, but someone's data all the same".repeat(100);
    std::fs::write(dir.db_path(), &garbage).unwrap();
    let (store, moved) = Store::open(&dir).unwrap();
    let moved = moved.expect("the damaged file was moved");
    assert_eq!(moved.damaged, dir.db_path());
    assert_eq!(
        std::fs::read(&moved.moved_to).unwrap(),
        garbage,
        "never deleted"
    );
    assert_eq!(moved.moved_to.parent(), Some(dir.path()));
    let name = moved
        .moved_to
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("archive.db.damaged-"), "{name}");
    // YYYYMMDDTHHMM
    let stamp = name.trim_start_matches("archive.db.damaged-");
    assert_eq!(stamp.len(), 13, "{stamp}");
    assert_eq!(&stamp[8..9], "T");
    let line = moved.to_string();
    assert!(
        line.contains(&dir.db_path().display().to_string()),
        "{line}"
    );
    assert!(
        line.contains(&moved.moved_to.display().to_string()),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_full_disk_is_an_error_to_show_and_the_write_can_be_tried_again() {
    let base = tempfile::tempdir().unwrap();
    let mut store = open(base.path(), "secret-a");
    let big: Vec<Value> = (1..=400)
        .map(|id| message_json(id, &"x".repeat(2000), None))
        .collect();
    let write = Write::Messages {
        visitor: 1,
        messages: placed(messages(&big)),
    };
    store.limit_pages(8).unwrap();
    let error = store.apply(std::slice::from_ref(&write)).unwrap_err();
    assert!(matches!(error, ArchiveError::Write { .. }), "{error:?}");
    assert!(error.to_string().contains("the disk is full"), "{error}");
    assert_eq!(store.holdings(1).unwrap().messages, 0, "all or nothing");
    store.limit_pages(1_000_000).unwrap();
    store.apply(&[write]).unwrap();
    assert_eq!(store.holdings(1).unwrap().messages, 400);
}

/// How many of the planted text's own trigrams the search index holds.
fn planted_terms(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("archive.db")).unwrap();
    conn.execute_batch(
        "CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, message_search, 'row')",
    )
    .unwrap();
    conn.query_row(
        "SELECT count(*) FROM temp.terms WHERE term IN ('7f3', 'f3a', '3a9', 'a9c')",
        [],
        |row| row.get(0),
    )
    .unwrap()
}

#[test]
fn forgetting_a_visitor_leaves_no_byte_of_their_messages_in_any_file() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("szchat");
    let mut store = open(&dir, "secret-a");
    let planted = "PLANTED-7f3a9c-unique";
    let theirs: Vec<Value> = (1..=300)
        .map(|id| {
            message_json(
                id,
                &format!("{planted} message {id} {}", "y".repeat(300)),
                None,
            )
        })
        .collect();
    let mut visitor = Visitor::unnamed(42);
    visitor.name = Some(format!("{planted}-name"));
    store
        .apply(&[
            Write::Visitors(vec![visitor]),
            Write::Messages {
                visitor: 42,
                messages: placed(messages(&theirs)),
            },
            Write::Messages {
                visitor: 43,
                messages: placed(messages(&[message_json(1000, "someone else stays", None)])),
            },
        ])
        .unwrap();
    assert!(contains(&all_bytes(&dir), planted));
    assert_eq!(planted_terms(&dir), 4, "the search index holds their words");
    let forgotten = store.forget(42).unwrap();
    assert_eq!(forgotten.messages, 300);
    assert!(forgotten.known);
    assert!(!contains(&all_bytes(&dir), planted), "while still open");
    drop(store);
    assert!(!contains(&all_bytes(&dir), planted), "after closing");
    assert_eq!(
        planted_terms(&dir),
        0,
        "no term of theirs stays in the index"
    );
    let mut store = open(&dir, "secret-a");
    assert_eq!(store.messages(43).unwrap().len(), 1);
    assert!(store.messages(42).unwrap().is_empty());
    assert!(
        !store.forget(42).unwrap().known,
        "forgetting again finds nothing"
    );
}

/// The store task answers on its channel: writes queued together land, a
/// read after them sees them, and `finish` returns once all is on disk.
#[tokio::test]
async fn the_store_task_answers_requests_with_events() {
    use szchat::archive::task::{AccountSpec, StoreEvent, StoreRequest, StoreTask};
    let base = tempfile::tempdir().unwrap();
    let account = AccountSpec {
        base_url: URL.to_owned(),
        secret: Secret::new("secret-a").unwrap(),
    };
    let mut task = StoreTask::spawn(base.path().join("szchat"), Some(account));
    assert!(matches!(
        task.events.recv().await,
        Some(StoreEvent::Opened {
            moved_aside: None,
            ..
        })
    ));
    for id in 1..=50 {
        task.send(StoreRequest::Write(Write::Messages {
            visitor: 42,
            messages: placed(messages(&[message_json(id, "m", None)])),
        }));
    }
    task.send(StoreRequest::Messages { visitor: 42 });
    match task.events.recv().await {
        Some(StoreEvent::Messages {
            visitor: 42,
            result,
        }) => {
            assert_eq!(result.unwrap().len(), 50);
        }
        other => panic!("{other:?}"),
    }
    task.finish().await.unwrap();
}

#[tokio::test]
async fn a_store_that_cannot_open_says_so_and_refuses_requests() {
    use szchat::archive::task::{StoreEvent, StoreRequest, StoreTask};
    let base = tempfile::tempdir().unwrap();
    // A file where the directory should be.
    let blocked = base.path().join("szchat");
    std::fs::write(&blocked, b"").unwrap();
    let mut task = StoreTask::spawn(blocked, None);
    match task.events.recv().await {
        Some(StoreEvent::OpenFailed(error)) => {
            assert!(error.to_string().contains("not a directory"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    task.send(StoreRequest::Stats);
    assert!(matches!(
        task.events.recv().await,
        Some(StoreEvent::Stats(Err(_)))
    ));
}

#[test]
fn the_archived_visitors_are_listed_newest_activity_first() {
    let base = tempfile::tempdir().unwrap();
    let mut store = open(base.path(), "secret-a");
    let mut named = Visitor::unnamed(1);
    named.name = Some("Older".into());
    let at = |id: u64, time: &str| {
        let mut object = message_json(id, "text", None);
        object["created_at"] = Value::from(time);
        object
    };
    store
        .apply(&[
            Write::Visitors(vec![named]),
            Write::Messages {
                visitor: 1,
                messages: placed(messages(&[at(10, "2026-01-05T09:00:00.000Z")])),
            },
            Write::Messages {
                visitor: 2,
                messages: placed(messages(&[
                    at(20, "2026-01-04T09:00:00.000Z"),
                    at(21, "2026-02-01T09:00:00.000Z"),
                ])),
            },
        ])
        .unwrap();
    let listed = store.visitors().unwrap();
    let ids: Vec<u64> = listed.iter().map(|entry| entry.visitor.id).collect();
    assert_eq!(ids, [2, 1], "the visitor who wrote last comes first");
    assert_eq!(
        listed[0].visitor.name, None,
        "synced by id alone: no profile"
    );
    assert_eq!(listed[0].messages, 2);
    assert_eq!(listed[1].visitor.name.as_deref(), Some("Older"));
}

#[test]
fn replacing_a_visitors_messages_is_all_or_nothing() {
    let base = tempfile::tempdir().unwrap();
    let mut store = open(base.path(), "secret-a");
    let state = |total: u64, newest: u64| SyncState {
        total,
        order: ServerOrder::OldestFirst,
        newest_id: Some(newest),
        synced_at: Utc::now(),
    };
    let first: Vec<Value> = (1..=50).map(|id| message_json(id, "first", None)).collect();
    store
        .apply(&[
            Write::Messages {
                visitor: 1,
                messages: placed(messages(&first)),
            },
            Write::SyncState {
                visitor: 1,
                state: state(50, 50),
            },
        ])
        .unwrap();
    let ids = |store: &Store| -> Vec<u64> {
        store
            .messages(1)
            .unwrap()
            .iter()
            .map(|message| message.id)
            .collect()
    };

    // A replacement that fails half way (the disk fills) leaves every message.
    let big: Vec<Value> = (1..=400)
        .map(|id| message_json(id, &"x".repeat(2000), None))
        .collect();
    store.limit_pages(1).unwrap();
    let failed = store.apply(&[Write::ReplaceMessages {
        visitor: 1,
        messages: placed(messages(&big)),
        state: state(400, 400),
    }]);
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(ids(&store), (1..=50).collect::<Vec<u64>>());
    assert_eq!(store.holdings(1).unwrap().state.map(|s| s.total), Some(50));

    // One that succeeds leaves only what it brought, at its places.
    store.limit_pages(1_000_000).unwrap();
    let again: Vec<Value> = (2..=51).map(|id| message_json(id, "again", None)).collect();
    store
        .apply(&[Write::ReplaceMessages {
            visitor: 1,
            messages: placed(messages(&again)),
            state: state(50, 51),
        }])
        .unwrap();
    assert_eq!(ids(&store), (2..=51).collect::<Vec<u64>>());
    let holdings = store.holdings(1).unwrap();
    assert_eq!(holdings.positions, (0..50).collect::<Vec<u64>>());
    assert_eq!(holdings.placed_ids[0], (0, 2));
    assert_eq!(holdings.state.map(|s| s.newest_id), Some(Some(51)));
}

/// The archived messages' bodies of `visitor`, in time order.
fn bodies(store: &Store, visitor: u64) -> Vec<String> {
    store
        .messages(visitor)
        .unwrap()
        .into_iter()
        .map(|message| message.body)
        .collect()
}

/// What the archive's search finds for `query`, as (visitor, message) ids.
fn found(store: &Store, query: &str) -> Vec<(u64, u64)> {
    let condition = szchat::search_query::condition(&szchat::search_query::parse(query).unwrap());
    store
        .search(&condition, 50)
        .unwrap()
        .into_iter()
        .map(|hit| (hit.visitor_id, hit.message_id))
        .collect()
}

/// A page that holds a message twice (the server's mistake), and one that
/// brings an archived message again with other words: each is kept once,
/// as it came last, and the search finds it by those words only.
#[test]
fn a_message_written_twice_is_kept_and_found_once_as_it_came_last() {
    let base = tempfile::tempdir().unwrap();
    let mut store = open(&base.path().join("szchat"), "secret-a");
    let page = messages(&[
        message_json(1, "first draft", None),
        message_json(2, "the invoice 4411", None),
        message_json(1, "first final", None),
    ]);
    store
        .apply(&[Write::Messages {
            visitor: 42,
            messages: placed(page),
        }])
        .unwrap();
    let again = messages(&[message_json(2, "the receipt 5522", None)]);
    store
        .apply(&[Write::Messages {
            visitor: 42,
            messages: placed(again),
        }])
        .unwrap();
    assert_eq!(bodies(&store, 42), ["first final", "the receipt 5522"]);
    assert_eq!(found(&store, "final"), [(42, 1)]);
    assert!(
        found(&store, "draft").is_empty(),
        "the first copy left no entry"
    );
    assert_eq!(found(&store, "5522"), [(42, 2)]);
    assert!(found(&store, "4411").is_empty(), "the old words are gone");
}

/// Ids far apart in one page (a server whose ids do not follow its order):
/// the one archived before is written over, the new one added.
#[test]
fn a_page_of_ids_far_apart_is_written_as_one_of_ids_close_together() {
    let base = tempfile::tempdir().unwrap();
    let mut store = open(&base.path().join("szchat"), "secret-a");
    let write = |store: &mut Store, objects: &[Value]| {
        store
            .apply(&[Write::Messages {
                visitor: 42,
                messages: placed(messages(objects)),
            }])
            .unwrap();
    };
    write(
        &mut store,
        &[message_json(9_000_000, "the invoice 4411", None)],
    );
    write(
        &mut store,
        &[
            message_json(10, "hello", None),
            message_json(9_000_000, "the receipt 5522", None),
            message_json(10, "hello again", None),
        ],
    );
    // In time order: 09:00 (9,000,000 % 60 minutes), then 09:10.
    assert_eq!(bodies(&store, 42), ["the receipt 5522", "hello again"]);
    assert_eq!(found(&store, "5522"), [(42, 9_000_000)]);
    assert!(found(&store, "4411").is_empty());
}
