//! How far a running import is, published in a small file beside the
//! hospital file (`<hospital file>.import`).
//!
//! An import holds the write lock for as long as it runs. Other terminals
//! read on (the write-ahead log lets them), but a change of theirs would give
//! up after [`super::BUSY_TIMEOUT`]; with this file they can tell that an
//! import is what they wait for, wait for it to end instead, and say who runs
//! it and how far it is. A file left by an import that died (its process is
//! gone) is ignored and removed.

use chrono::{DateTime, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::domain::display::thousands;
use crate::domain::time::{format_ts, parse_ts};

/// Rows between two updates of the file: often enough for a waiting
/// terminal to see it move, rarely enough to cost the import nothing.
pub const ROWS_BETWEEN_UPDATES: u64 = 4096;

/// One reading of the file: who imports, since when, and how far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    /// The importing process.
    pub pid: u32,
    /// The user name of whoever runs the import.
    pub user: String,
    pub started: DateTime<Utc>,
    /// Rows read so far.
    pub rows: u64,
    /// Bytes of the file read so far.
    pub bytes: u64,
    /// The file's size, when known.
    pub size: Option<u64>,
}

impl ImportProgress {
    /// A new import by this process, nothing read yet.
    pub fn starting(user: &str, started: DateTime<Utc>, size: Option<u64>) -> ImportProgress {
        ImportProgress {
            pid: std::process::id(),
            user: user.to_string(),
            started,
            rows: 0,
            bytes: 0,
            size,
        }
    }

    /// How much of the file is read, in whole percent, when its size is known.
    pub fn percent(&self) -> Option<u64> {
        self.size
            .filter(|&s| s > 0)
            .map(|s| self.bytes.min(s) * 100 / s)
    }

    /// What a terminal waiting for the import tells its user.
    pub fn waiting_message(&self) -> String {
        let done = match self.percent() {
            Some(p) => format!("{} rows in ({p}%)", thousands(self.rows)),
            None => format!("{} rows in", thousands(self.rows)),
        };
        format!(
            "waiting: an import by {} is running, {done}; your change is saved when it ends",
            self.user
        )
    }

    fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            self.pid,
            self.user,
            format_ts(self.started),
            self.rows,
            self.bytes,
            self.size.map(|s| s.to_string()).unwrap_or_default()
        )
    }

    fn parse(text: &str) -> Option<ImportProgress> {
        let mut fields = text.trim_end_matches('\n').split('\t');
        let mut next = || fields.next();
        let progress = ImportProgress {
            pid: next()?.parse().ok()?,
            user: next()?.to_string(),
            started: parse_ts(next()?)?,
            rows: next()?.parse().ok()?,
            bytes: next()?.parse().ok()?,
            size: match next()? {
                "" => None,
                s => Some(s.parse().ok()?),
            },
        };
        next().is_none().then_some(progress)
    }
}

/// Where the progress of an import into `hospital_file` is published.
pub fn progress_path(hospital_file: &Path) -> PathBuf {
    let mut path = hospital_file.as_os_str().to_owned();
    path.push(".import");
    PathBuf::from(path)
}

/// The import running on `hospital_file`, if one is: `None` when there is no
/// progress file, or when the one there was left by a process that is gone
/// or cannot be read (it is removed).
pub fn running(hospital_file: &Path) -> Option<ImportProgress> {
    let path = progress_path(hospital_file);
    let text = std::fs::read_to_string(&path).ok()?;
    match ImportProgress::parse(&text) {
        Some(p) if alive(p.pid) => Some(p),
        _ => {
            let _ = std::fs::remove_file(&path);
            None
        }
    }
}

/// Whether a process with this id runs (on this machine).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        // It runs as another user.
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

/// The progress file of the import this process runs: written when it
/// starts, rewritten as it goes, removed when it ends however it ends.
#[derive(Debug)]
pub struct Publisher {
    path: PathBuf,
    progress: ImportProgress,
    written_rows: u64,
}

impl Publisher {
    /// Publishes `progress` for an import into `hospital_file`.
    pub fn start(hospital_file: &Path, progress: ImportProgress) -> std::io::Result<Publisher> {
        let publisher = Publisher {
            path: progress_path(hospital_file),
            progress,
            written_rows: 0,
        };
        publisher.write()?;
        Ok(publisher)
    }

    /// Notes how far the import is, rewriting the file every
    /// [`ROWS_BETWEEN_UPDATES`] rows. A failed rewrite only leaves the
    /// waiting terminals an older figure.
    pub fn update(&mut self, rows: u64, bytes: u64) {
        self.progress.rows = rows;
        self.progress.bytes = bytes;
        if rows >= self.written_rows + ROWS_BETWEEN_UPDATES && self.write().is_ok() {
            self.written_rows = rows;
        }
    }

    /// Replaces the file in one step (a reader sees the old line or the new
    /// one), readable by its owner only.
    fn write(&self) -> std::io::Result<()> {
        let mut temporary = self.path.as_os_str().to_owned();
        temporary.push(".new");
        let temporary = PathBuf::from(temporary);
        let _ = std::fs::remove_file(&temporary);
        crate::paths::create_private_file(&temporary)?;
        let mut file = std::fs::OpenOptions::new().write(true).open(&temporary)?;
        file.write_all(self.progress.line().as_bytes())?;
        drop(file);
        std::fs::rename(&temporary, &self.path)
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Which progress a waiting terminal has told its user already: the first
/// reading, then each tenth of the file (or each 100,000 rows when its size
/// is unknown).
#[derive(Debug, Default)]
pub struct Told {
    last: Option<u64>,
}

impl Told {
    /// Whether `progress` is worth telling: the first, or further on.
    pub fn worth_telling(&mut self, progress: &ImportProgress) -> bool {
        let step = match progress.percent() {
            Some(p) => p / 10,
            None => progress.rows / 100_000,
        };
        let news = self.last != Some(step);
        self.last = Some(step);
        news
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn started() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, 10, 0, 0).unwrap()
    }

    #[test]
    fn the_line_reads_back_and_says_how_far() {
        let mut p = ImportProgress::starting("admin", started(), Some(1000));
        p.rows = 312_000;
        p.bytes = 400;
        assert_eq!(ImportProgress::parse(&p.line()), Some(p.clone()));
        assert_eq!(
            p.waiting_message(),
            "waiting: an import by admin is running, 312,000 rows in (40%); your change is saved when it ends"
        );
        p.size = None;
        assert_eq!(ImportProgress::parse(&p.line()), Some(p));
        assert_eq!(ImportProgress::parse("12\tadmin\n"), None);
    }

    #[test]
    fn a_file_is_published_while_the_import_runs_and_removed_after() {
        let dir = tempfile::tempdir().unwrap();
        let hospital = dir.path().join("TST.db");
        let mut publisher = Publisher::start(
            &hospital,
            ImportProgress::starting("admin", started(), None),
        )
        .unwrap();
        assert_eq!(running(&hospital).map(|p| p.rows), Some(0));
        publisher.update(ROWS_BETWEEN_UPDATES, 10);
        assert_eq!(
            running(&hospital).map(|p| p.rows),
            Some(ROWS_BETWEEN_UPDATES)
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(progress_path(&hospital))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(publisher);
        assert!(!progress_path(&hospital).exists());
        assert_eq!(running(&hospital), None);
    }

    #[test]
    fn told_once_then_as_it_progresses() {
        let mut told = Told::default();
        let mut p = ImportProgress::starting("admin", started(), Some(100));
        assert!(told.worth_telling(&p));
        p.bytes = 5;
        assert!(!told.worth_telling(&p));
        p.bytes = 12;
        assert!(told.worth_telling(&p));
    }
}
