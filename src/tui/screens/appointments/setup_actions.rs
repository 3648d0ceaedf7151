//! The administrator's set-up inside the tab: opening it, and its keys
//! (appointment types added, changed, retired; a clinician's hours and days
//! off asked for with a prompt, answered in [`super::prompts`]).

use super::prompts::Asking;
use super::setup::{Ask, Setup};
use super::{Appointments, Ctx, View};
use crate::domain::role::Permission;
use crate::ops::appointments as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Said, said_error};
use crate::tui::widgets::field::Field as TextField;
use crate::tui::widgets::popup::Prompt;

impl Appointments {
    /// `h` in the day view: the types and hours, for administrators.
    pub(super) fn set_up(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = Self::refused(
            ctx,
            Permission::Administer,
            "change appointment types and working hours",
        ) {
            return r;
        }
        self.open_setup(ctx)
    }

    fn open_setup(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.load_setup(ctx);
        match crate::ops::appointments::types(ctx.db, ctx.session, true) {
            Ok(all) => {
                let selected = match &self.view {
                    View::Setup(s) => s.selected.index(),
                    _ => 0,
                };
                let mut s = Setup::new(
                    all,
                    &self.clinicians[..self.bookable],
                    &self.hours,
                    self.local_now.get().date(),
                );
                s.select(selected);
                self.view = View::Setup(Box::new(s));
                said
            }
            Err(e) => said_error(e),
        }
    }

    pub(super) fn reload_setup(&mut self, ctx: &mut Ctx, done: &str) -> Said {
        let said = self.open_setup(ctx);
        if said != Said::Nothing {
            return said;
        }
        Said::Info(done.into())
    }

    pub(super) fn perform_setup(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Setup(s) = &mut self.view else {
            return Said::Nothing;
        };
        if s.type_form.is_some() {
            return self.perform_type_form(action, ctx);
        }
        match action {
            Action::Back => self.view = View::Day,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => s.navigate(action),
            Action::NewType => s.new_type(),
            Action::ToggleRetired => {
                let Some(t) = s.selected_type().cloned() else {
                    return Said::Info("Choose a type first (the list's top part).".into());
                };
                return match ops::edit_type(
                    ctx.db,
                    ctx.session,
                    &t,
                    &t.name,
                    &t.minutes.to_string(),
                    !t.retired,
                ) {
                    Ok(t) => self.reload_setup(
                        ctx,
                        &if t.retired {
                            format!("Type {} is no longer offered for new bookings.", t.name)
                        } else {
                            format!("Type {} is offered again.", t.name)
                        },
                    ),
                    Err(e) => said_error(e),
                };
            }
            Action::Edit => {
                if let Some(ask) = s.edit_selected(self.date_pattern) {
                    let (prompt, asking) = ask_for(ask);
                    return Question::prompt(prompt, asking).into();
                }
            }
            _ => {}
        }
        Said::Nothing
    }

    /// The keys of the appointment type form: move between its two fields,
    /// cancel, save.
    fn perform_type_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Setup(s) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => {
                if let Some(f) = &mut s.type_form {
                    f.fields.next();
                }
            }
            Action::PrevField => {
                if let Some(f) = &mut s.type_form {
                    f.fields.prev();
                }
            }
            Action::Cancel => s.type_form = None,
            Action::Save => return self.save_type(ctx),
            _ => {}
        }
        Said::Nothing
    }

    /// Ctrl+S in the type form: adds the type, or changes the one edited;
    /// a refusal stays in the form.
    fn save_type(&mut self, ctx: &mut Ctx) -> Said {
        let View::Setup(s) = &self.view else {
            return Said::Nothing;
        };
        let Some(f) = &s.type_form else {
            return Said::Nothing;
        };
        let result = match &f.editing {
            Some(t) => ops::edit_type(ctx.db, ctx.session, t, f.name(), f.minutes(), t.retired),
            None => ops::add_type(ctx.db, ctx.session, f.name(), f.minutes()),
        };
        match result {
            Ok(t) => {
                let said = self.reload_setup(ctx, "");
                if said != Said::Info(String::new()) {
                    return said;
                }
                Said::Info(format!("Type {} saved ({} min).", t.name, t.minutes))
            }
            Err(e) => {
                let said = said_error(e);
                if let (View::Setup(s), Said::Error(m)) = (&mut self.view, &said)
                    && let Some(f) = &mut s.type_form
                {
                    f.error = Some(m.clone());
                }
                said
            }
        }
    }
}

/// A set-up question as a prompt.
fn ask_for(ask: Ask) -> (Prompt, Asking) {
    match ask {
        Ask::Hours {
            clinician,
            weekday,
            question,
            current,
        } => {
            let mut p = Prompt::new(question, "Hours");
            p.answer = TextField::new("Hours").wide(40).with_value(&current);
            (p, Asking::Hours { clinician, weekday })
        }
        Ask::DayOff {
            clinician,
            question,
        } => {
            let mut p = Prompt::new(question, "Date");
            p.answer = TextField::new("Date").wide(40);
            (p, Asking::DayOff { clinician })
        }
    }
}
