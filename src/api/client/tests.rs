use super::*;

const SECRET: &str = "sz-unit-SECRET-3f9a";

fn secret() -> Secret {
    Secret::new(SECRET).unwrap()
}

fn client(base: &str) -> Result<ApiClient, ApiError> {
    ApiClient::new(ApiConfig::new(base, secret(), 42))
}

#[test]
fn config_defaults() {
    let config = ApiConfig::new("https://api.signalzen.com", secret(), 7);
    assert_eq!(config.connect_timeout, Duration::from_secs(10));
    assert_eq!(config.request_timeout, Duration::from_secs(30));
    assert_eq!(config.max_body_bytes, 8 * 1024 * 1024);
    assert_eq!(config.retry.max_attempts, 5);
    assert_eq!(config.user_id, 7);
}

#[test]
fn endpoints_are_built_under_the_base() {
    for base in [
        "https://api.signalzen.com",
        "https://api.signalzen.com/",
        "  https://api.signalzen.com  ",
    ] {
        let c = client(base).unwrap();
        assert_eq!(c.base_url(), "https://api.signalzen.com");
        assert_eq!(
            c.endpoint(None).as_str(),
            "https://api.signalzen.com/external/users/42/messages"
        );
        assert_eq!(
            c.endpoint(Some(9)).as_str(),
            "https://api.signalzen.com/external/users/42/messages/9"
        );
    }
    let c = client("http://127.0.0.1:8080/proxy/sz/").unwrap();
    assert_eq!(c.base_url(), "http://127.0.0.1:8080/proxy/sz");
    assert_eq!(
        c.endpoint(Some(1)).as_str(),
        "http://127.0.0.1:8080/proxy/sz/external/users/42/messages/1"
    );
}

#[test]
fn plain_http_is_allowed_only_to_this_machine() {
    for base in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
        assert!(client(base).is_ok(), "{base}");
    }
}

#[test]
fn bad_base_urls_are_rejected() {
    let cases = [
        ("", "needs a scheme"),
        ("api.signalzen.com", "needs a scheme"),
        ("ftp://api.signalzen.com", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("https://api.signalzen.com/?x=1", "query"),
        ("https://api.signalzen.com/#top", "fragment"),
        ("https://user:pw@api.signalzen.com", "credentials"),
        ("http://", "empty host"),
        ("http://api.signalzen.com", "unencrypted"),
        ("http://10.0.0.8:8080", "unencrypted"),
    ];
    for (base, words) in cases {
        let err = client(base).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, ApiError::InvalidBaseUrl { .. }),
            "{base:?}: {msg}"
        );
        assert!(msg.contains(words), "{base:?}: {msg}");
        assert!(err.is_fatal_at_start());
    }
    // Credentials are not repeated back.
    let msg = client("https://user:pw@api.signalzen.com")
        .unwrap_err()
        .to_string();
    assert!(!msg.contains("pw"), "{msg}");
    // Nor is the secret, should someone paste it into the URL.
    let msg = client(&format!("https://api.signalzen.com/?key={SECRET}"))
        .unwrap_err()
        .to_string();
    assert!(!msg.contains(SECRET), "{msg}");
}

#[test]
fn a_rejected_base_url_shows_neither_credentials_nor_query() {
    let cases = [
        (
            format!("http://127.0.0.1:18080/plain?key={SECRET}"),
            "query",
        ),
        (
            format!("http://u:{SECRET}@127.0.0.1:18080/plain"),
            "credentials",
        ),
        (
            format!("http://{SECRET}@127.0.0.1:18080/plain"),
            "credentials",
        ),
        (
            format!("https://api.signalzen.com/plain#{SECRET}"),
            "fragment",
        ),
        (
            format!("ftp://u:{SECRET}@api.signalzen.com/plain?k={SECRET}"),
            "scheme",
        ),
    ];
    for (base, words) in cases {
        let msg = client(&base).unwrap_err().to_string();
        assert!(msg.contains(words), "{base}: {msg}");
        assert!(
            msg.contains("/plain\""),
            "the part that may be shown: {msg}"
        );
        assert!(!msg.contains(SECRET), "{msg}");
        assert!(!msg.contains('=') && !msg.contains('@'), "{msg}");
    }
}

#[test]
fn a_base_url_that_cannot_be_parsed_is_not_quoted() {
    for base in [
        SECRET.to_owned(),
        format!("http://u:{SECRET}@127.0.0.1:99999/"),
        format!("https://{SECRET} example.com/"),
    ] {
        let msg = client(&base).unwrap_err().to_string();
        assert!(msg.starts_with("invalid API base URL: "), "{msg}");
        assert!(!msg.contains(SECRET), "{msg}");
    }
}

#[test]
fn a_base_url_with_the_secret_as_a_path_segment_is_refused_unquoted() {
    for base in [
        format!("https://api.signalzen.com/{SECRET}"),
        format!("https://api.signalzen.com/proxy/{SECRET}/"),
        "https://api.signalzen.com/sz-unit-%53ECRET-3f9a".to_owned(),
    ] {
        let msg = client(&base).unwrap_err().to_string();
        assert!(msg.contains("path contains the API secret"), "{msg}");
        assert!(!msg.contains("3f9a"), "{msg}");
    }
    // Only whole segments count: a path that merely shares characters is fine.
    assert!(client(&format!("https://api.signalzen.com/x{SECRET}")).is_ok());
}

#[test]
fn a_one_character_secret_leaves_base_urls_alone() {
    for one in ["1", "x", "/", ".", ":"] {
        let config = ApiConfig::new("http://127.0.0.1:9/ext", Secret::new(one).unwrap(), 4821);
        let c = ApiClient::new(config).unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9/ext", "secret {one:?}");
        let err = ApiClient::new(ApiConfig::new(
            "ftp://127.0.0.1:9/external",
            Secret::new(one).unwrap(),
            1,
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid API base URL \"ftp://127.0.0.1:9/external\": the scheme must be http or https",
            "secret {one:?}"
        );
    }
}

#[test]
fn debug_hides_the_secret() {
    let config = ApiConfig::new("https://api.signalzen.com", secret(), 7);
    let c = ApiClient::new(config.clone()).unwrap();
    for text in [format!("{config:?}"), format!("{c:?}"), format!("{c:#?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
    }
    assert!(format!("{:?}", c.inner.authorization).contains("Sensitive"));
}

#[test]
fn clean_scrubs_secret_and_controls() {
    let s = secret();
    assert_eq!(
        clean(&format!("a \"{SECRET}\"\u{1b}[2Jb\n"), &s),
        "a \"[redacted]\" [2Jb "
    );
    let long = "x".repeat(500);
    assert_eq!(clean(&long, &s).chars().count(), MAX_REASON_CHARS + 1);
}
