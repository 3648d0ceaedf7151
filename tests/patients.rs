//! The patients core on real hospital files: finding patients by every kind
//! of query and in the right order, validation of every field, duplicate
//! suggestions, edits racing another terminal, identity verification, the
//! audit events of reads, delete and restore by role, merging, and the name
//! index staying true to the records through all of it.

mod common;

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use common::clinic::{self as fixture, PASSWORD};
use std::path::PathBuf;
use tempfile::TempDir;
use wardline::auth::{self, Session};
use wardline::domain::audit::{AuditAction, AuditEvent, AuditRecord};
use wardline::domain::ids::Id;
use wardline::domain::mrn::ALPHABET;
use wardline::domain::names;
use wardline::domain::patient::{Field, Patient, PatientDetails, PatientInput, Sex, validate};
use wardline::domain::role::Role;
use wardline::error::Error;
use wardline::ops;
use wardline::ops::patients::Duplicate;
use wardline::store::patient_search::{self, Found, MatchKind};
use wardline::store::patients::Stamp;
use wardline::store::{self, Db, StoreError};

fn now() -> DateTime<Utc> {
    Utc::now()
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A hospital file in a temporary folder, with an admin, a receptionist
/// ("desk"), a nurse and a lab technician, all signed in.
struct Hospital {
    _dir: Option<TempDir>,
    path: PathBuf,
    db: Db,
    admin: Session,
    desk: Session,
    nurse: Session,
    lab: Session,
}

fn hospital() -> Hospital {
    let mut c = fixture::Clinic::new(chrono_tz::UTC, now(), now());
    c.staff(&[
        fixture::RECEPTIONIST,
        fixture::NURSE,
        ("lab", "Lab Tech", Role::LabTech),
    ]);
    let desk = c.signed_in("desk", now());
    let nurse = c.signed_in("nurse", now());
    let lab = c.signed_in("lab", now());
    Hospital {
        _dir: c.dir,
        path: c.path,
        db: c.db,
        admin: c.admin,
        desk,
        nurse,
        lab,
    }
}

/// The form of a patient with the names and birth date given (ISO, which
/// every date format accepts).
fn person(given: &str, middle: &str, family: &str, born: &str) -> PatientInput {
    PatientInput::default()
        .with(Field::GivenName, given)
        .with(Field::MiddleName, middle)
        .with(Field::FamilyName, family)
        .with(Field::BirthDate, born)
        .with(Field::Sex, "U")
}

/// One search hit as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    id: Id,
    mrn: String,
    name: String,
    kind: MatchKind,
}

impl Hospital {
    /// The receptionist registers a patient.
    fn register(&mut self, input: PatientInput) -> Patient {
        ops::patients::register(&mut self.db, &self.desk, &input, &[], now())
            .unwrap_or_else(|e| panic!("register {input:?}: {e}"))
    }

    fn named(&mut self, given: &str, family: &str) -> Patient {
        self.register(person(given, "", family, "1980-01-01"))
    }

    fn find_as(&self, by: &Session, query: &str) -> Found {
        ops::patients::find(&self.db, by, query, false)
            .unwrap_or_else(|e| panic!("find {query:?}: {e}"))
    }

    /// What the receptionist's search shows, in order.
    fn shown_to(&self, by: &Session, query: &str) -> Vec<Shown> {
        let found = self.find_as(by, query);
        self.show(&found)
    }

    fn shown(&self, query: &str) -> Vec<Shown> {
        self.shown_to(&self.desk, query)
    }

    fn show(&self, found: &Found) -> Vec<Shown> {
        let seqs: Vec<i64> = found.hits.iter().map(|h| h.seq).collect();
        let rows = ops::patients::rows(&self.db, &seqs).expect("rows");
        assert_eq!(rows.len(), found.hits.len(), "every hit has its row");
        rows.into_iter()
            .zip(&found.hits)
            .map(|(r, h)| {
                assert_eq!(r.seq, h.seq);
                Shown {
                    id: r.id,
                    mrn: r.mrn,
                    name: r.name,
                    kind: h.kind,
                }
            })
            .collect()
    }

    /// The kind a patient was found by, if found.
    fn kind_of(&self, query: &str, p: &Patient) -> Option<MatchKind> {
        self.shown(query)
            .into_iter()
            .find(|s| s.id == p.id)
            .map(|s| s.kind)
    }

    fn get(&self, p: &Patient) -> Patient {
        store::patients::get(self.db.conn(), &p.id)
            .expect("read patient")
            .expect("patient exists")
    }

    fn duplicates(&self, input: &PatientInput, exclude: Option<&Id>) -> Vec<Duplicate> {
        ops::patients::duplicates(&self.db, &self.desk, input, exclude, now())
            .unwrap_or_else(|e| panic!("duplicates of {input:?}: {e}"))
    }

    fn set_date_format(&mut self, format: &str) {
        ops::settings::set(&mut self.db, &self.admin, "date_format", format)
            .expect("set the date format");
    }

    /// Inserts patients straight through the store in one transaction (fast).
    fn insert_many(&mut self, inputs: &[(PatientInput, &str)]) -> Vec<Patient> {
        let details: Vec<(PatientDetails, String)> = inputs
            .iter()
            .map(|(i, legacy)| {
                (
                    validate(i, today(), "%Y-%m-%d").expect("valid test patient"),
                    legacy.to_string(),
                )
            })
            .collect();
        let admin = self.admin.clone();
        self.db
            .write(&admin.actor(), |tx| {
                let stamp = Stamp {
                    user_id: Some(admin.user.id.as_str()),
                    at: now(),
                };
                let mut out = Vec::new();
                for (d, legacy) in &details {
                    out.push(store::patients::insert(tx, "TST", d, legacy, &stamp)?);
                }
                Ok::<_, StoreError>((
                    out,
                    vec![AuditEvent::new(
                        AuditAction::Import,
                        "patient",
                        "test patients",
                    )],
                ))
            })
            .expect("insert test patients")
    }

    /// Every audit event, oldest first.
    fn audit(&self) -> Vec<AuditRecord> {
        let mut all = store::audit::recent(self.db.conn(), 1_000_000).expect("audit");
        all.reverse();
        all
    }

    fn audit_of(&self, action: AuditAction, p: &Patient) -> Vec<AuditRecord> {
        self.audit()
            .into_iter()
            .filter(|r| {
                r.action == action.to_string() && r.patient_id.as_deref() == Some(p.id.as_str())
            })
            .collect()
    }

    fn audit_count(&self) -> usize {
        self.audit().len()
    }

    fn patient_count(&self) -> i64 {
        self.db
            .conn()
            .query_row("SELECT count(*) FROM patients", [], |r| r.get(0))
            .expect("count patients")
    }

    /// The name index holds exactly the terms and name pairs of the patients
    /// in use, each computed from the patient's current name and birth date.
    fn assert_index_consistent(&self) {
        let conn = self.db.conn();
        for table in ["patient_terms", "patient_name_pairs"] {
            let orphans: i64 = conn
                .query_row(
                    &format!(
                        "SELECT count(*) FROM {table} WHERE seq NOT IN
                           (SELECT seq FROM patients WHERE deleted_at IS NULL AND merged_into IS NULL)"
                    ),
                    [],
                    |r| r.get(0),
                )
                .expect("count orphan rows");
            assert_eq!(
                orphans, 0,
                "{table} rows of deleted or merged patients remain"
            );
        }
        let mut stmt = conn
            .prepare(
                "SELECT seq, given_name, middle_name, family_name, birth_date FROM patients
                 WHERE deleted_at IS NULL AND merged_into IS NULL",
            )
            .expect("prepare");
        let live: Vec<(i64, String, String, String, String)> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        for (table, pairs) in [("patient_terms", false), ("patient_name_pairs", true)] {
            let mut rows = conn
                .prepare(&format!(
                    "SELECT term, names, born FROM {table} WHERE seq = ?1 ORDER BY term"
                ))
                .expect("prepare");
            for (seq, given, middle, family, born) in &live {
                let stored: Vec<(String, String, String)> = rows
                    .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .expect("query")
                    .collect::<Result<_, _>>()
                    .expect("rows");
                let index = names::name_index(given, middle, family);
                let expected = if pairs { index.pairs } else { index.terms };
                let stored_rows: Vec<(String, String)> = stored
                    .iter()
                    .map(|(t, n, _)| (t.clone(), n.clone()))
                    .collect();
                assert_eq!(
                    stored_rows, expected,
                    "{table} of patient {seq} ({given} {middle} {family})"
                );
                for (term, _, b) in &stored {
                    assert_eq!(b, born, "birth date stored with {term} of patient {seq}");
                }
            }
        }
    }
}

fn invalid_fields(result: Result<Patient, Error>) -> Vec<(Field, String)> {
    match result {
        Err(Error::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
        Err(other) => panic!("expected field errors, got {other:?}"),
        Ok(p) => panic!("expected field errors, but {} was saved", p.mrn),
    }
}

// ---------------------------------------------------------------- search: MRN

#[test]
fn an_mrn_in_every_form_finds_its_patient_first() {
    let mut h = hospital();
    let patients: Vec<Patient> = (0..12)
        .map(|i| h.named(&format!("Pat{}", char::from(b'a' + i)), "Mrn"))
        .collect();
    for p in &patients {
        let check = p.mrn.chars().last().unwrap();
        let without_prefix = p.mrn.strip_prefix("TST-").expect("TST prefix").to_string();
        let seq: u64 = without_prefix[..6].parse().unwrap();
        let mut forms = vec![
            p.mrn.clone(),
            p.mrn.to_lowercase(),
            format!("  {}  ", p.mrn),
            without_prefix.clone(),
            p.mrn.replace('-', ""),
            p.mrn.replace('-', "").to_lowercase(),
            p.mrn[..p.mrn.len() - 2].to_string(), // TST-000001, no check character
            without_prefix[..6].to_string(),      // 000001
            seq.to_string(),                      // 1
        ];
        if check.is_ascii_alphabetic() {
            // Without prefix and dashes; with a digit for a check character
            // this would be a bare number, read as a sequence number.
            forms.push(without_prefix.replace('-', ""));
        }
        for q in forms {
            let shown = h.shown(&q);
            assert!(!shown.is_empty(), "{q:?} finds nothing");
            assert_eq!(
                (&shown[0].id, shown[0].kind),
                (&p.id, MatchKind::Mrn),
                "{q:?} → {shown:?}"
            );
            assert_eq!(shown[0].mrn, p.mrn);
        }
    }
}

#[test]
fn a_wrong_check_character_says_so_and_finds_no_one_by_mrn() {
    let mut h = hospital();
    let patients: Vec<Patient> = (0..10)
        .map(|i| h.named(&format!("Wrong{}", char::from(b'a' + i)), "Check"))
        .collect();
    let p = &patients[0];
    let check = p.mrn.chars().last().unwrap();
    let body = &p.mrn[..p.mrn.len() - 1];
    for wrong in ALPHABET
        .iter()
        .map(|&c| char::from(c))
        .filter(|&c| c != check)
    {
        for typed in [
            format!("{body}{wrong}"),
            format!("{body}{wrong}").to_lowercase(),
        ] {
            let found = h.find_as(&h.desk, &typed);
            let note = found
                .note
                .clone()
                .unwrap_or_else(|| panic!("{typed}: no note"));
            assert!(note.contains("check character"), "{typed}: {note}");
            assert!(
                !found.hits.iter().any(|hit| hit.kind == MatchKind::Mrn),
                "{typed} → {:?}",
                found.hits
            );
        }
    }
    // Patient 1's check character on patient 10's digits (a swap of "01"
    // and "10") points at no one.
    let ten = &patients[9];
    assert!(ten.mrn.starts_with("TST-000010-"), "{}", ten.mrn);
    let typed = format!("TST-000010-{check}");
    assert_ne!(typed, ten.mrn);
    let found = h.find_as(&h.desk, &typed);
    assert!(found.note.is_some(), "{typed}");
    assert!(found.hits.is_empty(), "{typed} → {:?}", found.hits);
    // The right MRN has no note.
    assert_eq!(h.find_as(&h.desk, &p.mrn).note, None);
}

#[test]
fn an_old_system_number_is_found_as_old_number() {
    let mut h = hospital();
    let first = h.named("First", "Patient");
    let imported = h.insert_many(&[
        (person("Imported", "", "Person", "1970-05-05"), "OLD-4471"),
        (person("Numeric", "", "Legacy", "1971-05-05"), "88231"),
        // An old system whose numbers look like this hospital's MRNs.
        (person("Clashing", "", "Legacy", "1972-05-05"), "TST-000001"),
    ]);
    for q in ["OLD-4471", "old-4471", "OLD4471", "OLD 4471", " old4471 "] {
        let shown = h.shown(q);
        assert_eq!(shown.len(), 1, "{q:?} → {shown:?}");
        assert_eq!(
            (&shown[0].id, shown[0].kind),
            (&imported[0].id, MatchKind::OldNumber)
        );
    }
    let shown = h.shown("88231");
    assert_eq!(
        shown.first().map(|s| (&s.id, s.kind)),
        Some((&imported[1].id, MatchKind::OldNumber)),
        "{shown:?}"
    );
    // This hospital's MRN ranks before an old number that looks the same.
    let shown = h.shown("TST-000001");
    assert_eq!(
        shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
        [
            (&first.id, MatchKind::Mrn),
            (&imported[2].id, MatchKind::OldNumber)
        ],
        "{shown:?}"
    );
    assert_eq!(h.get(&imported[0]).legacy_mrn, "OLD-4471");
}

/// Old systems often number with slashes ("KNH/2019/00123", "12345/19").
/// The old number is stored with a separator-free key for exactly this, so
/// the desk can type it as it is printed on the old card.
#[test]
fn an_old_number_with_slashes_or_dots_is_found() {
    let mut h = hospital();
    let imported = h.insert_many(&[
        (
            person("Slash", "", "Legacy", "1970-05-05"),
            "KNH/2019/00123",
        ),
        (person("Dotted", "", "Legacy", "1971-05-05"), "A.77.31"),
    ]);
    for (q, p) in [
        ("KNH/2019/00123", &imported[0]),
        ("knh/2019/00123", &imported[0]),
        ("A.77.31", &imported[1]),
    ] {
        assert_eq!(
            h.kind_of(q, p),
            Some(MatchKind::OldNumber),
            "{q:?} → {:?}",
            h.shown(q)
        );
    }
}

// --------------------------------------------------------------- search: names

#[test]
fn name_prefixes_in_any_order_and_middle_names() {
    let mut h = hospital();
    let john = h.named("John", "Doe");
    let mary = h.register(person("Mary", "Wanjiru", "Otieno", "1985-06-01"));
    let peter = h.named("Peter", "Kamau");
    for (q, kind) in [
        ("doe jo", MatchKind::NamePrefix),
        ("jo doe", MatchKind::NamePrefix),
        ("JOHN", MatchKind::ExactName),
        ("joh", MatchKind::NamePrefix),
        ("john doe", MatchKind::ExactName),
        ("doe john", MatchKind::ExactName),
        ("DOE  JOHN", MatchKind::ExactName),
        ("d j", MatchKind::NamePrefix),
        ("j doe", MatchKind::NamePrefix),
        ("doe j", MatchKind::NamePrefix),
        ("john d", MatchKind::NamePrefix),
    ] {
        assert_eq!(h.kind_of(q, &john), Some(kind), "{q:?} → {:?}", h.shown(q));
    }
    for (q, kind) in [
        ("wanjiru", MatchKind::ExactName),
        ("mary otieno", MatchKind::ExactName),
        ("otieno wanj", MatchKind::NamePrefix),
        ("wanjiru mary otieno", MatchKind::ExactName),
        ("wan ot ma", MatchKind::NamePrefix),
    ] {
        assert_eq!(h.kind_of(q, &mary), Some(kind), "{q:?} → {:?}", h.shown(q));
    }
    // Every word must match: no one is John Kamau.
    assert!(
        h.shown("john kamau").is_empty(),
        "{:?}",
        h.shown("john kamau")
    );
    assert!(h.shown("mary doe").is_empty());
    assert_eq!(h.kind_of("kamau", &peter), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("kamau", &john), None);
    // Names of one word.
    let single = h.register(person("", "", "Suharto", "1950-01-01"));
    assert_eq!(h.kind_of("suharto", &single), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("suh", &single), Some(MatchKind::NamePrefix));
}

#[test]
fn exact_names_rank_before_prefixes_before_sounds_alike() {
    let mut h = hospital();
    // Registered in the opposite order of the ranking, so that the order of
    // registration cannot pass for it.
    let jon = h.named("Jon", "Doe");
    let johnny = h.named("Johnny", "Doe");
    let john = h.named("John", "Doe");
    let shown = h.shown("john doe");
    assert_eq!(
        shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
        [
            (&john.id, MatchKind::ExactName),
            (&johnny.id, MatchKind::NamePrefix),
            (&jon.id, MatchKind::SoundsAlike),
        ],
        "{shown:?}"
    );
    let shown = h.shown("JOHN");
    assert_eq!(
        shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
        [
            (&john.id, MatchKind::ExactName),
            (&johnny.id, MatchKind::NamePrefix),
            (&jon.id, MatchKind::SoundsAlike),
        ],
        "{shown:?}"
    );
}

#[test]
fn case_and_accents_are_ignored_both_ways() {
    let mut h = hospital();
    let jose_accented = h.named("José", "Álvarez");
    let jose_plain = h.named("Jose", "Martin");
    let zoe = h.named("Zoë", "Müller");
    let nguyen = h.named("Thị", "Nguyễn");
    for q in ["jose", "JOSE", "José", "JOSÉ", "Jose\u{301}"] {
        assert_eq!(
            h.kind_of(q, &jose_accented),
            Some(MatchKind::ExactName),
            "{q:?}"
        );
        assert_eq!(
            h.kind_of(q, &jose_plain),
            Some(MatchKind::ExactName),
            "{q:?}"
        );
    }
    for q in ["alvarez", "ÁLVAREZ", "Alvárez", "jos alv"] {
        assert!(h.kind_of(q, &jose_accented).is_some(), "{q:?}");
        assert_eq!(h.kind_of(q, &jose_plain), None, "{q:?}");
    }
    assert_eq!(h.kind_of("zoe muller", &zoe), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("ZOË MÜLLER", &zoe), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("nguyen", &nguyen), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("thi nguy", &nguyen), Some(MatchKind::NamePrefix));
    // Names are stored as typed.
    assert_eq!(h.get(&jose_accented).details.given_name, "José");
    assert_eq!(h.get(&jose_accented).details.family_name, "Álvarez");
}

#[test]
fn apostrophes_and_hyphens_do_not_get_in_the_way() {
    let mut h = hospital();
    let obrien = h.named("Seamus", "O'Brien");
    let ade = h.named("Amina", "Okafor-Ade");
    for q in ["obrien", "o'brien", "O’Brien", "OBRIEN", "seamus obr"] {
        assert!(h.kind_of(q, &obrien).is_some(), "{q:?} → {:?}", h.shown(q));
    }
    assert_eq!(h.kind_of("obrien", &obrien), Some(MatchKind::ExactName));
    for q in [
        "ade",
        "okafor",
        "okafor-ade",
        "okafor ade",
        "amina ade",
        "ade amina",
    ] {
        assert_eq!(
            h.kind_of(q, &ade),
            Some(MatchKind::ExactName),
            "{q:?} → {:?}",
            h.shown(q)
        );
    }
}

#[test]
fn a_misspelt_name_is_found_as_sounds_alike_after_the_exact_ones() {
    let mut h = hospital();
    let muhammad = h.named("Muhammad", "Ali");
    let mohamed = h.named("Mohamed", "Hassan");
    let catherine = h.named("Catherine", "Njeri");
    let katherine = h.named("Katherine", "Wambui");

    let shown = h.shown("mohamed");
    assert_eq!(shown.first().map(|s| &s.id), Some(&mohamed.id), "{shown:?}");
    assert_eq!(shown[0].kind, MatchKind::ExactName);
    let at = shown
        .iter()
        .position(|s| s.id == muhammad.id)
        .unwrap_or_else(|| panic!("Muhammad not found by mohamed: {shown:?}"));
    assert_eq!(shown[at].kind, MatchKind::SoundsAlike);
    assert!(at > 0);

    let shown = h.shown("katherine");
    assert_eq!(
        shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
        [
            (&katherine.id, MatchKind::ExactName),
            (&catherine.id, MatchKind::SoundsAlike)
        ],
        "{shown:?}"
    );
    // Misspelt in both words.
    assert_eq!(
        h.kind_of("muhamad ali", &muhammad),
        Some(MatchKind::SoundsAlike)
    );
    assert_eq!(
        h.kind_of("ali muhamad", &muhammad),
        Some(MatchKind::SoundsAlike)
    );
    // A name that sounds like nothing registered finds no one.
    assert!(h.shown("zzyzx").is_empty());
    // Every exact match ranks before every sounds-alike one.
    for q in ["mohamed", "katherine", "catherine"] {
        let kinds: Vec<MatchKind> = h.shown(q).iter().map(|s| s.kind).collect();
        let last_exact = kinds.iter().rposition(|k| *k == MatchKind::ExactName);
        let first_sound = kinds.iter().position(|k| *k == MatchKind::SoundsAlike);
        if let (Some(e), Some(s)) = (last_exact, first_sound) {
            assert!(e < s, "{q:?}: {kinds:?}");
        }
    }
}

// ---------------------------------------------------- search: phone and date

#[test]
fn a_phone_number_with_any_separators_or_its_last_digits() {
    let mut h = hospital();
    let amina = h.register(
        person("Amina", "", "Okafor", "1980-03-15").with(Field::Phone, "+254 712 345 678"),
    );
    let other =
        h.register(person("Peter", "", "Kamau", "1975-01-01").with(Field::Phone, "0722 000 111"));
    for q in [
        "+254 712 345 678",
        "+254712345678",
        "+254 (712) 345-678",
        "254-712-345-678",
        "712 345 678",
        "712-345-678",
        "(712) 345-678",
        "345 678",
        "345678",
        "5678",
    ] {
        let shown = h.shown(q);
        assert_eq!(
            shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
            [(&amina.id, MatchKind::Phone)],
            "{q:?} → {shown:?}"
        );
    }
    assert!(h.shown("345 679").is_empty());
    assert_eq!(h.kind_of("000 111", &other), Some(MatchKind::Phone));
    // The phone is stored as typed.
    assert_eq!(h.get(&amina).details.phone, "+254 712 345 678");
}

/// The same number written with the country code or with the trunk "0" is
/// the same phone: the duplicate check already compares the last nine
/// digits for this reason, and the desk types whichever form the patient
/// says.
#[test]
fn a_phone_in_local_or_international_form_finds_the_same_patient() {
    let mut h = hospital();
    let local =
        h.register(person("Local", "", "Form", "1980-03-15").with(Field::Phone, "0712 345 678"));
    let intl =
        h.register(person("Intl", "", "Form", "1981-03-15").with(Field::Phone, "+254 733 111 222"));
    for (q, p) in [
        ("0712-345-678", &local),
        ("+254712345678", &local),
        ("+254 712 345 678", &local),
        ("0733 111 222", &intl),
        ("0733-111-222", &intl),
    ] {
        assert_eq!(
            h.kind_of(q, p),
            Some(MatchKind::Phone),
            "{q:?} → {:?}",
            h.shown(q)
        );
    }
}

#[test]
fn a_birth_date_in_the_hospitals_format_or_iso() {
    let mut h = hospital();
    h.set_date_format("DD/MM/YYYY");
    let a = h.register(person("Born", "", "Fifteenth", "15/03/1980"));
    let b = h.register(person("Born", "", "Sixteenth", "1980-03-16"));
    assert_eq!(
        h.get(&a).details.birth_date,
        NaiveDate::from_ymd_opt(1980, 3, 15).unwrap()
    );
    for q in ["15/03/1980", "1980-03-15", " 15/03/1980 "] {
        let shown = h.shown(q);
        assert_eq!(
            shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
            [(&a.id, MatchKind::BirthDate)],
            "{q:?} → {shown:?}"
        );
    }
    assert_eq!(h.kind_of("16/03/1980", &b), Some(MatchKind::BirthDate));
    // Month first is not this hospital's format.
    assert!(h.shown("03/15/1980").is_empty());

    h.set_date_format("MM/DD/YYYY");
    assert_eq!(h.kind_of("03/15/1980", &a), Some(MatchKind::BirthDate));
    assert_eq!(h.kind_of("1980-03-15", &a), Some(MatchKind::BirthDate));
    h.set_date_format("DD.MM.YYYY");
    assert_eq!(h.kind_of("15.03.1980", &a), Some(MatchKind::BirthDate));
}

#[test]
fn an_empty_query_shows_recent_registrations_newest_first() {
    let mut h = hospital();
    let a = h.named("Alpha", "Recent");
    let b = h.named("Beta", "Recent");
    let c = h.named("Gamma", "Recent");
    let shown = h.shown("");
    assert_eq!(
        shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
        [
            (&c.id, MatchKind::Recent),
            (&b.id, MatchKind::Recent),
            (&a.id, MatchKind::Recent)
        ]
    );
    assert_eq!(h.shown("   ").len(), 3);
    let many: Vec<(PatientInput, &str)> = (0..60)
        .map(|i| (person(&format!("Many{i}"), "", "Recent", "1990-01-01"), ""))
        .collect();
    let inserted = h.insert_many(&many);
    let shown = h.shown("");
    assert_eq!(shown.len(), patient_search::RECENT);
    assert_eq!(shown[0].id, inserted.last().unwrap().id);
    assert!(!h.find_as(&h.desk, "").more);
}

#[test]
fn more_matches_than_the_limit_are_capped_and_flagged() {
    let mut h = hospital();
    let many: Vec<(PatientInput, &str)> = (0..patient_search::LIMIT + 100)
        .map(|i| (person(&format!("Child{i}"), "", "Kamau", "1990-01-01"), ""))
        .collect();
    h.insert_many(&many);
    let wanjiru = h.register(person("Wanjiru", "", "Kamau", "1990-01-01"));
    for q in ["kamau", "kam", "KAMAU"] {
        let found = h.find_as(&h.desk, q);
        assert_eq!(found.hits.len(), patient_search::LIMIT, "{q:?}");
        assert!(found.more, "{q:?}: more is not set");
    }
    let found = h.find_as(&h.desk, "kamau");
    assert!(
        found
            .hits
            .iter()
            .all(|hit| hit.kind == MatchKind::ExactName)
    );
    // A narrower query is not capped.
    let found = h.find_as(&h.desk, "wanjiru kamau");
    assert_eq!(
        h.show(&found)
            .iter()
            .map(|s| (&s.id, s.kind))
            .collect::<Vec<_>>(),
        [(&wanjiru.id, MatchKind::ExactName)]
    );
    assert!(!found.more);
}

/// Each tier (exact, prefix, sounds-alike) gets its share of the list even
/// when the tier before it matched hundreds: 600 Marys and 100 Maryanns are
/// 700 patients to show for "mary", not 600 with the Maryanns silently left
/// out (and no "more" to say so).
#[test]
fn a_large_exact_tier_does_not_starve_the_prefix_and_sounds_alike_tiers() {
    let mut h = hospital();
    let mut many: Vec<(PatientInput, &str)> = Vec::new();
    for i in 0..600 {
        many.push((person("Mary", "", &format!("Family{i}"), "1990-01-01"), ""));
        many.push((person("John", "", &format!("Family{i}"), "1990-01-01"), ""));
    }
    for i in 0..100 {
        many.push((
            person("Maryann", "", &format!("Family{i}"), "1990-01-01"),
            "",
        ));
        many.push((person("Jon", "", &format!("Family{i}"), "1990-01-01"), ""));
    }
    h.insert_many(&many);
    for (q, tail) in [
        ("mary", MatchKind::NamePrefix),
        ("john", MatchKind::SoundsAlike),
    ] {
        let found = h.find_as(&h.desk, q);
        let count = |k: MatchKind| found.hits.iter().filter(|hit| hit.kind == k).count();
        assert_eq!(
            (
                count(MatchKind::ExactName),
                count(tail),
                found.hits.len(),
                found.more
            ),
            (600, 100, 700, false),
            "{q:?}"
        );
    }
}

/// Exactly LIMIT matches is a full list, not "1,000+".
#[test]
fn exactly_the_limit_is_not_more() {
    let mut h = hospital();
    let many: Vec<(PatientInput, &str)> = (0..patient_search::LIMIT)
        .map(|i| (person(&format!("Child{i}"), "", "Kamau", "1990-01-01"), ""))
        .collect();
    h.insert_many(&many);
    let found = h.find_as(&h.desk, "kamau");
    assert_eq!(found.hits.len(), patient_search::LIMIT);
    assert!(
        !found.more,
        "exactly {} patients match, yet the search says there are more",
        patient_search::LIMIT
    );
}

#[test]
fn searching_writes_no_audit_event_until_recorded() {
    let mut h = hospital();
    let john = h.named("John", "Doe");
    let before = h.audit_count();
    for q in ["d", "do", "doe", "doe j", "doe jo"] {
        h.find_as(&h.desk, q);
    }
    assert_eq!(
        h.audit_count(),
        before,
        "a search keystroke wrote an audit event"
    );
    ops::patients::record_search(&mut h.db, &h.desk, "  doe jo ", 1).expect("record search");
    let searches: Vec<AuditRecord> = h
        .audit()
        .into_iter()
        .filter(|r| r.action == "SEARCH")
        .collect();
    assert_eq!(searches.len(), 1, "{searches:?}");
    assert!(
        searches[0].summary.contains("\"doe jo\""),
        "{}",
        searches[0].summary
    );
    assert_eq!(searches[0].actor_name, "desk");
    // An empty search is not an event.
    ops::patients::record_search(&mut h.db, &h.desk, "   ", 0).expect("record empty search");
    assert_eq!(h.audit().iter().filter(|r| r.action == "SEARCH").count(), 1);
    // Opening a record is one READ event naming the patient.
    let opened = ops::patients::open(&mut h.db, &h.nurse, &john.id).expect("open");
    assert_eq!(opened.id, john.id);
    let reads = h.audit_of(AuditAction::Read, &john);
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].entity_id.as_deref(), Some(john.id.as_str()));
    assert_eq!(reads[0].actor_name, "nurse");
    assert!(reads[0].summary.contains(&john.mrn), "{}", reads[0].summary);
    // A lab technician may find and open records too, and is accounted for.
    assert!(h.kind_of("john doe", &john).is_some());
    assert_eq!(h.shown_to(&h.lab, "john doe").len(), 1);
    ops::patients::open(&mut h.db, &h.lab, &john.id).expect("lab opens");
    assert_eq!(h.audit_of(AuditAction::Read, &john).len(), 2);
    assert!(matches!(
        store::audit::verify_chain(h.db.conn()),
        Ok(store::audit::ChainState::Intact { .. })
    ));
}

// ------------------------------------------------------------------ validation

fn base() -> PatientInput {
    person("Amina", "", "Okafor", "1980-02-29").with(Field::Sex, "f")
}

#[test]
fn names_at_least_one_part() {
    let mut h = hospital();
    let before = (h.patient_count(), h.audit_count());
    let none = base()
        .with(Field::GivenName, "")
        .with(Field::FamilyName, "  ");
    let errors = invalid_fields(ops::patients::register(
        &mut h.db,
        &h.desk,
        &none,
        &[],
        now(),
    ));
    assert_eq!(
        errors.iter().map(|e| e.0).collect::<Vec<_>>(),
        [Field::GivenName]
    );
    assert_eq!(
        (h.patient_count(), h.audit_count()),
        before,
        "nothing is written"
    );
    for (g, m, f) in [
        ("", "", "Suharto"),
        ("Madonna", "", ""),
        ("", "Ciccone", ""),
    ] {
        let p = h.register(
            base()
                .with(Field::GivenName, g)
                .with(Field::MiddleName, m)
                .with(Field::FamilyName, f),
        );
        assert_eq!(p.details.full_name(), [g, m, f].concat());
    }
    // Stored trimmed.
    let p = h.register(
        base()
            .with(Field::GivenName, "  Amina ")
            .with(Field::FamilyName, " Okafor"),
    );
    assert_eq!(p.details.full_name(), "Amina Okafor");
}

#[test]
fn birth_dates_and_estimated_ages() {
    let mut h = hospital();
    h.set_date_format("DD/MM/YYYY");
    let fields = |h: &mut Hospital, i: PatientInput| {
        invalid_fields(ops::patients::register(&mut h.db, &h.desk, &i, &[], now()))
    };
    let tomorrow = today() + Duration::days(1);
    let too_old = today().checked_sub_months(Months::new(151 * 12)).unwrap();
    for (typed, why) in [
        ("yesterday", "not a date"),
        ("31/02/1980", "31/02/1980: February has no 31st"),
        ("1980-02-30", "1980-02-30: February has no 30th"),
        ("03/15/1980", "03/15/1980: there is no month 15"),
        (iso(tomorrow).as_str(), "future"),
        (tomorrow.format("%d/%m/%Y").to_string().as_str(), "future"),
        (iso(too_old).as_str(), "150"),
    ] {
        let errors = fields(&mut h, base().with(Field::BirthDate, typed));
        assert_eq!(errors.len(), 1, "{typed}: {errors:?}");
        assert_eq!(errors[0].0, Field::BirthDate, "{typed}");
        assert!(errors[0].1.contains(why), "{typed}: {}", errors[0].1);
    }
    // The error names the hospital's format.
    let errors = fields(&mut h, base().with(Field::BirthDate, "yesterday"));
    assert!(errors[0].1.contains("DD/MM/YYYY"), "{}", errors[0].1);
    // Neither a birth date nor an age.
    let errors = fields(&mut h, base().with(Field::BirthDate, ""));
    assert_eq!(
        errors.iter().map(|e| e.0).collect::<Vec<_>>(),
        [Field::BirthDate]
    );
    // Both.
    let errors = fields(&mut h, base().with(Field::EstimatedAge, "45"));
    assert_eq!(
        errors.iter().map(|e| e.0).collect::<Vec<_>>(),
        [Field::EstimatedAge]
    );
    for bad in ["151", "about forty", "-3", "45 weeks", "1.5"] {
        let errors = fields(
            &mut h,
            base()
                .with(Field::BirthDate, "")
                .with(Field::EstimatedAge, bad),
        );
        assert_eq!(
            errors.iter().map(|e| e.0).collect::<Vec<_>>(),
            [Field::EstimatedAge],
            "{bad}"
        );
    }
    // What is accepted: today, 150 years ago, either format, an estimate.
    let p = h.register(base().with(Field::BirthDate, iso(today())));
    assert_eq!(p.details.birth_date, today());
    let oldest = today().checked_sub_months(Months::new(150 * 12)).unwrap();
    let p = h.register(base().with(Field::BirthDate, oldest.format("%d/%m/%Y").to_string()));
    assert_eq!(p.details.birth_date, oldest);
    let p = h.register(base().with(Field::BirthDate, "29/02/1980"));
    assert_eq!(
        p.details.birth_date,
        NaiveDate::from_ymd_opt(1980, 2, 29).unwrap()
    );
    assert!(!p.details.birth_date_estimated);
    let p = h.register(
        base()
            .with(Field::BirthDate, "")
            .with(Field::EstimatedAge, "about 45"),
    );
    assert!(p.details.birth_date_estimated);
    assert_eq!(
        p.details.birth_date,
        today().checked_sub_months(Months::new(45 * 12)).unwrap()
    );
    let p = h.register(
        base()
            .with(Field::BirthDate, "")
            .with(Field::EstimatedAge, "6m"),
    );
    assert!(p.details.birth_date_estimated);
    assert_eq!(
        p.details.birth_date,
        today().checked_sub_months(Months::new(6)).unwrap()
    );
}

#[test]
fn sex_phones_email_and_insurance_date() {
    let mut h = hospital();
    let fields = |h: &mut Hospital, i: PatientInput| -> Vec<Field> {
        invalid_fields(ops::patients::register(&mut h.db, &h.desk, &i, &[], now()))
            .into_iter()
            .map(|e| e.0)
            .collect()
    };
    for bad in ["x", "mf", "2"] {
        assert_eq!(
            fields(&mut h, base().with(Field::Sex, bad)),
            [Field::Sex],
            "{bad}"
        );
    }
    for (typed, sex) in [
        ("", Sex::U),
        ("female", Sex::F),
        ("M", Sex::M),
        ("o", Sex::O),
    ] {
        assert_eq!(
            h.register(base().with(Field::Sex, typed)).details.sex,
            sex,
            "{typed}"
        );
    }
    for bad in [
        "12",
        "call me",
        "1234567890123456",
        "0712 345 678 ext 5",
        "0712_345_678",
    ] {
        assert_eq!(
            fields(&mut h, base().with(Field::Phone, bad)),
            [Field::Phone],
            "{bad}"
        );
        assert_eq!(
            fields(&mut h, base().with(Field::EmergencyPhone, bad)),
            [Field::EmergencyPhone],
            "{bad}"
        );
    }
    let p = h.register(
        base()
            .with(Field::Phone, "+254 (712) 345-678")
            .with(Field::EmergencyPhone, "0712.345.679"),
    );
    assert_eq!(p.details.phone, "+254 (712) 345-678");
    assert_eq!(p.details.emergency_phone, "0712.345.679");
    for bad in [
        "amina",
        "amina@",
        "@example.org",
        "a@b",
        "a b@example.org",
        "a@@example.org",
        "a@example.",
    ] {
        assert_eq!(
            fields(&mut h, base().with(Field::Email, bad)),
            [Field::Email],
            "{bad}"
        );
    }
    let p = h.register(base().with(Field::Email, " Amina@Example.ORG "));
    assert_eq!(p.details.email, "amina@example.org");

    h.set_date_format("DD/MM/YYYY");
    for bad in ["soon", "31/02/2027", "12/31/2027"] {
        assert_eq!(
            fields(&mut h, base().with(Field::InsuranceValidUntil, bad)),
            [Field::InsuranceValidUntil],
            "{bad}"
        );
    }
    let p = h.register(base().with(Field::InsuranceValidUntil, "31/12/2027"));
    assert_eq!(
        p.details.insurance_valid_until,
        NaiveDate::from_ymd_opt(2027, 12, 31)
    );
    let p = h.register(base().with(Field::InsuranceValidUntil, "2020-01-31"));
    assert_eq!(
        p.details.insurance_valid_until,
        NaiveDate::from_ymd_opt(2020, 1, 31)
    );
}

/// The longest each field may be.
fn max_len(f: Field) -> usize {
    match f {
        Field::Notes => 2000,
        Field::NationalId | Field::InsurancePolicy => 40,
        Field::PostalCode => 20,
        _ => 100,
    }
}

#[test]
fn every_field_has_a_length_limit_and_refuses_control_characters() {
    use strum::IntoEnumIterator;
    let mut h = hospital();
    for f in Field::iter() {
        let long = "7".repeat(max_len(f) + 1);
        let errors = invalid_fields(ops::patients::register(
            &mut h.db,
            &h.desk,
            &base().with(f, long),
            &[],
            now(),
        ));
        assert!(
            errors
                .iter()
                .any(|(field, m)| *field == f && m.contains("too long")),
            "{f:?}: {errors:?}"
        );
    }
    let free_text = [
        Field::GivenName,
        Field::MiddleName,
        Field::FamilyName,
        Field::AddressLine1,
        Field::AddressLine2,
        Field::City,
        Field::Region,
        Field::PostalCode,
        Field::Country,
        Field::NationalId,
        Field::EmergencyName,
        Field::EmergencyRelation,
        Field::InsuranceProvider,
        Field::InsurancePolicy,
        Field::Notes,
    ];
    for f in free_text {
        let longest = "é".repeat(max_len(f));
        let p = h.register(base().with(f, longest.clone()));
        assert_eq!(p.details.text(f), longest, "{f:?}");
    }
    for f in free_text.into_iter().filter(|f| *f != Field::Notes) {
        let errors = invalid_fields(ops::patients::register(
            &mut h.db,
            &h.desk,
            &base().with(f, "Nai\u{7}robi"),
            &[],
            now(),
        ));
        assert_eq!(errors.iter().map(|e| e.0).collect::<Vec<_>>(), [f], "{f:?}");
    }
    // Notes may span lines.
    let p = h.register(base().with(Field::Notes, "line one\nline two"));
    assert_eq!(p.details.notes, "line one\nline two");
}

#[test]
fn every_problem_is_reported_at_once_and_nothing_is_saved() {
    let mut h = hospital();
    let before = (h.patient_count(), h.audit_count());
    let input = PatientInput::default()
        .with(Field::Sex, "x")
        .with(Field::Phone, "1")
        .with(Field::Email, "no")
        .with(Field::EmergencyPhone, "abc")
        .with(Field::InsuranceValidUntil, "never");
    let fields: Vec<Field> = invalid_fields(ops::patients::register(
        &mut h.db,
        &h.desk,
        &input,
        &[],
        now(),
    ))
    .into_iter()
    .map(|e| e.0)
    .collect();
    assert_eq!(
        fields,
        [
            Field::GivenName,
            Field::BirthDate,
            Field::Sex,
            Field::Phone,
            Field::EmergencyPhone,
            Field::Email,
            Field::InsuranceValidUntil
        ]
    );
    assert_eq!((h.patient_count(), h.audit_count()), before);
    // An edit is validated the same way and changes nothing when refused.
    let p = h.register(base());
    let errors = invalid_fields(ops::patients::update(
        &mut h.db,
        &h.desk,
        &p.id,
        p.version,
        &base().with(Field::Email, "not an address"),
        now(),
    ));
    assert_eq!(
        errors.iter().map(|e| e.0).collect::<Vec<_>>(),
        [Field::Email]
    );
    assert_eq!(h.get(&p), p);
}

#[test]
fn only_staff_who_register_may_register_or_edit() {
    let mut h = hospital();
    let err = ops::patients::register(&mut h.db, &h.lab, &base(), &[], now()).unwrap_err();
    assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
    let p = ops::patients::register(&mut h.db, &h.nurse, &base(), &[], now()).expect("nurse");
    let err =
        ops::patients::update(&mut h.db, &h.lab, &p.id, p.version, &base(), now()).unwrap_err();
    assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
    ops::patients::register(&mut h.db, &h.admin, &base(), &[], now()).expect("admin");
    let err = ops::patients::duplicates(&h.db, &h.lab, &base(), None, now()).unwrap_err();
    assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
}

// ------------------------------------------------------------------ duplicates

fn reasons(d: &[Duplicate]) -> Vec<(&str, &str)> {
    d.iter()
        .map(|d| (d.row.name.as_str(), AsRef::<str>::as_ref(&d.reason)))
        .collect()
}

#[test]
fn duplicates_by_the_same_phone_whatever_its_formatting() {
    let mut h = hospital();
    let amina =
        h.register(person("Amina", "", "Okafor", "1980-03-15").with(Field::Phone, "0712 345 678"));
    h.register(person("Peter", "", "Kamau", "1975-01-01").with(Field::Phone, "0733 111 222"));
    for typed in [
        "+254-712-345-678",
        "0712345678",
        "(0712) 345 678",
        "712.345.678",
    ] {
        let d = h.duplicates(
            &person("Zed", "", "Unrelated", "2001-01-01").with(Field::Phone, typed),
            None,
        );
        assert_eq!(reasons(&d), [("Amina Okafor", "same phone")], "{typed}");
        assert_eq!(d[0].row.id, amina.id);
        assert_eq!(d[0].row.mrn, amina.mrn);
    }
    // A different number, or too few digits to tell, is no duplicate.
    for typed in ["0712 345 679", "345 678"] {
        let d = h.duplicates(
            &person("Zed", "", "Unrelated", "2001-01-01").with(Field::Phone, typed),
            None,
        );
        assert!(d.is_empty(), "{typed}: {d:?}");
    }
}

#[test]
fn duplicates_by_a_sounds_alike_name_and_a_birth_date_within_a_year() {
    let mut h = hospital();
    let amina = h.register(person("Amina", "", "Okafor", "1980-03-15"));
    h.register(person("Peter", "", "Kamau", "1980-03-15"));
    let near = [
        ("Amina", "Okafor", "1980-03-15"),
        ("Aminah", "Okafur", "1980-09-01"),
        ("AMINA", "OKAFOR", "1979-06-01"),
        ("Amina", "Okafor", "1981-03-01"),
        ("Okafor", "Amina", "1980-03-15"),
    ];
    for (given, family, born) in near {
        let d = h.duplicates(&person(given, "", family, born), None);
        assert_eq!(
            reasons(&d),
            [("Amina Okafor", "similar name and birth date")],
            "{given} {family} {born}"
        );
        assert_eq!(d[0].row.id, amina.id);
    }
    let far = [
        ("Amina", "Okafor", "1982-06-01"), // two years later
        ("Amina", "Okafor", "1978-03-01"), // two years earlier
        ("Amina", "Kamau", "1980-03-15"),  // another family name
        ("Grace", "Okafor", "1980-03-15"), // another given name
    ];
    for (given, family, born) in far {
        let d = h.duplicates(&person(given, "", family, born), None);
        assert!(
            !d.iter().any(|d| d.row.id == amina.id),
            "{given} {family} {born}: {d:?}"
        );
    }
    // Without a birth date or an age there is nothing to compare names with.
    assert!(
        h.duplicates(&person("Amina", "", "Okafor", ""), None)
            .is_empty()
    );
}

#[test]
fn an_estimated_age_widens_the_window_to_five_years() {
    let mut h = hospital();
    let forty = today().checked_sub_months(Months::new(40 * 12)).unwrap();
    let wanjiku = h.register(person("Wanjiku", "", "Mwangi", &iso(forty)));
    let about = |age: &str| person("Wanjiku", "", "Mwangi", "").with(Field::EstimatedAge, age);
    for age in ["about 43", "37", "44"] {
        let d = h.duplicates(&about(age), None);
        assert_eq!(
            reasons(&d),
            [("Wanjiku Mwangi", "similar name and birth date")],
            "{age}"
        );
        assert_eq!(d[0].row.id, wanjiku.id);
    }
    for age in ["about 47", "33"] {
        assert!(h.duplicates(&about(age), None).is_empty(), "{age}");
    }
    // A known birth date three years off is not within a year.
    let three = today().checked_sub_months(Months::new(43 * 12)).unwrap();
    assert!(
        h.duplicates(&person("Wanjiku", "", "Mwangi", &iso(three)), None)
            .is_empty()
    );
}

/// "A birth date within a year — five for estimated ones": a record whose
/// birth date was only estimated ("about 40") is as uncertain when the new
/// registration has a real birth date.
#[test]
fn an_estimated_record_matches_a_known_birth_date_within_five_years() {
    let mut h = hospital();
    let estimated =
        h.register(person("Wanjiku", "", "Mwangi", "").with(Field::EstimatedAge, "about 40"));
    assert!(estimated.details.birth_date_estimated);
    let three_years_off = estimated
        .details
        .birth_date
        .checked_sub_months(Months::new(3 * 12))
        .unwrap();
    let d = h.duplicates(
        &person("Wanjiku", "", "Mwangi", &iso(three_years_off)),
        None,
    );
    assert_eq!(
        reasons(&d),
        [("Wanjiku Mwangi", "similar name and birth date")],
        "the estimated record is not suggested"
    );
}

#[test]
fn duplicates_give_their_reasons_and_leave_out_the_record_being_edited() {
    let mut h = hospital();
    let amina =
        h.register(person("Amina", "", "Okafor", "1980-03-15").with(Field::Phone, "0712 345 678"));
    let twin = h.register(person("Aminah", "", "Okafur", "1980-05-01"));
    let d = h.duplicates(
        &person("Amina", "", "Okafor", "1980-03-15").with(Field::Phone, "0712 345 678"),
        None,
    );
    let r = reasons(&d);
    assert_eq!(r.len(), 2, "each patient is suggested once: {r:?}");
    // Amina matches by phone (and by name and birth date too: the reason
    // may say both).
    assert_eq!(r[0].0, "Amina Okafor");
    assert!(r[0].1.contains("same phone"), "{r:?}");
    assert_eq!(r[1], ("Aminah Okafur", "similar name and birth date"));
    // Editing Amina's own record does not suggest Amina.
    let editing = PatientInput::from_details(&amina.details, "%Y-%m-%d", today());
    let d = h.duplicates(&editing, Some(&amina.id));
    assert_eq!(
        reasons(&d),
        [("Aminah Okafur", "similar name and birth date")]
    );
    assert_eq!(d[0].row.id, twin.id);
    // Deleted and merged patients are not suggested.
    ops::patients::delete(&mut h.db, &h.admin, &twin.id, "registered twice", now())
        .expect("delete");
    assert!(h.duplicates(&editing, Some(&amina.id)).is_empty());
}

#[test]
fn saving_despite_duplicates_is_recorded_in_the_audit_event() {
    let mut h = hospital();
    let a = h.register(person("Amina", "", "Okafor", "1980-03-15"));
    let b = h.register(person("Aminah", "", "Okafur", "1980-04-15"));
    let input = person("Amina", "", "Okafor", "1980-03-20");
    let d = h.duplicates(&input, None);
    let despite: Vec<String> = d.iter().map(|d| d.row.mrn.clone()).collect();
    assert_eq!(despite, [a.mrn.clone(), b.mrn.clone()]);
    let c = ops::patients::register(&mut h.db, &h.desk, &input, &despite, now()).expect("save");
    let created = h.audit_of(AuditAction::Create, &c);
    assert_eq!(created.len(), 1);
    let summary = &created[0].summary;
    assert!(summary.contains(&c.mrn), "{summary}");
    assert!(summary.contains("despite"), "{summary}");
    assert!(
        summary.contains(&a.mrn) && summary.contains(&b.mrn),
        "{summary}"
    );
    assert_eq!(created[0].entity_id.as_deref(), Some(c.id.as_str()));
    assert_eq!(created[0].actor_name, "desk");
    // Without duplicates, no mention of any.
    let plain = &h.audit_of(AuditAction::Create, &a)[0].summary;
    assert!(!plain.contains("despite"), "{plain}");
}

// ----------------------------------------------------------------- editing

#[test]
fn an_edit_racing_another_terminal_is_refused_not_lost() {
    let mut h = hospital();
    let p = h.register(
        person("Amina", "", "Okafor", "1980-03-15")
            .with(Field::Phone, "0712 345 678")
            .with(Field::City, "Nairobi"),
    );
    // A second terminal: its own connection to the same file.
    let mut other = Db::open(&h.path).expect("second terminal opens the file");
    let nurse = auth::sign_in(&mut other, "nurse", PASSWORD, now()).expect("nurse signs in");
    let seen_here = h.get(&p);
    let seen_there = store::patients::get(other.conn(), &p.id).unwrap().unwrap();
    assert_eq!(seen_here.version, seen_there.version);
    let v = seen_here.version;

    let first = PatientInput::from_details(&seen_here.details, "%Y-%m-%d", today())
        .with(Field::Phone, "0799 000 111")
        .with(Field::City, "Mombasa");
    let saved = ops::patients::update(&mut h.db, &h.desk, &p.id, v, &first, now())
        .expect("the first edit is saved");
    assert_eq!(saved.version, v + 1);

    let second = PatientInput::from_details(&seen_there.details, "%Y-%m-%d", today())
        .with(Field::FamilyName, "Okafor-Ade");
    let err = ops::patients::update(&mut other, &nurse, &p.id, v, &second, now()).unwrap_err();
    assert!(
        matches!(&err, Error::Store(StoreError::Conflict(m)) if m.contains("another terminal")),
        "{err:?}"
    );
    // The record holds the first edit, read from either terminal.
    for conn in [h.db.conn(), other.conn()] {
        let now_stored = store::patients::get(conn, &p.id).unwrap().unwrap();
        assert_eq!(now_stored.details.phone, "0799 000 111");
        assert_eq!(now_stored.details.city, "Mombasa");
        assert_eq!(now_stored.details.family_name, "Okafor");
        assert_eq!(now_stored.version, v + 1);
    }
    // One UPDATE event, naming the fields that changed.
    let updates = h.audit_of(AuditAction::Update, &p);
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert!(
        updates[0].summary.contains("phone") && updates[0].summary.contains("city"),
        "{}",
        updates[0].summary
    );
    assert!(
        !updates[0].summary.contains("family_name"),
        "{}",
        updates[0].summary
    );
    assert!(
        !updates[0].summary.contains("given_name"),
        "{}",
        updates[0].summary
    );
    assert_eq!(updates[0].actor_name, "desk");
    // The name index still holds the unchanged name.
    assert_eq!(h.kind_of("okafor", &p), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("ade", &p), None);

    // The nurse sees the new values and edits them again: saved.
    let fresh = store::patients::get(other.conn(), &p.id).unwrap().unwrap();
    let again = PatientInput::from_details(&fresh.details, "%Y-%m-%d", today())
        .with(Field::FamilyName, "Okafor-Ade");
    let saved = ops::patients::update(&mut other, &nurse, &p.id, fresh.version, &again, now())
        .expect("the retried edit is saved");
    assert_eq!(saved.details.phone, "0799 000 111");
    assert_eq!(saved.details.family_name, "Okafor-Ade");
    let updates = h.audit_of(AuditAction::Update, &p);
    assert_eq!(updates.len(), 2);
    assert!(
        updates[1].summary.contains("family_name"),
        "{}",
        updates[1].summary
    );
    assert!(
        !updates[1].summary.contains("phone"),
        "{}",
        updates[1].summary
    );
    assert_eq!(h.kind_of("ade", &p), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("0799 000 111", &p), Some(MatchKind::Phone));
    assert!(h.shown("0712 345 678").is_empty());
    h.assert_index_consistent();

    // Saving an unchanged form says so.
    let same = PatientInput::from_details(&saved.details, "%Y-%m-%d", today());
    ops::patients::update(&mut h.db, &h.desk, &p.id, saved.version, &same, now()).unwrap();
    let updates = h.audit_of(AuditAction::Update, &p);
    assert!(
        updates[2].summary.contains("without changes"),
        "{}",
        updates[2].summary
    );
}

#[test]
fn identity_verification_records_who_and_when() {
    let mut h = hospital();
    let p = h.named("Amina", "Okafor");
    assert_eq!((p.verified_by.clone(), p.verified_at), (None, None));
    let at = now();
    let v = ops::patients::verify_identity(&mut h.db, &h.desk, &p.id, at).expect("verify");
    assert_eq!(v.verified_by.as_deref(), Some("desk"));
    let when = v.verified_at.expect("verified_at");
    assert!((when - at).num_milliseconds().abs() < 1, "{when} vs {at}");
    assert_eq!(h.get(&p).verified_by.as_deref(), Some("desk"));
    assert!(v.version > p.version);
    let events = h.audit_of(AuditAction::Update, &p);
    assert_eq!(events.len(), 1);
    assert!(
        events[0].summary.contains("verified"),
        "{}",
        events[0].summary
    );
    let err = ops::patients::verify_identity(&mut h.db, &h.lab, &p.id, now()).unwrap_err();
    assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
}

// --------------------------------------------------------- delete and restore

#[test]
fn delete_and_restore_are_for_admins_and_hide_the_record_from_search() {
    let mut h = hospital();
    let p =
        h.register(person("Amina", "", "Okafor", "1980-03-15").with(Field::Phone, "0712 345 678"));
    let keep = h.named("Peter", "Kamau");
    let queries = [
        "amina okafor".to_string(),
        "okaf".to_string(),
        "amena okafor".to_string(),
        p.mrn.clone(),
        p.mrn.replace('-', ""),
        "0712 345 678".to_string(),
        "1980-03-15".to_string(),
    ];
    for q in &queries {
        assert!(
            h.kind_of(q, &p).is_some(),
            "{q:?} should find the patient before deletion"
        );
    }
    // A reason is required.
    for reason in ["", "   "] {
        let err = ops::patients::delete(&mut h.db, &h.admin, &p.id, reason, now()).unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err:?}");
    }
    // Receptionists and nurses may not delete.
    for by in [&h.desk, &h.nurse, &h.lab] {
        let err = ops::patients::delete(&mut h.db, by, &p.id, "duplicate", now()).unwrap_err();
        assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
    }
    assert!(h.get(&p).deleted_at.is_none());

    let deleted = ops::patients::delete(&mut h.db, &h.admin, &p.id, "registered twice", now())
        .expect("admin deletes");
    assert!(deleted.deleted_at.is_some());
    assert_eq!(deleted.delete_reason.as_deref(), Some("registered twice"));
    h.assert_index_consistent();
    // Gone from every search of everyone, admins included, without the toggle.
    for by in [&h.admin, &h.desk, &h.nurse, &h.lab] {
        for q in &queries {
            let shown = h.shown_to(by, q);
            assert!(!shown.iter().any(|s| s.id == p.id), "{q:?} → {shown:?}");
        }
        assert!(!h.shown_to(by, "").iter().any(|s| s.id == p.id));
    }
    assert_eq!(h.kind_of("kamau", &keep), Some(MatchKind::ExactName));
    // An admin's "show deleted" finds it, marked as deleted.
    // (The deleted list is matched by name prefixes, MRN, phone and birth
    // date; sounds-alike is not promised there.)
    for q in queries
        .iter()
        .filter(|q| q.as_str() != "amena okafor")
        .chain(std::iter::once(&String::new()))
    {
        let found = ops::patients::find(&h.db, &h.admin, q, true).expect("admin with deleted");
        let shown = h.show(&found);
        let hit = shown.iter().find(|s| s.id == p.id);
        assert_eq!(
            hit.map(|s| s.kind),
            Some(MatchKind::Deleted),
            "{q:?} → {shown:?}"
        );
    }
    let rows = ops::patients::rows(&h.db, &[h.find_seq(&p)]).unwrap();
    assert!(rows[0].deleted);
    // Others may not ask for deleted records.
    for by in [&h.desk, &h.nurse, &h.lab] {
        let err = ops::patients::find(&h.db, by, "amina", true).unwrap_err();
        assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
    }
    // Nor open one; an admin may.
    let reads_before = h.audit_of(AuditAction::Read, &p).len();
    for by in [h.desk.clone(), h.nurse.clone()] {
        let r = ops::patients::open(&mut h.db, &by, &p.id);
        assert!(
            matches!(
                r,
                Err(Error::NotFound(_) | Error::NotPermitted(_) | Error::Refused(_))
            ),
            "{r:?}"
        );
    }
    assert_eq!(h.audit_of(AuditAction::Read, &p).len(), reads_before);
    ops::patients::open(&mut h.db, &h.admin, &p.id).expect("admin opens a deleted record");
    // Deleting twice is refused.
    let err = ops::patients::delete(&mut h.db, &h.admin, &p.id, "again", now()).unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err:?}");

    // Restore: admins only.
    for by in [&h.desk, &h.nurse] {
        let err = ops::patients::restore(&mut h.db, by, &p.id, now()).unwrap_err();
        assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
    }
    let restored = ops::patients::restore(&mut h.db, &h.admin, &p.id, now()).expect("restore");
    assert!(restored.deleted_at.is_none());
    assert_eq!(restored.delete_reason, None);
    h.assert_index_consistent();
    for q in &queries {
        assert!(
            h.kind_of(q, &p).is_some(),
            "{q:?} should find the restored patient"
        );
    }
    ops::patients::open(&mut h.db, &h.desk, &p.id).expect("desk opens the restored record");
    let err = ops::patients::restore(&mut h.db, &h.admin, &p.id, now()).unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err:?}");

    let deletes = h.audit_of(AuditAction::Delete, &p);
    assert_eq!(deletes.len(), 1);
    assert!(
        deletes[0].summary.contains("registered twice"),
        "{}",
        deletes[0].summary
    );
    assert_eq!(deletes[0].actor_name, "admin");
    let restores = h.audit_of(AuditAction::Restore, &p);
    assert_eq!(restores.len(), 1);
    assert_eq!(restores[0].actor_name, "admin");
}

impl Hospital {
    fn find_seq(&self, p: &Patient) -> i64 {
        self.db
            .conn()
            .query_row(
                "SELECT seq FROM patients WHERE id = ?1",
                [p.id.as_str()],
                |r| r.get(0),
            )
            .expect("seq of patient")
    }
}

// ------------------------------------------------------------------- merging

#[test]
fn merge_keeps_the_survivors_mrn_and_fills_its_empty_fields() {
    let mut h = hospital();
    let survivor = h.register(
        person("Amina", "", "Okafor", "1980-03-15")
            .with(Field::City, "Nairobi")
            .with(Field::Sex, ""),
    );
    let other = h.register(
        person("Amina", "Wanjiru", "Okafor", "1980-03-15")
            .with(Field::Sex, "F")
            .with(Field::Phone, "0712 345 678")
            .with(Field::Email, "amina@example.org")
            .with(Field::AddressLine1, "12 Moi Avenue")
            .with(Field::City, "Mombasa")
            .with(Field::NationalId, "12345678")
            .with(Field::EmergencyName, "Joseph Okafor")
            .with(Field::EmergencyPhone, "0733 111 222")
            .with(Field::InsuranceProvider, "NHIF")
            .with(Field::InsuranceValidUntil, "2030-01-31")
            .with(Field::Notes, "allergic to penicillin"),
    );
    let bystander = h.named("Peter", "Kamau");

    // Not for receptionists or nurses.
    for by in [&h.desk, &h.nurse] {
        let err = ops::patients::merge(&mut h.db, by, &survivor.id, &other.id, now()).unwrap_err();
        assert!(matches!(err, Error::NotPermitted(_)), "{err:?}");
    }
    // Not a record with itself.
    let err =
        ops::patients::merge(&mut h.db, &h.admin, &survivor.id, &survivor.id, now()).unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err:?}");

    let merged = ops::patients::merge(&mut h.db, &h.admin, &survivor.id, &other.id, now())
        .expect("admin merges");
    assert_eq!(merged.id, survivor.id);
    assert_eq!(merged.mrn, survivor.mrn);
    let d = &merged.details;
    assert_eq!(d.city, "Nairobi", "the survivor's own values stay");
    assert_eq!(d.middle_name, "Wanjiru");
    assert_eq!(d.sex, Sex::F);
    assert_eq!(d.phone, "0712 345 678");
    assert_eq!(d.email, "amina@example.org");
    assert_eq!(d.address_line1, "12 Moi Avenue");
    assert_eq!(d.national_id, "12345678");
    assert_eq!(d.emergency_name, "Joseph Okafor");
    assert_eq!(d.emergency_phone, "0733 111 222");
    assert_eq!(d.insurance_provider, "NHIF");
    assert_eq!(
        d.insurance_valid_until,
        NaiveDate::from_ymd_opt(2030, 1, 31)
    );
    assert_eq!(d.notes, "allergic to penicillin");
    assert_eq!(h.get(&survivor), merged);

    let gone = h.get(&other);
    assert_eq!(gone.merged_into.as_ref(), Some(&survivor.id));
    assert_eq!(gone.mrn, other.mrn);
    h.assert_index_consistent();

    // The other's MRN, in any form, finds the survivor.
    for q in [
        other.mrn.clone(),
        other.mrn.to_lowercase(),
        other.mrn.replace('-', ""),
        other.mrn.strip_prefix("TST-").unwrap().to_string(),
    ] {
        let shown = h.shown(&q);
        assert_eq!(
            shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
            [(&survivor.id, MatchKind::Mrn)],
            "{q:?} → {shown:?}"
        );
        assert_eq!(shown[0].mrn, survivor.mrn);
    }
    // Names, phone and birth date find only the survivor now.
    for q in [
        "amina okafor",
        "wanjiru",
        "okaf",
        "amena okafor",
        "0712 345 678",
        "1980-03-15",
    ] {
        let shown = h.shown(q);
        assert!(!shown.iter().any(|s| s.id == other.id), "{q:?} → {shown:?}");
        assert!(
            shown.iter().any(|s| s.id == survivor.id),
            "{q:?} → {shown:?}"
        );
    }
    assert_eq!(h.kind_of("kamau", &bystander), Some(MatchKind::ExactName));
    // Nor as a deleted record, nor as a duplicate.
    let found = ops::patients::find(&h.db, &h.admin, "amina", true).unwrap();
    assert!(!h.show(&found).iter().any(|s| s.id == other.id));
    let d = h.duplicates(&person("Amina", "", "Okafor", "1980-03-15"), None);
    assert_eq!(
        d.iter().map(|d| &d.row.id).collect::<Vec<_>>(),
        [&survivor.id]
    );

    // A merged record is merged once, and is not edited or deleted.
    let third = h.named("Amina", "Okafor");
    for (s, o) in [(&third.id, &other.id), (&other.id, &third.id)] {
        let err = ops::patients::merge(&mut h.db, &h.admin, s, o, now()).unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err:?}");
    }
    let err = ops::patients::update(
        &mut h.db,
        &h.desk,
        &other.id,
        gone.version,
        &person("Changed", "", "Name", "1980-03-15"),
        now(),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err:?}");
    let err = ops::patients::delete(&mut h.db, &h.admin, &other.id, "cleanup", now()).unwrap_err();
    assert!(matches!(err, Error::Refused(_)), "{err:?}");

    // MERGE events for both patients.
    for p in [&survivor, &other] {
        let merges = h.audit_of(AuditAction::Merge, p);
        assert_eq!(merges.len(), 1, "{merges:?}");
        assert!(
            merges[0].summary.contains(&other.mrn) && merges[0].summary.contains(&survivor.mrn),
            "{}",
            merges[0].summary
        );
        assert_eq!(merges[0].actor_name, "admin");
    }
    h.assert_index_consistent();
}

#[test]
fn merges_chain_and_deleted_records_are_not_merged() {
    let mut h = hospital();
    let a = h.named("Amina", "Okafor");
    let b = h.named("Amina", "Okafor");
    let c = h.named("Amina", "Okafor");
    ops::patients::merge(&mut h.db, &h.admin, &b.id, &a.id, now()).expect("a into b");
    ops::patients::merge(&mut h.db, &h.admin, &c.id, &b.id, now()).expect("b into c");
    for old in [&a, &b] {
        let shown = h.shown(&old.mrn);
        assert_eq!(
            shown.iter().map(|s| (&s.id, s.kind)).collect::<Vec<_>>(),
            [(&c.id, MatchKind::Mrn)],
            "{} → {shown:?}",
            old.mrn
        );
    }
    assert_eq!(
        h.shown("amina okafor")
            .iter()
            .map(|s| &s.id)
            .collect::<Vec<_>>(),
        [&c.id]
    );
    h.assert_index_consistent();

    let d = h.named("Peter", "Kamau");
    let e = h.named("Peter", "Kamau");
    ops::patients::delete(&mut h.db, &h.admin, &e.id, "test", now()).unwrap();
    for (s, o) in [(&d.id, &e.id), (&e.id, &d.id)] {
        let err = ops::patients::merge(&mut h.db, &h.admin, s, o, now()).unwrap_err();
        assert!(matches!(err, Error::Refused(_)), "{err:?}");
    }
    // A deleted survivor's MRN finds no one, even through a merged record.
    ops::patients::delete(&mut h.db, &h.admin, &c.id, "test", now()).unwrap();
    for old in [&a, &b, &c] {
        assert!(h.shown(&old.mrn).is_empty(), "{}", old.mrn);
    }
    h.assert_index_consistent();
}

// ------------------------------------------------------------- the name index

#[test]
fn the_name_index_follows_edits_deletes_restores_and_merges() {
    let mut h = hospital();
    let john = h.named("John", "Doe");
    let jose = h.register(person("José", "María", "Álvarez-O'Neil", "1970-07-07"));
    let amina = h.named("Amina", "Okafor");
    let twin = h.register(person("Aminah", "Wanjiru", "Okafor", "1981-01-01"));
    h.assert_index_consistent();

    // Rename: the old name no longer finds him; the new one does.
    let renamed = PatientInput::from_details(&h.get(&john).details, "%Y-%m-%d", today())
        .with(Field::GivenName, "Jonathan")
        .with(Field::MiddleName, "K.")
        .with(Field::BirthDate, "1981-02-02");
    let john = ops::patients::update(&mut h.db, &h.desk, &john.id, john.version, &renamed, now())
        .expect("rename");
    h.assert_index_consistent();
    assert_eq!(h.kind_of("jonathan doe", &john), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("k doe", &john), Some(MatchKind::ExactName));
    assert!(
        !h.shown("john doe")
            .iter()
            .any(|s| s.id == john.id && s.kind == MatchKind::ExactName)
    );

    // Delete and restore.
    ops::patients::delete(&mut h.db, &h.admin, &jose.id, "test", now()).unwrap();
    h.assert_index_consistent();
    assert_eq!(h.kind_of("alvarez", &jose), None);
    // Editing a deleted record leaves the index alone…
    let jose_now = h.get(&jose);
    let edited = PatientInput::from_details(&jose_now.details, "%Y-%m-%d", today())
        .with(Field::FamilyName, "Alvarez");
    ops::patients::update(
        &mut h.db,
        &h.admin,
        &jose.id,
        jose_now.version,
        &edited,
        now(),
    )
    .expect("edit a deleted record");
    h.assert_index_consistent();
    assert_eq!(h.kind_of("alvarez", &jose), None);
    // …and restoring indexes the name as it is now.
    ops::patients::restore(&mut h.db, &h.admin, &jose.id, now()).unwrap();
    h.assert_index_consistent();
    assert_eq!(h.kind_of("alvarez", &jose), Some(MatchKind::ExactName));
    assert_eq!(h.kind_of("oneil", &jose), None);

    // Merge.
    ops::patients::merge(&mut h.db, &h.admin, &amina.id, &twin.id, now()).unwrap();
    h.assert_index_consistent();
    assert_eq!(h.kind_of("wanjiru", &amina), Some(MatchKind::ExactName));
    assert!(!h.shown("aminah").iter().any(|s| s.id == twin.id));

    // Verification touches the record but not its name.
    ops::patients::verify_identity(&mut h.db, &h.desk, &amina.id, now()).unwrap();
    h.assert_index_consistent();
    // A race refused midway leaves the index as it was.
    let stale = h.get(&amina).version - 1;
    let err = ops::patients::update(
        &mut h.db,
        &h.desk,
        &amina.id,
        stale,
        &person("Someone", "", "Else", "1980-01-01"),
        now(),
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Store(StoreError::Conflict(_))),
        "{err:?}"
    );
    h.assert_index_consistent();
    assert_eq!(
        h.kind_of("amina okafor", &amina),
        Some(MatchKind::ExactName)
    );
    assert!(h.shown("someone else").is_empty());
}
