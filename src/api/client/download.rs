//! Downloading an attachment from its (expiring, signed) link: a plain GET
//! without the API's headers, since the link may point at another host
//! that must never see the secret; redirects stay off as for the API.

use reqwest::{Response, Url};

use super::{ApiClient, clean, innermost_reason};
use crate::api::error::ApiError;
use crate::open::CheckedUrl;

/// An attachment's answer whose body is still to be read, chunk by chunk.
pub struct Download {
    response: Response,
    /// The link itself, only to keep it out of error messages.
    link: String,
    /// Where it comes from as an error may say it: scheme, host and port,
    /// never the path or the query, which carry the link's signature.
    origin: String,
}

impl Download {
    /// The size the server announced, if it announced one.
    pub fn announced_size(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The next piece of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, ApiError> {
        match self.response.chunk().await {
            Ok(chunk) => Ok(chunk.map(|bytes| bytes.to_vec())),
            Err(error) => Err(transfer_error(&error, &self.link, &self.origin)),
        }
    }
}

impl ApiClient {
    /// GETs an attachment link. Any unsuccessful status is
    /// [`ApiError::Status`] (a dead link is no wrong secret), and errors
    /// name the link's host only. Not retried: a retry wants a fresh link.
    pub async fn download(&self, url: &CheckedUrl) -> Result<Download, ApiError> {
        let parsed = Url::parse(url.as_str()).map_err(|_| ApiError::Transport {
            reason: "the attachment link is not a URL".to_owned(),
        })?;
        let origin = clean(&parsed.origin().ascii_serialization(), &self.inner.secret);
        tracing::debug!(origin = %origin, "GET attachment");
        let response = self
            .inner
            .http
            .get(parsed)
            .send()
            .await
            .map_err(|error| transfer_error(&error, url.as_str(), &origin))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ApiError::Status {
                status: status.as_u16(),
            });
        }
        Ok(Download {
            response,
            link: url.as_str().to_owned(),
            origin,
        })
    }
}

/// A failed transfer, naming the origin only.
fn transfer_error(error: &reqwest::Error, link: &str, origin: &str) -> ApiError {
    let reason = innermost_reason(error)
        .replace(link, origin)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>();
    if error.is_connect() {
        ApiError::Connect {
            url: origin.to_owned(),
            reason,
        }
    } else if error.is_timeout() {
        ApiError::Timeout {
            url: origin.to_owned(),
        }
    } else {
        ApiError::Transport {
            reason: format!("downloading from {origin}: {reason}"),
        }
    }
}
