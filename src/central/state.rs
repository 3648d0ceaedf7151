//! What this machine remembers of its pushes, beside the hospital files
//! (`<data>/central/<CODE>.json`, 0600): the last push, the error of the
//! last one that failed, and the position the central store acknowledged,
//! so that `central status` tells each hospital's lag even when the store
//! cannot be reached. The central store's own cursors stay the truth a push
//! resumes from; this is only what was last heard of them.

use super::source::Cursors;
use crate::paths::DataDir;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::PathBuf;

/// The last push of one hospital, as this machine saw it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PushState {
    /// The central store pushed to, without a password.
    pub central: Option<String>,
    /// When a push last began (UTC, RFC 3339).
    pub last_attempt_at: Option<String>,
    /// When a push last ran to its end.
    pub last_success_at: Option<String>,
    /// Why the last push stopped, if it failed.
    pub last_error: Option<String>,
    /// Rows sent by the last push, as far as it got.
    pub last_rows: u64,
    /// The position the central store last acknowledged.
    pub cursors: Cursors,
}

fn path(data: &DataDir, code: &str) -> PathBuf {
    data.root().join("central").join(format!("{code}.json"))
}

/// The remembered state; a hospital never pushed has the default.
pub fn load(data: &DataDir, code: &str) -> Result<PushState> {
    let file = path(data, code);
    match std::fs::read_to_string(&file) {
        Ok(text) => serde_json::from_str(&text).with_context(|| {
            format!(
                "{} cannot be read as a push record: delete it (the next push rewrites it)",
                file.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(PushState::default()),
        Err(e) => Err(e).with_context(|| format!("could not read {}", file.display())),
    }
}

/// Replaces the remembered state whole (written aside, then renamed).
pub fn save(data: &DataDir, code: &str, state: &PushState) -> Result<()> {
    let file = path(data, code);
    let dir = file.parent().map(PathBuf::from).unwrap_or_default();
    crate::paths::create_private_dir(&dir)
        .with_context(|| format!("could not make {}", dir.display()))?;
    let aside = dir.join(format!(".{code}.json.new"));
    let _ = std::fs::remove_file(&aside);
    crate::paths::create_private_file(&aside)
        .with_context(|| format!("could not write {}", aside.display()))?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .open(&aside)
        .with_context(|| format!("could not write {}", aside.display()))?;
    out.write_all(serde_json::to_string_pretty(state)?.as_bytes())
        .and_then(|()| out.sync_all())
        .with_context(|| format!("could not write {}", aside.display()))?;
    std::fs::rename(&aside, &file)
        .with_context(|| format!("could not write {}", file.display()))?;
    Ok(())
}
