//! The patients tab's key tables: the help overlay and the hint bar are made
//! from them, so help never drifts from behaviour.

use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// The patients tab, typing in the search box.
pub const PATIENT_SEARCH: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "open", true),
    b(&[plain(KeyCode::Up)], Action::Up, "previous patient", false),
    b(&[plain(KeyCode::Down)], Action::Down, "next patient", false),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(
        &[plain(KeyCode::Tab), plain(KeyCode::Esc)],
        Action::FocusList,
        "to results",
        true,
    ),
    b(&[ctrl('n')], Action::NewPatient, "new patient", true),
];

/// The patients tab, moving in the results.
pub const PATIENT_LIST: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "open", true),
    b(
        &[plain(KeyCode::Up), ch('k')],
        Action::Up,
        "previous patient",
        false,
    ),
    b(
        &[plain(KeyCode::Down), ch('j')],
        Action::Down,
        "next patient",
        false,
    ),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(
        &[plain(KeyCode::Home)],
        Action::Home,
        "first patient",
        false,
    ),
    b(&[plain(KeyCode::End)], Action::End, "last patient", false),
    b(
        &[ch('/'), plain(KeyCode::Tab)],
        Action::FocusSearch,
        "search",
        true,
    ),
    b(&[ch('n'), ctrl('n')], Action::NewPatient, "new", true),
    b(&[ch('e')], Action::Edit, "edit", true),
    b(
        &[ch('x')],
        Action::ToggleDeleted,
        "show deleted (admin)",
        false,
    ),
];

/// Picking a patient from search results (the record to merge, later the
/// patient of an appointment or an admission).
pub const PATIENT_PICK: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "choose", true),
    b(&[plain(KeyCode::Up)], Action::Up, "previous patient", false),
    b(&[plain(KeyCode::Down)], Action::Down, "next patient", false),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true),
];

/// The patients search as a picker for another screen: choose, or register
/// the patient first.
pub const PATIENT_PICK_OR_REGISTER: &[Binding] = &[
    b(&[plain(KeyCode::Enter)], Action::Open, "choose", true),
    b(&[ctrl('n')], Action::NewPatient, "register new", true),
    b(&[plain(KeyCode::Up)], Action::Up, "previous patient", false),
    b(&[plain(KeyCode::Down)], Action::Down, "next patient", false),
    b(&[plain(KeyCode::PageUp)], Action::PageUp, "page up", false),
    b(
        &[plain(KeyCode::PageDown)],
        Action::PageDown,
        "page down",
        false,
    ),
    b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true),
];

/// A patient's record.
pub const PATIENT_RECORD: &[Binding] = &[
    b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
    b(&[ch('e')], Action::Edit, "edit", true),
    b(&[ch('v')], Action::VerifyIdentity, "verify identity", true),
    b(&[ch('d')], Action::DeletePatient, "delete (admin)", false),
    b(&[ch('r')], Action::RestorePatient, "restore (admin)", false),
    b(
        &[ch('m')],
        Action::MergePatient,
        "merge another record in (admin)",
        false,
    ),
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

/// The registration and edit form.
pub const PATIENT_FORM: &[Binding] = &[
    b(&[ctrl('s')], Action::Save, "save", true),
    b(
        &[
            plain(KeyCode::Tab),
            plain(KeyCode::Down),
            plain(KeyCode::Enter),
        ],
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
    b(&[ctrl('d')], Action::FocusDuplicates, "duplicates", true),
    b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
];

/// The possible duplicates beside the form.
pub const PATIENT_DUPLICATES: &[Binding] = &[
    b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open this record instead",
        true,
    ),
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
    b(
        &[plain(KeyCode::Esc), plain(KeyCode::Tab)],
        Action::Back,
        "back to the form",
        true,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice() {
        for table in [
            PATIENT_SEARCH,
            PATIENT_LIST,
            PATIENT_PICK,
            PATIENT_PICK_OR_REGISTER,
            PATIENT_RECORD,
            PATIENT_FORM,
            PATIENT_DUPLICATES,
        ] {
            assert_no_key_twice(table);
        }
    }

    #[test]
    fn no_table_shadows_a_global_key() {
        for table in [
            PATIENT_LIST,
            PATIENT_RECORD,
            PATIENT_DUPLICATES,
            PATIENT_PICK_OR_REGISTER,
        ] {
            assert_no_global_key_shadowed(table);
        }
    }
}
