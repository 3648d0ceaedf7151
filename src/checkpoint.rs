//! Audit checkpoints: the event count and head hash, kept outside the file.
//!
//! A hash chain cannot see its last rows cut off; a checkpoint written
//! elsewhere can. `audit verify` checks the chain and every checkpoint.
//!
//! Writing a checkpoint appends a CHECKPOINT event to the trail, then the
//! log line that names that event (its time, number and hash). So the trail
//! itself says which lines the log must hold: a log cut short, deleted or
//! replaced lacks some, and `audit verify` says which. Every command-line
//! command that appended events ends with one (`commands::open_hospital`).
//!
//! The log has two kinds of line:
//!
//! - `<time> <count> <head>`: a checkpoint; `<time>` is its CHECKPOINT
//!   event's (older logs hold lines of other events too);
//! - `<time> restore <count> <head> <kept>`: the hospital file was replaced
//!   by a backup holding `<kept>` events, and its `RESTORE_BACKUP` event is
//!   number `<count>` with hash `<head>` (between the two may lie a schema
//!   upgrade and the admin's sign-in, when these were written in the copy).
//!
//! A restore line sets aside the earlier lines that describe events the
//! backup never had (a count above `<kept>`: those events were left in the
//! replaced file); the earlier lines it does cover must still agree, and the
//! restore line itself is checked like a checkpoint, whose event must be a
//! `RESTORE_BACKUP`. So a restored file verifies, while a file cut off or
//! rewritten by other means is still caught. A restore that starts the log
//! (onto a new machine) vouches for the backup's own CHECKPOINT events.
//!
//! A line cut off while it was appended (a crash, a full disk) is a warning,
//! not tampering: the last line without its end, or a line that is the
//! beginning of a CHECKPOINT event's line. The next line starts on its own.

use crate::domain::audit::{Actor, AuditAction, AuditEvent, ChainBreak};
use crate::domain::hospital::HospitalCode;
use crate::paths::DataDir;
use crate::store::audit::{self, Anchor, ChainState};
use crate::store::{Db, StoreError};
use anyhow::Context;
use std::io::{Read, Seek, Write};
use std::path::Path;

/// One line of a checkpoint log: `<time> <count> <head hash>`, or
/// `<time> restore <count> <head hash> <kept>` for a restore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub at: String,
    pub count: i64,
    pub head: String,
    pub kind: Kind,
}

/// What a checkpoint line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The count and head at a moment.
    Checkpoint,
    /// The file replaced by a backup of `kept` events; count and head are
    /// those of the RESTORE_BACKUP event.
    Restore { kept: i64 },
}

/// The word that marks a restore line.
const RESTORE_WORD: &str = "restore";

/// How a file's trail is held to the checkpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The hospital file itself: every checkpoint in force must be in it.
    Live,
    /// A copy taken at some moment (a backup): checkpoints written after
    /// it, with more events than it has, do not concern it; and on a
    /// machine with no checkpoint log yet (a backup about to be restored
    /// onto a new machine) its own checkpoints have nothing to be held to.
    Copy,
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
    #[error(
        "the restore recorded at {at} names event {seq}, which is not a restore: the checkpoint log or the trail was edited"
    )]
    NotARestore { at: String, seq: i64 },
    #[error(
        "the checkpoint log lacks the checkpoint of event {seq} written at {at}: the log was cut, deleted or replaced"
    )]
    MissingCheckpoint { seq: i64, at: String },
}

/// Something `audit verify` found that is no sign of tampering but needs
/// doing: it is said, and the trail still verifies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditWarning {
    #[error(
        "the last line of the checkpoint log was cut off while it was being written (a crash or a full disk): run `wardline audit checkpoint` to write a whole one"
    )]
    TornLastLine,
    #[error(
        "line {line} of the checkpoint log was cut off while it was being written (a crash or a full disk); the lines after it are whole"
    )]
    TornLine { line: usize },
}

/// The outcome of verifying a hospital's audit trail.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    pub count: i64,
    pub head: String,
    /// The checkpoint lines in force that the trail was held to.
    pub checkpoints: usize,
    pub problems: Vec<AuditProblem>,
    pub warnings: Vec<AuditWarning>,
}

/// Records a checkpoint: a CHECKPOINT event appended to the trail (through
/// the one write path), then the log line naming that event.
pub fn write(db: &mut Db, data: &DataDir) -> anyhow::Result<Checkpoint> {
    let seq = db
        .write(&Actor::system(), |tx| {
            let (count, _) = audit::head(tx)?;
            let event = AuditEvent::new(
                AuditAction::Checkpoint,
                "audit",
                "the event count and head hash written to the checkpoint log",
            );
            Ok::<_, StoreError>((count + 1, vec![event]))
        })
        .context("could not record the checkpoint in the audit trail")?;
    let anchor = audit::anchor_at(db.conn(), seq)?.with_context(|| {
        format!("the checkpoint event {seq} just written cannot be read back: run `wardline check`")
    })?;
    append_line(
        data,
        db.code(),
        Checkpoint {
            at: anchor.at,
            count: anchor.seq,
            head: anchor.hash,
            kind: Kind::Checkpoint,
        },
    )
}

/// Appends a restore line: hospital `code`'s file has just been replaced by
/// a backup of `kept` events, and event `count`, whose hash is `head`, is
/// the `RESTORE_BACKUP` that says so.
pub fn write_restore(
    data: &DataDir,
    code: &HospitalCode,
    count: i64,
    head: &str,
    kept: i64,
) -> anyhow::Result<Checkpoint> {
    append_line(
        data,
        code,
        Checkpoint {
            at: crate::domain::time::format_ts(chrono::Utc::now()),
            count,
            head: head.to_string(),
            kind: Kind::Restore { kept },
        },
    )
}

fn append_line(data: &DataDir, code: &HospitalCode, cp: Checkpoint) -> anyhow::Result<Checkpoint> {
    let path = data.checkpoint_file(code);
    let torn = ends_mid_line(&path)
        .with_context(|| format!("could not read the checkpoint log {}", path.display()))?;
    let mut f = crate::paths::open_private_append(&path)
        .with_context(|| format!("could not open the checkpoint log {}", path.display()))?;
    let start = if torn { "\n" } else { "" };
    writeln!(f, "{start}{}", line(&cp))
        .and_then(|_| f.sync_all())
        .with_context(|| format!("could not write the checkpoint log {}", path.display()))?;
    Ok(cp)
}

/// Whether the log's last line lacks its end (it was cut off while being
/// written), so that the next line must start on a line of its own.
fn ends_mid_line(path: &Path) -> std::io::Result<bool> {
    let mut f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(std::io::SeekFrom::End(-1))?;
    let mut last = [0u8];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// The text of one line of the log.
fn line(cp: &Checkpoint) -> String {
    match cp.kind {
        Kind::Checkpoint => format!("{} {} {}", cp.at, cp.count, cp.head),
        Kind::Restore { kept } => {
            format!("{} {RESTORE_WORD} {} {} {kept}", cp.at, cp.count, cp.head)
        }
    }
}

/// The whole line a CHECKPOINT event's log line is.
fn line_of(event: &Anchor) -> String {
    line(&Checkpoint {
        at: event.at.clone(),
        count: event.seq,
        head: event.hash.clone(),
        kind: Kind::Checkpoint,
    })
}

/// Whether `text` is the beginning of `event`'s line, cut off.
fn is_torn_line_of(text: &str, event: &Anchor) -> bool {
    let whole = line_of(event);
    text.len() < whole.len() && whole.starts_with(text)
}

/// Reads one line of the log; `None` for any other shape.
fn parse_line(line: &str) -> Option<Checkpoint> {
    let parts: Vec<_> = line.split_whitespace().collect();
    let (at, kind, count, head) = match parts.as_slice() {
        [at, count, head] => (at, Kind::Checkpoint, count, head),
        [at, word, count, head, kept] if *word == RESTORE_WORD => {
            let kept = kept.parse().ok().filter(|k| *k >= 0)?;
            (at, Kind::Restore { kept }, count, head)
        }
        _ => return None,
    };
    if head.len() != 64 || !head.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let count: i64 = count.parse().ok()?;
    if matches!(kind, Kind::Restore { kept } if kept >= count) {
        return None;
    }
    Some(Checkpoint {
        at: at.to_string(),
        count,
        head: head.to_string(),
        kind,
    })
}

/// The lines still in force, in order: each restore line sets aside the
/// earlier lines that describe events its backup never had.
pub fn in_force(lines: &[Checkpoint]) -> Vec<Checkpoint> {
    let mut kept: Vec<Checkpoint> = Vec::new();
    for cp in lines {
        if let Kind::Restore { kept: from_backup } = cp.kind {
            kept.retain(|k| k.count <= from_backup);
        }
        kept.push(cp.clone());
    }
    kept
}

/// The checkpoint log as read: its lines, and those that are not lines.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub lines: Vec<Checkpoint>,
    pub unreadable: Vec<Unreadable>,
}

/// A line of the log that is no checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Its number in the log, from 1.
    pub line: usize,
    pub text: String,
    /// The log's last line, without its end: cut off while being written.
    pub torn_last: bool,
}

/// Reads hospital `code`'s checkpoint log (none is an empty log).
pub fn read(data: &DataDir, code: &HospitalCode) -> anyhow::Result<Log> {
    let path = data.checkpoint_file(code);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("could not read {}", path.display())),
    };
    let ends_whole = text.is_empty() || text.ends_with('\n');
    let last = text.lines().count();
    let mut log = Log::default();
    for (i, l) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match parse_line(l) {
            Some(cp) => log.lines.push(cp),
            None => log.unreadable.push(Unreadable {
                line: i + 1,
                text: l.to_string(),
                torn_last: i + 1 == last && !ends_whole,
            }),
        }
    }
    Ok(log)
}

/// Verifies the hospital file's chain and checks it against every
/// checkpoint in force.
pub fn verify(db: &Db, data: &DataDir) -> anyhow::Result<AuditReport> {
    verify_in(db, data, Scope::Live)
}

/// Verifies the chain of `db` and checks it against the checkpoints in
/// force, as the hospital file ([`Scope::Live`]) or as a copy of it; and
/// every CHECKPOINT event of the trail against its line in the log.
pub fn verify_in(db: &Db, data: &DataDir, scope: Scope) -> anyhow::Result<AuditReport> {
    let log = read(data, db.code())?;
    let anchors = audit::anchors_of(db.conn(), AuditAction::Checkpoint.into())?;
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for u in &log.unreadable {
        if u.torn_last {
            warnings.push(AuditWarning::TornLastLine);
        } else if anchors.iter().any(|a| is_torn_line_of(&u.text, a)) {
            warnings.push(AuditWarning::TornLine { line: u.line });
        } else {
            problems.push(AuditProblem::BadLine { line: u.line });
        }
    }
    let checkpoints = in_force(&log.lines);
    let (count, head) = match audit::verify_chain(db.conn())? {
        ChainState::Intact { count, head } => (count, head),
        ChainState::Broken(b) => {
            problems.insert(0, AuditProblem::Chain(b));
            audit::head(db.conn())?
        }
    };
    let mut compared = 0;
    for cp in &checkpoints {
        if cp.count <= count || scope == Scope::Live {
            compared += 1;
        }
        if cp.count > count {
            if scope == Scope::Live {
                problems.push(AuditProblem::TailCut {
                    at: cp.at.clone(),
                    recorded: cp.count,
                    found: count,
                });
            }
        } else if cp.count > 0 && audit::hash_at(db.conn(), cp.count)?.as_deref() != Some(&cp.head)
        {
            problems.push(AuditProblem::Rewritten {
                at: cp.at.clone(),
                seq: cp.count,
            });
        } else if matches!(cp.kind, Kind::Restore { .. })
            && audit::action_at(db.conn(), cp.count)?.as_deref()
                != Some(<&str>::from(AuditAction::RestoreBackup))
        {
            problems.push(AuditProblem::NotARestore {
                at: cp.at.clone(),
                seq: cp.count,
            });
        }
    }
    problems.extend(missing_lines(&log, &checkpoints, &anchors, scope));
    Ok(AuditReport {
        count,
        head,
        checkpoints: compared,
        problems,
        warnings,
    })
}

/// The CHECKPOINT events whose line the log lacks. A line in force with
/// the event's number but another hash is reported as a rewritten trail
/// already; a line cut off while being written is warned about instead; a
/// restore that starts the log vouches for the events of its backup; a copy
/// checked where there is no log at all has nothing to be held to.
fn missing_lines(
    log: &Log,
    in_force: &[Checkpoint],
    anchors: &[Anchor],
    scope: Scope,
) -> Vec<AuditProblem> {
    let vouched_up_to = match log.lines.first() {
        None if scope == Scope::Copy && log.unreadable.is_empty() => i64::MAX,
        Some(Checkpoint {
            kind: Kind::Restore { kept },
            ..
        }) => *kept,
        _ => 0,
    };
    anchors
        .iter()
        .filter(|a| a.seq > vouched_up_to)
        .filter(|a| {
            !log.lines
                .iter()
                .any(|l| l.kind == Kind::Checkpoint && l.count == a.seq && l.head == a.hash)
        })
        .filter(|a| !in_force.iter().any(|l| l.count == a.seq))
        .filter(|a| !log.unreadable.iter().any(|u| is_torn_line_of(&u.text, a)))
        .map(|a| AuditProblem::MissingCheckpoint {
            seq: a.seq,
            at: a.at.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp(kind: Kind, count: i64) -> Checkpoint {
        Checkpoint {
            at: "2026-03-09T08:00:00.000000Z".into(),
            count,
            head: format!("{count:064x}"),
            kind,
        }
    }

    #[test]
    fn both_shapes_of_line_round_trip() {
        for c in [cp(Kind::Checkpoint, 12), cp(Kind::Restore { kept: 37 }, 40)] {
            assert_eq!(parse_line(&line(&c)), Some(c));
        }
    }

    #[test]
    fn other_shapes_are_not_lines() {
        let head = "a".repeat(64);
        for bad in [
            format!("t 12 {}", &head[..63]),
            format!("t twelve {head}"),
            format!("t restored 12 {head} 10"),
            format!("t restore 12 {head}"),
            format!("t restore 12 {head} 12"),
            format!("t restore 12 {head} ten"),
            format!("t 12 {}", "g".repeat(64)),
            "t 12".to_string(),
        ] {
            assert_eq!(parse_line(&bad), None, "{bad}");
        }
    }

    #[test]
    fn a_line_cut_off_while_written_is_torn_and_the_next_starts_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
        let code: HospitalCode = "TST".parse().unwrap();
        let first = cp(Kind::Checkpoint, 12);
        append_line(&data, &code, first.clone()).unwrap();
        let path = data.checkpoint_file(&code);
        let whole = std::fs::read_to_string(&path).unwrap();
        let cut = &whole[..whole.len() - 10];
        std::fs::write(&path, cut).unwrap();
        let log = read(&data, &code).unwrap();
        assert!(log.lines.is_empty());
        assert_eq!(
            log.unreadable,
            [Unreadable {
                line: 1,
                text: cut.to_string(),
                torn_last: true
            }]
        );

        append_line(&data, &code, cp(Kind::Checkpoint, 13)).unwrap();
        let log = read(&data, &code).unwrap();
        assert_eq!(log.lines, [cp(Kind::Checkpoint, 13)]);
        assert!(!log.unreadable[0].torn_last);
        let event = Anchor {
            seq: first.count,
            at: first.at,
            hash: first.head,
        };
        assert!(is_torn_line_of(&log.unreadable[0].text, &event));
        assert!(!is_torn_line_of("2026-03-09T08:00:00.000000Z 7", &event));
        assert!(!is_torn_line_of(whole.trim_end(), &event), "a whole line");
    }

    #[test]
    fn a_restore_sets_aside_only_what_its_backup_never_had() {
        // The backup held 20 events; its restore event is number 23.
        let lines = [
            cp(Kind::Checkpoint, 10),
            cp(Kind::Checkpoint, 20),
            cp(Kind::Checkpoint, 21),
            cp(Kind::Checkpoint, 30),
            cp(Kind::Restore { kept: 20 }, 23),
            cp(Kind::Checkpoint, 25),
        ];
        let counts: Vec<_> = in_force(&lines).iter().map(|c| c.count).collect();
        assert_eq!(counts, [10, 20, 23, 25]);
        // A second restore to an older backup sets aside the first one too.
        let mut more = lines.to_vec();
        more.push(cp(Kind::Restore { kept: 10 }, 11));
        let counts: Vec<_> = in_force(&more).iter().map(|c| c.count).collect();
        assert_eq!(counts, [10, 11]);
    }
}
