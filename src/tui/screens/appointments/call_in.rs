//! Calling a patient into consultation (`s`, or `n` in the queue) while the
//! clinician already has one in the room asks once, naming both, instead of
//! leaving two patients "in consultation" with one doctor unnoticed.

use super::prompts::Pending;
use super::{Appointments, Ctx};
use crate::domain::appointment::{Booked, Status};
use crate::domain::front_desk::{already_in_consultation, in_consultation_with};
use crate::domain::role::Permission;
use crate::ops::appointments as ops;
use crate::tui::popups::Question;
use crate::tui::screen::Said;

impl Appointments {
    /// Calls `b` in, first asking when its clinician already has a patient
    /// in consultation today.
    pub(super) fn call_in(&mut self, b: &Booked, ctx: &mut Ctx) -> Said {
        if let Some(r) = Self::refused(
            ctx,
            Permission::RunConsultations,
            "call patients into consultation",
        ) {
            return r;
        }
        let today = ctx.clock().today();
        let busy = (self.day == today)
            .then(|| in_consultation_with(&self.list, &b.appt.clinician_id, &b.appt.id))
            .flatten();
        if let Some(busy) = busy {
            let question = format!(
                "{}. Call {} in too?",
                already_in_consultation(busy, ctx.clock().zone),
                b.patient_name
            );
            return Question::confirm(
                question,
                Pending::CallIn {
                    id: b.appt.id.clone(),
                    version: b.appt.version,
                },
            )
            .into();
        }
        self.advance_one(
            &b.appt.id,
            b.appt.version,
            Status::InConsultation,
            None,
            ops::AllowCallIn::default(),
            ctx,
        )
    }

    /// `n` in the queue: the first patient waiting (for the clinician
    /// shown) when their clinician already has someone in consultation, to
    /// be asked about as `s` is.
    pub(super) fn next_if_clinician_busy(&self, ctx: &Ctx) -> Option<Booked> {
        if self.day != ctx.clock().today() {
            return None;
        }
        let next = self.queue_shown().first().map(|b| (*b).clone())?;
        in_consultation_with(&self.list, &next.appt.clinician_id, &next.appt.id).map(|_| next)
    }
}
