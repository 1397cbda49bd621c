//! szchat: browse a SignalZen visitor's chat history in the terminal.
//!
//! The data path runs one way: terminal input becomes an [`action::Action`],
//! [`state::AppState`] takes it and may ask for a [`fetch::FetchRequest`], the
//! fetch task answers with a [`fetch::FetchEvent`], and [`ui`] draws the state.

pub mod action;
pub mod api;
pub mod app;
pub mod archive;
pub mod attachment;
pub mod cli;
pub(crate) mod clipboard;
pub mod clock;
pub mod command_setup;
pub mod concurrency;
pub mod config;
pub mod conversation;
pub mod desktop;
pub mod effect;
pub mod engine;
pub mod export;
pub mod fetch;
pub mod fold;
pub mod geometry;
pub mod images;
pub mod keymap;
pub mod logging;
pub mod message_filter;
pub mod metrics;
pub mod model;
pub mod named_file;
pub mod navigation;
pub mod numbers;
pub mod open;
pub mod paging;
pub mod picker;
pub mod report_cli;
pub mod runner;
pub mod sanitize;
pub mod screens;
pub mod search;
pub mod search_cli;
pub mod search_query;
pub mod secret;
pub mod signals;
pub mod snippet;
pub mod state;
pub mod subcommand;
pub mod sync;
pub mod terminal;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod timefmt;
pub mod ui;
pub mod visitor;
pub mod wrap;
