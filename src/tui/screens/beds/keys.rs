//! The beds tab's key tables, one per view and overlay. They live beside
//! the screen that reads them (moved out of `keymap.rs`, unchanged); the help
//! overlay and the hint bar are still generated from them.

use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// The bed board.
pub const BEDS_BOARD: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "bed", true),
    b(&[ch('a')], Action::Admit, "admit", true),
    b(&[ch('t')], Action::Transfer, "transfer", true),
    b(&[ch('d')], Action::Discharge, "discharge", true),
    b(&[ch('c')], Action::MarkClean, "clean", true),
    b(&[ch('r')], Action::Reserve, "reserve / cancel", false),
    b(
        &[ch('o')],
        Action::ToggleService,
        "out of service / back",
        false,
    ),
    b(&[ch('w')], Action::NextWard, "ward", true),
    b(&[ch('f')], Action::FreeOnly, "free only", true),
    b(&[ch('s')], Action::Census, "census", false),
    b(&[ch('m')], Action::SetUp, "wards, beds (admin)", false),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "bed above",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "bed below",
        false,
    ),
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
    b(&[plain(KeyCode::Home)], Action::Home, "first bed", false),
    b(&[plain(KeyCode::End)], Action::End, "last bed", false),
    b(&[ctrl('r')], Action::Refresh, "refresh", false),
];

/// Choosing the bed a patient is transferred to.
pub const BEDS_MOVE: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "move here", true),
    b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true),
    b(&[ch('w')], Action::NextWard, "ward", true),
    b(&[ch('f')], Action::FreeOnly, "free only", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "bed above",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "bed below",
        false,
    ),
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
    b(&[plain(KeyCode::Home)], Action::Home, "first bed", false),
    b(&[plain(KeyCode::End)], Action::End, "last bed", false),
];

/// A bed's detail and history.
pub const BEDS_DETAIL: &[Binding] = &[
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "scroll up",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "scroll down",
        false,
    ),
];

/// A beds form with the cursor in a text field.
pub const BEDS_FORM: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// A beds form on a field with options.
pub const BEDS_FORM_CHOICE: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(
        &[plain(KeyCode::Left)],
        Action::PrevChoice,
        "previous option",
        false,
    ),
    b(
        &[plain(KeyCode::Right)],
        Action::NextChoice,
        "next option",
        true,
    ),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Down)],
        Action::NextField,
        "next field",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab), plain(KeyCode::Up)],
        Action::PrevField,
        "previous field",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// The census of one day.
pub const BEDS_CENSUS: &[Binding] = &[
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
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
];

/// Setting up wards and beds (admin).
pub const BEDS_SETUP: &[Binding] = &[
    b(&[ch('n')], Action::NewWard, "new ward", true),
    b(&[ch('b')], Action::NewBed, "new bed", true),
    b(&[ch('e')], Action::Edit, "rename", true),
    b(&[ch('x')], Action::Retire, "retire", true),
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next",
        false,
    ),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
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
