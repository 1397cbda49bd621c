//! A writer that keeps what was written, for a test to read: the terminal
//! stream links and other escapes go to.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// Everything written to it (or to a clone of it), in order.
#[derive(Clone, Debug, Default)]
pub struct Written(Arc<Mutex<Vec<u8>>>);

impl Written {
    /// What was written since the last call, as text.
    pub fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.0.lock().expect("no writer panicked"));
        String::from_utf8(bytes).expect("escapes and symbols are UTF-8")
    }
}

impl Write for Written {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("no writer panicked")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
