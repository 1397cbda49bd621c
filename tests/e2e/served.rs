//! What the tmux tests serve szchat: a fake SignalZen server on its own
//! runtime, the command lines that point szchat at it, and the demo's facts
//! the tests look for on screen.

// Each tmux test crate reaches these helpers through `mod served`.
#![allow(dead_code, unreachable_pub)]

use serde_json::Value;
use szchat_fake::{FakeConfig, FakeServer};

use crate::tmux::Launch;

/// A fake SignalZen server on its own runtime, alive as long as this is.
pub struct Server {
    server: FakeServer,
    // Dropped after the server: it drives the server's accept loop.
    _runtime: tokio::runtime::Runtime,
}

impl Server {
    pub fn start(config: FakeConfig) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(FakeServer::start(config)).unwrap();
        Server {
            server,
            _runtime: runtime,
        }
    }

    /// The server itself, for what it was asked.
    pub fn fake(&self) -> &FakeServer {
        &self.server
    }

    /// `szchat --base-url URL USER_ID` with `secret` in its environment.
    pub fn launch(&self, secret: &str, user_id: u64) -> Launch {
        Launch::args([
            "--base-url".to_owned(),
            self.server.base_url(),
            user_id.to_string(),
        ])
        .env("SIGNALZEN_API_SECRET", secret)
    }

    /// `szchat --base-url URL`, the visitor list, with `secret` in its environment.
    pub fn launch_list(&self, secret: &str) -> Launch {
        Launch::args(["--base-url".to_owned(), self.server.base_url()])
            .env("SIGNALZEN_API_SECRET", secret)
    }
}

/// The demo's newest message object (latest time, then highest id).
pub fn newest_demo_message() -> Value {
    FakeConfig::demo()
        .messages
        .into_iter()
        .max_by_key(|m| {
            (
                m["created_at"].as_str().unwrap().to_owned(),
                m["id"].as_u64(),
            )
        })
        .unwrap()
}
