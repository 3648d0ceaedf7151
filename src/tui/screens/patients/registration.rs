//! Registering and editing a patient: opening the form on a record, the
//! checks and duplicate suggestions as fields change, the form's keys, and
//! saving (a conflict with another terminal reloads the form).

use super::form::{Editing, PatientForm};
use super::record::PatientRecord;
use super::{Patients, Pending, View};
use crate::domain::patient::{Patient, PatientInput};
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::patients as ops;
use crate::store::StoreError;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};

impl Patients {
    /// Validates what is typed, and looks for duplicates when asked.
    pub(super) fn check_form(form: &mut PatientForm, ctx: &mut Ctx, duplicates: bool) -> Said {
        let input = form.input();
        match ops::check(ctx.db, &input, ctx.now) {
            Ok(_) => form.set_errors(Vec::new()),
            Err(Error::Invalid(errors)) => form.set_errors(errors),
            Err(e) => return said_error(e),
        }
        if duplicates {
            let exclude = form.editing.as_ref().map(|e| e.id.clone());
            match ops::duplicates(ctx.db, ctx.session, &input, exclude.as_ref(), ctx.now) {
                Ok(d) => {
                    form.duplicates = d;
                    if form.duplicates.is_empty() {
                        form.duplicate_focus = None;
                    }
                }
                Err(e) => return said_error(e),
            }
        }
        Said::Nothing
    }

    pub(super) fn edit(&mut self, p: Patient, ctx: &mut Ctx) -> Said {
        if let Some(refused) = refused(ctx, Permission::RegisterPatients, "edit patients") {
            return refused;
        }
        if p.merged_into.is_some() || p.deleted_at.is_some() {
            return Said::Error(
                "This record is deleted or merged: restore it, or edit the surviving record."
                    .into(),
            );
        }
        let input =
            PatientInput::from_details(&p.details, ctx.settings.date_pattern(), ctx.today());
        let editing = Editing {
            id: p.id.clone(),
            version: p.version,
            mrn: p.mrn.clone(),
        };
        let mut form = PatientForm::new(input, Some(editing));
        Self::check_form(&mut form, ctx, true);
        self.form_return = Some(PatientRecord::new(p));
        self.view = View::Form(form);
        Said::Nothing
    }

    pub(super) fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        if form.duplicate_focus.is_some() {
            return match action {
                Action::Up | Action::Down => {
                    form.move_duplicate(action == Action::Down);
                    Said::Nothing
                }
                Action::Back => {
                    form.duplicate_focus = None;
                    Said::Nothing
                }
                Action::Open => {
                    let Some(d) = form
                        .duplicate_focus
                        .and_then(|i| form.duplicates.get(i))
                        .cloned()
                    else {
                        return Said::Nothing;
                    };
                    match ops::open(ctx.db, ctx.session, &d.row.id) {
                        Ok(p) => {
                            let chosen = self.picking_for_caller();
                            if let Some(p) = self.choose_for_caller(p) {
                                self.view = View::Record(PatientRecord::new(p));
                            }
                            Said::Info(if chosen {
                                "Chose the existing record instead; nothing was registered.".into()
                            } else {
                                "Opened the existing record instead; nothing was registered.".into()
                            })
                        }
                        Err(e) => said_error(e),
                    }
                }
                _ => Said::Nothing,
            };
        }
        match action {
            Action::NextField => {
                form.next_field();
                Self::check_form(form, ctx, false)
            }
            Action::PrevField => {
                form.prev_field();
                Self::check_form(form, ctx, false)
            }
            Action::FocusDuplicates => {
                if form.duplicates.is_empty() {
                    Said::Info("No possible duplicates for what is typed so far.".into())
                } else {
                    form.duplicate_focus = Some(0);
                    Said::Nothing
                }
            }
            Action::Cancel => {
                if form.changed() {
                    Question::confirm(
                        "Throw away what you typed in this form?",
                        Pending::DiscardForm,
                    )
                    .into()
                } else {
                    self.close_form(ctx)
                }
            }
            Action::Save => {
                form.tried_to_save = true;
                let said = Self::check_form(form, ctx, true);
                if said != Said::Nothing {
                    return said;
                }
                if ops::check(ctx.db, &form.input(), ctx.now).is_err() {
                    form.focus_first_error();
                    return Said::Error(
                        "Some fields need correcting: see the messages under them.".into(),
                    );
                }
                if form.editing.is_none() && !form.duplicates.is_empty() {
                    let question = format!(
                        "{} possible duplicate(s) are listed on the right (Ctrl+D to look). Register a new patient anyway?",
                        form.duplicates.len()
                    );
                    return Question::confirm(question, Pending::SaveDespiteDuplicates).into();
                }
                self.save(ctx, &[])
            }
            _ => Said::Nothing,
        }
    }

    pub(super) fn close_form(&mut self, ctx: &mut Ctx) -> Said {
        match self.form_return.take() {
            Some(r) => {
                self.view = View::Record(r);
                Said::Nothing
            }
            None => {
                self.view = View::Search;
                self.run_search(ctx)
            }
        }
    }

    pub(super) fn save(&mut self, ctx: &mut Ctx, despite: &[String]) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        let input = form.input();
        match form.editing.clone() {
            None => match ops::register(ctx.db, ctx.session, &input, despite, ctx.now) {
                Ok(p) => {
                    let msg = format!(
                        "Registered {} {}: give the patient this MRN.",
                        p.mrn,
                        p.details.full_name()
                    );
                    self.form_return = None;
                    match self.choose_for_caller(p) {
                        Some(p) => self.view = View::Record(PatientRecord::new(p)),
                        None => self.view = View::Search,
                    }
                    Said::Info(msg)
                }
                Err(e) => said_error(e),
            },
            Some(editing) => match ops::update(
                ctx.db,
                ctx.session,
                &editing.id,
                editing.version,
                &input,
                ctx.now,
            ) {
                Ok(p) => {
                    let msg = format!("Saved {}.", p.mrn);
                    self.form_return = None;
                    self.view = View::Record(PatientRecord::new(p));
                    Said::Info(msg)
                }
                Err(Error::Store(StoreError::Conflict(msg))) => {
                    match crate::ops::patients::current(ctx.db, ctx.session, &editing.id) {
                        Ok(Some(current)) => {
                            let fresh = PatientInput::from_details(
                                &current.details,
                                ctx.settings.date_pattern(),
                                ctx.today(),
                            );
                            let editing = Editing {
                                id: current.id.clone(),
                                version: current.version,
                                mrn: current.mrn.clone(),
                            };
                            form.reset(fresh, Some(editing));
                            self.form_return = Some(PatientRecord::new(current));
                        }
                        Ok(None) => {}
                        Err(e) => return said_error(e),
                    }
                    let mut c = msg.chars();
                    Said::Error(
                        c.next()
                            .map(|f| f.to_uppercase().chain(c).collect())
                            .unwrap_or(msg),
                    )
                }
                Err(e) => said_error(e),
            },
        }
    }
}
