//! The cash desk's forms: a payment (method, amount, cash tendered, the
//! transaction reference), a refund (with its reason), a manual charge
//! from the tariff, a patient's payer scheme, and the day's cash-up. Typed
//! text in, checked values out (each mistake on its field, in words); the
//! screen asks for confirmation and performs them.

use crate::domain::billing::shares::Left;
use crate::domain::billing::{Method, SchemeKind, money, parse_money};
use crate::domain::ids::Id;
use crate::domain::patient::read_date;
use crate::domain::pharmacy::{amount, parse_quantity};
use crate::store::billing::{ByMethod, Scheme, TariffItem};
use crate::tui::widgets::field::Field;
use crate::tui::widgets::form::{Choice, Form, Input};
use chrono::NaiveDate;
use strum::IntoEnumIterator;

/// What a desk form does, with what it was opened on.
pub enum Kind {
    /// A payment on a bill with what the patient and the scheme each have
    /// left to pay.
    Payment { bill: Id, left: Left },
    /// A refund on a bill with `paid` paid on it.
    Refund { bill: Id, paid: i64 },
    /// A manual charge on the visit's or admission's bill, from the items
    /// priced today.
    Charge {
        visit: Option<Id>,
        admission: Option<Id>,
        /// Where it goes, in words: `bill B-000045 of …`, `the stay of …`.
        onto: String,
        items: Vec<(TariffItem, i64)>,
    },
    /// The scheme covering a patient, from a date.
    Scheme { patient: Id, schemes: Vec<Scheme> },
    /// The cashier's day closed against the file's takings.
    CashUp { expected: ByMethod },
}

/// A form over the desk: what it is about, its fields and its kind.
pub struct DeskForm {
    pub about: String,
    pub fields: Form,
    pub kind: Kind,
}

/// The payment methods in the order the form offers them.
fn methods() -> Vec<Method> {
    Method::iter().collect()
}

/// A payment as read from its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedPayment {
    pub method: Method,
    pub amount: i64,
    pub tendered: Option<i64>,
    pub reference: String,
}

/// A refund as read from its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedRefund {
    pub method: Method,
    pub amount: i64,
    pub reference: String,
    pub reason: String,
}

/// A patient's scheme as read from its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedScheme {
    pub code: String,
    pub name: String,
    pub member: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl DeskForm {
    /// A payment, its amount pre-filled with the patient's share left to
    /// pay, or, when the patient owes nothing, with the scheme's share left
    /// as the scheme's settlement.
    pub fn payment(bill: Id, left: Left, about: String, currency: &str) -> DeskForm {
        let all = methods();
        let options = all.iter().map(|m| m.label().to_string()).collect();
        let (method, prefilled) = if left.patient > 0 {
            (Method::Cash, left.patient)
        } else {
            (Method::Scheme, left.scheme)
        };
        let at = all.iter().position(|m| *m == method).unwrap_or(0);
        DeskForm {
            about,
            fields: Form::new(vec![
                Input::Choice(Choice::new("Method", options).at(at)),
                Input::Text(
                    Field::new("Amount")
                        .wide(16)
                        .with_value(&amount(prefilled, currency)),
                ),
                Input::Text(Field::new("Cash given").wide(16)),
                Input::Text(Field::new("Reference").wide(30)),
            ]),
            kind: Kind::Payment { bill, left },
        }
    }

    /// A refund, its amount pre-filled with what was paid.
    pub fn refund(bill: Id, paid: i64, about: String, currency: &str) -> DeskForm {
        let options = methods().iter().map(|m| m.label().to_string()).collect();
        DeskForm {
            about,
            fields: Form::new(vec![
                Input::Choice(Choice::new("Method", options)),
                Input::Text(
                    Field::new("Amount")
                        .wide(16)
                        .with_value(&amount(paid, currency)),
                ),
                Input::Text(Field::new("Reference").wide(30)),
                Input::Text(Field::new("Reason").wide(50)),
            ]),
            kind: Kind::Refund { bill, paid },
        }
    }

    /// A manual charge: the item, the quantity.
    pub fn charge(
        (visit, admission): (Option<Id>, Option<Id>),
        onto: String,
        items: Vec<(TariffItem, i64)>,
        about: String,
        currency: &str,
    ) -> DeskForm {
        let options = items
            .iter()
            .map(|(i, p)| format!("{} · {} · {}", i.name, i.code, money(*p, currency)))
            .collect();
        DeskForm {
            about,
            fields: Form::new(vec![
                Input::Choice(Choice::new("Item", options)),
                Input::Text(Field::new("Quantity").wide(8).with_value("1")),
            ]),
            kind: Kind::Charge {
                visit,
                admission,
                onto,
                items,
            },
        }
    }

    /// A patient's scheme from today (typed in the hospital's date format).
    pub fn scheme(
        patient: Id,
        schemes: Vec<Scheme>,
        about: String,
        today: &str,
        current: Option<&str>,
    ) -> DeskForm {
        let at = current
            .and_then(|code| schemes.iter().position(|s| s.code == code))
            .unwrap_or(0);
        let options = schemes.iter().map(scheme_option).collect();
        DeskForm {
            about,
            fields: Form::new(vec![
                Input::Choice(Choice::new("Scheme", options).at(at)),
                Input::Text(Field::new("Member no.").wide(24)),
                Input::Text(Field::new("From").wide(12).with_value(today)),
                Input::Text(Field::new("Until").wide(12)),
            ]),
            kind: Kind::Scheme { patient, schemes },
        }
    }

    /// The cash-up: the cash counted in the drawer, and a note.
    pub fn cash_up(expected: ByMethod, about: String) -> DeskForm {
        DeskForm {
            about,
            fields: Form::new(vec![
                Input::Text(Field::new("Cash counted").wide(16)),
                Input::Text(Field::new("Note").wide(50)),
            ]),
            kind: Kind::CashUp { expected },
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            Kind::Payment { .. } => "Take a payment",
            Kind::Refund { .. } => "Refund",
            Kind::Charge { .. } => "Charge from the tariff",
            Kind::Scheme { .. } => "Payer scheme",
            Kind::CashUp { .. } => "Close the day: cash-up",
        }
    }

    /// The method chosen on a payment or refund form.
    pub fn method(&self) -> Method {
        methods()
            .get(self.fields.choice(0))
            .copied()
            .unwrap_or(Method::Cash)
    }

    /// Reads a money field; an empty or mistyped one is marked.
    fn money_in(&mut self, i: usize, currency: &str, what: &str) -> Option<i64> {
        let typed = self.fields.text(i).trim().to_string();
        match parse_money(&typed, currency) {
            Some(v) => Some(v),
            None if typed.is_empty() => {
                self.fields.set_error(i, Some(format!("type the {what}")));
                None
            }
            None => {
                self.fields.set_error(
                    i,
                    Some(format!(
                        "{typed:?} is not an amount of {currency}: type it like {}",
                        amount(150_050, currency)
                    )),
                );
                None
            }
        }
    }

    /// The payment typed: an amount up to the balance, the cash given for
    /// cash (empty is the exact amount), a reference for mobile money.
    pub fn read_payment(&mut self, currency: &str) -> Option<TypedPayment> {
        let Kind::Payment { left, .. } = self.kind else {
            return None;
        };
        self.fields.clear_errors();
        let method = self.method();
        let amount_taken = self.money_in(1, currency, "amount taken");
        if let Some(a) = amount_taken {
            if a <= 0 {
                self.fields
                    .set_error(1, Some("a payment is more than zero".into()));
            } else if a > left.for_method(method) {
                let most = money(left.for_method(method).max(0), currency);
                self.fields.set_error(
                    1,
                    Some(if method == Method::Scheme {
                        format!("the scheme has {most} left to settle: take at most that")
                    } else {
                        format!(
                            "the patient has {most} left to pay: take at most that (the scheme's share is settled with the method Scheme)"
                        )
                    }),
                );
            }
        }
        let given = self.fields.text(2).trim().to_string();
        let tendered = if given.is_empty() {
            None
        } else if method != Method::Cash {
            self.fields.set_error(
                2,
                Some("only cash is given with change: leave this empty".into()),
            );
            None
        } else {
            let t = self.money_in(2, currency, "cash given");
            if let (Some(t), Some(a)) = (t, amount_taken)
                && t < a
            {
                self.fields.set_error(
                    2,
                    Some(format!(
                        "less than the amount ({}): take at least that",
                        money(a, currency)
                    )),
                );
            }
            t
        };
        let reference = self.fields.text(3).trim().to_string();
        if method == Method::MobileMoney && reference.is_empty() {
            self.fields.set_error(
                3,
                Some("type the transaction reference from the confirmation message".into()),
            );
        }
        if self.fields.focus_first_error() {
            return None;
        }
        Some(TypedPayment {
            method,
            amount: amount_taken?,
            tendered,
            reference,
        })
    }

    /// The change for the cash given so far, when it reads (for the form's
    /// running line).
    pub fn change_so_far(&self, currency: &str) -> Option<i64> {
        if !matches!(self.kind, Kind::Payment { .. }) || self.method() != Method::Cash {
            return None;
        }
        let a = parse_money(self.fields.text(1), currency)?;
        let t = parse_money(self.fields.text(2), currency)?;
        (t >= a).then_some(t - a)
    }

    /// The refund typed: at most what was paid, with its reason.
    pub fn read_refund(&mut self, currency: &str) -> Option<TypedRefund> {
        let Kind::Refund { paid, .. } = self.kind else {
            return None;
        };
        self.fields.clear_errors();
        let method = self.method();
        let given = self.money_in(1, currency, "amount given back");
        if let Some(a) = given
            && (a <= 0 || a > paid)
        {
            self.fields.set_error(
                1,
                Some(format!(
                    "refund more than zero and at most what was paid ({})",
                    money(paid, currency)
                )),
            );
        }
        let reference = self.fields.text(2).trim().to_string();
        if method == Method::MobileMoney && reference.is_empty() {
            self.fields
                .set_error(2, Some("type the transaction reference".into()));
        }
        let reason = self.fields.text(3).trim().to_string();
        if reason.is_empty() {
            self.fields
                .set_error(3, Some("say why the money is given back (required)".into()));
        }
        if self.fields.focus_first_error() {
            return None;
        }
        Some(TypedRefund {
            method,
            amount: given?,
            reference,
            reason,
        })
    }

    /// The item (its code, name and price) and the quantity of a charge.
    pub fn read_charge(&mut self) -> Option<(TariffItem, i64, i64)> {
        self.fields.clear_errors();
        let quantity = parse_quantity(self.fields.text(1));
        if quantity.is_none() {
            self.fields
                .set_error(1, Some("type how many, a whole number from 1".into()));
        }
        let Kind::Charge { items, .. } = &self.kind else {
            return None;
        };
        let (item, price) = items.get(self.fields.choice(0))?.clone();
        if self.fields.focus_first_error() {
            return None;
        }
        Some((item, price, quantity?))
    }

    /// The scheme, member number and validity typed (dates in `pattern`).
    pub fn read_scheme(&mut self, pattern: &str) -> Option<TypedScheme> {
        self.fields.clear_errors();
        let Kind::Scheme { schemes, .. } = &self.kind else {
            return None;
        };
        let scheme = schemes.get(self.fields.choice(0))?.clone();
        let member = self.fields.text(1).trim().to_string();
        if scheme.kind == SchemeKind::Insurance && member.is_empty() {
            self.fields.set_error(
                1,
                Some("an insurance scheme needs the member number from the card".into()),
            );
        }
        let from = match read_date(self.fields.text(2), pattern) {
            Ok(d) => Some(d),
            Err(e) => {
                self.fields.set_error(2, Some(e.to_string()));
                None
            }
        };
        let to = match self.fields.text(3).trim() {
            "" => None,
            typed => match read_date(typed, pattern) {
                Ok(d) => Some(d),
                Err(e) => {
                    self.fields.set_error(3, Some(e.to_string()));
                    None
                }
            },
        };
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            self.fields
                .set_error(3, Some("the cover ends before it starts".into()));
        }
        if self.fields.focus_first_error() {
            return None;
        }
        Some(TypedScheme {
            code: scheme.code,
            name: scheme.name,
            member,
            from: from?,
            to,
        })
    }

    /// The cash counted and the note; a difference from the expected cash
    /// needs the note.
    pub fn read_cash_up(&mut self, currency: &str) -> Option<(i64, String)> {
        let Kind::CashUp { expected } = self.kind else {
            return None;
        };
        self.fields.clear_errors();
        let counted = self.money_in(0, currency, "cash counted in the drawer");
        let note = self.fields.text(1).trim().to_string();
        if let Some(c) = counted
            && c != expected.cash
            && note.is_empty()
        {
            self.fields.set_error(
                1,
                Some(format!(
                    "the count differs by {}: say why",
                    money(c - expected.cash, currency)
                )),
            );
        }
        if self.fields.focus_first_error() {
            return None;
        }
        Some((counted?, note))
    }
}

/// A scheme as the form offers it: `NHIF insurance 80%, co-payment…`.
fn scheme_option(s: &Scheme) -> String {
    match s.kind {
        SchemeKind::SelfPay => format!("{} (self-pay)", s.name),
        SchemeKind::Waiver => format!("{} (waiver)", s.name),
        SchemeKind::Insurance => format!("{} ({}%)", s.name, s.cover.coverage_bp as f64 / 100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-paying patient's payment: all of the balance is theirs.
    fn payment(balance: i64) -> DeskForm {
        DeskForm::payment(
            Id::new(),
            Left {
                patient: balance,
                scheme: 0,
            },
            "B-000001".into(),
            "KES",
        )
    }

    #[test]
    fn a_payment_starts_at_the_balance_and_reads_cash_with_its_change() {
        let mut f = payment(150_000);
        assert_eq!(f.fields.text(1), "1,500.00");
        f.fields.set_text(2, "2,000");
        assert_eq!(f.change_so_far("KES"), Some(50_000));
        assert_eq!(
            f.read_payment("KES"),
            Some(TypedPayment {
                method: Method::Cash,
                amount: 150_000,
                tendered: Some(200_000),
                reference: String::new(),
            })
        );
    }

    #[test]
    fn a_payment_over_the_balance_or_short_of_cash_is_marked_on_its_field() {
        let mut f = payment(150_000);
        f.fields.set_text(1, "1600");
        assert_eq!(f.read_payment("KES"), None);
        assert_eq!(f.fields.focus(), 1);
        f.fields.set_text(1, "1500");
        f.fields.set_text(2, "1000");
        assert_eq!(f.read_payment("KES"), None);
        assert_eq!(f.fields.focus(), 2);
        f.fields.set_text(1, "twelve");
        assert_eq!(f.read_payment("KES"), None);
        assert_eq!(f.fields.focus(), 1);
    }

    #[test]
    fn mobile_money_needs_its_reference_and_takes_no_cash_given() {
        let mut f = payment(50_000);
        f.fields.cycle(true);
        assert_eq!(f.method(), Method::MobileMoney);
        assert_eq!(f.read_payment("KES"), None);
        assert_eq!(f.fields.focus(), 3);
        f.fields.set_text(3, "QK7H2M9XLP");
        f.fields.set_text(2, "600");
        assert_eq!(f.read_payment("KES"), None, "no change on mobile money");
        f.fields.set_text(2, "");
        assert_eq!(
            f.read_payment("KES")
                .map(|p| (p.method, p.amount, p.reference)),
            Some((Method::MobileMoney, 50_000, "QK7H2M9XLP".into()))
        );
    }

    #[test]
    fn a_refund_needs_a_reason_and_gives_back_at_most_what_was_paid() {
        let mut f = DeskForm::refund(Id::new(), 30_000, "B".into(), "KES");
        f.fields.set_text(1, "400");
        assert_eq!(f.read_refund("KES"), None);
        assert_eq!(f.fields.focus(), 1);
        f.fields.set_text(1, "100");
        assert_eq!(f.read_refund("KES"), None);
        assert_eq!(f.fields.focus(), 3, "the reason is required");
        f.fields.set_text(3, "test not done");
        assert_eq!(
            f.read_refund("KES").map(|r| (r.amount, r.reason)),
            Some((10_000, "test not done".into()))
        );
    }

    #[test]
    fn a_cash_up_with_a_difference_needs_a_note() {
        let expected = ByMethod {
            cash: 120_000,
            ..ByMethod::default()
        };
        let mut f = DeskForm::cash_up(expected, "day".into());
        f.fields.set_text(0, "1,150");
        assert_eq!(f.read_cash_up("KES"), None);
        assert_eq!(f.fields.focus(), 1);
        f.fields.set_text(1, "short by a coin roll");
        assert_eq!(
            f.read_cash_up("KES"),
            Some((115_000, "short by a coin roll".into()))
        );
        f.fields.set_text(0, "1200");
        f.fields.set_text(1, "");
        assert_eq!(f.read_cash_up("KES"), Some((120_000, String::new())));
    }
}
