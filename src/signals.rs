//! Signals that end the process, as a stream of their numbers: the loop stops
//! on one, the terminal is restored, and the process exits with 128 + the
//! number, as a shell reports a process the signal killed.
//!
//! On Unix: SIGHUP (the terminal went away), SIGINT, SIGQUIT, SIGTERM, and
//! SIGUSR1, SIGUSR2 and SIGALRM, whose default action would kill szchat with
//! the terminal left raw, on the alternate screen, with the cursor hidden.
//! SIGPIPE stays ignored, as in every Rust program: a write to a closed
//! terminal fails as an error, and the loop ends on it. SIGWINCH (a resize)
//! and SIGTSTP (Ctrl-Z) do not end anything; SIGTSTP keeps its default
//! action, which `terminal::suspend` relies on (Ctrl-Z itself reaches szchat
//! as a key, the terminal being raw). Elsewhere, Ctrl-C only.

use std::io;

use futures_util::Stream;

/// Listens for the signals that end the process. Call it before taking over
/// the terminal, so that no such signal finds the terminal taken and no
/// handler in place.
#[cfg(unix)]
pub fn listen() -> io::Result<impl Stream<Item = i32> + Unpin> {
    use futures_util::{StreamExt, stream};
    use tokio::signal::unix::{SignalKind, signal};

    const ENDING: [SignalKind; 7] = [
        SignalKind::hangup(),
        SignalKind::interrupt(),
        SignalKind::quit(),
        SignalKind::terminate(),
        SignalKind::user_defined1(),
        SignalKind::user_defined2(),
        SignalKind::alarm(),
    ];
    let mut listeners = Vec::with_capacity(ENDING.len());
    for kind in ENDING {
        let mut listener = signal(kind)?;
        let number = kind.as_raw_value();
        listeners.push(stream::poll_fn(move |cx| listener.poll_recv(cx)).map(move |()| number));
    }
    Ok(stream::select_all(listeners))
}

/// Listens for Ctrl-C, the one ending signal every platform has.
#[cfg(not(unix))]
pub fn listen() -> io::Result<impl Stream<Item = i32> + Unpin> {
    use futures_util::{StreamExt, future, stream};

    /// SIGINT's number, the exit status's base wherever it is defined.
    const SIGINT: i32 = 2;
    Ok(stream::once(Box::pin(tokio::signal::ctrl_c()))
        .filter_map(|received| future::ready(received.ok().map(|()| SIGINT))))
}
