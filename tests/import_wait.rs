//! Other terminals while an import runs (issue #21): a change waits for the
//! import instead of giving up as busy and says what it waits for, a
//! progress file left by a dead import is ignored, and `import patients`
//! asks before making signed-in terminals wait.
//!
//! The running import is played by the test: a second connection holds the
//! write lock while a progress file says an import by "importer" runs.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::cli::run;
use common::{ADMIN, ADMIN_PASSWORD, add_user, hospital, sign_in_user};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use wardline::auth;
use wardline::domain::role::Role;
use wardline::store::Db;
use wardline::store::import_progress::{self, ImportProgress, Publisher};

/// A fixed moment, so that nothing depends on the day the tests run.
fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 10, 0, 0).unwrap()
}

/// How long a test waits for something that should happen at once before
/// failing instead of hanging (never an assertion about how long it took).
const HANG: Duration = Duration::from_secs(120);

/// The write lock held as an import holds it, with its progress published:
/// 312,000 rows in, 40% of the file.
fn running_import(path: &Path) -> (Db, Publisher) {
    let holder = Db::open(path).unwrap();
    holder.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut publisher = Publisher::start(
        path,
        ImportProgress::starting("importer", fixed_now(), Some(1000)),
    )
    .unwrap();
    publisher.update(312_000, 400);
    (holder, publisher)
}

/// The import ends: its transaction commits and its progress file goes.
fn end_import(holder: Db, publisher: Publisher) {
    holder.conn().execute_batch("COMMIT").unwrap();
    drop(publisher);
}

/// A sign-in (a write) on another connection during an import waits for
/// it instead of failing as busy, tells its user once who imports and how
/// far it is, and succeeds when the import ends.
#[test]
fn a_sign_in_waits_for_a_running_import_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let path = h.db.path().to_path_buf();
    let (holder, publisher) = running_import(&path);

    let (told, heard) = mpsc::channel();
    let other = std::thread::spawn(move || {
        let mut db = Db::open(&path).unwrap();
        db.on_import_wait(Box::new(move |p| {
            let _ = told.send(p.waiting_message());
        }));
        auth::sign_in(&mut db, ADMIN, ADMIN_PASSWORD, fixed_now()).map(|s| s.user.user_name)
    });
    let message = heard
        .recv_timeout(HANG)
        .expect("the waiting terminal says it waits");
    assert_eq!(
        message,
        "waiting: an import by importer is running, 312,000 rows in (40%); your change is saved when it ends"
    );
    end_import(holder, publisher);
    let signed_in = other.join().unwrap();
    assert_eq!(
        signed_in.unwrap(),
        ADMIN,
        "the sign-in waited and succeeded"
    );
    assert!(heard.try_recv().is_err(), "told once while nothing moved");
}

/// The command line says it on standard error, and the command goes on
/// when the import ends.
#[test]
fn the_command_line_says_on_stderr_that_it_waits_for_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let path = h.db.path().to_path_buf();
    let (holder, publisher) = running_import(&path);

    let mut child = Command::new(common::cli::BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["export", "patients", "--format", "csv", "--as", ADMIN])
        .arg("--password-stdin")
        .env_remove("WARDLINE_DATA_DIR")
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run wardline");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())
            .unwrap();
    }
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert_eq!(
        first,
        "waiting: an import by importer is running, 312,000 rows in (40%); your change is saved when it ends\n"
    );
    end_import(holder, publisher);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{rest}");
    assert!(rest.contains("Exported 0 patients as csv"), "{rest}");
}

/// A progress file whose process is gone (an import that was killed) is
/// removed and changes go ahead at once.
#[test]
fn a_progress_file_left_by_a_dead_import_is_ignored_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let path = h.db.path().to_path_buf();
    let mut gone = Command::new("true").spawn().expect("run true");
    gone.wait().unwrap();
    let file = import_progress::progress_path(&path);
    std::fs::write(
        &file,
        format!("{}\timporter\t2026-03-09T10:00:00Z\t5\t5\t10\n", gone.id()),
    )
    .unwrap();
    let (told, heard) = mpsc::channel();
    let path_for_sign_in = path.clone();
    let other = std::thread::spawn(move || {
        let mut db = Db::open(&path_for_sign_in).unwrap();
        let waited = told.clone();
        db.on_import_wait(Box::new(move |p| {
            let _ = waited.send(Err(p.waiting_message()));
        }));
        let signed_in = auth::sign_in(&mut db, ADMIN, ADMIN_PASSWORD, fixed_now());
        let _ = told.send(Ok(signed_in.is_ok()));
    });
    assert_eq!(
        heard.recv_timeout(HANG),
        Ok(Ok(true)),
        "signed in without waiting"
    );
    other.join().unwrap();
    assert!(!file.exists(), "the stale progress file is removed");
    assert_eq!(import_progress::running(&path), None);
}

/// With other terminals signed in, `import patients` asks first; without a
/// person to ask it refuses, naming them and --yes; --yes imports.
#[test]
fn import_asks_when_other_terminals_are_signed_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let admin = h.admin.clone();
    add_user(&mut h.db, &admin, "nurse1", Role::Nurse);
    sign_in_user(&mut h.db, "nurse1", Utc::now());
    let csv = dir.path().join("patients.csv");
    std::fs::write(
        &csv,
        "given_name,family_name,birth_date,sex\nAmina,Okafor,1980-02-29,F\n",
    )
    .unwrap();
    let file = csv.to_str().unwrap();
    let password = format!("{ADMIN_PASSWORD}\n");
    let patients = |db: &Db| -> i64 {
        db.conn()
            .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
            .unwrap()
    };

    let out = run(
        dir.path(),
        &["import", "patients", file, "--as", ADMIN],
        &password,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("2 other terminals are signed in (admin, nurse1)")
            && err.contains("their changes would wait until the import ends")
            && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(patients(&h.db), 0, "nothing imported");

    let out = run(
        dir.path(),
        &["import", "patients", file, "--yes", "--as", ADMIN],
        &password,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(patients(&h.db), 1);
    assert!(
        !import_progress::progress_path(h.db.path()).exists(),
        "the import's progress file is gone when it ends"
    );
}
