//! Setting up wards and beds (admins): the list of wards with their beds,
//! and the forms and questions that add, rename and retire them.

use super::views::{Form, Setup, SetupRow};
use super::{Asked, Beds, Confirmed, FormFor, UNSAVED, View};
use crate::domain::beds::{BedKind, WardKind};
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::beds as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::form::{self, Choice, Input};
use crate::tui::widgets::popup::Prompt;
use crate::tui::widgets::table::Selection;
use strum::IntoEnumIterator;

impl Beds {
    fn setup_rows(ctx: &mut Ctx) -> Result<Vec<SetupRow>, Error> {
        let wards = ops::wards(ctx.db, ctx.session)?;
        let beds = ops::beds_of(ctx.db, ctx.session, None)?;
        let mut rows = Vec::new();
        for w in wards {
            let id = w.id.clone();
            rows.push(SetupRow::Ward(w));
            for b in beds.iter().filter(|b| b.ward_id == id) {
                rows.push(SetupRow::Bed(b.clone()));
            }
        }
        Ok(rows)
    }

    pub(super) fn open_setup(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::Administer, "set up wards and beds") {
            return r;
        }
        match Self::setup_rows(ctx) {
            Ok(rows) => {
                self.view = View::Setup(Setup {
                    rows,
                    selected: Selection::default(),
                });
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    pub(super) fn reload_setup(&mut self, ctx: &mut Ctx, message: String) -> Said {
        let selected = match &self.view {
            View::Setup(s) => s.selected,
            _ => Selection::default(),
        };
        match Self::setup_rows(ctx) {
            Ok(rows) => {
                let mut selected = selected;
                selected.clamp(rows.len());
                self.view = View::Setup(Setup { rows, selected });
                let said = self.load(ctx, false);
                if said == Said::Nothing {
                    Said::Info(message)
                } else {
                    said
                }
            }
            Err(e) => said_error(e),
        }
    }

    pub(super) fn perform_setup(&mut self, action: Action) -> Said {
        let View::Setup(s) = &mut self.view else {
            return Said::Nothing;
        };
        if s.selected.navigate(action, s.rows.len()) {
            return Said::Nothing;
        }
        match action {
            Action::Back => {
                self.view = View::Board;
                Said::Nothing
            }
            Action::NewWard => {
                self.form = Some(Form {
                    title: "New ward".into(),
                    about: vec!["A ward holds beds; b adds them once it is saved.".into()],
                    fields: form::Form::new(vec![
                        Input::Text(TextField::new("Name").wide(40)),
                        Input::Choice(Choice::new(
                            "Kind",
                            WardKind::iter().map(|k| k.label().to_string()).collect(),
                        )),
                        Input::Choice(Choice::new(
                            "Takes",
                            vec!["any sex".into(), "women only".into(), "men only".into()],
                        )),
                    ]),
                    purpose: FormFor::NewWard,
                });
                Said::Nothing
            }
            Action::NewBed => {
                let ward = match s.rows.get(s.selected.index()) {
                    Some(SetupRow::Ward(w)) => Some((w.id.clone(), w.name.clone())),
                    Some(SetupRow::Bed(b)) => Some((b.ward_id.clone(), b.ward_name.clone())),
                    None => None,
                };
                let Some((ward, name)) = ward else {
                    return Said::Error("Add a ward first (n), then its beds.".into());
                };
                self.form = Some(Form {
                    title: "New bed".into(),
                    about: vec![format!(
                        "In ward {name}. Labels are unique in the hospital."
                    )],
                    fields: form::Form::new(vec![
                        Input::Text(TextField::new("Label").wide(12)),
                        Input::Choice(Choice::new(
                            "Kind",
                            BedKind::iter().map(|k| k.label().to_string()).collect(),
                        )),
                    ]),
                    purpose: FormFor::NewBed { ward },
                });
                Said::Nothing
            }
            Action::Edit => {
                let (question, label, asked, value) = match s.rows.get(s.selected.index()) {
                    Some(SetupRow::Ward(w)) => (
                        format!("Rename ward {}. Type the new name:", w.name),
                        "Name",
                        Asked::RenameWard { ward: w.id.clone() },
                        w.name.clone(),
                    ),
                    Some(SetupRow::Bed(b)) => (
                        format!("Relabel bed {}. Type the new label:", b.label),
                        "Label",
                        Asked::RenameBed { bed: b.id.clone() },
                        b.label.clone(),
                    ),
                    None => return Said::Nothing,
                };
                let mut p = Prompt::new(question, label);
                p.answer = TextField::new(label).with_value(&value);
                Question::prompt(p, asked).unsaved(UNSAVED).into()
            }
            Action::Retire => {
                let (question, then) = match s.rows.get(s.selected.index()) {
                    Some(SetupRow::Ward(w)) => (
                        format!(
                            "Retire ward {} and all its beds? Their history is kept.",
                            w.name
                        ),
                        Confirmed::RetireWard { ward: w.id.clone() },
                    ),
                    Some(SetupRow::Bed(b)) => (
                        format!(
                            "Retire bed {} of {}? Its history is kept.",
                            b.label, b.ward_name
                        ),
                        Confirmed::RetireBed { bed: b.id.clone() },
                    ),
                    None => return Said::Nothing,
                };
                Question::confirm(question, then).into()
            }
            _ => Said::Nothing,
        }
    }
}
