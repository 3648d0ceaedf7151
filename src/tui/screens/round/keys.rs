//! The round tab's key tables, one per view, kept beside the screen that
//! uses them. The help overlay and the hint bar are generated from them.

use crate::tui::keymap::rows::{PAGING, home_end, list_keys, table, up_down};
use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// What the nurse does with a dose: give, hold, refused, not available.
const DOSE: &[Binding] = &[
    b(&[ch('g')], Action::GiveDose, "give", true),
    b(&[ch('h')], Action::HoldDose, "hold", true),
    b(&[ch('r')], Action::RefuseDose, "refused", true),
    b(&[ch('n')], Action::DoseNotAvailable, "not available", true),
];

/// The doses due now and overdue on the nurse's wards.
pub const DUE: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter), ch('m')],
        Action::ShowMar,
        "patient's MAR",
        true
    )],
    DOSE,
    &[b(&[ch('w')], Action::NextWard, "next ward", true)],
    list_keys!("dose"),
    &[b(&[ctrl('r')], Action::Refresh, "refresh", false)],
];

/// A patient's medication administration record for a day.
pub const MAR: &[Binding] = table![
    DOSE,
    &[
        b(&[ch('c')], Action::CorrectDose, "correct", true),
        b(&[plain(KeyCode::Left)], Action::PrevDay, "day before", true),
        b(&[plain(KeyCode::Right)], Action::NextDay, "day after", true),
        b(&[plain(KeyCode::Esc)], Action::Back, "due list", true),
    ],
    up_down!("entry"),
    PAGING,
    home_end!("entry"),
    &[b(&[ctrl('r')], Action::Refresh, "refresh", false)],
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice() {
        for table in [DUE, MAR] {
            assert_no_key_twice(table);
        }
    }

    #[test]
    fn views_do_not_shadow_global_keys() {
        for table in [DUE, MAR] {
            assert_no_global_key_shadowed(table);
        }
    }
}
