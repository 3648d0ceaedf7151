//! Pharmacy stock on real hospital files: the catalogue and its import,
//! every movement kind with its ledger row and audit event, FEFO dispensing
//! (as a property too), refusal messages, role permissions, and the
//! database itself holding each batch to its ledger.

mod common;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::clinic as fixture;
use common::{USER_PASSWORD, add_user, hospital};
use proptest::prelude::*;
use wardline::auth::{self, Session};
use wardline::domain::pharmacy::{AdjustReason, Batch, ItemDetails, PlanError, plan_dispense};
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops::pharmacy::{self as ops, Counted, Receipt};
use wardline::store::pharmacy as store;
use wardline::store::{Db, audit};

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn days(n: i64) -> NaiveDate {
    today() + Duration::days(n)
}

struct H {
    _dir: tempfile::TempDir,
    db: Db,
    admin: Session,
    pharm: Session,
    nurse: Session,
}

fn setup() -> H {
    let dir = tempfile::tempdir().unwrap();
    let common::Hospital { mut db, admin, .. } = hospital(dir.path());
    add_user(&mut db, &admin, "pharm", Role::Pharmacist);
    add_user(&mut db, &admin, "nurse", Role::Nurse);
    let pharm = auth::sign_in(&mut db, "pharm", USER_PASSWORD, now()).unwrap();
    let nurse = auth::sign_in(&mut db, "nurse", USER_PASSWORD, now()).unwrap();
    H {
        _dir: dir,
        db,
        admin,
        pharm,
        nurse,
    }
}

fn amoxicillin() -> ItemDetails {
    ItemDetails {
        name: "Amoxicillin".into(),
        generic_name: "amoxicillin".into(),
        strength: "500 mg".into(),
        form: "capsule".into(),
        unit: "capsule".into(),
        category: "Antibiotic".into(),
        reorder_level: 100,
        max_dispense: None,
    }
}

fn receipt(item: &str, batch: &str, expiry: NaiveDate, qty: i64) -> Receipt {
    Receipt {
        item_id: item.into(),
        batch_no: batch.into(),
        expiry,
        quantity: qty,
        unit_cost: 1250,
        price: 2000,
        supplier: "MEDS Ltd".into(),
        reference: "INV-1".into(),
    }
}

fn last_event(db: &Db) -> wardline::domain::audit::AuditRecord {
    audit::recent(db.conn(), 1).unwrap().remove(0)
}

fn refusal<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(e) => e.to_string(),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

/// An item with three batches: 30 expiring in 20 days, 50 in 200 days, and
/// 40 that expired (put in directly, as if received long ago).
fn stocked(h: &mut H) -> String {
    let item = ops::add_item(&mut h.db, &h.pharm, &amoxicillin(), now()).unwrap();
    ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item.id, "LATE-2", days(200), 50),
        now(),
    )
    .unwrap();
    ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item.id, "SOON-1", days(20), 30),
        now(),
    )
    .unwrap();
    let old = now() - Duration::days(400);
    ops::receive(
        &mut h.db,
        &h.pharm,
        &Receipt {
            expiry: today() - Duration::days(3),
            ..receipt(&item.id, "OLD-0", today() - Duration::days(3), 40)
        },
        old,
    )
    .unwrap();
    item.id
}

fn on_hand(db: &Db, item: &str) -> Vec<(String, i64)> {
    store::batches(db.conn(), item)
        .unwrap()
        .into_iter()
        .map(|b| (b.batch_no, b.on_hand))
        .collect()
}

#[test]
fn receive_records_a_batch_a_ledger_row_and_an_event() {
    let mut h = setup();
    let item = ops::add_item(&mut h.db, &h.pharm, &amoxicillin(), now()).unwrap();
    let b = ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item.id, "AMX-1", days(300), 500),
        now(),
    )
    .unwrap();
    assert_eq!((b.on_hand, b.unit_cost, b.price), (500, 1250, 2000));
    let e = last_event(&h.db);
    assert_eq!(e.action, "RECEIVE");
    assert!(
        e.summary
            .contains("received 500 capsule of Amoxicillin 500 mg capsule batch AMX-1"),
        "{}",
        e.summary
    );
    // The same batch again tops it up; another expiry under its number is refused.
    let b = ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item.id, "AMX-1", days(300), 100),
        now(),
    )
    .unwrap();
    assert_eq!(b.on_hand, 600);
    let msg = refusal(ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item.id, "AMX-1", days(301), 1),
        now(),
    ));
    assert!(msg.contains("already recorded with expiry"), "{msg}");
    let msg = refusal(ops::receive(
        &mut h.db,
        &h.pharm,
        &Receipt {
            unit_cost: 1300,
            ..receipt(&item.id, "AMX-1", days(300), 1)
        },
        now(),
    ));
    assert!(msg.contains("another unit cost or price"), "{msg}");
    for expiry in [today(), days(-1)] {
        let msg = refusal(ops::receive(
            &mut h.db,
            &h.pharm,
            &receipt(&item.id, "AMX-2", expiry, 10),
            now(),
        ));
        assert!(msg.contains("expired stock cannot be received"), "{msg}");
    }
    let view = ops::item_view(&h.db, &h.pharm, &item.id).unwrap();
    assert_eq!(view.ledger.len(), 2);
    assert!(view.ledger.iter().all(|m| m.kind == "receive"));
    assert_eq!(view.ledger[0].actor.as_deref(), Some("pharm"));
}

#[test]
fn dispense_takes_the_earliest_usable_expiry_first_and_splits() {
    let mut h = setup();
    let item = stocked(&mut h);
    let plan = ops::plan(&h.db, &h.nurse, &item, 45, today()).unwrap();
    assert_eq!(
        plan.iter()
            .map(|t| (t.batch_no.as_str(), t.quantity))
            .collect::<Vec<_>>(),
        [("SOON-1", 30), ("LATE-2", 15)]
    );
    let given = ops::dispense(&mut h.db, &h.nurse, &item, 45, None, Some(&plan), now()).unwrap();
    assert_eq!(given, plan);
    assert_eq!(
        on_hand(&h.db, &item),
        [
            ("OLD-0".into(), 40),
            ("SOON-1".into(), 0),
            ("LATE-2".into(), 35)
        ]
    );
    let e = last_event(&h.db);
    assert_eq!(e.action, "DISPENSE");
    assert!(
        e.summary.contains("(30 from SOON-1, 15 from LATE-2)"),
        "{}",
        e.summary
    );
    // The expired 40 are never counted as available.
    let msg = refusal(ops::plan(&h.db, &h.nurse, &item, 36, today()));
    assert_eq!(
        msg,
        "only 35 capsule usable in stock (expired batches left out): ask for 35 or less"
    );
    // A choice shown before the stock moved is not silently replaced.
    let stale = ops::plan(&h.db, &h.nurse, &item, 5, today()).unwrap();
    ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item, "NEW-3", days(10), 10),
        now(),
    )
    .unwrap();
    let msg = refusal(ops::dispense(
        &mut h.db,
        &h.nurse,
        &item,
        5,
        None,
        Some(&stale),
        now(),
    ));
    assert!(msg.contains("nothing was dispensed"), "{msg}");
    assert!(store::ledger_problems(h.db.conn()).unwrap().is_empty());
}

#[test]
fn dispensing_to_a_patient_is_on_the_patient_record_and_audit() {
    let mut h = setup();
    let item = stocked(&mut h);
    let input = fixture::person("Amina", "Okafor", "1988-02-28", "F");
    let p = fixture::register(&mut h.db, &h.admin, &input, now());
    ops::dispense(
        &mut h.db,
        &h.nurse,
        &item,
        21,
        Some(p.id.as_str()),
        None,
        now(),
    )
    .unwrap();
    let e = last_event(&h.db);
    assert_eq!(e.patient_id.as_deref(), Some(p.id.as_str()));
    assert!(
        e.summary.contains(&format!("to {}", p.mrn)),
        "{}",
        e.summary
    );
    let given = ops::dispensed_to(&h.db, &h.nurse, p.id.as_str()).unwrap();
    assert_eq!(given.len(), 1);
    assert_eq!(
        (given[0].item.as_str(), given[0].quantity),
        ("Amoxicillin 500 mg capsule", 21)
    );
    let view = ops::open_item(&mut h.db, &h.pharm, &item).unwrap();
    assert_eq!(view.ledger[0].patient_mrn.as_deref(), Some(p.mrn.as_str()));
    // Seeing the patient in the ledger is a READ of that patient.
    let e = last_event(&h.db);
    assert_eq!(
        (e.action.as_str(), e.patient_id.as_deref()),
        ("READ", Some(p.id.as_str()))
    );
    assert!(
        e.summary.contains("seen in the stock ledger"),
        "{}",
        e.summary
    );
}

#[test]
fn return_adjust_dispose_and_their_refusals() {
    let mut h = setup();
    let item = stocked(&mut h);
    let batches = store::batches(h.db.conn(), &item).unwrap();
    let (old, soon) = (&batches[0].id, &batches[1].id);

    let b = ops::return_to_stock(
        &mut h.db,
        &h.nurse,
        soon,
        5,
        "unopened, patient discharged",
        None,
        now(),
    )
    .unwrap();
    assert_eq!(b.on_hand, 35);
    let msg = refusal(ops::return_to_stock(
        &mut h.db,
        &h.nurse,
        soon,
        5,
        "  ",
        None,
        now(),
    ));
    assert!(msg.contains("type a reason"), "{msg}");
    let msg = refusal(ops::return_to_stock(
        &mut h.db,
        &h.nurse,
        old,
        5,
        "back",
        None,
        now(),
    ));
    assert!(msg.contains("dispose of them instead"), "{msg}");

    let b = ops::adjust(
        &mut h.db,
        &h.pharm,
        soon,
        -3,
        AdjustReason::Damaged,
        "crushed box",
        now(),
    )
    .unwrap();
    assert_eq!(b.on_hand, 32);
    assert!(
        last_event(&h.db)
            .summary
            .contains("by -3 (damaged: crushed box)")
    );
    let msg = refusal(ops::adjust(
        &mut h.db,
        &h.pharm,
        soon,
        3,
        AdjustReason::Lost,
        "x",
        now(),
    ));
    assert!(msg.contains("can only be taken away"), "{msg}");
    let msg = refusal(ops::adjust(
        &mut h.db,
        &h.pharm,
        soon,
        -3,
        AdjustReason::Other,
        "",
        now(),
    ));
    assert!(msg.contains("type a reason"), "{msg}");
    let msg = refusal(ops::adjust(
        &mut h.db,
        &h.pharm,
        soon,
        -33,
        AdjustReason::Other,
        "gone",
        now(),
    ));
    assert_eq!(msg, "batch SOON-1 holds only 32: it cannot go below zero");
    ops::adjust(
        &mut h.db,
        &h.pharm,
        soon,
        2,
        AdjustReason::CountCorrection,
        "found",
        now(),
    )
    .unwrap();

    let msg = refusal(ops::dispose(&mut h.db, &h.pharm, soon, 1, "expired", now()));
    assert!(msg.contains("only expired stock is disposed of"), "{msg}");
    let b = ops::dispose(&mut h.db, &h.pharm, old, 40, "incinerated", now()).unwrap();
    assert_eq!(b.on_hand, 0);
    assert!(last_event(&h.db).summary.contains("disposed of 40 capsule"));

    let kinds: Vec<String> = ops::item_view(&h.db, &h.pharm, &item)
        .unwrap()
        .ledger
        .into_iter()
        .map(|m| m.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "dispose", "adjust", "adjust", "return", "receive", "receive", "receive"
        ]
    );
    assert!(store::ledger_problems(h.db.conn()).unwrap().is_empty());
}

#[test]
fn a_stock_count_posts_its_differences_in_one_step() {
    let mut h = setup();
    let item = stocked(&mut h);
    let batches = store::batches(h.db.conn(), &item).unwrap();
    let lines: Vec<Counted> = batches
        .iter()
        .map(|b| Counted {
            batch_id: b.id.clone(),
            expected: b.on_hand,
            counted: match b.batch_no.as_str() {
                "SOON-1" => 28,
                "LATE-2" => 51,
                _ => b.on_hand,
            },
        })
        .collect();
    let before = audit::recent(h.db.conn(), 1000).unwrap().len();
    assert_eq!(
        ops::post_count(&mut h.db, &h.pharm, &item, &lines, now()).unwrap(),
        2
    );
    assert_eq!(audit::recent(h.db.conn(), 1000).unwrap().len(), before + 1);
    assert_eq!(
        on_hand(&h.db, &item),
        [
            ("OLD-0".into(), 40),
            ("SOON-1".into(), 28),
            ("LATE-2".into(), 51)
        ]
    );
    assert!(last_event(&h.db).summary.contains("SOON-1 -2, LATE-2 +1"));
    // The same count again is stale now: nothing is posted.
    let msg = refusal(ops::post_count(&mut h.db, &h.pharm, &item, &lines, now()));
    assert!(msg.contains("moved since the count began"), "{msg}");
    assert_eq!(
        on_hand(&h.db, &item),
        [
            ("OLD-0".into(), 40),
            ("SOON-1".into(), 28),
            ("LATE-2".into(), 51)
        ]
    );
}

#[test]
fn the_database_holds_each_batch_to_its_ledger() {
    let mut h = setup();
    let item = stocked(&mut h);
    let conn = h.db.conn();
    let soon: String = conn
        .query_row(
            "SELECT id FROM stock_batches WHERE batch_no = 'SOON-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let old: String = conn
        .query_row(
            "SELECT id FROM stock_batches WHERE batch_no = 'OLD-0'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let err = |sql: &str, params: &[&dyn rusqlite::ToSql]| {
        conn.execute(sql, params)
            .expect_err(&format!("the schema should refuse {sql}"))
            .to_string()
    };
    assert!(
        err(
            "UPDATE stock_batches SET on_hand = 99 WHERE id = ?1",
            &[&soon]
        )
        .contains("sum of its ledger")
    );
    assert!(err("DELETE FROM stock_movements", &[]).contains("append-only"));
    assert!(err("UPDATE stock_movements SET quantity = 1", &[]).contains("append-only"));
    assert!(err("DELETE FROM stock_batches WHERE id = ?1", &[&soon]).contains("never deleted"));
    let at = wardline::domain::time::format_ts(now());
    let insert = "INSERT INTO stock_movements (batch_id, item_id, kind, quantity, reason, at)
                  VALUES (?1, ?2, ?3, ?4, 'x', ?5)";
    assert!(err(insert, &[&soon, &item, &"adjust", &-31, &at]).contains("CHECK"));
    assert!(err(insert, &[&old, &item, &"dispense", &-1, &at]).contains("expiry date"));
    assert!(err(insert, &[&soon, &item, &"dispense", &5, &at]).contains("CHECK"));
    assert!(err(insert, &[&soon, &"other", &"adjust", &-1, &at]).contains("another item"));
    assert!(err(
        "INSERT INTO stock_batches (id, item_id, batch_no, expiry, on_hand, unit_cost, price, received_at)
         VALUES ('b', ?1, 'X', '2099-01-01', 5, 0, 0, ?2)",
        &[&item, &at]
    )
    .contains("starts empty"));
    assert_eq!(on_hand(&h.db, &item)[1], ("SOON-1".into(), 30));
    assert!(store::ledger_problems(h.db.conn()).unwrap().is_empty());
}

#[test]
fn roles_decide_who_sees_receives_and_dispenses() {
    let mut h = setup();
    let item = stocked(&mut h);
    add_user(&mut h.db, &h.admin, "desk", Role::Receptionist);
    add_user(&mut h.db, &h.admin, "doc", Role::Doctor);
    let desk = auth::sign_in(&mut h.db, "desk", USER_PASSWORD, now()).unwrap();
    let doc = auth::sign_in(&mut h.db, "doc", USER_PASSWORD, now()).unwrap();
    let msg = refusal(ops::stock_list(&h.db, &desk, today()));
    assert_eq!(
        msg,
        "a receptionist may not see the stock: ask a doctor, a nurse, a pharmacist or an administrator"
    );
    assert!(ops::stock_list(&h.db, &doc, today()).is_ok());
    let msg = refusal(ops::dispensed_to(&h.db, &desk, "any"));
    assert!(
        msg.starts_with("a receptionist may not see the medicines dispensed"),
        "{msg}"
    );
    let msg = refusal(ops::dispense(&mut h.db, &doc, &item, 1, None, None, now()));
    assert_eq!(
        msg,
        "a doctor may not dispense: ask a nurse, a pharmacist or an administrator"
    );
    let msg = refusal(ops::receive(
        &mut h.db,
        &h.nurse,
        &receipt(&item, "N-1", days(100), 1),
        now(),
    ));
    assert_eq!(
        msg,
        "a nurse may not receive stock: ask a pharmacist or an administrator"
    );
    let batch = store::batches(h.db.conn(), &item).unwrap()[1].id.clone();
    let msg = refusal(ops::adjust(
        &mut h.db,
        &h.nurse,
        &batch,
        -1,
        AdjustReason::Lost,
        "x",
        now(),
    ));
    assert!(msg.starts_with("a nurse may not adjust stock"), "{msg}");
    let msg = refusal(ops::add_item(&mut h.db, &h.nurse, &amoxicillin(), now()));
    assert!(
        msg.starts_with("a nurse may not change the catalogue"),
        "{msg}"
    );
    assert!(ops::dispense(&mut h.db, &h.nurse, &item, 1, None, None, now()).is_ok());
    assert!(ops::dispense(&mut h.db, &h.admin, &item, 1, None, None, now()).is_ok());
}

#[test]
fn the_catalogue_edits_deactivates_and_refuses_duplicates() {
    let mut h = setup();
    let item = ops::add_item(&mut h.db, &h.pharm, &amoxicillin(), now()).unwrap();
    let msg = refusal(ops::add_item(
        &mut h.db,
        &h.pharm,
        &ItemDetails {
            name: " amoxicillin ".into(),
            ..amoxicillin()
        },
        now(),
    ));
    assert!(msg.contains("already in the catalogue"), "{msg}");
    let edited = ops::edit_item(
        &mut h.db,
        &h.pharm,
        &item.id,
        item.version,
        &ItemDetails {
            max_dispense: None,
            reorder_level: 300,
            ..amoxicillin()
        },
        now(),
    )
    .unwrap();
    assert_eq!(edited.details.reorder_level, 300);
    assert!(last_event(&h.db).summary.ends_with("changed reorder_level"));
    let msg = refusal(ops::edit_item(
        &mut h.db,
        &h.pharm,
        &item.id,
        item.version,
        &amoxicillin(),
        now(),
    ));
    assert!(
        msg.contains("another terminal changed this item first"),
        "{msg}"
    );
    let off = ops::set_active(&mut h.db, &h.pharm, &item.id, false, now()).unwrap();
    assert!(!off.active);
    let msg = refusal(ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item.id, "A", days(90), 1),
        now(),
    ));
    assert!(msg.contains("is deactivated"), "{msg}");
    let msg = refusal(ops::add_item(
        &mut h.db,
        &h.pharm,
        &ItemDetails::default(),
        now(),
    ));
    assert!(msg.starts_with("please correct: name is required"), "{msg}");
}

#[test]
fn item_import_names_the_physical_line_of_a_bad_row_with_any_line_endings() {
    // Line 1 the header, 2 X, 3–4 Y (a generic name over two lines), 5
    // blank, 6 a row without a name.
    let lf = "name,generic_name,form,unit\n\
              X,,tablet,tablet\n\
              Y,\"one\ntwo\",tablet,tablet\n\
              \n\
              ,,tablet,tablet\n";
    let crlf = lf.replace('\n', "\r\n");
    for (name, file) in [
        ("LF", lf.to_string()),
        ("CRLF", crlf.clone()),
        ("BOM and CRLF", format!("\u{feff}{crlf}")),
    ] {
        let mut h = setup();
        let r = ops::import_items(&mut h.db, &h.pharm, file.as_bytes(), "f.csv", now()).unwrap();
        assert_eq!(r.imported, 0, "{name}");
        assert_eq!(r.invalid.len(), 1, "{name}: {:?}", r.invalid);
        assert!(
            r.invalid[0].starts_with("line 6: name is required"),
            "{name}: {:?}",
            r.invalid
        );
        let short = format!("{file}Z,tablet\r\n");
        let msg = refusal(ops::import_items(
            &mut h.db,
            &h.pharm,
            short.as_bytes(),
            "f.csv",
            now(),
        ));
        assert_eq!(
            msg,
            "f.csv line 7 has 2 fields where the header has 4: check this row's commas and quotes, and import it again",
            "{name}"
        );
    }
}

#[test]
fn the_shipped_formulary_imports_once() {
    let mut h = setup();
    let file = std::fs::File::open("assets/formulary.csv").unwrap();
    let r = ops::import_items(&mut h.db, &h.pharm, file, "formulary.csv", now()).unwrap();
    assert!(r.invalid.is_empty(), "{:?}", r.invalid);
    assert!((140..=180).contains(&r.imported), "{}", r.imported);
    assert_eq!(last_event(&h.db).action, "IMPORT");
    let again = std::fs::File::open("assets/formulary.csv").unwrap();
    let r2 = ops::import_items(&mut h.db, &h.pharm, again, "formulary.csv", now()).unwrap();
    assert_eq!((r2.imported, r2.existing.len()), (0, r.imported));
    let bad = "name,form,unit,colour\nX,tablet,tablet,red\n";
    let msg = refusal(ops::import_items(
        &mut h.db,
        &h.pharm,
        bad.as_bytes(),
        "bad.csv",
        now(),
    ));
    assert!(msg.contains("colour"), "{msg}");
    let bad =
        "name,form,unit,reorder_level\nX,tablet,tablet,10\n,tablet,tablet,1\nY,goo,tablet,-2\n";
    let r3 = ops::import_items(&mut h.db, &h.pharm, bad.as_bytes(), "bad.csv", now()).unwrap();
    assert_eq!(r3.imported, 0);
    assert_eq!(r3.invalid.len(), 2);
    assert!(
        r3.invalid[0].starts_with("line 3: name is required"),
        "{:?}",
        r3.invalid
    );
    assert!(
        r3.invalid[1].contains("form must be one of"),
        "{:?}",
        r3.invalid
    );
}

#[test]
fn the_stock_list_flags_low_expiring_and_expired() {
    let mut h = setup();
    let item = stocked(&mut h);
    ops::add_item(
        &mut h.db,
        &h.pharm,
        &ItemDetails {
            name: "Paracetamol".into(),
            strength: "500 mg".into(),
            form: "tablet".into(),
            unit: "tablet".into(),
            ..ItemDetails::default()
        },
        now(),
    )
    .unwrap();
    let list = ops::stock_list(&h.db, &h.pharm, today()).unwrap();
    assert_eq!(list.len(), 2);
    let amx = list.iter().find(|l| l.item.id == item).unwrap();
    assert_eq!((amx.on_hand, amx.usable, amx.expired), (120, 80, 40));
    assert_eq!(amx.nearest_expiry, Some(days(20)));
    assert!(amx.flags.below_reorder && amx.flags.expiring && amx.flags.expired);
    assert_eq!(amx.value, 120 * 1250);
    let report = ops::expiry_report(&h.db, &h.pharm, today(), 30).unwrap();
    let batches: Vec<&str> = report.iter().map(|(_, b)| b.batch_no.as_str()).collect();
    assert_eq!(batches, ["OLD-0", "SOON-1"]);
}

fn batch_strategy() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((-30i64..60, 0i64..50), 0..8)
}

proptest! {
    /// FEFO never uses an expired batch, never takes more than a batch
    /// holds, gives exactly the quantity asked, and uses an earlier expiry
    /// fully before a later one; when short, it names what is available.
    #[test]
    fn fefo_plans_are_safe(spec in batch_strategy(), want in 1i64..200) {
        let today = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        let batches: Vec<Batch> = spec.iter().enumerate().map(|(i, (d, q))| Batch {
            id: format!("b{i}"),
            item_id: "i".into(),
            batch_no: format!("B{i}"),
            expiry: today + Duration::days(*d),
            on_hand: *q,
            unit_cost: 0,
            price: 0,
            supplier: String::new(),
            received_at: String::new(),
        }).collect();
        let usable: i64 = batches.iter().filter(|b| b.expiry > today).map(|b| b.on_hand).sum();
        match plan_dispense(&batches, want, today) {
            Ok(plan) => {
                prop_assert_eq!(plan.iter().map(|t| t.quantity).sum::<i64>(), want);
                for t in &plan {
                    let b = batches.iter().find(|b| b.id == t.batch_id).unwrap();
                    prop_assert!(b.expiry > today, "expired batch used");
                    prop_assert!(t.quantity > 0 && t.quantity <= b.on_hand, "below zero");
                }
                let last = plan.last().unwrap().expiry;
                for b in batches.iter().filter(|b| b.expiry > today && b.expiry < last) {
                    let taken: i64 = plan.iter().filter(|t| t.batch_id == b.id).map(|t| t.quantity).sum();
                    prop_assert_eq!(taken, b.on_hand, "an earlier expiry left behind");
                }
            }
            Err(PlanError::Short { available }) => {
                prop_assert!(usable < want);
                prop_assert_eq!(available, usable);
            }
            Err(PlanError::NotPositive) => prop_assert!(false, "want is positive"),
        }
    }
}

/// Runs the real binary on `data` with `password` on standard input.
fn wardline(data: &std::path::Path, args: &[&str], password: &str) -> (bool, String) {
    common::cli::said(data, args, &format!("{password}\n"))
}

#[test]
fn the_commands_import_report_and_check_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (ok, out) = wardline(data, &["demo", "--no-tui"], "");
    assert!(ok, "{out}");
    let pw = wardline::demo::PASSWORD;

    let (ok, out) = wardline(
        data,
        &[
            "import",
            "items",
            "assets/formulary.csv",
            "--as",
            "pharmacist",
        ],
        pw,
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("Imported 0 items")
            && out.contains("already in the catalogue, left as it is: Paracetamol 500 mg tablet"),
        "{out}"
    );
    let bad = data.join("bad.csv");
    std::fs::write(&bad, "name,form,unit\nAspirin,pill,tablet\n").unwrap();
    let (ok, out) = wardline(
        data,
        &[
            "import",
            "items",
            bad.to_str().unwrap(),
            "--as",
            "pharmacist",
        ],
        pw,
    );
    assert!(
        !ok && out.contains("line 2: form must be one of") && out.contains("nothing was imported"),
        "{out}"
    );
    let (ok, out) = wardline(
        data,
        &["import", "items", "assets/formulary.csv", "--as", "nurse"],
        pw,
    );
    assert!(
        !ok && out.contains("a nurse may not import catalogue items"),
        "{out}"
    );

    let (ok, out) = wardline(data, &["report", "stock", "--as", "pharmacist"], pw);
    assert!(ok, "{out}");
    assert!(
        out.contains("VALUE (KES)") && out.contains("Total value at cost: KES "),
        "{out}"
    );
    assert!(out.contains("LOW") && out.contains("EXPIRED"), "{out}");
    let (ok, out) = wardline(
        data,
        &["report", "expiry", "--days", "30", "--as", "doctor"],
        pw,
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("EXPIRED    Oxytocin 10 IU/ml injection"),
        "{out}"
    );
    assert!(
        out.contains("(30 days from today; expired stock included)"),
        "{out}"
    );
    let (ok, out) = wardline(
        data,
        &["report", "stock", "--format", "csv", "--as", "pharmacist"],
        pw,
    );
    assert!(ok, "{out}");
    assert!(
        out.starts_with("item,generic_name,strength,form,unit,category,on_hand,usable,reorder_level,nearest_expiry,value_at_cost,currency,flags\n"),
        "{out}"
    );
    assert!(out.contains(",KES,") && out.contains("expired"), "{out}");
    let (ok, out) = wardline(
        data,
        &[
            "report", "expiry", "--days", "30", "--format", "csv", "--as", "doctor",
        ],
        pw,
    );
    assert!(ok, "{out}");
    assert!(
        out.starts_with(
            "expiry,days_left,item,strength,form,batch,on_hand,value_at_cost,currency,supplier\n"
        ) && out.contains("Oxytocin"),
        "{out}"
    );
    let (ok, out) = wardline(data, &["report", "stock", "--as", "reception"], pw);
    assert!(
        !ok && out.contains("a receptionist may not see the stock"),
        "{out}"
    );

    let (ok, out) = wardline(data, &["check"], "");
    assert!(ok && out.contains("stock ledger: ok ("), "{out}");
    // Someone with the file and sqlite drops the guard and edits a quantity.
    let conn = rusqlite::Connection::open(data.join("hospitals/DEMO.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER stock_batches_on_hand_is_ledger;
         UPDATE stock_batches SET on_hand = on_hand + 5 WHERE batch_no = (SELECT min(batch_no) FROM stock_batches);",
    )
    .unwrap();
    drop(conn);
    let (ok, out) = wardline(data, &["check"], "");
    assert!(!ok, "{out}");
    assert!(
        out.contains("STOCK PROBLEM: batch ") && out.contains("but its ledger sums to"),
        "{out}"
    );
}

/// One step of a random day at the pharmacy.
#[derive(Debug, Clone)]
enum Step {
    Receive { days: i64, qty: i64 },
    Dispense { qty: i64 },
    Adjust { batch: usize, delta: i64 },
    Return { batch: usize, qty: i64 },
    Dispose { batch: usize, qty: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (-20i64..200, 1i64..60).prop_map(|(days, qty)| Step::Receive { days, qty }),
        (1i64..80).prop_map(|qty| Step::Dispense { qty }),
        (0usize..4, -40i64..40).prop_map(|(batch, delta)| Step::Adjust { batch, delta }),
        (0usize..4, 1i64..20).prop_map(|(batch, qty)| Step::Return { batch, qty }),
        (0usize..4, 1i64..40).prop_map(|(batch, qty)| Step::Dispose { batch, qty }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Whatever mix of movements is tried, each batch holds the sum of its
    /// ledger, never below zero; refused movements change nothing.
    #[test]
    fn the_ledger_stays_true_through_any_day(steps in prop::collection::vec(step(), 1..25)) {
        let mut h = setup();
        let item = ops::add_item(&mut h.db, &h.pharm, &amoxicillin(), now()).unwrap().id;
        let mut n = 0;
        for s in steps {
            let batches = store::batches(h.db.conn(), &item).unwrap();
            let pick = |i: usize| batches.get(i % batches.len().max(1)).map(|b| b.id.clone());
            let before: i64 = batches.iter().map(|b| b.on_hand).sum();
            let result = match s {
                Step::Receive { days: d, qty } => {
                    n += 1;
                    // A batch already expired is put in as received long ago.
                    let at = if d <= 0 { now() - Duration::days(400) } else { now() };
                    // The ledger is the property: a large delivery's question was answered yes.
                    ops::receive_confirmed(&mut h.db, &h.pharm, &receipt(&item, &format!("B{n}"), days(d), qty), at)
                        .map(|_| qty)
                }
                Step::Dispense { qty } => {
                    ops::dispense(&mut h.db, &h.nurse, &item, qty, None, None, now()).map(|_| -qty)
                }
                Step::Adjust { batch, delta } => match pick(batch) {
                    Some(b) => ops::adjust_confirmed(&mut h.db, &h.pharm, &b, delta, AdjustReason::Other, "test", now())
                        .map(|_| delta),
                    None => continue,
                },
                Step::Return { batch, qty } => match pick(batch) {
                    Some(b) => ops::return_to_stock(&mut h.db, &h.nurse, &b, qty, "test", None, now())
                        .map(|_| qty),
                    None => continue,
                },
                Step::Dispose { batch, qty } => match pick(batch) {
                    Some(b) => ops::dispose(&mut h.db, &h.pharm, &b, qty, "test", now()).map(|_| -qty),
                    None => continue,
                },
            };
            let after: i64 = store::batches(h.db.conn(), &item).unwrap().iter().map(|b| b.on_hand).sum();
            match result {
                Ok(change) => prop_assert_eq!(after, before + change),
                Err(Error::Refused(_)) => prop_assert_eq!(after, before),
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
            prop_assert!(store::ledger_problems(h.db.conn()).unwrap().is_empty());
            prop_assert!(store::batches(h.db.conn(), &item).unwrap().iter().all(|b| b.on_hand >= 0));
        }
    }
}

#[test]
fn the_stock_and_expiry_csvs_cannot_run_as_formulas_and_keep_numbers_numeric() {
    let mut h = setup();
    let mut details = amoxicillin();
    details.generic_name = "-2+3".into();
    details.category = "@SUM(A1)".into();
    let item = ops::add_item(&mut h.db, &h.pharm, &details, now()).unwrap();
    let mut r = receipt(&item.id, "=1+1", days(10), 30);
    r.supplier = "+254 712 345 678".into();
    ops::receive(&mut h.db, &h.pharm, &r, now()).unwrap();

    let list = ops::stock_list(&h.db, &h.pharm, today()).unwrap();
    let mut out = Vec::new();
    ops::write_stock_csv(&list, "KES", &mut out).unwrap();
    let rows = csv_rows(&out);
    let row = rows.iter().find(|r| r[0] == "Amoxicillin").unwrap();
    assert_eq!(row[1], "'-2+3");
    assert_eq!(row[5], "'@SUM(A1)");
    assert_eq!(row[6], "30", "a quantity stays a number");
    assert_eq!(row[10], "375.00", "a value stays a plain number");
    assert_eq!(
        row[12], "low expiring",
        "below the reorder level of 100, expiring in 10 days"
    );

    let expiring = ops::expiry_report(&h.db, &h.pharm, today(), 30).unwrap();
    let mut out = Vec::new();
    ops::write_expiry_csv(&expiring, today(), "KES", &mut out).unwrap();
    let rows = csv_rows(&out);
    let row = rows.iter().find(|r| r[2] == "Amoxicillin").unwrap();
    assert_eq!(row[1], "10");
    assert_eq!(row[5], "'=1+1");
    assert_eq!(row[9], "'+254 712 345 678");
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Issue #23: implausible stock changes ask once. Unanswered they are
/// refused with the question and write nothing; answered yes they are
/// written with the question and the answer in the audit event.
#[test]
fn implausible_stock_changes_ask_once_and_the_answer_is_audited() {
    let mut h = setup();
    // Fixed instants: the year's use is measured back from the change.
    let t = |day: i64| -> DateTime<Utc> {
        "2026-03-09T08:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::days(day)
    };
    let d = |day: i64| t(day).date_naive();
    let oxytocin = ItemDetails {
        name: "Oxytocin".into(),
        generic_name: "oxytocin".into(),
        strength: "10 IU/ml".into(),
        form: "injection".into(),
        unit: "ampoule".into(),
        category: "Obstetric".into(),
        reorder_level: 100,
        max_dispense: Some(10),
    };
    let item = ops::add_item(&mut h.db, &h.pharm, &oxytocin, t(0)).unwrap();
    // 300 ampoules is 3 months at the reorder level (no use yet): no question.
    ops::receive(
        &mut h.db,
        &h.pharm,
        &receipt(&item.id, "OXY-1", d(400), 300),
        t(0),
    )
    .unwrap();

    // An expiry in 2099 asks, naming the date; nothing is written.
    let events = common::audit_count(h.db.conn());
    let far = receipt(&item.id, "OXY-2", "2099-01-01".parse().unwrap(), 50);
    let e = ops::receive(&mut h.db, &h.pharm, &far, t(1)).unwrap_err();
    assert!(matches!(e, Error::AskFirst(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("2099-01-01 is more than 6 years ahead"),
        "{e}"
    );
    assert_eq!(on_hand(&h.db, &item.id), [("OXY-1".to_string(), 300)]);
    assert_eq!(common::audit_count(h.db.conn()), events);
    ops::receive_confirmed(&mut h.db, &h.pharm, &far, t(1)).unwrap();
    let last = last_event(&h.db);
    assert_eq!(last.action, "RECEIVE");
    assert!(
        last.summary
            .contains("(asked: the expiry date 2099-01-01 is more than 6 years ahead"),
        "{}",
        last.summary
    );
    assert!(last.summary.ends_with("answered yes)"), "{}", last.summary);

    // 210 ampoules to one patient: more than the usual largest of 10.
    let e = ops::dispense(&mut h.db, &h.pharm, &item.id, 210, None, None, t(2)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "210 ampoules is more than the usual largest dispense of 10 ampoules: if it is right, confirm it (y on the screen, --confirm on the command line)"
    );
    // A dispense that is short anyway is refused for that, without a question.
    let e = ops::dispense(&mut h.db, &h.pharm, &item.id, 5000, None, None, t(2)).unwrap_err();
    assert!(e.to_string().contains("only 350 ampoule usable"), "{e}");
    ops::dispense(&mut h.db, &h.pharm, &item.id, 10, None, None, t(2)).unwrap();
    ops::dispense_confirmed(&mut h.db, &h.pharm, &item.id, 30, None, None, t(2)).unwrap();
    let last = last_event(&h.db);
    assert!(
        last.summary.contains(
            "(asked: 30 ampoules is more than the usual largest dispense of 10 ampoules; answered yes)"
        ),
        "{}",
        last.summary
    );

    // 40 used in the year: 4 a month, so 12 months is 48. An adjustment of
    // +49 asks; -49 asks too; +48 does not.
    let batch = store::batches(h.db.conn(), &item.id).unwrap().remove(0);
    let adjust = |h: &mut H, delta| {
        ops::adjust(
            &mut h.db,
            &h.pharm,
            &batch.id,
            delta,
            AdjustReason::Other,
            "count slip",
            t(3),
        )
    };
    let e = adjust(&mut h, 49).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("49 ampoules is more than 12 months of use (about 4 ampoules a month)"),
        "{e}"
    );
    assert!(matches!(adjust(&mut h, -49), Err(Error::AskFirst(_))));
    adjust(&mut h, 48).unwrap();
    // The setting sets the months.
    let admin = h.admin.clone();
    wardline::ops::settings::set(&mut h.db, &admin, "stock_large_change", "24").unwrap();
    adjust(&mut h, 49).unwrap();
    ops::adjust_confirmed(
        &mut h.db,
        &h.pharm,
        &batch.id,
        1_000_000,
        AdjustReason::Other,
        "typo",
        t(3),
    )
    .unwrap();
    assert!(last_event(&h.db).summary.contains("answered yes"));
}
