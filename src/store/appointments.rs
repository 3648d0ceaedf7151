//! Appointments, their types, and clinicians' working hours and days off, in
//! SQL. The overlap rule is also held by triggers in the schema; the checks
//! here find the clashing appointment so that a refusal can name it.

use super::StoreError;
use crate::domain::appointment::{
    Appointment, AppointmentType, Booked, Clinician, Span, Status, WorkingHours,
};
use crate::domain::ids::Id;
use crate::domain::patient::full_name;
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use std::collections::BTreeMap;

const DATE: &str = "%Y-%m-%d";

fn conversion(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("not a valid {what}").into(),
    )
}

fn day_of(r: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = r.get(i)?;
    NaiveDate::parse_from_str(&s, DATE).map_err(|_| conversion(i, "date"))
}

fn ts(r: &Row, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_ts))
}

fn day_text(d: NaiveDate) -> String {
    d.format(DATE).to_string()
}

// ---- types -------------------------------------------------------------

fn appointment_type(r: &Row) -> rusqlite::Result<AppointmentType> {
    Ok(AppointmentType {
        id: Id::from_stored(r.get(0)?),
        name: r.get(1)?,
        minutes: r.get(2)?,
        retired: r.get(3)?,
        version: r.get(4)?,
    })
}

/// The appointment types by name; retired ones only when asked.
pub fn types(conn: &Connection, with_retired: bool) -> Result<Vec<AppointmentType>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, minutes, retired, version FROM appointment_types
         WHERE retired = 0 OR ?1 ORDER BY name",
    )?;
    let rows = stmt.query_map([with_retired], appointment_type)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The type with this name, retired or not.
pub fn type_named(conn: &Connection, name: &str) -> Result<Option<AppointmentType>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, name, minutes, retired, version FROM appointment_types WHERE name = ?1",
            [name.trim().to_lowercase()],
            appointment_type,
        )
        .optional()?)
}

fn name_taken(tx: &Transaction, name: &str, other_than: Option<&Id>) -> Result<(), StoreError> {
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM appointment_types WHERE name = ?1 AND id IS NOT ?2)",
        params![name, other_than.map(Id::as_str)],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StoreError::Conflict(format!(
            "there is already a type named {name:?}: choose another name, or edit that one"
        )));
    }
    Ok(())
}

pub fn insert_type(
    tx: &Transaction,
    name: &str,
    minutes: u16,
) -> Result<AppointmentType, StoreError> {
    name_taken(tx, name, None)?;
    let id = Id::new();
    tx.execute(
        "INSERT INTO appointment_types (id, name, minutes) VALUES (?1, ?2, ?3)",
        params![id.as_str(), name, minutes],
    )?;
    Ok(AppointmentType {
        id,
        name: name.to_string(),
        minutes,
        retired: false,
        version: 1,
    })
}

/// Saves a type's name, length and retirement; refused when another
/// terminal changed it since `version` was read.
pub fn update_type(tx: &Transaction, t: &AppointmentType) -> Result<AppointmentType, StoreError> {
    name_taken(tx, &t.name, Some(&t.id))?;
    let n = tx.execute(
        "UPDATE appointment_types SET name = ?2, minutes = ?3, retired = ?4, version = version + 1
         WHERE id = ?1 AND version = ?5",
        params![t.id.as_str(), t.name, t.minutes, t.retired, t.version],
    )?;
    if n == 0 {
        return Err(StoreError::Conflict(
            "this type was changed in another terminal meanwhile: look at it again and redo the change"
                .into(),
        ));
    }
    Ok(AppointmentType {
        version: t.version + 1,
        ..t.clone()
    })
}

// ---- clinicians and their hours ----------------------------------------

use super::users::clinician;
pub use super::users::clinicians;

/// The clinician with this user name (doctor or nurse, enabled).
pub fn clinician_named(
    conn: &Connection,
    user_name: &str,
) -> Result<Option<Clinician>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, user_name, full_name, role FROM users
             WHERE user_name = ?1 AND role IN ('doctor', 'nurse') AND disabled_at IS NULL",
            [user_name.trim().to_lowercase()],
            clinician,
        )
        .optional()?)
}

/// A clinician's weekly hours and days off.
pub fn hours(conn: &Connection, clinician: &Id) -> Result<WorkingHours, StoreError> {
    let mut h = WorkingHours::default();
    let mut stmt = conn.prepare_cached(
        "SELECT weekday, start_min, end_min FROM working_hours
         WHERE clinician_id = ?1 ORDER BY weekday, start_min",
    )?;
    let mut rows = stmt.query([clinician.as_str()])?;
    while let Some(r) = rows.next()? {
        let weekday: usize = r.get(0)?;
        let (start, end): (u16, u16) = (r.get(1)?, r.get(2)?);
        if let (Some(slot), Some(span)) = (h.week.get_mut(weekday - 1), Span::new(start, end)) {
            slot.push(span);
        }
    }
    let mut stmt =
        conn.prepare_cached("SELECT day FROM days_off WHERE clinician_id = ?1 ORDER BY day")?;
    let mut rows = stmt.query([clinician.as_str()])?;
    while let Some(r) = rows.next()? {
        h.days_off.insert(day_of(r, 0)?);
    }
    Ok(h)
}

/// Replaces the ranges of one weekday (0 = Monday).
pub fn set_weekday(
    tx: &Transaction,
    clinician: &Id,
    weekday: usize,
    spans: &[Span],
) -> Result<(), StoreError> {
    let wd = weekday as i64 + 1;
    tx.execute(
        "DELETE FROM working_hours WHERE clinician_id = ?1 AND weekday = ?2",
        params![clinician.as_str(), wd],
    )?;
    for s in spans {
        tx.execute(
            "INSERT INTO working_hours (clinician_id, weekday, start_min, end_min)
             VALUES (?1, ?2, ?3, ?4)",
            params![clinician.as_str(), wd, s.start, s.end],
        )?;
    }
    Ok(())
}

/// Records a day off; false when it was already recorded.
pub fn add_day_off(
    tx: &Transaction,
    clinician: &Id,
    day: NaiveDate,
    reason: &str,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "INSERT OR IGNORE INTO days_off (clinician_id, day, reason) VALUES (?1, ?2, ?3)",
        params![clinician.as_str(), day_text(day), reason],
    )? == 1)
}

/// Takes a day off back; false when there was none.
pub fn remove_day_off(
    tx: &Transaction,
    clinician: &Id,
    day: NaiveDate,
) -> Result<bool, StoreError> {
    Ok(tx.execute(
        "DELETE FROM days_off WHERE clinician_id = ?1 AND day = ?2",
        params![clinician.as_str(), day_text(day)],
    )? == 1)
}

// ---- appointments ------------------------------------------------------

const BOOKED: &str = "SELECT a.id, a.patient_id, a.clinician_id, a.type_id, a.day, a.start_min,
        a.end_min, a.status, a.walk_in, a.notes, a.cancel_reason, a.rescheduled_from,
        a.rescheduled_to, a.checked_in_at, a.called_at, a.completed_at, a.version,
        p.given_name, p.middle_name, p.family_name, p.mrn, p.phone,
        CASE WHEN u.full_name = '' THEN u.user_name ELSE u.full_name END, t.name
    FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    JOIN users u ON u.id = a.clinician_id
    JOIN appointment_types t ON t.id = a.type_id";

fn booked(r: &Row) -> rusqlite::Result<Booked> {
    let status: String = r.get(7)?;
    let span = Span::new(r.get(5)?, r.get(6)?).ok_or_else(|| conversion(5, "time span"))?;
    let id = |i: usize| -> rusqlite::Result<Option<Id>> {
        Ok(r.get::<_, Option<String>>(i)?.map(Id::from_stored))
    };
    Ok(Booked {
        appt: Appointment {
            id: Id::from_stored(r.get(0)?),
            patient_id: Id::from_stored(r.get(1)?),
            clinician_id: Id::from_stored(r.get(2)?),
            type_id: Id::from_stored(r.get(3)?),
            day: day_of(r, 4)?,
            span,
            status: status.parse().map_err(|_| conversion(7, "status"))?,
            walk_in: r.get(8)?,
            notes: r.get(9)?,
            cancel_reason: r.get(10)?,
            rescheduled_from: id(11)?,
            rescheduled_to: id(12)?,
            checked_in_at: ts(r, 13)?,
            called_at: ts(r, 14)?,
            completed_at: ts(r, 15)?,
            version: r.get(16)?,
        },
        patient_name: full_name(
            &r.get::<_, String>(17)?,
            &r.get::<_, String>(18)?,
            &r.get::<_, String>(19)?,
        ),
        mrn: r.get(20)?,
        phone: r.get(21)?,
        clinician_name: r.get(22)?,
        type_name: r.get(23)?,
    })
}

fn query(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Booked>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{BOOKED} {tail}"))?;
    let rows = stmt.query_map(p, booked)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One appointment with its names.
pub fn get(conn: &Connection, id: &Id) -> Result<Option<Booked>, StoreError> {
    Ok(query(conn, "WHERE a.id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// A day's appointments by start time, then clinician.
pub fn day(conn: &Connection, day: NaiveDate) -> Result<Vec<Booked>, StoreError> {
    query(
        conn,
        "WHERE a.day = ?1 ORDER BY a.start_min, u.full_name, a.id",
        [day_text(day)],
    )
}

/// A patient's appointments, latest first.
pub fn for_patient(conn: &Connection, patient: &Id) -> Result<Vec<Booked>, StoreError> {
    query(
        conn,
        "WHERE a.patient_id = ?1 ORDER BY a.day DESC, a.start_min DESC",
        [patient.as_str()],
    )
}

/// The appointments holding time that overlap `span` on `day` and share its
/// clinician or its patient (`except` is left out: the one being moved).
pub fn clashes(
    conn: &Connection,
    day: NaiveDate,
    span: &Span,
    clinician: &Id,
    patient: &Id,
    except: Option<&Id>,
) -> Result<Vec<Booked>, StoreError> {
    query(
        conn,
        "WHERE a.day = ?1 AND a.status NOT IN ('cancelled', 'no_show')
           AND (a.clinician_id = ?2 OR a.patient_id = ?3)
           AND a.start_min < ?5 AND a.end_min > ?4 AND a.id IS NOT ?6
         ORDER BY a.start_min",
        params![
            day_text(day),
            clinician.as_str(),
            patient.as_str(),
            span.start,
            span.end,
            except.map(Id::as_str)
        ],
    )
}

/// Pairs of appointments holding time, one of `survivor` and one of
/// `other`, that overlap: what moving the other's appointments to the
/// survivor (a merge) would double-book.
pub fn merge_clashes(
    conn: &Connection,
    survivor: &Id,
    other: &Id,
) -> Result<Vec<(Booked, Booked)>, StoreError> {
    let theirs = query(
        conn,
        "WHERE a.patient_id = ?1 AND a.status NOT IN ('cancelled', 'no_show')
         ORDER BY a.day, a.start_min",
        [other.as_str()],
    )?;
    let mut out = Vec::new();
    for o in theirs {
        let mine = query(
            conn,
            "WHERE a.patient_id = ?1 AND a.day = ?2 AND a.status NOT IN ('cancelled', 'no_show')
               AND a.start_min < ?4 AND a.end_min > ?3
             ORDER BY a.start_min",
            params![
                survivor.as_str(),
                day_text(o.appt.day),
                o.appt.span.start,
                o.appt.span.end
            ],
        )?;
        out.extend(mine.into_iter().map(|s| (s, o.clone())));
    }
    Ok(out)
}

/// Moves every appointment of `from` to `to` (a merge); returns how many.
/// The schema's overlap trigger still guards the survivor's time.
pub fn move_patient(
    tx: &Transaction,
    from: &Id,
    to: &Id,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    tx.execute(
        "UPDATE appointments SET patient_id = ?2, updated_at = ?3, updated_by = ?4,
                version = version + 1
         WHERE patient_id = ?1",
        params![from.as_str(), to.as_str(), format_ts(now), by],
    )
    .map_err(overlap)
}

/// Time already taken from `from` on, over `days` days, by the clinician or
/// (when given) the patient.
pub fn busy(
    conn: &Connection,
    clinician: &Id,
    patient: Option<&Id>,
    from: NaiveDate,
    days: i64,
    except: Option<&Id>,
) -> Result<BTreeMap<NaiveDate, Vec<Span>>, StoreError> {
    let to = from + chrono::Duration::days(days);
    let mut stmt = conn.prepare_cached(
        "SELECT day, start_min, end_min FROM appointments
         WHERE day >= ?1 AND day <= ?2 AND status NOT IN ('cancelled', 'no_show')
           AND (clinician_id = ?3 OR patient_id IS ?4) AND id IS NOT ?5",
    )?;
    let mut rows = stmt.query(params![
        day_text(from),
        day_text(to),
        clinician.as_str(),
        patient.map(Id::as_str),
        except.map(Id::as_str)
    ])?;
    let mut out: BTreeMap<NaiveDate, Vec<Span>> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        if let Some(span) = Span::new(r.get(1)?, r.get(2)?) {
            out.entry(day_of(r, 0)?).or_default().push(span);
        }
    }
    Ok(out)
}

/// Today's arrived patients waiting, in order of arrival.
pub fn queue(conn: &Connection, day: NaiveDate) -> Result<Vec<Booked>, StoreError> {
    query(
        conn,
        "WHERE a.day = ?1 AND a.status = 'checked_in' ORDER BY a.checked_in_at, a.id",
        [day_text(day)],
    )
}

/// What a new appointment is.
#[derive(Debug, Clone)]
pub struct NewAppointment<'a> {
    pub patient: &'a Id,
    pub clinician: &'a Id,
    pub type_id: &'a Id,
    pub day: NaiveDate,
    pub span: Span,
    pub notes: &'a str,
    pub walk_in: bool,
    /// Walk-ins arrive checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
    pub rescheduled_from: Option<&'a Id>,
}

fn overlap(e: rusqlite::Error) -> StoreError {
    if e.to_string().contains("appointment overlaps") {
        StoreError::Conflict(
            "another appointment of the same clinician or patient was booked at that time meanwhile: look at the day again and choose another time"
                .into(),
        )
    } else {
        StoreError::Sqlite(e)
    }
}

pub fn insert(
    tx: &Transaction,
    a: &NewAppointment,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Id, StoreError> {
    let id = Id::new();
    let status = if a.checked_in_at.is_some() {
        Status::CheckedIn
    } else {
        Status::Scheduled
    };
    tx.execute(
        "INSERT INTO appointments (id, patient_id, clinician_id, type_id, day, start_min, end_min,
            status, walk_in, notes, rescheduled_from, checked_in_at, created_at, created_by,
            updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?13, ?14)",
        params![
            id.as_str(),
            a.patient.as_str(),
            a.clinician.as_str(),
            a.type_id.as_str(),
            day_text(a.day),
            a.span.start,
            a.span.end,
            status.to_string(),
            a.walk_in,
            a.notes,
            a.rescheduled_from.map(Id::as_str),
            a.checked_in_at.map(format_ts),
            format_ts(now),
            by
        ],
    )
    .map_err(overlap)?;
    Ok(id)
}

/// The stamps a status change sets or clears.
#[derive(Debug, Clone, Default)]
pub struct StatusChange {
    pub cancel_reason: Option<String>,
    pub rescheduled_to: Option<Id>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub called_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// Moves an appointment to `to`, setting the stamps in `stamps` (a stamp
/// left `None` is cleared); refused when another terminal changed it since
/// `version`.
pub fn set_status(
    tx: &Transaction,
    id: &Id,
    version: i64,
    to: Status,
    stamps: &StatusChange,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = tx
        .execute(
            "UPDATE appointments SET status = ?3, cancel_reason = ?4, rescheduled_to = ?5,
                checked_in_at = ?6, called_at = ?7, completed_at = ?8,
                updated_at = ?9, updated_by = ?10, version = version + 1
             WHERE id = ?1 AND version = ?2",
            params![
                id.as_str(),
                version,
                to.to_string(),
                stamps.cancel_reason,
                stamps.rescheduled_to.as_ref().map(Id::as_str),
                stamps.checked_in_at.map(format_ts),
                stamps.called_at.map(format_ts),
                stamps.completed_at.map(format_ts),
                format_ts(now),
                by
            ],
        )
        .map_err(overlap)?;
    if n == 0 {
        return Err(StoreError::Conflict(
            "this appointment was changed in another terminal meanwhile: look at it again and redo the change"
                .into(),
        ));
    }
    Ok(())
}
