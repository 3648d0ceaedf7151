//! Admissions and their bed stays in SQL: admitting, moving, discharging,
//! the active admissions (the board's occupants, a clinician's ward round),
//! a patient's or a bed's history, and the census's spans.

use super::*;

/// Inserts an admission and its first stay. The bed must already be
/// marked occupied (the schema checks it).
pub fn insert_admission(
    tx: &Transaction,
    patient: &Id,
    bed: &Bed,
    attending: &Id,
    reason: &str,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO admissions (id, patient_id, bed_id, attending_id, reason, admitted_at, admitted_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.as_str(),
            patient.as_str(),
            bed.id.as_str(),
            attending.as_str(),
            reason,
            format_ts(now),
            by
        ],
    )?;
    open_stay(tx, &id, bed, StayStart::Admission, reason, now)?;
    Ok(id)
}

fn open_stay(
    tx: &Transaction,
    admission: &Id,
    bed: &Bed,
    by: StayStart,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO bed_stays (id, admission_id, bed_id, ward_id, started_at, started_by, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            Id::new().as_str(),
            admission.as_str(),
            bed.id.as_str(),
            bed.ward_id.as_str(),
            format_ts(now),
            by.to_string(),
            reason
        ],
    )?;
    Ok(())
}

fn close_stay(
    tx: &Transaction,
    admission: &Id,
    by: StayEnd,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE bed_stays SET ended_at = ?2, ended_by = ?3
         WHERE admission_id = ?1 AND ended_at IS NULL",
        params![admission.as_str(), format_ts(now), by.to_string()],
    )?;
    Ok(())
}

/// Moves an admission to `to` (already marked occupied): closes the stay
/// in the old bed and opens one in the new.
pub fn move_admission(
    tx: &Transaction,
    admission: &Id,
    to: &Bed,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    close_stay(tx, admission, StayEnd::Transfer, now)?;
    tx.execute(
        "UPDATE admissions SET bed_id = ?2 WHERE id = ?1 AND discharged_at IS NULL",
        params![admission.as_str(), to.id.as_str()],
    )?;
    open_stay(tx, admission, to, StayStart::Transfer, reason, now)
}

/// Ends an admission and its stay.
pub fn discharge(
    tx: &Transaction,
    admission: &Id,
    disposition: Disposition,
    note: &str,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    close_stay(tx, admission, StayEnd::Discharge, now)?;
    let n = tx.execute(
        "UPDATE admissions SET discharged_at = ?2, discharged_by = ?3, disposition = ?4,
                discharge_note = ?5
         WHERE id = ?1 AND discharged_at IS NULL",
        params![
            admission.as_str(),
            format_ts(now),
            by,
            disposition.to_string(),
            note
        ],
    )?;
    if n == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(
            "this patient was discharged meanwhile (another terminal): look at the board again"
                .into(),
        ))
    }
}

/// An admission by its id.
pub fn admission_by_id(conn: &Connection, id: &Id) -> Result<Option<Admission>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {ADMISSION_COLUMNS} {ADMISSION_FROM} WHERE a.id = ?1"),
            [id.as_str()],
            admission,
        )
        .optional()?)
}

/// The patient's admission that has not ended, if any.
pub fn active_admission_of(
    conn: &Connection,
    patient: &Id,
) -> Result<Option<Admission>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {ADMISSION_COLUMNS} {ADMISSION_FROM}
                 WHERE a.patient_id = ?1 AND a.discharged_at IS NULL"
            ),
            [patient.as_str()],
            admission,
        )
        .optional()?)
}

/// The admission in a bed now, if any.
pub fn active_admission_in(conn: &Connection, bed: &Id) -> Result<Option<Admission>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {ADMISSION_COLUMNS} {ADMISSION_FROM}
                 WHERE a.bed_id = ?1 AND a.discharged_at IS NULL"
            ),
            [bed.as_str()],
            admission,
        )
        .optional()?)
}

/// Every active admission (the board's occupants).
pub fn active_admissions(conn: &Connection) -> Result<Vec<Admission>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ADMISSION_COLUMNS} {ADMISSION_FROM} WHERE a.discharged_at IS NULL"
    ))?;
    let rows = stmt.query_map([], admission)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An active admission as a ward round orders it: where the patient lies,
/// since when, and the latest NEWS2 the file keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InCare {
    pub admission_id: Id,
    pub patient_id: Id,
    pub bed_label: String,
    pub ward_name: String,
    pub admitted_at: DateTime<Utc>,
    pub news2: Option<AdmissionScore>,
}

/// The active admissions in the care of `clinician` (attending, or in a
/// bed of a ward they work on): a clinician's ward round in one statement
/// of the admissions, beds and wards alone (the patients' rows, spread
/// over the file, are read for the rows a screen shows).
pub fn in_care_of(conn: &Connection, clinician: &Id) -> Result<Vec<InCare>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.patient_id, s.score, s.band, s.taken_at, s.previous,
                b.label, w.name, a.admitted_at
         FROM admissions a JOIN beds b ON b.id = a.bed_id JOIN wards w ON w.id = b.ward_id
         LEFT JOIN admission_news2 s ON s.admission_id = a.id
         WHERE a.discharged_at IS NULL
           AND (a.attending_id = ?1
                OR b.ward_id IN (SELECT ward_id FROM ward_staff
                                 WHERE user_id = ?1 AND ended_at IS NULL))",
    )?;
    let rows = stmt.query_map([clinician.as_str()], |r| {
        let news2 = match r.get::<_, Option<i64>>(2)? {
            Some(_) => Some(admission_score(r)?),
            None => None,
        };
        Ok(InCare {
            admission_id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            bed_label: r.get(6)?,
            ward_name: r.get(7)?,
            admitted_at: ts(r, 8)?,
            news2,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A patient's admissions, newest first.
pub fn admissions_of(conn: &Connection, patient: &Id) -> Result<Vec<Admission>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ADMISSION_COLUMNS} {ADMISSION_FROM} WHERE a.patient_id = ?1
         ORDER BY a.admitted_at DESC"
    ))?;
    let rows = stmt.query_map([patient.as_str()], admission)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Moves the admissions of `from` to `to` (a merge); returns how many. The
/// bed stays follow, being the admissions' own.
pub fn move_admissions(tx: &Transaction, from: &Id, to: &Id) -> Result<usize, StoreError> {
    Ok(tx.execute(
        "UPDATE admissions SET patient_id = ?2 WHERE patient_id = ?1",
        params![from.as_str(), to.as_str()],
    )?)
}

/// The beds of an admission, in order.
pub fn stays_of(conn: &Connection, admission: &Id) -> Result<Vec<Stay>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STAY_COLUMNS} {STAY_FROM} WHERE s.admission_id = ?1 ORDER BY s.started_at"
    ))?;
    let rows = stmt.query_map([admission.as_str()], stay)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The latest `limit` stays in a bed, newest first.
pub fn bed_history(conn: &Connection, bed: &Id, limit: usize) -> Result<Vec<Stay>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STAY_COLUMNS} {STAY_FROM} WHERE s.bed_id = ?1
         ORDER BY s.started_at DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![bed.as_str(), limit as i64], stay)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Whether the patient is in a bed now.
pub fn is_admitted(conn: &Connection, patient: &Id) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM admissions WHERE patient_id = ?1 AND discharged_at IS NULL)",
        [patient.as_str()],
        |r| r.get(0),
    )?)
}

// ---- census ---------------------------------------------------------------

/// What the census of a day is computed from.
#[derive(Debug, Clone, Default)]
pub struct CensusInput {
    /// The wards in use that day.
    pub wards: Vec<Ward>,
    /// How many beds each ward had.
    pub beds: Vec<i64>,
    /// The stays that touch the day.
    pub stays: Vec<StaySpan>,
}

/// Reads what the census of `[start, end)` needs.
pub fn census_input(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<CensusInput, StoreError> {
    let (s, e) = (format_ts(start), format_ts(end));
    let wards: Vec<Ward> = {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {WARD_COLUMNS} FROM wards WHERE created_at < ?2
               AND (retired_at IS NULL OR retired_at > ?1)
             ORDER BY lower(name), id"
        ))?;
        stmt.query_map([&s, &e], ward)?.collect::<Result<_, _>>()?
    };
    let mut beds = Vec::with_capacity(wards.len());
    for w in &wards {
        beds.push(conn.query_row(
            "SELECT count(*) FROM beds WHERE ward_id = ?1 AND created_at < ?3
               AND (retired_at IS NULL OR retired_at > ?2)",
            params![w.id.as_str(), s, e],
            |r| r.get(0),
        )?);
    }
    let index: std::collections::HashMap<&str, usize> = wards
        .iter()
        .enumerate()
        .map(|(i, w)| (w.id.as_str(), i))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT ward_id, started_at, started_by, ended_at, ended_by FROM bed_stays
         WHERE started_at <= ?2 AND (ended_at IS NULL OR ended_at > ?1)",
    )?;
    let mut stays = Vec::new();
    let rows = stmt.query_map([&s, &e], |r| {
        Ok((
            r.get::<_, String>(0)?,
            StaySpanParts {
                started_at: ts(r, 1)?,
                started_by: parsed(r, 2, "stay start")?,
                ended_at: opt_ts(r, 3)?,
                ended_by: match r.get::<_, Option<String>>(4)? {
                    Some(x) => Some(x.parse().map_err(|_| conversion(4, "stay end"))?),
                    None => None,
                },
            },
        ))
    })?;
    for row in rows {
        let (ward_id, p) = row?;
        if let Some(&ward) = index.get(ward_id.as_str()) {
            stays.push(StaySpan {
                ward,
                started_at: p.started_at,
                started_by: p.started_by,
                ended_at: p.ended_at,
                ended_by: p.ended_by,
            });
        }
    }
    Ok(CensusInput { wards, beds, stays })
}

struct StaySpanParts {
    started_at: DateTime<Utc>,
    started_by: StayStart,
    ended_at: Option<DateTime<Utc>>,
    ended_by: Option<StayEnd>,
}

/// The stays of an admission as bed-days are counted from them: when each
/// began and ended, and the kind of its ward; in time order.
pub fn ward_stays_of(
    conn: &Connection,
    admission: &Id,
) -> Result<Vec<crate::domain::bed_days::Stay<WardKind>>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.kind, s.started_at, s.ended_at FROM bed_stays s JOIN wards w ON w.id = s.ward_id
         WHERE s.admission_id = ?1 ORDER BY s.started_at, s.rowid",
    )?;
    let rows = stmt.query_map([admission.as_str()], |r| {
        Ok(crate::domain::bed_days::Stay {
            kind: parsed(r, 0, "ward kind")?,
            from: ts(r, 1)?,
            to: opt_ts(r, 2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
