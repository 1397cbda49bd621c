use clap::{CommandFactory, FromArgMatches};

use super::*;

fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
    move |name| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| OsString::from(value))
    }
}

fn file(text: &str) -> LoadedFile {
    LoadedFile {
        path: Some(PathBuf::from("/home/u/.config/szchat/config.toml")),
        text: text.to_owned(),
        settings: parse(text).unwrap(),
    }
}

fn problem(text: &str) -> (Option<usize>, String) {
    parse(text).unwrap_err()
}

/// Flags parsed as clap would, except that clap reads no environment:
/// the process's must not play. The binary's tests cover the variable.
fn settings(args: &[&str], environment: &[(&str, &str)], file: &LoadedFile) -> Settings {
    let matches = Cli::command()
        .mut_arg("base_url", |arg| arg.env(None))
        .try_get_matches_from(std::iter::once("szchat").chain(args.iter().copied()))
        .unwrap();
    let cli = Cli::from_arg_matches(&matches).unwrap();
    Settings::resolve(
        &cli,
        &matches,
        file,
        Some(Path::new("/home/u/.config/szchat")),
        env(environment),
    )
}

#[test]
fn the_archive_is_on_unless_the_flag_or_the_file_turns_it_off() {
    let none = file("");
    let off = file("archive = false\n");
    let on = file("archive = true\n");
    assert!(settings(&[], &[], &none).archive);
    assert!(!settings(&[], &[], &off).archive);
    assert!(!settings(&["--no-archive"], &[], &on).archive);
    assert!(!settings(&["sync", "--no-archive"], &[], &none).archive);
    assert_eq!(problem("archive = 0\n").0, Some(1));
}

#[test]
fn flags_given_after_a_subcommand_count_as_flags() {
    let matches = Cli::command()
        .try_get_matches_from([
            "szchat",
            "sync",
            "1",
            "--page-size",
            "20",
            "--concurrency",
            "3",
        ])
        .unwrap();
    let cli = Cli::from_arg_matches(&matches).unwrap();
    assert_eq!(cli.page_size.get(), 20);
    assert_eq!(cli.concurrency, Concurrency::new(3));
    assert_eq!(
        matches.value_source("page_size"),
        Some(ValueSource::CommandLine)
    );
    assert!(cli.user_id.is_none(), "the id is the subcommand's");
}

#[test]
fn the_config_dir_follows_xdg_then_home() {
    assert_eq!(
        config_dir(env(&[("XDG_CONFIG_HOME", "/x/conf"), ("HOME", "/home/u")])),
        Some(PathBuf::from("/x/conf/szchat"))
    );
    assert_eq!(
        config_dir(env(&[("XDG_CONFIG_HOME", "relative"), ("HOME", "/home/u")])),
        Some(PathBuf::from("/home/u/.config/szchat"))
    );
    assert_eq!(config_dir(env(&[("HOME", "")])), None);
}

#[test]
fn every_key_is_read() {
    let loaded = file(
        "base-url = \"https://eu.example.com\"\npage-size = 20\nconcurrency = 4\n\
         poll-interval = 30\nsecret-file = \"~/keys/sz\"\ncolor = \"never\"\n",
    );
    let s = settings(&["4821"], &[("HOME", "/home/u")], &loaded);
    assert_eq!(s.base_url, "https://eu.example.com");
    assert_eq!(
        s.base_url_origin,
        Origin::File {
            path: PathBuf::from("/home/u/.config/szchat/config.toml"),
            line: 1
        }
    );
    assert_eq!(s.page_size.get(), 20);
    assert_eq!(s.concurrency.get(), 4);
    assert_eq!(s.poll_interval, Some(Duration::from_secs(30)));
    assert_eq!(
        s.secret,
        SecretSource::ConfigFile(PathBuf::from("/home/u/keys/sz"))
    );
    assert_eq!(s.color, ColorMode::Never);
}

#[test]
fn nothing_said_means_the_defaults() {
    let s = settings(&["4821"], &[], &LoadedFile::default());
    assert_eq!(s.base_url, crate::api::client::DEFAULT_BASE_URL);
    assert_eq!(s.base_url_origin, Origin::Default);
    assert_eq!(s.page_size, PageSize::DEFAULT);
    assert_eq!(s.concurrency, Concurrency::DEFAULT);
    assert_eq!(s.poll_interval, None);
    assert_eq!(s.color, ColorMode::Auto);
}

#[test]
fn whole_history_work_asks_for_the_largest_page_unless_a_size_was_given() {
    // Issue 13 item 24: an export of 10,000 messages took 200 requests.
    let s = settings(&["4821"], &[], &LoadedFile::default());
    assert_eq!(s.whole_history_page_size, PageSize::MAX);
    let s = settings(&["--page-size", "50", "4821"], &[], &LoadedFile::default());
    assert_eq!(s.whole_history_page_size.get(), 50, "the flag wins");
    let s = settings(&["4821"], &[], &file("page-size = 20\n"));
    assert_eq!(s.whole_history_page_size.get(), 20, "the file wins");
    assert_eq!(s.page_size.get(), 20);
}

#[test]
fn flags_beat_the_environment_which_beats_the_file() {
    let loaded = file("base-url = \"https://file.example\"\npage-size = 20\ncolor = \"always\"\n");
    let s = settings(
        &[
            "--base-url",
            "https://flag.example",
            "--page-size",
            "30",
            "4821",
        ],
        &[],
        &loaded,
    );
    assert_eq!(
        (s.base_url.as_str(), s.base_url_origin, s.page_size.get()),
        ("https://flag.example", Origin::Flag, 30)
    );
    assert_eq!(s.color, ColorMode::Always);
    let s = settings(&["4821"], &[("NO_COLOR", "1")], &loaded);
    assert_eq!(s.color, ColorMode::Never);
    // An empty NO_COLOR means nothing, as no-color.org says.
    let s = settings(&["4821"], &[("NO_COLOR", "")], &loaded);
    assert_eq!(s.color, ColorMode::Always);
}

#[test]
fn the_secret_comes_from_the_flag_then_the_variable_then_the_file() {
    let loaded = file("secret-file = \"keys/sz\"\n");
    let variable = [(SECRET_VARIABLE, "sz-live-1")];
    assert_eq!(
        settings(&["--secret-file", "/run/sz", "1"], &variable, &loaded).secret,
        SecretSource::FlagFile(PathBuf::from("/run/sz"))
    );
    assert_eq!(
        settings(&["1"], &variable, &loaded).secret,
        SecretSource::Variable
    );
    // Relative to the config file, not to where szchat started.
    assert_eq!(
        settings(&["1"], &[(SECRET_VARIABLE, "  ")], &loaded).secret,
        SecretSource::ConfigFile(PathBuf::from("/home/u/.config/szchat/keys/sz"))
    );
    assert_eq!(
        settings(&["1"], &[], &LoadedFile::default()).secret,
        SecretSource::Missing {
            default: Some(PathBuf::from("/home/u/.config/szchat/secret"))
        }
    );
}

#[test]
fn a_bad_file_names_the_line_and_the_problem() {
    assert_eq!(problem("page-size = 20\ncolour = \"never\"\n").0, Some(2));
    assert!(
        problem("colour = \"never\"")
            .1
            .contains("unknown field `colour`")
    );
    assert_eq!(
        problem("\n\npage-size = 100\n"),
        (
            Some(3),
            "page-size must be 1 to 99 (the API's limit)".to_owned()
        )
    );
    assert_eq!(
        problem("concurrency = 17\n"),
        (Some(1), "concurrency must be 1 to 16".to_owned())
    );
    assert_eq!(
        problem("poll-interval = 0\n").1,
        "poll-interval is in seconds and must be at least 1"
    );
    assert!(problem("color = \"sometimes\"").1.contains("`never`"));
    assert_eq!(
        problem("page-size = \"50\"").1,
        "invalid type: string \"50\", expected a whole number"
    );
    assert_eq!(problem("x = [\n").0, Some(1));
    let error = ConfigError::Invalid {
        path: PathBuf::from("/c.toml"),
        line: Some(2),
        problem: "unknown field `colour`".to_owned(),
    };
    assert_eq!(
        error.to_string(),
        "config file /c.toml, line 2: unknown field `colour`"
    );
}

#[test]
fn a_missing_default_file_is_no_error_but_a_named_one_is() {
    let nowhere = Path::new("/nonexistent-szchat-test");
    let loaded = load(None, Some(nowhere)).unwrap();
    assert_eq!(loaded.path, None);
    let error = load(Some(&nowhere.join("c.toml")), None).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot read config file /nonexistent-szchat-test/c.toml: "),
        "{error}"
    );
}

#[test]
fn the_session_gap_is_thirty_minutes_unless_the_file_says_otherwise() {
    let none = file("");
    let hour = file("session-gap = \"1h\"\n");
    assert_eq!(settings(&[], &[], &none).session_gap, DEFAULT_SESSION_GAP);
    assert_eq!(
        settings(&[], &[], &hour).session_gap,
        chrono::TimeDelta::hours(1)
    );
    let (line, said) = problem("page-size = 20\nsession-gap = \"30\"\n");
    assert_eq!(line, Some(2));
    assert!(
        said.starts_with("session-gap must be a duration like \"30m\""),
        "{said}"
    );
    assert_eq!(problem("session-gap = 30\n").0, Some(1));
}
