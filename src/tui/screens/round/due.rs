//! The due list: reading the doses due on the clinician's wards (all of
//! them, or one at a time with `w`), and what its keys do — give, hold,
//! refused, not available, and opening the patient's MAR.

use super::{Asked, DoseRef, Round, View, hm};
use crate::domain::prescribing::mar::Outcome;
use crate::ops;
use crate::ops::mar::Due;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};
use crate::tui::widgets::popup::Prompt;

/// What the tab says to a clinician who works on no ward.
pub(crate) const NO_WARD: &str = "You work on no ward, so there is no round to show. An administrator assigns you to your wards: Admin tab (F6), w on your account, or `wardline users wards`.";

/// A dose in words: the medicine with its dose and route.
pub(crate) fn dose_words(rx: &crate::store::prescriptions::Prescription) -> String {
    format!("{} {} {}", rx.medicine, rx.dose, rx.route.label())
}

/// The patient in words: name and MRN.
pub(crate) fn patient_words(name: &str, mrn: &str) -> String {
    format!("{name} ({mrn})")
}

impl DoseRef {
    /// The scheduled dose of a row of the due list.
    pub(crate) fn of_due(d: &Due) -> DoseRef {
        DoseRef {
            prescription: d.prescription.id.clone(),
            due_at: Some(d.due_at),
            what: dose_words(&d.prescription),
            patient: patient_words(&d.patient.name, &d.patient.mrn),
        }
    }
}

/// The question asked before recording `outcome` of a dose: a confirmation
/// naming it for a dose given, else its reason.
pub(crate) fn ask_outcome(dose: DoseRef, outcome: Outcome, ctx: &Ctx) -> Said {
    let clock = ctx.clock();
    let due = dose.due_at.map_or(String::new(), |t| {
        format!(", the dose due at {}", hm(t, clock))
    });
    match outcome {
        Outcome::Given => {
            let recent = match ops::mar::given_too_recently(
                ctx.db,
                ctx.session,
                &dose.prescription,
                clock,
            ) {
                Ok(r) => r,
                Err(e) => return said_error(e),
            };
            let warning = recent.map_or(String::new(), |a| {
                let minutes = (ctx.now - a.at).num_minutes().max(0);
                format!(
                    " ⚠ A dose of it was given at {} ({minutes} min ago{}): giving this one too \
                     would double it; record this one as held if it was not meant.",
                    hm(a.at, clock),
                    a.due_at.map_or(String::new(), |d| format!(
                        ", the dose due at {}",
                        hm(d, clock)
                    ))
                )
            });
            Question::confirm(
                format!(
                    "Give {} to {}{due}?{warning} It is recorded as given now ({}) by you.",
                    dose.what,
                    dose.patient,
                    clock.at(ctx.now).format("%H:%M")
                ),
                Asked::Give(dose),
            )
            .into()
        }
        other => Question::prompt(
            Prompt::new(
                format!(
                    "Why is the dose {}? {} for {}{due}.",
                    other.label(),
                    dose.what,
                    dose.patient
                ),
                "Reason",
            ),
            Asked::Reason {
                dose,
                outcome: other,
            },
        )
        .unsaved("Quit and throw away the reason you were typing?")
        .into(),
    }
}

impl Round {
    /// Reads the clinician's wards and the doses due on those shown.
    /// `audit` writes the READ event (opening the tab, choosing a ward).
    pub(super) fn load(&mut self, ctx: &mut Ctx, audit: bool) -> Said {
        self.trouble = None;
        self.read_at = Some(ctx.now);
        self.wards = match ops::ward_staff::my_wards(ctx.db, ctx.session) {
            Ok(w) => w,
            Err(e) => return self.trouble(e),
        };
        if self.ward.is_some_and(|w| w >= self.wards.len()) {
            self.ward = None;
        }
        let ids: Vec<_> = match self.ward {
            Some(i) => vec![self.wards[i].ward_id.clone()],
            None => self.wards.iter().map(|w| w.ward_id.clone()).collect(),
        };
        self.due = match ops::round::due_on_wards(ctx.db, ctx.session, &ids, ctx.clock(), audit) {
            Ok(d) => d,
            Err(e) => return self.trouble(e),
        };
        // Each patient's allergy state, all in one query.
        let mut patients: Vec<_> = self
            .due
            .iter()
            .map(|d| d.patient.patient_id.clone())
            .collect();
        patients.sort();
        patients.dedup();
        self.allergies = match patients.is_empty() {
            true => Default::default(),
            false => match ops::record::allergy_states(ctx.db, ctx.session, &patients) {
                Ok(states) => states,
                Err(e) => return self.trouble(e),
            },
        };
        self.selected.clamp(self.due.len());
        Said::Nothing
    }

    fn trouble(&mut self, e: crate::error::Error) -> Said {
        let said = said_error(e);
        if let Said::Error(m) = &said {
            self.trouble = Some(m.clone());
        }
        self.due.clear();
        said
    }

    /// The name of what is shown: one ward, or all the clinician's.
    pub(super) fn showing(&self) -> String {
        match self.ward.and_then(|i| self.wards.get(i)) {
            Some(w) => w.ward_name.clone(),
            None if self.wards.len() == 1 => self.wards[0].ward_name.clone(),
            None => "all my wards".into(),
        }
    }

    pub(super) fn perform_due(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if self.selected.navigate(action, self.due.len()) {
            return Said::Nothing;
        }
        match action {
            Action::NextWard => self.next_ward(ctx),
            Action::ShowMar => match self.due.get(self.selected.index()) {
                Some(d) => {
                    let patient = d.patient.clone();
                    self.open_chart(patient, ctx)
                }
                None => Said::Info("No dose is selected: the MAR opens from a dose's row.".into()),
            },
            Action::GiveDose => self.ask(Outcome::Given, ctx),
            Action::HoldDose => self.ask(Outcome::Held, ctx),
            Action::RefuseDose => self.ask(Outcome::Refused, ctx),
            Action::DoseNotAvailable => self.ask(Outcome::NotAvailable, ctx),
            _ => Said::Nothing,
        }
    }

    fn ask(&self, outcome: Outcome, ctx: &Ctx) -> Said {
        match self.due.get(self.selected.index()) {
            Some(d) => ask_outcome(DoseRef::of_due(d), outcome, ctx),
            None => Said::Info("No dose is due now: nothing to record.".into()),
        }
    }

    fn next_ward(&mut self, ctx: &mut Ctx) -> Said {
        match self.wards.len() {
            0 => return Said::Info(NO_WARD.into()),
            1 => return Said::Info(format!("You work on {} only.", self.wards[0].ward_name)),
            n => {
                self.ward = match self.ward {
                    None => Some(0),
                    Some(i) if i + 1 < n => Some(i + 1),
                    Some(_) => None,
                }
            }
        }
        self.selected = Default::default();
        let said = self.load(ctx, true);
        if said != Said::Nothing {
            return said;
        }
        Said::Info(format!("Showing {}.", self.showing()))
    }

    /// Shows the view of the due list again, read afresh.
    pub(super) fn back_to_due(&mut self, ctx: &mut Ctx) -> Said {
        self.view = View::Due;
        self.load(ctx, false)
    }
}
