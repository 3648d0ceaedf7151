//! The day view's actions: moving through the day and between days, the
//! clinician filter, and an appointment's status moves (check-in, call in,
//! done, no-show; cancelling and undoing ask why first).

use super::prompts::Asking;
use super::{Appointments, Ctx, ROW_MINUTES, View, nothing_selected};
use crate::domain::appointment::{self as rules, Status};
use crate::domain::role::Permission;
use crate::error::Error;
use crate::ops::appointments as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Said, said_error};
use crate::tui::widgets::popup::Prompt;
use crate::tui::widgets::table::Selection;

impl Appointments {
    pub(super) fn perform_day(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if !matches!(action, Action::PageUp | Action::PageDown) {
            self.anchor = None;
        }
        match action {
            Action::PageUp | Action::PageDown => {
                self.page_hours(action);
                Said::Nothing
            }
            Action::Up | Action::Down | Action::Home | Action::End => {
                self.move_selection(action);
                Said::Nothing
            }
            Action::PrevDay | Action::NextDay | Action::Today => self.change_day(action, ctx),
            Action::GoToDate => self.ask_date(),
            Action::FocusSearch => self.open_find(),
            Action::FilterClinician => self.next_filter(),
            Action::Refresh => self.refresh(ctx),
            Action::NewAppointment | Action::WalkIn => self.open_booking(action, ctx),
            Action::Reschedule => self.open_reschedule(ctx),
            Action::CheckIn => self.advance(Status::CheckedIn, None, ctx),
            Action::StartConsultation => self.advance(Status::InConsultation, None, ctx),
            Action::CompleteConsultation => self.advance(Status::Completed, None, ctx),
            Action::MarkNoShow => self.advance(Status::NoShow, None, ctx),
            Action::CancelAppointment => self.ask_cancel_reason(ctx),
            Action::UndoStatus => self.ask_undo_reason(ctx),
            Action::ShowQueue => self.show_queue(ctx),
            Action::SetUp => self.set_up(ctx),
            Action::Open => self.open_record(),
            _ => Said::Nothing,
        }
    }

    /// Enter on an appointment (or a queue row): the patient's record opens
    /// on the patients tab, audited there as a READ.
    pub(super) fn open_record(&self) -> Said {
        match self.current() {
            Some(b) => Said::Go(crate::tui::screen::Request::OpenRecord {
                patient: b.appt.patient_id,
            }),
            None => nothing_selected(),
        }
    }

    /// PgUp/PgDn: the grid's hours in view move by two hours, from those in
    /// view (or the selection's).
    fn page_hours(&mut self, action: Action) {
        let (lo, hi) = self.grid_range(&(0..self.clinicians.len()).collect::<Vec<_>>());
        let from = self
            .anchor
            .or_else(|| {
                self.shown()
                    .get(self.selected.index())
                    .map(|b| b.appt.span.start)
            })
            .unwrap_or(lo);
        self.anchor = Some(if action == Action::PageUp {
            from.saturating_sub(120).max(lo)
        } else {
            (from + 120).min(hi.saturating_sub(ROW_MINUTES))
        });
    }

    /// ↑↓, Home, End: another of the appointments shown.
    fn move_selection(&mut self, action: Action) {
        let n = self.shown().len();
        self.selected.navigate(action, n);
    }

    /// The day before, the day after, or today.
    fn change_day(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        self.day = match action {
            Action::PrevDay => self.day.pred_opt().unwrap_or(self.day),
            Action::NextDay => self.day.succ_opt().unwrap_or(self.day),
            _ => ctx.clock().today(),
        };
        self.selected = Selection::default();
        self.load_day(ctx, true)
    }

    /// `g`: asks which day to show.
    fn ask_date(&mut self) -> Said {
        let p = Prompt::new(format!("Which day? Like {}.", self.today_text()), "Date");
        Question::prompt(p, Asking::GoToDate).at_once().into()
    }

    /// Ctrl+R: reads the clinicians, hours, types and the day again.
    fn refresh(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.load_setup(ctx);
        if said != Said::Nothing {
            return said;
        }
        let said = self.load_day(ctx, false);
        if said == Said::Nothing {
            Said::Info("Refreshed.".into())
        } else {
            said
        }
    }

    /// `x`: asks why the selected appointment is cancelled.
    fn ask_cancel_reason(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.current() else {
            return nothing_selected();
        };
        if let Some(r) = Self::refused(ctx, Permission::ManageAppointments, "cancel appointments") {
            return r;
        }
        if let Err(m) = rules::check_move(b.appt.status, Status::Cancelled) {
            return said_error(Error::Refused(m));
        }
        let p = Prompt::new(
            format!(
                "Cancel {} {} {}? Why:",
                b.patient_name, b.appt.span, b.type_name
            ),
            "Reason",
        );
        let asking = Asking::CancelReason {
            id: b.appt.id,
            version: b.appt.version,
        };
        Question::prompt(p, asking).into()
    }

    /// `u` (administrators): asks why the selected appointment's last status
    /// change is undone.
    fn ask_undo_reason(&mut self, ctx: &mut Ctx) -> Said {
        let Some(b) = self.current() else {
            return nothing_selected();
        };
        if let Some(r) = Self::refused(ctx, Permission::Administer, "undo appointment changes") {
            return r;
        }
        let Some(to) = b.appt.status.undo_target() else {
            return Said::Error(format!(
                "{}'s appointment is {}: nothing to undo.",
                b.patient_name,
                b.appt.status.label()
            ));
        };
        let p = Prompt::new(
            format!(
                "Undo {}'s {} back to {}? Why:",
                b.patient_name,
                b.appt.status.label(),
                to.label()
            ),
            "Reason",
        );
        let asking = Asking::UndoReason {
            id: b.appt.id,
            version: b.appt.version,
        };
        Question::prompt(p, asking).into()
    }

    /// `q`: the queue of today's arrived patients, read afresh.
    fn show_queue(&mut self, ctx: &mut Ctx) -> Said {
        self.view = View::Queue;
        self.queue_selected = Selection::default();
        self.load_day(ctx, true)
    }

    pub(super) fn next_filter(&mut self) -> Said {
        if self.clinicians.is_empty() {
            return Said::Info("There are no doctor or nurse accounts yet.".into());
        }
        self.filter = match self.filter {
            None => Some(0),
            Some(i) if i + 1 < self.clinicians.len() => Some(i + 1),
            Some(_) => None,
        };
        self.selected = Selection::default();
        self.queue_selected = Selection::default();
        Said::Info(match self.filter {
            Some(i) => format!(
                "Showing {} only: c for the next clinician.",
                self.clinicians[i].name()
            ),
            None => "Showing all clinicians.".into(),
        })
    }

    pub(super) fn advance(&mut self, to: Status, reason: Option<&str>, ctx: &mut Ctx) -> Said {
        let Some(b) = self.current() else {
            return nothing_selected();
        };
        if to == Status::InConsultation {
            return self.call_in(&b, ctx);
        }
        self.advance_one(
            &b.appt.id,
            b.appt.version,
            to,
            reason,
            ops::AllowCallIn::default(),
            ctx,
        )
    }

    /// Moves one appointment on, with what was agreed to, and says so.
    pub(super) fn advance_one(
        &mut self,
        id: &crate::domain::ids::Id,
        version: i64,
        to: Status,
        reason: Option<&str>,
        allow: ops::AllowCallIn,
        ctx: &mut Ctx,
    ) -> Said {
        match ops::advance_allowing(
            ctx.db,
            ctx.session,
            id,
            version,
            to,
            reason,
            allow,
            ctx.clock(),
        ) {
            Ok(after) => {
                let said = self.load_day(ctx, false);
                if said != Said::Nothing {
                    return said;
                }
                if !matches!(self.view, View::Queue) {
                    self.select(&after.appt.id);
                }
                let what = match to {
                    Status::CheckedIn => "checked in: waiting in the queue",
                    Status::InConsultation => "called into consultation",
                    Status::Completed => "done",
                    Status::Cancelled => "cancelled",
                    Status::NoShow => "marked no-show",
                    Status::Scheduled => "scheduled",
                };
                if to == Status::InConsultation
                    && let Some(go) = super::queue::visit_of(&after, ctx)
                {
                    return go;
                }
                Said::Info(format!(
                    "{} {} ({}) {what}.",
                    after.appt.span, after.patient_name, after.clinician_name
                ))
            }
            Err(Error::AskFirst(question)) => {
                let what = if to == Status::InConsultation {
                    "Call them in for this appointment anyway?"
                } else {
                    "Check them in for this appointment anyway?"
                };
                Question::confirm(
                    format!("{question}. {what}"),
                    super::prompts::Pending::Inpatient {
                        id: id.clone(),
                        version,
                        to,
                        allow,
                    },
                )
                .into()
            }
            Err(e) => {
                // Another terminal may have changed the day (a patient
                // called in meanwhile): read it again so that trying once
                // more sees it.
                let _ = self.load_day(ctx, false);
                said_error(e)
            }
        }
    }
}
