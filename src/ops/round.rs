//! The ward nurse's medication round across the wards she works on: the
//! doses due and overdue on them in the order she gives them (overdue
//! first, then by time and bed), and opening a patient's chart from it.
//! Both are READ events, since they show patient data.

use crate::auth::Session;
use crate::domain::audit::{AuditAction, AuditEvent};
use crate::domain::clock::Clock;
use crate::domain::ids::Id;
use crate::domain::prescribing::mar::DoseState;
use crate::domain::role::Permission;
use crate::error::{Error, Result};
use crate::ops::clinical::event;
use crate::ops::mar::{self, Chart, Due};
use crate::store::Db;
use chrono::NaiveDate;

/// The doses due now and overdue on `wards`, overdue first, then by due
/// time, then bed. `audit` writes one READ event when any are listed.
pub fn due_on_wards(
    db: &mut Db,
    by: &Session,
    wards: &[Id],
    clock: Clock,
    audit: bool,
) -> Result<Vec<Due>> {
    by.require(Permission::GiveDoses, "see the medication round")?;
    let mut due = Vec::new();
    for w in wards {
        due.extend(mar::due_now(db, by, w, clock)?);
    }
    due.sort_by(|a, b| {
        let key = |d: &Due| (d.state != DoseState::Overdue, d.due_at);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.patient.bed.cmp(&b.patient.bed))
            .then_with(|| a.prescription.medicine.cmp(&b.prescription.medicine))
    });
    if audit && !due.is_empty() {
        let patients: std::collections::HashSet<&Id> =
            due.iter().map(|d| &d.patient.patient_id).collect();
        let summary = format!(
            "viewed the medication round: {} doses of {} patients",
            due.len(),
            patients.len()
        );
        db.write(&by.actor(), |_| {
            let e = AuditEvent::new(AuditAction::Read, "mar", summary);
            Ok::<_, Error>(((), vec![e]))
        })?;
    }
    Ok(due)
}

/// An admitted patient's chart for a day (see [`mar::chart`]), opened by
/// the nurse: a READ event of the patient's medication record.
pub fn open_chart(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    day: NaiveDate,
    clock: Clock,
) -> Result<Chart> {
    let chart = mar::chart(db, by, patient, day, clock)?;
    let summary = format!("viewed the medication chart of {day}");
    db.write(&by.actor(), |_| {
        let e = event(AuditAction::Read, "mar", &chart.admission, patient, summary);
        Ok::<_, Error>(((), vec![e]))
    })?;
    Ok(chart)
}
