//! What szchat says about itself beyond the flags: keys, exit statuses,
//! environment and examples for `--help`, the manual page for `--man`, and
//! shell completion scripts for `--completions`.

use std::io;

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};
use unicode_width::UnicodeWidthStr;

use super::{Cli, EXIT_FAILURE, EXIT_USAGE};
use crate::keymap::{key_rows, picker_key_rows};
use crate::secret::SECRET_VARIABLE;

/// Columns between a term (a key, a variable) and what it means.
const GAP: usize = 2;
/// Indent of every entry under a heading, as clap indents flags.
const INDENT: &str = "  ";

/// Exit statuses and when szchat ends with each.
fn exit_rows() -> Vec<(String, String)> {
    vec![
        (
            "0".to_owned(),
            "quit with q or Ctrl-c (in the visitor list: Esc, Ctrl-c); an export that wrote \
             everything; a sync that synced every visitor"
                .to_owned(),
        ),
        (
            EXIT_FAILURE.to_string(),
            "the conversation or the visitor list cannot be shown, or the export failed: secret \
             refused, visitor not found, server unreachable, messages missing (an export then leaves -o FILE as it was); \
             a sync in which some visitor failed (each is named on standard error)"
                .to_owned(),
        ),
        (
            EXIT_USAGE.to_string(),
            "bad flags, a bad config file, a missing or invalid secret, or no terminal \
             (input or output redirected); sync, archive stats or forget with the archive \
             turned off"
                .to_owned(),
        ),
        (
            "128+N".to_owned(),
            "ended by signal N: 129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM".to_owned(),
        ),
    ]
}

/// Variables szchat reads.
fn environment_rows() -> Vec<(String, String)> {
    [
        (
            SECRET_VARIABLE,
            "the API secret, unless --secret-file is given (never taken as a flag)",
        ),
        (
            "SIGNALZEN_BASE_URL",
            "the API's base URL, unless --base-url is given",
        ),
        ("RUST_LOG", "what --log-file records, e.g. szchat=debug"),
        (
            "XDG_DATA_HOME",
            "where the archive is kept: szchat/archive.db (default ~/.local/share)",
        ),
        (
            "XDG_CONFIG_HOME",
            "where szchat/config.toml and szchat/secret are looked for (default ~/.config)",
        ),
        (
            "NO_COLOR",
            "when set (not empty), no colours, only bold and reverse video; --color always overrides",
        ),
        (
            "BROWSER",
            "the browsers o opens attachments with, tried in order: commands separated \
             by colons, %s for the link (else it comes last)",
        ),
        (
            "TERM, TERM_PROGRAM",
            "tell szchat the terminal draws OSC 8 links (kitty, iTerm2, WezTerm, foot, \
             Alacritty, Ghostty, VS Code, Windows Terminal, VTE 0.50+, also by VTE_VERSION): the http(s) URLs in \
             bodies are then clickable, never inside tmux or screen (TMUX, STY). Attachment \
             names are not linked: their link dies 20 s after it is fetched, o and y fetch a \
             fresh one",
        ),
        (
            "XDG_DOWNLOAD_DIR",
            "where s suggests saving an attachment (else its line in user-dirs.dirs, else \
             ~/Downloads)",
        ),
    ]
    .into_iter()
    .map(|(name, what)| (name.to_owned(), what.to_owned()))
    .collect()
}

/// The files szchat reads unless told otherwise.
fn file_rows() -> Vec<(String, String)> {
    [
        (
            "~/.config/szchat/config.toml",
            "settings: base-url, page-size, concurrency (1-16, for g and --export), color (auto, \
             always, never), images (auto, always, never: picture previews), secret-file, poll-interval (seconds between looks while following, \
             at least 1), archive (false: keep no archive), session-gap (no message for this long \
             starts a new session, like \"30m\" or \"1h30m\"; the default is 30m). \
             Flags and the environment win; --config PATH reads another file",
        ),
        (
            "~/.local/share/szchat/archive.db",
            "the archive szchat sync, --export and browsing fill: visitors, messages (never an \
             attachment link) and what each sync saw, per account; the directory is 0700, its files \
             0600; --no-archive or archive = false writes none",
        ),
        (
            "~/.local/share/szchat/account-key",
            "the random key accounts are told apart by (HMAC-SHA256 of the secret); the secret \
             itself is never written",
        ),
        (
            "~/.config/szchat/secret",
            "the API secret (first line), when nothing else gives one; chmod 600",
        ),
    ]
    .into_iter()
    .map(|(path, what)| (path.to_owned(), what.to_owned()))
    .collect()
}

/// Command lines a newcomer can start from, each with what it does.
fn example_rows() -> Vec<(String, String)> {
    [
        (
            "szchat --demo",
            "pick a visitor of the built-in demo and browse the conversation; no account needed",
        ),
        (
            "szchat",
            "pick one of your account's visitors, with the secret in $SIGNALZEN_API_SECRET",
        ),
        (
            "szchat 4821",
            "open visitor 4821's conversation, with the secret in $SIGNALZEN_API_SECRET",
        ),
        (
            "szchat --secret-file ~/keys/signalzen 4821",
            "the same, with the secret in a file only you can read (chmod 600); \
             ~/.config/szchat/secret is read without the flag",
        ),
        (
            "szchat 4821 --export markdown -o ticket-4821.md",
            "write visitor 4821's whole history as a readable transcript, with a header naming \
             the visitor, the period and its UTC offset (also md, jsonl, text or txt; standard \
             output without -o or with -o -; an existing FILE keeps its mode); the archive is \
             brought up to date first and the transcript written from it",
        ),
        (
            "szchat 4821 --export html -o ticket-4821.html --save-attachments ~/Downloads/4821",
            "write visitor 4821's history as one self-contained page (no script, nothing loaded, \
             images embedded through fresh links, other files listed by name and size) and save \
             every attachment in ~/Downloads/4821 under its sanitised name, never overwriting",
        ),
        (
            "szchat --offline 4821 --export text --only attachments --no-auto-invitations",
            "list only visitor 4821's archived messages that carry a file (--only visitor or \
             operator for one side), leaving out the auto-invitations; the F menu shows the same \
             in a conversation",
        ),
        (
            "szchat sync",
            "bring the archive up to date: every visitor in the list, each only as far as it \
             is new (szchat sync 4821 for one)",
        ),
        (
            "szchat --offline 4821",
            "browse visitor 4821's archived history with no network at all",
        ),
        (
            "szchat --offline",
            "the list of every archived visitor, newest activity first; Enter opens one's \
             archived history, with no network at all",
        ),
        (
            "szchat --offline --export jsonl 4821",
            "write visitor 4821's archived history with no request at all",
        ),
        (
            "szchat search 'invoice 4411 from:visitor after:2026-11-01'",
            "search every archived visitor's messages, newest first, with no request (--sync \
             syncs first, --json for JSON lines; exit 1 when nothing matched)",
        ),
        (
            "szchat report --csv > figures.csv",
            "each archived visitor's figures from the archive, with no request: messages, first \
             and median response, longest wait, unanswered messages and since when (--json for \
             JSON lines, an aligned table without either)",
        ),
        (
            "szchat archive stats",
            "what the archive holds: visitors, messages, size on disk, last sync per account",
        ),
        (
            "szchat archive forget 4821",
            "remove visitor 4821's messages, profile and sync state from the archive, to the \
             last byte",
        ),
        (
            "RUST_LOG=szchat=debug szchat --log-file /tmp/szchat.log 4821",
            "write what happens to a log, when something goes wrong",
        ),
        (
            "szchat --completions bash > ~/.local/share/bash-completion/completions/szchat",
            "install completion for bash (also zsh, fish, powershell, elvish)",
        ),
        (
            "szchat --man > ~/.local/share/man/man1/szchat.1",
            "install the manual page (then `man szchat`)",
        ),
    ]
    .into_iter()
    .map(|(command, what)| (command.to_owned(), what.to_owned()))
    .collect()
}

/// The text `--help` shows after the flags: keys, exit statuses, environment
/// and examples.
pub fn after_long_help() -> String {
    let mut text = section("Keys (in a conversation)", &key_rows());
    text.push_str(&section(
        "\nKeys (in the visitor list, szchat without USER_ID)",
        &picker_key_rows(),
    ));
    text.push_str(&section("\nExit status", &exit_rows()));
    text.push_str(&section("\nEnvironment", &environment_rows()));
    text.push_str(&section("\nFiles", &file_rows()));
    text.push_str("\nExamples:\n");
    for (command, what) in example_rows() {
        text.push_str(&format!(
            "{INDENT}{command}\n{INDENT}{INDENT}{INDENT}{what}\n"
        ));
    }
    text.push_str(&format!("\n{}\n", super::SECRET_NOTE));
    text
}

/// A heading and its rows, the meanings lined up in one column.
fn section(heading: &str, rows: &[(String, String)]) -> String {
    let width = rows.iter().map(|(term, _)| term.width()).max().unwrap_or(0);
    let mut text = format!("{heading}:\n");
    for (term, what) in rows {
        let pad = " ".repeat(width - term.width() + GAP);
        text.push_str(&format!("{INDENT}{term}{pad}{what}\n"));
    }
    text
}

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "szchat", &mut script);
    script
}

/// The manual page, in roff: the flags as clap knows them, then the same
/// keys, exit statuses, environment and examples as `--help`.
pub fn man_page() -> io::Result<Vec<u8>> {
    let man = Man::new(Cli::command());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    man.render_subcommands_section(&mut page)?;
    let mut roff = Roff::new();
    roff.control("SH", ["KEYS"])
        .text([roman("While szchat runs; ? shows them on screen too.")]);
    tagged_paragraphs(&mut roff, &key_rows());
    roff.control("SS", ["In the visitor list (szchat without USER_ID)"]);
    tagged_paragraphs(&mut roff, &picker_key_rows());
    roff.control("SH", ["EXIT STATUS"]);
    tagged_paragraphs(&mut roff, &exit_rows());
    roff.control("SH", ["ENVIRONMENT"]);
    tagged_paragraphs(&mut roff, &environment_rows());
    roff.control("SH", ["FILES"]);
    tagged_paragraphs(&mut roff, &file_rows());
    roff.control("SH", ["EXAMPLES"]);
    tagged_paragraphs(&mut roff, &example_rows());
    roff.control("SH", ["SECURITY"])
        .text([roman(super::SECRET_NOTE)]);
    roff.to_writer(&mut page)?;
    man.render_version_section(&mut page)?;
    Ok(page)
}

/// Tagged paragraphs for a man page: each term in bold, its meaning below.
fn tagged_paragraphs(roff: &mut Roff, rows: &[(String, String)]) {
    for (term, what) in rows {
        roff.control("TP", [])
            .text([bold(term.as_str())])
            .text([roman(what.as_str())]);
    }
}
