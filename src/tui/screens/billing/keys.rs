//! The billing tab's key tables, one per view, kept beside the screen that
//! uses them. The help overlay and the hint bar are generated from them;
//! a key another role may not use is left out of both for this one.

use crate::domain::role::Permission;
use crate::tui::keymap::rows::{BACK, CHOICE_FORM, FORM, REFRESH, list_keys, table};
use crate::tui::keymap::{Action, Binding, b, ch, plain};
use ratatui::crossterm::event::KeyCode;

/// The day's bills: open one, find a patient's, switch between the bills
/// still to pay and all of today's, close the cashier's day.
pub const DESK: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open the bill",
        true
    )],
    list_keys!("bill"),
    &[
        b(&[ch('/')], Action::ChoosePatient, "a patient's bills", true),
        b(
            &[plain(KeyCode::Tab)],
            Action::NextBillList,
            "to pay / all today",
            true
        ),
        b(&[ch('u')], Action::CashUp, "cash-up", true).needs(Permission::TakePayments),
    ],
    REFRESH,
];

/// One patient's bills, newest first, the scheme that covers them, and a
/// charge on their stay or today's visit.
pub const PATIENT: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open the bill",
        true
    )],
    BACK,
    list_keys!("bill"),
    &[
        b(&[ch('s')], Action::SetScheme, "payer scheme", true).needs(Permission::SetPatientScheme),
        b(&[ch('c')], Action::PostCharge, "charge", true).needs(Permission::PostCharges),
        b(&[ch('/')], Action::ChoosePatient, "another patient", false),
    ],
    REFRESH,
];

/// One bill: its lines and payments, and what is done on it.
pub const BILL: &[Binding] = table![
    BACK,
    &[
        b(&[ch('p')], Action::TakePayment, "take payment", true).needs(Permission::TakePayments),
        b(&[ch('r')], Action::PrintReceipt, "receipt", true).needs(Permission::TakePayments),
        b(&[ch('R')], Action::RefundPayment, "refund", true).needs(Permission::RefundPayments),
        b(&[ch('c')], Action::PostCharge, "charge", true).needs(Permission::PostCharges),
        b(&[ch('x')], Action::ReverseCharge, "reverse line", true).needs(Permission::PostCharges),
        b(&[ch('C')], Action::CloseBill, "close bill", false).needs(Permission::TakePayments),
        b(&[ch('s')], Action::SetScheme, "payer scheme", false).needs(Permission::SetPatientScheme),
    ],
    list_keys!("line"),
    REFRESH,
];

/// A form of typed fields (an amount, a note).
pub const FORM_KEYS: &[Binding] = FORM;

/// A form on a field with options (the method, the item, the scheme).
pub const FORM_PICK: &[Binding] = CHOICE_FORM;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice_or_shadows_a_global_key() {
        for t in [DESK, PATIENT, BILL, FORM_KEYS, FORM_PICK] {
            assert_no_key_twice(t);
        }
        for t in [DESK, PATIENT, BILL] {
            assert_no_global_key_shadowed(t);
        }
    }
}
