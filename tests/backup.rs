//! Backups and restores through the real binary: a backup is a private,
//! checked copy recorded in the hospital; `--keep` removes only old automatic
//! backups; `--verify` changes nothing; a restore refuses what it must, keeps
//! the replaced file, and leaves an audit trail that verifies, while a trail
//! cut off or rewritten by hand is still caught. Then the admin's sign-in
//! warning about an old backup, on the real screen.

mod common;
mod tui_harness;

use chrono::{Duration, Utc};
use common::{ADMIN_PASSWORD, Hospital, add_user, code, hospital, raw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use wardline::domain::role::Role;
use wardline::ops::settings;
use wardline::paths::DataDir;
use wardline::store::Db;
use wardline::store::sessions::EndReason;

/// Runs wardline on `data` with `stdin` as the passwords.
fn run(data: &DataDir, args: &[&str], stdin: &str) -> Output {
    common::cli::run(data.root(), args, stdin)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs a command that must succeed; returns what it printed.
fn ok(data: &DataDir, args: &[&str]) -> String {
    let out = run(data, args, &format!("{ADMIN_PASSWORD}\n"));
    assert!(out.status.success(), "{args:?} failed: {}", text(&out));
    text(&out)
}

/// Runs a command that must fail; returns what it printed.
fn refused(data: &DataDir, args: &[&str], stdin: &str) -> String {
    let out = run(data, args, stdin);
    assert!(!out.status.success(), "{args:?} passed: {}", text(&out));
    text(&out)
}

/// A hospital with an admin and a few events, closed.
fn closed_hospital(dir: &Path) -> DataDir {
    let Hospital {
        data,
        mut db,
        admin,
    } = hospital(dir);
    add_user(&mut db, &admin, "rex", Role::Receptionist);
    wardline::auth::sign_out(&mut db, &admin, EndReason::Logout, Utc::now()).unwrap();
    data
}

fn hospital_path(data: &DataDir) -> PathBuf {
    data.hospital_file(&code())
}

/// A few audited writes through the program, as an admin.
fn some_writes(data: &DataDir, n: usize) {
    for i in 0..n {
        ok(
            data,
            &[
                "settings",
                "set",
                "idle_lock_minutes",
                &(10 + i).to_string(),
                "--as",
                "admin",
            ],
        );
    }
}

fn automatic_backups(data: &DataDir) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(data.backups_dir())
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.retain(|p| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        wardline::domain::backup::parse_automatic_name("TST", &name).is_some()
    });
    found.sort();
    found
}

fn only_backup(data: &DataDir) -> PathBuf {
    let found = automatic_backups(data);
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

fn actions(conn: &Connection) -> Vec<(i64, String, String)> {
    let mut stmt = conn
        .prepare("SELECT seq, action, actor_name FROM audit_log ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn count(conn: &Connection) -> i64 {
    common::audit_count(conn)
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The file as someone holding it would tamper with it: the append-only
/// triggers dropped first.
fn tamper(path: &Path, sql: &str) {
    let conn = raw(path);
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_log_no_update;
         DROP TRIGGER IF EXISTS audit_log_no_delete;",
    )
    .expect("drop the triggers");
    conn.execute_batch(sql).expect("tamper");
}

#[test]
fn a_backup_is_a_private_checked_copy_recorded_in_the_hospital() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    // Writes still in the write-ahead log of a connection left open, as a
    // working terminal leaves them: the copy must hold them.
    let mut db = Db::open(&hospital_path(&data)).unwrap();
    let admin = wardline::auth::sign_in(&mut db, "admin", ADMIN_PASSWORD, Utc::now()).unwrap();
    settings::set(&mut db, &admin, "currency", "KES").unwrap();
    let before = count(db.conn());

    let out = ok(&data, &["backup"]);
    let copy = only_backup(&data);
    assert!(out.contains(&copy.display().to_string()), "{out}");
    assert!(out.contains("integrity_check: ok"), "{out}");
    assert!(out.contains(&format!("{before} events")), "{out}");
    assert!(out.contains("bytes"), "{out}");

    #[cfg(unix)]
    {
        assert_eq!(mode(&copy), 0o600, "backup file mode");
        assert_eq!(mode(&data.backups_dir()), 0o700, "backups folder mode");
    }
    // One self-contained file: no write-ahead log, none needed.
    assert!(!beside(&copy, "-wal").exists());
    assert!(!beside(&copy, "-shm").exists());
    let c = raw(&copy);
    let journal: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(journal, "delete");
    let currency: String = c
        .query_row(
            "SELECT value FROM settings WHERE key = 'currency'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(currency, "KES", "the copy lacks a committed write");
    assert_eq!(count(&c), before);
    drop(c);

    // Recorded in the hospital: a BACKUP event by the system, a row in
    // `backups`, and a checkpoint (its CHECKPOINT event, then its line).
    let all = actions(db.conn());
    let tail: Vec<(i64, &str, &str)> = all[all.len() - 2..]
        .iter()
        .map(|(seq, action, actor)| (*seq, action.as_str(), actor.as_str()))
        .collect();
    assert_eq!(
        tail,
        [
            (before + 1, "BACKUP", "system"),
            (before + 2, "CHECKPOINT", "system")
        ]
    );
    let latest = wardline::ops::backup::latest(&db, &admin).unwrap().unwrap();
    assert_eq!(latest.path, copy.display().to_string());
    assert!(latest.automatic);
    assert_eq!(latest.events, before);
    assert_eq!(latest.size_bytes, std::fs::metadata(&copy).unwrap().len());
    let log = std::fs::read_to_string(data.checkpoint_file(&code())).unwrap();
    assert!(
        log.lines()
            .any(|l| l.split(' ').nth(1) == Some(&(before + 2).to_string())),
        "{log}"
    );
}

#[test]
fn keep_removes_only_this_hospitals_oldest_automatic_backups() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    let backups = data.backups_dir();
    std::fs::create_dir_all(&backups).unwrap();
    let others = [
        backups.join("TST-before-upgrade.db"),
        backups.join("OTH-20200101T000000.000Z.db"),
        backups.join("TST-20200101T000000.000Z.db.txt"),
    ];
    for f in &others {
        std::fs::write(f, b"not mine").unwrap();
    }
    let out_file = dir.path().join("by-hand.db");
    ok(
        &data,
        &["backup", "--out", out_file.to_str().unwrap(), "--keep", "1"],
    );
    for _ in 0..3 {
        ok(&data, &["backup", "--keep", "2"]);
    }
    let kept = automatic_backups(&data);
    assert_eq!(kept.len(), 2, "{kept:?}");
    for f in others.iter().chain([&out_file]) {
        assert!(f.exists(), "{} was removed", f.display());
    }
    let out = ok(&data, &["backup", "--keep", "1"]);
    assert!(out.contains("Removed the older automatic backup"), "{out}");
    let now_kept = automatic_backups(&data);
    assert_eq!(now_kept.len(), 1);
    assert!(
        !kept.contains(&now_kept[0]),
        "the newest was not the one kept"
    );

    let out = refused(&data, &["backup", "--keep", "0"], "");
    assert!(out.contains("0"), "{out}");
}

#[test]
fn out_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    let target = dir.path().join("precious.db");
    std::fs::write(&target, b"keep me").unwrap();
    let out = refused(&data, &["backup", "--out", target.to_str().unwrap()], "");
    assert!(out.contains("already exists"), "{out}");
    assert_eq!(std::fs::read(&target).unwrap(), b"keep me");
}

#[test]
fn a_copy_that_fails_its_check_is_deleted_and_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    tamper(
        &hospital_path(&data),
        "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 2",
    );
    let before = count(&raw(&hospital_path(&data)));
    let out = refused(&data, &["backup"], "");
    assert!(out.contains("failed its check"), "{out}");
    assert!(out.contains("AUDIT PROBLEM"), "{out}");
    assert!(automatic_backups(&data).is_empty());
    let leftovers: Vec<_> = std::fs::read_dir(data.backups_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        count(&raw(&hospital_path(&data))),
        before,
        "recorded anyway"
    );
}

#[test]
fn verify_checks_a_backup_without_changing_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    let bytes = std::fs::read(&copy).unwrap();
    let modified = std::fs::metadata(&copy).unwrap().modified().unwrap();

    let out = ok(&data, &["backup", "--verify", copy.to_str().unwrap()]);
    assert!(out.contains("passes every check"), "{out}");
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    assert_eq!(
        std::fs::metadata(&copy).unwrap().modified().unwrap(),
        modified
    );
    assert!(!beside(&copy, "-wal").exists());
    assert!(!beside(&copy, "-shm").exists());

    // Not a wardline file.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"a shopping list").unwrap();
    let out = refused(&data, &["backup", "--verify", junk.to_str().unwrap()], "");
    assert!(out.contains("not a wardline hospital file"), "{out}");

    // A backup whose trail was edited.
    tamper(
        &copy,
        "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3",
    );
    let out = refused(&data, &["backup", "--verify", copy.to_str().unwrap()], "");
    assert!(out.contains("AUDIT PROBLEM"), "{out}");
    assert!(out.contains("event 3"), "{out}");
}

/// The whole routine: checkpoint, backup, writes, checkpoint, restore,
/// verify, more writes, verify.
#[test]
fn a_restored_hospital_verifies_and_keeps_the_file_it_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    let live = hospital_path(&data);
    ok(&data, &["audit", "checkpoint"]);
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    let backup_events = count(&raw(&copy));
    some_writes(&data, 3);
    ok(&data, &["audit", "checkpoint"]);
    let replaced_events = count(&raw(&live));

    let out = ok(&data, &["restore", copy.to_str().unwrap(), "--as", "admin"]);
    assert!(out.contains("replaced file is kept"), "{out}");

    // The replaced file is kept, private, with every event it had (and the
    // admin's sign-in and sign-out for the restore).
    let replaced: Vec<PathBuf> = std::fs::read_dir(data.hospitals_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("TST.db.replaced-"))
        .collect();
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert_eq!(count(&raw(&replaced[0])), replaced_events + 2);
    #[cfg(unix)]
    assert_eq!(mode(&replaced[0]), 0o600);
    assert!(!beside(&replaced[0], "-wal").exists());
    // No stale write-ahead log beside the restored file, nor a staged copy.
    assert!(!beside(&live, "-wal").exists());
    let names: Vec<String> = std::fs::read_dir(data.hospitals_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("restoring")), "{names:?}");
    #[cfg(unix)]
    assert_eq!(mode(&live), 0o600);

    // The restored file: the backup's events, then the restore, by the admin.
    let conn = raw(&live);
    let all = actions(&conn);
    assert_eq!(all.len() as i64, backup_events + 1);
    let (seq, action, actor) = all.last().unwrap();
    assert_eq!(
        (action.as_str(), actor.as_str()),
        ("RESTORE_BACKUP", "admin")
    );
    drop(conn);
    let log = std::fs::read_to_string(data.checkpoint_file(&code())).unwrap();
    assert!(
        log.lines()
            .last()
            .is_some_and(|l| l.split(' ').nth(1) == Some("restore")
                && l.split(' ').nth(2) == Some(&seq.to_string())),
        "{log}"
    );

    let out = ok(&data, &["audit", "verify"]);
    assert!(out.contains("Audit trail intact"), "{out}");
    ok(&data, &["check"]);
    some_writes(&data, 2);
    ok(&data, &["audit", "checkpoint"]);
    let out = ok(&data, &["audit", "verify"]);
    assert!(out.contains("Audit trail intact"), "{out}");
    // The backup itself still verifies against the log.
    ok(&data, &["backup", "--verify", copy.to_str().unwrap()]);
}

#[test]
fn after_a_restore_a_trail_cut_or_rewritten_by_hand_is_still_caught() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    let live = hospital_path(&data);
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    some_writes(&data, 2);
    ok(&data, &["restore", copy.to_str().unwrap(), "--as", "admin"]);
    some_writes(&data, 3);
    ok(&data, &["audit", "checkpoint"]);
    let n = count(&raw(&live));
    let restore_seq: i64 = raw(&live)
        .query_row(
            "SELECT seq FROM audit_log WHERE action = 'RESTORE_BACKUP'",
            [],
            |r| r.get(0),
        )
        .unwrap();

    // Cut off the last two events.
    let saved = std::fs::read(&live).unwrap();
    tamper(
        &live,
        &format!("DELETE FROM audit_log WHERE seq > {}", n - 2),
    );
    let out = refused(&data, &["audit", "verify"], "");
    assert!(out.contains("events are missing from the end"), "{out}");
    assert!(out.contains(&format!("recorded {n} events")), "{out}");

    // Cut back to before the restore: the restore line itself catches it.
    tamper(
        &live,
        &format!("DELETE FROM audit_log WHERE seq >= {restore_seq}"),
    );
    let out = refused(&data, &["audit", "verify"], "");
    assert!(out.contains("events are missing from the end"), "{out}");

    // Rewritten: the restore event replaced by another one, hashes
    // recomputed so that the chain alone looks whole.
    std::fs::write(&live, &saved).unwrap();
    let db = Db::open(&live).unwrap();
    let recs = wardline::store::audit::recent(db.conn(), 1000).unwrap();
    drop(db);
    let mut recs: Vec<_> = recs.into_iter().rev().collect();
    let mut prev = recs[(restore_seq - 2) as usize].hash.clone();
    let conn = raw(&live);
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    for r in recs.iter_mut().skip((restore_seq - 1) as usize) {
        if r.seq == restore_seq {
            r.action = "UPDATE".into();
        }
        r.prev_hash = prev.clone();
        r.hash = r.compute_hash();
        prev = r.hash.clone();
        conn.execute(
            "UPDATE audit_log SET action = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
            (&r.action, &r.prev_hash, &r.hash, r.seq),
        )
        .unwrap();
    }
    drop(conn);
    let out = refused(&data, &["audit", "verify"], "");
    assert!(out.contains("the trail was rewritten"), "{out}");
    assert!(out.contains(&format!("event {restore_seq}")), "{out}");
}

#[test]
fn a_backup_copied_over_the_hospital_by_hand_is_a_cut_tail() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    some_writes(&data, 2);
    ok(&data, &["audit", "checkpoint"]);
    std::fs::copy(&copy, hospital_path(&data)).unwrap();
    let out = refused(&data, &["audit", "verify"], "");
    assert!(out.contains("events are missing from the end"), "{out}");
}

#[test]
fn a_restore_refuses_what_it_must_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    let live = hospital_path(&data);
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    let copy_arg = copy.to_str().unwrap();
    let files_now = || {
        let mut v: Vec<String> = std::fs::read_dir(data.hospitals_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let before = files_now();
    let events = || count(&raw(&live));

    // A wrong password.
    let out = refused(
        &data,
        &["restore", copy_arg, "--as", "admin"],
        "not the password\n",
    );
    assert!(out.contains("user name or password is wrong"), "{out}");
    // Not an administrator.
    let out = refused(
        &data,
        &["restore", copy_arg, "--as", "rex"],
        &format!("{}\n", common::USER_PASSWORD),
    );
    assert!(out.contains("may not restore a backup"), "{out}");
    assert_eq!(files_now(), before);
    let after_refusals = events();

    // Not a wardline file.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"SQLite format 3\0 and then nonsense").unwrap();
    let out = refused(
        &data,
        &["restore", junk.to_str().unwrap(), "--as", "admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert!(out.contains("junk.db"), "{out}");

    // Newer than the program.
    let newer = dir.path().join("newer.db");
    std::fs::copy(&copy, &newer).unwrap();
    raw(&newer)
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let out = refused(
        &data,
        &["restore", newer.to_str().unwrap(), "--as", "admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert!(out.contains("newer wardline"), "{out}");

    // Damaged: its trail was edited.
    let damaged = dir.path().join("damaged.db");
    std::fs::copy(&copy, &damaged).unwrap();
    tamper(
        &damaged,
        "UPDATE audit_log SET summary = 'quietly changed' WHERE seq = 2",
    );
    let out = refused(
        &data,
        &["restore", damaged.to_str().unwrap(), "--as", "admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert!(out.contains("fails its check"), "{out}");
    assert!(out.contains("event 2"), "{out}");

    // Another hospital's backup.
    let other_dir = tempfile::tempdir().unwrap();
    let other = DataDir::resolve(Some(other_dir.path().to_path_buf())).unwrap();
    let oth: wardline::domain::hospital::HospitalCode = "OTH".parse().unwrap();
    drop(
        Db::create(
            &other.hospital_file(&oth),
            &oth,
            "Other Hospital",
            chrono_tz::UTC,
        )
        .unwrap(),
    );
    let out = refused(
        &data,
        &[
            "restore",
            other.hospital_file(&oth).to_str().unwrap(),
            "--as",
            "admin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert!(out.contains("hospital OTH, not TST"), "{out}");

    assert_eq!(files_now(), before, "a refused restore left files behind");
    // The damaged backup's refusal signed the admin in and out; nothing else.
    assert!(events() <= after_refusals + 2);
    ok(&data, &["audit", "verify"]);
}

#[cfg(target_os = "linux")]
#[test]
fn a_restore_names_the_process_that_holds_the_hospital_open() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    let live = hospital_path(&data);
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    let mut holder = Command::new("sh")
        .arg("-c")
        .arg("exec 3<\"$1\"; echo ready; exec sleep 60")
        .arg("sh")
        .arg(&live)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    let out = run(
        &data,
        &["restore", copy.to_str().unwrap(), "--as", "admin"],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    let pid = holder.id();
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(!out.status.success(), "restored under a running holder");
    let all = text(&out);
    assert!(all.contains(&format!("PID {pid}")), "{all}");
    assert!(all.contains("sleep 60"), "{all}");
    assert!(all.contains("Close those wardline screens"), "{all}");
    // Now it goes through.
    ok(&data, &["restore", copy.to_str().unwrap(), "--as", "admin"]);
}

#[test]
fn a_backup_restores_onto_a_new_machine() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = DataDir::resolve(Some(fresh_dir.path().to_path_buf())).unwrap();
    let out = ok(
        &fresh,
        &["restore", copy.to_str().unwrap(), "--as", "admin"],
    );
    assert!(!out.contains("replaced file"), "{out}");
    assert!(fresh.hospital_file(&code()).exists());
    ok(&fresh, &["audit", "verify"]);
    ok(&fresh, &["check"]);
}

// The admin's sign-in on the screen.

/// The screen right after `user` signs in, `hours_after_backup` hours after
/// a backup (or none), and then the admin tab when `admin_tab`.
fn screen_at(hours_after_backup: i64, backup: bool, user: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = tui_harness::hospital(dir.path());
    let t0 = tui_harness::t0();
    if backup {
        let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
        wardline::ops::backup::take(&mut db, &data, None, None, t0).unwrap();
    }
    let now = t0 + Duration::hours(hours_after_backup);
    let mut h = tui_harness::Harness {
        app: wardline::tui::app::App::new(db, tui_harness::options(false), now).unwrap(),
        terminal: Terminal::new(TestBackend::new(100, 24)).unwrap(),
        now,
        dir,
    };
    h.sign_in(user, tui_harness::PASSWORD);
    let signed_in = h.screen();
    h.press(ratatui::crossterm::event::KeyCode::F(6));
    (signed_in, h.screen())
}

#[test]
fn an_admin_is_warned_in_words_when_the_latest_backup_is_old() {
    let (screen, admin_tab) = screen_at(2, true, "admin");
    assert!(screen.contains("Signed in as Grace Mwangi."), "{screen}");
    assert!(!screen.contains("Warning"), "{screen}");
    assert!(
        admin_tab.contains("Last backup: 03-09 08:30"),
        "{admin_tab}"
    );

    let (screen, _) = screen_at(30, true, "admin");
    assert!(
        screen.contains("Warning: the latest backup is 30 hours old (limit 26 h)"),
        "{screen}"
    );

    let (screen, admin_tab) = screen_at(0, false, "admin");
    assert!(screen.contains("Warning: never backed up"), "{screen}");
    assert!(admin_tab.contains("Last backup: never"), "{admin_tab}");

    // Only administrators are told.
    let (screen, _) = screen_at(0, false, "reception");
    assert!(!screen.contains("Warning"), "{screen}");
}

#[test]
fn a_hospital_file_too_damaged_to_open_is_replaced_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    let live = hospital_path(&data);
    ok(&data, &["backup"]);
    let copy = only_backup(&data);
    std::fs::write(&live, b"overwritten by a failing disk").unwrap();
    let out = ok(&data, &["restore", copy.to_str().unwrap(), "--as", "admin"]);
    assert!(out.contains("replaced file is kept"), "{out}");
    let replaced: Vec<PathBuf> = std::fs::read_dir(data.hospitals_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("replaced"))
        .collect();
    assert_eq!(replaced.len(), 1);
    assert_eq!(
        std::fs::read(&replaced[0]).unwrap(),
        b"overwritten by a failing disk"
    );
    ok(&data, &["check"]);
}

#[test]
fn an_older_backup_is_upgraded_in_the_copy_and_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let data = closed_hospital(dir.path());
    ok(&data, &["audit", "checkpoint"]);
    // A backup as a wardline of schema 6 would have made it: none of the
    // tables of later migrations (`backups`, the clinical record's, the
    // code list, staff on wards with its trigger on users, the
    // prescriptions', the admissions' latest NEWS2, the formulary's
    // paediatric maximum column, the laboratory's catalogue and orders, and
    // billing's tables), user_version 6; its trail untouched.
    let old = dir.path().join("schema6.db");
    ok(&data, &["backup", "--out", old.to_str().unwrap()]);
    let conn = raw(&old);
    conn.execute_batch(common::UNDO_SINCE_BILLING).unwrap();
    conn.execute_batch(
        "DROP TABLE lab_results; DROP TABLE lab_order_tests; DROP TABLE lab_orders;
         DROP TABLE lab_ranges; DROP TABLE lab_analytes; DROP TABLE lab_tests;
         DROP TABLE backups;
         DROP VIEW admission_news2_of_sets; DROP TABLE admission_news2;
         DROP TABLE access_grants; DROP TABLE problems; DROP TABLE no_known_allergies;
         DROP TABLE allergies; DROP TABLE diagnoses; DROP TABLE vitals;
         DROP TABLE note_addenda; DROP TABLE visit_notes; DROP TABLE visits;
         DROP TABLE code_list_entries; DROP TABLE code_list;
         DROP TRIGGER users_role_keeps_wards; DROP TABLE ward_staff;
         DROP TABLE medication_administrations; DROP TABLE prescription_dispenses;
         DROP TABLE prescription_overrides; DROP TABLE prescriptions;
         ALTER TABLE stock_items DROP COLUMN paed_max_mcg_per_kg;
         PRAGMA user_version = 6;",
    )
    .unwrap();
    drop(conn);
    let kept = count(&raw(&old));
    some_writes(&data, 2);
    ok(&data, &["audit", "checkpoint"]);

    ok(&data, &["backup", "--verify", old.to_str().unwrap()]);
    assert_eq!(
        common::user_version(&old),
        6,
        "--verify upgraded the backup"
    );
    ok(&data, &["restore", old.to_str().unwrap(), "--as", "admin"]);
    assert_eq!(common::user_version(&old), 6, "restore changed the backup");

    let live = hospital_path(&data);
    assert_eq!(
        common::user_version(&live),
        wardline::store::migrations::current_version()
    );
    let all = actions(&raw(&live));
    let tail: Vec<&str> = all[kept as usize..]
        .iter()
        .map(|(_, a, _)| a.as_str())
        .collect();
    assert_eq!(tail, ["UPDATE", "RESTORE_BACKUP"], "{all:?}");
    let log = std::fs::read_to_string(data.checkpoint_file(&code())).unwrap();
    let last: Vec<&str> = log.lines().last().unwrap().split(' ').collect();
    assert_eq!(last[1], "restore");
    assert_eq!(last[2], (kept + 2).to_string());
    assert_eq!(last[4], kept.to_string());
    ok(&data, &["audit", "verify"]);
    some_writes(&data, 1);
    ok(&data, &["audit", "verify"]);
}
