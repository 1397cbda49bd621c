//! What the archive's commands share: the account's client from the
//! settings, the store opened (a damaged file moved aside said in one
//! line), and the one-line failure with its exit status.

use std::path::PathBuf;

use crate::api::client::{ApiClient, ApiConfig};
use crate::archive::task::{AccountSpec, StoreTask};
use crate::cli::{EXIT_FAILURE, EXIT_USAGE};
use crate::config::Settings;

/// The account's client, or the one-line reason there is none.
pub fn client(settings: &Settings) -> Result<(ApiClient, AccountSpec), u8> {
    let secret = settings
        .secret
        .read()
        .map_err(|error| fail(EXIT_USAGE, &error.to_string()))?;
    let client = ApiClient::new(ApiConfig::new(&settings.base_url, secret.clone(), 0))
        .map_err(|error| fail(EXIT_USAGE, &error.to_string()))?;
    let account = AccountSpec {
        base_url: client.base_url().to_owned(),
        secret,
    };
    Ok((client, account))
}

/// Starts the store task and waits for it to open; a damaged file moved
/// aside is said in one line.
pub async fn open(dir: PathBuf, account: Option<AccountSpec>) -> Result<StoreTask, u8> {
    match StoreTask::open(dir, account).await {
        Ok((store, moved_aside)) => {
            if let Some(moved) = moved_aside {
                eprintln!("szchat: {moved}");
            }
            Ok(store)
        }
        Err(error) => Err(fail(EXIT_FAILURE, &error.to_string())),
    }
}

/// The store for the account the settings name, open; each failure said in one line.
pub async fn open_account(dir: PathBuf, settings: &Settings) -> Result<StoreTask, u8> {
    let (_client, account) = client(settings)?;
    open(dir, Some(account)).await
}

/// Says `reason` on standard error; returns `code`.
pub fn fail(code: u8, reason: &str) -> u8 {
    eprintln!("szchat: {reason}");
    code
}
