//! A dispense between its form and the ledger: the batches chosen first
//! expiry first out are shown, and only `y` dispenses them; `n` goes back to
//! the form as it was typed. Like a question, the plan ignores a `y` that
//! comes within 300 ms of its showing.

use super::forms::{Purpose, StockForm};
use super::{Pending, Pharmacy, View};
use crate::domain::pharmacy::Take;
use crate::error::Error;
use crate::ops::pharmacy as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};

/// A dispense waiting for its confirmation.
pub(super) struct DispenseChoice {
    pub(super) form: StockForm,
    pub(super) quantity: i64,
    pub(super) plan: Vec<Take>,
    /// What each batch of the plan holds before the dispense.
    pub(super) before: Vec<i64>,
    /// When the plan was shown: `y` in a burst of keys with it (a paste
    /// sent as keys) does not dispense.
    pub(super) shown_at: chrono::DateTime<chrono::Utc>,
}

impl Pharmacy {
    /// Plans a dispense of `quantity` of the item, first expiry first out,
    /// and shows the batches it would take for confirmation.
    pub(super) fn show_plan(&mut self, item_id: &str, quantity: i64, ctx: &mut Ctx) -> Said {
        match ops::plan(
            ctx.db,
            ctx.session,
            item_id,
            quantity,
            ops::today(&ctx.clock()),
        ) {
            Ok(plan) => {
                let before = plan
                    .iter()
                    .map(|t| {
                        self.item
                            .as_ref()
                            .and_then(|v| v.batches.iter().find(|b| b.id == t.batch_id))
                            .map_or(0, |b| b.on_hand)
                    })
                    .collect();
                let View::Form(form) = std::mem::replace(&mut self.view, View::List) else {
                    return Said::Nothing;
                };
                self.view = View::Confirm(Box::new(DispenseChoice {
                    form: *form,
                    quantity,
                    plan,
                    before,
                    shown_at: ctx.now,
                }));
                Said::Nothing
            }
            Err(e) => said_error(e),
        }
    }

    pub(super) fn perform_dispense_confirm(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        match action {
            Action::No => {
                let View::Confirm(choice) = std::mem::replace(&mut self.view, View::List) else {
                    return Said::Nothing;
                };
                self.view = View::Form(Box::new(choice.form));
                Said::Info("Nothing was dispensed.".into())
            }
            Action::Yes => {
                let View::Confirm(choice) = &self.view else {
                    return Said::Nothing;
                };
                if crate::tui::popups::settling(choice.shown_at, ctx.now) {
                    return Said::Info(
                        "… Keys that came with the plan are not its answer: read it, then y dispenses."
                            .into(),
                    );
                }
                self.dispense_planned(ctx, false)
            }
            _ => Said::Nothing,
        }
    }

    /// Dispenses the plan shown; `asked` when its quantity, above the
    /// item's usual largest dispense, was asked and the answer was yes.
    pub(super) fn dispense_planned(&mut self, ctx: &mut Ctx, asked: bool) -> Said {
        let View::Confirm(choice) = &self.view else {
            return Said::Nothing;
        };
        let Purpose::Dispense { level } = &choice.form.purpose else {
            return Said::Nothing;
        };
        let patient = choice.form.patient.as_ref();
        let dispense = if asked {
            ops::dispense_confirmed
        } else {
            ops::dispense
        };
        let result = dispense(
            ctx.db,
            ctx.session,
            &level.item.id,
            choice.quantity,
            patient.map(|p| p.id.as_str()),
            Some(&choice.plan),
            ctx.now,
        );
        match result {
            Ok(_) => {
                let to = patient
                    .map(|p| format!(" to {} {}", p.mrn, p.details.full_name()))
                    .unwrap_or_default();
                let msg = format!(
                    "Dispensed {} of {}{to}.",
                    crate::domain::display::quantity_of(choice.quantity, &level.item.details.unit),
                    level.item.details.label()
                );
                let said = self.close_form(ctx);
                if said == Said::Nothing {
                    Said::Info(msg)
                } else {
                    said
                }
            }
            Err(Error::AskFirst(question)) => Question::confirm(
                format!("{}. Dispense it?", super::save::capital(&question)),
                Pending::DispenseAsked,
            )
            .into(),
            Err(e) => {
                let View::Confirm(choice) = std::mem::replace(&mut self.view, View::List) else {
                    return said_error(e);
                };
                self.view = View::Form(Box::new(choice.form));
                said_error(e)
            }
        }
    }
}
