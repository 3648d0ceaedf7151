//! Hospital files on disk: creating, opening, refusing what is not ours or
//! too new or damaged (without touching it), and migrating old ones.

mod common;

use common::{bytes, code, raw, user_version};
use rusqlite::Connection;
use std::path::Path;
use strum::IntoEnumIterator;
use wardline::domain::audit::AuditAction;
use wardline::domain::settings::SettingKey;
use wardline::store::audit::{ChainState, recent, verify_chain};
use wardline::store::migrations::{self, MIGRATIONS, SCHEMA};
use wardline::store::{APPLICATION_ID, Db, StoreError};

fn pragma_i64(conn: &Connection, name: &str) -> i64 {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("PRAGMA {name}: {e}"))
}

fn table_exists(conn: &Connection, name: &str) -> bool {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
        [name],
        |r| r.get(0),
    )
    .expect("query sqlite_schema")
}

/// Every schema object, with the SQL text's whitespace collapsed.
fn schema_of(conn: &Connection) -> Vec<(String, String, String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name")
        .expect("prepare schema query");
    stmt.query_map([], |r| {
        let sql: Option<String> = r.get(3)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            sql.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")),
        ))
    })
    .expect("query schema")
    .collect::<rusqlite::Result<_>>()
    .expect("read schema")
}

/// No WAL or shared-memory file is left beside a file after a refused open.
fn assert_no_side_files(path: &Path) {
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = format!("{}{suffix}", path.display());
        assert!(!Path::new(&side).exists(), "{side} was left behind");
    }
}

/// A fresh hospital file, closed again so that its WAL is checkpointed away.
fn closed_hospital(dir: &Path) -> std::path::PathBuf {
    let (data, db) = common::bare_hospital(dir);
    let path = data.hospital_file(&code());
    drop(db);
    assert!(
        !Path::new(&format!("{}-wal", path.display())).exists(),
        "closing the last connection removes the WAL"
    );
    path
}

/// A hospital file as the first release wrote it: migration 1 only, with its
/// hospital row, settings and creation event.
fn version_1_hospital(dir: &Path) -> std::path::PathBuf {
    use wardline::domain::audit::{Actor, AuditEvent};
    let path = dir.join("hospitals").join("TST.db");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(MIGRATIONS[0]).unwrap();
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .unwrap();
    tx.pragma_update(None, "user_version", 1).unwrap();
    tx.execute(
        "INSERT INTO hospital (id, code, created_at) VALUES (1, 'TST', '2025-01-01T00:00:00.000000Z')",
        [],
    )
    .unwrap();
    // As a version-1 program wrote them: every key it knew, no time zone.
    let settings = wardline::domain::settings::Settings::defaults("Test", "TST", chrono_tz::UTC);
    for key in SettingKey::iter().filter(|k| *k != SettingKey::TimeZone) {
        wardline::store::settings::put(&tx, key, &settings.get(key)).unwrap();
    }
    wardline::store::audit::append(
        &tx,
        &Actor::system(),
        &[AuditEvent::new(
            AuditAction::Create,
            "hospital",
            "hospital TST created",
        )],
    )
    .unwrap();
    tx.commit().unwrap();
    drop(conn);
    path
}

/// This program's migrations plus one more, as a later release would ship.
fn with_extra(extra: &'static str) -> Vec<&'static str> {
    let mut all = MIGRATIONS.to_vec();
    all.push(extra);
    all
}

#[test]
fn a_new_hospital_reopens_with_its_identity_and_pragmas() {
    let dir = tempfile::tempdir().unwrap();
    let (data, db) = common::bare_hospital(dir.path());
    let path = data.hospital_file(&code());
    assert_eq!(db.path(), path);
    assert_eq!(db.code(), &code());
    drop(db);

    let db = Db::open(&path).expect("reopen");
    let conn = db.conn();
    assert_eq!(
        pragma_i64(conn, "application_id"),
        i64::from(APPLICATION_ID)
    );
    assert_eq!(pragma_i64(conn, "user_version"), MIGRATIONS.len() as i64);
    assert_eq!(migrations::current_version(), MIGRATIONS.len() as i64);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    assert_eq!(pragma_i64(conn, "foreign_keys"), 1);
    // synchronous=FULL is 2.
    assert_eq!(pragma_i64(conn, "synchronous"), 2);
    assert_eq!(db.code(), &code());
    let settings = db.settings().unwrap();
    assert_eq!(settings.hospital_name, common::HOSPITAL_NAME);
    assert_eq!(settings.mrn_prefix, common::CODE);

    // The creation itself is the first audit event, and the chain verifies.
    let events = recent(conn, 10).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].seq, 1);
    assert_eq!(events[0].action, AuditAction::Create.to_string());
    assert_eq!(events[0].actor_name, "system");
    match verify_chain(conn).unwrap() {
        ChainState::Intact { count, head } => {
            assert_eq!(count, 1);
            assert_eq!(head, events[0].hash);
        }
        ChainState::Broken(b) => panic!("a new chain is broken: {b}"),
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600, "hospital file mode");
        assert_eq!(mode(&data.hospitals_dir()), 0o700, "hospitals folder mode");
        // While open, SQLite's WAL and shared-memory files copy the file's mode.
        for suffix in ["-wal", "-shm"] {
            let side = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if side.exists() {
                assert_eq!(mode(&side), 0o600, "{suffix} file mode");
            }
        }
    }
}

#[test]
fn create_refuses_an_existing_path_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    let before = bytes(&path);
    match Db::create(&path, &code(), "Another", chrono_tz::UTC) {
        Err(StoreError::AlreadyExists(p)) => assert_eq!(p, path),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(bytes(&path), before, "the existing hospital was changed");
    // It still opens as the hospital it was.
    let db = Db::open(&path).unwrap();
    assert_eq!(db.settings().unwrap().hospital_name, common::HOSPITAL_NAME);
    drop(db);

    // Not only hospital files: any file at that path is left alone.
    let other = dir.path().join("hospitals").join("NOTES.db");
    std::fs::write(&other, b"somebody's notes").unwrap();
    match Db::create(&other, &"NOTES".parse().unwrap(), "Notes", chrono_tz::UTC) {
        Err(StoreError::AlreadyExists(p)) => assert_eq!(p, other),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(std::fs::read(&other).unwrap(), b"somebody's notes");
}

#[test]
fn an_older_file_is_migrated_in_one_audited_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = version_1_hospital(dir.path());
    assert_eq!(user_version(&path), 1);
    let events_before = audit_count_of(&path);
    let current = MIGRATIONS.len() as i64;

    let db = Db::open(&path).expect("migrate a version-1 file");
    let conn = db.conn();
    assert_eq!(pragma_i64(conn, "user_version"), current);
    assert!(table_exists(conn, "patients") && table_exists(conn, "patient_terms"));
    let last = &recent(conn, 1).unwrap()[0];
    assert_eq!(last.seq, events_before + 1);
    assert_eq!(last.action, AuditAction::Update.to_string());
    assert_eq!(last.entity, "schema");
    assert_eq!(last.actor_name, "system");
    assert!(
        last.summary
            .contains(&format!("from version 1 to {current}")),
        "summary: {}",
        last.summary
    );
    match verify_chain(conn).unwrap() {
        ChainState::Intact { count, head } => {
            assert_eq!(count, events_before + 1);
            assert_eq!(head, last.hash);
        }
        ChainState::Broken(b) => panic!("migration broke the chain: {b}"),
    }
    // Its dates were shown in the machine's zone until now: it is pinned there.
    assert_eq!(
        db.settings().unwrap().time_zone,
        wardline::machine_zone::machine_zone()
    );
    // The migrated file has exactly the schema a new file gets.
    let fresh = Connection::open_in_memory().unwrap();
    fresh.execute_batch(SCHEMA).unwrap();
    assert_eq!(schema_of(conn), schema_of(&fresh));
    drop(db);

    // Opening again at the same version does nothing more.
    let db = Db::open(&path).unwrap();
    assert_eq!(common::audit_count(db.conn()), events_before + 1);
    drop(db);

    // A later release's migration applies on top, once, audited; this
    // program then refuses the file as too new, untouched.
    let next = with_extra("CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;");
    let db = Db::open_with(&path, &next).expect("migrate to the next version");
    assert!(table_exists(db.conn(), "extra"));
    assert_eq!(common::audit_count(db.conn()), events_before + 2);
    drop(db);
    let before = bytes(&path);
    match Db::open(&path) {
        Err(StoreError::TooNew {
            found, supported, ..
        }) => {
            assert_eq!(found, current + 1);
            assert_eq!(supported, current);
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert_eq!(bytes(&path), before);
}

#[test]
fn terminals_opening_an_old_file_at_once_migrate_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = version_1_hospital(dir.path());
    let events_before = audit_count_of(&path);
    let terminals = 4;
    let barrier = std::sync::Barrier::new(terminals);
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..terminals)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    Db::open(&path).map(drop).map_err(|e| e.to_string())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in &results {
        assert!(r.is_ok(), "a terminal failed to open: {r:?}");
    }
    assert_eq!(user_version(&path), MIGRATIONS.len() as i64);
    let conn = raw(&path);
    let upgrades: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE entity = 'schema'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(upgrades, 1, "the file was migrated more than once");
    assert_eq!(common::audit_count(&conn), events_before + 1);
    assert!(matches!(
        verify_chain(&conn).unwrap(),
        ChainState::Intact { .. }
    ));
}

fn audit_count_of(path: &Path) -> i64 {
    common::audit_count(&raw(path))
}

#[test]
fn a_failing_migration_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    let before = bytes(&path);
    let schema_before = schema_of(&raw(&path));
    assert_eq!(bytes(&path), before, "a raw read changed the file");

    let broken =
        with_extra("CREATE TABLE half_done (id INTEGER PRIMARY KEY) STRICT; THIS IS NOT SQL;");
    match Db::open_with(&path, &broken) {
        Err(StoreError::Sqlite(e)) => assert!(e.to_string().contains("syntax error"), "{e}"),
        other => panic!("expected the migration's SQL error, got {other:?}"),
    }

    assert_eq!(user_version(&path), MIGRATIONS.len() as i64);
    let conn = raw(&path);
    assert!(!table_exists(&conn, "half_done"), "half a migration stayed");
    assert_eq!(schema_of(&conn), schema_before);
    drop(conn);
    assert_eq!(bytes(&path), before, "the file's bytes changed");

    // The file still opens normally afterwards.
    let db = Db::open(&path).expect("open after a failed migration");
    assert_eq!(
        pragma_i64(db.conn(), "user_version"),
        MIGRATIONS.len() as i64
    );
}

#[test]
fn a_newer_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    {
        let conn = raw(&path);
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = bytes(&path);
    match Db::open(&path) {
        Err(StoreError::TooNew {
            path: p,
            found,
            supported,
        }) => {
            assert_eq!(p, path);
            assert_eq!(found, 99);
            assert_eq!(supported, MIGRATIONS.len() as i64);
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert_eq!(bytes(&path), before, "a refused file was changed");
    assert_no_side_files(&path);
    assert_eq!(user_version(&path), 99);
}

/// A file whose schema version is negative (no wardline writes one) is
/// refused like a foreign file, by opening, reading only and listing
/// hospitals alike, and left as it was.
#[test]
fn a_negative_schema_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    {
        let conn = raw(&path);
        conn.pragma_update(None, "user_version", -1).unwrap();
    }
    let before = bytes(&path);
    for opened in [Db::open(&path), Db::open_read_only(&path)] {
        match opened {
            Err(StoreError::NotWardline(p)) => assert_eq!(p, path),
            other => panic!("expected NotWardline, got {other:?}"),
        }
    }
    let data = dir.path().join("data");
    let hospitals = data.join("hospitals");
    std::fs::create_dir_all(&hospitals).unwrap();
    let listed = hospitals.join("NEG.db");
    std::fs::copy(&path, &listed).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wardline"))
        .arg("--data-dir")
        .arg(&data)
        .arg("hospitals")
        .env_remove("WARDLINE_DATA_DIR")
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("not a wardline hospital file"), "{said}");
    assert_eq!(bytes(&path), before);
    assert_eq!(bytes(&listed), before, "listing hospitals changed the file");
    assert_eq!(user_version(&listed), -1);
}

#[test]
fn a_foreign_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA application_id = 1234;
             CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
             INSERT INTO notes (body) VALUES ('not a hospital');",
        )
        .unwrap();
    }
    let before = bytes(&path);
    match Db::open(&path) {
        Err(StoreError::NotWardline(p)) => assert_eq!(p, path),
        other => panic!("expected NotWardline, got {other:?}"),
    }
    assert_eq!(bytes(&path), before, "a foreign database was changed");
    assert_no_side_files(&path);
    // Not switched to WAL either.
    let mode: String = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "delete");

    // A plain SQLite file with no application id at all.
    let plain = dir.path().join("plain.db");
    Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER);")
        .unwrap();
    let before = bytes(&plain);
    assert!(matches!(Db::open(&plain), Err(StoreError::NotWardline(_))));
    assert_eq!(bytes(&plain), before);
}

#[test]
fn a_text_file_an_empty_file_and_a_missing_path_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.db");
    let content = b"This is a shopping list, not a hospital.\nMilk\nBread\n".repeat(10);
    std::fs::write(&text, &content).unwrap();
    match Db::open(&text) {
        Err(StoreError::NotWardline(p)) => assert_eq!(p, text),
        other => panic!("expected NotWardline, got {other:?}"),
    }
    assert_eq!(std::fs::read(&text).unwrap(), content);

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(Db::open(&empty), Err(StoreError::NotWardline(_))));
    assert_eq!(std::fs::read(&empty).unwrap(), b"");

    let missing = dir.path().join("hospitals").join("NONE.db");
    match Db::open(&missing) {
        Err(StoreError::Missing(p)) => assert_eq!(p, missing),
        other => panic!("expected Missing, got {other:?}"),
    }
    assert!(!missing.exists(), "opening a missing path created it");
}

#[test]
fn a_damaged_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    let mut damaged = bytes(&path);
    let page_size = u16::from_be_bytes([damaged[16], damaged[17]]) as usize;
    let page_size = if page_size == 1 { 65536 } else { page_size };
    assert!(damaged.len() >= page_size);
    // Garble page 1 after the 100-byte file header: the b-tree page of
    // sqlite_schema, so SQLite can no longer read the schema.
    for (i, b) in damaged[100..page_size].iter_mut().enumerate() {
        *b = 0xA5 ^ (i as u8);
    }
    std::fs::write(&path, &damaged).unwrap();

    match Db::open(&path) {
        Err(StoreError::Damaged { path: p, detail }) => {
            assert_eq!(p, path);
            assert!(!detail.is_empty());
        }
        other => panic!("expected Damaged, got {other:?}"),
    }
    assert_eq!(bytes(&path), damaged, "the attempt changed a damaged file");
    assert_no_side_files(&path);
}

#[test]
fn a_garbled_schema_entry_is_refused_as_damaged_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    let mut damaged = bytes(&path);
    // The stored text of a schema entry (a row of sqlite_schema), made
    // unparseable without changing its length.
    // Every copy: a page freed while the schema was built may hold an old one.
    let needle = b"CREATE TABLE login_throttle (";
    let places: Vec<usize> = damaged
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert!(!places.is_empty(), "the schema text is in the file");
    for at in places {
        damaged[at..at + needle.len()].copy_from_slice(b"CREATE TABLE login_throttle )");
    }
    std::fs::write(&path, &damaged).unwrap();

    match Db::open(&path) {
        Err(StoreError::Damaged { path: p, .. }) => assert_eq!(p, path),
        other => panic!("expected Damaged, got {other:?}"),
    }
    assert_eq!(bytes(&path), damaged, "the attempt changed a damaged file");
    assert_no_side_files(&path);
}

#[test]
fn a_truncated_file_is_refused_as_damaged_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    let whole = bytes(&path);
    let page_size = u16::from_be_bytes([whole[16], whole[17]]) as usize;
    assert!(
        whole.len() > 2 * page_size,
        "a hospital file has several pages"
    );
    // Cut after the first page, as an interrupted copy would.
    let cut = whole[..page_size].to_vec();
    std::fs::write(&path, &cut).unwrap();

    match Db::open(&path) {
        Err(StoreError::Damaged { path: p, .. }) => assert_eq!(p, path),
        other => panic!("expected Damaged, got {other:?}"),
    }
    assert_eq!(bytes(&path), cut, "the attempt changed a damaged file");
    assert_no_side_files(&path);
}

#[test]
fn schema_sql_equals_every_migration_applied_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = Connection::open(dir.path().join("migrated.db")).unwrap();
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        migrated
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("migration {} fails on an empty file: {e}", i + 1));
    }
    let fresh = Connection::open(dir.path().join("fresh.db")).unwrap();
    fresh.execute_batch(SCHEMA).expect("schema.sql runs");

    let from_migrations = schema_of(&migrated);
    let from_schema = schema_of(&fresh);
    assert!(!from_schema.is_empty());
    assert_eq!(from_migrations, from_schema);
}

#[test]
fn the_audit_trail_cannot_be_updated_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_hospital(dir.path());
    let conn = raw(&path);
    let row = |c: &Connection| -> (String, String) {
        c.query_row(
            "SELECT summary, hash FROM audit_log WHERE seq = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let original = row(&conn);

    let err = conn
        .execute(
            "UPDATE audit_log SET summary = 'nothing happened' WHERE seq = 1",
            [],
        )
        .expect_err("an UPDATE of the audit trail was allowed");
    assert!(err.to_string().contains("append-only"), "{err}");

    let err = conn
        .execute("DELETE FROM audit_log WHERE seq = 1", [])
        .expect_err("a DELETE from the audit trail was allowed");
    assert!(err.to_string().contains("append-only"), "{err}");

    let err = conn
        .execute("DELETE FROM audit_log", [])
        .expect_err("emptying the audit trail was allowed");
    assert!(err.to_string().contains("append-only"), "{err}");

    assert_eq!(row(&conn), original);
    assert_eq!(common::audit_count(&conn), 1);
}

#[test]
fn migration_3_writes_the_name_pairs_of_patients_already_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = version_1_hospital(dir.path());
    drop(Db::open_with(&path, &MIGRATIONS[..2]).expect("migrate to version 2"));
    let conn = Connection::open(&path).unwrap();
    for (seq, given, family, deleted) in [
        (1, "Amina", "Okafor", None),
        (2, "Amani", "Okoth", Some("2025-02-01T00:00:00.000000Z")),
    ] {
        conn.execute(
            "INSERT INTO patients (id, seq, mrn, given_name, family_name, birth_date, sex,
                                   created_at, updated_at, deleted_at, delete_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, '1988-02-29', 'F', '2025-01-01T00:00:00.000000Z',
                     '2025-01-01T00:00:00.000000Z', ?6, CASE WHEN ?6 IS NULL THEN NULL ELSE 'test' END)",
            rusqlite::params![format!("id-{seq}"), seq, format!("TST-{seq:06}-X"), given, family, deleted],
        )
        .unwrap();
    }
    drop(conn);

    let db = Db::open(&path).expect("migrate to the current version");
    let pairs: Vec<(String, i64)> = db
        .conn()
        .prepare("SELECT term, seq FROM patient_name_pairs ORDER BY term")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let terms: Vec<&str> = pairs.iter().map(|(t, _)| t.as_str()).collect();
    assert!(
        terms.contains(&"am|okafor") && terms.contains(&"ok|amina"),
        "{terms:?}"
    );
    assert!(
        pairs.iter().all(|(_, seq)| *seq == 1),
        "only patients in use: {pairs:?}"
    );
    let found = wardline::store::patient_search::search(db.conn(), "oka am", "%Y-%m-%d").unwrap();
    assert_eq!(found.hits.iter().map(|h| h.seq).collect::<Vec<_>>(), [1]);
}

#[test]
fn the_write_ahead_log_is_folded_when_asked_not_by_each_commit() {
    let dir = tempfile::tempdir().unwrap();
    let (_data, mut db) = common::bare_hospital(dir.path());
    db.defer_wal_checkpoints().unwrap();
    let limit: i64 = db
        .conn()
        .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
        .unwrap();
    assert_eq!(limit, wardline::store::WAL_PAGES_LIMIT);
    let before = bytes(db.path());
    db.write(&wardline::domain::audit::Actor::system(), |tx| {
        tx.execute_batch(
            "CREATE TABLE scratch (x INTEGER) STRICT; INSERT INTO scratch VALUES (1);",
        )
        .map_err(StoreError::from)?;
        Ok::<_, StoreError>(((), Vec::new()))
    })
    .unwrap();
    assert_eq!(
        bytes(db.path()),
        before,
        "a commit leaves the file to the log"
    );
    // The page count in the file's own header: the new table is still only
    // in the log, until the log is folded into the file.
    let pages = |path: &Path| {
        let b = bytes(path);
        u32::from_be_bytes([b[28], b[29], b[30], b[31]])
    };
    let before = pages(db.path());
    db.checkpoint_wal().unwrap();
    assert!(pages(db.path()) > before);
}

/// A write that meets a full disk says so in words (SQLite's own "database
/// or disk is full" never reaches a person), changes nothing, and the next
/// write works once there is room. The full disk is the file's page limit.
#[test]
fn a_full_disk_is_said_in_words_and_nothing_is_half_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::hospital(dir.path());
    let pages: i64 =
        h.db.conn()
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
    h.db.conn()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let before = wardline::store::audit::head(h.db.conn()).unwrap();
    let mut refused = None;
    for i in 0..10_000 {
        let name = format!("user{i:05}");
        let r = wardline::ops::accounts::add(
            &mut h.db,
            &h.admin,
            &wardline::ops::accounts::NewAccount {
                user_name: &name,
                full_name: &"A long full name to fill the pages ".repeat(2),
                role: wardline::domain::role::Role::Nurse,
                password: common::USER_PASSWORD,
            },
            false,
            chrono::Utc::now(),
        );
        if let Err(e) = r {
            refused = Some((i, e));
            break;
        }
    }
    let (added, e) = refused.expect("the page limit was never reached");
    let said = e.to_string();
    assert!(said.starts_with("the disk is full"), "{said}");
    assert!(!said.contains("database or disk is full"), "{said}");
    let users: i64 =
        h.db.conn()
            .query_row(
                "SELECT count(*) FROM users WHERE user_name LIKE 'user%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(users, added as i64, "the refused account was half written");
    assert!(wardline::store::audit::head(h.db.conn()).unwrap().0 > before.0);
    h.db.conn()
        .pragma_update(None, "max_page_count", 1_000_000_000)
        .unwrap();
    common::add_user(
        &mut h.db,
        &h.admin,
        "roomy",
        wardline::domain::role::Role::Nurse,
    );
}
