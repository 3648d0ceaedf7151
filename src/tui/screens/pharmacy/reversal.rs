//! A dispense made in error taken back from the item's view (`v`): its
//! ledger number typed, then why, then a yes to a question naming what goes
//! back; the stock returns to each batch it took, its charges are reversed
//! and a prescription it was dispensed against owes it again.

use super::{Pending, Pharmacy};
use crate::domain::display::quantity_of;
use crate::domain::role::Permission;
use crate::ops::pharmacy as ops;
use crate::store::pharmacy::MovementRow;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::popup::Prompt;

/// What a reversal prompt keeps when quitting would lose it.
const UNSAVED: &str = "Quit and throw away the dispense reversal you were typing?";

impl Pharmacy {
    /// Asks for the ledger number of the dispense to reverse.
    pub(super) fn ask_which_dispense(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(r) = refused(ctx, Permission::Dispense, "reverse a dispense") {
            return r;
        }
        let Some(v) = &self.item else {
            return Said::Nothing;
        };
        if !v.ledger.iter().any(|m| m.kind == "dispense") {
            return Said::Info(format!(
                "{} has no dispense in its ledger to reverse.",
                v.item.details.label()
            ));
        }
        let prompt = Prompt::new(
            format!(
                "Reverse which dispense of {}? Type its No. from the ledger (any of its rows):",
                v.item.details.label()
            ),
            "No.",
        );
        Question::prompt(prompt, Pending::ReverseWhich)
            .unsaved(UNSAVED)
            .into()
    }

    /// The rows of the item's loaded ledger written by the dispense of `seq`,
    /// oldest first.
    fn dispense_shown(&self, seq: i64) -> Vec<&MovementRow> {
        let Some(v) = &self.item else {
            return Vec::new();
        };
        let Some(row) = v
            .ledger
            .iter()
            .find(|m| m.seq == seq && m.kind == "dispense")
        else {
            return Vec::new();
        };
        v.ledger
            .iter()
            .filter(|m| {
                m.kind == "dispense"
                    && m.at == row.at
                    && m.patient_id == row.patient_id
                    && m.reference == row.reference
                    && m.actor == row.actor
            })
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    }

    /// Reads the typed number and asks why the dispense is reversed.
    pub(super) fn ask_why_reversed(&mut self, typed: &str) -> Said {
        let Some(seq) = typed.trim().parse::<i64>().ok().filter(|n| *n > 0) else {
            return Said::Error(format!(
                "{:?} is not a ledger No.: type the number in the No. column (v to try again).",
                typed.trim()
            ));
        };
        if self.dispense_shown(seq).is_empty() {
            return Said::Error(format!(
                "No. {seq} is not a dispense of this item: look for a dispense row in the ledger (v to try again)."
            ));
        }
        let prompt = Prompt::new(
            format!("Why is dispense {seq} reversed? (kept in the ledger and on the bill)"),
            "Reason",
        );
        Question::prompt(prompt, Pending::ReverseWhy(seq))
            .unsaved(UNSAVED)
            .into()
    }

    /// Asks for a yes naming what goes back where.
    pub(super) fn confirm_reversal(&mut self, seq: i64, reason: String) -> Said {
        if reason.trim().is_empty() {
            return Said::Error(
                "Type why the dispense is reversed: it is kept in the ledger (v to try again)."
                    .into(),
            );
        }
        let rows = self.dispense_shown(seq);
        let Some(first) = rows.first() else {
            return Said::Nothing;
        };
        let unit = self
            .item
            .as_ref()
            .map(|v| v.item.details.unit.clone())
            .unwrap_or_default();
        let back = rows
            .iter()
            .map(|m| {
                format!(
                    "{} to batch {}",
                    quantity_of(-m.quantity, &unit),
                    m.batch_no
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let from = first
            .patient_mrn
            .as_ref()
            .map(|mrn| format!(" dispensed to {mrn}"))
            .unwrap_or_default();
        let question = format!(
            "Reverse dispense {seq}{from}? {back}; its charges are reversed and a prescription owes it again."
        );
        Question::confirm(question, Pending::ReverseDispense(seq, reason)).into()
    }

    /// Reverses the dispense, once confirmed, and shows the item again.
    pub(super) fn reverse_dispense(&mut self, seq: i64, reason: &str, ctx: &mut Ctx) -> Said {
        match ops::reverse_dispense(ctx.db, ctx.session, seq, reason, ctx.now) {
            Ok(done) => {
                let said = self.reload(ctx);
                if said != Said::Nothing {
                    return said;
                }
                let charges = match done.charges_reversed {
                    0 => String::new(),
                    1 => "; its charge is reversed".to_string(),
                    n => format!("; its {n} charges are reversed"),
                };
                Said::Info(format!(
                    "Dispense {seq} reversed: {} of {} back in stock{charges}.",
                    quantity_of(done.quantity(), &done.unit),
                    done.item
                ))
            }
            Err(e) => said_error(e),
        }
    }
}
