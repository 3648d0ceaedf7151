//! A hospital file damaged deep inside — a zeroed page, flipped bytes — in
//! a table the session never reads: it still opens (checking every page on
//! open would take seconds at a million patients), but the first query or
//! check that meets the damage stops every write of the process at once,
//! and the screen and `wardline check` say what happened and what to do.
//!
//! What damage a process has seen is the process's own, so this file holds
//! one test, its steps in order.

mod common;
mod tui_harness;

use common::cli;
use common::{USER_PASSWORD, add_user, hospital};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use tui_harness::{Harness, PASSWORD};
use wardline::auth;
use wardline::domain::role::Role;
use wardline::health::{PagesCheck, check_pages, check_pages_in_background};
use wardline::ops;
use wardline::store::Db;
use wardline::store::damage;
use wardline::store::sessions::EndReason;

/// Writes the file's log into it and closes it, so that its pages are all
/// in the main file.
fn close(db: Db) -> PathBuf {
    db.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let path = db.path().to_path_buf();
    drop(db);
    path
}

/// Where the root page of `table` starts in the file, and the page size.
fn root_page(path: &Path, table: &str) -> (usize, usize) {
    let conn = Connection::open(path).unwrap();
    let size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap();
    let size = usize::try_from(size).unwrap();
    (usize::try_from(root - 1).unwrap() * size, size)
}

fn zero_page(path: &Path, table: &str) {
    let (at, size) = root_page(path, table);
    let mut bytes = std::fs::read(path).unwrap();
    bytes[at..at + size].fill(0);
    std::fs::write(path, bytes).unwrap();
}

fn flip_bytes(path: &Path, table: &str) {
    let (at, _) = root_page(path, table);
    let mut bytes = std::fs::read(path).unwrap();
    for b in &mut bytes[at..at + 8] {
        *b ^= 0xA5;
    }
    std::fs::write(path, bytes).unwrap();
}

/// The file and its write-ahead log, as they are.
fn snapshot(path: &Path) -> (Vec<u8>, Vec<u8>) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    (
        std::fs::read(path).unwrap(),
        std::fs::read(PathBuf::from(wal)).unwrap_or_default(),
    )
}

#[test]
fn damage_met_anywhere_stops_every_write_and_is_said_in_words() {
    // Made before any damage is known to this process.
    let mut screen = Harness::sized(100, 30, false);
    let zeroed_dir = tempfile::tempdir().unwrap();
    let mut h = hospital(zeroed_dir.path());
    add_user(&mut h.db, &h.admin, "nora", Role::Nurse);
    let zeroed = close(h.db);
    let flipped_dir = tempfile::tempdir().unwrap();
    let flipped = close(hospital(flipped_dir.path()).db);
    // The lab's reference ranges and tests: nothing a sign-in reads.
    zero_page(&zeroed, "lab_ranges");
    flip_bytes(&flipped, "lab_tests");
    let screen_file = screen.app.db().path().to_path_buf();
    zero_page(&screen_file, "lab_ranges");

    // `wardline check` finds the flipped bytes and says what to do.
    let (ok, said) = cli::said(flipped_dir.path(), &["check"], "");
    assert!(!ok, "{said}");
    assert!(said.contains("INTEGRITY PROBLEM: "), "{said}");
    assert!(said.contains("Restore the latest backup"), "{said}");

    // The file with the zeroed page opens and signs in: nothing has read
    // the page yet.
    let mut db = Db::open(&zeroed).unwrap();
    let nora = auth::sign_in(&mut db, "nora", USER_PASSWORD, chrono::Utc::now()).unwrap();
    assert_eq!(damage::found(), None);
    let before = snapshot(&zeroed);
    // The first query that meets the page says so, and from then on the
    // process writes nothing.
    let e = ops::lab_catalogue::test(&db, &nora, "FBC").expect_err("a damaged page read");
    let said = e.to_string();
    assert!(
        said.contains("the hospital file is damaged") && said.contains("wardline check"),
        "{said}"
    );
    assert!(damage::found().is_some());
    let refused = auth::sign_out(&mut db, &nora, EndReason::Logout, chrono::Utc::now())
        .expect_err("a write after the damage was seen");
    assert!(
        refused
            .to_string()
            .contains("this terminal writes nothing more to it"),
        "{refused}"
    );
    assert!(db.checkpoint_wal().is_err());
    assert!(
        snapshot(&zeroed) == before,
        "a write reached the damaged file"
    );

    // The check of every page finds both kinds of damage, in the
    // background as the screen runs it.
    assert!(matches!(check_pages(&zeroed), PagesCheck::Damaged(_)));
    assert!(matches!(check_pages(&flipped), PagesCheck::Damaged(_)));
    let heard = check_pages_in_background(&screen_file)
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap();
    assert!(matches!(heard, PagesCheck::Damaged(_)), "{heard:?}");

    // The screen says it over everything, and refuses to sign in (a
    // sign-in is a write) with the same words.
    screen.app.check_pages_in_background();
    screen.sign_in("admin", PASSWORD);
    let s = screen.screen();
    assert!(s.contains("The hospital file is damaged"), "{s}");
    assert!(s.contains("writes nothing more to the file"), "{s}");
    assert!(s.contains("wardline restore"), "{s}");
    assert!(screen.app.session().is_none(), "{s}");
}
