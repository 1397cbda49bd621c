//! The runtime the benchmarks that talk to a server measure on: two worker
//! threads, as the 2-core machines the numbers are taken on have.

/// Runs `future` to its end on a fresh runtime of two worker threads.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}
