//! Patient import (CSV) and export (CSV and FHIR): parsing, validation with
//! line numbers, all-or-nothing, duplicates, old numbers, audit events,
//! permissions, round trips, and the real binary.

#[path = "import_export/codes.rs"]
mod codes;
mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::cli::run;
use common::{ADMIN, ADMIN_PASSWORD, Hospital, add_user, hospital, sign_in_user};
use wardline::Error;
use wardline::auth::Session;
use wardline::domain::names;
use wardline::domain::patient::{Field, Patient, PatientInput, Sex};
use wardline::domain::role::Role;
use wardline::ops::export::{self, Format};
use wardline::ops::import::{ImportReport, import_patients};
use wardline::ops::patients as patient_ops;
use wardline::store::Db;
use wardline::store::patient_search::{self, MatchKind};
use wardline::store::patients::{self, NameRows};

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn import(h: &mut Hospital, csv: &str, skip_invalid: bool) -> ImportReport {
    import_as(&mut h.db, &h.admin.clone(), csv, skip_invalid)
        .unwrap_or_else(|e| panic!("import: {e}"))
}

fn import_as(
    db: &mut Db,
    by: &Session,
    csv: &str,
    skip_invalid: bool,
) -> Result<ImportReport, Error> {
    import_patients(db, by, csv.as_bytes(), "test.csv", skip_invalid, now())
}

fn lines(notes: &[wardline::ops::import::LineNote]) -> Vec<String> {
    notes.iter().map(ToString::to_string).collect()
}

/// Every patient in use, in sequence order.
fn all_patients(db: &Db) -> Vec<Patient> {
    let mut stmt = db
        .conn()
        .prepare(&format!(
            "SELECT {} FROM patients WHERE deleted_at IS NULL AND merged_into IS NULL ORDER BY seq",
            patients::COLUMNS
        ))
        .unwrap();
    stmt.query_map([], patients::patient)
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn count(db: &Db) -> i64 {
    patients::count_in_use(db.conn()).unwrap()
}

/// The summaries of the audit events with this action, oldest first.
fn audit(db: &Db, action: &str) -> Vec<String> {
    let mut stmt = db
        .conn()
        .prepare("SELECT summary FROM audit_log WHERE action = ?1 ORDER BY seq")
        .unwrap();
    stmt.query_map([action], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn export_to_string(h: &mut Hospital, format: Format) -> String {
    let mut out = Vec::new();
    let admin = h.admin.clone();
    export::export_patients(&mut h.db, &admin, format, &mut out, now())
        .unwrap_or_else(|e| panic!("export: {e}"));
    String::from_utf8(out).unwrap()
}

/// The indexes of the patients table as the schema defines them.
fn patient_indexes(db: &Db) -> Vec<(String, Option<String>)> {
    let mut stmt = db
        .conn()
        .prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name = 'patients' ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

const HEADER: &str = "given_name,family_name,birth_date,sex,phone";

/// A fixed moment, so that the tests that use it do not depend on the day
/// they run.
fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, 10, 0, 0).unwrap()
}

fn import_at_fixed_time(h: &mut Hospital, csv: &str, skip_invalid: bool) -> ImportReport {
    let admin = h.admin.clone();
    import_patients(
        &mut h.db,
        &admin,
        csv.as_bytes(),
        "test.csv",
        skip_invalid,
        fixed_now(),
    )
    .unwrap_or_else(|e| panic!("import: {e}"))
}

#[test]
fn bad_rows_are_named_by_the_physical_line_they_start_on_with_any_line_endings() {
    // Line 1 the header, 2 Amina, 3–5 Kofi (notes over three lines), 6 a
    // bad date, 7 blank, 8–9 a bad sex (notes over two lines), 10 Esi, 11
    // too few fields.
    let lf = "given_name,family_name,birth_date,sex,notes\n\
              Amina,Okafor,1980-02-29,F,\n\
              Kofi,Mensah,1975-06-01,M,\"one\ntwo\nthree\"\n\
              Ama,Owusu,someday,F,\n\
              \n\
              Li,Chen,1990-01-01,X,\"a\nb\"\n\
              Esi,Appiah,2001-01-01,F,\n\
              Yaw,Boateng\n";
    let crlf = lf.replace('\n', "\r\n");
    for (name, file) in [
        ("LF", lf.to_string()),
        ("CRLF", crlf.clone()),
        ("BOM and CRLF", format!("\u{feff}{crlf}")),
        ("BOM and LF", format!("\u{feff}{lf}")),
        (
            "CRLF without a last line break",
            crlf.trim_end().to_string(),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut h = hospital(dir.path());
        let report = import_at_fixed_time(&mut h, &file, true);
        assert_eq!(
            lines(&report.invalid),
            [
                "line 6: birth date: not a date: type it as YYYY-MM-DD",
                "line 8: sex: type M (male), F (female), O (other) or U (unknown)",
                "line 11: has 2 fields where the header has 5: check this row's commas and quotes",
            ],
            "{name}"
        );
        let all = all_patients(&h.db);
        let names: Vec<String> = all.iter().map(|p| p.details.full_name()).collect();
        assert_eq!(
            names,
            ["Amina Okafor", "Kofi Mensah", "Esi Appiah"],
            "{name}"
        );
        // A line break inside a quoted cell is a line break, whatever the
        // file's line endings: never a refused control character.
        assert_eq!(all[1].details.notes, "one\ntwo\nthree", "{name}");
    }
}

#[test]
fn duplicates_are_named_by_their_physical_lines_in_a_windows_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let csv = "given_name,family_name,birth_date,phone,notes\r\n\
               Amina,Okafor,1980-02-29,0712 345 678,\"seen\r\ntwice\"\r\n\
               \r\n\
               Aminah,Okafor,1980-02-29,0712 345 678,\r\n";
    let report = import_at_fixed_time(&mut h, csv, false);
    assert_eq!(
        lines(&report.duplicates),
        [
            "line 5: possibly the same person as line 2 (same birth date and a family name that sounds alike, same phone number)"
        ]
    );
}

#[test]
fn a_windows_line_break_in_an_address_joins_its_lines_and_elsewhere_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let csv = "given_name,birth_date,address_line1,city,notes\r\n\
               Amina,1980-02-29,\"12 Market Road\r\nBlock 4\",Nairobi,\"Allergic\r\nSee chart\"\r\n\
               Kofi,1975-06-01,,\"Nairobi\r\nWest\",\r\n";
    let report = import_at_fixed_time(&mut h, csv, true);
    assert_eq!(
        lines(&report.invalid),
        [
            "line 5: city: holds a line break: keep it on one line (only notes may have several lines)"
        ]
    );
    let amina = &all_patients(&h.db)[0];
    assert_eq!(amina.details.address_line1, "12 Market Road, Block 4");
    assert_eq!(amina.details.notes, "Allergic\nSee chart");
}

#[test]
fn names_that_a_spreadsheet_would_run_as_formulas_are_refused_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let csv = "given_name,middle_name,family_name,emergency_name,birth_date\n\
               \"=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\",,Okafor,,1980-02-29\n\
               Amina,+1,Okafor,,1980-02-29\n\
               Amina,,-2+3,,1980-02-29\n\
               Amina,,Okafor,@SUM(A1),1980-02-29\n\
               '=1+1,,Okafor,,1980-02-29\n\
               'abc,,'t Hooft,,1980-02-29\n";
    let report = import_at_fixed_time(&mut h, csv, true);
    let why = "a name cannot start with =, +, - or @ (spreadsheet formula characters)";
    assert_eq!(
        lines(&report.invalid),
        [
            format!("line 2: given name: {why}"),
            format!("line 3: middle name: {why}"),
            format!("line 4: family name: {why}"),
            format!("line 5: emergency contact name: {why}"),
            // An escaped one is the same name once the escape is undone.
            format!("line 6: given name: {why}"),
        ]
    );
    let kept = &all_patients(&h.db)[0];
    assert_eq!(
        (
            kept.details.given_name.as_str(),
            kept.details.family_name.as_str()
        ),
        ("'abc", "'t Hooft"),
        "a quote another system left in front of ordinary text is kept"
    );
    // The registration form goes through the same rule.
    let e = patient_ops::register(
        &mut h.db,
        &h.admin.clone(),
        &PatientInput::default()
            .with(Field::GivenName, "=HYPERLINK(\"http://x\",\"a\")")
            .with(Field::BirthDate, "1980-02-29"),
        &[],
        fixed_now(),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), format!("please correct: given name: {why}"));
}

/// The cells of a CSV text, row by row.
fn cells(csv: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn an_export_cannot_run_as_a_formula_and_imports_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let values = [
        (Field::GivenName, "'t"),
        (Field::MiddleName, "Amina"),
        (Field::FamilyName, "'t Hooft"),
        (Field::Sex, "F"),
        (Field::Phone, "+254 712 345 678"),
        (Field::Email, "+amina@example.org"),
        (Field::AddressLine1, "-2+3"),
        (Field::AddressLine2, "@SUM(A1)"),
        (Field::City, "=1+1"),
        (Field::Region, "'quoted"),
        (Field::PostalCode, "-5"),
        (Field::Country, "+Kenya"),
        (Field::NationalId, "=12345678"),
        (Field::EmergencyName, "''Kofi"),
        (Field::EmergencyRelation, "=spouse"),
        (Field::EmergencyPhone, "-0711 000 111"),
        (Field::InsuranceProvider, "@NHIF"),
        (Field::InsurancePolicy, "'=P-778"),
        (Field::Notes, "=1+1\n\t-2+3\n@SUM(A1)\n'x"),
    ];
    let mut input = PatientInput::default().with(Field::BirthDate, "1980-02-29");
    for (f, v) in values {
        input.set(f, v);
    }
    let admin = h.admin.clone();
    let p = patient_ops::register(&mut h.db, &admin, &input, &[], fixed_now()).unwrap();
    for (f, v) in values {
        assert_eq!(p.details.text(f), v, "stored as typed: {f:?}");
    }
    let mut out = Vec::new();
    export::export_patients(&mut h.db, &admin, Format::Csv, &mut out, fixed_now()).unwrap();
    let csv = String::from_utf8(out).unwrap();
    let rows = cells(&csv);
    let header = &rows[0];
    let row = &rows[1];
    let cell = |f: Field| {
        let i = header.iter().position(|c| c == f.column()).unwrap();
        row[i].as_str()
    };
    // No cell starts with a formula character but the plain number; each
    // such value has one `'` in front, and so has a value starting with `'`.
    for c in row {
        assert!(
            !c.starts_with(['=', '+', '-', '@', '\t', '\r']) || c == "-5",
            "{c:?} in {csv}"
        );
    }
    assert_eq!(cell(Field::Phone), "'+254 712 345 678");
    assert_eq!(cell(Field::Email), "'+amina@example.org");
    assert_eq!(cell(Field::AddressLine1), "'-2+3");
    assert_eq!(cell(Field::AddressLine2), "'@SUM(A1)");
    assert_eq!(cell(Field::City), "'=1+1");
    assert_eq!(cell(Field::Region), "''quoted");
    assert_eq!(cell(Field::FamilyName), "''t Hooft");
    assert_eq!(cell(Field::EmergencyName), "'''Kofi");
    assert_eq!(cell(Field::EmergencyPhone), "'-0711 000 111");
    assert_eq!(cell(Field::InsurancePolicy), "''=P-778");
    assert_eq!(cell(Field::Notes), "'=1+1\n\t-2+3\n@SUM(A1)\n'x");
    assert_eq!(
        cell(Field::PostalCode),
        "-5",
        "a plain number stays a number"
    );
    assert_eq!(cell(Field::BirthDate), "1980-02-29");

    let other_dir = tempfile::tempdir().unwrap();
    let mut other = hospital(other_dir.path());
    let report = import_at_fixed_time(&mut other, &csv, false);
    assert!(report.committed, "{:?}", report.invalid);
    let back = &all_patients(&other.db)[0];
    assert_eq!(back.details, p.details, "every value comes back exactly");
    assert_eq!(back.legacy_mrn, p.mrn);
}

#[test]
fn a_value_another_system_escaped_is_read_as_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let csv = "mrn,given_name,birth_date,phone,notes,city\n\
               '+OLD-1,Amina,1980-02-29,'+254 712 345 678,'abc,''Nairobi\n";
    import_at_fixed_time(&mut h, csv, false);
    let p = &all_patients(&h.db)[0];
    assert_eq!(p.legacy_mrn, "+OLD-1");
    assert_eq!(p.details.phone, "+254 712 345 678");
    assert_eq!(p.details.notes, "'abc");
    assert_eq!(p.details.city, "'Nairobi");
}

#[test]
fn a_bom_quoted_commas_quotes_and_newlines_are_read_and_line_numbers_stay_right() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let csv = "\u{feff}given_name,family_name,birth_date,sex,address_line1,notes\n\
               Amina,Okafor,1980-02-29,F,\"12 Market Road, Block 4\",\"She said \"\"call first\"\"\"\n\
               Kofi,Mensah,1975-06-01,M,\"PO Box 7, Accra\",\"line one\nline two\nline three\"\n\
               Ama,Owusu,not a date,F,,\n\
               Li,Chen,1990-01-01,X,,\n";
    let report = import(&mut h, csv, true);
    assert!(report.committed);
    assert_eq!(report.imported, 2);
    assert_eq!(
        lines(&report.invalid),
        [
            "line 6: birth date: not a date: type it as YYYY-MM-DD",
            "line 7: sex: type M (male), F (female), O (other) or U (unknown)",
        ]
    );
    let all = all_patients(&h.db);
    assert_eq!(
        all[0].details.given_name, "Amina",
        "the BOM is not part of the first column"
    );
    assert_eq!(all[0].details.address_line1, "12 Market Road, Block 4");
    assert_eq!(all[0].details.notes, "She said \"call first\"");
    assert_eq!(all[1].details.address_line1, "PO Box 7, Accra");
    assert_eq!(all[1].details.notes, "line one\nline two\nline three");
}

#[test]
fn invalid_rows_refuse_the_whole_file_and_each_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let audit_before = common::audit_count(h.db.conn());
    let indexes = patient_indexes(&h.db);
    let csv = format!(
        "{HEADER}\n\
         Amina,Okafor,1980-02-29,F,0712 345 678\n\
         Kofi,Mensah,1975-02-30,M,\n\
         ,,1990-01-01,F,\n\
         Ama,Owusu,,F,\n\
         Yaw,Boateng,1999-09-09,Q,12\n\
         Esi,Appiah,2001-01-01,F,\n"
    );
    let report = import(&mut h, &csv, false);
    assert!(!report.committed);
    assert_eq!(report.imported, 0);
    assert_eq!(report.valid, 2);
    assert_eq!(
        lines(&report.invalid),
        [
            "line 3: birth date: 1975-02-30: February has no 30th",
            "line 4: given name: type at least one name, a given name or a family name",
            "line 5: birth date: required: type the birth date (YYYY-MM-DD) or an estimated age (about 45)",
            "line 6: sex: type M (male), F (female), O (other) or U (unknown); phone: has 2 digits: a phone number has 4 to 15 digits",
        ]
    );
    assert_eq!(count(&h.db), 0, "nothing is imported");
    assert!(
        audit(&h.db, "IMPORT").is_empty(),
        "not even the audit event"
    );
    assert_eq!(common::audit_count(h.db.conn()), audit_before);
    assert_eq!(patient_indexes(&h.db), indexes);
    // The sequence numbers were not used up either.
    let p = patient_ops::register(
        &mut h.db,
        &h.admin.clone(),
        &PatientInput::default()
            .with(Field::GivenName, "Zawadi")
            .with(Field::BirthDate, "2000-01-01"),
        &[],
        now(),
    )
    .unwrap();
    assert_eq!(p.mrn, wardline::domain::mrn::Mrn::new("TST", 1).to_string());
}

#[test]
fn skip_invalid_imports_the_good_rows_with_one_audit_event() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let csv = format!(
        "{HEADER}\n\
         Amina,Okafor,1980-02-29,F,0712 345 678\n\
         Kofi,Mensah,1975-02-30,M,\n\
         Esi,Appiah,2001-01-01,F,\n"
    );
    let report = import(&mut h, &csv, true);
    assert!(report.committed);
    assert_eq!(report.imported, 2);
    assert_eq!(lines(&report.invalid).len(), 1);
    assert_eq!(count(&h.db), 2);
    assert_eq!(
        audit(&h.db, "IMPORT"),
        ["imported 2 patients from test.csv (1 invalid row skipped)"]
    );
    let names: Vec<String> = all_patients(&h.db)
        .iter()
        .map(|p| p.details.full_name())
        .collect();
    assert_eq!(names, ["Amina Okafor", "Esi Appiah"]);
    // Every patient is searchable by name, like a registered one.
    let found = patient_search::search(h.db.conn(), "appiah", "%Y-%m-%d").unwrap();
    assert_eq!(found.hits.len(), 1);
}

#[test]
fn a_row_with_the_wrong_number_of_fields_is_an_invalid_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let csv = format!(
        "{HEADER}\n\
         Amina,Okafor,1980-02-29,F\n\
         Esi,Appiah,2001-01-01,F,\n"
    );
    let report = import(&mut h, &csv, true);
    assert_eq!(
        lines(&report.invalid),
        ["line 2: has 4 fields where the header has 5: check this row's commas and quotes"]
    );
    assert_eq!(report.imported, 1);
}

#[test]
fn blank_rows_are_passed_over_and_text_that_is_not_utf8_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let mut csv = format!("{HEADER}\nAmina,Okafor,1980-02-29,F,\n\n,,,,\n").into_bytes();
    csv.extend_from_slice(b"Kofi,Mens\xe1h,1975-06-01,M,\nEsi,Appiah,2001-01-01,F,\n");
    let admin = h.admin.clone();
    let report = import_patients(&mut h.db, &admin, &csv[..], "latin1.csv", true, now()).unwrap();
    assert_eq!(
        lines(&report.invalid),
        ["line 5: is not UTF-8 text: save the file as UTF-8 (CSV UTF-8) and import again"]
    );
    assert_eq!(report.imported, 2);
}

#[test]
fn unknown_or_repeated_columns_are_refused_naming_them_and_the_allowed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let e = import_as(
        &mut h.db,
        &h.admin.clone(),
        "given_name,shoe_size,family_name,blood group\nAmina,38,Okafor,O+\n",
        true,
    )
    .unwrap_err();
    let message = e.to_string();
    assert!(matches!(e, Error::UnknownColumns { .. }), "{e:?}");
    assert!(message.contains("shoe_size, blood group"), "{message}");
    for allowed in [
        "mrn",
        "given_name",
        "estimated_age",
        "insurance_valid_until",
        "notes",
    ] {
        assert!(message.contains(allowed), "{message}");
    }
    let e = import_as(
        &mut h.db,
        &h.admin.clone(),
        "given_name,Given_Name\nA,B\n",
        true,
    )
    .unwrap_err();
    assert!(e.to_string().contains("twice"), "{e}");
    let e = import_as(&mut h.db, &h.admin.clone(), "", true).unwrap_err();
    assert!(e.to_string().contains("header"), "{e}");
    assert_eq!(count(&h.db), 0);
    assert!(audit(&h.db, "IMPORT").is_empty());
}

/// A row whose old number is held by a patient in use, or by an earlier
/// row of the file, was imported before: it is skipped and listed (even
/// without --skip-invalid), and the summary counts it. A deleted patient's
/// old number is free again.
#[test]
fn rows_whose_old_number_is_on_file_are_skipped_as_already_imported() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    import_at_fixed_time(
        &mut h,
        "mrn,given_name,family_name,birth_date,sex\n\
         OLD-1,Amina,Okafor,1980-02-29,F\n\
         OLD-2,Kofi,Mensah,1975-06-01,M\n",
        false,
    );
    let before = all_patients(&h.db);
    let admin = h.admin.clone();
    patient_ops::delete(
        &mut h.db,
        &admin,
        &before[1].id,
        "registered twice",
        fixed_now(),
    )
    .unwrap();
    let csv = "mrn,given_name,family_name,birth_date,sex\n\
               old 1,Amina,Okafor,1980-02-29,F\n\
               NEW-1,Yaw,Boateng,1999-09-09,M\n\
               new1,Yaw,Boateng,1999-09-09,M\n\
               OLD-2,Kofi,Mensah,1975-06-01,M\n";
    let report = import_at_fixed_time(&mut h, csv, false);
    assert!(report.committed);
    assert_eq!(report.imported, 2, "NEW-1 and the deleted patient's OLD-2");
    assert_eq!(report.valid, 2);
    let after = all_patients(&h.db);
    assert_eq!(after.len(), 3);
    assert_eq!(
        lines(&report.already_on_file),
        [
            format!("line 2: already imported as MRN {}", before[0].mrn),
            format!("line 4: already imported as MRN {} (line 3)", after[1].mrn),
        ]
    );
    assert_eq!(after[1].legacy_mrn, "NEW-1");
    assert!(report.duplicates.is_empty(), "{:?}", report.duplicates);
    assert_eq!(
        audit(&h.db, "IMPORT")[1],
        "imported 2 patients from test.csv (2 rows already on file skipped)"
    );
}

#[test]
fn duplicates_among_the_rows_and_against_existing_patients_are_reported_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let first = import(
        &mut h,
        "mrn,given_name,family_name,birth_date,sex,phone\n\
         A-1,Amina,Okafor,1980-02-29,F,+254 712 345 678\n",
        false,
    );
    assert!(first.duplicates.is_empty());
    let existing = all_patients(&h.db)[0].mrn.clone();
    let csv = "mrn,given_name,family_name,birth_date,sex,phone\n\
               B-1,Aminah,Okafor,1980-02-29,F,\n\
               B-2,Kofi,Mensah,1975-06-01,M,0712345678\n\
               B-3,Yaw,Boateng,1999-09-09,M,0788 111 222\n\
               B-4,Ama,Owusu,2001-01-01,F,+233 788 111 222\n\
               A-1,Esi,Appiah,2002-02-02,F,\n\
               B-3,Abena,Osei,1988-08-08,F,\n";
    let report = import(&mut h, csv, false);
    assert!(report.committed);
    assert_eq!(report.imported, 4, "duplicates are imported");
    assert_eq!(
        lines(&report.duplicates),
        [
            format!(
                "line 2: possibly the same person as MRN {existing} (same birth date and a family name that sounds alike)"
            ),
            format!("line 3: possibly the same person as MRN {existing} (same phone number)"),
            "line 5: possibly the same person as line 4 (same phone number)".to_string(),
        ]
    );
    assert_eq!(
        lines(&report.already_on_file),
        [
            format!("line 6: already imported as MRN {existing}"),
            format!(
                "line 7: already imported as MRN {} (line 4)",
                all_patients(&h.db)[3].mrn
            ),
        ],
        "a repeated old MRN is not a possible duplicate: the row was imported before"
    );
    assert_eq!(
        audit(&h.db, "IMPORT")[1],
        "imported 4 patients from test.csv (2 rows already on file skipped, 3 possible duplicates)"
    );
}

#[test]
fn the_old_number_is_kept_and_search_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    import(
        &mut h,
        "family_name,mrn,birth_date,sex\nSuharto,OLD-123,1950-05-05,M\n",
        false,
    );
    let p = &all_patients(&h.db)[0];
    assert_eq!(p.legacy_mrn, "OLD-123");
    let found = patient_search::search(h.db.conn(), "OLD-123", "%Y-%m-%d").unwrap();
    assert_eq!(found.hits.len(), 1);
    assert_eq!(found.hits[0].kind, MatchKind::OldNumber);
    let seq: i64 =
        h.db.conn()
            .query_row(
                "SELECT seq FROM patients WHERE id = ?1",
                [p.id.as_str()],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(found.hits[0].seq, seq);
}

#[test]
fn estimated_ages_are_imported_as_flagged_birth_dates() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    import(
        &mut h,
        "given_name,estimated_age,sex\nAmina,about 45,F\nBaby,6m,U\n",
        false,
    );
    let all = all_patients(&h.db);
    assert!(all.iter().all(|p| p.details.birth_date_estimated));
    let today = now().date_naive();
    assert_eq!(
        wardline::domain::patient::age_years(all[0].details.birth_date, today),
        45
    );
}

#[test]
fn a_hundred_thousand_rows_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let indexes = patient_indexes(&h.db);
    assert!(indexes.len() >= 6, "{indexes:?}");
    let csv = generated(100_000);
    let report = import(&mut h, &csv, false);
    assert!(report.committed);
    assert!(report.invalid.is_empty());
    assert_eq!(report.imported, 100_000);
    assert_eq!(count(&h.db), 100_000);
    assert_eq!(audit(&h.db, "IMPORT").len(), 1);
    // The indexes the import rebuilt serve searches and duplicate checks.
    let found = patient_search::search(h.db.conn(), "OLD-99999", "%Y-%m-%d").unwrap();
    assert_eq!(found.hits.len(), 1);
    let check: String =
        h.db.conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(patient_indexes(&h.db), indexes, "every index is back");
    assert_name_index_complete(&h.db);
    // Found by two names, from the first rows to the last.
    for i in [0, 55_555, 99_998, 99_999] {
        let (given, middle, family) = generated_name(i);
        let query = format!("{family} {given} {middle}");
        let seq: i64 =
            h.db.conn()
                .query_row(
                    "SELECT seq FROM patients WHERE legacy_mrn = ?1",
                    [format!("OLD-{i}")],
                    |r| r.get(0),
                )
                .unwrap();
        let found = patient_search::search(h.db.conn(), &query, "%Y-%m-%d").unwrap();
        let seqs: Vec<i64> = found.hits.iter().map(|hit| hit.seq).collect();
        assert!(seqs.contains(&seq), "{query}: {seqs:?}");
    }
}

/// The name index holds exactly the rows each patient's names give: an
/// import writes it in sorted runs that the reading thread hands over, and
/// a run lost or written twice would show here.
fn assert_name_index_complete(db: &Db) {
    let conn = db.conn();
    let mut stmt = conn
        .prepare("SELECT seq, given_name, middle_name, family_name FROM patients ORDER BY seq")
        .unwrap();
    let patients: Vec<(i64, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut expected = [0usize; 2];
    for (_, given, middle, family) in &patients {
        let index = names::name_index(given, middle, family);
        expected[0] += index.terms.len();
        expected[1] += index.pairs.len();
    }
    assert!(
        expected[0] + expected[1] > NameRows::BULK,
        "the file should fill more than one sorted run of the name index"
    );
    for (table, want) in [
        ("patient_terms", expected[0]),
        ("patient_name_pairs", expected[1]),
    ] {
        let have: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(have as usize, want, "{table} rows");
    }
    for (seq, given, middle, family) in patients.iter().step_by(997) {
        let index = names::name_index(given, middle, family);
        for (table, rows) in [
            ("patient_terms", index.terms),
            ("patient_name_pairs", index.pairs),
        ] {
            let stored: Vec<(String, String)> = conn
                .prepare(&format!(
                    "SELECT term, names FROM {table} WHERE seq = ?1 ORDER BY term"
                ))
                .unwrap()
                .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(stored, rows, "{table} of patient {seq}");
        }
    }
}

/// The given, middle and family name of row `i` of [`generated`].
fn generated_name(i: usize) -> (&'static str, &'static str, String) {
    const GIVEN: [&str; 8] = [
        "Amina", "Kofi", "Wanjiru", "Chen", "Fatima", "Omar", "Grace", "Musa",
    ];
    // Every other patient has a middle name: three names make eighteen
    // rows of the name index, two make eight.
    const MIDDLE: [&str; 10] = [
        "Zawadi", "", "Kwame", "", "Li", "", "Noor", "", "Tendai", "",
    ];
    const SYLLABLES: [&str; 12] = [
        "ka", "mo", "ri", "na", "to", "shi", "ba", "lu", "de", "fa", "go", "he",
    ];
    let family: String = [i % 12, (i / 12) % 12, (i / 144) % 12]
        .iter()
        .map(|&s| SYLLABLES[s])
        .collect();
    (GIVEN[i % 8], MIDDLE[i % 10], family)
}

/// A file of `n` different, valid patients.
fn generated(n: usize) -> String {
    let mut out = String::with_capacity(n * 100);
    out.push_str("mrn,given_name,middle_name,family_name,sex,birth_date,phone,city\n");
    for i in 0..n {
        let (given, middle, family) = generated_name(i);
        let year = 1930 + i % 90;
        let month = 1 + i % 12;
        let day = 1 + i % 28;
        out.push_str(&format!(
            "OLD-{i},{given},{middle},{family},{},{year}-{month:02}-{day:02},+2547{:08},Nairobi\n",
            ["M", "F", "O", "U"][i % 4],
            i
        ));
    }
    out
}

/// A few patients of every shape: estimated, infant, single name, full
/// contact and insurance, quotes and newlines.
fn varied_patients(h: &mut Hospital) {
    let csv = "mrn,given_name,middle_name,family_name,sex,birth_date,estimated_age,phone,email,address_line1,address_line2,city,region,postal_code,country,national_id,emergency_name,emergency_relation,emergency_phone,insurance_provider,insurance_policy,insurance_valid_until,notes\n\
        OLD-1,Amina,Zawadi,Okafor,F,1980-02-29,,+254 712 345 678,Amina@Example.org,\"12 Market Road, Block 4\",Flat 2,Nairobi,Nairobi County,00100,Kenya,12345678,Kofi Okafor,husband,0711 000 111,NHIF,P-778,2027-12-31,\"Allergic to \"\"penicillin\"\"\nSee chart\"\n\
        OLD-2,,,Suharto,M,,about 70,,,,,,,,,,,,,,,,\n\
        ,Baby,,Mensah,U,,6m,0722 111 222,,,,Accra,,,Ghana,,,,,,,,\n\
        OLD-4,José,,O'Neil,O,2001-07-15,,,jose@example.org,,,,,,,,,,,,,,\n";
    let report = import(h, csv, false);
    assert!(report.committed, "{:?}", report.invalid);
}

#[test]
fn a_csv_export_imports_into_another_hospital_as_the_same_patients() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    varied_patients(&mut h);
    // A deleted patient is not exported.
    import(&mut h, "given_name,birth_date\nGone,1990-01-01\n", false);
    let gone = all_patients(&h.db).pop().unwrap();
    patient_ops::delete(
        &mut h.db,
        &h.admin.clone(),
        &gone.id,
        "registered twice",
        now(),
    )
    .unwrap();
    let csv = export_to_string(&mut h, Format::Csv);
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "mrn,given_name,middle_name,family_name,birth_date,estimated_age,sex,phone,email,address_line1,address_line2,city,region,postal_code,country,national_id,emergency_name,emergency_relation,emergency_phone,insurance_provider,insurance_policy,insurance_valid_until,notes"
    );
    assert!(!csv.contains("Gone"));
    assert!(
        csv.contains(",,70,M,"),
        "estimated: no birth date, the age in years\n{csv}"
    );
    assert!(csv.contains(",,6m,U,"), "infants in months\n{csv}");
    assert_eq!(audit(&h.db, "EXPORT"), ["exported 4 patients as csv"]);

    let other_dir = tempfile::tempdir().unwrap();
    let mut other = hospital(other_dir.path());
    let report = import(&mut other, &csv, false);
    assert!(report.committed, "{:?}", report.invalid);
    let before = all_patients(&h.db);
    let after = all_patients(&other.db);
    assert_eq!(after.len(), 4);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.details, b.details, "{}", b.mrn);
        assert_eq!(a.legacy_mrn, b.mrn, "the old MRN becomes the old number");
    }
    assert_eq!(after[1].details.sex, Sex::M);
    assert!(after[1].details.birth_date_estimated);
    assert_eq!(
        after[0].details.notes,
        "Allergic to \"penicillin\"\nSee chart"
    );
}

#[test]
fn a_fhir_export_is_a_bundle_of_patients() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    varied_patients(&mut h);
    let json = export_to_string(&mut h, Format::Fhir);
    let bundle: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    let all = all_patients(&h.db);
    assert_eq!(entries.len(), all.len());
    for (e, p) in entries.iter().zip(&all) {
        let r = &e["resource"];
        assert_eq!(e["fullUrl"], format!("urn:uuid:{}", p.id));
        assert_eq!(r["resourceType"], "Patient");
        assert_eq!(r["id"], p.id.as_str());
        assert_eq!(r["identifier"][0]["system"], "urn:wardline:TST:mrn");
        assert_eq!(r["identifier"][0]["value"], p.mrn.as_str());
        assert_eq!(r["gender"], p.details.sex.fhir());
        assert_eq!(
            r["birthDate"],
            p.details.birth_date.format("%Y-%m-%d").to_string()
        );
        assert_eq!(r["active"], true);
        assert_eq!(r["name"][0]["use"], "official");
        assert_eq!(r["name"][0]["text"], p.details.full_name());
    }
    let amina = &entries[0]["resource"];
    assert_eq!(
        amina["identifier"][1],
        serde_json::json!({"system": "urn:wardline:legacy-mrn", "value": "OLD-1"})
    );
    assert_eq!(
        amina["name"][0],
        serde_json::json!({"use": "official", "family": "Okafor", "given": ["Amina", "Zawadi"], "text": "Amina Zawadi Okafor"})
    );
    assert_eq!(
        amina["telecom"],
        serde_json::json!([
            {"system": "phone", "value": "+254 712 345 678", "use": "home"},
            {"system": "email", "value": "amina@example.org", "use": "home"}
        ])
    );
    assert_eq!(
        amina["address"],
        serde_json::json!([{
            "use": "home",
            "line": ["12 Market Road, Block 4", "Flat 2"],
            "city": "Nairobi",
            "state": "Nairobi County",
            "postalCode": "00100",
            "country": "Kenya"
        }])
    );
    let suharto = &entries[1]["resource"];
    assert_eq!(
        suharto["name"][0],
        serde_json::json!({"use": "official", "family": "Suharto", "text": "Suharto"})
    );
    assert!(suharto.get("telecom").is_none() && suharto.get("address").is_none());
    assert_eq!(suharto["identifier"].as_array().unwrap().len(), 2);
    let baby = &entries[2]["resource"];
    assert_eq!(baby["identifier"].as_array().unwrap().len(), 1);
    assert_eq!(
        baby["address"],
        serde_json::json!([{"use": "home", "city": "Accra", "country": "Ghana"}])
    );
    assert_eq!(audit(&h.db, "EXPORT"), ["exported 4 patients as fhir"]);
}

#[test]
fn an_empty_hospital_exports_an_empty_bundle_and_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let json = export_to_string(&mut h, Format::Fhir);
    let bundle: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(bundle["entry"], serde_json::json!([]));
    let csv = export_to_string(&mut h, Format::Csv);
    assert_eq!(csv.lines().count(), 1);
    assert_eq!(
        audit(&h.db, "EXPORT"),
        ["exported 0 patients as fhir", "exported 0 patients as csv"]
    );
}

#[test]
fn roles_without_the_permission_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let admin = h.admin.clone();
    for (user, role) in [
        ("lab", Role::LabTech),
        ("pharm", Role::Pharmacist),
        ("desk", Role::Receptionist),
    ] {
        add_user(&mut h.db, &admin, user, role);
    }
    let csv = format!("{HEADER}\nAmina,Okafor,1980-02-29,F,\n");
    for user in ["lab", "pharm"] {
        let s = sign_in_user(&mut h.db, user, now());
        let e = import_as(&mut h.db, &s, &csv, false).unwrap_err();
        assert!(matches!(e, Error::NotPermitted(_)), "{user}: {e:?}");
        assert!(e.to_string().contains("may not import patients"), "{e}");
    }
    assert_eq!(count(&h.db), 0);
    let desk = sign_in_user(&mut h.db, "desk", now());
    assert_eq!(
        import_as(&mut h.db, &desk, &csv, false).unwrap().imported,
        1
    );
    // Any staff role that may look patients up may export them.
    let lab = sign_in_user(&mut h.db, "lab", now());
    let mut out = Vec::new();
    assert_eq!(
        export::export_patients(&mut h.db, &lab, Format::Csv, &mut out, now()).unwrap(),
        1
    );
    // A role taken away in another terminal is refused inside the write.
    h.db.conn()
        .execute(
            "UPDATE users SET role = 'lab_tech' WHERE user_name = 'desk'",
            [],
        )
        .unwrap();
    let e = import_as(&mut h.db, &desk, &csv, false).unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e:?}");
    assert_eq!(count(&h.db), 1);
}

// ---- the real binary ----

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_binary_imports_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = format!("{ADMIN_PASSWORD}\n");
    let out = run(
        &data,
        &["init", "--code", "TST", "--name", "Test", "--admin", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{HEADER}\nAmina,Okafor,1980-02-29,F,\nKofi,Mensah,someday,M,\n"),
    )
    .unwrap();
    let bad_arg = bad.to_str().unwrap();
    let out = run(
        &data,
        &["import", "patients", bad_arg, "--as", ADMIN],
        &password,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "line 3: birth date: not a date: type it as YYYY-MM-DD\n"
    );
    let err = text(&out.stderr);
    assert!(
        err.contains("nothing was imported") && err.contains("--skip-invalid"),
        "{err}"
    );

    let out = run(
        &data,
        &[
            "import",
            "patients",
            bad_arg,
            "--skip-invalid",
            "--as",
            ADMIN,
        ],
        &password,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "line 3: birth date: not a date: type it as YYYY-MM-DD\n\
             Imported 1 patient from {bad_arg}.\n\
             Skipped 1 invalid row (listed above).\n"
        )
    );

    let unknown = dir.path().join("unknown.csv");
    std::fs::write(&unknown, "given_name,colour\nAmina,blue\n").unwrap();
    let out = run(
        &data,
        &[
            "import",
            "patients",
            unknown.to_str().unwrap(),
            "--as",
            ADMIN,
        ],
        &password,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("colour"),
        "{}",
        text(&out.stderr)
    );

    let out = run(
        &data,
        &["export", "patients", "--format", "csv", "--as", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(rows[0].starts_with("mrn,given_name,"));
    assert!(
        rows[1].starts_with("TST-000001-") && rows[1].contains(",Amina,,Okafor,1980-02-29,,F,"),
        "{csv}"
    );
    assert!(text(&out.stderr).contains("Exported 1 patient as csv"));

    let file = dir.path().join("out.json");
    let file_arg = file.to_str().unwrap();
    let out = run(
        &data,
        &[
            "export", "patients", "--format", "fhir", "--out", file_arg, "--as", ADMIN,
        ],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(bundle["entry"].as_array().unwrap().len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = run(
        &data,
        &[
            "export", "patients", "--format", "csv", "--out", file_arg, "--as", ADMIN,
        ],
        &password,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("already exists"));
    assert!(serde_json::from_slice::<serde_json::Value>(&std::fs::read(&file).unwrap()).is_ok());

    let db = Db::open(&data.join("hospitals").join("TST.db")).unwrap();
    assert_eq!(audit(&db, "IMPORT").len(), 1);
    assert_eq!(audit(&db, "EXPORT").len(), 2);
}

/// A file imported once is refused the second time (its SHA-256 is in the
/// first import's audit event), saying when and by whom it came in and
/// how to import it again on purpose; `--again` does.
#[test]
fn the_binary_refuses_a_file_imported_before_unless_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = format!("{ADMIN_PASSWORD}\n");
    let out = run(
        &data,
        &["init", "--code", "TST", "--name", "Test", "--admin", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("ward-list.csv");
    std::fs::write(
        &file,
        format!("{HEADER}\nAmina,Okafor,1980-02-29,F,\nKofi,Mensah,1975-06-01,M,\n"),
    )
    .unwrap();
    let arg = file.to_str().unwrap();
    let import = |again: bool| {
        let mut args = vec!["import", "patients", arg, "--as", ADMIN];
        if again {
            args.push("--again");
        }
        run(&data, &args, &password)
    };
    let patients = || {
        let out = run(
            &data,
            &["export", "patients", "--format", "csv", "--as", ADMIN],
            &password,
        );
        text(&out.stdout).lines().count() - 1
    };
    let out = import(false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(patients(), 2);

    let out = import(false);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("was imported already") && err.contains("by admin"),
        "{err}"
    );
    assert!(
        err.contains("imported 2 patients") && err.contains("--again"),
        "{err}"
    );
    assert_eq!(patients(), 2, "the second import registered patients");

    // A changed file is another file.
    std::fs::write(
        &file,
        format!("{HEADER}\nAmina,Okafor,1980-02-29,F,\nKofi,Mensah,1975-06-01,M,\nEsi,Boateng,1990-01-01,F,\n"),
    )
    .unwrap();
    let out = import(false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(patients(), 5);
    let out = import(true);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(patients(), 8);
}

/// A file with a line without end, or a header naming thousands of unknown
/// columns, is refused in a sentence of its own size, not the file's: the
/// reader stops past a megabyte on one line instead of holding it all.
#[test]
fn huge_lines_and_headers_are_refused_briefly() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let huge = format!("{HEADER}\nAmina,{},1980-02-29,F,\n", "x".repeat(3 << 20));
    let admin = h.admin.clone();
    let e = import_as(&mut h.db, &admin, &huge, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("line 2 is longer than 1024 KiB"), "{e}");
    assert!(e.len() < 500, "{} characters said", e.len());

    let header: Vec<String> = (0..50_000).map(|i| format!("column_{i}")).collect();
    let wide = format!("{}\n", header.join(","));
    let e = import_as(&mut h.db, &admin, &wide, false)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("column_0") && e.contains("and 49990 more"),
        "{e}"
    );
    assert!(e.len() < 1_000, "{} characters said", e.len());
    assert_eq!(count(&h.db), 0);
}

/// The binary lists the rows already on file like the possible duplicates
/// and says how many it skipped.
#[test]
fn the_binary_lists_and_counts_rows_already_on_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = format!("{ADMIN_PASSWORD}\n");
    let out = run(
        &data,
        &["init", "--code", "TST", "--name", "Test", "--admin", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = dir.path().join("first.csv");
    std::fs::write(
        &first,
        "mrn,given_name,family_name,birth_date,sex\nOLD-1,Amina,Okafor,1980-02-29,F\n",
    )
    .unwrap();
    let out = run(
        &data,
        &["import", "patients", first.to_str().unwrap(), "--as", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let second = dir.path().join("second.csv");
    std::fs::write(
        &second,
        "mrn,given_name,family_name,birth_date,sex\nOLD-1,Amina,Okafor,1980-02-29,F\nNEW-1,Kofi,Mensah,1975-06-01,M\n",
    )
    .unwrap();
    let arg = second.to_str().unwrap();
    let out = run(
        &data,
        &["import", "patients", arg, "--as", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with("line 2: already imported as MRN TST-000001-"),
        "{stdout}"
    );
    assert_eq!(lines[1], format!("Imported 1 patient from {arg}."));
    assert_eq!(
        lines[2],
        "Skipped 1 row already on file (listed above): their old MRN is held by a patient registered before."
    );
}
