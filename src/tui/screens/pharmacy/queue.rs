//! The prescription queue's side of the tab: the prescriptions waiting to
//! be dispensed (stat and urgent first, then the oldest) with each
//! patient's allergies, the batches a dispense would take (Enter), the
//! dispense itself (`y`, confirmed on the popup stack) and its label,
//! written as text and PDF to `<data dir>/labels/`.

use super::{Pending, Pharmacy, View};
use crate::domain::conditions::AllergyState;
use crate::domain::display::quantity_of;
use crate::domain::label::Paper;
use crate::domain::role::Permission;
use crate::ops::dispensing::{self, RxPlan};
use crate::ops::labels;
use crate::ops::record::AllergyBanner;
use crate::store::prescriptions::Waiting;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::table::Selection;

/// One waiting prescription with its patient's allergy banner (or why it
/// could not be read). Only the selected row's banner lists the
/// allergies (`full`); the others hold the state their marker shows.
pub(super) struct QueueRow {
    pub(super) waiting: Waiting,
    pub(super) allergies: Result<AllergyBanner, String>,
    full: bool,
}

impl QueueRow {
    /// The row's allergy marker: `!` allergic, `?` not asked, blank none.
    pub(super) fn marker(&self) -> &'static str {
        match &self.allergies {
            Ok(b) if b.state == AllergyState::Allergic => "!",
            Ok(b) if b.state == AllergyState::NoKnownAllergies => " ",
            _ => "?",
        }
    }
}

/// The queue as loaded, the selection, and the plan shown.
#[derive(Default)]
pub(super) struct RxQueue {
    pub(super) rows: Vec<QueueRow>,
    pub(super) selected: Selection,
    pub(super) plan: Option<RxPlan>,
}

/// How long a prescription has waited: `12 min`, `3 h`, `2 d`.
pub(super) fn age(minutes: i64) -> String {
    match minutes.max(0) {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h", m / 60),
        m => format!("{} d", m / (24 * 60)),
    }
}

impl Pharmacy {
    /// Reads the queue and its patients' allergy states again (one query),
    /// keeping the selected prescription selected, whose banner is read
    /// whole.
    pub(super) fn reload_queue(&mut self, ctx: &mut Ctx) -> Said {
        let keep = self
            .selected_rx()
            .map(|r| r.waiting.prescription.id.clone());
        let waiting = match dispensing::queue(ctx.db, ctx.session) {
            Ok(w) => w,
            Err(e) => return said_error(e),
        };
        let patients: Vec<_> = waiting
            .iter()
            .map(|w| w.prescription.patient_id.clone())
            .collect();
        let states = match patients.is_empty() {
            true => Ok(Default::default()),
            false => crate::ops::record::allergy_states(ctx.db, ctx.session, &patients)
                .map_err(|e| e.to_string()),
        };
        self.rx.rows = waiting
            .into_iter()
            .map(|w| {
                let allergies = match &states {
                    Ok(s) => Ok(AllergyBanner {
                        state: s
                            .get(&w.prescription.patient_id)
                            .copied()
                            .unwrap_or(AllergyState::NotAsked),
                        allergies: Vec::new(),
                        no_known: None,
                    }),
                    Err(e) => Err(e.clone()),
                };
                QueueRow {
                    waiting: w,
                    allergies,
                    full: false,
                }
            })
            .collect();
        let at = keep.and_then(|id| {
            self.rx
                .rows
                .iter()
                .position(|r| r.waiting.prescription.id == id)
        });
        let len = self.rx.rows.len();
        self.rx
            .selected
            .select(at.unwrap_or(self.rx.selected.index()), len);
        self.read_selected_banner(ctx);
        Said::Nothing
    }

    /// Reads the selected row's allergy banner whole, once.
    fn read_selected_banner(&mut self, ctx: &mut Ctx) {
        let index = self.rx.selected.index();
        let Some(row) = self.rx.rows.get_mut(index) else {
            return;
        };
        if row.full || row.allergies.is_err() {
            return;
        }
        let patient = row.waiting.prescription.patient_id.clone();
        row.allergies = crate::ops::record::allergy_banner(ctx.db, ctx.session, &patient, false)
            .map_err(|e| e.to_string());
        row.full = true;
    }

    pub(super) fn selected_rx(&self) -> Option<&QueueRow> {
        self.rx.rows.get(self.rx.selected.index())
    }

    /// `p` on the stock list: the queue; in the queue: the stock list.
    pub(super) fn toggle_queue(&mut self, ctx: &mut Ctx) -> Said {
        if matches!(self.view, View::Queue) {
            self.view = View::List;
            return self.reload(ctx);
        }
        if let Some(no) = refused(ctx, Permission::Dispense, "see the pharmacy's queue") {
            return no;
        }
        self.searching = false;
        self.view = View::Queue;
        let said = self.reload_queue(ctx);
        if said != Said::Nothing {
            self.view = View::List;
            return said;
        }
        Said::Info(match self.rx.rows.len() {
            0 => "No prescription is waiting to be dispensed.".into(),
            1 => "1 prescription waiting.".into(),
            n => format!("{n} prescriptions waiting."),
        })
    }

    pub(super) fn perform_queue(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        if self.rx.selected.navigate(action, self.rx.rows.len()) {
            self.read_selected_banner(ctx);
            return Said::Nothing;
        }
        match action {
            Action::PrescriptionQueue => self.toggle_queue(ctx),
            Action::Open => self.show_rx_plan(ctx),
            Action::WriteLabel => {
                let Some(row) = self.selected_rx() else {
                    return Said::Info("No prescription is selected.".into());
                };
                let id = row.waiting.prescription.id.clone();
                match self.write_label(&id, None, ctx) {
                    Ok(msg) => Said::Info(msg),
                    Err(e) => said_error(e),
                }
            }
            _ => Said::Nothing,
        }
    }

    /// Plans the dispense of the selected prescription and shows it; a
    /// refusal (stopped, bought outside, no usable stock) is said in words
    /// and the queue stays.
    fn show_rx_plan(&mut self, ctx: &mut Ctx) -> Said {
        let Some(row) = self.selected_rx() else {
            return Said::Info("No prescription is waiting: nothing to dispense.".into());
        };
        let rx = &row.waiting.prescription;
        let (id, patient) = (rx.id.clone(), rx.patient_id.clone());
        match dispensing::plan(ctx.db, ctx.session, &id, ctx.today()) {
            Ok(plan) => {
                // The patient is opened: the allergies are read with their event.
                let banner =
                    crate::ops::record::allergy_banner(ctx.db, ctx.session, &patient, true)
                        .map_err(|e| e.to_string());
                if let Some(row) = self.rx.rows.get_mut(self.rx.selected.index()) {
                    row.allergies = banner;
                    row.full = true;
                }
                self.rx.plan = Some(plan);
                self.view = View::RxPlan;
                Said::Nothing
            }
            Err(e) => {
                let said = said_error(e);
                self.reload_queue(ctx);
                said
            }
        }
    }

    pub(super) fn perform_rx_plan(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::Back => {
                self.rx.plan = None;
                self.view = View::Queue;
                let said = self.reload_queue(ctx);
                if said == Said::Nothing {
                    Said::Info("Nothing was dispensed.".into())
                } else {
                    said
                }
            }
            Action::DispensePrescription => {
                let (Some(plan), Some(row)) = (&self.rx.plan, self.selected_rx()) else {
                    return Said::Nothing;
                };
                let rx = &plan.prescription;
                let short = match plan.still_owed() {
                    0 => String::new(),
                    n => format!(
                        " Stock is short: {} stays owed.",
                        quantity_of(n, &rx.item_unit)
                    ),
                };
                Question::confirm(
                    format!(
                        "Dispense {} of {} to {} {}?{short}",
                        quantity_of(plan.quantity, &rx.item_unit),
                        rx.medicine,
                        row.waiting.mrn,
                        row.waiting.patient_name
                    ),
                    Pending::DispenseRx,
                )
                .into()
            }
            _ => Said::Nothing,
        }
    }

    /// The confirmation said yes: dispenses the batches shown, writes the
    /// label and goes back to the queue.
    pub(super) fn dispense_rx(&mut self, ctx: &mut Ctx) -> Said {
        let Some(plan) = self.rx.plan.take() else {
            return Said::Nothing;
        };
        self.view = View::Queue;
        let who = self
            .selected_rx()
            .map(|r| format!(" to {}", r.waiting.mrn))
            .unwrap_or_default();
        let rx = &plan.prescription;
        let done =
            match dispensing::dispense(ctx.db, ctx.session, &rx.id, Some(&plan.takes), ctx.now) {
                Ok(done) => done,
                Err(e) => {
                    let said = said_error(e);
                    self.reload_queue(ctx);
                    return said;
                }
            };
        let what = format!(
            "{} of {}{who}",
            quantity_of(done.quantity, &rx.item_unit),
            rx.medicine
        );
        let owed = match done.prescription.owed() {
            0 => String::new(),
            n => format!(", {n} still owed (it stays in the queue)"),
        };
        let label = self.write_label(&rx.id, Some(done.quantity), ctx);
        let said = self.reload_queue(ctx);
        if said != Said::Nothing {
            return said;
        }
        match label {
            // The status line has room for the file's name, not the order:
            // the medicine and patient were on the plan just confirmed.
            Ok(written) => Said::Info(format!(
                "Dispensed {}{owed}. {written}",
                quantity_of(done.quantity, &rx.item_unit)
            )),
            Err(e) => Said::Error(format!(
                "Dispensed {what}{owed}. The label was not written: {e}. Press l on a partly dispensed prescription, or run `wardline label`."
            )),
        }
    }

    /// Writes the label of `quantity` (all dispensed when `None`) as 80 mm
    /// text and as PDF into the labels folder; says where.
    fn write_label(
        &self,
        id: &crate::domain::ids::Id,
        quantity: Option<i64>,
        ctx: &mut Ctx,
    ) -> crate::error::Result<String> {
        let folder = labels::folder_of(ctx.db.path());
        let clock = ctx.clock();
        let w = labels::write_both(
            ctx.db,
            ctx.session,
            id,
            quantity,
            Paper::Wide,
            &folder,
            &clock,
        )?;
        let shown = w
            .text
            .strip_prefix(folder.parent().unwrap_or(&folder))
            .unwrap_or(&w.text);
        Ok(format!("Label: {} + .pdf", shown.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::age;

    #[test]
    fn ages_read_in_minutes_hours_then_days() {
        assert_eq!(age(12), "12 min");
        assert_eq!(age(-3), "0 min");
        assert_eq!(age(61), "1 h");
        assert_eq!(age(47 * 60), "47 h");
        assert_eq!(age(3 * 24 * 60), "3 d");
    }
}
