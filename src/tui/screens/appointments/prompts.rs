//! The questions the screen asks over its views: a typed answer (why an
//! appointment is cancelled or undone, a date to go to, a clinician's hours
//! or a day off) and a yes or no (booking outside working hours, throwing a
//! form away), and what each answer does.

use super::{Appointments, Ctx, View};
use crate::domain::appointment::Status;
use crate::domain::ids::Id;
use crate::ops::appointments as ops;
use crate::tui::popups::{Answer, Heard, Refused};
use crate::tui::screen::{Said, said_error};
use std::any::Any;

/// What a typed answer is for.
pub(super) enum Asking {
    CancelReason {
        id: Id,
        version: i64,
    },
    UndoReason {
        id: Id,
        version: i64,
    },
    GoToDate,
    /// Set-up: a clinician's ranges on a weekday, or a day off.
    Hours {
        clinician: Id,
        weekday: usize,
    },
    DayOff {
        clinician: Id,
    },
    /// An administrator's reason for a booking on a past day, with what
    /// was agreed to before it.
    BackEntry(ops::Allow),
}

/// What a yes is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Pending {
    /// Book with this agreed to as well (outside hours, far ahead).
    Book(ops::Allow),
    /// Call this appointment in although its clinician already has a
    /// patient in consultation.
    CallIn {
        id: Id,
        version: i64,
    },
    /// Check in or call in this appointment although its patient is an
    /// inpatient (the question named the ward and bed).
    Inpatient {
        id: Id,
        version: i64,
        to: Status,
        allow: ops::AllowCallIn,
    },
    DiscardForm,
}

/// The patient picker is choosing the booking form's patient.
pub(super) struct BookingPatient;

impl Appointments {
    /// A question of the tab answered: its token says what for. A typed
    /// answer that is refused keeps its prompt open, marked.
    pub(super) fn answered(&mut self, about: Box<dyn Any>, answer: Answer, ctx: &mut Ctx) -> Heard {
        let about = match about.downcast::<Pending>() {
            Ok(then) => return Ok(self.answer_confirm(*then, answer, ctx)),
            Err(other) => other,
        };
        if about.is::<BookingPatient>() {
            return Ok(self.after_pick(answer));
        }
        let (Ok(asking), Answer::Text(text)) = (about.downcast::<Asking>(), answer) else {
            return Ok(Said::Nothing);
        };
        match self.answer_prompt(&asking, &text, ctx) {
            Said::Error(m) => Err(Refused {
                about: asking,
                said: Said::Error(m),
                field_error: Some("see below".into()),
            }),
            said => Ok(said),
        }
    }

    fn answer_confirm(&mut self, then: Pending, answer: Answer, ctx: &mut Ctx) -> Said {
        match (answer, then) {
            (Answer::Yes, Pending::Book(allow)) => self.save_form(ctx, allow),
            (Answer::Yes, Pending::CallIn { id, version }) => {
                let allow = ops::AllowCallIn {
                    second_in_consultation: true,
                    ..ops::AllowCallIn::default()
                };
                self.advance_one(&id, version, Status::InConsultation, None, allow, ctx)
            }
            (
                Answer::Yes,
                Pending::Inpatient {
                    id,
                    version,
                    to,
                    allow,
                },
            ) => {
                let allow = ops::AllowCallIn {
                    inpatient: true,
                    ..allow
                };
                self.advance_one(&id, version, to, None, allow, ctx)
            }
            (Answer::Yes, Pending::DiscardForm) => {
                self.view = View::Day;
                Said::Info("Nothing booked.".into())
            }
            _ => Said::Nothing,
        }
    }

    fn answer_prompt(&mut self, asking: &Asking, answer: &str, ctx: &mut Ctx) -> Said {
        match asking {
            Asking::BackEntry(allow) => {
                if answer.trim().is_empty() {
                    return Said::Error(
                        "Type why this booking is entered on a past day, or Esc to leave it."
                            .into(),
                    );
                }
                let allow = ops::Allow {
                    back_entry: Some(answer.to_string()),
                    ..allow.clone()
                };
                self.save_form(ctx, allow)
            }
            Asking::GoToDate => {
                match crate::domain::patient::read_date(answer, self.date_pattern) {
                    Ok(d) => {
                        self.day = d;
                        self.selected = Default::default();
                        self.view = View::Day;
                        self.load_day(ctx, true)
                    }
                    Err(why) => Said::Error(why.sentence(answer)),
                }
            }
            Asking::CancelReason { id, version } => {
                match ops::advance(
                    ctx.db,
                    ctx.session,
                    id,
                    *version,
                    Status::Cancelled,
                    Some(answer),
                    ctx.clock(),
                ) {
                    Ok(b) => {
                        let said = self.load_day(ctx, false);
                        if said != Said::Nothing {
                            return said;
                        }
                        Said::Info(format!(
                            "Cancelled {} {} {}.",
                            b.appt.span, b.patient_name, b.type_name
                        ))
                    }
                    Err(e) => said_error(e),
                }
            }
            Asking::UndoReason { id, version } => {
                match ops::undo(ctx.db, ctx.session, id, *version, answer, ctx.clock()) {
                    Ok(b) => {
                        let said = self.load_day(ctx, false);
                        if said != Said::Nothing {
                            return said;
                        }
                        self.select(&b.appt.id);
                        Said::Info(format!(
                            "{} {} is {} again.",
                            b.appt.span,
                            b.patient_name,
                            b.appt.status.label()
                        ))
                    }
                    Err(e) => said_error(e),
                }
            }
            Asking::Hours { clinician, weekday } => {
                match ops::set_hours(ctx.db, ctx.session, clinician, *weekday, answer) {
                    Ok(_) => self.reload_setup(ctx, "Working hours saved."),
                    Err(e) => said_error(e),
                }
            }
            Asking::DayOff { clinician } => {
                let (remove, text) = match answer.trim().strip_prefix('-') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, answer.trim()),
                };
                let (date, reason) = text.split_once(' ').unwrap_or((text, ""));
                match crate::domain::patient::parse_date(date, self.date_pattern) {
                    Some(d) => {
                        match ops::set_day_off(ctx.db, ctx.session, clinician, d, !remove, reason) {
                            Ok(_) => self.reload_setup(
                                ctx,
                                if remove {
                                    "Day off taken back."
                                } else {
                                    "Day off recorded."
                                },
                            ),
                            Err(e) => said_error(e),
                        }
                    }
                    None => Said::Error(format!(
                        "That is not a date: write it like {} (a leading - takes a day off back).",
                        self.today_text()
                    )),
                }
            }
        }
    }
}
