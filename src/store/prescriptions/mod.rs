//! Prescriptions, their overrides and the dispenses against them in SQL;
//! the medication administration record is in `administrations`.
//!
//! What must hold with the program bypassed (a prescription fixed but for
//! its end, never more dispensed than prescribed, administrations
//! append-only) is in the schema's triggers; these functions read and write
//! rows.

use super::StoreError;
use crate::domain::ids::Id;
use crate::domain::prescribing::checks::CheckKind;
use crate::domain::prescribing::mar::Outcome;
use crate::domain::prescribing::schedule::Timing;
use crate::domain::prescribing::{Course, Dose, Priority, Route, Status};
use crate::domain::time::{format_ts, parse_ts};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

mod administrations;
pub use administrations::*;

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
    match r.get::<_, Option<String>>(i)? {
        Some(s) => parse_ts(&s).map(Some).ok_or_else(|| conversion(i, "time")),
        None => Ok(None),
    }
}

fn parsed<T: std::str::FromStr>(r: &Row, i: usize, what: &str) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| conversion(i, what))
}

fn who(column: &str) -> String {
    format!(
        "(SELECT CASE WHEN full_name <> '' THEN full_name ELSE user_name END FROM users WHERE id = {column})"
    )
}

/// The formulary's paediatric maximum of an item (micrograms per kg in one
/// dose), if it has one.
pub fn paediatric_max(conn: &Connection, item: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT paed_max_mcg_per_kg FROM stock_items WHERE id = ?1",
            [item],
            |r| r.get::<_, Option<i64>>(0),
        )
        .optional()?
        .flatten())
}

/// Sets or clears an item's paediatric maximum; `false` when there is no
/// such item.
pub fn set_paediatric_max(
    tx: &Transaction,
    item: &str,
    max: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx.execute(
        "UPDATE stock_items SET paed_max_mcg_per_kg = ?2, updated_at = ?3, version = version + 1
         WHERE id = ?1",
        params![item, max, format_ts(now)],
    )?;
    Ok(n == 1)
}

/// A prescription as stored, with its medicine's label and its
/// prescriber's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prescription {
    pub id: Id,
    pub visit_id: Id,
    pub patient_id: Id,
    /// Set for an inpatient order.
    pub admission_id: Option<Id>,
    pub prescriber_id: Id,
    pub prescriber: String,
    /// The formulary item; `None` for a medicine bought outside.
    pub item_id: Option<String>,
    /// The item's label (`Amoxicillin 500 mg capsule`) or the outside name.
    pub medicine: String,
    /// The item's stock unit (`capsule`), empty for an outside medicine.
    pub item_unit: String,
    pub generic_name: String,
    pub dose: Dose,
    pub route: Route,
    pub course: Course,
    pub instructions: String,
    pub quantity_computed: Option<i64>,
    pub quantity: i64,
    pub quantity_reason: Option<String>,
    pub dispensed: i64,
    pub priority: Priority,
    pub status: Status,
    pub starts_at: DateTime<Utc>,
    pub prescribed_at: DateTime<Utc>,
    /// When, by whom and why it was stopped or completed.
    pub ended: Option<(DateTime<Utc>, String, String)>,
}

impl Prescription {
    /// Its timing, for the schedule of doses.
    pub fn timing(&self) -> Timing {
        Timing {
            frequency: self.course.frequency,
            starts_at: self.starts_at,
            duration_days: self.course.duration_days,
            ended_at: self.ended.as_ref().map(|(at, _, _)| *at),
        }
    }

    /// What the pharmacy still owes.
    pub fn owed(&self) -> i64 {
        (self.quantity - self.dispensed).max(0)
    }

    /// Whether it is a medicine bought outside.
    pub fn outside(&self) -> bool {
        self.item_id.is_none()
    }

    /// The order in one line: `Amoxicillin 500 mg capsule 500 mg oral TDS 5 days`.
    pub fn label(&self) -> String {
        let mut s = format!(
            "{} {} {} {}",
            self.medicine,
            self.dose,
            self.route.label(),
            self.course.frequency.short()
        );
        if let Some(i) = &self.course.prn_indication {
            s.push_str(&format!(" for {i}"));
        }
        if let Some(d) = self.course.duration_days {
            s.push_str(&format!(" {d} day{}", if d == 1 { "" } else { "s" }));
        }
        if self.outside() {
            s.push_str(" (bought outside)");
        }
        s
    }
}

fn columns() -> String {
    format!(
        "p.id, p.visit_id, p.patient_id, p.admission_id, p.prescriber_id, {},
         p.item_id,
         CASE WHEN i.id IS NULL THEN p.outside_name
              ELSE i.name || CASE WHEN i.strength <> '' THEN ' ' || i.strength ELSE '' END || ' ' || i.form END,
         coalesce(i.unit, ''), p.generic_name, p.dose_milli, p.dose_unit, p.route, p.frequency,
         p.prn_indication, p.prn_max_daily, p.duration_days, p.instructions, p.quantity_computed,
         p.quantity, p.quantity_reason, p.dispensed, p.priority, p.status, p.starts_at,
         p.prescribed_at, p.ended_at, {}, p.end_reason",
        who("p.prescriber_id"),
        who("p.ended_by")
    )
}

const FROM: &str = "FROM prescriptions p LEFT JOIN stock_items i ON i.id = p.item_id";

fn prescription(r: &Row) -> rusqlite::Result<Prescription> {
    let u32_of = |i: usize| -> rusqlite::Result<Option<u32>> {
        Ok(r.get::<_, Option<i64>>(i)?
            .and_then(|n| u32::try_from(n).ok()))
    };
    let ended = match opt_ts(r, 26)? {
        Some(at) => Some((
            at,
            r.get::<_, Option<String>>(27)?.unwrap_or_default(),
            r.get::<_, Option<String>>(28)?.unwrap_or_default(),
        )),
        None => None,
    };
    Ok(Prescription {
        id: Id::from_stored(r.get(0)?),
        visit_id: Id::from_stored(r.get(1)?),
        patient_id: Id::from_stored(r.get(2)?),
        admission_id: r.get::<_, Option<String>>(3)?.map(Id::from_stored),
        prescriber_id: Id::from_stored(r.get(4)?),
        prescriber: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        item_id: r.get(6)?,
        medicine: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        item_unit: r.get(8)?,
        generic_name: r.get(9)?,
        dose: Dose {
            milli: r.get(10)?,
            unit: parsed(r, 11, "dose unit")?,
        },
        route: parsed(r, 12, "route")?,
        course: Course {
            frequency: parsed(r, 13, "frequency")?,
            prn_indication: r.get(14)?,
            prn_max_daily: u32_of(15)?,
            duration_days: u32_of(16)?,
        },
        instructions: r.get(17)?,
        quantity_computed: r.get(18)?,
        quantity: r.get(19)?,
        quantity_reason: r.get(20)?,
        dispensed: r.get(21)?,
        priority: parsed(r, 22, "priority")?,
        status: parsed(r, 23, "status")?,
        starts_at: ts(r, 24)?,
        prescribed_at: ts(r, 25)?,
        ended,
    })
}

fn query(
    conn: &Connection,
    tail: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<Prescription>, StoreError> {
    let sql = format!("SELECT {} {FROM} {tail}", columns());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p, prescription)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a new prescription records.
#[derive(Debug, Clone)]
pub struct NewPrescription<'a> {
    pub visit: &'a Id,
    pub patient: &'a Id,
    pub admission: Option<&'a Id>,
    pub prescriber: &'a Id,
    pub item: Option<&'a str>,
    pub outside_name: Option<&'a str>,
    pub generic_name: &'a str,
    pub dose: Dose,
    pub route: Route,
    pub course: &'a Course,
    pub instructions: &'a str,
    pub quantity_computed: Option<i64>,
    pub quantity: i64,
    pub quantity_reason: Option<&'a str>,
    pub priority: Priority,
    pub starts_at: DateTime<Utc>,
}

/// Inserts a prescription, active.
pub fn insert(tx: &Transaction, n: &NewPrescription, now: DateTime<Utc>) -> Result<Id, StoreError> {
    let id = Id::new();
    tx.execute(
        "INSERT INTO prescriptions (id, visit_id, patient_id, admission_id, prescriber_id, item_id,
             outside_name, generic_name, dose_milli, dose_unit, route, frequency, prn_indication,
             prn_max_daily, duration_days, instructions, quantity_computed, quantity,
             quantity_reason, priority, starts_at, prescribed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22)",
        params![
            id.as_str(),
            n.visit.as_str(),
            n.patient.as_str(),
            n.admission.map(Id::as_str),
            n.prescriber.as_str(),
            n.item,
            n.outside_name,
            n.generic_name,
            n.dose.milli,
            n.dose.unit.to_string(),
            n.route.to_string(),
            n.course.frequency.to_string(),
            n.course.prn_indication,
            n.course.prn_max_daily,
            n.course.duration_days,
            n.instructions,
            n.quantity_computed,
            n.quantity,
            n.quantity_reason,
            n.priority.to_string(),
            format_ts(n.starts_at),
            format_ts(now),
        ],
    )?;
    Ok(id)
}

/// Keeps a failed check and the reason it was overridden.
pub fn insert_override(
    tx: &Transaction,
    prescription: &Id,
    kind: CheckKind,
    finding: &str,
    reason: &str,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO prescription_overrides (prescription_id, check_kind, finding, reason)
         VALUES (?1, ?2, ?3, ?4)",
        params![prescription.as_str(), kind.to_string(), finding, reason],
    )?;
    Ok(())
}

/// A check overridden when prescribing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overridden {
    pub kind: CheckKind,
    pub finding: String,
    pub reason: String,
}

/// The overrides of a prescription.
pub fn overrides(conn: &Connection, prescription: &Id) -> Result<Vec<Overridden>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT check_kind, finding, reason FROM prescription_overrides
         WHERE prescription_id = ?1 ORDER BY check_kind",
    )?;
    let rows = stmt.query_map([prescription.as_str()], |r| {
        Ok(Overridden {
            kind: parsed(r, 0, "check")?,
            finding: r.get(1)?,
            reason: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One prescription.
pub fn get(conn: &Connection, id: &Id) -> Result<Option<Prescription>, StoreError> {
    Ok(query(conn, "WHERE p.id = ?1", [id.as_str()])?
        .into_iter()
        .next())
}

/// A patient's prescriptions, newest first, at most `limit`.
pub fn of_patient(
    conn: &Connection,
    patient: &Id,
    limit: usize,
) -> Result<Vec<Prescription>, StoreError> {
    query(
        conn,
        "WHERE p.patient_id = ?1 ORDER BY p.prescribed_at DESC, p.id DESC LIMIT ?2",
        params![patient.as_str(), limit as i64],
    )
}

/// A patient's active prescriptions (their courses may have run out).
pub fn active_of_patient(conn: &Connection, patient: &Id) -> Result<Vec<Prescription>, StoreError> {
    query(
        conn,
        "WHERE p.patient_id = ?1 AND p.status = 'active' ORDER BY p.prescribed_at",
        [patient.as_str()],
    )
}

/// The orders of an admission, active ones or all, oldest first.
pub fn of_admission(
    conn: &Connection,
    admission: &Id,
    active_only: bool,
) -> Result<Vec<Prescription>, StoreError> {
    let tail = if active_only {
        "WHERE p.admission_id = ?1 AND p.status = 'active' ORDER BY p.prescribed_at"
    } else {
        "WHERE p.admission_id = ?1 ORDER BY p.prescribed_at"
    };
    query(conn, tail, [admission.as_str()])
}

/// A waiting prescription with its patient, for the pharmacy's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub prescription: Prescription,
    pub mrn: String,
    pub patient_name: String,
}

/// Active prescriptions of formulary items still owed something: stat
/// first, then urgent, then routine, oldest first within each.
pub fn queue(conn: &Connection, limit: usize) -> Result<Vec<Waiting>, StoreError> {
    let sql = format!(
        "SELECT {}, pt.mrn, pt.given_name, pt.middle_name, pt.family_name {FROM}
         JOIN patients pt ON pt.id = p.patient_id
         WHERE p.status = 'active' AND p.dispensed < p.quantity
         ORDER BY CASE p.priority WHEN 'stat' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                  p.prescribed_at, p.id
         LIMIT ?1",
        columns()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([limit as i64], |r| {
        let names: [String; 3] = [r.get(30)?, r.get(31)?, r.get(32)?];
        Ok(Waiting {
            prescription: prescription(r)?,
            mrn: r.get(29)?,
            patient_name: crate::domain::patient::full_name(&names[0], &names[1], &names[2]),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ends an active prescription (stopped or completed); `false` when it
/// was not active any more. An end stamped before the prescription (a
/// terminal whose clock is behind) is stamped at the prescription's time.
pub fn end(
    tx: &Transaction,
    id: &Id,
    status: Status,
    by: &Id,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = tx.execute(
        "UPDATE prescriptions SET status = ?2, ended_at = max(?3, prescribed_at), ended_by = ?4,
                end_reason = ?5
         WHERE id = ?1 AND status = 'active'",
        params![
            id.as_str(),
            status.to_string(),
            format_ts(now),
            by.as_str(),
            reason
        ],
    )?;
    Ok(n == 1)
}

/// Links a dispense movement to the prescription it was dispensed against;
/// the schema refuses more than is owed.
pub fn link_dispense(
    tx: &Transaction,
    movement_seq: i64,
    prescription: &Id,
    quantity: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO prescription_dispenses (movement_seq, prescription_id, quantity)
         VALUES (?1, ?2, ?3)",
        params![movement_seq, prescription.as_str(), quantity],
    )?;
    Ok(())
}

/// The latest standing weight of a patient (grams) and when it was taken.
pub fn latest_weight(
    conn: &Connection,
    patient: &Id,
) -> Result<Option<(i64, DateTime<Utc>)>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT weight_g, taken_at FROM vitals
             WHERE patient_id = ?1 AND weight_g IS NOT NULL AND error_at IS NULL
             ORDER BY taken_at DESC LIMIT 1",
        )?
        .query_row([patient.as_str()], |r| Ok((r.get(0)?, ts(r, 1)?)))
        .optional()?)
}

/// The active orders of every admission in a bed now (the bed board's
/// overdue marks): one query for the whole hospital.
pub fn active_inpatient_orders(conn: &Connection) -> Result<Vec<Prescription>, StoreError> {
    query(
        conn,
        "JOIN admissions a ON a.id = p.admission_id
         WHERE a.discharged_at IS NULL AND p.status = 'active'
         ORDER BY p.admission_id, p.prescribed_at",
        [],
    )
}

/// The active orders of the admissions in a ward's beds now, by admission
/// then as prescribed: one query for the ward, whatever its size.
pub fn active_orders_on_ward(
    conn: &Connection,
    ward: &Id,
) -> Result<Vec<Prescription>, StoreError> {
    query(
        conn,
        "JOIN admissions a ON a.id = p.admission_id JOIN beds b ON b.id = a.bed_id
         WHERE b.ward_id = ?1 AND a.discharged_at IS NULL AND p.status = 'active'
         ORDER BY p.admission_id, p.prescribed_at",
        [ward.as_str()],
    )
}

/// One dispense against a prescription: the ledger row's sequence, how
/// many units, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxDispense {
    pub seq: i64,
    pub quantity: i64,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// A prescription's dispenses, oldest first (for the FHIR export).
pub fn dispenses_of(conn: &Connection, prescription: &Id) -> Result<Vec<RxDispense>, StoreError> {
    let sql = format!(
        "SELECT d.movement_seq, d.quantity, m.at, {}
         FROM prescription_dispenses d JOIN stock_movements m ON m.seq = d.movement_seq
         WHERE d.prescription_id = ?1 ORDER BY d.movement_seq",
        who("m.actor_id")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([prescription.as_str()], |r| {
        Ok(RxDispense {
            seq: r.get(0)?,
            quantity: r.get(1)?,
            at: ts(r, 2)?,
            by: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
