//! `import codes`: a hospital's own diagnosis code list from CSV or TSV
//! (good files, invalid rows by line, all or nothing, administrators only,
//! the IMPORT event), searches and look-ups using it afterwards (at another
//! terminal too), the way back to the shipped ICD-10-CM, and the binary.

use super::common::{ADMIN, ADMIN_PASSWORD, Hospital, add_user, audit_count, hospital, raw};
use super::{run, text};
use chrono::Utc;
use wardline::Error;
use wardline::domain::code_list::Match;
use wardline::domain::role::Role;
use wardline::ops::code_import::{CodeImport, import_codes, use_shipped_codes};
use wardline::ops::codes::{self, SHIPPED_SYSTEM};
use wardline::store::Db;

const WHO: &str = "\u{feff}code,title,chapter\r\n\
A00,Cholera,I\r\n\
A00.0,\"Cholera due to Vibrio cholerae 01, biovar cholerae\",I\r\n\
A00.9,\"Cholera, unspecified\",I\r\n\
B54,Unspecified malaria,I\r\n\
E11,Type 2 diabetes mellitus,IV\r\n\
E11.9,Type 2 diabetes mellitus without complications,IV\r\n";

fn load(h: &mut Hospital, file: &str, system: &str) -> Result<CodeImport, Error> {
    let admin = h.admin.clone();
    import_codes(
        &mut h.db,
        &admin,
        file.as_bytes(),
        "who.csv",
        system,
        Utc::now(),
    )
}

fn found(db: &Db, query: &str) -> (String, Vec<String>) {
    let r = codes::search_codes(db, query, 10).unwrap();
    (
        r.system,
        r.hits.into_iter().map(|h| h.code.code).collect::<Vec<_>>(),
    )
}

fn last_event(db: &Db) -> (String, String, String) {
    db.conn()
        .query_row(
            "SELECT action, entity, summary FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn stored_codes(db: &Db) -> i64 {
    db.conn()
        .query_row("SELECT count(*) FROM code_list_entries", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_hospital_list_replaces_the_shipped_one_in_searches() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let (system, hits) = found(&h.db, "e119");
    assert_eq!(
        (system.as_str(), hits[0].as_str()),
        (SHIPPED_SYSTEM, "E11.9")
    );

    let report = load(&mut h, WHO, "ICD-10").unwrap();
    assert_eq!(report.imported, 6);
    // Without a billable column, the codes that no other code extends.
    assert_eq!(report.billable, 4);
    assert_eq!(report.ignored_columns, ["chapter"]);
    assert_eq!(report.replaced, None);
    assert!(report.invalid.is_empty());

    assert_eq!(
        found(&h.db, "cholera"),
        (
            "ICD-10".into(),
            vec!["A00.0".into(), "A00.9".into(), "A00".into()]
        )
    );
    let r = codes::search_codes(&h.db, "a000", 10).unwrap();
    assert_eq!(r.hits[0].code.code, "A00.0");
    assert_eq!(r.hits[0].matched, Match::Code);
    assert_eq!(r.hits[0].code.system, "ICD-10");
    // Nothing of the shipped list is searched any more.
    assert_eq!(found(&h.db, "hypertension").1, Vec::<String>::new());

    let inuse = codes::list_in_use(&h.db).unwrap();
    assert_eq!((inuse.system.as_str(), inuse.codes), ("ICD-10", 6));
    assert!(!inuse.shipped && inuse.source.contains("who.csv"));

    // Look-ups by system: the hospital's list, and the shipped one still.
    let a000 = codes::lookup(&h.db, "icd-10", "a00.0").unwrap().unwrap();
    assert_eq!(
        a000.description,
        "Cholera due to Vibrio cholerae 01, biovar cholerae"
    );
    assert!(a000.billable);
    assert!(
        !codes::lookup(&h.db, "ICD-10", "A00")
            .unwrap()
            .unwrap()
            .billable
    );
    assert_eq!(codes::lookup(&h.db, "ICD-10", "I10").unwrap(), None);
    let i10 = codes::lookup(&h.db, SHIPPED_SYSTEM, "I10")
        .unwrap()
        .unwrap();
    assert_eq!(i10.description, "Essential (primary) hypertension");
    assert_eq!(codes::lookup(&h.db, "SNOMED", "I10").unwrap(), None);

    let (action, entity, summary) = last_event(&h.db);
    assert_eq!((action.as_str(), entity.as_str()), ("IMPORT", "code_list"));
    assert_eq!(
        summary,
        "code list ICD-10 loaded from who.csv: 6 codes (4 billable)"
    );

    // Another terminal sees the new list at its next search.
    let other = Db::open(h.db.path()).unwrap();
    assert_eq!(found(&other, "malaria").0, "ICD-10");
    let tsv =
        "code\tdescription\tbillable\nZ99\tFictional \"quoted\" thing\tno\nZ99.1\tOther thing\t1\n";
    let report = load(&mut h, tsv, "Local").unwrap();
    assert_eq!((report.imported, report.billable), (2, 1));
    assert_eq!(report.replaced, Some(("ICD-10".into(), 6)));
    assert_eq!(
        found(&other, "thing"),
        ("Local".into(), vec!["Z99.1".into(), "Z99".into()])
    );
    assert_eq!(
        codes::lookup(&other, "Local", "Z99")
            .unwrap()
            .unwrap()
            .description,
        "Fictional \"quoted\" thing"
    );
    assert_eq!(stored_codes(&h.db), 2);
    assert!(last_event(&h.db).2.ends_with("replacing ICD-10 (6 codes)"));

    // Back to the shipped list.
    let admin = h.admin.clone();
    assert_eq!(
        use_shipped_codes(&mut h.db, &admin).unwrap(),
        Some(("Local".into(), 2))
    );
    let (action, _, summary) = last_event(&h.db);
    assert_eq!(action, "IMPORT");
    assert!(summary.contains("shipped ICD-10-CM"), "{summary}");
    assert_eq!(stored_codes(&h.db), 0);
    assert_eq!(found(&other, "e11.9").0, SHIPPED_SYSTEM);
    assert!(codes::list_in_use(&h.db).unwrap().shipped);
    // Already there: nothing written.
    let events = audit_count(h.db.conn());
    assert_eq!(use_shipped_codes(&mut h.db, &admin).unwrap(), None);
    assert_eq!(audit_count(h.db.conn()), events);
}

#[test]
fn invalid_rows_are_named_by_line_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    load(&mut h, WHO, "ICD-10").unwrap();
    let events = audit_count(h.db.conn());
    let file = "code,description,billable\n\
A01,Typhoid fever,0\n\
\n\
A01.0,\"Typhoid fever,\nwith a second line\",1\n\
A17.0†,Tuberculous meningitis,1\n\
A01.0,Again,1\n\
,No code,1\n\
A02,,1\n\
A03,Shigellosis,maybe\n\
A04,Too,many,fields\n\
A05,Fine,1\n";
    let report = load(&mut h, file, "Other").unwrap();
    let lines: Vec<String> = report.invalid.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "line 6: the code \"A17.0†\" may hold only letters, digits and dots, and must start with a letter or digit: remove the other characters",
            "line 7: the code A01.0 is already on line 4: keep one",
            "line 8: the code is empty: every row needs a code",
            "line 9: the description is empty: every code needs its text",
            "line 10: billable is \"maybe\": write 1 or 0 (yes or no), or leave it empty",
            "line 11: has 4 fields where the first line has 3: check this row's delimiters and quotes",
        ]
    );
    assert_eq!(report.imported, 0);
    // The earlier list is untouched, and nothing was recorded.
    assert_eq!(audit_count(h.db.conn()), events);
    assert_eq!(stored_codes(&h.db), 6);
    assert_eq!(found(&h.db, "cholera").0, "ICD-10");

    for (file, says) in [
        ("", "is empty"),
        ("  \n\n", "is empty"),
        ("code,description\n", "has no codes"),
        ("code,name\nA00,Cholera\n", "has no description column"),
        ("description\nCholera\n", "has no code column"),
        (
            "code,description,title\nA00,x,y\n",
            "names the description column twice",
        ),
    ] {
        let e = load(&mut h, file, "Other").unwrap_err();
        assert!(matches!(e, Error::BadFile(_)), "{file:?}: {e:?}");
        assert!(e.to_string().contains(says), "{file:?}: {e}");
    }
    let e = load(&mut h, WHO, " ").unwrap_err();
    assert!(e.to_string().contains("--system"), "{e}");
    assert_eq!(audit_count(h.db.conn()), events);
    assert_eq!(stored_codes(&h.db), 6);
}

#[test]
fn only_an_administrator_loads_or_removes_a_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = hospital(dir.path());
    let admin = h.admin.clone();
    add_user(&mut h.db, &admin, "doc", Role::Doctor);
    let doctor = super::common::sign_in_user(&mut h.db, "doc", Utc::now());
    let events = audit_count(h.db.conn());
    let e = import_codes(
        &mut h.db,
        &doctor,
        WHO.as_bytes(),
        "who.csv",
        "ICD-10",
        Utc::now(),
    )
    .unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e:?}");
    assert_eq!(stored_codes(&h.db), 0);
    load(&mut h, WHO, "ICD-10").unwrap();
    let events_after = audit_count(h.db.conn());
    assert!(events_after > events);
    let e = use_shipped_codes(&mut h.db, &doctor).unwrap_err();
    assert!(matches!(e, Error::NotPermitted(_)), "{e:?}");
    assert_eq!(stored_codes(&h.db), 6);
    assert_eq!(audit_count(h.db.conn()), events_after);
    // Searching is for everyone: the list is reference data.
    assert_eq!(found(&h.db, "malaria").1, ["B54"]);
}

#[test]
fn the_file_itself_refuses_malformed_codes() {
    let dir = tempfile::tempdir().unwrap();
    let h = hospital(dir.path());
    let conn = raw(h.db.path());
    conn.execute(
        "INSERT INTO code_list (id, version, system, source, codes, loaded_at)
         VALUES (1, '0190a0a0-0000-7000-8000-000000000000', 'X', 'f', 1, '2026-03-09T08:00:00Z')",
        [],
    )
    .unwrap();
    for (code, key, description) in [
        ("a00", "a00", "lower case"),
        ("A00", "A0", "wrong key"),
        (".A0", ".A0", "starts with a dot"),
        ("A00", "A00", " padded "),
    ] {
        assert!(
            conn.execute(
                "INSERT INTO code_list_entries (code, code_key, description, billable) VALUES (?1, ?2, ?3, 1)",
                (code, key, description),
            )
            .is_err(),
            "{code} {key} {description:?}"
        );
    }
    assert!(
        conn.execute(
            "INSERT INTO code_list (id, version, system, source, codes, loaded_at)
             VALUES (2, '0190a0a0-0000-7000-8000-000000000001', 'Y', 'f', 1, '2026-03-09T08:00:00Z')",
            [],
        )
        .is_err(),
        "a second list"
    );
}

#[test]
fn the_binary_loads_a_list_and_returns_to_the_shipped_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let password = format!("{ADMIN_PASSWORD}\n");
    let out = run(
        &data,
        &["init", "--code", "TST", "--name", "Test", "--admin", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("who.csv");
    std::fs::write(&file, WHO).unwrap();
    let arg = file.to_str().unwrap();

    let out = run(&data, &["import", "codes", arg, "--as", ADMIN], &password);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout,
        format!(
            "Columns not read: chapter.\n\
             Loaded 6 ICD-10 codes (4 billable) from {arg}.\n\
             Diagnosis searches now use ICD-10 (6 codes). `wardline import codes --shipped` returns to the shipped ICD-10-CM.\n"
        )
    );

    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "code\tdescription\nA00\tCholera\nA00\tAgain\n").unwrap();
    let out = run(
        &data,
        &[
            "import",
            "codes",
            bad.to_str().unwrap(),
            "--system",
            "Mine",
            "--as",
            ADMIN,
        ],
        &password,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "line 3: the code A00 is already on line 2: keep one\n"
    );
    assert!(text(&out.stderr).contains("nothing was imported"));

    let out = run(
        &data,
        &["import", "codes", "--shipped", "--as", ADMIN],
        &password,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Removed the hospital's ICD-10 list (6 codes).\nDiagnosis searches use the shipped ICD-10-CM (98,186 codes; ICD-10-CM April 2026 release"),
        "{stdout}"
    );

    let out = run(&data, &["import", "codes", "--as", ADMIN], &password);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--shipped"),
        "{}",
        text(&out.stderr)
    );
}
