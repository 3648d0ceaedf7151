//! Visits, their notes (drafts and signed) and addenda in SQL.

use super::{opt_ts, parsed, ts, who};
use crate::domain::ids::Id;
use crate::domain::time::format_ts;
use crate::domain::visit::{NoteText, VisitKind};
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// A visit, with its clinician's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: Id,
    pub patient_id: Id,
    pub clinician_id: Id,
    pub clinician: String,
    pub kind: VisitKind,
    pub appointment_id: Option<Id>,
    pub admission_id: Option<Id>,
    pub started_at: DateTime<Utc>,
}

fn visit_columns() -> String {
    format!(
        "v.id, v.patient_id, v.clinician_id, {}, v.kind, v.appointment_id, v.admission_id, v.started_at",
        who("v.clinician_id")
    )
}

fn visit(r: &Row) -> rusqlite::Result<Visit> {
    Ok(Visit {
        id: Id::from_stored(r.get(0)?),
        patient_id: Id::from_stored(r.get(1)?),
        clinician_id: Id::from_stored(r.get(2)?),
        clinician: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        kind: parsed(r, 4, "visit kind")?,
        appointment_id: r.get::<_, Option<String>>(5)?.map(Id::from_stored),
        admission_id: r.get::<_, Option<String>>(6)?.map(Id::from_stored),
        started_at: ts(r, 7)?,
    })
}

pub(super) fn visits_where(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Visit>, StoreError> {
    let sql = format!("SELECT {} FROM visits v {tail}", visit_columns());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, visit)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a new visit records.
#[derive(Debug, Clone)]
pub struct NewVisit<'a> {
    pub patient: &'a Id,
    pub clinician: &'a Id,
    pub kind: VisitKind,
    pub appointment: Option<&'a Id>,
    pub admission: Option<&'a Id>,
    pub started_by: &'a Id,
}

/// Inserts a visit.
pub fn insert_visit(tx: &Transaction, v: &NewVisit, now: DateTime<Utc>) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO visits (id, patient_id, clinician_id, kind, appointment_id, admission_id,
                             started_at, started_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id.as_str(),
            v.patient.as_str(),
            v.clinician.as_str(),
            v.kind.to_string(),
            v.appointment.map(Id::as_str),
            v.admission.map(Id::as_str),
            format_ts(now),
            v.started_by.as_str(),
        ],
    )?;
    Ok(id)
}

/// One visit.
pub fn visit_by_id(conn: &Connection, id: &Id) -> Result<Option<Visit>, StoreError> {
    Ok(visits_where(conn, "WHERE v.id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// The visit of an appointment, if one was opened.
pub fn visit_of_appointment(
    conn: &Connection,
    appointment: &Id,
) -> Result<Option<Visit>, StoreError> {
    Ok(
        visits_where(conn, "WHERE v.appointment_id = ?1", [appointment.as_str()])?
            .into_iter()
            .next(),
    )
}

/// A patient's visits, newest first.
pub fn visits_of(conn: &Connection, patient: &Id) -> Result<Vec<Visit>, StoreError> {
    visits_where(
        conn,
        "WHERE v.patient_id = ?1 ORDER BY v.started_at DESC, v.id DESC",
        [patient.as_str()],
    )
}

/// A patient's latest `limit` visits, newest first (as [`visits_of`]
/// orders them), and how many visits the patient has in all.
pub fn latest_visits(
    conn: &Connection,
    patient: &Id,
    limit: usize,
) -> Result<(Vec<Visit>, usize), StoreError> {
    let visits = visits_where(
        conn,
        "WHERE v.patient_id = ?1 ORDER BY v.started_at DESC, v.id DESC LIMIT ?2",
        params![patient.as_str(), limit as i64],
    )?;
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM visits WHERE patient_id = ?1")?
        .query_row([patient.as_str()], |r| r.get(0))?;
    Ok((visits, usize::try_from(total).unwrap_or(0)))
}

/// The notes of some visits, by visit.
pub fn notes_of_visits(
    conn: &Connection,
    visits: &[Id],
) -> Result<std::collections::HashMap<Id, Note>, StoreError> {
    let sql = format!(
        "SELECT {} FROM json_each(?1) j JOIN visit_notes n ON n.visit_id = j.value",
        note_columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([super::json_ids(visits)], note)?;
    let mut out = std::collections::HashMap::new();
    for n in rows {
        let n = n?;
        out.insert(n.visit_id.clone(), n);
    }
    Ok(out)
}

/// The addenda of some visits, oldest first (as [`addenda_of_patient`]).
pub fn addenda_of_visits(conn: &Connection, visits: &[Id]) -> Result<Vec<Addendum>, StoreError> {
    let sql = format!(
        "SELECT a.id, a.visit_id, {}, a.reason, a.body, a.added_at FROM json_each(?1) j
         JOIN note_addenda a ON a.visit_id = j.value ORDER BY a.added_at, a.id",
        who("a.author_id")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([super::json_ids(visits)], addendum)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A patient's visits started in `[from, to)`.
pub fn visits_between(
    conn: &Connection,
    patient: &Id,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Visit>, StoreError> {
    visits_where(
        conn,
        "WHERE v.patient_id = ?1 AND v.started_at >= ?2 AND v.started_at < ?3
         ORDER BY v.started_at",
        params![patient.as_str(), format_ts(from), format_ts(to)],
    )
}

/// A visit's note, draft or signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub visit_id: Id,
    pub text: NoteText,
    pub author_id: Id,
    pub author: String,
    pub saved_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub version: i64,
}

fn note(r: &Row) -> rusqlite::Result<Note> {
    note_at(r, 0)
}

fn note_columns() -> String {
    format!(
        "n.visit_id, n.presenting_complaint, n.history, n.examination, n.assessment, n.plan,
         n.author_id, {}, n.saved_at, n.signed_at, {}, n.version",
        who("n.author_id"),
        who("n.signed_by")
    )
}

/// The note of a visit.
pub fn note_of(conn: &Connection, visit: &Id) -> Result<Option<Note>, StoreError> {
    let sql = format!(
        "SELECT {} FROM visit_notes n WHERE n.visit_id = ?1",
        note_columns()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([visit.as_str()], note)
        .optional()?)
}

/// The notes of every visit of a patient, by visit (one query for a whole
/// record, however many visits it has).
pub fn notes_of_patient(
    conn: &Connection,
    patient: &Id,
) -> Result<std::collections::HashMap<Id, Note>, StoreError> {
    let sql = format!(
        "SELECT {} FROM visit_notes n JOIN visits v ON v.id = n.visit_id WHERE v.patient_id = ?1",
        note_columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([patient.as_str()], note)?;
    let mut out = std::collections::HashMap::new();
    for n in rows {
        let n = n?;
        out.insert(n.visit_id.clone(), n);
    }
    Ok(out)
}

/// Starts a visit's note as a first draft (version 1).
pub fn insert_note(
    tx: &Transaction,
    visit: &Id,
    text: &NoteText,
    author: &Id,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO visit_notes (visit_id, presenting_complaint, history, examination, assessment,
                                  plan, author_id, saved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            visit.as_str(),
            text.presenting_complaint,
            text.history,
            text.examination,
            text.assessment,
            text.plan,
            author.as_str(),
            format_ts(now),
        ],
    )?;
    Ok(())
}

/// Saves a draft over `version`; `false` when another save came first.
pub fn update_note(
    tx: &Transaction,
    visit: &Id,
    text: &NoteText,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx.execute(
        "UPDATE visit_notes SET presenting_complaint = ?3, history = ?4, examination = ?5,
                assessment = ?6, plan = ?7, saved_at = ?8, version = version + 1
         WHERE visit_id = ?1 AND version = ?2 AND signed_at IS NULL",
        params![
            visit.as_str(),
            version,
            text.presenting_complaint,
            text.history,
            text.examination,
            text.assessment,
            text.plan,
            format_ts(now),
        ],
    )?;
    Ok(n == 1)
}

/// Signs the note at `version`; `false` when it changed meanwhile.
pub fn sign_note(
    tx: &Transaction,
    visit: &Id,
    by: &Id,
    version: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx.execute(
        "UPDATE visit_notes SET signed_at = ?3, signed_by = ?4, version = version + 1
         WHERE visit_id = ?1 AND version = ?2 AND signed_at IS NULL",
        params![visit.as_str(), version, format_ts(now), by.as_str()],
    )?;
    Ok(n == 1)
}

/// An addendum to a signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addendum {
    pub id: Id,
    pub visit_id: Id,
    pub author: String,
    pub reason: String,
    pub body: String,
    pub added_at: DateTime<Utc>,
}

/// Appends an addendum.
pub fn insert_addendum(
    tx: &Transaction,
    visit: &Id,
    author: &Id,
    reason: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO note_addenda (id, visit_id, author_id, reason, body, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id.as_str(),
            visit.as_str(),
            author.as_str(),
            reason,
            body,
            format_ts(now)
        ],
    )?;
    Ok(id)
}

/// A note's addenda, oldest first (as they are read beneath it).
pub fn addenda_of(conn: &Connection, visit: &Id) -> Result<Vec<Addendum>, StoreError> {
    let sql = format!(
        "SELECT a.id, a.visit_id, {}, a.reason, a.body, a.added_at FROM note_addenda a
         WHERE a.visit_id = ?1 ORDER BY a.added_at, a.id",
        who("a.author_id")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([visit.as_str()], addendum)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn addendum(r: &Row) -> rusqlite::Result<Addendum> {
    Ok(Addendum {
        id: Id::from_stored(r.get(0)?),
        visit_id: Id::from_stored(r.get(1)?),
        author: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        reason: r.get(3)?,
        body: r.get(4)?,
        added_at: ts(r, 5)?,
    })
}

/// The addenda of every note of a patient, oldest first.
pub fn addenda_of_patient(conn: &Connection, patient: &Id) -> Result<Vec<Addendum>, StoreError> {
    let sql = format!(
        "SELECT a.id, a.visit_id, {}, a.reason, a.body, a.added_at FROM note_addenda a
         JOIN visits v ON v.id = a.visit_id
         WHERE v.patient_id = ?1 ORDER BY a.added_at, a.id",
        who("a.author_id")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([patient.as_str()], addendum)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An author's unsigned drafts last saved before `before`, oldest first,
/// with their visits.
pub fn stale_drafts(
    conn: &Connection,
    author: &Id,
    before: DateTime<Utc>,
) -> Result<Vec<(Visit, Note)>, StoreError> {
    let sql = format!(
        "SELECT {}, {} FROM visit_notes n JOIN visits v ON v.id = n.visit_id
         WHERE n.author_id = ?1 AND n.signed_at IS NULL AND n.saved_at < ?2
         ORDER BY n.saved_at",
        visit_columns(),
        note_columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![author.as_str(), format_ts(before)], |r| {
        let v = visit(r)?;
        let n = note_at(r, 8)?;
        Ok((v, n))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// [`note`] read from column `at` on.
fn note_at(r: &Row, at: usize) -> rusqlite::Result<Note> {
    Ok(Note {
        visit_id: Id::from_stored(r.get(at)?),
        text: NoteText {
            presenting_complaint: r.get(at + 1)?,
            history: r.get(at + 2)?,
            examination: r.get(at + 3)?,
            assessment: r.get(at + 4)?,
            plan: r.get(at + 5)?,
        },
        author_id: Id::from_stored(r.get(at + 6)?),
        author: r.get::<_, Option<String>>(at + 7)?.unwrap_or_default(),
        saved_at: ts(r, at + 8)?,
        signed_at: opt_ts(r, at + 9)?,
        signed_by: r.get(at + 10)?,
        version: r.get(at + 11)?,
    })
}
