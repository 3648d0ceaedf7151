//! An open form's side of the tab: moving between fields, choosing the
//! patient, cancelling (asking before typed input is thrown away) and
//! saving, which performs the checked request and says what it changed (a
//! dispense first shows its batches: see `dispense`).

use super::forms::{Purpose, Request};
use super::{FormPatient, Pending, Pharmacy, View, local};
use crate::domain::display::{grouped, quantity_of, signed};
use crate::error::Error;
use crate::ops::pharmacy as ops;
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, said_error};

impl Pharmacy {
    pub(super) fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => form.next_field(),
            Action::PrevField => form.prev_field(),
            Action::ChoosePatient => {
                if !form.takes_patient() {
                    return Said::Info("This form has no patient.".into());
                }
                let purpose = if matches!(form.purpose, Purpose::Dispense { .. }) {
                    "Dispense to which patient?"
                } else {
                    "Returned by which patient?"
                };
                return Question::patient(ctx, purpose, FormPatient).into();
            }
            Action::Cancel => {
                if form.changed() {
                    let question = "Throw away what you typed in this form?";
                    return Question::confirm(question, Pending::DiscardForm).into();
                }
                return self.close_form(ctx);
            }
            Action::Save => return self.save_form(ctx),
            _ => {}
        }
        Said::Nothing
    }

    pub(super) fn save_form(&mut self, ctx: &mut Ctx) -> Said {
        self.save_form_as(ctx, false)
    }

    /// Saves the open form; `asked` when its implausible figures (a receipt
    /// or adjustment of many months' use, a far expiry) were asked and the
    /// answer was yes.
    pub(super) fn save_form_as(&mut self, ctx: &mut Ctx, asked: bool) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        let Some(request) = form.check(&local(ctx)) else {
            return Said::Error(
                "Some fields need correcting: see the messages beside them.".into(),
            );
        };
        let patient_id = form.patient.as_ref().map(|p| p.id.to_string());
        let now = ctx.now;
        let result: Result<String, Error> = match (&form.purpose, request) {
            (Purpose::NewItem, Request::Item(d)) => ops::add_item(ctx.db, ctx.session, &d, now)
                .map(|item| {
                    self.item = None;
                    format!(
                        "Added {} to the catalogue: receive stock with r.",
                        item.details.label()
                    )
                }),
            (Purpose::EditItem { item }, Request::Item(d)) => {
                ops::edit_item(ctx.db, ctx.session, &item.id, item.version, &d, now)
                    .map(|i| format!("Saved {}.", i.details.label()))
            }
            (Purpose::Receive { item }, Request::Receive(r)) => {
                let label = item.details.label();
                let receive = if asked {
                    ops::receive_confirmed
                } else {
                    ops::receive
                };
                receive(ctx.db, ctx.session, &r, now).map(|b| {
                    format!(
                        "Received {} of {label} into batch {} (now {}).",
                        quantity_of(r.quantity, &item.details.unit),
                        b.batch_no,
                        grouped(b.on_hand)
                    )
                })
            }
            (Purpose::Dispense { level }, Request::Dispense { quantity }) => {
                let item_id = level.item.id.clone();
                return self.show_plan(&item_id, quantity, ctx);
            }
            (Purpose::Return { batch, item }, Request::Return { quantity, reason }) => {
                ops::return_to_stock(
                    ctx.db,
                    ctx.session,
                    &batch.id,
                    quantity,
                    &reason,
                    patient_id.as_deref(),
                    now,
                )
                .map(|b| {
                    format!(
                        "Returned {} to batch {} (now {}).",
                        quantity_of(quantity, &item.details.unit),
                        b.batch_no,
                        grouped(b.on_hand)
                    )
                })
            }
            (Purpose::Adjust { batch, .. }, Request::Adjust { why, delta, note }) => {
                let adjust = if asked {
                    ops::adjust_confirmed
                } else {
                    ops::adjust
                };
                adjust(ctx.db, ctx.session, &batch.id, delta, why, &note, now).map(|b| {
                    format!(
                        "Adjusted batch {} by {} (now {}).",
                        b.batch_no,
                        signed(delta),
                        grouped(b.on_hand)
                    )
                })
            }
            (Purpose::Dispose { batch, item }, Request::Dispose { quantity, reason }) => {
                ops::dispose(ctx.db, ctx.session, &batch.id, quantity, &reason, now).map(|b| {
                    format!(
                        "Disposed of {} of batch {} (now {}).",
                        quantity_of(quantity, &item.details.unit),
                        b.batch_no,
                        grouped(b.on_hand)
                    )
                })
            }
            _ => return Said::Nothing,
        };
        match result {
            Ok(msg) => {
                let said = self.close_form(ctx);
                if said == Said::Nothing {
                    Said::Info(msg)
                } else {
                    said
                }
            }
            Err(Error::AskFirst(question)) => Question::confirm(
                format!("{}. Save it?", capital(&question)),
                Pending::SaveAsked,
            )
            .into(),
            Err(e) => said_error(e),
        }
    }
}

/// The question with its first letter capitalised, to open a popup.
pub(super) fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
