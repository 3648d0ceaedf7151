//! Diagnoses of a visit: recorded with the code system, code and text the
//! caller chose from a code list (the list and its search are elsewhere),
//! primary or secondary, provisional or confirmed. A wrong one is marked
//! entered in error with a reason; a correction is a new diagnosis.

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::Clock;
use crate::domain::conditions::{Certainty, Rank, check_coded};
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::domain::visit::check_reason;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::Db;
use crate::store::clinical::conditions::{self as store, Diagnosis};
use crate::store::clinical::{Marked, mark_error, visits};

/// A diagnosis to record.
#[derive(Debug, Clone)]
pub struct DiagnosisInput<'a> {
    pub visit: &'a Id,
    pub code_system: &'a str,
    pub code: &'a str,
    /// The text as recorded (the code list's title, or the clinician's words).
    pub text: &'a str,
    pub rank: Rank,
    pub certainty: Certainty,
}

/// Records a diagnosis of a visit (doctors).
pub fn add(db: &mut Db, by: &Session, input: &DiagnosisInput, clock: Clock) -> Result<Diagnosis> {
    let coded = check_coded(input.code_system, input.code, input.text).map_err(Error::Refused)?;
    crate::ops::codes::require_known(db, &coded.system, &coded.code)?;
    clinical::write(
        db,
        by,
        Permission::WriteClinicalRecord,
        "record diagnoses",
        |tx| {
            let v = visits::visit_by_id(tx, input.visit)?
                .ok_or_else(|| Error::NotFound("that visit is not in this hospital file".into()))?;
            let p = clinical::patient_in_use(tx, &v.patient_id)?;
            clinical::require_whole_record(tx, by, &v.patient_id, clock)?;
            if input.rank == Rank::Primary
                && let Some(d) = store::diagnoses_of_visit(tx, input.visit)?
                    .into_iter()
                    .find(|d| d.rank == Rank::Primary && d.error.is_none())
            {
                return Err(Error::Refused(format!(
                    "this visit's primary diagnosis is {} {} already: record this one as secondary, or mark that one entered in error first",
                    d.coded.code, d.coded.text
                )));
            }
            let id = store::insert_diagnosis(
                tx,
                input.visit,
                &v.patient_id,
                &coded,
                input.rank,
                input.certainty,
                &by.user.id,
                clock.now,
            )?;
            let d = store::diagnosis_by_id(tx, &id)?
                .ok_or_else(|| Error::NotFound("the new diagnosis vanished".into()))?;
            let e = event(
                AuditAction::Create,
                "diagnosis",
                &id,
                &v.patient_id,
                format!(
                    "{} {} diagnosis for {}: {} {} {}",
                    input.certainty, input.rank, p.mrn, coded.system, coded.code, coded.text
                ),
            );
            Ok((d, vec![e]))
        },
    )
}

/// Marks a wrong diagnosis entered in error, with a reason.
pub fn mark_in_error(
    db: &mut Db,
    by: &Session,
    id: &Id,
    reason: &str,
    clock: Clock,
) -> Result<Diagnosis> {
    let reason = check_reason(reason, "reason the diagnosis is wrong").map_err(Error::Refused)?;
    clinical::write(
        db,
        by,
        Permission::WriteClinicalRecord,
        "correct diagnoses",
        |tx| {
            let d = store::diagnosis_by_id(tx, id)?.ok_or_else(|| {
                Error::NotFound("that diagnosis is not in this hospital file".into())
            })?;
            clinical::require_whole_record(tx, by, &d.patient_id, clock)?;
            if d.error.is_some()
                || !mark_error(tx, Marked::Diagnosis, id, &by.user.id, &reason, clock.now)?
            {
                return Err(Error::Refused(
                    "this diagnosis is marked entered in error already".into(),
                ));
            }
            let after = store::diagnosis_by_id(tx, id)?
                .ok_or_else(|| Error::NotFound("the diagnosis vanished".into()))?;
            let e = event(
                AuditAction::EnteredInError,
                "diagnosis",
                id,
                &d.patient_id,
                format!(
                    "diagnosis {} {} marked entered in error: {reason}",
                    d.coded.code, d.coded.text
                ),
            );
            Ok((after, vec![e]))
        },
    )
}
