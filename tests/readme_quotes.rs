//! Every message the README's troubleshooting table quotes is one szchat
//! really prints: a reader searches for the words on their screen.
//!
//! A quote may leave out what varies: `...` stands for any text, and the
//! words PATH, URL, NAME, ID and N for a value. `~` is the home directory.
//! A quote is real when it matches a witness: a line the binary printed in
//! a scenario run here, the text of an error szchat would print, or a string
//! in the source whose `{...}` parts a wildcard may stand for.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use szchat::api::ApiError;
use szchat::open::{OpenError, Origin};
use szchat::paging::PageSize;
use szchat::state::{AppState, Failure, Input};
use szchat::terminal::NotATerminal;
use szchat::timefmt::LocalZone;

/// What a `{...}` of a format string becomes in a witness: one character no
/// quote contains, so only a wildcard can match it.
const PLACEHOLDER: char = '\u{FFFC}';
/// Words a quote uses for a value that varies.
const VALUE_WORDS: [&str; 5] = ["PATH", "URL", "NAME", "ID", "N"];
/// The prefix the binary puts before every line it ends with.
const PREFIX: &str = "szchat: ";

/// The code spans in the first column of the table under "## Troubleshooting".
fn troubleshooting_quotes(readme: &str) -> Vec<String> {
    let section = readme
        .split("\n## Troubleshooting")
        .nth(1)
        .expect("the README has a Troubleshooting section");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter(|line| line.starts_with("| "))
        .filter_map(|row| row.split(" | ").next())
        .flat_map(code_spans)
        .collect()
}

/// The text of each Markdown code span in `cell`: `` `x` `` or ``` `` x `` ```.
fn code_spans(cell: &str) -> Vec<String> {
    let mut spans = Vec::new();
    let mut rest = cell;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let fence = "`".repeat(ticks);
        let body_start = start + ticks;
        let Some(length) = rest[body_start..].find(&fence) else {
            break;
        };
        let body = &rest[body_start..body_start + length];
        // Markdown strips one space each side of a span that needs them.
        let body = if ticks > 1 {
            body.strip_prefix(' ')
                .and_then(|b| b.strip_suffix(' '))
                .unwrap_or(body)
        } else {
            body
        };
        spans.push(body.replace("\\|", "|"));
        rest = &rest[body_start + length + ticks..];
    }
    spans
}

/// A quote as pieces of literal text with a wildcard between each two.
fn pattern(quote: &str) -> Vec<String> {
    let quote = quote.replace('…', "...");
    let mut pieces = vec![String::new()];
    let mut word = String::new();
    let end_word = |word: &mut String, pieces: &mut Vec<String>| {
        if VALUE_WORDS.contains(&word.as_str()) {
            pieces.push(String::new());
        } else if let Some(piece) = pieces.last_mut() {
            piece.push_str(word);
        }
        word.clear();
    };
    let mut rest = quote.as_str();
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("...") {
            end_word(&mut word, &mut pieces);
            pieces.push(String::new());
            rest = after;
            continue;
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            end_word(&mut word, &mut pieces);
            if let Some(piece) = pieces.last_mut() {
                piece.push(c);
            }
        }
        rest = &rest[c.len_utf8()..];
    }
    end_word(&mut word, &mut pieces);
    pieces
}

/// Whether `text` is the pieces in order, each wildcard standing for at
/// least one character.
fn matches(pieces: &[String], text: &str) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return text.is_empty();
    };
    let Some(after) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    if rest.is_empty() {
        return after.is_empty();
    }
    // The wildcard takes one or more characters: try every split.
    after
        .char_indices()
        .skip(1)
        .map(|(at, _)| at)
        .chain(std::iter::once(after.len()))
        .filter(|at| *at > 0)
        .any(|at| matches(rest, &after[at..]))
}

fn is_real(quote: &str, witnesses: &[String]) -> bool {
    let full = pattern(quote);
    // Source strings lack the prefix the binary adds when it prints them.
    let bare = quote.strip_prefix(PREFIX).map(pattern);
    witnesses.iter().any(|witness| {
        matches(&full, witness) || bare.as_ref().is_some_and(|bare| matches(bare, witness))
    })
}

// ----- witnesses -----

/// A home with nothing in it, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "szchat-readme-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// An environment variable a scenario sets: name and value.
type Variable<'a> = (&'a str, &'a str);

/// What the binary prints for what a newcomer gets wrong first, with the
/// scratch home shown as `~`.
fn printed_by_the_binary(home: &Path) -> Vec<String> {
    let secret_file = home.join("secret");
    fs::write(&secret_file, "sz-live-readme\n").unwrap();
    fs::set_permissions(&secret_file, fs::Permissions::from_mode(0o644)).unwrap();
    let bad_config = home.join("bad.toml");
    fs::write(&bad_config, "page-size = 200\n").unwrap();
    let with_secret = [("SIGNALZEN_API_SECRET", "sz-live-readme")];
    let fifo = home.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());

    let scenarios: Vec<(Vec<&str>, &[Variable])> = vec![
        (vec!["4821"], &[]),
        (
            vec!["--secret-file", secret_file.to_str().unwrap(), "4821"],
            &[],
        ),
        (
            vec!["--base-url", "http://api.example.com", "4821"],
            &with_secret,
        ),
        (
            vec!["--config", bad_config.to_str().unwrap(), "4821"],
            &with_secret,
        ),
        (vec!["4821"], &with_secret),
        (vec!["--secret-file", fifo.to_str().unwrap(), "4821"], &[]),
    ];
    scenarios
        .into_iter()
        .flat_map(|(args, env)| {
            let output = Command::new(env!("CARGO_BIN_EXE_szchat"))
                .args(args)
                .env_remove("XDG_CONFIG_HOME")
                .env_remove("SIGNALZEN_API_SECRET")
                .env_remove("SIGNALZEN_BASE_URL")
                .env("HOME", home)
                .envs(env.iter().copied())
                .stdin(Stdio::null())
                .output()
                .unwrap();
            let stderr =
                String::from_utf8_lossy(&output.stderr).replace(home.to_str().unwrap(), "~");
            stderr.lines().map(str::to_owned).collect::<Vec<_>>()
        })
        .collect()
}

/// Messages that need a server or a terminal to be printed, from the errors
/// that print them, as the binary prints a failure at start.
fn printed_at_start() -> Vec<String> {
    [
        ApiError::Unauthorized { status: 401 }.to_string(),
        ApiError::Unauthorized { status: 403 }.to_string(),
        NotATerminal::Output.to_string(),
        NotATerminal::Input.to_string(),
    ]
    .into_iter()
    .map(|message| format!("{PREFIX}{message}"))
    .collect()
}

/// What the status bar says when the browser fails a moment after it
/// started: the state's own words around the opener's error.
fn shown_in_the_status_bar() -> Vec<String> {
    let value = PLACEHOLDER.to_string();
    let late = OpenError::ExitedEarly {
        program: value.clone(),
        origin: Origin::BrowserVariable,
        status: format!("exit status: {value}"),
    };
    let mut state = AppState::new(4821, PageSize::DEFAULT, LocalZone::utc(), 80, 24);
    state.handle(Input::Failed(Failure::Open(late.to_string())));
    state
        .notices()
        .error()
        .map(|error| error.text.clone())
        .into_iter()
        .collect()
}

/// Every string literal in `src/`, each `{...}` replaced by [`PLACEHOLDER`].
fn strings_in_the_source() -> Vec<String> {
    let mut files = Vec::new();
    collect_rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files
        .iter()
        .flat_map(|file| string_literals(&fs::read_to_string(file).unwrap()))
        .map(|literal| fill_placeholders(&literal))
        .collect()
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// The "..." literals of Rust source, unescaped, skipping comments and char
/// literals (whose quotes would throw the pairing off).
fn string_literals(source: &str) -> Vec<String> {
    let mut literals = Vec::new();
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                // A char literal is 'x' or '\x'; a lifetime has no closing quote.
                let mut lookahead = chars.clone();
                let first = lookahead.next();
                let literal_len = match (first, lookahead.next(), lookahead.next()) {
                    (Some('\\'), Some(_), Some('\'')) => 3,
                    (Some(_), Some('\''), _) => 2,
                    _ => 0,
                };
                for _ in 0..literal_len {
                    chars.next();
                }
            }
            '"' => {
                let mut literal = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('\n') => {
                                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                                    chars.next();
                                }
                            }
                            Some('n') => literal.push('\n'),
                            Some('t') => literal.push('\t'),
                            Some(other) => literal.push(other),
                            None => {}
                        },
                        other => literal.push(other),
                    }
                }
                literals.push(literal);
            }
            _ => {}
        }
    }
    literals
}

/// A format string with each `{...}` as [`PLACEHOLDER`] and `{{`, `}}` as braces.
fn fill_placeholders(format: &str) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                out.push(PLACEHOLDER);
            }
            other => out.push(other),
        }
    }
    out
}

// ----- the test -----

#[test]
fn every_message_the_troubleshooting_table_quotes_is_real() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let quotes = troubleshooting_quotes(&readme);
    assert!(
        quotes.len() >= 8,
        "the table's quotes were not found: {quotes:?}"
    );

    let home = Scratch::new();
    let mut witnesses = printed_by_the_binary(&home.0);
    witnesses.extend(printed_at_start());
    witnesses.extend(shown_in_the_status_bar());
    witnesses.extend(strings_in_the_source());

    let unreal: Vec<&String> = quotes
        .iter()
        .filter(|quote| !is_real(quote, &witnesses))
        .collect();
    assert!(
        unreal.is_empty(),
        "the README quotes messages szchat does not print: {unreal:#?}"
    );
}

#[test]
fn the_matching_tells_a_real_quote_from_a_wrong_one() {
    let witnesses = vec![
        format!("secret file {PLACEHOLDER} is accessible by group or others (mode {PLACEHOLDER})"),
        "szchat: secret file ~/x is accessible by group or others (mode 644)".to_owned(),
    ];
    assert!(is_real(
        "szchat: secret file PATH is accessible by group or others (mode 644)",
        &witnesses
    ));
    assert!(is_real("secret file ... is accessible ...", &witnesses));
    // The old README's wording, and a literal where the source has a value.
    assert!(!is_real(
        "szchat: secret file PATH is readable by others; run chmod 600 PATH",
        &witnesses
    ));
    assert!(!is_real(
        "secret file PATH is accessible by group or others (mode 600)",
        &witnesses
    ));
    assert_eq!(
        code_spans("| `a` and `` b `c` `` | `not this` |"),
        ["a", "b `c`", "not this"]
    );
    assert_eq!(
        string_literals("let c = '\"'; // \"comment\"\nf(\"a \\\n    b {x} {{y}}\", 'x')"),
        ["a b {x} {{y}}"]
    );
}
