//! Checkpoints written by the command line (issue #21): every command that
//! appended audit events ends with a CHECKPOINT event and its log line, so
//! that after an ordinary command the four forgeries of the review (events
//! slipped in and the chain recomputed, events cut off, the log deleted, the
//! log's last lines cut) are caught; a line cut off by a crash is a warning,
//! not tampering; and `audit checkpoint` refuses to vouch for a broken trail.

mod common;

use chrono::Utc;
use common::{ADMIN_PASSWORD, Hospital, code, hospital, raw};
use std::path::{Path, PathBuf};
use wardline::domain::audit::AuditRecord;
use wardline::paths::DataDir;
use wardline::store::sessions::EndReason;

/// A hospital with its administrator, closed, and no checkpoint yet.
fn closed_hospital(dir: &Path) -> DataDir {
    let Hospital {
        data,
        mut db,
        admin,
    } = hospital(dir);
    wardline::auth::sign_out(&mut db, &admin, EndReason::Logout, Utc::now()).unwrap();
    data
}

fn hospital_path(data: &DataDir) -> PathBuf {
    data.hospital_file(&code())
}

fn log_path(data: &DataDir) -> PathBuf {
    data.checkpoint_file(&code())
}

fn log_text(data: &DataDir) -> String {
    std::fs::read_to_string(log_path(data)).unwrap_or_default()
}

/// Runs a command with the administrator's password at hand.
fn said(data: &DataDir, args: &[&str]) -> (bool, String) {
    common::cli::said(data.root(), args, &format!("{ADMIN_PASSWORD}\n"))
}

fn ok(data: &DataDir, args: &[&str]) -> String {
    let (passed, out) = said(data, args);
    assert!(passed, "{args:?} failed: {out}");
    out
}

fn refused(data: &DataDir, args: &[&str]) -> String {
    let (passed, out) = said(data, args);
    assert!(!passed, "{args:?} passed: {out}");
    out
}

/// An ordinary audited change through the command line.
fn a_change(data: &DataDir, minutes: u32) {
    ok(
        data,
        &[
            "settings",
            "set",
            "idle_lock_minutes",
            &minutes.to_string(),
            "--as",
            "admin",
        ],
    );
}

/// Every event, in order.
fn trail(data: &DataDir) -> Vec<AuditRecord> {
    let mut all = wardline::store::audit::recent(&raw(&hospital_path(data)), 100_000).unwrap();
    all.reverse();
    all
}

fn last_event(data: &DataDir) -> AuditRecord {
    trail(data).pop().expect("an event")
}

/// The log's last line as `(count, head)`.
fn last_line(data: &DataDir) -> (i64, String) {
    let text = log_text(data);
    let parts: Vec<&str> = text.lines().last().expect("a line").split(' ').collect();
    (parts[1].parse().unwrap(), parts[2].to_string())
}

/// Replaces the trail after event `from` with `rows`, each renumbered and
/// rehashed from there on, as someone holding the file can (no secret is
/// needed); the append-only triggers are dropped first.
fn rewrite_after(data: &DataDir, from: i64, rows: Vec<AuditRecord>) {
    let conn = raw(&hospital_path(data));
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         DROP TRIGGER audit_log_no_delete;",
    )
    .unwrap();
    let mut prev: String = conn
        .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [from], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute("DELETE FROM audit_log WHERE seq > ?1", [from])
        .unwrap();
    for (i, mut r) in rows.into_iter().enumerate() {
        r.seq = from + 1 + i as i64;
        r.prev_hash = prev;
        r.hash = r.compute_hash();
        prev = r.hash.clone();
        conn.execute(
            "INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, action, entity,
                                    entity_id, patient_id, summary, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            rusqlite::params![
                r.seq,
                r.at,
                r.actor_id,
                r.actor_name,
                r.actor_role,
                r.action,
                r.entity,
                r.entity_id,
                r.patient_id,
                r.summary,
                r.prev_hash,
                r.hash
            ],
        )
        .unwrap();
    }
}

/// A hospital anchored once (as `init` leaves it), then one ordinary
/// command-line change; returns the first checkpoint's event number.
fn anchored_then_changed(dir: &Path) -> (DataDir, i64) {
    let data = closed_hospital(dir);
    ok(&data, &["audit", "checkpoint"]);
    let first = last_line(&data).0;
    a_change(&data, 12);
    (data, first)
}

#[test]
fn a_command_that_signed_in_ends_with_a_checkpoint_of_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());

    // A change, a read-only listing and a refused change all sign in, so
    // each ends with a CHECKPOINT event whose line the log holds.
    let mut lines = 0;
    for (args, passes) in [
        (
            &["settings", "set", "idle_lock_minutes", "9", "--as", "admin"][..],
            true,
        ),
        (&["users", "list", "--as", "admin"][..], true),
        (
            &[
                "settings",
                "set",
                "idle_lock_minutes",
                "none",
                "--as",
                "admin",
            ][..],
            false,
        ),
    ] {
        let (passed, out) = said(&data, args);
        assert_eq!(passed, passes, "{args:?}: {out}");
        let all = trail(&data);
        let last = all.last().unwrap();
        assert_eq!(last.action, "CHECKPOINT", "{args:?}");
        assert_eq!(
            all[all.len() - 2].action,
            "LOGOUT",
            "{args:?}: the checkpoint anchors the sign-out too"
        );
        assert_eq!(last_line(&data), (last.seq, last.hash.clone()), "{args:?}");
        lines += 1;
        assert_eq!(log_text(&data).lines().count(), lines);
    }
    let out = ok(&data, &["audit", "verify"]);
    assert!(out.contains("(3 checkpoints agree)"), "{out}");

    // A command that appends nothing, and one that never opened the file,
    // write nothing.
    let events = trail(&data).len();
    ok(&data, &["audit", "verify"]);
    refused(
        &data,
        &["--hospital", "XYZ", "users", "list", "--as", "admin"],
    );
    assert_eq!(trail(&data).len(), events);
    assert_eq!(log_text(&data).lines().count(), lines);
}

#[test]
fn events_slipped_in_before_a_commands_checkpoint_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (data, first) = anchored_then_changed(dir.path());
    let (second, _) = last_line(&data);
    // A forged READ slipped in after the first checkpoint, everything after
    // it renumbered and rehashed: the chain alone is whole again.
    let mut rest: Vec<AuditRecord> = trail(&data).into_iter().skip(first as usize).collect();
    let mut forged = rest[0].clone();
    forged.action = "READ".into();
    forged.summary = "opened the record of nobody in particular".into();
    rest.insert(0, forged);
    rewrite_after(&data, first, rest);

    let out = refused(&data, &["audit", "verify"]);
    assert!(
        out.contains(&format!("event {second} differs from the checkpoint")),
        "{out}"
    );
    assert!(out.contains("the trail was rewritten"), "{out}");
    refused(&data, &["check"]);
}

#[test]
fn events_erased_before_a_commands_checkpoint_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (data, first) = anchored_then_changed(dir.path());
    let (second, _) = last_line(&data);
    // The sign-in and the change erased, the rest renumbered and rehashed.
    let rest: Vec<AuditRecord> = trail(&data)
        .into_iter()
        .skip(first as usize)
        .filter(|r| r.action != "LOGIN" && r.action != "UPDATE")
        .collect();
    rewrite_after(&data, first, rest);

    let out = refused(&data, &["audit", "verify"]);
    assert!(out.contains(&format!("recorded {second} events")), "{out}");
}

#[test]
fn events_cut_off_after_the_earlier_checkpoint_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (data, first) = anchored_then_changed(dir.path());
    let (second, _) = last_line(&data);
    rewrite_after(&data, first, Vec::new());

    let out = refused(&data, &["audit", "verify"]);
    assert!(
        out.contains(&format!("recorded {second} events, the file has {first}")),
        "{out}"
    );
    refused(&data, &["check"]);
}

#[test]
fn a_deleted_checkpoint_log_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (data, first) = anchored_then_changed(dir.path());
    let second = last_event(&data);
    std::fs::remove_file(log_path(&data)).unwrap();

    let out = refused(&data, &["audit", "verify"]);
    for seq in [first, second.seq] {
        assert!(
            out.contains(&format!(
                "the checkpoint log lacks the checkpoint of event {seq} written at"
            )),
            "{out}"
        );
    }
    assert!(out.contains(&second.at), "{out}");
    assert!(
        out.contains("the log was cut, deleted or replaced"),
        "{out}"
    );
    let out = refused(&data, &["check"]);
    assert!(!out.contains("All checks passed"), "{out}");
}

#[test]
fn a_checkpoint_log_cut_short_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = anchored_then_changed(dir.path());
    let second = last_event(&data);
    let text = log_text(&data);
    let first_line = text.lines().next().unwrap();
    std::fs::write(log_path(&data), format!("{first_line}\n")).unwrap();

    let out = refused(&data, &["audit", "verify"]);
    assert!(
        out.contains(&format!(
            "the checkpoint log lacks the checkpoint of event {} written at {}",
            second.seq, second.at
        )),
        "{out}"
    );
}

#[test]
fn a_last_line_cut_off_while_written_is_a_warning_not_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = anchored_then_changed(dir.path());
    let text = log_text(&data);
    // A crash 40 bytes before the end of the last line.
    std::fs::write(log_path(&data), &text[..text.len() - 40]).unwrap();

    let out = ok(&data, &["audit", "verify"]);
    assert!(out.contains("Audit trail intact"), "{out}");
    assert!(
        out.contains(
            "AUDIT WARNING: the last line of the checkpoint log was cut off while it was being written (a crash or a full disk): run `wardline audit checkpoint` to write a whole one"
        ),
        "{out}"
    );
    assert!(!out.contains("edited by hand"), "{out}");
    let out = ok(&data, &["check"]);
    assert!(out.contains("All checks passed"), "{out}");

    // The next checkpoint starts a line of its own, and the cut line, now
    // in the middle, is still known for what it is.
    ok(&data, &["audit", "checkpoint"]);
    let after = log_text(&data);
    assert!(after.starts_with(&text[..text.len() - 40]));
    assert_eq!(after.lines().count(), 3, "{after}");
    let last = last_event(&data);
    assert_eq!(last_line(&data), (last.seq, last.hash));
    let out = ok(&data, &["audit", "verify"]);
    assert!(out.contains("Audit trail intact"), "{out}");
    assert!(
        out.contains("line 2 of the checkpoint log was cut off"),
        "{out}"
    );

    // A line in the middle that no checkpoint begins with was edited.
    let mut lines: Vec<String> = log_text(&data).lines().map(String::from).collect();
    lines[1] = "2026-03-09T08:00:00Z 7".to_string();
    std::fs::write(log_path(&data), lines.join("\n") + "\n").unwrap();
    let out = refused(&data, &["audit", "verify"]);
    assert!(
        out.contains("line 2 of the checkpoint log is not a checkpoint: it was edited by hand"),
        "{out}"
    );
}

#[test]
fn audit_checkpoint_refuses_to_vouch_for_a_broken_trail() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = anchored_then_changed(dir.path());
    let conn = raw(&hospital_path(&data));
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3;",
    )
    .unwrap();
    drop(conn);
    let before = log_text(&data);
    let events = trail(&data).len();

    let out = refused(&data, &["audit", "checkpoint"]);
    assert!(out.contains("event 3"), "{out}");
    assert!(out.contains("no checkpoint was written"), "{out}");
    assert!(out.contains("`wardline restore`"), "{out}");
    assert_eq!(log_text(&data), before);
    assert_eq!(trail(&data).len(), events);
}

#[test]
fn a_backup_with_checkpoints_restores_onto_a_new_machine() {
    let dir = tempfile::tempdir().unwrap();
    let (data, _) = anchored_then_changed(dir.path());
    let copy = dir.path().join("copy.db");
    ok(&data, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(
        wardline::store::audit::recent(&raw(&copy), 1000)
            .unwrap()
            .iter()
            .any(|r| r.action == "CHECKPOINT"),
        "the backup holds checkpoints"
    );
    // On the old machine the backup's checkpoints are held to the log.
    ok(&data, &["backup", "--verify", copy.to_str().unwrap()]);

    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = DataDir::resolve(Some(fresh_dir.path().to_path_buf())).unwrap();
    ok(
        &fresh,
        &["restore", copy.to_str().unwrap(), "--as", "admin"],
    );
    let out = ok(&fresh, &["audit", "verify"]);
    assert!(out.contains("Audit trail intact"), "{out}");
    ok(&fresh, &["check"]);
    a_change(&fresh, 14);
    ok(&fresh, &["audit", "verify"]);
}
