//! The patient picker, asked to choose whom to admit or for whom to reserve
//! a bed: what follows once a patient is chosen (or the picker is left).

use super::{Asked, Beds, Confirmed, Picking};
use crate::error::Error;
use crate::ops::beds as ops;
use crate::tui::popups::{Answer, Question};
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::Prompt;

impl Beds {
    /// The admission form for `patient` in `bed`, if the bed is still on
    /// the board.
    pub(super) fn admit_to(
        &mut self,
        patient: crate::domain::patient::Patient,
        bed: &crate::domain::ids::Id,
        ctx: &mut Ctx,
    ) -> Said {
        match self.board.beds.iter().find(|b| b.bed.id == *bed) {
            Some(b) => {
                let bed = b.bed.clone();
                self.admit_form(patient, &bed, ctx)
            }
            None => Said::Error("That bed is gone from the board: look again.".into()),
        }
    }

    /// The picker asked for `picking` answered.
    pub(super) fn after_picker(&mut self, picking: Picking, answer: Answer, ctx: &mut Ctx) -> Said {
        let patient = match answer {
            Answer::Patient(p) => p,
            _ => return Said::Info("Nothing was changed.".into()),
        };
        match picking {
            Picking::Admit { bed } => {
                match ops::current_admission(ctx.db, ctx.session, &patient.id) {
                    Ok(Some(a)) => {
                        return Said::Error(format!(
                            "{} is already admitted, in bed {} of {}: transfer them instead (t on that bed), or discharge first.",
                            a.patient.name, a.bed_label, a.ward_name
                        ));
                    }
                    Ok(None) => {}
                    Err(e) => return said_error(e),
                }
                match ops::placement(ctx.db, ctx.session, &bed, &patient.id, ctx.now) {
                    Ok(p) => {
                        if let Some(why) = p.refusal {
                            return said_error(Error::Refused(format!("{why}.")));
                        }
                        if let Some(concern) = p.age_concern {
                            return Question::confirm(
                                format!("{concern} Admit them to it anyway?"),
                                Confirmed::AdmitDespiteAge { patient, bed },
                            )
                            .into();
                        }
                    }
                    Err(e) => return said_error(e),
                }
                self.admit_to(*patient, &bed, ctx)
            }
            Picking::Reserve { bed } => {
                match ops::placement(ctx.db, ctx.session, &bed, &patient.id, ctx.now) {
                    Ok(p) => {
                        if let Some(why) = p.refusal {
                            return said_error(Error::Refused(format!("{why}.")));
                        }
                    }
                    Err(e) => return said_error(e),
                }
                let label = self
                    .board
                    .beds
                    .iter()
                    .find(|b| b.bed.id == bed)
                    .map(|b| b.bed.label.clone())
                    .unwrap_or_default();
                let suggested = (ctx.now + chrono::Duration::hours(4))
                    .with_timezone(&ctx.settings.time_zone)
                    .format("%H:%M")
                    .to_string();
                let mut prompt = Prompt::new(
                    format!(
                        "Reserve bed {label} for {} {} until when? HH:MM (the next such time) or YYYY-MM-DD HH:MM:",
                        patient.mrn,
                        patient.details.full_name()
                    ),
                    "Until",
                );
                prompt.answer = TextField::new("Until").with_value(&suggested);
                Question::prompt(prompt, Asked::ReserveUntil { bed, patient }).into()
            }
        }
    }
}
