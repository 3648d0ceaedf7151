//! The tamper-evident audit trail: the hash chain catches edited, deleted and
//! reordered rows; checkpoints catch a cut or rewritten tail; the command line
//! reports the same.

mod common;

use chrono::Utc;
use common::{Hospital, add_user, code, hospital, raw, sign_in_user};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use wardline::auth;
use wardline::checkpoint::{self, AuditProblem, AuditReport};
use wardline::domain::audit::{Actor, AuditAction, AuditEvent, ChainBreak};
use wardline::domain::role::Role;
use wardline::ops::settings;
use wardline::paths::DataDir;
use wardline::store::Db;
use wardline::store::audit::{ChainState, verify_chain};
use wardline::store::sessions::EndReason;

/// A hospital with a few dozen audit events of several kinds, closed.
/// Returns the data directory and the number of events.
fn populated(dir: &Path) -> (DataDir, i64) {
    let Hospital {
        data,
        mut db,
        admin,
    } = hospital(dir);
    let now = Utc::now();
    for (name, role) in [
        ("nora", Role::Nurse),
        ("dami", Role::Doctor),
        ("rex", Role::Receptionist),
        ("phil", Role::Pharmacist),
    ] {
        add_user(&mut db, &admin, name, role);
        let s = sign_in_user(&mut db, name, now);
        auth::lock_session(&mut db, &s, "idle").unwrap();
        auth::sign_out(&mut db, &s, EndReason::Logout, now).unwrap();
    }
    for _ in 0..3 {
        let _ = auth::sign_in(&mut db, "nora", "a wrong guess here", now);
    }
    for (key, value) in [
        ("idle_lock_minutes", "10"),
        ("currency", "KES"),
        ("date_format", "DD/MM/YYYY"),
        ("lockout_minutes", "30"),
        ("hospital_name", "Test District Hospital"),
        ("idle_lock_minutes", "7"),
        ("currency", "EUR"),
        ("mrn_prefix", "TSTH"),
    ] {
        settings::set(&mut db, &admin, key, value).unwrap();
    }
    auth::sign_out(&mut db, &admin, EndReason::Logout, now).unwrap();
    let count = common::audit_count(db.conn());
    assert!(count >= 30, "only {count} events");
    drop(db);
    (data, count)
}

fn hospital_path(data: &DataDir) -> PathBuf {
    data.hospital_file(&code())
}

fn open(data: &DataDir) -> Db {
    Db::open(&hospital_path(data)).expect("open the hospital")
}

fn verify(data: &DataDir) -> AuditReport {
    checkpoint::verify(&open(data), data).expect("verify runs")
}

fn write_checkpoint(data: &DataDir) -> checkpoint::Checkpoint {
    checkpoint::write(&mut open(data), data).expect("write a checkpoint")
}

/// The file as someone holding it would tamper with it: the append-only
/// triggers dropped first.
fn tamper(data: &DataDir, sql: &str) {
    let conn = raw(&hospital_path(data));
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         DROP TRIGGER audit_log_no_delete;",
    )
    .expect("drop the triggers");
    conn.execute_batch(sql).expect("tamper");
}

fn last_hash(conn: &Connection) -> String {
    conn.query_row(
        "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn chain(data: &DataDir) -> ChainState {
    verify_chain(open(data).conn()).unwrap()
}

#[test]
fn an_untouched_trail_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let mut db = open(&data);
    let rows = common::audit_count(db.conn());
    assert_eq!(rows, count);
    let max: i64 = db
        .conn()
        .query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(max, rows, "sequence numbers run 1..=count");

    let report = checkpoint::verify(&db, &data).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.count, rows);
    assert_eq!(report.head, last_hash(db.conn()));
    assert_eq!(report.checkpoints, 0);

    // The trail holds what happened, in order.
    let actions: Vec<String> = wardline::store::audit::recent(db.conn(), 1000)
        .unwrap()
        .into_iter()
        .rev()
        .map(|r| r.action)
        .collect();
    for a in [
        AuditAction::Create,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::SessionLock,
        AuditAction::Logout,
        AuditAction::Update,
    ] {
        assert!(actions.contains(&a.to_string()), "no {a} event");
    }
    assert_eq!(actions[0], "CREATE", "the hospital's creation comes first");

    // Checkpoints of an intact trail agree, now and after more events. A
    // checkpoint is itself an event (CHECKPOINT), and its line names it.
    let cp = checkpoint::write(&mut db, &data).unwrap();
    assert_eq!(cp.count, rows + 1);
    assert_eq!(cp.head, last_hash(db.conn()));
    assert_eq!(
        wardline::store::audit::action_at(db.conn(), cp.count)
            .unwrap()
            .as_deref(),
        Some("CHECKPOINT")
    );
    drop(db);
    let mut db = open(&data);
    db.write(&Actor::system(), |_| {
        Ok::<_, wardline::Error>((
            (),
            vec![AuditEvent::new(AuditAction::Read, "test", "one more")],
        ))
    })
    .unwrap();
    checkpoint::write(&mut db, &data).unwrap();
    let report = checkpoint::verify(&db, &data).unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.count, rows + 3);
    assert_eq!(report.checkpoints, 2);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.checkpoint_file(&code()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "checkpoint log mode");
        let dir_mode = std::fs::metadata(data.checkpoint_file(&code()).parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700, "checkpoints folder mode");
    }
}

#[test]
fn an_edited_row_breaks_the_chain_there() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let k = count / 2;
    tamper(
        &data,
        &format!("UPDATE audit_log SET summary = 'nothing to see here' WHERE seq = {k}"),
    );
    let report = verify(&data);
    assert_eq!(
        report.problems,
        [AuditProblem::Chain(ChainBreak::Edited { seq: k })]
    );
    assert!(
        report.problems[0]
            .to_string()
            .contains(&format!("event {k}"))
    );

    // Editing a row and recomputing its hash moves the break to the next row.
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let k = count / 2;
    let conn = raw(&hospital_path(&data));
    let mut row = wardline::store::audit::recent(&conn, 1000)
        .unwrap()
        .into_iter()
        .find(|r| r.seq == k)
        .unwrap();
    row.summary = "nothing to see here".into();
    row.hash = row.compute_hash();
    drop(conn);
    tamper(
        &data,
        &format!(
            "UPDATE audit_log SET summary = '{}', hash = '{}' WHERE seq = {k}",
            row.summary, row.hash
        ),
    );
    assert_eq!(
        verify(&data).problems,
        [AuditProblem::Chain(ChainBreak::BrokenLink { seq: k + 1 })]
    );
}

#[test]
fn a_deleted_row_leaves_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let k = count / 3;
    tamper(&data, &format!("DELETE FROM audit_log WHERE seq = {k}"));
    let report = verify(&data);
    assert_eq!(
        report.problems,
        [AuditProblem::Chain(ChainBreak::Gap {
            previous: k - 1,
            found: k + 1
        })]
    );
    match &report.problems[0] {
        AuditProblem::Chain(b) => assert_eq!(b.seq(), k + 1),
        other => panic!("{other:?}"),
    }

    // Deleting the first row is caught too.
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = populated(dir.path());
    tamper(&data, "DELETE FROM audit_log WHERE seq = 1");
    assert_eq!(
        verify(&data).problems,
        [AuditProblem::Chain(ChainBreak::Gap {
            previous: 0,
            found: 2
        })]
    );
}

#[test]
fn a_deleted_row_with_the_rest_renumbered_breaks_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let k = count / 3;
    tamper(
        &data,
        &format!(
            "DELETE FROM audit_log WHERE seq = {k};
             UPDATE audit_log SET seq = seq + 1000000 WHERE seq > {k};
             UPDATE audit_log SET seq = seq - 1000001 WHERE seq > 1000000;"
        ),
    );
    assert_eq!(common::audit_count(&raw(&hospital_path(&data))), count - 1);
    assert_eq!(
        verify(&data).problems,
        [AuditProblem::Chain(ChainBreak::BrokenLink { seq: k })]
    );
}

#[test]
fn reordered_rows_are_caught_at_the_first_one_moved() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let a = count / 2;
    let b = a + 3;
    // Swap the sequence numbers of two rows through a temporary one.
    tamper(
        &data,
        &format!(
            "UPDATE audit_log SET seq = 1000000 WHERE seq = {a};
             UPDATE audit_log SET seq = {a} WHERE seq = {b};
             UPDATE audit_log SET seq = {b} WHERE seq = 1000000;"
        ),
    );
    assert_eq!(
        verify(&data).problems,
        [AuditProblem::Chain(ChainBreak::BrokenLink { seq: a })]
    );

    // Swapping whole contents (summary and hashes) of two neighbours.
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let a = count / 2;
    tamper(
        &data,
        &format!(
            "CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE seq IN ({a}, {b});
             UPDATE audit_log SET
                 (at, actor_id, actor_name, actor_role, action, entity, entity_id,
                  patient_id, summary, prev_hash, hash) =
                 (SELECT at, actor_id, actor_name, actor_role, action, entity, entity_id,
                         patient_id, summary, prev_hash, hash
                  FROM swap WHERE swap.seq = {a} + {b} - audit_log.seq)
             WHERE seq IN ({a}, {b});",
            b = a + 1
        ),
    );
    assert_eq!(
        verify(&data).problems,
        [AuditProblem::Chain(ChainBreak::BrokenLink { seq: a })]
    );
}

#[test]
fn a_cut_tail_is_caught_only_by_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let cp = write_checkpoint(&data);
    assert_eq!(cp.count, count + 1);
    let count = cp.count;
    assert!(verify(&data).problems.is_empty());

    tamper(
        &data,
        &format!("DELETE FROM audit_log WHERE seq > {}", count - 3),
    );

    // The chain by itself still looks whole: that is why checkpoints exist.
    match chain(&data) {
        ChainState::Intact { count: c, .. } => assert_eq!(c, count - 3),
        ChainState::Broken(b) => panic!("a cut chain reported a break: {b}"),
    }

    let report = verify(&data);
    assert_eq!(
        report.problems,
        [AuditProblem::TailCut {
            at: cp.at.clone(),
            recorded: count,
            found: count - 3
        }]
    );
    assert_eq!(report.count, count - 3);
    assert_eq!(report.checkpoints, 1);
}

#[test]
fn a_rewritten_tail_is_caught_by_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = populated(dir.path());
    let cp = write_checkpoint(&data);
    let count = cp.count;
    tamper(
        &data,
        &format!(
            "DELETE FROM audit_log WHERE seq > {};
             CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
             CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
            count - 3
        ),
    );
    // Four innocent-looking events take the place of the three removed.
    let mut db = open(&data);
    db.write(&Actor::system(), |_| {
        let events = (1..=4)
            .map(|i| AuditEvent::new(AuditAction::Read, "setting", format!("looked {i}")))
            .collect();
        Ok::<_, wardline::Error>(((), events))
    })
    .unwrap();
    assert_eq!(common::audit_count(db.conn()), count + 1);
    match verify_chain(db.conn()).unwrap() {
        ChainState::Intact { count: c, .. } => assert_eq!(c, count + 1),
        ChainState::Broken(b) => panic!("a rewritten chain reported a break: {b}"),
    }
    let report = checkpoint::verify(&db, &data).unwrap();
    assert_eq!(
        report.problems,
        [AuditProblem::Rewritten {
            at: cp.at.clone(),
            seq: count
        }]
    );

    // The same with fewer events than were removed is a cut tail.
    drop(db);
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = populated(dir.path());
    let cp = write_checkpoint(&data);
    let count = cp.count;
    tamper(
        &data,
        &format!("DELETE FROM audit_log WHERE seq > {}", count - 3),
    );
    let mut db = open(&data);
    db.write(&Actor::system(), |_| {
        Ok::<_, wardline::Error>(((), vec![AuditEvent::new(AuditAction::Read, "x", "y")]))
    })
    .unwrap();
    assert_eq!(
        checkpoint::verify(&db, &data).unwrap().problems,
        [AuditProblem::TailCut {
            at: cp.at,
            recorded: count,
            found: count - 2
        }]
    );
}

#[test]
fn a_recomputed_chain_passes_alone_but_not_against_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = populated(dir.path());
    let cp = write_checkpoint(&data);
    let count = cp.count;
    let k = count / 2;

    // Someone edits row k and recomputes every hash from there on, which
    // needs no secret: the chain alone then verifies.
    let conn = raw(&hospital_path(&data));
    let mut rows = wardline::store::audit::recent(&conn, 1000).unwrap();
    rows.reverse();
    drop(conn);
    let mut sql = String::new();
    let mut prev = rows[(k - 2) as usize].hash.clone();
    for r in rows.iter_mut().filter(|r| r.seq >= k) {
        if r.seq == k {
            r.summary = "nothing to see here".into();
        }
        r.prev_hash = prev;
        r.hash = r.compute_hash();
        prev = r.hash.clone();
        sql.push_str(&format!(
            "UPDATE audit_log SET summary = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};\n",
            r.summary.replace('\'', "''"),
            r.prev_hash,
            r.hash,
            r.seq
        ));
    }
    tamper(&data, &sql);
    match chain(&data) {
        ChainState::Intact { count: c, .. } => assert_eq!(c, count),
        ChainState::Broken(b) => panic!("the recomputed chain should verify alone: {b}"),
    }

    let report = verify(&data);
    assert_eq!(
        report.problems,
        [AuditProblem::Rewritten {
            at: cp.at,
            seq: count
        }]
    );
}

#[test]
fn an_edited_checkpoint_log_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = populated(dir.path());
    write_checkpoint(&data);
    let log = data.checkpoint_file(&code());
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str("yesterday lots of events\n");
    std::fs::write(&log, text).unwrap();
    assert_eq!(verify(&data).problems, [AuditProblem::BadLine { line: 2 }]);
}

// The command line.

fn wardline(data: &DataDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wardline"))
        .arg("--data-dir")
        .arg(data.root())
        .args(args)
        .env_remove("WARDLINE_DATA_DIR")
        .env_remove("RUST_LOG")
        .output()
        .expect("run wardline")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_command_line_agrees_on_an_intact_trail() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let head = last_hash(&raw(&hospital_path(&data)));

    let out = wardline(&data, &["audit", "verify"]);
    assert!(out.status.success(), "audit verify failed: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("{count} events")), "{stdout}");
    assert!(stdout.contains(&head), "{stdout}");

    let out = wardline(&data, &["audit", "checkpoint"]);
    assert!(
        out.status.success(),
        "audit checkpoint failed: {}",
        text(&out)
    );
    let out = wardline(&data, &["audit", "verify"]);
    assert!(out.status.success(), "{}", text(&out));

    let out = wardline(&data, &["check"]);
    assert!(out.status.success(), "check failed: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("integrity_check: ok"), "{stdout}");
}

#[test]
fn the_command_line_names_where_a_tampered_trail_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let k = count / 2;
    tamper(
        &data,
        &format!("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = {k}"),
    );

    let out = wardline(&data, &["audit", "verify"]);
    assert!(
        !out.status.success(),
        "audit verify passed a tampered trail"
    );
    let all = text(&out);
    assert!(all.contains(&format!("event {k}")), "{all}");

    let out = wardline(&data, &["check"]);
    assert!(!out.status.success(), "check passed a tampered trail");
    let all = text(&out);
    assert!(all.contains(&format!("event {k}")), "{all}");
    assert!(!all.contains("All checks passed"), "{all}");
}

#[test]
fn the_command_line_catches_a_cut_tail_after_a_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let out = wardline(&data, &["audit", "checkpoint"]);
    assert!(out.status.success(), "{}", text(&out));
    // The checkpoint is an event of its own.
    let count = count + 1;
    tamper(
        &data,
        &format!("DELETE FROM audit_log WHERE seq > {}", count - 3),
    );
    let out = wardline(&data, &["audit", "verify"]);
    assert!(!out.status.success(), "a cut tail passed: {}", text(&out));
    let all = text(&out);
    assert!(all.contains(&format!("recorded {count} events")), "{all}");
    assert!(
        all.contains(&format!("the file has {}", count - 3)),
        "{all}"
    );
    let out = wardline(&data, &["check"]);
    assert!(!out.status.success(), "check passed a cut tail");
}

/// `wardline check` writes nothing: a closed file is read with no `-wal` or
/// `-shm` made beside it and its bytes unchanged (so a file on a full disk
/// or a read-only medium can be checked), and a file a terminal holds open
/// is read with what its write-ahead log holds.
#[test]
fn check_reads_a_closed_or_a_live_file_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (data, count) = populated(dir.path());
    let path = hospital_path(&data);
    let side = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    assert!(!side("-wal").exists() && !side("-shm").exists());
    let before = std::fs::read(&path).unwrap();
    // Nothing can be made beside the file (a full disk, a read-only medium:
    // here a folder stands where the `-shm` would go).
    std::fs::create_dir(side("-shm")).unwrap();
    let out = wardline(&data, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("{count} events")),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "check changed the file"
    );
    assert!(!side("-wal").exists(), "check made a log beside the file");
    std::fs::remove_dir(side("-shm")).unwrap();

    // A terminal has the file open and has just written.
    let mut live = Db::open(&path).unwrap();
    live.defer_wal_checkpoints().unwrap();
    let s = sign_in_user(&mut live, "nora", Utc::now());
    let now_count = wardline::store::audit::head(live.conn()).unwrap().0;
    assert!(now_count > count);
    assert!(side("-wal").exists());
    let out = wardline(&data, &["check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("{now_count} events")),
        "{}",
        text(&out)
    );
    auth::sign_out(&mut live, &s, EndReason::Logout, Utc::now()).unwrap();
}
