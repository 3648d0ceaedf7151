//! The laboratory's catalogue in a real hospital file: the shipped
//! catalogue in a new hospital and in a migrated one, ranges chosen by age
//! and sex from what the file holds, an admin's edits (audited, refused to
//! others and on a stale version), and `wardline import tests` in the real
//! binary adding and changing tests, or refusing a bad file by its line.

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::cli::{ok, refused};
use common::clinic::{self as fixture, Clinic};
use wardline::domain::lab::Flag;
use wardline::domain::lab::catalogue_file;
use wardline::domain::lab::entry::{check_value, flag};
use wardline::domain::patient::Sex;
use wardline::error::Error;
use wardline::ops::lab_catalogue::{self, LimitsChange};
use wardline::store::Db;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 8, 0, 0).unwrap()
}

fn clinic() -> Clinic {
    let mut c = Clinic::new(chrono_tz::UTC, t0(), t0());
    c.staff(&[fixture::DOCTOR, fixture::LAB_TECH]);
    c
}

fn shipped_count() -> i64 {
    catalogue_file::parse(catalogue_file::SHIPPED)
        .expect("shipped catalogue")
        .len() as i64
}

fn active_tests(path: &std::path::Path) -> i64 {
    common::raw(path)
        .query_row("SELECT count(*) FROM lab_tests WHERE active = 1", [], |r| {
            r.get(0)
        })
        .expect("count tests")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

#[test]
fn a_new_hospital_has_the_shipped_catalogue() {
    let mut c = clinic();
    assert!((55..=70).contains(&shipped_count()));
    assert_eq!(active_tests(&c.path), shipped_count());
    let lab = c.signed_in("lab", t0());
    let fbc = lab_catalogue::test(&c.db, &lab, "fbc").expect("FBC");
    assert_eq!(fbc.test.name, "Full blood count");
    assert_eq!(fbc.changed_at, None);
    let codes: Vec<&str> = fbc.test.analytes.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "WBC", "RBC", "HGB", "HCT", "MCV", "MCH", "MCHC", "PLT", "NEUT", "LYMPH"
        ]
    );
    let loincs: Vec<Option<&str>> = fbc
        .test
        .analytes
        .iter()
        .map(|a| a.loinc.as_deref())
        .collect();
    assert!(loincs.iter().all(Option::is_some), "{loincs:?}");
    assert_eq!(
        fbc.test.analyte("PLT").and_then(|a| a.loinc.as_deref()),
        Some("777-3")
    );
    // What the file gives back is exactly what the shipped file says.
    let shipped = catalogue_file::parse(catalogue_file::SHIPPED).expect("shipped");
    for test in &shipped {
        let stored = lab_catalogue::test(&c.db, &lab, &test.code).expect("stored");
        assert_eq!(&stored.test, test, "{}", test.code);
    }
}

#[test]
fn tests_are_found_as_one_types_by_name_code_or_loinc() {
    let mut c = clinic();
    let doctor = c.signed_in("doctor", t0());
    let codes = |text: &str| -> Vec<String> {
        lab_catalogue::find(&c.db, &doctor, text)
            .expect("find")
            .into_iter()
            .map(|t| t.test.code)
            .collect()
    };
    let potassium = codes("2823-3");
    for code in ["K", "LYTES", "UE"] {
        assert!(potassium.contains(&code.to_string()), "{potassium:?}");
    }
    assert_eq!(codes("k").first().map(String::as_str), Some("K"));
    let malaria = codes("malar");
    assert!(malaria.contains(&"MRDT".to_string()) && malaria.contains(&"MSMEAR".to_string()));
    assert!(
        codes("haemoglobin").contains(&"FBC".to_string()),
        "an analyte's name finds its panel"
    );
    assert!(codes("zzz%").is_empty());
    assert_eq!(codes("").len(), lab_catalogue::SHOWN);
}

#[test]
fn ranges_from_the_file_are_chosen_by_age_and_sex_at_the_test() {
    let mut c = clinic();
    let lab = c.signed_in("lab", t0());
    let fbc = lab_catalogue::test(&c.db, &lab, "FBC").expect("FBC");
    let hgb = fbc.test.analyte("HGB").expect("HGB");
    let on = date(2026, 3, 10);
    let value = check_value(hgb, "12.5").expect("a valid haemoglobin");
    // A man is low at 12.5, a woman normal, a 17-year-old normal until his
    // eighteenth birthday and low from that day on.
    assert_eq!(flag(hgb, &value, Sex::M, date(1980, 1, 1), on), Flag::Low);
    assert_eq!(
        flag(hgb, &value, Sex::F, date(1980, 1, 1), on),
        Flag::Normal
    );
    assert_eq!(
        flag(hgb, &value, Sex::M, date(2008, 3, 11), on),
        Flag::Normal
    );
    assert_eq!(flag(hgb, &value, Sex::M, date(2008, 3, 10), on), Flag::Low);
    // A neonate of three days is low at 12.5; critical below 7 for all.
    assert_eq!(flag(hgb, &value, Sex::F, date(2026, 3, 7), on), Flag::Low);
    let low = check_value(hgb, "6.8").expect("valid");
    assert_eq!(
        flag(hgb, &low, Sex::F, date(1980, 1, 1), on),
        Flag::CriticalLow
    );
    // Creatinine's adult ranges differ by sex.
    let crea = lab_catalogue::test(&c.db, &lab, "CREA").expect("CREA");
    let crea = crea.test.analyte("CREA").expect("analyte");
    let v = check_value(crea, "95").expect("valid");
    assert_eq!(flag(crea, &v, Sex::M, date(1970, 5, 5), on), Flag::Normal);
    assert_eq!(flag(crea, &v, Sex::F, date(1970, 5, 5), on), Flag::High);
    assert!(
        check_value(crea, "95.5").is_err(),
        "creatinine is whole µmol/L"
    );
}

fn last_audit(c: &Clinic) -> (String, String, String) {
    common::raw(&c.path)
        .query_row(
            "SELECT action, actor_name, summary FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("last audit row")
}

#[test]
fn an_admin_changes_limits_and_price_with_a_reason_and_others_may_not() {
    let mut c = clinic();
    let later = t0() + chrono::Duration::hours(1);
    let k = lab_catalogue::test(&c.db, &c.admin, "K").expect("K");
    let change = LimitsChange {
        analyte: "k",
        ranges: "3.6..5.2",
        critical_low: Some(2.5),
        critical_high: Some(6.5),
    };
    let doctor = c.signed_in("doctor", t0());
    let err = lab_catalogue::change_limits(
        &mut c.db,
        &doctor,
        "K",
        &change,
        k.version,
        "our analyser",
        later,
    )
    .expect_err("a doctor may not");
    assert!(matches!(err, Error::NotPermitted(_)), "{err}");
    let err = lab_catalogue::change_limits(&mut c.db, &c.admin, "K", &change, k.version, "", later)
        .expect_err("no reason");
    assert!(err.to_string().contains("reason"), "{err}");

    let after = lab_catalogue::change_limits(
        &mut c.db,
        &c.admin,
        "K",
        &change,
        k.version,
        "ranges of our analyser",
        later,
    )
    .expect("the admin changes them");
    let potassium = after.test.analyte("K").expect("K");
    assert_eq!(
        (potassium.critical_low, potassium.critical_high),
        (Some(2.5), Some(6.5))
    );
    assert_eq!(potassium.ranges[0].low, Some(3.6));
    assert_eq!(after.version, k.version + 1);
    assert!(after.changed_at.is_some());
    let (action, actor, summary) = last_audit(&c);
    assert_eq!((action.as_str(), actor.as_str()), ("UPDATE", "admin"));
    assert!(
        summary.contains("3.5..5.1") && summary.contains("3.6..5.2"),
        "{summary}"
    );
    assert!(summary.contains("2.8..6.2 -> 2.5..6.5"), "{summary}");
    assert!(
        summary.contains("reason: ranges of our analyser"),
        "{summary}"
    );
    // The other panels' potassium is left as it was.
    let lytes = lab_catalogue::test(&c.db, &c.admin, "LYTES").expect("LYTES");
    assert_eq!(
        lytes.test.analyte("K").and_then(|a| a.critical_low),
        Some(2.8)
    );

    // An edit made on the version seen before is refused, not lost.
    let err = lab_catalogue::change_price(
        &mut c.db,
        &c.admin,
        "K",
        1500,
        k.version,
        "new tariff",
        later,
    )
    .expect_err("stale");
    assert!(
        err.to_string()
            .contains("another terminal changed this test first"),
        "{err}"
    );
    let priced = lab_catalogue::change_price(
        &mut c.db,
        &c.admin,
        "K",
        1500,
        after.version,
        "new tariff",
        later,
    )
    .expect("price");
    assert_eq!(priced.test.price, 1500);
    assert!(
        last_audit(&c)
            .2
            .contains("price 0 -> 1500; reason: new tariff")
    );

    // Limits that contradict each other or the possible values are refused.
    let bad = LimitsChange {
        critical_low: Some(7.0),
        critical_high: Some(6.0),
        ..change.clone()
    };
    let err = lab_catalogue::change_limits(
        &mut c.db,
        &c.admin,
        "K",
        &bad,
        priced.version,
        "typo",
        later,
    )
    .expect_err("crossed limits");
    assert!(err.to_string().contains("critical_low"), "{err}");
    let bad = LimitsChange {
        ranges: "3.5..50",
        ..change.clone()
    };
    let err = lab_catalogue::change_limits(
        &mut c.db,
        &c.admin,
        "K",
        &bad,
        priced.version,
        "typo",
        later,
    )
    .expect_err("impossible range");
    assert!(err.to_string().contains("possible values"), "{err}");
    let lab = c.signed_in("lab", later);
    assert!(matches!(
        lab_catalogue::change_price(&mut c.db, &lab, "K", 1, priced.version, "cheaper", later),
        Err(Error::NotPermitted(_))
    ));
}

#[test]
fn a_migrated_hospital_gets_the_shipped_catalogue() {
    // The temporary folder stays; this terminal's connection closes.
    let Clinic {
        dir: _dir,
        path,
        db,
        ..
    } = clinic();
    drop(db);
    let conn = common::raw(&path);
    conn.execute_batch(common::UNDO_SINCE_BILLING).unwrap();
    conn.execute_batch(
        "DROP TABLE lab_results; DROP TABLE lab_order_tests; DROP TABLE lab_orders;
         DROP TABLE lab_ranges; DROP TABLE lab_analytes; DROP TABLE lab_tests;
         PRAGMA user_version = 14;",
    )
    .expect("make the file as migration 14 left it");
    drop(conn);
    let db = Db::open(&path).expect("migrate");
    drop(db);
    assert_eq!(
        common::user_version(&path),
        wardline::store::migrations::current_version()
    );
    assert_eq!(active_tests(&path), shipped_count());
}

const HEADER: &str = "test,test_name,specimen,price,analyte,analyte_name,loinc,unit,type,decimals,choices,abnormal,ranges,critical_low,critical_high,min,max";

#[test]
fn the_import_command_adds_and_changes_tests_and_refuses_a_bad_file_by_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(
        data,
        &[
            "init", "--code", "TST", "--name", "Test", "--admin", "admin",
        ],
        1,
    );
    let file = data.join("our_lab.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n\
             K,Potassium,serum,1200,K,Potassium,2823-3,mmol/L,number,1,,,3.6..5.2,2.5,6.5,1,12\n\
             WIDAL,Widal test,serum,800,O,S. Typhi O antigen,,,choice,,<1:80|1:80|1:160|>1:160,1:160|>1:160,,,,,\n\
             HB,Haemoglobin (point of care),capillary blood,0,HGB,Haemoglobin,718-7,g/dL,number,1,,,M 18y..: 13.0..17.0 | F 18y..: 12.0..15.5 | 12y..18y: 12.0..16.0 | 6m..12y: 11.0..14.5 | 28d..6m: 9.5..14.0 | ..28d: 14.5..22.5,7.0,,0,30\n"
        ),
    )
    .unwrap();
    let said = ok(
        data,
        &["import", "tests", file.to_str().unwrap(), "--as", "admin"],
        1,
    );
    assert!(said.contains("Added 1 test: WIDAL."), "{said}");
    assert!(said.contains("Changed 1 test: K."), "{said}");
    assert!(said.contains("1 test already as the file says"), "{said}");
    let path = data.join("hospitals/TST.db");
    assert_eq!(active_tests(&path), shipped_count() + 1);
    let (price, low): (i64, f64) = common::raw(&path)
        .query_row(
            "SELECT t.price, a.critical_low FROM lab_tests t JOIN lab_analytes a ON a.test_id = t.id
             WHERE t.code = 'K'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((price, low), (1200, 2.5));
    let import_events: i64 = common::raw(&path)
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'IMPORT' AND entity = 'lab_test'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(import_events, 1);

    // A bad line refuses the whole file, named with what to fix.
    std::fs::write(
        &file,
        format!(
            "{HEADER}\n\
             NEWA,New A,serum,0,A,A,,,text,,,,,,,,\n\
             K,Potassium,serum,1300,K,Potassium,2823-3,mmol/L,number,1,,,3.6..5.2,2.5,6.5,1,12\n\
             NA,Sodium,serum,0,NA,Sodium,2951-2,mmol/L,number,0,,,135..145,160,120,80,220\n"
        ),
    )
    .unwrap();
    let err = refused(
        data,
        &["import", "tests", file.to_str().unwrap(), "--as", "admin"],
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.contains("line 4: critical_low 160 must be below critical_high 120"),
        "{err}"
    );
    assert_eq!(
        active_tests(&path),
        shipped_count() + 1,
        "NEWA was not added"
    );
    let price: i64 = common::raw(&path)
        .query_row("SELECT price FROM lab_tests WHERE code = 'K'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(price, 1200, "K was not changed");
    std::fs::write(&file, "name,price\nFBC,10\n").unwrap();
    let err = refused(
        data,
        &["import", "tests", file.to_str().unwrap(), "--as", "admin"],
    );
    assert!(err.contains("nothing was imported from"), "{err}");
    assert!(err.contains("missing: test, test_name"), "{err}");
}
