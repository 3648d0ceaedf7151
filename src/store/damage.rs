//! What this process knows of damage in the hospital file. SQLite finds a
//! damaged page only when something reads it — a query, the screen's
//! background check, `wardline check` — and checking every page on every
//! open would take seconds at a million patients. So the first corruption
//! error seen anywhere is recorded here, and from then on the process
//! writes nothing more to the file ([`super::Db::write`] refuses), so that
//! a damaged file is not made worse before it is restored from a backup.

use std::sync::Mutex;

static FOUND: Mutex<Option<String>> = Mutex::new(None);

/// Records that the file is damaged; the first report is kept.
pub fn record(detail: &str) {
    let mut found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
    if found.is_none() {
        tracing::error!(detail, "the hospital file is damaged: writes stopped");
        *found = Some(detail.to_string());
    }
}

/// What was found, once damage has been seen.
pub fn found() -> Option<String> {
    FOUND.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
