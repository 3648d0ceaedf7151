//! The beds tab's key tables, one per view and overlay. They live beside
//! the screen that reads them (moved out of `keymap.rs`, unchanged); the help
//! overlay and the hint bar are still generated from them.

use crate::domain::role::Permission;
use crate::tui::keymap::rows::{
    BACK, CANCEL, CHOICE_FORM, PAGING, REFRESH, SAVE, SCROLL, TAB_FIELDS, home_end, table, up_down,
};
use crate::tui::keymap::{Action, Binding, b, ch, plain};
use ratatui::crossterm::event::KeyCode;

/// The bed board.
pub const BEDS_BOARD: &[Binding] = table![
    &[
        b(&[plain(KeyCode::Enter)], Action::Open, "bed", true),
        b(&[ch('a')], Action::Admit, "admit", true).needs(Permission::AdmitTransferDischarge),
        b(&[ch('t')], Action::Transfer, "transfer", true).needs(Permission::AdmitTransferDischarge),
        b(&[ch('d')], Action::Discharge, "discharge", true)
            .needs(Permission::AdmitTransferDischarge),
        b(&[ch('c')], Action::MarkClean, "clean", true).needs(Permission::ManageBedCleaning),
        b(&[ch('r')], Action::Reserve, "reserve / cancel", false)
            .needs(Permission::AdmitTransferDischarge),
        b(
            &[ch('o')],
            Action::ToggleService,
            "out of service / back",
            false,
        )
        .needs(Permission::ManageBedCleaning),
    ],
    WARD_AND_FREE,
    &[
        b(&[ch('s')], Action::Census, "census", false),
        b(&[ch('m')], Action::SetUp, "wards, beds (admin)", false).needs(Permission::Administer),
        b(&[ch('V')], Action::StartVisit, "ward round (F7)", false)
            .needs(Permission::ClinicalWorklist),
    ],
    BED_ARROWS,
    &[
        b(
            &[plain(KeyCode::PageDown)],
            Action::PageDown,
            "next ward",
            false,
        ),
        b(
            &[plain(KeyCode::PageUp)],
            Action::PageUp,
            "previous ward",
            false,
        ),
    ],
    home_end!("bed"),
    REFRESH,
];

/// Choosing the bed a patient is transferred to.
pub const BEDS_MOVE: &[Binding] = table![
    &[
        b(&[plain(KeyCode::Enter)], Action::Open, "move here", true),
        b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true),
    ],
    WARD_AND_FREE,
    BED_ARROWS,
    home_end!("bed"),
];

/// The board's filters: one ward, free beds only.
const WARD_AND_FREE: &[Binding] = &[
    b(&[ch('w')], Action::NextWard, "ward", true),
    b(&[ch('f')], Action::FreeOnly, "free only", true),
];

/// The arrows (and h j k l) move between the board's tiles.
const BED_ARROWS: &[Binding] = table![
    up_down!(@ "bed above", "bed below"),
    &[
        b(
            &[plain(KeyCode::Left), ch('h')],
            Action::Left,
            "previous bed",
            false,
        ),
        b(
            &[plain(KeyCode::Right), ch('l')],
            Action::Right,
            "next bed",
            false,
        ),
    ],
];

/// A bed's detail and history.
pub const BEDS_DETAIL: &[Binding] = table![BACK, SCROLL];

/// A beds form with the cursor in a text field.
pub const BEDS_FORM: &[Binding] = table![SAVE, TAB_FIELDS, CANCEL];

/// A beds form on a field with options.
pub const BEDS_FORM_CHOICE: &[Binding] = CHOICE_FORM;

/// The census of one day.
pub const BEDS_CENSUS: &[Binding] = table![
    &[
        b(
            &[plain(KeyCode::Left), ch('h')],
            Action::PrevDay,
            "day before",
            true,
        ),
        b(
            &[plain(KeyCode::Right), ch('l')],
            Action::NextDay,
            "day after",
            true,
        ),
        b(&[ch('g')], Action::GoToDate, "go to date", true),
    ],
    BACK,
];

/// Setting up wards and beds (admin).
pub const BEDS_SETUP: &[Binding] = table![
    &[
        b(&[ch('n')], Action::NewWard, "new ward", true),
        b(&[ch('b')], Action::NewBed, "new bed", true),
        b(&[ch('e')], Action::Edit, "rename", true),
        b(&[ch('x')], Action::Retire, "retire", true),
    ],
    BACK,
    up_down!(),
    PAGING,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap;

    /// Every table of the beds tab.
    const TABLES: [&[Binding]; 7] = [
        BEDS_BOARD,
        BEDS_MOVE,
        BEDS_DETAIL,
        BEDS_FORM,
        BEDS_FORM_CHOICE,
        BEDS_CENSUS,
        BEDS_SETUP,
    ];

    #[test]
    fn no_beds_table_binds_one_key_twice() {
        for table in TABLES {
            keymap::assert_no_key_twice(table);
        }
    }

    #[test]
    fn beds_keys_do_not_shadow_global_keys() {
        for table in TABLES {
            keymap::assert_no_global_key_shadowed(table);
        }
    }
}
