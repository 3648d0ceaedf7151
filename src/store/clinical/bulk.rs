//! Clinical history written in bulk (the bench's synthetic hospital): the
//! rows the clinical ops write, with their times given, through cached
//! statements inside the caller's one transaction. The schema's triggers
//! hold as for any write: a note goes in signed by its author, an addendum
//! only onto a signed note, and nothing here updates or deletes.

use crate::domain::conditions::{Certainty, Coded, Rank, Severity};
use crate::domain::ids::Id;
use crate::domain::time::{format_ts, parse_ts};
use crate::domain::visit::{NoteText, VisitKind};
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, params};

/// A patient as a history needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientRow {
    pub seq: i64,
    pub id: Id,
    pub sex: String,
    pub birth_date: NaiveDate,
}

/// The patients in use with `seq` in `[from, to)`, in order.
pub fn patients_by_seq(
    conn: &Connection,
    from: i64,
    to: i64,
) -> Result<Vec<PatientRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, sex, birth_date FROM patients
         WHERE seq >= ?1 AND seq < ?2 AND deleted_at IS NULL AND merged_into IS NULL
         ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        let born: String = r.get(3)?;
        Ok(PatientRow {
            seq: r.get(0)?,
            id: Id::from_stored(r.get(1)?),
            sex: r.get(2)?,
            birth_date: NaiveDate::parse_from_str(&born, "%Y-%m-%d").unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An admission's span: who, under whom, from when to when (open: `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionSpan {
    pub id: Id,
    pub patient_id: Id,
    pub attending_id: Id,
    pub reason: String,
    pub admitted_at: DateTime<Utc>,
    pub discharged_at: Option<DateTime<Utc>>,
}

/// Every admission, oldest first.
pub fn admission_spans(conn: &Connection) -> Result<Vec<AdmissionSpan>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, patient_id, attending_id, reason, admitted_at, discharged_at FROM admissions
         ORDER BY admitted_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(AdmissionSpan {
            id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            attending_id: Id::from_stored(r.get(2)?),
            reason: r.get(3)?,
            admitted_at: super::ts(r, 4)?,
            discharged_at: r.get::<_, Option<String>>(5)?.as_deref().and_then(parse_ts),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A past visit: its clinician started it at `started_at`.
#[derive(Debug, Clone)]
pub struct PastVisit<'a> {
    pub patient: &'a Id,
    pub clinician: &'a Id,
    pub kind: VisitKind,
    pub admission: Option<&'a Id>,
    pub started_at: DateTime<Utc>,
}

/// Inserts a past visit.
pub fn insert_visit(tx: &Transaction, v: &PastVisit) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.prepare_cached(
        "INSERT INTO visits (id, patient_id, clinician_id, kind, admission_id, started_at, started_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3)",
    )?
    .execute(params![
        id.as_str(),
        v.patient.as_str(),
        v.clinician.as_str(),
        v.kind.to_string(),
        v.admission.map(Id::as_str),
        format_ts(v.started_at),
    ])?;
    Ok(id)
}

/// Inserts a visit's note, saved and signed by its author at `signed_at`.
pub fn insert_signed_note(
    tx: &Transaction,
    visit: &Id,
    text: &NoteText,
    author: &Id,
    signed_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = format_ts(signed_at);
    tx.prepare_cached(
        "INSERT INTO visit_notes (visit_id, presenting_complaint, history, examination, assessment,
                                  plan, author_id, saved_at, signed_at, signed_by, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?7, 2)",
    )?
    .execute(params![
        visit.as_str(),
        text.presenting_complaint,
        text.history,
        text.examination,
        text.assessment,
        text.plan,
        author.as_str(),
        at,
    ])?;
    Ok(())
}

/// Appends an addendum to a signed note.
pub fn insert_addendum(
    tx: &Transaction,
    visit: &Id,
    author: &Id,
    reason: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO note_addenda (id, visit_id, author_id, reason, body, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        Id::new().as_str(),
        visit.as_str(),
        author.as_str(),
        reason,
        body,
        format_ts(at)
    ])?;
    Ok(())
}

/// A past diagnosis of a visit.
#[derive(Debug, Clone)]
pub struct PastDiagnosis<'a> {
    pub visit: &'a Id,
    pub patient: &'a Id,
    pub coded: &'a Coded,
    pub rank: Rank,
    pub certainty: Certainty,
    pub by: &'a Id,
    pub at: DateTime<Utc>,
}

/// Records a past diagnosis.
pub fn insert_diagnosis(tx: &Transaction, d: &PastDiagnosis) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO diagnoses (id, visit_id, patient_id, code_system, code, text, rank, certainty,
                                recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        Id::new().as_str(),
        d.visit.as_str(),
        d.patient.as_str(),
        d.coded.system,
        d.coded.code,
        d.coded.text,
        d.rank.to_string(),
        d.certainty.to_string(),
        d.by.as_str(),
        format_ts(d.at),
    ])?;
    Ok(())
}

/// Records a past allergy.
pub fn insert_allergy(
    tx: &Transaction,
    patient: &Id,
    (substance, reaction, severity): (&str, &str, Severity),
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO allergies (id, patient_id, substance, reaction, severity, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        Id::new().as_str(),
        patient.as_str(),
        substance,
        reaction,
        severity.to_string(),
        by.as_str(),
        format_ts(at)
    ])?;
    Ok(())
}

/// Records a past "no known allergies".
pub fn insert_no_known(
    tx: &Transaction,
    patient: &Id,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO no_known_allergies (id, patient_id, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        Id::new().as_str(),
        patient.as_str(),
        by.as_str(),
        format_ts(at)
    ])?;
    Ok(())
}

/// Adds a past problem, standing since `onset`.
pub fn insert_problem(
    tx: &Transaction,
    patient: &Id,
    coded: &Coded,
    onset: NaiveDate,
    by: &Id,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO problems (id, patient_id, code_system, code, text, onset, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        Id::new().as_str(),
        patient.as_str(),
        coded.system,
        coded.code,
        coded.text,
        onset.format("%Y-%m-%d").to_string(),
        by.as_str(),
        format_ts(at)
    ])?;
    Ok(())
}

/// Counts of the clinical rows, for the bench's progress and its tests:
/// visits, signed notes, addenda, vitals, diagnoses, allergies, "no known
/// allergies", problems.
pub fn counts(conn: &Connection) -> Result<[i64; 8], StoreError> {
    let mut out = [0i64; 8];
    for (i, table) in [
        "visits",
        "visit_notes WHERE signed_at IS NOT NULL",
        "note_addenda",
        "vitals",
        "diagnoses",
        "allergies",
        "no_known_allergies",
        "problems",
    ]
    .iter()
    .enumerate()
    {
        out[i] = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    }
    Ok(out)
}

/// The patient with the most visits, with their count of visits and of
/// vitals sets.
pub fn busiest_patient(conn: &Connection) -> Result<Option<(Id, i64, i64)>, StoreError> {
    use rusqlite::OptionalExtension;
    let top: Option<(String, i64)> = conn
        .query_row(
            "SELECT patient_id, count(*) AS n FROM visits GROUP BY patient_id
             ORDER BY n DESC, patient_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, visits)) = top else {
        return Ok(None);
    };
    let sets: i64 = conn.query_row(
        "SELECT count(*) FROM vitals WHERE patient_id = ?1",
        [&id],
        |r| r.get(0),
    )?;
    Ok(Some((Id::from_stored(id), visits, sets)))
}
