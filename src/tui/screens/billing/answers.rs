//! The billing tab's forms saved and its questions answered: a form read
//! and confirmed in a question naming the bill and the money, then the
//! payment, refund, charge, reversal, closing, scheme or cash-up done,
//! and the receipt written.

use super::forms::Kind;
use super::{Billing, PatientBills, Pending, View};
use crate::domain::billing::{Method, bill_number, money, receipt_number};
use crate::ops::billing::{bills, desk, receipts, tariff};
use crate::store::billing::BillOf;
use crate::tui::keymap::Action;
use crate::tui::popups::{Answer, Heard, Question, Refused};
use crate::tui::screen::{Ctx, Said, said_error};

impl Billing {
    pub(super) fn perform_form(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        match action {
            Action::NextField => form.fields.next(),
            Action::PrevField => form.fields.prev(),
            Action::NextChoice | Action::PrevChoice => {
                form.fields.cycle(action == Action::NextChoice)
            }
            Action::Cancel => {
                if form.fields.changed() {
                    return Question::confirm("Throw away what you typed?", Pending::Discard)
                        .into();
                }
                self.view = self.under_form();
                return Said::Nothing;
            }
            Action::Save => return self.confirm_form(ctx),
            _ => {}
        }
        Said::Nothing
    }

    /// Reads the form and asks to confirm what it will do, in words.
    fn confirm_form(&mut self, ctx: &mut Ctx) -> Said {
        let currency = ctx.settings.currency.clone();
        let pattern = ctx.settings.date_pattern();
        let whose = self
            .bill
            .as_ref()
            .map(|b| {
                format!(
                    "bill {} of {} {}",
                    bill_number(b.detail.bill.number),
                    b.name,
                    b.mrn
                )
            })
            .unwrap_or_default();
        let View::Form(form) = &mut self.view else {
            return Said::Nothing;
        };
        let bill_id = match &form.kind {
            Kind::Payment { bill, .. } | Kind::Refund { bill, .. } => Some(bill.clone()),
            _ => None,
        };
        let question = match &form.kind {
            Kind::Payment { .. } => {
                let Some(p) = form.read_payment(&currency) else {
                    return fix_marked();
                };
                let change = match (p.method, p.tendered) {
                    (Method::Cash, Some(t)) if t > p.amount => {
                        format!(
                            " Cash given {}, change {}.",
                            money(t, &currency),
                            money(t - p.amount, &currency)
                        )
                    }
                    _ => String::new(),
                };
                Question::confirm(
                    format!(
                        "Take {} by {} on {whose}?{change}",
                        money(p.amount, &currency),
                        p.method.label().to_lowercase()
                    ),
                    Pending::Pay {
                        bill: bill_id.unwrap_or_default(),
                        payment: p,
                    },
                )
            }
            Kind::Refund { .. } => {
                let Some(r) = form.read_refund(&currency) else {
                    return fix_marked();
                };
                Question::confirm(
                    format!(
                        "Give back {} by {} on {whose} because \"{}\"?",
                        money(r.amount, &currency),
                        r.method.label().to_lowercase(),
                        r.reason
                    ),
                    Pending::Refund {
                        bill: bill_id.unwrap_or_default(),
                        refund: r,
                    },
                )
            }
            Kind::Charge {
                visit,
                admission,
                onto,
                ..
            } => {
                let (visit, admission, onto) = (visit.clone(), admission.clone(), onto.clone());
                let Some((item, price, quantity)) = form.read_charge() else {
                    return fix_marked();
                };
                Question::confirm(
                    format!(
                        "Charge {quantity} × {} at {} ({}) to {onto}?",
                        item.name,
                        money(price, &currency),
                        money(price * quantity, &currency)
                    ),
                    Pending::Charge {
                        visit,
                        admission,
                        code: item.code,
                        quantity,
                    },
                )
            }
            Kind::Scheme { patient, .. } => {
                let patient = patient.clone();
                let about = form.about.clone();
                let Some(s) = form.read_scheme(pattern) else {
                    return fix_marked();
                };
                let until =
                    s.to.map(|d| format!(" until {}", d.format(pattern)))
                        .unwrap_or_default();
                let member = if s.member.is_empty() {
                    String::new()
                } else {
                    format!(", member {}", s.member)
                };
                Question::confirm(
                    format!(
                        "Cover {about} by {}{member} from {}{until}? Bills posted from then follow it.",
                        s.name,
                        s.from.format(pattern)
                    ),
                    Pending::Scheme { patient, scheme: s },
                )
            }
            Kind::CashUp { expected } => {
                let expected = *expected;
                let Some((counted, note)) = form.read_cash_up(&currency) else {
                    return fix_marked();
                };
                let difference = counted - expected.cash;
                let off = if difference == 0 {
                    "no difference".to_string()
                } else {
                    format!("difference {}", money(difference, &currency))
                };
                Question::confirm(
                    format!(
                        "Close your day {}: cash expected {}, counted {} ({off})? No more payments can be taken today.",
                        ctx.today().format(pattern),
                        money(expected.cash, &currency),
                        money(counted, &currency)
                    ),
                    Pending::CashUp { counted, note },
                )
            }
        };
        question.into()
    }

    /// What an answered question does.
    pub(super) fn answer(&mut self, then: Pending, answer: Answer, ctx: &mut Ctx) -> Heard {
        let currency = ctx.settings.currency.clone();
        let clock = ctx.clock();
        if let Pending::FindPatient = then {
            let Answer::Patient(p) = answer else {
                return Ok(Said::Nothing);
            };
            self.patient = Some(PatientBills {
                id: p.id.clone(),
                name: p.details.full_name(),
                mrn: p.mrn.clone(),
                rows: Vec::new(),
                scheme: None,
            });
            self.patient_selected = Default::default();
            self.bill = None;
            self.view = View::Patient;
            return Ok(self.load_patient(&p.id, ctx));
        }
        if let Pending::ReverseReason { charge, what } = then {
            let Answer::Text(reason) = answer else {
                return Ok(Said::Nothing);
            };
            let reason = reason.trim().to_string();
            if reason.is_empty() {
                return Err(Refused {
                    about: Box::new(Pending::ReverseReason { charge, what }),
                    said: Said::Error("Type why the line is reversed, or Esc to keep it.".into()),
                    field_error: Some("required".into()),
                });
            }
            return Ok(Question::confirm(
                format!("Reverse {what} because \"{reason}\"? A reversing line is added; the line stays."),
                Pending::Reverse { charge, reason },
            )
            .into());
        }
        if !matches!(answer, Answer::Yes) {
            return Ok(Said::Nothing);
        }
        let done: Result<String, crate::error::Error> = match then {
            Pending::FindPatient | Pending::ReverseReason { .. } => return Ok(Said::Nothing),
            Pending::Discard => {
                self.view = self.under_form();
                return Ok(Said::Nothing);
            }
            Pending::Pay { bill, payment } => {
                let input = desk::PaymentInput {
                    bill: &bill,
                    method: payment.method,
                    amount: payment.amount,
                    tendered: payment.tendered,
                    reference: &payment.reference,
                };
                desk::take_payment(ctx.db, ctx.session, &input, clock).map(|p| {
                    let change = p
                        .change
                        .filter(|c| *c > 0)
                        .map(|c| format!(", change {}", money(c, &currency)))
                        .unwrap_or_default();
                    let written = match write_receipt(p.receipt, ctx) {
                        Ok(w) => format!(" Receipt written: {w}"),
                        Err(e) => format!(" The receipt was not written: {e}; r writes it again."),
                    };
                    format!(
                        "Receipt {}: {} by {}{change}.{written}",
                        receipt_number(p.receipt),
                        money(p.amount, &currency),
                        p.method.label().to_lowercase()
                    )
                })
            }
            Pending::Refund { bill, refund } => {
                let input = desk::RefundInput {
                    bill: &bill,
                    method: refund.method,
                    amount: refund.amount,
                    reason: &refund.reason,
                    reference: &refund.reference,
                };
                desk::refund(ctx.db, ctx.session, &input, clock).map(|p| {
                    let written = match write_receipt(p.receipt, ctx) {
                        Ok(w) => format!(" Receipt written: {w}"),
                        Err(e) => format!(" The receipt was not written: {e}."),
                    };
                    format!(
                        "Refund receipt {}: {} given back.{written}",
                        receipt_number(p.receipt),
                        money(-p.amount, &currency)
                    )
                })
            }
            Pending::Charge {
                visit,
                admission,
                code,
                quantity,
            } => {
                let of = match (&visit, &admission) {
                    (Some(v), _) => BillOf::Visit(v),
                    (None, Some(a)) => BillOf::Admission(a),
                    (None, None) => return Ok(Said::Nothing),
                };
                bills::post_manual(ctx.db, ctx.session, of, &code, quantity, clock).map(|c| {
                    format!(
                        "Charged {} × {}: {}.",
                        quantity,
                        c.description,
                        money(c.amount, &currency)
                    )
                })
            }
            Pending::Reverse { charge, reason } => {
                bills::reverse(ctx.db, ctx.session, &charge, &reason, clock).map(|c| {
                    format!(
                        "Reversed: {} ({}).",
                        c.description,
                        money(c.amount, &currency)
                    )
                })
            }
            Pending::CloseBill { bill } => bills::close(ctx.db, ctx.session, &bill, clock)
                .map(|b| format!("Bill {} closed.", bill_number(b.number))),
            Pending::Scheme { patient, scheme } => {
                let input = tariff::PatientSchemeInput {
                    patient: &patient,
                    scheme_code: &scheme.code,
                    member_number: &scheme.member,
                    valid_from: scheme.from,
                    valid_to: scheme.to,
                };
                tariff::set_patient_scheme(ctx.db, ctx.session, &input, clock)
                    .map(|()| format!("Payer scheme set: {}.", scheme.name))
            }
            Pending::CashUp { counted, note } => {
                let pattern = ctx.settings.date_pattern();
                desk::close_cash_up(ctx.db, ctx.session, counted, &note, clock).map(|c| {
                    format!(
                        "Your day {} is closed: cash counted {}, difference {}.",
                        c.day.format(pattern),
                        money(c.counted_cash, &currency),
                        money(c.difference, &currency)
                    )
                })
            }
        };
        match done {
            Ok(message) => {
                if matches!(self.view, View::Form(_)) {
                    self.view = self.under_form();
                }
                let said = self.reload(ctx);
                Ok(if said == Said::Nothing {
                    Said::Info(message)
                } else {
                    said
                })
            }
            Err(e) => Ok(said_error(e)),
        }
    }
}

/// The form's mistakes are marked on its fields.
fn fix_marked() -> Said {
    Said::Error("Correct the marked field, then Ctrl+S.".into())
}

/// Writes receipt `number` into the receipts folder; says where, relative
/// to the data folder.
pub(super) fn write_receipt(number: i64, ctx: &mut Ctx) -> crate::error::Result<String> {
    let folder = receipts::folder_of(ctx.db.path());
    let w = receipts::write_both(ctx.db, ctx.session, number, &folder, ctx.clock())?;
    let shown = w
        .text
        .strip_prefix(folder.parent().unwrap_or(&folder))
        .unwrap_or(&w.text);
    Ok(format!("{} + .pdf", shown.display()))
}
