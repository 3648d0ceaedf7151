//! What the billing tab's keys do on its views: reading today's bills, a
//! patient's and an open bill, and starting the steps on them (payment,
//! receipt, refund, charge, reversal, closing, the scheme) and the day's
//! cash-up. The forms those steps open, their confirmations and the
//! answers are in `answers.rs`.

use super::answers::write_receipt;
use super::forms::DeskForm;
use super::{Billing, DeskList, OpenBill, PatientBills, Pending, View};
use crate::domain::billing::{bill_number, money, receipt_number};
use crate::domain::display::plural;
use crate::domain::ids::Id;
use crate::domain::role::Permission;
use crate::ops::billing::{bills, desk};
use crate::tui::keymap::Action;
use crate::tui::popups::Question;
use crate::tui::screen::{Ctx, Said, refused, said_error};
use crate::tui::widgets::popup::Prompt;

impl Billing {
    /// Reads afresh what the view shows (and the desk's list and takings
    /// under it), keeping the selections where they were.
    pub(super) fn reload(&mut self, ctx: &mut Ctx) -> Said {
        let said = self.reload_desk(ctx);
        if said != Said::Nothing {
            return said;
        }
        if let Some(p) = &self.patient {
            let id = p.id.clone();
            let said = self.load_patient(&id, ctx);
            if said != Said::Nothing {
                return said;
            }
        }
        match (&self.view, &self.bill) {
            (View::Bill | View::Form(_), Some(b)) => {
                let id = b.detail.bill.id.clone();
                let from_patient = b.from_patient;
                self.load_bill(&id, from_patient, ctx)
            }
            _ => Said::Nothing,
        }
    }

    fn reload_desk(&mut self, ctx: &mut Ctx) -> Said {
        let keep = self.selected_row_bill();
        match desk::day_bills(ctx.db, ctx.session, ctx.clock()) {
            Ok(rows) => self.today = rows,
            Err(e) => return said_error(e),
        }
        if ctx.session.user.role.can(Permission::TakePayments) {
            match desk::my_takings(ctx.db, ctx.session, ctx.clock()) {
                Ok(t) => self.takings = Some(t),
                Err(e) => return said_error(e),
            }
            match desk::my_cash_up(ctx.db, ctx.session, ctx.clock()) {
                Ok(c) => self.cash_up = c,
                Err(e) => return said_error(e),
            }
        }
        let shown = self.shown();
        let at = keep.and_then(|id| shown.iter().position(|r| r.bill.id == id));
        let len = shown.len();
        self.selected
            .select(at.unwrap_or(self.selected.index()), len);
        Said::Nothing
    }

    fn selected_row_bill(&self) -> Option<Id> {
        self.shown()
            .get(self.selected.index())
            .map(|r| r.bill.id.clone())
    }

    /// Reads a patient's bills and the scheme covering them today.
    pub(super) fn load_patient(&mut self, patient: &Id, ctx: &mut Ctx) -> Said {
        let rows = match desk::patient_bills(ctx.db, ctx.session, patient) {
            Ok(r) => r,
            Err(e) => return said_error(e),
        };
        let scheme = match desk::scheme_of_patient(ctx.db, ctx.session, patient, ctx.clock()) {
            Ok(s) => s,
            Err(e) => return said_error(e),
        };
        let (name, mrn) = match (&self.patient, rows.first()) {
            (Some(p), _) if &p.id == patient => (p.name.clone(), p.mrn.clone()),
            (_, Some(r)) => (r.patient_name.clone(), r.mrn.clone()),
            _ => (String::new(), String::new()),
        };
        self.patient_selected.clamp(rows.len());
        self.patient = Some(PatientBills {
            id: patient.clone(),
            name,
            mrn,
            rows,
            scheme,
        });
        Said::Nothing
    }

    /// Reads a bill for payment (an audited read; an admission's bed-days
    /// due are posted first).
    fn load_bill(&mut self, bill: &Id, from_patient: bool, ctx: &mut Ctx) -> Said {
        let detail = match bills::for_payment(ctx.db, ctx.session, bill, ctx.clock()) {
            Ok(d) => d,
            Err(e) => return said_error(e),
        };
        let row = self
            .today
            .iter()
            .chain(self.patient.iter().flat_map(|p| p.rows.iter()))
            .find(|r| &r.bill.id == bill);
        let (name, mrn) = match (row, &self.bill) {
            (Some(r), _) => (r.patient_name.clone(), r.mrn.clone()),
            (None, Some(b)) => (b.name.clone(), b.mrn.clone()),
            (None, None) => (String::new(), String::new()),
        };
        let scheme = match desk::scheme_of_patient(
            ctx.db,
            ctx.session,
            &detail.bill.patient_id,
            ctx.clock(),
        ) {
            Ok(s) => s,
            Err(e) => return said_error(e),
        };
        self.line
            .clamp(detail.charges.len() + detail.payments.len());
        self.bill = Some(OpenBill {
            detail,
            name,
            mrn,
            scheme,
            from_patient,
        });
        Said::Nothing
    }

    fn open_bill(&mut self, bill: &Id, from_patient: bool, ctx: &mut Ctx) -> Said {
        self.bill = None;
        self.line = Default::default();
        let said = self.load_bill(bill, from_patient, ctx);
        if self.bill.is_some() {
            self.view = View::Bill;
        }
        said
    }

    pub(super) fn perform_desk(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let len = self.shown().len();
        if self.selected.navigate(action, len) {
            return Said::Nothing;
        }
        match action {
            Action::Open => match self.selected_row_bill() {
                Some(id) => self.open_bill(&id, false, ctx),
                None => Said::Info(match self.list {
                    DeskList::ToPay => {
                        "Nothing is left to pay on today's bills: Tab lists all of today's, / finds a patient's bills.".into()
                    }
                    DeskList::All => "No bill has anything done on it today yet: / finds a patient's bills.".into(),
                }),
            },
            Action::NextBillList => {
                self.list = match self.list {
                    DeskList::ToPay => DeskList::All,
                    DeskList::All => DeskList::ToPay,
                };
                self.selected = Default::default();
                Said::Nothing
            }
            Action::ChoosePatient => self.choose_patient(ctx),
            Action::CashUp => self.start_cash_up(ctx),
            _ => Said::Nothing,
        }
    }

    fn choose_patient(&mut self, ctx: &mut Ctx) -> Said {
        Question::patient(
            ctx,
            "Find the patient whose bills to show",
            Pending::FindPatient,
        )
        .into()
    }

    pub(super) fn perform_patient(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let len = self.patient.as_ref().map_or(0, |p| p.rows.len());
        if self.patient_selected.navigate(action, len) {
            return Said::Nothing;
        }
        match action {
            Action::Back => {
                self.view = View::Desk;
                self.reload_desk(ctx)
            }
            Action::Open => {
                let Some(id) = self.patient.as_ref().and_then(|p| {
                    p.rows
                        .get(self.patient_selected.index())
                        .map(|r| r.bill.id.clone())
                }) else {
                    return Said::Info(
                        "This patient has no bill yet: charges open one by themselves.".into(),
                    );
                };
                self.open_bill(&id, true, ctx)
            }
            Action::SetScheme => self.start_scheme(ctx),
            Action::PostCharge => self.start_patient_charge(ctx),
            Action::ChoosePatient => self.choose_patient(ctx),
            _ => Said::Nothing,
        }
    }

    /// A charge for the patient shown: on their stay while admitted, else
    /// on today's visit (the bill opens if it has none yet).
    fn start_patient_charge(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(s) = refused(ctx, Permission::PostCharges, "post charges") {
            return s;
        }
        let Some(p) = &self.patient else {
            return Said::Nothing;
        };
        let who = format!("{} {}", p.name, p.mrn);
        let target = match desk::charge_to(ctx.db, ctx.session, &p.id, ctx.clock()) {
            Ok(t) => t,
            Err(e) => return said_error(e),
        };
        let (of, onto) = match target {
            Some(desk::ChargeTo::Stay(a)) => ((None, Some(a)), format!("the stay of {who}")),
            Some(desk::ChargeTo::Visit(v)) => ((Some(v), None), format!("today's visit of {who}")),
            None => {
                return Said::Info(format!(
                    "{who} is not admitted and has no visit today: a charge goes on a stay's or a visit's bill."
                ));
            }
        };
        let items = match priced_items(ctx) {
            Ok(i) => i,
            Err(said) => return said,
        };
        let currency = ctx.settings.currency.clone();
        let form = DeskForm::charge(of, onto.clone(), items, onto, &currency);
        self.bill = None;
        self.view = View::Form(Box::new(form));
        Said::Nothing
    }

    pub(super) fn perform_bill(&mut self, action: Action, ctx: &mut Ctx) -> Said {
        let Some(b) = &self.bill else {
            self.view = View::Desk;
            return Said::Nothing;
        };
        let len = b.detail.charges.len() + b.detail.payments.len();
        if self.line.navigate(action, len) {
            return Said::Nothing;
        }
        let currency = ctx.settings.currency.clone();
        let d = &b.detail;
        let number = bill_number(d.bill.number);
        let about = format!("Bill {number} · {} {}", b.name, b.mrn);
        match action {
            Action::Back => {
                self.view = if b.from_patient {
                    View::Patient
                } else {
                    View::Desk
                };
                self.bill = None;
                self.reload(ctx)
            }
            Action::TakePayment => {
                if let Some(s) = refused(ctx, Permission::TakePayments, "take payments") {
                    return s;
                }
                if self.cash_up.is_some() {
                    return Said::Error(
                        "Your day is closed by its cash-up: no more payments can be taken today."
                            .into(),
                    );
                }
                if d.totals.balance <= 0 {
                    return Said::Info(format!(
                        "Bill {number} has nothing left to pay (balance {})",
                        money(d.totals.balance, &currency)
                    ));
                }
                let left = d.left();
                if left.patient <= 0 && left.scheme <= 0 {
                    return Said::Info(format!(
                        "Bill {number} has nothing left to pay by the patient or the scheme (balance {}): a refund gives back what was paid over",
                        money(d.totals.balance, &currency)
                    ));
                }
                let form = DeskForm::payment(d.bill.id.clone(), left, about, &currency);
                self.view = View::Form(Box::new(form));
                Said::Nothing
            }
            Action::RefundPayment => {
                if let Some(s) = refused(ctx, Permission::RefundPayments, "refund payments") {
                    return s;
                }
                if d.totals.paid <= 0 {
                    return Said::Info(format!(
                        "Nothing has been paid on bill {number}: there is nothing to refund."
                    ));
                }
                let form = DeskForm::refund(d.bill.id.clone(), d.totals.paid, about, &currency);
                self.view = View::Form(Box::new(form));
                Said::Nothing
            }
            Action::PrintReceipt => self.print_receipt(ctx),
            Action::PostCharge => {
                if let Some(s) = refused(ctx, Permission::PostCharges, "post charges") {
                    return s;
                }
                let items = match priced_items(ctx) {
                    Ok(i) => i,
                    Err(said) => return said,
                };
                let onto = format!("bill {number} of {} {}", b.name, b.mrn);
                let form = DeskForm::charge(
                    (d.bill.visit_id.clone(), d.bill.admission_id.clone()),
                    onto,
                    items,
                    about,
                    &currency,
                );
                self.view = View::Form(Box::new(form));
                Said::Nothing
            }
            Action::ReverseCharge => {
                if let Some(s) = refused(ctx, Permission::PostCharges, "reverse charges") {
                    return s;
                }
                let Some(c) = d.charges.get(self.line.index()) else {
                    return Said::Info(
                        "Select a line of the bill (not a payment) to reverse it.".into(),
                    );
                };
                if c.reverses.is_some() {
                    return Said::Info(
                        "That line is itself a reversal: select the line to undo.".into(),
                    );
                }
                if d.charges.iter().any(|r| r.reverses.as_ref() == Some(&c.id)) {
                    return Said::Info(format!("{} is reversed already.", c.description));
                }
                let what = format!("{} ({})", c.description, money(c.amount, &currency));
                Question::prompt(
                    Prompt::new(format!("Why is {what} reversed?"), "Reason"),
                    Pending::ReverseReason {
                        charge: c.id.clone(),
                        what,
                    },
                )
                .unsaved("Quit and throw away the reason you were typing?")
                .into()
            }
            Action::CloseBill => {
                if let Some(s) = refused(ctx, Permission::TakePayments, "close bills") {
                    return s;
                }
                if d.bill.closed_at.is_some() {
                    return Said::Info(format!("Bill {number} is closed already."));
                }
                let owed = if d.totals.balance > 0 {
                    format!(
                        " It still has {} to pay.",
                        money(d.totals.balance, &currency)
                    )
                } else {
                    String::new()
                };
                Question::confirm(
                    format!(
                        "Close bill {number} of {} {}?{owed} Its lines stay; the next charge opens a new bill.",
                        b.name, b.mrn
                    ),
                    Pending::CloseBill {
                        bill: d.bill.id.clone(),
                    },
                )
                .into()
            }
            Action::SetScheme => self.start_scheme(ctx),
            _ => Said::Nothing,
        }
    }

    /// The receipt of the selected payment, else the bill's latest, written
    /// as printer text and PDF into the receipts folder.
    fn print_receipt(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(s) = refused(ctx, Permission::TakePayments, "print receipts") {
            return s;
        }
        let Some(b) = &self.bill else {
            return Said::Nothing;
        };
        let d = &b.detail;
        let chosen = self
            .line
            .index()
            .checked_sub(d.charges.len())
            .and_then(|i| d.payments.get(i))
            .or(d.payments.last());
        let Some(p) = chosen else {
            return Said::Info("No payment has been taken on this bill yet: p takes one.".into());
        };
        let number = p.receipt;
        match write_receipt(number, ctx) {
            Ok(w) => Said::Info(format!("Receipt {} written: {w}", receipt_number(number))),
            Err(e) => said_error(e),
        }
    }

    fn start_scheme(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(s) = refused(
            ctx,
            Permission::SetPatientScheme,
            "set a patient's payer scheme",
        ) {
            return s;
        }
        let (patient, name, mrn, current) = match (&self.view, &self.bill, &self.patient) {
            (View::Bill, Some(b), _) => (
                b.detail.bill.patient_id.clone(),
                b.name.clone(),
                b.mrn.clone(),
                b.scheme.as_ref().map(|(s, _)| s.code.clone()),
            ),
            (_, _, Some(p)) => (
                p.id.clone(),
                p.name.clone(),
                p.mrn.clone(),
                p.scheme.as_ref().map(|(s, _)| s.code.clone()),
            ),
            _ => return Said::Nothing,
        };
        let schemes = match desk::offered_schemes(ctx.db, ctx.session) {
            Ok(s) => s,
            Err(e) => return said_error(e),
        };
        if schemes.is_empty() {
            return Said::Error(
                "The hospital has no payer scheme yet: an administrator adds them with `wardline schemes add`.".into(),
            );
        }
        let today = ctx.today().format(ctx.settings.date_pattern()).to_string();
        let form = DeskForm::scheme(
            patient,
            schemes,
            format!("{name} {mrn}"),
            &today,
            current.as_deref(),
        );
        if !matches!(self.view, View::Bill) {
            self.bill = None;
        }
        self.view = View::Form(Box::new(form));
        Said::Nothing
    }

    fn start_cash_up(&mut self, ctx: &mut Ctx) -> Said {
        if let Some(s) = refused(ctx, Permission::TakePayments, "close the day's cash-up") {
            return s;
        }
        let currency = &ctx.settings.currency;
        if let Some(c) = &self.cash_up {
            return Said::Info(format!(
                "Your day {} is closed: cash counted {}, difference {}.",
                c.day.format(ctx.settings.date_pattern()),
                money(c.counted_cash, currency),
                money(c.difference, currency)
            ));
        }
        let expected = self.takings.unwrap_or_default();
        let form = DeskForm::cash_up(
            expected,
            format!(
                "{} · {}",
                ctx.session.user.full_name,
                ctx.today().format(ctx.settings.date_pattern())
            ),
        );
        self.view = View::Form(Box::new(form));
        Said::Nothing
    }
}

/// The tariff's items priced today; none is said as what to do.
fn priced_items(ctx: &mut Ctx) -> Result<Vec<(crate::store::billing::TariffItem, i64)>, Said> {
    let items = desk::priced_today(ctx.db, ctx.session, ctx.clock()).map_err(said_error)?;
    if items.is_empty() {
        return Err(Said::Error(
            "The tariff has no procedure or service priced today: an administrator prices them with `wardline tariff price`.".into(),
        ));
    }
    Ok(items)
}

/// How many bills a list holds, in words.
pub(super) fn bills_count(n: usize) -> String {
    plural(n as u64, "bill", "bills")
}
