//! Vital-sign sets in SQL: append-only, marked entered in error when wrong.

use super::{ErrorMark, error_mark, parsed, ts, who};
use crate::domain::ids::Id;
use crate::domain::news2::{Band, Spo2Scale};
use crate::domain::time::format_ts;
use crate::domain::vitals::Vitals;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

/// A stored set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VitalsRecord {
    pub id: Id,
    pub patient_id: Id,
    pub visit_id: Option<Id>,
    pub admission_id: Option<Id>,
    pub taken_at: DateTime<Utc>,
    pub taken_by: String,
    pub vitals: Vitals,
    /// NEWS2 total and band, when computed.
    pub news2: Option<(u8, Band)>,
    pub error: Option<ErrorMark>,
}

fn columns() -> String {
    format!(
        "id, patient_id, visit_id, admission_id, taken_at, {}, temperature_dc, pulse,
         respiratory_rate, systolic, diastolic, spo2, on_oxygen, spo2_scale, consciousness,
         weight_g, height_mm, muac_mm, pain, glucose_dmmol, news2_score, news2_band,
         error_at, {}, error_reason",
        who("taken_by"),
        who("error_by")
    )
}

fn record(r: &Row) -> rusqlite::Result<VitalsRecord> {
    let consciousness = match r.get::<_, Option<String>>(14)? {
        Some(_) => Some(parsed(r, 14, "consciousness")?),
        None => None,
    };
    let news2 = match r.get::<_, Option<i64>>(20)? {
        Some(score) => Some((
            u8::try_from(score).unwrap_or(u8::MAX),
            parsed::<Band>(r, 21, "NEWS2 band")?,
        )),
        None => None,
    };
    Ok(VitalsRecord {
        id: Id::from_stored(r.get(0)?),
        patient_id: Id::from_stored(r.get(1)?),
        visit_id: r.get::<_, Option<String>>(2)?.map(Id::from_stored),
        admission_id: r.get::<_, Option<String>>(3)?.map(Id::from_stored),
        taken_at: ts(r, 4)?,
        taken_by: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        vitals: Vitals {
            temperature_dc: r.get(6)?,
            pulse: r.get(7)?,
            respiratory_rate: r.get(8)?,
            systolic: r.get(9)?,
            diastolic: r.get(10)?,
            spo2: r.get(11)?,
            on_oxygen: r.get(12)?,
            spo2_scale: Spo2Scale::from_number(r.get(13)?).unwrap_or_default(),
            consciousness,
            weight_g: r.get(15)?,
            height_mm: r.get(16)?,
            muac_mm: r.get(17)?,
            pain: r.get(18)?,
            glucose_dmmol: r.get(19)?,
        },
        news2,
        error: error_mark(r, 22)?,
    })
}

fn query(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<VitalsRecord>, StoreError> {
    let sql = format!("SELECT {} FROM vitals {tail}", columns());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a new set records.
#[derive(Debug, Clone)]
pub struct NewVitals<'a> {
    pub patient: &'a Id,
    pub visit: Option<&'a Id>,
    pub admission: Option<&'a Id>,
    pub taken_at: DateTime<Utc>,
    pub taken_by: &'a Id,
    pub vitals: &'a Vitals,
    pub news2: Option<(u8, Band)>,
}

/// Appends a set.
pub fn insert(tx: &Transaction, n: &NewVitals, now: DateTime<Utc>) -> Result<Id, StoreError> {
    let id = Id::new();
    let v = n.vitals;
    tx.prepare_cached(
        "INSERT INTO vitals (id, patient_id, visit_id, admission_id, taken_at, taken_by, recorded_at,
                temperature_dc, pulse, respiratory_rate, systolic, diastolic, spo2, on_oxygen,
                spo2_scale, consciousness, weight_g, height_mm, muac_mm, pain, glucose_dmmol,
                news2_score, news2_band)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23)",
    )?
    .execute(params![
            id.as_str(),
            n.patient.as_str(),
            n.visit.map(Id::as_str),
            n.admission.map(Id::as_str),
            format_ts(n.taken_at),
            n.taken_by.as_str(),
            format_ts(now),
            v.temperature_dc,
            v.pulse,
            v.respiratory_rate,
            v.systolic,
            v.diastolic,
            v.spo2,
            v.on_oxygen,
            v.spo2_scale.number(),
            v.consciousness.map(|c| c.to_string()),
            v.weight_g,
            v.height_mm,
            v.muac_mm,
            v.pain,
            v.glucose_dmmol,
            n.news2.map(|(s, _)| i64::from(s)),
            n.news2.map(|(_, b)| b.to_string()),
        ])?;
    Ok(id)
}

/// One set.
pub fn get(conn: &Connection, id: &Id) -> Result<Option<VitalsRecord>, StoreError> {
    Ok(query(conn, "WHERE id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// A patient's sets, newest first, at most `limit`.
pub fn of_patient(
    conn: &Connection,
    patient: &Id,
    limit: usize,
) -> Result<Vec<VitalsRecord>, StoreError> {
    query(
        conn,
        "WHERE patient_id = ?1 ORDER BY taken_at DESC, id DESC LIMIT ?2",
        params![patient.as_str(), limit as i64],
    )
}

/// The standing sets a record page shows (newest first): when the latest
/// was taken in an admission, every standing set of that admission; else
/// the latest `last` standing sets. Those entered in error are left out.
pub fn for_page(
    conn: &Connection,
    patient: &Id,
    last: usize,
) -> Result<Vec<VitalsRecord>, StoreError> {
    let latest = query(
        conn,
        "WHERE patient_id = ?1 AND error_at IS NULL ORDER BY taken_at DESC, id DESC LIMIT 1",
        [patient.as_str()],
    )?;
    match latest.first().and_then(|v| v.admission_id.clone()) {
        Some(admission) => query(
            conn,
            "WHERE patient_id = ?1 AND admission_id = ?2 AND error_at IS NULL
             ORDER BY taken_at DESC, id DESC",
            params![patient.as_str(), admission.as_str()],
        ),
        None => query(
            conn,
            "WHERE patient_id = ?1 AND error_at IS NULL ORDER BY taken_at DESC, id DESC LIMIT ?2",
            params![patient.as_str(), last as i64],
        ),
    }
}

/// The NEWS2 score of the latest scored set of an admission taken before
/// `before`, errors left out (what a new score is compared with).
pub fn previous_score(
    conn: &Connection,
    admission: &Id,
    before: DateTime<Utc>,
) -> Result<Option<u8>, StoreError> {
    let score: Option<i64> = conn
        .prepare_cached(
            "SELECT news2_score FROM vitals
             WHERE admission_id = ?1 AND taken_at < ?2 AND error_at IS NULL
               AND news2_score IS NOT NULL
             ORDER BY taken_at DESC LIMIT 1",
        )?
        .query_row(params![admission.as_str(), format_ts(before)], |r| r.get(0))
        .optional()?;
    Ok(score.map(|s| u8::try_from(s).unwrap_or(u8::MAX)))
}

/// Whether a patient has a standing set taken in `[from, to)`.
pub fn taken_between(
    conn: &Connection,
    patient: &Id,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM vitals WHERE patient_id = ?1 AND taken_at >= ?2
                            AND taken_at < ?3 AND error_at IS NULL)",
        )?
        .query_row(
            params![patient.as_str(), format_ts(from), format_ts(to)],
            |r| r.get(0),
        )?)
}

/// The latest NEWS2 of an active admission, with the score before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionScore {
    pub admission_id: Id,
    pub patient_id: Id,
    pub score: u8,
    pub band: Band,
    pub taken_at: DateTime<Utc>,
    pub previous: Option<u8>,
}

/// The latest standing NEWS2 of a patient's active admission, if scored.
pub fn latest_score_of(
    conn: &Connection,
    patient: &Id,
) -> Result<Option<AdmissionScore>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT a.id, a.patient_id, s.score, s.band, s.taken_at, s.previous
             FROM admissions a JOIN admission_news2 s ON s.admission_id = a.id
             WHERE a.patient_id = ?1 AND a.discharged_at IS NULL",
        )?
        .query_row([patient.as_str()], admission_score)
        .optional()?)
}

/// The latest standing NEWS2 of every active admission that has one, from
/// the scores the file keeps by admission (migration 14).
pub fn latest_scores(conn: &Connection) -> Result<Vec<AdmissionScore>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.patient_id, s.score, s.band, s.taken_at, s.previous
         FROM admissions a JOIN admission_news2 s ON s.admission_id = a.id
         WHERE a.discharged_at IS NULL",
    )?;
    let rows = stmt.query_map([], admission_score)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An [`AdmissionScore`] from a row whose first six columns are the
/// admission, the patient, the score, its band, when, and the one before.
pub(crate) fn admission_score(r: &rusqlite::Row) -> rusqlite::Result<AdmissionScore> {
    Ok(AdmissionScore {
        admission_id: Id::from_stored(r.get(0)?),
        patient_id: Id::from_stored(r.get(1)?),
        score: u8::try_from(r.get::<_, i64>(2)?).unwrap_or(u8::MAX),
        band: parsed(r, 3, "NEWS2 band")?,
        taken_at: ts(r, 4)?,
        previous: r
            .get::<_, Option<i64>>(5)?
            .map(|s| u8::try_from(s).unwrap_or(u8::MAX)),
    })
}
