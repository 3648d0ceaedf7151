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

/// What `audit verify` prints of a report, without advice.
pub fn audit_lines(report: &AuditReport) -> Vec<String> {
    if report.problems.is_empty() {
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
    }
}

/// Runs every check on `db`; the audit trail is held to the checkpoint log
/// in `data` as the hospital file or as a copy (see [`Scope`]).
pub fn check(db: &Db, data: &DataDir, scope: Scope) -> Result<HealthReport> {
    let conn = db.conn();
    Ok(HealthReport {
        integrity: health::integrity_check(conn)?,
        foreign_keys: health::foreign_key_problems(conn)?,
        stock: crate::store::pharmacy::ledger_problems(conn)?,
        batches: crate::store::pharmacy::batch_count(conn)?,
        audit: checkpoint::verify_in(db, data, scope)?,
    })
}
