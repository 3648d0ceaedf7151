//! Wards, beds, admissions and bed stays in SQL.
//!
//! The rules that must hold even when this code is bypassed (one active
//! admission per patient, one occupant per bed, the bed status moves) are
//! in the schema; these functions read and write rows, and report a lost
//! race (a bed whose status changed since it was read) as a conflict.

use super::StoreError;
use super::clinical::vitals::{AdmissionScore, admission_score};
use crate::domain::beds::{
    BedKind, BedStatus, Disposition, SexRestriction, StayEnd, StaySpan, StayStart, WardKind,
};
use crate::domain::ids::Id;
use crate::domain::patient::{Sex, full_name};
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

mod admissions;
pub use admissions::*;

fn conversion(i: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

fn ts(r: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = r.get(i)?;
    parse_ts(&s).ok_or_else(|| conversion(i, "time"))
}

fn opt_ts(r: &Row, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(parse_ts))
}

fn parsed<T: std::str::FromStr>(r: &Row, i: usize, what: &str) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| conversion(i, what))
}

/// A ward of the hospital.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ward {
    pub id: Id,
    pub name: String,
    pub kind: WardKind,
    pub sex: Option<SexRestriction>,
    pub retired_at: Option<DateTime<Utc>>,
}

const WARD_COLUMNS: &str = "id, name, kind, sex_restriction, retired_at";

fn ward(r: &Row) -> rusqlite::Result<Ward> {
    Ok(Ward {
        id: Id::from_stored(r.get(0)?),
        name: r.get(1)?,
        kind: parsed(r, 2, "ward kind")?,
        sex: r
            .get::<_, Option<String>>(3)?
            .as_deref()
            .and_then(SexRestriction::from_code),
        retired_at: opt_ts(r, 4)?,
    })
}

/// A bed, with its ward's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bed {
    pub id: Id,
    pub ward_id: Id,
    pub ward_name: String,
    pub label: String,
    pub kind: BedKind,
    pub status: BedStatus,
    pub status_since: DateTime<Utc>,
    pub reserved_for: Option<Id>,
    pub reserved_until: Option<DateTime<Utc>>,
    pub out_of_service_reason: Option<String>,
    pub cleaned_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
}

const BED_COLUMNS: &str = "b.id, b.ward_id, w.name, b.label, b.kind, b.status, b.status_since,
    b.reserved_for, b.reserved_until, b.out_of_service_reason, b.cleaned_at, b.retired_at";

fn bed(r: &Row) -> rusqlite::Result<Bed> {
    Ok(Bed {
        id: Id::from_stored(r.get(0)?),
        ward_id: Id::from_stored(r.get(1)?),
        ward_name: r.get(2)?,
        label: r.get(3)?,
        kind: parsed(r, 4, "bed kind")?,
        status: parsed(r, 5, "bed status")?,
        status_since: ts(r, 6)?,
        reserved_for: r.get::<_, Option<String>>(7)?.map(Id::from_stored),
        reserved_until: opt_ts(r, 8)?,
        out_of_service_reason: r.get(9)?,
        cleaned_at: opt_ts(r, 10)?,
        retired_at: opt_ts(r, 11)?,
    })
}

/// A patient as the board names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientTag {
    pub id: Id,
    pub mrn: String,
    pub name: String,
    pub sex: Sex,
}

/// An admission, with the names the screens show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    pub id: Id,
    pub patient: PatientTag,
    pub bed_id: Id,
    pub bed_label: String,
    pub ward_name: String,
    pub attending_id: Id,
    pub attending: String,
    pub reason: String,
    pub admitted_at: DateTime<Utc>,
    pub discharged_at: Option<DateTime<Utc>>,
    pub disposition: Option<Disposition>,
    pub discharge_note: Option<String>,
}

const ADMISSION_COLUMNS: &str = "a.id, a.patient_id, p.mrn, p.given_name, p.middle_name,
    p.family_name, p.sex, a.bed_id, b.label, w.name, a.attending_id,
    (SELECT CASE WHEN full_name <> '' THEN full_name ELSE user_name END FROM users WHERE id = a.attending_id),
    a.reason, a.admitted_at, a.discharged_at, a.disposition, a.discharge_note";

const ADMISSION_FROM: &str = "FROM admissions a JOIN patients p ON p.id = a.patient_id
    JOIN beds b ON b.id = a.bed_id JOIN wards w ON w.id = b.ward_id";

fn admission(r: &Row) -> rusqlite::Result<Admission> {
    Ok(Admission {
        id: Id::from_stored(r.get(0)?),
        patient: PatientTag {
            id: Id::from_stored(r.get(1)?),
            mrn: r.get(2)?,
            name: full_name(
                &r.get::<_, String>(3)?,
                &r.get::<_, String>(4)?,
                &r.get::<_, String>(5)?,
            ),
            sex: parsed(r, 6, "sex")?,
        },
        bed_id: Id::from_stored(r.get(7)?),
        bed_label: r.get(8)?,
        ward_name: r.get(9)?,
        attending_id: Id::from_stored(r.get(10)?),
        attending: r.get::<_, Option<String>>(11)?.unwrap_or_default(),
        reason: r.get(12)?,
        admitted_at: ts(r, 13)?,
        discharged_at: opt_ts(r, 14)?,
        disposition: match r.get::<_, Option<String>>(15)? {
            Some(s) => Some(s.parse().map_err(|_| conversion(15, "disposition"))?),
            None => None,
        },
        discharge_note: r.get(16)?,
    })
}

/// One bed of an admission's history (or one patient of a bed's history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    pub admission_id: Id,
    pub patient: PatientTag,
    pub bed_label: String,
    pub ward_name: String,
    pub started_at: DateTime<Utc>,
    pub started_by: StayStart,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<StayEnd>,
    /// Why the stay began (the transfer's reason; the admission's reason).
    pub reason: String,
}

const STAY_COLUMNS: &str = "s.admission_id, p.id, p.mrn, p.given_name, p.middle_name,
    p.family_name, p.sex, b.label, w.name, s.started_at, s.started_by, s.ended_at, s.ended_by,
    s.reason";

const STAY_FROM: &str = "FROM bed_stays s JOIN admissions a ON a.id = s.admission_id
    JOIN patients p ON p.id = a.patient_id JOIN beds b ON b.id = s.bed_id
    JOIN wards w ON w.id = s.ward_id";

fn stay(r: &Row) -> rusqlite::Result<Stay> {
    Ok(Stay {
        admission_id: Id::from_stored(r.get(0)?),
        patient: PatientTag {
            id: Id::from_stored(r.get(1)?),
            mrn: r.get(2)?,
            name: full_name(
                &r.get::<_, String>(3)?,
                &r.get::<_, String>(4)?,
                &r.get::<_, String>(5)?,
            ),
            sex: parsed(r, 6, "sex")?,
        },
        bed_label: r.get(7)?,
        ward_name: r.get(8)?,
        started_at: ts(r, 9)?,
        started_by: parsed(r, 10, "stay start")?,
        ended_at: opt_ts(r, 11)?,
        ended_by: match r.get::<_, Option<String>>(12)? {
            Some(s) => Some(s.parse().map_err(|_| conversion(12, "stay end"))?),
            None => None,
        },
        reason: r.get(13)?,
    })
}

// ---- wards ----------------------------------------------------------------

/// The wards, in name order; retired ones only when asked.
pub fn wards(conn: &Connection, with_retired: bool) -> Result<Vec<Ward>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {WARD_COLUMNS} FROM wards WHERE ?1 OR retired_at IS NULL ORDER BY lower(name), id"
    ))?;
    let rows = stmt.query_map([with_retired], ward)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A ward in use by its name (any case).
pub fn ward_by_name(conn: &Connection, name: &str) -> Result<Option<Ward>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {WARD_COLUMNS} FROM wards WHERE lower(name) = lower(?1) AND retired_at IS NULL"
            ),
            [name.trim()],
            ward,
        )
        .optional()?)
}

/// A ward by its id, retired or not.
pub fn ward_by_id(conn: &Connection, id: &Id) -> Result<Option<Ward>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {WARD_COLUMNS} FROM wards WHERE id = ?1"),
            [id.as_str()],
            ward,
        )
        .optional()?)
}

/// Adds a ward.
pub fn insert_ward(
    tx: &Transaction,
    name: &str,
    kind: WardKind,
    sex: Option<SexRestriction>,
    now: DateTime<Utc>,
) -> Result<Ward, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO wards (id, name, kind, sex_restriction, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id.as_str(),
            name,
            kind.to_string(),
            sex.map(SexRestriction::code),
            format_ts(now)
        ],
    )?;
    ward_by_id(tx, &id)?.ok_or_else(|| StoreError::Conflict("the new ward vanished".into()))
}

/// Renames a ward (the unique index refuses a name in use).
pub fn rename_ward(tx: &Transaction, id: &Id, name: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE wards SET name = ?2, version = version + 1 WHERE id = ?1",
        params![id.as_str(), name],
    )?;
    Ok(())
}

/// Marks a ward retired; its rows and history stay.
pub fn retire_ward(tx: &Transaction, id: &Id, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE wards SET retired_at = ?2, version = version + 1 WHERE id = ?1",
        params![id.as_str(), format_ts(now)],
    )?;
    Ok(())
}

// ---- beds -----------------------------------------------------------------

/// The beds in use, by ward name then label; only one ward's when given.
pub fn beds(conn: &Connection, ward: Option<&Id>) -> Result<Vec<Bed>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {BED_COLUMNS} FROM beds b JOIN wards w ON w.id = b.ward_id
         WHERE b.retired_at IS NULL AND w.retired_at IS NULL AND (?1 IS NULL OR b.ward_id = ?1)
         ORDER BY lower(w.name), w.id, b.label"
    ))?;
    let rows = stmt.query_map([ward.map(Id::as_str)], bed)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A bed by its id, retired or not.
pub fn bed_by_id(conn: &Connection, id: &Id) -> Result<Option<Bed>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {BED_COLUMNS} FROM beds b JOIN wards w ON w.id = b.ward_id WHERE b.id = ?1"
            ),
            [id.as_str()],
            bed,
        )
        .optional()?)
}

/// A bed in use by its label (any case).
pub fn bed_by_label(conn: &Connection, label: &str) -> Result<Option<Bed>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {BED_COLUMNS} FROM beds b JOIN wards w ON w.id = b.ward_id
                 WHERE b.label = upper(?1) AND b.retired_at IS NULL"
            ),
            [label.trim()],
            bed,
        )
        .optional()?)
}

/// The bed reserved for a patient, if any.
pub fn reservation_of(conn: &Connection, patient: &Id) -> Result<Option<Bed>, StoreError> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {BED_COLUMNS} FROM beds b JOIN wards w ON w.id = b.ward_id
                 WHERE b.reserved_for = ?1"
            ),
            [patient.as_str()],
            bed,
        )
        .optional()?)
}

/// Hands the beds reserved for `from` to `to` (a merge); returns how many.
pub fn move_reservations(tx: &Transaction, from: &Id, to: &Id) -> Result<usize, StoreError> {
    Ok(tx.execute(
        "UPDATE beds SET reserved_for = ?2, version = version + 1 WHERE reserved_for = ?1",
        params![from.as_str(), to.as_str()],
    )?)
}

/// Adds an available bed to a ward.
pub fn insert_bed(
    tx: &Transaction,
    ward: &Id,
    label: &str,
    kind: BedKind,
    now: DateTime<Utc>,
) -> Result<Bed, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO beds (id, ward_id, label, kind, status, status_since, created_at)
         VALUES (?1, ?2, ?3, ?4, 'available', ?5, ?5)",
        params![
            id.as_str(),
            ward.as_str(),
            label,
            kind.to_string(),
            format_ts(now)
        ],
    )?;
    bed_by_id(tx, &id)?.ok_or_else(|| StoreError::Conflict("the new bed vanished".into()))
}

/// Relabels a bed (the unique index refuses a label in use).
pub fn relabel_bed(tx: &Transaction, id: &Id, label: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE beds SET label = ?2, version = version + 1 WHERE id = ?1",
        params![id.as_str(), label],
    )?;
    Ok(())
}

/// Marks a bed retired (the schema refuses an occupied or reserved bed).
pub fn retire_bed(tx: &Transaction, id: &Id, now: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE beds SET retired_at = ?2, version = version + 1 WHERE id = ?1",
        params![id.as_str(), format_ts(now)],
    )?;
    Ok(())
}

/// What a status change sets besides the status.
#[derive(Debug, Clone, Default)]
pub struct StatusExtras<'a> {
    pub reserved_for: Option<&'a Id>,
    pub reserved_until: Option<DateTime<Utc>>,
    pub out_of_service_reason: Option<&'a str>,
    pub cleaned_at: Option<DateTime<Utc>>,
}

/// Moves a bed from `from` to `to`. A bed no longer in `from` (another
/// terminal got there first) is a conflict that names what it is now.
pub fn set_status(
    tx: &Transaction,
    bed: &Id,
    from: BedStatus,
    to: BedStatus,
    extras: &StatusExtras,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = tx.execute(
        "UPDATE beds SET status = ?3, status_since = ?4, reserved_for = ?5, reserved_until = ?6,
                out_of_service_reason = ?7, cleaned_at = coalesce(?8, cleaned_at),
                version = version + 1
         WHERE id = ?1 AND status = ?2 AND retired_at IS NULL",
        params![
            bed.as_str(),
            from.to_string(),
            to.to_string(),
            format_ts(now),
            extras.reserved_for.map(Id::as_str),
            extras.reserved_until.map(format_ts),
            extras.out_of_service_reason,
            extras.cleaned_at.map(format_ts),
        ],
    )?;
    if n == 1 {
        return Ok(());
    }
    let now_status = bed_by_id(tx, bed)?;
    Err(StoreError::Conflict(match now_status {
        Some(b) => format!(
            "bed {} is {} now (another terminal changed it): look at the board again and choose",
            b.label,
            b.status.label()
        ),
        None => "that bed is not in this hospital file".into(),
    }))
}

/// Lapses every reservation whose time has passed: the bed is available
/// again. Returns the beds and whom they were held for.
pub fn lapse_reservations(
    tx: &Transaction,
    now: DateTime<Utc>,
) -> Result<Vec<(Bed, Id)>, StoreError> {
    let due: Vec<Bed> = {
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {BED_COLUMNS} FROM beds b JOIN wards w ON w.id = b.ward_id
             WHERE b.status = 'reserved' AND b.reserved_until <= ?1"
        ))?;
        stmt.query_map([format_ts(now)], bed)?
            .collect::<Result<_, _>>()?
    };
    let mut out = Vec::with_capacity(due.len());
    for b in due {
        let until = b.reserved_until.unwrap_or(now);
        set_status(
            tx,
            &b.id,
            BedStatus::Reserved,
            BedStatus::Available,
            &StatusExtras::default(),
            until,
        )?;
        if let Some(p) = b.reserved_for.clone() {
            out.push((b, p));
        }
    }
    Ok(out)
}

/// Whether any reservation is due to lapse at `now` (a cheap read first).
pub fn reservations_due(conn: &Connection, now: DateTime<Utc>) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM beds WHERE status = 'reserved' AND reserved_until <= ?1)",
        [format_ts(now)],
        |r| r.get(0),
    )?)
}

/// A patient's name tag.
pub fn patient_tag(conn: &Connection, id: &Id) -> Result<Option<PatientTag>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, mrn, given_name, middle_name, family_name, sex FROM patients WHERE id = ?1",
            [id.as_str()],
            |r| {
                Ok(PatientTag {
                    id: Id::from_stored(r.get(0)?),
                    mrn: r.get(1)?,
                    name: full_name(
                        &r.get::<_, String>(2)?,
                        &r.get::<_, String>(3)?,
                        &r.get::<_, String>(4)?,
                    ),
                    sex: parsed(r, 5, "sex")?,
                })
            },
        )
        .optional()?)
}
