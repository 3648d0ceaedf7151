//! The keys of an open record: its clinical page and visit notes, breaking
//! the glass, editing, starting a visit, verifying identity, and the
//! administrator's delete, restore and merge.

use super::{Patients, Pending, Pick, View, record};
use crate::domain::role::Permission;
use crate::ops::patients as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::popup::Prompt;

impl Patients {
    pub(super) fn perform_record(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Record(record) = &mut self.view else {
            return Said::Nothing;
        };
        let id = record.patient.id.clone();
        if let Some(f) = record.lab_order.as_mut() {
            use crate::tui::widgets::lab_order::{DISCARD_QUESTION, Step};
            return match f.perform(action, ctx, &id, None) {
                Step::Stay(said) => said,
                Step::Close(said) => {
                    record.lab_order = None;
                    said
                }
                Step::AskDiscard => {
                    Question::confirm(DISCARD_QUESTION, Pending::DiscardLabOrder).into()
                }
            };
        }
        if let Some(lab) = record.lab.as_mut() {
            return match lab.perform(action, ctx) {
                Some(said) => said,
                None => {
                    record.lab = None;
                    Said::Nothing
                }
            };
        }
        if record.reading {
            match action {
                Action::Back => {
                    record.reading = false;
                    record.scroll = 0;
                }
                Action::Up => record.scroll = record.scroll.saturating_sub(1),
                Action::Down => record.scroll = record.scroll.saturating_add(1).min(200),
                _ => {}
            }
            return Said::Nothing;
        }
        match action {
            Action::ToggleClinical => {
                if record.clinical.open().is_none() {
                    return Said::Info("The clinical record is not open to you here.".into());
                }
                record.clinical_page = !record.clinical_page;
                record.scroll = 0;
                Said::Nothing
            }
            Action::Back => {
                self.view = View::Search;
                self.run_search(ctx)
            }
            Action::NextField | Action::PrevField if record.clinical_page => {
                let n = record.clinical.visits();
                if n == 0 {
                    return Said::Info("No visits to choose.".into());
                }
                record.visit = if action == Action::NextField {
                    (record.visit + 1) % n
                } else {
                    (record.visit + n - 1) % n
                };
                Said::Nothing
            }
            Action::OrderLabTests if record.clinical_page => {
                if let Some(refused) =
                    refused(ctx, Permission::OrderLabTests, "order laboratory tests")
                {
                    return refused;
                }
                record.lab_order =
                    Some(Box::new(crate::tui::widgets::lab_order::LabOrderForm::new()));
                Said::Info(
                    "Ordered for the patient's admission. Type part of a test's name, its code or LOINC code; ↑↓ and Enter add it.".into(),
                )
            }
            Action::ShowLabResults if record.clinical_page => {
                match crate::tui::widgets::lab_results::ResultsView::open(ctx, &id) {
                    Ok((v, said)) => {
                        record.lab = Some(Box::new(v));
                        said
                    }
                    Err(said) => said,
                }
            }
            Action::Open if record.clinical_page => {
                if record.clinical.visits() == 0 {
                    return Said::Info("This patient has no visits yet.".into());
                }
                record.reading = true;
                record.scroll = 0;
                Said::Nothing
            }
            Action::BreakGlass => {
                if !matches!(record.clinical, record::Clinical::Glass) {
                    return Said::Info("The clinical record is not closed to you here.".into());
                }
                if let Some(refused) = refused(ctx, Permission::BreakTheGlass, "break the glass") {
                    return refused;
                }
                let p = &record.patient;
                let prompt = Prompt::new(
                    format!(
                        "{} {} is not in your care. To open the clinical record, type why (it is recorded in the audit trail):",
                        p.mrn,
                        p.details.full_name()
                    ),
                    "Reason",
                );
                Question::prompt(prompt, Pending::BreakGlass).into()
            }
            Action::Up => {
                record.scroll = record.scroll.saturating_sub(1);
                Said::Nothing
            }
            Action::Down => {
                record.scroll = record.scroll.saturating_add(1).min(60);
                Said::Nothing
            }
            Action::CheckIn => super::check_in::check_in(record, ctx, false),
            Action::PortalAccount => {
                if let Some(refused) = refused(
                    ctx,
                    Permission::CreatePortalAccounts,
                    "manage portal accounts",
                ) {
                    return refused;
                }
                use super::portal_account::{PortalAccountDialog, PortalClosed};
                match PortalAccountDialog::open(record.patient.clone(), ctx) {
                    Ok(d) => Question::dialog(Box::new(d), PortalClosed).into(),
                    Err(said) => said,
                }
            }
            Action::Edit => {
                let p = record.patient.clone();
                self.edit(p, ctx)
            }
            Action::StartVisit => {
                let admitted = matches!(&record.admissions, Some(Ok(list))
                    if list.iter().any(|(a, _)| a.discharged_at.is_none()));
                start_visit(&id, admitted, ctx)
            }
            Action::VerifyIdentity => match ops::verify_identity(ctx.db, ctx.session, &id, ctx.now)
            {
                Ok(p) => {
                    let msg = format!(
                        "Identity of {} marked verified by {}.",
                        p.mrn, ctx.session.user.user_name
                    );
                    record.patient = p;
                    Said::Info(msg)
                }
                Err(e) => said_error(e),
            },
            Action::CorrectDeath => {
                if let Some(refused) =
                    refused(ctx, Permission::Administer, "correct a recorded death")
                {
                    return refused;
                }
                let p = &record.patient;
                if p.died_at.is_none() {
                    return Said::Error(format!("No death is recorded for {}.", p.mrn));
                }
                let prompt = Prompt::new(
                    format!(
                        "{} {} is recorded as deceased. If that is an error, type why; the record becomes alive again and the reason is kept:",
                        p.mrn,
                        p.details.full_name()
                    ),
                    "Reason",
                );
                Question::prompt(prompt, Pending::CorrectDeath).into()
            }
            Action::DeletePatient => {
                if let Some(refused) = refused(
                    ctx,
                    Permission::DeleteRestoreMergePatients,
                    "delete patients",
                ) {
                    return refused;
                }
                let p = &record.patient;
                let prompt = Prompt::new(
                    format!(
                        "Delete {} {}? The record is kept, hidden from searches, and an administrator can restore it. Type the reason:",
                        p.mrn,
                        p.details.full_name()
                    ),
                    "Reason",
                );
                Question::prompt(prompt, Pending::Delete).into()
            }
            Action::RestorePatient => match ops::restore(ctx.db, ctx.session, &id, ctx.now) {
                Ok(p) => {
                    let msg = format!("{} restored.", p.mrn);
                    record.patient = p;
                    Said::Info(msg)
                }
                Err(e) => said_error(e),
            },
            Action::UndoMerge => {
                if let Some(refused) =
                    refused(ctx, Permission::DeleteRestoreMergePatients, "undo merges")
                {
                    return refused;
                }
                let patient = record.patient.clone();
                self.ask_unmerge(&patient, ctx)
            }
            Action::MergePatient => {
                if let Some(refused) = refused(
                    ctx,
                    Permission::DeleteRestoreMergePatients,
                    "merge patients",
                ) {
                    return refused;
                }
                let survivor = record.patient.clone();
                let msg = format!(
                    "Find the duplicate record to merge into {} {}, then press Enter.",
                    survivor.mrn,
                    survivor.details.full_name()
                );
                self.pick = Some(Pick::MergeInto(Box::new(survivor)));
                self.search.typing = true;
                self.search.query.clear();
                self.view = View::Search;
                let said = self.run_search(ctx);
                if said != Said::Nothing {
                    said
                } else {
                    Said::Info(msg)
                }
            }
            _ => Said::Nothing,
        }
    }
}

/// Starts a visit of the patient in the visits area: a nurse's nursing
/// note; a doctor's ward round when the patient is admitted, else an
/// outpatient consultation.
fn start_visit(patient: &crate::domain::ids::Id, admitted: bool, ctx: &Ctx) -> Said {
    use crate::domain::role::{Permission, Role};
    use crate::domain::visit::VisitKind;
    if let Some(r) = crate::tui::screen::refused(ctx, Permission::ClinicalWorklist, "start visits")
    {
        return r;
    }
    let kind = if ctx.session.role() == Role::Nurse {
        VisitKind::NursingNote
    } else if admitted {
        VisitKind::WardRound
    } else {
        VisitKind::Outpatient
    };
    Said::Go(crate::tui::screen::Request::StartVisit {
        patient: patient.clone(),
        kind,
    })
}
