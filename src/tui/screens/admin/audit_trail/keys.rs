//! The audit trail browser's key tables: the help overlay and the hint bar
//! are made from them.

use crate::tui::keymap::rows::{BACK, REFRESH, SCROLL, list_keys, table};
use crate::tui::keymap::{Action, Binding, b, ch, plain};
use ratatui::crossterm::event::KeyCode;

/// The filters, shared by the list and who-opened.
const FILTERS: &[Binding] = &[
    b(&[ch('/')], Action::ChoosePatient, "patient", true),
    b(&[ch('s')], Action::FilterStaff, "staff", true),
    b(&[ch('a')], Action::FilterAction, "action", true),
    b(&[ch('f')], Action::FilterFrom, "from date", true),
    b(&[ch('t')], Action::FilterTo, "to date", true),
    b(&[ch('c')], Action::ClearFilters, "clear filters", false),
];

/// The list of events found.
pub const LIST: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open event",
        true
    )],
    FILTERS,
    &[
        b(&[ch('o')], Action::WhoOpened, "who opened", true),
        b(&[ch('x')], Action::ExportCsv, "export CSV", true),
    ],
    list_keys!("event"),
    REFRESH,
];

/// One event, all its fields.
pub const EVENT: &[Binding] = table![SCROLL, BACK];

/// Who opened the filtered patient's record.
pub const WHO_OPENED: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open event",
        true
    )],
    list_keys!("access"),
    BACK,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice_or_shadows_a_global_key() {
        for t in [LIST, EVENT, WHO_OPENED] {
            assert_no_key_twice(t);
            assert_no_global_key_shadowed(t);
        }
    }
}
