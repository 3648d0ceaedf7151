//! The patient portal's read model (ops::portal) on the demo hospital, built
//! once at a fixed instant: each section shows the patient exactly their own
//! data (checked against the file for several patients with data in each
//! area), "who opened my record" lists staff reads and not the patient's
//! own, every view is a READ of the patient's own account, and a staff
//! account, a disabled portal, a password still to change or a deleted
//! record are refused.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use wardline::auth::{self, Session};
use wardline::domain::billing::{bill_number, receipt_number};
use wardline::domain::clock::Clock;
use wardline::domain::ids::Id;
use wardline::domain::lab::accession::Accession;
use wardline::domain::time::format_ts;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::portal;
use wardline::paths::DataDir;
use wardline::store::{Db, users};

const PATIENT_PASSWORD: &str = "my own record 2026";

fn now() -> DateTime<Utc> {
    "2026-03-09T09:00:00Z".parse().unwrap()
}

fn clock() -> Clock {
    Clock::new(now(), chrono_tz::Africa::Nairobi)
}

/// The demo hospital's file, built once for all the tests of this file.
fn demo_file() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
        let data = DataDir::resolve(Some(dir.path().to_path_buf())).unwrap();
        wardline::demo::ensure_at(&data, false, now(), chrono_tz::Africa::Nairobi)
            .expect("the demo builds")
    })
}

/// A copy of the demo's file of this test's own.
struct Hospital {
    _dir: tempfile::TempDir,
    path: PathBuf,
    db: Db,
}

fn hospital() -> Hospital {
    let src = demo_file();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("DEMO.db");
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", src.display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", path.display())).unwrap();
        }
    }
    let db = Db::open(&path).unwrap();
    Hospital {
        _dir: dir,
        path,
        db,
    }
}

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

/// Patients of the demo with data of `sql` (a query of patient ids), the
/// first `n` by MRN.
fn patients_with(conn: &Connection, sql: &str, n: usize) -> Vec<Id> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT id FROM patients WHERE id IN ({sql}) AND deleted_at IS NULL
             AND merged_into IS NULL ORDER BY mrn LIMIT {n}"
        ))
        .unwrap();
    let ids: Vec<Id> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| Id::from_stored(r.unwrap()))
        .collect();
    assert_eq!(ids.len(), n, "the demo has {n} patients with {sql}");
    ids
}

/// Verifies the patient (as the desk would have) and gives them a patient
/// account with the rules the file holds; returns the account's session.
fn account_for(h: &Hospital, patient: &Id, hash: &str) -> Session {
    let conn = raw(&h.path);
    let at = format_ts(now());
    conn.execute(
        "UPDATE patients SET verified_at = coalesce(verified_at, ?2),
                verified_by = coalesce(verified_by, (SELECT id FROM users WHERE user_name = 'reception'))
         WHERE id = ?1",
        params![patient.as_str(), at],
    )
    .unwrap();
    let user_name: String = conn
        .query_row(
            "SELECT lower(replace(mrn, '-', '')) FROM patients WHERE id = ?1",
            [patient.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO users (id, user_name, full_name, role, password_hash, created_at,
                            updated_at, patient_id)
         VALUES (?1, ?2, '', 'patient', ?3, ?4, ?4, ?5)",
        params![Id::new().as_str(), user_name, hash, at, patient.as_str()],
    )
    .unwrap();
    let (user, _) = users::find(h.db.conn(), &user_name).unwrap().unwrap();
    Session {
        id: Id::new(),
        user,
        started_at: now(),
    }
}

fn strings(conn: &Connection, sql: &str, patient: &Id) -> BTreeSet<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([patient.as_str()], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn count(conn: &Connection, sql: &str, patient: &Id) -> usize {
    conn.query_row(sql, [patient.as_str()], |r| r.get::<_, i64>(0))
        .unwrap() as usize
}

#[test]
fn each_section_shows_the_patient_their_own_data_and_nothing_of_another() {
    let mut h = hospital();
    let conn = raw(&h.path);
    let hash = auth::hash_password(PATIENT_PASSWORD).unwrap();
    let areas = [
        "SELECT patient_id FROM appointments",
        "SELECT patient_id FROM admissions",
        "SELECT patient_id FROM prescriptions",
        "SELECT o.patient_id FROM lab_orders o JOIN lab_results r ON r.order_id = o.id
         WHERE r.verified_at IS NOT NULL",
        "SELECT b.patient_id FROM bills b JOIN payments p ON p.bill_id = b.id",
    ];
    let mut checked = BTreeSet::new();
    for area in areas {
        for patient in patients_with(&conn, area, 2) {
            if !checked.insert(patient.to_string()) {
                continue;
            }
            let me = account_for(&h, &patient, &hash);
            check_own_record(&mut h.db, &conn, &me, &patient);
        }
    }
    assert!(checked.len() >= 4, "several patients are checked");
}

fn check_own_record(db: &mut Db, conn: &Connection, me: &Session, patient: &Id) {
    let c = clock();
    let d = portal::demographics(db, me, c).unwrap();
    let mrn: String = conn
        .query_row(
            "SELECT mrn FROM patients WHERE id = ?1",
            [patient.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(d.mrn, mrn);

    let a = portal::appointments(db, me, c).unwrap();
    assert_eq!(
        a.upcoming.len() + a.past.len(),
        count(
            conn,
            "SELECT count(*) FROM appointments WHERE patient_id = ?1",
            patient
        )
    );
    assert!(a.upcoming.windows(2).all(|w| w[0].day <= w[1].day));

    let stays = portal::admissions(db, me, c).unwrap();
    assert_eq!(
        stays.len(),
        count(
            conn,
            "SELECT count(*) FROM admissions WHERE patient_id = ?1",
            patient
        )
    );
    let wards = strings(
        conn,
        "SELECT w.name FROM admissions a JOIN beds b ON b.id = a.bed_id
         JOIN wards w ON w.id = b.ward_id WHERE a.patient_id = ?1",
        patient,
    );
    assert_eq!(
        stays
            .iter()
            .map(|s| s.ward.clone())
            .collect::<BTreeSet<_>>(),
        wards
    );

    let m = portal::medicines(db, me, c).unwrap();
    assert_eq!(
        m.current.len() + m.past.len(),
        count(
            conn,
            "SELECT count(*) FROM prescriptions WHERE patient_id = ?1",
            patient
        )
    );

    let labs = portal::lab_results(db, me, c).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT DISTINCT o.accession FROM lab_orders o JOIN lab_results r ON r.order_id = o.id
             WHERE o.patient_id = ?1 AND r.verified_at IS NOT NULL",
        )
        .unwrap();
    let verified: BTreeSet<String> = stmt
        .query_map([patient.as_str()], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|n| Accession(n.unwrap() as u64).to_string())
        .collect();
    assert_eq!(
        labs.iter()
            .map(|r| r.accession.clone())
            .collect::<BTreeSet<_>>(),
        verified,
        "only this patient's orders with verified values"
    );
    let shown: usize = labs.iter().map(|r| r.values.len()).sum();
    if !verified.is_empty() {
        assert!(shown > 0);
        assert!(
            labs.iter()
                .flat_map(|r| &r.values)
                .all(|v| v.range_low.is_some()
                    || v.range_high.is_some()
                    || v.flag.is_empty()
                    || v.flag == "A"),
            "flagged values carry their range"
        );
    }

    let b = portal::bills(db, me, c).unwrap();
    let mut stmt = conn
        .prepare("SELECT number FROM bills WHERE patient_id = ?1")
        .unwrap();
    let numbers: BTreeSet<String> = stmt
        .query_map([patient.as_str()], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|n| bill_number(n.unwrap()))
        .collect();
    assert_eq!(
        b.bills
            .iter()
            .map(|b| b.number.clone())
            .collect::<BTreeSet<_>>(),
        numbers
    );
    let mut stmt = conn
        .prepare(
            "SELECT p.receipt FROM payments p JOIN bills b ON b.id = p.bill_id
             WHERE b.patient_id = ?1",
        )
        .unwrap();
    let receipts: BTreeSet<String> = stmt
        .query_map([patient.as_str()], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|n| receipt_number(n.unwrap()))
        .collect();
    assert_eq!(
        b.bills
            .iter()
            .flat_map(|b| b.payments.iter().map(|p| p.receipt.clone()))
            .collect::<BTreeSet<_>>(),
        receipts
    );
    // What the patient is told to pay is their own shares less their own
    // payments; a scheme's share and its settlements are the scheme's.
    let own_left: i64 = conn
        .query_row(
            "SELECT coalesce((SELECT sum(c.patient_share) FROM charges c JOIN bills b ON b.id = c.bill_id
                              WHERE b.patient_id = ?1), 0)
                  - coalesce((SELECT sum(p.amount) FROM payments p JOIN bills b ON b.id = p.bill_id
                              WHERE b.patient_id = ?1 AND p.method <> 'scheme'), 0)",
            [patient.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(b.balance, own_left);
    assert_eq!(
        b.balance,
        b.bills.iter().map(|b| b.left.patient).sum::<i64>()
    );
}

fn own_reads(conn: &Connection, me: &Session) -> usize {
    conn.query_row(
        "SELECT count(*) FROM audit_log WHERE action = 'READ' AND actor_id = ?1
         AND actor_role = 'patient' AND patient_id = (SELECT patient_id FROM users WHERE id = ?1)",
        [me.user.id.as_str()],
        |r| r.get::<_, i64>(0),
    )
    .unwrap() as usize
}

#[test]
fn every_view_is_a_read_of_the_patients_own_account_and_who_opened_lists_only_staff() {
    let mut h = hospital();
    let conn = raw(&h.path);
    let hash = auth::hash_password(PATIENT_PASSWORD).unwrap();
    let ids = patients_with(&conn, "SELECT patient_id FROM admissions", 2);
    let (mine, theirs) = (&ids[0], &ids[1]);
    let me = account_for(&h, mine, &hash);
    let them = account_for(&h, theirs, &hash);
    let c = clock();

    let mut reads = own_reads(&conn, &me);
    for section in portal::Section::ALL {
        match section {
            portal::Section::Demographics => drop(portal::demographics(&mut h.db, &me, c).unwrap()),
            portal::Section::Appointments => drop(portal::appointments(&mut h.db, &me, c).unwrap()),
            portal::Section::Admissions => drop(portal::admissions(&mut h.db, &me, c).unwrap()),
            portal::Section::Medicines => drop(portal::medicines(&mut h.db, &me, c).unwrap()),
            portal::Section::LabResults => drop(portal::lab_results(&mut h.db, &me, c).unwrap()),
            portal::Section::Bills => drop(portal::bills(&mut h.db, &me, c).unwrap()),
            portal::Section::WhoOpened => drop(portal::who_opened(&mut h.db, &me, c, 1).unwrap()),
        }
        let after = own_reads(&conn, &me);
        assert_eq!(after, reads + 1, "{section:?} writes one READ");
        reads = after;
    }

    // A doctor opens my record; the other patient's is not opened now.
    let doctor = auth::sign_in(&mut h.db, "doctor", wardline::demo::PASSWORD, now()).unwrap();
    let staff_before = portal::who_opened(&mut h.db, &me, c, 1).unwrap().total;
    let theirs_before = portal::who_opened(&mut h.db, &them, c, 1).unwrap().total;
    ops::patients::open(&mut h.db, &doctor, mine).unwrap();
    let page = portal::who_opened(&mut h.db, &me, c, 1).unwrap();
    assert!(page.total > staff_before, "the doctor's read is listed");
    let newest = &page.entries[0];
    assert_eq!(newest.staff_name, "Dr. Aisha Rahman");
    assert_eq!(newest.role, "doctor");
    assert_eq!(newest.action, "opened");
    assert!(page.entries.iter().all(|e| e.role != "patient"));
    assert!(page.entries.windows(2).all(|w| w[0].at >= w[1].at));
    assert_eq!(
        portal::who_opened(&mut h.db, &them, c, 1).unwrap().total,
        theirs_before,
        "nothing of my record is in another patient's list"
    );
    // Every staff access is counted, none of my own views.
    let staff: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE patient_id = ?1
             AND action IN ('READ', 'SEARCH', 'EXPORT', 'BREAK_GLASS')
             AND actor_role IS NOT NULL AND actor_role <> 'patient'",
            [mine.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(page.total, staff as usize);
    // Pages past the end show the last.
    let last = portal::who_opened(&mut h.db, &me, c, 10_000).unwrap();
    assert_eq!(last.page, last.pages);
}

#[test]
fn a_staff_account_a_portal_switched_off_a_password_to_change_or_a_deleted_record_is_refused() {
    let mut h = hospital();
    let conn = raw(&h.path);
    let hash = auth::hash_password(PATIENT_PASSWORD).unwrap();
    let ids = patients_with(&conn, "SELECT patient_id FROM appointments", 1);
    let patient = &ids[0];
    let me = account_for(&h, patient, &hash);
    let c = clock();
    portal::demographics(&mut h.db, &me, c).unwrap();

    // A staff account is not a patient's.
    let doctor = auth::sign_in(&mut h.db, "doctor", wardline::demo::PASSWORD, now()).unwrap();
    assert!(matches!(
        portal::demographics(&mut h.db, &doctor, c),
        Err(Error::NotPermitted(_))
    ));
    assert!(portal::check_access(&h.db, &doctor).is_err());

    // A real sign-in of the patient's own account opens the record.
    let signed = auth::sign_in(&mut h.db, &me.user.user_name, PATIENT_PASSWORD, now()).unwrap();
    portal::check_access(&h.db, &signed).unwrap();
    portal::bills(&mut h.db, &signed, c).unwrap();

    // The portal switched off.
    conn.execute(
        "UPDATE patients SET portal_enabled = 0 WHERE id = ?1",
        [patient.as_str()],
    )
    .unwrap();
    let reads = own_reads(&conn, &me);
    let refused = portal::appointments(&mut h.db, &me, c).unwrap_err();
    assert!(refused.to_string().contains("switched off"), "{refused}");
    assert!(portal::check_access(&h.db, &me).is_err());
    assert_eq!(own_reads(&conn, &me), reads, "a refusal writes no READ");
    conn.execute(
        "UPDATE patients SET portal_enabled = 1 WHERE id = ?1",
        [patient.as_str()],
    )
    .unwrap();

    // A password still to change: the sign-in passes, the record waits.
    conn.execute(
        "UPDATE users SET must_change_password = 1 WHERE id = ?1",
        [me.user.id.as_str()],
    )
    .unwrap();
    portal::check_access(&h.db, &me).unwrap();
    assert!(matches!(
        portal::medicines(&mut h.db, &me, c),
        Err(Error::Refused(_))
    ));
    conn.execute(
        "UPDATE users SET must_change_password = 0 WHERE id = ?1",
        [me.user.id.as_str()],
    )
    .unwrap();

    // The record deleted: the file disables the account, the portal refuses.
    conn.execute(
        "UPDATE patients SET deleted_at = ?2, delete_reason = 'test' WHERE id = ?1",
        params![patient.as_str(), format_ts(now())],
    )
    .unwrap();
    for result in [
        portal::demographics(&mut h.db, &me, c).map(|_| ()),
        portal::who_opened(&mut h.db, &me, c, 1).map(|_| ()),
    ] {
        assert!(matches!(result, Err(Error::NotPermitted(_))), "{result:?}");
    }
    assert!(portal::check_access(&h.db, &me).is_err());
}
