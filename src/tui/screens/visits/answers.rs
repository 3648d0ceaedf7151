//! The answers to the visits tab's questions: the reason to break the
//! glass (then what was being opened), signing, an addendum's reason and
//! text, the reasons for marking entries in error, an allergy, a new
//! visit's patient and kind, a problem's onset and a problem's resolution,
//! the reason to stop a medicine.

use super::{Asked, Target, Visits, kind_named};
use crate::domain::conditions::Severity;
use crate::error::Error;
use crate::ops;
use crate::tui::popups::{Answer, Heard, Question, Refused};
use crate::tui::screen::{Ctx, Request, Said, said_error};
use crate::tui::widgets::popup::Prompt;

/// Keeps a prompt open with `message` beside its field.
fn refuse(asked: Asked, message: String) -> Heard {
    Err(Refused {
        about: Box::new(asked),
        said: Said::Error(message.clone()),
        field_error: Some(message),
    })
}

fn refused_by(asked: Asked, e: Error) -> Heard {
    match said_error(e) {
        Said::Error(m) => refuse(asked, m),
        other => Ok(other),
    }
}

impl Visits {
    pub(super) fn answer(&mut self, asked: Asked, answer: Answer, ctx: &mut Ctx) -> Heard {
        let text = match answer {
            Answer::Cancelled | Answer::Checked(_) => return Ok(Said::Nothing),
            Answer::Patient(p) => {
                return Ok(match asked {
                    Asked::NewVisitPatient => {
                        let mut prompt = Prompt::new(
                            format!(
                                "Which kind of visit for {} {}? walk-in, nursing note, antenatal visit, outpatient consultation or ward round",
                                p.mrn,
                                p.details.full_name()
                            ),
                            "Kind",
                        );
                        let default = if ctx.session.role() == crate::domain::role::Role::Nurse {
                            "nursing note"
                        } else {
                            "walk-in"
                        };
                        prompt.answer =
                            crate::tui::widgets::field::Field::new("Kind").with_value(default);
                        Question::prompt(prompt, Asked::NewVisitKind { patient: p.id }).into()
                    }
                    _ => Said::Nothing,
                });
            }
            Answer::Yes => String::new(),
            Answer::Text(t) => t,
        };
        let clock = ctx.clock();
        match asked {
            Asked::AcknowledgeCritical { result } => self.acknowledge(&result, ctx),
            Asked::BreakGlass { patient, then } => {
                if text.trim().is_empty() {
                    return refuse(
                        Asked::BreakGlass { patient, then },
                        "Type why you open this record: it is kept in the audit trail.".into(),
                    );
                }
                if let Err(e) =
                    ops::clinical::break_glass(ctx.db, ctx.session, &patient, &text, clock)
                {
                    return refused_by(Asked::BreakGlass { patient, then }, e);
                }
                let said = self.open_target(then, ctx);
                if let Some(o) = self.open_visit_mut()
                    && o.patient.id == patient
                {
                    o.via_glass = true;
                }
                Ok(said)
            }
            Asked::Sign => {
                let Some(o) = self.open_visit_mut() else {
                    return Ok(Said::Nothing);
                };
                let Some(version) = o.editor.version else {
                    return Ok(Said::Error(
                        "The note is empty: write it before signing.".into(),
                    ));
                };
                let visit = o.visit.id.clone();
                Ok(
                    match ops::visits::sign(ctx.db, ctx.session, &visit, version, clock) {
                        Ok(_) => self.reread(
                            ctx,
                            "Note signed: it never changes now; a adds an addendum.",
                        ),
                        Err(e) => said_error(e),
                    },
                )
            }
            Asked::AddendumReason => {
                if text.trim().is_empty() {
                    return refuse(
                        Asked::AddendumReason,
                        "Type why the addendum is added.".into(),
                    );
                }
                Ok(Question::prompt(
                    Prompt::new(
                        format!("Addendum ({}). Type its text:", text.trim()),
                        "Text",
                    ),
                    Asked::AddendumText { reason: text },
                )
                .unsaved("Quit and throw away the addendum you were typing?")
                .into())
            }
            Asked::AddendumText { reason } => {
                let Some(visit) = self.open_visit().map(|o| o.visit.id.clone()) else {
                    return Ok(Said::Nothing);
                };
                match ops::visits::add_addendum(ctx.db, ctx.session, &visit, &reason, &text, clock)
                {
                    Ok(_) => Ok(self.reread(ctx, "Addendum added beneath the note.")),
                    Err(e) => refused_by(Asked::AddendumText { reason }, e),
                }
            }
            Asked::VitalsInError { set } => {
                match ops::vitals::mark_in_error(ctx.db, ctx.session, &set, &text, clock) {
                    Ok(_) => Ok(self.reread(ctx, "Vitals set marked entered in error.")),
                    Err(e) => refused_by(Asked::VitalsInError { set }, e),
                }
            }
            Asked::DiagnosisInError { id } => {
                match ops::diagnoses::mark_in_error(ctx.db, ctx.session, &id, &text, clock) {
                    Ok(_) => Ok(self.reread(ctx, "Diagnosis marked entered in error.")),
                    Err(e) => refused_by(Asked::DiagnosisInError { id }, e),
                }
            }
            Asked::AllergyInError { id } => {
                match ops::allergies::mark_in_error(ctx.db, ctx.session, &id, &text, clock) {
                    Ok(_) => Ok(self.reread(ctx, "Allergy marked entered in error.")),
                    Err(e) => refused_by(Asked::AllergyInError { id }, e),
                }
            }
            Asked::ProblemInError { id } => {
                match ops::allergies::mark_problem_in_error(ctx.db, ctx.session, &id, &text, clock)
                {
                    Ok(_) => Ok(self.reread(ctx, "Problem marked entered in error.")),
                    Err(e) => refused_by(Asked::ProblemInError { id }, e),
                }
            }
            Asked::Allergy => self.record_allergy(&text, ctx),
            Asked::StopMedicine { id } => {
                match ops::prescriptions::stop(ctx.db, ctx.session, &id, &text, clock) {
                    Ok(rx) => Ok(self.reread(ctx, &format!("Stopped {}.", rx.label()))),
                    Err(e) => refused_by(Asked::StopMedicine { id }, e),
                }
            }
            Asked::DiscardPrescription => {
                if let Some(o) = self.open_visit_mut() {
                    o.mode = super::Mode::Overview;
                }
                Ok(Said::Info("Nothing was prescribed.".into()))
            }
            Asked::DiscardLabOrder => {
                if let Some(o) = self.open_visit_mut() {
                    o.mode = super::Mode::Overview;
                }
                Ok(Said::Info("Nothing was ordered.".into()))
            }
            Asked::DiscardVitals => {
                if let Some(o) = self.open_visit_mut() {
                    o.mode = super::Mode::Overview;
                }
                Ok(Said::Nothing)
            }
            Asked::NewVisitPatient => Ok(Said::Nothing),
            Asked::NewVisitKind { patient } => {
                let Some(kind) = kind_named(&text) else {
                    return refuse(
                        Asked::NewVisitKind { patient },
                        "Type a kind: walk-in, nursing note, antenatal visit, outpatient consultation or ward round.".into(),
                    );
                };
                let said = self.save_draft(ctx, true);
                if matches!(said, Said::Error(_)) {
                    return Ok(said);
                }
                Ok(self.open_target(Target::Request(Request::StartVisit { patient, kind }), ctx))
            }
            Asked::ProblemOnset { code } => {
                let onset = if text.trim().is_empty() {
                    None
                } else {
                    match crate::domain::patient::read_date(&text, ctx.settings.date_pattern()) {
                        Ok(d) => Some(d),
                        Err(why) => {
                            return refuse(
                                Asked::ProblemOnset { code },
                                format!("{} Or leave it empty.", why.sentence(&text)),
                            );
                        }
                    }
                };
                let Some(patient) = self.open_visit().map(|o| o.patient.id.clone()) else {
                    return Ok(Said::Nothing);
                };
                let input = ops::allergies::ProblemInput {
                    patient: &patient,
                    code_system: &code.system,
                    code: &code.code,
                    text: &code.description,
                    onset,
                };
                match ops::allergies::add_problem(ctx.db, ctx.session, &input, clock) {
                    Ok(_) => Ok(self.reread(ctx, "Problem added to the problem list.")),
                    Err(e) => refused_by(Asked::ProblemOnset { code }, e),
                }
            }
            Asked::ResolveProblem { id } => {
                let day =
                    match crate::domain::patient::read_date(&text, ctx.settings.date_pattern()) {
                        Ok(d) => d,
                        Err(why) => {
                            return refuse(Asked::ResolveProblem { id }, why.sentence(&text));
                        }
                    };
                match ops::allergies::resolve_problem(ctx.db, ctx.session, &id, day, clock) {
                    Ok(_) => Ok(self.reread(ctx, "Problem resolved.")),
                    Err(e) => refused_by(Asked::ResolveProblem { id }, e),
                }
            }
        }
    }

    fn record_allergy(&mut self, text: &str, ctx: &mut Ctx) -> Heard {
        let Some(patient) = self.open_visit().map(|o| o.patient.id.clone()) else {
            return Ok(Said::Nothing);
        };
        let clock = ctx.clock();
        let t = text.trim();
        if t.eq_ignore_ascii_case("none") || t.eq_ignore_ascii_case("no known allergies") {
            return match ops::allergies::record_no_known(ctx.db, ctx.session, &patient, clock) {
                Ok(()) => Ok(self.reread(ctx, "No known allergies recorded.")),
                Err(e) => refused_by(Asked::Allergy, e),
            };
        }
        let parts: Vec<&str> = t.split(',').map(str::trim).collect();
        let [substance, reaction, severity] = parts[..] else {
            return refuse(
                Asked::Allergy,
                "Type substance, reaction, severity separated by commas (penicillin, rash, moderate), or none.".into(),
            );
        };
        let Ok(severity) = severity.to_lowercase().parse::<Severity>() else {
            return refuse(
                Asked::Allergy,
                "The severity is mild, moderate or severe.".into(),
            );
        };
        match ops::allergies::record(
            ctx.db,
            ctx.session,
            &patient,
            substance,
            reaction,
            severity,
            clock,
        ) {
            Ok(_) => Ok(self.reread(ctx, "Allergy recorded.")),
            Err(e) => refused_by(Asked::Allergy, e),
        }
    }
}
