//! The answers to the tab's questions: a merge confirmed, a form thrown
//! away or saved despite duplicates, and the reasons typed for deleting a
//! record or breaking the glass (a refused reason keeps its prompt open).

use super::merge_preview::MergePreviewDialog;
use super::record::PatientRecord;
use super::{Patients, Pending, View};
use crate::domain::patient::Patient;
use crate::ops::patients as ops;
use crate::store::patients::PatientRow;
use crate::tui::popups::{Answer, Heard, Question, Refused};
use crate::tui::screen::{Ctx, Said, said_error};

impl Patients {
    /// Shows both records side by side before merging `other` into
    /// `survivor` (reading the other in full is a READ event).
    pub(super) fn ask_merge(
        &mut self,
        survivor: &Patient,
        other: &PatientRow,
        ctx: &mut Ctx,
    ) -> Said {
        if other.id == survivor.id {
            return Said::Error(
                "That is the record you are merging into: choose the duplicate.".into(),
            );
        }
        match ops::merge_preview(ctx.db, ctx.session, &survivor.id, &other.id) {
            Ok(preview) => {
                let then = Pending::Merge {
                    survivor: survivor.id.clone(),
                    other: other.id.clone(),
                };
                Question::dialog(Box::new(MergePreviewDialog::new(preview)), then)
                    .unsaved("Leave the merge and the reason you typed?")
                    .into()
            }
            Err(e) => said_error(e),
        }
    }

    /// Asks before undoing the merge found from the record open, naming
    /// both records; says why when it cannot be undone.
    pub(super) fn ask_unmerge(&mut self, patient: &Patient, ctx: &mut Ctx) -> Said {
        match crate::ops::unmerge::undoable(ctx.db, ctx.session, &patient.id, ctx.now) {
            Ok(u) => {
                let when = ctx
                    .clock()
                    .at(u.record.merged_at)
                    .format(&format!("{} %H:%M", ctx.settings.date_pattern()))
                    .to_string();
                Question::confirm(
                    format!(
                        "Undo the merge of {} {} into {} {} (made {when}{})? Both records come back as they were before it, and what it moved goes back to {}.",
                        u.other.mrn,
                        u.other.details.full_name(),
                        u.survivor.mrn,
                        u.survivor.details.full_name(),
                        u.record
                            .merged_by
                            .as_deref()
                            .map(|b| format!(" by {b}"))
                            .unwrap_or_default(),
                        u.other.mrn
                    ),
                    Pending::Unmerge(patient.id.clone()),
                )
                .into()
            }
            Err(e) => said_error(e),
        }
    }

    /// Carries out what a question of the stack was asked for. A refused
    /// deletion keeps its reason prompt open.
    pub(super) fn answer(&mut self, then: Pending, answer: Answer, ctx: &mut Ctx) -> Heard {
        let reason = match (answer, &then) {
            (Answer::Cancelled, Pending::Delete) => {
                return Ok(Said::Info("Nothing was deleted.".into()));
            }
            (Answer::Text(reason), Pending::Delete) => reason,
            (Answer::Cancelled, Pending::CorrectDeath) => {
                return Ok(Said::Info("Nothing was changed.".into()));
            }
            (Answer::Text(reason), Pending::CorrectDeath) => {
                return self.correct_death(&reason, ctx);
            }
            (Answer::Cancelled, Pending::BreakGlass) => {
                return Ok(Said::Info(
                    "The glass was not broken; the clinical record stays closed.".into(),
                ));
            }
            (Answer::Text(reason), Pending::BreakGlass) => return self.break_glass(&reason, ctx),
            (Answer::Text(reason), Pending::Merge { .. }) => reason,
            (Answer::Cancelled, Pending::Merge { .. }) => {
                return Ok(Said::Info("Nothing was merged.".into()));
            }
            (Answer::Yes, _) => String::new(),
            _ => return Ok(Said::Nothing),
        };
        Ok(match then {
            Pending::DiscardForm => self.close_form(ctx),
            Pending::SaveDespiteDuplicates => {
                let despite: Vec<String> = match &self.view {
                    View::Form(f) => f.duplicates.iter().map(|d| d.row.mrn.clone()).collect(),
                    _ => Vec::new(),
                };
                self.save(ctx, &despite)
            }
            Pending::Merge { survivor, other } => {
                let confirmation = ops::MergeConfirmation {
                    word: if reason.is_empty() {
                        String::new()
                    } else {
                        crate::domain::merge::CONFIRM_WORD.into()
                    },
                    reason,
                };
                match ops::merge_confirmed(
                    ctx.db,
                    ctx.session,
                    &survivor,
                    &other,
                    &confirmation,
                    ctx.now,
                ) {
                    Ok(p) => {
                        self.pick = None;
                        let msg = format!(
                            "Merged into {}: its record now holds both. M undoes it while neither record changes.",
                            p.mrn
                        );
                        self.view = View::Record(PatientRecord::new(p));
                        Said::Info(msg)
                    }
                    Err(e) => said_error(e),
                }
            }
            Pending::Unmerge(patient) => {
                match crate::ops::unmerge::unmerge(ctx.db, ctx.session, &patient, ctx.now) {
                    Ok((survivor, other)) => {
                        let msg = format!(
                            "Merge undone: {} {} and {} {} are separate records again.",
                            survivor.mrn,
                            survivor.details.full_name(),
                            other.mrn,
                            other.details.full_name()
                        );
                        self.view = View::Record(PatientRecord::new(survivor));
                        Said::Info(msg)
                    }
                    Err(e) => said_error(e),
                }
            }
            Pending::Delete => return self.delete(reason, ctx),
            Pending::CorrectDeath => Said::Nothing,
            Pending::BreakGlass => Said::Nothing,
            Pending::CheckInInpatient => match &mut self.view {
                View::Record(r) => super::check_in::check_in(r, ctx, true),
                _ => Said::Nothing,
            },
            Pending::DiscardLabOrder => {
                if let View::Record(r) = &mut self.view {
                    r.lab_order = None;
                }
                Said::Info("Nothing was ordered.".into())
            }
        })
    }

    /// Breaks the glass with the typed reason, then opens the clinical
    /// record; a refused reason keeps the prompt open.
    fn break_glass(&mut self, reason: &str, ctx: &mut Ctx) -> Heard {
        let View::Record(record) = &mut self.view else {
            return Ok(Said::Nothing);
        };
        let clock = ctx.clock();
        match crate::ops::clinical::break_glass(
            ctx.db,
            ctx.session,
            &record.patient.id,
            reason,
            clock,
        ) {
            Ok(()) => {
                record.load_clinical(ctx);
                record.clinical_page = record.clinical.open().is_some();
                Ok(Said::Info(format!(
                    "Glass broken for {}: the clinical record is open, and your reason is in the audit trail.",
                    record.patient.mrn
                )))
            }
            Err(e) => Err(Refused {
                about: Box::new(Pending::BreakGlass),
                said: said_error(e),
                field_error: None,
            }),
        }
    }

    /// An administrator takes a death recorded in error off the record
    /// open; a refused reason keeps the prompt open.
    fn correct_death(&mut self, reason: &str, ctx: &mut Ctx) -> Heard {
        let View::Record(record) = &mut self.view else {
            return Ok(Said::Nothing);
        };
        match crate::ops::deaths::correct(ctx.db, ctx.session, &record.patient.id, reason, ctx.now)
        {
            Ok(p) => {
                let msg = format!(
                    "{} is no longer recorded as deceased; appointments the death cancelled stay cancelled.",
                    p.mrn
                );
                record.patient = p;
                Ok(Said::Info(msg))
            }
            Err(e) => Err(Refused {
                about: Box::new(Pending::CorrectDeath),
                said: said_error(e),
                field_error: None,
            }),
        }
    }

    fn delete(&mut self, reason: String, ctx: &mut Ctx) -> Heard {
        let View::Record(record) = &mut self.view else {
            return Ok(Said::Nothing);
        };
        match ops::delete(ctx.db, ctx.session, &record.patient.id, &reason, ctx.now) {
            Ok(p) => {
                let msg = format!(
                    "{} deleted. An administrator can restore it (x shows deleted patients).",
                    p.mrn
                );
                self.view = View::Search;
                let said = self.run_search(ctx);
                Ok(if said != Said::Nothing {
                    said
                } else {
                    Said::Info(msg)
                })
            }
            Err(e) => Err(Refused {
                about: Box::new(Pending::Delete),
                said: said_error(e),
                field_error: None,
            }),
        }
    }
}
