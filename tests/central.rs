//! The district's central store with a real PostgreSQL: hospitals pushed
//! by the real binary and every pushed table held side by side with the
//! file (row count and a sum of its rows), pushes killed at random moments
//! and links dropped under them, changes, merges and soft deletions, two
//! pushes at once, and files that are not the hospital the store knows.
//!
//! Needs a PostgreSQL server: `.ci/run` starts one and names it in
//! `WARDLINE_TEST_PG` (for example `postgresql://wardline@/postgres?host=/tmp/pg`,
//! a role that may create databases). Without it the tests that push say so
//! and pass, except under CI (`CI=true`), where they fail.

mod common;

use chrono::{TimeZone, Utc};
use common::cli::BIN;
use common::clinic::{person, register};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use wardline::central::{compare, tables};
use wardline::domain::patient::{Field, PatientInput};
use wardline::ops;

/// A database of its own on the test server, dropped at the end.
struct Central {
    url: String,
    name: String,
    admin: String,
}

impl Drop for Central {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

impl Central {
    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to the test database")
    }
}

/// A new, empty database for `test`, or `None` (after saying what is
/// missing) when no server is named and this is not CI.
fn central(test: &str) -> Option<Central> {
    let Ok(admin) = std::env::var("WARDLINE_TEST_PG") else {
        let missing = "no PostgreSQL server for the central store's tests: set WARDLINE_TEST_PG to a \
                       postgresql:// URL of a role that may create databases (`.ci/run` starts one; \
                       Debian: apt-get install postgresql postgresql-contrib)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{missing} (CI must run them)"
        );
        eprintln!("skipped: {missing}");
        return None;
    };
    let name = format!("wl_{test}_{}", std::process::id());
    let mut c = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("WARDLINE_TEST_PG names a server that cannot be reached: {e}"));
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .and_then(|()| c.batch_execute(&format!("CREATE DATABASE {name}")))
        .expect("create the test database");
    let url = with_database(&admin, &name);
    let central = Central { url, name, admin };
    let (ok, said) = wardline(
        Path::new("/nonexistent"),
        &["central", "init", "--db", &central.url],
    );
    assert!(ok, "central init: {said}");
    Some(central)
}

/// The URL with its database replaced.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &base[..host_end])
}

fn command(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("WARDLINE_DATA_DIR")
        .env_remove("WARDLINE_CENTRAL_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs wardline; whether it succeeded and what it said.
fn wardline(data: &Path, args: &[&str]) -> (bool, String) {
    let out = command(data, args).output().expect("run wardline");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn push(data: &Path, central: &Central, extra: &[&str]) -> String {
    let mut args = vec!["central", "push", "--to", &central.url];
    args.extend_from_slice(extra);
    let (ok, said) = wardline(data, &args);
    assert!(ok, "push: {said}");
    said
}

/// The demo hospital, built once per run and copied for each test.
fn demo(to: &Path) {
    static TEMPLATE: OnceLock<tempfile::TempDir> = OnceLock::new();
    let template = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (ok, said) = wardline(dir.path(), &["demo", "--no-tui"]);
        assert!(ok, "demo: {said}");
        dir
    });
    copy_dir(template.path(), to);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn file_of(data: &Path, code: &str) -> PathBuf {
    data.join("hospitals").join(format!("{code}.db"))
}

/// Every pushed table holds, centrally, exactly the rows the file holds.
fn assert_same(data: &Path, code: &str, central: &Central) {
    let conn = Connection::open(file_of(data, code)).unwrap();
    let mirrors = tables::mirrors(&conn).unwrap();
    let local = compare::local_sums(&conn, &mirrors).unwrap();
    let held = compare::central_sums(&mut central.client(), code, &mirrors).unwrap();
    let differ: Vec<String> = local
        .iter()
        .filter(|(t, s)| held.get(*t) != Some(s))
        .map(|(t, s)| {
            format!(
                "{t}: file {} rows, central {} rows{}",
                s.rows,
                held.get(t).map_or(0, |h| h.rows),
                if held.get(t).map(|h| h.rows) == Some(s.rows) {
                    " (values differ)"
                } else {
                    ""
                }
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "{code} differs centrally:\n{}",
        differ.join("\n")
    );
    assert!(local["patients"].rows > 0 && local["audit_log"].rows > 0);
}

fn when() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

#[test]
fn two_hospitals_push_and_the_store_holds_every_row_of_each() {
    let Some(central) = central("two") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    demo(&a);
    let mut tst = common::hospital(&b);
    for (given, family) in [
        ("Amina", "Okafor"),
        ("Joseph", "Mwangi"),
        ("Grace", "Banda"),
    ] {
        register(
            &mut tst.db,
            &tst.admin,
            &person(given, family, "1980-04-01", "F"),
            when(),
        );
    }
    drop(tst);

    let said = push(&a, &central, &[]);
    assert!(said.contains("Pushed") && said.contains("DEMO"), "{said}");
    push(&b, &central, &["--batch", "7"]);
    assert_same(&a, "DEMO", &central);
    assert_same(&b, "TST", &central);

    let again = push(&a, &central, &[]);
    assert!(again.contains("Nothing new to push from DEMO"), "{again}");

    let mut c = central.client();
    let hashes: i64 = c
        .query_one(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'password_hash'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(hashes, 0, "password hashes never leave the hospital");
    let codes: Vec<String> = c
        .query("SELECT code FROM hospitals ORDER BY code", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(codes, ["DEMO", "TST"]);

    let (ok, status) = wardline(&a, &["central", "status", "--db", &central.url]);
    assert!(ok, "{status}");
    assert!(status.contains("not yet pushed   0 changes"), "{status}");
    assert!(
        status.contains("DEMO") && status.contains("TST"),
        "{status}"
    );
}

#[test]
fn changes_merges_and_soft_deletions_reach_the_store() {
    let Some(central) = central("changes") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::hospital(dir.path());
    let ann = register(
        &mut h.db,
        &h.admin,
        &person("Ann", "Phiri", "1975-02-03", "F"),
        when(),
    );
    let dup = register(
        &mut h.db,
        &h.admin,
        &person("Anne", "Phiri", "1975-02-03", "F"),
        when(),
    );
    let gone = register(
        &mut h.db,
        &h.admin,
        &person("Peter", "Zulu", "1990-06-07", "M"),
        when(),
    );
    push(dir.path(), &central, &[]);
    assert_same(dir.path(), "TST", &central);

    let edited = PatientInput::default()
        .with(Field::GivenName, "Ann")
        .with(Field::FamilyName, "Phiri")
        .with(Field::BirthDate, "1975-02-03")
        .with(Field::Sex, "F")
        .with(Field::Phone, "+260 97 1234567");
    ops::patients::update(&mut h.db, &h.admin, &ann.id, ann.version, &edited, when()).unwrap();
    ops::patients::merge(&mut h.db, &h.admin, &ann.id, &dup.id, when()).unwrap();
    ops::patients::delete(
        &mut h.db,
        &h.admin,
        &gone.id,
        "registered twice by mistake",
        when(),
    )
    .unwrap();
    drop(h);
    push(dir.path(), &central, &[]);
    assert_same(dir.path(), "TST", &central);

    let mut c = central.client();
    let row = c
        .query_one(
            "SELECT merged_into FROM patients WHERE hospital = 'TST' AND id = $1",
            &[&dup.id.to_string()],
        )
        .unwrap();
    assert_eq!(row.get::<_, Option<String>>(0), Some(ann.id.to_string()));
    let deleted: Option<String> = c
        .query_one(
            "SELECT deleted_at FROM patients WHERE hospital = 'TST' AND id = $1",
            &[&gone.id.to_string()],
        )
        .unwrap()
        .get(0);
    assert!(deleted.is_some(), "the soft deletion reaches the store");
}

/// A tiny generator of the moments to kill at, fixed so a failure repeats.
fn moments() -> impl Iterator<Item = u64> {
    let mut x: u64 = 0x2026_1206;
    std::iter::from_fn(move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        Some(x)
    })
}

#[test]
fn a_push_killed_at_any_moment_resumes_with_nothing_lost_or_doubled() {
    let Some(central) = central("killed") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let mut kills = 0;
    for (round, r) in moments().take(12).enumerate() {
        let mut child = command(
            dir.path(),
            &["central", "push", "--to", &central.url, "--batch", "40"],
        )
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_millis(30 + r % 900));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        if round % 3 == 0 {
            // The hospital works on between pushes.
            let mut db = wardline::store::Db::open(&file_of(dir.path(), "DEMO")).unwrap();
            let by =
                wardline::auth::sign_in(&mut db, "reception", wardline::demo::PASSWORD, Utc::now())
                    .unwrap();
            ops::patients::register(
                &mut db,
                &by,
                &person("Round", &format!("Kill{round}"), "2001-01-01", "M"),
                &[],
                Utc::now(),
            )
            .unwrap();
        }
    }
    assert!(
        kills >= 6,
        "most pushes were killed mid-way ({kills} of 12)"
    );
    push(dir.path(), &central, &[]);
    assert_same(dir.path(), "DEMO", &central);
}

#[test]
fn a_dropped_link_loses_nothing_and_the_status_says_why() {
    let Some(central) = central("dropped") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let child = command(
        dir.path(),
        &["central", "push", "--to", &central.url, "--batch", "20"],
    )
    .spawn()
    .unwrap();
    let mut c = central.client();
    let mut dropped = 0;
    for _ in 0..200 {
        std::thread::sleep(Duration::from_millis(20));
        dropped += c
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE application_name = 'wardline' AND datname = $1",
                &[&central.name],
            )
            .unwrap()
            .len();
        if dropped > 0 {
            break;
        }
    }
    let out = child.wait_with_output().unwrap();
    assert!(dropped > 0, "the push's link was dropped");
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("central store"), "{said}");
    let (_, status) = wardline(dir.path(), &["central", "status"]);
    assert!(status.contains("last error"), "{status}");

    push(dir.path(), &central, &[]);
    assert_same(dir.path(), "DEMO", &central);
    let (_, status) = wardline(dir.path(), &["central", "status"]);
    assert!(!status.contains("last error"), "{status}");
}

#[test]
fn two_pushes_at_once_do_not_interfere() {
    let Some(central) = central("twice") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    demo(&a);
    let mut tst = common::hospital(&b);
    register(
        &mut tst.db,
        &tst.admin,
        &person("Ruth", "Tembo", "1969-09-09", "F"),
        when(),
    );
    drop(tst);
    let args = |batch: &'static str| -> Vec<String> {
        ["central", "push", "--to", &central.url, "--batch", batch]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let spawn = |data: &Path, batch| {
        let args = args(batch);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        command(data, &args).spawn().unwrap()
    };
    let children = [spawn(&a, "30"), spawn(&b, "3"), spawn(&a, "30")];
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    assert!(
        outs[1].status.success(),
        "{}",
        String::from_utf8_lossy(&outs[1].stderr)
    );
    for out in [&outs[0], &outs[2]] {
        if !out.status.success() {
            let said = String::from_utf8_lossy(&out.stderr);
            assert!(said.contains("another push of DEMO"), "{said}");
        }
    }
    assert!(outs[0].status.success() || outs[2].status.success());
    push(&a, &central, &[]);
    assert_same(&a, "DEMO", &central);
    assert_same(&b, "TST", &central);
}

#[test]
fn a_file_restored_from_an_older_copy_or_another_file_with_the_code_is_refused() {
    let Some(central) = central("refused") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let mut h = common::hospital(&a);
    register(
        &mut h.db,
        &h.admin,
        &person("Esther", "Lungu", "1988-08-08", "F"),
        when(),
    );
    drop(h);
    push(&a, &central, &[]);
    let file = file_of(&a, "TST");
    let older = dir.path().join("older.db");
    std::fs::copy(&file, &older).unwrap();

    let mut h = common::hospital_reopened(&a);
    register(
        &mut h.db,
        &h.admin,
        &person("Moses", "Banda", "1979-07-07", "M"),
        when(),
    );
    drop(h);
    push(&a, &central, &[]);

    std::fs::copy(&older, &file).unwrap();
    let mut h = common::hospital_reopened(&a);
    register(
        &mut h.db,
        &h.admin,
        &person("Naomi", "Sakala", "1999-09-19", "F"),
        when(),
    );
    drop(h);
    let (ok, said) = wardline(&a, &["central", "push", "--to", &central.url]);
    assert!(!ok);
    assert!(
        said.contains("restored from an older backup") && said.contains("nothing was sent"),
        "{said}"
    );

    let other = common::hospital(&b);
    drop(other);
    let (ok, said) = wardline(&b, &["central", "push", "--to", &central.url]);
    assert!(!ok);
    assert!(
        said.contains("already holds a hospital TST from another file"),
        "{said}"
    );
}

#[test]
fn the_file_enters_every_change_of_a_pushed_table_in_its_outbox_itself() {
    let dir = tempfile::tempdir().unwrap();
    let h = common::hospital(dir.path());
    let conn = common::raw(&file_of(dir.path(), "TST"));
    let mirrors = tables::mirrors(&conn).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for m in &mirrors {
        let wanted: &[&str] = if m.by_rowid {
            &["update"]
        } else {
            &["insert", "update", "delete"]
        };
        for w in wanted {
            let name = format!("{}_outbox_{w}", m.name);
            assert!(triggers.contains(&name), "{} has no trigger {name}", m.name);
        }
    }
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (t, _) in tables::LOCAL_ONLY {
        assert!(
            names.iter().any(|n| n == t),
            "LOCAL_ONLY names {t}, which is no table"
        );
    }
    assert!(
        !mirrors
            .iter()
            .any(|m| m.name == "users" && m.columns.iter().any(|c| c.name == "password_hash"))
    );

    // With the program bypassed, the file still enters a change.
    let before: i64 = conn
        .query_row("SELECT count(*) FROM central_outbox", [], |r| r.get(0))
        .unwrap();
    conn.execute("UPDATE users SET full_name = 'Ada A. Admin'", [])
        .unwrap();
    let after: i64 = conn
        .query_row("SELECT count(*) FROM central_outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(after, before + 1);

    let site: String = conn
        .query_row("SELECT site_id FROM hospital", [], |r| r.get(0))
        .unwrap();
    assert_eq!(site.len(), 36, "{site}");
    let refused = conn
        .execute(
            "UPDATE hospital SET site_id = '00000000-0000-4000-8000-000000000000'",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains("site id never changes"), "{refused}");
    drop(h);
}

/// A hospital with its own code in `dir`, its administrator signed in.
fn hospital_coded(dir: &Path, code: &str, name: &str) -> common::Hospital {
    let data = wardline::paths::DataDir::resolve(Some(dir.to_path_buf())).unwrap();
    let code: wardline::domain::hospital::HospitalCode = code.parse().unwrap();
    let mut db =
        wardline::store::Db::create(&data.hospital_file(&code), &code, name, chrono_tz::UTC)
            .unwrap();
    ops::accounts::create_first_admin(
        &mut db,
        common::ADMIN,
        "Ada Admin",
        common::ADMIN_PASSWORD,
        Utc::now(),
    )
    .unwrap();
    let admin = wardline::auth::sign_in(&mut db, common::ADMIN, common::ADMIN_PASSWORD, Utc::now())
        .unwrap();
    common::Hospital { data, db, admin }
}

#[test]
fn the_patient_index_finds_a_person_registered_at_two_hospitals_under_two_spellings() {
    let Some(central) = central("index") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let mut north = hospital_coded(&a, "NORTH", "North District Hospital");
    let here = register(
        &mut north.db,
        &north.admin,
        &person("Aminata", "Okafor", "1980-04-01", "F").with(Field::Phone, "+260 97 123 4567"),
        when(),
    );
    register(
        &mut north.db,
        &north.admin,
        &person("Amos", "Okoro", "1980-04-01", "M"),
        when(),
    );
    drop(north);
    let mut south = hospital_coded(&b, "SOUTH", "South Mission Clinic");
    let there = register(
        &mut south.db,
        &south.admin,
        &person("Aminatta", "Okafoor", "1980-04-01", "F").with(Field::Phone, "097 1234567"),
        when(),
    );
    register(
        &mut south.db,
        &south.admin,
        &person("Grace", "Okafor", "1962-01-01", "F"),
        when(),
    );
    drop(south);
    push(&a, &central, &[]);
    push(&b, &central, &[]);

    let (ok, found) = wardline(
        dir.path(),
        &["central", "find", "--db", &central.url, "okafor", "aminata"],
    );
    assert!(ok, "{found}");
    let first_person: Vec<&str> = found.lines().take_while(|l| !l.is_empty()).collect();
    assert!(
        first_person[0].starts_with("Aminata Okafor, F, born 1980-04-01"),
        "{found}"
    );
    assert!(
        first_person[1].contains("NORTH") && first_person[1].contains(&here.mrn),
        "{found}"
    );
    assert!(
        first_person[2].contains("SOUTH")
            && first_person[2].contains(&there.mrn)
            && first_person[2].contains("(as Aminatta Okafoor)"),
        "one person, each hospital's MRN:\n{found}"
    );
    assert!(!found.contains("Amos"), "{found}");

    // The other way round, by phone alone, and by a birth date with a name.
    for query in [
        &["aminatta", "okafoor"][..],
        &["0971234567"],
        &["Okafor", "1980-04-01"],
    ] {
        let mut args = vec!["central", "find", "--db", &central.url];
        args.extend_from_slice(query);
        let (ok, found) = wardline(dir.path(), &args);
        assert!(ok, "{found}");
        assert!(
            found.contains(&here.mrn) && found.contains(&there.mrn),
            "{query:?}:\n{found}"
        );
        assert!(!found.contains("Grace"), "{query:?}:\n{found}");
    }
    let reads: i64 = central
        .client()
        .query_one(
            "SELECT count(*) FROM central_reads WHERE action = 'FIND'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(reads, 4, "every search is recorded");
}

#[test]
fn the_reports_across_hospitals_count_what_the_files_hold() {
    use wardline::central::report::{Report, read};
    let Some(central) = central("reports") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    push(dir.path(), &central, &[]);
    let conn = Connection::open(file_of(dir.path(), "DEMO")).unwrap();
    let mut c = central.client();

    let census = &read(&mut c, Report::Census, None, 12).unwrap()[0];
    let occupied: i64 = conn
        .query_row(
            "SELECT count(*) FROM beds WHERE status = 'occupied' AND retired_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let shown: i64 = census
        .rows
        .iter()
        .map(|r| r[3].parse::<i64>().unwrap())
        .sum();
    assert_eq!(shown, occupied);
    assert!(census.rows.iter().all(|r| r[0] == "DEMO"));

    let stock = &read(&mut c, Report::Stock, Some("DEMO"), 12).unwrap()[0];
    let items: i64 = conn
        .query_row(
            "SELECT count(*) FROM stock_items WHERE active = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stock.rows.len() as i64, items);

    let visits = &read(&mut c, Report::Visits, None, 120).unwrap();
    let local: i64 = conn
        .query_row("SELECT count(*) FROM visits", [], |r| r.get(0))
        .unwrap();
    let shown: i64 = visits[0]
        .rows
        .iter()
        .map(|r| r[2].parse::<i64>().unwrap())
        .sum();
    assert_eq!(shown, local);
    assert!(
        !visits[1].rows.is_empty(),
        "the demo's diagnoses are counted"
    );

    let (ok, said) = wardline(
        dir.path(),
        &["central", "report", "census", "--db", &central.url],
    );
    assert!(ok && said.contains("Medical ward"), "{said}");
}

#[test]
fn the_central_copy_of_the_audit_trail_is_verified_and_held_against_the_file() {
    let Some(central) = central("verify") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    push(dir.path(), &central, &[]);
    let (ok, said) = wardline(
        dir.path(),
        &[
            "--hospital",
            "DEMO",
            "central",
            "verify",
            "--db",
            &central.url,
        ],
    );
    assert!(ok, "{said}");
    assert!(
        said.contains("is intact") && said.contains("agrees with the hospital file"),
        "{said}"
    );

    central
        .client()
        .execute(
            "UPDATE audit_log SET summary = 'nothing happened' WHERE hospital = 'DEMO' AND seq = 5",
            &[],
        )
        .unwrap();
    let (ok, said) = wardline(
        dir.path(),
        &[
            "--hospital",
            "DEMO",
            "central",
            "verify",
            "--db",
            &central.url,
        ],
    );
    assert!(!ok);
    assert!(said.contains("event 5 does not match its hash"), "{said}");
}

#[test]
fn a_watching_push_sends_a_change_within_seconds() {
    let Some(central) = central("watch") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let h = common::hospital(dir.path());
    drop(h);
    let mut watch = command(
        dir.path(),
        &["central", "push", "--watch", "--to", &central.url],
    )
    .spawn()
    .unwrap();
    let mut c = central.client();
    let arrived = |c: &mut postgres::Client, sql: &str, id: &str| -> bool {
        for _ in 0..300 {
            if c.query_opt(sql, &[&id]).unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    };
    assert!(arrived(
        &mut c,
        "SELECT 1 FROM hospitals WHERE code = $1 AND last_push_at IS NOT NULL",
        "TST"
    ));
    let mut h = common::hospital_reopened(dir.path());
    let p = register(
        &mut h.db,
        &h.admin,
        &person("Watched", "Change", "1990-01-01", "F"),
        when(),
    );
    drop(h);
    let ok = arrived(
        &mut c,
        "SELECT 1 FROM patients WHERE hospital = 'TST' AND id = $1",
        &p.id.to_string(),
    );
    watch.kill().unwrap();
    watch.wait().unwrap();
    assert!(
        ok,
        "the new patient reached the store while the push watched"
    );
    assert_same(dir.path(), "TST", &central);
}

#[test]
fn a_store_asked_for_tls_is_reached_only_with_a_certificate_it_can_verify() {
    let Some(central) = central("tls") else {
        return;
    };
    let Ok(tls) = std::env::var("WARDLINE_TEST_PG_TLS") else {
        let missing = "no TLS address for the test server: set WARDLINE_TEST_PG_TLS to a postgresql:// URL \
                       with sslmode=require and sslrootcert=CA.pem (`.ci/run` sets it)";
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{missing} (CI must run it)"
        );
        eprintln!("skipped: {missing}");
        return;
    };
    let url = with_database(&tls, &central.name);
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::hospital(dir.path());
    register(
        &mut h.db,
        &h.admin,
        &person("Tabitha", "Mumba", "1984-04-04", "F"),
        when(),
    );
    drop(h);
    let (ok, said) = wardline(dir.path(), &["central", "push", "--to", &url]);
    assert!(ok, "{said}");
    assert_same(dir.path(), "TST", &central);

    let target = wardline::central::connect::Target::parse(
        &url,
        wardline::central::connect::Given::Argument,
    )
    .unwrap();
    let encrypted: bool = target
        .connect()
        .unwrap()
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(encrypted, "the push's connection is encrypted");

    // Without the district's authority the server's certificate is not trusted.
    let unverified: String = url
        .split(['?', '&'])
        .filter(|p| !p.starts_with("sslrootcert="))
        .enumerate()
        .map(|(i, p)| match i {
            0 => p.to_string(),
            1 => format!("?{p}"),
            _ => format!("&{p}"),
        })
        .collect();
    let (ok, said) = wardline(dir.path(), &["central", "push", "--to", &unverified]);
    assert!(!ok);
    assert!(
        said.contains("cannot reach the central store") && said.contains("certificate"),
        "{said}"
    );
}
