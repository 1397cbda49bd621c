//! SignalZen's external REST API: wire types, the HTTP client and its errors.

pub mod wire;
