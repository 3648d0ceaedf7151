//! The worklist's actions: reading the day's list of the clinician shown,
//! moving through it, opening a row's visit (the appointment's, or a ward
//! round of an admitted patient), another clinician's list, and starting a
//! visit for a patient chosen in the picker.

use super::{Asked, Target, View, Visits};
use crate::domain::role::Role;
use crate::domain::visit::VisitKind;
use crate::ops;
use crate::ops::worklist::Reason;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Request, Said, said_error};

impl Visits {
    /// Reads the worklist of the clinician shown; `audit` writes its READ.
    pub(super) fn load(&mut self, ctx: &mut Ctx, audit: bool) -> Said {
        if self.clinicians.is_empty() {
            match ops::beds::clinicians(ctx.db, ctx.session) {
                Ok(c) => self.clinicians = c,
                Err(e) => return said_error(e),
            }
        }
        let who = self
            .showing
            .clone()
            .unwrap_or_else(|| ctx.session.user.id.clone());
        let list = match ops::worklist::worklist(ctx.db, ctx.session, &who, ctx.clock(), audit) {
            Ok(l) => l,
            Err(e) => return said_error(e),
        };
        let n = list.entries.len() + list.stale_drafts.len();
        self.list = Some(list);
        if let said @ Said::Error(_) = self.load_alerts(ctx, audit) {
            return said;
        }
        self.selected.clamp(n);
        self.read_facts_in_view(ctx)
    }

    /// Reads the facts (pending, age, allergies) of the rows the table
    /// shows with the selection where it is: a round of hundreds of
    /// patients is read a screenful at a time.
    fn read_facts_in_view(&mut self, ctx: &mut Ctx) -> Said {
        let Some(list) = self.list.as_mut() else {
            return Said::Nothing;
        };
        let fit = match self.rows_in_view.get() {
            0 => ROWS_BEFORE_FIRST_FRAME,
            n => n,
        };
        let first = self.selected.offset(fit);
        match ops::worklist::read_facts(ctx.db, ctx.session, list, first..first + fit) {
            Ok(()) => Said::Nothing,
            Err(e) => said_error(e),
        }
    }

    fn rows(&self) -> usize {
        self.list
            .as_ref()
            .map_or(0, |l| l.entries.len() + l.stale_drafts.len())
    }

    pub(super) fn perform_worklist(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if self.selected.navigate(action, self.rows()) {
            return self.read_facts_in_view(ctx);
        }
        match action {
            Action::Refresh => match self.load(ctx, false) {
                Said::Nothing => Said::Info("Refreshed.".into()),
                said => said,
            },
            Action::Open => match self.target(ctx) {
                Some(t) => self.open_target(t, ctx),
                None => Said::Info("No patient on the worklist: n starts a visit.".into()),
            },
            Action::FilterClinician => self.next_clinician(ctx),
            Action::AcknowledgeCritical => self.ask_acknowledge(),
            Action::StartVisit => {
                Question::patient(ctx, "Start a visit for", Asked::NewVisitPatient).into()
            }
            _ => Said::Nothing,
        }
    }

    /// What Enter opens on the selected row.
    fn target(&self, ctx: &Ctx) -> Option<Target> {
        let list = self.list.as_ref()?;
        let i = self.selected.index();
        if let Some(e) = list.entries.get(i) {
            let patient = e.patient_id.clone();
            return Some(match &e.reason {
                Reason::CalledIn(q) | Reason::Waiting(q) => Target::Request(Request::OpenVisit {
                    appointment: q.id.clone(),
                    patient,
                }),
                Reason::Admitted(_) => match &e.visit {
                    Some(v) if v.clinician_id == ctx.session.user.id => Target::Visit(v.clone()),
                    _ => Target::Request(Request::StartVisit {
                        patient,
                        kind: round_kind(ctx),
                    }),
                },
            });
        }
        let d = list.stale_drafts.get(i - list.entries.len())?;
        Some(Target::Visit(d.visit.clone()))
    }

    fn next_clinician(&mut self, ctx: &mut Ctx) -> Said {
        if self.clinicians.is_empty() {
            return Said::Info("No other doctor or nurse has an account.".into());
        }
        let now = self
            .showing
            .as_ref()
            .and_then(|id| self.clinicians.iter().position(|c| &c.id == id));
        let next = now.map_or(0, |i| (i + 1) % self.clinicians.len());
        let who = self.clinicians[next].clone();
        self.showing = Some(who.id.clone());
        self.selected = Default::default();
        match self.load(ctx, true) {
            Said::Nothing => Said::Info(format!("Worklist of {}: c for the next.", who.name())),
            said => said,
        }
    }

    /// Back to the worklist from a visit, reading it afresh.
    pub(super) fn back_to_list(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.save_draft(ctx, false);
        if matches!(said, Said::Error(_)) {
            return said;
        }
        self.view = View::Worklist;
        match self.load(ctx, false) {
            Said::Nothing => said,
            other => other,
        }
    }
}

/// Rows read before the table has been drawn once (a tall terminal's).
const ROWS_BEFORE_FIRST_FRAME: usize = 60;

/// The visit a clinician starts for an admitted patient: a doctor's ward
/// round, a nurse's nursing note.
pub(super) fn round_kind(ctx: &Ctx) -> VisitKind {
    if ctx.session.role() == Role::Nurse {
        VisitKind::NursingNote
    } else {
        VisitKind::WardRound
    }
}
