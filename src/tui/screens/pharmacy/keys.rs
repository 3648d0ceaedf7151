//! The pharmacy tab's key tables, one per view, kept beside the screen that
//! uses them. The help overlay and the hint bar are generated from them.

use crate::domain::role::Permission;
use crate::tui::keymap::rows::{FORM, arrows, list_keys, table, up_down};
use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// The pharmacy tab: the stock list.
pub const STOCK_LIST: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Open, "open", false)],
    list_keys!("item"),
    &[
        b(&[ch('/')], Action::FocusSearch, "search", true),
        b(&[ch('f')], Action::CycleFilter, "filter", true),
        b(&[ch('d')], Action::DispenseStock, "dispense", true).needs(Permission::Dispense),
        b(&[ch('r')], Action::ReceiveStock, "receive", true).needs(Permission::ManageStock),
        b(&[ch('n')], Action::NewItem, "new item", false).needs(Permission::ManageStock),
        b(&[ch('e')], Action::Edit, "edit item", false).needs(Permission::ManageStock),
        b(&[ctrl('r')], Action::Refresh, "refresh", false),
        b(
            &[ch('p')],
            Action::PrescriptionQueue,
            "prescription queue",
            false,
        ),
    ],
];

/// The prescriptions waiting to be dispensed.
pub const RX_QUEUE: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "dispense plan",
        true
    )],
    list_keys!("prescription"),
    &[
        b(&[ch('l')], Action::WriteLabel, "label again", true),
        b(
            &[ch('p'), plain(KeyCode::Esc)],
            Action::PrescriptionQueue,
            "stock list",
            true,
        ),
        b(&[ctrl('r')], Action::Refresh, "refresh", true),
    ],
];

/// The batches a dispense against a prescription would take.
pub const RX_PLAN: &[Binding] = &[
    b(&[ch('y')], Action::DispensePrescription, "dispense", true).needs(Permission::Dispense),
    b(
        &[ch('n'), plain(KeyCode::Esc)],
        Action::Back,
        "back to the queue",
        true,
    ),
];

/// The pharmacy tab, typing in the search box.
pub const STOCK_SEARCH: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Open, "open", true)],
    arrows!("item"),
    &[b(
        &[plain(KeyCode::Esc), plain(KeyCode::Tab)],
        Action::FocusList,
        "to the list",
        true,
    )],
];

/// One item: its batches and its ledger.
pub const STOCK_ITEM: &[Binding] = table![
    &[b(&[plain(KeyCode::Esc)], Action::Back, "back", true)],
    up_down!("batch"),
    &[
        b(
            &[plain(KeyCode::PageUp)],
            Action::PageUp,
            "scroll the ledger up",
            false,
        ),
        b(
            &[plain(KeyCode::PageDown)],
            Action::PageDown,
            "scroll the ledger down",
            false,
        ),
        b(&[ch('d')], Action::DispenseStock, "dispense", true).needs(Permission::Dispense),
        b(&[ch('r')], Action::ReceiveStock, "receive", true).needs(Permission::ManageStock),
        b(&[ch('t')], Action::ReturnStock, "return to batch", false).needs(Permission::Dispense),
        b(
            &[ch('v')],
            Action::ReverseDispense,
            "reverse a dispense",
            false
        )
        .needs(Permission::Dispense),
        b(&[ch('a')], Action::AdjustStock, "adjust batch", true).needs(Permission::ManageStock),
        b(&[ch('x')], Action::DisposeStock, "dispose expired", false)
            .needs(Permission::ManageStock),
        b(&[ch('c')], Action::CountStock, "count", true).needs(Permission::ManageStock),
        b(&[ch('e')], Action::Edit, "edit item", false).needs(Permission::ManageStock),
        b(
            &[ch('o')],
            Action::ToggleActive,
            "deactivate / reactivate",
            false,
        )
        .needs(Permission::ManageStock),
    ],
];

/// A pharmacy form: item, receive, adjust, dispose.
pub const STOCK_FORM: &[Binding] = FORM;

/// A pharmacy form that may name a patient: dispense, return.
pub const STOCK_PATIENT_FORM: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(&[ctrl('p')], Action::ChoosePatient, "choose patient", true),
    b(
        &[
            plain(KeyCode::Tab),
            plain(KeyCode::Down),
            plain(KeyCode::Enter),
        ],
        Action::NextField,
        "next field",
        false,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// The batches a dispense will take, shown before it is done.
pub const STOCK_DISPENSE_CONFIRM: &[Binding] = &[
    b(
        &[ch('y'), plain(KeyCode::Enter)],
        Action::Yes,
        "dispense",
        true,
    ),
    b(
        &[ch('n'), plain(KeyCode::Esc)],
        Action::No,
        "back to the form",
        true,
    ),
];

/// A stock count: the counted quantity of each batch.
pub const STOCK_COUNT: &[Binding] = &[
    b(
        &[plain(KeyCode::Up), plain(KeyCode::BackTab)],
        Action::Up,
        "previous batch",
        true,
    ),
    b(
        &[
            plain(KeyCode::Down),
            plain(KeyCode::Tab),
            plain(KeyCode::Enter),
        ],
        Action::Down,
        "next batch",
        true,
    ),
    b(&[ctrl('s')], Action::Save, "post differences", true),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice() {
        for table in [
            STOCK_LIST,
            STOCK_SEARCH,
            STOCK_ITEM,
            STOCK_FORM,
            STOCK_PATIENT_FORM,
            STOCK_DISPENSE_CONFIRM,
            STOCK_COUNT,
            RX_QUEUE,
            RX_PLAN,
        ] {
            assert_no_key_twice(table);
        }
    }

    #[test]
    fn list_and_item_keys_do_not_shadow_global_keys() {
        assert_no_global_key_shadowed(STOCK_LIST);
        assert_no_global_key_shadowed(STOCK_ITEM);
        assert_no_global_key_shadowed(RX_QUEUE);
        assert_no_global_key_shadowed(RX_PLAN);
    }
}
