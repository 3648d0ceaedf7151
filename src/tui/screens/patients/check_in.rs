//! Checking a patient in from their record (`i`): the front desk finds the
//! patient as usual and checks in their appointment today without looking
//! for it in the day view.

use super::Pending;
use super::record::PatientRecord;
use crate::domain::appointment::{Status, minute_of};
use crate::domain::front_desk::to_check_in;
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::appointments as ops;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};

/// Checks in the patient's appointment today: the only one still to come,
/// or of several the next one. Says so when there is none. An inpatient
/// is named with the ward and bed and asked about once; `inpatient_ok`
/// when the answer was yes.
pub(super) fn check_in(record: &mut PatientRecord, ctx: &mut Ctx, inpatient_ok: bool) -> Said {
    if let Some(r) = refused(ctx, Permission::ManageAppointments, "check patients in") {
        return r;
    }
    let clock = ctx.clock();
    let list = match ops::for_patient(ctx.db, ctx.session, &record.patient.id) {
        Ok(list) => list,
        Err(e) => return said_error(e),
    };
    let Some(b) = to_check_in(&list, clock.today(), minute_of(clock.local())).cloned() else {
        record.appointments = Some(Ok(list));
        return Said::Info(format!(
            "{} has no appointment to check in today: book one on the Appointments tab (F3), or take a walk-in there (w).",
            record.patient.details.full_name()
        ));
    };
    let allow = ops::AllowCallIn {
        inpatient: inpatient_ok,
        ..ops::AllowCallIn::default()
    };
    let result = ops::advance_allowing(
        ctx.db,
        ctx.session,
        &b.appt.id,
        b.appt.version,
        Status::CheckedIn,
        None,
        allow,
        clock,
    );
    record.appointments =
        Some(ops::for_patient(ctx.db, ctx.session, &record.patient.id).map_err(|e| e.to_string()));
    match result {
        Ok(after) => Said::Info(format!(
            "{} checked in for {} {} with {}: waiting in the queue.",
            after.patient_name, after.appt.span, after.type_name, after.clinician_name
        )),
        Err(Error::AskFirst(question)) => Question::confirm(
            format!("{question}. Check them in for this appointment anyway?"),
            Pending::CheckInInpatient,
        )
        .into(),
        Err(e) => said_error(e),
    }
}
