//! The questions the screen asks over its views: a typed answer (why an
//! appointment is cancelled or undone, a date to go to, a clinician's hours
//! or a day off) and a yes or no (booking outside working hours, throwing a
//! form away), and what each answer does.

use super::{Appointments, Ctx, View};
use crate::domain::appointment::Status;
use crate::domain::ids::Id;
use crate::ops::appointments as ops;
use crate::tui::keymap::Action;
use crate::tui::screen::{Said, said_error};

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pending {
    BookOutsideHours,
    DiscardForm,
}

pub(super) struct Confirm {
    pub(super) question: String,
    pub(super) then: Pending,
}

impl Appointments {
    pub(super) fn answer_confirm(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(c) = self.confirm.take() else {
            return Said::Nothing;
        };
        match (action, c.then) {
            (Action::Yes, Pending::BookOutsideHours) => self.save_form(ctx, true),
            (Action::Yes, Pending::DiscardForm) => {
                self.view = View::Day;
                Said::Info("Nothing booked.".into())
            }
            (Action::No, _) => Said::Nothing,
            _ => {
                self.confirm = Some(c);
                Said::Nothing
            }
        }
    }

    pub(super) fn answer_prompt(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::No => {
                self.prompt = None;
                Said::Nothing
            }
            Action::Yes => {
                let Some((p, asking)) = self.prompt.take() else {
                    return Said::Nothing;
                };
                let answer = p.answer.value().to_string();
                let said = self.answered(&asking, &answer, ctx);
                if let Said::Error(m) = &said {
                    // The question stays open, with why the answer was refused.
                    let mut p = p;
                    p.answer.error = Some("see below".into());
                    self.prompt = Some((p, asking));
                    return Said::Error(m.clone());
                }
                said
            }
            _ => Said::Nothing,
        }
    }

    fn answered(&mut self, asking: &Asking, answer: &str, ctx: &mut Ctx) -> Said {
        match asking {
            Asking::GoToDate => match crate::domain::patient::parse_date(answer, self.date_pattern)
            {
                Some(d) => {
                    self.day = d;
                    self.selected = Default::default();
                    self.view = View::Day;
                    self.load_day(ctx, true)
                }
                None => Said::Error(format!(
                    "That is not a date: write it like {}.",
                    self.today_text()
                )),
            },
            Asking::CancelReason { id, version } => {
                match ops::advance(
                    ctx.db,
                    ctx.session,
                    id,
                    *version,
                    Status::Cancelled,
                    Some(answer),
                    ctx.clock,
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
                match ops::undo(ctx.db, ctx.session, id, *version, answer, ctx.clock) {
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
