//! Patients' own (portal) accounts: the file's rules with the program
//! bypassed, creating an account with a temporary password, the refusals,
//! the portal switch (which ends an open session at once), a new temporary
//! password, and what merging and deleting a patient do to the account.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::clinic::{person, register};
use rusqlite::Connection;
use wardline::auth::{self, Session};
use wardline::domain::patient::Patient;
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::patient_accounts::{self, Issued};
use wardline::store::Db;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2031, 2, 20, 8, 0, 0).unwrap()
}

struct H {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    db: Db,
    admin: Session,
    desk: Session,
}

fn hospital() -> H {
    let dir = tempfile::tempdir().unwrap();
    let common::Hospital {
        data,
        mut db,
        admin,
    } = common::hospital(dir.path());
    common::add_user(&mut db, &admin, "desk", Role::Receptionist);
    let desk = common::sign_in_user(&mut db, "desk", now());
    let path = data.hospital_file(&common::code());
    H {
        _dir: dir,
        path,
        db,
        admin,
        desk,
    }
}

impl H {
    fn patient(&mut self, given: &str) -> Patient {
        register(
            &mut self.db,
            &self.desk,
            &person(given, "Mensah", "1980-01-01", "F"),
            now(),
        )
    }

    fn verified(&mut self, given: &str) -> Patient {
        let p = self.patient(given);
        ops::patients::verify_identity(&mut self.db, &self.desk, &p.id, now()).unwrap()
    }

    fn create(&mut self, p: &Patient) -> Result<Issued, Error> {
        patient_accounts::create(&mut self.db, &self.desk, &p.id, None, now())
    }

    fn raw(&self) -> Connection {
        common::raw(&self.path)
    }

    /// The audit trail's (action, summary, patient) of account events.
    fn account_events(&self) -> Vec<(String, String, Option<String>)> {
        let conn = self.raw();
        let mut stmt = conn
            .prepare("SELECT action, summary, patient_id FROM audit_log WHERE entity = 'user' ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }
}

fn refused(r: Result<impl std::fmt::Debug, Error>) -> String {
    match r {
        Err(e) => e.to_string(),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$40Cyvs0PPosySD+kRFQ2wg$wg/vrZdNHFfclGvO7dV+fMPWp+N7fWHd9SN0w2qWuaw";

fn raw_insert(
    conn: &Connection,
    name: &str,
    role: &str,
    patient: Option<&str>,
) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO users (id, user_name, full_name, role, password_hash, must_change_password,
                            patient_id, created_at, updated_at)
         VALUES (?1, ?1, ?1, ?2, ?3, 1, ?4, '2031-02-20T08:00:00Z', '2031-02-20T08:00:00Z')",
        rusqlite::params![name, role, HASH, patient],
    )
}

#[test]
fn the_file_holds_every_account_rule_with_the_program_bypassed() {
    let mut h = hospital();
    let verified = h.verified("Ama");
    let unverified = h.patient("Esi");
    let conn = h.raw();
    let err = |r: rusqlite::Result<usize>| r.expect_err("the file must refuse").to_string();

    let staff_linked = err(raw_insert(
        &conn,
        "nurse2",
        "nurse",
        Some(verified.id.as_str()),
    ));
    assert!(
        staff_linked.contains("only patient accounts are linked"),
        "{staff_linked}"
    );
    let unlinked = err(raw_insert(&conn, "loose", "patient", None));
    assert!(
        unlinked.contains("linked to exactly one patient"),
        "{unlinked}"
    );
    let unverified_err = err(raw_insert(
        &conn,
        "esi",
        "patient",
        Some(unverified.id.as_str()),
    ));
    assert!(unverified_err.contains("verified"), "{unverified_err}");
    // A patient who is not in the file, with foreign keys off as a raw
    // connection has them.
    let missing = err(raw_insert(
        &conn,
        "ghost",
        "patient",
        Some("no-such-patient"),
    ));
    assert!(missing.contains("verified"), "{missing}");

    raw_insert(&conn, "ama", "patient", Some(verified.id.as_str())).unwrap();
    let second = err(raw_insert(
        &conn,
        "ama2",
        "patient",
        Some(verified.id.as_str()),
    ));
    assert!(second.contains("UNIQUE"), "{second}");
    let relink = err(conn.execute(
        "UPDATE users SET patient_id = NULL WHERE user_name = 'ama'",
        [],
    ));
    assert!(relink.contains("linked to exactly one patient"), "{relink}");
    let elsewhere = err(conn.execute(
        "UPDATE users SET patient_id = 'no-such-patient' WHERE user_name = 'ama'",
        [],
    ));
    assert!(
        elsewhere.contains("linked to exactly one patient"),
        "{elsewhere}"
    );
    let to_staff = err(conn.execute(
        "UPDATE users SET role = 'doctor' WHERE user_name = 'ama'",
        [],
    ));
    assert!(
        to_staff.contains("only patient accounts are linked"),
        "{to_staff}"
    );

    conn.execute(
        "UPDATE patients SET deleted_at = '2031-02-21T08:00:00Z', delete_reason = 'duplicate'
         WHERE id = ?1",
        [verified.id.as_str()],
    )
    .unwrap();
    let disabled: Option<String> = conn
        .query_row(
            "SELECT disabled_at FROM users WHERE user_name = 'ama'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(disabled.as_deref(), Some("2031-02-21T08:00:00Z"));
}

#[test]
fn a_new_account_gets_a_temporary_password_that_must_be_changed() {
    let mut h = hospital();
    let p = h.verified("Ama");
    let issued = h.create(&p).unwrap();
    assert_eq!(issued.user.user_name, p.mrn.to_lowercase());
    assert_eq!(issued.user.role, Role::Patient);
    assert_eq!(issued.user.full_name, p.details.full_name());
    assert!(issued.user.must_change_password);
    let temporary = issued.password.reveal().to_string();
    assert!(temporary.len() >= 19, "{temporary}");
    assert!(
        !format!("{issued:?}").contains(&temporary),
        "Debug must not show it"
    );

    let mut session = auth::sign_in(&mut h.db, &issued.user.user_name, &temporary, now()).unwrap();
    assert!(session.user.must_change_password);
    assert_eq!(auth::patient_of(h.db.conn(), &session).unwrap(), p.id);
    let mine = "amber kettle under lighthouse";
    auth::change_own_password(&mut h.db, &mut session, mine, mine, now()).unwrap();
    assert!(matches!(
        auth::sign_in(&mut h.db, &issued.user.user_name, &temporary, now()),
        Err(Error::InvalidCredentials)
    ));
    let again = auth::sign_in(&mut h.db, &issued.user.user_name, mine, now()).unwrap();
    assert!(!again.user.must_change_password);

    let events = h.account_events();
    let created = events
        .iter()
        .find(|(action, _, pid)| action == "CREATE" && pid.is_some())
        .expect("a CREATE event");
    assert_eq!(created.2.as_deref(), Some(p.id.as_str()));
    assert!(created.1.contains(&issued.user.user_name), "{}", created.1);
    let conn = h.raw();
    let leaked: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit_log WHERE instr(summary, ?1) > 0",
            [&temporary],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        leaked, 0,
        "the temporary password is never in the audit trail"
    );
    let stored: String = conn
        .query_row(
            "SELECT password_hash FROM users WHERE user_name = ?1",
            [&issued.user.user_name],
            |r| r.get(0),
        )
        .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(&temporary));
}

#[test]
fn a_user_name_can_be_given() {
    let mut h = hospital();
    let p = h.verified("Ama");
    let issued =
        patient_accounts::create(&mut h.db, &h.admin, &p.id, Some(" Ama.Mensah "), now()).unwrap();
    assert_eq!(issued.user.user_name, "ama.mensah");
    let other = h.verified("Esi");
    let taken = refused(patient_accounts::create(
        &mut h.db,
        &h.desk,
        &other.id,
        Some("desk"),
        now(),
    ));
    assert!(taken.contains("already exists"), "{taken}");
    let bad = refused(patient_accounts::create(
        &mut h.db,
        &h.desk,
        &other.id,
        Some("Ama Mensah"),
        now(),
    ));
    assert!(bad.contains("Ama Mensah"), "{bad}");
}

#[test]
fn creating_is_refused_clearly() {
    let mut h = hospital();
    let unverified = h.patient("Esi");
    let msg = refused(h.create(&unverified));
    assert!(
        msg.contains("verify the patient's identity first (key v"),
        "{msg}"
    );

    let p = h.verified("Ama");
    h.create(&p).unwrap();
    let msg = refused(h.create(&p));
    assert!(msg.contains("already has a portal account"), "{msg}");

    common::add_user(&mut h.db, &h.admin, "rahman", Role::Doctor);
    let doctor = common::sign_in_user(&mut h.db, "rahman", now());
    let other = h.verified("Kofi");
    let msg = refused(patient_accounts::create(
        &mut h.db,
        &doctor,
        &other.id,
        None,
        now(),
    ));
    assert!(msg.contains("may not create portal accounts"), "{msg}");

    ops::patients::delete(&mut h.db, &h.admin, &other.id, "registered twice", now()).unwrap();
    let msg = refused(h.create(&other));
    assert!(msg.contains("is deleted"), "{msg}");

    let survivor = h.verified("Yaw");
    let merged = h.verified("Yaw2");
    ops::patients::merge(&mut h.db, &h.admin, &survivor.id, &merged.id, now()).unwrap();
    let msg = refused(h.create(&merged));
    assert!(msg.contains("was merged"), "{msg}");
}

#[test]
fn turning_portal_access_off_ends_an_open_session_and_refuses_sign_in() {
    let mut h = hospital();
    let p = h.verified("Ama");
    let issued = h.create(&p).unwrap();
    let name = issued.user.user_name.clone();
    let temporary = issued.password.reveal().to_string();
    let session = auth::sign_in(&mut h.db, &name, &temporary, now()).unwrap();

    patient_accounts::set_portal(&mut h.db, &h.desk, &p.id, false, now()).unwrap();
    let msg = auth::patient_of(h.db.conn(), &session)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("portal access has ended"), "{msg}");
    assert!(matches!(
        auth::sign_in(&mut h.db, &name, &temporary, now()),
        Err(Error::InvalidCredentials)
    ));
    let state = patient_accounts::of_patient(&h.db, &h.desk, &p.id)
        .unwrap()
        .unwrap();
    assert_eq!(state.state(now()), "off");
    let msg = refused(patient_accounts::set_portal(
        &mut h.db,
        &h.desk,
        &p.id,
        false,
        now(),
    ));
    assert!(msg.contains("already off"), "{msg}");

    patient_accounts::set_portal(&mut h.db, &h.desk, &p.id, true, now()).unwrap();
    let back = auth::sign_in(&mut h.db, &name, &temporary, now() + Duration::minutes(1)).unwrap();
    assert_eq!(auth::patient_of(h.db.conn(), &back).unwrap(), p.id);

    let conn = h.raw();
    let updates: Vec<String> = conn
        .prepare("SELECT summary FROM audit_log WHERE action = 'UPDATE' AND entity = 'patient' AND patient_id = ?1 ORDER BY seq")
        .unwrap()
        .query_map([p.id.as_str()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        updates
            .iter()
            .any(|s| s.ends_with("portal access turned off")),
        "{updates:?}"
    );
    assert!(
        updates
            .iter()
            .any(|s| s.ends_with("portal access turned on")),
        "{updates:?}"
    );
}

#[test]
fn a_staff_session_is_never_a_patient_session() {
    let h = hospital();
    assert!(auth::patient_of(h.db.conn(), &h.desk).is_err());
    assert!(auth::patient_of(h.db.conn(), &h.admin).is_err());
}

#[test]
fn a_new_temporary_password_replaces_the_old_and_lifts_a_lock() {
    let mut h = hospital();
    let p = h.verified("Ama");
    let first = h.create(&p).unwrap();
    let name = first.user.user_name.clone();
    for _ in 0..5 {
        let _ = auth::sign_in(&mut h.db, &name, "not the password at all", now());
    }
    assert!(matches!(
        auth::sign_in(&mut h.db, &name, first.password.reveal(), now()),
        Err(Error::Locked { .. })
    ));
    let second = patient_accounts::reset_password(&mut h.db, &h.desk, &p.id, now()).unwrap();
    assert_ne!(first.password, second.password);
    assert!(matches!(
        auth::sign_in(&mut h.db, &name, first.password.reveal(), now()),
        Err(Error::InvalidCredentials)
    ));
    let s = auth::sign_in(&mut h.db, &name, second.password.reveal(), now()).unwrap();
    assert!(s.user.must_change_password);

    let none = h.verified("Esi");
    let msg = refused(patient_accounts::reset_password(
        &mut h.db,
        &h.desk,
        &none.id,
        now(),
    ));
    assert!(msg.contains("has no portal account"), "{msg}");
}

#[test]
fn merging_moves_the_account_to_the_survivor_or_refuses_when_both_have_one() {
    let mut h = hospital();
    let survivor = h.verified("Ama");
    let other = h.verified("Ama2");
    let issued = h.create(&other).unwrap();
    ops::patients::merge(&mut h.db, &h.admin, &survivor.id, &other.id, now()).unwrap();
    let moved = patient_accounts::of_patient(&h.db, &h.desk, &survivor.id)
        .unwrap()
        .unwrap();
    assert_eq!(moved.user.id, issued.user.id);
    let s = auth::sign_in(
        &mut h.db,
        &issued.user.user_name,
        issued.password.reveal(),
        now(),
    )
    .unwrap();
    assert_eq!(auth::patient_of(h.db.conn(), &s).unwrap(), survivor.id);
    assert!(
        h.account_events()
            .iter()
            .any(|(a, summary, pid)| a == "MERGE"
                && summary.contains("moved from")
                && pid.as_deref() == Some(survivor.id.as_str()))
    );

    let a = h.verified("Kofi");
    let b = h.verified("Kofi2");
    h.create(&a).unwrap();
    let b_account = h.create(&b).unwrap();
    let msg = refused(ops::patients::merge(
        &mut h.db,
        &h.admin,
        &a.id,
        &b.id,
        now(),
    ));
    assert!(msg.contains("both records have a portal account"), "{msg}");
    assert!(
        patient_accounts::of_patient(&h.db, &h.desk, &b.id)
            .unwrap()
            .is_some()
    );

    ops::accounts::disable(&mut h.db, &h.admin, &b_account.user.user_name, now()).unwrap();
    ops::patients::merge(&mut h.db, &h.admin, &a.id, &b.id, now()).unwrap();
    assert!(matches!(
        auth::sign_in(
            &mut h.db,
            &b_account.user.user_name,
            b_account.password.reveal(),
            now()
        ),
        Err(Error::InvalidCredentials)
    ));
}

#[test]
fn deleting_a_patient_disables_the_account_and_says_so() {
    let mut h = hospital();
    let p = h.verified("Ama");
    let issued = h.create(&p).unwrap();
    let session = auth::sign_in(
        &mut h.db,
        &issued.user.user_name,
        issued.password.reveal(),
        now(),
    )
    .unwrap();
    ops::patients::delete(&mut h.db, &h.admin, &p.id, "registered in error", now()).unwrap();
    assert!(auth::patient_of(h.db.conn(), &session).is_err());
    let state = patient_accounts::of_patient(&h.db, &h.admin, &p.id)
        .unwrap()
        .unwrap();
    assert_eq!(state.state(now()), "disabled");
    assert!(matches!(
        auth::sign_in(
            &mut h.db,
            &issued.user.user_name,
            issued.password.reveal(),
            now()
        ),
        Err(Error::InvalidCredentials)
    ));
    let summary: String = h
        .raw()
        .query_row(
            "SELECT summary FROM audit_log WHERE action = 'DELETE' AND patient_id = ?1",
            [p.id.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        summary.ends_with(&format!(
            "portal account {} disabled",
            issued.user.user_name
        )),
        "{summary}"
    );
}
