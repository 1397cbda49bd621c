//! Which account an archive's rows belong to: the base URL and a keyed hash
//! of the secret (HMAC-SHA256 under a random key kept in the data
//! directory), so two secrets at one base URL never share data while the
//! secret itself is never written anywhere.

use std::io::{self, Read, Write};
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::ArchiveError;
use super::dir::{DataDir, ensure_private_file};
use crate::secret::Secret;

/// The key's file name in the data directory.
pub const KEY_FILE: &str = "account-key";
/// Bytes of key: as many as SHA-256's block wants for full strength.
const KEY_BYTES: usize = 32;

/// One account: where its API is and who it is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The validated base URL, without a trailing slash.
    pub base_url: String,
    /// HMAC-SHA256 of the secret under the directory's key, in hex.
    pub fingerprint: String,
}

impl Account {
    /// The account `secret` is at `base_url`, keyed by the directory's key
    /// (made on first use).
    pub fn new(dir: &DataDir, base_url: &str, secret: &Secret) -> Result<Self, ArchiveError> {
        let key = load_or_create_key(dir)?;
        Ok(Account {
            base_url: base_url.trim_end_matches('/').to_owned(),
            fingerprint: fingerprint(&key, secret),
        })
    }
}

/// The keyed hash of `secret`, in hex.
fn fingerprint(key: &[u8], secret: &Secret) -> String {
    // An HMAC takes a key of any length; this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(secret.expose().as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Reads the directory's key, or makes one. Two processes making it at once
/// agree: the key is written whole to a temporary file and linked into
/// place only if no key is there yet.
fn load_or_create_key(dir: &DataDir) -> Result<Vec<u8>, ArchiveError> {
    let path = dir.path().join(KEY_FILE);
    let failed = |error: io::Error| ArchiveError::Open {
        path: path.clone(),
        reason: error.to_string(),
    };
    if let Some(key) = read_key(&path).map_err(failed)? {
        return Ok(key);
    }
    let mut key = vec![0u8; KEY_BYTES];
    getrandom::fill(&mut key).map_err(|error| failed(io::Error::other(error.to_string())))?;
    // tempfile creates its files 0600.
    let mut file = tempfile::Builder::new()
        .prefix(".account-key-")
        .tempfile_in(dir.path())
        .map_err(failed)?;
    file.write_all(&key).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    match file.persist_noclobber(&path) {
        Ok(_) => Ok(key),
        Err(error) if error.error.kind() == io::ErrorKind::AlreadyExists => read_key(&path)
            .map_err(failed)?
            .ok_or_else(|| failed(io::Error::other("the key file is empty or too short"))),
        Err(error) => Err(failed(error.error)),
    }
}

/// The key in `path`, `None` when there is no file; made private first.
fn read_key(path: &Path) -> io::Result<Option<Vec<u8>>> {
    if !path.exists() {
        return Ok(None);
    }
    ensure_private_file(path).map_err(|error| io::Error::other(error.to_string()))?;
    let mut key = Vec::new();
    std::fs::File::open(path)?
        .take(1024)
        .read_to_end(&mut key)?;
    if key.len() < KEY_BYTES {
        return Err(io::Error::other(
            "the key file is too short; move it away to start a new archive",
        ));
    }
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_secrets_at_one_url_are_two_accounts_and_the_secret_is_not_kept() {
        let base = tempfile::tempdir().unwrap();
        let dir = DataDir::prepare(base.path().join("szchat")).unwrap();
        let one = Secret::new("secret-one-XYZ").unwrap();
        let two = Secret::new("secret-two-XYZ").unwrap();
        let a = Account::new(&dir, "http://127.0.0.1:1/", &one).unwrap();
        let b = Account::new(&dir, "http://127.0.0.1:1", &two).unwrap();
        let again = Account::new(&dir, "http://127.0.0.1:1", &one).unwrap();
        assert_eq!(a.base_url, b.base_url);
        assert_ne!(a.fingerprint, b.fingerprint);
        assert_eq!(a, again, "the key is kept, so the account is found again");
        assert_eq!(a.fingerprint.len(), 64);
        assert!(!a.fingerprint.contains("secret-one"));
        let key = std::fs::read(dir.path().join(KEY_FILE)).unwrap();
        assert_eq!(key.len(), KEY_BYTES);
    }
}
