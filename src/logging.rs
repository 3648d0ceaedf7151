//! The log file: `<data>/logs/wardline.log`. stdout is the screen, so nothing
//! is logged there; and no patient data or secret is ever logged.

use crate::paths::DataDir;
use std::sync::Mutex;

/// Sends `tracing` events at info level and above (or `WARDLINE_LOG`) to the
/// log file. If the file cannot be opened, logging is off; the program runs on.
pub fn init(data: &DataDir) {
    let path = data.log_dir().join("wardline.log");
    let Ok(file) = crate::paths::open_private_append(&path) else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("WARDLINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}
