//! The patients tab's key tables: the help overlay and the hint bar are made
//! from them, so help never drifts from behaviour.

use crate::domain::role::Permission;
use crate::tui::keymap::rows::{
    CANCEL, CHOOSE, FIELDS, PAGING, SAVE, SCROLL, arrows, list_keys, table, up_down,
};
use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// The patients tab, typing in the search box.
pub const PATIENT_SEARCH: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Open, "open", true)],
    arrows!("patient"),
    PAGING,
    &[
        b(
            &[plain(KeyCode::Tab), plain(KeyCode::Esc)],
            Action::FocusList,
            "to results",
            true,
        ),
        b(&[ctrl('n')], Action::NewPatient, "new patient", true)
            .needs(Permission::RegisterPatients),
    ],
];

/// The patients tab, moving in the results.
pub const PATIENT_LIST: &[Binding] = table![
    &[b(&[plain(KeyCode::Enter)], Action::Open, "open", true)],
    list_keys!("patient"),
    &[
        b(
            &[ch('/'), plain(KeyCode::Tab)],
            Action::FocusSearch,
            "search",
            true,
        ),
        b(&[ch('n'), ctrl('n')], Action::NewPatient, "new", true)
            .needs(Permission::RegisterPatients),
        b(&[ch('e')], Action::Edit, "edit", true),
        b(
            &[ch('x')],
            Action::ToggleDeleted,
            "show deleted (admin)",
            false,
        )
        .needs(Permission::DeleteRestoreMergePatients),
    ],
];

/// Picking a patient from search results (the record to merge, later the
/// patient of an appointment or an admission).
pub const PATIENT_PICK: &[Binding] = table![
    CHOOSE,
    arrows!("patient"),
    PAGING,
    &[b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true)],
];

/// The patients search as a picker for another screen: choose, or register
/// the patient first.
pub const PATIENT_PICK_OR_REGISTER: &[Binding] = table![
    CHOOSE,
    &[b(&[ctrl('n')], Action::NewPatient, "register new", true)],
    arrows!("patient"),
    PAGING,
    &[b(&[plain(KeyCode::Esc)], Action::Back, "cancel", true)],
];

/// A patient's record.
pub const PATIENT_RECORD: &[Binding] = table![
    &[
        b(&[plain(KeyCode::Esc)], Action::Back, "back", true),
        b(&[ch('e')], Action::Edit, "edit", true),
        b(&[ch('v')], Action::VerifyIdentity, "verify identity", true),
        b(&[ch('i')], Action::CheckIn, "check in today", false)
            .needs(Permission::ManageAppointments),
        b(&[ch('d')], Action::DeletePatient, "delete (admin)", false)
            .needs(Permission::DeleteRestoreMergePatients),
        b(&[ch('r')], Action::RestorePatient, "restore (admin)", false)
            .needs(Permission::DeleteRestoreMergePatients),
        b(
            &[ch('u')],
            Action::CorrectDeath,
            "undo a death recorded in error (admin)",
            false,
        )
        .needs(Permission::Administer),
        b(
            &[ch('m')],
            Action::MergePatient,
            "merge another record in (admin)",
            false,
        )
        .needs(Permission::DeleteRestoreMergePatients),
        b(
            &[ch('M')],
            Action::UndoMerge,
            "undo the latest merge (admin)",
            false,
        )
        .needs(Permission::DeleteRestoreMergePatients),
        b(&[ch('V')], Action::StartVisit, "start a visit (F7)", false)
            .needs(Permission::ClinicalWorklist),
        b(&[ch('P')], Action::PortalAccount, "portal account", false)
            .needs(Permission::CreatePortalAccounts),
    ],
    SCROLL,
];

/// The merge preview of two records alike: Enter (or y) merges.
pub const MERGE_PREVIEW: &[Binding] = table![
    &[
        b(
            &[plain(KeyCode::Enter), ch('y')],
            Action::Submit,
            "merge",
            true
        ),
        b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
    ],
    SCROLL,
    PAGING,
];

/// The merge preview of records that may be two people: type MERGE and a
/// reason, then Enter.
pub const MERGE_PREVIEW_TYPED: &[Binding] = table![
    &[
        b(&[plain(KeyCode::Enter)], Action::Submit, "merge", true),
        b(&[plain(KeyCode::Esc)], Action::Cancel, "cancel", true),
        b(
            &[plain(KeyCode::Tab), plain(KeyCode::BackTab)],
            Action::NextField,
            "word / reason",
            true
        ),
        b(&[plain(KeyCode::Up)], Action::Up, "scroll up", false),
        b(&[plain(KeyCode::Down)], Action::Down, "scroll down", false),
    ],
    PAGING,
];

/// A patient's record outside the reader's care: `g` breaks the glass.
pub const PATIENT_RECORD_GLASS: &[Binding] = table![
    &[b(&[ch('g')], Action::BreakGlass, "break the glass", true)],
    PATIENT_RECORD,
];

/// A patient's record whose clinical sections are open: `c` shows them.
pub const PATIENT_RECORD_CLINICAL: &[Binding] = table![
    &[b(
        &[ch('c')],
        Action::ToggleClinical,
        "clinical record",
        true
    )],
    PATIENT_RECORD,
];

/// The clinical page of a record: Tab chooses a visit, Enter reads its note.
pub const PATIENT_CLINICAL_PAGE: &[Binding] = table![
    &[
        b(&[plain(KeyCode::Enter)], Action::Open, "read note", true),
        b(
            &[plain(KeyCode::Tab)],
            Action::NextField,
            "next visit",
            true
        ),
        b(
            &[plain(KeyCode::BackTab)],
            Action::PrevField,
            "previous visit",
            false,
        ),
        b(
            &[ch('c'), plain(KeyCode::Esc)],
            Action::ToggleClinical,
            "details",
            true,
        ),
        b(&[ch('R')], Action::ShowLabResults, "lab results", false),
        b(
            &[ch('l')],
            Action::OrderLabTests,
            "lab order (admitted)",
            false
        ),
    ],
    SCROLL,
];

/// A visit's note, read-only.
pub const PATIENT_VISIT_NOTE: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Esc)],
        Action::Back,
        "back to the record",
        true
    )],
    SCROLL,
];

/// The registration and edit form.
pub const PATIENT_FORM: &[Binding] = table![
    SAVE,
    FIELDS,
    &[b(&[ctrl('d')], Action::FocusDuplicates, "duplicates", true)],
    CANCEL,
];

/// The possible duplicates beside the form.
pub const PATIENT_DUPLICATES: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open this record instead",
        true,
    )],
    up_down!(),
    &[b(
        &[plain(KeyCode::Esc), plain(KeyCode::Tab)],
        Action::Back,
        "back to the form",
        true,
    )],
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
            PATIENT_RECORD_GLASS,
            PATIENT_RECORD_CLINICAL,
            PATIENT_CLINICAL_PAGE,
            PATIENT_VISIT_NOTE,
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
            PATIENT_RECORD_GLASS,
            PATIENT_RECORD_CLINICAL,
            PATIENT_CLINICAL_PAGE,
            PATIENT_VISIT_NOTE,
            PATIENT_DUPLICATES,
            PATIENT_PICK_OR_REGISTER,
        ] {
            assert_no_global_key_shadowed(table);
        }
    }
}
