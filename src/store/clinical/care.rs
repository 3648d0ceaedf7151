//! What the access rule and the worklist read: who is in a patient's care,
//! break-the-glass grants, and a clinician's patients of a day.

use super::ts;
use crate::domain::care::CareFacts;
use crate::domain::ids::Id;
use crate::domain::time::format_ts;
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, params};

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The facts of [`crate::domain::care::in_care`] for one clinician and one
/// patient on the hospital's `today`. An appointment counts when it is
/// today (neither cancelled nor a no-show), under way (checked in or in
/// consultation), or booked for today or later. The ward counts through
/// the bed of the patient's active admission and the clinician's open
/// assignment to that bed's ward.
pub fn care_facts(
    conn: &Connection,
    user: &Id,
    patient: &Id,
    today: NaiveDate,
) -> Result<CareFacts, StoreError> {
    // `+clinician_id`: read the patient's few visits, never walk every
    // visit of a busy clinician (SQLite would otherwise pick that index).
    let mut stmt = conn.prepare_cached(
        "SELECT
            EXISTS (SELECT 1 FROM visits WHERE patient_id = ?1 AND +clinician_id = ?2),
            EXISTS (SELECT 1 FROM admissions WHERE patient_id = ?1 AND discharged_at IS NULL
                    AND attending_id = ?2),
            EXISTS (SELECT 1 FROM appointments WHERE patient_id = ?1 AND clinician_id = ?2
                    AND ((day = ?3 AND status NOT IN ('cancelled', 'no_show'))
                         OR status IN ('checked_in', 'in_consultation')
                         OR (status = 'scheduled' AND day >= ?3))),
            EXISTS (SELECT 1 FROM admissions a JOIN beds b ON b.id = a.bed_id
                    JOIN ward_staff s ON s.ward_id = b.ward_id AND s.user_id = ?2
                                     AND s.ended_at IS NULL
                    WHERE a.patient_id = ?1 AND a.discharged_at IS NULL),
            EXISTS (SELECT 1 FROM appointments WHERE patient_id = ?1 AND day = ?3
                    AND status IN ('checked_in', 'in_consultation'))",
    )?;
    Ok(stmt.query_row(
        params![patient.as_str(), user.as_str(), day_text(today)],
        |r| {
            Ok(CareFacts {
                clinician_of_a_visit: r.get(0)?,
                attending: r.get(1)?,
                clinician_of_an_appointment: r.get(2)?,
                on_their_ward: r.get(3)?,
                in_the_clinic_today: r.get(4)?,
            })
        },
    )?)
}

/// Whether this session broke the glass for this patient and the grant
/// still runs (the session open, its time not past).
pub fn grant_active(
    conn: &Connection,
    session: &Id,
    patient: &Id,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM access_grants g JOIN sessions s ON s.id = g.session_id
                            WHERE g.session_id = ?1 AND g.patient_id = ?2 AND g.expires_at > ?3
                              AND s.ended_at IS NULL)",
        )?
        .query_row(
            params![session.as_str(), patient.as_str(), format_ts(now)],
            |r| r.get(0),
        )?)
}

/// Records a break-the-glass grant until `expires`.
pub fn insert_grant(
    tx: &Transaction,
    session: &Id,
    user: &Id,
    patient: &Id,
    reason: &str,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO access_grants (id, session_id, user_id, patient_id, reason, granted_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.as_str(),
            session.as_str(),
            user.as_str(),
            patient.as_str(),
            reason,
            format_ts(now),
            format_ts(expires)
        ],
    )?;
    Ok(id)
}

/// An appointment of the worklist: called in or waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedAppointment {
    pub id: Id,
    pub patient_id: Id,
    pub called_in: bool,
    pub start_min: i64,
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// A clinician's appointments of `day` that are in consultation or checked
/// in: called in first, then by arrival.
pub fn queued(
    conn: &Connection,
    clinician: &Id,
    day: NaiveDate,
) -> Result<Vec<QueuedAppointment>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, patient_id, status, start_min, checked_in_at FROM appointments
         WHERE clinician_id = ?1 AND day = ?2 AND status IN ('checked_in', 'in_consultation')
         ORDER BY status = 'checked_in', checked_in_at, start_min",
    )?;
    let rows = stmt.query_map(params![clinician.as_str(), day_text(day)], |r| {
        let status: String = r.get(2)?;
        Ok(QueuedAppointment {
            id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            called_in: status == "in_consultation",
            start_min: r.get(3)?,
            checked_in_at: match r.get::<_, Option<String>>(4)? {
                Some(_) => Some(ts(r, 4)?),
                None => None,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
