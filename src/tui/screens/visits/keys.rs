//! The visits tab's key tables, one per view, kept beside the screen that
//! uses them. The help overlay and the hint bar are generated from them.

use crate::tui::keymap::rows::{
    BACK, CANCEL, CHOICE_FORM, CHOICES, CHOOSE, FIELDS, FORM, REFRESH, TAB_FIELDS, arrows,
    list_keys, table, up_down,
};
use crate::tui::keymap::{Action, Binding, b, ch, ctrl, plain};
use ratatui::crossterm::event::KeyCode;

/// The worklist: today's patients of a clinician.
pub const WORKLIST: &[Binding] = table![
    &[b(
        &[plain(KeyCode::Enter)],
        Action::Open,
        "open visit",
        true
    )],
    list_keys!("patient"),
    &[
        b(&[ch('n')], Action::StartVisit, "new visit", true),
        b(&[ch('c')], Action::FilterClinician, "other clinician", true),
    ],
    REFRESH,
];

/// The worklist with open critical laboratory results at its top.
pub const WORKLIST_CRITICAL: &[Binding] = table![
    &[b(
        &[ch('K')],
        Action::AcknowledgeCritical,
        "acknowledge critical",
        true
    )],
    WORKLIST,
];

/// A visit's first keys: writing the note, back to the worklist.
const VISIT_OPEN: &[Binding] = &[
    b(
        &[plain(KeyCode::Enter), ch('w')],
        Action::WriteNote,
        "write note",
        true,
    ),
    b(&[plain(KeyCode::Esc)], Action::Back, "worklist", true),
];

/// Charting in a visit: vitals and diagnoses.
const VISIT_CHART: &[Binding] = &[
    b(&[ch('v')], Action::RecordVitals, "vitals", true),
    b(&[ch('d')], Action::AddDiagnosis, "diagnosis", true),
];

/// The rest of a visit's keys while its note is a draft.
const VISIT_MORE: &[Binding] = table![
    &[
        b(&[ch('A')], Action::RecordAllergy, "allergy", true),
        b(&[ctrl('s')], Action::SignNote, "sign", true),
        b(&[ch('a')], Action::AddAddendum, "addendum", false),
    ],
    VISIT_LAST,
];

/// The last keys of a visit, draft or signed: trends, entries in error,
/// problems, and reading the visit again.
const VISIT_LAST: &[Binding] = table![
    &[
        b(&[ch('t')], Action::ShowTrends, "trends", false),
        b(&[ch('l')], Action::OrderLabTests, "lab order", false),
        b(&[ch('R')], Action::ShowLabResults, "lab results", false),
        b(&[ch('e')], Action::MarkInError, "entry in error", false),
        b(&[ch('p')], Action::AddProblem, "add problem", false),
        b(
            &[ch('r')],
            Action::ResolveProblem,
            "resolve the problem",
            false,
        ),
    ],
    REFRESH,
];

/// What only a prescriber is offered in a visit (issue #15, part 1).
const PRESCRIBING: &[Binding] = &[
    b(&[ch('m')], Action::Prescribe, "prescribe", true),
    b(&[ch('s')], Action::StopMedicine, "stop the medicine", false),
];

/// A visit: its note, vitals, diagnoses and allergies.
pub const VISIT: &[Binding] = table![VISIT_OPEN, up_down!("entry"), VISIT_CHART, VISIT_MORE];

/// A visit seen by a prescriber: prescribing and stopping medicines too.
pub const PRESCRIBER_VISIT: &[Binding] = table![
    VISIT_OPEN,
    up_down!("entry"),
    VISIT_CHART,
    PRESCRIBING,
    VISIT_MORE
];

/// A signed note's first keys.
const SIGNED_OPEN: &[Binding] = &[
    b(&[plain(KeyCode::Esc)], Action::Back, "worklist", true),
    // Enter says how a signed note is corrected.
    b(
        &[plain(KeyCode::Enter), ch('w')],
        Action::WriteNote,
        "read why it cannot change",
        false,
    ),
];

/// Charting beside a signed note.
const SIGNED_CHART: &[Binding] = &[
    b(&[ch('a')], Action::AddAddendum, "addendum", true),
    b(&[ch('v')], Action::RecordVitals, "vitals", true),
    b(&[ch('d')], Action::AddDiagnosis, "diagnosis", true),
];

/// The rest of a signed visit's keys.
const SIGNED_MORE: &[Binding] = table![
    &[b(&[ch('A')], Action::RecordAllergy, "allergy", true)],
    VISIT_LAST,
];

/// A visit whose note is signed: it is read, and corrected by addenda.
pub const SIGNED_VISIT: &[Binding] =
    table![SIGNED_OPEN, up_down!("entry"), SIGNED_CHART, SIGNED_MORE];

/// A signed visit seen by a prescriber: medicines are still prescribed.
pub const PRESCRIBER_SIGNED_VISIT: &[Binding] = table![
    SIGNED_OPEN,
    up_down!("entry"),
    SIGNED_CHART,
    PRESCRIBING,
    SIGNED_MORE
];

/// Writing the note: the cursor in one of its five sections.
pub const NOTE: &[Binding] = &[
    b(
        &[plain(KeyCode::Tab)],
        Action::NextField,
        "next section",
        true,
    ),
    b(
        &[plain(KeyCode::BackTab)],
        Action::PrevField,
        "previous section",
        true,
    ),
    b(&[plain(KeyCode::Enter)], Action::NewLine, "new line", false),
    b(&[plain(KeyCode::Up)], Action::Up, "line up", false),
    b(&[plain(KeyCode::Down)], Action::Down, "line down", false),
    b(&[ctrl('s')], Action::SignNote, "sign", true),
    b(&[plain(KeyCode::Esc)], Action::Back, "stop writing", true),
    b(&[ctrl('r')], Action::Refresh, "read the visit again", false),
];

/// The vitals form.
pub const VITALS: &[Binding] = FORM;

/// The vitals form on a field with options.
pub const VITALS_CHOICE: &[Binding] = CHOICE_FORM;

/// Ctrl+S on the prescribing form: review the checks, then prescribe.
const PRESCRIBE_SAVE: &[Binding] = &[b(&[ctrl('s')], Action::Save, "check and prescribe", true)];

/// The prescribing form on a typed field.
pub const PRESCRIBE: &[Binding] = table![PRESCRIBE_SAVE, FIELDS, CANCEL];

/// The prescribing form on a field with options.
pub const PRESCRIBE_CHOICE: &[Binding] = table![PRESCRIBE_SAVE, CHOICES, TAB_FIELDS, CANCEL];

/// The prescribing form on the medicine: the formulary found as one types.
pub const PRESCRIBE_MEDICINE: &[Binding] = table![
    PRESCRIBE_SAVE,
    CHOOSE,
    arrows!("medicine found"),
    &[
        b(
            &[plain(KeyCode::Tab)],
            Action::NextField,
            "choose, next field",
            false,
        ),
        b(
            &[plain(KeyCode::BackTab)],
            Action::PrevField,
            "previous field",
            false,
        ),
    ],
    CANCEL,
];

/// Searching the code list as one types.
pub const CODES: &[Binding] = table![CHOOSE, arrows!("code"), CANCEL,];

/// Each vital's trend.
pub const TRENDS: &[Binding] = table![
    &[
        b(
            &[plain(KeyCode::Left), ch('h')],
            Action::Left,
            "previous vital",
            true,
        ),
        b(
            &[plain(KeyCode::Right), ch('l')],
            Action::Right,
            "next vital",
            true,
        ),
    ],
    BACK,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::keymap::{assert_no_global_key_shadowed, assert_no_key_twice};

    #[test]
    fn no_table_binds_one_key_twice() {
        for table in [
            WORKLIST,
            WORKLIST_CRITICAL,
            VISIT,
            SIGNED_VISIT,
            PRESCRIBER_VISIT,
            PRESCRIBER_SIGNED_VISIT,
            PRESCRIBE,
            PRESCRIBE_CHOICE,
            PRESCRIBE_MEDICINE,
            NOTE,
            VITALS,
            VITALS_CHOICE,
            CODES,
            TRENDS,
        ] {
            assert_no_key_twice(table);
        }
    }

    #[test]
    fn views_do_not_shadow_global_keys() {
        for table in [
            WORKLIST,
            WORKLIST_CRITICAL,
            VISIT,
            SIGNED_VISIT,
            PRESCRIBER_VISIT,
            PRESCRIBER_SIGNED_VISIT,
            TRENDS,
            WORKLIST_CRITICAL,
        ] {
            assert_no_global_key_shadowed(table);
        }
    }
}
