//! Audit checkpoints: the event count and head hash, kept outside the file.
//!
//! A hash chain cannot see its last rows cut off; a checkpoint written
//! elsewhere can. `audit verify` checks the chain and every checkpoint.

use crate::domain::audit::ChainBreak;
use crate::paths::DataDir;
use crate::store::Db;
use crate::store::audit::{self, ChainState};
use anyhow::Context;
use std::io::Write;

/// One line of a checkpoint log: `<time> <count> <head hash>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub at: String,
    pub count: i64,
    pub head: String,
}

/// Something `audit verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditProblem {
    #[error("the chain breaks at event {seq}: {cause}", seq = .0.seq(), cause = .0)]
    Chain(ChainBreak),
    #[error(
        "events are missing from the end: the checkpoint of {at} recorded {recorded} events, the file has {found}"
    )]
    TailCut {
        at: String,
        recorded: i64,
        found: i64,
    },
    #[error("event {seq} differs from the checkpoint of {at}: the trail was rewritten")]
    Rewritten { at: String, seq: i64 },
    #[error("line {line} of the checkpoint log is not a checkpoint: it was edited by hand")]
    BadLine { line: usize },
}

/// The outcome of verifying a hospital's audit trail.
#[derive(Debug, Clone)]
pub struct AuditReport {
    pub count: i64,
    pub head: String,
    pub checkpoints: usize,
    pub problems: Vec<AuditProblem>,
}

/// Appends the current count and head hash to the hospital's checkpoint log.
pub fn write(db: &Db, data: &DataDir) -> anyhow::Result<Checkpoint> {
    let (count, head) = audit::head(db.conn())?;
    let cp = Checkpoint {
        at: crate::domain::time::format_ts(chrono::Utc::now()),
        count,
        head,
    };
    let path = data.checkpoint_file(db.code());
    let mut f = crate::paths::open_private_append(&path)
        .with_context(|| format!("could not open the checkpoint log {}", path.display()))?;
    writeln!(f, "{} {} {}", cp.at, cp.count, cp.head)
        .and_then(|_| f.sync_all())
        .with_context(|| format!("could not write the checkpoint log {}", path.display()))?;
    Ok(cp)
}

/// Reads the checkpoint log; unreadable lines become problems.
pub fn read(data: &DataDir, db: &Db) -> anyhow::Result<(Vec<Checkpoint>, Vec<AuditProblem>)> {
    let path = data.checkpoint_file(db.code());
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<_> = line.split_whitespace().collect();
        match parts.as_slice() {
            [at, count, head] if head.len() == 64 => match count.parse() {
                Ok(count) => found.push(Checkpoint {
                    at: at.to_string(),
                    count,
                    head: head.to_string(),
                }),
                Err(_) => problems.push(AuditProblem::BadLine { line: i + 1 }),
            },
            _ => problems.push(AuditProblem::BadLine { line: i + 1 }),
        }
    }
    Ok((found, problems))
}

/// Verifies the chain and checks it against every checkpoint.
pub fn verify(db: &Db, data: &DataDir) -> anyhow::Result<AuditReport> {
    let (checkpoints, mut problems) = read(data, db)?;
    let (count, head) = match audit::verify_chain(db.conn())? {
        ChainState::Intact { count, head } => (count, head),
        ChainState::Broken(b) => {
            problems.insert(0, AuditProblem::Chain(b));
            audit::head(db.conn())?
        }
    };
    for cp in &checkpoints {
        if cp.count > count {
            problems.push(AuditProblem::TailCut {
                at: cp.at.clone(),
                recorded: cp.count,
                found: count,
            });
        } else if cp.count > 0 && audit::hash_at(db.conn(), cp.count)?.as_deref() != Some(&cp.head)
        {
            problems.push(AuditProblem::Rewritten {
                at: cp.at.clone(),
                seq: cp.count,
            });
        }
    }
    Ok(AuditReport {
        count,
        head,
        checkpoints: checkpoints.len(),
        problems,
    })
}
