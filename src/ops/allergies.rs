//! Allergies, "no known allergies", and the problem list: recorded by
//! doctors, marked entered in error with a reason, problems resolved once.

use crate::auth::Session;
use crate::domain::audit::AuditAction;
use crate::domain::clock::Clock;
use crate::domain::conditions::{Severity, check_allergy, check_coded, check_problem_dates};
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::domain::visit::check_reason;
use crate::error::{Error, Result};
use crate::ops::clinical::{self, event};
use crate::store::Db;
use crate::store::clinical::conditions::{self as store, Allergy, Problem};
use crate::store::clinical::{Marked, mark_error};
use chrono::NaiveDate;

const WRITE: Permission = Permission::WriteClinicalRecord;

/// Records an allergy (it outranks any earlier "no known allergies").
pub fn record(
    db: &mut Db,
    by: &Session,
    patient: &Id,
    substance: &str,
    reaction: &str,
    severity: Severity,
    clock: Clock,
) -> Result<Allergy> {
    let (substance, reaction) = check_allergy(substance, reaction).map_err(Error::Refused)?;
    clinical::write(db, by, WRITE, "record allergies", |tx| {
        let p = clinical::patient_in_use(tx, patient)?;
        clinical::require_whole_record(tx, by, patient, clock)?;
        let standing = store::allergies_of(tx, patient)?;
        if standing
            .iter()
            .any(|a| a.error.is_none() && a.substance.eq_ignore_ascii_case(&substance))
        {
            return Err(Error::Refused(format!(
                "{} is recorded as an allergy of this patient already: mark that one entered in error to change it",
                substance
            )));
        }
        let id = store::insert_allergy(
            tx,
            patient,
            &substance,
            &reaction,
            severity,
            &by.user.id,
            clock.now,
        )?;
        let a = store::allergy_by_id(tx, &id)?
            .ok_or_else(|| Error::NotFound("the new allergy vanished".into()))?;
        let e = event(
            AuditAction::Create,
            "allergy",
            &id,
            patient,
            format!("allergy recorded for {}: {substance} ({severity})", p.mrn),
        );
        Ok((a, vec![e]))
    })
}

/// Records that the patient was asked and has no known allergies; refused
/// while an allergy stands.
pub fn record_no_known(db: &mut Db, by: &Session, patient: &Id, clock: Clock) -> Result<()> {
    clinical::write(db, by, WRITE, "record allergies", |tx| {
        let p = clinical::patient_in_use(tx, patient)?;
        clinical::require_whole_record(tx, by, patient, clock)?;
        if let Some(a) = store::allergies_of(tx, patient)?
            .into_iter()
            .find(|a| a.error.is_none())
        {
            return Err(Error::Refused(format!(
                "an allergy to {} is recorded: mark it entered in error first if it is wrong",
                a.substance
            )));
        }
        let id = store::insert_no_known(tx, patient, &by.user.id, clock.now)?;
        let e = event(
            AuditAction::Create,
            "allergy",
            &id,
            patient,
            format!("no known allergies recorded for {}", p.mrn),
        );
        Ok(((), vec![e]))
    })
}

/// Marks a wrong allergy entered in error, with a reason.
pub fn mark_in_error(
    db: &mut Db,
    by: &Session,
    id: &Id,
    reason: &str,
    clock: Clock,
) -> Result<Allergy> {
    let reason = check_reason(reason, "reason the allergy is wrong").map_err(Error::Refused)?;
    clinical::write(db, by, WRITE, "correct allergies", |tx| {
        let a = store::allergy_by_id(tx, id)?
            .ok_or_else(|| Error::NotFound("that allergy is not in this hospital file".into()))?;
        clinical::require_whole_record(tx, by, &a.patient_id, clock)?;
        if a.error.is_some()
            || !mark_error(tx, Marked::Allergy, id, &by.user.id, &reason, clock.now)?
        {
            return Err(Error::Refused(
                "this allergy is marked entered in error already".into(),
            ));
        }
        let after = store::allergy_by_id(tx, id)?
            .ok_or_else(|| Error::NotFound("the allergy vanished".into()))?;
        let e = event(
            AuditAction::EnteredInError,
            "allergy",
            id,
            &a.patient_id,
            format!(
                "allergy to {} marked entered in error: {reason}",
                a.substance
            ),
        );
        Ok((after, vec![e]))
    })
}

/// A problem to add to the list.
#[derive(Debug, Clone)]
pub struct ProblemInput<'a> {
    pub patient: &'a Id,
    pub code_system: &'a str,
    pub code: &'a str,
    pub text: &'a str,
    pub onset: Option<NaiveDate>,
}

/// Adds a problem (a chronic condition) to the patient's list.
pub fn add_problem(
    db: &mut Db,
    by: &Session,
    input: &ProblemInput,
    clock: Clock,
) -> Result<Problem> {
    let coded = check_coded(input.code_system, input.code, input.text).map_err(Error::Refused)?;
    crate::ops::codes::require_known(db, &coded.system, &coded.code)?;
    check_problem_dates(input.onset, None, clock.today()).map_err(Error::Refused)?;
    clinical::write(db, by, WRITE, "add problems", |tx| {
        let p = clinical::patient_in_use(tx, input.patient)?;
        clinical::require_whole_record(tx, by, input.patient, clock)?;
        let id = store::insert_problem(
            tx,
            input.patient,
            &coded,
            input.onset,
            &by.user.id,
            clock.now,
        )?;
        let pr = store::problem_by_id(tx, &id)?
            .ok_or_else(|| Error::NotFound("the new problem vanished".into()))?;
        let e = event(
            AuditAction::Create,
            "problem",
            &id,
            input.patient,
            format!("problem added for {}: {} {}", p.mrn, coded.code, coded.text),
        );
        Ok((pr, vec![e]))
    })
}

/// Resolves a problem on a day (once).
pub fn resolve_problem(
    db: &mut Db,
    by: &Session,
    id: &Id,
    on: NaiveDate,
    clock: Clock,
) -> Result<Problem> {
    clinical::write(db, by, WRITE, "resolve problems", |tx| {
        let pr = store::problem_by_id(tx, id)?
            .ok_or_else(|| Error::NotFound("that problem is not in this hospital file".into()))?;
        clinical::require_whole_record(tx, by, &pr.patient_id, clock)?;
        if pr.error.is_some() {
            return Err(Error::Refused(
                "this problem is marked entered in error".into(),
            ));
        }
        if let Some(d) = pr.resolved_on {
            return Err(Error::Refused(format!(
                "this problem was resolved on {d} already: add it again if it came back"
            )));
        }
        check_problem_dates(pr.onset, Some(on), clock.today()).map_err(Error::Refused)?;
        store::resolve_problem(tx, id, on, &by.user.id)?;
        let after = store::problem_by_id(tx, id)?
            .ok_or_else(|| Error::NotFound("the problem vanished".into()))?;
        let e = event(
            AuditAction::Update,
            "problem",
            id,
            &pr.patient_id,
            format!(
                "problem {} {} resolved on {on}",
                pr.coded.code, pr.coded.text
            ),
        );
        Ok((after, vec![e]))
    })
}

/// Marks a wrong problem entered in error, with a reason.
pub fn mark_problem_in_error(
    db: &mut Db,
    by: &Session,
    id: &Id,
    reason: &str,
    clock: Clock,
) -> Result<Problem> {
    let reason = check_reason(reason, "reason the problem is wrong").map_err(Error::Refused)?;
    clinical::write(db, by, WRITE, "correct problems", |tx| {
        let pr = store::problem_by_id(tx, id)?
            .ok_or_else(|| Error::NotFound("that problem is not in this hospital file".into()))?;
        clinical::require_whole_record(tx, by, &pr.patient_id, clock)?;
        if pr.error.is_some()
            || !mark_error(tx, Marked::Problem, id, &by.user.id, &reason, clock.now)?
        {
            return Err(Error::Refused(
                "this problem is marked entered in error already".into(),
            ));
        }
        let after = store::problem_by_id(tx, id)?
            .ok_or_else(|| Error::NotFound("the problem vanished".into()))?;
        let e = event(
            AuditAction::EnteredInError,
            "problem",
            id,
            &pr.patient_id,
            format!(
                "problem {} {} marked entered in error: {reason}",
                pr.coded.code, pr.coded.text
            ),
        );
        Ok((after, vec![e]))
    })
}
