//! Where the beds tab's changes are made: the open form is saved, the typed
//! answer or the yes of a question is carried out through `ops::beds`, and
//! the board (or the set-up list) is read again with the outcome. A refused
//! change leaves its form or question open.

use super::{Asked, Beds, Confirmed, FormFor};
use crate::domain::beds::{
    BedKind, Disposition, SexRestriction, WardKind, parse_time_of_death, parse_until,
};
use crate::domain::billing::money;
use crate::error::Error;
use crate::ops::beds::{self as ops, AdmitInput};
use crate::tui::keymap::Action;
use crate::tui::popups::{Answer, Heard, Question, Refused};
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::popup::Prompt;
use chrono::Utc;
use strum::IntoEnumIterator;

impl Beds {
    pub(super) fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(f) = &mut self.form else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => f.fields.next(),
            Action::PrevField => f.fields.prev(),
            Action::NextChoice | Action::PrevChoice => {
                f.fields.cycle(action == Action::NextChoice);
            }
            Action::Cancel => {
                self.form = None;
                return Said::Info("Nothing was changed.".into());
            }
            Action::Save => return self.save_form(ctx),
            _ => {}
        }
        Said::Nothing
    }

    fn save_form(&mut self, ctx: &mut Ctx) -> Said {
        let Some(f) = &self.form else {
            return Said::Nothing;
        };
        let now = ctx.now;
        let result: Result<String, Error> = match &f.purpose {
            FormFor::Admit {
                patient,
                bed,
                clinicians,
            } => {
                let attending = clinicians.get(f.choice(0)).cloned().unwrap_or_default();
                let reason = f.text(1);
                ops::admit(
                    ctx.db,
                    ctx.session,
                    &AdmitInput {
                        patient: &patient.id,
                        bed,
                        attending: &attending,
                        reason: &reason,
                    },
                    now,
                )
                .map(|a| {
                    format!(
                        "{} admitted to bed {} ({}).",
                        a.patient.name, a.bed_label, a.ward_name
                    )
                })
            }
            FormFor::Discharge { admission, who } => {
                let disposition = Disposition::iter()
                    .nth(f.choice(0))
                    .unwrap_or(Disposition::Home);
                let note = f.text(1);
                if disposition == Disposition::Deceased {
                    let prompt = Prompt::new(
                        format!(
                            "When did {who} die? Type HH:MM (today), or YYYY-MM-DD HH:MM; Enter alone for now."
                        ),
                        "Died",
                    );
                    return Question::prompt(
                        prompt,
                        Asked::TimeOfDeath {
                            admission: admission.clone(),
                            who: who.clone(),
                            note,
                        },
                    )
                    .into();
                }
                match ops::balance_at_discharge(ctx.db, ctx.session, admission, now) {
                    // Asked once, saying how much; the form stays open
                    // behind the question, for a no.
                    Ok(owed) if owed > 0 => {
                        return Question::confirm(
                            format!(
                                "{who} has {} outstanding on their bills (the last bed-days included). Discharge anyway?",
                                money(owed, &ctx.settings.currency)
                            ),
                            Confirmed::Discharge {
                                admission: admission.clone(),
                                disposition,
                                note,
                            },
                        )
                        .into();
                    }
                    Ok(_) => discharged(ctx, admission, disposition, &note),
                    Err(e) => Err(e),
                }
            }
            FormFor::NewWard => {
                let kind = WardKind::iter()
                    .nth(f.choice(1))
                    .unwrap_or(WardKind::General);
                let sex = match f.choice(2) {
                    1 => Some(SexRestriction::Female),
                    2 => Some(SexRestriction::Male),
                    _ => None,
                };
                ops::add_ward(ctx.db, ctx.session, &f.text(0), kind, sex, now)
                    .map(|w| format!("Ward {} added: b adds its beds.", w.name))
            }
            FormFor::NewBed { ward } => {
                let kind = BedKind::iter()
                    .nth(f.choice(1))
                    .unwrap_or(BedKind::Standard);
                ops::add_bed(ctx.db, ctx.session, ward, &f.text(0), kind, now)
                    .map(|b| format!("Bed {} added to {}: available.", b.label, b.ward_name))
            }
        };
        match result {
            Ok(message) => {
                let setup = matches!(f.purpose, FormFor::NewWard | FormFor::NewBed { .. });
                self.form = None;
                if setup {
                    self.reload_setup(ctx, message)
                } else {
                    self.after_change(ctx, message)
                }
            }
            Err(e) => self.refused_change(e, ctx),
        }
    }

    /// A change was refused: the message, and the board read again, since
    /// another terminal may have changed it (the form or prompt stays open).
    fn refused_change(&mut self, e: Error, ctx: &mut Ctx) -> Said {
        let said = said_error(e);
        let reloaded = self.load(ctx, false);
        if reloaded == Said::Nothing {
            said
        } else {
            reloaded
        }
    }

    /// A typed answer for `asked`; a refused one keeps the prompt open, with
    /// the board read again.
    pub(super) fn answer_prompt(&mut self, asked: Asked, answer: Answer, ctx: &mut Ctx) -> Heard {
        let Answer::Text(answer) = answer else {
            self.moving = None;
            return Ok(Said::Info("Nothing was changed.".into()));
        };
        let now = ctx.now;
        if matches!(asked, Asked::CensusDate) {
            let pattern = ctx.settings.date_pattern();
            return match crate::domain::patient::read_date(&answer, pattern) {
                Ok(d) => Ok(self.open_census(d, ctx)),
                Err(why) => Err(Refused {
                    about: Box::new(asked),
                    said: Said::Error(why.sentence(&answer)),
                    field_error: None,
                }),
            };
        }
        if let Asked::TimeOfDeath {
            admission,
            who,
            note,
        } = &asked
        {
            return match self.ask_to_record_death(admission, who, note, &answer, ctx) {
                Ok(said) => Ok(said),
                Err(e) => Err(Refused {
                    about: Box::new(asked),
                    said: said_error(e),
                    field_error: None,
                }),
            };
        }
        let result: Result<(String, bool), Error> = match &asked {
            Asked::TransferReason {
                admission,
                to,
                to_label,
            } => ops::transfer(ctx.db, ctx.session, admission, to, &answer, now).map(|a| {
                (
                    format!(
                        "{} moved to bed {to_label}; the old bed goes to cleaning.",
                        a.patient.name
                    ),
                    false,
                )
            }),
            Asked::OutOfService { bed } => {
                ops::out_of_service(ctx.db, ctx.session, bed, &answer, now)
                    .map(|b| (format!("Bed {} is out of service.", b.label), false))
            }
            Asked::ReserveUntil { bed, patient } => {
                let off = ctx.settings.time_zone;
                let local = now.with_timezone(&off).naive_local();
                match parse_until(&answer, local).and_then(|t| t.and_local_timezone(off).single()) {
                    Some(until) => ops::reserve(
                        ctx.db,
                        ctx.session,
                        bed,
                        &patient.id,
                        until.with_timezone(&Utc),
                        now,
                    )
                    .map(|b| {
                        (
                            format!(
                                "Bed {} reserved for {} until {}.",
                                b.label,
                                patient.details.full_name(),
                                until.format("%d %b %H:%M")
                            ),
                            false,
                        )
                    }),
                    None => Err(Error::Refused(format!(
                        "{answer:?} is not a time: type HH:MM, e.g. 18:30, or YYYY-MM-DD HH:MM"
                    ))),
                }
            }
            Asked::RenameWard { ward } => ops::rename_ward(ctx.db, ctx.session, ward, &answer, now)
                .map(|w| (format!("Ward renamed {}.", w.name), true)),
            Asked::RenameBed { bed } => ops::rename_bed(ctx.db, ctx.session, bed, &answer, now)
                .map(|b| (format!("Bed relabelled {}.", b.label), true)),
            Asked::CensusDate | Asked::TimeOfDeath { .. } => return Ok(Said::Nothing),
        };
        match result {
            Ok((message, setup)) => {
                self.moving = None;
                Ok(if setup {
                    self.reload_setup(ctx, message)
                } else {
                    self.after_change(ctx, message)
                })
            }
            Err(e) => Err(Refused {
                about: Box::new(asked),
                said: self.refused_change(e, ctx),
                field_error: None,
            }),
        }
    }

    /// The answer to a yes/no question asked for `then`.
    pub(super) fn answer_confirm(
        &mut self,
        then: Confirmed,
        answer: Answer,
        ctx: &mut Ctx,
    ) -> Said {
        if !matches!(answer, Answer::Yes) {
            return Said::Info("Nothing was changed.".into());
        }
        let now = ctx.now;
        let then = match then {
            Confirmed::AdmitDespiteAge { patient, bed } => {
                return self.admit_to(*patient, &bed, ctx);
            }
            Confirmed::TransferDespiteAge { bed } => return self.transfer_reason(&bed),
            other => other,
        };
        let result: Result<(String, bool), Error> = match then {
            Confirmed::CancelReservation { bed } => {
                ops::cancel_reservation(ctx.db, ctx.session, &bed, now).map(|b| {
                    (
                        format!("Reservation of bed {} cancelled: available.", b.label),
                        false,
                    )
                })
            }
            Confirmed::BackInService { bed } => {
                ops::back_in_service(ctx.db, ctx.session, &bed, now)
                    .map(|b| (format!("Bed {} is back in service.", b.label), false))
            }
            Confirmed::RetireWard { ward } => ops::retire_ward(ctx.db, ctx.session, &ward, now)
                .map(|w| {
                    (
                        format!("Ward {} retired; its history is kept.", w.name),
                        true,
                    )
                }),
            Confirmed::Discharge {
                admission,
                disposition,
                note,
            } => {
                let r = discharged(ctx, &admission, disposition, &note);
                if r.is_ok() {
                    self.form = None;
                }
                r.map(|m| (m, false))
            }
            Confirmed::DischargeDeceased {
                admission,
                died_at,
                note,
            } => {
                let r = ops::discharge_deceased(ctx.db, ctx.session, &admission, died_at, &note, now)
                    .map(|a| {
                        format!(
                            "{} recorded as deceased (died {}) and discharged; bed {} goes to cleaning.",
                            a.patient.name,
                            died_at
                                .with_timezone(&ctx.settings.time_zone)
                                .format("%a %d %b %Y %H:%M"),
                            a.bed_label
                        )
                    });
                if r.is_ok() {
                    self.form = None;
                }
                r.map(|m| (m, false))
            }
            Confirmed::AdmitDespiteAge { .. } | Confirmed::TransferDespiteAge { .. } => {
                return Said::Nothing;
            }
            Confirmed::RetireBed { bed } => {
                ops::retire_bed(ctx.db, ctx.session, &bed, now).map(|b| {
                    (
                        format!("Bed {} retired; its history is kept.", b.label),
                        true,
                    )
                })
            }
        };
        match result {
            Ok((message, true)) => self.reload_setup(ctx, message),
            Ok((message, false)) => self.after_change(ctx, message),
            Err(e) => said_error(e),
        }
    }
}

impl Beds {
    /// The time of death typed: the question that names the patient, the
    /// time, what the death cancels and any balance, before anything is
    /// written.
    fn ask_to_record_death(
        &mut self,
        admission: &crate::domain::ids::Id,
        who: &str,
        note: &str,
        answer: &str,
        ctx: &mut Ctx,
    ) -> Result<Said, Error> {
        let zone = ctx.settings.time_zone;
        let local = ctx.now.with_timezone(&zone).naive_local();
        let died_at = parse_time_of_death(answer, local)
            .and_then(|t| t.and_local_timezone(zone).single())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| {
                Error::Refused(format!(
                    "{answer:?} is not a time: type HH:MM, e.g. 05:40, or YYYY-MM-DD HH:MM"
                ))
            })?;
        if died_at > ctx.now {
            return Err(Error::Refused(
                "that time is still to come: type when the patient died".into(),
            ));
        }
        let patient = crate::store::beds::admission_by_id(ctx.db.conn(), admission)?
            .map(|a| a.patient.id)
            .ok_or_else(|| Error::NotFound("that admission is not in this hospital file".into()))?;
        let cancelled = crate::ops::deaths::still_to_come(ctx.db, &patient, ctx.clock())?;
        let owed = ops::balance_at_discharge(ctx.db, ctx.session, admission, ctx.now)?;
        let mut question = format!(
            "Record that {who} died {} and discharge them as deceased?",
            died_at.with_timezone(&zone).format("%a %d %b %Y %H:%M")
        );
        match cancelled.as_slice() {
            [] => {}
            [one] => question.push_str(&format!(
                " Their appointment {} is cancelled.",
                crate::ops::deaths::describe(one)
            )),
            many => question.push_str(&format!(
                " Their {} appointments still to come are cancelled: {}.",
                many.len(),
                many.iter()
                    .map(crate::ops::deaths::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
        if owed > 0 {
            question.push_str(&format!(
                " They have {} outstanding on their bills.",
                money(owed, &ctx.settings.currency)
            ));
        }
        Ok(Question::confirm(
            question,
            Confirmed::DischargeDeceased {
                admission: admission.clone(),
                died_at,
                note: note.to_string(),
            },
        )
        .into())
    }
}

/// Discharges the admission and says so.
fn discharged(
    ctx: &mut Ctx,
    admission: &crate::domain::ids::Id,
    disposition: Disposition,
    note: &str,
) -> Result<String, Error> {
    ops::discharge(ctx.db, ctx.session, admission, disposition, note, ctx.now).map(|a| {
        format!(
            "{} discharged ({}); bed {} goes to cleaning.",
            a.patient.name,
            disposition.label(),
            a.bed_label
        )
    })
}
