//! The queue's actions: moving through the patients waiting, calling the
//! next one (or the one selected) into consultation, back to the day.

use super::{Appointments, Ctx, View};
use crate::domain::appointment::Status;
use crate::ops::appointments as ops;
use crate::tui::keymap::Action;
use crate::tui::screen::{Said, said_error};

impl Appointments {
    pub(super) fn perform_queue(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let n = self.queue_shown().len();
        if self.queue_selected.navigate(action, n) {
            return Said::Nothing;
        }
        match action {
            Action::Back => {
                self.view = View::Day;
            }
            Action::FilterClinician => return self.next_filter(),
            Action::Open => return self.open_record(),
            Action::Refresh => return self.load_day(ctx, false),
            Action::StartConsultation => return self.advance(Status::InConsultation, None, ctx),
            Action::CallNext => {
                if let Some(next) = self.next_if_clinician_busy(ctx) {
                    return self.call_in(&next, ctx);
                }
                let clinician = self
                    .filter
                    .and_then(|i| self.clinicians.get(i))
                    .map(|c| c.id.clone());
                return match ops::call_next(ctx.db, ctx.session, clinician.as_ref(), ctx.clock()) {
                    Ok(b) => {
                        let said = self.load_day(ctx, false);
                        if said != Said::Nothing {
                            return said;
                        }
                        if let Some(go) = visit_of(&b, ctx) {
                            return go;
                        }
                        Said::Info(format!(
                            "{} {} called in to {}.",
                            b.mrn, b.patient_name, b.clinician_name
                        ))
                    }
                    Err(e) => said_error(e),
                };
            }
            _ => {}
        }
        Said::Nothing
    }
}

/// A clinician who calls in their own patient lands in that appointment's
/// visit (the visits area opens it); the desk stays on the day.
pub(super) fn visit_of(b: &crate::domain::appointment::Booked, ctx: &Ctx) -> Option<Said> {
    let may_write = ctx
        .session
        .role()
        .can(crate::domain::role::Permission::ClinicalWorklist);
    (may_write && b.appt.clinician_id == ctx.session.user.id).then(|| {
        Said::Go(crate::tui::screen::Request::OpenVisit {
            appointment: b.appt.id.clone(),
            patient: b.appt.patient_id.clone(),
        })
    })
}
