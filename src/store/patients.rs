//! Patient rows, their MRNs and their name index.
//!
//! `patient_terms` holds only patients in use: deleting or merging a patient
//! takes its terms out, restoring puts them back, so searches never have to
//! skip removed patients.

use super::StoreError;
use super::bulk_insert::BulkInsert;
use crate::domain::ids::Id;
use crate::domain::mrn::Mrn;
use crate::domain::names;
use crate::domain::patient::{Patient, PatientDetails, Sex, full_name, phone_digits};
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{ToSql, ValueRef};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params, params_from_iter};
use std::sync::OnceLock;

const DATE: &str = "%Y-%m-%d";

/// Every column a [`Patient`] is read from, in [`patient`]'s order.
pub const COLUMNS: &str =
    "id, seq, mrn, legacy_mrn, given_name, middle_name, family_name, birth_date,
    birth_date_estimated, sex, phone, email, address_line1, address_line2, city, region,
    postal_code, country, national_id, emergency_name, emergency_relation, emergency_phone,
    insurance_provider, insurance_policy, insurance_valid_until, notes,
    (SELECT user_name FROM users WHERE users.id = patients.verified_by), verified_at,
    created_at, updated_at, version, deleted_at, delete_reason, merged_into, died_at";

fn conversion(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

fn date(r: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, DATE).map_err(|_| conversion(i, "date"))
}

fn ts(r: &Row, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_ts))
}

/// Reads a patient from a row selected with [`COLUMNS`].
pub fn patient(r: &Row) -> rusqlite::Result<Patient> {
    let sex: String = r.get(9)?;
    let until: Option<String> = r.get(24)?;
    Ok(Patient {
        id: Id::from_stored(r.get(0)?),
        mrn: r.get(2)?,
        legacy_mrn: r.get(3)?,
        details: PatientDetails {
            given_name: r.get(4)?,
            middle_name: r.get(5)?,
            family_name: r.get(6)?,
            birth_date: date(r, 7)?,
            birth_date_estimated: r.get(8)?,
            sex: sex.parse().map_err(|_| conversion(9, "sex"))?,
            phone: r.get(10)?,
            email: r.get(11)?,
            address_line1: r.get(12)?,
            address_line2: r.get(13)?,
            city: r.get(14)?,
            region: r.get(15)?,
            postal_code: r.get(16)?,
            country: r.get(17)?,
            national_id: r.get(18)?,
            emergency_name: r.get(19)?,
            emergency_relation: r.get(20)?,
            emergency_phone: r.get(21)?,
            insurance_provider: r.get(22)?,
            insurance_policy: r.get(23)?,
            insurance_valid_until: until.and_then(|s| NaiveDate::parse_from_str(&s, DATE).ok()),
            notes: r.get(25)?,
        },
        verified_by: r.get(26)?,
        verified_at: ts(r, 27)?,
        created_at: ts(r, 28)?.unwrap_or_default(),
        updated_at: ts(r, 29)?.unwrap_or_default(),
        version: r.get(30)?,
        deleted_at: ts(r, 31)?,
        delete_reason: r.get(32)?,
        merged_into: r.get::<_, Option<String>>(33)?.map(Id::from_stored),
        died_at: ts(r, 34)?,
    })
}

/// Phone digits reversed, so that "ends with" is an index range.
pub fn phone_key(phone: &str) -> String {
    phone_digits(phone).chars().rev().collect()
}

/// An old system's number as looked up: capitals and digits only.
pub fn legacy_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The columns a patient's details are stored in, in [`Derived::values`]'s order.
const DETAIL_COLUMNS: [&str; 24] = [
    "given_name",
    "middle_name",
    "family_name",
    "birth_date",
    "birth_date_estimated",
    "sex",
    "phone",
    "phone_key",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "national_id",
    "emergency_name",
    "emergency_relation",
    "emergency_phone",
    "insurance_provider",
    "insurance_policy",
    "insurance_valid_until",
    "notes",
    "duplicate_key",
];

/// The stored forms computed from a patient's details.
struct Derived {
    born: String,
    sex: &'static str,
    phone_key: String,
    valid_until: Option<String>,
    duplicate_key: String,
}

impl Derived {
    fn of(d: &PatientDetails) -> Derived {
        let born = d.birth_date.format(DATE).to_string();
        let duplicate_key =
            names::duplicate_key(&d.given_name, &d.middle_name, &d.family_name, &born);
        Derived {
            born,
            sex: d.sex.into(),
            phone_key: phone_key(&d.phone),
            valid_until: d.insurance_valid_until.map(|v| v.format(DATE).to_string()),
            duplicate_key,
        }
    }

    /// The values of [`DETAIL_COLUMNS`], in order.
    fn values<'a>(&'a self, d: &'a PatientDetails) -> [&'a dyn ToSql; 24] {
        [
            &d.given_name,
            &d.middle_name,
            &d.family_name,
            &self.born,
            &d.birth_date_estimated,
            &self.sex,
            &d.phone,
            &self.phone_key,
            &d.email,
            &d.address_line1,
            &d.address_line2,
            &d.city,
            &d.region,
            &d.postal_code,
            &d.country,
            &d.national_id,
            &d.emergency_name,
            &d.emergency_relation,
            &d.emergency_phone,
            &d.insurance_provider,
            &d.insurance_policy,
            &self.valid_until,
            &d.notes,
            &self.duplicate_key,
        ]
    }
}

/// The values of one patient row in an `INSERT`: id, seq, mrn, legacy
/// number and key, the details, then the time and user as both creation and
/// last change.
const ROW_PARAMS: usize = 7 + DETAIL_COLUMNS.len();

/// `INSERT` of `rows` patients.
fn insert_sql(rows: usize) -> String {
    let n = DETAIL_COLUMNS.len();
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let b = r * ROW_PARAMS;
            let p: Vec<String> = (1..=5 + n).map(|i| format!("?{}", b + i)).collect();
            format!(
                "({}, ?{t}, ?{u}, ?{t}, ?{u})",
                p.join(", "),
                t = b + 6 + n,
                u = b + 7 + n
            )
        })
        .collect();
    format!(
        "INSERT INTO patients (id, seq, mrn, legacy_mrn, legacy_key, {}, created_at, created_by,
                               updated_at, updated_by)
         VALUES {}",
        DETAIL_COLUMNS.join(", "),
        values.join(", ")
    )
}

/// Patient rows written by one statement in an import.
const INSERT_PATIENTS_CHUNK: usize = 32;

/// `UPDATE` of the details if the version still matches: id, version, the
/// details, then the time and user of the change.
fn update_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let n = DETAIL_COLUMNS.len();
        let sets: Vec<String> = DETAIL_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ?{}", i + 3))
            .collect();
        format!(
            "UPDATE patients SET {}, updated_at = ?{}, updated_by = ?{}, version = version + 1
             WHERE id = ?1 AND version = ?2",
            sets.join(", "),
            3 + n,
            4 + n
        )
    })
}

/// Takes the next `n` sequence numbers.
pub fn allocate_seqs(tx: &Transaction, n: i64) -> Result<i64, StoreError> {
    let first: i64 = tx.query_row(
        "UPDATE patient_counter SET next = next + ?1 WHERE id = 1 RETURNING next - ?1",
        [n],
        |r| r.get(0),
    )?;
    Ok(first)
}

/// Who registered or changed a record, and when.
pub struct Stamp<'a> {
    pub user_id: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// A new patient's row and name index, computed before the write: on the
/// import's reading thread, so that the writing one only binds and inserts.
pub struct NewPatient {
    pub id: Id,
    pub seq: i64,
    pub mrn: String,
    legacy_mrn: String,
    legacy_key: String,
    details: PatientDetails,
    derived: Derived,
    index: names::NameIndex,
}

impl NewPatient {
    /// Everything stored for a patient with this sequence number and MRN prefix.
    pub fn new(seq: i64, prefix: &str, details: PatientDetails, legacy_mrn: &str) -> NewPatient {
        let derived = Derived::of(&details);
        let index = names::name_index(
            &details.given_name,
            &details.middle_name,
            &details.family_name,
        );
        NewPatient {
            id: Id::new(),
            seq,
            mrn: Mrn::new(prefix, seq as u64).to_string(),
            legacy_mrn: legacy_mrn.trim().to_string(),
            legacy_key: legacy_key(legacy_mrn),
            details,
            derived,
            index,
        }
    }

    /// The duplicate key it is stored with (see [`names::duplicate_key`]).
    pub fn duplicate_key(&self) -> &str {
        &self.derived.duplicate_key
    }

    /// The old system's number as looked up.
    pub fn legacy_key(&self) -> &str {
        &self.legacy_key
    }

    /// The patient's details.
    pub fn details(&self) -> &PatientDetails {
        &self.details
    }

    /// The values of its row, in [`insert_sql`]'s order.
    fn values<'a>(
        &'a self,
        id: &'a &'a str,
        at: &'a &'a str,
        user_id: &'a Option<&'a str>,
    ) -> Vec<&'a dyn ToSql> {
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(ROW_PARAMS);
        values.extend([
            id as &dyn ToSql,
            &self.seq,
            &self.mrn,
            &self.legacy_mrn,
            &self.legacy_key,
        ]);
        values.extend(self.derived.values(&self.details));
        values.extend([at as &dyn ToSql, user_id]);
        values
    }
}

/// Writes new patients' rows, stamped with `at` (already formatted) and the
/// user; their name index is written by [`NameRows`]. Many rows share each
/// statement.
pub fn insert_patients(
    tx: &Transaction,
    patients: &[NewPatient],
    at: &str,
    user_id: Option<&str>,
) -> Result<(), StoreError> {
    let mut chunks = patients.chunks_exact(INSERT_PATIENTS_CHUNK);
    let run = |chunk: &[NewPatient], insert: &mut BulkInsert| -> Result<(), StoreError> {
        let ids: Vec<&str> = chunk.iter().map(|p| p.id.as_str()).collect();
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * ROW_PARAMS);
        for (p, id) in chunk.iter().zip(&ids) {
            values.extend(p.values(id, &at, &user_id));
        }
        insert.run(&values)
    };
    if chunks.len() > 0 {
        let mut insert = BulkInsert::prepare(tx, &insert_sql(INSERT_PATIENTS_CHUNK))?;
        for chunk in chunks.by_ref() {
            run(chunk, &mut insert)?;
        }
    }
    if !chunks.remainder().is_empty() {
        let mut insert = BulkInsert::prepare(tx, &insert_sql(1))?;
        for p in chunks.remainder() {
            run(std::slice::from_ref(p), &mut insert)?;
        }
    }
    Ok(())
}

/// Rows of the name index waiting to be written. Many rows are written
/// fastest in key order, each next to the last; a row or a few are written
/// at once.
#[derive(Default)]
pub struct NameRows {
    terms: Vec<NameRow>,
    pairs: Vec<NameRow>,
}

struct NameRow {
    head: u128,
    term: String,
    seq: i64,
    names: std::rc::Rc<str>,
    born: std::rc::Rc<str>,
}

impl NameRows {
    /// Rows buffered by an import before they are sorted and written.
    pub const BULK: usize = 1 << 20;

    /// Takes a new patient's index rows (leaving the patient without them).
    pub fn add(&mut self, p: &mut NewPatient) {
        let index = std::mem::take(&mut p.index);
        self.add_index(p.seq, index, &p.derived.born);
    }

    fn add_index(&mut self, seq: i64, index: names::NameIndex, born: &str) {
        let born: std::rc::Rc<str> = born.into();
        let mut lists: Vec<std::rc::Rc<str>> = Vec::with_capacity(2);
        let mut list = |names: &str| -> std::rc::Rc<str> {
            match lists.iter().find(|l| &***l == names) {
                Some(l) => l.clone(),
                None => {
                    let l: std::rc::Rc<str> = names.into();
                    lists.push(l.clone());
                    l
                }
            }
        };
        for (rows, from) in [
            (&mut self.terms, index.terms),
            (&mut self.pairs, index.pairs),
        ] {
            for (term, names) in from {
                rows.push(NameRow {
                    head: head(&term),
                    term,
                    seq,
                    names: list(&names),
                    born: born.clone(),
                });
            }
        }
    }

    /// How many rows wait.
    pub fn len(&self) -> usize {
        self.terms.len() + self.pairs.len()
    }

    /// Whether no rows wait.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the waiting rows in key order and empties the buffer.
    pub fn write(&mut self, tx: &Transaction) -> Result<(), StoreError> {
        self.sorted().write(tx)
    }

    /// Takes the waiting rows, sorted in key order and laid out one after
    /// another, ready to write (another thread may write them).
    pub fn sorted(&mut self) -> SortedNameRows {
        let mut out = SortedNameRows::default();
        for (rows, packed) in [
            (&mut self.terms, &mut out.terms),
            (&mut self.pairs, &mut out.pairs),
        ] {
            // Sorted on the first sixteen bytes as one integer, then in full
            // only where those are equal: far fewer string comparisons.
            rows.sort_unstable_by(|a, b| {
                a.head
                    .cmp(&b.head)
                    .then_with(|| a.term.cmp(&b.term))
                    .then(a.seq.cmp(&b.seq))
            });
            let text: usize = rows
                .iter()
                .map(|r| r.term.len() + r.names.len() + r.born.len())
                .sum();
            packed.text.reserve_exact(text);
            packed.rows.reserve_exact(rows.len());
            for r in rows.drain(..) {
                let start = packed.text.len();
                packed.text.push_str(&r.term);
                let term_end = packed.text.len();
                packed.text.push_str(&r.names);
                let names_end = packed.text.len();
                packed.text.push_str(&r.born);
                packed.rows.push(PackedRow {
                    start,
                    term_end,
                    names_end,
                    born_end: packed.text.len(),
                    seq: r.seq,
                });
            }
        }
        out
    }
}

/// Name rows in key order, their text in one buffer in that order: the
/// thread that writes them reads memory front to back instead of chasing
/// each row's strings around the heap (which, after sorting a million
/// rows, missed the processor's caches on nearly every string).
#[derive(Default)]
pub struct SortedNameRows {
    terms: PackedRows,
    pairs: PackedRows,
}

#[derive(Default)]
struct PackedRows {
    text: String,
    rows: Vec<PackedRow>,
}

/// Where one row's term, names and birth date lie in [`PackedRows::text`].
struct PackedRow {
    start: usize,
    term_end: usize,
    names_end: usize,
    born_end: usize,
    seq: i64,
}

impl SortedNameRows {
    /// Writes the rows (a row already there is left as it is).
    pub fn write(&self, tx: &Transaction) -> Result<(), StoreError> {
        for (table, packed) in [
            ("patient_terms", &self.terms),
            ("patient_name_pairs", &self.pairs),
        ] {
            let mut chunks = packed.rows.chunks_exact(INSERT_CHUNK);
            let mut values: Vec<ValueRef> = Vec::with_capacity(4 * INSERT_CHUNK);
            if chunks.len() > 0 {
                let mut insert = BulkInsert::prepare(tx, &insert_name_rows(table, INSERT_CHUNK))?;
                for chunk in chunks.by_ref() {
                    name_row_values(&packed.text, chunk, &mut values);
                    insert.run_values(&values)?;
                }
            }
            if !chunks.remainder().is_empty() {
                let mut insert = BulkInsert::prepare(tx, &insert_name_rows(table, 1))?;
                for r in chunks.remainder() {
                    name_row_values(&packed.text, std::slice::from_ref(r), &mut values);
                    insert.run_values(&values)?;
                }
            }
        }
        Ok(())
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.terms.rows.len() + self.pairs.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Name rows written by one statement: each statement run has a fixed cost
/// (opening its cursors) that many rows share.
const INSERT_CHUNK: usize = 64;

fn insert_name_rows(table: &str, n: usize) -> String {
    let values: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "(?{}, ?{}, ?{}, ?{})",
                4 * i + 1,
                4 * i + 2,
                4 * i + 3,
                4 * i + 4
            )
        })
        .collect();
    format!(
        "INSERT OR IGNORE INTO {table} (term, seq, names, born) VALUES {}",
        values.join(", ")
    )
}

/// The parameters of `rows` in statement order, replacing `values`' own.
fn name_row_values<'a>(text: &'a str, rows: &[PackedRow], values: &mut Vec<ValueRef<'a>>) {
    values.clear();
    for r in rows {
        values.extend([
            ValueRef::Text(&text.as_bytes()[r.start..r.term_end]),
            ValueRef::Integer(r.seq),
            ValueRef::Text(&text.as_bytes()[r.term_end..r.names_end]),
            ValueRef::Text(&text.as_bytes()[r.names_end..r.born_end]),
        ]);
    }
}

/// The first sixteen bytes of a string as a big-endian integer (zero padded),
/// which orders as the string's first sixteen bytes do.
fn head(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// Inserts a patient with the given sequence number and MRN prefix.
pub fn insert_with_seq(
    tx: &Transaction,
    seq: i64,
    prefix: &str,
    d: &PatientDetails,
    legacy_mrn: &str,
    stamp: &Stamp,
) -> Result<(Id, String), StoreError> {
    let mut p = NewPatient::new(seq, prefix, d.clone(), legacy_mrn);
    insert_patients(
        tx,
        std::slice::from_ref(&p),
        &format_ts(stamp.at),
        stamp.user_id,
    )?;
    let mut rows = NameRows::default();
    rows.add(&mut p);
    rows.write(tx)?;
    Ok((p.id, p.mrn))
}

/// Registers a patient: the next sequence number, its MRN, the row, its terms.
pub fn insert(
    tx: &Transaction,
    prefix: &str,
    d: &PatientDetails,
    legacy_mrn: &str,
    stamp: &Stamp,
) -> Result<Patient, StoreError> {
    let seq = allocate_seqs(tx, 1)?;
    let (id, _) = insert_with_seq(tx, seq, prefix, d, legacy_mrn, stamp)?;
    get(tx, &id)?
        .ok_or_else(|| StoreError::Conflict("the new patient vanished while it was written".into()))
}

/// Puts a patient's name into the search index (a record in use again).
pub(super) fn add_terms(tx: &Transaction, seq: i64, d: &PatientDetails) -> Result<(), StoreError> {
    let mut rows = NameRows::default();
    let index = names::name_index(&d.given_name, &d.middle_name, &d.family_name);
    rows.add_index(seq, index, &d.birth_date.format(DATE).to_string());
    rows.write(tx)
}

fn remove_terms(tx: &Transaction, seq: i64) -> Result<(), StoreError> {
    let names: (String, String, String) = tx.query_row(
        "SELECT given_name, middle_name, family_name FROM patients WHERE seq = ?1",
        [seq],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let index = names::name_index(&names.0, &names.1, &names.2);
    for (table, rows) in [
        ("patient_terms", &index.terms),
        ("patient_name_pairs", &index.pairs),
    ] {
        let mut stmt =
            tx.prepare_cached(&format!("DELETE FROM {table} WHERE term = ?1 AND seq = ?2"))?;
        for (term, _) in rows {
            stmt.execute(params![term, seq])?;
        }
    }
    Ok(())
}

/// Writes the name pairs of every patient in use (migration 3 brings the
/// table; the pairs are computed here, from the names as stored).
pub fn fill_name_pairs(tx: &Transaction) -> Result<(), StoreError> {
    let mut stmt = tx.prepare(
        "SELECT seq, given_name, middle_name, family_name, birth_date FROM patients
         WHERE deleted_at IS NULL AND merged_into IS NULL ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut pending = NameRows::default();
    while let Some(r) = rows.next()? {
        let (seq, given, middle, family, born): (i64, String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        let mut index = names::name_index(&given, &middle, &family);
        index.terms.clear();
        pending.add_index(seq, index, &born);
        if pending.len() >= NameRows::BULK {
            pending.write(tx)?;
        }
    }
    pending.write(tx)
}

fn seq_of(conn: &Connection, id: &Id) -> Result<i64, StoreError> {
    conn.query_row(
        "SELECT seq FROM patients WHERE id = ?1",
        [id.as_str()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::Conflict("that patient no longer exists in this file".into()))
}

/// A patient by id, whatever their state.
pub fn get(conn: &Connection, id: &Id) -> Result<Option<Patient>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM patients WHERE id = ?1"))?;
    Ok(stmt.query_row([id.as_str()], patient).optional()?)
}

/// A patient by sequence number, whatever their state.
pub fn get_by_seq(conn: &Connection, seq: i64) -> Result<Option<Patient>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM patients WHERE seq = ?1"))?;
    Ok(stmt.query_row([seq], patient).optional()?)
}

/// Saves edited details if nobody changed the record since `version` was read.
pub fn update(
    tx: &Transaction,
    id: &Id,
    version: i64,
    d: &PatientDetails,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let seq = seq_of(tx, id)?;
    let live: bool = tx.query_row(
        "SELECT deleted_at IS NULL AND merged_into IS NULL FROM patients WHERE seq = ?1",
        [seq],
        |r| r.get(0),
    )?;
    if live {
        remove_terms(tx, seq)?;
    }
    let derived = Derived::of(d);
    let now = format_ts(stamp.at);
    let id_text = id.as_str();
    let mut values: Vec<&dyn ToSql> = vec![&id_text, &version];
    values.extend(derived.values(d));
    values.extend([&now as &dyn ToSql, &stamp.user_id]);
    let changed = tx
        .prepare_cached(update_sql())?
        .execute(params_from_iter(values))?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "this record was changed in another terminal while you edited it: your changes were not saved, and the form now shows the record as it is".into(),
        ));
    }
    if live {
        add_terms(tx, seq, d)?;
    }
    Ok(())
}

/// Marks identity verified by the user at the time given.
pub fn set_verified(tx: &Transaction, id: &Id, stamp: &Stamp) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE patients SET verified_by = ?2, verified_at = ?3, updated_at = ?3, updated_by = ?2,
                version = version + 1
         WHERE id = ?1",
        params![id.as_str(), stamp.user_id, format_ts(stamp.at)],
    )?;
    Ok(())
}

/// Soft-deletes: the row stays, marked with who, when and why.
pub fn soft_delete(
    tx: &Transaction,
    id: &Id,
    reason: &str,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let seq = seq_of(tx, id)?;
    remove_terms(tx, seq)?;
    tx.execute(
        "UPDATE patients SET deleted_at = ?2, deleted_by = ?3, delete_reason = ?4, updated_at = ?2,
                updated_by = ?3, version = version + 1
         WHERE id = ?1 AND deleted_at IS NULL",
        params![id.as_str(), format_ts(stamp.at), stamp.user_id, reason],
    )?;
    Ok(())
}

/// Records that the patient died at `died_at` (once: a second record is
/// refused as a conflict).
pub fn record_death(
    tx: &Transaction,
    id: &Id,
    died_at: DateTime<Utc>,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    let n = tx.execute(
        "UPDATE patients SET died_at = ?2, updated_at = ?3, updated_by = ?4, version = version + 1
         WHERE id = ?1 AND died_at IS NULL",
        params![
            id.as_str(),
            format_ts(died_at),
            format_ts(stamp.at),
            stamp.user_id
        ],
    )?;
    if n == 0 {
        return Err(StoreError::Conflict(
            "the patient's death is already recorded: look at the record again".into(),
        ));
    }
    Ok(())
}

/// Takes a wrongly recorded death off the patient (an administrator's
/// correction, whose reason is in the audit trail).
pub fn clear_death(tx: &Transaction, id: &Id, stamp: &Stamp) -> Result<(), StoreError> {
    let n = tx.execute(
        "UPDATE patients SET died_at = NULL, updated_at = ?2, updated_by = ?3, version = version + 1
         WHERE id = ?1 AND died_at IS NOT NULL",
        params![id.as_str(), format_ts(stamp.at), stamp.user_id],
    )?;
    if n == 0 {
        return Err(StoreError::Conflict(
            "no death is recorded for this patient: look at the record again".into(),
        ));
    }
    Ok(())
}

/// Brings a soft-deleted patient back.
pub fn restore(tx: &Transaction, id: &Id, stamp: &Stamp) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE patients SET deleted_at = NULL, deleted_by = NULL, delete_reason = NULL,
                updated_at = ?2, updated_by = ?3, version = version + 1
         WHERE id = ?1 AND deleted_at IS NOT NULL",
        params![id.as_str(), format_ts(stamp.at), stamp.user_id],
    )?;
    if let Some(p) = get(tx, id)?
        && p.merged_into.is_none()
    {
        add_terms(tx, seq_of(tx, id)?, &p.details)?;
    }
    Ok(())
}

/// Merges `other` into `survivor`: the survivor's record becomes `filled`
/// (its empty fields taken from the other), the other is marked merged and
/// leaves the name index. Records of later areas that point at the other
/// patient are moved by their own modules before this is called.
pub fn merge(
    tx: &Transaction,
    survivor: &Patient,
    other: &Patient,
    filled: &PatientDetails,
    stamp: &Stamp,
) -> Result<(), StoreError> {
    update(tx, &survivor.id, survivor.version, filled, stamp)?;
    let other_seq = seq_of(tx, &other.id)?;
    if other.deleted_at.is_none() {
        remove_terms(tx, other_seq)?;
    }
    tx.execute(
        "UPDATE patients SET merged_into = ?2, merged_at = ?3, updated_at = ?3, updated_by = ?4,
                version = version + 1
         WHERE id = ?1 AND version = ?5 AND merged_into IS NULL",
        params![
            other.id.as_str(),
            survivor.id.as_str(),
            format_ts(stamp.at),
            stamp.user_id,
            other.version
        ],
    )
    .and_then(|n| {
        if n == 1 {
            Ok(())
        } else {
            Err(rusqlite::Error::StatementChangedRows(n))
        }
    })
    .map_err(|_| {
        StoreError::Conflict(
            "the other record was changed in another terminal: look at it again before merging"
                .into(),
        )
    })?;
    // Records merged into the other earlier now point at the survivor.
    tx.execute(
        "UPDATE patients SET merged_into = ?2 WHERE merged_into = ?1",
        params![other.id.as_str(), survivor.id.as_str()],
    )?;
    Ok(())
}

/// Follows merges from a patient to the record that holds them now.
pub fn survivor_of(conn: &Connection, id: &Id) -> Result<Id, StoreError> {
    let mut current = id.clone();
    for _ in 0..16 {
        let next: Option<String> = conn
            .query_row(
                "SELECT merged_into FROM patients WHERE id = ?1",
                [current.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        match next {
            Some(n) => current = Id::from_stored(n),
            None => break,
        }
    }
    Ok(current)
}

/// The full name read from three columns of a row, from `first`: given,
/// middle and family name.
pub fn name_at(r: &Row, first: usize) -> rusqlite::Result<String> {
    Ok(full_name(
        &r.get::<_, String>(first)?,
        &r.get::<_, String>(first + 1)?,
        &r.get::<_, String>(first + 2)?,
    ))
}

/// One line of a patient list: just what the list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRow {
    pub seq: i64,
    pub id: Id,
    pub mrn: String,
    pub name: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub estimated: bool,
    pub phone: String,
    pub deleted: bool,
    /// The bed the patient is admitted to now, if any.
    pub bed: Option<String>,
    /// The patient has died (recorded): shown as deceased.
    pub deceased: bool,
}

/// The list rows of the given sequence numbers, in the order given.
pub fn rows(conn: &Connection, seqs: &[i64]) -> Result<Vec<PatientRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, mrn, given_name, middle_name, family_name, sex, birth_date,
                birth_date_estimated, phone, deleted_at IS NOT NULL,
                (SELECT b.label FROM admissions a JOIN beds b ON b.id = a.bed_id
                 WHERE a.patient_id = patients.id AND a.discharged_at IS NULL),
                died_at IS NOT NULL
         FROM patients WHERE seq = ?1",
    )?;
    let mut out = Vec::with_capacity(seqs.len());
    for seq in seqs {
        let row = stmt
            .query_row([seq], |r| {
                let sex: String = r.get(6)?;
                Ok(PatientRow {
                    seq: r.get(0)?,
                    id: Id::from_stored(r.get(1)?),
                    mrn: r.get(2)?,
                    name: full_name(
                        &r.get::<_, String>(3)?,
                        &r.get::<_, String>(4)?,
                        &r.get::<_, String>(5)?,
                    ),
                    sex: sex.parse().map_err(|_| conversion(6, "sex"))?,
                    birth_date: date(r, 7)?,
                    estimated: r.get(8)?,
                    phone: r.get(9)?,
                    deleted: r.get(10)?,
                    bed: r.get(11)?,
                    deceased: r.get(12)?,
                })
            })
            .optional()?;
        out.extend(row);
    }
    Ok(out)
}

/// How many patients are in use (neither deleted nor merged).
pub fn count_in_use(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row(
        "SELECT count(*) FROM patients WHERE deleted_at IS NULL AND merged_into IS NULL",
        [],
        |r| r.get(0),
    )?)
}

/// The MRN of the patient in use holding the old record number `key` (as
/// [`legacy_key`] folds it), if one does. On the import's own connection
/// ([`legacy_lookup`]) it sees the patients on file before the import, not
/// the rows the import has written but not committed.
pub fn live_legacy_holder(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT mrn FROM patients INDEXED BY patients_legacy
             WHERE legacy_key = ?1 AND legacy_key <> ''
               AND deleted_at IS NULL AND merged_into IS NULL
             ORDER BY seq LIMIT 1",
        )?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// A read-only connection to the hospital file for [`live_legacy_holder`], or
/// `None` when no patient in use has an old record number (nothing to
/// look up).
pub fn legacy_lookup(path: &std::path::Path) -> Result<Option<Connection>, StoreError> {
    use rusqlite::OpenFlags;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let any: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM patients INDEXED BY patients_legacy
         WHERE legacy_key <> '' AND deleted_at IS NULL AND merged_into IS NULL)",
        [],
        |r| r.get(0),
    )?;
    Ok(any.then_some(conn))
}
