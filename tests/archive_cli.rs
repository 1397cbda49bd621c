//! The `sync` and `archive` commands as a user runs them: the real binary
//! against the fake server, with its own data directory. Includes kill -9
//! at several moments of a sync, and two processes on one archive.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

use szchat::archive::account::Account;
use szchat::archive::dir::DataDir;
use szchat::archive::store::Store;
use szchat::secret::Secret;
use szchat_fake::{FakeConfig, FakeServer, Visitor, synthetic_messages};

const SECRET: &str = "cli-archive-secret";
const USER: u64 = 42;

/// A home of its own: data and config directories under a temporary one.
struct Home {
    root: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home {
            root: tempfile::tempdir().unwrap(),
        }
    }

    fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    fn archive_dir(&self) -> PathBuf {
        self.data().join("szchat")
    }

    fn szchat(&self, server: &FakeServer) -> Command {
        common::szchat_at_home(self.root.path(), SECRET, &server.base_url())
    }

    fn store(&self, server: &FakeServer) -> Store {
        let dir = DataDir::prepare(self.archive_dir()).unwrap();
        let (mut store, moved) = Store::open(&dir).unwrap();
        assert!(moved.is_none(), "the archive was whole");
        let account =
            Account::new(&dir, &server.base_url(), &Secret::new(SECRET).unwrap()).unwrap();
        store.use_account(&account).unwrap();
        store
    }
}

fn run(command: &mut Command) -> Output {
    command.output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every message the server has, each once, as it has it (but the link).
fn assert_exact(server: &FakeServer, store: &Store, user: u64) {
    let served: Vec<Value> = server
        .messages_of(user)
        .unwrap()
        .into_iter()
        .map(|mut m| {
            if m.get("file_url").is_some() {
                m["file_url"] = Value::Null;
            }
            m
        })
        .collect();
    let archived: Vec<Value> = store
        .messages(user)
        .unwrap()
        .iter()
        .map(|m| serde_json::from_str(m.raw_json.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(
        archived.len(),
        served.len(),
        "visitor {user}: every message once"
    );
    assert_eq!(archived, served, "visitor {user}");
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|entry| entry.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

async fn server_with_visitors(messages: usize, others: u64) -> FakeServer {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(messages));
    config.other_visitors = (1..=others)
        .map(|id| Visitor::new(id, synthetic_messages(usize::try_from(id).unwrap() * 7)))
        .collect();
    FakeServer::start(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_then_stats_then_forget() {
    let server = server_with_visitors(150, 3).await;
    let home = Home::new();
    let output = run(home.szchat(&server).args(["sync"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let line = stderr(&output);
    assert_eq!(line.lines().count(), 1, "one summary line: {line}");
    assert!(
        line.starts_with("synced 4 visitors: 192 new messages in "),
        "{line}"
    );
    let store = home.store(&server);
    for user in [USER, 1, 2, 3] {
        assert_exact(&server, &store, user);
    }
    drop(store);

    let output = run(home.szchat(&server).args(["archive", "path"]));
    assert_eq!(
        stdout(&output).trim(),
        home.archive_dir().join("archive.db").display().to_string()
    );

    let output = run(home.szchat(&server).args(["archive", "stats"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains(" on disk"), "{text}");
    assert!(
        text.contains(&format!(
            "{}: 4 visitors, 192 messages, last sync ",
            server.base_url()
        )),
        "{text}"
    );

    // The body of message 150 ("Message 150") is in the files until forgotten.
    let planted = "Message 150\"";
    let bytes = |home: &Home| -> Vec<u8> {
        files_under(&home.archive_dir())
            .iter()
            .flat_map(|f| std::fs::read(f).unwrap())
            .collect()
    };
    let holds = |haystack: &[u8]| {
        haystack
            .windows(planted.len())
            .any(|w| w == planted.as_bytes())
    };
    assert!(holds(&bytes(&home)));
    let output = run(home.szchat(&server).args(["archive", "forget", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).trim(),
        "forgot visitor 42: 150 messages, profile and sync state"
    );
    assert!(!holds(&bytes(&home)), "no byte of their messages remains");
    let store = home.store(&server);
    assert!(store.messages(USER).unwrap().is_empty());
    assert_exact(&server, &store, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_archive_writes_nothing_and_sync_refuses_in_one_line() {
    let server = server_with_visitors(10, 0).await;
    let home = Home::new();
    let output = run(home.szchat(&server).args(["sync", "--no-archive"]));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "szchat: the archive is turned off (--no-archive or archive = false in the config file)\n"
    );
    let config = home.root.path().join("config/szchat");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "archive = false\n").unwrap();
    for args in [
        &["sync", "42"][..],
        &["archive", "stats"],
        &["archive", "forget", "42"],
    ] {
        let output = run(home.szchat(&server).args(args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&output).lines().count(), 1);
    }
    // An export with the archive off works as before and writes nothing there either.
    let output = run(home
        .szchat(&server)
        .args(["--no-archive", "--export", "jsonl", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!home.data().exists(), "nothing under the data directory");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_visitor_is_named_and_the_exit_status_is_1() {
    let server = server_with_visitors(10, 1).await;
    let home = Home::new();
    let output = run(home.szchat(&server).args(["sync", "1", "777", "42"]));
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("synced 2 visitors"), "{text}");
    assert!(text.contains("szchat: visitor 777: not found"), "{text}");
    let output = run(home.szchat(&server).args(["sync", "--page-size", "0"]));
    assert_eq!(output.status.code(), Some(2));
}

/// kill -9 at several moments of a sync: the next start finds a whole
/// archive and a following sync completes with every message once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_any_moment_loses_nothing_and_doubles_nothing() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(3000));
    config.other_visitors = (1..=6)
        .map(|id| Visitor::new(id, synthetic_messages(400)))
        .collect();
    config.latency = Duration::from_millis(3);
    let server = FakeServer::start(config).await.unwrap();
    let home = Home::new();
    // No timing is asserted: the moments only spread the kills over the sync.
    for moment in [0u64, 20, 60, 150, 300, 600] {
        let mut child = home
            .szchat(&server)
            .args(["sync", "--page-size", "10", "--concurrency", "3"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(moment)).await;
        // SIGKILL: no handler, no flush, no goodbye.
        let _ = child.kill();
        let _ = child.wait();
        if home.archive_dir().join("archive.db").exists() {
            let store = home.store(&server);
            assert_eq!(
                store.integrity_check().unwrap(),
                "ok",
                "after a kill at {moment} ms"
            );
        }
    }
    let output = run(home.szchat(&server).args(["sync", "--page-size", "10"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let store = home.store(&server);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for user in [USER, 1, 2, 3, 4, 5, 6] {
        assert_exact(&server, &store, user);
    }
}

/// Two szchat processes syncing into one archive at once: neither shows
/// "database is locked", and every write of both is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_archive_both_write_everything() {
    let server = server_with_visitors(800, 8).await;
    let home = Home::new();
    let spawn = |args: &[&str]| {
        home.szchat(&server)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let one = spawn(&["sync", "42", "1", "3", "5", "7", "--page-size", "5"]);
    let two = spawn(&["sync", "42", "2", "4", "6", "8", "--page-size", "7"]);
    let (one, two) = (
        one.wait_with_output().unwrap(),
        two.wait_with_output().unwrap(),
    );
    for output in [&one, &two] {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
        assert!(!stderr(output).contains("locked"), "{}", stderr(output));
    }
    let store = home.store(&server);
    for user in [USER, 1, 2, 3, 4, 5, 6, 7, 8] {
        assert_exact(&server, &store, user);
    }
}

/// `--offline --export` reads the archive with no request at all; a visitor
/// never archived is one line and exit 1; without --export it is a usage error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_export_reads_the_archive_and_makes_no_request() {
    let mut config = FakeConfig::new(SECRET, USER, synthetic_messages(120));
    config.files = vec![("invoice.pdf".to_owned(), b"%PDF".to_vec())];
    if let Some(message) = config.messages.get_mut(5) {
        message["file_url"] = Value::from("files/invoice.pdf");
    }
    let server = FakeServer::start(config).await.unwrap();
    let home = Home::new();
    let output = run(home.szchat(&server).args(["sync", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let before = server.request_count();
    let output = run(home
        .szchat(&server)
        .args(["--offline", "--export", "jsonl", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(server.request_count(), before, "offline makes no request");
    assert_eq!(stderr(&output), "exported 120 messages from the archive\n");
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let served: Vec<Value> = server
        .messages_of(USER)
        .unwrap()
        .into_iter()
        .map(|mut m| {
            m["file_url"] = Value::Null;
            m
        })
        .collect();
    assert_eq!(lines, served, "the jsonl lacks only the link");
    // Read from the archive, each line is the server's bytes (compact JSON,
    // as the fake server sends it), the link's value alone blanked.
    let exact: String = served.iter().map(|m| format!("{m}\n")).collect();
    assert_eq!(stdout(&output), exact, "byte for byte");

    let out = home.root.path().join("t.md");
    let output = run(home
        .szchat(&server)
        .args(["--offline", "--export", "markdown", "-o"])
        .arg(&out)
        .arg("42"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let markdown = std::fs::read_to_string(&out).unwrap();
    assert!(markdown.contains("Message 120"));
    assert!(
        markdown.contains("📎 invoice.pdf *(attachment)*"),
        "the archived attachment is named: {markdown}"
    );
    let output = run(home
        .szchat(&server)
        .args(["--offline", "--export", "txt", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).matches("📎 invoice.pdf").count(),
        1,
        "{}",
        stdout(&output)
    );

    let output = run(home
        .szchat(&server)
        .args(["--offline", "--export", "jsonl", "7"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "szchat: visitor 7 is not in the archive (szchat sync 7 fetches it)\n"
    );
    let output = run(home.szchat(&server).args(["--offline", "42"]));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(server.request_count(), before, "still no request");
}

fn message_requests(server: &FakeServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|request| request.path.ends_with("/messages"))
        .count()
}

/// `--export` with the archive on brings the visitor's archive up to date
/// (the whole history the first time, one request when nothing changed)
/// and writes from the archive: the jsonl lacks only the link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_reads_the_archive_and_fetches_only_what_it_lacks() {
    let server = server_with_visitors(120, 0).await;
    let home = Home::new();
    let served: Vec<Value> = server
        .messages_of(USER)
        .unwrap()
        .into_iter()
        .map(|mut m| {
            m["file_url"] = Value::Null;
            m
        })
        .collect();
    let mut asked = 0;
    for (round, requests) in [(1, 2), (2, 1)] {
        let output = run(home.szchat(&server).args(["--export", "jsonl", "42"]));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let lines: Vec<Value> = stdout(&output)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(
            lines, served,
            "round {round}: the jsonl lacks only the link"
        );
        let plural = if requests == 1 { "" } else { "s" };
        assert!(
            stderr(&output).starts_with(&format!(
                "exported 120 messages in {requests} request{plural}, "
            )),
            "round {round}: {}",
            stderr(&output)
        );
        assert_eq!(message_requests(&server) - asked, requests, "round {round}");
        asked = message_requests(&server);
    }
    assert_exact(&server, &home.store(&server), USER);

    // Markdown names the visitor from the profile, which is archived too.
    let out = home.root.path().join("t.md");
    let output = run(home
        .szchat(&server)
        .args(["--export", "markdown", "-o"])
        .arg(&out)
        .arg("42"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(message_requests(&server) - asked, 1);
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("Message 120"), "{written}");

    // A visitor the server does not know: one line, exit 1, nothing written.
    let output = run(home.szchat(&server).args(["--export", "jsonl", "999"]));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "szchat: visitor 999 not found\n");
    assert!(output.stdout.is_empty());
}

/// A history that shrank since the last sync is said in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shrunk_history_is_said_in_words() {
    let server = server_with_visitors(120, 0).await;
    let home = Home::new();
    let output = run(home.szchat(&server).args(["sync", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let ids: Vec<u64> = server
        .messages_of(USER)
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_u64())
        .take(40)
        .collect();
    for id in ids {
        assert!(server.delete_message(id));
    }
    let output = run(home.szchat(&server).args(["sync", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "szchat: visitor 42: the server now counts 40 fewer messages than the archive\n"
        ),
        "{}",
        stderr(&output)
    );
}

/// A message deleted and another written since the last sync: the count
/// holds, the places that now hold other messages are counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_rewritten_on_the_server_is_said_in_places() {
    let server = server_with_visitors(120, 0).await;
    let home = Home::new();
    let output = run(home.szchat(&server).args(["sync", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(server.delete_message(110));
    let newest = synthetic_messages(121).pop().unwrap();
    assert!(server.append_messages(USER, vec![newest]));
    let output = run(home.szchat(&server).args(["sync", "42"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "szchat: visitor 42: the archive differs from the server at 11 places; R in its conversation reads it again\n"
        ),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_export_names_the_archived_visitor_in_its_header() {
    let server = server_with_visitors(30, 1).await;
    let home = Home::new();
    let output = run(home.szchat(&server).args(["sync"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let profile = server.profile_of(USER).expect("the fake server's visitor");
    let name = profile["name"]
        .as_str()
        .expect("a named visitor")
        .to_owned();
    let before = server.request_count();
    let output =
        run(home
            .szchat(&server)
            .args(["--offline", "--export", "txt", &USER.to_string()]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(server.request_count(), before, "offline makes no request");
    let text = stdout(&output);
    let visitor_line = text.lines().nth(1).unwrap_or_default();
    assert!(
        visitor_line.starts_with(&format!("Visitor: {name}")),
        "the archived profile names the visitor: {text}"
    );
    let header: Vec<&str> = text.lines().take_while(|line| !line.is_empty()).collect();
    assert!(
        header.contains(&"Messages: 30 (15 from the visitor, 15 from operators)"),
        "the figures follow the period: {header:?}"
    );
    assert!(
        header
            .iter()
            .any(|line| line.starts_with("First response: ")),
        "{header:?}"
    );
}
