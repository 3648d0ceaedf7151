//! The audit trail searched by an administrator (`ops::audit_trail`): each
//! filter and their combinations against a model of the trail, keyset
//! pages without gaps or doubles, local-date bounds in a zone east of UTC,
//! "who opened" a patient's record (a record merged into it included), the
//! CSV export and its EXPORT event, and every other role refused.
//!
//! The trail is a real hospital's (registrations, sign-ins) followed by 450
//! synthetic events at fixed instants in January 2091, written through
//! `store::audit_bulk` with their chain hashes, so the chain still verifies.
//! 2091 is after any clock the tests run under, so that the trail's times
//! follow its order, as a real trail's do (one writer at a time stamps
//! each event inside its transaction): the search turns dates into a range
//! of `seq` through the times. The date tests read with `browse`, which
//! writes no SEARCH event (at the real time, after the 2091 events).

mod common;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use common::clinic::{person, register};
use wardline::domain::audit::{Actor, AuditAction, AuditEvent, AuditRecord};
use wardline::domain::audit_filter::{AuditFilter, PatientRef};
use wardline::domain::clock::Tz;
use wardline::domain::ids::Id;
use wardline::domain::patient::Patient;
use wardline::domain::role::Role;
use wardline::domain::time::parse_ts;
use wardline::error::Error;
use wardline::ops::audit_trail::{self, PAGE, Page};
use wardline::store::audit::{ChainState, recent, verify_chain};
use wardline::store::audit_bulk::{Stamped, append_stamped};

const NAIROBI: Tz = chrono_tz::Africa::Nairobi;

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

fn date(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2091, 1, d).unwrap()
}

struct Trail {
    h: common::Hospital,
    /// p1 survives a merge of p3 into it; p2 stands alone.
    p1: Patient,
    p2: Patient,
    p3: Patient,
    _dir: tempfile::TempDir,
}

fn staff(name: &str, role: Role) -> Actor {
    Actor {
        id: Some(format!("id-{name}")),
        name: name.into(),
        role: Some(role),
    }
}

/// The hospital, three patients (the third merged into the first), and 450
/// events six minutes apart from 2025-01-14 12:00 UTC: staff and actions in
/// turn, about each patient in turn or none, a patient's own portal view
/// among them.
fn trail() -> Trail {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::hospital(dir.path());
    let now = Utc::now();
    let admin = h.admin.clone();
    let p1 = register(
        &mut h.db,
        &admin,
        &person("Amina", "Odhiambo", "1980-05-01", "F"),
        now,
    );
    let p2 = register(
        &mut h.db,
        &admin,
        &person("Juan", "Pérez", "1975-02-11", "M"),
        now,
    );
    let p3 = register(
        &mut h.db,
        &admin,
        &person("Amina", "Odhiambo", "1980-05-01", "F"),
        now,
    );
    wardline::ops::patients::merge(&mut h.db, &admin, &p1.id, &p3.id, now).expect("merge");
    let actors = [
        staff("nurse", Role::Nurse),
        staff("doctor", Role::Doctor),
        staff("clerk", Role::Receptionist),
        Actor {
            id: Some("id-portal".into()),
            name: "amina".into(),
            role: Some(Role::Patient),
        },
    ];
    let actions = [
        AuditAction::Read,
        AuditAction::Update,
        AuditAction::Search,
        AuditAction::Read,
        AuditAction::BreakGlass,
        AuditAction::Export,
        AuditAction::Login,
    ];
    let patients = [Some(&p1), Some(&p2), None, Some(&p3), Some(&p1)];
    let events: Vec<Stamped> = (0..450)
        .map(|i| {
            let mut e =
                AuditEvent::new(actions[i % actions.len()], "patient", format!("event {i}"));
            if let Some(p) = patients[i % patients.len()] {
                e = e.for_patient(p.id.as_str());
            }
            Stamped {
                at: utc(2091, 1, 14, 12, 0, 0) + Duration::minutes(6 * i as i64),
                actor: actors[i % actors.len()].clone(),
                event: e,
            }
        })
        .collect();
    h.db.write(&Actor::system(), |tx| {
        append_stamped(tx, events)?;
        Ok::<_, Error>(((), vec![]))
    })
    .unwrap();
    Trail {
        h,
        p1,
        p2,
        p3,
        _dir: dir,
    }
}

fn pref(p: &Patient) -> PatientRef {
    PatientRef {
        id: p.id.clone(),
        mrn: p.mrn.clone(),
    }
}

/// Every event of the trail, newest first.
fn all(t: &Trail) -> Vec<AuditRecord> {
    recent(t.h.db.conn(), 1_000_000).unwrap()
}

/// Every page of a search, in order.
fn pages(t: &mut Trail, f: &AuditFilter) -> Vec<Vec<i64>> {
    let admin = t.h.admin.clone();
    let mut out = Vec::new();
    let mut page = Page::First;
    loop {
        let p = audit_trail::search(&mut t.h.db, &admin, f, NAIROBI, page, PAGE).unwrap();
        out.push(p.events.iter().map(|e| e.seq).collect());
        match p.older {
            Some(next) => page = next,
            None => return out,
        }
    }
}

/// What the model says a filter finds: `keep` over the whole trail.
fn model(t: &Trail, keep: impl Fn(&AuditRecord) -> bool) -> Vec<i64> {
    all(t)
        .into_iter()
        .filter(|r| keep(r))
        .map(|r| r.seq)
        .collect()
}

fn found(t: &mut Trail, f: &AuditFilter) -> Vec<i64> {
    pages(t, f).concat()
}

/// Every page of a filter read with `browse` (no SEARCH event written).
fn browsed(t: &Trail, f: &AuditFilter) -> Vec<i64> {
    let mut out = Vec::new();
    let mut page = Page::First;
    loop {
        let p = audit_trail::browse(&t.h.db, &t.h.admin, f, NAIROBI, page, PAGE).unwrap();
        out.extend(p.events.iter().map(|e| e.seq));
        match p.older {
            Some(next) => page = next,
            None => return out,
        }
    }
}

fn about(r: &AuditRecord, ids: &[&Id]) -> bool {
    r.patient_id
        .as_deref()
        .is_some_and(|p| ids.iter().any(|id| id.as_str() == p))
}

fn at(r: &AuditRecord) -> DateTime<Utc> {
    parse_ts(&r.at).unwrap()
}

#[test]
fn each_filter_and_their_combinations_find_what_the_model_finds() {
    let mut t = trail();
    let (p1, p2, p3) = (t.p1.id.clone(), t.p2.id.clone(), t.p3.id.clone());
    // The patient: the record and the one merged into it.
    let f = AuditFilter {
        patient: Some(pref(&t.p1)),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| about(r, &[&p1, &p3]));
    assert!(want.len() > 150, "{}", want.len());
    assert_eq!(found(&mut t, &f), want);
    let f = AuditFilter {
        patient: Some(pref(&t.p2)),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| about(r, &[&p2]));
    assert_eq!(found(&mut t, &f), want);

    // Staff, action, and the two together.
    let f = AuditFilter {
        staff: Some("nurse".into()),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| r.actor_name == "nurse");
    assert!(want.len() > 100);
    assert_eq!(found(&mut t, &f), want);
    let f = AuditFilter {
        action: Some(AuditAction::BreakGlass),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| r.action == "BREAK_GLASS");
    assert_eq!(found(&mut t, &f), want);
    let f = AuditFilter {
        staff: Some("doctor".into()),
        action: Some(AuditAction::Read),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| r.actor_name == "doctor" && r.action == "READ");
    assert!(!want.is_empty());
    assert_eq!(found(&mut t, &f), want);

    // Everything at once, dates included.
    let f = AuditFilter {
        patient: Some(pref(&t.p1)),
        staff: Some("clerk".into()),
        action: Some(AuditAction::Read),
        from: Some(date(15)),
        to: Some(date(16)),
    };
    let (lo, hi) = (utc(2091, 1, 14, 21, 0, 0), utc(2091, 1, 16, 21, 0, 0));
    let want = model(&t, |r| {
        about(r, &[&p1, &p3])
            && r.actor_name == "clerk"
            && r.action == "READ"
            && at(r) >= lo
            && at(r) < hi
    });
    assert!(!want.is_empty());
    assert_eq!(browsed(&t, &f), want);

    // Nothing matches: an empty page, nothing older.
    let f = AuditFilter {
        staff: Some("nobody".into()),
        ..AuditFilter::default()
    };
    assert_eq!(pages(&mut t, &f), vec![Vec::<i64>::new()]);
}

#[test]
fn pages_follow_each_other_without_gaps_or_doubles() {
    let mut t = trail();
    let want = model(&t, |_| true);
    assert!(want.len() > 2 * PAGE, "{}", want.len());
    let got = pages(&mut t, &AuditFilter::default());
    assert!(got.len() >= 3);
    assert!(got[..got.len() - 1].iter().all(|p| p.len() == PAGE));
    // Each first page's SEARCH event came after the trail it read: the
    // pages are the trail as it stood.
    assert_eq!(got.concat(), want);
    let last = recent(t.h.db.conn(), 1).unwrap().remove(0);
    assert_eq!(last.action, "SEARCH");
    assert_eq!(last.entity, "audit_log");
    assert!(last.summary.contains("all events"), "{}", last.summary);
    // The later pages wrote no event of their own.
    assert_eq!(all(&t).len(), want.len() + 1);
}

#[test]
fn local_dates_are_the_hospitals_days() {
    let t = trail();
    // 15 January in Nairobi (UTC+3) is 14 January 21:00 to 15 January
    // 21:00 UTC: the event at 21:00 on the 14th is in, the one six minutes
    // before is out, and so at the other end.
    let f = AuditFilter {
        from: Some(date(15)),
        to: Some(date(15)),
        ..AuditFilter::default()
    };
    let got = browsed(&t, &f);
    let times: Vec<DateTime<Utc>> = all(&t)
        .iter()
        .filter(|r| got.contains(&r.seq))
        .map(at)
        .collect();
    assert_eq!(times.len(), 240, "24 hours of events 6 minutes apart");
    assert_eq!(times.last(), Some(&utc(2091, 1, 14, 21, 0, 0)));
    assert_eq!(times.first(), Some(&utc(2091, 1, 15, 20, 54, 0)));
    // From a date alone, and up to a date alone.
    let f = AuditFilter {
        from: Some(date(16)),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| at(r) >= utc(2091, 1, 15, 21, 0, 0));
    assert_eq!(browsed(&t, &f), want);
    let f = AuditFilter {
        to: Some(date(14)),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| at(r) < utc(2091, 1, 14, 21, 0, 0));
    assert_eq!(browsed(&t, &f), want);
    // A day with no event finds none; reversed dates are refused.
    let f = AuditFilter {
        from: Some(date(20)),
        to: Some(date(21)),
        ..AuditFilter::default()
    };
    assert_eq!(browsed(&t, &f), Vec::<i64>::new());
    let f = AuditFilter {
        from: Some(date(16)),
        to: Some(date(15)),
        ..AuditFilter::default()
    };
    let e = audit_trail::browse(&t.h.db, &t.h.admin, &f, NAIROBI, Page::First, PAGE).unwrap_err();
    assert!(e.to_string().contains("swap them"), "{e}");
    // The synthetic events kept the chain whole.
    assert!(matches!(
        verify_chain(t.h.db.conn()).unwrap(),
        ChainState::Intact { .. }
    ));
}

#[test]
fn who_opened_lists_the_staff_accesses_of_the_record_and_those_merged_into_it() {
    let mut t = trail();
    let (p1, p3) = (t.p1.id.clone(), t.p3.id.clone());
    let want = model(&t, |r| {
        about(r, &[&p1, &p3])
            && ["READ", "SEARCH", "EXPORT", "BREAK_GLASS"].contains(&r.action.as_str())
            && r.actor_role
                .as_deref()
                .is_some_and(|role| role != "patient")
    });
    assert!(want.len() > 50);
    let admin = t.h.admin.clone();
    let who = pref(&t.p1);
    let mut got = Vec::new();
    let mut page = Page::First;
    loop {
        let p = audit_trail::who_opened(&mut t.h.db, &admin, &who, page, PAGE).unwrap();
        got.extend(p.events.iter().map(|e| e.seq));
        match p.older {
            Some(next) => page = next,
            None => break,
        }
    }
    assert_eq!(got, want);
    // The portal's own view of the record is not a staff access.
    let all = all(&t);
    assert!(
        all.iter()
            .any(|r| r.actor_name == "amina" && about(r, &[&p1]))
    );
    // Reading who opened is itself a READ on the patient.
    let last = &all[0];
    assert_eq!(
        (last.action.as_str(), last.patient_id.as_deref()),
        ("READ", Some(p1.as_str()))
    );
    assert!(last.summary.contains(&t.p1.mrn), "{}", last.summary);
}

#[test]
fn the_csv_holds_every_event_found_and_an_export_event_says_so() {
    let mut t = trail();
    let f = AuditFilter {
        staff: Some("nurse".into()),
        action: Some(AuditAction::Read),
        ..AuditFilter::default()
    };
    let want = model(&t, |r| r.actor_name == "nurse" && r.action == "READ");
    let path = t.h.data.root().join("exports").join("nurse-reads.csv");
    let admin = t.h.admin.clone();
    let rows = audit_trail::export_csv(&mut t.h.db, &admin, &f, NAIROBI, &path).unwrap();
    assert_eq!(rows, want.len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..4], ["seq", "at_utc", "at_local", "actor_id"]);
    assert_eq!(header.last().map(String::as_str), Some("hash"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let seqs: Vec<i64> = records.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(seqs, want);
    // The row is the event as hashed, and its local time is Nairobi's.
    let first = all(&t).into_iter().find(|r| r.seq == want[0]).unwrap();
    assert_eq!(&records[0][1], first.at);
    assert_eq!(&records[0][12], first.hash);
    assert!(records[0][2].ends_with("EAT"), "{}", &records[0][2]);
    // The EXPORT event names the filter and the count.
    let last = recent(t.h.db.conn(), 1).unwrap().remove(0);
    assert_eq!(last.action, "EXPORT");
    assert!(
        last.summary.contains("staff nurse, action READ")
            && last.summary.contains(&format!("{rows} rows")),
        "{}",
        last.summary
    );
    // An existing file is never overwritten, and nothing is recorded.
    let before = all(&t).len();
    let e = audit_trail::export_csv(&mut t.h.db, &admin, &f, NAIROBI, &path).unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(all(&t).len(), before);
    // A patient's export is an EXPORT on the patient.
    let f = AuditFilter {
        patient: Some(pref(&t.p2)),
        ..AuditFilter::default()
    };
    let path = t.h.data.root().join("p2.csv");
    audit_trail::export_csv(&mut t.h.db, &admin, &f, NAIROBI, &path).unwrap();
    let last = recent(t.h.db.conn(), 1).unwrap().remove(0);
    assert_eq!(last.patient_id.as_deref(), Some(t.p2.id.as_str()));
}

#[test]
fn only_an_administrator_reads_the_trail() {
    let mut t = trail();
    let admin = t.h.admin.clone();
    for (user, role) in [
        ("nurse2", Role::Nurse),
        ("doc2", Role::Doctor),
        ("clerk2", Role::Receptionist),
        ("cash2", Role::Cashier),
    ] {
        common::add_user(&mut t.h.db, &admin, user, role);
        let s = common::sign_in_user(&mut t.h.db, user, Utc::now());
        let f = AuditFilter::default();
        let e = audit_trail::search(&mut t.h.db, &s, &f, NAIROBI, Page::First, PAGE).unwrap_err();
        assert!(matches!(e, Error::NotPermitted(_)), "{user}: {e}");
        let e =
            audit_trail::who_opened(&mut t.h.db, &s, &pref(&t.p1), Page::First, PAGE).unwrap_err();
        assert!(matches!(e, Error::NotPermitted(_)), "{user}: {e}");
        let path = t.h.data.root().join(format!("{user}.csv"));
        let e = audit_trail::export_csv(&mut t.h.db, &s, &f, NAIROBI, &path).unwrap_err();
        assert!(matches!(e, Error::NotPermitted(_)), "{user}: {e}");
        assert!(!path.exists());
    }
    // The administrator finds a patient's trail by MRN, deleted or merged
    // records included.
    let p = audit_trail::patient_by_mrn(&t.h.db, &admin, &t.p3.mrn)
        .unwrap()
        .unwrap();
    assert_eq!(p.id, t.p3.id);
}

#[test]
fn the_command_line_prints_a_search_and_writes_its_csv() {
    let t = trail();
    let data = t.h.data.root().to_path_buf();
    let mrn = t.p2.mrn.clone();
    drop(t.h.db);
    let out = common::cli::ok(
        &data,
        &[
            "audit",
            "search",
            "--patient",
            &mrn,
            "--action",
            "read",
            "--as",
            "admin",
        ],
        1,
    );
    assert!(out.contains("READ") && out.contains("event "), "{out}");
    assert!(!out.contains("UPDATE"), "{out}");
    let csv = data.join("p2-reads.csv");
    let path = csv.to_str().unwrap();
    let out = common::cli::ok(
        &data,
        &[
            "audit",
            "search",
            "--user",
            "nurse",
            "--from",
            "2091-01-15",
            "--csv",
            path,
            "--as",
            "admin",
        ],
        1,
    );
    assert!(
        out.contains("to 2091") || out.contains("from 2091-01-15"),
        "{out}"
    );
    assert!(csv.exists());
    // The file is never overwritten; a wrong action says which exist.
    let (ok, said) = common::cli::said(
        &data,
        &["audit", "search", "--csv", path, "--as", "admin"],
        &format!("{}\n", common::ADMIN_PASSWORD),
    );
    assert!(!ok && said.contains("already exists"), "{said}");
    let (ok, said) = common::cli::said(
        &data,
        &["audit", "search", "--action", "peek", "--as", "admin"],
        &format!("{}\n", common::ADMIN_PASSWORD),
    );
    assert!(!ok && said.contains("BREAK_GLASS"), "{said}");
}
