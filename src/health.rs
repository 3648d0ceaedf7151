//! The checks of a hospital file, in one place: `wardline check` runs them
//! on the hospital, `wardline backup` on each copy it makes, and `restore`
//! on the backup before it may replace anything. SQLite's integrity and
//! foreign-key checks, the stock ledger, and the audit trail against the
//! checkpoint log.

use crate::checkpoint::{self, AuditReport, Scope};
use crate::domain::display::thousands;
use crate::paths::DataDir;
use crate::store::Db;
use crate::store::health::{self, ForeignKeyProblem};
use anyhow::Result;
use std::path::Path;

/// Everything the checks found.
#[derive(Debug, Clone)]
pub struct HealthReport {
    /// `PRAGMA integrity_check`'s lines: `["ok"]` when sound.
    pub integrity: Vec<String>,
    pub foreign_keys: Vec<ForeignKeyProblem>,
    /// Batches whose quantity disagrees with their movements.
    pub stock: Vec<String>,
    pub batches: i64,
    pub audit: AuditReport,
    /// The checks after SQLite's were not run: the file is damaged, and
    /// they would read the damaged pages.
    pub skipped: bool,
}

impl HealthReport {
    /// Whether every check passed.
    pub fn ok(&self) -> bool {
        self.integrity == ["ok"]
            && self.foreign_keys.is_empty()
            && self.stock.is_empty()
            && self.audit.problems.is_empty()
    }

    /// One line per check passed and per problem found, as `check` prints them.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.integrity == ["ok"] {
            out.push("integrity_check: ok".to_string());
        } else {
            out.extend(
                self.integrity
                    .iter()
                    .map(|l| format!("INTEGRITY PROBLEM: {l}")),
            );
        }
        if self.skipped {
            out.push(
                "The file is damaged, so the other checks were not run. Restore the latest backup (`wardline restore`) and run `wardline check` on it."
                    .to_string(),
            );
            return out;
        }
        if self.foreign_keys.is_empty() {
            out.push("foreign_key_check: ok".to_string());
        } else {
            out.extend(self.foreign_keys.iter().map(|p| {
                format!(
                    "FOREIGN KEY PROBLEM: row {} of {} refers to a missing {} row",
                    p.rowid, p.table, p.parent
                )
            }));
        }
        if self.stock.is_empty() {
            let n = self.batches;
            out.push(format!(
                "stock ledger: ok ({} {} agree with their ledger)",
                thousands(n as u64),
                if n == 1 { "batch" } else { "batches" }
            ));
        } else {
            out.extend(self.stock.iter().map(|p| format!("STOCK PROBLEM: {p}")));
        }
        out.extend(audit_lines(&self.audit));
        out
    }
}

/// What `audit verify` prints of a report, without advice: the verdict,
/// then any warning.
pub fn audit_lines(report: &AuditReport) -> Vec<String> {
    let mut out = if report.problems.is_empty() {
        vec![format!(
            "Audit trail intact: {} events, head {} ({} checkpoints agree)",
            report.count, report.head, report.checkpoints
        )]
    } else {
        report
            .problems
            .iter()
            .map(|p| format!("AUDIT PROBLEM: {p}"))
            .collect()
    };
    out.extend(
        report
            .warnings
            .iter()
            .map(|w| format!("AUDIT WARNING: {w}")),
    );
    out
}

/// What the check of every page of a live hospital file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PagesCheck {
    Sound,
    /// The first problem SQLite reported; writes are stopped (see
    /// [`crate::store::damage`]).
    Damaged(String),
    /// The check could not run (the file went away, the disk failed).
    CouldNotRun(String),
}

/// Reads every page of the hospital file at `path` from a connection of
/// its own, in one read transaction that blocks no terminal; damage found
/// is recorded so that this process writes nothing more.
pub fn check_pages(path: &Path) -> PagesCheck {
    let lines = crate::store::health::open_for_check(path)
        .and_then(|conn| crate::store::health::quick_check(&conn));
    match lines {
        Ok(lines) if lines == ["ok"] => PagesCheck::Sound,
        Ok(lines) => {
            let first = lines.into_iter().next().unwrap_or_default();
            crate::store::damage::record(&first);
            PagesCheck::Damaged(first)
        }
        Err(crate::store::StoreError::DamagedInUse(detail)) => PagesCheck::Damaged(detail),
        Err(e) => PagesCheck::CouldNotRun(e.to_string()),
    }
}

/// [`check_pages`] on a thread of its own, for the terminal screen, which
/// hears the result between keys.
pub fn check_pages_in_background(path: &Path) -> std::sync::mpsc::Receiver<PagesCheck> {
    let (tx, rx) = std::sync::mpsc::channel();
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(check_pages(&path));
    });
    rx
}

/// Runs every check on `db`; the audit trail is held to the checkpoint log
/// in `data` as the hospital file or as a copy (see [`Scope`]).
pub fn check(db: &Db, data: &DataDir, scope: Scope) -> Result<HealthReport> {
    let conn = db.conn();
    let integrity = health::integrity_check(conn)?;
    if integrity != ["ok"] {
        return Ok(HealthReport {
            integrity,
            foreign_keys: Vec::new(),
            stock: Vec::new(),
            batches: 0,
            audit: AuditReport::default(),
            skipped: true,
        });
    }
    Ok(HealthReport {
        integrity,
        foreign_keys: health::foreign_key_problems(conn)?,
        stock: crate::store::pharmacy::ledger_problems(conn)?,
        batches: crate::store::pharmacy::batch_count(conn)?,
        audit: checkpoint::verify_in(db, data, scope)?,
        skipped: false,
    })
}
